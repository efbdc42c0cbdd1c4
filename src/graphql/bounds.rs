//! How much work a document asks of validation, measured before async-graphql sees it.
//!
//! async-graphql's validation visits a fragment's selections again at every spread, so
//! ten fragments that each spread the next twice cost 2^10 visits: a 2 KB document can
//! keep a worker busy for minutes. The size here counts each spread as the selections it
//! stands for, with each fragment's size computed once, so measuring costs one pass over
//! the text whatever the document expands to.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::Positioned;
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};

use crate::config::Limits;

/// The largest document the gate lets through to validation.
#[derive(Debug, Clone, Copy)]
pub struct DocumentBounds {
    /// Bytes of query text.
    pub max_bytes: usize,
    /// Selections once every fragment spread is replaced by its fragment, over every
    /// operation and fragment definition of the document.
    pub max_selections: usize,
}

impl DocumentBounds {
    pub fn from_limits(limits: &Limits) -> DocumentBounds {
        DocumentBounds {
            max_bytes: limits.max_query_bytes,
            max_selections: limits.max_query_selections,
        }
    }
}

/// How many selections validation visits in `document`: each operation expanded, plus
/// each fragment definition once. Saturates instead of overflowing.
pub fn expanded_selections(document: &ExecutableDocument) -> usize {
    let mut sizes = Sizes {
        fragments: &document.fragments,
        known: HashMap::new(),
    };
    let operations = document
        .operations
        .iter()
        .fold(0usize, |total, (_, operation)| {
            total.saturating_add(sizes.of_set(&operation.node.selection_set.node))
        });
    document.fragments.keys().fold(operations, |total, name| {
        total.saturating_add(sizes.of_fragment(name))
    })
}

struct Sizes<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    /// Expanded size of each fragment measured so far; `None` while it is being
    /// measured, so a cycle (which validation refuses) counts once instead of forever.
    known: HashMap<&'a str, Option<usize>>,
}

impl<'a> Sizes<'a> {
    fn of_fragment(&mut self, name: &'a str) -> usize {
        match self.known.get(name) {
            Some(Some(size)) => return *size,
            Some(None) => return 0,
            None => {}
        }
        let Some(fragment) = self.fragments.get(name) else {
            return 0;
        };
        self.known.insert(name, None);
        let size = self.of_set(&fragment.node.selection_set.node);
        self.known.insert(name, Some(size));
        size
    }

    fn of_set(&mut self, set: &'a SelectionSet) -> usize {
        set.items.iter().fold(0usize, |total, selection| {
            let size = match &selection.node {
                Selection::Field(field) => {
                    1usize.saturating_add(self.of_set(&field.node.selection_set.node))
                }
                Selection::FragmentSpread(spread) => {
                    1usize.saturating_add(self.of_fragment(spread.node.fragment_name.node.as_str()))
                }
                Selection::InlineFragment(inline) => {
                    1usize.saturating_add(self.of_set(&inline.node.selection_set.node))
                }
            };
            total.saturating_add(size)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::expanded_selections;

    fn size(query: &str) -> usize {
        expanded_selections(&async_graphql::parser::parse_query(query).expect("a valid query"))
    }

    #[test]
    fn fields_and_spreads_count_as_often_as_validation_visits_them() {
        assert_eq!(size("{ health { status } }"), 2);
        assert_eq!(
            size("{ ...F ...F } fragment F on Query { health { status } }"),
            2 * 3 + 2
        );
        assert_eq!(size("{ ... on Query { health { status } } }"), 3);
    }

    #[test]
    fn each_spread_counts_its_whole_fragment_so_doubling_spreads_double_the_size() {
        let bomb = "{ ...A } \
            fragment A on Query { ...B ...B } \
            fragment B on Query { ...C ...C } \
            fragment C on Query { health { status } }";
        let c = 2;
        let b = 2 * (1 + c);
        let a = 2 * (1 + b);
        assert_eq!(size(bomb), (1 + a) + a + b + c);
    }

    #[test]
    fn a_fragment_cycle_is_measured_without_looping() {
        assert_eq!(
            size("{ ...A } fragment A on Query { health { status } ...A }"),
            4 + 3
        );
    }
}

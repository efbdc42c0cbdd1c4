//! Objects answered in one pass from what is in memory, before the executor is asked.
//!
//! async-graphql resolves an object by making a boxed future per field, running them
//! in a `FuturesUnordered` and gathering their values into a map. For the dashboard (a
//! page of 100 stacks, each with its server, the server's state, its containers and its
//! last operation: 500 objects and 1,300 fields) that machinery cost more than half of
//! monitor's time for the request, while every value it produced was already in memory
//! (the kept tables, the kept container lists, the ended operations).
//!
//! An [`AtHand`] object answers a selection itself, field by field, without a future,
//! when every field asked for is one it knows and holds now (async-graphql has already
//! taken out what `@skip` and `@include` leave out). Anything else (a field it does not
//! know, an argument, another directive, a fragment on another type, a relation not in
//! memory, such as a running operation or a server whose containers are not kept)
//! makes it give up, and the executor resolves the object as it always did: the answer
//! is then the derived resolvers', errors and all. So this path only ever answers what
//! it knows exactly, and `tests/api/dashboard.rs` compares its answers field by field
//! with the executor's.
//!
//! [`AtHandFirst`] wraps a field's type to try this path first; it takes the wrapped
//! type's name, so the schema does not change.

use std::borrow::Cow;
use std::cell::RefCell;

use async_graphql::indexmap::IndexMap;
use async_graphql::indexmap::map::Entry;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{EnumType, enum_value};
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ScalarType, ServerResult, Value,
};

use crate::state::AppState;

/// An object that can answer some selections from memory, without the executor.
pub trait AtHand: OutputType {
    /// The value of the field `name` (asked without arguments), with `inner` selecting
    /// inside it; `None` when this pass cannot answer it now.
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value>;

    /// The answer to the selection of `ctx`, or `None` when some part of it is not at
    /// hand: the executor is then asked for the whole object.
    fn answer(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        // Sized once: growing a map moves it and its index, and a page makes hundreds.
        let mut answer = IndexMap::with_capacity(ctx.item.node.items.len());
        gather(self, ctx, &ctx.item.node, &mut answer)?;
        Some(Value::Object(answer))
    }
}

/// Adds the fields `selection` asks of `object` to `answer`, in the order asked.
fn gather<'a, T: AtHand + ?Sized>(
    object: &T,
    ctx: &ContextSelectionSet<'a>,
    selection: &'a SelectionSet,
    answer: &mut IndexMap<Name, Value>,
) -> Option<()> {
    for item in &selection.items {
        match &item.node {
            Selection::Field(field) => add_field(object, ctx, field, answer)?,
            Selection::FragmentSpread(spread) => {
                let spread = &spread.node;
                let fragments = &ctx.query_env.fragments;
                let fragment = &fragments.get(&spread.fragment_name.node)?.node;
                let on_this_type = fragment.type_condition.node.on.node.as_str() == T::type_name();
                if !on_this_type || !spread.directives.is_empty() || !fragment.directives.is_empty()
                {
                    return None;
                }
                gather(object, ctx, &fragment.selection_set.node, answer)?;
            }
            Selection::InlineFragment(inline) => {
                let inline = &inline.node;
                let on_this_type = inline
                    .type_condition
                    .as_ref()
                    .is_none_or(|condition| condition.node.on.node.as_str() == T::type_name());
                if !on_this_type || !inline.directives.is_empty() {
                    return None;
                }
                gather(object, ctx, &inline.selection_set.node, answer)?;
            }
        }
    }
    Some(())
}

fn add_field<'a, T: AtHand + ?Sized>(
    object: &T,
    ctx: &ContextSelectionSet<'a>,
    field: &'a Positioned<Field>,
    answer: &mut IndexMap<Name, Value>,
) -> Option<()> {
    let field = &field.node;
    if !field.arguments.is_empty() || !field.directives.is_empty() {
        return None;
    }
    let slot = match answer.entry(field.response_key().node.clone()) {
        Entry::Vacant(slot) => slot,
        // Asked twice (validation made sure both ask the same): a leaf keeps its first
        // value, as the executor does; merging two selections of an object is left to it.
        Entry::Occupied(_) => return field.selection_set.node.items.is_empty().then_some(()),
    };
    let value = if field.name.node == "__typename" {
        Value::String(object.introspection_type_name().into_owned())
    } else {
        object.field(
            &field.name.node,
            &ctx.with_selection_set(&field.selection_set),
        )?
    };
    slot.insert(value);
    Some(())
}

/// A scalar's value, as its GraphQL type gives it.
pub fn scalar<T: ScalarType>(value: &T) -> Value {
    value.to_value()
}

/// An optional scalar's value: `null` when absent.
pub fn optional<T: ScalarType>(value: &Option<T>) -> Value {
    value.as_ref().map_or(Value::Null, ScalarType::to_value)
}

/// An enum's value, as its GraphQL type gives it.
///
/// The executor makes a new name (an `Arc<str>`) for every enum value it answers; a
/// page of stacks answers five a stack. Each thread here keeps one name per variant
/// and shares it, found by the address of the enum's list of variants.
pub fn enumerated<T: EnumType>(value: T) -> Value {
    let items = T::items();
    let Some(position) = items.iter().position(|item| item.value == value) else {
        return enum_value(value);
    };
    ENUM_NAMES.with_borrow_mut(|known| {
        let key = items.as_ptr() as usize;
        let names = match known.iter().position(|(at, _)| *at == key) {
            Some(found) => &known[found].1,
            None => {
                let names = items.iter().map(|item| Name::new(item.name)).collect();
                known.push((key, names));
                &known[known.len() - 1].1
            }
        };
        Value::Enum(names[position].clone())
    })
}

thread_local! {
    /// Per enum answered on this thread (a handful): its list's address, its names.
    static ENUM_NAMES: RefCell<Vec<(usize, Vec<Name>)>> = const { RefCell::new(Vec::new()) };
}

/// An optional object's answer: `null` when absent, `None` when not at hand.
pub fn optional_object<T: AtHand>(
    object: Option<&T>,
    inner: &ContextSelectionSet<'_>,
) -> Option<Value> {
    match object {
        Some(object) => object.answer(inner),
        None => Some(Value::Null),
    }
}

/// A list of objects' answers, `None` when one is not at hand.
pub fn objects<'o, T: AtHand + 'o>(
    objects: impl IntoIterator<Item = &'o T>,
    inner: &ContextSelectionSet<'_>,
) -> Option<Value> {
    objects
        .into_iter()
        .map(|object| object.answer(inner))
        .collect::<Option<Vec<_>>>()
        .map(Value::List)
}

/// `T` as a field's type, answered from memory when it can be (see [`AtHand`]) and by
/// the executor otherwise.
pub struct AtHandFirst<T>(pub T);

impl<T: AtHand + OutputType> OutputType for AtHandFirst<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match self.0.answer(ctx) {
            Some(answer) => {
                if let Some(state) = ctx.data_opt::<AppState>() {
                    state.metrics.graphql_objects_at_hand.inc();
                }
                Ok(answer)
            }
            None => self.0.resolve(ctx, field).await,
        }
    }
}

impl<T: AtHand> AtHand for std::sync::Arc<T> {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        T::field(self, name, inner)
    }

    fn answer(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        T::answer(self, ctx)
    }
}

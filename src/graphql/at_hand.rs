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
//! type's name, so the schema does not change. Wrapped around a page (a connection of
//! such objects), it answers the whole page in one pass: what the page's objects share
//! (a server, its state, its container list; the shape of the selection each object is
//! asked) is looked up or worked out once for the pass, see [`once_per_pass`].

use std::any::Any;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

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
        let shape = shape_of::<Self>(ctx)?;
        let mut answer = shape.keys.clone();
        let mut slots = shape.slots.iter();
        walk::<Self>(ctx, &ctx.item.node, &mut |field| {
            let Some(index) = *slots.next()? else {
                return Some(());
            };
            let value = if field.name.node == "__typename" {
                Value::String(self.introspection_type_name().into_owned())
            } else {
                self.field(
                    &field.name.node,
                    &ctx.with_selection_set(&field.selection_set),
                )?
            };
            *answer.get_index_mut(index)?.1 = value;
            Some(())
        })?;
        Some(Value::Object(answer))
    }
}

/// What a selection makes of an object of one type: the answer's keys, in order, and
/// where the value of each field met on the way through the selection goes.
///
/// Every object of a page is asked the same selection. The keys are worked out for the
/// first object of a pass, and every other object starts from a copy of that map, with
/// its hashes and order, instead of hashing and inserting its keys one by one.
///
/// The keys are names made for the pass, not the document's own. A remembered query's
/// document is shared by every request that asks it (see [`super::validated`]), and so
/// are its names, each an `Arc<str>`: taking them as keys, for every field of every
/// object of a page, made every thread serving the query bump and drop the same
/// reference counts, each write waiting for the other cores to give up the counter's
/// cache line. In a profile of the dashboard under load that wait was most of this
/// module's own time. A pass's names are counted by the thread that answers it.
struct Shape {
    /// The answer's keys, in the order asked, each with a `null` to be replaced.
    keys: IndexMap<Name, Value>,
    /// For each field met walking the selection: the position of its key, or `None`
    /// for a leaf asked again under the same key (it keeps its first value, as the
    /// executor does).
    slots: Vec<Option<usize>>,
}

/// The shape of the selection of `ctx` for an object of type `T`: the pass's own, or
/// worked out now. `None` when the selection asks what this path does not answer (an
/// argument, a directive, a fragment on another type, an object field asked twice,
/// whose selections the executor merges).
fn shape_of<T: AtHand + ?Sized>(ctx: &ContextSelectionSet<'_>) -> Option<Rc<Shape>> {
    let selection: &SelectionSet = &ctx.item.node;
    // Within a pass the document is not freed, so no other selection takes this one's
    // address: the address and the type say which shape it is.
    let address = std::ptr::from_ref(selection) as usize;
    let type_name = T::type_name();
    let known = PASS.with_borrow(|pass| {
        let (_, _, shape) = pass
            .as_ref()?
            .shapes
            .iter()
            .find(|(at, of, _)| *at == address && *of == type_name)?;
        Some(shape.clone())
    });
    if known.is_some() {
        return known;
    }
    let mut keys = IndexMap::with_capacity(selection.items.len());
    let mut slots = Vec::with_capacity(selection.items.len());
    walk::<T>(ctx, selection, &mut |field| {
        if !field.arguments.is_empty() || !field.directives.is_empty() {
            return None;
        }
        match keys.entry(Name::new(field.response_key().node.as_str())) {
            Entry::Vacant(slot) => {
                slots.push(Some(slot.index()));
                slot.insert(Value::Null);
            }
            // Validation made sure both ask the same.
            Entry::Occupied(_) if field.selection_set.node.items.is_empty() => slots.push(None),
            Entry::Occupied(_) => return None,
        }
        Some(())
    })?;
    let shape = Rc::new(Shape { keys, slots });
    PASS.with_borrow_mut(|pass| {
        if let Some(pass) = pass {
            pass.shapes.push((address, type_name, shape.clone()));
        }
    });
    Some(shape)
}

/// Visits the fields `selection` asks of an object of type `T`, in the order asked,
/// those of its fragments on `T` included. `None` when it has a fragment on another
/// type or a directive on a fragment, or when `visit` says `None`.
fn walk<'a, T: AtHand + ?Sized>(
    ctx: &ContextSelectionSet<'a>,
    selection: &'a SelectionSet,
    visit: &mut impl FnMut(&'a Field) -> Option<()>,
) -> Option<()> {
    for item in &selection.items {
        match &item.node {
            Selection::Field(field) => visit(&field.node)?,
            Selection::FragmentSpread(spread) => {
                let spread = &spread.node;
                let fragments = &ctx.query_env.fragments;
                let fragment = &fragments.get(&spread.fragment_name.node)?.node;
                let on_this_type = fragment.type_condition.node.on.node.as_str() == T::type_name();
                if !on_this_type || !spread.directives.is_empty() || !fragment.directives.is_empty()
                {
                    return None;
                }
                walk::<T>(ctx, &fragment.selection_set.node, visit)?;
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
                walk::<T>(ctx, &inline.selection_set.node, visit)?;
            }
        }
    }
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

/// What a pass has looked up and worked out so far (see [`in_one_pass`]).
#[derive(Default)]
struct Pass {
    /// What was looked up, for which key, and what was found ([`once_per_pass`]).
    looked_up: Vec<(&'static str, Box<str>, Rc<dyn Any>)>,
    /// The address of each selection answered, the type it was answered for, and its
    /// shape ([`shape_of`]).
    shapes: Vec<(usize, Cow<'static, str>, Rc<Shape>)>,
}

thread_local! {
    /// Per enum answered on this thread (a handful): its list's address, its names.
    static ENUM_NAMES: RefCell<Vec<(usize, Vec<Name>)>> = const { RefCell::new(Vec::new()) };

    /// The pass under way on this thread; `None` outside a pass.
    static PASS: RefCell<Option<Pass>> = const { RefCell::new(None) };
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
        match in_one_pass(|| self.0.answer(ctx)) {
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

impl<T: AtHand> AtHand for AtHandFirst<T> {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        self.0.field(name, inner)
    }

    fn answer(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        self.0.answer(ctx)
    }
}

/// Runs `answer` as one pass: what it looks up through [`once_per_pass`] is looked up
/// once, and forgotten when it returns. A pass inside a pass is part of it.
fn in_one_pass<R>(answer: impl FnOnce() -> R) -> R {
    /// Forgets the pass's lookups, however it ends.
    struct EndOfPass;
    impl Drop for EndOfPass {
        fn drop(&mut self) {
            PASS.with_borrow_mut(|pass| *pass = None);
        }
    }
    let starts_here = PASS.with_borrow_mut(|pass| {
        if pass.is_some() {
            return false;
        }
        *pass = Some(Pass::default());
        true
    });
    let _end = starts_here.then(|| EndOfPass);
    answer()
}

/// `look_up()`, made once in the current pass for each `what` and `key` (see
/// [`in_one_pass`]), and at every call outside one.
///
/// A page's stacks mostly share one server: its record, its state and its kept
/// container list were looked up for each stack, each lookup a lock and a shared
/// reference count that every thread serving a page writes. A pass is synchronous, so
/// what it looked up stays as it was for the rest of it, and the page is answered from
/// one moment of each server instead of a hundred.
pub fn once_per_pass<T: 'static>(
    what: &'static str,
    key: &str,
    look_up: impl FnOnce() -> T,
) -> Rc<T> {
    let found = PASS.with_borrow(|pass| {
        let (_, _, value) = pass
            .as_ref()?
            .looked_up
            .iter()
            .find(|(was, for_key, _)| *was == what && **for_key == *key)?;
        value.clone().downcast::<T>().ok()
    });
    if let Some(found) = found {
        return found;
    }
    // Looked up with no borrow held: a lookup may make lookups of its own.
    let value = Rc::new(look_up());
    PASS.with_borrow_mut(|pass| {
        if let Some(pass) = pass {
            pass.looked_up.push((what, key.into(), value.clone()));
        }
    });
    value
}

impl<T: AtHand> AtHand for std::sync::Arc<T> {
    fn field(&self, name: &str, inner: &ContextSelectionSet<'_>) -> Option<Value> {
        T::field(self, name, inner)
    }

    fn answer(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        T::answer(self, ctx)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn a_pass_looks_each_thing_up_once_and_forgets_it_when_it_ends() {
        let lookups = Cell::new(0);
        let look_up = |key: &str| {
            once_per_pass("length", key, || {
                lookups.set(lookups.get() + 1);
                key.len()
            })
        };

        let in_pass = in_one_pass(|| {
            let first = *look_up("web");
            let again = in_one_pass(|| *look_up("web"));
            let other = *look_up("worker");
            (first, again, other)
        });
        assert_eq!(in_pass, (3, 3, 6));
        assert_eq!(
            lookups.get(),
            2,
            "once per key, a pass inside a pass included"
        );

        in_one_pass(|| look_up("web"));
        assert_eq!(lookups.get(), 3, "a new pass looks up anew");

        look_up("web");
        look_up("web");
        assert_eq!(lookups.get(), 5, "outside a pass, every call looks up");
    }

    #[test]
    fn a_pass_that_panics_is_forgotten_all_the_same() {
        let panicked = std::panic::catch_unwind(|| {
            in_one_pass(|| {
                once_per_pass("length", "web", || 3);
                panic!("a bug in an answer");
            })
        });
        assert!(panicked.is_err());
        let after = once_per_pass("length", "web", || 4);
        assert_eq!(*after, 4, "nothing from the panicked pass is answered");
    }

    #[test]
    fn the_same_key_for_another_lookup_is_another_lookup() {
        in_one_pass(|| {
            assert_eq!(*once_per_pass("length", "web", || 3), 3);
            assert_eq!(*once_per_pass("first letter", "web", || 'w'), 'w');
        });
    }
}

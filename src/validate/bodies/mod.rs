//! Request bodies: one parser per endpoint that takes a body, each collecting
//! every problem before answering. One module per resource; the field lists
//! the parsers accept are checked against the model's schemas (`tests` below).

mod bundles;
mod domains;
mod orders;
mod personas;
mod sequencer;
mod swaps;
mod users;

pub use bundles::{parse_create_bundle, parse_update_bundle};
pub use domains::{parse_availability, parse_forwarding, parse_import, parse_import_job};
pub use orders::{parse_cancel_order, parse_create_order};
pub use swaps::{parse_create_swap, parse_user_name_swap};
pub use users::{parse_create_user, parse_update_user};

use super::read::{Obj, Problems};
use crate::error::Problem;
use serde_json::Value;

type Parsed<T> = Result<T, Problems>;

fn done<T>(p: Problems, build: impl FnOnce() -> Option<T>) -> Parsed<T> {
    if !p.is_empty() {
        return Err(p);
    }
    // Every reader that returned `None` also recorded a problem, so with no
    // problems `build` always succeeds; the fallback only guards that promise.
    build().ok_or_else(|| vec![Problem::invalid("", "the request is invalid")])
}

/// In a PATCH, `null` only makes sense for the percents.
fn not_null(o: &Obj<'_>, key: &str, p: &mut Problems) -> Result<(), ()> {
    if matches!(o.get(key), Some(Value::Null)) {
        p.push(Problem::invalid(
            o.path(key),
            format!("{key} cannot be null; leave it out to keep the current value"),
        ));
        return Err(());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::requests::*;
    use schemars::{schema_for, JsonSchema};
    use serde_json::Value;

    /// The wire names of `T`'s properties; for an enum, those of its object
    /// variant.
    fn properties<T: JsonSchema>() -> Vec<String> {
        fn find(schema: &Value) -> Option<Vec<String>> {
            if let Some(Value::Object(props)) = schema.get("properties") {
                return Some(props.keys().cloned().collect());
            }
            ["anyOf", "oneOf"]
                .iter()
                .filter_map(|k| schema.get(k)?.as_array())
                .flatten()
                .find_map(find)
        }
        find(schema_for!(T).as_value()).unwrap_or_default()
    }

    /// Each list of accepted fields is exactly the properties of the model
    /// type the parser builds, so a field added to one is added to the other.
    #[test]
    fn field_lists_are_the_model_schemas() {
        let cases: Vec<(&str, &[&str], Vec<String>)> = vec![
            (
                "CreateBundle",
                super::bundles::FIELDS,
                properties::<CreateBundle>(),
            ),
            (
                "UpdateBundle",
                super::bundles::FIELDS,
                properties::<UpdateBundle>(),
            ),
            (
                "CreateUser",
                super::users::FIELDS,
                properties::<CreateUser>(),
            ),
            (
                "UpdateUser",
                super::users::FIELDS,
                properties::<UpdateUser>(),
            ),
            (
                "UserSequencer",
                super::sequencer::USER_SEQUENCER_FIELDS,
                properties::<UserSequencer>(),
            ),
            (
                "OrderSequencer",
                super::sequencer::ORDER_SEQUENCER_FIELDS,
                properties::<OrderSequencer>(),
            ),
            (
                "AvailabilityRequest",
                super::domains::DOMAINS_FIELDS,
                properties::<AvailabilityRequest>(),
            ),
            (
                "ImportRequest",
                super::domains::DOMAINS_FIELDS,
                properties::<ImportRequest>(),
            ),
            (
                "ImportJobRequest",
                super::domains::DOMAINS_FIELDS,
                properties::<ImportJobRequest>(),
            ),
            (
                "ForwardingRequest",
                super::domains::FORWARDING_FIELDS,
                properties::<ForwardingRequest>(),
            ),
            (
                "CreateOrder",
                super::orders::ORDER_FIELDS,
                properties::<CreateOrder>(),
            ),
            (
                "OrderDomain",
                super::orders::DOMAIN_OBJECT_FIELDS,
                properties::<OrderDomain>(),
            ),
            (
                "CancelOrder",
                super::orders::CANCEL_FIELDS,
                properties::<CancelOrder>(),
            ),
            (
                "Persona",
                super::personas::PERSONA_FIELDS,
                properties::<Persona>(),
            ),
            (
                "CreateSwap",
                super::swaps::SWAP_FIELDS,
                properties::<CreateSwap>(),
            ),
            (
                "UserNameSwap",
                super::swaps::USER_NAME_SWAP_FIELDS,
                properties::<UserNameSwap>(),
            ),
        ];
        for (name, accepted, mut schema) in cases {
            // Compared as sets: a list's order is the one its message shows.
            let mut accepted = accepted.to_vec();
            accepted.sort_unstable();
            schema.sort_unstable();
            assert_eq!(accepted, schema, "{name}");
        }
        for field in super::orders::CUSTOM_FIELDS {
            assert!(super::orders::ORDER_FIELDS.contains(field), "{field}");
        }
    }
}

//! The availability simulator (docs/contract.md#sandbox): deterministic by name. Also what
//! an order or swap sees for a referenced domain, and how a failed split is
//! answered.

use super::decode::{json_body, parsed};
use super::{data, Answer, Fail, Req};
use crate::state::{has_label, is_live, State};
use peeker_partner::error::{codes, Problem};
use peeker_partner::model::*;
use peeker_partner::validate;
use serde_json::json;

pub const PRICE_CENTS: i64 = 1300;
pub const RENEWAL_CENTS: i64 = 1500;

/// `POST /domains/availability`: one row per name in body order; a name
/// the core refuses gets a `reason: "invalid"` row (as sent) and the others
/// are answered. Anything else wrong with the body (not a list, over 50
/// names, a repeated name, a name that is not a string) is a 400.
pub fn check(r: &Req<'_>) -> Answer {
    let body = json_body(r.body)?;
    let rows = match validate::parse_availability(&body) {
        Ok(q) => q.domains.iter().map(|d| availability(d)).collect(),
        Err(problems) => rows_with_malformed_names(&body, problems)?,
    };
    data(200, json!({ "domains": rows }))
}

/// The rows when the core refused the body: each string it refuses as a
/// name is an `invalid` row (as sent) and the others are answered, unless
/// problems remain once those names are put aside.
fn rows_with_malformed_names(
    body: &serde_json::Value,
    problems: Vec<Problem>,
) -> Result<Vec<AvailabilityRow>, Fail> {
    let items = body.get("domains").and_then(|d| d.as_array());
    let Some(items) = items.filter(|i| i.len() <= AVAILABILITY_MAX) else {
        return Err(Fail::from_problems(problems));
    };
    let mut malformed = Vec::new();
    let mut patched = body.clone();
    for (i, item) in items.iter().enumerate() {
        if let Some(s) = item.as_str() {
            if validate::normalize_domain(s).is_err() {
                malformed.push((i, s));
                // A name no one sends, so it repeats nothing.
                patched["domains"][i] = json!(format!("malformed-{i}.sandbox-placeholder.com"));
            }
        }
    }
    if malformed.is_empty() {
        return Err(Fail::from_problems(problems));
    }
    let q = parsed(validate::parse_availability(&patched))?;
    Ok(q.domains
        .iter()
        .enumerate()
        .map(|(i, d)| match malformed.iter().find(|(at, _)| *at == i) {
            Some((_, raw)) => unavailable(raw, UnavailableReason::Invalid),
            None => availability(d),
        })
        .collect())
}

/// The deterministic availability of a (normalised) name (docs/contract.md#sandbox and the
/// scenario triggers in README.md): a label containing `invalid`, `errored`,
/// `stale`, `taken` or `premium` gives that reason (in this order), `gonly`
/// is Google only; anything else is available for both.
pub fn availability(name: &str) -> AvailabilityRow {
    let has = |word: &str| has_label(name, word);
    let reason = if has("invalid") {
        UnavailableReason::Invalid
    } else if has("errored") {
        UnavailableReason::Errored
    } else if has("stale") {
        UnavailableReason::Stale
    } else if has("taken") {
        UnavailableReason::Taken
    } else if has("premium") {
        return AvailabilityRow {
            premium: Some(true),
            ..unavailable(name, UnavailableReason::Premium)
        };
    } else {
        return AvailabilityRow {
            available: true,
            price_cents: Some(PRICE_CENTS),
            renewal_price_cents: Some(RENEWAL_CENTS),
            currency: Some("usd".into()),
            usable_for: Some(if has("gonly") {
                vec![Provider::Google]
            } else {
                vec![Provider::Google, Provider::Microsoft]
            }),
            reason: None,
            ..unavailable(name, UnavailableReason::Invalid)
        };
    };
    unavailable(name, reason)
}

/// An unavailable row for `name`.
pub fn unavailable(name: &str, reason: UnavailableReason) -> AvailabilityRow {
    AvailabilityRow {
        domain: name.to_owned(),
        available: false,
        price_cents: None,
        renewal_price_cents: None,
        currency: None,
        usable_for: None,
        premium: None,
        reason: Some(reason),
        extra: Default::default(),
    }
}

/// Where an order's (or swap's) domain would come from.
#[derive(Clone)]
pub enum Source {
    /// A free inventory row (imported): no charge.
    Inventory(String),
    /// Registered at the availability price.
    Register(i64),
    Unusable,
}

/// The availability row the split check sees for one referenced domain: a
/// free inventory row is usable for both providers and free; a live row
/// elsewhere is taken; an unknown `dom_…` id is `not_found`; any other name
/// follows the availability rule.
pub fn resolve(st: &State, reference: &str) -> (AvailabilityRow, Source) {
    match st.find_domain(reference) {
        Some(d) if is_live(d) && d.category == DomainCategory::Inventory => (
            AvailabilityRow {
                domain: d.domain.clone(),
                available: true,
                reason: None,
                usable_for: d.usable_for.clone(),
                ..unavailable(&d.domain, UnavailableReason::Taken)
            },
            Source::Inventory(d.id.clone()),
        ),
        Some(d) => (
            unavailable(&d.domain, UnavailableReason::Taken),
            Source::Unusable,
        ),
        None if reference.starts_with("dom_") => (
            unavailable(reference, UnavailableReason::Other("not_found".into())),
            Source::Unusable,
        ),
        None => {
            let row = availability(reference);
            let src = match (row.available, row.price_cents) {
                (true, Some(p)) => Source::Register(p),
                _ => Source::Unusable,
            };
            (row, src)
        }
    }
}

/// The answer to a failed split: an unavailable pick first (the order is
/// rejected because of it), else the first problem as the SDK lists them.
pub fn split_failure(problems: Vec<Problem>) -> Fail {
    let pick = problems
        .iter()
        .position(|p| p.code == codes::DOMAIN_UNAVAILABLE)
        .unwrap_or(0);
    let mut ordered = problems;
    if pick > 0 {
        let p = ordered.remove(pick);
        ordered.insert(0, p);
    }
    Fail::from_problems(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_rules() {
        assert!(availability("acme-mail.com").available);
        assert_eq!(
            availability("gonly-acme.com").usable_for,
            Some(vec![Provider::Google])
        );
        let t = availability("taken-acme.com");
        assert_eq!(t.reason, Some(UnavailableReason::Taken));
        let p = availability("premium-acme.com");
        assert_eq!((p.premium, p.available), (Some(true), false));
        assert_eq!(
            availability("invalid-x.com").reason,
            Some(UnavailableReason::Invalid)
        );
    }
}

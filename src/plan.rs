//! The cheapest feasible domain pick (docs/contract.md#domain-split) from availability rows.
//!
//! Why greedy is exact: the sets with at most `google` Google-only and at most
//! `microsoft` Microsoft-only rows (both-capable unlimited) are the
//! independent sets of a partition matroid; truncated to size
//! `google + microsoft` it is still a matroid, and its bases are exactly the
//! feasible picks. Greedy by (price, input index) finds a minimum-weight basis
//! of a matroid, so the total is the true optimum. O(n log n).

use crate::error::{codes, Problem};
use crate::first_seen::FirstSeen;
use crate::model::literal::{False, True};
use crate::model::AvailabilityRow;
use crate::split::{assign, classify, domain_key, plural, Kind, Side, Split};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The answer of [`plan_domains`]:
/// `{"ok": true, "google": [...], "microsoft": [...], "total_price_cents": n}`
/// or `{"ok": false, "problems": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PlanOutcome {
    Ok {
        ok: True,
        /// Domain names for Google, in candidate order.
        google: Vec<String>,
        /// Domain names for Microsoft, in candidate order.
        microsoft: Vec<String>,
        /// Sum of the picks' `price_cents` (a row without a price counts 0).
        total_price_cents: i64,
    },
    Err {
        ok: False,
        /// What is missing, one problem per shortage.
        problems: Vec<Problem>,
    },
}

impl PlanOutcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, PlanOutcome::Ok { .. })
    }
}

/// Sorts `items` by `key`, stably: a bottom-up merge sort. (The wasm's one
/// sort: core's driftsort would add to its size.)
fn sort_stable_by_key<T: Copy, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let n = items.len();
    let mut buf = items.to_vec();
    // Each pass merges runs of `width` from one buffer into the other.
    let mut in_items = true;
    let mut width = 1;
    while width < n {
        let (src, dst): (&[T], &mut [T]) = if in_items {
            (&*items, &mut buf[..])
        } else {
            (&buf[..], &mut *items)
        };
        for start in (0..n).step_by(2 * width) {
            let (mid, end) = ((start + width).min(n), (start + 2 * width).min(n));
            let (mut i, mut j) = (start, mid);
            for slot in &mut dst[start..end] {
                // Left first on equal keys: stable.
                if j >= end || (i < mid && key(&src[i]) <= key(&src[j])) {
                    *slot = src[i];
                    i += 1;
                } else {
                    *slot = src[j];
                    j += 1;
                }
            }
        }
        in_items = !in_items;
        width *= 2;
    }
    if !in_items {
        items.copy_from_slice(&buf);
    }
}

/// Picks `required.google + required.microsoft` candidates with the smallest
/// total `price_cents` that satisfy the split rule; among equally cheap picks,
/// earlier candidates win.
///
/// - A usable row without `price_cents` costs 0: imported (customer-owned)
///   domains cost nothing (docs/contract.md#sandbox).
/// - Unusable rows (unavailable, premium, usable for neither provider) are
///   skipped; they are not a problem by themselves.
/// - A domain listed twice counts once: its first row is used.
/// - When no pick exists, the problems (code `domain_count_mismatch`, field
///   `candidates`) say how many more Microsoft-capable, Google-capable or
///   usable domains of either kind are needed.
pub fn plan_domains(required: Split, candidates: &[AvailabilityRow]) -> PlanOutcome {
    let mut seen = FirstSeen::with_capacity_and_hasher(candidates.len(), Default::default());
    let mut usable: Vec<(usize, Kind, i64)> = Vec::with_capacity(candidates.len());
    for (i, row) in candidates.iter().enumerate() {
        if seen.insert(domain_key(&row.domain), i).is_some() {
            continue;
        }
        if let Ok(kind) = classify(row) {
            usable.push((i, kind, row.price_cents.unwrap_or(0)));
        }
    }

    let (g, m) = (u64::from(required.google), u64::from(required.microsoft));
    let count = |kind: Kind| usable.iter().filter(|u| u.1 == kind).count() as u64;
    let (go, mo, both) = (
        count(Kind::GoogleOnly),
        count(Kind::MicrosoftOnly),
        count(Kind::Both),
    );
    // The largest feasible partial pick: the matroid's rank.
    let rank = go.min(g) + mo.min(m) + both;
    if rank < g + m {
        return PlanOutcome::Err {
            ok: False,
            problems: shortages(g, m, go, mo, both, rank),
        };
    }

    // Stable sort: equal prices keep candidate order.
    sort_stable_by_key(&mut usable, |u| u.2);
    let (mut take_g, mut take_m, mut taken) = (0u64, 0u64, 0u64);
    // What each candidate was picked as, by index: the picks come out in
    // candidate order without a second sort.
    let mut chosen: Vec<Option<Kind>> = vec![None; candidates.len()];
    let mut total: i64 = 0;
    for &(i, kind, price) in &usable {
        if taken == g + m {
            break;
        }
        match kind {
            Kind::GoogleOnly if take_g == g => continue,
            Kind::GoogleOnly => take_g += 1,
            Kind::MicrosoftOnly if take_m == m => continue,
            Kind::MicrosoftOnly => take_m += 1,
            Kind::Both => {}
        }
        taken += 1;
        total = total.saturating_add(price);
        if let Some(slot) = chosen.get_mut(i) {
            *slot = Some(kind);
        }
    }
    let picks: Vec<(Kind, &str)> = chosen
        .iter()
        .zip(candidates)
        .filter_map(|(kind, row)| kind.map(|k| (k, row.domain.as_str())))
        .collect();
    let (google, microsoft) = assign(&picks, required.microsoft);
    PlanOutcome::Ok {
        ok: True,
        google,
        microsoft,
        total_price_cents: total,
    }
}

/// What is missing when no feasible pick exists. Adding the Microsoft- and
/// Google-capable shortfalls first and then `rest` domains of either kind is
/// the fewest additions that make a pick possible.
fn shortages(g: u64, m: u64, go: u64, mo: u64, both: u64, rank: u64) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut fixed = 0;
    for (side, slots, capable) in [
        (Side::MICROSOFT, m, mo + both),
        (Side::GOOGLE, g, go + both),
    ] {
        if capable < slots {
            let missing = slots - capable;
            fixed += missing;
            problems.push(
                Problem::new(
                    codes::DOMAIN_COUNT_MISMATCH,
                    "candidates",
                    format!(
                        "need {missing} more {}-capable {}: {slots} {} {} but only {capable} usable {} {}",
                        side.title,
                        plural(missing, "domain", "domains"),
                        side.title,
                        plural(slots, "slot", "slots"),
                        plural(capable, "candidate", "candidates"),
                        plural(capable, "lists it", "list it"),
                    ),
                )
                .with_details(crate::json::object(vec![
                    ("provider", side.wire.into()),
                    ("required_count", slots.into()),
                    ("available_count", capable.into()),
                    ("missing_count", missing.into()),
                ])),
            );
        }
    }
    let rest = (g + m).saturating_sub(rank).saturating_sub(fixed);
    if rest > 0 {
        problems.push(
            Problem::new(
                codes::DOMAIN_COUNT_MISMATCH,
                "candidates",
                format!(
                    "need {rest} more usable {} for either provider{}: {} {} required but at most {} of the candidates fit the split",
                    plural(rest, "domain", "domains"),
                    if fixed > 0 { " on top of the above" } else { "" },
                    g + m,
                    plural(g + m, "domain is", "domains are"),
                    rank,
                ),
            )
            .with_details(crate::json::object(vec![
                ("required_count", (g + m).into()),
                ("available_count", rank.into()),
                ("missing_count", rest.into()),
            ])),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::sort_stable_by_key;
    use proptest::prelude::*;

    proptest! {
        /// The merge sort is the standard library's stable sort.
        #[test]
        fn sort_stable_by_key_is_std_stable_sort(keys in prop::collection::vec(0i64..8, 0..300)) {
            let items: Vec<(usize, i64)> = keys.into_iter().enumerate().collect();
            let mut ours = items.clone();
            sort_stable_by_key(&mut ours, |u| u.1);
            let mut std = items;
            std.sort_by_key(|u| u.1);
            prop_assert_eq!(ours, std);
        }
    }
}

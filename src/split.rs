//! The domain split rule (docs/contract.md#domain-split): is this set of picks orderable, and
//! which domain goes to which provider — or exactly what is wrong.
//!
//! A set of picks is feasible iff every pick is usable (available, not
//! premium, usable for Google or Microsoft), no domain repeats, there are
//! exactly `google + microsoft` picks, at most `google` of them are
//! Google-only and at most `microsoft` are Microsoft-only: the both-capable
//! picks then fill the remaining slots exactly.

use crate::error::{codes, Problem};
use crate::first_seen::FirstSeen;
use crate::model::literal::{False, True};
use crate::model::{AvailabilityRow, Provider, RequiredDomains, UnavailableReason};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How many domains each provider needs: `required_domains` without `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Split {
    pub google: u32,
    pub microsoft: u32,
}

impl From<RequiredDomains> for Split {
    fn from(r: RequiredDomains) -> Self {
        Split {
            google: r.google,
            microsoft: r.microsoft,
        }
    }
}

/// The answer of [`check_domain_split`]:
/// `{"ok": true, "google": [...], "microsoft": [...]}` or
/// `{"ok": false, "problems": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SplitOutcome {
    Ok {
        ok: True,
        /// Domain names for Google, in input order.
        google: Vec<String>,
        /// Domain names for Microsoft, in input order.
        microsoft: Vec<String>,
    },
    Err {
        ok: False,
        /// Every problem found, headline counts first, then per pick.
        problems: Vec<Problem>,
    },
}

impl SplitOutcome {
    pub fn is_ok(&self) -> bool {
        matches!(self, SplitOutcome::Ok { .. })
    }
}

/// Where a usable domain can go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Both,
    GoogleOnly,
    MicrosoftOnly,
}

/// Why a row cannot be ordered.
pub(crate) enum Unusable<'a> {
    Premium,
    Unavailable(Option<&'a UnavailableReason>),
    NoProvider,
}

pub(crate) fn classify(row: &AvailabilityRow) -> Result<Kind, Unusable<'_>> {
    if row.premium == Some(true) {
        return Err(Unusable::Premium);
    }
    if !row.available {
        return Err(Unusable::Unavailable(row.reason.as_ref()));
    }
    match (
        row.usable_for(&Provider::Google),
        row.usable_for(&Provider::Microsoft),
    ) {
        (true, true) => Ok(Kind::Both),
        (true, false) => Ok(Kind::GoogleOnly),
        (false, true) => Ok(Kind::MicrosoftOnly),
        (false, false) => Err(Unusable::NoProvider),
    }
}

/// The name compared for repeats: ASCII case does not matter. Borrowed in
/// the usual case of an already lower-case name.
pub(crate) fn domain_key(domain: &str) -> Cow<'_, str> {
    if domain.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(domain.to_ascii_lowercase())
    } else {
        Cow::Borrowed(domain)
    }
}

/// Assigns a feasible set: single-provider picks to their provider,
/// both-capable ones fill the Microsoft slots left in input order, the rest go
/// to Google. Both lists keep input order.
pub(crate) fn assign(picks: &[(Kind, &str)], microsoft: u32) -> (Vec<String>, Vec<String>) {
    let microsoft_only = picks
        .iter()
        .filter(|(k, _)| *k == Kind::MicrosoftOnly)
        .count();
    let mut left = usize::try_from(microsoft)
        .unwrap_or(usize::MAX)
        .saturating_sub(microsoft_only);
    let (mut g, mut m) = (Vec::new(), Vec::new());
    for &(kind, name) in picks {
        match kind {
            Kind::GoogleOnly => g.push(name.to_owned()),
            Kind::MicrosoftOnly => m.push(name.to_owned()),
            Kind::Both if left > 0 => {
                left -= 1;
                m.push(name.to_owned());
            }
            Kind::Both => g.push(name.to_owned()),
        }
    }
    (g, m)
}

/// Checks picked domains (their availability rows, in order-body order)
/// against `required` and either assigns each to a provider or reports every
/// problem: counts under field `domains` (`domain_count_mismatch`), unusable
/// picks as `domains[i]` (`domain_unavailable`), repeats as `domains[i]`
/// (`invalid_request`).
pub fn check_domain_split(required: Split, rows: &[AvailabilityRow]) -> SplitOutcome {
    let mut pick_problems = Vec::new();
    let mut first_at = FirstSeen::with_capacity_and_hasher(rows.len(), Default::default());
    let mut usable: Vec<(usize, Kind, &str)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let key = domain_key(&row.domain);
        if let Some(&first) = first_at.get(&key) {
            pick_problems.push(
                Problem::invalid(
                    format!("domains[{i}]"),
                    format!(
                        "{} is picked twice (also domains[{first}]); each domain can be used once",
                        crate::validate::names::shown_domain(&row.domain)
                    ),
                )
                .with_details(crate::json::object(vec![
                    ("domain", row.domain.as_str().into()),
                    ("first_index", first.into()),
                ])),
            );
            continue;
        }
        first_at.insert(key, i);
        match classify(row) {
            Ok(kind) => usable.push((i, kind, row.domain.as_str())),
            Err(why) => pick_problems.push(unusable_problem("domains", i, row, why)),
        }
    }

    let mut problems = Vec::new();
    let (g, m) = (u64::from(required.google), u64::from(required.microsoft));
    let need = g + m;
    let submitted = rows.len() as u64;
    if submitted != need {
        let fix = if submitted < need {
            format!("pick {} more", need - submitted)
        } else {
            format!("remove {}", submitted - need)
        };
        let mut members = vec![
            ("required_count", need.into()),
            ("submitted_count", submitted.into()),
            ("missing_count", need.saturating_sub(submitted).into()),
        ];
        if submitted > need {
            members.push(("excess_count", (submitted - need).into()));
        }
        let details = crate::json::object(members);
        problems.push(
            Problem::new(
                codes::DOMAIN_COUNT_MISMATCH,
                "domains",
                format!(
                    "{need} {} required ({g} Google + {m} Microsoft) but {submitted} {} picked: {fix}",
                    plural(need, "domain is", "domains are"),
                    plural(submitted, "was", "were"),
                ),
            )
            .with_details(details),
        );
    }

    let indices = |kind: Kind| -> Vec<usize> {
        usable
            .iter()
            .filter(|(_, k, _)| *k == kind)
            .map(|(i, _, _)| *i)
            .collect()
    };
    let google_only = indices(Kind::GoogleOnly);
    let microsoft_only = indices(Kind::MicrosoftOnly);
    let both = indices(Kind::Both).len() as u64;
    // A provider short of capable picks; the other provider's single-provider
    // surplus, if any, is the reason and is named in the same problem.
    for (provider, slots, capable, other_only, other_slots) in [
        (
            Side::MICROSOFT,
            m,
            microsoft_only.len() as u64 + both,
            &google_only,
            g,
        ),
        (
            Side::GOOGLE,
            g,
            google_only.len() as u64 + both,
            &microsoft_only,
            m,
        ),
    ] {
        let other = provider.other();
        let only = other_only.len() as u64;
        if capable < slots {
            let missing = slots - capable;
            let mut message = format!(
                "{missing} more {}-capable {} needed: {slots} {} {} but only {capable} usable {} {}",
                provider.title,
                plural(missing, "domain is", "domains are"),
                provider.title,
                plural(slots, "slot", "slots"),
                plural(capable, "pick", "picks"),
                plural(capable, "lists it", "list it"),
            );
            let mut details = crate::json::object(vec![
                ("provider", provider.wire.into()),
                ("required_count", slots.into()),
                ("submitted_count", capable.into()),
                ("missing_count", missing.into()),
            ]);
            if only > other_slots {
                message.push_str(&format!(
                    "; {}",
                    surplus(other, only, other_slots, other_only)
                ));
                if let serde_json::Value::Object(map) = &mut details {
                    map.insert(
                        format!("{}_only_indices", other.wire),
                        other_only.clone().into(),
                    );
                }
            }
            problems.push(
                Problem::new(codes::DOMAIN_COUNT_MISMATCH, "domains", message)
                    .with_details(details),
            );
        }
    }
    // A single-provider surplus the other provider's shortage did not already
    // explain (possible only with too many picks): say which picks to drop.
    for (side, only, slots, other_capable, other_slots) in [
        (
            Side::GOOGLE,
            &google_only,
            g,
            microsoft_only.len() as u64 + both,
            m,
        ),
        (
            Side::MICROSOFT,
            &microsoft_only,
            m,
            google_only.len() as u64 + both,
            g,
        ),
    ] {
        let count = only.len() as u64;
        if count > slots && other_capable >= other_slots {
            problems.push(
                Problem::new(
                    codes::DOMAIN_COUNT_MISMATCH,
                    "domains",
                    format!(
                        "{}: {} of them must go",
                        surplus(side, count, slots, only),
                        count - slots
                    ),
                )
                .with_details({
                    let key = format!("{}_only_indices", side.wire);
                    crate::json::object(vec![
                        ("provider", side.wire.into()),
                        ("slots", slots.into()),
                        ("only_count", count.into()),
                        ("excess_count", (count - slots).into()),
                        (key.as_str(), only.clone().into()),
                    ])
                }),
            );
        }
    }

    problems.extend(pick_problems);
    if !problems.is_empty() {
        return SplitOutcome::Err {
            ok: False,
            problems,
        };
    }
    let picks: Vec<(Kind, &str)> = usable.iter().map(|&(_, k, d)| (k, d)).collect();
    let (google, microsoft) = assign(&picks, required.microsoft);
    SplitOutcome::Ok {
        ok: True,
        google,
        microsoft,
    }
}

/// How far picks that are still being made fill a split: what a meter shows
/// while the customer picks, and what a picker must refuse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SplitMeter {
    /// Google slots filled by the assignment [`check_domain_split`] makes.
    pub google: u32,
    /// Microsoft slots filled, likewise.
    pub microsoft: u32,
    /// The problems that no further pick can fix (too many picks, more
    /// single-provider picks than that provider has slots, unusable or
    /// repeated picks); empty while the split can still be completed.
    pub blocking: Vec<Problem>,
}

/// The meter of a partial pick: slots filled per provider (unusable and
/// repeated picks fill none) and the problems [`check_domain_split`] reports
/// that adding picks cannot fix. A picker that refuses a new pick whenever
/// `blocking` becomes non-empty never lets the customer into a dead end.
pub fn split_meter(required: Split, rows: &[AvailabilityRow]) -> SplitMeter {
    let mut first_at = FirstSeen::default();
    let picks: Vec<(Kind, &str)> = rows
        .iter()
        .enumerate()
        .filter(|(i, row)| first_at.insert(domain_key(&row.domain), *i).is_none())
        .map(|(_, row)| row)
        .filter_map(|row| classify(row).ok().map(|k| (k, row.domain.as_str())))
        .collect();
    let (google, microsoft) = assign(&picks, required.microsoft);
    let filled = |n: usize, slots: u32| u32::try_from(n).unwrap_or(u32::MAX).min(slots);
    let blocking = match check_domain_split(required, rows) {
        SplitOutcome::Ok { .. } => Vec::new(),
        SplitOutcome::Err { problems, .. } => problems
            .into_iter()
            .filter(|p| !fixed_by_more_picks(p))
            .collect(),
    };
    SplitMeter {
        google: filled(google.len(), required.google),
        microsoft: filled(microsoft.len(), required.microsoft),
        blocking,
    }
}

/// A count shortage (total or per provider) that no single-provider surplus
/// causes: picking more capable domains fixes it.
fn fixed_by_more_picks(p: &Problem) -> bool {
    let Some(details) = p.details.as_ref().and_then(|d| d.as_object()) else {
        return false;
    };
    p.code == codes::DOMAIN_COUNT_MISMATCH
        && details.contains_key("missing_count")
        && !details.contains_key("excess_count")
        && !details.keys().any(|k| k.ends_with("_only_indices"))
}

/// One provider's names for messages and details.
#[derive(Clone, Copy)]
pub(crate) struct Side {
    pub wire: &'static str,
    pub title: &'static str,
}

impl Side {
    pub const GOOGLE: Side = Side {
        wire: "google",
        title: "Google",
    };
    pub const MICROSOFT: Side = Side {
        wire: "microsoft",
        title: "Microsoft",
    };
    fn other(self) -> Side {
        if self.wire == "google" {
            Side::MICROSOFT
        } else {
            Side::GOOGLE
        }
    }
}

/// "3 picks are Google-only but only 2 Google slots exist (domains[0], ...)".
fn surplus(side: Side, count: u64, slots: u64, indices: &[usize]) -> String {
    format!(
        "{count} {} {}-only but only {slots} {} {} {} {}",
        plural(count, "pick is", "picks are"),
        side.title,
        side.title,
        plural(slots, "slot", "slots"),
        plural(slots, "exists", "exist"),
        list_fields("domains", indices),
    )
}

/// "(domains[1], domains[4])", the first ten, then "and N more".
pub(crate) fn list_fields(field: &str, indices: &[usize]) -> String {
    const SHOWN: usize = 10;
    let mut s: Vec<String> = indices
        .iter()
        .take(SHOWN)
        .map(|i| format!("{field}[{i}]"))
        .collect();
    if indices.len() > SHOWN {
        s.push(format!("and {} more", indices.len() - SHOWN));
    }
    format!("({})", s.join(", "))
}

/// A `domain_unavailable` problem for `{field}[i]` saying why the row cannot
/// be ordered.
pub(crate) fn unusable_problem(
    field: &str,
    i: usize,
    row: &AvailabilityRow,
    why: Unusable<'_>,
) -> Problem {
    let d = &row.domain;
    let shown = crate::validate::names::shown_domain(d);
    let (message, details) = match why {
        Unusable::Premium => (
            format!("{shown} is a premium domain and cannot be ordered through the API"),
            crate::json::object(vec![
                ("domain", d.as_str().into()),
                ("reason", "premium".into()),
            ]),
        ),
        Unusable::Unavailable(reason) => {
            let because = reason.map_or(String::new(), |r| format!(" ({r})"));
            (
                format!("{shown} is not available{because}"),
                crate::json::object(vec![
                    ("domain", d.as_str().into()),
                    ("reason", "unavailable".into()),
                    ("availability_reason", reason.map(|r| r.as_str()).into()),
                ]),
            )
        }
        Unusable::NoProvider => (
            format!("{shown} is usable neither for Google nor for Microsoft (see its usable_for)"),
            crate::json::object(vec![
                ("domain", d.as_str().into()),
                ("reason", "not_usable".into()),
            ]),
        ),
    };
    Problem::new(codes::DOMAIN_UNAVAILABLE, format!("{field}[{i}]"), message).with_details(details)
}

/// `one` for 1, `many` otherwise.
pub(crate) fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

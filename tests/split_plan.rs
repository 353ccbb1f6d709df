//! The split rule and the cheapest plan (docs/contract.md#domain-split), against hand-written
//! cases and against brute force over every subset and assignment.

use peeker_partner::model::AvailabilityRow;
use peeker_partner::plan::{plan_domains, PlanOutcome};
use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
use peeker_partner::Problem;
use proptest::prelude::*;
use serde_json::{json, Value};

fn row(v: Value) -> AvailabilityRow {
    serde_json::from_value(v).expect("row")
}

/// Available, priced, usable for `usable`.
fn avail(domain: &str, usable: &[&str], price: i64) -> AvailabilityRow {
    row(json!({
        "domain": domain, "available": true, "price_cents": price,
        "renewal_price_cents": 1500, "currency": "usd", "usable_for": usable
    }))
}

fn both(d: &str) -> AvailabilityRow {
    avail(d, &["google", "microsoft"], 1300)
}
fn gonly(d: &str) -> AvailabilityRow {
    avail(d, &["google"], 1300)
}
fn monly(d: &str) -> AvailabilityRow {
    avail(d, &["microsoft"], 1300)
}
fn taken(d: &str) -> AvailabilityRow {
    row(json!({"domain": d, "available": false, "reason": "taken"}))
}
fn premium(d: &str) -> AvailabilityRow {
    row(json!({"domain": d, "available": false, "premium": true, "reason": "premium"}))
}

fn split(google: u32, microsoft: u32) -> Split {
    Split { google, microsoft }
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn problems(o: SplitOutcome) -> Vec<Problem> {
    match o {
        SplitOutcome::Err { problems, .. } => problems,
        SplitOutcome::Ok { .. } => panic!("expected problems, got {o:?}"),
    }
}

fn plan_problems(o: PlanOutcome) -> Vec<Problem> {
    match o {
        PlanOutcome::Err { problems, .. } => problems,
        PlanOutcome::Ok { .. } => panic!("expected problems, got {o:?}"),
    }
}

// ---------- check_domain_split ----------

#[test]
fn split_assigns_single_provider_then_both_in_input_order() {
    let rows = [
        both("a.com"),
        gonly("b.com"),
        both("c.com"),
        monly("d.com"),
        both("e.com"),
    ];
    let out = check_domain_split(split(3, 2), &rows);
    assert_eq!(
        out,
        SplitOutcome::Ok {
            ok: peeker_partner::model::literal::True,
            google: names(&["b.com", "c.com", "e.com"]),
            microsoft: names(&["a.com", "d.com"]),
        }
    );
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"ok": true, "google": ["b.com", "c.com", "e.com"], "microsoft": ["a.com", "d.com"]})
    );
}

#[test]
fn split_of_nothing_needs_nothing() {
    let out = check_domain_split(split(0, 0), &[]);
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"ok": true, "google": [], "microsoft": []})
    );
}

#[test]
fn split_too_few_picks() {
    let p = problems(check_domain_split(
        split(2, 1),
        &[both("a.com"), both("b.com")],
    ));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].code, "domain_count_mismatch");
    assert_eq!(p[0].field, "domains");
    assert_eq!(
        p[0].message,
        "3 domains are required (2 Google + 1 Microsoft) but 2 were picked: pick 1 more"
    );
    assert_eq!(
        p[0].details,
        Some(json!({"required_count": 3, "submitted_count": 2, "missing_count": 1}))
    );
}

#[test]
fn split_too_many_picks() {
    let p = problems(check_domain_split(
        split(1, 0),
        &[both("a.com"), both("b.com")],
    ));
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].message,
        "1 domain is required (1 Google + 0 Microsoft) but 2 were picked: remove 1"
    );
    assert_eq!(
        p[0].details,
        Some(
            json!({"required_count": 1, "submitted_count": 2, "missing_count": 0, "excess_count": 1})
        )
    );
}

#[test]
fn split_microsoft_shortage_names_the_google_only_picks() {
    // The docs' shape: 15 Google + 4 Microsoft, but 17 picks are Google-only.
    let mut rows: Vec<_> = (0..17).map(|i| gonly(&format!("g{i}.com"))).collect();
    rows.push(both("x.com"));
    rows.push(both("y.com"));
    let p = problems(check_domain_split(split(15, 4), &rows));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].code, "domain_count_mismatch");
    assert_eq!(p[0].field, "domains");
    assert_eq!(
        p[0].message,
        "2 more Microsoft-capable domains are needed: 4 Microsoft slots but only 2 usable picks list it; \
         17 picks are Google-only but only 15 Google slots exist \
         (domains[0], domains[1], domains[2], domains[3], domains[4], domains[5], domains[6], \
         domains[7], domains[8], domains[9], and 7 more)"
    );
    let d = p[0].details.clone().unwrap();
    assert_eq!(d["provider"], "microsoft");
    assert_eq!(d["required_count"], 4);
    assert_eq!(d["submitted_count"], 2);
    assert_eq!(d["missing_count"], 2);
    assert_eq!(d["google_only_indices"], json!((0..17).collect::<Vec<_>>()));
}

#[test]
fn split_google_shortage_from_microsoft_only_picks() {
    let rows = [monly("a.com"), monly("b.com"), both("c.com")];
    let p = problems(check_domain_split(split(2, 1), &rows));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        p[0].message,
        "1 more Google-capable domain is needed: 2 Google slots but only 1 usable pick lists it; \
         2 picks are Microsoft-only but only 1 Microsoft slot exists (domains[0], domains[1])"
    );
    assert_eq!(p[0].details.as_ref().unwrap()["provider"], "google");
    assert_eq!(
        p[0].details.as_ref().unwrap()["microsoft_only_indices"],
        json!([0, 1])
    );
}

#[test]
fn split_microsoft_shortage_without_surplus() {
    // Too few picks overall, and none of them Microsoft-capable.
    let p = problems(check_domain_split(split(1, 2), &[gonly("a.com")]));
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].details.as_ref().unwrap()["missing_count"], 2);
    assert_eq!(
        p[1].message,
        "2 more Microsoft-capable domains are needed: 2 Microsoft slots but only 0 usable picks list it"
    );
    assert_eq!(
        p[1].details,
        Some(
            json!({"provider": "microsoft", "required_count": 2, "submitted_count": 0, "missing_count": 2})
        )
    );
}

#[test]
fn split_google_only_surplus_on_its_own() {
    // Enough Microsoft-capable picks, but one too many picks, and the extra
    // is necessarily one of the Google-only ones.
    let rows = [gonly("a.com"), both("b.com"), gonly("c.com")];
    let p = problems(check_domain_split(split(1, 1), &rows));
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].details.as_ref().unwrap()["excess_count"], 1);
    assert_eq!(
        p[1].message,
        "2 picks are Google-only but only 1 Google slot exists (domains[0], domains[2]): 1 of them must go"
    );
    assert_eq!(
        p[1].details,
        Some(
            json!({"provider": "google", "slots": 1, "only_count": 2, "excess_count": 1,
                    "google_only_indices": [0, 2]})
        )
    );
}

#[test]
fn split_unusable_picks_each_get_a_problem() {
    let rows = [
        both("a.com"),
        taken("b.com"),
        premium("c.com"),
        row(
            json!({"domain": "d.com", "available": true, "premium": true, "usable_for": ["google"]}),
        ),
        row(json!({"domain": "e.com", "available": true, "usable_for": []})),
        row(json!({"domain": "f.com", "available": true})),
        row(json!({"domain": "g.com", "available": true, "usable_for": ["yahoo"]})),
        row(json!({"domain": "h.com", "available": false})),
        row(json!({"domain": "i.com", "available": false, "reason": "stale"})),
    ];
    let p = problems(check_domain_split(split(8, 1), &rows));
    let got: Vec<_> = p
        .iter()
        .map(|p| (p.code.as_str(), p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            // Replacements for the unusable picks must be Google-capable.
            (
                "domain_count_mismatch",
                "domains",
                "7 more Google-capable domains are needed: 8 Google slots but only 1 usable pick lists it"
            ),
            (
                "domain_unavailable",
                "domains[1]",
                "b.com is not available (taken)"
            ),
            (
                "domain_unavailable",
                "domains[2]",
                "c.com is a premium domain and cannot be ordered through the API"
            ),
            (
                "domain_unavailable",
                "domains[3]",
                "d.com is a premium domain and cannot be ordered through the API"
            ),
            (
                "domain_unavailable",
                "domains[4]",
                "e.com is usable neither for Google nor for Microsoft (see its usable_for)"
            ),
            (
                "domain_unavailable",
                "domains[5]",
                "f.com is usable neither for Google nor for Microsoft (see its usable_for)"
            ),
            (
                "domain_unavailable",
                "domains[6]",
                "g.com is usable neither for Google nor for Microsoft (see its usable_for)"
            ),
            ("domain_unavailable", "domains[7]", "h.com is not available"),
            (
                "domain_unavailable",
                "domains[8]",
                "i.com is not available (stale)"
            ),
        ]
    );
    assert_eq!(
        p[1].details,
        Some(json!({"domain": "b.com", "reason": "unavailable", "availability_reason": "taken"}))
    );
    assert_eq!(
        p[2].details,
        Some(json!({"domain": "c.com", "reason": "premium"}))
    );
    assert_eq!(
        p[4].details,
        Some(json!({"domain": "e.com", "reason": "not_usable"}))
    );
}

#[test]
fn split_duplicate_pick() {
    let rows = [both("a.com"), both("b.com"), both("A.com")];
    let p = problems(check_domain_split(split(2, 1), &rows));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].code, "invalid_request");
    assert_eq!(p[0].field, "domains[2]");
    assert_eq!(
        p[0].message,
        "A.com is picked twice (also domains[0]); each domain can be used once"
    );
    assert_eq!(
        p[0].details,
        Some(json!({"domain": "A.com", "first_index": 0}))
    );
}

#[test]
fn split_problems_serialise_with_ok_false() {
    let out = check_domain_split(split(1, 0), &[]);
    let v = serde_json::to_value(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][0]["code"], "domain_count_mismatch");
    let back: SplitOutcome = serde_json::from_value(v).unwrap();
    assert_eq!(back, out);
}

#[test]
fn split_from_required_domains() {
    let r = peeker_partner::model::RequiredDomains {
        google: 15,
        microsoft: 4,
        total: 19,
    };
    assert_eq!(Split::from(r), split(15, 4));
}

// ---------- plan_domains ----------

#[test]
fn plan_picks_cheapest_and_respects_single_provider_limits() {
    let rows = [
        avail("a.com", &["google"], 100),
        avail("b.com", &["google"], 100),
        avail("c.com", &["google", "microsoft"], 900),
        avail("d.com", &["microsoft"], 500),
        avail("e.com", &["google", "microsoft"], 200),
    ];
    // 1 Google + 2 Microsoft: one Google-only (a, earliest of the tie), then
    // e (200) and d (500); b would be a second Google-only.
    let out = plan_domains(split(1, 2), &rows);
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"ok": true, "google": ["a.com"], "microsoft": ["d.com", "e.com"], "total_price_cents": 800})
    );
}

#[test]
fn plan_skips_unusable_and_duplicates_and_prices_imports_at_zero() {
    let rows = [
        taken("a.com"),
        premium("b.com"),
        avail("c.com", &["google", "microsoft"], 1300),
        row(json!({"domain": "own.com", "available": true, "usable_for": ["google", "microsoft"]})),
        avail("C.com", &["google", "microsoft"], 1),
    ];
    let out = plan_domains(split(1, 1), &rows);
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"ok": true, "google": ["own.com"], "microsoft": ["c.com"], "total_price_cents": 1300})
    );
}

#[test]
fn plan_empty_requirement() {
    let out = plan_domains(split(0, 0), &[both("a.com")]);
    assert_eq!(
        serde_json::to_value(&out).unwrap(),
        json!({"ok": true, "google": [], "microsoft": [], "total_price_cents": 0})
    );
}

#[test]
fn plan_reports_microsoft_shortage() {
    let rows = [
        gonly("a.com"),
        gonly("b.com"),
        gonly("c.com"),
        both("d.com"),
    ];
    let p = plan_problems(plan_domains(split(1, 3), &rows));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].code, "domain_count_mismatch");
    assert_eq!(p[0].field, "candidates");
    assert_eq!(
        p[0].message,
        "need 2 more Microsoft-capable domains: 3 Microsoft slots but only 1 usable candidate lists it"
    );
    assert_eq!(
        p[0].details,
        Some(
            json!({"provider": "microsoft", "required_count": 3, "available_count": 1, "missing_count": 2})
        )
    );
}

#[test]
fn plan_reports_both_shortages_and_the_rest() {
    let rows = [gonly("a.com"), monly("b.com")];
    let p = plan_problems(plan_domains(split(3, 2), &rows));
    let msgs: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "need 1 more Microsoft-capable domain: 2 Microsoft slots but only 1 usable candidate lists it",
            "need 2 more Google-capable domains: 3 Google slots but only 1 usable candidate lists it",
        ]
    );
    let p = plan_problems(plan_domains(
        split(2, 2),
        &[both("a.com"), both("b.com"), taken("c.com")],
    ));
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].message,
        "need 2 more usable domains for either provider: 4 domains are required but at most 2 of the candidates fit the split"
    );
    assert_eq!(
        p[0].details,
        Some(json!({"required_count": 4, "available_count": 2, "missing_count": 2}))
    );
    // A Microsoft shortage plus domains of either kind on top.
    let p = plan_problems(plan_domains(split(3, 1), &[gonly("a.com")]));
    let msgs: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "need 1 more Microsoft-capable domain: 1 Microsoft slot but only 0 usable candidates list it",
            "need 2 more Google-capable domains: 3 Google slots but only 1 usable candidate lists it",
        ]
    );
    let p = plan_problems(plan_domains(
        split(2, 2),
        &[gonly("a.com"), monly("b.com"), both("c.com")],
    ));
    let msgs: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec!["need 1 more usable domain for either provider: 4 domains are required but at most 3 of the candidates fit the split"]
    );
    let p = plan_problems(plan_domains(
        split(1, 3),
        &[gonly("a.com"), gonly("b.com"), both("c.com")],
    ));
    let msgs: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec!["need 2 more Microsoft-capable domains: 3 Microsoft slots but only 1 usable candidate lists it"]
    );
}

#[test]
fn plan_10000_rows_is_fast() {
    let rows: Vec<_> = (0..10_000)
        .map(|i| {
            let usable: &[&str] = match i % 3 {
                0 => &["google"],
                1 => &["microsoft"],
                _ => &["google", "microsoft"],
            };
            avail(&format!("d{i}.com"), usable, 1000 + (i * 7919) % 997)
        })
        .collect();
    // Best of three: the first run also pays for cold caches and allocation.
    let mut elapsed = std::time::Duration::MAX;
    let mut out = plan_domains(split(0, 0), &[]);
    for _ in 0..3 {
        let start = std::time::Instant::now();
        out = plan_domains(split(3000, 2000), &rows);
        elapsed = elapsed.min(start.elapsed());
    }
    assert!(out.is_ok());
    assert!(check_domain_split(split(3000, 2000), &pick_rows(&rows, &out)).is_ok());
    // Generous for unoptimised test builds; `cargo xtask bench` measures speed.
    println!("plan of 10,000 rows: {elapsed:?}");
    assert!(elapsed.as_millis() < 500, "took {elapsed:?}");
}

/// The rows of a plan's picks, in candidate order (first row per name).
fn pick_rows(candidates: &[AvailabilityRow], out: &PlanOutcome) -> Vec<AvailabilityRow> {
    let PlanOutcome::Ok {
        google, microsoft, ..
    } = out
    else {
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    candidates
        .iter()
        .filter(|r| seen.insert(r.domain.to_ascii_lowercase()))
        .filter(|r| google.contains(&r.domain) || microsoft.contains(&r.domain))
        .cloned()
        .collect()
}

// ---------- brute force ----------

/// Usable for (google, microsoft), or None: the definition of docs/contract.md#domain-split written
/// out independently of the crate.
fn capable(r: &AvailabilityRow) -> Option<(bool, bool)> {
    if !r.available || r.premium == Some(true) {
        return None;
    }
    let list = r.usable_for.as_ref()?;
    let g = list.iter().any(|p| p.as_str() == "google");
    let m = list.iter().any(|p| p.as_str() == "microsoft");
    (g || m).then_some((g, m))
}

/// Is there an assignment of exactly the rows in `set` (bit mask) with
/// `m` to Microsoft and `g` to Google? Tries every Microsoft subset.
fn feasible_set(rows: &[AvailabilityRow], set: u32, g: u32, m: u32) -> bool {
    if set.count_ones() != g + m {
        return false;
    }
    let mut ms = set;
    loop {
        if ms.count_ones() == m {
            let ok =
                (0..rows.len())
                    .filter(|i| set & (1 << i) != 0)
                    .all(|i| match capable(&rows[i]) {
                        Some((cg, cm)) => {
                            if ms & (1 << i) != 0 {
                                cm
                            } else {
                                cg
                            }
                        }
                        None => false,
                    });
            if ok {
                return true;
            }
        }
        if ms == 0 {
            return false;
        }
        ms = (ms - 1) & set;
    }
}

fn distinct(rows: &[AvailabilityRow]) -> bool {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .all(|r| seen.insert(r.domain.to_ascii_lowercase()))
}

/// (feasible, minimal total) over every subset of the first-occurrence rows.
fn brute_plan(rows: &[AvailabilityRow], g: u32, m: u32) -> Option<i64> {
    let mut seen = std::collections::HashSet::new();
    let firsts: u32 = (0..rows.len())
        .filter(|&i| seen.insert(rows[i].domain.to_ascii_lowercase()))
        .map(|i| 1u32 << i)
        .sum();
    let mut best: Option<i64> = None;
    for set in 0..(1u32 << rows.len()) {
        if set & !firsts != 0 || !feasible_set(rows, set, g, m) {
            continue;
        }
        let cost: i64 = (0..rows.len())
            .filter(|i| set & (1 << i) != 0)
            .map(|i| rows[i].price_cents.unwrap_or(0))
            .sum();
        best = Some(best.map_or(cost, |b| b.min(cost)));
    }
    best
}

fn arb_row() -> impl Strategy<Value = AvailabilityRow> {
    let usable = prop_oneof![
        4 => Just(Some(vec!["google", "microsoft"])),
        3 => Just(Some(vec!["google"])),
        2 => Just(Some(vec!["microsoft"])),
        1 => Just(Some(vec!["microsoft", "google"])),
        1 => Just(Some(vec![])),
        1 => Just(Some(vec!["yahoo"])),
        1 => Just(None),
    ];
    (
        0u8..14,
        prop::bool::weighted(0.85),
        prop_oneof![6 => Just(None), 2 => Just(Some(false)), 1 => Just(Some(true))],
        usable,
        prop_oneof![1 => Just(None), 6 => (0i64..4).prop_map(Some)],
    )
        .prop_map(|(name, available, premium, usable, price)| {
            let mut v = json!({"domain": format!("d{name}.com"), "available": available});
            if let Some(p) = premium {
                v["premium"] = json!(p);
            }
            if let Some(u) = usable {
                v["usable_for"] = json!(u);
            }
            if let Some(p) = price {
                v["price_cents"] = json!(p);
            }
            row(v)
        })
}

/// A customer's picks, as taken from availability answers: mostly usable rows
/// under names of their own, now and then any row (often unusable) or a
/// repeated name.
fn arb_picks() -> impl Strategy<Value = Vec<AvailabilityRow>> {
    let usable = prop_oneof![
        6 => Just(vec!["google", "microsoft"]),
        2 => Just(vec!["google"]),
        2 => Just(vec!["microsoft"]),
    ];
    let pick = (
        usable,
        prop::bool::weighted(0.95),
        prop::bool::weighted(0.95),
        0u8..14,
    );
    prop::collection::vec((pick, arb_row()), 0..=9).prop_map(|picks| {
        picks
            .into_iter()
            .enumerate()
            .map(|(i, ((usable, good, own_name, other), any_row))| {
                let domain = if own_name {
                    format!("p{i}.com")
                } else {
                    format!("p{other}.com")
                };
                if good {
                    row(json!({"domain": domain, "available": true, "usable_for": usable}))
                } else {
                    AvailabilityRow { domain, ..any_row }
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plan_matches_brute_force(
        rows in prop::collection::vec(arb_row(), 0..=12),
        g in 0u32..5,
        m in 0u32..5,
    ) {
        let out = plan_domains(split(g, m), &rows);
        let best = brute_plan(&rows, g, m);
        match (&out, best) {
            (PlanOutcome::Ok { google, microsoft, total_price_cents, .. }, Some(best)) => {
                prop_assert_eq!(*total_price_cents, best);
                prop_assert_eq!(google.len() as u32, g);
                prop_assert_eq!(microsoft.len() as u32, m);
                let picked = pick_rows(&rows, &out);
                let sum: i64 = picked.iter().map(|r| r.price_cents.unwrap_or(0)).sum();
                prop_assert_eq!(sum, best);
                // The plan is a valid split, and assigned the same way.
                match check_domain_split(split(g, m), &picked) {
                    SplitOutcome::Ok { google: g2, microsoft: m2, .. } => {
                        prop_assert_eq!(google, &g2);
                        prop_assert_eq!(microsoft, &m2);
                    }
                    other => prop_assert!(false, "plan is not a valid split: {:?}", other),
                }
            }
            (PlanOutcome::Err { problems, .. }, None) => {
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|p| p.code == "domain_count_mismatch"));
                let missing: u64 = problems.iter()
                    .map(|p| p.details.as_ref().and_then(|d| d["missing_count"].as_u64()).unwrap_or(0))
                    .sum();
                prop_assert!(missing > 0);
            }
            (out, best) => prop_assert!(false, "plan {:?} but brute force {:?}", out, best),
        }
    }

    /// Mostly as many picks as the split has slots (often feasible, so the
    /// assignment is checked), otherwise any split.
    #[test]
    fn split_ok_iff_feasible((rows, (g, m)) in arb_picks().prop_flat_map(|rows| {
        let n = rows.len() as u32;
        (Just(rows), prop_oneof![
            3 => (0..=n).prop_map(move |g| (g, n - g)),
            1 => (0u32..6, 0u32..6),
        ])
    })) {
        let feasible = rows.len() as u32 == g + m
            && distinct(&rows)
            && feasible_set(&rows, (1u32 << rows.len()) - 1, g, m);
        let out = check_domain_split(split(g, m), &rows);
        match &out {
            SplitOutcome::Ok { google, microsoft, .. } => {
                prop_assert!(feasible);
                prop_assert_eq!(google.len() as u32, g);
                prop_assert_eq!(microsoft.len() as u32, m);
                for r in &rows {
                    let (cg, cm) = capable(r).unwrap_or((false, false));
                    let in_g = google.contains(&r.domain);
                    let in_m = microsoft.contains(&r.domain);
                    prop_assert!(in_g != in_m);
                    let fits = if in_g { cg } else { cm };
                    prop_assert!(fits);
                }
            }
            SplitOutcome::Err { problems, .. } => {
                prop_assert!(!feasible, "feasible but {:?}", problems);
                prop_assert!(!problems.is_empty());
            }
        }
    }

    /// Adding what the plan's problems ask for (single-provider domains for
    /// each shortage, both-capable for the rest) makes a plan possible, and
    /// one fewer would not: the counts are exact.
    #[test]
    fn plan_shortages_are_exact(
        rows in prop::collection::vec(arb_row(), 0..=8),
        g in 0u32..5,
        m in 0u32..5,
    ) {
        let PlanOutcome::Err { problems, .. } = plan_domains(split(g, m), &rows) else {
            return Ok(());
        };
        let mut extended = rows.clone();
        let mut total = 0;
        for (k, p) in problems.iter().enumerate() {
            let d = p.details.clone().unwrap_or_default();
            let n = d["missing_count"].as_u64().unwrap_or(0);
            total += n;
            let usable: &[&str] = match d["provider"].as_str() {
                Some("google") => &["google"],
                Some("microsoft") => &["microsoft"],
                _ => &["google", "microsoft"],
            };
            for j in 0..n {
                extended.push(avail(&format!("new{k}-{j}.com"), usable, 0));
            }
        }
        prop_assert!(plan_domains(split(g, m), &extended).is_ok());
        // Fewer additions can never suffice: each raises the rank by ≤ 1.
        let mut short = rows.clone();
        for j in 1..total {
            short.push(both(&format!("n{j}.com")));
        }
        prop_assert!(!plan_domains(split(g, m), &short).is_ok());
    }
}

#[test]
fn the_outcomes_are_discriminated_by_ok() {
    // The generated TypeScript narrows on `ok: true | false`.
    let split = serde_json::to_string(&schemars::schema_for!(SplitOutcome)).unwrap();
    assert!(split.contains(r#""const":true"#), "{split}");
    assert!(split.contains(r#""const":false"#), "{split}");
    let plan = serde_json::to_string(&schemars::schema_for!(PlanOutcome)).unwrap();
    assert!(plan.contains("total_price_cents"), "{plan}");
}

mod meter {
    use super::*;
    use peeker_partner::split::split_meter;

    #[test]
    fn fills_slots_as_the_split_assigns_them() {
        // Microsoft-only picks fill Microsoft, Google-only fill Google, and
        // both-capable ones the Microsoft slots left first.
        let m = split_meter(
            split(2, 2),
            &[monly("m.com"), both("b1.com"), both("b2.com")],
        );
        assert_eq!((m.google, m.microsoft), (1, 2));
        assert!(m.blocking.is_empty(), "{:?}", m.blocking);
        // A Microsoft-only pick is not dual-capable: it never fills Google.
        let m = split_meter(split(2, 1), &[monly("m1.com"), monly("m2.com")]);
        assert_eq!((m.google, m.microsoft), (0, 1));
        assert_eq!(m.blocking.len(), 1, "{:?}", m.blocking);
        // Google is short because Microsoft-only picks overflow their slot.
        let details = m.blocking[0].details.as_ref().unwrap();
        assert_eq!(details["microsoft_only_indices"], json!([0, 1]));
    }

    #[test]
    fn a_shortage_is_not_blocking_but_a_dead_end_is() {
        let m = split_meter(split(15, 4), &[gonly("g.com")]);
        assert_eq!((m.google, m.microsoft), (1, 0));
        assert!(m.blocking.is_empty());
        // One Google slot, two Google-only picks: no further pick helps.
        let m = split_meter(split(1, 4), &[gonly("g1.com"), gonly("g2.com")]);
        assert_eq!(m.blocking.len(), 1, "{:?}", m.blocking);
        assert!(
            m.blocking[0].message.contains("Google-only"),
            "{}",
            m.blocking[0].message
        );
        // Unusable and repeated picks fill nothing and block.
        let m = split_meter(split(3, 0), &[taken("t.com"), both("b.com"), both("B.com")]);
        assert_eq!((m.google, m.microsoft), (1, 0));
        let fields: Vec<&str> = m.blocking.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["domains[0]", "domains[2]"]);
        // Too many picks.
        let m = split_meter(split(1, 0), &[both("a.com"), both("b.com")]);
        assert!(m
            .blocking
            .iter()
            .any(|p| p.details.as_ref().unwrap()["excess_count"] == 1));
    }

    proptest! {
        /// `blocking` is empty exactly when fresh both-capable picks can
        /// still complete the split: the picker never reaches a dead end and
        /// never refuses a pick that could still work.
        #[test]
        fn blocking_means_no_completion(
            kinds in proptest::collection::vec(0u8..5, 0..9),
            g in 0u32..5,
            m in 0u32..5,
        ) {
            let rows: Vec<AvailabilityRow> = kinds.iter().enumerate().map(|(i, k)| match k {
                0 => both(&format!("b{i}.com")),
                1 => gonly(&format!("g{i}.com")),
                2 => monly(&format!("m{i}.com")),
                3 => taken(&format!("t{i}.com")),
                _ => both("dup.com"),
            }).collect();
            let meter = split_meter(split(g, m), &rows);
            let need = (g + m) as usize;
            let completable = rows.len() <= need && {
                let mut all = rows.clone();
                all.extend((0..need - rows.len()).map(|i| both(&format!("fresh{i}.com"))));
                check_domain_split(split(g, m), &all).is_ok()
            };
            prop_assert_eq!(meter.blocking.is_empty(), completable, "{:?}", meter.blocking);
            prop_assert!(meter.google <= g && meter.microsoft <= m);
        }
    }
}

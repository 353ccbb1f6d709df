//! Every rule for request bodies and list queries (docs/contract.md#request-bodies
//! and #limits), the docs'
//! request examples as fixtures, and "never panics" on arbitrary JSON.

use peeker_partner::model::*;
use peeker_partner::validate::*;
use peeker_partner::Problem;
use proptest::prelude::*;
use serde_json::{json, Value};

const SECRET: &str = "hunter2-SECRET-pw";

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/resources/requests/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn order() -> Value {
    json!({
        "user": "client@example.com",
        "bundle_id": "bun_123",
        "sequencer": {
            "provider": "smartlead",
            "client_id": 366903,
            "login_email": "ops@client.example.com",
            "login_password": SECRET
        },
        "domains": ["acme-mail.com", "team-acme.com", {"domain": "shop-acme.com", "forwarding_url": "https://shop.acme.com"}],
        "personas": [
            {"first_name": "Sam", "last_name": "Lee", "profile_picture_url": ""},
            {"first_name": "Jane", "last_name": "Doe", "profile_picture_url": null}
        ],
        "forwarding_url": "https://acme.com"
    })
}

/// `v` with `path` (`a.b.0.c`) set to `new`, or removed when `new` is `None`.
fn with(mut v: Value, path: &str, new: Option<Value>) -> Value {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().expect("path");
    let mut cur = &mut v;
    for part in parts {
        cur = match part.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[part],
        };
    }
    match (cur, new) {
        (Value::Object(m), Some(n)) => {
            m.insert(last.to_owned(), n);
        }
        (Value::Object(m), None) => {
            m.remove(last);
        }
        (Value::Array(a), Some(n)) => a[last.parse::<usize>().expect("index")] = n,
        (Value::Array(a), None) => {
            a.remove(last.parse::<usize>().expect("index"));
        }
        _ => panic!("bad path {path}"),
    }
    v
}

fn set(v: Value, path: &str, new: Value) -> Value {
    with(v, path, Some(new))
}

fn del(v: Value, path: &str) -> Value {
    with(v, path, None)
}

#[track_caller]
fn has(problems: &[Problem], field: &str, needle: &str) -> Problem {
    problems
        .iter()
        .find(|p| p.field == field && p.message.contains(needle))
        .cloned()
        .unwrap_or_else(|| panic!("no problem at {field:?} containing {needle:?} in {problems:#?}"))
}

#[track_caller]
fn only(problems: &[Problem], field: &str, needle: &str) -> Problem {
    assert_eq!(problems.len(), 1, "expected one problem: {problems:#?}");
    has(problems, field, needle)
}

#[track_caller]
fn ok<T>(r: Result<T, Vec<Problem>>) -> T {
    r.unwrap_or_else(|p| panic!("unexpected problems: {p:#?}"))
}

// ------------------------------------------------------------------ fixtures

/// Every documented request example parses without problems, and its
/// canonical bytes are a fixed point: they parse again to the same bytes.
#[test]
fn every_request_fixture_parses_and_reserialises_canonically() {
    let dir = format!("{}/tests/resources/requests", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let input = fixture(&name);
        let bytes: Vec<u8> = match name.split('.').next().unwrap_or_default() {
            n if n.starts_with("availability") => canon(parse_availability, &input),
            n if n.starts_with("bundle_create") => canon(parse_create_bundle, &input),
            n if n.starts_with("bundle_update") => canon(parse_update_bundle, &input),
            n if n.starts_with("cancel") => canon(parse_cancel_order, &input),
            n if n.starts_with("forwarding") => canon(parse_forwarding, &input),
            n if n.starts_with("import_job") => canon(parse_import_job, &input),
            n if n.starts_with("import_lookup") => canon(parse_import_lookup, &input),
            n if n.starts_with("import") => canon(parse_import, &input),
            n if n.starts_with("order") => canon(parse_create_order, &input),
            n if n.starts_with("swap") => canon(parse_create_swap, &input),
            n if n.starts_with("user_create") => canon(parse_create_user, &input),
            n if n.starts_with("user_update") => canon(parse_update_user, &input),
            n if n.starts_with("user_names") => canon(parse_user_name_swap, &input),
            _ => panic!("no parser known for fixture {name}; add it to this test"),
        };
        // The fixtures are already normalised, so the canonical body says the
        // same thing; only a create's `null` percents (= left out) are dropped.
        let mut expected = input.clone();
        if name.starts_with("bundle_create") {
            if let Value::Object(m) = &mut expected {
                m.retain(|_, v| !v.is_null());
            }
        }
        let out: Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(out, expected, "{name}");
        seen += 1;
    }
    assert!(seen >= 10, "expected the request fixtures, found {seen}");
}

fn canon<T: serde::Serialize>(parse: fn(&Value) -> Result<T, Vec<Problem>>, v: &Value) -> Vec<u8> {
    let bytes = serde_json::to_vec(&ok(parse(v))).expect("encode");
    let again: Value = serde_json::from_slice(&bytes).expect("json");
    let bytes2 = serde_json::to_vec(&ok(parse(&again))).expect("encode");
    assert_eq!(bytes, bytes2, "canonical bytes are not a fixed point");
    assert!(!bytes.contains(&b'\n') && !bytes.windows(2).any(|w| w == b": "));
    bytes
}

// ------------------------------------------------------------------ bodies in general

#[test]
fn a_body_that_is_not_an_object_is_one_problem() {
    for v in [
        json!(null),
        json!(42),
        json!("x"),
        json!([1, 2]),
        json!(true),
    ] {
        let p = parse_create_order(&v).unwrap_err();
        let p = only(&p, "", "must be a JSON object");
        assert_eq!(p.code, "invalid_request");
        assert!(!validate_availability(&v).is_empty());
        assert!(!validate_create_bundle(&v).is_empty());
    }
}

#[test]
fn unknown_fields_are_reported_as_typos() {
    let p = parse_create_bundle(&json!({"name": "x", "monthly_sending_volume": 1, "nmae": "y"}))
        .unwrap_err();
    let p = only(&p, "nmae", "unknown field");
    assert_eq!(p.details, Some(json!({"reason": "unknown_field"})));
    let body = set(order(), "sequencer.api_key", json!("k"));
    only(
        &parse_create_order(&body).unwrap_err(),
        "sequencer.api_key",
        "unknown field",
    );
    let body = set(order(), "personas.1.email", json!("a@b.co"));
    only(
        &parse_create_order(&body).unwrap_err(),
        "personas[1].email",
        "unknown field",
    );
    let body = set(order(), "domains.2.price", json!(1));
    only(
        &parse_create_order(&body).unwrap_err(),
        "domains[2].price",
        "unknown field",
    );
}

#[test]
fn many_unknown_fields_are_summarised() {
    let mut m = serde_json::Map::new();
    for i in 0..10_000 {
        m.insert(format!("k{i}"), json!(i));
    }
    let p = parse_availability(&Value::Object(m)).unwrap_err();
    assert!(p.len() < 20, "{}", p.len());
    assert!(p.iter().any(|p| p.message.contains("more unknown fields")));
}

// ------------------------------------------------------------------ bundles

fn bundle() -> Value {
    fixture("bundle_create.json")
}

#[test]
fn bundle_percents_go_together_and_sum_to_100() {
    ok(parse_create_bundle(&set(
        set(bundle(), "google_percent", json!(70)),
        "microsoft_percent",
        json!(30),
    )));
    ok(parse_create_bundle(&set(
        set(bundle(), "google_percent", json!(0)),
        "microsoft_percent",
        json!(100),
    )));
    let b = set(bundle(), "google_percent", json!(70));
    only(
        &parse_create_bundle(&b).unwrap_err(),
        "microsoft_percent",
        "go together",
    );
    let b = set(
        del(bundle(), "google_percent"),
        "microsoft_percent",
        json!(30),
    );
    only(
        &parse_create_bundle(&b).unwrap_err(),
        "google_percent",
        "go together",
    );
    let b = set(
        set(bundle(), "google_percent", json!(70)),
        "microsoft_percent",
        json!(20),
    );
    let p = only(
        &parse_create_bundle(&b).unwrap_err(),
        "google_percent",
        "must be 100",
    );
    assert_eq!(
        p.details,
        Some(json!({"google_percent": 70, "microsoft_percent": 20}))
    );
    let b = set(
        set(bundle(), "google_percent", json!(150)),
        "microsoft_percent",
        json!(-50),
    );
    let p = parse_create_bundle(&b).unwrap_err();
    has(&p, "google_percent", "from 0 to 100");
    has(&p, "microsoft_percent", "from 0 to 100");
    let b = set(
        set(bundle(), "google_percent", json!(50.5)),
        "microsoft_percent",
        json!("49.5"),
    );
    let p = parse_create_bundle(&b).unwrap_err();
    has(&p, "google_percent", "integer");
    has(&p, "microsoft_percent", "got a string");
}

#[test]
fn bundle_volume_is_a_positive_integer() {
    for bad in [
        json!(0),
        json!(-5),
        json!(1.5),
        json!("25000"),
        json!(null),
        json!(1e300),
    ] {
        let p =
            parse_create_bundle(&set(bundle(), "monthly_sending_volume", bad.clone())).unwrap_err();
        assert_eq!(p.len(), 1, "{bad}: {p:#?}");
        assert_eq!(p[0].field, "monthly_sending_volume");
    }
    only(
        &parse_create_bundle(&del(bundle(), "monthly_sending_volume")).unwrap_err(),
        "monthly_sending_volume",
        "required",
    );
    let b = ok(parse_create_bundle(&set(
        bundle(),
        "monthly_sending_volume",
        json!(25000.0),
    )));
    assert_eq!(b.monthly_sending_volume, 25000);
}

#[test]
fn bundle_other_fields() {
    for bad in [json!(1), json!(4), json!("2"), json!(2.5)] {
        only(
            &parse_create_bundle(&set(bundle(), "google_inboxes_per_domain", bad)).unwrap_err(),
            "google_inboxes_per_domain",
            "2 or 3",
        );
    }
    ok(parse_create_bundle(&set(
        bundle(),
        "google_inboxes_per_domain",
        json!(3),
    )));
    only(
        &parse_create_bundle(&set(bundle(), "send_on_weekends", json!("yes"))).unwrap_err(),
        "send_on_weekends",
        "true or false",
    );
    only(
        &parse_create_bundle(&set(bundle(), "name", json!("  "))).unwrap_err(),
        "name",
        "empty",
    );
    only(
        &parse_create_bundle(&set(bundle(), "name", json!("x".repeat(10_000_000)))).unwrap_err(),
        "name",
        "at most",
    );
    only(
        &parse_create_bundle(&set(bundle(), "currency", json!("USD"))).unwrap_err(),
        "currency",
        "no longer part",
    );
    only(
        &parse_create_bundle(&set(bundle(), "customer_price_cents", json!(100))).unwrap_err(),
        "customer_price_cents",
        "no longer part",
    );
}

#[test]
fn bundle_with_everything_wrong_reports_everything() {
    let b = json!({"name": 5, "monthly_sending_volume": -1, "google_percent": "a", "microsoft_percent": 200,
                   "send_on_weekends": 1, "google_inboxes_per_domain": 5, "extra": true});
    let p = parse_create_bundle(&b).unwrap_err();
    for f in [
        "name",
        "monthly_sending_volume",
        "google_percent",
        "microsoft_percent",
        "send_on_weekends",
        "google_inboxes_per_domain",
        "extra",
    ] {
        assert!(p.iter().any(|x| x.field == f), "{f} missing in {p:#?}");
    }
}

#[test]
fn bundle_update_is_a_tri_state_patch() {
    let u = ok(parse_update_bundle(&json!({})));
    assert_eq!(serde_json::to_string(&u).unwrap(), "{}");
    let u = ok(parse_update_bundle(
        &json!({"microsoft_percent": null, "google_percent": null}),
    ));
    assert_eq!(
        (u.google_percent.clone(), u.microsoft_percent.clone()),
        (Patch::Null, Patch::Null)
    );
    assert_eq!(
        serde_json::to_string(&u).unwrap(),
        r#"{"google_percent":null,"microsoft_percent":null}"#
    );
    let u = ok(parse_update_bundle(
        &json!({"google_percent": 60, "microsoft_percent": 40, "name": "n"}),
    ));
    assert_eq!(
        serde_json::to_string(&u).unwrap(),
        r#"{"name":"n","google_percent":60,"microsoft_percent":40}"#
    );
    only(
        &parse_update_bundle(&json!({"google_percent": 60})).unwrap_err(),
        "microsoft_percent",
        "go together",
    );
    only(
        &parse_update_bundle(&json!({"google_percent": null})).unwrap_err(),
        "microsoft_percent",
        "go together",
    );
    only(
        &parse_update_bundle(&json!({"google_percent": null, "microsoft_percent": 40}))
            .unwrap_err(),
        "google_percent",
        "go together",
    );
    only(
        &parse_update_bundle(&json!({"name": null})).unwrap_err(),
        "name",
        "string",
    );
    only(
        &parse_update_bundle(&json!({"send_on_weekends": null})).unwrap_err(),
        "send_on_weekends",
        "cannot be null",
    );
    only(
        &parse_update_bundle(&json!({"monthly_sending_volume": 0})).unwrap_err(),
        "monthly_sending_volume",
        "integer",
    );
    // Patch deserialises the same three states.
    let back: UpdateBundle = serde_json::from_str(r#"{"google_percent":null}"#).unwrap();
    assert_eq!(
        (back.google_percent, back.microsoft_percent),
        (Patch::Null, Patch::Absent)
    );
}

// ------------------------------------------------------------------ users

#[test]
fn user_sequencer_client_id() {
    let base = fixture("user_create.json");
    let u = ok(parse_create_user(&set(
        base.clone(),
        "sequencer.client_id",
        json!(""),
    )));
    assert_eq!(u.sequencer.client_id, None);
    assert!(serde_json::to_string(&u)
        .unwrap()
        .contains(r#""client_id":null"#));
    ok(parse_create_user(&set(
        base.clone(),
        "sequencer.client_id",
        json!(null),
    )));
    for bad in [json!("abc"), json!(-1), json!(0), json!(1.5), json!([])] {
        only(
            &parse_create_user(&set(base.clone(), "sequencer.client_id", bad)).unwrap_err(),
            "sequencer.client_id",
            "positive integer",
        );
    }
    only(
        &parse_create_user(&del(base.clone(), "sequencer.client_id")).unwrap_err(),
        "sequencer.client_id",
        "required",
    );
    only(
        &parse_create_user(&set(base.clone(), "sequencer.provider", json!("hubspot"))).unwrap_err(),
        "sequencer.provider",
        "\"smartlead\"",
    );
    only(
        &parse_create_user(&set(
            base.clone(),
            "sequencer.login_password",
            json!(SECRET),
        ))
        .unwrap_err(),
        "sequencer.login_password",
        "belong on an order",
    );
    only(
        &parse_create_user(&del(base.clone(), "sequencer")).unwrap_err(),
        "sequencer",
        "required",
    );
    only(
        &parse_create_user(&set(base, "sequencer", json!("smartlead"))).unwrap_err(),
        "sequencer",
        "JSON object",
    );
}

#[test]
fn user_email_and_names() {
    let base = fixture("user_create.json");
    for bad in [
        "alex",
        "alex@",
        "@acme.com",
        "a@b@c.com",
        "alex@acme",
        "al ex@acme.com",
    ] {
        only(
            &parse_create_user(&set(base.clone(), "email", json!(bad))).unwrap_err(),
            "email",
            "not a valid email",
        );
    }
    only(
        &parse_create_user(&del(base.clone(), "email")).unwrap_err(),
        "email",
        "required",
    );
    ok(parse_create_user(&del(
        del(base.clone(), "first_name"),
        "last_name",
    )));
    only(
        &parse_create_user(&set(base, "first_name", json!(7))).unwrap_err(),
        "first_name",
        "string",
    );
    ok(parse_update_user(&json!({})));
    ok(parse_update_user(
        &json!({"email": "new@acme.com", "first_name": "A"}),
    ));
    only(
        &parse_update_user(&json!({"first_name": null})).unwrap_err(),
        "first_name",
        "cannot be null",
    );
    only(
        &parse_update_user(&json!({"email": "nope"})).unwrap_err(),
        "email",
        "not a valid email",
    );
}

// ------------------------------------------------------------------ domain lists

fn names(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!(format!("d{i}.com"))).collect())
}

#[test]
fn availability_limit_is_50() {
    ok(parse_availability(&json!({"domains": names(50)})));
    let p = parse_availability(&json!({"domains": names(51)})).unwrap_err();
    let p = only(&p, "domains", "at most 50");
    assert_eq!(
        p.details,
        Some(json!({"reason": "too_many", "max": 50, "submitted_count": 51}))
    );
    only(
        &parse_availability(&json!({"domains": []})).unwrap_err(),
        "domains",
        "empty",
    );
    only(
        &parse_availability(&json!({})).unwrap_err(),
        "domains",
        "required",
    );
    only(
        &parse_availability(&json!({"domains": "a.com"})).unwrap_err(),
        "domains",
        "array",
    );
}

#[test]
fn domains_are_normalised() {
    let r = ok(parse_availability(
        &json!({"domains": ["Example.COM", "münchen.de", "bücher.example.", " spaced.com "]}),
    ));
    assert_eq!(
        r.domains,
        [
            "example.com",
            "xn--mnchen-3ya.de",
            "xn--bcher-kva.example",
            "spaced.com"
        ]
    );
}

#[test]
fn bad_domains_are_reported_by_index() {
    let mut list = names(10);
    list[3] = json!("not a domain");
    list[7] = json!("exa_mple.com");
    list[8] = json!(17);
    list[9] = json!("localhost");
    let p = parse_availability(&json!({"domains": list})).unwrap_err();
    assert_eq!(p.len(), 4, "{p:#?}");
    has(
        &p,
        "domains[3]",
        "\"not a domain\" is not a valid domain name",
    );
    has(&p, "domains[7]", "exa_mple.com");
    has(&p, "domains[8]", "got a number");
    has(&p, "domains[9]", "at least two labels");
}

#[test]
fn duplicates_are_found_after_normalisation() {
    let p =
        parse_availability(&json!({"domains": ["example.com", "b.com", "Example.COM.", "b.com"]}))
            .unwrap_err();
    assert_eq!(p.len(), 2, "{p:#?}");
    let first = has(&p, "domains[2]", "already domains[0]");
    assert_eq!(
        first.details.as_ref().and_then(|d| d.get("first_index")),
        Some(&json!(0))
    );
    has(&p, "domains[3]", "already domains[1]");
    let p =
        parse_availability(&json!({"domains": ["münchen.de", "xn--mnchen-3ya.de"]})).unwrap_err();
    only(&p, "domains[1]", "appears twice");
}

#[test]
fn import_takes_registrable_roots_only() {
    let r = ok(parse_import(
        &json!({"domains": ["acme.com", "acme.co.uk", "Shop.COM.AU"]}),
    ));
    assert_eq!(r.domains, ["acme.com", "acme.co.uk", "shop.com.au"]);
    let p = parse_import(&json!({"domains": ["mail.acme.com", "co.uk", "a.b.acme.co.uk"]}))
        .unwrap_err();
    assert_eq!(p.len(), 3, "{p:#?}");
    has(&p, "domains[0]", "not a registrable root domain");
    ok(parse_import(&json!({"domains": names(25)})));
    only(
        &parse_import(&json!({"domains": names(26)})).unwrap_err(),
        "domains",
        "at most 25",
    );
    ok(parse_import_job(&json!({"domains": names(500)})));
    only(
        &parse_import_job(&json!({"domains": names(501)})).unwrap_err(),
        "domains",
        "at most 500",
    );
    only(
        &parse_import_job(&json!({"domains": ["mail.acme.com"]})).unwrap_err(),
        "domains[0]",
        "root",
    );
}

#[test]
fn forwarding_rules() {
    let r = ok(parse_forwarding(&fixture("forwarding.json")));
    assert_eq!(r.domains[1], "dom_01HZX0D02A2B3C4D5E6F7G8H");
    let body = json!({"domains": names(26), "forwarding_url": "ftp://acme.com"});
    let p = parse_forwarding(&body).unwrap_err();
    assert_eq!(p.len(), 2, "{p:#?}");
    has(&p, "domains", "at most 25");
    has(&p, "forwarding_url", "http:// or https://");
    only(
        &parse_forwarding(&json!({"domains": ["a.com"]})).unwrap_err(),
        "forwarding_url",
        "required",
    );
    only(
        &parse_forwarding(&json!({"domains": ["a.com"], "forwarding_url": "https://"}))
            .unwrap_err(),
        "forwarding_url",
        "no host",
    );
    only(
        &parse_forwarding(
            &json!({"domains": ["dom_", "a.com"], "forwarding_url": "https://a.com"}),
        )
        .unwrap_err(),
        "domains[0]",
        "not a valid domain",
    );
}

/// 100,000 domains in a 50-limit request: the count is reported, the work is
/// bounded (no timing asserted: shared machines flake; a quadratic check
/// would show as a test that does not finish), and the answer stays small.
#[test]
fn huge_lists_are_bounded() {
    let huge: Vec<Value> = (0..100_000)
        .map(|i| json!(format!("bad_{i}.com")))
        .collect();
    let p = parse_availability(&json!({"domains": huge})).unwrap_err();
    has(&p, "domains", "at most 50");
    assert!(p.len() <= MAX_PROBLEMS);
    assert!(p
        .last()
        .is_some_and(|x| x.message.contains("more problems")));
    // No limit on order domains: all checked, in linear time, duplicates too.
    let many: Vec<Value> = (0..100_000)
        .map(|i| json!(format!("d{}.com", i % 50_000)))
        .collect();
    let p = parse_create_order(&set(order(), "domains", Value::Array(many))).unwrap_err();
    assert_eq!(p.len(), MAX_PROBLEMS);
    has(&p, "domains[50000]", "already domains[0]");
    // A 10 MB domain name is refused without being processed.
    let p = parse_availability(&json!({"domains": ["a".repeat(10_000_000)]})).unwrap_err();
    assert!(p[0].message.len() < 200);
}

// ------------------------------------------------------------------ orders

#[test]
fn order_fixtures_and_normalisation() {
    let o = ok(parse_create_order(&fixture("order_bundle.json")));
    assert_eq!(o.bundle_id.as_deref(), Some("bun_123"));
    assert_eq!(o.personas[0].profile_picture_url.as_deref(), Some(""));
    assert_eq!(o.personas[1].profile_picture_url, None);
    let o = ok(parse_create_order(&fixture("order_custom.json")));
    assert_eq!(
        (
            o.google_licenses,
            o.microsoft_licenses,
            o.google_inboxes_per_domain
        ),
        (Some(4), Some(1), Some(2))
    );
    let body = set(
        order(),
        "domains",
        json!(["Acme-Mail.COM", {"domain": "münchen.de.", "forwarding_url": "https://x.de"}, "dom_01ABC"]),
    );
    let o = ok(parse_create_order(&body));
    assert_eq!(o.domains[0], OrderDomain::Name("acme-mail.com".into()));
    assert_eq!(o.domains[1].domain(), "xn--mnchen-3ya.de");
    assert_eq!(o.domains[2].domain(), "dom_01ABC");
    // `personas` keep the picture key even when null.
    let bytes = serde_json::to_string(&o).unwrap();
    assert!(bytes.contains(r#""profile_picture_url":null"#), "{bytes}");
}

#[test]
fn bundle_and_custom_fields_conflict() {
    for field in [
        "google_licenses",
        "microsoft_licenses",
        "google_inboxes_per_domain",
    ] {
        let v = if field == "google_inboxes_per_domain" {
            json!(2)
        } else {
            json!(4)
        };
        let p = parse_create_order(&set(order(), field, v)).unwrap_err();
        let p = only(&p, "bundle_id", "not both");
        assert_eq!(p.code, "order_shape_conflict");
        assert_eq!(p.details, Some(json!({"conflicting_fields": [field]})));
    }
    // null custom fields are not set, so no conflict.
    ok(parse_create_order(&set(
        order(),
        "google_licenses",
        json!(null),
    )));
}

#[test]
fn an_order_needs_a_bundle_or_licenses() {
    only(
        &parse_create_order(&del(order(), "bundle_id")).unwrap_err(),
        "bundle_id",
        "either bundle_id",
    );
    let custom = set(del(order(), "bundle_id"), "microsoft_licenses", json!(2));
    let o = ok(parse_create_order(&custom));
    assert_eq!((o.google_licenses, o.microsoft_licenses), (None, Some(2)));
    let zero = set(
        set(del(order(), "bundle_id"), "google_licenses", json!(0)),
        "microsoft_licenses",
        json!(0),
    );
    only(
        &parse_create_order(&zero).unwrap_err(),
        "google_licenses",
        "at least one license",
    );
    let bad = set(
        set(del(order(), "bundle_id"), "google_licenses", json!(-1)),
        "google_inboxes_per_domain",
        json!(4),
    );
    let p = parse_create_order(&bad).unwrap_err();
    assert_eq!(p.len(), 2, "{p:#?}");
    has(&p, "google_licenses", "integer");
    has(&p, "google_inboxes_per_domain", "2 or 3");
}

#[test]
fn old_order_shapes_say_what_to_send() {
    let p = parse_create_order(&set(del(order(), "user"), "user_id", json!("usr_1"))).unwrap_err();
    let p = only(&p, "user_id", "old order shape");
    assert!(p.message.contains("\"user\""));
    let p = parse_create_order(&set(
        order(),
        "user",
        json!({"email": "a@b.com", "first_name": "A"}),
    ))
    .unwrap_err();
    only(&p, "user", "one string");
    let personas = order()["personas"].clone();
    let p = parse_create_order(&set(del(order(), "personas"), "users", personas)).unwrap_err();
    only(&p, "users", "personas");
    // both old and new: the old one is still flagged.
    let p = parse_create_order(&set(order(), "user_id", json!("usr_1"))).unwrap_err();
    only(&p, "user_id", "old order shape");
}

#[test]
fn order_user_is_an_id_or_an_email() {
    ok(parse_create_order(&set(
        order(),
        "user",
        json!("usr_01HZX0C6Z3K4M5N6P7Q8R9S0"),
    )));
    only(
        &parse_create_order(&set(order(), "user", json!("bob"))).unwrap_err(),
        "user",
        "not a valid email",
    );
    only(
        &parse_create_order(&set(order(), "user", json!("usr_"))).unwrap_err(),
        "user",
        "usr_",
    );
    only(
        &parse_create_order(&set(order(), "user", json!(5))).unwrap_err(),
        "user",
        "got a number",
    );
    only(
        &parse_create_order(&del(order(), "user")).unwrap_err(),
        "user",
        "required",
    );
}

#[test]
fn smartlead_sequencer_needs_credentials() {
    for f in ["login_email", "login_password", "client_id", "provider"] {
        let p = parse_create_order(&del(order(), &format!("sequencer.{f}"))).unwrap_err();
        only(&p, &format!("sequencer.{f}"), "required");
    }
    ok(parse_create_order(&set(
        order(),
        "sequencer.client_id",
        json!(null),
    )));
    only(
        &parse_create_order(&set(order(), "sequencer.client_id", json!(""))).unwrap_err(),
        "sequencer.client_id",
        "or null",
    );
    only(
        &parse_create_order(&set(order(), "sequencer.login_email", json!("ops"))).unwrap_err(),
        "sequencer.login_email",
        "email",
    );
    only(
        &parse_create_order(&set(order(), "sequencer.login_password", json!(""))).unwrap_err(),
        "sequencer.login_password",
        "empty",
    );
    only(
        &parse_create_order(&set(order(), "sequencer.login_password", json!(1234))).unwrap_err(),
        "sequencer.login_password",
        "string",
    );
    // The password is sent exactly as given, spaces included.
    let o = ok(parse_create_order(&set(
        order(),
        "sequencer.login_password",
        json!(" pw "),
    )));
    assert_eq!(o.sequencer.login_password, " pw ");
}

#[test]
fn the_password_never_leaks() {
    let o = ok(parse_create_order(&order()));
    let debug = format!("{o:?} {:?}", o.sequencer);
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("login_password: \"***\""), "{debug}");
    // Problems never carry it, whatever else is wrong.
    let mut body = set(order(), "sequencer.login_email", json!(SECRET));
    body = set(body, "sequencer.bogus", json!(SECRET));
    body = set(body, "sequencer.login_password", json!(SECRET.repeat(1000)));
    let p = parse_create_order(&body).unwrap_err();
    let text = serde_json::to_string(&p).unwrap();
    assert!(!text.contains(&SECRET.repeat(2)), "{text}");
    has(&p, "sequencer.login_password", "too long");
    let p =
        parse_create_order(&set(order(), "sequencer.login_password", json!([SECRET]))).unwrap_err();
    assert!(!serde_json::to_string(&p).unwrap().contains(SECRET));
}

#[test]
fn order_domains() {
    only(
        &parse_create_order(&set(order(), "domains", json!([]))).unwrap_err(),
        "domains",
        "empty",
    );
    let p = parse_create_order(&set(
        order(),
        "domains",
        json!(["a.com", {"domain": "A.com", "forwarding_url": "https://a.com"}]),
    ))
    .unwrap_err();
    only(&p, "domains[1].domain", "already domains[0]");
    let p = parse_create_order(&set(order(), "domains.2", json!({"domain": "x.com"}))).unwrap_err();
    only(&p, "domains[2].forwarding_url", "required");
    let p = parse_create_order(&set(
        order(),
        "domains.2",
        json!({"domain": "x", "forwarding_url": "nope"}),
    ))
    .unwrap_err();
    assert_eq!(p.len(), 2, "{p:#?}");
    has(&p, "domains[2].domain", "two labels");
    has(&p, "domains[2].forwarding_url", "http://");
    only(
        &parse_create_order(&set(order(), "domains.0", json!(null))).unwrap_err(),
        "domains[0]",
        "got null",
    );
    only(
        &parse_create_order(&set(order(), "forwarding_url", json!("acme.com"))).unwrap_err(),
        "forwarding_url",
        "http://",
    );
    ok(parse_create_order(&del(order(), "forwarding_url")));
}

#[test]
fn personas_rules() {
    let persona = json!({"first_name": "A", "last_name": "B", "profile_picture_url": null});
    let ten = Value::Array(vec![persona.clone(); 10]);
    ok(parse_create_order(&set(order(), "personas", ten)));
    let eleven = Value::Array(vec![persona.clone(); 11]);
    only(
        &parse_create_order(&set(order(), "personas", eleven)).unwrap_err(),
        "personas",
        "at most 10",
    );
    only(
        &parse_create_order(&set(order(), "personas", json!([]))).unwrap_err(),
        "personas",
        "empty",
    );
    only(
        &parse_create_order(&del(order(), "personas")).unwrap_err(),
        "personas",
        "required",
    );
    let mut four = vec![persona.clone(); 4];
    four[3] = json!({"first_name": "A", "last_name": "B"});
    let p = parse_create_order(&set(order(), "personas", Value::Array(four))).unwrap_err();
    only(
        &p,
        "personas[3].profile_picture_url",
        "required on every persona",
    );
    for bad in [json!("ftp://x.com/a.png"), json!("/a.png"), json!(5)] {
        let p =
            parse_create_order(&set(order(), "personas.1.profile_picture_url", bad)).unwrap_err();
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!(p[0].field, "personas[1].profile_picture_url");
    }
    let o = ok(parse_create_order(&set(
        order(),
        "personas.1.profile_picture_url",
        json!("http://127.0.0.1/pic.jpg"),
    )));
    assert_eq!(
        o.personas[1].profile_picture_url.as_deref(),
        Some("http://127.0.0.1/pic.jpg")
    );
    let p = parse_create_order(&set(
        order(),
        "personas.0",
        json!({"first_name": "", "profile_picture_url": ""}),
    ))
    .unwrap_err();
    assert_eq!(p.len(), 2, "{p:#?}");
    has(&p, "personas[0].first_name", "empty");
    has(&p, "personas[0].last_name", "required");
}

#[test]
fn an_order_with_everything_wrong_reports_everything() {
    let body = json!({
        "user_id": "usr_1", "bundle_id": "bun_1", "google_licenses": "many",
        "sequencer": {"provider": "x", "client_id": "y", "login_password": 3},
        "domains": ["ok.com", "OK.com", "bad"], "personas": [{}], "forwarding_url": 1, "typo": 1
    });
    let p = parse_create_order(&body).unwrap_err();
    for f in [
        "user_id",
        "bundle_id",
        "google_licenses",
        "sequencer.provider",
        "sequencer.client_id",
        "sequencer.login_email",
        "sequencer.login_password",
        "domains[1]",
        "domains[2]",
        "personas[0].first_name",
        "personas[0].last_name",
        "personas[0].profile_picture_url",
        "forwarding_url",
        "typo",
    ] {
        assert!(p.iter().any(|x| x.field == f), "{f} missing in {p:#?}");
    }
    assert!(p.iter().any(|x| x.code == "order_shape_conflict"));
    assert!(p.iter().all(|x| !x.message.is_empty()));
}

// ------------------------------------------------------------------ cancel, swaps

#[test]
fn cancel_bodies() {
    assert_eq!(ok(parse_cancel_order(&json!(null))).domains, None);
    assert_eq!(ok(parse_cancel_order(&json!({}))).domains, None);
    let c = ok(parse_cancel_order(&fixture("cancel_domains.json")));
    assert_eq!(c.domains.map(|d| d.len()), Some(2));
    only(
        &parse_cancel_order(&json!({"domains": []})).unwrap_err(),
        "domains",
        "empty",
    );
    only(
        &parse_cancel_order(&json!({"scope": "order"})).unwrap_err(),
        "scope",
        "no body",
    );
    only(
        &parse_cancel_order(&json!({"domains": ["a.com", "A.COM"]})).unwrap_err(),
        "domains[1]",
        "twice",
    );
    only(
        &parse_cancel_order(&json!([])).unwrap_err(),
        "",
        "JSON object",
    );
}

#[test]
fn swap_bodies() {
    let s = ok(parse_create_swap(&fixture("swap.json")));
    assert_eq!(s.swap_type, SwapRequestType::Premium);
    assert_eq!(
        serde_json::to_string(&s).unwrap(),
        r#"{"type":"premium","domain_id":"dom_01HZX0D01A2B3C4D5E6F7G8H","replacement_domain":"acme-fresh.com"}"#
    );
    let base = fixture("swap.json");
    only(
        &parse_create_swap(&set(base.clone(), "type", json!("user_names"))).unwrap_err(),
        "type",
        "/swaps/user_names",
    );
    only(
        &parse_create_swap(&set(base.clone(), "type", json!("fast"))).unwrap_err(),
        "type",
        "\"fast\"",
    );
    only(
        &parse_create_swap(&set(base.clone(), "replacement_domain", json!("bad name")))
            .unwrap_err(),
        "replacement_domain",
        "not a valid domain",
    );
    let same = set(
        set(base.clone(), "domain_id", json!("old.com")),
        "replacement_domain",
        json!("OLD.com"),
    );
    only(
        &parse_create_swap(&same).unwrap_err(),
        "replacement_domain",
        "differ",
    );
    let p = parse_create_swap(&json!({})).unwrap_err();
    assert_eq!(p.len(), 3, "{p:#?}");
}

#[test]
fn user_name_swap_bodies() {
    ok(parse_user_name_swap(&fixture("user_names_swap.json")));
    let personas = fixture("user_names_swap.json")["personas"].clone();
    let p = parse_user_name_swap(&json!({"domain_id": "dom_1", "users": personas})).unwrap_err();
    only(&p, "users", "personas");
    let p = parse_user_name_swap(
        &json!({"domain_id": "dom_1", "personas": [{"first_name": "J", "last_name": "D"}]}),
    )
    .unwrap_err();
    only(&p, "personas[0].profile_picture_url", "required");
    only(
        &parse_user_name_swap(&json!({"personas": personas})).unwrap_err(),
        "domain_id",
        "required",
    );
}

// ------------------------------------------------------------------ queries

#[test]
fn list_queries() {
    assert_eq!(
        ok(parse_list_orders(&json!(null))),
        ListOrdersQuery::default()
    );
    ok(parse_list_bundles(
        &json!({"status": "archived", "per_page": 100, "page_token": "eyJjdXJzb3IiOiJ4eXoifQ"}),
    ));
    for bad in [json!(0), json!(101), json!("25"), json!(2.5)] {
        only(
            &parse_list_swaps(&json!({"per_page": bad})).unwrap_err(),
            "per_page",
            "1 to 100",
        );
    }
    only(
        &parse_list_bundles(&json!({"status": "deleted"})).unwrap_err(),
        "status",
        "active, archived",
    );
    only(
        &parse_list_orders(&json!({"status": "in-progress"})).unwrap_err(),
        "status",
        "in_progress",
    );
    only(
        &parse_list_orders(&json!({"user_email": "nope"})).unwrap_err(),
        "user_email",
        "email",
    );
    only(
        &parse_list_users(&json!({"perPage": 5})).unwrap_err(),
        "perPage",
        "unknown field",
    );
    only(
        &parse_list_domains(&json!({"usable_for": "yahoo"})).unwrap_err(),
        "usable_for",
        "google, microsoft",
    );
    ok(parse_list_domains(
        &json!({"status": "some_new_status", "category": "inventory"}),
    ));
    ok(parse_list_pending(
        &json!({"user": "usr_01", "status": "resolved"}),
    ));
    ok(parse_list_pending(&json!({"user": "a@b.com"})));
    only(
        &parse_list_pending(&json!({"user": "bob"})).unwrap_err(),
        "user",
        "email",
    );
    only(&parse_list_users(&json!(7)).unwrap_err(), "", "JSON object");
    let l = ok(parse_import_lookup(
        &json!({"domains": ["Acme-Mail.com", "team-acme.com"]}),
    ));
    assert_eq!(l.domains, ["acme-mail.com", "team-acme.com"]);
    only(
        &parse_import_lookup(&json!({"domains": []})).unwrap_err(),
        "domains",
        "empty",
    );
    only(
        &parse_import_lookup(&json!(null)).unwrap_err(),
        "",
        "JSON object",
    );
}

// ------------------------------------------------------------------ never panics

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("a.com"),
            Just("Ü.de"),
            Just("usr_1"),
            Just("dom_1"),
            Just("a@b.co"),
            Just("https://x.io"),
            Just(""),
            Just("smartlead"),
            Just("premium"),
            Just("xn--"),
            Just("-."),
            Just("a..b")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let keys = prop_oneof![
        Just("user"),
        Just("user_id"),
        Just("users"),
        Just("bundle_id"),
        Just("google_licenses"),
        Just("microsoft_licenses"),
        Just("google_inboxes_per_domain"),
        Just("sequencer"),
        Just("provider"),
        Just("client_id"),
        Just("login_email"),
        Just("login_password"),
        Just("domains"),
        Just("domain"),
        Just("personas"),
        Just("first_name"),
        Just("last_name"),
        Just("profile_picture_url"),
        Just("forwarding_url"),
        Just("name"),
        Just("monthly_sending_volume"),
        Just("google_percent"),
        Just("microsoft_percent"),
        Just("type"),
        Just("domain_id"),
        Just("replacement_domain"),
        Just("per_page"),
        Just("status"),
        Just("email"),
        Just("x"),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone().prop_map(str::to_owned), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn run_all(v: &Value) -> usize {
    let mut n = 0;
    let mut count = |p: Vec<Problem>| {
        for x in &p {
            assert!(
                x.code == "invalid_request" || x.code == "order_shape_conflict",
                "{x:?}"
            );
            assert!(!x.message.is_empty());
        }
        n += p.len();
    };
    count(validate_create_bundle(v));
    count(validate_update_bundle(v));
    count(validate_create_user(v));
    count(validate_update_user(v));
    count(validate_availability(v));
    count(validate_import(v));
    count(validate_import_job(v));
    count(validate_forwarding(v));
    count(validate_create_order(v));
    count(validate_cancel_order(v));
    count(validate_create_swap(v));
    count(validate_user_name_swap(v));
    count(validate_list_bundles(v));
    count(validate_list_users(v));
    count(validate_list_domains(v));
    count(validate_list_orders(v));
    count(validate_list_pending(v));
    count(validate_list_swaps(v));
    count(validate_import_lookup(v));
    n
}

/// Strings shaped like domain names as people type them: two to four labels
/// of letters (ASCII, accented, Greek, Cyrillic, CJK, full-width), digits and
/// inner hyphens, in any case, sometimes with a trailing dot, surrounding
/// spaces or an ideographic full stop. A few break a rule (a numeric last
/// label, a hyphen at an end), as typed names do.
fn name_like() -> impl Strategy<Value = String> {
    let label = "[a-zA-Z0-9üÜßéσΣΑдД日本ｅＸ][a-zA-Z0-9üßéσдД日本ｅＸ-]{0,10}[a-zA-Z0-9üßéσд日ｅ]?";
    (
        prop::collection::vec(label, 1..4),
        "[a-zA-Züσд]{2,6}",
        prop_oneof![4 => Just("."), 1 => Just("。"), 1 => Just("．")],
        prop::bool::weighted(0.1),
        prop_oneof![6 => Just(""), 1 => Just(" "), 1 => Just("\t")],
    )
        .prop_map(|(labels, tld, dot, root, pad)| {
            let mut name = labels.join(dot);
            name.push_str(dot);
            name.push_str(&tld);
            if root {
                name.push('.');
            }
            format!("{pad}{name}{pad}")
        })
}

/// An email address with a name-like domain.
fn email_like() -> impl Strategy<Value = String> {
    ("[a-z][a-z0-9._+-]{0,10}[a-z0-9]", name_like())
        .prop_map(|(local, d)| format!("{local}@{}", d.trim()))
}

/// An http(s) URL on a name-like host.
fn url_like() -> impl Strategy<Value = String> {
    ("https?", name_like(), "(/[a-z0-9]{1,8}){0,2}")
        .prop_map(|(s, h, p)| format!("{s}://{}{p}", h.trim()))
}

/// A persona as a body carries it.
fn persona() -> impl Strategy<Value = Value> {
    ("[A-Za-zé]{1,12}", "[A-Za-z' -]{1,12}", prop_oneof![Just(json!(null)), Just(json!("")), url_like().prop_map(Value::from)])
        .prop_map(|(first, last, pic)| json!({"first_name": first, "last_name": last, "profile_picture_url": pic}))
}

/// One of the order's fields and a value of its own type (usually valid).
fn order_field() -> impl Strategy<Value = (&'static str, Value)> {
    let domains = prop::collection::vec(name_like(), 1..6).prop_map(|names| {
        // One name per position, so the list does not repeat itself.
        let names: Vec<Value> = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| json!(format!("n{i}-{}", n.trim().trim_end_matches('.'))))
            .collect();
        Value::Array(names)
    });
    prop_oneof![
        prop_oneof![email_like(), "usr_[A-Za-z0-9_-]{1,30}"].prop_map(|u| ("user", json!(u))),
        "bun_[A-Za-z0-9]{1,12}".prop_map(|b| ("bundle_id", json!(b))),
        (prop_oneof![Just(json!(null)), (1u64..1_000_000_000).prop_map(Value::from)], email_like(), "\\PC{1,40}")
            .prop_map(|(id, email, pw)| ("sequencer", json!({"provider": "smartlead", "client_id": id, "login_email": email, "login_password": pw}))),
        prop_oneof![Just(json!(null)), (1u64..1_000_000_000).prop_map(Value::from)].prop_map(|id| ("sequencer.client_id", id)),
        "\\PC{1,40}".prop_map(|pw| ("sequencer.login_password", json!(pw))),
        domains.prop_map(|d| ("domains", d)),
        name_like().prop_map(|n| ("domains.0", json!(format!("first-{}", n.trim())))),
        (name_like(), url_like()).prop_map(|(n, u)| ("domains.2", json!({"domain": format!("third-{}", n.trim()), "forwarding_url": u}))),
        url_like().prop_map(|u| ("domains.2.forwarding_url", json!(u))),
        prop::collection::vec(persona(), 1..=10).prop_map(|p| ("personas", Value::Array(p))),
        persona().prop_map(|p| ("personas.0", p)),
        prop_oneof![Just(json!(null)), Just(json!("")), url_like().prop_map(Value::from)].prop_map(|u| ("personas.1.profile_picture_url", u)),
        url_like().prop_map(|u| ("forwarding_url", json!(u))),
        prop_oneof![Just(json!(null)), (0u64..20).prop_map(Value::from)].prop_map(|n| ("google_licenses", n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic_on_arbitrary_json(v in any_json()) {
        run_all(&v);
    }

    /// Valid order with one field replaced: never panics, and a valid result
    /// re-parses from its own bytes to the same value. The replacement is
    /// mostly a value of the field's own type (so the order often stays valid
    /// and the re-parse check runs), otherwise any JSON at all.
    #[test]
    fn mutated_orders_never_panic((path, v) in prop_oneof![
        3 => order_field(),
        1 => (prop_oneof![
            Just("user"), Just("bundle_id"), Just("sequencer"), Just("sequencer.client_id"),
            Just("sequencer.login_password"), Just("domains"), Just("domains.0"), Just("domains.2"),
            Just("domains.2.forwarding_url"), Just("personas"), Just("personas.0"),
            Just("personas.1.profile_picture_url"), Just("forwarding_url"), Just("google_licenses"),
        ], any_json()),
    ]) {
        let body = set(order(), path, v);
        run_all(&body);
        if let Ok(o) = parse_create_order(&body) {
            let bytes = serde_json::to_vec(&o).unwrap();
            let again = parse_create_order(&serde_json::from_slice(&bytes).unwrap());
            prop_assert_eq!(again, Ok(o));
        }
    }

    /// Any string as a domain: no panic; an accepted name is normalised
    /// (ASCII, lower case, idempotent). Mostly strings shaped like names (so
    /// most are accepted and the checks run), otherwise any text.
    #[test]
    fn domain_normalisation_is_idempotent(s in prop_oneof![4 => name_like(), 1 => "\\PC{0,80}"]) {
        if let Ok(n) = normalize_domain(&s) {
            prop_assert!(n.is_ascii() && n.len() <= 253);
            prop_assert_eq!(n.to_ascii_lowercase(), n.clone());
            prop_assert_eq!(normalize_domain(&n), Ok(n.clone()));
        }
    }
}

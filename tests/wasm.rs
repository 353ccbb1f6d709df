//! The pure core again, compiled to wasm32 and run by wasm-bindgen-test in
//! Node and in headless Chromium (`cargo xtask test` runs both): the same
//! decisions must come out of the same code on every target.
#![cfg(target_arch = "wasm32")]

use peeker_partner::model::{AvailabilityRow, Event, Provider};
use peeker_partner::request::Endpoint;
use peeker_partner::split::{check_domain_split, Split};
use peeker_partner::{plan, sizing, validate, webhook};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

const ORDER: &str = include_str!("resources/requests/order_bundle.json");
const ORDER_COMPLETED: &str = include_str!("resources/event_order_completed.json");

fn row(domain: &str, providers: &[Provider], price: i64) -> AvailabilityRow {
    serde_json::from_value(json!({
        "domain": domain, "available": true, "price_cents": price,
        "usable_for": providers.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
    }))
    .unwrap()
}

#[wasm_bindgen_test]
fn documented_order_validates_and_builds_canonically() {
    let body: Value = serde_json::from_str(ORDER).unwrap();
    assert!(validate::validate_create_order(&body).is_empty());
    let a = Endpoint::CreateOrder.build(None, &body).unwrap();
    let again: Value = serde_json::from_slice(a.body.as_deref().unwrap()).unwrap();
    let b = Endpoint::CreateOrder.build(None, &again).unwrap();
    assert_eq!(a.body, b.body);
}

#[wasm_bindgen_test]
fn every_problem_is_reported() {
    let mut body: Value = serde_json::from_str(ORDER).unwrap();
    body["google_licenses"] = json!(3);
    body["domains"] = json!(["ok.com", "OK.com", "bad domain"]);
    let fields: Vec<String> = validate::validate_create_order(&body)
        .into_iter()
        .map(|p| format!("{} {}", p.code, p.field))
        .collect();
    assert!(
        fields.contains(&"order_shape_conflict bundle_id".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"invalid_request domains[1]".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"invalid_request domains[2]".to_owned()),
        "{fields:?}"
    );
}

#[wasm_bindgen_test]
fn idn_to_punycode() {
    assert_eq!(
        validate::normalize_domain("München.DE").unwrap(),
        "xn--mnchen-3ya.de"
    );
}

#[wasm_bindgen_test]
fn bundle_sizing_matches_the_docs() {
    let r = sizing::required_domains(&sizing::BundleSizing {
        monthly_sending_volume: 100_000,
        google_percent: Some(70),
        microsoft_percent: Some(30),
        ..Default::default()
    })
    .unwrap();
    assert_eq!((r.google, r.microsoft, r.total), (80, 10, 90));
}

#[wasm_bindgen_test]
fn split_and_plan() {
    let both = [Provider::Google, Provider::Microsoft];
    let rows = vec![
        row("a.com", &both, 1300),
        row("b.com", &[Provider::Google], 900),
        row("c.com", &both, 1000),
    ];
    let required = Split {
        google: 1,
        microsoft: 1,
    };
    let planned = plan::plan_domains(required, &rows);
    assert_eq!(
        serde_json::to_value(&planned).unwrap(),
        json!({"ok": true, "google": ["b.com"], "microsoft": ["c.com"], "total_price_cents": 1900})
    );
    assert!(
        !check_domain_split(required, &rows).is_ok(),
        "three picks for two slots"
    );

    // 10,000 rows plan without trouble in wasm too.
    let many: Vec<AvailabilityRow> = (0..10_000)
        .map(|i| row(&format!("d{i}.com"), &both, 1000 + (i * 7919) % 500))
        .collect();
    assert!(plan::plan_domains(
        Split {
            google: 500,
            microsoft: 100
        },
        &many
    )
    .is_ok());
}

#[wasm_bindgen_test]
fn webhook_sign_verify_and_typed_payload() {
    let body = ORDER_COMPLETED.trim().as_bytes();
    let event: Event = serde_json::from_slice(body).unwrap();
    let signature = webhook::sign(b"whsec_x", "1778241600", body);
    let headers = webhook::WebhookHeaders::from_pairs([
        ("peeker-timestamp", "1778241600"),
        ("PEEKER-SIGNATURE", signature.as_str()),
        ("Peeker-Event-Id", event.id.as_str()),
    ]);
    let verified = webhook::verify(body, &headers, &[b"whsec_x"], 300, 1_778_241_700).unwrap();
    assert_eq!(verified.id, event.id);
    let stale = webhook::verify(body, &headers, &[b"whsec_x"], 300, 1_778_242_000);
    assert_eq!(stale.unwrap_err().code, "timestamp_out_of_range");
}

/// json::parse reads numbers with the JS engine's parseFloat in wasm and
/// core's parser natively: the same f64s, the same kinds, the same refusals.
#[wasm_bindgen_test]
fn json_numbers_read_as_serde_json_reads_them() {
    for text in [
        "0",
        "-0",
        "1.5",
        "-2.25e-3",
        "1e21",
        "5e-324",
        "1.7976931348623157e308",
        "0.1",
        "0.30000000000000004",
        "123456789012345678901234567890",
        "18446744073709551615",
        "-9223372036854775808",
        "-9223372036854775809",
        "1e400",
        "-1e400",
        "2.5E+3",
        r#"{"n":[1,-1,1.0,"\u00e9\uD83D\uDE00"]}"#,
    ] {
        let ours = peeker_partner::json::parse(text);
        let theirs = serde_json::from_str::<Value>(text).ok();
        assert_eq!(ours, theirs, "{text}");
    }
}

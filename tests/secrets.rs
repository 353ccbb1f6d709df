//! Secrets never come back: no validation message echoes a `sequencer.*`
//! value, and `HttpRequest`'s `Debug` shows no body (docs/contract.md#secrets).
//! The scrubber that cleans errors has its own tests (tests/scrub.rs).

use peeker_partner::request;
use peeker_partner::validate::{parse_create_order, parse_create_user, parse_update_user};
use serde_json::{json, Value};

const PASSWORD: &str = "Sm@rt\"lead\\pw\t42";

fn order(sequencer: Value) -> Value {
    json!({
        "user": "client@example.com",
        "bundle_id": "bun_123",
        "sequencer": sequencer,
        "domains": ["acme-mail.com"],
        "personas": [{"first_name": "Sam", "last_name": "Lee", "profile_picture_url": null}],
    })
}

fn assert_quiet(problems: &[peeker_partner::Problem], secret: &str) {
    assert!(!problems.is_empty());
    let text = serde_json::to_string(problems).unwrap();
    let escaped = serde_json::to_string(secret).unwrap();
    assert!(!text.contains(escaped.trim_matches('"')), "{text}");
    for p in problems {
        assert!(!p.message.contains(secret), "{}", p.message);
    }
}

#[test]
fn swapped_or_misplaced_credentials_are_never_echoed() {
    let swapped = json!({"provider": "smartlead", "client_id": null,
        "login_email": PASSWORD, "login_password": "ops@client.example.com"});
    assert_quiet(&parse_create_order(&order(swapped)).unwrap_err(), PASSWORD);
    for field in ["provider", "client_id", "login_email"] {
        let mut seq = json!({"provider": "smartlead", "client_id": 1,
            "login_email": "ops@client.example.com", "login_password": PASSWORD});
        seq[field] = json!(PASSWORD);
        assert_quiet(&parse_create_order(&order(seq)).unwrap_err(), PASSWORD);
    }
    for seq in [
        json!({"provider": PASSWORD, "client_id": 1}),
        json!({"provider": "smartlead", "client_id": PASSWORD}),
        json!({"provider": "smartlead", "client_id": 1, "login_password": PASSWORD}),
    ] {
        let user = json!({"email": "a@b.co", "sequencer": seq});
        assert_quiet(&parse_create_user(&user).unwrap_err(), PASSWORD);
        let patch = json!({"sequencer": seq});
        assert_quiet(&parse_update_user(&patch).unwrap_err(), PASSWORD);
    }
}

#[test]
fn http_request_debug_has_no_body() {
    let seq = json!({"provider": "smartlead", "client_id": null,
        "login_email": "ops@client.example.com", "login_password": PASSWORD});
    let req = request::Endpoint::CreateOrder
        .build(None, &order(seq))
        .unwrap();
    let body = String::from_utf8(req.body.clone().unwrap()).unwrap();
    assert!(body.contains("login_password"));
    let debug = format!("{req:?} {req:#?}");
    assert!(!debug.contains("lead"), "{debug}");
    assert!(!debug.contains("login_password"), "{debug}");
    assert!(debug.contains("/orders"), "{debug}");
}

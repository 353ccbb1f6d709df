//! Request builders: method, path, query, canonical bodies, retry safety.

use peeker_partner::request::{self, Endpoint, HttpRequest, Method};
use proptest::prelude::*;
use serde_json::{json, Value};

fn order() -> Value {
    json!({
        "user": "client@example.com",
        "bundle_id": "bun_123",
        "sequencer": {"provider": "smartlead", "client_id": 366903,
                      "login_email": "ops@client.example.com", "login_password": "pw"},
        "domains": ["acme-mail.com", {"domain": "shop-acme.com", "forwarding_url": "https://shop.acme.com"}],
        "personas": [{"first_name": "Sam", "last_name": "Lee", "profile_picture_url": null}],
        "forwarding_url": "https://acme.com"
    })
}

fn body_text(req: &HttpRequest) -> String {
    String::from_utf8(req.body.clone().expect("a body")).expect("utf-8")
}

#[test]
fn order_body_is_compact_and_in_declaration_order() {
    let req = request::create_order(&order()).expect("valid");
    assert_eq!((req.method, req.path.as_str()), (Method::Post, "/orders"));
    assert_eq!(
        body_text(&req),
        concat!(
            r#"{"user":"client@example.com","bundle_id":"bun_123","#,
            r#""sequencer":{"provider":"smartlead","client_id":366903,"login_email":"ops@client.example.com","login_password":"pw"},"#,
            r#""domains":["acme-mail.com",{"domain":"shop-acme.com","forwarding_url":"https://shop.acme.com"}],"#,
            r#""personas":[{"first_name":"Sam","last_name":"Lee","profile_picture_url":null}],"#,
            r#""forwarding_url":"https://acme.com"}"#
        )
    );
    assert!(req.retry_safe());
}

#[test]
fn invalid_bodies_are_refused_with_every_problem() {
    let err = request::create_order(&json!({"user": 1, "domains": []})).unwrap_err();
    assert_eq!(err.code, "validation_failed");
    assert!(err.problems.len() >= 4, "{:?}", err.problems);
    assert!(err.message.contains("more problem"));
    // Id and body problems come together.
    let err = request::update_bundle("", &json!({"google_percent": 5})).unwrap_err();
    let fields: Vec<_> = err.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["id", "microsoft_percent"]);
}

#[test]
fn every_endpoint_has_its_method_path_and_retry_rule() {
    use Endpoint::*;
    let table: &[(Endpoint, &str, &str, bool)] = &[
        (Me, "GET", "/me", true),
        (CreateBundle, "POST", "/bundles", false),
        (ListBundles, "GET", "/bundles", true),
        (RetrieveBundle, "GET", "/bundles/{id}", true),
        (UpdateBundle, "PATCH", "/bundles/{id}", false),
        (DeleteBundle, "DELETE", "/bundles/{id}", false),
        (CreateUser, "POST", "/users", false),
        (ListUsers, "GET", "/users", true),
        (RetrieveUser, "GET", "/users/{id}", true),
        (UpdateUser, "PATCH", "/users/{id}", false),
        (DeleteUser, "DELETE", "/users/{id}", false),
        (CheckAvailability, "POST", "/domains/availability", true),
        (ImportDomains, "POST", "/domains/import", false),
        (LookupImports, "GET", "/domains/import", true),
        (RetrieveImport, "GET", "/domains/import/{id}", true),
        (CreateImportJob, "POST", "/domains/import/jobs", true),
        (RetrieveImportJob, "GET", "/domains/import/jobs/{id}", true),
        (ListDomains, "GET", "/domains", true),
        (CreateForwarding, "POST", "/domains/forwarding", true),
        (RetrieveForwarding, "GET", "/domains/forwarding/{id}", true),
        (CreateOrder, "POST", "/orders", true),
        (ListOrders, "GET", "/orders", true),
        (ListPending, "GET", "/orders/pending", true),
        (CancelOrder, "POST", "/orders/{id}/cancel", false),
        (CreateSwap, "POST", "/swaps", false),
        (ListSwaps, "GET", "/swaps", true),
        (RetrieveSwap, "GET", "/swaps/{id}", true),
        (SwapUserNames, "POST", "/swaps/user_names", false),
    ];
    assert_eq!(table.len(), Endpoint::ALL.len());
    for (e, method, path, safe) in table {
        assert_eq!(e.method().as_str(), *method, "{e:?}");
        assert_eq!(e.path_template(), *path, "{e:?}");
        assert_eq!(e.retry_safe(), *safe, "{e:?}");
        // Part A §A7: every GET is safe.
        if e.method() == Method::Get {
            assert!(e.retry_safe());
        }
    }
}

#[test]
fn builders_fill_paths_and_encode_ids() {
    let null = Value::Null;
    let cases: Vec<(HttpRequest, Method, &str)> = vec![
        (request::me(), Method::Get, "/me"),
        (
            request::retrieve_bundle("bun_1").unwrap(),
            Method::Get,
            "/bundles/bun_1",
        ),
        (
            request::delete_bundle("bun_1").unwrap(),
            Method::Delete,
            "/bundles/bun_1",
        ),
        (
            request::retrieve_user("usr_1").unwrap(),
            Method::Get,
            "/users/usr_1",
        ),
        (
            request::delete_user("usr_1").unwrap(),
            Method::Delete,
            "/users/usr_1",
        ),
        (
            request::retrieve_import("imp_1").unwrap(),
            Method::Get,
            "/domains/import/imp_1",
        ),
        (
            request::retrieve_import_job("imp_2").unwrap(),
            Method::Get,
            "/domains/import/jobs/imp_2",
        ),
        (
            request::retrieve_forwarding("fwj_1").unwrap(),
            Method::Get,
            "/domains/forwarding/fwj_1",
        ),
        (
            request::retrieve_swap("swp_1").unwrap(),
            Method::Get,
            "/swaps/swp_1",
        ),
        (
            request::cancel_order("ord 1/2?", &null).unwrap(),
            Method::Post,
            "/orders/ord%201%2F2%3F/cancel",
        ),
        (
            request::list_bundles(&null).unwrap(),
            Method::Get,
            "/bundles",
        ),
        (request::list_users(&null).unwrap(), Method::Get, "/users"),
        (
            request::list_domains(&null).unwrap(),
            Method::Get,
            "/domains",
        ),
        (request::list_orders(&null).unwrap(), Method::Get, "/orders"),
        (
            request::list_pending(&null).unwrap(),
            Method::Get,
            "/orders/pending",
        ),
        (request::list_swaps(&null).unwrap(), Method::Get, "/swaps"),
    ];
    for (req, method, path) in cases {
        assert_eq!((req.method, req.path.as_str()), (method, path));
        assert_eq!(req.body, None, "{path}");
        assert!(req.query.is_empty(), "{path}");
    }
    assert!(request::retrieve_bundle("").is_err());
    assert!(request::retrieve_swap(&"x".repeat(300)).is_err());
}

#[test]
fn bodies_of_the_other_posts() {
    let r = request::create_bundle(
        &json!({"monthly_sending_volume": 25000, "name": "S", "google_percent": null}),
    )
    .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"name":"S","monthly_sending_volume":25000}"#
    );
    let r = request::update_bundle(
        "bun_1",
        &json!({"microsoft_percent": null, "google_percent": null}),
    )
    .unwrap();
    assert_eq!(
        (r.method, r.path.as_str()),
        (Method::Patch, "/bundles/bun_1")
    );
    assert_eq!(
        body_text(&r),
        r#"{"google_percent":null,"microsoft_percent":null}"#
    );
    let r = request::create_user(
        &json!({"sequencer": {"client_id": "", "provider": "smartlead"}, "email": "a@b.co"}),
    )
    .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"email":"a@b.co","sequencer":{"provider":"smartlead","client_id":null}}"#
    );
    let r = request::update_user("usr_1", &json!({"last_name": "L"})).unwrap();
    assert_eq!(body_text(&r), r#"{"last_name":"L"}"#);
    let r = request::check_availability(&json!({"domains": ["A.com", "münchen.de"]})).unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"domains":["a.com","xn--mnchen-3ya.de"]}"#
    );
    let r = request::import_domains(&json!({"domains": ["a.com"]})).unwrap();
    assert_eq!(
        (r.path.as_str(), r.retry_safe()),
        ("/domains/import", false)
    );
    let r = request::create_import_job(&json!({"domains": ["a.com"]})).unwrap();
    assert_eq!(
        (r.path.as_str(), r.retry_safe()),
        ("/domains/import/jobs", true)
    );
    let r = request::create_forwarding(
        &json!({"forwarding_url": "https://x.io", "domains": ["dom_1"]}),
    )
    .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"domains":["dom_1"],"forwarding_url":"https://x.io"}"#
    );
    let r = request::cancel_order("ord_1", &json!({})).unwrap();
    assert_eq!(r.body, None);
    let r = request::cancel_order("ord_1", &json!({"domains": ["A.com"]})).unwrap();
    assert_eq!(body_text(&r), r#"{"domains":["a.com"]}"#);
    let r = request::create_swap(
        &json!({"replacement_domain": "n.com", "domain_id": "dom_1", "type": "standard"}),
    )
    .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"type":"standard","domain_id":"dom_1","replacement_domain":"n.com"}"#
    );
    let r = request::swap_user_names(&json!({"personas": [{"profile_picture_url": "", "last_name": "D", "first_name": "J"}], "domain_id": "dom_1"})).unwrap();
    assert_eq!(r.path, "/swaps/user_names");
    assert_eq!(
        body_text(&r),
        r#"{"domain_id":"dom_1","personas":[{"first_name":"J","last_name":"D","profile_picture_url":""}]}"#
    );
}

#[test]
fn queries_are_in_a_fixed_order_and_encoded_once() {
    let r = request::list_orders(&json!({"page_token": "a b&c=", "status": "completed", "per_page": 50, "user_email": "a+b@c.co"})).unwrap();
    let q: Vec<(&str, &str)> = r
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        q,
        [
            ("user_email", "a+b@c.co"),
            ("status", "completed"),
            ("per_page", "50"),
            ("page_token", "a b&c=")
        ]
    );
    assert_eq!(
        r.url("https://api.peeker.ai/partner/v1/"),
        "https://api.peeker.ai/partner/v1/orders?user_email=a%2Bb%40c.co&status=completed&per_page=50&page_token=a%20b%26c%3D"
    );
    let r =
        request::lookup_imports(&json!({"domains": ["Acme-Mail.com", "team-acme.com"]})).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/domains/import?domains=acme-mail.com,team-acme.com"
    );
    assert!(request::lookup_imports(&json!({})).is_err());
    assert!(request::list_bundles(&json!({"per_page": 0})).is_err());
    let r = request::list_pending(&json!({"status": "open", "order_id": "ord_1"})).unwrap();
    assert_eq!(
        r.path_and_query(),
        "/orders/pending?order_id=ord_1&status=open"
    );
    let r = request::list_domains(&json!({"usable_for": "microsoft", "category": "inventory"}))
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/domains?category=inventory&usable_for=microsoft"
    );
    let r = request::list_swaps(&json!({"domain_id": "dom_1"})).unwrap();
    assert_eq!(r.path_and_query(), "/swaps?domain_id=dom_1");
    let r = request::list_users(&json!({"email": "a@b.co"})).unwrap();
    assert_eq!(r.path_and_query(), "/users?email=a%40b.co");
}

/// Writes `v` as JSON text with object keys in an order chosen by `seed`
/// and random whitespace, so the parser sees a differently spelled body.
fn shuffled_text(v: &Value, seed: &mut u64, out: &mut String) {
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }
    let space = |n: u64| if n % 3 == 0 { " \n " } else { "" };
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            for i in (1..entries.len()).rev() {
                let j = (next(seed) % (i as u64 + 1)) as usize;
                entries.swap(i, j);
            }
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space(next(seed)));
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(space(next(seed)));
                out.push(':');
                shuffled_text(val, seed, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                shuffled_text(item, seed, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap()),
    }
}

proptest! {
    /// The same logical order, whatever its key order (nested too), spacing
    /// or the case of its domain names, gives byte-identical bodies.
    #[test]
    fn order_bytes_do_not_depend_on_key_order(seed in 1u64.., upper in any::<bool>(), custom in any::<bool>()) {
        let mut body = order();
        if custom {
            let m = body.as_object_mut().unwrap();
            m.remove("bundle_id");
            m.insert("google_licenses".into(), json!(4));
            m.insert("microsoft_licenses".into(), json!(1));
            m.insert("google_inboxes_per_domain".into(), json!(2));
        }
        let expected = request::create_order(&body).unwrap().body;
        if upper {
            body["domains"][0] = json!("ACME-Mail.COM.");
            body["domains"][1]["domain"] = json!("Shop-Acme.com");
        }
        let mut text = String::new();
        let mut s = seed;
        shuffled_text(&body, &mut s, &mut text);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(request::create_order(&reparsed).unwrap().body, expected);
    }
}

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
    let req = Endpoint::CreateOrder.build(None, &order()).expect("valid");
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
    let err = Endpoint::CreateOrder
        .build(None, &json!({"user": 1, "domains": []}))
        .unwrap_err();
    assert_eq!(err.code, "validation_failed");
    assert!(err.problems.len() >= 4, "{:?}", err.problems);
    assert!(err.message.contains("more problem"));
    // Id and body problems come together.
    let err = Endpoint::UpdateBundle
        .build(Some(""), &json!({"google_percent": 5}))
        .unwrap_err();
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
        // docs/contract.md#idempotency-and-retries: every GET is safe.
        if e.method() == Method::Get {
            assert!(e.retry_safe());
        }
    }
}

#[test]
fn dot_ids_are_refused_before_sending() {
    for id in ["", ".", ".."] {
        for e in [
            request::cancel_order(id, None).unwrap_err(),
            request::delete_bundle(id).unwrap_err(),
            request::retrieve_user(id).unwrap_err(),
            request::Endpoint::UpdateBundle
                .build(Some(id), &json!({}))
                .unwrap_err(),
        ] {
            assert_eq!(e.problems[0].field, "id", "{id:?}");
        }
    }
    // Dots inside an id are fine (encoded as they are: unreserved).
    assert_eq!(
        request::delete_bundle("a..b").unwrap().path,
        "/bundles/a..b"
    );
    assert_eq!(request::delete_bundle("...").unwrap().path, "/bundles/...");
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
            Endpoint::CancelOrder
                .build(Some("ord 1/2?"), &null)
                .unwrap(),
            Method::Post,
            "/orders/ord%201%2F2%3F/cancel",
        ),
        (
            Endpoint::ListBundles.build(None, &null).unwrap(),
            Method::Get,
            "/bundles",
        ),
        (
            Endpoint::ListUsers.build(None, &null).unwrap(),
            Method::Get,
            "/users",
        ),
        (
            Endpoint::ListDomains.build(None, &null).unwrap(),
            Method::Get,
            "/domains",
        ),
        (
            Endpoint::ListOrders.build(None, &null).unwrap(),
            Method::Get,
            "/orders",
        ),
        (
            Endpoint::ListPending.build(None, &null).unwrap(),
            Method::Get,
            "/orders/pending",
        ),
        (
            Endpoint::ListSwaps.build(None, &null).unwrap(),
            Method::Get,
            "/swaps",
        ),
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
    let r = Endpoint::CreateBundle
        .build(
            None,
            &json!({"monthly_sending_volume": 25000, "name": "S", "google_percent": null}),
        )
        .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"name":"S","monthly_sending_volume":25000}"#
    );
    let r = Endpoint::UpdateBundle
        .build(
            Some("bun_1"),
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
    let r = Endpoint::CreateUser
        .build(
            None,
            &json!({"sequencer": {"client_id": "", "provider": "smartlead"}, "email": "a@b.co"}),
        )
        .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"email":"a@b.co","sequencer":{"provider":"smartlead","client_id":null}}"#
    );
    let r = Endpoint::UpdateUser
        .build(Some("usr_1"), &json!({"last_name": "L"}))
        .unwrap();
    assert_eq!(body_text(&r), r#"{"last_name":"L"}"#);
    let r = Endpoint::CheckAvailability
        .build(None, &json!({"domains": ["A.com", "münchen.de"]}))
        .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"domains":["a.com","xn--mnchen-3ya.de"]}"#
    );
    let r = Endpoint::ImportDomains
        .build(None, &json!({"domains": ["a.com"]}))
        .unwrap();
    assert_eq!(
        (r.path.as_str(), r.retry_safe()),
        ("/domains/import", false)
    );
    let r = Endpoint::CreateImportJob
        .build(None, &json!({"domains": ["a.com"]}))
        .unwrap();
    assert_eq!(
        (r.path.as_str(), r.retry_safe()),
        ("/domains/import/jobs", true)
    );
    let r = Endpoint::CreateForwarding
        .build(
            None,
            &json!({"forwarding_url": "https://x.io", "domains": ["dom_1"]}),
        )
        .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"domains":["dom_1"],"forwarding_url":"https://x.io"}"#
    );
    let r = Endpoint::CancelOrder
        .build(Some("ord_1"), &json!({}))
        .unwrap();
    assert_eq!(r.body, None);
    let r = Endpoint::CancelOrder
        .build(Some("ord_1"), &json!({"domains": ["A.com"]}))
        .unwrap();
    assert_eq!(body_text(&r), r#"{"domains":["a.com"]}"#);
    let r = Endpoint::CreateSwap
        .build(
            None,
            &json!({"replacement_domain": "n.com", "domain_id": "dom_1", "type": "standard"}),
        )
        .unwrap();
    assert_eq!(
        body_text(&r),
        r#"{"type":"standard","domain_id":"dom_1","replacement_domain":"n.com"}"#
    );
    let r = Endpoint::SwapUserNames.build(None, &json!({"personas": [{"profile_picture_url": "", "last_name": "D", "first_name": "J"}], "domain_id": "dom_1"})).unwrap();
    assert_eq!(r.path, "/swaps/user_names");
    assert_eq!(
        body_text(&r),
        r#"{"domain_id":"dom_1","personas":[{"first_name":"J","last_name":"D","profile_picture_url":""}]}"#
    );
}

#[test]
fn queries_are_in_a_fixed_order_and_encoded_once() {
    let r = Endpoint::ListOrders.build(None, &json!({"page_token": "a b&c=", "status": "completed", "per_page": 50, "user_email": "a+b@c.co"})).unwrap();
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
    let r = Endpoint::LookupImports
        .build(
            None,
            &json!({"domains": ["Acme-Mail.com", "team-acme.com"]}),
        )
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/domains/import?domains=acme-mail.com,team-acme.com"
    );
    assert!(Endpoint::LookupImports.build(None, &json!({})).is_err());
    assert!(Endpoint::ListBundles
        .build(None, &json!({"per_page": 0}))
        .is_err());
    let r = Endpoint::ListPending
        .build(None, &json!({"status": "open", "order_id": "ord_1"}))
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/orders/pending?order_id=ord_1&status=open"
    );
    let r = Endpoint::ListDomains
        .build(
            None,
            &json!({"usable_for": "microsoft", "category": "inventory"}),
        )
        .unwrap();
    assert_eq!(
        r.path_and_query(),
        "/domains?category=inventory&usable_for=microsoft"
    );
    let r = Endpoint::ListSwaps
        .build(None, &json!({"domain_id": "dom_1"}))
        .unwrap();
    assert_eq!(r.path_and_query(), "/swaps?domain_id=dom_1");
    let r = Endpoint::ListUsers
        .build(None, &json!({"email": "a@b.co"}))
        .unwrap();
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
        let expected = Endpoint::CreateOrder.build(None, &body).unwrap().body;
        if upper {
            body["domains"][0] = json!("ACME-Mail.COM.");
            body["domains"][1]["domain"] = json!("Shop-Acme.com");
        }
        let mut text = String::new();
        let mut s = seed;
        shuffled_text(&body, &mut s, &mut text);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(Endpoint::CreateOrder.build(None, &reparsed).unwrap().body, expected);
    }
}

#[test]
fn typed_builders_take_the_model_types() {
    use peeker_partner::model::{CancelOrder, CreateOrder, ListOrdersQuery};
    let typed: CreateOrder = serde_json::from_value(order()).unwrap();
    let a = request::create_order(&typed).unwrap();
    let b = Endpoint::CreateOrder.build(None, &order()).unwrap();
    assert_eq!(a, b);
    // A typed value is still validated (and normalised) like any other.
    let mut bad = typed.clone();
    bad.personas.clear();
    let err = request::create_order(&bad).unwrap_err();
    assert_eq!(err.problems[0].field, "personas");
    let q = ListOrdersQuery {
        status: Some("completed".into()),
        per_page: Some(10),
        ..Default::default()
    };
    assert_eq!(
        request::list_orders(&q).unwrap().path_and_query(),
        "/orders?status=completed&per_page=10"
    );
    assert_eq!(request::cancel_order("ord_1", None).unwrap().body, None);
    let some = CancelOrder {
        domains: Some(vec!["A.com".into()]),
    };
    assert_eq!(
        body_text(&request::cancel_order("ord_1", Some(&some)).unwrap()),
        r#"{"domains":["a.com"]}"#
    );
}

#[test]
fn the_table_rows_agree_with_themselves() {
    use peeker_partner::request::{Access, Args};
    for &e in Endpoint::ALL {
        assert_eq!(Endpoint::from_client_name(e.client_name()), Some(e));
        let has_id = e.path_template().contains("{id}");
        assert_eq!(
            has_id,
            matches!(e.args(), Args::Id | Args::IdBody | Args::IdOptionalBody),
            "{e:?}"
        );
        assert_eq!(
            e.body_schema().is_some(),
            matches!(e.args(), Args::Body | Args::IdBody | Args::IdOptionalBody),
            "{e:?}"
        );
        assert_eq!(
            e.query_schema().is_some(),
            matches!(e.args(), Args::Query | Args::OptionalQuery),
            "{e:?}"
        );
        // Reads are open to every preset, writes to `full` only, except
        // availability checks (`limited` too).
        let expected = match (e.method(), e) {
            (Method::Get, _) => Access::Read,
            (_, Endpoint::CheckAvailability) => Access::Limited,
            _ => Access::Full,
        };
        assert_eq!(e.access(), expected, "{e:?}");
        assert!(e.access().presets().contains(&"full"));
    }
    assert!(Endpoint::ListOrders.paginated());
    assert_eq!(Endpoint::CreateImportJob.success_status(), 202);
}

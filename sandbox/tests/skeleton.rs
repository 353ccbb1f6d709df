//! Authentication, presets, the error envelope, routing, body limits and the
//! rate limit, over real HTTP.

mod common;
use common::*;
use serde_json::json;

fn is_request_id(id: &str) -> bool {
    id.len() == 30
        && id.starts_with("req_")
        && id[4..]
            .bytes()
            .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_and_presets() {
    let sb = Sandbox::default().await;
    for (key, preset) in [
        ("pk_test_abc", "full"),
        ("pk_test_read_abc", "read"),
        ("pk_test_limited_abc", "limited"),
    ] {
        let r = sb.send("GET", "/me", None, Some(key)).await;
        assert_eq!(r.status, 200);
        assert!(is_request_id(&r.request_id), "{}", r.request_id);
        assert_eq!(r.data()["api_key"]["environment"], "test");
        assert_eq!(r.data()["api_key"]["permission_preset"], preset);
        assert!(r.data()["partner"]["id"]
            .as_str()
            .unwrap()
            .starts_with("org_"));
    }
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_keys() {
    let sb = Sandbox::default().await;
    for key in [
        None,
        Some("pk_live_abc"),
        Some("sk_test_abc"),
        Some("pk_test_"),
        Some(""),
    ] {
        let r = sb.send("GET", "/me", None, key).await;
        assert_eq!(r.status, 401, "{key:?}");
        assert_eq!(r.code(), "unauthorized");
        assert!(is_request_id(&r.request_id));
    }
    // Wrong scheme.
    let r = sb
        .http
        .get(sb.url("/partner/v1/me"))
        .header("Authorization", "Basic pk_test_abc")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_per_preset() {
    let sb = Sandbox::default().await;
    let bundle = json!({ "name": "x", "monthly_sending_volume": 1000 });
    let avail = json!({ "domains": ["acme-mail.com"] });
    let cases = [
        ("pk_test_read_k", "POST", "/bundles", bundle.clone(), 403),
        (
            "pk_test_read_k",
            "POST",
            "/domains/availability",
            avail.clone(),
            403,
        ),
        ("pk_test_limited_k", "POST", "/bundles", bundle.clone(), 403),
        (
            "pk_test_limited_k",
            "POST",
            "/domains/import",
            json!({"domains": ["a.com"]}),
            403,
        ),
        (
            "pk_test_limited_k",
            "POST",
            "/domains/availability",
            avail.clone(),
            200,
        ),
        ("pk_test_full_k", "POST", "/bundles", bundle.clone(), 201),
    ];
    for (key, method, path, body, want) in cases {
        let r = sb
            .send(method, path, Some(body.to_string().into_bytes()), Some(key))
            .await;
        assert_eq!(r.status, want, "{key} {method} {path}: {}", r.body);
        if want == 403 {
            assert_eq!(r.code(), "forbidden");
        }
    }
    // Reads work for every preset.
    for key in ["pk_test_read_k", "pk_test_limited_k"] {
        for path in [
            "/bundles",
            "/users",
            "/orders",
            "/domains",
            "/swaps",
            "/orders/pending",
        ] {
            let r = sb.send("GET", path, None, Some(key)).await;
            assert_eq!(r.status, 200, "{key} {path}");
        }
        for (m, path) in [
            ("DELETE", "/bundles/bun_x"),
            ("PATCH", "/users/usr_x"),
            ("POST", "/orders"),
            ("POST", "/swaps"),
            ("POST", "/domains/forwarding"),
            ("POST", "/orders/ord_x/cancel"),
        ] {
            let r = sb.send(m, path, Some(b"{}".to_vec()), Some(key)).await;
            assert_eq!(r.status, 403, "{key} {m} {path}");
        }
    }
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_methods_and_bodies() {
    let sb = Sandbox::default().await;
    // Unknown routes: 404 with the envelope, inside and outside the API.
    for path in ["/nope", "/bundles/x/y", "/orders/ord_1", "/"] {
        let r = sb.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.code(), "not_found");
    }
    let r = sb.http.get(sb.url("/elsewhere")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("peeker-request-id"));
    // Wrong methods: 405 with the envelope.
    for (m, path) in [
        ("PUT", "/me"),
        ("DELETE", "/orders"),
        ("POST", "/orders/pending"),
        ("GET", "/swaps/user_names"),
        ("PATCH", "/domains/availability"),
        ("GET", "/orders/ord_1/cancel"),
    ] {
        let r = sb.raw(m, path, None).await;
        assert_eq!(r.status, 405, "{m} {path}");
        assert_eq!(r.code(), "method_not_allowed");
    }
    let r = sb.raw("GET", "/_sandbox/reset", None).await;
    assert_eq!(r.status, 405);
    // Malformed JSON → 400 invalid_request.
    for body in [&b"{"[..], b"not json", b"{\"a\":}", b"\xff\xfe"] {
        let r = sb.raw("POST", "/bundles", Some(body.to_vec())).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.code(), "invalid_request");
    }
    // Wrong types and missing fields name the field.
    let r = sb
        .post(
            "/bundles",
            &json!({ "name": 5, "monthly_sending_volume": "x" }),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (400, "invalid_request", "name")
    );
    assert_eq!(
        r.body["error"]["details"]["problems"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let r = sb.post("/bundles", &json!({ "name": "x" })).await;
    assert_eq!(r.field(), "monthly_sending_volume");
    let r = sb.post("/bundles", &json!([1, 2])).await;
    assert_eq!((r.status, r.code()), (400, "invalid_request"));
    assert!(r.body["error"].get("field").is_none());
    // Over 1 MiB → 413.
    let big = format!("{{\"name\":\"{}\"}}", "a".repeat(1024 * 1024 + 10));
    let r = sb.raw("POST", "/bundles", Some(big.into_bytes())).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.code(), "payload_too_large");
    // Exactly at the limit is read (and then refused for its content).
    let ok = format!("{{\"name\":\"{}\"}}", "a".repeat(1024 * 1024 - 11));
    assert_eq!(ok.len(), 1024 * 1024);
    let r = sb.raw("POST", "/bundles", Some(ok.into_bytes())).await;
    assert_eq!(r.status, 400);
    // Deep nesting is refused, not a crash.
    let deep = "[".repeat(100_000);
    let r = sb.raw("POST", "/bundles", Some(deep.into_bytes())).await;
    assert_eq!(r.status, 400);
    assert_eq!(sb.get("/me").await.status, 200);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_per_key() {
    let sb = Sandbox::start(Config {
        rate_limit: 5,
        ..config()
    })
    .await;
    for _ in 0..5 {
        assert_eq!(sb.get("/me").await.status, 200);
    }
    let r = sb.get("/me").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "rate_limited");
    let retry = r.body["error"]["details"]["retry_after_seconds"]
        .as_u64()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another key has its own bucket.
    let other = sb.send("GET", "/me", None, Some("pk_test_other")).await;
    assert_eq!(other.status, 200);
    // The window reopens when the clock moves a minute on.
    sb.post("/_sandbox/clock", &json!({ "advance_seconds": 61 }))
        .await;
    assert_eq!(sb.get("/me").await.status, 200);
    sb.handle.stop().await;
}

use peeker_sandbox::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_generated_openapi_document_without_a_key() {
    let sb = Sandbox::default().await;
    let r = sb.send("GET", "/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    assert!(is_request_id(&r.request_id));
    let doc = &r.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let operations: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(operations, 28);
    assert_eq!(doc["webhooks"].as_object().unwrap().len(), 18);
    sb.handle.stop().await;
}

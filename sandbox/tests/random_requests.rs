//! A bounded random run: 10,000 generated requests, valid and garbage, over
//! real HTTP. The server must stay up, answer every one with a request id and
//! a JSON body, and never answer 5xx (no faults are injected here).

mod common;
use common::*;
use peeker_sandbox::Config;
use serde_json::{json, Value};

/// splitmix64: deterministic, so a failure replays.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const PATHS: &[&str] = &[
    "/me",
    "/bundles",
    "/bundles/{id}",
    "/users",
    "/users/{id}",
    "/domains/availability",
    "/domains/import",
    "/domains/import/{id}",
    "/domains/import/jobs",
    "/domains/import/jobs/{id}",
    "/domains",
    "/domains/forwarding",
    "/domains/forwarding/{id}",
    "/orders",
    "/orders/pending",
    "/orders/{id}/cancel",
    "/swaps",
    "/swaps/{id}",
    "/swaps/user_names",
    "/nope",
    "/orders/{id}",
    "/",
];

fn random_value(r: &mut Rng, depth: u32) -> Value {
    match r.below(if depth > 3 { 6 } else { 8 }) {
        0 => Value::Null,
        1 => json!(r.below(2) == 0),
        2 => json!(r.next() as i64 % 1000),
        3 => json!(-1.5e300),
        4 => json!(r
            .pick(&[
                "",
                "x",
                "acme.com",
                "taken.com",
                "a@b.c",
                "dom_x",
                "usr_y",
                "ünïcødé.com",
                "http://127.0.0.1/x"
            ])
            .to_string()),
        5 => json!("a".repeat(r.below(300))),
        6 => Value::Array(
            (0..r.below(5))
                .map(|_| random_value(r, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "domains",
                "name",
                "user",
                "personas",
                "sequencer",
                "type",
                "email",
                "bundle_id",
                "x",
            ];
            let mut m = serde_json::Map::new();
            for _ in 0..r.below(5) {
                m.insert(r.pick(&keys).to_string(), random_value(r, depth + 1));
            }
            Value::Object(m)
        }
    }
}

/// A valid body for the path, with a unique-ish name so orders can succeed.
fn valid_body(r: &mut Rng, path: &str, n: usize) -> Value {
    let d = |i: usize| format!("rnd{n}-{i}.com");
    match path {
        "/bundles" => {
            json!({ "name": format!("b{n}"), "monthly_sending_volume": 1 + r.below(200_000) })
        }
        "/users" => {
            json!({ "email": format!("u{n}@acme.com"), "sequencer": { "provider": "smartlead", "client_id": null } })
        }
        "/domains/availability" => json!({ "domains": [d(0), "taken-x.com", "gonly-y.com"] }),
        "/domains/import" | "/domains/import/jobs" => json!({ "domains": [d(0), d(1)] }),
        "/domains/forwarding" => json!({ "domains": [d(0)], "forwarding_url": "https://acme.com" }),
        "/orders" => custom_order(&format!("o{}@acme.com", r.below(20)), &[&d(0), &d(1)]),
        "/swaps" => json!({ "type": "standard", "domain_id": d(0), "replacement_domain": d(9) }),
        "/swaps/user_names" => {
            json!({ "domain_id": d(0), "personas": [{ "first_name": "A", "last_name": "B", "profile_picture_url": null }] })
        }
        _ => json!({}),
    }
}

fn mutate(r: &mut Rng, mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        let keys: Vec<String> = m.keys().cloned().collect();
        if !keys.is_empty() {
            let k = r.pick(&keys).clone();
            match r.below(3) {
                0 => {
                    m.remove(&k);
                }
                _ => {
                    m.insert(k, random_value(r, 0));
                }
            }
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_random_requests() {
    let sb = std::sync::Arc::new(
        Sandbox::start(Config {
            rate_limit: 10_000_000,
            ..config()
        })
        .await,
    );
    let mut workers = Vec::new();
    for w in 0..4u64 {
        let sb = sb.clone();
        workers.push(tokio::spawn(async move {
            let mut r = Rng(0xC0FFEE + w);
            let mut ids: Vec<String> = vec!["x".into()];
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            for n in 0..2500usize {
                let n = n * 4 + w as usize;
                let template = *r.pick(PATHS);
                let id = r.pick(&ids).clone();
                let mut path = template.replace("{id}", &id);
                if r.below(4) == 0 {
                    let q = r.pick(&[
                        "per_page=3",
                        "per_page=0",
                        "per_page=abc",
                        "page_token=%%",
                        "page_token=eyJjdXJzb3IiOiJ4eXoifQ",
                        "status=active",
                        "domains=a.com,b.com",
                        "email=a%40b.com",
                        "user=x",
                        "category=connected",
                    ]);
                    path = format!("{path}?{q}");
                }
                let method = *r.pick(&["GET", "GET", "POST", "POST", "PATCH", "DELETE", "PUT"]);
                let body: Option<Vec<u8>> = match r.below(6) {
                    0 => None,
                    1 => Some(
                        r.pick(&[&b"{"[..], b"null", b"[]", b"\"x\"", b"{\"a\":1}}", b"\xff"])
                            .to_vec(),
                    ),
                    2 => Some(random_value(&mut r, 0).to_string().into_bytes()),
                    3 => {
                        let v = valid_body(&mut r, template, n);
                        Some(mutate(&mut r, v).to_string().into_bytes())
                    }
                    _ => Some(valid_body(&mut r, template, n).to_string().into_bytes()),
                };
                let key = match r.below(12) {
                    0 => None,
                    1 => Some("pk_live_x"),
                    2 => Some("pk_test_read_x"),
                    3 => Some("pk_test_limited_x"),
                    4 => Some("garbage"),
                    _ => Some(KEY),
                };
                let resp = sb.send(method, &path, body, key).await;
                assert!(resp.request_id.starts_with("req_"), "{method} {path}");
                assert!(
                    resp.status < 500,
                    "{method} {path} → {} {}",
                    resp.status,
                    resp.body
                );
                if resp.status >= 400 {
                    assert!(
                        resp.body["error"]["code"].is_string(),
                        "{method} {path}: {}",
                        resp.body
                    );
                } else {
                    assert!(resp.body.get("data").is_some(), "{method} {path}");
                    if let Some(id) = resp.body["data"]["id"].as_str() {
                        ids.push(id.to_owned());
                    }
                }
                *statuses.entry(resp.status).or_default() += 1;
            }
            statuses
        }));
    }
    let mut total = std::collections::BTreeMap::<u16, usize>::new();
    for w in workers {
        for (k, v) in w.await.unwrap() {
            *total.entry(k).or_default() += v;
        }
    }
    assert_eq!(total.values().sum::<usize>(), 10_000);
    // A healthy mix: successes and every kind of refusal.
    for code in [200, 400, 401, 403, 404, 405] {
        assert!(
            total.get(&code).copied().unwrap_or(0) > 0,
            "no {code} in {total:?}"
        );
    }
    assert_eq!(sb.get("/me").await.status, 200);
    let Ok(sb) = std::sync::Arc::try_unwrap(sb) else {
        panic!("workers still hold the sandbox")
    };
    sb.handle.stop().await;
}

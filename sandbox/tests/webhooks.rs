//! Lifecycle events delivered to a local receiver and verified with the SDK's
//! `webhook::verify`; retries with backoff; duplicates; the 24 h dedupe with
//! the injected clock; restart on the same `--db` file; injected faults; the
//! binary itself.

mod common;
use axum::body::Bytes;
use axum::http::HeaderMap;
use common::*;
use peeker_partner::webhook::{self, WebhookHeaders};
use peeker_sandbox::{Config, DEFAULT_SECRET};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
struct Got {
    headers: HeaderMap,
    body: Bytes,
}

/// A webhook receiver on 127.0.0.1 that answers 500 to its first
/// `fail_first` requests (all of them when `usize::MAX`).
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
    /// How many more requests get a 500.
    fails: Arc<AtomicUsize>,
    stop: tokio::sync::oneshot::Sender<()>,
}

async fn receiver(fail_first: usize) -> Receiver {
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let fails = Arc::new(AtomicUsize::new(fail_first));
    let (g, f) = (got.clone(), fails.clone());
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (g, f) = (g.clone(), f.clone());
            async move {
                g.lock().unwrap().push(Got { headers, body });
                let failing = f
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if failing {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Receiver {
        url,
        got,
        fails,
        stop: tx,
    }
}

impl Receiver {
    fn all(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
}

fn verify(g: &Got, secret: &str) -> peeker_partner::model::Event {
    let headers = WebhookHeaders::from_pairs(
        g.headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())),
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    webhook::verify(&g.body, &headers, &[secret.as_bytes()], 300, now).expect("signature verifies")
}

fn event_types(got: &[Got]) -> Vec<String> {
    got.iter()
        .map(|g| {
            serde_json::from_slice::<Value>(&g.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_lifecycle_is_delivered_and_signed() {
    let rx = receiver(0).await;
    let sb = Sandbox::start(Config {
        webhook_url: Some(rx.url.clone()),
        webhook_secret: "whsec_test_1".into(),
        ..config()
    })
    .await;
    let r = sb
        .post(
            "/orders",
            &custom_order("hooks@acme.com", &["h1-acme.com", "h2-acme.com"]),
        )
        .await;
    let order = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_for("4 deliveries", || async { rx.all().len() >= 4 })
        .await;
    let got = rx.all();
    assert_eq!(
        event_types(&got),
        [
            "order.in_progress",
            "domain.connected",
            "domain.connected",
            "order.completed"
        ]
    );
    for g in &got {
        assert_eq!(g.headers["content-type"], "application/json");
        let ev = verify(g, "whsec_test_1");
        assert_eq!(g.headers["peeker-event-id"].to_str().unwrap(), ev.id);
        assert!(ev.id.starts_with("evt_") && ev.id.len() == 30);
        // The wrong secret does not verify.
        let headers = WebhookHeaders::from_pairs(
            g.headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned())),
        );
        assert!(webhook::verify(&g.body, &headers, &[b"other"], 300, i64::MAX / 2).is_err());
    }
    let done = verify(&got[3], "whsec_test_1");
    match done.payload() {
        peeker_partner::model::EventPayload::OrderCompleted(full) => {
            assert_eq!(full.id, order);
            assert_eq!(full.people().len(), 1);
        }
        other => panic!("{other:?}"),
    }
    sb.wait_for("recorded as delivered", || async {
        sb.deliveries()
            .await
            .iter()
            .all(|e| e["outcome"] == "delivered" && e["attempts"] == 1)
    })
    .await;
    sb.handle.stop().await;
    let _ = rx.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_with_backoff_then_gives_up() {
    // The first two attempts fail: the event is delivered on the third,
    // with the same id and bytes, after 1 and 10 minutes × time scale.
    let rx = receiver(2).await;
    let sb = Sandbox::start(Config {
        webhook_url: Some(rx.url.clone()),
        time_scale: 0.001, // waits of 60 ms, 600 ms, …
        ..config()
    })
    .await;
    sb.post("/domains/import", &json!({ "domains": ["retry-acme.com"] }))
        .await;
    sb.wait_for("delivered", || async {
        sb.deliveries()
            .await
            .first()
            .is_some_and(|e| e["outcome"] == "delivered")
    })
    .await;
    let got = rx.all();
    assert_eq!(got.len(), 3);
    let ids: Vec<&str> = got
        .iter()
        .map(|g| g.headers["peeker-event-id"].to_str().unwrap())
        .collect();
    assert!(ids.iter().all(|i| *i == ids[0]));
    assert!(
        got.iter().all(|g| g.body == got[0].body),
        "same bytes every attempt"
    );
    let d = &sb.deliveries().await[0];
    assert_eq!(d["type"], "domain_import.completed");
    assert_eq!(d["attempts"], 3);
    assert_eq!(d["status_codes"], json!([500, 500, 200]));
    let at: Vec<i64> = d["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["at_ms"].as_i64().unwrap())
        .collect();
    assert!(at[1] - at[0] >= 60 && at[2] - at[1] >= 600, "{at:?}");
    sb.handle.stop().await;
    let _ = rx.stop.send(());

    // A receiver that always fails, at time scale 1 on a clock the test
    // moves: the waits are 1, 10, 100 and 1000 minutes (docs/contract.md#webhook-delivery), then
    // the event is `failed` after 5 attempts.
    let rx = receiver(usize::MAX).await;
    let sb = Sandbox::start(Config {
        webhook_url: Some(rx.url.clone()),
        time_scale: 1.0,
        ..config()
    })
    .await;
    let advance = |secs: i64| {
        let sb = &sb;
        async move {
            sb.post("/_sandbox/clock", &json!({ "advance_seconds": secs }))
                .await;
        }
    };
    sb.post("/domains/import", &json!({ "domains": ["fail-acme.com"] }))
        .await;
    advance(2).await; // the import completes: one event
    for (n, wait_ms) in [(1, 60_000), (2, 600_000), (3, 6_000_000), (4, 60_000_000)] {
        sb.wait_for("an attempt", || async {
            sb.deliveries()
                .await
                .first()
                .is_some_and(|d| d["attempts"] == n)
        })
        .await;
        let d = &sb.deliveries().await[0];
        let last = d["attempt_log"][n - 1]["at_ms"].as_i64().unwrap();
        assert_eq!(d["next_attempt_ms"].as_i64().unwrap() - last, wait_ms);
        advance(wait_ms / 1000).await;
    }
    sb.wait_for("failed", || async {
        sb.deliveries().await[0]["outcome"] == "failed"
    })
    .await;
    let d = sb.deliveries().await[0].clone();
    assert_eq!(
        (d["attempts"].clone(), d["next_attempt_ms"].clone()),
        (json!(5), Value::Null)
    );
    assert_eq!(rx.all().len(), 5);
    assert_eq!(sb.deliveries().await.len(), 1);

    // Spent: redelivered on request, once, with the same id.
    let id = d["id"].as_str().unwrap().to_owned();
    rx.fails.store(0, Ordering::SeqCst);
    let retry = format!("/_sandbox/deliveries/{id}/retry");
    let r = sb.post(&retry, &json!({})).await;
    assert_eq!(
        (r.status, r.data()["outcome"].as_str()),
        (200, Some("pending"))
    );
    sb.wait_for("redelivered", || async {
        sb.deliveries().await[0]["outcome"] == "delivered"
    })
    .await;
    assert_eq!(sb.deliveries().await[0]["attempts"], 6);
    let got = rx.all();
    assert_eq!(got.len(), 6);
    assert_eq!(got[5].headers["peeker-event-id"].to_str().unwrap(), id);
    assert_eq!(got[5].body, got[0].body);
    let again = sb.post(&retry, &json!({})).await;
    assert_eq!(again.status, 200, "a delivered event can be sent again");
    assert_eq!(
        sb.post("/_sandbox/deliveries/evt_nope/retry", &json!({}))
            .await
            .status,
        404
    );
    sb.handle.stop().await;
    let _ = rx.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_and_reordering() {
    let rx = receiver(0).await;
    let sb = Sandbox::start(Config {
        webhook_url: Some(rx.url.clone()),
        duplicate_rate: 1.0,
        reorder: true,
        ..config()
    })
    .await;
    sb.post(
        "/orders",
        &custom_order("dup@acme.com", &["d1-acme.com", "d2-acme.com"]),
    )
    .await;
    sb.wait_for("8 sends", || async { rx.all().len() >= 8 })
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let got = rx.all();
    assert_eq!(got.len(), 8, "every event twice");
    let mut ids: Vec<String> = got.iter().map(|g| verify(g, DEFAULT_SECRET).id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4);
    assert!(sb
        .deliveries()
        .await
        .iter()
        .all(|e| e["duplicates"] == 1 && e["outcome"] == "delivered"));
    sb.handle.stop().await;
    let _ = rx.stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dedupe_window_is_24_hours() {
    let sb = Sandbox::default().await;
    let bytes = serde_json::to_vec(&custom_order(
        "day@acme.com",
        &["day1-acme.com", "day2-acme.com"],
    ))
    .unwrap();
    let first = sb.raw("POST", "/orders", Some(bytes.clone())).await;
    let id = first.data()["id"].as_str().unwrap().to_owned();
    // 23 h later: still the same order, no second charge.
    sb.post("/_sandbox/clock", &json!({ "advance_seconds": 23 * 3600 }))
        .await;
    let again = sb.raw("POST", "/orders", Some(bytes.clone())).await;
    assert_eq!(
        (again.status, again.data()["id"].as_str()),
        (200, Some(id.as_str()))
    );
    assert_eq!(sb.state().await["charges"].as_array().unwrap().len(), 1);
    // Release the domains, then move past 24 h: the same body is a new order.
    sb.raw("POST", &format!("/orders/{id}/cancel"), None).await;
    sb.post(
        "/_sandbox/clock",
        &json!({ "advance_seconds": 31 * 86_400 }),
    )
    .await;
    sb.wait_for("cancelled", || async {
        sb.get("/orders?status=cancelled").await.body["data"]
            .as_array()
            .unwrap()
            .len()
            == 1
    })
    .await;
    sb.post("/_sandbox/clock", &json!({ "advance_seconds": 3600 + 1 }))
        .await;
    let later = sb.raw("POST", "/orders", Some(bytes)).await;
    assert_eq!(later.status, 200, "{}", later.body);
    assert_ne!(later.data()["id"].as_str(), Some(id.as_str()));
    assert_eq!(sb.state().await["charges"].as_array().unwrap().len(), 2);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_on_the_same_db_loses_nothing() {
    let dir = std::env::temp_dir().join(format!(
        "peeker-sandbox-test-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("state.db");
    // A receiver address with nobody listening: every attempt fails.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let sb = Sandbox::start(Config {
        webhook_url: Some(dead_url),
        db: Some(db.clone()),
        time_scale: 1.0, // first retry only after 1 min: still pending at stop
        ..config()
    })
    .await;
    let b = sb
        .post(
            "/bundles",
            &json!({ "name": "kept", "monthly_sending_volume": 25000 }),
        )
        .await;
    let bundle = b.data()["id"].as_str().unwrap().to_owned();
    let o = sb
        .post(
            "/orders",
            &custom_order("kept@acme.com", &["k1-acme.com", "k2-acme.com"]),
        )
        .await;
    let order = o.data()["id"].as_str().unwrap().to_owned();
    sb.wait_for("a failed attempt", || async {
        sb.deliveries()
            .await
            .first()
            .is_some_and(|e| e["attempts"] == 1)
    })
    .await;
    let pending: Vec<String> = sb
        .deliveries()
        .await
        .iter()
        .filter(|e| e["outcome"] == "pending")
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!pending.is_empty());
    // A moved clock is kept across the restart too.
    sb.post("/_sandbox/clock", &json!({ "advance_seconds": 10 }))
        .await;
    let first = sb.deliveries().await[0].clone();
    let clock_before = sb.get("/_sandbox/clock").await.data()["now_ms"]
        .as_i64()
        .unwrap();
    sb.handle.stop().await;

    // Restart on the same file with a working receiver: the retry schedule
    // continues where it was (the first event's second attempt is still due
    // 1 min after its first), nothing is lost.
    let rx = receiver(0).await;
    let sb = Sandbox::start(Config {
        webhook_url: Some(rx.url.clone()),
        db: Some(db.clone()),
        ..config()
    })
    .await;
    let now = sb.get("/_sandbox/clock").await.data()["now_ms"]
        .as_i64()
        .unwrap();
    assert!(now >= clock_before);
    let resumed = sb.deliveries().await[0].clone();
    assert_eq!(resumed["id"], first["id"]);
    assert_eq!(resumed["attempts"], 1);
    assert_eq!(resumed["next_attempt_ms"], first["next_attempt_ms"]);
    assert_eq!(sb.get(&format!("/bundles/{bundle}")).await.status, 200);
    let orders = sb.get("/orders").await;
    assert_eq!(orders.body["data"][0]["id"], order.as_str());
    sb.post("/_sandbox/clock", &json!({ "advance_seconds": 60 }))
        .await;
    sb.wait_for("the second attempt", || async {
        sb.deliveries().await[0]["outcome"] == "delivered"
    })
    .await;
    assert_eq!(sb.deliveries().await[0]["attempts"], 2);
    sb.wait_for("order completed after restart", || async {
        sb.get("/orders").await.body["data"][0]["status"] == "completed"
    })
    .await;
    sb.wait_for("resumed deliveries", || async {
        let got = rx.all();
        pending.iter().all(|id| {
            got.iter()
                .any(|g| g.headers["peeker-event-id"].to_str().unwrap() == id)
        })
    })
    .await;
    // The same body is still the same order after the restart.
    let again = sb
        .post(
            "/orders",
            &custom_order("kept@acme.com", &["k1-acme.com", "k2-acme.com"]),
        )
        .await;
    assert_eq!(again.data()["id"], order.as_str());
    sb.handle.stop().await;
    let _ = rx.stop.send(());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_reset_and_drop_after_commit() {
    let sb = Sandbox::default().await;
    let r = sb
        .post("/_sandbox/faults", &json!({ "error_rate": 1.0 }))
        .await;
    assert_eq!(r.status, 200);
    let r = sb.get("/me").await;
    assert_eq!((r.status, r.code()), (500, "internal_error"));
    assert_eq!(r.body["error"]["details"]["injected"], true);
    sb.post("/_sandbox/faults", &json!({ "rate_limit_rate": 1.0 }))
        .await;
    let r = sb.get("/me").await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"));
    assert!(r.body["error"]["details"]["retry_after_seconds"].is_u64());
    sb.post("/_sandbox/faults", &json!({ "latency_ms": 150 }))
        .await;
    let t = Instant::now();
    assert_eq!(sb.get("/me").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    for bad in [
        json!({ "error_rate": 2 }),
        json!({ "nope": 1 }),
        json!({ "drop_after_commit": "GET /nowhere" }),
    ] {
        assert_eq!(sb.post("/_sandbox/faults", &bad).await.status, 400);
    }
    // Drop after commit: the order is written, the client gets no answer,
    // and the retry (same bytes) returns the same order.
    sb.post(
        "/_sandbox/faults",
        &json!({ "drop_after_commit": "POST /orders", "drop_count": 1 }),
    )
    .await;
    let bytes = serde_json::to_vec(&custom_order(
        "drop@acme.com",
        &["x1-acme.com", "x2-acme.com"],
    ))
    .unwrap();
    let sent = sb
        .http
        .post(sb.url("/partner/v1/orders"))
        .bearer_auth(KEY)
        .body(bytes.clone())
        .send()
        .await;
    assert!(sent.is_err(), "the connection is closed without an answer");
    let listed = sb.get("/orders").await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    let retry = sb.raw("POST", "/orders", Some(bytes)).await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.data()["id"], listed.body["data"][0]["id"]);
    assert_eq!(sb.state().await["charges"].as_array().unwrap().len(), 1);
    // Reset: empty tables, no faults.
    assert_eq!(sb.raw("POST", "/_sandbox/reset", None).await.status, 200);
    assert_eq!(sb.state().await["orders"], 0);
    assert_eq!(sb.get("/_sandbox/faults").await.data()["error_rate"], 0.0);
    assert_eq!(sb.get("/orders").await.body["data"], json!([]));
    sb.handle.stop().await;
}

/// The binary: `--help` documents every flag; it prints where it listens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_starts_and_documents_its_flags() {
    let bin = env!("CARGO_BIN_EXE_peeker-sandbox");
    let help = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--host",
        "--port",
        "--webhook-url",
        "--webhook-secret",
        "--rate-limit",
        "--time-scale",
        "--duplicate-rate",
        "--reorder",
        "--db",
        "--quiet",
    ] {
        assert!(text.contains(flag), "--help lacks {flag}");
    }
    let bad = std::process::Command::new(bin)
        .args(["--time-scale", "0"])
        .output()
        .unwrap();
    assert!(!bad.status.success());

    let mut child = tokio::process::Command::new(bin)
        .args(["--port", "0", "--time-scale", "0.01"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first
        .strip_prefix("peeker-sandbox listening on ")
        .expect("listen line")
        .to_owned();
    let me = reqwest::Client::new()
        .get(format!("{url}/me"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let rid = me.headers()["peeker-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    // One log line per request, with its request id.
    let mut logged = false;
    for _ in 0..10 {
        let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await
        else {
            break;
        };
        if line.contains(&rid) && line.contains("/partner/v1/me") {
            logged = true;
            break;
        }
    }
    assert!(logged);
    child.kill().await.unwrap();
}

//! The sandbox's own boundaries (docs/contract.md#sandbox), over
//! real HTTP on 127.0.0.1: links never built from `Host`, a header read
//! timeout and a whole-request timeout, a connection cap, a bounded
//! rate-limit table, API keys of at most 256 bytes, and the admin token a
//! non-loopback host needs.

mod common;
use common::*;
use peeker_sandbox::clock::SystemClock;
use peeker_sandbox::{start, Config};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `head` (request line and headers, as given) and reads until the
/// server closes; `None` if it stays open for 30 s.
async fn raw_exchange(addr: std::net::SocketAddr, head: &str) -> Option<String> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_come_from_the_bound_address_not_host() {
    let sb = Sandbox::default().await;
    for name in ["a", "b"] {
        sb.post(
            "/bundles",
            &json!({ "name": name, "monthly_sending_volume": 25000 }),
        )
        .await;
    }
    let answer = raw_exchange(
        sb.handle.addr,
        "GET /partner/v1/bundles?per_page=1 HTTP/1.1\r\nHost: evil.example\r\n\
         Authorization: Bearer pk_test_links\r\nConnection: close\r\n\r\n",
    )
    .await
    .expect("answered");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let base = format!("{}/partner/v1/bundles", sb.handle.base_url());
    for link in [
        &body["links"]["first"],
        &body["links"]["next"],
        &body["meta"]["path"],
    ] {
        let link = link.as_str().unwrap();
        assert!(link.starts_with(&base), "{link}");
    }
    assert!(!answer.contains("evil.example"));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_is_cut_off_after_the_header_timeout() {
    let sb = Sandbox::default().await;
    assert_eq!(
        Config::default().header_read_timeout,
        Duration::from_secs(10)
    );
    // Headers never finished: the server closes the connection by itself.
    let closed = raw_exchange(
        sb.handle.addr,
        "GET /partner/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pk_te",
    )
    .await;
    assert!(closed.is_some(), "the connection stayed open");
    assert_eq!(sb.get("/me").await.status, 200, "still serving");
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_table_keeps_the_most_recently_used_keys() {
    let sb = Sandbox::start(Config {
        rate_limit: 1,
        rate_limit_keys: 3,
        ..config()
    })
    .await;
    let me = |key: &'static str| {
        let sb = &sb;
        async move { sb.send("GET", "/me", None, Some(key)).await.status }
    };
    assert_eq!(me("pk_test_a").await, 200);
    assert_eq!(me("pk_test_a").await, 429);
    assert_eq!(me("pk_test_b").await, 200);
    assert_eq!(me("pk_test_c").await, 200);
    assert_eq!(me("pk_test_a").await, 429, "a is used again: most recent");
    assert_eq!(me("pk_test_d").await, 200, "drops b, the least recent");
    assert_eq!(me("pk_test_a").await, 429, "a was kept");
    for i in 0..50 {
        let key: &'static str = Box::leak(format!("pk_test_many_{i}").into_boxed_str());
        assert_eq!(me(key).await, 200);
    }
    assert_eq!(sb.state().await["rate_limit_keys"], 3);
    assert_eq!(me("pk_test_a").await, 200, "a fresh window once dropped");
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_host_needs_an_admin_token_which_guards_the_controls() {
    // Refused before anything is bound.
    for host in ["0.0.0.0", "192.0.2.1", "::"] {
        let err = start(
            Config {
                host: host.into(),
                ..config()
            },
            Arc::new(SystemClock::default()),
        )
        .await
        .err()
        .expect("refused");
        assert!(err.contains("--admin-token"), "{err}");
    }
    let bin = env!("CARGO_BIN_EXE_peeker-sandbox");
    let out = std::process::Command::new(bin)
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--admin-token"));

    // With a token, every control needs it; the API does not.
    let sb = Sandbox::start(Config {
        admin_token: Some("adm_secret_token".into()),
        ..config()
    })
    .await;
    let state = "/_sandbox/state";
    assert_eq!(sb.send("GET", state, None, None).await.status, 401);
    let wrong = sb.send("GET", state, None, Some("adm_secret_toke")).await;
    assert_eq!((wrong.status, wrong.code()), (401, "unauthorized"));
    assert!(!wrong.body.to_string().contains("adm_secret_token"));
    let reset = sb.send("POST", "/_sandbox/reset", None, None).await;
    assert_eq!(reset.status, 401);
    let ok = sb.send("GET", state, None, Some("adm_secret_token")).await;
    assert_eq!(ok.status, 200);
    assert_eq!(sb.get("/me").await.status, 200);
    let shown = format!("{:?}", sb.handle.app.cfg);
    assert!(
        !shown.contains("adm_secret_token") && !shown.contains("whsec_"),
        "{shown}"
    );
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_api_key_is_refused_before_the_rate_limit_remembers_it() {
    let sb = Sandbox::default().await;
    assert_eq!(sb.get("/me").await.status, 200);
    assert_eq!(sb.state().await["rate_limit_keys"], 1);

    // 256 bytes is the longest key; one byte more is refused.
    let longest = format!("pk_test_{}", "k".repeat(256 - 8));
    let me = sb.send("GET", "/me", None, Some(&longest)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let over = format!("{longest}k");
    let me = sb.send("GET", "/me", None, Some(&over)).await;
    assert_eq!((me.status, me.code()), (401, "unauthorized"), "{}", me.body);
    assert!(!me.body.to_string().contains(&over[..40]), "key echoed");
    let tier = sb
        .post("/_sandbox/tier", &json!({ "key": over, "tier": "vip" }))
        .await;
    assert_eq!((tier.status, tier.field()), (400, "key"), "{}", tier.body);
    assert_eq!(sb.state().await["rate_limit_keys"], 2);

    // 2,000 distinct 60 KiB keys (120 MB of headers): every one refused,
    // none stored, so the table does not grow.
    let sb = Arc::new(sb);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let sb = sb.clone();
        tasks.spawn(async move {
            let mut refused = 0;
            for i in 0..250 {
                let key = format!("pk_test_{worker}_{i}_{}", "x".repeat(60 * 1024));
                let r = sb.send("GET", "/me", None, Some(&key)).await;
                refused += usize::from((r.status, r.code()) == (401, "unauthorized"));
            }
            refused
        });
    }
    let mut refused = 0;
    while let Some(n) = tasks.join_next().await {
        refused += n.unwrap();
    }
    assert_eq!(refused, 2000);
    assert_eq!(sb.state().await["rate_limit_keys"], 2);
    assert_eq!(sb.handle.app.rate.lock().unwrap().len(), 2);
    Arc::into_inner(sb).unwrap().handle.stop().await;
}

/// Sends `head`, then one byte of body every 200 ms (at most 50); the
/// answer read until the server closes, and how long that took; `None` if
/// the connection is still open after 6 s.
async fn dribble(addr: std::net::SocketAddr, head: &str) -> Option<(String, Duration)> {
    let s = TcpStream::connect(addr).await.unwrap();
    let (mut r, mut w) = s.into_split();
    let t0 = std::time::Instant::now();
    w.write_all(head.as_bytes()).await.unwrap();
    let writer = tokio::spawn(async move {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if w.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut out = Vec::new();
    // A reset after the answer still counts as closed: the answer was read.
    let done = tokio::time::timeout(Duration::from_secs(6), r.read_to_end(&mut out)).await;
    writer.abort();
    let _read_or_reset = done.ok()?;
    Some((String::from_utf8_lossy(&out).into_owned(), t0.elapsed()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_slowly_is_cut_off_at_the_request_timeout() {
    assert_eq!(Config::default().request_timeout, Duration::from_secs(30));
    let sb = Sandbox::start(Config {
        request_timeout: Duration::from_secs(2),
        ..config()
    })
    .await;
    let addr = sb.handle.addr;
    let body_head = |path: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pk_test_slow\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
        )
    };
    // A body at 5 bytes/s, to the API and to a control; headers at 5 bytes/s
    // (the header timeout alone is 10 s).
    let (api_head, control_head) = (
        body_head("/partner/v1/orders"),
        body_head("/_sandbox/faults"),
    );
    let (api, control, headers) = tokio::join!(
        dribble(addr, &api_head),
        dribble(addr, &control_head),
        dribble(addr, "GET /partner/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: "),
    );
    for (what, got) in [("api body", api), ("control body", control)] {
        let (answer, took) = got.unwrap_or_else(|| panic!("{what}: still open after 6 s"));
        assert!(took < Duration::from_secs(5), "{what}: {took:?}");
        assert!(answer.starts_with("HTTP/1.1 408"), "{what}: {answer}");
        assert!(
            answer.contains("peeker-request-id: req_"),
            "{what}: {answer}"
        );
        let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["error"]["code"], "request_timeout", "{what}: {body}");
        assert!(body["error"]["message"].is_string(), "{what}: {body}");
    }
    let (_, took) = headers.expect("slow headers: still open after 6 s");
    assert!(took < Duration::from_secs(5), "slow headers: {took:?}");

    // An answered request's connection, left idle, is closed too.
    let idle = raw_exchange(
        addr,
        "GET /partner/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer pk_test_idle\r\n\r\n",
    );
    let idle = tokio::time::timeout(Duration::from_secs(5), idle).await;
    let idle = idle
        .expect("idle keep-alive: still open after 5 s")
        .unwrap();
    assert!(idle.starts_with("HTTP/1.1 200"), "{idle}");

    // Nothing was committed, and the server still answers.
    assert_eq!(sb.get("/me").await.status, 200);
    assert_eq!(sb.state().await["orders"], 0);
    assert_eq!(
        sb.get("/_sandbox/faults").await.body["data"]["latency_ms"],
        0
    );
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    assert_eq!(Config::default().max_connections, 512);
    let sb = Sandbox::start(Config {
        max_connections: 2,
        ..config()
    })
    .await;
    let addr = sb.handle.addr;
    let me = |key: &str| {
        format!(
            "GET /partner/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
             Connection: close\r\n\r\n"
        )
    };
    // Two connections take both slots (sending nothing yet).
    let first = TcpStream::connect(addr).await.unwrap();
    let second = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // A third connects (the kernel's listen backlog) but is not served...
    let third_head = me("pk_test_third");
    let third = tokio::spawn(async move { raw_exchange(addr, &third_head).await });
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served past the cap"
    );

    // ...until a slot is free.
    drop(first);
    let answer = tokio::time::timeout(Duration::from_secs(5), third)
        .await
        .expect("served once a slot is free")
        .unwrap()
        .expect("answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // The connection that kept its slot is served as usual.
    let mut second = second;
    second
        .write_all(me("pk_test_second").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), second.read_to_end(&mut out))
        .await
        .expect("answered")
        .unwrap();
    assert!(out.starts_with(b"HTTP/1.1 200"));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_give_their_slots_back_at_the_timeout() {
    let sb = Sandbox::start(Config {
        max_connections: 1,
        request_timeout: Duration::from_secs(1),
        ..config()
    })
    .await;
    // A client that connects and sends nothing holds the only slot for at
    // most the timeout; the next client is then served.
    let _silent = TcpStream::connect(sb.handle.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t0 = std::time::Instant::now();
    let me = tokio::time::timeout(Duration::from_secs(5), sb.get("/me")).await;
    assert_eq!(me.expect("served within 5 s").status, 200);
    let waited = t0.elapsed();
    assert!(waited >= Duration::from_millis(500), "{waited:?}");
    sb.handle.stop().await;
}

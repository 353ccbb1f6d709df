//! The swap rules of docs/contract.md#swaps over real HTTP: premium swaps are for
//! Microsoft domains, limited by the key's tier quota and a 30-day cooldown,
//! keep the old domain warm 14 days on the clock (also across a restart on
//! `--db`); a replacement that is not buyable waits for its import.

mod common;
use common::*;
use peeker_sandbox::Config;
use serde_json::{json, Value};

/// An order with one Google domain and `ms` Microsoft domains, completed.
async fn microsoft_order(sb: &Sandbox, user: &str, ms: usize) -> Vec<Value> {
    let names: Vec<String> = (0..=ms).map(|i| format!("{user}-d{i}.com")).collect();
    let r = sb
        .post(
            "/orders",
            &json!({
                "user": format!("{user}@acme.com"),
                "google_licenses": 2,
                "microsoft_licenses": ms,
                "google_inboxes_per_domain": 2,
                "sequencer": sequencer(),
                "domains": names,
                "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": null }],
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    sb.wait_order(r.data()["id"].as_str().unwrap(), "completed")
        .await;
    let mut out = Vec::new();
    for n in &names {
        out.push(sb.domain(n).await);
    }
    out
}

fn premium(domain: &Value, replacement: &str) -> Value {
    json!({ "type": "premium", "domain_id": domain["id"], "replacement_domain": replacement })
}

fn of(ds: &[Value], provider: &str) -> Vec<Value> {
    ds.iter()
        .filter(|d| d["provider"] == provider)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn premium_swaps_are_microsoft_only_and_count_against_the_tier() {
    let sb = Sandbox::default().await;
    let ds = microsoft_order(&sb, "quota", 5).await;
    let (google, ms) = (of(&ds, "google"), of(&ds, "microsoft"));
    assert_eq!(ms.len(), 5);
    let r = sb.post("/swaps", &premium(&google[0], "g-fresh.com")).await;
    assert_eq!((r.status, r.field()), (400, "type"));
    // base: 20 % of 5 active Microsoft inboxes = 1.
    assert_eq!(
        sb.post("/swaps", &premium(&ms[0], "q-fresh0.com"))
            .await
            .status,
        201
    );
    let r = sb.post("/swaps", &premium(&ms[1], "q-fresh1.com")).await;
    assert_eq!((r.status, r.code()), (409, "conflict"));
    assert_eq!(r.body["error"]["details"]["quota"], 1);
    assert_eq!(r.body["error"]["details"]["used"], 1);
    // vip: 40 % = 2, for this key only.
    let t = sb
        .post("/_sandbox/tier", &json!({ "key": KEY, "tier": "vip" }))
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(
        sb.post("/swaps", &premium(&ms[1], "q-fresh1.com"))
            .await
            .status,
        201
    );
    let r = sb.post("/swaps", &premium(&ms[2], "q-fresh2.com")).await;
    assert_eq!(r.body["error"]["details"]["quota"], 2);
    let other = "pk_test_other_key";
    let body = serde_json::to_vec(&premium(&ms[2], "q-fresh2.com")).unwrap();
    assert_eq!(
        sb.send("POST", "/swaps", Some(body.clone()), Some(other))
            .await
            .status,
        409,
        "another key is still base"
    );
    sb.post(
        "/_sandbox/tier",
        &json!({ "key": other, "tier": "vip_plus" }),
    )
    .await;
    assert_eq!(
        sb.send("POST", "/swaps", Some(body), Some(other))
            .await
            .status,
        201
    );
    // Standard swaps are not counted.
    let r = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": ms[3]["id"], "replacement_domain": "q-std.com" }),
        )
        .await;
    assert_eq!(r.status, 201);
    for bad in [
        json!({ "key": KEY, "tier": "gold" }),
        json!({ "key": "pk_live_x", "tier": "vip" }),
        json!({ "tier": "vip" }),
    ] {
        assert_eq!(sb.post("/_sandbox/tier", &bad).await.status, 400, "{bad}");
    }
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_premium_swapped_slot_cools_down_for_30_days() {
    let sb = Sandbox::default().await;
    sb.post("/_sandbox/tier", &json!({ "key": KEY, "tier": "vip_plus" }))
        .await;
    let ms = of(&microsoft_order(&sb, "cool", 5).await, "microsoft");
    let r = sb.post("/swaps", &premium(&ms[0], "cool-in.com")).await;
    let id = r.data()["id"].as_str().unwrap().to_owned();
    let created = r.data()["created_at"].as_str().unwrap().to_owned();
    sb.wait_status(&format!("/swaps/{id}"), "completed").await;
    // The replacement sits in a slot premium-swapped moments ago.
    let fresh = sb.domain("cool-in.com").await;
    let r = sb.post("/swaps", &premium(&fresh, "cool-again.com")).await;
    assert_eq!((r.status, r.code()), (409, "conflict"));
    let available_at = r.body["error"]["details"]["available_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(available_at > created);
    // 30 days on the clock later it may be premium-swapped again.
    sb.advance(30 * 86_400 + 1).await;
    let r = sb.post("/swaps", &premium(&fresh, "cool-again.com")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_warm_period_ends_on_the_clock_across_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "peeker-sandbox-warm-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = || Config {
        db: Some(dir.join("state.db")),
        ..config()
    };
    let sb = Sandbox::start(cfg()).await;
    let ms = of(&microsoft_order(&sb, "warm", 5).await, "microsoft");
    let r = sb.post("/swaps", &premium(&ms[0], "warm-in.com")).await;
    let id = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_status(&format!("/swaps/{id}"), "completed").await;
    let old = ms[0]["domain"].as_str().unwrap();
    assert_eq!(sb.domain(old).await["status"], "cancel_scheduled");
    assert_eq!(sb.domain("warm-in.com").await["status"], "active");
    sb.advance(7 * 86_400).await;
    assert_eq!(sb.domain(old).await["status"], "cancel_scheduled");
    sb.handle.stop().await;

    // Day 7 of 14, restarted: still warm; the rest of the period ends it.
    let sb = Sandbox::start(cfg()).await;
    assert_eq!(sb.domain(old).await["status"], "cancel_scheduled");
    sb.advance(6 * 86_400).await;
    assert_eq!(sb.domain(old).await["status"], "cancel_scheduled");
    sb.advance(86_400 + 1).await;
    sb.wait_for("warm period over", || async {
        sb.domain(old).await["status"] == "cancelled"
    })
    .await;
    assert_eq!(sb.domain("warm-in.com").await["status"], "active");
    sb.handle.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replacement_that_is_not_buyable_waits_for_its_import() {
    let sb = Sandbox::default().await;
    let order = sb
        .completed_order("wait@acme.com", &["gonly-wait.com", "wait-two.com"])
        .await;
    let old = sb.domain("gonly-wait.com").await;
    let r = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": old["id"], "replacement_domain": "taken-mine.com" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_status(&format!("/swaps/{id}"), "action_required")
        .await;
    assert_eq!(
        sb.events_of(&id).await,
        ["swap.created", "swap.in_progress", "swap.action_required"]
    );
    // The customer imports it: the swap completes on its own.
    sb.post("/domains/import", &json!({ "domains": ["taken-mine.com"] }))
        .await;
    sb.wait_status(&format!("/swaps/{id}"), "completed").await;
    let new = sb.domain("taken-mine.com").await;
    assert_eq!(
        (
            new["status"].as_str(),
            new["category"].as_str(),
            new["order_id"].as_str()
        ),
        (Some("active"), Some("connected"), Some(order.as_str()))
    );
    assert_eq!(sb.domain("gonly-wait.com").await["status"], "cancelled");
    assert_eq!(sb.events_of(&id).await.last().unwrap(), "swap.completed");
    sb.handle.stop().await;
}

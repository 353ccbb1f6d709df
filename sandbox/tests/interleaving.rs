//! Lifecycles that interleave: each test failed before its fix.
//! Where the order of steps matters the clock is driven by hand at a time
//! scale where a step is 10 s, so nothing depends on the machine's speed.

mod common;
use common::*;
use peeker_sandbox::Config;
use serde_json::json;

fn slow() -> Config {
    Config {
        time_scale: 10.0, // one step = 10 s of sandbox clock
        ..config()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_ordered_while_its_import_runs_still_connects() {
    let sb = Sandbox::start(slow()).await;
    sb.post("/domains/import", &json!({ "domains": ["early-acme.com"] }))
        .await;
    // The import finishes 20 s after it started; the order, placed at 15 s,
    // connects its domains 10–20 s later, after the import finished.
    sb.advance(15).await;
    let r = sb
        .post(
            "/orders",
            &custom_order("early@acme.com", &["early-acme.com", "other-acme.com"]),
        )
        .await;
    let order = r.data()["id"].as_str().unwrap().to_owned();
    sb.advance(40).await;
    sb.wait_order(&order, "completed").await;
    let d = sb.domain("early-acme.com").await;
    assert_eq!(
        (d["status"].as_str(), d["category"].as_str()),
        (Some("active"), Some("connected"))
    );
    let id = d["id"].as_str().unwrap();
    assert_eq!(sb.events_of(id).await, ["domain.connected"]);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swapped_in_domain_can_be_cancelled_by_name() {
    let sb = Sandbox::default().await;
    let order = sb
        .completed_order("swapin@acme.com", &["gonly-si.com", "si-two.com"])
        .await;
    let old = sb.domain("gonly-si.com").await;
    let r = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": old["id"], "replacement_domain": "gonly-si-new.com" }),
        )
        .await;
    let swap = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_status(&format!("/swaps/{swap}"), "completed").await;
    let r = sb
        .post(
            &format!("/orders/{order}/cancel"),
            &json!({ "domains": ["gonly-si-new.com"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.data()["domains"][0]["domain"], "gonly-si-new.com");
    // The whole order now means the replacement and the other domain.
    let r = sb
        .raw("POST", &format!("/orders/{order}/cancel"), None)
        .await;
    let names: Vec<&str> = r.data()["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["domain"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gonly-si-new.com", "si-two.com"]);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_swap_finishing_after_its_order_was_cancelled_fails() {
    let sb = Sandbox::start(slow()).await;
    let r = sb
        .post(
            "/orders",
            &custom_order("late@acme.com", &["gonly-late.com", "late-two.com"]),
        )
        .await;
    let order = r.data()["id"].as_str().unwrap().to_owned();
    sb.advance(30).await;
    sb.wait_order(&order, "completed").await;
    let old = sb.domain("gonly-late.com").await;
    let r = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": old["id"], "replacement_domain": "gonly-late-new.com" }),
        )
        .await;
    let swap = r.data()["id"].as_str().unwrap().to_owned();
    // Cancelled while the swap runs; then the swap's steps fall due.
    assert_eq!(
        sb.raw("POST", &format!("/orders/{order}/cancel"), None)
            .await
            .status,
        200
    );
    sb.advance(30).await;
    sb.wait_status(&format!("/swaps/{swap}"), "failed").await;
    assert!(sb.domain("gonly-late-new.com").await.is_null());
    let doms = sb.get("/domains?status=active").await;
    assert_eq!(
        doms.body["data"],
        json!([]),
        "no active domain on a cancelled order"
    );
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_swaps_to_one_replacement_make_one_domain() {
    let sb = Sandbox::default().await;
    sb.completed_order("twice@acme.com", &["gonly-tw.com", "tw-two.com"])
        .await;
    let g = sb.domain("gonly-tw.com").await;
    let m = sb.domain("tw-two.com").await;
    let first = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": g["id"], "replacement_domain": "tw-same.com" }),
        )
        .await;
    assert_eq!(first.status, 201);
    let second = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": m["id"], "replacement_domain": "tw-same.com" }),
        )
        .await;
    assert_eq!((second.status, second.code()), (409, "conflict"));
    assert_eq!(
        second.body["error"]["details"]["swap_id"],
        first.data()["id"]
    );
    let id = first.data()["id"].as_str().unwrap();
    sb.wait_status(&format!("/swaps/{id}"), "completed").await;
    let all = sb.get("/domains?per_page=100").await.body["data"].clone();
    let live: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["domain"] == "tw-same.com")
        .collect();
    assert_eq!(live.len(), 1);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_email_lists_no_domain() {
    let sb = Sandbox::default().await;
    sb.post("/domains/import", &json!({ "domains": ["spare-acme.com"] }))
        .await;
    assert_eq!(
        sb.get("/domains").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = sb.get("/domains?user_email=nobody%40acme.com").await;
    assert_eq!((r.status, &r.body["data"]), (200, &json!([])));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_completes_at_cancels_at_and_a_partial_one_changes_no_order() {
    let sb = Sandbox::default().await;
    let order = sb
        .completed_order("part@acme.com", &["part-one.com", "part-two.com"])
        .await;
    let r = sb
        .post(
            &format!("/orders/{order}/cancel"),
            &json!({ "domains": ["part-one.com"] }),
        )
        .await;
    assert_eq!(
        (r.status, r.data()["status"].as_str()),
        (200, Some("completed"))
    );
    let cancels_at = r.data()["cancels_at"].as_str().unwrap().to_owned();
    let renews_at = sb.get("/orders").await.body["data"][0]["renews_at"].clone();
    assert_eq!(renews_at, cancels_at.as_str());
    assert_eq!(
        sb.domain("part-one.com").await["status"],
        "cancel_scheduled"
    );
    // A day later: still scheduled (it ends at cancels_at, a month on).
    sb.advance(86_400).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        sb.domain("part-one.com").await["status"],
        "cancel_scheduled"
    );
    sb.advance(31 * 86_400).await;
    sb.wait_for("domain cancelled", || async {
        sb.domain("part-one.com").await["status"] == "cancelled"
    })
    .await;
    // No order.* event for a partial cancel; the order is unchanged.
    assert_eq!(
        sb.events_of(&order).await,
        ["order.in_progress", "order.completed"]
    );
    assert_eq!(sb.order_status(&order).await, "completed");
    // Cancelling the rest cancels the order: both events, at cancels_at.
    let r = sb
        .raw("POST", &format!("/orders/{order}/cancel"), None)
        .await;
    assert_eq!(r.data()["status"], "cancel_scheduled");
    sb.wait_order(&order, "cancelled").await;
    assert_eq!(
        sb.events_of(&order).await,
        [
            "order.in_progress",
            "order.completed",
            "order.cancel_scheduled",
            "order.cancelled"
        ]
    );
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_picture_blocks_a_microsoft_only_order_too() {
    let sb = Sandbox::default().await;
    let r = sb
        .post(
            "/orders",
            &json!({
                "user": "msonly@acme.com",
                "microsoft_licenses": 2,
                "sequencer": sequencer(),
                "domains": ["ms-only1.com", "ms-only2.com"],
                "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": "http://192.168.0.9/sam.png" }],
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let order = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_order(&order, "action_required").await;
    let rows = sb
        .get(&format!("/orders/pending?order_id={order}"))
        .await
        .body["data"]
        .clone();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["reason"], "profile_picture_not_accessible");
    let act = rows[0]["id"].as_str().unwrap();
    sb.post(&format!("/_sandbox/pending/{act}/resolve"), &json!({}))
        .await;
    assert_eq!(sb.order_status(&order).await, "completed");
    sb.handle.stop().await;
}

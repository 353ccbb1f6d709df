//! The scenario triggers of README.md's table, one test per row, over real
//! HTTP; pending actions resolved with `POST /_sandbox/pending/{id}/resolve`;
//! and every event type of the contract produced on purpose.

mod common;
use common::*;
use peeker_partner::model::EventType;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orderfail_fails_the_order_and_voids_the_charge() {
    let sb = Sandbox::default().await;
    sb.post("/domains/import", &json!({ "domains": ["kept-acme.com"] }))
        .await;
    sb.wait_for("imported", || async {
        sb.domain("kept-acme.com").await["status"] == "available"
    })
    .await;
    let r = sb
        .post(
            "/orders",
            &custom_order("fail@acme.com", &["orderfail-acme.com", "kept-acme.com"]),
        )
        .await;
    assert_eq!(
        (r.status, r.data()["status"].as_str()),
        (200, Some("in_progress"))
    );
    let id = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_order(&id, "failed").await;
    assert_eq!(
        sb.events_of(&id).await,
        ["order.in_progress", "order.failed"]
    );
    let state = sb.state().await;
    assert_eq!(state["charges"][0]["voided"], true);
    assert_eq!(state["charged_cents"], 0);
    // The imported domain is back in the inventory; the other is released.
    let kept = sb.domain("kept-acme.com").await;
    assert_eq!(
        (kept["category"].as_str(), kept["status"].as_str()),
        (Some("inventory"), Some("available"))
    );
    assert_eq!(sb.domain("orderfail-acme.com").await["status"], "cancelled");
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dnsaction_holds_the_domain_until_the_action_is_resolved() {
    let sb = Sandbox::default().await;
    let r = sb
        .post(
            "/orders",
            &custom_order("dns@acme.com", &["dnsaction-acme.com", "fine-acme.com"]),
        )
        .await;
    let id = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_order(&id, "action_required").await;
    let d = sb.domain("dnsaction-acme.com").await;
    assert_eq!(d["status"], "action_required");
    let dom = d["id"].as_str().unwrap().to_owned();
    assert_eq!(sb.events_of(&dom).await, ["domain.action_required"]);
    let pending = sb.get(&format!("/orders/pending?order_id={id}")).await;
    let rows = pending.body["data"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["domain_id"], dom.as_str());
    let act = rows[0]["id"].as_str().unwrap().to_owned();
    // Resolved: the domain connects, then the order completes.
    let r = sb
        .post(&format!("/_sandbox/pending/{act}/resolve"), &json!({}))
        .await;
    assert_eq!(
        (r.status, r.data()["status"].as_str()),
        (200, Some("resolved"))
    );
    assert_eq!(sb.order_status(&id).await, "completed");
    assert_eq!(sb.domain("dnsaction-acme.com").await["status"], "active");
    assert_eq!(
        sb.events_of(&dom).await,
        ["domain.action_required", "domain.connected"]
    );
    let order_events = sb.events_of(&id).await;
    assert_eq!(
        order_events,
        [
            "order.in_progress",
            "order.action_required",
            "order.completed"
        ]
    );
    assert_eq!(
        sb.get(&format!("/orders/pending?order_id={id}&status=resolved"))
            .await
            .body["data"][0]["id"],
        act.as_str()
    );
    // Resolving again changes nothing; an unknown action is 404.
    let again = sb
        .post(&format!("/_sandbox/pending/{act}/resolve"), &json!({}))
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(sb.events_of(&id).await.len(), 3);
    let none = sb
        .post("/_sandbox/pending/act_nope/resolve", &json!({}))
        .await;
    assert_eq!(none.status, 404);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nsdelay_waits_on_nameservers_until_they_are_set() {
    let sb = Sandbox::default().await;
    for (path, names, status) in [
        (
            "/domains/import",
            ["nsdelay-acme.com", "ready-acme.com"],
            200,
        ),
        (
            "/domains/import/jobs",
            ["nsdelay-job.com", "ready-job.com"],
            202,
        ),
    ] {
        let r = sb.post(path, &json!({ "domains": names })).await;
        assert_eq!(r.status, status, "{}", r.body);
        let id = r.data()["id"].as_str().unwrap().to_owned();
        let poll = format!("/domains/import/{id}");
        sb.wait_status(&poll, "action_required").await;
        let imp = sb.get(&poll).await.data().clone();
        assert_eq!(imp["domains"][0]["status"], "pending");
        assert_eq!(imp["domains"][1]["status"], "completed");
        assert!(!imp["nameserver_groups"].as_array().unwrap().is_empty());
        let events = sb.deliveries().await;
        let waiting = events
            .iter()
            .find(|e| {
                e["type"] == "domain_import.action_required"
                    && e["event"]["data"]["id"] == id.as_str()
            })
            .expect("domain_import.action_required");
        assert_eq!(
            waiting["event"]["data"]["nameserver_groups"],
            imp["nameserver_groups"]
        );
        let r = sb
            .post("/_sandbox/nameservers", &json!({ "domain": names[0] }))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(sb.get(&poll).await.data()["status"], "completed");
        assert_eq!(
            sb.events_of(&id).await,
            ["domain_import.action_required", "domain_import.completed"]
        );
        assert_eq!(sb.domain(names[0]).await["status"], "available");
    }
    let r = sb
        .post(
            "/_sandbox/nameservers",
            &json!({ "domain": "nobody-waits.com" }),
        )
        .await;
    assert_eq!(r.status, 404);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swapfail_replacement_fails_the_swap() {
    let sb = Sandbox::default().await;
    sb.completed_order("sf@acme.com", &["sf-one.com", "sf-two.com"])
        .await;
    let old = sb.domain("sf-one.com").await;
    let r = sb
        .post(
            "/swaps",
            &json!({ "type": "standard", "domain_id": old["id"], "replacement_domain": "swapfail-acme.com" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.data()["id"].as_str().unwrap().to_owned();
    sb.wait_status(&format!("/swaps/{id}"), "failed").await;
    assert_eq!(
        sb.events_of(&id).await,
        ["swap.created", "swap.in_progress", "swap.failed"]
    );
    assert_eq!(sb.domain("sf-one.com").await["status"], "active");
    assert!(sb.domain("swapfail-acme.com").await.is_null());
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn availability_errored_stale_and_malformed_rows() {
    let sb = Sandbox::default().await;
    let r = sb
        .post(
            "/domains/availability",
            &json!({ "domains": ["errored-acme.com", "stale-acme.com", "bad name.com", "Fine-Acme.com"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rows = r.data()["domains"].clone();
    let reasons: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["reason"])
        .collect();
    assert_eq!(
        reasons,
        [
            &json!("errored"),
            &json!("stale"),
            &json!("invalid"),
            &Value::Null
        ]
    );
    assert_eq!(rows[2]["domain"], "bad name.com");
    assert_eq!(rows[2]["available"], false);
    assert_eq!(rows[3]["domain"], "fine-acme.com");
    // One typo among 50: 50 rows, the others answered.
    let mut names: Vec<String> = (0..50).map(|i| format!("name{i}-acme.com")).collect();
    names[17] = "-bad-.com".into();
    let r = sb
        .post("/domains/availability", &json!({ "domains": names }))
        .await;
    let rows = r.data()["domains"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 50);
    assert_eq!(
        (rows[17]["domain"].as_str(), rows[17]["reason"].as_str()),
        (Some("-bad-.com"), Some("invalid"))
    );
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, r)| i == 17 || r["available"] == true));
    // Not a string, or 51 names: still the body's fault.
    let r = sb
        .post(
            "/domains/availability",
            &json!({ "domains": ["ok.com", 7] }),
        )
        .await;
    assert_eq!((r.status, r.field()), (400, "domains[1]"));
    names.push("one-more.com".into());
    let r = sb
        .post("/domains/availability", &json!({ "domains": names }))
        .await;
    assert_eq!((r.status, r.field()), (400, "domains"));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_targets_that_fail() {
    let sb = Sandbox::default().await;
    sb.completed_order("fwd@acme.com", &["fwd-one.com", "fwd-two.com"])
        .await;
    for (url, reason) in [
        (
            "https://unreachable.acme-target.com/in",
            "target_unreachable",
        ),
        ("https://www.invalidtarget.com/", "invalid_target"),
    ] {
        let r = sb
            .post(
                "/domains/forwarding",
                &json!({ "domains": ["fwd-one.com", "fwd-two.com"], "forwarding_url": url }),
            )
            .await;
        assert_eq!(r.status, 202);
        let id = r.data()["id"].as_str().unwrap().to_owned();
        let poll = format!("/domains/forwarding/{id}");
        sb.wait_status(&poll, "failed").await;
        let job = sb.get(&poll).await.data().clone();
        assert_eq!(job["failed_count"], 2);
        assert!(job["failed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["reason"] == reason));
        assert_eq!(sb.events_of(&id).await, ["domain.forwarding_failed"]);
        assert_ne!(sb.domain("fwd-one.com").await["forwarding_url"], url);
    }
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_name_swap_with_a_private_picture_waits_on_a_pending_action() {
    let sb = Sandbox::default().await;
    let order = sb
        .completed_order("un@acme.com", &["gonly-un.com", "un-two.com"])
        .await;
    let google = sb.domain("gonly-un.com").await;
    let r = sb
        .post(
            "/swaps/user_names",
            &json!({ "domain_id": google["id"], "personas": [
                { "first_name": "Jane", "last_name": "Doe", "profile_picture_url": "http://10.0.0.7/jane.png" }
            ] }),
        )
        .await;
    assert_eq!(r.status, 201);
    let rows: Vec<String> = r.data()["swaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(rows.len(), 2);
    for id in &rows {
        sb.wait_status(&format!("/swaps/{id}"), "action_required")
            .await;
        assert_eq!(
            sb.events_of(id).await,
            ["swap.created", "swap.in_progress", "swap.action_required"]
        );
    }
    let pending = sb.get(&format!("/orders/pending?order_id={order}")).await;
    let actions = pending.body["data"].as_array().unwrap().clone();
    assert_eq!(actions.len(), 2);
    for a in &actions {
        assert_eq!(a["reason"], "profile_picture_not_accessible");
        assert_eq!(a["type"], "google_profile_picture");
        assert_eq!(a["user"]["first_name"], "Jane");
        let swap = a["swap_id"].as_str().unwrap();
        assert!(rows.iter().any(|r| r == swap));
        let r = sb
            .post(
                &format!("/_sandbox/pending/{}/resolve", a["id"].as_str().unwrap()),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            sb.get(&format!("/swaps/{swap}")).await.data()["status"],
            "completed"
        );
        assert_eq!(sb.events_of(swap).await.last().unwrap(), "swap.completed");
    }
    sb.handle.stop().await;
}

/// Every event type of the contract, produced on purpose in one account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_type_can_be_produced() {
    let sb = Sandbox::default().await;
    // Orders: completed, failed, action_required (picture), cancelled.
    let done = sb
        .completed_order("all@acme.com", &["all-one.com", "all-two.com"])
        .await;
    sb.post(
        "/orders",
        &custom_order("all@acme.com", &["orderfail-all.com", "all-three.com"]),
    )
    .await;
    let mut pic = custom_order("all@acme.com", &["dnsaction-all.com", "all-four.com"]);
    pic["personas"][0]["profile_picture_url"] = json!("http://127.0.0.1/p.png");
    sb.post("/orders", &pic).await;
    sb.raw("POST", &format!("/orders/{done}/cancel"), None)
        .await;
    sb.advance(32 * 86_400).await;
    // Imports: completed, failed (already imported), action_required.
    sb.post("/domains/import", &json!({ "domains": ["imp-all.com"] }))
        .await;
    sb.post(
        "/domains/import",
        &json!({ "domains": ["nsdelay-all.com"] }),
    )
    .await;
    sb.post("/domains/import", &json!({ "domains": ["all-four.com"] }))
        .await;
    // Forwarding: updated and failed; swaps: completed, failed, action_required.
    let live = sb
        .completed_order("all@acme.com", &["gonly-live.com", "all-five.com"])
        .await;
    let _ = live;
    sb.post(
        "/domains/forwarding",
        &json!({ "domains": ["gonly-live.com", "nowhere-all.com"], "forwarding_url": "https://acme.com" }),
    )
    .await;
    let google = sb.domain("gonly-live.com").await["id"].clone();
    let ms = sb.domain("all-five.com").await["id"].clone();
    sb.post(
        "/swaps",
        &json!({ "type": "standard", "domain_id": ms, "replacement_domain": "swapfail-all.com" }),
    )
    .await;
    sb.post("/swaps", &json!({ "type": "standard", "domain_id": google, "replacement_domain": "gonly-fresh.com" }))
        .await;
    sb.post(
        "/swaps",
        &json!({ "type": "standard", "domain_id": ms, "replacement_domain": "taken-all.com" }),
    )
    .await;
    let missing = || async {
        let seen = sb.event_types().await;
        EventType::KNOWN
            .iter()
            .filter(|t| !seen.iter().any(|s| s == *t))
            .collect::<Vec<_>>()
    };
    for _ in 0..400 {
        if missing().await.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(missing().await, Vec::<&&str>::new(), "never produced");
    sb.handle.stop().await;
}

//! Every endpoint of the table with docs/contract.md's statuses and rules, the
//! documented request examples, and the answers decoded with the SDK's model.

mod common;
use common::*;
use peeker_partner::model::*;
use serde_json::{json, Value};

fn decode<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

/// Follows `links.next` from `first` and returns every row's id.
async fn all_ids(sb: &Sandbox, first: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(sb.url(first));
    while let Some(url) = next {
        let r = sb
            .http
            .get(&url)
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let page: List<Value> = decode(&r);
        assert_eq!(page.meta.returned as usize, page.data.len());
        ids.extend(
            page.data
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_owned()),
        );
        next = page.links.next.clone();
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundles_crud() {
    let sb = Sandbox::default().await;
    let r = sb
        .post("/bundles", &resource("requests/bundle_create.json"))
        .await;
    assert_eq!(r.status, 201);
    let b: Bundle = decode(r.data());
    assert!(b.id.starts_with("bun_") && b.id.len() == 30);
    assert_eq!(
        b.required_domains,
        Some(RequiredDomains {
            google: 15,
            microsoft: 4,
            total: 19
        })
    );
    assert_eq!(b.effective.as_ref().unwrap().google_percent, 50);
    assert_eq!(r.data()["google_percent"], Value::Null);
    let r = sb
        .post("/bundles", &resource("requests/bundle_create_split.json"))
        .await;
    let b2: Bundle = decode(r.data());
    assert_eq!(
        b2.required_domains,
        Some(RequiredDomains {
            google: 80,
            microsoft: 10,
            total: 90
        })
    );
    // Retrieve, update (recomputed), bad update.
    let r = sb.get(&format!("/bundles/{}", b.id)).await;
    assert_eq!(
        (r.status, r.data()["id"].as_str()),
        (200, Some(b.id.as_str()))
    );
    assert_eq!(sb.get("/bundles/bun_nope").await.code(), "not_found");
    let r = sb
        .patch(
            &format!("/bundles/{}", b.id),
            &resource("requests/bundle_update.json"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["name"], "Starter - 30k emails/month");
    assert_eq!(r.data()["required_domains"]["total"], 23); // 18 + 5
    let r = sb
        .patch(
            &format!("/bundles/{}", b.id),
            &json!({ "google_percent": 60 }),
        )
        .await;
    assert_eq!((r.status, r.field()), (400, "microsoft_percent"));
    let r = sb
        .patch(
            &format!("/bundles/{}", b.id),
            &json!({ "google_percent": 60, "microsoft_percent": 40, "send_on_weekends": true }),
        )
        .await;
    assert_eq!(r.data()["effective"]["google_percent"], 60);
    let r = sb
        .patch(
            &format!("/bundles/{}", b.id),
            &json!({ "google_percent": null, "microsoft_percent": null }),
        )
        .await;
    assert_eq!(r.data()["google_percent"], Value::Null);
    assert_eq!(r.data()["effective"]["microsoft_percent"], 50);
    assert_eq!(sb.patch("/bundles/bun_nope", &json!({})).await.status, 404);
    // Old shape is refused with a pointer.
    let r = sb
        .post(
            "/bundles",
            &json!({ "name": "x", "monthly_sending_volume": 5, "currency": "USD" }),
        )
        .await;
    assert_eq!((r.status, r.field()), (400, "currency"));
    // List and pagination.
    for i in 0..5 {
        sb.post(
            "/bundles",
            &json!({ "name": format!("b{i}"), "monthly_sending_volume": 1000 }),
        )
        .await;
    }
    let ids = all_ids(&sb, "/partner/v1/bundles?per_page=2").await;
    assert_eq!(ids.len(), 7);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "oldest first");
    let r = sb.get("/bundles?per_page=2").await;
    assert_eq!(r.body["meta"]["per_page"], 2);
    assert!(r.body["links"]["first"]
        .as_str()
        .unwrap()
        .ends_with("/partner/v1/bundles?per_page=2"));
    assert_eq!(
        r.body["meta"]["path"].as_str().unwrap(),
        sb.url("/partner/v1/bundles")
    );
    for bad in [
        "per_page=0",
        "per_page=101",
        "per_page=x",
        "page_token=zzz",
        "status=gone",
        "color=red",
    ] {
        let r = sb.get(&format!("/bundles?{bad}")).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.code(), "invalid_request");
    }
    assert_eq!(sb.get("/bundles").await.body["meta"]["per_page"], 25);
    // Delete: unused → deleted (gone); used → archived.
    let r = sb.delete(&format!("/bundles/{}", b2.id)).await;
    assert_eq!(r.data()["status"], "deleted");
    assert_eq!(sb.get(&format!("/bundles/{}", b2.id)).await.status, 404);
    let small = sb
        .post("/bundles", &json!({ "name": "tiny", "monthly_sending_volume": 1000, "google_percent": 100, "microsoft_percent": 0 }))
        .await;
    let small: Bundle = decode(small.data());
    assert_eq!(small.required_domains.unwrap().total, 2);
    let mut order = custom_order("buyer@acme.com", &["t1-acme.com", "t2-acme.com"]);
    let o = order.as_object_mut().unwrap();
    o.remove("google_licenses");
    o.remove("microsoft_licenses");
    o.remove("google_inboxes_per_domain");
    o.insert("bundle_id".into(), json!(small.id));
    assert_eq!(sb.post("/orders", &order).await.status, 200);
    let r = sb.delete(&format!("/bundles/{}", small.id)).await;
    assert_eq!(r.data()["status"], "archived");
    let r = sb.get("/bundles?status=archived").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    // An archived bundle takes no new orders.
    order["domains"] = json!(["t3-acme.com", "t4-acme.com"]);
    let r = sb.post("/orders", &order).await;
    assert_eq!((r.status, r.field()), (400, "bundle_id"));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_crud() {
    let sb = Sandbox::default().await;
    let r = sb
        .post("/users", &resource("requests/user_create.json"))
        .await;
    assert_eq!(r.status, 201);
    let u: User = decode(r.data());
    assert_eq!(u.sequencer.as_ref().unwrap().client_id, Some(366903));
    let dup = sb
        .post("/users", &json!({ "email": "ALEX@acme.com", "sequencer": { "provider": "smartlead", "client_id": null } }))
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.field()),
        (409, "conflict", "email")
    );
    let r = sb
        .post("/users", &json!({ "email": "sam@acme.com", "sequencer": { "provider": "smartlead", "client_id": "" } }))
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.data()["sequencer"]["client_id"], Value::Null);
    let sam = r.data()["id"].as_str().unwrap().to_owned();
    let r = sb
        .post("/users", &json!({ "email": "nope", "sequencer": {} }))
        .await;
    assert_eq!((r.status, r.field()), (400, "email"));
    // Update routing, retrieve, list filters.
    let r = sb
        .patch(
            &format!("/users/{}", u.id),
            &resource("requests/user_update.json"),
        )
        .await;
    assert_eq!(r.data()["sequencer"]["client_id"], Value::Null);
    let r = sb
        .patch(
            &format!("/users/{}", u.id),
            &json!({ "email": "sam@acme.com" }),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        sb.get(&format!("/users/{sam}")).await.data()["email"],
        "sam@acme.com"
    );
    let r = sb.get("/users?email=alex%40acme.com").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 1);
    assert!(r.body["links"]["first"]
        .as_str()
        .unwrap()
        .contains("email=alex%40acme.com"));
    // Delete → deleted; the email is free again.
    let r = sb.delete(&format!("/users/{sam}")).await;
    assert_eq!(
        (r.status, r.data()["status"].as_str()),
        (200, Some("deleted"))
    );
    assert_eq!(
        sb.get("/users?status=deleted").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        sb.get("/users?status=active").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = sb
        .post("/users", &json!({ "email": "sam@acme.com", "sequencer": { "provider": "smartlead", "client_id": 1 } }))
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(sb.delete("/users/usr_nope").await.status, 404);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn availability_rules() {
    let sb = Sandbox::default().await;
    let r = sb
        .post(
            "/domains/availability",
            &resource("requests/availability.json"),
        )
        .await;
    assert_eq!(r.status, 200);
    let a: AvailabilityResponse = decode(r.data());
    assert_eq!(a.domains.len(), 3);
    assert!(a.domains[0].available);
    assert_eq!(a.domains[0].price_cents, Some(1300));
    assert_eq!(a.domains[0].renewal_price_cents, Some(1500));
    assert_eq!(a.domains[0].currency.as_deref(), Some("usd"));
    assert_eq!(a.domains[2].premium, Some(true));
    assert_eq!(a.domains[2].reason, Some(UnavailableReason::Premium));
    assert!(a.domains[2].usable_for.is_none());
    let r = sb
        .post(
            "/domains/availability",
            &json!({ "domains": ["Gonly-Acme.COM", "x.taken-acme.com", "invalid-acme.com"] }),
        )
        .await;
    let a: AvailabilityResponse = decode(r.data());
    assert_eq!(a.domains[0].domain, "gonly-acme.com");
    assert_eq!(a.domains[0].usable_for, Some(vec![Provider::Google]));
    assert_eq!(a.domains[1].reason, Some(UnavailableReason::Taken));
    assert_eq!(a.domains[2].reason, Some(UnavailableReason::Invalid));
    let many: Vec<String> = (0..51).map(|i| format!("d{i}.com")).collect();
    let r = sb
        .post("/domains/availability", &json!({ "domains": many }))
        .await;
    assert_eq!((r.status, r.field()), (400, "domains"));
    let r = sb
        .post(
            "/domains/availability",
            &json!({ "domains": ["ok.com", "bad name.com", "ok.com"] }),
        )
        .await;
    // A malformed name is an `invalid` row (tests/scenarios.rs); a repeat
    // is still refused.
    assert_eq!((r.status, r.field()), (400, "domains[2]"));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_and_domains() {
    let sb = Sandbox::default().await;
    let r = sb
        .post("/domains/import", &resource("requests/import.json"))
        .await;
    assert_eq!(r.status, 200);
    let imp: DomainImport = decode(r.data());
    assert!(imp.id.starts_with("imp_"));
    assert_eq!(imp.status, ImportStatus::InProgress);
    assert!(imp
        .domains
        .iter()
        .all(|d| d.status == ImportDomainStatus::Pending && d.domain_id.is_some()));
    let grouped: usize = imp.nameserver_groups.iter().map(|g| g.domains.len()).sum();
    assert_eq!(grouped, 2);
    assert!(imp.nameserver_groups[0].nameservers[0].ends_with(".ns.peeker.ai"));
    // Importing again: already imported.
    let r = sb
        .post(
            "/domains/import",
            &json!({ "domains": ["acme-mail.com", "fresh-acme.com"] }),
        )
        .await;
    let again: DomainImport = decode(r.data());
    assert_eq!(again.domains[0].status, ImportDomainStatus::Failed);
    assert_eq!(
        again.domains[0].reason,
        Some(ImportFailureReason::AlreadyImported)
    );
    assert_eq!(again.domains[1].status, ImportDomainStatus::Pending);
    // Limits and roots, as the SDK predicts.
    let many: Vec<String> = (0..26).map(|i| format!("d{i}.com")).collect();
    assert_eq!(
        sb.post("/domains/import", &json!({ "domains": many }))
            .await
            .field(),
        "domains"
    );
    let r = sb
        .post("/domains/import", &json!({ "domains": ["mail.acme.com"] }))
        .await;
    assert_eq!((r.status, r.field()), (400, "domains[0]"));
    // Completes, and the domains sit in inventory.
    let path = format!("/domains/import/{}", imp.id);
    sb.wait_for("import completed", || async {
        sb.get(&path).await.data()["status"] == "completed"
    })
    .await;
    let done: DomainImport = decode(sb.get(&path).await.data());
    assert!(done.completed_at.is_some());
    assert!(done
        .domains
        .iter()
        .all(|d| d.status == ImportDomainStatus::Completed));
    let r = sb.get("/domains?category=inventory&status=available").await;
    let rows: Vec<Domain> = decode(&r.body["data"]);
    assert!(rows.iter().any(|d| d.domain == "acme-mail.com"));
    assert!(sb
        .event_types()
        .await
        .contains(&"domain_import.completed".to_owned()));
    // Jobs: 202, idempotent on the sorted unique set.
    let r = sb
        .post(
            "/domains/import/jobs",
            &json!({ "domains": ["job-b.com", "job-a.com"] }),
        )
        .await;
    assert_eq!(r.status, 202);
    let job = r.data()["id"].as_str().unwrap().to_owned();
    let r = sb
        .post(
            "/domains/import/jobs",
            &json!({ "domains": ["JOB-A.com", "job-b.com."] }),
        )
        .await;
    assert_eq!(
        (r.status, r.data()["id"].as_str()),
        (202, Some(job.as_str()))
    );
    assert_eq!(
        sb.get(&format!("/domains/import/jobs/{job}")).await.status,
        200
    );
    assert_eq!(sb.get("/domains/import/jobs/imp_nope").await.status, 404);
    let many: Vec<String> = (0..501).map(|i| format!("d{i}.com")).collect();
    assert_eq!(
        sb.post("/domains/import/jobs", &json!({ "domains": many }))
            .await
            .status,
        400
    );
    // Lookup.
    let r = sb
        .get("/domains/import?domains=acme-mail.com,job-a.com,unknown-x.com")
        .await;
    assert_eq!(r.status, 200);
    let l: ImportLookup = decode(r.data());
    assert_eq!(l.not_found, vec!["unknown-x.com"]);
    assert_eq!(l.imports.len(), 2);
    assert_eq!(l.imports[0].id, job, "newest first");
    assert_eq!(sb.get("/domains/import").await.field(), "domains");
    // Domain list filters.
    let r = sb.get("/domains?usable_for=microsoft&per_page=100").await;
    assert!(r.body["data"].as_array().unwrap().len() >= 3);
    assert_eq!(
        sb.get("/domains?category=connected").await.body["data"],
        json!([])
    );
    assert_eq!(sb.get("/domains?category=other").await.status, 400);
    sb.handle.stop().await;
}

/// Places an order and waits until it is completed.
async fn completed_order(sb: &Sandbox, body: &Value) -> OrderReceipt {
    let r = sb.post("/orders", body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let o: OrderReceipt = decode(r.data());
    sb.wait_for("order completed", || async {
        sb.get(&format!("/orders?user_id={}&per_page=100", o.user_id))
            .await
            .body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == o.id.as_str() && x["status"] == "completed")
    })
    .await;
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_bundle_and_custom() {
    let sb = Sandbox::default().await;
    let b = sb
        .post("/bundles", &resource("requests/bundle_create.json"))
        .await;
    let bundle = b.data()["id"].as_str().unwrap().to_owned();
    // The documented bundle order, pointed at a real bundle and 19 domains.
    let mut body = resource("requests/order_bundle.json");
    body["bundle_id"] = json!(bundle);
    let mut domains: Vec<Value> = (0..15).map(|i| json!(format!("gonly-{i}.com"))).collect();
    domains.extend((0..3).map(|i| json!(format!("both-{i}.com"))));
    domains.push(json!({ "domain": "shop-acme.com", "forwarding_url": "https://shop.acme.com" }));
    body["domains"] = json!(domains);
    let o = completed_order(&sb, &body).await;
    assert_eq!(o.domain_count, 19);
    assert_eq!(o.bundle_id.as_deref(), Some(bundle.as_str()));
    // 15 Google domains × 2 inboxes = 30 licenses, 4 Microsoft, 19 registrations.
    assert_eq!(o.costs.total_cents, 30 * 100 + 4 * 900 + 19 * 1300);
    assert_eq!(o.costs.currency, "usd");
    let renews = o.renews_at.clone().unwrap();
    assert!(renews > o.created_at, "{renews}");
    let doms: Vec<Domain> = decode(
        &sb.get(&format!("/domains?user_id={}&per_page=100", o.user_id))
            .await
            .body["data"],
    );
    assert_eq!(doms.len(), 19);
    assert_eq!(
        doms.iter()
            .filter(|d| d.provider == Some(Provider::Microsoft))
            .count(),
        4
    );
    assert!(doms
        .iter()
        .all(|d| d.status == DomainStatus::Active && d.category == DomainCategory::Connected));
    let shop = doms.iter().find(|d| d.domain == "shop-acme.com").unwrap();
    assert_eq!(
        shop.forwarding_url.as_deref(),
        Some("https://shop.acme.com")
    );
    let other = doms.iter().find(|d| d.domain == "both-0.com").unwrap();
    assert_eq!(other.forwarding_url.as_deref(), Some("https://acme.com"));
    // The order.completed event carries the full order.
    let ev = sb
        .deliveries()
        .await
        .into_iter()
        .find(|d| d["type"] == "order.completed")
        .unwrap();
    let full: FullOrder = decode(&ev["event"]["data"]);
    assert_eq!(full.people().len(), 3);
    assert_eq!(full.domains.as_ref().unwrap().registered.len(), 19);
    assert_eq!(full.costs.line_items.as_ref().unwrap().len(), 3);
    let connected = sb
        .event_types()
        .await
        .iter()
        .filter(|t| *t == "domain.connected")
        .count();
    assert_eq!(connected, 19);

    // The documented custom order, for an existing user and imported domains.
    let u = sb.post("/users", &json!({ "email": "custom@example.com", "sequencer": { "provider": "smartlead", "client_id": 1 } })).await;
    let user = u.data()["id"].as_str().unwrap().to_owned();
    let imp = sb
        .post(
            "/domains/import",
            &json!({ "domains": ["acme-mail.com", "team-acme.com"] }),
        )
        .await;
    let imported_id = imp.data()["domains"][0]["domain_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut custom = resource("requests/order_custom.json");
    assert_eq!(sb.post("/orders", &custom).await.code(), "not_found");
    custom["user"] = json!(user);
    custom["domains"] = json!([imported_id, "team-acme.com", "team-acme-mail.com"]);
    let o = completed_order(&sb, &custom).await;
    assert_eq!(o.user_id, user);
    assert_eq!(o.bundle_id, None);
    // 4 Google + 1 Microsoft licenses, one registration; imported domains are free.
    assert_eq!(o.costs.total_cents, 4 * 100 + 900 + 1300);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_errors_leave_no_state() {
    let sb = Sandbox::default().await;
    // Table sizes and charges (not the rate limit's memory of keys).
    let tables = |mut v: Value| {
        v.as_object_mut().unwrap().remove("rate_limit_keys");
        v
    };
    let before = tables(sb.state().await);
    // Split mismatch: 3 domains needed (2 Google on 1 domain... here 1 + 1).
    let r = sb
        .post("/orders", &custom_order("new@acme.com", &["a-acme.com"]))
        .await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (422, "domain_count_mismatch", "domains")
    );
    let d = &r.body["error"]["details"];
    assert_eq!(
        (
            d["required_count"].as_u64(),
            d["submitted_count"].as_u64(),
            d["missing_count"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    // Provider split miss: two Google-only picks, one Microsoft slot.
    let r = sb
        .post(
            "/orders",
            &custom_order("new@acme.com", &["gonly-a.com", "gonly-b.com"]),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "domain_count_mismatch"));
    assert_eq!(r.body["error"]["details"]["provider"], "microsoft");
    // An unavailable domain: the whole order is refused.
    for bad in ["taken-acme.com", "premium-acme.com"] {
        let r = sb
            .post(
                "/orders",
                &custom_order("new@acme.com", &["fine-acme.com", bad]),
            )
            .await;
        assert_eq!(
            (r.status, r.code(), r.field()),
            (422, "domain_unavailable", "domains[1]")
        );
    }
    // Shape errors, as the SDK predicts.
    let mut both = custom_order("new@acme.com", &["x.com", "y.com"]);
    both["bundle_id"] = json!("bun_1");
    let r = sb.post("/orders", &both).await;
    assert_eq!(
        (r.status, r.code(), r.field()),
        (400, "order_shape_conflict", "bundle_id")
    );
    let mut old = custom_order("new@acme.com", &["x.com", "y.com"]);
    old["user"] = json!({ "email": "a@b.com" });
    assert_eq!(sb.post("/orders", &old).await.field(), "user");
    let mut no_pic = custom_order("new@acme.com", &["x.com", "y.com"]);
    no_pic["personas"] = json!([{ "first_name": "A", "last_name": "B" }]);
    assert_eq!(
        sb.post("/orders", &no_pic).await.field(),
        "personas[0].profile_picture_url"
    );
    let mut eleven = custom_order("new@acme.com", &["x.com", "y.com"]);
    eleven["personas"] = json!(vec![
        json!({ "first_name": "A", "last_name": "B", "profile_picture_url": null });
        11
    ]);
    assert_eq!(sb.post("/orders", &eleven).await.field(), "personas");
    let mut no_pw = custom_order("new@acme.com", &["x.com", "y.com"]);
    no_pw["sequencer"]["login_password"] = json!(7);
    let r = sb.post("/orders", &no_pw).await;
    assert_eq!(r.field(), "sequencer.login_password");
    assert!(!r.body.to_string().contains("smartlead-password"));
    let mut missing_bundle = custom_order("new@acme.com", &["x.com", "y.com"]);
    for k in [
        "google_licenses",
        "microsoft_licenses",
        "google_inboxes_per_domain",
    ] {
        missing_bundle.as_object_mut().unwrap().remove(k);
    }
    missing_bundle["bundle_id"] = json!("bun_missing");
    assert_eq!(sb.post("/orders", &missing_bundle).await.status, 404);
    // Nothing was written: no user, no domain, no charge, no event.
    let after = tables(sb.state().await);
    assert_eq!(before, after);
    assert_eq!(after["users"], 0);
    assert_eq!(after["charges"], json!([]));
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_dedupe_list_cancel_pending() {
    let sb = Sandbox::default().await;
    let body = custom_order("buyer@acme.com", &["one-acme.com", "two-acme.com"]);
    let bytes = serde_json::to_vec(&body).unwrap();
    let a = sb.raw("POST", "/orders", Some(bytes.clone())).await;
    let b = sb.raw("POST", "/orders", Some(bytes.clone())).await;
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.data()["id"], b.data()["id"]);
    assert_eq!(sb.state().await["charges"].as_array().unwrap().len(), 1);
    let first = a.data()["id"].as_str().unwrap().to_owned();
    let user = a.data()["user_id"].as_str().unwrap().to_owned();
    // The same email reuses the user.
    let c = sb
        .post(
            "/orders",
            &custom_order("BUYER@acme.com", &["three-acme.com", "four-acme.com"]),
        )
        .await;
    assert_eq!(c.data()["user_id"], user.as_str());
    // A persona picture that is not public → action_required + pending action.
    let mut pic = custom_order("pics@acme.com", &["five-acme.com", "six-acme.com"]);
    pic["personas"][0]["profile_picture_url"] = json!("http://127.0.0.1/sam.jpg");
    let p = sb.post("/orders", &pic).await;
    let pic_id = p.data()["id"].as_str().unwrap().to_owned();
    sb.wait_for("action required", || async {
        sb.get("/orders?status=action_required").await.body["data"]
            .as_array()
            .unwrap()
            .len()
            == 1
    })
    .await;
    let r = sb.get(&format!("/orders/pending?order_id={pic_id}")).await;
    let rows: Vec<PendingAction> = decode(&r.body["data"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].action_type, PendingActionType::GoogleProfilePicture);
    assert_eq!(
        rows[0].reason,
        PendingActionReason::ProfilePictureNotAccessible
    );
    assert_eq!(rows[0].status, PendingActionStatus::Open);
    assert_eq!(
        sb.get("/orders/pending?status=resolved").await.body["data"],
        json!([])
    );
    assert_eq!(
        sb.get("/orders/pending?user=pics%40acme.com").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(sb
        .event_types()
        .await
        .contains(&"order.action_required".to_owned()));
    // List: newest first, filters.
    let ids = all_ids(&sb, "/partner/v1/orders?per_page=1").await;
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[2], first);
    assert!(ids[0] > ids[1] && ids[1] > ids[2]);
    let r = sb.get("/orders?user_email=buyer%40acme.com").await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(sb.get("/orders?status=weird").await.status, 400);
    // Cancel some domains, then the rest.
    sb.wait_for("first order completed", || async {
        sb.get(&format!("/orders?user_id={user}")).await.body["data"][1]["status"] == "completed"
    })
    .await;
    let r = sb
        .post(
            &format!("/orders/{first}/cancel"),
            &json!({ "domains": ["one-acme.com"] }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cancel: OrderCancellation = decode(r.data());
    assert_eq!(cancel.domains.len(), 1);
    assert_eq!(cancel.domains[0].domain, "one-acme.com");
    let r = sb
        .post(
            &format!("/orders/{first}/cancel"),
            &json!({ "domains": ["nine-acme.com"] }),
        )
        .await;
    assert_eq!((r.status, r.field()), (400, "domains[0]"));
    assert_eq!(
        sb.post(
            &format!("/orders/{first}/cancel"),
            &json!({ "domains": [] })
        )
        .await
        .status,
        400
    );
    assert_eq!(
        sb.post("/orders/ord_nope/cancel", &json!({})).await.status,
        404
    );
    let r = sb
        .raw("POST", &format!("/orders/{first}/cancel"), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["status"], "cancel_scheduled");
    assert_eq!(r.data()["domains"].as_array().unwrap().len(), 2);
    // Cancellation completes at `cancels_at` (a month on) on the clock.
    sb.post(
        "/_sandbox/clock",
        &json!({ "advance_seconds": 32 * 86_400 }),
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
    let types = sb.event_types().await;
    assert!(types.contains(&"order.cancel_scheduled".to_owned()));
    assert!(types.contains(&"order.cancelled".to_owned()));
    // The cancelled domains are free again.
    let r = sb
        .post(
            "/orders",
            &custom_order("again@acme.com", &["one-acme.com", "two-acme.com"]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    sb.handle.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_and_swaps() {
    let sb = Sandbox::default().await;
    let o = completed_order(
        &sb,
        &custom_order("fw@acme.com", &["gonly-fw.com", "ms-fw.com"]),
    )
    .await;
    let doms: Vec<Domain> = decode(
        &sb.get(&format!("/domains?user_id={}", o.user_id))
            .await
            .body["data"],
    );
    let google = doms
        .iter()
        .find(|d| d.provider == Some(Provider::Google))
        .unwrap()
        .clone();
    let microsoft = doms
        .iter()
        .find(|d| d.provider == Some(Provider::Microsoft))
        .unwrap()
        .clone();
    // Forwarding: 202, then completed / partial_success.
    let mut fw = resource("requests/forwarding.json");
    fw["domains"] = json!([google.domain, microsoft.id, "unknown-fw.com"]);
    let r = sb.post("/domains/forwarding", &fw).await;
    assert_eq!(r.status, 202);
    let job: ForwardingJob = decode(r.data());
    assert_eq!(job.status, ForwardingStatus::InProgress);
    let path = format!("/domains/forwarding/{}", job.id);
    sb.wait_for("forwarding done", || async {
        sb.get(&path).await.data()["status"] != "in_progress"
    })
    .await;
    let job: ForwardingJob = decode(sb.get(&path).await.data());
    assert_eq!(job.status, ForwardingStatus::PartialSuccess);
    assert_eq!((job.completed_count, job.failed_count), (2, 1));
    assert_eq!(
        job.failed[0].reason,
        ForwardingFailureReason::DnsLookupFailed
    );
    let types = sb.event_types().await;
    assert!(types.contains(&"domain.forwarding_updated".to_owned()));
    assert!(types.contains(&"domain.forwarding_failed".to_owned()));
    let many: Vec<String> = (0..26).map(|i| format!("d{i}.com")).collect();
    assert_eq!(
        sb.post(
            "/domains/forwarding",
            &json!({ "domains": many, "forwarding_url": "https://a.com" })
        )
        .await
        .field(),
        "domains"
    );
    assert_eq!(sb.get("/domains/forwarding/fwj_nope").await.status, 404);
    // Swaps: premium is Microsoft-only; the replacement must be orderable.
    let mut swap = resource("requests/swap.json");
    swap["domain_id"] = json!(google.id);
    let r = sb.post("/swaps", &swap).await;
    assert_eq!((r.status, r.field()), (400, "type"));
    swap["domain_id"] = json!(microsoft.id);
    swap["replacement_domain"] = json!("gonly-new.com");
    let r = sb.post("/swaps", &swap).await;
    assert_eq!((r.status, r.field()), (422, "replacement_domain"));
    // One Microsoft inbox allows no premium swap (tests/swap_rules.rs); a
    // replacement that is not buyable waits for its import (same file).
    swap["replacement_domain"] = json!("acme-fresh.com");
    assert_eq!(sb.post("/swaps", &swap).await.status, 409);
    swap["type"] = json!("standard");
    let r = sb.post("/swaps", &swap).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let s: Swap = decode(r.data());
    assert_eq!(
        (s.swap_type.clone(), s.status.clone()),
        (SwapType::Standard, SwapStatus::Created)
    );
    swap["domain_id"] = json!("dom_nope");
    assert_eq!(sb.post("/swaps", &swap).await.status, 404);
    let path = format!("/swaps/{}", s.id);
    sb.wait_for("swap completed", || async {
        sb.get(&path).await.data()["status"] == "completed"
    })
    .await;
    let r = sb.get(&format!("/domains?user_id={}", o.user_id)).await;
    let doms: Vec<Domain> = decode(&r.body["data"]);
    assert!(doms
        .iter()
        .any(|d| d.domain == "acme-fresh.com" && d.status == DomainStatus::Active));
    // User-name swap: one row per inbox (2 on the Google domain).
    let mut un = resource("requests/user_names_swap.json");
    un["domain_id"] = json!(google.id);
    let r = sb.post("/swaps/user_names", &un).await;
    assert_eq!(r.status, 201);
    let rows: UserNameSwaps = decode(r.data());
    assert_eq!(rows.swaps.len(), 2);
    assert!(rows
        .swaps
        .iter()
        .all(|s| s.swap_type == SwapType::UserNames && s.replacement_domain.is_none()));
    un["personas"][0]["profile_picture_url"] = json!("http://192.168.1.2/x.png");
    let r = sb.post("/swaps/user_names", &un).await;
    let blocked = r.data()["swaps"][0]["id"].as_str().unwrap().to_owned();
    sb.wait_for("swap action required", || async {
        sb.get(&format!("/swaps/{blocked}")).await.data()["status"] == "action_required"
    })
    .await;
    let r = sb
        .get(&format!("/swaps?order_id={}&per_page=100", o.id))
        .await;
    assert_eq!(r.body["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        sb.get("/swaps?status=action_required").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let types = sb.event_types().await;
    for t in [
        "swap.created",
        "swap.in_progress",
        "swap.completed",
        "swap.action_required",
    ] {
        assert!(types.contains(&t.to_owned()), "{t}");
    }
    assert_eq!(sb.get("/swaps/swp_nope").await.status, 404);
    assert_eq!(
        sb.post("/swaps", &json!({ "type": "user_names" }))
            .await
            .field(),
        "type"
    );
    sb.handle.stop().await;
}

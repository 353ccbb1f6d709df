//! Ownership at the proxy (the core's rules, natively): for every endpoint,
//! a customer token reaches its own records and never another customer's.
//! The same matrix runs through the Worker in workerd
//! (tests/worker/ownership.test.mjs).

use peeker_partner::ownership::{
    event_record, is_account_scope, rule, Belongs, Customer, CustomerRequest, Decision, Identity,
    Kind, Owner, Refusal, Rule,
};
use peeker_partner::request::Endpoint;
use peeker_partner::token::{self, AccountScopes};
use serde_json::{json, Value};

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

fn owner(who: &str) -> Owner {
    Owner {
        user_id: Some(format!("usr_{who}")),
        email: Some(format!("{who}@example.com")),
    }
}

/// The table: alice and bob each own one record of every kind.
fn table() -> Vec<(Kind, String, Owner)> {
    let mut rows = Vec::new();
    for who in ["alice", "bob"] {
        for (kind, id) in [
            (Kind::User, format!("usr_{who}")),
            (Kind::Order, format!("ord_{who}")),
            (Kind::Domain, format!("dom_{who}")),
            (Kind::Domain, format!("{who}-shop.com")),
            (Kind::Import, format!("imp_{who}")),
            (Kind::Forwarding, format!("fwj_{who}")),
            (Kind::Swap, format!("swp_{who}")),
        ] {
            rows.push((kind, id, owner(who)));
        }
    }
    rows
}

fn users() -> Vec<Owner> {
    vec![owner("alice"), owner("bob")]
}

fn persona() -> Value {
    json!({"first_name": "Sam", "last_name": "Lee", "profile_picture_url": null})
}

/// A request to `endpoint` naming `who`'s records: (id, query, body).
fn case(endpoint: Endpoint, who: &str) -> (Option<String>, String, Value) {
    use Endpoint::*;
    let id = |prefix: &str| Some(format!("{prefix}_{who}"));
    let shop = format!("{who}-shop.com");
    match endpoint {
        Me | ListBundles => (None, String::new(), Value::Null),
        CreateBundle => (
            None,
            String::new(),
            json!({"name": "S", "monthly_sending_volume": 25000}),
        ),
        RetrieveBundle | DeleteBundle => (Some("bun_1".into()), String::new(), Value::Null),
        UpdateBundle => (Some("bun_1".into()), String::new(), json!({"name": "T"})),
        CreateUser => (
            None,
            String::new(),
            json!({"email": format!("{who}@example.com"), "sequencer": {"provider": "smartlead", "client_id": null}}),
        ),
        ListUsers => (None, format!("email={who}%40example.com"), Value::Null),
        RetrieveUser | DeleteUser => (id("usr"), String::new(), Value::Null),
        UpdateUser => (id("usr"), String::new(), json!({"first_name": "Al"})),
        CheckAvailability => (None, String::new(), json!({"domains": [shop]})),
        ImportDomains | CreateImportJob => (None, String::new(), json!({"domains": [shop]})),
        LookupImports => (None, format!("domains={shop}"), Value::Null),
        RetrieveImport | RetrieveImportJob => (id("imp"), String::new(), Value::Null),
        ListDomains => (None, format!("user_email={who}%40example.com"), Value::Null),
        CreateForwarding => (
            None,
            String::new(),
            json!({"domains": [format!("dom_{who}"), shop], "forwarding_url": "https://x.io"}),
        ),
        RetrieveForwarding => (id("fwj"), String::new(), Value::Null),
        CreateOrder => (
            None,
            String::new(),
            json!({
                "user": format!("{who}@example.com"), "bundle_id": "bun_1",
                "sequencer": {"provider": "smartlead", "client_id": null, "login_email": "o@x.io", "login_password": "pw"},
                "domains": [format!("dom_{who}"), shop, "brand-new.com"], "personas": [persona()],
            }),
        ),
        ListOrders => (
            None,
            format!("user_id=usr_{who}&status=completed"),
            Value::Null,
        ),
        ListPending => (None, format!("user=usr_{who}"), Value::Null),
        CancelOrder => (id("ord"), String::new(), json!({"domains": [shop]})),
        CreateSwap => (
            None,
            String::new(),
            json!({"type": "standard", "domain_id": format!("dom_{who}"), "replacement_domain": "fresh-new.com"}),
        ),
        ListSwaps => (None, format!("user_id=usr_{who}"), Value::Null),
        RetrieveSwap => (id("swp"), String::new(), Value::Null),
        SwapUserNames => (
            None,
            String::new(),
            json!({"domain_id": shop, "personas": [persona()]}),
        ),
    }
}

fn decide(endpoint: Endpoint, who: &str, sub: &str) -> Result<Decision, Refusal> {
    let (id, query, body) = case(endpoint, who);
    let customer = Customer::from_sub(sub).unwrap();
    let request = CustomerRequest::new(endpoint, id.as_deref(), &query, &body, sub)?;
    let identity = Identity::resolve(&customer, &users());
    request.decide(&identity, &table())
}

fn sent_query(decision: &Decision) -> String {
    match decision {
        Decision::Send(r) => r.path_and_query(),
        Decision::Answer(v) => panic!("answered {v}"),
    }
}

#[test]
fn every_endpoint_reaches_the_customers_own_records_and_never_anothers() {
    for sub in [
        "usr_alice",
        "alice@example.com",
        "ALICE@Example.com".to_ascii_lowercase().as_str(),
    ] {
        for &endpoint in Endpoint::ALL {
            let name = endpoint.client_name();
            let own = decide(endpoint, "alice", sub);
            let other = decide(endpoint, "bob", sub);
            match rule(endpoint) {
                Rule::Account => {
                    assert!(is_account_scope(name), "{name}");
                    assert!(
                        own.is_ok() && other.is_ok(),
                        "{name}: account endpoints name no customer"
                    );
                }
                Rule::Open => {
                    assert!(!is_account_scope(name), "{name}");
                    assert!(own.is_ok() && other.is_ok(), "{name}");
                }
                Rule::Customer => {
                    assert!(!is_account_scope(name), "{name}");
                    let own_ok = match endpoint {
                        // A usr_ token creates no user: its customer has one.
                        Endpoint::CreateUser if sub.starts_with("usr_") => own.is_err(),
                        _ => own.is_ok(),
                    };
                    assert!(own_ok, "{name} {sub}: own record refused: {own:?}");
                    if let Some(key) = forced_key(endpoint) {
                        // A list: the filter is forced to the customer, whatever was asked.
                        let q = sent_query(&other.unwrap());
                        assert!(!q.contains("bob"), "{name} {sub}: {q}");
                        assert!(q.contains("alice"), "{name} {sub}: {q}");
                        assert!(q.contains(key), "{name} {sub}: {q}");
                    } else {
                        let refusal = other.expect_err(name);
                        let expected = match endpoint {
                            Endpoint::CreateUser | Endpoint::CreateOrder => 403,
                            _ => 404,
                        };
                        assert_eq!(
                            refusal.status, expected,
                            "{name} {sub}: {}",
                            refusal.envelope
                        );
                    }
                }
            }
        }
    }
}

fn forced_key(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::ListOrders | Endpoint::ListDomains => Some("user_"),
        Endpoint::ListPending => Some("user"),
        Endpoint::ListSwaps => Some("user_id"),
        Endpoint::ListUsers => Some("email"),
        _ => None,
    }
}

#[test]
fn a_refused_record_answers_404_naming_the_field_as_if_it_did_not_exist() {
    let r = decide(Endpoint::CancelOrder, "bob", "usr_alice").unwrap_err();
    assert_eq!(r.status, 404);
    assert_eq!(r.envelope["error"]["code"], "not_found");
    assert_eq!(r.envelope["error"]["field"], "id");
    // A domain of bob's inside alice's own order's cancel.
    let body = json!({"domains": ["bob-shop.com"]});
    let req = CustomerRequest::new(
        Endpoint::CancelOrder,
        Some("ord_alice"),
        "",
        &body,
        "usr_alice",
    )
    .unwrap();
    let alice = Identity::resolve(&Customer::from_sub("usr_alice").unwrap(), &users());
    let r = req.decide(&alice, &table()).unwrap_err();
    assert_eq!(
        (r.status, r.envelope["error"]["field"].as_str()),
        (404, Some("domains[0]"))
    );
    // Unknown records are not the customer's either; unknown names to buy are fine.
    let body = json!({"domains": ["dom_unknown"], "forwarding_url": "https://x.io"});
    let req =
        CustomerRequest::new(Endpoint::CreateForwarding, None, "", &body, "usr_alice").unwrap();
    assert_eq!(req.decide(&alice, &table()).unwrap_err().status, 404);
}

#[test]
fn names_are_compared_as_the_core_normalises_them() {
    let alice = Identity::resolve(&Customer::from_sub("usr_alice").unwrap(), &users());
    let body = json!({"domains": ["BOB-Shop.com."], "forwarding_url": "https://x.io"});
    let req =
        CustomerRequest::new(Endpoint::CreateForwarding, None, "", &body, "usr_alice").unwrap();
    assert_eq!(req.decide(&alice, &table()).unwrap_err().status, 404);
    let req = CustomerRequest::new(
        Endpoint::LookupImports,
        None,
        "domains=Bob-Shop.COM",
        &Value::Null,
        "usr_alice",
    )
    .unwrap();
    assert_eq!(req.decide(&alice, &table()).unwrap_err().status, 404);
}

#[test]
fn emails_fold_ascii_case_only_and_sub_must_be_canonical() {
    let kate = Identity::resolve(&Customer::from_sub("kate@example.com").unwrap(), &[]);
    assert!(kate.is("KATE@example.COM"));
    // The Kelvin sign (U+212A) lower-cases to k in Unicode, not in ASCII.
    assert!(!kate.is("\u{212A}ate@example.com"));
    let kelvin = Identity::resolve(&Customer::from_sub("\u{212A}ate@example.com").unwrap(), &[]);
    assert!(!kelvin.is("kate@example.com"));
    let body = json!({
        "user": "kate@example.com", "bundle_id": "bun_1",
        "sequencer": {"provider": "smartlead", "client_id": null, "login_email": "o@x.io", "login_password": "pw"},
        "domains": ["a-new.com"], "personas": [persona()],
    });
    let r = CustomerRequest::new(
        Endpoint::CreateOrder,
        None,
        "",
        &body,
        "\u{212A}ate@example.com",
    )
    .unwrap();
    assert_eq!(r.decide(&kelvin, &[]).unwrap_err().status, 403);
    for bad in [
        "kate@EXAMPLE.com",
        "kate@münchen.de",
        " kate@example.com",
        "usr_",
        "usr_a b",
        "bob",
        "",
    ] {
        assert!(Customer::from_sub(bad).is_err(), "{bad}");
    }
    assert!(Customer::from_sub("kate@xn--mnchen-3ya.de").is_ok());
    // A token whose sub is not canonical is refused by verify (any JWT library could mint one).
    let t = token::mint(
        SECRET,
        &json!({"sub": "kate@example.com", "scope": "orders.list"}),
        1000,
        AccountScopes::Refused,
    )
    .unwrap();
    assert!(token::verify(&t, &[SECRET], 1000).is_ok());
    let e = token::mint(
        SECRET,
        &json!({"sub": "kate@Example.com", "scope": "orders.list"}),
        1000,
        AccountScopes::Refused,
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("sub"));
    assert!(e.message.contains("example.com"), "{}", e.message);
}

#[test]
fn a_users_email_is_not_changed_through_the_proxy() {
    let body = json!({"email": "alice@example.com"});
    let r = CustomerRequest::new(
        Endpoint::UpdateUser,
        Some("usr_alice"),
        "",
        &body,
        "usr_alice",
    )
    .unwrap_err();
    assert_eq!(
        (r.status, r.envelope["error"]["field"].as_str()),
        (403, Some("email"))
    );
}

#[test]
fn account_scopes_are_minted_only_when_asked_for() {
    for scope in [
        "me",
        "bundles.create",
        "bundles.update",
        "bundles.delete",
        "forwarding.admin",
    ] {
        let claims = json!({"sub": "usr_alice", "scope": format!("orders.list {scope}")});
        let e = token::mint(SECRET, &claims, 1000, AccountScopes::Refused).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("scope"), "{scope}");
        assert!(e.message.contains(scope), "{}", e.message);
        assert!(token::mint(SECRET, &claims, 1000, AccountScopes::Allowed).is_ok());
    }
    for scope in [
        "bundles.list",
        "bundles.retrieve",
        "domains.availability",
        "orders.create",
        "events.read",
    ] {
        let claims = json!({"sub": "usr_alice", "scope": scope});
        assert!(
            token::mint(SECRET, &claims, 1000, AccountScopes::Refused).is_ok(),
            "{scope}"
        );
    }
}

#[test]
fn lists_are_forced_to_the_customer_in_the_form_their_filter_takes() {
    let q = |endpoint, query: &str, sub: &str, users: &[Owner]| {
        let customer = Customer::from_sub(sub).unwrap();
        let req = CustomerRequest::new(endpoint, None, query, &Value::Null, sub).unwrap();
        req.decide(&Identity::resolve(&customer, users), &[])
            .unwrap()
    };
    let d = q(
        Endpoint::ListOrders,
        "user_id=usr_bob&user_email=bob%40example.com&per_page=5",
        "alice@example.com",
        &[],
    );
    assert_eq!(
        sent_query(&d),
        "/orders?user_email=alice%40example.com&per_page=5"
    );
    let d = q(Endpoint::ListOrders, "", "usr_alice", &[]);
    assert_eq!(sent_query(&d), "/orders?user_id=usr_alice");
    // swaps.list filters on a user id: an email token's id comes from the table.
    let d = q(Endpoint::ListSwaps, "", "alice@example.com", &users());
    assert_eq!(sent_query(&d), "/swaps?user_id=usr_alice");
    // Not known yet: an empty page, and nothing is asked upstream.
    let Decision::Answer(page) = q(Endpoint::ListSwaps, "per_page=7", "alice@example.com", &[])
    else {
        panic!("sent")
    };
    assert_eq!(page["data"], json!([]));
    assert_eq!(page["links"]["next"], Value::Null);
    assert_eq!(page["meta"]["per_page"], 7);
    let Decision::Answer(_) = q(Endpoint::ListUsers, "", "usr_alice", &[]) else {
        panic!("sent")
    };
    let d = q(Endpoint::ListUsers, "", "usr_alice", &users());
    assert_eq!(sent_query(&d), "/users?email=alice%40example.com");
    // Only what the builder built goes out: a smuggled parameter is refused.
    let r = CustomerRequest::new(
        Endpoint::ListOrders,
        None,
        "x=%0d%0aInjected:1",
        &Value::Null,
        "usr_alice",
    );
    assert_eq!(r.unwrap_err().status, 400);
}

#[test]
fn answers_and_events_teach_the_table() {
    let alice = Identity::resolve(&Customer::from_sub("alice@example.com").unwrap(), &[]);
    let body = json!({"domains": ["alice-new.com", "taken-by-other.com"]});
    let req = CustomerRequest::new(
        Endpoint::ImportDomains,
        None,
        "",
        &body,
        "alice@example.com",
    )
    .unwrap();
    let answer = json!({"data": {"id": "imp_1", "status": "in_progress", "created_at": "x", "nameserver_groups": [],
        "domains": [{"domain": "alice-new.com", "status": "pending"}, {"domain": "taken-by-other.com", "status": "failed", "reason": "already_imported"}]}});
    let facts = req.learn(&alice, &answer);
    let ids: Vec<(Kind, &str)> = facts.iter().map(|f| (f.kind, f.id.as_str())).collect();
    assert_eq!(
        ids,
        [(Kind::Import, "imp_1"), (Kind::Domain, "alice-new.com")]
    );
    assert!(facts.iter().all(|f| f.belongs
        == Belongs::To(Owner {
            user_id: None,
            email: Some("alice@example.com".into())
        })));

    let event: Value =
        serde_json::from_str(include_str!("resources/event_order_in_progress.json")).unwrap();
    let record = event_record(&event);
    assert_eq!(record.subject.as_ref().map(|(k, _)| *k), Some(Kind::Order));
    assert_eq!(record.order_id.as_deref(), event["data"]["id"].as_str());
    assert!(record.facts.iter().any(|f| f.kind == Kind::Order));
    assert!(record.facts.iter().any(|f| f.kind == Kind::User));

    let swap = json!({"id": "evt_1", "type": "swap.completed", "created_at": "x",
        "data": {"id": "swp_1", "type": "standard", "domain_id": "dom_1", "replacement_domain": "new.com", "status": "completed", "created_at": "x"}});
    let record = event_record(&swap);
    assert_eq!(record.subject, Some((Kind::Swap, "swp_1".into())));
    assert_eq!(
        record.facts[0].belongs,
        Belongs::SameAs(Kind::Domain, "dom_1".into())
    );
    assert_eq!(record.facts[1].id, "new.com");
    let unknown =
        json!({"id": "evt_2", "type": "partner.thing", "created_at": "x", "data": {"id": "x_1"}});
    assert_eq!(event_record(&unknown).subject, None);
}

#[test]
fn an_answer_that_names_nobody_teaches_nothing() {
    let alice = Identity::resolve(&Customer::from_sub("usr_alice").unwrap(), &users());
    let (_, _, body) = case(Endpoint::CreateOrder, "alice");
    let req = CustomerRequest::new(Endpoint::CreateOrder, None, "", &body, "usr_alice").unwrap();
    assert_eq!(req.learn(&alice, &json!({"data": {"id": "ord_x"}})), []);
    let event = json!({"id": "evt_1", "type": "order.in_progress", "created_at": "x", "data": {"id": "ord_x", "status": "in_progress"}});
    assert_eq!(event_record(&event).facts, []);
}

#[test]
fn listed_rows_teach_only_what_they_name() {
    let alice = Identity::resolve(&Customer::from_sub("usr_alice").unwrap(), &users());
    let req =
        CustomerRequest::new(Endpoint::ListDomains, None, "", &Value::Null, "usr_alice").unwrap();
    let page = json!({"data": [
        {"id": "dom_1", "domain": "a.com", "user_id": "usr_alice"},
        {"id": "dom_2", "domain": "inventory.com"}
    ]});
    let facts = req.learn(&alice, &page);
    let ids: Vec<&str> = facts.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["dom_1", "a.com"]);
    let req =
        CustomerRequest::new(Endpoint::ListSwaps, None, "", &Value::Null, "usr_alice").unwrap();
    assert_eq!(
        req.learn(
            &alice,
            &json!({"data": [{"id": "swp_9", "domain_id": "dom_2"}]})
        ),
        []
    );
}

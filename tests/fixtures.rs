//! Every documented response example in tests/resources/ decodes into its type
//! and re-encodes to the same JSON; unknown fields and enum values survive.

use peeker_partner::model::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::path::Path;

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/resources")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes `value` as `T` and asserts that encoding it again gives `value` back.
fn round_trip_value<T: DeserializeOwned + Serialize>(label: &str, value: &Value) -> T {
    let typed: T =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{label}: decode: {e}"));
    let again = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{label}: encode: {e}"));
    assert_eq!(&again, value, "{label}: re-encoding changed the JSON");
    typed
}

/// Round-trips the fixture as is, then with an unknown key added to every
/// object in it, so every nested struct is shown to keep what it does not know.
fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let value = load(name);
    let mut extended = value.clone();
    add_unknown_keys(&mut extended, "");
    round_trip_value::<T>(&format!("{name} (extended)"), &extended);
    round_trip_value(name, &value)
}

fn add_unknown_keys(v: &mut Value, key: &str) {
    match v {
        // `required_domains` is a closed Copy struct; `details` is free-form already.
        Value::Object(map) if key != "required_domains" && key != "details" => {
            for (k, child) in map.iter_mut() {
                add_unknown_keys(child, k);
            }
            map.insert("x_new_field".into(), json!({"nested": [1, "two"]}));
        }
        Value::Array(items) => items.iter_mut().for_each(|i| add_unknown_keys(i, key)),
        _ => {}
    }
}

/// The fixture with `value` written at the JSON pointer `at`.
fn patched(name: &str, at: &str, value: Value) -> Value {
    let mut v = load(name);
    *v.pointer_mut(at)
        .unwrap_or_else(|| panic!("{name}: no {at}")) = value;
    v
}

#[test]
fn me() {
    let me = round_trip::<DataEnvelope<MeResponse>>("me_response.json").data;
    assert_eq!(me.api_key.environment, KeyEnvironment::Test);
    assert_eq!(me.api_key.permission_preset, PermissionPreset::Full);
    assert_eq!(me.partner.id, "org_01HZX0OG1A2B3C4D5E6F7G8H");

    let v = patched(
        "me_response.json",
        "/data/api_key/environment",
        json!("staging"),
    );
    let me = round_trip_value::<DataEnvelope<MeResponse>>("me staging", &v).data;
    assert_eq!(
        me.api_key.environment,
        KeyEnvironment::Other("staging".into())
    );
}

#[test]
fn errors() {
    let e = round_trip::<ErrorEnvelope>("error_domain_count_mismatch.json").error;
    assert_eq!(e.code, "domain_count_mismatch");
    assert_eq!(e.field.as_deref(), Some("domains"));
    assert_eq!(e.retry_after_seconds(), None);
    let err: peeker_partner::PeekerError = e.into();
    assert_eq!(err.field.as_deref(), Some("domains"));

    let e = round_trip::<ErrorEnvelope>("error_rate_limited.json").error;
    assert_eq!(e.code, "rate_limited");
    assert_eq!(e.field, None);
    assert_eq!(e.retry_after_seconds(), Some(12));
}

#[test]
fn pagination() {
    let page = round_trip::<List<OrderReceipt>>("list_orders_response.json");
    assert_eq!(page.meta.returned, 2);
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.data[1].bundle_id, None);
    assert!(page.next_page().is_some_and(|n| n.contains("page_token=")));

    let last = round_trip::<List<Bundle>>("list_bundles_last_page_response.json");
    assert_eq!(last.next_page(), None);

    let pending = round_trip::<List<PendingAction>>("list_pending_actions_response.json");
    assert_eq!(pending.data[0].status, PendingActionStatus::Open);
}

#[test]
fn bundles() {
    let b = round_trip::<DataEnvelope<Bundle>>("bundle_create_response.json").data;
    assert_eq!(b.google_percent, None);
    assert_eq!(
        b.required_domains,
        Some(RequiredDomains {
            google: 15,
            microsoft: 4,
            total: 19
        })
    );
    assert_eq!(b.effective.map(|e| e.google_percent), Some(50));
    assert_eq!(b.status, BundleStatus::Active);

    let v = patched(
        "bundle_create_response.json",
        "/data/status",
        json!("frozen"),
    );
    let b = round_trip_value::<DataEnvelope<Bundle>>("bundle frozen", &v).data;
    assert_eq!(b.status, BundleStatus::Other("frozen".into()));

    let d = round_trip::<DataEnvelope<BundleDeleted>>("bundle_delete_response.json").data;
    assert_eq!(d.status, BundleStatus::Deleted);
}

#[test]
fn older_bundle_shape_still_decodes() {
    // The older bundle pages: no sizing fields, plus `customer_price_cents`/`currency`.
    let old = json!({"id": "bun_1", "name": "Old", "monthly_sending_volume": 1000,
        "google_percent": 60, "microsoft_percent": 40, "customer_price_cents": 9900,
        "currency": "USD", "status": "active", "created_at": "2026-05-08T12:00:00Z"});
    let b = round_trip_value::<Bundle>("old bundle", &old);
    assert_eq!(b.required_domains, None);
    assert_eq!(b.extra.get("currency"), Some(&json!("USD")));
}

#[test]
fn users() {
    let u = round_trip::<User>("user.json");
    assert_eq!(u.status, UserStatus::Active);
    let seq = u.sequencer.as_ref().map(|s| (&s.provider, s.client_id));
    assert_eq!(seq, Some((&SequencerProvider::Smartlead, Some(366903))));

    let v = patched("user.json", "/sequencer/client_id", Value::Null);
    let u = round_trip_value::<User>("user null route", &v);
    assert_eq!(u.sequencer.and_then(|s| s.client_id), None);

    let v = patched("user.json", "/sequencer/provider", json!("instantly"));
    let u = round_trip_value::<User>("user instantly", &v);
    assert_eq!(
        u.sequencer.map(|s| s.provider),
        Some(SequencerProvider::Other("instantly".into()))
    );
}

#[test]
fn availability() {
    let a = round_trip::<DataEnvelope<AvailabilityResponse>>("availability_response.json").data;
    assert_eq!(a.domains.len(), 3);
    assert!(a.domains[0].usable_for(&Provider::Microsoft));
    assert!(!a.domains[1].usable_for(&Provider::Microsoft));
    assert_eq!(a.domains[2].reason, Some(UnavailableReason::Premium));

    let v = patched(
        "availability_response.json",
        "/data/domains/2/reason",
        json!("reserved"),
    );
    let a = round_trip_value::<DataEnvelope<AvailabilityResponse>>("reserved", &v).data;
    assert_eq!(
        a.domains[2].reason,
        Some(UnavailableReason::Other("reserved".into()))
    );
}

#[test]
fn domains() {
    let d = round_trip::<Domain>("domain_connected.json");
    assert_eq!(d.category, DomainCategory::Connected);
    assert_eq!(d.provider, Some(Provider::Google));
    let d = round_trip::<Domain>("domain_inventory.json");
    assert_eq!(d.status, DomainStatus::Available);
    assert_eq!(d.order_id, None);

    let v = patched("domain_inventory.json", "/status", json!("quarantined"));
    let d = round_trip_value::<Domain>("quarantined", &v);
    assert_eq!(d.status, DomainStatus::Other("quarantined".into()));
}

#[test]
fn forwarding() {
    let j = round_trip::<DataEnvelope<ForwardingJob>>("forwarding_job_create_response.json").data;
    assert_eq!(j.status, ForwardingStatus::InProgress);
    assert_eq!(j.completed_at, None);

    let j = round_trip::<DataEnvelope<ForwardingJob>>("forwarding_job_response.json").data;
    assert_eq!(j.status, ForwardingStatus::PartialSuccess);
    assert_eq!(j.failed[0].reason, ForwardingFailureReason::DnsLookupFailed);

    let v = patched(
        "forwarding_job_response.json",
        "/data/failed/0/reason",
        json!("tls_error"),
    );
    let j = round_trip_value::<DataEnvelope<ForwardingJob>>("tls_error", &v).data;
    assert_eq!(
        j.failed[0].reason,
        ForwardingFailureReason::Other("tls_error".into())
    );
}

#[test]
fn imports() {
    let i = round_trip::<DataEnvelope<DomainImport>>("import_response.json").data;
    assert_eq!(i.status, ImportStatus::InProgress);
    assert_eq!(i.domains[2].reason, Some(ImportFailureReason::NotRoot));
    assert_eq!(
        i.nameserver_groups[0].nameservers,
        ["helena.ns.peeker.ai", "idris.ns.peeker.ai"]
    );

    let j = round_trip::<DataEnvelope<ImportJob>>("import_job_create_response.json").data;
    assert!(j.nameserver_groups.is_empty());

    let l = round_trip::<DataEnvelope<ImportLookup>>("import_lookup_response.json").data;
    assert_eq!(l.imports[0].status, ImportStatus::Completed);
    assert_eq!(l.not_found, ["never-seen.com"]);

    let v = patched(
        "import_response.json",
        "/data/domains/0/status",
        json!("verifying"),
    );
    let i = round_trip_value::<DataEnvelope<DomainImport>>("verifying", &v).data;
    assert_eq!(
        i.domains[0].status,
        ImportDomainStatus::Other("verifying".into())
    );
}

#[test]
fn orders() {
    let r = round_trip::<DataEnvelope<OrderReceipt>>("order_create_response.json").data;
    assert_eq!(r.status, OrderStatus::InProgress);
    assert_eq!(r.costs.total_cents, 6800);
    assert_eq!(r.costs.line_items, None);

    let f = round_trip::<FullOrder>("full_order.json");
    let lines = f.costs.line_items.as_deref().unwrap_or_default();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2].item_type, LineItemType::DomainRegistration);
    assert_eq!(lines.iter().map(|l| l.amount_cents).sum::<i64>(), 36800);
    // The docs' example uses the older `users` key; it is kept, not renamed.
    assert_eq!(f.personas, None);
    assert_eq!(f.people()[0].profile_picture_url, None);
    assert_eq!(
        f.domains.as_ref().map(|d| d.imported.clone()),
        Some(vec!["team-acme.com".to_owned()])
    );

    let v = patched("full_order.json", "/costs/line_items/0/type", json!("seat"));
    let f = round_trip_value::<FullOrder>("seat", &v);
    let lines = f.costs.line_items.unwrap_or_default();
    assert_eq!(lines[0].item_type, LineItemType::Other("seat".into()));

    let v = patched(
        "order_create_response.json",
        "/data/status",
        json!("paused"),
    );
    let r = round_trip_value::<DataEnvelope<OrderReceipt>>("paused", &v).data;
    assert_eq!(r.status, OrderStatus::Other("paused".into()));

    let c = round_trip::<DataEnvelope<OrderCancellation>>("order_cancel_response.json").data;
    assert_eq!(c.status, OrderStatus::CancelScheduled);
    assert_eq!(c.domains.len(), 2);
}

#[test]
fn pending_actions() {
    let a = round_trip::<PendingAction>("pending_action.json");
    assert_eq!(a.action_type, PendingActionType::GoogleProfilePicture);
    assert_eq!(a.reason, PendingActionReason::ProfilePictureNotAccessible);

    let v = patched("pending_action.json", "/type", json!("microsoft_mfa"));
    let a = round_trip_value::<PendingAction>("mfa", &v);
    assert_eq!(
        a.action_type,
        PendingActionType::Other("microsoft_mfa".into())
    );
}

#[test]
fn swaps() {
    let s = round_trip::<DataEnvelope<Swap>>("swap_create_response.json").data;
    assert_eq!(s.swap_type, SwapType::Premium);
    assert_eq!(s.status, SwapStatus::Created);

    let u = round_trip::<DataEnvelope<UserNameSwaps>>("user_names_swap_response.json").data;
    assert_eq!(u.swaps.len(), 2);
    assert!(u
        .swaps
        .iter()
        .all(|s| s.swap_type == SwapType::UserNames && s.replacement_domain.is_none()));

    // A nullable key that is missing decodes as `None` (and is then sent as `null`).
    let mut v = load("swap_create_response.json");
    v["data"]
        .as_object_mut()
        .map(|o| o.remove("replacement_domain"));
    let s: DataEnvelope<Swap> = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.data.replacement_domain, None);

    let v = patched("swap_create_response.json", "/data/type", json!("express"));
    let s = round_trip_value::<DataEnvelope<Swap>>("express", &v).data;
    assert_eq!(s.swap_type, SwapType::Other("express".into()));
}

fn event(name: &str) -> Event {
    round_trip::<Event>(name)
}

#[test]
fn event_payloads() {
    let e = event("event_order_in_progress.json");
    assert!(
        matches!(e.payload(), EventPayload::OrderInProgress(r) if r.status == OrderStatus::InProgress)
    );

    let e = event("event_order_completed.json");
    match e.payload() {
        EventPayload::OrderCompleted(f) => {
            assert_eq!(f.status, OrderStatus::Completed);
            assert_eq!(f.people()[0].first_name, "Sam");
        }
        other => panic!("order.completed gave {other:?}"),
    }

    let e = event("event_domain_connected.json");
    assert!(matches!(e.payload(), EventPayload::DomainConnected(d) if d.domain == "acme-mail.com"));

    let e = event("event_domain_forwarding_failed.json");
    assert!(
        matches!(e.payload(), EventPayload::DomainForwardingFailed(j) if j.status == ForwardingStatus::Failed)
    );

    let e = event("event_domain_import_completed.json");
    assert!(
        matches!(e.payload(), EventPayload::DomainImportCompleted(i) if i.completed_at.is_some())
    );

    let e = event("event_swap_created.json");
    assert!(matches!(e.payload(), EventPayload::SwapCreated(s) if s.status == SwapStatus::Created));
}

#[test]
fn event_payload_never_fails() {
    // The docs' literal envelope example: `data` is only a fragment of the order.
    let v = json!({"id": "evt_01HZX0EV1A2B3C4D5E6F7G8H", "type": "order.in_progress",
        "created_at": "2026-05-08T12:00:00Z",
        "data": {"id": "ord_01HZX0OR1A2B3C4D5E6F7G8H", "status": "in_progress"}});
    let e = round_trip_value::<Event>("fragment", &v);
    assert_eq!(e.payload(), EventPayload::Unknown(v["data"].clone()));

    let v = patched("event_swap_created.json", "/type", json!("swap.exploded"));
    let e = round_trip_value::<Event>("unknown type", &v);
    assert_eq!(e.event_type, EventType::Other("swap.exploded".into()));
    assert_eq!(e.payload(), EventPayload::Unknown(v["data"].clone()));

    let v = patched("event_swap_created.json", "/data", json!([1, 2]));
    let e = round_trip_value::<Event>("array data", &v);
    assert!(matches!(
        e.payload(),
        EventPayload::Unknown(Value::Array(_))
    ));

    // A payload that is a different known resource than expected.
    let v = patched(
        "event_swap_created.json",
        "/type",
        json!("domain.forwarding_updated"),
    );
    let e = round_trip_value::<Event>("wrong resource", &v);
    assert!(matches!(e.payload(), EventPayload::Unknown(_)));
}

#[test]
fn every_known_event_type_decodes_to_a_known_variant() {
    let types: Vec<EventType> =
        serde_json::from_value(json!(EventType::KNOWN)).unwrap_or_else(|e| panic!("decode: {e}"));
    assert_eq!(types.len(), EventType::KNOWN.len());
    for (t, wire) in types.iter().zip(EventType::KNOWN) {
        assert!(!matches!(t, EventType::Other(_)), "{wire} decoded as Other");
        assert_eq!(t.as_str(), *wire);
    }
}

#[test]
fn every_response_fixture_is_covered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/resources");
    let source = include_str!("fixtures.rs");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Shared vectors with suites of their own (Rust and JS read them).
        let elsewhere = ["webhook_envelopes.json"]; // tests/webhook.rs, tests/js/envelopes.test.mjs
        if name.ends_with(".json") && !elsewhere.contains(&name.as_str()) {
            assert!(
                source.contains(&format!("\"{name}\"")),
                "{name} has no test"
            );
        }
    }
}

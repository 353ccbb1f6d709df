//! `/_sandbox`: controls for tests (faults, deliveries, the clock, state
//! summary, reset). See README.md.

use crate::api::imports::{imports_waiting_on, nameservers_set};
use crate::api::pending::resolve_action;
use crate::api::Fail;
use crate::api::TIERS;
use crate::extract::MAX_KEY_LEN;
use crate::http::{reply, reply_fail};
use crate::state::EventRec;
use crate::{lock, App, Faults, Write};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, Method as HttpMethod};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use peeker_partner::error::codes;
use peeker_partner::request::Endpoint;
use serde_json::{json, Value};
use std::sync::Arc;

/// The control routes, behind the admin token when one is set.
pub fn routes(app: Arc<App>) -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/faults", get(get_faults).post(set_faults))
        .route("/_sandbox/deliveries", get(deliveries))
        .route("/_sandbox/deliveries/{id}/retry", post(redeliver))
        .route("/_sandbox/pending/{id}/resolve", post(resolve))
        .route("/_sandbox/nameservers", post(nameservers))
        .route("/_sandbox/tier", post(tier))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/clock", get(clock).post(clock))
        .route("/_sandbox/state", get(summary))
        .route_layer(middleware::from_fn_with_state(app, admin))
}

/// With `--admin-token`, `/_sandbox/*` needs `Authorization: Bearer TOKEN`.
async fn admin(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    if let Some(token) = &app.cfg.admin_token {
        let sent = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same(sent.as_bytes(), token.as_bytes()) {
            return reply_fail(Fail::new(
                codes::UNAUTHORIZED,
                "the /_sandbox controls need `Authorization: Bearer <admin token>` (--admin-token)",
            ));
        }
    }
    next.run(req).await
}

/// Constant-time equality (the length is not secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn get_faults(State(app): State<Arc<App>>) -> Response {
    let f = lock(&app.faults).clone();
    reply(200, &json!({ "data": f }))
}

async fn set_faults(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let parsed: Result<Faults, String> = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(Faults::default())
    } else {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    };
    let f = match parsed {
        Ok(f) => f,
        Err(e) => return reply_fail(Fail::invalid("", format!("faults: {e}"))),
    };
    for (name, rate) in [
        ("error_rate", f.error_rate),
        ("rate_limit_rate", f.rate_limit_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return reply_fail(Fail::invalid(
                name,
                format!("{name} must be between 0 and 1"),
            ));
        }
    }
    if let Some(r) = &f.drop_after_commit {
        let known = Endpoint::ALL
            .iter()
            .any(|ep| format!("{} {}", ep.method().as_str(), ep.path_template()) == *r);
        if !known {
            return reply_fail(Fail::invalid(
                "drop_after_commit",
                "drop_after_commit names a route as `METHOD /path`, e.g. \"POST /orders\" or \"POST /orders/{id}/cancel\"",
            ));
        }
    }
    *lock(&app.faults) = f.clone();
    reply(200, &json!({ "data": f }))
}

fn delivery_row(e: &EventRec) -> Value {
    json!({
        "id": e.id,
        "type": e.event_type,
        "created_at": e.created_at,
        "outcome": e.outcome,
        "attempts": e.attempts.iter().filter(|a| !a.duplicate).count(),
        "max_attempts": e.max_attempts,
        "duplicates": e.attempts.iter().filter(|a| a.duplicate).count(),
        "status_codes": e.attempts.iter().map(|a| a.status).collect::<Vec<_>>(),
        "attempt_log": e.attempts,
        "next_attempt_at": e.next_attempt_ms.map(crate::clock::iso),
        "next_attempt_ms": e.next_attempt_ms,
        "event": serde_json::from_str::<Value>(&e.body).unwrap_or(Value::Null),
    })
}

async fn deliveries(State(app): State<Arc<App>>) -> Response {
    let rows: Vec<Value> = app.read(|st| st.events.values().map(delivery_row).collect());
    reply(200, &json!({ "data": rows }))
}

/// `POST /_sandbox/deliveries/{id}/retry`: one more attempt of an event that
/// is not pending (spent or delivered), now.
async fn redeliver(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let deliver = app.cfg.webhook_url.is_some();
    let out = app
        .commit(move |st, _| {
            let Some(e) = st.events.get(&id) else {
                return Err(Fail::not_found(None, "event", &id));
            };
            if !deliver {
                return Err(Fail::new(
                    codes::CONFLICT,
                    "events are not sent: the sandbox runs without --webhook-url",
                ));
            }
            if e.outcome == "pending" {
                return Err(Fail::new(
                    codes::CONFLICT,
                    "this event is still being delivered; retry once it is delivered or failed",
                ));
            }
            let tries = e.attempts.iter().filter(|a| !a.duplicate).count();
            let mut e = e.clone();
            Ok(Write::new(move |st, ctx| {
                e.outcome = "pending".into();
                e.max_attempts = tries + 1;
                e.next_attempt_ms = Some(ctx.now);
                let row = delivery_row(&e);
                st.events.insert(id.clone(), e);
                st.pending_events.push_back(id);
                row
            }))
        })
        .await;
    match out {
        Ok(row) => reply(200, &json!({ "data": row })),
        Err(f) => reply_fail(f),
    }
}

/// `POST /_sandbox/pending/{id}/resolve`: the partner fixed what the action
/// asked for; the order, domain or swap it held moves on.
async fn resolve(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let out = app
        .commit(move |st, _| {
            if !st.actions.contains_key(&id) {
                return Err(Fail::not_found(None, "pending action", &id));
            }
            Ok(Write::new(move |st, ctx| resolve_action(st, ctx, &id)))
        })
        .await;
    match out {
        Ok(a) => reply(200, &json!({ "data": a })),
        Err(f) => reply_fail(f),
    }
}

fn body_field(body: &Bytes, field: &str) -> Result<String, Fail> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| Fail::invalid("", format!("the body is not valid JSON: {e}")))?;
    v.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Fail::invalid(field, format!("send {{\"{field}\": \"…\"}}")))
}

/// `POST /_sandbox/nameservers {"domain"}`: the customer pointed this
/// name's nameservers; imports waiting on it complete.
async fn nameservers(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let name = body_field(&body, "domain").and_then(|raw| {
        peeker_partner::validate::normalize_domain(&raw).map_err(|e| Fail::invalid("domain", e))
    });
    let out = match name {
        Ok(name) => {
            app.commit(move |st, _| {
                let waiting = imports_waiting_on(st, &name);
                if waiting.is_empty() {
                    return Err(Fail::not_found(Some("domain"), "import waiting on", &name));
                }
                Ok(Write::new(move |st, ctx| {
                    nameservers_set(st, ctx, &name, &waiting);
                    let imports: Vec<Value> = waiting
                        .iter()
                        .filter_map(|i| st.imports.get(i))
                        .map(crate::state::to_value)
                        .collect();
                    json!({ "domain": name, "imports": imports })
                }))
            })
            .await
        }
        Err(f) => Err(f),
    };
    match out {
        Ok(v) => reply(200, &json!({ "data": v })),
        Err(f) => reply_fail(f),
    }
}

/// `POST /_sandbox/tier {"key", "tier"}`: the premium-swap tier of a key.
async fn tier(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let checked = body_field(&body, "key").and_then(|key| {
        let tier = body_field(&body, "tier")?;
        let Some((_, percent)) = TIERS.iter().find(|(t, _)| *t == tier) else {
            return Err(Fail::invalid(
                "tier",
                "tier is one of \"base\", \"premium\", \"vip\", \"vip_plus\"",
            ));
        };
        if !key.starts_with("pk_test_") || key.len() > MAX_KEY_LEN {
            return Err(Fail::invalid(
                "key",
                format!("key is a sandbox key, pk_test_… of at most {MAX_KEY_LEN} bytes"),
            ));
        }
        Ok((key, tier, *percent))
    });
    let out = match checked {
        Ok((key, tier, percent)) => {
            app.commit(move |_, _| {
                Ok(Write::new(move |st, _| {
                    st.tiers.insert(key.clone(), tier.clone());
                    json!({ "key": key, "tier": tier, "quota_percent": percent })
                }))
            })
            .await
        }
        Err(f) => Err(f),
    };
    match out {
        Ok(v) => reply(200, &json!({ "data": v })),
        Err(f) => reply_fail(f),
    }
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    match app.reset().await {
        Ok(()) => reply(200, &json!({ "data": { "reset": true } })),
        Err(f) => reply_fail(f),
    }
}

/// `GET` tells the time; `POST {"advance_seconds": n}` moves it forward.
async fn clock(State(app): State<Arc<App>>, method: HttpMethod, body: Bytes) -> Response {
    if method == HttpMethod::POST {
        let v: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return reply_fail(Fail::invalid("", format!("clock: {e}"))),
        };
        // At most ten years per call, which keeps every sum of times far
        // from overflowing.
        let Some(secs) = v
            .get("advance_seconds")
            .and_then(Value::as_u64)
            .filter(|s| *s <= 10 * 365 * 86_400)
        else {
            return reply_fail(Fail::invalid(
                "advance_seconds",
                "send {\"advance_seconds\": n} with n an integer from 0 to 315360000 (ten years)",
            ));
        };
        let ms = secs as i64 * 1000;
        app.clock.advance_ms(ms);
        // Remembered in the state, so a restart on `--db` keeps the time.
        let moved = app.commit(move |_, _| {
            Ok(Write::new(move |st, _| {
                st.clock_offset_ms = st.clock_offset_ms.saturating_add(ms);
            }))
        });
        if let Err(f) = moved.await {
            return reply_fail(f);
        }
    }
    let now = app.now();
    reply(
        200,
        &json!({ "data": { "now": crate::clock::iso(now), "now_ms": now } }),
    )
}

/// Table sizes and charges: what tests check for "nothing persisted".
async fn summary(State(app): State<Arc<App>>) -> Response {
    let v = app.read(|st| {
        json!({
            "bundles": st.bundles.len(),
            "users": st.users.len(),
            "orders": st.orders.len(),
            "domains": st.domains.len(),
            "imports": st.imports.len(),
            "forwarding_jobs": st.forwarding.len(),
            "swaps": st.swaps.len(),
            "pending_actions": st.actions.len(),
            "events": st.events.len(),
            "pending_events": st.pending_events.len(),
            "scheduled_steps": st.tasks.len(),
            "rate_limit_keys": lock(&app.rate).len(),
            "charges": st.charges,
            "charged_cents": st
                .charges
                .iter()
                .filter(|c| !c.voided)
                .map(|c| c.amount_cents)
                .sum::<i64>(),
        })
    });
    reply(200, &json!({ "data": v }))
}

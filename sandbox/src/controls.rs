//! `/_sandbox`: controls for tests (faults, deliveries, the clock, state
//! summary, reset). See README.md.

use crate::api::Fail;
use crate::server::{reply, reply_fail};
use crate::{lock, App, Faults};
use axum::body::Bytes;
use axum::extract::{Request, State};
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

async fn deliveries(State(app): State<Arc<App>>) -> Response {
    let rows: Vec<Value> = app.read(|st| {
        st.events
            .values()
            .map(|e| {
                json!({
                    "id": e.id,
                    "type": e.event_type,
                    "created_at": e.created_at,
                    "outcome": e.outcome,
                    "attempts": e.attempts.iter().filter(|a| !a.duplicate).count(),
                    "duplicates": e.attempts.iter().filter(|a| a.duplicate).count(),
                    "status_codes": e.attempts.iter().map(|a| a.status).collect::<Vec<_>>(),
                    "attempt_log": e.attempts,
                    "event": serde_json::from_str::<Value>(&e.body).unwrap_or(Value::Null),
                })
            })
            .collect()
    });
    reply(200, &json!({ "data": rows }))
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    match app.reset() {
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
        app.clock.advance_ms(secs as i64 * 1000);
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
            "charged_cents": st.charges.iter().map(|c| c.amount_cents).sum::<i64>(),
        })
    });
    reply(200, &json!({ "data": v }))
}

//! HTTP: the accept loop (own, so a request can be answered by closing the
//! connection), request ids and logging, authentication, the rate limit,
//! injected faults, routing by the SDK's endpoint table, body limits, and the
//! `/_sandbox` controls.

use crate::api::{self, Fail, Req};
use crate::{lock, App, Faults};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method as HttpMethod};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use peeker_partner::error::codes;
use peeker_partner::request::{Endpoint, Method};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Largest request body (Part A: 413 beyond it).
pub const MAX_BODY: usize = 1024 * 1024;

/// How much of an oversize body is still read (and dropped) before the 413:
/// a client that is still sending then gets the answer, not a broken pipe.
const DRAIN_MAX: usize = 16 * MAX_BODY;

/// The body, or None when it is over [`MAX_BODY`] or cannot be read.
async fn read_body(mut body: axum::body::Body) -> Option<Bytes> {
    use hyper::body::Body as _;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        let Ok(data) = frame.ok()?.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_BODY {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_MAX {
            return None;
        }
    }
    (seen <= MAX_BODY).then(|| Bytes::from(kept))
}
pub const PREFIX: &str = "/partner/v1";

/// Marks a response whose connection must be closed instead of answered
/// (`drop_after_commit`).
#[derive(Clone, Copy)]
struct DropConnection;

pub async fn serve(app: Arc<App>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let router = router(app);
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(connection(router.clone(), stream));
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
            _ = stop.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    conns.shutdown().await;
}

async fn connection(router: Router, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let k = kill.clone();
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let (router, k) = (router.clone(), k.clone());
        async move {
            let resp = match router.oneshot(req.map(Body::new)).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                k.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {} // dropping `conn` closes the socket unanswered
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/_sandbox/faults", get(get_faults).post(set_faults))
        .route("/_sandbox/deliveries", get(deliveries))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/clock", get(clock).post(clock))
        .route("/_sandbox/state", get(summary))
        .fallback(api_entry)
        .method_not_allowed_fallback(|| async {
            reply_fail(
                Fail::new("method_not_allowed", "this method is not allowed here").with_status(405),
            )
        })
        .layer(middleware::from_fn_with_state(app.clone(), request_id))
        .with_state(app)
}

fn reply(status: u16, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn reply_fail(f: Fail) -> Response {
    reply(f.status, &f.envelope())
}

/// Every response gets `Peeker-Request-Id`, and one log line.
async fn request_id(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let id = app.ids.id("req_", app.now());
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let mut resp = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("peeker-request-id", v);
    }
    if app.cfg.log_requests {
        let dropped = if resp.extensions().get::<DropConnection>().is_some() {
            " (connection dropped after commit)"
        } else {
            ""
        };
        println!(
            "{id} {method} {} {}{dropped}",
            path.chars().take(200).collect::<String>(),
            resp.status().as_u16()
        );
    }
    resp
}

/// The key and its preset (Part A §A8), or 401.
pub fn authenticate(headers: &HeaderMap) -> Result<(String, &'static str), Fail> {
    let unauthorized = |m: &str| Fail::new(codes::UNAUTHORIZED, m);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "missing Authorization header; send `Authorization: Bearer pk_test_…`",
        ));
    };
    let value = value
        .to_str()
        .map_err(|_| unauthorized("the Authorization header is not valid ASCII"))?;
    let Some(key) = value.strip_prefix("Bearer ") else {
        return Err(unauthorized(
            "the Authorization header must use the Bearer scheme: `Bearer pk_test_…`",
        ));
    };
    let key = key.trim();
    if key.starts_with("pk_live_") {
        return Err(unauthorized(
            "live keys (pk_live_…) are not accepted by the sandbox; use a pk_test_… key",
        ));
    }
    let ok = key.len() > "pk_test_".len()
        && key.starts_with("pk_test_")
        && key.bytes().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(unauthorized(
            "malformed API key; sandbox keys look like pk_test_…",
        ));
    }
    let preset = if key.contains("_read_") {
        "read"
    } else if key.contains("_limited_") {
        "limited"
    } else {
        "full"
    };
    Ok((key.to_owned(), preset))
}

/// A fixed one-minute window per key; 429 says when it reopens.
fn rate_check(app: &App, key: &str) -> Result<(), Fail> {
    let now = app.now();
    let mut windows = lock(&app.rate);
    if windows.len() > 10_000 {
        windows.retain(|_, (start, _)| now - *start < 60_000);
    }
    let w = windows.entry(key.to_owned()).or_insert((now, 0));
    if now - w.0 >= 60_000 || now < w.0 {
        *w = (now, 0);
    }
    w.1 = w.1.saturating_add(1);
    if w.1 > app.cfg.rate_limit {
        let retry = ((w.0 + 60_000 - now) + 999) / 1000;
        return Err(rate_limited(retry.max(1)));
    }
    Ok(())
}

fn rate_limited(retry_after: i64) -> Fail {
    Fail::new(codes::RATE_LIMITED, "API rate limit exceeded")
        .details(json!({ "retry_after_seconds": retry_after }))
}

/// The endpoint for `method path` (path below `/partner/v1`) by the SDK's
/// endpoint table: 404 when no template matches, 405 when only another method
/// does. Literal paths win over `{id}` ones (`/orders/pending`).
pub fn route(method: &HttpMethod, path: &str) -> Result<(Endpoint, String), Fail> {
    fn matches(template: &str, path: &str) -> Option<String> {
        let (t, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        if t.len() != p.len() {
            return None;
        }
        let mut id = String::new();
        for (a, b) in t.iter().zip(&p) {
            if *a == "{id}" {
                if b.is_empty() {
                    return None;
                }
                id = api::decode_segment(b);
            } else if a != b {
                return None;
            }
        }
        Some(id)
    }
    let wanted = match *method {
        HttpMethod::GET => Some(Method::Get),
        HttpMethod::POST => Some(Method::Post),
        HttpMethod::PATCH => Some(Method::Patch),
        HttpMethod::DELETE => Some(Method::Delete),
        _ => None,
    };
    let hits: Vec<(Endpoint, String)> = Endpoint::ALL
        .iter()
        .filter_map(|ep| matches(ep.path_template(), path).map(|id| (*ep, id)))
        .collect();
    let literal: Vec<(Endpoint, String)> = hits
        .iter()
        .filter(|(ep, _)| !ep.path_template().contains("{id}"))
        .cloned()
        .collect();
    let candidates = if literal.is_empty() { hits } else { literal };
    if candidates.is_empty() {
        return Err(Fail::new(
            codes::NOT_FOUND,
            format!(
                "no route {method} {PREFIX}{}",
                path.chars().take(100).collect::<String>()
            ),
        ));
    }
    if let Some(hit) = candidates
        .iter()
        .find(|(ep, _)| Some(ep.method()) == wanted)
    {
        return Ok(hit.clone());
    }
    let allow: Vec<&str> = candidates
        .iter()
        .map(|(ep, _)| ep.method().as_str())
        .collect();
    Err(Fail::new(
        "method_not_allowed",
        format!(
            "{method} is not allowed here; allowed: {}",
            allow.join(", ")
        ),
    )
    .with_status(405)
    .details(json!({ "allowed_methods": allow })))
}

/// What a preset may call (Part B §3): every read; `limited` also checks
/// availability; `full` everything.
pub fn allowed(preset: &str, ep: Endpoint) -> bool {
    ep.method() == Method::Get
        || preset == "full"
        || (preset == "limited" && ep == Endpoint::CheckAvailability)
}

async fn api_entry(State(app): State<Arc<App>>, req: Request) -> Response {
    match api_inner(&app, req).await {
        Ok(r) => r,
        Err(f) => reply_fail(f),
    }
}

async fn api_inner(app: &Arc<App>, req: Request) -> Result<Response, Fail> {
    let path = req.uri().path().to_owned();
    let Some(rest) = path.strip_prefix(PREFIX).filter(|r| r.starts_with('/')) else {
        return Err(Fail::new(
            codes::NOT_FOUND,
            format!(
                "no route {} {}; the API lives under {PREFIX}",
                req.method(),
                path.chars().take(100).collect::<String>()
            ),
        ));
    };
    let (key, preset) = authenticate(req.headers())?;
    rate_check(app, &key)?;
    let (endpoint, id) = route(req.method(), rest)?;

    let faults = lock(&app.faults).clone();
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(
            faults.latency_ms.min(60_000),
        ))
        .await;
    }
    if faults.rate_limit_rate > 0.0 && app.ids.rng().unit() < faults.rate_limit_rate {
        return Err(rate_limited(1).details(json!({ "retry_after_seconds": 1, "injected": true })));
    }
    if faults.error_rate > 0.0 && app.ids.rng().unit() < faults.error_rate {
        return Err(Fail::internal("injected failure (POST /_sandbox/faults)")
            .details(json!({ "injected": true })));
    }
    if !allowed(preset, endpoint) {
        return Err(Fail::new(
            codes::FORBIDDEN,
            format!(
                "this key's preset ({preset}) cannot call {} {}; use a key with the full preset",
                endpoint.method().as_str(),
                endpoint.path_template()
            ),
        )
        .details(json!({ "permission_preset": preset })));
    }

    let too_large = || {
        Fail::new(
            "payload_too_large",
            format!("the body is over {MAX_BODY} bytes (1 MiB)"),
        )
        .with_status(413)
        .details(json!({ "max_bytes": MAX_BODY }))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_MAX as u64) {
        return Err(too_large());
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned);
    let query = req.uri().query().unwrap_or("").to_owned();
    let body = read_body(req.into_body()).await.ok_or_else(too_large)?;
    let base = format!(
        "http://{}{PREFIX}",
        host.unwrap_or_else(|| format!("{}:{}", app.cfg.host, app.cfg.port))
    );

    let r = Req {
        endpoint,
        id: &id,
        query: &query,
        body: &body,
        base: &base,
        preset,
    };
    let result = api::handle(app, &r);
    let route_name = format!(
        "{} {}",
        endpoint.method().as_str(),
        endpoint.path_template()
    );
    let drop = {
        let mut f = lock(&app.faults);
        let hit = f.drop_after_commit.as_deref() == Some(route_name.as_str())
            && f.drop_count.is_none_or(|n| n > 0);
        if hit {
            f.drop_count = f.drop_count.map(|n| n - 1);
        }
        hit
    };
    let mut resp = match result {
        Ok((status, body)) => reply(status, &body),
        Err(f) => reply_fail(f),
    };
    if drop {
        resp.extensions_mut().insert(DropConnection);
    }
    Ok(resp)
}

// ---------------------------------------------------------------- controls

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
            "charges": st.charges,
            "charged_cents": st.charges.iter().map(|c| c.amount_cents).sum::<i64>(),
        })
    });
    reply(200, &json!({ "data": v }))
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        reply_fail(self)
    }
}

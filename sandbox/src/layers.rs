//! The API's request path under `/partner/v1`, as named layers in the order
//! they run (each one answers or passes the request on):
//!
//! 1. [`under_prefix`]: 404 outside `/partner/v1` (no key needed);
//! 2. [`authentication`]: the key and its preset, or 401;
//! 3. [`rate_limit`]: a fixed one-minute window per key, or 429;
//! 4. [`routing`]: the endpoint by the SDK's table, or 404/405;
//! 5. [`faults`]: injected latency, 429 and 500 (`POST /_sandbox/faults`);
//! 6. [`presets`]: what the key's preset may call, or 403;
//! 7. [`body_limit`]: the body read up to 1 MiB, or 413;
//! 8. [`drop_after_commit`]: the injected connection drop, after the answer;
//!
//! then [`dispatch`] hands the request to `api::handle`.

use crate::api::{self, decode::decode_segment, Fail, Req};
use crate::server::{reply, reply_fail, DropConnection, PREFIX};
use crate::{lock, App};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method as HttpMethod};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use peeker_partner::error::codes;
use peeker_partner::request::{Endpoint, Method};
use serde_json::json;
use std::sync::Arc;
use tower::ServiceBuilder;

/// Largest request body (Part A: 413 beyond it).
pub const MAX_BODY: usize = 1024 * 1024;

/// How much of an oversize body is still read (and dropped) before the 413:
/// a client that is still sending then gets the answer, not a broken pipe.
const DRAIN_MAX: usize = 16 * MAX_BODY;

/// Longest API key, in bytes (`pk_test_` included). A longer one is refused
/// 401 by [`authenticate`], before the rate limit could remember it: the
/// table holds up to 10,000 keys, so its memory stays a few MB.
pub const MAX_KEY_LEN: usize = 256;

/// The API key of a request and its preset (set by [`authentication`]).
#[derive(Clone)]
pub struct Key {
    pub key: String,
    pub preset: &'static str,
}

/// The endpoint a request matched and its `{id}` (set by [`routing`]).
#[derive(Clone)]
pub struct Route {
    pub endpoint: Endpoint,
    pub id: String,
}

/// The API under `/partner/v1`, every layer in order.
pub fn api(app: Arc<App>) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn(under_prefix))
                .layer(from_fn(authentication))
                .layer(from_fn_with_state(app.clone(), rate_limit))
                .layer(from_fn(routing))
                .layer(from_fn_with_state(app.clone(), faults))
                .layer(from_fn(presets))
                .layer(from_fn(body_limit))
                .layer(from_fn_with_state(app.clone(), drop_after_commit)),
        )
        .with_state(app)
}

fn ext<T: Clone + Send + Sync + 'static>(req: &Request) -> Result<T, Fail> {
    req.extensions()
        .get::<T>()
        .cloned()
        .ok_or_else(|| Fail::internal("request layers out of order"))
}

/// 404 for paths outside `/partner/v1`, before asking for a key.
async fn under_prefix(req: Request, next: Next) -> Result<Response, Fail> {
    let path = req.uri().path();
    if !path
        .strip_prefix(PREFIX)
        .is_some_and(|r| r.starts_with('/'))
    {
        return Err(Fail::new(
            codes::NOT_FOUND,
            format!(
                "no route {} {}; the API lives under {PREFIX}",
                req.method(),
                path.chars().take(100).collect::<String>()
            ),
        ));
    }
    Ok(next.run(req).await)
}

async fn authentication(mut req: Request, next: Next) -> Result<Response, Fail> {
    let (key, preset) = authenticate(req.headers())?;
    req.extensions_mut().insert(Key { key, preset });
    Ok(next.run(req).await)
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
    if key.len() > MAX_KEY_LEN {
        return Err(unauthorized(&format!(
            "the API key is longer than {MAX_KEY_LEN} bytes; sandbox keys look like pk_test_…"
        )));
    }
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
async fn rate_limit(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Result<Response, Fail> {
    let key: Key = ext(&req)?;
    let now = app.now();
    let hit = lock(&app.rate).hit(&key.key, now, app.cfg.rate_limit);
    hit.map_err(rate_limited)?;
    Ok(next.run(req).await)
}

fn rate_limited(retry_after: i64) -> Fail {
    Fail::new(codes::RATE_LIMITED, "API rate limit exceeded")
        .details(json!({ "retry_after_seconds": retry_after }))
}

async fn routing(mut req: Request, next: Next) -> Result<Response, Fail> {
    let path = req.uri().path();
    let rest = path.strip_prefix(PREFIX).unwrap_or(path);
    let (endpoint, id) = route(req.method(), rest)?;
    req.extensions_mut().insert(Route { endpoint, id });
    Ok(next.run(req).await)
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
                id = decode_segment(b);
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

/// Injected latency, then an injected 429 or 500 (`POST /_sandbox/faults`).
async fn faults(State(app): State<Arc<App>>, req: Request, next: Next) -> Result<Response, Fail> {
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
    Ok(next.run(req).await)
}

async fn presets(req: Request, next: Next) -> Result<Response, Fail> {
    let (key, route): (Key, Route) = (ext(&req)?, ext(&req)?);
    if !allowed(key.preset, route.endpoint) {
        let ep = route.endpoint;
        return Err(Fail::new(
            codes::FORBIDDEN,
            format!(
                "this key's preset ({}) cannot call {} {}; use a key with the full preset",
                key.preset,
                ep.method().as_str(),
                ep.path_template()
            ),
        )
        .details(json!({ "permission_preset": key.preset })));
    }
    Ok(next.run(req).await)
}

/// What a preset may call (Part B §3): the endpoint row's `access`
/// (src/request.rs), the same table the SDK and openapi.json read.
pub fn allowed(preset: &str, ep: Endpoint) -> bool {
    ep.access().presets().contains(&preset)
}

/// Reads the whole body (at most [`MAX_BODY`]) before the request goes on.
async fn body_limit(req: Request, next: Next) -> Result<Response, Fail> {
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
    let (parts, body) = req.into_parts();
    let body = read_body(body).await.ok_or_else(too_large)?;
    Ok(next.run(Request::from_parts(parts, Body::from(body))).await)
}

/// The body, or None when it is over [`MAX_BODY`] or cannot be read.
async fn read_body(mut body: Body) -> Option<Bytes> {
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

/// `drop_after_commit`: the request is answered (and committed), then the
/// connection is closed instead of sending the answer.
async fn drop_after_commit(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let route: Option<Route> = req.extensions().get().cloned();
    let mut resp = next.run(req).await;
    let Some(route) = route else { return resp };
    let name = format!(
        "{} {}",
        route.endpoint.method().as_str(),
        route.endpoint.path_template()
    );
    let hit = {
        let mut f = lock(&app.faults);
        let hit = f.drop_after_commit.as_deref() == Some(name.as_str())
            && f.drop_count.is_none_or(|n| n > 0);
        if hit {
            f.drop_count = f.drop_count.map(|n| n - 1);
        }
        hit
    };
    if hit {
        resp.extensions_mut().insert(DropConnection);
    }
    resp
}

/// Hands the request to `api::handle`.
async fn dispatch(State(app): State<Arc<App>>, req: Request) -> Response {
    let (key, route): (Key, Route) = match (ext(&req), ext(&req)) {
        (Ok(k), Ok(r)) => (k, r),
        (Err(f), _) | (_, Err(f)) => return reply_fail(f),
    };
    let query = req.uri().query().unwrap_or("").to_owned();
    let body = axum::body::to_bytes(req.into_body(), MAX_BODY)
        .await
        .unwrap_or_default();
    let r = Req {
        endpoint: route.endpoint,
        id: &route.id,
        query: &query,
        body: &body,
        base: &app.api_base,
        key: &key.key,
        preset: key.preset,
    };
    match api::handle(&app, &r) {
        Ok((status, body)) => reply(status, &body),
        Err(f) => reply_fail(f),
    }
}

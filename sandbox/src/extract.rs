//! The API's request path under `/partner/v1`, as extractors. Each one is
//! built from the one before it, so a handler that names the last gets
//! every check before it, in this order (each one answers or passes on):
//!
//! 1. [`Caller`]: 404 outside `/partner/v1` (no key needed), then the key
//!    and its preset, or 401;
//! 2. [`Admitted`]: a fixed one-minute window per key, or 429;
//! 3. [`Routed`]: the endpoint by the SDK's table, or 404/405;
//! 4. [`Permitted`]: injected latency, 429 and 500 (`POST /_sandbox/faults`),
//!    then what the key's preset may call, or 403;
//! 5. [`ApiBody`]: the body read up to 1 MiB, or 413;
//!
//! then [`serve_api`] hands the request to `api::handle` and applies the
//! injected connection drop (`drop_after_commit`) to its answer.

use crate::api::{self, Fail, Req};
use crate::http::{reply, DropConnection, PREFIX};
use crate::{lock, App};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use peeker_partner::error::codes;
use peeker_partner::request::Endpoint;
use peeker_partner::route::{self, Routing};
use serde_json::json;
use std::sync::Arc;

/// Largest request body (413 beyond it: docs/contract.md#errors-and-statuses).
pub const MAX_BODY: usize = 1024 * 1024;

/// How much of an oversize body is still read (and dropped) before the 413:
/// a client that is still sending then gets the answer, not a broken pipe.
const DRAIN_MAX: usize = 16 * MAX_BODY;

/// Longest API key, in bytes (`pk_test_` included). A longer one is refused
/// 401 by [`authenticate`], before the rate limit could remember it: the
/// table holds up to 10,000 keys, so its memory stays a few MB.
pub const MAX_KEY_LEN: usize = 256;

/// A request under `/partner/v1` with a sandbox key, and the key's preset.
pub struct Caller {
    pub key: String,
    pub preset: &'static str,
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, _: &Arc<App>) -> Result<Self, Fail> {
        under_prefix(parts)?;
        let (key, preset) = authenticate(&parts.headers)?;
        Ok(Caller { key, preset })
    }
}

/// 404 for paths outside `/partner/v1`, before asking for a key.
fn under_prefix(parts: &Parts) -> Result<(), Fail> {
    let path = parts.uri.path();
    if path
        .strip_prefix(PREFIX)
        .is_some_and(|r| r.starts_with('/'))
    {
        return Ok(());
    }
    Err(Fail::new(
        codes::NOT_FOUND,
        format!(
            "no route {} {}; the API lives under {PREFIX}",
            parts.method,
            path.chars().take(100).collect::<String>()
        ),
    ))
}

/// The key and its preset (docs/contract.md#sandbox), or 401.
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

/// A [`Caller`] within its key's rate limit: a fixed one-minute window per
/// key; 429 says when it reopens.
pub struct Admitted(pub Caller);

impl FromRequestParts<Arc<App>> for Admitted {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Fail> {
        let caller = Caller::from_request_parts(parts, app).await?;
        let now = app.now();
        let hit = lock(&app.rate).hit(&caller.key, now, app.cfg.rate_limit);
        hit.map_err(rate_limited)?;
        Ok(Admitted(caller))
    }
}

fn rate_limited(retry_after: i64) -> Fail {
    Fail::new(codes::RATE_LIMITED, "API rate limit exceeded")
        .details(json!({ "retry_after_seconds": retry_after }))
}

/// An [`Admitted`] request and the endpoint it names, with its `{id}`.
pub struct Routed {
    pub caller: Caller,
    pub endpoint: Endpoint,
    pub id: String,
}

impl FromRequestParts<Arc<App>> for Routed {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Fail> {
        let Admitted(caller) = Admitted::from_request_parts(parts, app).await?;
        let path = parts.uri.path();
        let rest = path.strip_prefix(PREFIX).unwrap_or(path);
        let (endpoint, id) = endpoint_at(parts.method.as_str(), rest)?;
        Ok(Routed {
            caller,
            endpoint,
            id,
        })
    }
}

/// The endpoint for `method path` (path below `/partner/v1`) by the core's
/// matcher on the SDK's endpoint table: 404 when no template matches, 405
/// when only another method does. Literal paths win over `{id}` ones
/// (`/orders/pending`).
fn endpoint_at(method: &str, path: &str) -> Result<(Endpoint, String), Fail> {
    match route::route(method, path) {
        Routing::Found(endpoint, params) => {
            let id = params
                .into_iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or_default();
            Ok((endpoint, id))
        }
        Routing::NotFound => Err(Fail::new(
            codes::NOT_FOUND,
            format!(
                "no route {method} {PREFIX}{}",
                path.chars().take(100).collect::<String>()
            ),
        )),
        Routing::MethodNotAllowed(methods) => {
            let allow: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
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
    }
}

/// A [`Routed`] request past the injected faults whose key's preset may
/// call its endpoint.
pub struct Permitted(pub Routed);

impl FromRequestParts<Arc<App>> for Permitted {
    type Rejection = Fail;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Fail> {
        let routed = Routed::from_request_parts(parts, app).await?;
        injected_faults(app).await?;
        let (preset, ep) = (routed.caller.preset, routed.endpoint);
        if !allowed(preset, ep) {
            return Err(Fail::new(
                codes::FORBIDDEN,
                format!(
                    "this key's preset ({preset}) cannot call {} {}; use a key with the full preset",
                    ep.method().as_str(),
                    ep.path_template()
                ),
            )
            .details(json!({ "permission_preset": preset })));
        }
        Ok(Permitted(routed))
    }
}

/// Injected latency, then an injected 429 or 500 (`POST /_sandbox/faults`).
async fn injected_faults(app: &App) -> Result<(), Fail> {
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
    Ok(())
}

/// What a preset may call (docs/contract.md#keys-and-presets): the endpoint row's `access`
/// (src/request/mod.rs), the same table the SDK and openapi.json read.
pub fn allowed(preset: &str, ep: Endpoint) -> bool {
    ep.access().presets().contains(&preset)
}

/// The whole body, read up to [`MAX_BODY`], or 413.
pub struct ApiBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = Fail;

    async fn from_request(req: Request, _: &S) -> Result<Self, Fail> {
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
        read_body(req.into_body())
            .await
            .map(ApiBody)
            .ok_or_else(too_large)
    }
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

/// Answers a [`Permitted`] request with `api::handle`. With
/// `drop_after_commit` naming its endpoint, the request is answered (and
/// committed), then the connection is closed instead of sending the answer.
pub async fn serve_api(
    State(app): State<Arc<App>>,
    Permitted(routed): Permitted,
    RawQuery(query): RawQuery,
    ApiBody(body): ApiBody,
) -> Response {
    let Routed {
        caller,
        endpoint,
        id,
    } = routed;
    let r = Req {
        endpoint,
        id: &id,
        query: query.as_deref().unwrap_or(""),
        body: &body,
        base: &app.api_base,
        key: &caller.key,
        preset: caller.preset,
    };
    let mut resp = match api::handle(&app, &r).await {
        Ok((status, body)) => reply(status, &body),
        Err(f) => reply(f.status, &f.envelope()),
    };
    if drop_connection(&app, endpoint) {
        resp.extensions_mut().insert(DropConnection);
    }
    resp
}

/// Whether `drop_after_commit` names this endpoint (and has drops left).
fn drop_connection(app: &App, endpoint: Endpoint) -> bool {
    let name = format!(
        "{} {}",
        endpoint.method().as_str(),
        endpoint.path_template()
    );
    let mut f = lock(&app.faults);
    let hit =
        f.drop_after_commit.as_deref() == Some(name.as_str()) && f.drop_count.is_none_or(|n| n > 0);
    if hit {
        f.drop_count = f.drop_count.map(|n| n - 1);
    }
    hit
}

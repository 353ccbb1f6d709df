//! HTTP: the accept loop (own, so a request can be answered by closing the
//! connection), request ids and logging, and the router: the `/_sandbox`
//! controls (`controls`) and the API with its layers (`layers`).

use crate::api::Fail;
use crate::App;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

pub use crate::layers::MAX_BODY;

pub const PREFIX: &str = "/partner/v1";

/// Marks a response whose connection must be closed instead of answered
/// (`drop_after_commit`).
#[derive(Clone, Copy)]
pub struct DropConnection;

pub async fn serve(app: Arc<App>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let header_timeout = app.cfg.header_read_timeout;
    let router = router(app);
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(connection(router.clone(), stream, header_timeout));
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
            _ = stop.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    conns.shutdown().await;
}

/// One connection; a client that has not sent a request's headers within
/// `header_timeout` is disconnected (a half-sent request holds nothing open).
async fn connection(router: Router, stream: TcpStream, header_timeout: Duration) {
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
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {} // dropping `conn` closes the socket unanswered
    }
}

/// The API's OpenAPI document, generated from the SDK's endpoint table and
/// model by `cargo xtask codegen` (the one the npm package ships).
pub const OPENAPI: &str = include_str!("../../pkg-template/openapi.json");

pub fn router(app: Arc<App>) -> Router {
    crate::controls::routes(app.clone())
        // Public like the docs: no key needed.
        .route(
            "/partner/v1/openapi.json",
            axum::routing::get(|| async {
                let mut r = Response::new(Body::from(OPENAPI));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                r
            }),
        )
        .fallback_service(crate::layers::api(app.clone()))
        .method_not_allowed_fallback(|| async {
            reply_fail(
                Fail::new("method_not_allowed", "this method is not allowed here").with_status(405),
            )
        })
        .layer(middleware::from_fn_with_state(app.clone(), request_id))
        .with_state(app)
}

pub fn reply(status: u16, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub fn reply_fail(f: Fail) -> Response {
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

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        reply_fail(self)
    }
}

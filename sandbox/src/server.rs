//! HTTP: the accept loop (own, so a request can be answered by closing the
//! connection; it also caps the connections served at once and bounds the
//! time to send a request), request ids and logging, and the router: the
//! `/_sandbox` controls (`controls`) and the API with its extractors
//! (`extract`).

use crate::api::Fail;
use crate::http::{reply_fail, DropConnection};
use crate::{lock, App};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use hyper::body::Frame;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

pub async fn serve(app: Arc<App>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let limits = Limits {
        // The headers are part of the request: never more than its bound.
        header: app.cfg.header_read_timeout.min(app.cfg.request_timeout),
        request: app.cfg.request_timeout,
    };
    // At the cap the loop stops accepting: new connections wait in the
    // kernel's listen backlog (and past it are not completed) until a
    // served one closes, which the timeouts above bound for idle and slow
    // clients. A burst of honest clients is served late rather than failed.
    let slots = Arc::new(Semaphore::new(app.cfg.max_connections.max(1)));
    let router = router(app);
    let mut conns = JoinSet::new();
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let router = router.clone();
                    conns.spawn(async move {
                        connection(router, stream, limits).await;
                        drop(slot);
                    });
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
            _ = stop.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    conns.shutdown().await;
}

/// How long a client has to send a request: its headers, and all of it.
#[derive(Clone, Copy)]
struct Limits {
    header: Duration,
    request: Duration,
}

/// One connection. A client that has not sent a request's headers within
/// `limits.header`, or its body within `limits.request`, of the connection
/// being ready for it (accepted, or the previous request answered) holds
/// nothing open: a late header is disconnected, a late body is answered
/// `408 request_timeout` and the connection closed.
async fn connection(router: Router, stream: TcpStream, limits: Limits) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let k = kill.clone();
    let ready = Arc::new(Mutex::new(Instant::now()));
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let (router, k, ready) = (router.clone(), k.clone(), ready.clone());
        async move {
            let since = *lock(&ready);
            let deadline = BodyDeadline {
                timed_out: Arc::new(AtomicBool::new(false)),
                after: limits.request,
            };
            let mut req = req.map(|body| {
                Body::new(DeadlineBody {
                    inner: body,
                    deadline: Box::pin(tokio::time::sleep_until(since + limits.request)),
                    timed_out: deadline.timed_out.clone(),
                })
            });
            req.extensions_mut().insert(deadline);
            let resp = match router.oneshot(req).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            *lock(&ready) = Instant::now();
            if resp.extensions().get::<DropConnection>().is_some() {
                k.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(resp)
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        _ = kill.notified() => {} // dropping `conn` closes the socket unanswered
    }
}

/// Set on a request by [`connection`]: whether its body missed the
/// deadline (then [`request_id`] answers 408 whatever the handler said).
#[derive(Clone)]
pub struct BodyDeadline {
    timed_out: Arc<AtomicBool>,
    after: Duration,
}

/// A request body that fails once the request's deadline has passed while
/// the next bytes are still awaited (bytes already received are read).
struct DeadlineBody {
    inner: hyper::body::Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<AtomicBool>,
}

#[derive(Debug)]
struct RequestTimedOut;

impl std::fmt::Display for RequestTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request was not received in time")
    }
}

impl std::error::Error for RequestTimedOut {}

impl hyper::body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.timed_out.store(true, Ordering::Relaxed);
                    Poll::Ready(Some(Err(RequestTimedOut.into())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// `408 request_timeout`, and the connection closed after it.
fn request_timed_out(after: Duration) -> Response {
    let mut r = reply_fail(
        Fail::new(
            "request_timeout",
            format!(
                "the request (headers and body) was not received within {} s",
                after.as_secs_f64()
            ),
        )
        .with_status(408)
        .details(json!({ "timeout_ms": u64::try_from(after.as_millis()).unwrap_or(u64::MAX) })),
    );
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
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
        .fallback(crate::extract::serve_api)
        .method_not_allowed_fallback(|| async {
            reply_fail(
                Fail::new("method_not_allowed", "this method is not allowed here").with_status(405),
            )
        })
        .layer(middleware::from_fn_with_state(app.clone(), request_id))
        .with_state(app)
}

/// Every response gets `Peeker-Request-Id`, and one log line.
async fn request_id(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let id = app.ids.id("req_", app.now());
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let deadline = req.extensions().get::<BodyDeadline>().cloned();
    let mut resp = next.run(req).await;
    if let Some(d) = deadline.filter(|d| d.timed_out.load(Ordering::Relaxed)) {
        resp = request_timed_out(d.after);
    }
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

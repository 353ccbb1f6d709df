//! What every part of the server answers with: a JSON reply, the error
//! envelope, and the mark that closes a connection instead of answering.

use crate::api::Fail;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Where the API lives.
pub const PREFIX: &str = "/partner/v1";

/// Marks a response whose connection must be closed instead of answered
/// (`drop_after_commit`).
#[derive(Clone, Copy)]
pub struct DropConnection;

pub fn reply(status: u16, body: &Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub fn reply_fail(f: Fail) -> Response {
    reply(f.status, &f.envelope())
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        reply_fail(self)
    }
}

//! Building one request: the path with its id segment, the query pairs and
//! the canonical body bytes.

use super::{Endpoint, Method};
use crate::error::{codes, PeekerError, Problem, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// One request, ready for a transport: path relative to the base URL (ids
/// already percent-encoded), raw query pairs, and the body bytes (JSON).
/// `Debug` shows the body's size only: it may hold a Smartlead password.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub endpoint: Endpoint,
    pub method: Method,
    pub path: String,
    /// Raw (not yet encoded) name/value pairs, in a fixed order.
    pub query: Vec<(String, String)>,
    /// `application/json` bytes; `None` sends no body.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

impl HttpRequest {
    fn new(endpoint: Endpoint, path: String) -> Self {
        HttpRequest {
            endpoint,
            method: endpoint.method(),
            path,
            query: Vec::new(),
            body: None,
        }
    }

    pub fn retry_safe(&self) -> bool {
        self.endpoint.retry_safe()
    }

    /// `path?query` with the query percent-encoded.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, k, b",");
            out.push('=');
            encode_into(&mut out, v, b",");
        }
        out
    }

    /// The full URL under `base` (e.g. `https://api.peeker.ai/partner/v1`).
    pub fn url(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.path_and_query())
    }
}

/// Percent-encodes everything but RFC 3986 unreserved bytes and `keep`.
fn encode_into(out: &mut String, s: &str, keep: &[u8]) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// An id as one path segment. Empty, `.` and `..` are refused (a server or
/// proxy would resolve them to another path: `orders.cancel("..")` must not
/// become `POST /cancel`), as are oversized ids and control characters.
fn segment(id: &str) -> std::result::Result<String, Problem> {
    if id.is_empty()
        || id == "."
        || id == ".."
        || id.len() > 255
        || id.chars().any(char::is_control)
    {
        let why = if id.is_empty() {
            "is empty"
        } else {
            "is not a valid id"
        };
        return Err(Problem::invalid("id", format!("the id {why}")));
    }
    let mut out = String::with_capacity(id.len());
    encode_into(&mut out, id, b"");
    Ok(out)
}

pub(super) fn with_id(endpoint: Endpoint, id: Option<&str>) -> Result<HttpRequest> {
    let seg = segment(id.unwrap_or_default()).map_err(|p| PeekerError::validation(vec![p]))?;
    Ok(HttpRequest::new(endpoint, id_path(endpoint, &seg)))
}

/// An id and a parsed body together, reporting the problems of both.
pub(super) fn with_id_and<T>(
    endpoint: Endpoint,
    id: Option<&str>,
    body: std::result::Result<T, Vec<Problem>>,
) -> Result<(HttpRequest, T)> {
    match (segment(id.unwrap_or_default()), body) {
        (Ok(seg), Ok(body)) => Ok((HttpRequest::new(endpoint, id_path(endpoint, &seg)), body)),
        (seg, body) => {
            let mut problems: Vec<Problem> = seg.err().into_iter().collect();
            problems.extend(body.err().unwrap_or_default());
            Err(PeekerError::validation(problems))
        }
    }
}

/// The endpoint's path with its one `{id}` replaced by `seg`. (Split at a
/// char: a `str` pattern brings core's two-way string search into the wasm.)
fn id_path(endpoint: Endpoint, seg: &str) -> String {
    let template = endpoint.path_template();
    let Some((head, tail)) = template.split_once('{') else {
        return template.to_owned();
    };
    let mut path = String::with_capacity(template.len() + seg.len());
    path.push_str(head);
    path.push_str(seg);
    path.push_str(tail.strip_prefix("id}").unwrap_or(tail));
    path
}

pub(super) fn plain(endpoint: Endpoint) -> HttpRequest {
    HttpRequest::new(endpoint, endpoint.path_template().to_owned())
}

/// The canonical bytes of a typed body.
fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|_| encode_failed("body"))
}

/// A typed value serde_json could not encode (a map with non-string keys:
/// never, for the model's types). Its error text is left out: serde_json's
/// Display pulls std::io's error strings into the wasm.
fn encode_failed(what: &str) -> PeekerError {
    PeekerError::new(
        codes::INTERNAL_ERROR,
        format!("could not encode the {what}"),
    )
}

pub(super) fn parsed<T>(r: std::result::Result<T, Vec<Problem>>) -> Result<T> {
    r.map_err(PeekerError::validation)
}

pub(super) fn with_body<T: Serialize>(mut req: HttpRequest, body: &T) -> Result<HttpRequest> {
    req.body = Some(encode(body)?);
    Ok(req)
}

/// A typed argument as the JSON the parsers read.
pub(super) fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|_| encode_failed("argument"))
}

/// A body that may be left out: an empty object is not sent (a whole-order
/// cancel has no body).
pub(super) fn with_optional_body<T: Serialize>(req: HttpRequest, body: &T) -> Result<HttpRequest> {
    let bytes = encode(body)?;
    if bytes == b"{}" {
        return Ok(req);
    }
    let mut req = req;
    req.body = Some(bytes);
    Ok(req)
}

/// The query pairs of checked query values, in parameter order: numbers in
/// decimal, lists comma-joined.
pub(super) fn with_query(mut req: HttpRequest, values: Map<String, Value>) -> Result<HttpRequest> {
    for (name, value) in values {
        let text = match value {
            Value::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
            other => query_text(&other),
        };
        req.query.push((name, text));
    }
    Ok(req)
}

/// One query value as text: a string as itself, anything else as its JSON
/// (by serde_json's writer, not `Value`'s Display: see `js::request::build`).
fn query_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_path_fills_the_one_id_segment_of_every_template() {
        for &e in Endpoint::ALL {
            let template = e.path_template();
            assert!(template.matches('{').count() <= 1, "{template}");
            assert_eq!(
                id_path(e, "x_1"),
                template.replace("{id}", "x_1"),
                "{template}"
            );
        }
    }
}

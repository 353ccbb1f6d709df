//! Reading a request: the JSON body, the query string as the JSON object the
//! SDK's query parsers read, and path segments.

use super::Fail;
use peeker_partner::error::{codes, Problem};
use peeker_partner::route;
use serde_json::{json, Value};

/// The body as JSON; an empty body reads as `null`.
pub fn json_body(body: &[u8]) -> Result<Value, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(body).map_err(|e| {
        Fail::new(
            codes::INVALID_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )
        .details(json!({ "reason": "malformed_json" }))
    })
}

/// The SDK parser's problems as the answer.
pub fn parsed<T>(r: Result<T, Vec<Problem>>) -> Result<T, Fail> {
    r.map_err(Fail::from_problems)
}

/// The request's query string as the JSON object the SDK's query parsers
/// read: the core's reading, the one the Worker's proxy uses too.
pub fn query_json(r: &super::Req<'_>) -> Result<Value, Fail> {
    route::query_args(r.endpoint, r.query).map_err(|p| Fail::from_problems(vec![p]))
}

/// A path segment, percent-decoded (kept as sent when it does not decode).
pub fn decode_segment(s: &str) -> String {
    if s.contains('+') {
        return s.to_owned();
    }
    decode(s).unwrap_or_else(|_| s.to_owned())
}

fn decode(s: &str) -> Result<String, Fail> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => {
                        return Err(Fail::invalid(
                            "",
                            "the query string has a malformed percent-escape",
                        ))
                    }
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| Fail::invalid("", "the query string is not UTF-8"))
}

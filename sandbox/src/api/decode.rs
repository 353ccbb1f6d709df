//! Reading a request: the JSON body, and the query string as the JSON object
//! the SDK's query parsers read.

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

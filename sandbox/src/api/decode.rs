//! Reading a request: the JSON body, the query string as the JSON object the
//! SDK's query parsers read, and path segments.

use super::Fail;
use peeker_partner::error::{codes, Problem};
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

/// A query string as the JSON object the SDK's query parsers read: values
/// are strings, except `per_page` when it reads as an integer and, for the
/// import lookup, `domains` split on commas.
pub fn query_json(query: &str, lookup: bool) -> Result<Value, Fail> {
    let mut map = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (decode(k)?, decode(v)?);
        let value = if k == "per_page" {
            v.parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(v))
        } else if k == "domains" && lookup {
            Value::Array(
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            )
        } else {
            Value::String(v)
        };
        map.insert(k, value);
    }
    Ok(Value::Object(map))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_decode() {
        let q = query_json("per_page=5&user_email=a%2Bb%40x.com&status=x+y", false).unwrap();
        assert_eq!(q["per_page"], 5);
        assert_eq!(q["user_email"], "a+b@x.com");
        assert_eq!(q["status"], "x y");
        assert!(query_json("a=%zz", false).is_err());
        let l = query_json("domains=a.com,b.com", true).unwrap();
        assert_eq!(l["domains"], json!(["a.com", "b.com"]));
    }
}

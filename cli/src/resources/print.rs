//! What a resource command prints: a readable summary (a line per row of a
//! list, the record as indented JSON), the answer as JSON with `--json`,
//! and errors with everything the client knows of them.

use crate::exit::{self, Failure};
use crate::term::Paint;
use peeker_partner::client::Error;
use peeker_partner::error::classes;
use peeker_partner::model::List;
use serde_json::Value;

/// The exit codes of the resource commands, for their `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  failed: the API answered an error, or no answer came
  2  usage: a flag is wrong, or the input did not validate (nothing was sent)";

/// Fields worth a glance in a list's row, in this order, after the id.
const MAIN_FIELDS: &[&str] = &[
    "domain",
    "name",
    "email",
    "status",
    "available",
    "price_cents",
    "reason",
    "category",
    "user_id",
    "created_at",
];

/// An answer that is no list page.
pub fn answer(answer: &Value, json: bool) {
    if json {
        println!("{answer}");
        return;
    }
    let data = answer.get("data").unwrap_or(answer);
    match data {
        Value::Array(rows) => rows.iter().for_each(|r| println!("{}", row(r))),
        other => println!("{}", pretty(other)),
    }
}

/// One page of a list.
pub fn page(page: &List<Value>, json: bool) {
    if json {
        println!("{}", serde_json::to_string(page).unwrap_or_default());
    } else {
        page.data.iter().for_each(|r| println!("{}", row(r)));
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// A list row on one line: its id, then its main fields as `key=value`.
fn row(v: &Value) -> String {
    let Some(o) = v.as_object() else {
        return v.to_string();
    };
    let mut parts: Vec<String> = o
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .into_iter()
        .collect();
    for &key in MAIN_FIELDS {
        match o.get(key) {
            Some(Value::String(s)) => parts.push(format!("{key}={s}")),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => parts.push(format!("{key}={v}")),
            _ => {}
        }
    }
    parts.join("  ")
}

/// Prints `e` on standard error: its class and message, then every
/// problem as `field: message`, or the API's status, code, field and
/// request id. A local validation failure is the user's input: exit 2.
pub fn error(e: &Error) -> Failure {
    let paint = Paint::detect();
    // Refused here (an input or a flag), before anything was sent.
    let local = e.status.is_none()
        && (e.is(&classes::VALIDATION) || e.code == peeker_partner::error::codes::INVALID_REQUEST);
    // A validation failure's message repeats its problems, printed below.
    let headline = match e.problems.len() {
        0 => e.message.clone(),
        1 => "1 problem".to_owned(),
        n => format!("{n} problems"),
    };
    eprintln!("{} {}: {headline}", paint.red("error:"), e.class_name());
    for p in &e.problems {
        eprintln!("  {}: {}", field(&p.field), p.message);
    }
    if e.problems.is_empty() {
        if let Some(f) = &e.field {
            eprintln!("  field: {f}");
        }
    }
    if let Some(status) = e.status {
        eprintln!("  status: {status}");
    }
    if !e.code.is_empty() {
        eprintln!("  code: {}", e.code);
    }
    if let Some(id) = &e.request_id {
        eprintln!("  request id: {id}");
    }
    if local {
        eprintln!("{}", paint.dim("Nothing was sent."));
    }
    Failure {
        code: if local { exit::USAGE } else { exit::FAILED },
        message: String::new(),
    }
}

/// A problem's field; the body itself when it has none.
fn field(f: &str) -> &str {
    if f.is_empty() {
        "(body)"
    } else {
        f
    }
}

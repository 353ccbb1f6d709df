//! Reading untrusted JSON field by field. Every reader records a [`Problem`]
//! and returns `None` on failure, so a parser keeps going and reports them all.

use super::names::{self, show};
use crate::error::Problem;
use crate::first_seen::FirstSeen;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Lists longer than their limit are already refused; past this many items
/// their entries are not checked one by one, which bounds the work.
pub const ITEM_CHECK_CAP: usize = 1000;
/// Unknown fields reported per object before the rest are summarised.
const UNKNOWN_FIELDS_SHOWN: usize = 10;
/// Longest free-text value (names) the SDK sends.
pub const MAX_TEXT_LEN: usize = 255;
/// Longest id or opaque token the SDK sends.
pub const MAX_TOKEN_LEN: usize = 2048;

/// Collected problems.
pub type Problems = Vec<Problem>;

/// JSON type name for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The field path `base.key`, or whichever of them is not empty.
pub fn join(base: &str, key: &str) -> String {
    match (base.is_empty(), key.is_empty()) {
        (true, _) => key.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}.{key}"),
    }
}

/// An integer from a JSON number: JS sends whole numbers as floats sometimes,
/// so `25.0` counts; fractions and values past 2^53 do not.
pub fn as_int(v: &Value) -> Option<i64> {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f.abs() <= SAFE).then_some(f as i64)
}

/// A JSON object being read; `path` is where it sits in the body.
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
}

impl<'a> Obj<'a> {
    /// Opens `v` as an object, or records that it is not one.
    pub fn open(v: &'a Value, path: &str, p: &mut Problems) -> Option<Self> {
        match v {
            Value::Object(map) => Some(Obj {
                map,
                path: path.to_owned(),
            }),
            other => {
                let what = if path.is_empty() { "the body" } else { path };
                p.push(Problem::invalid(
                    path,
                    format!("{what} must be a JSON object, got {}", type_name(other)),
                ));
                None
            }
        }
    }

    pub fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value under `key`; `null` counts as present.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Reports keys outside `known`. Keys in `old` belong to an older API
    /// shape and get their own message, which says what to send instead.
    pub fn reject_unknown(&self, known: &[&str], old: &[(&str, &str)], p: &mut Problems) {
        let mut unknown = 0usize;
        for key in self.map.keys() {
            if known.contains(&key.as_str()) {
                continue;
            }
            if let Some((_, msg)) = old.iter().find(|(k, _)| *k == key) {
                p.push(Problem::invalid(self.path(key), *msg));
                continue;
            }
            unknown += 1;
            if unknown <= UNKNOWN_FIELDS_SHOWN {
                p.push(
                    Problem::invalid(
                        self.path(&show(key)),
                        format!(
                            "unknown field \"{}\"; expected one of: {}",
                            show(key),
                            known.join(", ")
                        ),
                    )
                    .with_details(crate::json::object(vec![(
                        "reason",
                        "unknown_field".into(),
                    )])),
                );
            }
        }
        if unknown > UNKNOWN_FIELDS_SHOWN {
            p.push(Problem::invalid(
                self.path.clone(),
                format!(
                    "{} more unknown fields not listed",
                    unknown - UNKNOWN_FIELDS_SHOWN
                ),
            ));
        }
    }

    /// A present, non-null value, or a "required" problem.
    pub fn required(&self, key: &str, what: &str, p: &mut Problems) -> Option<&'a Value> {
        match self.get(key) {
            None | Some(Value::Null) => {
                p.push(Problem::invalid(
                    self.path(key),
                    format!("{key} is required: {what}"),
                ));
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A string of 1..=`max` characters (after trimming, which is also what is sent).
    pub fn string(&self, key: &str, v: &Value, max: usize, p: &mut Problems) -> Option<String> {
        let field = self.path(key);
        let Value::String(s) = v else {
            p.push(Problem::invalid(
                field,
                format!("{key} must be a string, got {}", type_name(v)),
            ));
            return None;
        };
        let s = s.trim();
        if s.is_empty() {
            p.push(Problem::invalid(field, format!("{key} must not be empty")));
            return None;
        }
        if s.chars().nth(max).is_some() {
            p.push(Problem::invalid(
                field,
                format!("{key} must be at most {max} characters"),
            ));
            return None;
        }
        Some(s.to_owned())
    }

    pub fn req_string(
        &self,
        key: &str,
        what: &str,
        max: usize,
        p: &mut Problems,
    ) -> Option<String> {
        let v = self.required(key, what, p)?;
        self.string(key, v, max, p)
    }

    /// An optional string: absent and `null` both give `Ok(None)`.
    pub fn opt_string(
        &self,
        key: &str,
        max: usize,
        p: &mut Problems,
    ) -> Result<Option<String>, ()> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.string(key, v, max, p).map(Some).ok_or(()),
        }
    }

    /// An integer in `min..=max`.
    pub fn int(&self, key: &str, v: &Value, min: i64, max: i64, p: &mut Problems) -> Option<i64> {
        match as_int(v) {
            Some(i) if (min..=max).contains(&i) => Some(i),
            _ => {
                let got = match v {
                    Value::Number(n) => format!("got {}", show(&n.to_string())),
                    other => format!("got {}", type_name(other)),
                };
                p.push(Problem::invalid(
                    self.path(key),
                    format!("{key} must be an integer from {min} to {max}, {got}"),
                ));
                None
            }
        }
    }

    /// An optional integer: absent and `null` give `Ok(None)`.
    pub fn opt_int(
        &self,
        key: &str,
        min: i64,
        max: i64,
        p: &mut Problems,
    ) -> Result<Option<i64>, ()> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => self.int(key, v, min, max, p).map(Some).ok_or(()),
        }
    }

    /// `google_inboxes_per_domain`: 2 or 3.
    pub fn opt_inboxes_per_domain(&self, p: &mut Problems) -> Result<Option<u8>, ()> {
        const KEY: &str = "google_inboxes_per_domain";
        match self.get(KEY) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match as_int(v) {
                Some(2) => Ok(Some(2)),
                Some(3) => Ok(Some(3)),
                _ => {
                    p.push(Problem::invalid(
                        self.path(KEY),
                        format!("{KEY} must be 2 or 3, got {}", describe(v)),
                    ));
                    Err(())
                }
            },
        }
    }

    pub fn opt_bool(&self, key: &str, p: &mut Problems) -> Result<Option<bool>, ()> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => {
                p.push(Problem::invalid(
                    self.path(key),
                    format!("{key} must be true or false, got {}", type_name(v)),
                ));
                Err(())
            }
        }
    }

    /// An email address, checked and sent as given (trimmed).
    pub fn email(&self, key: &str, v: &Value, p: &mut Problems) -> Option<String> {
        let s = self.string(key, v, names::MAX_EMAIL_LEN, p)?;
        match names::check_email(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                p.push(Problem::invalid(
                    self.path(key),
                    format!(
                        "{key} \"{}\" is not a valid email address: it {why}",
                        show(&s)
                    ),
                ));
                None
            }
        }
    }

    /// An absolute http(s) URL, sent as given (trimmed).
    pub fn url(&self, key: &str, v: &Value, p: &mut Problems) -> Option<String> {
        let s = self.string(key, v, names::MAX_URL_LEN, p)?;
        match names::check_http_url(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                p.push(Problem::invalid(
                    self.path(key),
                    format!("{key} \"{}\" is not a valid URL: it {why}", show(&s)),
                ));
                None
            }
        }
    }
}

/// A short description of a value for messages: strings and numbers echoed
/// (shortened), other types named.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{}\"", show(s)),
        Value::Number(n) => show(&n.to_string()),
        other => type_name(other).to_owned(),
    }
}

/// What a domain list accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DomainKind {
    /// Any valid domain name.
    Name,
    /// A registrable root domain (imports).
    Root,
    /// A `dom_…` id or a domain name.
    NameOrId,
}

/// Checks one domain entry; returns the normalised name (or the id as sent).
pub fn domain(field: &str, v: &Value, kind: DomainKind, p: &mut Problems) -> Option<String> {
    let Value::String(s) = v else {
        let expected = match kind {
            DomainKind::NameOrId => "a domain name or a dom_… id",
            _ => "a domain name",
        };
        p.push(Problem::invalid(
            field,
            format!(
                "{field} must be {expected} (a string), got {}",
                type_name(v)
            ),
        ));
        return None;
    };
    if kind == DomainKind::NameOrId {
        if let Some(id) = domain_id(s) {
            return Some(id);
        }
    }
    let name = match names::normalize_domain(s) {
        Ok(n) => n,
        Err(why) => {
            p.push(Problem::invalid(
                field,
                format!("\"{}\" is not a valid domain name: it {why}", show(s)),
            ));
            return None;
        }
    };
    if kind == DomainKind::Root {
        let why = match super::roots::registrable_root(&name) {
            Some(root) if root == name => None,
            Some(root) => Some(format!("its root is {root}: import that, not a subdomain")),
            None => Some(format!(
                "{name} is a public suffix, under which roots are registered (such as acme.{name})"
            )),
        };
        if let Some(why) = why {
            let shown = show(&name);
            p.push(Problem::invalid(
                field,
                format!("\"{shown}\" is not a registrable root domain; {why}"),
            ));
            return None;
        }
    }
    Some(name)
}

/// A `dom_…` id, trimmed, when `s` is one.
fn domain_id(s: &str) -> Option<String> {
    let t = s.trim();
    let rest = t.strip_prefix("dom_")?;
    let ok = !rest.is_empty()
        && rest.len() <= 64
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| t.to_owned())
}

/// Finds repeats in one request, in linear time. Names are compared after
/// normalisation, so `Example.COM` repeats `example.com`.
#[derive(Default)]
pub struct Dedup {
    seen: FirstSeen<'static>,
}

impl Dedup {
    /// Records `name` at `index`; a repeat is reported at the later index.
    pub fn check(
        &mut self,
        name: &str,
        index: usize,
        list: &str,
        field: &str,
        p: &mut Problems,
    ) -> bool {
        match self.seen.get(name) {
            Some(&first) => {
                p.push(
                    Problem::invalid(
                        field,
                        format!(
                            "{} appears twice: it is already {list}[{first}]; remove one",
                            show(&names::shown_domain(name))
                        ),
                    )
                    .with_details(crate::json::object(vec![
                        ("reason", "duplicate".into()),
                        ("domain", name.into()),
                        ("first_index", first.into()),
                        ("first_field", format!("{list}[{first}]").into()),
                    ])),
                );
                false
            }
            None => {
                self.seen.insert(Cow::Owned(name.to_owned()), index);
                true
            }
        }
    }
}

/// Reads `key` as a list of domains with `min..=max` entries, normalised and
/// without repeats.
pub fn domain_list(
    obj: &Obj<'_>,
    key: &str,
    min: usize,
    max: usize,
    kind: DomainKind,
    p: &mut Problems,
) -> Option<Vec<String>> {
    let what = match kind {
        DomainKind::Root => "a list of root domains to import",
        DomainKind::Name => "a list of domain names",
        DomainKind::NameOrId => "a list of domain names or dom_… ids",
    };
    let v = obj.required(key, what, p)?;
    let items = array(obj, key, v, min, max, p)?;
    let list = obj.path(key);
    let mut ok = true;
    let mut out = Vec::with_capacity(items.len().min(max));
    let mut dedup = Dedup::default();
    for (i, item) in items.iter().enumerate().take(check_limit(items.len(), max)) {
        let field = format!("{list}[{i}]");
        match domain(&field, item, kind, p) {
            Some(name) => {
                ok &= dedup.check(&name, i, &list, &field, p);
                out.push(name);
            }
            None => ok = false,
        }
    }
    (ok && items.len() <= max).then_some(out)
}

/// How many items of a list of `len` (limit `max`) are checked one by one.
pub fn check_limit(len: usize, max: usize) -> usize {
    if len > max {
        len.min(ITEM_CHECK_CAP.max(max))
    } else {
        len
    }
}

/// `v` as an array of `min..=max` items. The items come back even when the
/// count is wrong, so their own problems are reported too.
pub fn array<'a>(
    obj: &Obj<'_>,
    key: &str,
    v: &'a Value,
    min: usize,
    max: usize,
    p: &mut Problems,
) -> Option<&'a [Value]> {
    let field = obj.path(key);
    let Value::Array(items) = v else {
        p.push(Problem::invalid(
            field,
            format!("{key} must be an array, got {}", type_name(v)),
        ));
        return None;
    };
    let n = items.len();
    if n < min {
        let msg = if min == 1 {
            format!("{key} must not be empty")
        } else {
            format!("{key} needs at least {min} entries, got {n}")
        };
        p.push(Problem::invalid(field, msg));
    } else if n > max {
        let mut msg = format!("{key} takes at most {max} entries per request, got {n}; split them into several requests");
        let checked = check_limit(n, max);
        if checked < n {
            msg.push_str(&format!(" (only the first {checked} were checked)"));
        }
        p.push(
            Problem::invalid(field, msg).with_details(crate::json::object(vec![
                ("reason", "too_many".into()),
                ("max", max.into()),
                ("submitted_count", n.into()),
            ])),
        );
    }
    Some(items)
}

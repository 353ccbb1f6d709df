//! Removing secrets (the API key, webhook and token secrets, Smartlead
//! passwords) from anything shown to a caller: error messages, fields, codes,
//! request ids and `details` at any depth.
//!
//! A server that echoes a secret may escape it: a password with `"`, `\` or a
//! tab comes back as `\"`, `\\`, `\t` inside a JSON string, or
//! percent-encoded inside a URL. Every such form is replaced, not only the
//! raw text.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// The forms `secret` may take in text: raw, JSON-escaped (as serde and
/// `JSON.stringify` write it, and with every non-ASCII character and `/`
/// escaped), JSON-escaped twice (JSON inside a JSON string), and
/// percent-encoded (upper- and lower-case hex, `+` or `%20` for spaces).
fn forms(secret: &str) -> [String; 7] {
    let json = json_escape(secret, false);
    let ascii = json_escape(secret, true);
    let twice = json_escape(&json, false);
    let pct = percent(secret, false);
    let lower = pct.to_lowercase_hex();
    [
        secret.to_owned(),
        json,
        ascii,
        twice,
        pct,
        lower,
        percent(secret, true),
    ]
}

trait LowerHex {
    fn to_lowercase_hex(&self) -> String;
}

impl LowerHex for String {
    /// `%2F` → `%2f` (only the hex digits after `%`).
    fn to_lowercase_hex(&self) -> String {
        let mut out = String::with_capacity(self.len());
        let mut hex_left = 0;
        for c in self.chars() {
            if c == '%' {
                hex_left = 2;
                out.push(c);
            } else if hex_left > 0 {
                hex_left -= 1;
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

fn json_escape(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' if ascii => out.push_str("\\/"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `encodeURIComponent`-style; with `plus`, spaces as `+` (forms).
fn percent(s: &str, plus: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else if plus && b == b' ' {
            out.push('+');
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `text` with every non-overlapping `form` (not empty), left to right,
/// replaced by `with`: `str::replace`, by a plain scan. (A `str` pattern
/// brings core's two-way string search into the wasm; forms are short.)
fn replace_all(text: &str, form: &str, with: &str) -> String {
    let (hay, needle) = (text.as_bytes(), form.as_bytes());
    if needle.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let (mut done, mut at) = (0, 0);
    while at + needle.len() <= hay.len() {
        if hay.get(at..at + needle.len()) == Some(needle) {
            // `form` is a whole str, so both ends are char boundaries.
            out.push_str(text.get(done..at).unwrap_or_default());
            out.push_str(with);
            at += needle.len();
            done = at;
        } else {
            at += 1;
        }
    }
    out.push_str(text.get(done..).unwrap_or_default());
    out
}

/// The secrets to look for, each with its escaped forms.
pub struct Scrubber {
    forms: Vec<String>,
}

impl Scrubber {
    /// Empty secrets are ignored.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Self {
        let mut all: Vec<String> = Vec::new();
        for secret in secrets.iter().map(AsRef::as_ref).filter(|s| !s.is_empty()) {
            for form in forms(secret) {
                // Longest first, so a longer form is replaced before a shorter
                // one inside it. (Placed by hand: a sort would add its own
                // code to the wasm for this one list.)
                if !all.contains(&form) {
                    let at = all.partition_point(|f| f.len() >= form.len());
                    all.insert(at, form);
                }
            }
        }
        Scrubber { forms: all }
    }

    /// `text` with every form of every secret replaced.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for f in &self.forms {
            out = replace_all(&out, f, REDACTED);
        }
        out
    }

    /// Every string in `value` (object keys included), at any depth.
    pub fn value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.text(k), self.value(v)))
                    .collect::<Map<String, Value>>(),
            ),
            other => other.clone(),
        }
    }
}

/// Every Smartlead credential (`login_password`, `login_email`) string
/// anywhere in `value`.
pub fn credentials(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == "login_password" || k == "login_email" => {
                        out.push(s.clone())
                    }
                    _ => credentials(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| credentials(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_escaped_form_is_replaced() {
        let pw = "p\"a\\s\ts/é";
        let s = Scrubber::new(&[pw]);
        let raw = format!("bad password {pw}");
        assert_eq!(s.text(&raw), "bad password [redacted]");
        let as_json = serde_json::to_string(&raw).unwrap();
        assert!(!s.text(&as_json).contains("s\\ts"), "{}", s.text(&as_json));
        let nested = serde_json::to_string(&json!({"m": as_json})).unwrap();
        assert!(s.text(&nested).contains(REDACTED), "{}", s.text(&nested));
        assert_eq!(s.text(&json_escape(pw, true)), REDACTED);
        assert_eq!(s.text(&percent(pw, false)), REDACTED);
        assert_eq!(s.text(&percent(pw, false).to_lowercase_hex()), REDACTED);
        let deep = json!({"a": [{"b": {"c": [raw.clone()]}}], pw: 1});
        let out = s.value(&deep).to_string();
        assert!(!out.contains("s\\ts"), "{out}");
        assert!(!out.contains("\\\\s"), "{out}");
    }

    #[test]
    fn empty_secrets_change_nothing() {
        let s = Scrubber::new(&["", ""]);
        assert_eq!(s.text("abc"), "abc");
    }

    #[test]
    fn credentials_are_found_at_any_depth() {
        let mut out = Vec::new();
        credentials(
            &json!({"sequencer": {"login_password": "x1", "login_email": "e@x.co"}, "l": [{"login_password": "x2"}]}),
            &mut out,
        );
        out.sort();
        assert_eq!(out, ["e@x.co", "x1", "x2"]);
    }

    #[test]
    fn replace_all_is_str_replace() {
        for (text, form) in [
            ("aaaa", "aa"),
            ("abab", "ab"),
            ("", "a"),
            ("é中é", "中"),
            ("xyz", "xyzw"),
            ("abc", ""),
        ] {
            let expected = if form.is_empty() {
                text.to_owned()
            } else {
                text.replace(form, "[R]")
            };
            assert_eq!(replace_all(text, form, "[R]"), expected);
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn replace_all_is_str_replace(text in "[ab\\\\\"é中]{0,24}", form in "[ab\\\\\"é中]{1,4}") {
                prop_assert_eq!(replace_all(&text, &form, "*"), text.replace(&form, "*"));
            }
        }
    }
}

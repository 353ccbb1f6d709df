//! Removing secrets (the API key, webhook and token secrets, Smartlead
//! passwords) from anything shown to a caller: error messages, fields, codes,
//! request ids and `details` at any depth.
//!
//! A server that echoes a secret may escape it: a password with `"`, `\` or a
//! tab comes back as `\"`, `\\`, `\t` inside a JSON string, `%21` in a URL,
//! `&#33;` in HTML, or inside a base64 `Basic` header. So the text is
//! *decoded before matching*: each layer decodes every escape it knows
//! (percent, JSON and `\u` in any hex case, HTML entities) in one pass, with
//! a map from each decoded byte back to the source bytes it came from; the
//! secrets are looked for in the text and in every layer (JSON inside JSON,
//! percent inside JSON: up to `LAYERS` deep), and each match replaces the
//! source bytes it covers, whole escapes only. One pass decodes every kind,
//! so a secret half percent-encoded and half raw is whole in the next layer.
//! The secrets are decoded the same way (a password may itself hold `%41`
//! or `\n`), `+` in the text matches a space or a `+` (form encoding), and
//! base64 (both alphabets, padded or not, at each of the three byte
//! alignments inside a longer run) of each secret and of `email:password`
//! (HTTP Basic) is looked for as text.

mod decode;

use decode::{back, decode, Run};
use serde_json::{Map, Value};

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Decoding layers over the text, after the text itself.
const LAYERS: usize = 4;

/// A secret's decoded form (the secret holds escapes) shorter than this is
/// not looked for: it would replace ordinary text.
const MIN_DECODED: usize = 4;

/// A form of a secret other than the secret itself (its base64, the secret
/// less a character at an end) is looked for from this many bytes on.
const MIN_FORM: usize = 6;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The base64 characters of `s` that hold its bits only, when it starts
/// `skip` bytes into a 3-byte group (so the same inside any longer base64
/// text), in the standard or the URL-safe alphabet.
fn base64_core(s: &[u8], skip: usize, url: bool) -> Vec<u8> {
    let mut bytes = vec![0; skip];
    bytes.extend_from_slice(s);
    bytes.push(0);
    let (first, last) = ((skip * 8).div_ceil(6), (skip + s.len()) * 8 / 6);
    (first..last)
        .map(|c| {
            let (at, shift) = (c * 6 / 8, c * 6 % 8);
            let pair = u32::from(bytes[at]) << 8 | u32::from(bytes[at + 1]);
            match (pair >> (10 - shift) & 63) as u8 {
                62 if url => b'-',
                63 if url => b'_',
                v => BASE64[usize::from(v)],
            }
        })
        .collect()
}

/// The secrets to look for, as byte patterns, and which first two bytes
/// they may start with (a 64 Kbit filter, so most text is passed over at
/// one lookup a byte).
pub struct Scrubber {
    patterns: Vec<Vec<u8>>,
    starts: Vec<u64>,
}

impl Scrubber {
    /// Empty secrets are ignored.
    pub fn new<S: AsRef<str>>(secrets: &[S]) -> Self {
        let secrets: Vec<&str> = secrets
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| !s.is_empty())
            .collect();
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for s in &secrets {
            forms.push(s.as_bytes().to_vec());
            // Without its first or last one or two characters: an escape in
            // the text next to it may take them (`\` before `b…` is `\b`),
            // and all but a character of a secret is a leak too.
            for k in 1..=2 {
                let start = s
                    .char_indices()
                    .nth(k)
                    .and_then(|(i, _)| s.get(i..))
                    .unwrap_or("");
                let end = s
                    .char_indices()
                    .nth_back(k - 1)
                    .and_then(|(i, _)| s.get(..i))
                    .unwrap_or("");
                for part in [start, end] {
                    if part.len() >= MIN_FORM.max(s.len() / 2) {
                        forms.push(part.as_bytes().to_vec());
                    }
                }
            }
            let s = s.as_bytes();
            for skip in 0..3 {
                forms.push(base64_core(s, skip, false));
                forms.push(base64_core(s, skip, true));
            }
            // HTTP Basic: base64 of `email:password`, from its start.
            if s.contains(&b'@') {
                for other in secrets.iter().filter(|o| o.as_bytes() != s) {
                    let mut pair = s.to_vec();
                    pair.push(b':');
                    pair.extend_from_slice(other.as_bytes());
                    forms.push(base64_core(&pair, 0, false));
                    forms.push(base64_core(&pair, 0, true));
                }
            }
        }
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for mut form in forms {
            // A secret itself is looked for at any length.
            if form.len() < MIN_FORM && !secrets.iter().any(|s| s.as_bytes() == form) {
                continue;
            }
            // The secret decoded as the text is, layer by layer.
            for _ in 0..=LAYERS {
                let next = decode(&form, false).map(|(d, _)| d);
                if !patterns.contains(&form) {
                    patterns.push(form);
                }
                match next {
                    Some(d) if d.len() >= MIN_DECODED => form = d,
                    _ => break,
                }
            }
        }
        let mut starts = vec![0u64; 1024];
        let mut mark = |a: u8, b: u8| {
            let k = usize::from(a) << 8 | usize::from(b);
            starts[k / 64] |= 1 << (k % 64);
        };
        for p in &patterns {
            // `+` in the text stands for a space too.
            let firsts: &[u8] = match p.first() {
                Some(b' ') => b" +",
                Some(a) => std::slice::from_ref(a),
                None => continue,
            };
            for &a in firsts {
                match p.get(1) {
                    Some(b' ') => {
                        mark(a, b' ');
                        mark(a, b'+');
                    }
                    Some(&b) => mark(a, b),
                    None => (0..=255).for_each(|b| mark(a, b)),
                }
            }
        }
        Scrubber { patterns, starts }
    }

    /// Where in `b` a secret is, in order of start.
    fn find(&self, b: &[u8]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        if self.patterns.is_empty() {
            return found;
        }
        let same = |t: &u8, p: &u8| t == p || (*t == b'+' && *p == b' ');
        for (i, &a) in b.iter().enumerate() {
            let k = usize::from(a) << 8 | usize::from(b.get(i + 1).copied().unwrap_or(0));
            if self.starts[k / 64] & 1 << (k % 64) == 0 {
                continue;
            }
            let rest = b.get(i..).unwrap_or_default();
            for p in &self.patterns {
                if p.len() <= rest.len() && p.iter().zip(rest).all(|(p, t)| same(t, p)) {
                    found.push((i, i + p.len()));
                }
            }
        }
        found
    }

    /// `spans` with the secrets found in each decoded layer of `src` (the
    /// first decoded with `lone`), as spans of `src`.
    fn layers(
        &self,
        src: &[u8],
        lone: bool,
        mut spans: Vec<(usize, usize)>,
    ) -> Vec<(usize, usize)> {
        // Each layer's runs are kept to map a match back to the source.
        let mut maps: Vec<Vec<Run>> = Vec::new();
        let mut layer: Option<Vec<u8>> = None;
        while maps.len() < LAYERS {
            let Some((bytes, runs)) =
                decode(layer.as_deref().unwrap_or(src), lone && maps.is_empty())
            else {
                break;
            };
            maps.push(runs);
            let found: Vec<(usize, usize)> = self
                .find(&bytes)
                .into_iter()
                .map(|(mut a, mut b)| {
                    for runs in maps.iter().rev() {
                        (a, b) = (back(runs, a, false), back(runs, b - 1, true));
                    }
                    (a, b)
                })
                .collect();
            spans = merge(spans, found);
            layer = Some(bytes);
        }
        spans
    }

    /// `text` with every form of every secret replaced.
    pub fn text(&self, text: &str) -> String {
        let src = text.as_bytes();
        let mut spans = self.find(src);
        if !self.patterns.is_empty() {
            spans = self.layers(src, false, spans);
            // `\\u0021` is `\` then `u0021`, or a raw `\` then `!`: the
            // second reading as its own layers.
            if src.windows(2).any(|w| w == b"\\\\") {
                spans = self.layers(src, true, spans);
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for (mut a, mut b) in spans {
            // Whole characters: a decoded byte may match inside one.
            while !text.is_char_boundary(a) {
                a -= 1;
            }
            while !text.is_char_boundary(b) {
                b += 1;
            }
            if a < done {
                // Overlaps the last replaced: extend it.
                done = done.max(b);
                continue;
            }
            out.push_str(text.get(done..a).unwrap_or_default());
            out.push_str(REDACTED);
            done = b;
        }
        out.push_str(text.get(done..).unwrap_or_default());
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

/// Two lists of spans in order of start, as one in order of start. (No sort:
/// it would add its own code to the wasm for this one list.)
fn merge(a: Vec<(usize, usize)>, b: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.0 <= y.0 => a.next(),
            (_, Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, None) => return out,
        };
        out.extend(next);
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
        assert_eq!(s.text(&as_json), "\"bad password [redacted]\"");
        let nested = serde_json::to_string(&json!({"m": as_json})).unwrap();
        assert_eq!(s.text(&nested), r#"{"m":"\"bad password [redacted]\""}"#);
        for form in [
            r#"p\"a\\s\ts\/\u00e9"#,
            r#"p\u0022a\u005Cs\u0009s\u002F\u00E9"#,
            "p%22a%5Cs%09s%2F%C3%A9",
            "p%22a%5cs%09s%2f%c3%a9",
            "p&quot;a&#92;s&#x9;s&sol;&eacute;",
            "p%22a\\s\ts/&#233;",
        ] {
            assert_eq!(s.text(form), REDACTED, "{form}");
        }
        let deep = json!({"a": [{"b": {"c": [raw.clone()]}}], pw: 1});
        let out = s.value(&deep).to_string();
        assert!(!out.contains("s\\ts"), "{out}");
        assert!(!out.contains("\\\\s"), "{out}");
    }

    #[test]
    fn decoded_layers_map_back_to_whole_escapes() {
        let s = Scrubber::new(&["a+b c"]);
        // `+` is a space or a plus; the escapes around stay as they were.
        assert_eq!(s.text("x%20a%2Bb+c%20y"), "x%20[redacted]%20y");
        assert_eq!(s.text("\\u0041 a+b c \\n"), "\\u0041 [redacted] \\n");
        // Two secrets side by side stay two replacements.
        let two = Scrubber::new(&["secret1", "secret2"]);
        assert_eq!(two.text("secret1secret2"), "[redacted][redacted]");
        // Overlapping matches are one.
        assert_eq!(Scrubber::new(&["aa"]).text("aaa b"), "[redacted] b");
        // A match inside a multi-byte character takes the whole character.
        assert_eq!(Scrubber::new(&["%A9x"]).text("é%A9x"), "é[redacted]");
    }

    #[test]
    fn base64_at_every_alignment() {
        let pw = "correct horse";
        let s = Scrubber::new(&[pw]);
        for skip in ["", "x", "xy"] {
            let text = format!("{skip}{pw}!!!");
            let out = s.text(&base64(text.as_bytes()));
            assert!(out.contains(REDACTED), "{skip}: {out}");
        }
        // `Basic` of email:password (18 bytes: no padding), whole.
        let s = Scrubber::new(&["ops@example.com", "pw"]);
        let basic = base64(b"ops@example.com:pw");
        assert_eq!(s.text(&format!("Basic {basic}.")), "Basic [redacted].");
    }

    fn base64(b: &[u8]) -> String {
        let core = base64_core(b, 0, false);
        let mut out = String::from_utf8(core).unwrap();
        // The last partial character and the padding.
        let bits = b.len() * 8 % 6;
        if bits > 0 {
            let last = u32::from(b[b.len() - 1]) << (6 - bits) & 63;
            out.push(BASE64[last as usize] as char);
        }
        out.push_str(["", "==", "="][b.len() % 3]);
        out
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
}

//! The scrubber against a server that echoes a secret in any encoding (issue
//! 18, findings 5 to 7): every encoder in [`encoders`] wraps a text holding a
//! secret, the scrubber runs over the result, and the secret must not be
//! recoverable from what is left — none of the listed encodings of the secret
//! is in it, and none of the listed decoders (alone or two in a row, then
//! base64 at every alignment) brings the secret back.
//!
//! To cover another encoding, add a row to [`encoders`] (and, if it is a new
//! kind of escaping, a decoder to [`decoders`]). The encoders and decoders
//! here are written independently of `src/scrub/`.

use peeker_partner::scrub::{Scrubber, REDACTED};
use proptest::prelude::*;

/// One echo of a secret: the text around it and the call's three secrets.
#[derive(Debug, Clone)]
struct Case {
    before: String,
    after: String,
    key: String,
    email: String,
    password: String,
    /// Which secret is echoed: 0 key, 1 email, 2 password.
    which: usize,
    /// Starts and ends the text ([`MARK`]; empty for the forms of the
    /// secret alone).
    mark: &'static str,
}

impl Case {
    fn secret(&self) -> &str {
        match self.which {
            0 => &self.key,
            1 => &self.email,
            _ => &self.password,
        }
    }
    fn text(&self) -> String {
        let m = self.mark;
        format!("{m}{}{}{}{m}", self.before, self.secret(), self.after)
    }
}

/// Starts and ends every echoed text: must survive the scrubber readable.
const MARK: &str = "ERRMARK1 the password ";

type Encode = Box<dyn Fn(&Case) -> String>;

/// A whole-text encoder (the server encodes the message holding the secret).
fn whole(f: fn(&str) -> String) -> Encode {
    Box::new(move |c: &Case| f(&c.text()))
}

/// The encodings a server may echo a secret in. A reviewer can add rows.
fn encoders() -> Vec<(&'static str, Encode)> {
    vec![
        ("raw", whole(|s| s.to_owned())),
        ("json serde", whole(json_serde)),
        ("json ascii \\/", whole(json_ascii)),
        ("json upper \\u", whole(json_upper)),
        ("go json", whole(go_json)),
        ("json twice", whole(|s| json_serde(&json_serde(s)))),
        ("json ascii twice", whole(|s| json_ascii(&json_ascii(s)))),
        (
            "percent upper",
            whole(|s| percent(s, b"-_.~", false, false)),
        ),
        ("percent lower", whole(|s| percent(s, b"-_.~", false, true))),
        ("percent plus", whole(|s| percent(s, b"-_.~", true, false))),
        ("percent everything", whole(percent_all)),
        (
            "python quote",
            whole(|s| percent(s, b"-_.~/", false, false)),
        ),
        (
            "python quote_plus",
            whole(|s| percent(s, b"-_.~", true, false)),
        ),
        (
            "encodeURIComponent",
            whole(|s| percent(s, b"-_.!~*'()", false, false)),
        ),
        (
            "percent twice",
            whole(|s| percent(&percent(s, b"-_.~", false, false), b"-_.~", false, false)),
        ),
        (
            "percent inside json",
            whole(|s| json_ascii(&percent(s, b"-_.~/", true, false))),
        ),
        (
            "json inside percent",
            whole(|s| percent(&json_serde(s), b"-_.!~*'()", false, false)),
        ),
        ("html minimal", whole(html_minimal)),
        ("html decimal", whole(|s| html_numeric(s, false))),
        ("html hex", whole(|s| html_numeric(s, true))),
        ("html named", whole(html_named)),
        ("html of json", whole(|s| html_minimal(&json_serde(s)))),
        ("base64", whole(|s| b64(s.as_bytes(), STD, true))),
        ("base64 url", whole(|s| b64(s.as_bytes(), URL, true))),
        ("base64 unpadded", whole(|s| b64(s.as_bytes(), STD, false))),
        (
            "base64 in json \\/",
            whole(|s| json_ascii(&b64(s.as_bytes(), STD, true))),
        ),
        (
            "basic auth",
            Box::new(|c: &Case| {
                let pair = format!("{}:{}", c.email, c.password);
                let m = c.mark;
                format!(
                    "{m}Authorization: Basic {}{m}",
                    b64(pair.as_bytes(), STD, true)
                )
            }),
        ),
        (
            "half percent, half raw",
            Box::new(|c: &Case| {
                let (a, b) = halves(c.secret());
                let m = c.mark;
                format!("{m}{}{}{b}{}{m}", c.before, percent_all(a), c.after)
            }),
        ),
        (
            "half raw, half json \\u",
            Box::new(|c: &Case| {
                let (a, b) = halves(c.secret());
                let m = c.mark;
                format!("{m}{}{a}{}{}{m}", c.before, json_upper(b), c.after)
            }),
        ),
        (
            "half json, half percent (in json)",
            Box::new(|c: &Case| {
                let (a, b) = halves(c.secret());
                let m = c.mark;
                let text = format!("{m}{}{a}{}{}{m}", c.before, percent_all(b), c.after);
                json_serde(&text)
            }),
        ),
        (
            "alternating html and json",
            Box::new(|c: &Case| {
                let mut out = format!("{}{}", c.mark, c.before);
                for (i, ch) in c.secret().chars().enumerate() {
                    let one = ch.to_string();
                    out.push_str(&if i % 2 == 0 {
                        html_numeric(&one, true)
                    } else {
                        json_upper(&one)
                    });
                }
                out.push_str(&c.after);
                out.push_str(c.mark);
                out
            }),
        ),
    ]
}

/// What each encoder makes of the echoed secret alone (the forms that must
/// not be in any output).
fn forms(case: &Case) -> Vec<(&'static str, String)> {
    let alone = Case {
        before: String::new(),
        after: String::new(),
        mark: "",
        ..case.clone()
    };
    encoders()
        .into_iter()
        .map(|(name, e)| (name, e(&alone)))
        .filter(|(name, _)| !name.starts_with("base64") && !name.starts_with("basic"))
        .chain([
            (
                "base64 of the secret",
                b64(case.secret().as_bytes(), STD, true),
            ),
            (
                "base64url of the secret",
                b64(case.secret().as_bytes(), URL, false),
            ),
            (
                "base64 of email:password",
                b64(
                    format!("{}:{}", case.email, case.password).as_bytes(),
                    STD,
                    true,
                ),
            ),
        ])
        .collect()
}

type Decode = fn(&[u8]) -> Vec<u8>;

/// Lenient decoders: each undoes its escapes where they are well formed.
fn decoders() -> Vec<(&'static str, Decode)> {
    vec![
        ("identity", |b| b.to_vec()),
        ("json", json_unescape),
        ("percent", |b| percent_decode(b, false)),
        ("percent plus", |b| percent_decode(b, true)),
        ("html", html_unescape),
    ]
}

/// `needle` (UTF-8) in `hay` (any bytes). (The lossy text holds every run
/// of whole characters of `hay` as it is, and `str` search is fast.)
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    String::from_utf8_lossy(hay).contains(std::str::from_utf8(needle).unwrap())
}

/// Why the secret can be recovered from `out` (empty: it cannot): one of
/// its forms is in it, or a decoding of it holds a secret.
fn leaks(case: &Case, forms: &[(&str, String)], out: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (form_name, form) in forms {
        if out.contains(form.as_str()) {
            found.push(format!("form {form_name} {form:?} left in"));
        }
    }
    let secrets = [&case.key, &case.email, &case.password];
    for (a, da) in decoders() {
        let once = da(out.as_bytes());
        for (b, db) in decoders() {
            let bytes = db(&once);
            for secret in secrets {
                if contains(&bytes, secret.as_bytes()) {
                    found.push(format!("{a} then {b} decoding recovers {secret:?}"));
                } else if base64_runs(&bytes)
                    .iter()
                    .any(|d| contains(d, secret.as_bytes()))
                {
                    found.push(format!(
                        "{a} then {b} then base64 decoding recovers {secret:?}"
                    ));
                }
            }
        }
    }
    found
}

/// Every encoder that leaks `case` (or loses the text around it), with why.
fn failures(case: &Case) -> Vec<String> {
    let scrub = Scrubber::new(&[&case.key, &case.email, &case.password]);
    let forms = forms(case);
    let mut failed = Vec::new();
    for (name, encode) in encoders() {
        let encoded = encode(case);
        let out = scrub.text(&encoded);
        let mut why = leaks(case, &forms, &out);
        // The text around the secret stays readable: the encoded start of
        // the text is still there.
        let mark = encode(&Case {
            before: String::new(),
            after: String::new(),
            password: String::new(),
            email: String::new(),
            key: String::new(),
            ..case.clone()
        });
        let lead: String = mark
            .chars()
            .take(case.mark.len().min(mark.len() / 2) / 4 * 4)
            .collect();
        if !out.starts_with(&lead) {
            why.push(format!("{lead:?} lost from the start"));
        }
        if !why.is_empty() {
            failed.push(format!(
                "{name}: {why:?}\n  encoded  {encoded:?}\n  scrubbed {out:?}"
            ));
        }
    }
    failed
}

fn password() -> impl Strategy<Value = String> {
    // Realistic passwords: letters, digits, the punctuation servers escape,
    // spaces, a Latin letter with an accent and an emoji.
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            2 => proptest::char::range('A', 'Z'),
            2 => proptest::char::range('0', '9'),
            4 => proptest::sample::select(
                "!'()*&<>\"\\%+/=#@$^~.,;:?_- {}[]|`".chars().collect::<Vec<_>>()
            ),
            1 => proptest::sample::select(vec!['é', 'ü', '€', '😀', '\t', '\n']),
        ],
        8..20,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn surrounding() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,:;!?'\"()/\\\\%&+=<>é-]{0,16}"
}

fn case() -> impl Strategy<Value = Case> {
    (
        surrounding(),
        surrounding(),
        "pk_(test|live)_[a-z0-9]{12,24}",
        "[a-z]{3,8}(\\+[a-z]{2})?@[a-z]{3,8}\\.(com|co)",
        password(),
        0..3usize,
    )
        .prop_map(|(before, after, key, email, password, which)| Case {
            before,
            after,
            key,
            email,
            password,
            which,
            mark: MARK,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_encoding_of_a_secret_survives(c in case()) {
        let failed = failures(&c);
        prop_assert!(failed.is_empty(), "{} encoders leak:\n{}", failed.len(), failed.join("\n"));
    }
}

/// A few fixed cases: all the encoders that leak them are listed at once.
#[test]
fn hard_passwords_survive_no_encoder() {
    let mut failed = Vec::new();
    for (which, password) in [
        (2, "Summer2024!"),
        (2, "p'a(s)s*w&o<r>d\"%+/= é😀"),
        (1, ""),
        (0, ""),
    ] {
        let case = Case {
            before: "bad: ".into(),
            after: ". try again".into(),
            key: "pk_test_4f9a8b7c6d5e4f3a".into(),
            email: "ops+sl@example.com".into(),
            password: if password.is_empty() {
                "x(y)z!w*v'u".into()
            } else {
                password.into()
            },
            which,
            mark: MARK,
        };
        failed.extend(failures(&case));
    }
    assert!(
        failed.is_empty(),
        "{} leaks:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn readable_around_a_secret() {
    let scrub = Scrubber::new(&["Summer2024!", "pk_test_abcdef123456"]);
    assert_eq!(
        scrub.text("bad password Summer2024%21 for key pk_test_abcdef123456."),
        format!("bad password {REDACTED} for key {REDACTED}.")
    );
    assert_eq!(
        scrub.text(r#"{"m":"pw \"Summer2024\u0021\" at 100% & more \u0026 less"}"#),
        format!(r#"{{"m":"pw \"{REDACTED}\" at 100% & more \u0026 less"}}"#)
    );
    assert_eq!(
        scrub.text("x=Summer2024&#33;&amp;y"),
        format!("x={REDACTED}&amp;y")
    );
    assert_eq!(scrub.text("no secret here"), "no secret here");
}

#[test]
fn three_mib_of_escapes_are_scrubbed() {
    // Every byte percent-encoded: the worst case for the decoded views.
    let secret = "Summer2024!";
    let mut text = percent_all(&"a".repeat(1 << 20));
    text.push_str(&percent_all(secret));
    let out = Scrubber::new(&[secret]).text(&text);
    assert!(out.ends_with(REDACTED));
    assert_eq!(out.len(), (3 << 20) + REDACTED.len());
}

// ---- encoders ----

fn halves(s: &str) -> (&str, &str) {
    let mut mid = s.len() / 2;
    while !s.is_char_boundary(mid) {
        mid += 1;
    }
    s.split_at(mid)
}

fn json_serde(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_owned()
}

fn json_escaped(s: &str, upper: bool, slash: bool, escape: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || escape(c) => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&if upper {
                        format!("\\u{u:04X}")
                    } else {
                        format!("\\u{u:04x}")
                    });
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Python's `json.dumps` with `\/` (PHP's default): non-ASCII as `\uXXXX`.
fn json_ascii(s: &str) -> String {
    json_escaped(s, false, true, |c| !c.is_ascii())
}

/// Upper-case `\u` for every character that is not a letter or digit.
fn json_upper(s: &str) -> String {
    json_escaped(s, true, false, |c| !c.is_ascii_alphanumeric())
}

/// Go's `encoding/json`: `<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`.
fn go_json(s: &str) -> String {
    json_escaped(s, false, false, |c| {
        matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}')
    })
}

fn percent(s: &str, keep: &[u8], plus: bool, lower: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else if plus && b == b' ' {
            out.push('+');
        } else if lower {
            out.push_str(&format!("%{b:02x}"));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_all(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn html_minimal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_numeric(s: &str, hex: bool) -> String {
    s.chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() => c.to_string(),
            c if hex => format!("&#x{:X};", c as u32),
            c => format!("&#{};", c as u32),
        })
        .collect()
}

const NAMED: &[(char, &str)] = &[
    ('!', "excl"),
    ('"', "quot"),
    ('#', "num"),
    ('$', "dollar"),
    ('%', "percnt"),
    ('&', "amp"),
    ('\'', "apos"),
    ('(', "lpar"),
    (')', "rpar"),
    ('*', "ast"),
    ('+', "plus"),
    (',', "comma"),
    ('.', "period"),
    ('/', "sol"),
    (':', "colon"),
    (';', "semi"),
    ('<', "lt"),
    ('=', "equals"),
    ('>', "gt"),
    ('?', "quest"),
    ('@', "commat"),
    ('[', "lsqb"),
    ('\\', "bsol"),
    (']', "rsqb"),
    ('^', "Hat"),
    ('_', "lowbar"),
    ('`', "grave"),
    ('{', "lcub"),
    ('|', "verbar"),
    ('}', "rcub"),
    (' ', "nbsp"),
    ('\t', "Tab"),
    ('\n', "NewLine"),
    ('é', "eacute"),
    ('ü', "uuml"),
    ('€', "euro"),
];

/// Named entities where HTML has one (`&excl;`), decimal otherwise. (`&nbsp;`
/// is U+00A0, not a space: a space stays a space.)
fn html_named(s: &str) -> String {
    s.chars()
        .map(|c| match NAMED.iter().find(|(n, _)| *n == c) {
            Some((' ', _)) => " ".to_owned(),
            Some((_, name)) => format!("&{name};"),
            None if c.is_ascii_alphanumeric() => c.to_string(),
            None => format!("&#{};", c as u32),
        })
        .collect()
}

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

// ---- decoders ----

fn hex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

fn push_char(out: &mut Vec<u8>, c: u32) -> bool {
    match char::from_u32(c) {
        Some(c) => {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            true
        }
        None => false,
    }
}

fn json_unescape(b: &[u8]) -> Vec<u8> {
    let unit = |at: usize| -> Option<u32> {
        if b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u') && b.len() >= at + 6 {
            b[at + 2..at + 6]
                .iter()
                .try_fold(0, |n, &d| Some(n << 4 | hex(d)?))
        } else {
            None
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let simple = match b.get(i + 1) {
            Some(b'"') => Some(b'"'),
            Some(b'\\') => Some(b'\\'),
            Some(b'/') => Some(b'/'),
            Some(b'n') => Some(b'\n'),
            Some(b't') => Some(b'\t'),
            Some(b'r') => Some(b'\r'),
            Some(b'b') => Some(8),
            Some(b'f') => Some(12),
            _ => None,
        };
        if b[i] == b'\\' {
            if let Some(c) = simple {
                out.push(c);
                i += 2;
                continue;
            }
            if let Some(u) = unit(i) {
                if (0xD800..0xDC00).contains(&u) {
                    if let Some(lo @ 0xDC00..=0xDFFF) = unit(i + 6) {
                        push_char(&mut out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                        i += 12;
                        continue;
                    }
                } else if push_char(&mut out, u) {
                    i += 6;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn percent_decode(b: &[u8], plus: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some() {
            out.push((hex(b[i + 1]).unwrap() * 16 + hex(b[i + 2]).unwrap()) as u8);
            i += 3;
        } else {
            out.push(if plus && b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    out
}

fn html_unescape(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    'scan: while i < b.len() {
        if b[i] == b'&' {
            if let Some(len) = b[i..].iter().take(12).position(|&c| c == b';') {
                let body = &b[i + 1..i + len];
                let c = if let Some(num) = body.strip_prefix(b"#") {
                    match num.strip_prefix(b"x").or(num.strip_prefix(b"X")) {
                        Some(h) => {
                            u32::from_str_radix(std::str::from_utf8(h).unwrap_or("-"), 16).ok()
                        }
                        None => std::str::from_utf8(num).unwrap_or("-").parse().ok(),
                    }
                } else {
                    NAMED
                        .iter()
                        .find(|(_, n)| n.as_bytes() == body)
                        .map(|(c, _)| match c {
                            ' ' => 0xA0,
                            c => *c as u32,
                        })
                };
                if let Some(c) = c {
                    if push_char(&mut out, c) {
                        i += len + 1;
                        continue 'scan;
                    }
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Every run of base64 characters (either alphabet), decoded from each of
/// its first four characters on.
fn base64_runs(b: &[u8]) -> Vec<Vec<u8>> {
    let mut table = [None; 256];
    for (i, (&s, &u)) in STD.iter().zip(URL).enumerate() {
        table[usize::from(s)] = Some(i);
        table[usize::from(u)] = Some(i);
    }
    let value = |c: u8| table[usize::from(c)];
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && value(b[i]).is_some() {
            i += 1;
        }
        // Shorter runs hold less than the 8 bytes of the shortest secret.
        for skip in 0..4 {
            if start + skip + 10 > i {
                break;
            }
            let mut out = Vec::new();
            for g in b[start + skip..i].chunks(4) {
                let n = g.iter().enumerate().fold(0u32, |n, (k, &c)| {
                    n | (value(c).unwrap() as u32) << (18 - 6 * k)
                });
                out.extend_from_slice(&n.to_be_bytes()[1..g.len().max(1)]);
            }
            runs.push(out);
        }
        i += 1;
    }
    runs
}

#[test]
fn the_test_codecs_round_trip() {
    let s = "Pa$$ w0rd!'()*&<>\"\\%+/=é😀";
    assert_eq!(json_unescape(json_serde(s).as_bytes()), s.as_bytes());
    assert_eq!(json_unescape(json_ascii(s).as_bytes()), s.as_bytes());
    assert_eq!(json_unescape(json_upper(s).as_bytes()), s.as_bytes());
    assert_eq!(json_unescape(go_json(s).as_bytes()), s.as_bytes());
    assert_eq!(
        percent_decode(percent(s, b"-_.~", true, false).as_bytes(), true),
        s.as_bytes()
    );
    assert_eq!(
        percent_decode(percent_all(s).as_bytes(), false),
        s.as_bytes()
    );
    assert_eq!(
        html_unescape(html_numeric(s, true).as_bytes()),
        s.as_bytes()
    );
    assert_eq!(
        html_unescape(html_numeric(s, false).as_bytes()),
        s.as_bytes()
    );
    assert_eq!(html_unescape(html_named(s).as_bytes()), s.as_bytes());
    assert_eq!(html_unescape(html_minimal(s).as_bytes()), s.as_bytes());
    for pad in [0, 1, 2] {
        let text = format!("{}{s}", "x".repeat(pad));
        let runs = base64_runs(b64(text.as_bytes(), STD, false).as_bytes());
        assert!(runs.iter().any(|r| contains(r, text.as_bytes())));
        assert_eq!(b64(b"Ma", STD, true), "TWE=");
    }
}

//! JSON without serde's machinery, for the wasm's size: objects built from
//! values at hand (`serde_json::json!` passes every value through
//! `to_value(..).unwrap()`, whose failure path brings serde_json's error
//! `Debug` and `str`'s escaping), and JSON text read into a [`Value`]
//! (serde_json's deserializer is a large part of the validate entry).
//!
//! In code the wasm reaches, also avoid `Value`'s `Display`/`to_string`
//! (use `serde_json::to_string`), `value["key"] = …` (insert into the map),
//! `{:?}` and panicking `str` slices (`get` instead): any one of them brings
//! core's `Debug` escaping back into every entry.

use serde_json::{Map, Number, Value};

/// `{key: value, …}`; a later duplicate key wins.
pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// `map[key]` moved out, `null` left in its place: for maps about to be
/// dropped, where `Map::remove` would only add IndexMap's removal code.
pub fn take(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.get_mut(key).map(Value::take)
}

/// Deepest nesting [`parse`] reads: serde_json's recursion limit (an array or
/// object at depth 128 is refused), so both read the same texts.
const PARSE_DEPTH: usize = 128;

/// JSON text as a [`Value`], read as `serde_json::from_str::<Value>` reads it:
/// the same grammar (whitespace, escapes, no lone surrogates, no leading
/// zeros, nothing after the value), nesting limit, duplicate keys (the later
/// wins) and numbers (integers as u64 or i64 when they fit, `-0` and the
/// rest as f64, refused when infinite). `None` when the text is not JSON.
pub fn parse(text: &str) -> Option<Value> {
    let mut reader = Reader {
        text,
        at: 0,
        depth: 0,
    };
    let value = reader.value()?;
    reader.blanks();
    (reader.at == text.len()).then_some(value)
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn blanks(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.blanks();
        match self.peek()? {
            b'n' => self.word("null", Value::Null),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'-' | b'0'..=b'9' => self.number(),
            open @ (b'[' | b'{') => {
                self.depth += 1;
                if self.depth >= PARSE_DEPTH {
                    return None;
                }
                self.at += 1;
                let value = if open == b'[' {
                    self.array()
                } else {
                    self.object()
                };
                self.depth -= 1;
                value
            }
            _ => None,
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.text.get(self.at..end) == Some(word)).then(|| {
            self.at = end;
            value
        })
    }

    /// After `[`.
    fn array(&mut self) -> Option<Value> {
        let mut items = Vec::new();
        self.members(b']', |r| {
            items.push(r.value()?);
            Some(())
        })?;
        Some(Value::Array(items))
    }

    /// After `{`.
    fn object(&mut self) -> Option<Value> {
        let mut map = Map::new();
        self.members(b'}', |r| {
            r.blanks();
            if r.peek() != Some(b'"') {
                return None;
            }
            let key = r.string()?;
            r.blanks();
            if !r.eat(b':') {
                return None;
            }
            map.insert(key, r.value()?);
            Some(())
        })?;
        Some(Value::Object(map))
    }

    /// Comma-separated `member`s up to `close`, none at all included; no
    /// trailing comma.
    fn members(
        &mut self,
        close: u8,
        mut member: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.blanks();
        if self.eat(close) {
            return Some(());
        }
        loop {
            member(self)?;
            self.blanks();
            if self.eat(close) {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// At the opening quote.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The run ends before an ASCII byte or at the end: a char boundary.
            out.push_str(self.text.get(start..self.at)?);
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek()?;
                    self.at += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                // A raw control character.
                _ => return None,
            }
        }
    }

    /// After `\u`: one character, a surrogate pair as two escapes.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if !(0xD800..0xDC00).contains(&first) {
            // A lone trailing surrogate is no char: refused.
            return char::from_u32(first);
        }
        if !(self.eat(b'\\') && self.eat(b'u')) {
            return None;
        }
        let second = self.hex4()?;
        if !(0xDC00..0xE000).contains(&second) {
            return None;
        }
        char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        self.at += 4;
        digits.bytes().try_fold(0, |n, b| {
            let digit = char::from(b).to_digit(16)?;
            Some(n << 4 | digit)
        })
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        let negative = self.eat(b'-');
        let digits = |r: &mut Self| {
            let from = r.at;
            while let Some(b'0'..=b'9') = r.peek() {
                r.at += 1;
            }
            r.at - from
        };
        let int_start = self.at;
        let int_digits = digits(self);
        let leading_zero = self.text.as_bytes().get(int_start) == Some(&b'0');
        if int_digits == 0 || (leading_zero && int_digits > 1) {
            return None;
        }
        let mut integer = true;
        if self.eat(b'.') {
            integer = false;
            if digits(self) == 0 {
                return None;
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            integer = false;
            let _ = self.eat(b'+') || self.eat(b'-');
            if digits(self) == 0 {
                return None;
            }
        }
        let text = self.text.get(start..self.at)?;
        if integer {
            let digits = self.text.get(int_start..self.at)?;
            let exact = match digits.parse::<u64>() {
                Ok(n) if !negative => Some(Number::from(n)),
                // -0 is a float, as in serde_json.
                Ok(n) if n != 0 => 0i64.checked_sub_unsigned(n).map(Number::from),
                _ => None,
            };
            if let Some(n) = exact {
                return Some(Value::Number(n));
            }
        }
        Number::from_f64(float(text)).map(Value::Number)
    }
}

/// A JSON number's text as the nearest f64 (infinite when out of range).
/// In wasm, the JS engine's own parse: core's correctly rounded parser
/// brings large tables.
#[cfg(target_arch = "wasm32")]
fn float(text: &str) -> f64 {
    js_sys::parse_float(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn float(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde(text: &str) -> Option<Value> {
        serde_json::from_str(text).ok()
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-1",
            "1.5",
            "-0",
            "-0.0",
            "1e5",
            "1E-5",
            "2.5e+3",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "[]",
            "{}",
            "[ ]",
            "{ }",
            r#"{"a":1,"a":2}"#,
            r#"{"b":1,"a":[1,{"c":null}]}"#,
            "\t[1 ,\n2\r]\n",
            r#""\"\\\/\b\f\n\r\t\u0000\u00e9\uD83D\uDE00""#,
            "\"é中😀\"",
            // Refused by both:
            "",
            " ",
            "nul",
            "truex",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "1e400",
            "-1e400",
            "[1,]",
            "[,1]",
            "{\"a\"}",
            "{\"a\":1,}",
            "{a:1}",
            "[1 2]",
            "\"a",
            "\"\\x\"",
            "\"\\uD800\"",
            "\"\\uDC00\"",
            "\"\\uD800\\u0041\"",
            "\"\\u12\"",
            "\"\u{1}\"",
            "[1]]",
            "NaN",
            "Infinity",
            "'a'",
            "\u{feff}1",
        ] {
            assert_eq!(parse(text), serde(text), "{text:?}");
        }
    }

    #[test]
    fn negative_zero_is_a_float_and_numbers_keep_their_kind() {
        assert!(parse("-0")
            .and_then(|v| v.as_f64())
            .is_some_and(|f| f == 0.0 && f.is_sign_negative()));
        assert!(parse("7").is_some_and(|v| v.is_u64()));
        assert!(parse("-7").is_some_and(|v| v.is_i64()));
        assert!(parse("7.0").is_some_and(|v| v.is_f64()));
        assert!(parse("18446744073709551616").is_some_and(|v| v.is_f64()));
    }

    #[test]
    fn nesting_limit_is_serde_jsons() {
        for depth in [126, 127, 128, 129] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                parse(&text).is_some(),
                serde(&text).is_some(),
                "depth {depth}"
            );
            let text = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
            assert_eq!(
                parse(&text).is_some(),
                serde(&text).is_some(),
                "depth {depth}"
            );
        }
        let deep = "[".repeat(127) + &"]".repeat(127);
        assert!(parse(&deep).is_some());
        assert!(parse(&format!("[{deep}]")).is_none());
    }

    #[test]
    fn member_order_and_duplicates_are_serde_jsons() {
        let text = r#"{"z":1,"a":2,"z":3}"#;
        let ours = parse(text).unwrap();
        assert_eq!(ours, serde(text).unwrap());
        let keys: Vec<&String> = ours.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(ours["z"], 3);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn any_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<u64>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
                any::<String>().prop_map(Value::String),
            ];
            leaf.prop_recursive(6, 64, 8, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                    prop::collection::vec((any::<String>(), inner), 0..8)
                        .prop_map(|pairs| { Value::Object(pairs.into_iter().collect()) }),
                ]
            })
        }

        proptest! {
            /// Any value serde_json writes, compact or pretty, reads back whole.
            #[test]
            fn round_trips(value in any_value()) {
                let compact = serde_json::to_string(&value).unwrap();
                prop_assert_eq!(parse(&compact), Some(value.clone()));
                let pretty = serde_json::to_string_pretty(&value).unwrap();
                prop_assert_eq!(parse(&pretty), Some(value));
            }

            /// Text accepted and refused exactly as serde_json does, to the
            /// same value (floats aside: serde_json's default float reading is
            /// not always correctly rounded). Mostly JSON serde_json wrote with
            /// one character of JSON's alphabet removed, added or replaced (or
            /// none), so about as much is accepted as refused; otherwise any
            /// string of that alphabet.
            #[test]
            fn accepts_what_serde_json_accepts(text in prop_oneof![
                3 => (any_value(), any::<prop::sample::Index>(), r#"[\[\]{}",:0-9eE+\-. \\/ntrfuabAD\n]"#, 0u8..4)
                    .prop_map(|(value, at, c, how)| {
                        let mut chars: Vec<char> = serde_json::to_string(&value).unwrap().chars().collect();
                        let i = at.index(chars.len() + 1);
                        let c = c.chars().next().unwrap();
                        match how {
                            0 if i < chars.len() => { chars.remove(i); }
                            1 => chars.insert(i, c),
                            2 if i < chars.len() => chars[i] = c,
                            _ => {}
                        }
                        chars.into_iter().collect::<String>()
                    }),
                1 => r#"[\[\]{}",:0-9eE+\-. \\/ntrfuabAD\n]{0,24}"#,
            ]) {
                let (ours, theirs) = (parse(&text), serde(&text));
                prop_assert_eq!(ours.is_some(), theirs.is_some(), "{:?}", text);
                if !text.contains(['.', 'e', 'E']) {
                    prop_assert_eq!(ours, theirs);
                }
            }
        }
    }
}

//! One decoding layer of a text: every percent, JSON (`\u` in any hex
//! case) and HTML escape replaced by what it stands for, in one pass, with a
//! map from each decoded byte back to the source bytes it came from.

/// Named HTML entities decoded: the markup ones and the punctuation a
/// password may hold (HTML5 names), and a few letters.
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("AMP", '&'),
    ("lt", '<'),
    ("LT", '<'),
    ("gt", '>'),
    ("GT", '>'),
    ("quot", '"'),
    ("QUOT", '"'),
    ("apos", '\''),
    ("excl", '!'),
    ("num", '#'),
    ("dollar", '$'),
    ("percnt", '%'),
    ("lpar", '('),
    ("rpar", ')'),
    ("ast", '*'),
    ("midast", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("period", '.'),
    ("sol", '/'),
    ("colon", ':'),
    ("semi", ';'),
    ("equals", '='),
    ("quest", '?'),
    ("commat", '@'),
    ("lsqb", '['),
    ("lbrack", '['),
    ("bsol", '\\'),
    ("rsqb", ']'),
    ("rbrack", ']'),
    ("Hat", '^'),
    ("lowbar", '_'),
    ("UnderBar", '_'),
    ("grave", '`'),
    ("lcub", '{'),
    ("lbrace", '{'),
    ("verbar", '|'),
    ("vert", '|'),
    ("VerticalLine", '|'),
    ("rcub", '}'),
    ("rbrace", '}'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("nbsp", '\u{a0}'),
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("agrave", 'à'),
    ("ccedil", 'ç'),
    ("auml", 'ä'),
    ("ouml", 'ö'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
    ("euro", '€'),
    ("pound", '£'),
];

fn hex(b: Option<&u8>) -> Option<u32> {
    match b? {
        b @ b'0'..=b'9' => Some(u32::from(b - b'0')),
        b @ (b'a'..=b'f' | b'A'..=b'F') => Some(u32::from((b | 0x20) - b'a' + 10)),
        _ => None,
    }
}

/// `len` hex digits at `at` (`\uXXXX`'s four).
fn hex_at(b: &[u8], at: usize, len: usize) -> Option<u32> {
    (at..at + len).try_fold(0, |n, i| Some(n << 4 | hex(b.get(i))?))
}

/// Digits in `radix` from `at` up to a `;` (at most 8): the number and the
/// index after the `;`.
fn entity_number(b: &[u8], at: usize, radix: u32) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    for i in at..at + 9 {
        match *b.get(i)? {
            b';' if i > at => return Some((n, i + 1)),
            // Wrapping: a ninth digit makes no escape anyway.
            d => {
                n = n
                    .wrapping_mul(radix)
                    .wrapping_add((d as char).to_digit(radix)?)
            }
        }
    }
    None
}

/// The escape starting at `b[i]` (which is `%`, `\` or `&`): the bytes it
/// stands for (UTF-8 of one char, or one byte for `%XX`), and its length.
/// With `lone`, `\\` is not one: the first `\` is raw and the second may
/// start an escape (a raw `\` before an escaped part of a secret).
fn escape_at(b: &[u8], i: usize, lone: bool) -> Option<([u8; 4], usize, usize)> {
    let char_of = |c: u32, len: usize| {
        let mut out = [0; 4];
        let n = char::from_u32(c)?.encode_utf8(&mut out).len();
        Some((out, n, len))
    };
    match b[i] {
        b'%' => {
            let byte = hex(b.get(i + 1))? << 4 | hex(b.get(i + 2))?;
            Some(([byte as u8, 0, 0, 0], 1, 3))
        }
        b'\\' => {
            let c = match *b.get(i + 1)? {
                b'\\' if lone => return None,
                c @ (b'"' | b'\\' | b'/' | b'\'') => c,
                b'b' => 8,
                b'f' => 12,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'u' => {
                    let unit = hex_at(b, i + 2, 4)?;
                    if (0xD800..0xDC00).contains(&unit) && b.get(i + 6..i + 8) == Some(b"\\u") {
                        let low = hex_at(b, i + 8, 4)?;
                        if (0xDC00..0xE000).contains(&low) {
                            return char_of(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12);
                        }
                    }
                    return char_of(unit, 6);
                }
                _ => return None,
            };
            Some(([c, 0, 0, 0], 1, 2))
        }
        b'&' if b.get(i + 1) == Some(&b'#') => {
            let (c, end) = match b.get(i + 2) {
                Some(b'x' | b'X') => entity_number(b, i + 3, 16)?,
                _ => entity_number(b, i + 2, 10)?,
            };
            char_of(c, end - i)
        }
        b'&' => ENTITIES.iter().find_map(|(name, c)| {
            let end = i + 1 + name.len();
            (b.get(i + 1..end) == Some(name.as_bytes()) && b.get(end) == Some(&b';'))
                .then(|| char_of(*c as u32, end + 1 - i))
                .flatten()
        }),
        _ => None,
    }
}

/// `count` escapes side by side, each `from_len` bytes of the layer before
/// (from `from` on) decoded to `to_len` bytes of this one (from `to` on). A
/// text escaped throughout (every byte `%XX`, every character `\uXXXX`) is
/// a few runs, not an entry per escape.
pub(super) struct Run {
    to: u32,
    from: u32,
    count: u16,
    to_len: u8,
    from_len: u8,
}

impl Run {
    fn ends(&self) -> (usize, usize) {
        let n = usize::from(self.count);
        (
            self.to as usize + n * usize::from(self.to_len),
            self.from as usize + n * usize::from(self.from_len),
        )
    }
}

/// One layer decoded: every escape of `b` replaced by what it stands for,
/// and where each came from. `None` when `b` holds no escape. `lone`: see
/// [`escape_at`].
pub(super) fn decode(b: &[u8], lone: bool) -> Option<(Vec<u8>, Vec<Run>)> {
    let special = |c: &u8| matches!(c, b'%' | b'\\' | b'&');
    let mut first = b.iter().position(special)?;
    if u32::try_from(b.len()).is_err() {
        return None;
    }
    let mut out = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut done = 0;
    while let Some(at) = b
        .get(first..)
        .and_then(|rest| rest.iter().position(special))
    {
        let i = first + at;
        match escape_at(b, i, lone) {
            Some((bytes, n, len)) => {
                out.extend_from_slice(b.get(done..i).unwrap_or_default());
                let (to_len, from_len) = (n as u8, len as u8);
                match runs.last_mut() {
                    Some(r)
                        if (r.to_len, r.from_len) == (to_len, from_len)
                            && r.ends() == (out.len(), i)
                            && r.count < u16::MAX =>
                    {
                        r.count += 1
                    }
                    _ => runs.push(Run {
                        to: out.len() as u32,
                        from: i as u32,
                        count: 1,
                        to_len,
                        from_len,
                    }),
                }
                out.extend_from_slice(bytes.get(..n).unwrap_or_default());
                done = i + len;
                first = done;
            }
            None => first = i + 1,
        }
    }
    if runs.is_empty() {
        return None;
    }
    out.extend_from_slice(b.get(done..).unwrap_or_default());
    Some((out, runs))
}

/// Where decoded byte `p` (its start, or with `end` its end) lies in the
/// layer before: a byte of an escape, the whole escape.
pub(super) fn back(runs: &[Run], p: usize, end: bool) -> usize {
    let i = runs.partition_point(|r| r.to as usize <= p);
    let Some(r) = i.checked_sub(1).and_then(|i| runs.get(i)) else {
        return p + usize::from(end);
    };
    let (to_end, from_end) = r.ends();
    if p >= to_end {
        return from_end + (p - to_end) + usize::from(end);
    }
    let k = (p - r.to as usize) / usize::from(r.to_len) + usize::from(end);
    r.from as usize + k * usize::from(r.from_len)
}

//! The Public Suffix List turned into the lookup table of
//! src/validate/roots.rs: plain std, so the core's tests include this file
//! (`#[path]`) to regenerate the table and compare it with the checked-in one.
//!
//! The table holds, for each suffix that has rules one label longer (a
//! "parent"), those rules' leftmost labels: `jp:ac,ad,...` on one line, the
//! lines sorted by parent and each line's labels sorted, bytewise, so both
//! are found by binary search. `*` is a wildcard rule (`*.ck`), `!www` an
//! exception (`!www.ck`). Rules of one label are left out: the default rule
//! `*` gives the same answer. Every label is an A-label (`xn--…`), as the
//! core's names arrive.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Which of the list's sections to read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sections {
    /// `===BEGIN ICANN DOMAINS===` only: the registries' own boundaries.
    Icann,
    /// ICANN and PRIVATE (what the list's own tests assume).
    All,
}

/// The lookup table: `groups` (lines `parent:label,label`) and the byte
/// offset at which each line starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub groups: String,
    pub starts: Vec<u32>,
    /// Rules read (of every length), for the header.
    pub rules: usize,
}

/// The line that records where a vendored copy came from (see `provenance`).
pub const PROVENANCE: &str = "// peeker-partner: ";

/// The vendored copy's `// peeker-partner: …` line, without the marker, or
/// what the list says of its own version (`// VERSION:`, `// COMMIT:`).
pub fn provenance(dat: &str) -> String {
    let mut own = Vec::new();
    for line in dat
        .lines()
        .take_while(|l| l.trim().is_empty() || l.starts_with("//"))
    {
        if let Some(p) = line.strip_prefix(PROVENANCE) {
            return p.trim().to_owned();
        }
        for key in ["// VERSION:", "// COMMIT:"] {
            if let Some(v) = line.strip_prefix(key) {
                own.push(format!("{} {}", key.trim_start_matches("// "), v.trim()));
            }
        }
    }
    if own.is_empty() {
        "unknown version".to_owned()
    } else {
        own.join(", ")
    }
}

/// Reads the list's rules of `sections` into the table.
pub fn build(dat: &str, sections: Sections) -> Result<Table, String> {
    let mut section = None;
    let mut seen_icann = false;
    let mut rules = 0usize;
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (n, raw) in dat.lines().enumerate() {
        let line = raw.trim();
        if let Some(marker) = line.strip_prefix("// ===") {
            match marker {
                "BEGIN ICANN DOMAINS===" => {
                    section = Some(Sections::Icann);
                    seen_icann = true;
                }
                "BEGIN PRIVATE DOMAINS===" => section = Some(Sections::All),
                _ if marker.starts_with("END ") => section = None,
                _ => {}
            }
            continue;
        }
        // A rule is read up to the first whitespace.
        let Some(rule) = line.split_whitespace().next() else {
            continue;
        };
        if rule.starts_with("//") {
            continue;
        }
        let Some(read_it) = section else {
            return Err(format!("line {}: rule {rule:?} outside a section", n + 1));
        };
        if sections == Sections::Icann && read_it != Sections::Icann {
            continue;
        }
        rules += 1;
        let (exception, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let mut labels = Vec::new();
        for (i, label) in rule.split('.').enumerate() {
            if label == "*" && i == 0 && !exception {
                labels.push("*".to_owned());
                continue;
            }
            labels.push(a_label(label).map_err(|e| format!("line {}: {rule:?}: {e}", n + 1))?);
        }
        if labels.len() < 2 {
            if exception || labels.first().is_some_and(|l| l == "*") {
                return Err(format!(
                    "line {}: {rule:?}: a one-label exception or wildcard",
                    n + 1
                ));
            }
            continue;
        }
        let first = labels.remove(0);
        let child = if exception {
            format!("!{first}")
        } else {
            first
        };
        groups.entry(labels.join(".")).or_default().insert(child);
    }
    if !seen_icann {
        return Err("no `// ===BEGIN ICANN DOMAINS===` section: not the Public Suffix List".into());
    }
    if rules < 1000 {
        return Err(format!("only {rules} rules: a truncated copy?"));
    }
    let mut table = Table {
        groups: String::new(),
        starts: Vec::new(),
        rules,
    };
    for (parent, children) in &groups {
        if !table.groups.is_empty() {
            table.groups.push('\n');
        }
        let at = u32::try_from(table.groups.len()).map_err(|_| "a table of 4 GB?".to_owned())?;
        table.starts.push(at);
        table.groups.push_str(parent);
        table.groups.push(':');
        let children: Vec<&str> = children.iter().map(String::as_str).collect();
        table.groups.push_str(&children.join(","));
    }
    Ok(table)
}

/// src/validate/psl.gen.rs for the list `dat` (ICANN section only).
pub fn render(dat: &str) -> Result<String, String> {
    let table = build(dat, Sections::Icann)?;
    let starts: Vec<u16> = table
        .starts
        .iter()
        .map(|&at| u16::try_from(at))
        .collect::<Result<_, _>>()
        .map_err(|_| "the table outgrew u16 offsets: widen `STARTS` in roots.rs".to_owned())?;
    let mut out = String::new();
    let _ = write!(
        out,
        "// Generated by `cargo xtask psl` from src/validate/public_suffix_list.dat: do not edit.
// Source: {}.
// The ICANN section of the Public Suffix List ({} rules), as A-labels; rules of
// one label are left out (the default rule `*` says the same). The format is
// in xtask/src/psl/table.rs; `tests/roots.rs` fails when this file is stale.

/// Each line `parent:label,label,…`: the leftmost labels of the rules one
/// label longer than `parent` (`*` a wildcard, `!x` an exception), sorted.
#[rustfmt::skip]
pub(super) static GROUPS: &str = \"\\
{}\";

/// The byte offset of each line of [`GROUPS`].
#[rustfmt::skip]
pub(super) static STARTS: [u16; {}] = [
",
        provenance(dat),
        table.rules,
        table.groups,
        starts.len(),
    );
    for row in starts.chunks(12) {
        let row: Vec<String> = row.iter().map(u16::to_string).collect();
        let _ = writeln!(out, "    {},", row.join(", "));
    }
    out.push_str("];\n");
    Ok(out)
}

/// `label` lower-cased, as an A-label when it is not ASCII.
pub fn a_label(label: &str) -> Result<String, String> {
    let lower = label.to_lowercase();
    let out = if lower.is_ascii() {
        lower
    } else {
        format!("xn--{}", punycode(&lower).ok_or("cannot be punycoded")?)
    };
    let ldh = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    if out.is_empty() || out.len() > 63 || !out.bytes().all(ldh) {
        return Err(format!("{label:?} is not a valid label"));
    }
    Ok(out)
}

/// RFC 3492 punycode of `input` (without the `xn--` prefix).
pub fn punycode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let adapt = |mut delta: u32, points: u32, first: bool| {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + 38)
    };
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let points: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (128u32, 0u32, 72u32);
    while (handled as usize) < points.len() {
        let m = points.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

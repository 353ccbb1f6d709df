//! Domain names as browsers and registrars read them: Unicode's UTS #46
//! conformance file (tests/resources/IdnaTestV2.txt), every line, through
//! `normalize_domain` and `display_domain`. The expected answer is the UTS #46
//! result with the WHATWG URL flags, then our stricter DNS rules (listed in
//! `STRICT_RULES`, in docs/contract.md#domain-names and in
//! tests/js/idna-conformance.mjs, which the Node, Chromium and workerd tests
//! share).

use peeker_partner::validate::{display_domain, normalize_domain};

const FILE: &str = include_str!("resources/IdnaTestV2.txt");

/// The status codes the WHATWG flags switch off (the file's own table):
/// VerifyDnsLength, CheckHyphens, UseSTD3ASCIIRules, and X4_2 (an empty label
/// in ToUnicode).
const IGNORED: &[&str] = &["A4_1", "A4_2", "V2", "V3", "U1", "X4_2"];

/// Our stricter rules, each a test on the UTS #46 A-label (one trailing dot
/// removed) and a piece of the message `normalize_domain` gives for it.
type Rule = (&'static str, fn(&str) -> bool, &'static str);
const STRICT_RULES: &[Rule] = &[
    ("empty", |a| a.is_empty(), "is empty"),
    (
        "empty_label",
        |a| a.split('.').any(str::is_empty),
        "empty label",
    ),
    (
        "ldh",
        |a| {
            !a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        },
        "only letters, digits and hyphens",
    ),
    (
        "hyphen",
        |a| a.split('.').any(|l| l.starts_with('-') || l.ends_with('-')),
        "starts or ends with a hyphen",
    ),
    (
        "label_length",
        |a| a.split('.').any(|l| l.len() > 63),
        "longer than 63",
    ),
    ("length", |a| a.len() > 253, "longer than 253"),
    (
        "two_labels",
        |a| a.split('.').count() < 2,
        "at least two labels",
    ),
    (
        "numeric_tld",
        |a| {
            a.rsplit('.')
                .next()
                .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
        },
        "all-numeric top-level label",
    ),
];

struct Row {
    line: usize,
    source: String,
    to_unicode: String,
    to_unicode_errors: Vec<String>,
    to_ascii_n: String,
    to_ascii_n_errors: Vec<String>,
}

fn unescape(s: &str) -> String {
    if s == "\"\"" {
        return String::new();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (hex, len) = if let Some(h) = tail.strip_prefix("\\u") {
            (&h[..4], 6)
        } else if let Some(h) = tail.strip_prefix("\\x{") {
            let end = h.find('}').unwrap();
            (&h[..end], end + 4)
        } else {
            out.push('\\');
            rest = &tail[1..];
            continue;
        };
        // Surrogates do not occur unpaired in this file's sources.
        out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap_or('\u{FFFD}'));
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

fn statuses(s: &str) -> Vec<String> {
    s.trim_matches(['[', ']', ' '])
        .split(',')
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, raw) in FILE.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(';').map(str::trim).collect();
        let source = unescape(cols[0]);
        let to_unicode = if cols[1].is_empty() {
            source.clone()
        } else {
            unescape(cols[1])
        };
        let to_unicode_errors = statuses(cols[2]);
        let to_ascii_n = if cols[3].is_empty() {
            to_unicode.clone()
        } else {
            unescape(cols[3])
        };
        let to_ascii_n_errors = if cols[4].is_empty() {
            to_unicode_errors.clone()
        } else {
            statuses(cols[4])
        };
        rows.push(Row {
            line: i + 1,
            source,
            to_unicode,
            to_unicode_errors,
            to_ascii_n,
            to_ascii_n_errors,
        });
    }
    rows
}

enum Expected {
    Send(String),
    Uts46Error,
    Stricter(Vec<&'static Rule>),
}

fn expected(row: &Row) -> Expected {
    if row
        .to_ascii_n_errors
        .iter()
        .any(|e| !IGNORED.contains(&e.as_str()))
    {
        return Expected::Uts46Error;
    }
    let a = row.to_ascii_n.strip_suffix('.').unwrap_or(&row.to_ascii_n);
    let rules: Vec<_> = STRICT_RULES.iter().filter(|(_, test, _)| test(a)).collect();
    if rules.is_empty() {
        Expected::Send(a.to_owned())
    } else {
        Expected::Stricter(rules)
    }
}

#[test]
fn the_whole_uts46_conformance_file() {
    let rows = rows();
    assert!(rows.len() > 6000, "{} rows", rows.len());
    let mut failures = Vec::new();
    let (mut sent, mut uts46, mut stricter) = (0, 0, std::collections::BTreeMap::new());
    for row in &rows {
        // Our one pre-step: surrounding whitespace is trimmed. No source in
        // the file has any, so every line is a plain UTS #46 case.
        assert_eq!(row.source.trim(), row.source, "line {}", row.line);
        let at = format!("line {} {:?}", row.line, row.source);
        match (expected(row), normalize_domain(&row.source)) {
            (Expected::Send(want), Ok(got)) if got == want => sent += 1,
            (Expected::Send(want), got) => {
                failures.push(format!("{at}: {got:?}, UTS #46 gives {want}"))
            }
            (Expected::Uts46Error, Err(_)) => uts46 += 1,
            (Expected::Stricter(rules), Err(why)) if rules.iter().any(|r| why.contains(r.2)) => {
                *stricter.entry(rules[0].0).or_insert(0) += 1;
            }
            (want, got) => failures.push(format!(
                "{at}: {got:?}, expected {}",
                match want {
                    Expected::Uts46Error => "a refusal (UTS #46 error)".to_owned(),
                    Expected::Stricter(r) => format!(
                        "a refusal by {:?}",
                        r.iter().map(|r| r.0).collect::<Vec<_>>()
                    ),
                    Expected::Send(_) => unreachable!(),
                }
            )),
        }
    }
    eprintln!(
        "UTS #46 conformance (native): {} rows, {sent} sent as UTS #46 gives, {uts46} refused as UTS #46 errors, refused by our stricter rules: {stricter:?}, {} disagreements",
        rows.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn display_form_is_uts46_to_unicode() {
    let mut failures = Vec::new();
    for row in rows() {
        let Expected::Send(a_label) = expected(&row) else {
            continue;
        };
        if row
            .to_unicode_errors
            .iter()
            .any(|e| !IGNORED.contains(&e.as_str()))
        {
            continue;
        }
        let want = row.to_unicode.strip_suffix('.').unwrap_or(&row.to_unicode);
        let got = display_domain(&a_label);
        if got != want {
            failures.push(format!(
                "line {} {a_label}: shows {got:?}, ToUnicode gives {want:?}",
                row.line
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What customers typed, what browsers send (Node 20's `new URL()` and
/// `url.domainToASCII`), and what people read.
pub const TYPED: &[(&str, &str, &str)] = &[
    ("mu\u{308}nchen.de", "xn--mnchen-3ya.de", "münchen.de"),
    ("ＥＸＡＭＰＬＥ.com", "example.com", "example.com"),
    ("ex\u{AD}ample.com", "example.com", "example.com"),
    ("acme\u{200B}.com", "acme.com", "acme.com"),
    ("ΣΑΣ.gr", "xn--mxa9ab.gr", "σασ.gr"),
    ("e\u{301}cole.fr", "xn--cole-9oa.fr", "école.fr"),
];

#[test]
fn names_are_sent_as_browsers_send_them() {
    for any_case in ["Xn--mnchen-3ya.de", "xN--MNCHEN-3YA.DE", "MÜNCHEN.de"] {
        assert_eq!(display_domain(any_case), "münchen.de", "{any_case}");
    }
    for (typed, sent, shown) in TYPED {
        assert_eq!(normalize_domain(typed).as_deref(), Ok(*sent), "{typed:?}");
        assert_eq!(display_domain(sent), *shown, "{sent}");
    }
}

#[test]
fn refusals_say_which_label_and_rule() {
    let why = |s: &str| normalize_domain(s).unwrap_err();
    assert!(
        why("xn--zz-.com").contains("'xn--zz-'"),
        "{}",
        why("xn--zz-.com")
    );
    assert!(
        why("xn--99999999999.com").contains("not valid punycode"),
        "{}",
        why("xn--99999999999.com")
    );
    assert!(why("xn--a.com").contains("U+0080"), "{}", why("xn--a.com"));
    assert!(
        why("xn--xn--a--gua.pt").contains("itself starts with 'xn--'"),
        "{}",
        why("xn--xn--a--gua.pt")
    );
    assert!(
        why("a\u{5D0}.com").contains("mixes right-to-left and left-to-right letters"),
        "{}",
        why("a\u{5D0}.com")
    );
    assert!(
        why("a\u{200D}b.com").contains("zero-width joiner"),
        "{}",
        why("a\u{200D}b.com")
    );
    assert!(
        why("a\u{200C}b.com").contains("zero-width non-joiner"),
        "{}",
        why("a\u{200C}b.com")
    );
    assert!(
        why("\u{301}a.com").contains("combining mark"),
        "{}",
        why("\u{301}a.com")
    );
    assert!(why("a b.com").contains("space"), "{}", why("a b.com"));
    assert!(
        why("exa_mple.com").contains("'_'"),
        "{}",
        why("exa_mple.com")
    );
    assert!(
        why("a\u{FFFD}.com").contains("U+FFFD"),
        "{}",
        why("a\u{FFFD}.com")
    );
    assert!(
        why("xn--abc-.com").contains("'xn--abc-'"),
        "{}",
        why("xn--abc-.com")
    );
}

#[test]
fn mixed_scripts_warn_as_browsers_flag_them() {
    use peeker_partner::validate::{domain_warnings, names::mixed_script_labels};
    let scripts = |name: &str| -> Vec<Vec<&'static str>> {
        mixed_script_labels(name)
            .into_iter()
            .map(|m| m.scripts)
            .collect()
    };
    // A Cyrillic а in a Latin label; a Greek ο; both in one label.
    assert_eq!(scripts("\u{430}pple.com"), vec![vec!["Cyrillic", "Latin"]]);
    assert_eq!(scripts("g\u{3BF}ogle.com"), vec![vec!["Latin", "Greek"]]);
    assert_eq!(
        scripts("p\u{430}yp\u{3B1}l.com"),
        vec![vec!["Latin", "Cyrillic", "Greek"]]
    );
    // One script (digits and hyphens go with any), and the CJK combinations
    // browsers allow: no warning.
    for fine in [
        "münchen.de",
        "пример.рф",
        "例え.テスト",
        "ひらがなカタカナ漢字abc.jp",
        "中文abc.tw",
        "한국어abc.kr",
        "xn--mnchen-3ya.de",
        "ελληνικά-123.gr",
        "acme.com",
        "ー長音ー.jp",
    ] {
        assert_eq!(scripts(fine), Vec::<Vec<&str>>::new(), "{fine}");
    }
    // Only the label at fault; other labels are fine.
    assert_eq!(
        scripts("shop.\u{430}pple.com"),
        vec![vec!["Cyrillic", "Latin"]]
    );
    // Han with Cyrillic is not one of the allowed combinations.
    assert_eq!(scripts("漢\u{430}.com"), vec![vec!["Han", "Cyrillic"]]);
    // A refused name has no warnings.
    assert!(scripts("a\u{5D0}.com").is_empty());

    let warnings = domain_warnings("\u{430}pple.com");
    assert_eq!(warnings[0]["code"], "mixed_script");
    assert_eq!(warnings[0]["domain"], "xn--pple-43d.com");
    assert_eq!(warnings[0]["label"], "\u{430}pple");
    assert_eq!(
        warnings[0]["scripts"],
        serde_json::json!(["Cyrillic", "Latin"])
    );
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("mixes Cyrillic and Latin letters"),
        "{message}"
    );
    assert_eq!(domain_warnings("münchen.de"), serde_json::json!([]));
}

#[test]
fn messages_show_names_as_people_read_them() {
    use peeker_partner::model::AvailabilityRow;
    use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
    use serde_json::json;
    let problems = peeker_partner::validate::validate_availability(&json!({
        "domains": ["münchen.de", "MÜNCHEN.DE"]
    }));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .starts_with("münchen.de (xn--mnchen-3ya.de) appears twice"),
        "{}",
        problems[0].message
    );
    // What is sent stays the A-label.
    assert_eq!(
        problems[0].details.as_ref().unwrap()["domain"],
        "xn--mnchen-3ya.de"
    );

    let row: AvailabilityRow = serde_json::from_value(json!({
        "domain": "xn--mnchen-3ya.de", "available": true, "premium": true,
        "usable_for": ["google", "microsoft"]
    }))
    .unwrap();
    let SplitOutcome::Err { problems, .. } = check_domain_split(
        Split {
            google: 1,
            microsoft: 0,
        },
        &[row],
    ) else {
        panic!("a premium pick must not fill the split")
    };
    let premium = problems.iter().find(|p| p.field == "domains[0]").unwrap();
    assert!(
        premium
            .message
            .starts_with("münchen.de (xn--mnchen-3ya.de) is a premium domain"),
        "{}",
        premium.message
    );
}

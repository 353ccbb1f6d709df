//! Registrable roots: a name one label longer than its public suffix, per the
//! Public Suffix List's ICANN section (src/validate/roots.rs, psl.gen.rs).

use peeker_partner::request::Endpoint;
use peeker_partner::validate::roots::{registrable_root, Offset, SuffixTable, ICANN};
use peeker_partner::validate::validate_import;
use peeker_partner::PeekerError;
use serde_json::json;

/// The generator of src/validate/psl.gen.rs (`cargo xtask psl`).
#[path = "../xtask/src/psl/table.rs"]
#[allow(dead_code)]
mod table;

fn read(path: &str) -> String {
    let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn dat() -> String {
    read("src/validate/public_suffix_list.dat")
}

const ROOTS: [&str; 6] = [
    "acme.com",
    "acme.com.pl",
    "acme.org.br",
    "acme.co.uk",
    "acme.com.au",
    "xn--mnchen-3ya.de",
];

/// `(name, what the message must say)`.
const NOT_ROOTS: [(&str, &str); 5] = [
    ("mail.acme.com", "its root is acme.com"),
    ("www.acme.co.uk", "its root is acme.co.uk"),
    ("a.b.acme.com.pl", "its root is acme.com.pl"),
    ("co.uk", "co.uk is a public suffix"),
    ("com.pl", "com.pl is a public suffix"),
];

#[test]
fn real_roots_import() {
    let body = json!({ "domains": ROOTS });
    let problems = validate_import(&body);
    assert!(problems.is_empty(), "{problems:#?}");
    let r = Endpoint::ImportDomains
        .build(None, &body)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let sent: serde_json::Value =
        serde_json::from_slice(r.body.as_deref().unwrap_or_default()).unwrap();
    assert_eq!(sent, body);
    // Case and a trailing dot are normalised first.
    assert!(validate_import(&json!({"domains": ["ACME.Com.PL."]})).is_empty());
}

#[test]
fn non_roots_are_refused_naming_the_root() {
    let names: Vec<&str> = NOT_ROOTS.iter().map(|(n, _)| *n).collect();
    let problems = validate_import(&json!({ "domains": names }));
    assert_eq!(problems.len(), NOT_ROOTS.len(), "{problems:#?}");
    for (i, (name, says)) in NOT_ROOTS.iter().enumerate() {
        let p = &problems[i];
        assert_eq!(p.field, format!("domains[{i}]"));
        assert_eq!(p.code, "invalid_request");
        assert!(
            p.message.contains(name) && p.message.contains(says),
            "{name}: {}",
            p.message
        );
    }
    let e = Endpoint::ImportDomains
        .build(None, &json!({"domains": ["mail.acme.com"]}))
        .unwrap_err();
    assert!(says(&e, "its root is acme.com"), "{e:?}");
    // A single label is no domain at all.
    assert_eq!(validate_import(&json!({"domains": ["com"]})).len(), 1);
    let job = Endpoint::CreateImportJob.build(None, &json!({"domains": ["www.acme.co.uk"]}));
    assert!(says(&job.unwrap_err(), "its root is acme.co.uk"));
}

fn says(e: &PeekerError, text: &str) -> bool {
    e.problems.iter().any(|p| p.message.contains(text))
}

#[test]
fn the_generated_table_is_up_to_date() {
    let fresh = table::render(&dat()).unwrap();
    assert!(
        fresh == read("src/validate/psl.gen.rs"),
        "src/validate/psl.gen.rs is stale: run \
         `cargo xtask psl --file src/validate/public_suffix_list.dat`"
    );
    assert!(table::provenance(&dat()).contains("commit"));
}

/// The list's own tests (test_psl.txt of the publicsuffix/list repository,
/// vendored in tests/resources/psl/): `checkPublicSuffix(name, registrable root or null)`.
fn psl_cases() -> Vec<(String, Option<String>)> {
    let text = read("tests/resources/psl/test_psl.txt");
    let arg = |a: &str| match a.trim() {
        "null" => None,
        q => Some(q.trim_matches('\'').to_owned()),
    };
    let cases: Vec<_> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("checkPublicSuffix("))
        .filter_map(|l| l.strip_suffix(");"))
        .filter_map(|args| {
            let (name, root) = args.split_once(',')?;
            Some((arg(name)?, arg(root)))
        })
        .collect();
    assert!(cases.len() > 70, "{}", cases.len());
    cases
}

/// A test name as the core receives names: lower-case A-labels.
fn a_labels(name: &str) -> Option<String> {
    let labels: Result<Vec<String>, String> = name.split('.').map(table::a_label).collect();
    labels.ok().map(|l| l.join("."))
}

fn check_cases<O: Offset>(table: SuffixTable<'_, O>, private: &[(&str, &str)]) {
    for (name, root) in psl_cases() {
        // A leading dot is no name; the core refuses it before any lookup.
        let Some(name) = a_labels(&name) else {
            assert_eq!(root, None, "{name}");
            continue;
        };
        let want = match private.iter().find(|(n, _)| *n == name) {
            Some((_, icann)) => Some((*icann).to_owned()),
            None => root.as_deref().and_then(a_labels),
        };
        assert_eq!(table.root(&name).map(str::to_owned), want, "{name}");
    }
}

#[test]
fn the_lists_own_tests_pass_on_the_whole_list() {
    let whole = table::build(&dat(), table::Sections::All).unwrap();
    check_cases(SuffixTable::new(&whole.groups, &whole.starts), &[]);
}

#[test]
fn the_lists_own_tests_pass_on_the_icann_section() {
    // `uk.com` is a PRIVATE rule (CentralNic's), so by ICANN's rules alone
    // `uk.com` is the root.
    let private = [
        ("uk.com", "uk.com"),
        ("example.uk.com", "uk.com"),
        ("b.example.uk.com", "uk.com"),
        ("a.b.example.uk.com", "uk.com"),
    ];
    check_cases(ICANN, &private);
}

#[test]
fn every_icann_rule_reads_as_written() {
    let dat = dat();
    let icann = dat
        .split("// ===BEGIN ICANN DOMAINS===")
        .nth(1)
        .and_then(|s| s.split("// ===END ICANN DOMAINS===").next())
        .unwrap();
    let mut rules = 0;
    for rule in icann.lines().filter_map(|l| l.split_whitespace().next()) {
        if rule.starts_with("//") {
            continue;
        }
        rules += 1;
        if let Some(exception) = rule.strip_prefix('!') {
            let name = a_labels(exception).unwrap();
            assert_eq!(registrable_root(&name), Some(name.as_str()), "{rule}");
        } else if let Some(under) = rule.strip_prefix("*.") {
            let under = a_labels(under).unwrap();
            let name = format!("acme.x.{under}");
            assert_eq!(registrable_root(&name), Some(name.as_str()), "{rule}");
        } else {
            let suffix = a_labels(rule).unwrap();
            let name = format!("acme.{suffix}");
            assert_eq!(registrable_root(&suffix), None, "{rule}");
            assert_eq!(registrable_root(&name), Some(name.as_str()), "{rule}");
            let deeper = format!("mail.{name}");
            assert_eq!(registrable_root(&deeper), Some(name.as_str()), "{rule}");
        }
    }
    assert!(rules > 6000, "{rules}");
}

/// `cargo test --release --test roots -- --ignored --nocapture lookup_speed`
#[test]
#[ignore = "a measurement, not a check"]
fn lookup_speed() {
    let names = [
        "acme.com",
        "mail.acme.com",
        "acme.co.uk",
        "www.acme.co.uk",
        "acme.com.pl",
        "acme.de",
        "xn--mnchen-3ya.de",
        "shop.city.kawasaki.jp",
        "b.test.ck",
        "acme.org.br",
    ];
    let rounds = 200_000;
    let start = std::time::Instant::now();
    let mut roots = 0usize;
    for _ in 0..rounds {
        for name in names {
            roots += usize::from(
                std::hint::black_box(registrable_root(std::hint::black_box(name))).is_some(),
            );
        }
    }
    let per = start.elapsed().as_nanos() as f64 / (rounds * names.len()) as f64;
    assert_eq!(roots, rounds * names.len());
    println!(
        "registrable_root: {per:.0} ns per name (mean over {} names)",
        names.len()
    );
}

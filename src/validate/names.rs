//! Domain names, emails and URLs: the syntax rules of docs/contract.md#domain-names, with no
//! regex. Domain names go through UTS #46 (the `idna` crate), whose Unicode
//! data is the one table here (`cargo xtask bench` shows what it costs).

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

/// Longest domain name in octets (RFC 1035).
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest label in octets.
pub const MAX_LABEL_LEN: usize = 63;
/// Longest URL the SDK accepts; browsers and CDNs agree on about this much.
pub const MAX_URL_LEN: usize = 2048;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A client's `baseUrl`, trimmed and without a trailing `/`, or why not:
/// `http(s)://host[:port][/path]`, no user or password (they would show in
/// error texts), nothing after `?` or `#`, and `https:` unless the host is
/// loopback (`localhost`, `127.x.x.x`, `[::1]`): a key must not cross a
/// network in clear text.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if lower.starts_with("https://") {
        (true, url.get(8..).unwrap_or_default())
    } else if lower.starts_with("http://") {
        (false, url.get(7..).unwrap_or_default())
    } else {
        return Err("must be an http(s) URL such as https://api.peeker.ai/partner/v1".into());
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains(['?', '#', '\\']) {
        return Err("must be a plain URL (no spaces, query or fragment)".into());
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return Err("must not carry a user name or password".into());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6
            .split(']')
            .next()
            .map(|h| format!("[{h}]"))
            .unwrap_or_default(),
        None => authority
            .split(':')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase(),
    };
    let port = authority
        .get(host.len()..)
        .unwrap_or_default()
        .strip_prefix(':');
    if host.is_empty()
        || host == "[]"
        || port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0))
    {
        return Err("must name a host (and a port from 1 to 65535 if any)".into());
    }
    let loopback = host == "localhost"
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|r| {
            r.split('.').count() == 3 && r.split('.').all(|n| n.parse::<u8>().is_ok())
        });
    if !secure && !loopback {
        return Err("must be https:// (http:// only for a loopback host such as 127.0.0.1)".into());
    }
    Ok(url.to_owned())
}

/// `value` shortened to at most 60 characters, for echoing in a message.
pub fn show(value: &str) -> String {
    const MAX: usize = 60;
    let mut chars = value.char_indices();
    match (chars.nth(MAX - 1), chars.next()) {
        (Some((cut, _)), Some(_)) => format!("{}…", value.get(..cut).unwrap_or_default()),
        _ => value.to_owned(),
    }
}

/// UTS #46 with the WHATWG URL Standard's flags for "domain to ASCII" with
/// beStrict false: nontransitional, CheckBidi and CheckJoiners on,
/// CheckHyphens, VerifyDnsLength and UseSTD3ASCIIRules off (the URL
/// Standard's forbidden domain code points are refused instead), as
/// browsers' `new URL()` and Node's `url.domainToASCII` apply it.
const UTS46: Uts46 = Uts46::new();
const WHATWG_DENY: AsciiDenyList = AsciiDenyList::URL;

/// Normalises a domain name to the A-label form that is sent: surrounding
/// whitespace is removed, then the name is processed as UTS #46 (above):
/// mapped (case folded, full-width forms narrowed, soft hyphens and
/// zero-width spaces dropped), put in NFC, checked (bidi, joiners, valid
/// punycode) and punycoded. One trailing dot (the DNS root) is removed. On
/// top, our stricter DNS rules: no empty label, labels of letters, digits and
/// hyphens only, none starting or ending with a hyphen, at most 63 octets
/// each and 253 in all, at least two labels, no all-numeric last label.
/// `Err` says why the name is not valid, naming the label and the rule.
pub fn normalize_domain(input: &str) -> Result<String, String> {
    // Cheap bound first: no valid name is longer than this even as Unicode
    // (and it keeps the punycode work, quadratic, small).
    if input.len() > MAX_DOMAIN_LEN * 4 {
        return Err(format!("is longer than {MAX_DOMAIN_LEN} characters"));
    }
    let name = input.trim();
    if name.is_empty() {
        return Err("is empty".to_owned());
    }
    let ascii = UTS46
        .to_ascii(
            name.as_bytes(),
            WHATWG_DENY,
            Hyphens::Allow,
            DnsLength::Ignore,
        )
        .map_err(|_| diagnose(name))?;
    let out = ascii.strip_suffix('.').unwrap_or(&ascii);
    if let Some(label) = nested_a_label(out) {
        return Err(format!(
            "has the label '{}', which is punycode for a label that itself starts with 'xn--'",
            show(label)
        ));
    }
    check_dns(out)?;
    Ok(out.to_owned())
}

/// The first A-label whose Unicode form begins with `xn--`: UTS #46's
/// validity criterion 4 when CheckHyphens is false, which the `idna` crate
/// (1.1) checks only as part of CheckHyphens.
fn nested_a_label(ascii: &str) -> Option<&str> {
    ascii.split('.').find(|label| {
        label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
            && label
                .get(4..)
                .and_then(idna::punycode::decode_to_string)
                .is_some_and(|u| u.starts_with("xn--"))
    })
}

/// Our stricter DNS rules on a UTS #46 A-label (see [`normalize_domain`]),
/// in the order the conformance tests list them.
fn check_dns(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty".to_owned());
    }
    let mut labels = 0usize;
    for label in name.split('.') {
        labels += 1;
        if label.is_empty() {
            return Err("has an empty label (two dots in a row, or a leading dot)".to_owned());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(if c.is_ascii_graphic() {
                format!("contains '{c}'; labels may hold only letters, digits and hyphens")
            } else {
                format!(
                    "contains the character U+{:04X}; labels may hold only letters, digits and hyphens",
                    u32::from(c)
                )
            });
        }
    }
    for label in name.split('.') {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "has a label that starts or ends with a hyphen ('{}')",
                show(label)
            ));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(format!(
                "has a label longer than {MAX_LABEL_LEN} octets ('{}')",
                show(label)
            ));
        }
    }
    if name.len() > MAX_DOMAIN_LEN {
        return Err(format!("is longer than {MAX_DOMAIN_LEN} octets"));
    }
    if labels < 2 {
        return Err("needs at least two labels, such as example.com".to_owned());
    }
    let tld = name.rsplit('.').next().unwrap_or("");
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err("has an all-numeric top-level label (IP addresses are not domains)".to_owned());
    }
    Ok(())
}

/// Why UTS #46 refuses `name`, in words a customer understands: the first
/// label in error and the rule it breaks. Only called once processing has
/// failed, so it may take its time.
fn diagnose(name: &str) -> String {
    let data = idna_adapter::Adapter::new();
    let mapped: String = data.map_normalize(name.chars()).collect();
    // A character UTS #46 disallows (or one the URL Standard forbids): the
    // mapping table alone says (no NFC, which in wasm is a JS call).
    let disallowed = mapped.contains('\u{FFFD}');
    for c in name.chars() {
        let forbidden = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '-' || c == '.')
                && (c.is_ascii_control() || " %#/:<>?@[\\]^|".contains(c))
        } else {
            disallowed
                && idna_mapping::Mapper::new(core::iter::once(c), false).any(|m| m == '\u{FFFD}')
        };
        if forbidden {
            return if c.is_ascii_graphic() {
                format!("contains '{c}'; labels may hold only letters, digits and hyphens")
            } else if c == ' ' {
                "contains a space; labels may hold only letters, digits and hyphens".to_owned()
            } else if visible(c) {
                format!(
                    "contains '{c}' (U+{:04X}), which domain names cannot hold",
                    u32::from(c)
                )
            } else {
                format!(
                    "contains the character U+{:04X}, which domain names cannot hold",
                    u32::from(c)
                )
            };
        }
    }
    // Which labels UTS #46 marks: its ToUnicode output has U+FFFD in them.
    let (marked, _) = UTS46.to_unicode(name.as_bytes(), WHATWG_DENY, Hyphens::Allow);
    let marked: Vec<&str> = marked.split('.').collect();
    let labels: Vec<&str> = mapped.split('.').collect();
    let is_rtl = |c: char| {
        let mask = data.bidi_class(c).to_mask();
        mask.intersects(data.bidi_class('\u{05D0}').to_mask())
            || mask.intersects(data.bidi_class('\u{0627}').to_mask())
            || mask.intersects(data.bidi_class('\u{0660}').to_mask())
    };
    let bidi_domain = labels.iter().any(|l| l.chars().any(is_rtl))
        || labels.iter().any(|l| {
            l.strip_prefix("xn--")
                .and_then(idna::punycode::decode_to_string)
                .is_some_and(|u| u.chars().any(is_rtl))
        });
    for (i, label) in labels.iter().enumerate() {
        let in_error = marked
            .get(i)
            .map_or(labels.len() != marked.len(), |m| m.contains('\u{FFFD}'));
        if !in_error {
            continue;
        }
        let shown = show(label);
        let mut unicode = (*label).to_owned();
        if let Some(rest) = label.strip_prefix("xn--") {
            let decoded = if rest.is_ascii() && !rest.is_empty() && !rest.ends_with('-') {
                idna::punycode::decode_to_string(rest)
            } else {
                None
            };
            let Some(decoded) = decoded else {
                return format!("has the label '{shown}', which is not valid punycode");
            };
            if decoded.is_ascii() {
                return format!(
                    "has the label '{shown}', punycode for plain letters ('{}'): write them as they are",
                    show(&decoded)
                );
            }
            let normal: String = data.map_normalize(decoded.chars()).collect();
            if normal != decoded {
                let odd = decoded.chars().find(|&c| {
                    !data
                        .map_normalize(core::iter::once(c))
                        .eq(core::iter::once(c))
                });
                return match odd {
                    Some(c) => format!(
                        "has the label '{shown}', which is punycode for the character U+{:04X}, which a domain name cannot hold as it is",
                        u32::from(c)
                    ),
                    None => format!(
                        "has the label '{shown}', which is punycode for characters not in their normal form (NFC)"
                    ),
                };
            }
            unicode = decoded;
        }
        if unicode.chars().next().is_some_and(|c| data.is_mark(c)) {
            return format!(
                "has the label '{shown}', which starts with a combining mark (an accent with no letter before it)"
            );
        }
        let joiners = |c: char| c == '\u{200C}' || c == '\u{200D}';
        if unicode.chars().any(joiners) {
            // Whether the joiners are the fault: the name without them passes.
            let without: String = labels
                .iter()
                .enumerate()
                .map(|(j, l)| {
                    if j == i {
                        unicode.replace(joiners, "")
                    } else {
                        (*l).to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(".");
            let fine = UTS46
                .to_ascii(
                    without.as_bytes(),
                    WHATWG_DENY,
                    Hyphens::Allow,
                    DnsLength::Ignore,
                )
                .is_ok();
            if fine || !bidi_domain {
                let which = if unicode.contains('\u{200D}') {
                    "a zero-width joiner (U+200D)"
                } else {
                    "a zero-width non-joiner (U+200C)"
                };
                return format!("has {which} where it is not allowed, in the label '{shown}'");
            }
        }
        if bidi_domain {
            let ltr = unicode.chars().any(|c| data.bidi_class(c).is_ltr());
            return if ltr && unicode.chars().any(is_rtl) {
                format!(
                    "has the label '{shown}', which mixes right-to-left and left-to-right letters"
                )
            } else {
                format!(
                    "has the label '{shown}', which breaks the rules for right-to-left names (RFC 5893: how a label starts and ends, which digits and marks it may hold, next to right-to-left labels)"
                )
            };
        }
        return format!(
            "has the label '{shown}', which is not a valid internationalized label (UTS #46)"
        );
    }
    "is not a valid internationalized domain name (UTS #46)".to_owned()
}

/// Whether `c` (not ASCII) shows as a glyph in a message: not a control,
/// space, format, variation selector, tag or private-use character. By code
/// point ranges, not Unicode's tables (the wasm's size).
fn visible(c: char) -> bool {
    !matches!(u32::from(c),
        0x80..=0xA0 | 0xAD | 0x34F | 0x61C | 0x115F..=0x1160 | 0x17B4..=0x17B5
        | 0x180B..=0x180F | 0x2000..=0x200F | 0x2028..=0x202F | 0x205F..=0x206F
        | 0x3000 | 0x3164 | 0xE000..=0xF8FF | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0
        | 0xFFF0..=0xFFFB | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..)
}

/// A domain name as people read it, for display: UTS #46 ToUnicode (A-labels
/// decoded, the name mapped as [`normalize_domain`] maps it). A name UTS #46
/// marks as in error is returned as given, never with U+FFFD in it.
pub fn display_domain(name: &str) -> String {
    if name.is_ascii() {
        let lower = name.to_ascii_lowercase();
        if !lower.contains("xn--") {
            return lower;
        }
    }
    match UTS46.to_unicode(name.as_bytes(), WHATWG_DENY, Hyphens::Allow) {
        (unicode, Ok(())) if nested_a_label(name).is_none() => unicode.into_owned(),
        _ => name.to_owned(),
    }
}

/// A domain name for a message: as people read it, with the A-label after it
/// when they differ (`münchen.de (xn--mnchen-3ya.de)`); other names as given.
pub fn shown_domain(name: &str) -> String {
    if !name.to_ascii_lowercase().contains("xn--") {
        return name.to_owned();
    }
    let unicode = display_domain(name);
    if unicode == name {
        name.to_owned()
    } else {
        format!("{unicode} ({name})")
    }
}

/// A label that mixes scripts the way look-alike (spoofed) names do, for a
/// warning (not a refusal): its Unicode form, and the scripts it mixes (their
/// Unicode names, in order of first appearance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedScripts {
    pub label: String,
    pub scripts: Vec<&'static str>,
}

/// The labels of `name` that fail UTS #39's "Highly Restrictive" level, the
/// mixed-script check of browsers' IDN spoof checkers (Chromium shows such a
/// label as punycode): a label passes when one script covers all its letters
/// (Common and Inherited characters, such as digits, the hyphen and combining
/// marks, go with any script; Script_Extensions count), or when its letters
/// are all Latin, Han, Hiragana and Katakana (Japanese), Latin, Han and
/// Bopomofo (Chinese), or Latin, Han and Hangul (Korean). `аpple` with a
/// Cyrillic `а` mixes Latin and Cyrillic. A name [`normalize_domain`] refuses
/// has no warnings (its refusal says enough).
pub fn mixed_script_labels(name: &str) -> Vec<MixedScripts> {
    let Ok(ascii) = normalize_domain(name) else {
        return Vec::new();
    };
    if !ascii.contains("xn--") {
        return Vec::new();
    }
    display_domain(&ascii)
        .split('.')
        .filter_map(|label| {
            let scripts = mixed_scripts(label)?;
            Some(MixedScripts {
                label: label.to_owned(),
                scripts,
            })
        })
        .collect()
}

/// The scripts a Unicode label mixes, or `None` when it passes UTS #39's
/// Highly Restrictive level (see [`mixed_script_labels`]).
fn mixed_scripts(label: &str) -> Option<Vec<&'static str>> {
    use unicode_script::{Script, ScriptExtension, UnicodeScript};
    if label.is_ascii() || !ScriptExtension::for_str(label).is_empty() {
        return None;
    }
    let set = |scripts: &[Script]| {
        scripts
            .iter()
            .fold(ScriptExtension::from(Script::Unknown), |all, s| {
                all.union((*s).into())
            })
    };
    let (latn, hani) = (Script::Latin, Script::Han);
    let combos = [
        set(&[latn, hani, Script::Hiragana, Script::Katakana]),
        set(&[latn, hani, Script::Bopomofo]),
        set(&[latn, hani, Script::Hangul]),
    ];
    let covered = |combo: &ScriptExtension| {
        label
            .chars()
            .all(|c| !c.script_extension().intersection(*combo).is_empty())
    };
    if combos.iter().any(covered) {
        return None;
    }
    let mut scripts: Vec<&'static str> = Vec::new();
    for c in label.chars() {
        let script = c.script();
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            let name = script.full_name();
            if !scripts.contains(&name) {
                scripts.push(name);
            }
        }
    }
    Some(scripts)
}

/// A pragmatic email check: one `@`, a local part of 1–64 octets without
/// spaces or stray dots, and a valid domain after it.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.len() > MAX_EMAIL_LEN {
        return Err(format!("is longer than {MAX_EMAIL_LEN} characters"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("needs an @".to_owned());
    };
    if domain.contains('@') {
        return Err("has more than one @".to_owned());
    }
    if local.is_empty() {
        return Err("has nothing before the @".to_owned());
    }
    if local.len() > 64 {
        return Err("has a part before the @ longer than 64 characters".to_owned());
    }
    if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or control character".to_owned());
    }
    if local.starts_with('.')
        || local.ends_with('.')
        || local.as_bytes().windows(2).any(|pair| pair == b"..")
    {
        return Err("has a misplaced dot before the @".to_owned());
    }
    if domain.trim() != domain || domain.ends_with('.') {
        return Err("has an invalid domain after the @".to_owned());
    }
    normalize_domain(domain)
        .map(|_| ())
        .map_err(|why| format!("has an invalid domain after the @: it {why}"))
}

/// An absolute `http://` or `https://` URL with a host, no spaces, at most
/// [`MAX_URL_LEN`] characters. Private or loopback hosts pass: the server
/// decides reachability (docs/contract.md#sandbox: they become pending actions).
pub fn check_http_url(url: &str) -> Result<(), String> {
    if url.len() > MAX_URL_LEN {
        return Err(format!("is longer than {MAX_URL_LEN} characters"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or control character".to_owned());
    }
    let rest = strip_prefix_ignore_case(url, "https://")
        .or_else(|| strip_prefix_ignore_case(url, "http://"))
        .ok_or_else(|| "must be an absolute URL starting with http:// or https://".to_owned())?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port, is_v6) = if let Some(v6) = host_port.strip_prefix('[') {
        let (inside, after) = v6
            .split_once(']')
            .ok_or_else(|| "has an unclosed [ in its host".to_owned())?;
        let hex = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
        if inside.is_empty() || !inside.chars().all(hex) {
            return Err("has an invalid IPv6 host".to_owned());
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("has an invalid port")?),
        };
        (inside, port, true)
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p), false),
            None => (host_port, None, false),
        }
    };
    if host.is_empty() {
        return Err("has no host".to_owned());
    }
    let host_char = |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if !is_v6 && !host.chars().all(host_char) {
        return Err("has an invalid character in its host".to_owned());
    }
    if let Some(p) = port {
        let valid = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !valid {
            return Err("has an invalid port".to_owned());
        }
    }
    Ok(())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_normalise() {
        let ok = |s: &str| normalize_domain(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(ok("Example.COM"), "example.com");
        assert_eq!(ok("example.com."), "example.com");
        assert_eq!(ok(" example.com "), "example.com");
        assert_eq!(ok("münchen.de"), "xn--mnchen-3ya.de");
        assert_eq!(ok("MÜNCHEN.DE"), "xn--mnchen-3ya.de");
        assert_eq!(ok("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(ok("xn--mnchen-3ya.de"), "xn--mnchen-3ya.de");
        assert_eq!(ok("例え.テスト"), "xn--r8jz45g.xn--zckzah");
        assert_eq!(ok("a。b"), "a.b");
        assert_eq!(ok("mail.acme-co.co.uk"), "mail.acme-co.co.uk");
        let label63 = "a".repeat(63);
        assert_eq!(ok(&format!("{label63}.com")), format!("{label63}.com"));
    }

    #[test]
    fn domains_rejected() {
        for bad in [
            "",
            ".",
            "com",
            "example..com",
            ".example.com",
            "example.com..",
            "-example.com",
            "example-.com",
            "exa mple.com",
            "exa_mple.com",
            "https://example.com",
            "example.com/path",
            "user@example.com",
            "1.2.3.4",
            "\u{0}.com",
        ] {
            assert!(normalize_domain(bad).is_err(), "{bad:?} should be rejected");
        }
        let label64 = "a".repeat(64);
        assert!(normalize_domain(&format!("{label64}.com")).is_err());
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(long.len() > 253);
        assert!(normalize_domain(&long).is_err());
        // 60 ü encode to far more than 63 octets.
        assert!(normalize_domain(&format!("{}.de", "ü".repeat(60))).is_err());
        assert!(normalize_domain(&"a".repeat(10_000_000)).is_err());
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://api.peeker.ai/partner/v1",
            "https://api.peeker.ai/partner/v1/",
            "HTTPS://proxy.example:8443/api",
            "http://127.0.0.1:8787/api",
            "http://localhost:3000",
            "http://[::1]:9/x",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(check_base_url(" https://a.b/ ").unwrap(), "https://a.b");
        for bad in [
            "http://user:pw@127.0.0.1/api",
            "https://user@api.peeker.ai",
            "javascript:alert(1)",
            "ftp://api.peeker.ai",
            "http://api.peeker.ai/partner/v1",
            "http://10.0.0.1/api",
            "http://127.0.0.1.evil.example/api",
            "http://localhost.evil.example",
            "https://",
            "https://:443/x",
            "https://a.b:0",
            "https://a.b:99999",
            "https://a.b/x?y=1",
            "https://a.b/x#y",
            "https://a b",
            "api.peeker.ai",
            "",
        ] {
            let e = check_base_url(bad).unwrap_err();
            assert!(!e.contains("pw"), "{e}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["alex@acme.com", "a.b+tag@sub.acme.co.uk", "j@münchen.de"] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "acme.com",
            "@acme.com",
            "a@@acme.com",
            "a@b@acme.com",
            "alex@",
            "alex@localhost",
            "al ex@acme.com",
            ".alex@acme.com",
            "al..ex@acme.com",
            "alex@acme..com",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
        assert!(check_email(&format!("{}@acme.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn urls() {
        for ok in [
            "https://acme.com",
            "http://acme.com/inbox-redirect?x=1#y",
            "HTTPS://ACME.COM:8443/a",
            "http://127.0.0.1/pic.jpg",
            "http://[::1]:8080/",
            "https://user:pw@acme.com/",
            "https://münchen.de/",
        ] {
            assert!(check_http_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "acme.com",
            "ftp://acme.com",
            "file:///etc/passwd",
            "https://",
            "https:///path",
            "https://acme .com",
            "https://acme.com:0/",
            "https://acme.com:99999/",
            "https://acme.com:/",
            "https://[::1/",
            "https://ac_me.com/",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn show_shortens() {
        assert_eq!(show("abc"), "abc");
        let long = "é".repeat(100);
        let shown = show(&long);
        assert_eq!(shown.chars().count(), 60);
        assert!(shown.ends_with('…'));
        assert_eq!(show(&"x".repeat(60)), "x".repeat(60));
    }
}

//! Domain names, emails and URLs: the syntax rules of Part A §A3, with no regex
//! and no Unicode tables (wasm size).

use super::punycode;

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

/// `base.key`, or whichever of them is not empty.
pub fn join_path(base: &str, key: &str) -> String {
    match (base.is_empty(), key.is_empty()) {
        (true, _) => key.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}.{key}"),
    }
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

/// Normalises a domain name: surrounding whitespace and one trailing dot are
/// removed, labels are lower-cased, and non-ASCII labels become punycode
/// A-labels. `Err` says why the name is not valid.
pub fn normalize_domain(input: &str) -> Result<String, String> {
    // Cheap bound first: no valid name is longer than this even as Unicode.
    if input.len() > MAX_DOMAIN_LEN * 4 {
        return Err(format!("is longer than {MAX_DOMAIN_LEN} characters"));
    }
    let trimmed = input.trim();
    let name = trimmed.strip_suffix('.').unwrap_or(trimmed);
    if name.is_empty() {
        return Err("is empty".to_owned());
    }
    let mut out = String::with_capacity(name.len());
    let mut labels = 0usize;
    // IDNA treats the ideographic and full-width full stops as dots too.
    for label in name.split(['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']) {
        if labels > 0 {
            out.push('.');
        }
        labels += 1;
        out.push_str(&normalize_label(label)?);
    }
    if labels < 2 {
        return Err("needs at least two labels, such as example.com".to_owned());
    }
    if out.len() > MAX_DOMAIN_LEN {
        return Err(format!("is longer than {MAX_DOMAIN_LEN} octets"));
    }
    let tld = out.rsplit('.').next().unwrap_or("");
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err("has an all-numeric top-level label (IP addresses are not domains)".to_owned());
    }
    Ok(out)
}

fn normalize_label(label: &str) -> Result<String, String> {
    if label.is_empty() {
        return Err("has an empty label (two dots in a row, or a leading dot)".to_owned());
    }
    // A punycode label is at least as long as its code points, so anything
    // longer cannot fit; checking first keeps the encoder's work small.
    if label.chars().count() > MAX_LABEL_LEN {
        return Err(format!(
            "has a label longer than {MAX_LABEL_LEN} characters"
        ));
    }
    let lower = lowercase(label);
    let mut ascii = true;
    for c in lower.chars() {
        if c.is_ascii() {
            if !(c.is_ascii_alphanumeric() || c == '-') {
                return Err(if c.is_ascii_graphic() {
                    format!("contains '{c}'; labels may hold only letters, digits and hyphens")
                } else {
                    format!("contains the character U+{:04X}; labels may hold only letters, digits and hyphens", u32::from(c))
                });
            }
        } else if c.is_whitespace() || c.is_control() {
            return Err(format!("contains the character U+{:04X}", u32::from(c)));
        } else {
            ascii = false;
        }
    }
    if lower.starts_with('-') || lower.ends_with('-') {
        return Err("has a label that starts or ends with a hyphen".to_owned());
    }
    let out = if ascii {
        lower
    } else {
        let encoded = punycode::encode(&lower)
            .ok_or_else(|| "has a label that cannot be converted to punycode".to_owned())?;
        format!("xn--{encoded}")
    };
    if out.len() > MAX_LABEL_LEN {
        return Err(format!("has a label longer than {MAX_LABEL_LEN} octets"));
    }
    Ok(out)
}

/// Unicode's default lowercase mapping. In wasm that is the JS engine's
/// `toLowerCase` (the same mapping): Rust's own tables would add 15 KB to
/// every package entry that validates a name.
fn lowercase(label: &str) -> String {
    if label.is_ascii() {
        return label.to_ascii_lowercase();
    }
    #[cfg(target_arch = "wasm32")]
    let lower = String::from(js_sys::JsString::from(label).to_lower_case());
    #[cfg(not(target_arch = "wasm32"))]
    let lower = label.to_lowercase();
    lower
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
/// decides reachability (Part A §A8 turns them into pending actions).
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

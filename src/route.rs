//! Method + path → the contract endpoint it names, exactly or not at all.
//!
//! This is what lets a proxy (the Worker's `/api/*`) forward only what the
//! contract defines: a path that is not exactly one endpoint's template never
//! matches, so nothing odd can be smuggled upstream. Refused on sight: empty
//! segments (`//`, a trailing `/`), `.` and `..` segments, a percent-encoded
//! `/`, `\` or `.`, a raw `\`, control characters, characters a path may not
//! carry unencoded, and anything after `?` or `#` (pass the path only).

use crate::error::Problem;
use crate::request::{Endpoint, Method};
use serde_json::{Map, Value};

/// The path parameters of a match, by name (`[("id", "ord_1")]`), decoded.
pub type Params = Vec<(&'static str, String)>;

/// The longest id accepted in a path (as the request builders).
const MAX_ID_BYTES: usize = 255;

impl Method {
    /// `"GET"` → `Method::Get`; methods are case-sensitive, as in HTTP.
    pub fn parse(method: &str) -> Option<Method> {
        match method {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// What the endpoint table says of a method and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing {
    /// The endpoint and its path parameters.
    Found(Endpoint, Params),
    /// The path is an endpoint's, the method is not: the methods that are,
    /// in table order (a 405's `allowed_methods`).
    MethodNotAllowed(Vec<Method>),
    /// No endpoint has this path.
    NotFound,
}

/// The endpoint `method path` names, with its path parameters; `path` is
/// relative to the base URL (`/orders/ord_1/cancel`), still percent-encoded.
///
/// A literal segment beats a parameter (`GET /swaps/user_names` is no
/// `swaps.retrieve`: the path belongs to `POST /swaps/user_names`).
pub fn match_route(method: &str, path: &str) -> Option<(Endpoint, Params)> {
    match route(method, path) {
        Routing::Found(endpoint, params) => Some((endpoint, params)),
        Routing::MethodNotAllowed(_) | Routing::NotFound => None,
    }
}

/// [`match_route`], telling a path no endpoint has from a method its
/// endpoints do not take (any method name: `PUT`, `get`).
pub fn route(method: &str, path: &str) -> Routing {
    let Some(segments) = split_path(path) else {
        return Routing::NotFound;
    };
    // Every endpoint whose template fits the path, whatever its method, with
    // how many parameters it needed: the fewest wins.
    let fits: Vec<(Endpoint, Params)> = Endpoint::ALL
        .iter()
        .filter_map(|&e| fit(e.path_template(), &segments).map(|p| (e, p)))
        .collect();
    let Some(fewest) = fits.iter().map(|(_, p)| p.len()).min() else {
        return Routing::NotFound;
    };
    let wanted = Method::parse(method);
    let mut allowed = Vec::new();
    for (e, p) in fits.into_iter().filter(|(_, p)| p.len() == fewest) {
        if Some(e.method()) == wanted {
            return Routing::Found(e, p);
        }
        allowed.push(e.method());
    }
    Routing::MethodNotAllowed(allowed)
}

/// The raw segments of `/a/b/c`, or None when any is unsafe or empty.
fn split_path(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    segments.iter().all(|s| safe_segment(s)).then_some(segments)
}

/// A non-empty segment of allowed characters with no encoded `/`, `\`, `.`
/// or control character, that is neither `.` nor `..`.
fn safe_segment(raw: &str) -> bool {
    if raw.is_empty() || raw == "." || raw == ".." {
        return false;
    }
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let Some(v) = bytes.get(i + 1..i + 3).and_then(hex_pair) else {
                return false;
            };
            if matches!(v, b'/' | b'\\' | b'.') || v < 0x20 || v == 0x7f {
                return false;
            }
            i += 3;
        } else if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            i += 1;
        } else {
            return false;
        }
    }
    decode(raw).is_some()
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let digit = |c: u8| char::from(c).to_digit(16);
    Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
}

/// Percent-decoded UTF-8, or None.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(hex_pair(bytes.get(i + 1..i + 3)?)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A query string (without `?`) as the JSON object the query parsers read:
/// values are percent-decoded strings (`+` is a space), except `per_page`
/// when it reads as an integer and, for the import lookup, `domains` split
/// on commas. A repeated key keeps its last value.
pub fn query_args(endpoint: Endpoint, query: &str) -> Result<Value, Problem> {
    let mut map = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let text = |s: &str| {
            decode(&s.replace('+', " ")).ok_or_else(|| {
                Problem::invalid(
                    "",
                    "the query string has a malformed percent-escape or is not UTF-8",
                )
            })
        };
        let (k, v) = (text(k)?, text(v)?);
        let value = match k.as_str() {
            "per_page" => v
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(v)),
            "domains" if endpoint == Endpoint::LookupImports => Value::Array(
                v.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            ),
            _ => Value::String(v),
        };
        map.insert(k, value);
    }
    Ok(Value::Object(map))
}

/// The parameters when `template` (`/orders/{id}/cancel`) fits `segments`.
fn fit(template: &str, segments: &[&str]) -> Option<Params> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Params::new();
    for (part, raw) in parts.iter().zip(segments) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                let value = decode(raw)?;
                if value.len() > MAX_ID_BYTES {
                    return None;
                }
                params.push((param_name(name), value));
            }
            None if part == raw => {}
            None => return None,
        }
    }
    Some(params)
}

/// Templates only use `{id}`; a `'static` name keeps `Params` cheap.
fn param_name(name: &str) -> &'static str {
    match name {
        "id" => "id",
        _ => "param",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(method: &str, path: &str) -> Option<&'static str> {
        match_route(method, path).map(|(e, _)| e.client_name())
    }

    #[test]
    fn every_endpoint_matches_its_own_template() {
        for &e in Endpoint::ALL {
            let path = e.path_template().replace("{id}", "x_1");
            let (found, params) = match_route(e.method().as_str(), &path).expect(&path);
            assert_eq!(found, e, "{path}");
            let expected: Params = if e.path_template().contains("{id}") {
                vec![("id", "x_1".to_owned())]
            } else {
                vec![]
            };
            assert_eq!(params, expected);
            assert_eq!(Endpoint::from_client_name(e.client_name()), Some(e));
        }
    }

    #[test]
    fn client_names_are_the_js_method_names() {
        assert_eq!(Endpoint::CreateOrder.client_name(), "orders.create");
        assert_eq!(Endpoint::CancelOrder.client_name(), "orders.cancel");
        assert_eq!(
            Endpoint::CheckAvailability.client_name(),
            "domains.availability"
        );
        assert_eq!(Endpoint::ImportDomains.client_name(), "imports.create");
        assert_eq!(Endpoint::CreateImportJob.client_name(), "imports.createJob");
        assert_eq!(Endpoint::SwapUserNames.client_name(), "swaps.userNames");
        assert_eq!(Endpoint::Me.client_name(), "me");
        assert_eq!(Endpoint::from_client_name("orders.nope"), None);
        let mut names: Vec<_> = Endpoint::ALL.iter().map(|e| e.client_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Endpoint::ALL.len(), "client names are unique");
    }

    #[test]
    fn params_are_decoded() {
        let (e, p) = match_route("POST", "/orders/ord_%41b/cancel").unwrap();
        assert_eq!(e, Endpoint::CancelOrder);
        assert_eq!(p, vec![("id", "ord_Ab".to_owned())]);
        let (_, p) = match_route("GET", "/users/a%40b.com").unwrap();
        assert_eq!(p, vec![("id", "a@b.com".to_owned())]);
    }

    #[test]
    fn literal_segments_beat_parameters() {
        assert_eq!(name("GET", "/swaps/user_names"), None);
        assert_eq!(name("POST", "/swaps/user_names"), Some("swaps.userNames"));
        assert_eq!(name("GET", "/domains/import/jobs"), None);
        assert_eq!(name("GET", "/orders/pending"), Some("orders.pending"));
        assert_eq!(name("GET", "/domains/import"), Some("imports.lookup"));
        assert_eq!(name("GET", "/swaps/swp_1"), Some("swaps.retrieve"));
    }

    #[test]
    fn wrong_method_or_unknown_path_does_not_match() {
        assert_eq!(name("PUT", "/orders"), None);
        assert_eq!(name("get", "/orders"), None);
        assert_eq!(name("HEAD", "/orders"), None);
        assert_eq!(name("DELETE", "/orders"), None);
        assert_eq!(name("GET", "/admin"), None);
        assert_eq!(name("GET", "/orders/ord_1"), None);
        assert_eq!(name("GET", ""), None);
        assert_eq!(name("GET", "orders"), None);
        assert_eq!(name("GET", "/"), None);
        assert_eq!(name("GET", "/Orders"), None);
    }

    #[test]
    fn a_path_with_other_methods_reports_them() {
        use Method::*;
        let allowed = |m: &str, p: &str| match route(m, p) {
            Routing::MethodNotAllowed(a) => a,
            other => panic!("{m} {p}: {other:?}"),
        };
        assert_eq!(allowed("PUT", "/me"), vec![Get]);
        assert_eq!(allowed("DELETE", "/orders"), vec![Post, Get]);
        assert_eq!(allowed("get", "/orders"), vec![Post, Get]);
        assert_eq!(allowed("GET", "/swaps/user_names"), vec![Post]);
        assert_eq!(allowed("POST", "/orders/pending"), vec![Get]);
        assert_eq!(allowed("PUT", "/bundles/b_1"), vec![Get, Patch, Delete]);
        assert_eq!(route("GET", "/nope"), Routing::NotFound);
        assert_eq!(route("GET", "/orders/"), Routing::NotFound);
        assert_eq!(route("PUT", "/bundles/a%2fb"), Routing::NotFound);
    }

    #[test]
    fn unsafe_paths_never_match() {
        for path in [
            "//orders",
            "/orders/",
            "/orders//",
            "/orders/pending/",
            "/bundles//",
            "/orders//cancel",
            "/..%2F..%2Fadmin",
            "/%2F%2Fevil.example",
            "/bundles/%2F%2Fevil.example",
            "/bundles/..",
            "/bundles/.",
            "/bundles/%2e%2e",
            "/bundles/%2E",
            "/bundles/a%2fb",
            "/bundles/a%5Cb",
            "/bundles/a%5cb",
            "/bundles/a\\b",
            "/bundles/..\\admin",
            "/bundles/a%00",
            "/bundles/a%0A",
            "/bundles/a%7F",
            "/bundles/a%",
            "/bundles/a%4",
            "/bundles/a%zz",
            "/bundles/%FF",
            "/bundles/a b",
            "/bundles/a\"b",
            "/bundles/é",
            "/orders?x=1",
            "/orders#x",
            "/bundles/a?b",
            "/orders/../orders",
            "/./orders",
        ] {
            for method in ["GET", "POST", "PATCH", "DELETE"] {
                assert_eq!(match_route(method, path), None, "{method} {path}");
            }
        }
    }

    #[test]
    fn oversized_ids_do_not_match() {
        let ok = format!("/bundles/{}", "a".repeat(255));
        let long = format!("/bundles/{}", "a".repeat(256));
        assert!(match_route("GET", &ok).is_some());
        assert_eq!(match_route("GET", &long), None);
    }

    #[test]
    fn a_matched_id_rebuilds_the_same_path() {
        for id in ["ord_1", "a@b.com", "x~y", "ünï"] {
            let req = crate::request::cancel_order(id, None).unwrap();
            let (e, p) = match_route("POST", &req.path).unwrap();
            assert_eq!(e, Endpoint::CancelOrder);
            assert_eq!(p, vec![("id", id.to_owned())]);
        }
    }

    #[test]
    fn queries_read_as_the_query_parsers_take_them() {
        let q = query_args(
            Endpoint::ListOrders,
            "per_page=5&user_email=a%2Bb%40x.com&status=x+y",
        )
        .unwrap();
        assert_eq!(q["per_page"], 5);
        assert_eq!(q["user_email"], "a+b@x.com");
        assert_eq!(q["status"], "x y");
        assert!(query_args(Endpoint::ListOrders, "a=%zz").is_err());
        assert!(query_args(Endpoint::ListOrders, "a=%FF").is_err());
        let l = query_args(Endpoint::LookupImports, "domains=a.com,b.com").unwrap();
        assert_eq!(l["domains"], serde_json::json!(["a.com", "b.com"]));
        let other = query_args(Endpoint::ListDomains, "domains=a.com,b.com").unwrap();
        assert_eq!(other["domains"], "a.com,b.com");
    }
}

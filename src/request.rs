//! Endpoint → method, path, query and canonical body (Part B §12.9, Part A §A7).
//!
//! Builders are pure: they validate their input with [`crate::validate`] and
//! return the exact request to send. Bodies are serialised from the typed
//! structs with `serde_json::to_vec` (fields in declaration order, no
//! whitespace), so one logical body always gives the same bytes, whatever the
//! key order the caller used. That is what lets a retried `POST /orders` be
//! recognised by the server and never charged twice.

// PeekerError is the crate's one error type; it is built at most once per
// request, so its size does not matter here.
#![allow(clippy::result_large_err)]

use crate::error::{codes, PeekerError, Problem, Result};
use crate::validate;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

macro_rules! endpoints {
    ($($(#[$doc:meta])* $name:ident = $method:ident $path:literal $safe:literal $client:literal,)+) => {
        /// Every endpoint of the contract (Part B §12.9).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Endpoint { $($(#[$doc])* $name,)+ }

        impl Endpoint {
            /// Every endpoint, in the order of the endpoint index.
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$name,)+];

            pub fn method(self) -> Method {
                match self { $(Endpoint::$name => Method::$method,)+ }
            }

            /// The path relative to the base URL, `{id}` standing for the id.
            pub fn path_template(self) -> &'static str {
                match self { $(Endpoint::$name => $path,)+ }
            }

            /// Whether a request may be re-sent automatically after it may
            /// have reached the server (Part A §A7): every GET, and the POSTs
            /// the server deduplicates. The rest are retried only on failures
            /// known to precede sending, and on 429.
            pub fn retry_safe(self) -> bool {
                match self { $(Endpoint::$name => $safe,)+ }
            }

            /// The endpoint's name as the JS client names its method
            /// (`"orders.create"`): the names browser-token scopes use.
            pub fn client_name(self) -> &'static str {
                match self { $(Endpoint::$name => $client,)+ }
            }

            /// The endpoint a client method name stands for.
            pub fn from_client_name(name: &str) -> Option<Endpoint> {
                match name { $($client => Some(Endpoint::$name),)+ _ => None }
            }
        }
    };
}

endpoints! {
    Me = Get "/me" true "me",
    CreateBundle = Post "/bundles" false "bundles.create",
    ListBundles = Get "/bundles" true "bundles.list",
    RetrieveBundle = Get "/bundles/{id}" true "bundles.retrieve",
    UpdateBundle = Patch "/bundles/{id}" false "bundles.update",
    DeleteBundle = Delete "/bundles/{id}" false "bundles.delete",
    CreateUser = Post "/users" false "users.create",
    ListUsers = Get "/users" true "users.list",
    RetrieveUser = Get "/users/{id}" true "users.retrieve",
    UpdateUser = Patch "/users/{id}" false "users.update",
    DeleteUser = Delete "/users/{id}" false "users.delete",
    CheckAvailability = Post "/domains/availability" true "domains.availability",
    /// Synchronous import: not deduplicated by the server.
    ImportDomains = Post "/domains/import" false "imports.create",
    LookupImports = Get "/domains/import" true "imports.lookup",
    RetrieveImport = Get "/domains/import/{id}" true "imports.retrieve",
    /// Deduplicated on the sorted, unique domain set.
    CreateImportJob = Post "/domains/import/jobs" true "imports.createJob",
    RetrieveImportJob = Get "/domains/import/jobs/{id}" true "imports.retrieveJob",
    ListDomains = Get "/domains" true "domains.list",
    /// Idempotent: domains already pointing at the URL report `completed`.
    CreateForwarding = Post "/domains/forwarding" true "forwarding.create",
    RetrieveForwarding = Get "/domains/forwarding/{id}" true "forwarding.retrieve",
    /// Deduplicated for 24 h on the byte-identical body.
    CreateOrder = Post "/orders" true "orders.create",
    ListOrders = Get "/orders" true "orders.list",
    ListPending = Get "/orders/pending" true "orders.pending",
    CancelOrder = Post "/orders/{id}/cancel" false "orders.cancel",
    CreateSwap = Post "/swaps" false "swaps.create",
    ListSwaps = Get "/swaps" true "swaps.list",
    RetrieveSwap = Get "/swaps/{id}" true "swaps.retrieve",
    SwapUserNames = Post "/swaps/user_names" false "swaps.userNames",
}

/// One request, ready for a transport: path relative to the base URL (ids
/// already percent-encoded), raw query pairs, and the body bytes (JSON).
/// `Debug` shows the body's size only: it may hold a Smartlead password.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub endpoint: Endpoint,
    pub method: Method,
    pub path: String,
    /// Raw (not yet encoded) name/value pairs, in a fixed order.
    pub query: Vec<(String, String)>,
    /// `application/json` bytes; `None` sends no body.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

impl HttpRequest {
    fn new(endpoint: Endpoint, path: String) -> Self {
        HttpRequest {
            endpoint,
            method: endpoint.method(),
            path,
            query: Vec::new(),
            body: None,
        }
    }

    pub fn retry_safe(&self) -> bool {
        self.endpoint.retry_safe()
    }

    /// `path?query` with the query percent-encoded.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, k, b",");
            out.push('=');
            encode_into(&mut out, v, b",");
        }
        out
    }

    /// The full URL under `base` (e.g. `https://api.peeker.ai/partner/v1`).
    pub fn url(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.path_and_query())
    }
}

/// Percent-encodes everything but RFC 3986 unreserved bytes and `keep`.
fn encode_into(out: &mut String, s: &str, keep: &[u8]) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// An id as one path segment. Empty, `.` and `..` are refused (a server or
/// proxy would resolve them to another path: `orders.cancel("..")` must not
/// become `POST /cancel`), as are oversized ids and control characters.
fn segment(id: &str) -> std::result::Result<String, Problem> {
    if id.is_empty()
        || id == "."
        || id == ".."
        || id.len() > 255
        || id.chars().any(char::is_control)
    {
        let why = if id.is_empty() {
            "is empty"
        } else {
            "is not a valid id"
        };
        return Err(Problem::invalid("id", format!("the id {why}")));
    }
    let mut out = String::with_capacity(id.len());
    encode_into(&mut out, id, b"");
    Ok(out)
}

fn with_id(endpoint: Endpoint, id: &str) -> Result<HttpRequest> {
    let seg = segment(id).map_err(|p| PeekerError::validation(vec![p]))?;
    let path = endpoint.path_template().replace("{id}", &seg);
    Ok(HttpRequest::new(endpoint, path))
}

/// An id and a parsed body together, reporting the problems of both.
fn with_id_and<T>(
    endpoint: Endpoint,
    id: &str,
    body: std::result::Result<T, Vec<Problem>>,
) -> Result<(HttpRequest, T)> {
    match (segment(id), body) {
        (Ok(seg), Ok(body)) => {
            let path = endpoint.path_template().replace("{id}", &seg);
            Ok((HttpRequest::new(endpoint, path), body))
        }
        (seg, body) => {
            let mut problems: Vec<Problem> = seg.err().into_iter().collect();
            problems.extend(body.err().unwrap_or_default());
            Err(PeekerError::validation(problems))
        }
    }
}

fn plain(endpoint: Endpoint) -> HttpRequest {
    HttpRequest::new(endpoint, endpoint.path_template().to_owned())
}

/// The canonical bytes of a typed body.
fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| {
        PeekerError::new(
            codes::INTERNAL_ERROR,
            format!("could not encode the body: {e}"),
        )
    })
}

fn parsed<T>(r: std::result::Result<T, Vec<Problem>>) -> Result<T> {
    r.map_err(PeekerError::validation)
}

fn with_body<T: Serialize>(mut req: HttpRequest, body: &T) -> Result<HttpRequest> {
    req.body = Some(encode(body)?);
    Ok(req)
}

fn with_query(mut req: HttpRequest, pairs: Vec<(&'static str, Option<String>)>) -> HttpRequest {
    req.query = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect();
    req
}

fn page(per_page: Option<u8>) -> Option<String> {
    per_page.map(|n| n.to_string())
}

/// `GET /me`.
pub fn me() -> HttpRequest {
    plain(Endpoint::Me)
}

/// `POST /bundles`.
pub fn create_bundle(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateBundle),
        &parsed(validate::parse_create_bundle(body))?,
    )
}

/// `GET /bundles`; `query` is `null` or `{status?, per_page?, page_token?}`.
pub fn list_bundles(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_bundles(query))?;
    Ok(with_query(
        plain(Endpoint::ListBundles),
        vec![
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `GET /bundles/{id}`.
pub fn retrieve_bundle(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveBundle, id)
}

/// `PATCH /bundles/{id}`.
pub fn update_bundle(id: &str, body: &Value) -> Result<HttpRequest> {
    let (req, body) = with_id_and(
        Endpoint::UpdateBundle,
        id,
        validate::parse_update_bundle(body),
    )?;
    with_body(req, &body)
}

/// `DELETE /bundles/{id}`.
pub fn delete_bundle(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::DeleteBundle, id)
}

/// `POST /users`.
pub fn create_user(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateUser),
        &parsed(validate::parse_create_user(body))?,
    )
}

/// `GET /users`.
pub fn list_users(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_users(query))?;
    Ok(with_query(
        plain(Endpoint::ListUsers),
        vec![
            ("email", q.email),
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `GET /users/{id}`.
pub fn retrieve_user(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveUser, id)
}

/// `PATCH /users/{id}`.
pub fn update_user(id: &str, body: &Value) -> Result<HttpRequest> {
    let (req, body) = with_id_and(Endpoint::UpdateUser, id, validate::parse_update_user(body))?;
    with_body(req, &body)
}

/// `DELETE /users/{id}`.
pub fn delete_user(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::DeleteUser, id)
}

/// `POST /domains/availability`.
pub fn check_availability(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CheckAvailability),
        &parsed(validate::parse_availability(body))?,
    )
}

/// `POST /domains/import` (synchronous, at most 25).
pub fn import_domains(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::ImportDomains),
        &parsed(validate::parse_import(body))?,
    )
}

/// `GET /domains/import?domains=a.com,b.com`; `query` is `{domains: [...]}`.
pub fn lookup_imports(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_import_lookup(query))?;
    Ok(with_query(
        plain(Endpoint::LookupImports),
        vec![("domains", Some(q.domains.join(",")))],
    ))
}

/// `GET /domains/import/{id}`.
pub fn retrieve_import(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveImport, id)
}

/// `POST /domains/import/jobs` (at most 500).
pub fn create_import_job(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateImportJob),
        &parsed(validate::parse_import_job(body))?,
    )
}

/// `GET /domains/import/jobs/{id}`.
pub fn retrieve_import_job(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveImportJob, id)
}

/// `GET /domains`.
pub fn list_domains(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_domains(query))?;
    Ok(with_query(
        plain(Endpoint::ListDomains),
        vec![
            ("category", q.category),
            ("user_id", q.user_id),
            ("user_email", q.user_email),
            ("usable_for", q.usable_for),
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `POST /domains/forwarding`.
pub fn create_forwarding(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateForwarding),
        &parsed(validate::parse_forwarding(body))?,
    )
}

/// `GET /domains/forwarding/{id}`.
pub fn retrieve_forwarding(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveForwarding, id)
}

/// `POST /orders`: the body is canonical, so a retry is byte-identical.
pub fn create_order(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateOrder),
        &parsed(validate::parse_create_order(body))?,
    )
}

/// `GET /orders`.
pub fn list_orders(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_orders(query))?;
    Ok(with_query(
        plain(Endpoint::ListOrders),
        vec![
            ("user_id", q.user_id),
            ("user_email", q.user_email),
            ("bundle_id", q.bundle_id),
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `GET /orders/pending`.
pub fn list_pending(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_pending(query))?;
    Ok(with_query(
        plain(Endpoint::ListPending),
        vec![
            ("order_id", q.order_id),
            ("user", q.user),
            ("domain_id", q.domain_id),
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `POST /orders/{id}/cancel`. `body` `null` or `{}` cancels the whole order
/// and sends no body; `{domains: [...]}` cancels those domains.
pub fn cancel_order(id: &str, body: &Value) -> Result<HttpRequest> {
    let (req, body) = with_id_and(
        Endpoint::CancelOrder,
        id,
        validate::parse_cancel_order(body),
    )?;
    match body.domains {
        None => Ok(req),
        Some(_) => with_body(req, &body),
    }
}

/// `POST /swaps`.
pub fn create_swap(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::CreateSwap),
        &parsed(validate::parse_create_swap(body))?,
    )
}

/// `GET /swaps`.
pub fn list_swaps(query: &Value) -> Result<HttpRequest> {
    let q = parsed(validate::parse_list_swaps(query))?;
    Ok(with_query(
        plain(Endpoint::ListSwaps),
        vec![
            ("user_id", q.user_id),
            ("order_id", q.order_id),
            ("domain_id", q.domain_id),
            ("status", q.status),
            ("per_page", page(q.per_page)),
            ("page_token", q.page_token),
        ],
    ))
}

/// `GET /swaps/{id}`.
pub fn retrieve_swap(id: &str) -> Result<HttpRequest> {
    with_id(Endpoint::RetrieveSwap, id)
}

/// `POST /swaps/user_names`.
pub fn swap_user_names(body: &Value) -> Result<HttpRequest> {
    with_body(
        plain(Endpoint::SwapUserNames),
        &parsed(validate::parse_user_name_swap(body))?,
    )
}

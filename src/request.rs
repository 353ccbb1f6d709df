//! Endpoint → method, path, query and canonical body (Part B §12.9, Part A §A7).
//!
//! Builders are pure: they validate their input with [`crate::validate`] and
//! return the exact request to send. Bodies are serialised from the typed
//! structs with `serde_json::to_vec` (fields in declaration order, no
//! whitespace), so one logical body always gives the same bytes, whatever the
//! key order the caller used. That is what lets a retried `POST /orders` be
//! recognised by the server and never charged twice.

use crate::error::{codes, PeekerError, Problem, Result};
use crate::model::*;
use crate::validate;
use schemars::{Schema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Map, Value};
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

/// Who may call an endpoint, by the key's permission preset (Part B §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Every preset: the reads.
    Read,
    /// `limited` and `full`: availability checks.
    Limited,
    /// `full` only: every write.
    Full,
}

impl Access {
    /// The presets that may call (`read`, `limited`, `full`).
    pub fn presets(self) -> &'static [&'static str] {
        match self {
            Access::Read => &["read", "limited", "full"],
            Access::Limited => &["limited", "full"],
            Access::Full => &["full"],
        }
    }
}

/// What a client method (`client.orders.cancel(id, body?)`) takes, before the
/// per-call options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Args {
    None,
    Id,
    Body,
    IdBody,
    /// The body may be left out; an empty one is not sent.
    IdOptionalBody,
    Query,
    /// The query may be left out.
    OptionalQuery,
}

/// The schema of a type, as a `$ref` into the generator's definitions.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The argument list of a row (`id, body: T = parse`) read in several ways.
macro_rules! sig {
    (@args) => { Args::None };
    (@args id) => { Args::Id };
    (@args body: $t:ty = $p:path) => { Args::Body };
    (@args id, body: $t:ty = $p:path) => { Args::IdBody };
    (@args id, body?: $t:ty = $p:path) => { Args::IdOptionalBody };
    (@args query: $t:ty) => { Args::Query };
    (@args query?: $t:ty) => { Args::OptionalQuery };

    (@body $($x:ident)?) => { None };
    (@body $(id,)? body$(?)?: $t:ty = $p:path) => { Some(|g| g.subschema_for::<$t>()) };
    (@body query$(?)?: $t:ty) => { None };

    (@query query$(?)?: $t:ty) => { Some(|g| g.subschema_for::<$t>()) };
    (@query $($x:tt)*) => { None };

    (@build $e:ident $id:ident $arg:ident) => { Ok(plain($e)) };
    (@build $e:ident $id:ident $arg:ident id) => { with_id($e, $id) };
    (@build $e:ident $id:ident $arg:ident body: $t:ty = $p:path) => {
        with_body(plain($e), &parsed($p($arg))?)
    };
    (@build $e:ident $id:ident $arg:ident id, body: $t:ty = $p:path) => {
        with_id_and($e, $id, $p($arg)).and_then(|(req, body)| with_body(req, &body))
    };
    (@build $e:ident $id:ident $arg:ident id, body?: $t:ty = $p:path) => {
        with_id_and($e, $id, $p($arg)).and_then(|(req, body)| with_optional_body(req, &body))
    };
    (@build $e:ident $id:ident $arg:ident query$(?)?: $t:ty) => {
        with_query(plain($e), parsed(validate::read_query($arg, <$t as validate::Query>::PARAMS))?)
    };

    (@fn $(#[$m:meta])* $f:ident $e:expr;) => {
        $(#[$m])* pub fn $f() -> HttpRequest { plain($e) }
    };
    (@fn $(#[$m:meta])* $f:ident $e:expr; id) => {
        $(#[$m])* pub fn $f(id: &str) -> Result<HttpRequest> { $e.build(Some(id), &Value::Null) }
    };
    (@fn $(#[$m:meta])* $f:ident $e:expr; body: $t:ty = $p:path) => {
        $(#[$m])* pub fn $f(body: &$t) -> Result<HttpRequest> { $e.build(None, &to_json(body)?) }
    };
    (@fn $(#[$m:meta])* $f:ident $e:expr; id, body: $t:ty = $p:path) => {
        $(#[$m])* pub fn $f(id: &str, body: &$t) -> Result<HttpRequest> {
            $e.build(Some(id), &to_json(body)?)
        }
    };
    (@fn $(#[$m:meta])* $f:ident $e:expr; id, body?: $t:ty = $p:path) => {
        $(#[$m])* pub fn $f(id: &str, body: Option<&$t>) -> Result<HttpRequest> {
            $e.build(Some(id), &body.map(to_json).transpose()?.unwrap_or(Value::Null))
        }
    };
    (@fn $(#[$m:meta])* $f:ident $e:expr; query$(?)?: $t:ty) => {
        $(#[$m])* pub fn $f(query: &$t) -> Result<HttpRequest> { $e.build(None, &to_json(query)?) }
    };
}

/// The endpoint table: every row is everything any surface needs to know of
/// one endpoint (the client, `buildRequest`, the generated TypeScript and
/// JS resource table, openapi.json, the sandbox's routes).
macro_rules! endpoints {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $method:ident $path:literal as $client:literal {
            build: $f:ident($($sig:tt)*),
            response: $status:literal $shape:ident $resp:ty,
            retry_safe: $safe:literal,
            access: $access:ident $(,)?
        }
    )+) => {
        /// Every endpoint of the contract (Part B §12.9).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Endpoint { $($(#[doc = $doc])* $name,)+ }

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

            /// The Rust builder's name (`create_order`), also the OpenAPI `operationId`.
            pub fn builder_name(self) -> &'static str {
                match self { $(Endpoint::$name => stringify!($f),)+ }
            }

            /// The row's doc comment.
            pub fn summary(self) -> &'static str {
                match self { $(Endpoint::$name => concat!($($doc),*).trim_ascii(),)+ }
            }

            pub fn args(self) -> Args {
                match self { $(Endpoint::$name => sig!(@args $($sig)*),)+ }
            }

            /// The status of a success answer (Part B §12.9, Part A §A2).
            pub fn success_status(self) -> u16 {
                match self { $(Endpoint::$name => $status,)+ }
            }

            /// Whether the answer is a list page (`{data: [...], links, meta}`)
            /// rather than `{data: ...}`.
            pub fn paginated(self) -> bool {
                match self { $(Endpoint::$name => stringify!($shape) == "Page",)+ }
            }

            pub fn access(self) -> Access {
                match self { $(Endpoint::$name => Access::$access,)+ }
            }

            /// The request body's schema, if it takes one.
            pub fn body_schema(self) -> Option<SchemaFn> {
                match self { $(Endpoint::$name => sig!(@body $($sig)*),)+ }
            }

            /// The query's schema (its properties are the query parameters).
            pub fn query_schema(self) -> Option<SchemaFn> {
                match self { $(Endpoint::$name => sig!(@query $($sig)*),)+ }
            }

            /// The schema of `data` in the answer (of one item, for a page).
            pub fn response_schema(self) -> SchemaFn {
                match self { $(Endpoint::$name => |g| g.subschema_for::<$resp>(),)+ }
            }

            /// The request for this endpoint from JSON arguments: `id` for the
            /// `{id}` segment, `arg` the body or query (`null` for none). The
            /// one path every builder, the JS client and the sandbox take:
            /// validated, normalised, canonical bytes.
            #[allow(unused_variables)]
            pub fn build(self, id: Option<&str>, arg: &Value) -> Result<HttpRequest> {
                let e = self;
                match self { $(Endpoint::$name => sig!(@build e id arg $($sig)*),)+ }
            }
        }

        $(sig!(@fn
            #[doc = concat!("`", stringify!($method), " ", $path, "`:", $(" ", $doc),*)]
            $f Endpoint::$name; $($sig)*);)+
    };
}

endpoints! {
    /// The calling key and its partner; the cheapest call, a health check.
    Me = Get "/me" as "me" {
        build: me(),
        response: 200 One MeResponse,
        retry_safe: true,
        access: Read,
    }
    /// Saves an order size.
    CreateBundle = Post "/bundles" as "bundles.create" {
        build: create_bundle(body: CreateBundle = validate::parse_create_bundle),
        response: 201 One Bundle,
        retry_safe: false,
        access: Full,
    }
    /// Bundles, oldest first.
    ListBundles = Get "/bundles" as "bundles.list" {
        build: list_bundles(query?: ListBundlesQuery),
        response: 200 Page Bundle,
        retry_safe: true,
        access: Read,
    }
    RetrieveBundle = Get "/bundles/{id}" as "bundles.retrieve" {
        build: retrieve_bundle(id),
        response: 200 One Bundle,
        retry_safe: true,
        access: Read,
    }
    /// Percents are sent together (both numbers or both `null`).
    UpdateBundle = Patch "/bundles/{id}" as "bundles.update" {
        build: update_bundle(id, body: UpdateBundle = validate::parse_update_bundle),
        response: 200 One Bundle,
        retry_safe: false,
        access: Full,
    }
    /// Deletes, or archives a bundle an order used.
    DeleteBundle = Delete "/bundles/{id}" as "bundles.delete" {
        build: delete_bundle(id),
        response: 200 One BundleDeleted,
        retry_safe: false,
        access: Full,
    }
    /// A new end customer.
    CreateUser = Post "/users" as "users.create" {
        build: create_user(body: CreateUser = validate::parse_create_user),
        response: 201 One User,
        retry_safe: false,
        access: Full,
    }
    ListUsers = Get "/users" as "users.list" {
        build: list_users(query?: ListUsersQuery),
        response: 200 Page User,
        retry_safe: true,
        access: Read,
    }
    RetrieveUser = Get "/users/{id}" as "users.retrieve" {
        build: retrieve_user(id),
        response: 200 One User,
        retry_safe: true,
        access: Read,
    }
    UpdateUser = Patch "/users/{id}" as "users.update" {
        build: update_user(id, body: UpdateUser = validate::parse_update_user),
        response: 200 One User,
        retry_safe: false,
        access: Full,
    }
    /// Answers the user with `status: deleted`.
    DeleteUser = Delete "/users/{id}" as "users.delete" {
        build: delete_user(id),
        response: 200 One User,
        retry_safe: false,
        access: Full,
    }
    /// At most 50 names a call; one row per name.
    CheckAvailability = Post "/domains/availability" as "domains.availability" {
        build: check_availability(body: AvailabilityRequest = validate::parse_availability),
        response: 200 One AvailabilityResponse,
        retry_safe: true,
        access: Limited,
    }
    /// Synchronous import of at most 25 root domains: not deduplicated by the server.
    ImportDomains = Post "/domains/import" as "imports.create" {
        build: import_domains(body: ImportRequest = validate::parse_import),
        response: 200 One DomainImport,
        retry_safe: false,
        access: Full,
    }
    /// The latest import holding each domain (`?domains=a.com,b.com`, at most 100).
    LookupImports = Get "/domains/import" as "imports.lookup" {
        build: lookup_imports(query: ImportLookupQuery),
        response: 200 One ImportLookup,
        retry_safe: true,
        access: Read,
    }
    RetrieveImport = Get "/domains/import/{id}" as "imports.retrieve" {
        build: retrieve_import(id),
        response: 200 One DomainImport,
        retry_safe: true,
        access: Read,
    }
    /// Asynchronous import of at most 500 root domains; deduplicated on the sorted, unique domain set.
    CreateImportJob = Post "/domains/import/jobs" as "imports.createJob" {
        build: create_import_job(body: ImportJobRequest = validate::parse_import_job),
        response: 202 One DomainImport,
        retry_safe: true,
        access: Full,
    }
    RetrieveImportJob = Get "/domains/import/jobs/{id}" as "imports.retrieveJob" {
        build: retrieve_import_job(id),
        response: 200 One DomainImport,
        retry_safe: true,
        access: Read,
    }
    /// Inventory and connected domains.
    ListDomains = Get "/domains" as "domains.list" {
        build: list_domains(query?: ListDomainsQuery),
        response: 200 Page Domain,
        retry_safe: true,
        access: Read,
    }
    /// Repoints at most 25 live domains; idempotent (domains already pointing at the URL report `completed`).
    CreateForwarding = Post "/domains/forwarding" as "forwarding.create" {
        build: create_forwarding(body: ForwardingRequest = validate::parse_forwarding),
        response: 202 One ForwardingJob,
        retry_safe: true,
        access: Full,
    }
    RetrieveForwarding = Get "/domains/forwarding/{id}" as "forwarding.retrieve" {
        build: retrieve_forwarding(id),
        response: 200 One ForwardingJob,
        retry_safe: true,
        access: Read,
    }
    /// Deduplicated for 24 h on the byte-identical body, which the builder makes canonical; a replay answers 200 with the same order.
    CreateOrder = Post "/orders" as "orders.create" {
        build: create_order(body: CreateOrder = validate::parse_create_order),
        response: 200 One OrderReceipt,
        retry_safe: true,
        access: Full,
    }
    /// Order receipts, newest first.
    ListOrders = Get "/orders" as "orders.list" {
        build: list_orders(query?: ListOrdersQuery),
        response: 200 Page OrderReceipt,
        retry_safe: true,
        access: Read,
    }
    /// Pending actions needing the partner's input (`status` defaults to `open`).
    ListPending = Get "/orders/pending" as "orders.pending" {
        build: list_pending(query?: ListPendingQuery),
        response: 200 Page PendingAction,
        retry_safe: true,
        access: Read,
    }
    /// No body (or `{}`) cancels the whole order; `{domains: [...]}` those domains.
    CancelOrder = Post "/orders/{id}/cancel" as "orders.cancel" {
        build: cancel_order(id, body?: CancelOrder = validate::parse_cancel_order),
        response: 200 One OrderCancellation,
        retry_safe: false,
        access: Full,
    }
    /// Replaces one domain of a live order.
    CreateSwap = Post "/swaps" as "swaps.create" {
        build: create_swap(body: CreateSwap = validate::parse_create_swap),
        response: 201 One Swap,
        retry_safe: false,
        access: Full,
    }
    ListSwaps = Get "/swaps" as "swaps.list" {
        build: list_swaps(query?: ListSwapsQuery),
        response: 200 Page Swap,
        retry_safe: true,
        access: Read,
    }
    RetrieveSwap = Get "/swaps/{id}" as "swaps.retrieve" {
        build: retrieve_swap(id),
        response: 200 One Swap,
        retry_safe: true,
        access: Read,
    }
    /// Renames the people (inboxes) on a live domain: one swap row per inbox.
    SwapUserNames = Post "/swaps/user_names" as "swaps.userNames" {
        build: swap_user_names(body: UserNameSwap = validate::parse_user_name_swap),
        response: 201 One UserNameSwaps,
        retry_safe: false,
        access: Full,
    }
}

/// A client method that is more than one request. It adds to (or, with the
/// same name, replaces) the endpoint methods on `PeekerClient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Helper {
    /// `"imports.waitJob"`.
    pub client: &'static str,
    pub kind: HelperKind,
    pub summary: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperKind {
    /// Any number of names, 50 a call, rows in input order.
    Availability,
    /// Polls with backoff until a terminal status.
    Wait(crate::retry::Poll),
}

/// Every client helper.
pub const CLIENT_HELPERS: &[Helper] = &[
    Helper {
        client: "domains.availability",
        kind: HelperKind::Availability,
        summary: "Any number of names, sent 50 a call within the rate limit; rows in input order.",
    },
    Helper {
        client: "imports.wait",
        kind: HelperKind::Wait(crate::retry::Poll::Import),
        summary: "Polls `GET /domains/import/{id}` until `completed` or `failed`.",
    },
    Helper {
        client: "imports.waitJob",
        kind: HelperKind::Wait(crate::retry::Poll::ImportJob),
        summary: "Polls `GET /domains/import/jobs/{id}` until `completed` or `failed`.",
    },
    Helper {
        client: "forwarding.wait",
        kind: HelperKind::Wait(crate::retry::Poll::Forwarding),
        summary:
            "Polls `GET /domains/forwarding/{id}` until `completed`, `partial_success` or `failed`.",
    },
];

impl Helper {
    pub fn find(client: &str) -> Option<Helper> {
        CLIENT_HELPERS.iter().copied().find(|h| h.client == client)
    }
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

fn with_id(endpoint: Endpoint, id: Option<&str>) -> Result<HttpRequest> {
    let seg = segment(id.unwrap_or_default()).map_err(|p| PeekerError::validation(vec![p]))?;
    Ok(HttpRequest::new(endpoint, id_path(endpoint, &seg)))
}

/// An id and a parsed body together, reporting the problems of both.
fn with_id_and<T>(
    endpoint: Endpoint,
    id: Option<&str>,
    body: std::result::Result<T, Vec<Problem>>,
) -> Result<(HttpRequest, T)> {
    match (segment(id.unwrap_or_default()), body) {
        (Ok(seg), Ok(body)) => Ok((HttpRequest::new(endpoint, id_path(endpoint, &seg)), body)),
        (seg, body) => {
            let mut problems: Vec<Problem> = seg.err().into_iter().collect();
            problems.extend(body.err().unwrap_or_default());
            Err(PeekerError::validation(problems))
        }
    }
}

/// The endpoint's path with its one `{id}` replaced by `seg`. (Split at a
/// char: a `str` pattern brings core's two-way string search into the wasm.)
fn id_path(endpoint: Endpoint, seg: &str) -> String {
    let template = endpoint.path_template();
    let Some((head, tail)) = template.split_once('{') else {
        return template.to_owned();
    };
    let mut path = String::with_capacity(template.len() + seg.len());
    path.push_str(head);
    path.push_str(seg);
    path.push_str(tail.strip_prefix("id}").unwrap_or(tail));
    path
}

fn plain(endpoint: Endpoint) -> HttpRequest {
    HttpRequest::new(endpoint, endpoint.path_template().to_owned())
}

/// The canonical bytes of a typed body.
fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|_| encode_failed("body"))
}

/// A typed value serde_json could not encode (a map with non-string keys:
/// never, for the model's types). Its error text is left out: serde_json's
/// Display pulls std::io's error strings into the wasm.
fn encode_failed(what: &str) -> PeekerError {
    PeekerError::new(
        codes::INTERNAL_ERROR,
        format!("could not encode the {what}"),
    )
}

fn parsed<T>(r: std::result::Result<T, Vec<Problem>>) -> Result<T> {
    r.map_err(PeekerError::validation)
}

fn with_body<T: Serialize>(mut req: HttpRequest, body: &T) -> Result<HttpRequest> {
    req.body = Some(encode(body)?);
    Ok(req)
}

/// A typed argument as the JSON the parsers read.
fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|_| encode_failed("argument"))
}

/// A body that may be left out: an empty object is not sent (a whole-order
/// cancel has no body).
fn with_optional_body<T: Serialize>(req: HttpRequest, body: &T) -> Result<HttpRequest> {
    let bytes = encode(body)?;
    if bytes == b"{}" {
        return Ok(req);
    }
    let mut req = req;
    req.body = Some(bytes);
    Ok(req)
}

/// The query pairs of checked query values, in parameter order: numbers in
/// decimal, lists comma-joined.
fn with_query(mut req: HttpRequest, values: Map<String, Value>) -> Result<HttpRequest> {
    for (name, value) in values {
        let text = match value {
            Value::Array(items) => items.iter().map(query_text).collect::<Vec<_>>().join(","),
            other => query_text(&other),
        };
        req.query.push((name, text));
    }
    Ok(req)
}

/// One query value as text: a string as itself, anything else as its JSON
/// (by serde_json's writer, not `Value`'s Display: see `js::request::build`).
fn query_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_path_fills_the_one_id_segment_of_every_template() {
        for &e in Endpoint::ALL {
            let template = e.path_template();
            assert!(template.matches('{').count() <= 1, "{template}");
            assert_eq!(
                id_path(e, "x_1"),
                template.replace("{id}", "x_1"),
                "{template}"
            );
        }
    }
}

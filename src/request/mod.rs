//! Endpoint → method, path, query and canonical body (docs/contract.md#idempotency-and-retries).
//!
//! Builders are pure: they validate their input with [`crate::validate`] and
//! return the exact request to send. Bodies are serialised from the typed
//! structs with `serde_json::to_vec` (fields in declaration order, no
//! whitespace), so one logical body always gives the same bytes, whatever the
//! key order the caller used. That is what lets a retried `POST /orders` be
//! recognised by the server and never charged twice.

mod build;
mod helpers;

pub use build::HttpRequest;
pub use helpers::{Helper, HelperKind, Poll, CLIENT_HELPERS};

use crate::error::classes::{self, ErrorClass};
use crate::error::Result;
use crate::model::*;
use crate::validate;
use build::{
    parsed, plain, to_json, with_body, with_id, with_id_and, with_optional_body, with_query,
};
use schemars::{Schema, SchemaGenerator};
use serde_json::Value;

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

/// Who may call an endpoint, by the key's permission preset (docs/contract.md#keys-and-presets).
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

/// An optional literal as an `Option`.
macro_rules! opt {
    () => {
        None
    };
    ($x:literal) => {
        Some($x)
    };
}

/// A row's client method name: `orders.create` as written, or the JS name
/// given after `=` when it is not the Rust one (`imports.create_job =
/// "imports.createJob"`).
macro_rules! client_name {
    ($a:ident $(. $b:ident)? = $js:literal) => {
        $js
    };
    ($a:ident $(. $b:ident)?) => {
        concat!(stringify!($a) $(, ".", stringify!($b))?)
    };
}

/// The endpoint table: every row is everything any surface needs to know of
/// one endpoint (the client, `buildRequest`, the generated TypeScript and
/// JS resource table, openapi.json, the sandbox's routes).
macro_rules! endpoints {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $method:ident $path:literal as $first:ident $(. $second:ident)? $(= $client:literal)? {
            build: $f:ident($($sig:tt)*),
            response: $status:literal $shape:ident $resp:ty,
            retry_safe: $safe:literal,
            access: $access:ident
            $(, errors: [$($class:ident $(= $why:literal)?),* $(,)?])?
            $(, ids: [$($field:ident from $from:ident),* $(,)?])?
            $(,)?
        }
    )+) => {
        /// Every endpoint of the contract.
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
            /// have reached the server (docs/contract.md#idempotency-and-retries): every GET, and
            /// the POSTs the server deduplicates. The rest are retried only on failures
            /// known to precede sending, and on 429.
            pub fn retry_safe(self) -> bool {
                match self { $(Endpoint::$name => $safe,)+ }
            }

            /// The endpoint's name as the JS client names its method
            /// (`"orders.create"`): the names browser-token scopes use.
            pub fn client_name(self) -> &'static str {
                match self { $(Endpoint::$name => client_name!($first $(. $second)? $(= $client)?),)+ }
            }

            /// The endpoint a client method name stands for.
            pub fn from_client_name(name: &str) -> Option<Endpoint> {
                match name {
                    $(client_name!($first $(. $second)? $(= $client)?) => Some(Endpoint::$name),)+
                    _ => None,
                }
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

            /// The status of a success answer (docs/contract.md#errors-and-statuses).
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

            /// The error classes answered by some endpoints only (`On::Listed`
            /// in the error table) that this one may answer, each with what it
            /// means here when the class's own meaning is not enough.
            pub fn errors(self) -> &'static [(ErrorClass, Option<&'static str>)] {
                match self { $(Endpoint::$name => &[$($((classes::$class, opt!($($why)?))),*)?],)+ }
            }

            /// The body fields that take the `id` of a record another endpoint
            /// creates (`bundle_id` from `POST /bundles`).
            pub fn ids(self) -> &'static [(&'static str, Endpoint)] {
                match self { $(Endpoint::$name => &[$($((stringify!($field), Endpoint::$from)),*)?],)+ }
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

/// The endpoint table, handed to `$callback`: `endpoints` (below) makes the
/// [`Endpoint`] enum and the builders of it; the native client makes its
/// methods of it (`src/client/native.rs`). Rows: `Name = METHOD "/path" as
/// namespace.method { … }`, the client's name in Rust (snake_case), with the
/// JS name after `=` where it differs.
macro_rules! endpoint_table {
    ($callback:ident) => {
        $callback! {
    /// The calling key and its partner; the cheapest call, a health check.
    Me = Get "/me" as me {
        build: me(),
        response: 200 One MeResponse,
        retry_safe: true,
        access: Read,
    }
    /// Saves an order size.
    CreateBundle = Post "/bundles" as bundles.create {
        build: create_bundle(body: CreateBundle = validate::parse_create_bundle),
        response: 201 One Bundle,
        retry_safe: false,
        access: Full,
    }
    /// Bundles, oldest first.
    ListBundles = Get "/bundles" as bundles.list {
        build: list_bundles(query?: ListBundlesQuery),
        response: 200 Page Bundle,
        retry_safe: true,
        access: Read,
    }
    RetrieveBundle = Get "/bundles/{id}" as bundles.retrieve {
        build: retrieve_bundle(id),
        response: 200 One Bundle,
        retry_safe: true,
        access: Read,
    }
    /// Percents are sent together (both numbers or both `null`).
    UpdateBundle = Patch "/bundles/{id}" as bundles.update {
        build: update_bundle(id, body: UpdateBundle = validate::parse_update_bundle),
        response: 200 One Bundle,
        retry_safe: false,
        access: Full,
    }
    /// Deletes, or archives a bundle an order used.
    DeleteBundle = Delete "/bundles/{id}" as bundles.delete {
        build: delete_bundle(id),
        response: 200 One BundleDeleted,
        retry_safe: false,
        access: Full,
    }
    /// A new end customer.
    CreateUser = Post "/users" as users.create {
        build: create_user(body: CreateUser = validate::parse_create_user),
        response: 201 One User,
        retry_safe: false,
        access: Full,
        errors: [CONFLICT],
    }
    ListUsers = Get "/users" as users.list {
        build: list_users(query?: ListUsersQuery),
        response: 200 Page User,
        retry_safe: true,
        access: Read,
    }
    RetrieveUser = Get "/users/{id}" as users.retrieve {
        build: retrieve_user(id),
        response: 200 One User,
        retry_safe: true,
        access: Read,
    }
    UpdateUser = Patch "/users/{id}" as users.update {
        build: update_user(id, body: UpdateUser = validate::parse_update_user),
        response: 200 One User,
        retry_safe: false,
        access: Full,
        errors: [CONFLICT],
    }
    /// Answers the user with `status: deleted`.
    DeleteUser = Delete "/users/{id}" as users.delete {
        build: delete_user(id),
        response: 200 One User,
        retry_safe: false,
        access: Full,
    }
    /// At most 50 names a call; one row per name.
    CheckAvailability = Post "/domains/availability" as domains.availability {
        build: check_availability(body: AvailabilityRequest = validate::parse_availability),
        response: 200 One AvailabilityResponse,
        retry_safe: true,
        access: Limited,
    }
    /// Synchronous import of at most 25 root domains: not deduplicated by the server.
    ImportDomains = Post "/domains/import" as imports.create {
        build: import_domains(body: ImportRequest = validate::parse_import),
        response: 200 One DomainImport,
        retry_safe: false,
        access: Full,
    }
    /// The latest import holding each domain (`?domains=a.com,b.com`, at most 100).
    LookupImports = Get "/domains/import" as imports.lookup {
        build: lookup_imports(query: ImportLookupQuery),
        response: 200 One ImportLookup,
        retry_safe: true,
        access: Read,
    }
    RetrieveImport = Get "/domains/import/{id}" as imports.retrieve {
        build: retrieve_import(id),
        response: 200 One DomainImport,
        retry_safe: true,
        access: Read,
    }
    /// Asynchronous import of at most 500 root domains; deduplicated on the sorted, unique domain set.
    CreateImportJob = Post "/domains/import/jobs" as imports.create_job = "imports.createJob" {
        build: create_import_job(body: ImportJobRequest = validate::parse_import_job),
        response: 202 One DomainImport,
        retry_safe: true,
        access: Full,
    }
    RetrieveImportJob = Get "/domains/import/jobs/{id}" as imports.retrieve_job = "imports.retrieveJob" {
        build: retrieve_import_job(id),
        response: 200 One DomainImport,
        retry_safe: true,
        access: Read,
    }
    /// Inventory and connected domains.
    ListDomains = Get "/domains" as domains.list {
        build: list_domains(query?: ListDomainsQuery),
        response: 200 Page Domain,
        retry_safe: true,
        access: Read,
    }
    /// Repoints at most 25 live domains; idempotent (domains already pointing at the URL report `completed`).
    CreateForwarding = Post "/domains/forwarding" as forwarding.create {
        build: create_forwarding(body: ForwardingRequest = validate::parse_forwarding),
        response: 202 One ForwardingJob,
        retry_safe: true,
        access: Full,
    }
    RetrieveForwarding = Get "/domains/forwarding/{id}" as forwarding.retrieve {
        build: retrieve_forwarding(id),
        response: 200 One ForwardingJob,
        retry_safe: true,
        access: Read,
    }
    /// Deduplicated for 24 h on the byte-identical body, which the builder makes canonical; a replay answers 200 with the same order.
    CreateOrder = Post "/orders" as orders.create {
        build: create_order(body: CreateOrder = validate::parse_create_order),
        response: 200 One OrderReceipt,
        retry_safe: true,
        access: Full,
        errors: [UNPROCESSABLE],
        ids: [bundle_id from CreateBundle, user from CreateUser],
    }
    /// Order receipts, newest first.
    ListOrders = Get "/orders" as orders.list {
        build: list_orders(query?: ListOrdersQuery),
        response: 200 Page OrderReceipt,
        retry_safe: true,
        access: Read,
    }
    /// Pending actions needing the partner's input (`status` defaults to `open`).
    ListPending = Get "/orders/pending" as orders.pending {
        build: list_pending(query?: ListPendingQuery),
        response: 200 Page PendingAction,
        retry_safe: true,
        access: Read,
    }
    /// No body (or `{}`) cancels the whole order; `{domains: [...]}` those domains.
    CancelOrder = Post "/orders/{id}/cancel" as orders.cancel {
        build: cancel_order(id, body?: CancelOrder = validate::parse_cancel_order),
        response: 200 One OrderCancellation,
        retry_safe: false,
        access: Full,
    }
    /// Replaces one domain of a live order.
    CreateSwap = Post "/swaps" as swaps.create {
        build: create_swap(body: CreateSwap = validate::parse_create_swap),
        response: 201 One Swap,
        retry_safe: false,
        access: Full,
        errors: [
            CONFLICT = "`conflict`: a premium swap of a domain premium-swapped in or out within 30 days (`details.available_at`), a premium swap over the key's tier quota (`details.quota`, `details.used`, `details.tier`), or a replacement another swap in flight is already bringing in (`details.swap_id`).",
            UNPROCESSABLE,
        ],
    }
    ListSwaps = Get "/swaps" as swaps.list {
        build: list_swaps(query?: ListSwapsQuery),
        response: 200 Page Swap,
        retry_safe: true,
        access: Read,
    }
    RetrieveSwap = Get "/swaps/{id}" as swaps.retrieve {
        build: retrieve_swap(id),
        response: 200 One Swap,
        retry_safe: true,
        access: Read,
    }
    /// Renames the people (inboxes) on a live domain: one swap row per inbox.
    SwapUserNames = Post "/swaps/user_names" as swaps.user_names = "swaps.userNames" {
        build: swap_user_names(body: UserNameSwap = validate::parse_user_name_swap),
        response: 201 One UserNameSwaps,
        retry_safe: false,
        access: Full,
        errors: [UNPROCESSABLE],
    }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use endpoint_table;

endpoint_table!(endpoints);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::classes::On;

    #[test]
    fn listed_errors_are_classes_only_some_endpoints_answer() {
        for &e in Endpoint::ALL {
            for (class, _) in e.errors() {
                assert!(
                    class.answers.iter().any(|a| a.on == On::Listed),
                    "{e:?} lists {}, which every endpoint answers",
                    class.name
                );
            }
        }
    }

    #[test]
    fn ids_come_from_creates() {
        for &e in Endpoint::ALL {
            for &(field, from) in e.ids() {
                assert_eq!(from.method(), Method::Post, "{e:?}.{field}");
            }
        }
    }
}

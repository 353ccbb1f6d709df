//! The native face of the client (feature `native`): [`PeekerClient`] on
//! reqwest and tokio, its futures `Send` (usable in axum handlers and
//! `tokio::spawn`). One typed method per endpoint of the endpoint table
//! ([`crate::request`]), generated from the table, grouped as the JS client
//! groups them: `client.orders().create(&body)`.

use super::{
    bad_option, check_base_url, check_key, check_token, in_range, CallSettings, Client, Config,
    Failure, RetryInfo, Secrets,
};
use crate::error::classes::{self, ErrorClass};
use crate::error::{PeekerError, Problem};
use crate::model::*;
use crate::options::{
    Whole, MAX_RETRIES, MAX_WAIT_MS, POLL_INTERVAL_MS, RATE_LIMIT_PER_MINUTE, TIMEOUT_MS,
};
use crate::request::{Endpoint, HelperKind, Poll};
use crate::scrub::credentials;
use crate::transport::Reqwest;
pub use crate::transport::{AbortController, AbortSignal};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The retry hook of [`ClientOptions::on_retry`].
pub type RetryHook = Arc<dyn Fn(&RetryInfo) + Send + Sync>;
/// The progress hook of [`CallOptions::on_progress`]: `(done, total)`.
pub type ProgressHook = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// The options of [`PeekerClient::new`], with the JS client's defaults
/// and ranges (`src/options.rs`). `Debug` never shows the key or token.
#[derive(Clone)]
pub struct ClientOptions {
    /// `pk_test_…` or `pk_live_…`. May be left out only with a `base_url`
    /// (a proxy that adds it).
    pub api_key: Option<String>,
    /// A browser token for the Worker's `/api` proxy, sent as
    /// `Authorization: Bearer …`; needs `base_url`, never with `api_key`.
    pub token: Option<String>,
    /// Default `https://api.peeker.ai/partner/v1`. No user or password;
    /// `https:` unless the host is loopback.
    pub base_url: Option<String>,
    /// Retries after the first attempt (default 2, at most 100).
    pub max_retries: u32,
    /// Per attempt (default 30 s).
    pub timeout: Duration,
    /// The client's token bucket, shared by every call and every clone
    /// (default 600; 0 = off).
    pub requests_per_minute: u32,
    /// Called before each retry's wait; shown nothing secret.
    pub on_retry: Option<RetryHook>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            api_key: None,
            token: None,
            base_url: None,
            max_retries: MAX_RETRIES.default,
            timeout: Duration::from_millis(u64::from(TIMEOUT_MS.default)),
            requests_per_minute: RATE_LIMIT_PER_MINUTE.default,
            on_retry: None,
        }
    }
}

impl ClientOptions {
    /// The defaults with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        ClientOptions {
            api_key: Some(api_key.into()),
            ..Self::default()
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url.as_ref().map(|_| "[set]"))
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("on_retry", &self.on_retry.is_some())
            .finish()
    }
}

/// Per-call options ([`PeekerClient::with`]): each one left `None` is the
/// client's (or the default).
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Aborts the call ([`AbortController::signal`]).
    pub signal: Option<AbortSignal>,
    /// Per attempt.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// The waits: the first pause between polls (default 1 s; grows ×1.5 up
    /// to 60 s).
    pub poll_interval: Option<Duration>,
    /// The waits: give up (`TimeoutError`) after this long (default 10 min).
    pub max_wait: Option<Duration>,
    /// `domains().availability`: after each call of 50, the names done so
    /// far and all names.
    pub on_progress: Option<ProgressHook>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("signal", &self.signal.is_some())
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("poll_interval", &self.poll_interval)
            .field("max_wait", &self.max_wait)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// A failed call, as the JS client's errors: its class from the error table
/// ([`classes`]: `ConflictError`, `TimeoutError`, …), the API's code, the
/// field at fault, the status and request id of an API answer, and every
/// problem of a validation failure. Every string is scrubbed of the key,
/// the token and the call's Smartlead credentials.
#[derive(Clone)]
pub struct Error {
    /// Its class (`classes::CONFLICT`); [`Error::is`] tests a class and its
    /// parents as `instanceof` does.
    pub class: &'static ErrorClass,
    /// The API's code (`conflict`), or the SDK's (`validation_failed`,
    /// `connection_error`, `timeout`, `aborted`, …).
    pub code: String,
    /// What happened and what to do.
    pub message: String,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// The error's `details`, when it has some.
    pub details: Option<Value>,
    /// Every problem found, for a validation failure.
    pub problems: Vec<Problem>,
    /// The status of an API error answer.
    pub status: Option<u16>,
    /// The answer's `Peeker-Request-Id`: quote it to Peeker's support.
    pub request_id: Option<String>,
}

impl Error {
    /// Whether the error is of `class` or of a class extending it
    /// (`e.is(&classes::CONNECTION)` holds for a `TimeoutError`).
    pub fn is(&self, class: &ErrorClass) -> bool {
        let mut at = Some(self.class);
        while let Some(c) = at {
            if c.name == class.name {
                return true;
            }
            at = classes::CLASSES.iter().find(|p| p.name == c.parent);
        }
        false
    }

    /// The class's name (`ConflictError`).
    pub fn class_name(&self) -> &'static str {
        self.class.name
    }

    fn from_failure(name: &str, failure: Failure, secrets: &Secrets) -> Self {
        let shown = failure.shown(name, secrets.scrubber());
        Error {
            class: classes::CLASSES
                .iter()
                .find(|c| c.name == shown.class)
                .unwrap_or(&classes::PEEKER),
            code: shown.code,
            message: shown.message,
            field: shown.field,
            details: shown.details,
            problems: shown.problems,
            status: (shown.status != 0).then_some(shown.status),
            request_id: shown.request_id,
        }
    }

    fn invalid_option(e: PeekerError) -> Self {
        Error::from_failure(
            "PeekerClient",
            Failure::Invalid(e),
            &Secrets::known(Vec::new()),
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("class", &self.class.name)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("field", &self.field)
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("problems", &self.problems)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class.name, self.message)
    }
}

impl std::error::Error for Error {}

/// The Peeker Partner API client: validation before sending, canonical
/// bodies, the rate limit, retries (only where a resend is safe), timeouts
/// and typed errors. Cheap to clone: clones share the connection pool and
/// the rate limit. Neither `Debug` nor `Display` shows the key.
#[derive(Clone)]
pub struct PeekerClient {
    inner: Arc<Client<Reqwest>>,
    call: CallOptions,
}

impl fmt::Debug for PeekerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeekerClient({})", self.inner.config.base_url)
    }
}

impl fmt::Display for PeekerClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A whole-number option under its Rust name, in the options table's range.
fn whole(opt: &Whole, name: &'static str, n: u64) -> Result<u32, PeekerError> {
    in_range(&Whole { name, ..*opt }, n as f64)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl PeekerClient {
    /// A client, after the same checks as `new PeekerClient(options)` in JS
    /// (a key or a proxy, a plain base URL, options in range).
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        Self::configure(options).map_err(Error::invalid_option)
    }

    fn configure(o: ClientOptions) -> Result<Self, PeekerError> {
        let base_given = o.base_url.is_some();
        let base_url = check_base_url(o.base_url.as_deref())?;
        let key = match (&o.token, &o.api_key) {
            (Some(t), key) => Some(check_token(Some(t), key.is_some(), base_given)?),
            // Through a proxy that adds the key (the Worker's), none is needed.
            (None, None) if base_given => None,
            (None, key) => Some(check_key(key.as_deref())?),
        };
        let config = Config {
            base_url,
            authorization: key.as_ref().map(|k| format!("Bearer {k}")),
            key,
            max_retries: whole(&MAX_RETRIES, "max_retries", u64::from(o.max_retries))?,
            timeout_ms: whole(&TIMEOUT_MS, "timeout", millis(o.timeout))?,
            on_retry: o.on_retry,
        };
        let per_minute = whole(
            &RATE_LIMIT_PER_MINUTE,
            "requests_per_minute",
            u64::from(o.requests_per_minute),
        )?;
        let transport = Reqwest::new().map_err(|why| {
            PeekerError::new(
                crate::error::codes::INTERNAL_ERROR,
                format!("could not start the HTTP client: {why}"),
            )
        })?;
        Ok(PeekerClient {
            inner: Arc::new(Client::new(config, per_minute, transport)),
            call: CallOptions::default(),
        })
    }

    /// The same client (same pool, same rate limit) with per-call options:
    /// `client.with(CallOptions { signal: Some(c.signal()), ..Default::default() }).me()`.
    pub fn with(&self, options: CallOptions) -> PeekerClient {
        PeekerClient {
            inner: self.inner.clone(),
            call: options,
        }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// The settings of one call, whose secrets are the key and `secrets`.
    fn settings(
        &self,
        mut secrets: Vec<String>,
    ) -> (Arc<Secrets>, Result<CallSettings<AbortSignal>, PeekerError>) {
        secrets.extend(self.inner.config.key.iter().cloned());
        let secrets = Arc::new(Secrets::known(secrets));
        let c = &self.call;
        let config = &self.inner.config;
        let settings = (|| {
            Ok(CallSettings {
                signal: c.signal.clone(),
                timeout_ms: match c.timeout {
                    Some(t) => whole(&TIMEOUT_MS, "timeout", millis(t))?,
                    None => config.timeout_ms,
                },
                max_retries: match c.max_retries {
                    Some(n) => whole(&MAX_RETRIES, "max_retries", u64::from(n))?,
                    None => config.max_retries,
                },
                secrets: secrets.clone(),
            })
        })();
        (secrets, settings)
    }

    /// One request of `endpoint`, its answer decoded as `R`.
    async fn one<R: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        id: Option<&str>,
        arg: Result<Value, PeekerError>,
    ) -> Result<R, Error> {
        self.one_as(endpoint, id, arg, |_, body| decode(body)).await
    }

    /// One request of `endpoint`, its answer decoded by `decode`.
    async fn one_as<R>(
        &self,
        endpoint: Endpoint,
        id: Option<&str>,
        arg: Result<Value, PeekerError>,
        decode: fn(Endpoint, &str) -> Result<R, Failure>,
    ) -> Result<R, Error> {
        let mut found = Vec::new();
        if let Ok(v) = &arg {
            credentials(v, &mut found);
        }
        let (secrets, settings) = self.settings(found);
        let result = async {
            let settings = settings?;
            let request = endpoint.build(id, &arg?)?;
            let answer = self.inner.send(&request, &settings).await?;
            decode(endpoint, &answer.body)
        }
        .await;
        result.map_err(|f| Error::from_failure(endpoint.client_name(), f, &secrets))
    }

    /// A list endpoint's pages, from `query` (`null` for none).
    fn pages<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        query: Result<Value, PeekerError>,
    ) -> Pages<T> {
        Pages {
            client: self.clone(),
            endpoint,
            query,
            seen: HashSet::new(),
            done: false,
            decode: |_, body| decode(body),
        }
    }

    /// Calls a client method by its name, as the JS client and browser-token
    /// scopes name it (`"orders.create"`, `"imports.waitJob"`), with JSON
    /// arguments: `id` for the `{id}` segment, `arg` the body or query
    /// (`Value::Null` for none; the names for `domains.availability`). The
    /// same validation (every problem, with its field), bytes and retries as
    /// the typed methods; the answer is read into the model's type, then
    /// given back as JSON. A list method answers its first page: walk them
    /// with [`PeekerClient::list`].
    pub async fn call(&self, name: &str, id: Option<&str>, arg: Value) -> Result<Value, Error> {
        let id = id.unwrap_or_default();
        match crate::request::Helper::find(name).map(|h| h.kind) {
            Some(HelperKind::Availability) => {
                let names = match arg {
                    Value::Array(names) => names,
                    Value::Object(mut o) => match o.remove("domains") {
                        Some(Value::Array(names)) => names,
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                };
                let rows = self.availability_of(names).await?;
                Ok(serde_json::to_value(rows).unwrap_or_default())
            }
            Some(HelperKind::Wait(poll)) => self.wait_for::<Value>(name, poll, id).await,
            None => match Endpoint::from_client_name(name) {
                Some(e) => self.one_as(e, Some(id), Ok(arg), as_model).await,
                None => Err(Error::invalid_option(bad_option(
                    "",
                    &format!("no client method is called {name:?}"),
                ))),
            },
        }
    }

    /// The pages of a list method by its name (`"orders.list"`), as JSON:
    /// each page read into the model's type first.
    pub fn list(&self, name: &str, query: Value) -> Pages<Value> {
        let endpoint = Endpoint::from_client_name(name).filter(|e| e.paginated());
        let mut pages = self.pages(endpoint.unwrap_or(Endpoint::ListBundles), Ok(query));
        pages.decode =
            |e, body| serde_json::from_value(as_model(e, body)?).map_err(|e| mismatch(&e));
        if endpoint.is_none() {
            pages.query = Err(bad_option(
                "",
                &format!("no list method is called {name:?}"),
            ));
        }
        pages
    }

    /// `domains().availability`: any number of names, 50 a call.
    async fn availability_of(&self, names: Vec<Value>) -> Result<Vec<AvailabilityRow>, Error> {
        let (secrets, settings) = self.settings(Vec::new());
        let progress = self.call.on_progress.clone();
        let on_progress = move |done: usize, total: usize| {
            if let Some(p) = &progress {
                p(done, total);
            }
        };
        let result = async {
            let settings = settings?;
            let rows = self
                .inner
                .availability(&names, &settings, &on_progress)
                .await?;
            serde_json::from_value(rows).map_err(|e| mismatch(&e))
        }
        .await;
        result.map_err(|f| Error::from_failure("domains.availability", f, &secrets))
    }

    /// The waits: polls `poll` for `id` until a terminal status.
    async fn wait_for<R: DeserializeOwned>(
        &self,
        name: &str,
        poll: Poll,
        id: &str,
    ) -> Result<R, Error> {
        let (secrets, settings) = self.settings(Vec::new());
        let c = &self.call;
        let result = async {
            let settings = settings?;
            let first = match c.poll_interval {
                Some(d) => whole(&POLL_INTERVAL_MS, "poll_interval", millis(d))?,
                None => POLL_INTERVAL_MS.default,
            };
            let max_wait = match c.max_wait {
                Some(d) => whole(&MAX_WAIT_MS, "max_wait", millis(d))?,
                None => MAX_WAIT_MS.default,
            };
            let answer = self
                .inner
                .wait(poll, id, &settings, u64::from(first), f64::from(max_wait))
                .await?;
            serde_json::from_value(answer).map_err(|e| mismatch(&e))
        }
        .await;
        result.map_err(|f| Error::from_failure(name, f, &secrets))
    }
}

fn decode<R: DeserializeOwned>(body: &str) -> Result<R, Failure> {
    serde_json::from_str(body).map_err(|e| {
        if serde_json::from_str::<serde::de::IgnoredAny>(body).is_err() {
            super::not_json(body)
        } else {
            mismatch(&e)
        }
    })
}

fn to_model_json<T: Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| mismatch(&e))
}

fn mismatch(e: &serde_json::Error) -> Failure {
    Failure::Decode(format!(
        "the API answered success with a body this SDK does not read ({e})"
    ))
}

/// A typed argument as the JSON the endpoint table's builders read.
fn arg<T: Serialize>(value: &T) -> Result<Value, PeekerError> {
    serde_json::to_value(value).map_err(|_| {
        PeekerError::new(
            crate::error::codes::INTERNAL_ERROR,
            "could not encode the argument",
        )
    })
}

/// The pages of a list call (`client.orders().list(None)`), fetched one at
/// a time as asked: [`Pages::next_page`], or every item with
/// [`Pages::all`]. Follows `links.next` (its opaque `page_token`) until
/// the last page.
pub struct Pages<T> {
    client: PeekerClient,
    endpoint: Endpoint,
    query: Result<Value, PeekerError>,
    seen: HashSet<String>,
    done: bool,
    decode: fn(Endpoint, &str) -> Result<List<T>, Failure>,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("endpoint", &self.endpoint)
            .field("done", &self.done)
            .finish()
    }
}

impl<T> Pages<T> {
    /// The next page, `None` after the last (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<List<T>, Error>> {
        if self.done {
            return None;
        }
        let query = match &self.query {
            Ok(q) => Ok(q.clone()),
            Err(e) => Err(e.clone()),
        };
        let page = (self.client)
            .one_as(self.endpoint, None, query, self.decode)
            .await;
        let token = match &page {
            Ok(p) => p.next_page().and_then(page_token),
            Err(_) => None,
        };
        match (token, &mut self.query) {
            (Some(token), Ok(query)) if self.seen.insert(token.clone()) => {
                if query.is_null() {
                    *query = Value::Object(Default::default());
                }
                if let Some(map) = query.as_object_mut() {
                    map.insert("page_token".into(), token.into());
                }
            }
            _ => self.done = true,
        }
        Some(page)
    }

    /// Every item of every page.
    pub async fn all(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.data);
        }
        Ok(items)
    }
}

/// The `page_token` of a `links.next` URL (opaque: copied, never built).
fn page_token(next: &str) -> Option<String> {
    let query = next.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == "page_token")
            .then(|| percent_decode(v))
            .filter(|t| !t.is_empty())
    })
}

/// `application/x-www-form-urlencoded` decoding, as `URLSearchParams`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = s
            .get(i + 1..i + 3)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The resource namespaces, as the JS client's (`client.orders`). Their
/// methods come from the endpoint table.
macro_rules! namespaces {
    ($($(#[doc = $doc:literal])* $ns:ident: $ty:ident;)+) => {
        impl PeekerClient {
            $(
                $(#[doc = $doc])*
                pub fn $ns(&self) -> $ty<'_> {
                    $ty { client: self }
                }
            )+
        }
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty<'a> {
                client: &'a PeekerClient,
            }

            impl $ty<'_> {
                fn api(&self) -> &PeekerClient {
                    self.client
                }
            }
        )+
    };
}

namespaces! {
    /// Bundles: saved order sizes.
    bundles: Bundles;
    /// End customers.
    users: Users;
    /// Domains: availability, the inventory.
    domains: Domains;
    /// Nameserver imports of domains the customer owns.
    imports: Imports;
    /// Forwarding of live domains.
    forwarding: Forwarding;
    /// Orders and their pending actions.
    orders: Orders;
    /// Domain and user-name swaps.
    swaps: Swaps;
}

/// The type of a namespace (`orders` → `Orders`).
macro_rules! namespace_type {
    (bundles) => { Bundles<'_> };
    (users) => { Users<'_> };
    (domains) => { Domains<'_> };
    (imports) => { Imports<'_> };
    (forwarding) => { Forwarding<'_> };
    (orders) => { Orders<'_> };
    (swaps) => { Swaps<'_> };
}

/// One method per row of the endpoint table: its name and namespace from
/// the row's client name, its arguments from the row's builder, its answer
/// from the row's response.
macro_rules! native_methods {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $method:ident $path:literal as $first:ident $(. $second:ident)? $(= $client:literal)? {
            build: $f:ident($($sig:tt)*),
            response: $status:literal $shape:ident $resp:ty,
            $($rest:tt)*
        }
    )+) => {
        /// An answer of `endpoint` read into the model's type, as JSON.
        fn as_model(endpoint: Endpoint, body: &str) -> Result<Value, Failure> {
            match endpoint {
                $(Endpoint::$name => native_methods!(@model [$shape $resp] body),)+
            }
        }

        $(native_methods!(@row
            [$(#[doc = $doc])* #[doc = concat!("\n\n`", stringify!($method), " ", $path, "`")]]
            $name $first $($second)? [$shape $resp] $($sig)*);)+
    };

    (@model [One $resp:ty] $body:ident) => {
        to_model_json(decode::<DataEnvelope<$resp>>($body)?)
    };
    (@model [Page $resp:ty] $body:ident) => {
        to_model_json(decode::<List<$resp>>($body)?)
    };

    // Replaced by the helper of the same name: any number of names, 50 a call.
    (@row [$($d:tt)*] $name:ident domains availability $($rest:tt)*) => {};
    // `me`: on the client itself.
    (@row [$($d:tt)*] $name:ident $m:ident [$($r:tt)*] $($sig:tt)*) => {
        impl PeekerClient {
            native_methods!(@fn [$($d)*] $name $m [$($r)*] $($sig)*);
        }
    };
    (@row [$($d:tt)*] $name:ident $ns:ident $m:ident [$($r:tt)*] $($sig:tt)*) => {
        impl namespace_type!($ns) {
            native_methods!(@fn [$($d)*] $name $m [$($r)*] $($sig)*);
        }
    };

    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty]) => {
        $($d)*
        pub async fn $m(&self) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, Ok(Value::Null)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id) => {
        $($d)*
        pub async fn $m(&self, id: &str) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, Some(id), Ok(Value::Null)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] body: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, body: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, arg(body)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id, body: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, id: &str, body: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, Some(id), arg(body)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] id, body?: $t:ty = $p:path) => {
        $($d)*
        pub async fn $m(&self, id: &str, body: Option<&$t>) -> Result<DataEnvelope<$resp>, Error> {
            let body = body.map_or(Ok(Value::Null), arg);
            self.api().one(Endpoint::$name, Some(id), body).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [One $resp:ty] query: $t:ty) => {
        $($d)*
        pub async fn $m(&self, query: &$t) -> Result<DataEnvelope<$resp>, Error> {
            self.api().one(Endpoint::$name, None, arg(query)).await
        }
    };
    (@fn [$($d:tt)*] $name:ident $m:ident [Page $resp:ty] query?: $t:ty) => {
        $($d)*
        pub fn $m(&self, query: Option<&$t>) -> Pages<$resp> {
            self.api().pages(Endpoint::$name, query.map_or(Ok(Value::Null), arg))
        }
    };
}

crate::request::endpoint_table!(native_methods);

impl PeekerClient {
    fn api(&self) -> &PeekerClient {
        self
    }
}

// The helpers: more than one request each (`CLIENT_HELPERS`).
impl Domains<'_> {
    /// Any number of names, sent 50 a call within the rate limit; rows in
    /// input order. A name the core refuses gets a `reason: invalid` row in
    /// place and is not sent; a name repeated anywhere in the list is a
    /// validation error before anything is sent.
    ///
    /// `POST /domains/availability`
    pub async fn availability<S: AsRef<str>>(
        &self,
        names: &[S],
    ) -> Result<Vec<AvailabilityRow>, Error> {
        let names = names.iter().map(|n| Value::from(n.as_ref())).collect();
        self.client.availability_of(names).await
    }
}

impl Imports<'_> {
    /// Polls `GET /domains/import/{id}` until `completed` or `failed`
    /// ([`CallOptions::poll_interval`], [`CallOptions::max_wait`]).
    pub async fn wait(&self, id: &str) -> Result<DataEnvelope<DomainImport>, Error> {
        self.client.wait_for("imports.wait", Poll::Import, id).await
    }

    /// Polls `GET /domains/import/jobs/{id}` until `completed` or `failed`.
    pub async fn wait_job(&self, id: &str) -> Result<DataEnvelope<DomainImport>, Error> {
        self.client
            .wait_for("imports.waitJob", Poll::ImportJob, id)
            .await
    }
}

impl Forwarding<'_> {
    /// Polls `GET /domains/forwarding/{id}` until `completed`,
    /// `partial_success` or `failed`.
    pub async fn wait(&self, id: &str) -> Result<DataEnvelope<ForwardingJob>, Error> {
        self.client
            .wait_for("forwarding.wait", Poll::Forwarding, id)
            .await
    }
}

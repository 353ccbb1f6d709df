//! The client: one call = build (pure core) → rate limit → attempts through
//! the transport → retry decisions ([`crate::retry`]). Also the two
//! multi-request helpers: chunked availability and the waits. One
//! implementation, generic over the transport (`src/transport`): the global
//! `fetch` in wasm (`src/js/client.rs` is its JS face) and reqwest natively
//! (`PeekerClient`, `src/client/native.rs`).

#![warn(missing_docs)]

use crate::error::{classes, PeekerError, Problem};
use crate::json::{object, take};
use crate::model::ApiError;
use crate::request::{Endpoint, HttpRequest, Poll};
use crate::retry::{self, Decision, Outcome, TokenBucket};
use crate::scrub::Scrubber;
use crate::transport::{Answer, Json, NoAnswer, Transport};
use crate::validate::read::Dedup;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::task;

#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
mod native;
#[cfg(all(not(target_arch = "wasm32"), feature = "native"))]
pub use native::*;

/// Domains per `POST /domains/availability` (docs/contract.md#limits).
pub(crate) const AVAILABILITY_CHUNK: usize = 50;
/// Availability calls in flight at once (the rate limiter still paces them).
const AVAILABILITY_CONCURRENCY: usize = 4;

/// What a retry hook is shown before each retry's wait: nothing secret (no
/// key, no body; the server's code and request id scrubbed of the call's
/// secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryInfo {
    /// The retry about to be made: 1 for the first.
    pub attempt: u32,
    /// How long the client waits before it, in milliseconds.
    pub delay_ms: u64,
    /// `rate_limited`, `server_error`, `connection_error` or `timeout`.
    pub reason: &'static str,
    /// The request's method (`POST`).
    pub method: &'static str,
    /// The request's path under the base URL (`/orders`).
    pub path: String,
    /// The status of the answer retried, when there was one.
    pub status: Option<u16>,
    /// The answer's error code, when there was one.
    pub code: Option<String>,
    /// The answer's `Peeker-Request-Id`, when there was one.
    pub request_id: Option<String>,
}

/// The retry hook (`onRetry`): JS functions are not `Send`, native hooks are.
#[cfg(target_arch = "wasm32")]
pub(crate) type OnRetry = Box<dyn Fn(&RetryInfo)>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type OnRetry = std::sync::Arc<dyn Fn(&RetryInfo) + Send + Sync>;

/// Gathers a call's secrets when first needed.
#[cfg(target_arch = "wasm32")]
pub(crate) type Gather = Box<dyn Fn() -> Vec<String>>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Gather = Box<dyn Fn() -> Vec<String> + Send + Sync>;

/// A call's shared secrets: JS values are not `Send`, native futures are.
#[cfg(target_arch = "wasm32")]
pub(crate) type Shared<T> = std::rc::Rc<T>;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Shared<T> = std::sync::Arc<T>;

/// Settings fixed at construction. Not `Debug`: it holds the key.
pub(crate) struct Config {
    pub base_url: String,
    /// `Bearer <key>`, or none when a proxy adds it.
    pub authorization: Option<String>,
    /// The key, scrubbed from anything shown to the caller.
    pub key: Option<String>,
    pub max_retries: u32,
    pub timeout_ms: u32,
    pub on_retry: Option<OnRetry>,
}

pub(crate) struct Client<T: Transport> {
    pub config: Config,
    bucket: Mutex<TokenBucket>,
    transport: T,
}

/// Per-call settings (the client's unless the call overrides them).
pub(crate) struct CallSettings<S> {
    pub signal: Option<S>,
    pub timeout_ms: u32,
    pub max_retries: u32,
    /// Scrubbed from what the retry hook and errors show.
    pub secrets: Shared<Secrets>,
}

/// A call's secrets (the key, the Smartlead credentials its arguments
/// carry), gathered when first needed: a retry shown to the hook, or a
/// failure. Not `Debug`: it holds them.
pub(crate) struct Secrets {
    gather: Gather,
    scrubber: OnceLock<Scrubber>,
}

impl Secrets {
    pub fn new(gather: Gather) -> Self {
        Secrets {
            gather,
            scrubber: OnceLock::new(),
        }
    }

    /// Secrets known up front (the native client's arguments are Rust values).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn known(secrets: Vec<String>) -> Self {
        Self::new(Box::new(move || secrets.clone()))
    }

    pub fn scrubber(&self) -> &Scrubber {
        self.scrubber
            .get_or_init(|| Scrubber::new(&(self.gather)()))
    }
}

/// Why a call failed.
pub(crate) enum Failure {
    /// Refused before any request (validation).
    Invalid(PeekerError),
    /// The API answered an error.
    Api {
        status: u16,
        error: ApiError,
        request_id: Option<String>,
        retries: u32,
    },
    /// No answer. `unsafe_not_retried`: the request may have reached the server
    /// and is not safe to resend, so it was not retried.
    Connection {
        message: String,
        retries: u32,
        unsafe_not_retried: bool,
    },
    Timeout {
        timeout_ms: u32,
        retries: u32,
        unsafe_not_retried: bool,
    },
    Aborted,
    /// A 2xx whose body is not JSON (or not the answer's shape).
    Decode(String),
    /// The answer was over 16 MiB; reading stopped there.
    TooLarge,
}

impl From<PeekerError> for Failure {
    fn from(e: PeekerError) -> Self {
        Failure::Invalid(e)
    }
}

/// A failed call as the caller is shown it: every string scrubbed of the
/// call's secrets.
pub(crate) struct Shown {
    /// The error class's name (`ConflictError`).
    pub class: &'static str,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<Value>,
    pub problems: Vec<Problem>,
    /// 0 when there was no answer.
    pub status: u16,
    pub request_id: Option<String>,
}

impl Failure {
    /// What the caller of `name` (`orders.create`) is shown: the class, the
    /// code and a message that says what happened and what to do.
    pub fn shown(self, name: &str, scrub: &Scrubber) -> Shown {
        let simple = |class: &'static str, code: &str, message: String| Shown {
            class,
            code: code.to_owned(),
            message: scrub.text(&message),
            field: None,
            details: None,
            problems: Vec::new(),
            status: 0,
            request_id: None,
        };
        let not_resent = "; it was not sent again because it may have reached the server and is not safe to repeat: check (e.g. with a list call) before sending it again";
        match self {
            Failure::Invalid(e) => Shown {
                class: if e.problems.is_empty() {
                    classes::PEEKER.name
                } else {
                    classes::VALIDATION.name
                },
                message: scrub.text(&e.message),
                field: e.field.map(|f| scrub.text(&f)),
                details: e.details.map(|d| scrub.value(&d)),
                problems: e
                    .problems
                    .into_iter()
                    .map(|mut p| {
                        p.message = scrub.text(&p.message);
                        p.field = scrub.text(&p.field);
                        p.details = p.details.as_ref().map(|d| scrub.value(d));
                        p
                    })
                    .collect(),
                code: e.code,
                status: 0,
                request_id: None,
            },
            Failure::Api {
                status,
                error,
                request_id,
                retries,
            } => {
                let request_id = request_id.map(|id| scrub.text(&id));
                let error = ApiError {
                    code: scrub.text(&error.code),
                    message: scrub.text(&error.message),
                    field: error.field.map(|f| scrub.text(&f)),
                    ..error
                };
                let id = request_id
                    .as_deref()
                    .map(|id| format!(" [request {id}]"))
                    .unwrap_or_default();
                let message = format!(
                    "{name}: {} ({status} {}){}: {}{id}",
                    error.message.trim_end_matches('.'),
                    error.code,
                    retried(retries),
                    advice(status, &error),
                );
                Shown {
                    class: classes::class_of_status(status),
                    message: scrub.text(&message),
                    details: error.details.as_ref().map(|d| scrub.value(d)),
                    code: error.code,
                    field: error.field,
                    problems: Vec::new(),
                    status,
                    request_id,
                }
            }
            Failure::Connection {
                message,
                retries,
                unsafe_not_retried,
            } => simple(
                classes::CONNECTION.name,
                "connection_error",
                format!(
                    "{name}: could not reach the Peeker API ({message}){}; check baseUrl and the network{}",
                    retried(retries),
                    if unsafe_not_retried { not_resent } else { "" }
                ),
            ),
            Failure::Timeout {
                timeout_ms,
                retries,
                unsafe_not_retried,
            } => simple(
                classes::TIMEOUT.name,
                "timeout",
                format!(
                    "{name}: no answer within {timeout_ms} ms{}; raise timeoutMs or try again later{}",
                    retried(retries),
                    if unsafe_not_retried { not_resent } else { "" }
                ),
            ),
            Failure::Aborted => simple(
                classes::ABORT.name,
                "aborted",
                format!("{name}: aborted by its signal"),
            ),
            Failure::Decode(message) => simple(classes::PEEKER.name, "invalid_response", format!("{name}: {message}")),
            Failure::TooLarge => simple(
                classes::PEEKER.name,
                "response_too_large",
                format!("{name}: the answer is over 16 MiB and was cut off; check baseUrl points at the Peeker API (or the Worker's proxy)"),
            ),
        }
    }
}

/// What to do about an API error: its status's advice in the error table.
fn advice(status: u16, error: &ApiError) -> String {
    let advice = classes::handling(status)
        .and_then(|h| h.answer.advice)
        .unwrap_or(classes::GENERIC_ADVICE);
    // `{field}`: the field at fault, or the request. (Split at a char: a
    // `str` pattern brings core's two-way string search into the wasm.)
    match advice.split_once('{') {
        Some((head, tail)) => {
            let tail = tail.strip_prefix("field}").unwrap_or(tail);
            match &error.field {
                Some(f) => format!("{head}`{f}`{tail}"),
                None => format!("{head}the request{tail}"),
            }
        }
        None => advice.to_owned(),
    }
}

fn retried(retries: u32) -> String {
    match retries {
        0 => String::new(),
        1 => " (after 1 retry)".to_owned(),
        n => format!(" (after {n} retries)"),
    }
}

/// The key as the client checks it: printable ASCII, no spaces or line
/// breaks. The message never echoes the value.
pub(crate) fn check_key(key: Option<&str>) -> Result<String, PeekerError> {
    match key {
        Some(k) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(k.to_owned()),
        _ => Err(bad_option(
            "apiKey",
            "apiKey must be your API key, a string like pk_test_… or pk_live_… (no spaces or line breaks); create one in the Partner portal under Settings → API",
        )),
    }
}

/// A browser token (mintBrowserToken) for the Worker's proxy: never with a
/// key, and only with a base URL.
pub(crate) fn check_token(
    token: Option<&str>,
    key_given: bool,
    base_given: bool,
) -> Result<String, PeekerError> {
    match token {
        Some(t)
            if !t.is_empty()
                && t.len() <= 8192
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                && !key_given
                && base_given =>
        {
            Ok(t.to_owned())
        }
        _ => Err(bad_option(
            "token",
            "token must be a browser token from your backend (mintBrowserToken), used with baseUrl = the Worker's /api proxy and without apiKey",
        )),
    }
}

/// The base URL, checked (never echoed: it may carry a password).
pub(crate) fn check_base_url(base: Option<&str>) -> Result<String, PeekerError> {
    use crate::options::DEFAULT_BASE_URL;
    match base.map(crate::validate::names::check_base_url) {
        None => Ok(DEFAULT_BASE_URL.to_owned()),
        Some(Ok(url)) => Ok(url),
        Some(Err(why)) => Err(bad_option("baseUrl", &format!("baseUrl {why}"))),
    }
}

pub(crate) fn bad_option(field: &str, message: &str) -> PeekerError {
    PeekerError::new(crate::error::codes::INVALID_REQUEST, message).with_field(field)
}

/// `n` if it is in the option's range.
pub(crate) fn in_range(opt: &crate::options::Whole, n: f64) -> Result<u32, PeekerError> {
    let crate::options::Whole { name, min, max, .. } = *opt;
    if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) {
        Ok(n as u32)
    } else {
        Err(bad_option(
            name,
            &format!("{name} must be a whole number from {min} to {max}"),
        ))
    }
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T: Transport> Client<T> {
    pub fn new(config: Config, per_minute: u32, transport: T) -> Self {
        Client {
            config,
            bucket: Mutex::new(TokenBucket::new(per_minute)),
            transport,
        }
    }

    /// Sends `request` until it succeeds or [`retry::decide`] says stop.
    pub async fn send(
        &self,
        request: &HttpRequest,
        opts: &CallSettings<T::Signal>,
    ) -> Result<Answer, Failure> {
        let signal = opts.signal.as_ref();
        let t = &self.transport;
        let mut retries = 0;
        loop {
            let (wait, slot_end) = {
                let mut bucket = lock(&self.bucket);
                (bucket.reserve(t.now_ms()), bucket.last_slot_end())
            };
            if wait > 0 && !t.sleep(wait, signal).await {
                lock(&self.bucket).release(slot_end);
                return Err(Failure::Aborted);
            }
            let result = t
                .send(
                    &self.config.base_url,
                    self.config.authorization.as_deref(),
                    request,
                    signal,
                    opts.timeout_ms,
                )
                .await;
            let safe = request.retry_safe();
            let (failure, outcome_kind) = match result {
                Ok(answer) if (200..300).contains(&answer.status) => return Ok(answer),
                Ok(answer) => {
                    let error = api_error(answer.status, &answer.body);
                    let failure = Failure::Api {
                        status: answer.status,
                        error,
                        request_id: answer.request_id,
                        retries,
                    };
                    (failure, None)
                }
                Err(NoAnswer::Aborted) => return Err(Failure::Aborted),
                Err(NoAnswer::TooLarge) => return Err(Failure::TooLarge),
                Err(NoAnswer::TimedOut) => (
                    Failure::Timeout {
                        timeout_ms: opts.timeout_ms,
                        retries,
                        unsafe_not_retried: !safe,
                    },
                    Some(Outcome::Timeout),
                ),
                Err(NoAnswer::Connection {
                    message,
                    before_send,
                }) => (
                    Failure::Connection {
                        message,
                        retries,
                        unsafe_not_retried: !safe && !before_send,
                    },
                    Some(Outcome::Connection { before_send }),
                ),
            };
            let outcome = match (&failure, outcome_kind) {
                (_, Some(o)) => o,
                (Failure::Api { status, error, .. }, None) => Outcome::Status {
                    status: *status,
                    error: Some(error),
                },
                _ => Outcome::Connection { before_send: false },
            };
            match retry::decide(safe, outcome, retries, opts.max_retries, t.random()) {
                Decision::Stop => return Err(failure),
                Decision::Retry { delay_ms, reason } => {
                    let info = (retries + 1, delay_ms, reason.as_str());
                    self.notify_retry(request, &failure, info, &opts.secrets);
                    if !t.sleep(delay_ms, signal).await {
                        return Err(Failure::Aborted);
                    }
                    retries += 1;
                }
            }
        }
    }

    /// Sends and parses the JSON answer.
    pub async fn call(
        &self,
        request: &HttpRequest,
        opts: &CallSettings<T::Signal>,
    ) -> Result<T::Json, Failure> {
        let answer = self.send(request, opts).await?;
        T::Json::parse(&answer.body).ok_or_else(|| not_json(&answer.body))
    }

    /// The retry hook, shown nothing secret: no key, no body; the server's
    /// `code` and request id scrubbed of the call's secrets.
    fn notify_retry(
        &self,
        request: &HttpRequest,
        failure: &Failure,
        (attempt, delay_ms, reason): (u32, u64, &'static str),
        secrets: &Secrets,
    ) {
        let Some(hook) = &self.config.on_retry else {
            return;
        };
        let mut info = RetryInfo {
            attempt,
            delay_ms,
            reason,
            method: request.method.as_str(),
            path: request.path.clone(),
            status: None,
            code: None,
            request_id: None,
        };
        if let Failure::Api {
            status,
            error,
            request_id,
            ..
        } = failure
        {
            let scrub = secrets.scrubber();
            info.status = Some(*status);
            info.code = Some(scrub.text(&error.code));
            info.request_id = request_id.as_deref().map(|id| scrub.text(id));
        }
        hook(&info);
    }

    /// Any number of names, in calls of 50, rows in input order. A name
    /// the core refuses is answered here with a `reason: "invalid"` row and
    /// not sent, so one typo never fails a batch. `on_progress(done, total)`
    /// after each call.
    pub async fn availability(
        &self,
        names: &[Value],
        opts: &CallSettings<T::Signal>,
        on_progress: &impl Fn(usize, usize),
    ) -> Result<T::Json, Failure> {
        let plan = availability_plan(names)?;
        let requests = &plan.requests;
        let total = names.len();
        let results: Mutex<Vec<Option<Vec<T::Json>>>> =
            Mutex::new((0..requests.len()).map(|_| None).collect());
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(total - plan.asked);
        let failed: Mutex<Option<Failure>> = Mutex::new(None);
        let (results_ref, next, done, failed_ref) = (&results, &next, &done, &failed);
        let asked = plan.asked;
        let worker = || async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests.len() || lock(failed_ref).is_some() {
                    return;
                }
                match self.call(&requests[i], opts).await {
                    Ok(page) => {
                        // {data: {domains: [rows]}}
                        let rows = page
                            .get("data")
                            .and_then(|d| d.get("domains"))
                            .map(Json::into_items)
                            .unwrap_or_default();
                        lock(results_ref)[i] = Some(rows);
                        let n = (i * AVAILABILITY_CHUNK + AVAILABILITY_CHUNK).min(asked)
                            - i * AVAILABILITY_CHUNK;
                        let so_far = done.fetch_add(n, Ordering::Relaxed) + n;
                        on_progress(so_far, total);
                    }
                    Err(e) => {
                        lock(failed_ref).get_or_insert(e);
                        return;
                    }
                }
            }
        };
        let workers: Vec<_> = (0..AVAILABILITY_CONCURRENCY.min(requests.len()))
            .map(|_| worker())
            .collect();
        join(workers).await;
        if let Some(f) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            return Err(f);
        }
        let mut answered: Vec<std::vec::IntoIter<T::Json>> = results
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter()
            .map(|rows| rows.unwrap_or_default().into_iter())
            .collect();
        let mut all = Vec::with_capacity(plan.slots.len());
        for slot in &plan.slots {
            let row = match slot {
                // Rows come back in the order asked: the k-th name sent is
                // the next row of its call.
                Slot::Asked(k) => answered
                    .get_mut(k / AVAILABILITY_CHUNK)
                    .and_then(Iterator::next)
                    .unwrap_or_else(T::Json::absent),
                Slot::Invalid(name) => T::Json::invalid_row(name),
            };
            all.push(row);
        }
        Ok(T::Json::array(all))
    }

    /// Polls an import or forwarding job with backoff until a terminal status.
    pub async fn wait(
        &self,
        poll: Poll,
        id: &str,
        opts: &CallSettings<T::Signal>,
        first_ms: u64,
        max_wait_ms: f64,
    ) -> Result<T::Json, Failure> {
        let request = poll.endpoint().build(Some(id), &Value::Null)?;
        let t = &self.transport;
        let start = t.now_ms();
        for n in 0.. {
            let answer = self.call(&request, opts).await?;
            let status = answer
                .get("data")
                .and_then(|d| d.get("status"))
                .and_then(|s| s.text())
                .unwrap_or_default();
            if poll.is_terminal(&status) {
                return Ok(answer);
            }
            let delay = retry::poll_delay(n, first_ms, 60_000);
            if t.now_ms() - start + delay as f64 > max_wait_ms {
                return Err(Failure::Timeout {
                    timeout_ms: max_wait_ms as u32,
                    retries: n,
                    unsafe_not_retried: false,
                });
            }
            if !t.sleep(delay, opts.signal.as_ref()).await {
                return Err(Failure::Aborted);
            }
        }
        Err(Failure::Aborted)
    }
}

/// A 2xx whose body is not JSON.
pub(crate) fn not_json(body: &str) -> Failure {
    Failure::Decode(format!(
        "the API answered success with a body that is not JSON ({} bytes)",
        body.len()
    ))
}

/// Runs `futures` together until every one is done. (Polls each on every
/// wake-up: fine for the few workers here, and far less code in the wasm
/// than `futures_util::future::join_all`.)
async fn join<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pending.is_empty() {
            task::Poll::Ready(())
        } else {
            task::Poll::Pending
        }
    })
    .await
}

/// Where one name of `domains.availability` gets its row.
pub(crate) enum Slot {
    /// The `k`-th name sent (call `k / 50`, row `k % 50`).
    Asked(usize),
    /// Refused by the core as a name: answered `invalid` here, not sent.
    Invalid(String),
}

/// The calls for a list of names and where each row comes from.
pub(crate) struct AvailabilityPlan {
    pub requests: Vec<HttpRequest>,
    pub slots: Vec<Slot>,
    /// How many names are sent.
    pub asked: usize,
}

/// Plans `domains.availability`: strings the core refuses as names get an
/// `invalid` row in place; the rest go 50 a call. Anything that is not a
/// string, or a name repeated anywhere in the list (not only within one
/// call), is a problem at its index in `names`.
pub(crate) fn availability_plan(names: &[Value]) -> Result<AvailabilityPlan, PeekerError> {
    if names.is_empty() {
        return Err(PeekerError::validation(vec![Problem::invalid(
            "domains",
            "pass at least one domain name",
        )]));
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut seen = Dedup::default();
    let mut sent: Vec<(usize, Value)> = Vec::new();
    let mut slots = Vec::with_capacity(names.len());
    for (i, v) in names.iter().enumerate() {
        let field = format!("domains[{i}]");
        let Some(raw) = v.as_str() else {
            problems.push(Problem::invalid(&field, "each domain must be a string"));
            continue;
        };
        let Ok(name) = crate::validate::normalize_domain(raw) else {
            slots.push(Slot::Invalid(raw.to_owned()));
            continue;
        };
        // (normalize_domain lower-cases, so `Example.COM` repeats `example.com`.)
        if !seen.check(&name, i, "domains", &field, &mut problems) {
            continue;
        }
        slots.push(Slot::Asked(sent.len()));
        sent.push((i, v.clone()));
    }
    let mut requests = Vec::new();
    let mut refused: Vec<Problem> = Vec::new();
    for chunk in sent.chunks(AVAILABILITY_CHUNK) {
        let body = chunk.iter().map(|(_, v)| v.clone()).collect();
        match Endpoint::CheckAvailability
            .build(None, &object(vec![("domains", Value::Array(body))]))
        {
            Ok(req) => requests.push(req),
            Err(e) if e.problems.is_empty() => return Err(e),
            Err(e) => refused.extend(e.problems.into_iter().map(|mut p| {
                p.field = reindex(&p.field, |k| chunk.get(k).map(|(i, _)| *i));
                p
            })),
        }
    }
    if !problems.is_empty() || !refused.is_empty() {
        return Err(PeekerError::validation(merge_by_index(problems, refused)));
    }
    Ok(AvailabilityPlan {
        requests,
        slots,
        asked: sent.len(),
    })
}

/// Two lists of problems, each in index order, as one in index order (`a`'s
/// first on a tie). Both are built walking the names in order, so merging
/// them is enough (and a sort would add its own code to the wasm).
fn merge_by_index(a: Vec<Problem>, b: Vec<Problem>) -> Vec<Problem> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for p in a {
        while let Some(q) = b.next_if(|q| index_of(&q.field) < index_of(&p.field)) {
            out.push(q);
        }
        out.push(p);
    }
    out.extend(b);
    out
}

/// The index in `domains[7].x`.
fn index_of(field: &str) -> usize {
    field
        .strip_prefix("domains[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `domains[k].x` → `domains[map(k)].x`.
fn reindex(field: &str, map: impl Fn(usize) -> Option<usize>) -> String {
    let Some(rest) = field.strip_prefix("domains[") else {
        return field.to_owned();
    };
    let Some(end) = rest.find(']') else {
        return field.to_owned();
    };
    let (index, tail) = (rest.get(..end), rest.get(end + 1..));
    match index.and_then(|i| i.parse::<usize>().ok()).and_then(map) {
        Some(i) => format!("domains[{i}]{}", tail.unwrap_or_default()),
        None => field.to_owned(),
    }
}

/// The error envelope of an answer, or one made up from the status.
fn api_error(status: u16, body: &str) -> ApiError {
    // Read through `Value` (already in the module) rather than the typed
    // envelope: serde's `flatten` costs kilobytes of wasm.
    if let Some(Value::Object(mut root)) = crate::json::parse(body) {
        if let Some(Value::Object(mut e)) = take(&mut root, "error") {
            if let (Some(Value::String(code)), Some(Value::String(message))) =
                (take(&mut e, "code"), take(&mut e, "message"))
            {
                let field = match take(&mut e, "field") {
                    Some(Value::String(f)) => Some(f),
                    _ => None,
                };
                return ApiError {
                    code,
                    message,
                    field,
                    details: take(&mut e, "details").filter(|d| !d.is_null()),
                    extra: Default::default(),
                };
            }
        }
    }
    let code = classes::handling(status).map_or(classes::BARE_HTTP_ERROR, |h| h.bare_code());
    ApiError {
        code: code.to_owned(),
        message: format!("HTTP {status} without a Peeker error envelope"),
        field: None,
        details: None,
        extra: Default::default(),
    }
}

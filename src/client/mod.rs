//! The client (wasm32 only): one call = build (pure core) → rate limit →
//! attempts through the transport → retry decisions ([`crate::retry`]).
//! Also the two multi-request helpers: chunked availability and the waits.

use crate::error::{classes, PeekerError, Problem};
use crate::json::{object, take};
use crate::model::ApiError;
use crate::request::{Endpoint, HttpRequest, Poll};
use crate::retry::{self, Decision, Outcome, TokenBucket};
use crate::scrub::Scrubber;
use crate::transport::{self, Answer, NoAnswer};
use crate::validate::read::Dedup;
use serde_json::Value;
use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// Domains per `POST /domains/availability` (docs/contract.md#limits).
pub const AVAILABILITY_CHUNK: usize = 50;
/// Availability calls in flight at once (the rate limiter still paces them).
const AVAILABILITY_CONCURRENCY: usize = 4;

/// Settings fixed at construction. Not `Debug`: it holds the key.
pub struct Config {
    pub base_url: String,
    /// `Bearer <key>`, or none when a proxy adds it.
    pub authorization: Option<String>,
    /// The key, scrubbed from anything shown to the caller.
    pub key: Option<String>,
    pub max_retries: u32,
    pub timeout_ms: u32,
    pub on_retry: Option<js_sys::Function>,
}

pub struct Client {
    pub config: Config,
    bucket: RefCell<TokenBucket>,
}

/// Per-call settings (the client's unless the call overrides them).
#[derive(Clone)]
pub struct CallOptions {
    pub signal: Option<AbortSignal>,
    pub timeout_ms: u32,
    pub max_retries: u32,
    /// Scrubbed from what `onRetry` is shown.
    pub secrets: Rc<Secrets>,
}

/// A call's secrets (the key, the Smartlead credentials its arguments
/// carry), gathered when first needed: a retry shown to `onRetry`, or a
/// failure. Not `Debug`: it holds them.
pub struct Secrets {
    gather: Box<dyn Fn() -> Vec<String>>,
    scrubber: OnceCell<Scrubber>,
}

impl Secrets {
    pub fn new(gather: Box<dyn Fn() -> Vec<String>>) -> Self {
        Secrets {
            gather,
            scrubber: OnceCell::new(),
        }
    }

    pub fn scrubber(&self) -> &Scrubber {
        self.scrubber
            .get_or_init(|| Scrubber::new(&(self.gather)()))
    }
}

/// Why a call failed.
pub enum Failure {
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
    /// A 2xx whose body is not JSON.
    Decode(String),
    /// The answer was over 16 MiB; reading stopped there.
    TooLarge,
}

impl From<PeekerError> for Failure {
    fn from(e: PeekerError) -> Self {
        Failure::Invalid(e)
    }
}

impl Client {
    pub fn new(config: Config, per_minute: u32) -> Self {
        Client {
            config,
            bucket: RefCell::new(TokenBucket::new(per_minute)),
        }
    }

    /// Sends `request` until it succeeds or [`retry::decide`] says stop.
    pub async fn send(&self, request: &HttpRequest, opts: &CallOptions) -> Result<Answer, Failure> {
        let signal = opts.signal.as_ref();
        let mut retries = 0;
        loop {
            let wait = self.bucket.borrow_mut().reserve(transport::now_ms());
            if wait > 0 {
                let slot_end = self.bucket.borrow().last_slot_end();
                if !transport::sleep(wait, signal).await {
                    self.bucket.borrow_mut().release(slot_end);
                    return Err(Failure::Aborted);
                }
            }
            let result = transport::send(
                &self.config.base_url,
                self.config.authorization.as_deref(),
                request,
                signal,
                opts.timeout_ms,
            )
            .await;
            let safe = request.retry_safe();
            let (failure, parsed) = match result {
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
                Err(NoAnswer::Connection(message)) => (
                    Failure::Connection {
                        message,
                        retries,
                        // fetch does not say whether bytes left: assume they may have.
                        unsafe_not_retried: !safe,
                    },
                    Some(Outcome::Connection { before_send: false }),
                ),
            };
            let outcome = match (&failure, parsed) {
                (_, Some(o)) => o,
                (Failure::Api { status, error, .. }, None) => Outcome::Status {
                    status: *status,
                    error: Some(error),
                },
                _ => Outcome::Connection { before_send: false },
            };
            match retry::decide(
                safe,
                outcome,
                retries,
                opts.max_retries,
                transport::random(),
            ) {
                Decision::Stop => return Err(failure),
                Decision::Retry { delay_ms, reason } => {
                    let info = (retries + 1, delay_ms, reason.as_str());
                    self.notify_retry(request, &failure, info, &opts.secrets);
                    if !transport::sleep(delay_ms, signal).await {
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
        opts: &CallOptions,
    ) -> Result<JsValue, Failure> {
        let answer = self.send(request, opts).await?;
        parse(&answer.body)
    }

    /// `onRetry({attempt, delayMs, reason, method, path, status?, code?, requestId?})`.
    /// Nothing secret: no key, no body; the server's `code` and request id
    /// scrubbed of the call's secrets. A throwing hook is ignored.
    fn notify_retry(
        &self,
        request: &HttpRequest,
        failure: &Failure,
        (attempt, delay_ms, reason): (u32, u64, &str),
        secrets: &Secrets,
    ) {
        let Some(hook) = &self.config.on_retry else {
            return;
        };
        let mut info: Vec<(&str, JsValue)> = vec![
            ("attempt", attempt.into()),
            ("delayMs", (delay_ms as f64).into()),
            ("reason", reason.into()),
            ("method", request.method.as_str().into()),
            ("path", request.path.as_str().into()),
        ];
        if let Failure::Api {
            status,
            error,
            request_id,
            ..
        } = failure
        {
            let scrub = secrets.scrubber();
            info.push(("status", (*status).into()));
            info.push(("code", scrub.text(&error.code).into()));
            if let Some(id) = request_id {
                info.push(("requestId", scrub.text(id).into()));
            }
        }
        let _ = hook.call1(&JsValue::UNDEFINED, &js_object(&info));
    }

    /// Any number of names, in calls of 50, rows in input order. A name
    /// the core refuses is answered here with a `reason: "invalid"` row and
    /// not sent, so one typo never fails a batch. `on_progress(done, total)`
    /// after each call.
    pub async fn availability(
        &self,
        names: &[Value],
        opts: &CallOptions,
        on_progress: Option<&js_sys::Function>,
    ) -> Result<JsValue, Failure> {
        let plan = availability_plan(names)?;
        let requests = &plan.requests;
        let total = names.len();
        let results: RefCell<Vec<Option<js_sys::Array>>> = RefCell::new(vec![None; requests.len()]);
        let next = Cell::new(0usize);
        let done = Cell::new(total - plan.asked);
        let failed: RefCell<Option<Failure>> = RefCell::new(None);
        let (results_ref, next, done, failed_ref) = (&results, &next, &done, &failed);
        let asked = plan.asked;
        let worker = || async move {
            loop {
                let i = next.get();
                if i >= requests.len() || failed_ref.borrow().is_some() {
                    return;
                }
                next.set(i + 1);
                match self.call(&requests[i], opts).await {
                    Ok(page) => {
                        // {data: {domains: [rows]}}
                        let rows = js_sys::Reflect::get(&page, &JsValue::from_str("data"))
                            .and_then(|d| js_sys::Reflect::get(&d, &JsValue::from_str("domains")))
                            .ok()
                            .filter(js_sys::Array::is_array)
                            .map(|v| js_sys::Array::from(&v))
                            .unwrap_or_default();
                        results_ref.borrow_mut()[i] = Some(rows);
                        let n = (i * AVAILABILITY_CHUNK + AVAILABILITY_CHUNK).min(asked)
                            - i * AVAILABILITY_CHUNK;
                        done.set(done.get() + n);
                        if let Some(f) = on_progress {
                            let _ = f.call2(
                                &JsValue::UNDEFINED,
                                &JsValue::from_f64(done.get() as f64),
                                &JsValue::from_f64(total as f64),
                            );
                        }
                    }
                    Err(e) => {
                        failed_ref.borrow_mut().get_or_insert(e);
                        return;
                    }
                }
            }
        };
        let workers: Vec<_> = (0..AVAILABILITY_CONCURRENCY.min(requests.len()))
            .map(|_| worker())
            .collect();
        join(workers).await;
        if let Some(f) = failed.into_inner() {
            return Err(f);
        }
        let answered = results.into_inner();
        let all = js_sys::Array::new();
        for slot in &plan.slots {
            let row = match slot {
                Slot::Asked(k) => answered
                    .get(k / AVAILABILITY_CHUNK)
                    .and_then(Option::as_ref)
                    .map(|rows| rows.get((k % AVAILABILITY_CHUNK) as u32))
                    .unwrap_or(JsValue::UNDEFINED),
                Slot::Invalid(name) => js_object(&[
                    ("domain", name.as_str().into()),
                    ("available", false.into()),
                    ("reason", "invalid".into()),
                ]),
            };
            all.push(&row);
        }
        Ok(all.into())
    }

    /// Polls an import or forwarding job with backoff until a terminal status.
    pub async fn wait(
        &self,
        poll: Poll,
        id: &str,
        opts: &CallOptions,
        first_ms: u64,
        max_wait_ms: f64,
    ) -> Result<JsValue, Failure> {
        let request = poll.endpoint().build(Some(id), &Value::Null)?;
        let start = transport::now_ms();
        for n in 0.. {
            let answer = self.call(&request, opts).await?;
            let status = js_sys::Reflect::get(&answer, &JsValue::from_str("data"))
                .and_then(|d| js_sys::Reflect::get(&d, &JsValue::from_str("status")))
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            if poll.is_terminal(&status) {
                return Ok(answer);
            }
            let delay = retry::poll_delay(n, first_ms, 60_000);
            if transport::now_ms() - start + delay as f64 > max_wait_ms {
                return Err(Failure::Timeout {
                    timeout_ms: max_wait_ms as u32,
                    retries: n,
                    unsafe_not_retried: false,
                });
            }
            if !transport::sleep(delay, opts.signal.as_ref()).await {
                return Err(Failure::Aborted);
            }
        }
        Err(Failure::Aborted)
    }
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
pub enum Slot {
    /// The `k`-th name sent (call `k / 50`, row `k % 50`).
    Asked(usize),
    /// Refused by the core as a name: answered `invalid` here, not sent.
    Invalid(String),
}

/// The calls for a list of names and where each row comes from.
pub struct AvailabilityPlan {
    pub requests: Vec<HttpRequest>,
    pub slots: Vec<Slot>,
    /// How many names are sent.
    pub asked: usize,
}

/// Plans `domains.availability`: strings the core refuses as names get an
/// `invalid` row in place; the rest go 50 a call. Anything that is not a
/// string, or a name repeated anywhere in the list (not only within one
/// call), is a problem at its index in `names`.
pub fn availability_plan(names: &[Value]) -> Result<AvailabilityPlan, PeekerError> {
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

/// A plain JS object `{key: value, …}`.
fn js_object(pairs: &[(&str, JsValue)]) -> JsValue {
    let obj = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(key), value);
    }
    obj.into()
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

fn parse(body: &str) -> Result<JsValue, Failure> {
    if body.is_empty() {
        return Ok(JsValue::NULL);
    }
    js_sys::JSON::parse(body).map_err(|_| {
        Failure::Decode(format!(
            "the API answered success with a body that is not JSON ({} bytes)",
            body.len()
        ))
    })
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

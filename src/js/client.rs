//! `new PeekerClient(options)`: the JS face of [`crate::client`]. The
//! resource namespaces (`client.orders.create`, ...) and the page walker are a
//! few lines of JS (src/js/client.js) that forward every method to one Rust
//! entry, [`PeekerClientHandle::call`]; every decision stays in Rust.

use super::request::build;
use super::{from_js, js_error, ErrorKind};
use crate::client::{CallOptions, Client, Config, Failure, Secrets};
use crate::error::{classes, codes, PeekerError};
use crate::json::take;
use crate::model::ApiError;
use crate::options::{
    Whole, DEFAULT_BASE_URL, MAX_RETRIES, MAX_WAIT_MS, POLL_INTERVAL_MS, RATE_LIMIT_PER_MINUTE,
    TIMEOUT_MS,
};
use crate::request::{Helper, HelperKind};
use crate::scrub::{credentials, Scrubber};
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/src/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    #[allow(clippy::too_many_arguments)]
    fn make_error_full(
        class: &str,
        message: &str,
        code: &str,
        field: Option<&str>,
        details: JsValue,
        problems: JsValue,
        status: u16,
        request_id: Option<&str>,
    ) -> JsValue;
}

#[wasm_bindgen(module = "/src/js/client.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeResources)]
    fn make_resources(handle: JsValue, table: JsValue) -> JsValue;
}

// Generated from the endpoint table by `cargo xtask codegen`.
#[wasm_bindgen(module = "/src/js/resources.gen.js")]
extern "C" {
    #[wasm_bindgen(js_name = resourceTable)]
    fn resource_table() -> JsValue;
}

/// The client. Its key lives in wasm memory only: not in a JS property, an
/// error, `toString()` or `JSON.stringify`.
#[wasm_bindgen(skip_typescript)]
pub struct PeekerClient {
    client: Rc<Client>,
    resources: JsValue,
    base_url: String,
}

/// What the namespace objects hold: a second reference to the same client.
#[wasm_bindgen(skip_typescript)]
pub struct PeekerClientHandle {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl PeekerClientHandle {
    /// `name` is a client method (`"orders.create"`); `first`/`second` its
    /// arguments; `options` the per-call options.
    pub fn call(
        &self,
        name: String,
        first: JsValue,
        second: JsValue,
        options: JsValue,
    ) -> js_sys::Promise {
        run(self.client.clone(), name, first, second, options)
    }
}

#[wasm_bindgen]
impl PeekerClient {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<PeekerClient, JsValue> {
        let (config, per_minute) = config(&options).map_err(|e| js_error(ErrorKind::Peeker, &e))?;
        let base_url = config.base_url.clone();
        let client = Rc::new(Client::new(config, per_minute));
        let handle = PeekerClientHandle {
            client: client.clone(),
        };
        Ok(PeekerClient {
            client,
            resources: make_resources(handle.into(), resource_table()),
            base_url,
        })
    }

    /// `GET /me`.
    pub fn me(&self, options: JsValue) -> js_sys::Promise {
        run(
            self.client.clone(),
            "me".to_owned(),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
            options,
        )
    }

    #[wasm_bindgen(getter)]
    pub fn bundles(&self) -> JsValue {
        self.resource("bundles")
    }
    #[wasm_bindgen(getter)]
    pub fn users(&self) -> JsValue {
        self.resource("users")
    }
    #[wasm_bindgen(getter)]
    pub fn domains(&self) -> JsValue {
        self.resource("domains")
    }
    #[wasm_bindgen(getter)]
    pub fn imports(&self) -> JsValue {
        self.resource("imports")
    }
    #[wasm_bindgen(getter)]
    pub fn forwarding(&self) -> JsValue {
        self.resource("forwarding")
    }
    #[wasm_bindgen(getter)]
    pub fn orders(&self) -> JsValue {
        self.resource("orders")
    }
    #[wasm_bindgen(getter)]
    pub fn swaps(&self) -> JsValue {
        self.resource("swaps")
    }

    /// `PeekerClient(https://…)`: never the key.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        format!("PeekerClient({})", self.base_url)
    }

    /// `JSON.stringify(client)`: `{"baseUrl": …}`, never the key.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsValue {
        let obj = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&obj, &"baseUrl".into(), &self.base_url.as_str().into());
        obj.into()
    }

    fn resource(&self, name: &str) -> JsValue {
        js_sys::Reflect::get(&self.resources, &JsValue::from_str(name)).unwrap_or_default()
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or_default()
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

fn bad_option(field: &str, message: &str) -> PeekerError {
    PeekerError::new(codes::INVALID_REQUEST, message).with_field(field)
}

/// The whole-number option `opt`, in its range, or `default` when absent.
fn count(obj: &JsValue, opt: &Whole, default: u32) -> Result<u32, PeekerError> {
    let Whole {
        name: key,
        min,
        max,
        ..
    } = *opt;
    let v = get(obj, key);
    if absent(&v) {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max) => Ok(n as u32),
        _ => Err(bad_option(
            key,
            &format!("{key} must be a whole number from {min} to {max}"),
        )),
    }
}

fn config(options: &JsValue) -> Result<(Config, u32), PeekerError> {
    if !options.is_object() {
        return Err(bad_option(
            "",
            "pass options: new PeekerClient({ apiKey: \"pk_test_…\" })",
        ));
    }
    let base = get(options, "baseUrl");
    let base_url = if absent(&base) {
        DEFAULT_BASE_URL.to_owned()
    } else {
        // Never echoed: it may carry a password.
        match base
            .as_string()
            .map(|s| crate::validate::names::check_base_url(&s))
        {
            Some(Ok(url)) => url,
            Some(Err(why)) => return Err(bad_option("baseUrl", &format!("baseUrl {why}"))),
            None => {
                return Err(bad_option(
                    "baseUrl",
                    &format!("baseUrl must be a URL such as {DEFAULT_BASE_URL}"),
                ))
            }
        }
    };
    let key_value = get(options, "apiKey");
    let token = get(options, "token");
    let key = if !absent(&token) {
        // A browser token for the Worker's proxy (mintBrowserToken), never with a key.
        match token.as_string() {
            Some(t)
                if !t.is_empty()
                    && t.len() <= 8192
                    && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                    && absent(&key_value)
                    && !absent(&base) =>
            {
                Some(t)
            }
            _ => return Err(bad_option(
                "token",
                "token must be a browser token from your backend (mintBrowserToken), used with baseUrl = the Worker's /api proxy and without apiKey",
            )),
        }
    } else if absent(&key_value) && !absent(&base) {
        // Through a proxy that adds the key (the Worker's), none is needed.
        None
    } else {
        match key_value.as_string() {
            Some(k) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()) => Some(k),
            // Never echo the value: it may be a key with a stray character.
            _ => {
                return Err(bad_option(
                    "apiKey",
                    "apiKey must be your API key, a string like pk_test_… or pk_live_… (no spaces or line breaks); create one in the Partner portal under Settings → API",
                ))
            }
        }
    };
    let allow_browser = get(options, "dangerouslyAllowBrowser").is_truthy();
    let live_key = absent(&token) && key.as_deref().is_some_and(|k| k.starts_with("pk_live_"));
    if live_key && !allow_browser && in_browser() {
        return Err(PeekerError::new(
            "browser_not_allowed",
            "refusing to use a live API key (pk_live_…) in a browser: anyone who opens the page could read it and act on your account. Keep the key on a server and route calls through the Worker's proxy (create the client there, or point baseUrl at the proxy and leave apiKey out); pass dangerouslyAllowBrowser: true only if you accept that risk",
        )
        .with_field("apiKey"));
    }
    let on_retry = on_retry_of(options)?;
    let config = Config {
        base_url,
        authorization: key.as_ref().map(|k| format!("Bearer {k}")),
        key,
        max_retries: count(options, &MAX_RETRIES, MAX_RETRIES.default)?,
        timeout_ms: count(options, &TIMEOUT_MS, TIMEOUT_MS.default)?,
        on_retry,
    };
    let per_minute = count(
        options,
        &RATE_LIMIT_PER_MINUTE,
        RATE_LIMIT_PER_MINUTE.default,
    )?;
    Ok((config, per_minute))
}

fn on_retry_of(options: &JsValue) -> Result<Option<js_sys::Function>, PeekerError> {
    let on_retry = get(options, "onRetry");
    if absent(&on_retry) {
        return Ok(None);
    }
    on_retry
        .dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| bad_option("onRetry", "onRetry must be a function"))
}

/// A page with a DOM: `window` and `document` both exist.
fn in_browser() -> bool {
    let global = js_sys::global();
    ["window", "document"].iter().all(|name| {
        js_sys::Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|v| !absent(&v))
    })
}

fn call_options(
    client: &Client,
    options: &JsValue,
    secrets: &Rc<Secrets>,
) -> Result<CallOptions, PeekerError> {
    let signal = get(options, "signal");
    let signal = if absent(&signal) {
        None
    } else {
        Some(signal.dyn_into::<AbortSignal>().map_err(|_| {
            bad_option(
                "signal",
                "signal must be an AbortSignal (AbortController.signal)",
            )
        })?)
    };
    Ok(CallOptions {
        signal,
        timeout_ms: count(options, &TIMEOUT_MS, client.config.timeout_ms)?,
        max_retries: count(options, &MAX_RETRIES, client.config.max_retries)?,
        secrets: secrets.clone(),
    })
}

fn run(
    client: Rc<Client>,
    name: String,
    first: JsValue,
    second: JsValue,
    options: JsValue,
) -> js_sys::Promise {
    // The key and the credentials the arguments carry, read when first
    // needed (onRetry or a failure).
    let (key, args) = (client.config.key.clone(), [first.clone(), second.clone()]);
    let secrets = Rc::new(Secrets::new(Box::new(move || {
        let mut secrets: Vec<String> = key.iter().cloned().collect();
        for arg in &args {
            if let Ok(v) = from_js(arg, "") {
                credentials(&v, &mut secrets);
            }
        }
        secrets
    })));
    future_to_promise(async move {
        match execute(&client, &name, &first, &second, &options, &secrets).await {
            Ok(v) => Ok(v),
            Err(f) => Err(to_js_error(&name, f, secrets.scrubber())),
        }
    })
}

async fn execute(
    client: &Client,
    name: &str,
    first: &JsValue,
    second: &JsValue,
    options: &JsValue,
    secrets: &Rc<Secrets>,
) -> Result<JsValue, Failure> {
    let opts = call_options(client, options, secrets)?;
    match Helper::find(name).map(|h| h.kind) {
        Some(HelperKind::Availability) => {
            let names = match from_js(first, "domains")? {
                Value::Array(items) => items,
                Value::Object(mut map) => match take(&mut map, "domains") {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                },
                _ => {
                    return Err(Failure::Invalid(bad_option(
                        "domains",
                        "pass the domain names as an array of strings",
                    )))
                }
            };
            let on_progress = get(options, "onProgress")
                .dyn_into::<js_sys::Function>()
                .ok();
            client
                .availability(&names, &opts, on_progress.as_ref())
                .await
        }
        Some(HelperKind::Wait(poll)) => {
            let id = first.as_string().unwrap_or_default();
            let first_ms = count(options, &POLL_INTERVAL_MS, POLL_INTERVAL_MS.default)?;
            let max_wait = count(options, &MAX_WAIT_MS, MAX_WAIT_MS.default)?;
            client
                .wait(poll, &id, &opts, u64::from(first_ms), f64::from(max_wait))
                .await
        }
        None => {
            let request = build(name, first, second)?;
            client.call(&request, &opts).await
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

fn scrub_value(value: &Value, scrub: &Scrubber) -> JsValue {
    let text = serde_json::to_string(&scrub.value(value)).unwrap_or_default();
    js_sys::JSON::parse(&text).unwrap_or_default()
}

/// The JS error for a failed call: every string in it (message, code,
/// field, request id, details at any depth) scrubbed of the call's secrets.
fn to_js_error(name: &str, failure: Failure, scrub: &Scrubber) -> JsValue {
    let simple = |class: &str, code: &str, message: String| {
        make_error_full(
            class,
            &scrub.text(&message),
            code,
            None,
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
            0,
            None,
        )
    };
    let not_resent = "; it was not sent again because it may have reached the server and is not safe to repeat: check (e.g. with a list call) before sending it again";
    match failure {
        Failure::Invalid(mut e) => {
            let kind = if e.problems.is_empty() {
                ErrorKind::Peeker
            } else {
                ErrorKind::Validation
            };
            e.message = scrub.text(&e.message);
            e.field = e.field.map(|f| scrub.text(&f));
            e.details = e.details.map(|d| scrub.value(&d));
            for p in &mut e.problems {
                p.message = scrub.text(&p.message);
                p.field = scrub.text(&p.field);
                p.details = p.details.as_ref().map(|d| scrub.value(d));
            }
            js_error(kind, &e)
        }
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
            let details = error
                .details
                .as_ref()
                .map_or(JsValue::UNDEFINED, |d| scrub_value(d, scrub));
            make_error_full(
                classes::class_of_status(status),
                &scrub.text(&message),
                &error.code,
                error.field.as_deref(),
                details,
                JsValue::UNDEFINED,
                status,
                request_id.as_deref(),
            )
        }
        Failure::Connection {
            message,
            retries,
            unsafe_not_retried,
        } => simple(
            "ConnectionError",
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
            "TimeoutError",
            "timeout",
            format!(
                "{name}: no answer within {timeout_ms} ms{}; raise timeoutMs or try again later{}",
                retried(retries),
                if unsafe_not_retried { not_resent } else { "" }
            ),
        ),
        Failure::Aborted => simple(
            "AbortError",
            "aborted",
            format!("{name}: aborted by its signal"),
        ),
        Failure::Decode(message) => simple("PeekerError", "invalid_response", format!("{name}: {message}")),
        Failure::TooLarge => simple(
            "PeekerError",
            "response_too_large",
            format!("{name}: the answer is over 16 MiB and was cut off; check baseUrl points at the Peeker API (or the Worker's proxy)"),
        ),
    }
}

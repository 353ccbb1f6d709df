//! `new PeekerClient(options)`: the JS face of [`crate::client`]. The
//! resource namespaces (`client.orders.create`, ...) and the page walker are a
//! few lines of JS (src/js/client.js) that forward every method to one Rust
//! entry, [`PeekerClientHandle::call`]; every decision stays in Rust.

use super::request::build;
use super::{from_js, js_error, to_js, ErrorKind};
use crate::client::{
    bad_option, check_base_url, check_key, check_token, in_range, CallSettings, Client, Config,
    Failure, OnRetry, RetryInfo, Secrets, Shared,
};
use crate::error::PeekerError;
use crate::json::take;
use crate::options::{
    Whole, DEFAULT_BASE_URL, MAX_RETRIES, MAX_WAIT_MS, POLL_INTERVAL_MS, RATE_LIMIT_PER_MINUTE,
    TIMEOUT_MS,
};
use crate::request::{Helper, HelperKind};
use crate::scrub::credentials;
use crate::transport::Fetch;
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
    client: Rc<Client<Fetch>>,
    resources: JsValue,
    base_url: String,
}

/// What the namespace objects hold: a second reference to the same client.
#[wasm_bindgen(skip_typescript)]
pub struct PeekerClientHandle {
    client: Rc<Client<Fetch>>,
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
        let client = Rc::new(Client::new(config, per_minute, Fetch));
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

/// The whole-number option `opt`, in its range, or `default` when absent.
fn count(obj: &JsValue, opt: &Whole, default: u32) -> Result<u32, PeekerError> {
    let v = get(obj, opt.name);
    if absent(&v) {
        return Ok(default);
    }
    // Not a number: out of range.
    in_range(opt, v.as_f64().unwrap_or(f64::NAN))
}

fn config(options: &JsValue) -> Result<(Config, u32), PeekerError> {
    if !options.is_object() {
        return Err(bad_option(
            "",
            "pass options: new PeekerClient({ apiKey: \"pk_test_…\" })",
        ));
    }
    let base = get(options, "baseUrl");
    let base_url = match (absent(&base), base.as_string()) {
        (true, _) => check_base_url(None)?,
        (false, Some(url)) => check_base_url(Some(&url))?,
        (false, None) => {
            return Err(bad_option(
                "baseUrl",
                &format!("baseUrl must be a URL such as {DEFAULT_BASE_URL}"),
            ))
        }
    };
    let key_value = get(options, "apiKey");
    let token = get(options, "token");
    let key = if !absent(&token) {
        // A browser token for the Worker's proxy (mintBrowserToken), never with a key.
        Some(check_token(
            token.as_string().as_deref(),
            !absent(&key_value),
            !absent(&base),
        )?)
    } else if absent(&key_value) && !absent(&base) {
        // Through a proxy that adds the key (the Worker's), none is needed.
        None
    } else {
        Some(check_key(key_value.as_string().as_deref())?)
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

/// `onRetry({attempt, delayMs, reason, method, path, status?, code?, requestId?})`.
/// A throwing hook is ignored.
fn on_retry_of(options: &JsValue) -> Result<Option<OnRetry>, PeekerError> {
    let on_retry = get(options, "onRetry");
    if absent(&on_retry) {
        return Ok(None);
    }
    let hook = on_retry
        .dyn_into::<js_sys::Function>()
        .map_err(|_| bad_option("onRetry", "onRetry must be a function"))?;
    Ok(Some(Box::new(move |info: &RetryInfo| {
        let mut pairs: Vec<(&str, JsValue)> = vec![
            ("attempt", info.attempt.into()),
            ("delayMs", (info.delay_ms as f64).into()),
            ("reason", info.reason.into()),
            ("method", info.method.into()),
            ("path", info.path.as_str().into()),
        ];
        if let Some(status) = info.status {
            pairs.push(("status", status.into()));
        }
        if let Some(code) = &info.code {
            pairs.push(("code", code.as_str().into()));
        }
        if let Some(id) = &info.request_id {
            pairs.push(("requestId", id.as_str().into()));
        }
        let obj = js_sys::Object::new();
        for (key, value) in &pairs {
            let _ = js_sys::Reflect::set(&obj, &JsValue::from_str(key), value);
        }
        let _ = hook.call1(&JsValue::UNDEFINED, &obj);
    })))
}

/// A page with a DOM: `window` and `document` both exist.
fn in_browser() -> bool {
    let global = js_sys::global();
    ["window", "document"].iter().all(|name| {
        js_sys::Reflect::get(&global, &JsValue::from_str(name)).is_ok_and(|v| !absent(&v))
    })
}

fn call_options(
    client: &Client<Fetch>,
    options: &JsValue,
    secrets: &Shared<Secrets>,
) -> Result<CallSettings<AbortSignal>, PeekerError> {
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
    Ok(CallSettings {
        signal,
        timeout_ms: count(options, &TIMEOUT_MS, client.config.timeout_ms)?,
        max_retries: count(options, &MAX_RETRIES, client.config.max_retries)?,
        secrets: secrets.clone(),
    })
}

fn run(
    client: Rc<Client<Fetch>>,
    name: String,
    first: JsValue,
    second: JsValue,
    options: JsValue,
) -> js_sys::Promise {
    // The key and the credentials the arguments carry, read when first
    // needed (onRetry or a failure).
    let (key, args) = (client.config.key.clone(), [first.clone(), second.clone()]);
    let secrets = Shared::new(Secrets::new(Box::new(move || {
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
            Err(f) => Err(to_js_error(&name, f, &secrets)),
        }
    })
}

async fn execute(
    client: &Client<Fetch>,
    name: &str,
    first: &JsValue,
    second: &JsValue,
    options: &JsValue,
    secrets: &Shared<Secrets>,
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
            let on_progress = |done: usize, total: usize| {
                if let Some(f) = &on_progress {
                    let _ = f.call2(
                        &JsValue::UNDEFINED,
                        &JsValue::from_f64(done as f64),
                        &JsValue::from_f64(total as f64),
                    );
                }
            };
            client.availability(&names, &opts, &on_progress).await
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

/// The JS error for a failed call: every string in it (message, code,
/// field, request id, details at any depth) scrubbed of the call's secrets.
fn to_js_error(name: &str, failure: Failure, secrets: &Secrets) -> JsValue {
    let shown = failure.shown(name, secrets.scrubber());
    let details = shown
        .details
        .as_ref()
        .map_or(JsValue::UNDEFINED, |d| to_js(d).unwrap_or_default());
    let problems = if shown.problems.is_empty() {
        JsValue::UNDEFINED
    } else {
        to_js(&shown.problems).unwrap_or_default()
    };
    make_error_full(
        shown.class,
        &shown.message,
        &shown.code,
        shown.field.as_deref(),
        details,
        problems,
        shown.status,
        shown.request_id.as_deref(),
    )
}

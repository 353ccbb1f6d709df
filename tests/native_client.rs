//! The client suite (tests/client/scenarios.json, its language in
//! tests/client/README.md) on the native client, against the same
//! peeker-sandbox binary the JS suite starts, on 127.0.0.1. The wasm client
//! runs the same file (tests/client/scenarios.test.mjs). Also the typed
//! methods, and that the client's futures are `Send`.
#![cfg(all(feature = "native", not(target_arch = "wasm32")))]

use peeker_partner::client::{
    AbortController, CallOptions, ClientOptions, Error, PeekerClient, RetryInfo,
};
use peeker_partner::error::classes;
use peeker_partner::model::{CreateBundle, ListBundlesQuery, UpdateBundle};
use peeker_partner::request::{Args, Endpoint, Helper, HelperKind};
use serde_json::{json, Map, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, Once};
use std::time::{Duration, Instant};

const NOWHERE: &str = "http://127.0.0.1:9/partner/v1";

// ---- the sandbox --------------------------------------------------------

/// A peeker-sandbox on 127.0.0.1 (a free port), killed on drop; its request
/// log (one line per request) kept to count requests.
struct Sandbox {
    child: Child,
    base: String,
    origin: String,
    log: Arc<Mutex<Vec<String>>>,
    http: reqwest::Client,
}

fn binary() -> PathBuf {
    static BUILD: Once = Once::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let bin = target.join("debug/peeker-sandbox");
    BUILD.call_once(|| {
        if std::env::var_os("PEEKER_SANDBOX_NO_BUILD").is_none() {
            let ok = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "-q",
                    "-p",
                    "peeker-sandbox",
                    "--bin",
                    "peeker-sandbox",
                ])
                .current_dir(&root)
                .status()
                .is_ok_and(|s| s.success());
            // Someone may be mid-edit in sandbox/: an earlier binary still serves.
            assert!(ok || bin.exists(), "cargo build -p peeker-sandbox failed");
        }
    });
    bin
}

impl Sandbox {
    fn start(rate_limit: u64) -> Sandbox {
        let mut child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", "0", "--time-scale", "0.01"])
            .args(["--rate-limit", &rate_limit.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start peeker-sandbox");
        let stdout = child.stdout.take().expect("stdout");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("peeker-sandbox did not start within 30 s");
        let origin = base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        Sandbox {
            child,
            base,
            origin,
            log,
            http: reqwest::Client::new(),
        }
    }

    async fn control(&self, post: Option<Value>, path: &str) -> Value {
        let url = format!("{}/_sandbox/{path}", self.origin);
        let req = match post {
            Some(body) => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body.to_string()),
            None => self.http.get(url),
        };
        let res = req.send().await.expect("sandbox control");
        let ok = res.status().is_success();
        let bytes = res.bytes().await.expect("control answer");
        let json: Value = serde_json::from_slice(&bytes).expect("control answer is JSON");
        assert!(ok, "/_sandbox/{path}: {json}");
        json.get("data").cloned().unwrap_or(json)
    }

    fn count(&self, has: &[String], ends: Option<&str>) -> usize {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|l| has.iter().all(|h| l.contains(h.as_str())))
            .filter(|l| ends.is_none_or(|e| l.ends_with(e)))
            .count()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- the language: values, paths, assertions ------------------------------

fn at(root: &Value, path: &str) -> Value {
    let mut v = root.clone();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        v = match &v {
            Value::Array(items) if part == "length" => Value::from(items.len()),
            Value::String(s) if part == "length" => Value::from(s.encode_utf16().count()),
            Value::Array(items) => part
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .unwrap_or(Value::Null),
            Value::Object(map) => map.get(part).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
    }
    v
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "undefined".into(),
        other => other.to_string(),
    }
}

/// `orderBody(tag, extra)` of tests/client/harness.mjs.
fn order_body(tag: &str) -> Map<String, Value> {
    let v = json!({
        "user": format!("buyer-{tag}@example.com"),
        "google_licenses": 2,
        "microsoft_licenses": 0,
        "sequencer": { "provider": "smartlead", "login_email": "sl@example.com", "login_password": "Sm4rtl3ad-s3cret!", "client_id": null },
        "forwarding_url": "https://example.com",
        "domains": [format!("{tag}-shop.com")],
        "personas": [{ "first_name": "Alex", "last_name": "Rivera", "profile_picture_url": null }],
    });
    v.as_object().cloned().unwrap_or_default()
}

fn resolve(value: &Value, vars: &Value) -> Value {
    match value {
        Value::String(s) => {
            if let Some(path) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if !path.contains('}') {
                    return at(vars, path);
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&rest[..start]);
                let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
                out.push_str(&text_of(&at(vars, &rest[start + 2..end])));
                rest = rest.get(end + 1..).unwrap_or("");
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, vars)).collect()),
        Value::Object(map) if map.contains_key("$order") => {
            let mut body = order_body(map["$order"].as_str().unwrap_or_default());
            for (k, v) in map.iter().filter(|(k, _)| *k != "$order") {
                match resolve(v, vars) {
                    Value::String(s) if s == "$delete" => {
                        body.remove(k);
                    }
                    v => {
                        body.insert(k.clone(), v);
                    }
                }
            }
            Value::Object(body)
        }
        Value::Object(map) if map.contains_key("$names") => {
            let spec = &map["$names"];
            let count = spec["count"].as_u64().unwrap_or(0) as usize;
            let pattern = spec["pattern"].as_str().unwrap_or_default();
            let names = (0..count).map(|i| {
                if let Some(v) = spec["set"].get(i.to_string()) {
                    return v.clone();
                }
                let every = spec["every"].as_object().and_then(|e| {
                    e.iter()
                        .find(|(n, _)| i % n.parse::<usize>().unwrap_or(usize::MAX) == 0)
                });
                let p = every.and_then(|(_, p)| p.as_str()).unwrap_or(pattern);
                Value::from(p.replace("{i}", &i.to_string()))
            });
            Value::Array(names.collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Equality as `assert.deepEqual` on JSON: numbers by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a) == num(b),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

fn evaluate(expr: &Value, root: &Value, vars: &Value) -> Value {
    let Some((op, args)) = expr.as_object().and_then(|o| o.iter().next()) else {
        return at(root, expr.as_str().unwrap_or_default());
    };
    let list = |x: &Value| match x {
        Value::String(path) => at(root, path),
        other => evaluate(other, root, vars),
    };
    let field = |i: usize| args[i].as_str().unwrap_or_default().to_owned();
    match op.as_str() {
        "map" => Value::Array(
            items(list(&args[0]))
                .iter()
                .map(|x| at(x, &field(1)))
                .collect(),
        ),
        "filter" => Value::Array(
            items(list(&args[0]))
                .into_iter()
                .filter(|item| items(args[1].clone()).iter().all(|c| check(item, c, vars)))
                .collect(),
        ),
        "minus" => {
            let (a, b) = (list(&args[0]), list(&args[1]));
            match (a.as_i64(), b.as_i64()) {
                (Some(a), Some(b)) => Value::from(a - b),
                _ => json!(num(&a) - num(&b)),
            }
        }
        "since" => {
            let skip = items(list(&args[1])).len();
            Value::Array(items(list(&args[0])).into_iter().skip(skip).collect())
        }
        "sum" => Value::from(
            items(list(&args[0]))
                .iter()
                .map(|x| at(x, &field(1)).as_i64().unwrap_or(0))
                .sum::<i64>(),
        ),
        "unique" => {
            let mut seen: Vec<String> = items(list(&args[0]))
                .iter()
                .map(|x| at(x, &field(1)).to_string())
                .collect();
            seen.sort();
            seen.dedup();
            Value::from(seen.len())
        }
        other => panic!("unknown expression {other}"),
    }
}

/// One assertion `[left, op, right]` against `root` (the vars, or an item).
fn check(root: &Value, assertion: &Value, vars: &Value) -> bool {
    let left = &assertion[0];
    let l = match left {
        Value::String(path) => at(root, path),
        expr => evaluate(expr, root, vars),
    };
    let r = resolve(&assertion[2], vars);
    compare(&l, assertion[1].as_str().unwrap_or_default(), &r, vars)
}

fn compare(l: &Value, op: &str, r: &Value, vars: &Value) -> bool {
    match op {
        "=" => same(l, r),
        "!=" => !same(l, r),
        ">=" => num(l) >= num(r),
        "<=" => num(l) <= num(r),
        "<" => num(l) < num(r),
        ">" => num(l) > num(r),
        "starts" => l
            .as_str()
            .is_some_and(|s| s.starts_with(r.as_str().unwrap_or_default())),
        "contains" => text_of(l).contains(r.as_str().unwrap_or_default()),
        "!contains" => !text_of(l).contains(r.as_str().unwrap_or_default()),
        "length" => l.as_array().is_some_and(|a| a.len() as f64 == num(r)),
        "length>=" => l.as_array().is_some_and(|a| a.len() as f64 >= num(r)),
        "isArray" => Value::Bool(l.is_array()) == *r,
        "some" => items(l.clone()).iter().any(|item| {
            r.as_object()
                .is_some_and(|want| want.iter().all(|(k, v)| same(&item[k], v)))
        }),
        "every" => items(l.clone())
            .iter()
            .all(|item| items(r.clone()).iter().all(|c| check(item, c, vars))),
        other => panic!("unknown op {other}"),
    }
}

fn expect_all(list: &Value, vars: &Value, where_: &str) {
    for a in items(list.clone()) {
        let left = match &a[0] {
            Value::String(path) => at(vars, path),
            expr => evaluate(expr, vars, vars),
        };
        let shown = left.to_string();
        assert!(
            check(vars, &a, vars),
            "{where_}: {a} failed; left = {}",
            &shown[..shown.len().min(500)]
        );
    }
}

fn error_view(e: &Error) -> Value {
    json!({
        "name": e.class_name(),
        "status": e.status,
        "code": e.code,
        "requestId": e.request_id,
        "message": e.message,
        "field": e.field,
        "details": e.details,
        "problems": if e.problems.is_empty() { Value::Null } else { json!(e.problems) },
    })
}

fn class(name: &str) -> &'static classes::ErrorClass {
    classes::CLASSES
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no error class {name}"))
}

fn expect_error(e: &Error, want: &Value, vars: &Value, secrets: &[String], where_: &str) {
    for name in items(want["is"].clone()) {
        let name = name.as_str().unwrap_or_default();
        assert!(
            e.is(class(name)),
            "{where_}: {} is not a {name}: {e}",
            e.class_name()
        );
    }
    for name in items(want["isNot"].clone()) {
        let name = name.as_str().unwrap_or_default();
        assert!(
            !e.is(class(name)),
            "{where_}: {} is a {name}",
            e.class_name()
        );
    }
    let view = error_view(e);
    if let Some(extra) = want.get("noSecrets").filter(|v| !v.is_null()) {
        let mut all = secrets.to_vec();
        all.extend(extra.as_str().map(str::to_owned));
        for text in [
            format!("{e}"),
            format!("{e:?}"),
            format!("{e:#?}"),
            view.to_string(),
        ] {
            for s in &all {
                assert!(
                    !text.contains(s.as_str()),
                    "{where_}: secret leaked: {text}"
                );
            }
        }
    }
    for (path, w) in want.as_object().into_iter().flatten() {
        if ["is", "isNot", "noSecrets"].contains(&path.as_str()) {
            continue;
        }
        let v = at(&view, path);
        match w.as_object().filter(|o| o.len() == 1) {
            Some(o) => {
                let (op, r) = o.iter().next().unwrap();
                assert!(
                    compare(&v, op, &resolve(r, vars), vars),
                    "{where_}: error {path} = {v}, wanted {op} {r}"
                );
            }
            None => assert!(
                same(&v, &resolve(w, vars)),
                "{where_}: error {path} = {v}, wanted {w}"
            ),
        }
    }
}

// ---- the runner ------------------------------------------------------------

struct Run<'a> {
    suite: &'a Value,
    sb: &'a Sandbox,
    extra: Vec<(String, Sandbox)>,
    vars: Value,
    secrets: Vec<String>,
}

fn retry_json(info: &RetryInfo) -> Value {
    let mut v = json!({
        "attempt": info.attempt,
        "delayMs": info.delay_ms,
        "reason": info.reason,
        "method": info.method,
        "path": info.path,
    });
    if let Some(s) = info.status {
        v["status"] = s.into();
    }
    if let Some(c) = &info.code {
        v["code"] = c.clone().into();
    }
    if let Some(id) = &info.request_id {
        v["requestId"] = id.clone().into();
    }
    v
}

impl Run<'_> {
    fn base_named(&self, name: &str) -> String {
        match name {
            "nowhere" => NOWHERE.to_owned(),
            "sandbox" => self.sb.base.clone(),
            other => self
                .extra
                .iter()
                .find(|(n, _)| n == other)
                .map_or(other.to_owned(), |(_, s)| s.base.clone()),
        }
    }

    /// Options as the JS client takes them (`apiKey`, `baseUrl`, …).
    fn options(&self, over: &Value, mut o: ClientOptions) -> ClientOptions {
        for (k, v) in resolve(over, &self.vars).as_object().into_iter().flatten() {
            match k.as_str() {
                "apiKey" => o.api_key = v.as_str().map(str::to_owned),
                "baseUrl" => o.base_url = v.as_str().map(|b| self.base_named(b)),
                "maxRetries" => o.max_retries = v.as_u64().unwrap_or(0) as u32,
                "timeoutMs" => o.timeout = Duration::from_millis(v.as_u64().unwrap_or(0)),
                "rateLimitPerMinute" => o.requests_per_minute = v.as_u64().unwrap_or(0) as u32,
                other => panic!("unknown client option {other}"),
            }
        }
        o
    }

    fn client(&self, step: &Value, retries: Option<Arc<Mutex<Vec<Value>>>>) -> PeekerClient {
        let mut o = ClientOptions {
            api_key: Some(self.suite["key"].as_str().unwrap().to_owned()),
            base_url: Some(self.sb.base.clone()),
            requests_per_minute: 0,
            ..ClientOptions::default()
        };
        if let Some(list) = retries {
            o.on_retry = Some(Arc::new(move |info: &RetryInfo| {
                list.lock().unwrap().push(retry_json(info));
            }));
        }
        PeekerClient::new(self.options(&step["client"], o)).expect("client")
    }

    fn set(&mut self, name: &str, v: Value) {
        self.vars[name] = v;
    }

    async fn step(&mut self, step: &Value, where_: &str) {
        let o = step.as_object().expect("a step is an object");
        if let Some(lets) = o.get("let") {
            for (k, v) in lets.as_object().into_iter().flatten() {
                let v = resolve(v, &self.vars);
                self.set(k, v);
            }
        } else if let Some(f) = o.get("faults") {
            self.sb.control(Some(f.clone()), "faults").await;
        } else if let Some(name) = o.get("sandbox") {
            let sb = Sandbox::start(step["rateLimit"].as_u64().unwrap_or(100_000));
            self.extra.push((name.as_str().unwrap().to_owned(), sb));
        } else if let Some(c) = o.get("count") {
            let has: Vec<String> = items(c["has"].clone())
                .iter()
                .map(|h| h.as_str().unwrap_or_default().to_owned())
                .collect();
            let n = self.sb.count(&has, c["ends"].as_str());
            self.set(step["save"].as_str().unwrap(), n.into());
        } else if let Some(name) = o.get("state") {
            let state = self.sb.control(None, "state").await;
            self.set(name.as_str().unwrap(), state);
        } else if let Some(ms) = o.get("sleep") {
            tokio::time::sleep(Duration::from_millis(ms.as_u64().unwrap_or(0))).await;
        } else if let Some(list) = o.get("assert") {
            expect_all(list, &self.vars, where_);
            return;
        } else if let Some(n) = o.get("repeat") {
            for i in 0..n.as_u64().unwrap_or(0) {
                if let Some(until) = o.get("until") {
                    if items(until.clone())
                        .iter()
                        .all(|a| check(&self.vars, a, &self.vars))
                    {
                        break;
                    }
                }
                self.set("i", i.into());
                for s in items(step["steps"].clone()) {
                    Box::pin(self.step(&s, where_)).await;
                }
            }
        } else if let Some(inner) = o.get("until") {
            let end = Instant::now() + Duration::from_secs(20);
            loop {
                Box::pin(self.step(inner, where_)).await;
                if items(step["expect"].clone())
                    .iter()
                    .all(|a| check(&self.vars, a, &self.vars))
                {
                    break;
                }
                assert!(
                    Instant::now() < end,
                    "{where_}: timed out waiting for {}",
                    step["expect"]
                );
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            return;
        } else if let Some(c) = o.get("construct") {
            let made = PeekerClient::new(self.options(c, ClientOptions::default()));
            let e = made.expect_err(&format!("{where_}: the client was made"));
            expect_error(&e, &step["error"], &self.vars, &self.secrets, where_);
        } else if o.contains_key("call") {
            self.call(step, where_).await;
        } else {
            panic!("{where_}: unknown step {step}");
        }
        expect_all(&step["expect"], &self.vars, where_);
    }

    async fn call(&mut self, step: &Value, where_: &str) {
        let name = step["call"].as_str().unwrap();
        let retries = step["onRetry"].as_str().map(|var| {
            let before = items(self.vars[var].clone());
            Arc::new(Mutex::new(before))
        });
        let mut client = self.client(step, retries.clone());
        let mut call = CallOptions::default();
        let mut abort_after = None;
        for (k, v) in step["options"].as_object().into_iter().flatten() {
            let ms = Duration::from_millis(v.as_u64().unwrap_or(0));
            match k.as_str() {
                "timeoutMs" => call.timeout = Some(ms),
                "maxRetries" => call.max_retries = Some(ms.as_millis() as u32),
                "pollIntervalMs" => call.poll_interval = Some(ms),
                "abortAfterMs" => {
                    let c = AbortController::new();
                    call.signal = Some(c.signal());
                    abort_after = Some((c, ms));
                }
                other => panic!("unknown call option {other}"),
            }
        }
        let progress = step["onProgress"]
            .as_str()
            .map(|_| Arc::new(Mutex::new(Vec::new())));
        if let Some(p) = &progress {
            let p = p.clone();
            call.on_progress = Some(Arc::new(move |done, total| {
                p.lock().unwrap().push(json!([done, total]));
            }));
        }
        client = client.with(call);
        if let Some((c, after)) = abort_after {
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                c.abort();
            });
        }
        let args = items(resolve(&step["args"], &self.vars));
        // The method's arguments: an id first where it takes one.
        let takes_id = match Helper::find(name).map(|h| h.kind) {
            Some(HelperKind::Wait(_)) => true,
            Some(HelperKind::Availability) => false,
            None => matches!(
                Endpoint::from_client_name(name).map(Endpoint::args),
                Some(Args::Id | Args::IdBody | Args::IdOptionalBody)
            ),
        };
        let (id, arg) = if takes_id {
            (
                args.first().and_then(Value::as_str).map(str::to_owned),
                args.get(1).cloned(),
            )
        } else {
            (None, args.first().cloned())
        };
        let arg = arg.unwrap_or(Value::Null);
        let t0 = Instant::now();
        let result: Result<Value, Error> = match step["collect"].as_str() {
            Some("items") => client.list(name, arg).all().await.map(Value::Array),
            Some(_) => {
                let mut pages = client.list(name, arg);
                let mut all = Vec::new();
                let mut failed = None;
                while let Some(page) = pages.next_page().await {
                    match page {
                        Ok(p) => all.push(serde_json::to_value(p).unwrap()),
                        Err(e) => failed = Some(e),
                    }
                }
                failed.map_or(Ok(Value::Array(all)), Err)
            }
            None => client.call(name, id.as_deref(), arg).await,
        };
        if let Some(var) = step["elapsed"].as_str() {
            self.set(var, (t0.elapsed().as_millis() as u64).into());
        }
        if let (Some(var), Some(list)) = (step["onRetry"].as_str(), retries) {
            let list = list.lock().unwrap().clone();
            self.set(var, Value::Array(list));
        }
        if let (Some(var), Some(p)) = (step["onProgress"].as_str(), progress) {
            let list = p.lock().unwrap().clone();
            self.set(var, Value::Array(list));
        }
        match (result, step.get("error")) {
            (Err(e), Some(want)) => expect_error(&e, want, &self.vars, &self.secrets, where_),
            (Ok(v), Some(_)) => panic!("{where_}: {name} succeeded: {v}"),
            (Err(e), None) => panic!("{where_}: {name}: {e}"),
            (Ok(v), None) => {
                if let Some(var) = step["save"].as_str() {
                    self.set(var, v);
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_suite() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/client/scenarios.json");
    let suite: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sb = Sandbox::start(100_000);
    let secrets: Vec<String> = ["key", "password"]
        .iter()
        .map(|k| suite[k].as_str().unwrap().to_owned())
        .collect();
    let only = std::env::var("SCENARIO").ok();
    for scenario in items(suite["scenarios"].clone()) {
        let name = scenario["name"].as_str().unwrap();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        eprintln!("scenario: {name}");
        let mut run = Run {
            suite: &suite,
            sb: &sb,
            extra: Vec::new(),
            vars: json!({ "key": suite["key"], "password": suite["password"] }),
            secrets: secrets.clone(),
        };
        for (n, step) in items(scenario["steps"].clone()).iter().enumerate() {
            let where_ = format!("{name}, step {}", n + 1);
            run.step(step, &where_).await;
        }
        sb.control(Some(json!({})), "faults").await;
    }
}

/// The typed methods are the calls the suite makes by name: the same
/// validation, bytes and answers, read into the model's types.
#[tokio::test]
async fn typed_methods() {
    let sb = Sandbox::start(100_000);
    let client = PeekerClient::new(ClientOptions {
        base_url: Some(sb.base.clone()),
        requests_per_minute: 0,
        ..ClientOptions::new("pk_test_typed_methods_key")
    })
    .unwrap();
    assert_eq!(format!("{client:?}"), format!("PeekerClient({})", sb.base));
    let me = client.me().await.unwrap();
    assert_eq!(me.data.api_key.environment.as_str(), "test");
    let body: CreateBundle =
        serde_json::from_value(json!({"name": "Typed", "monthly_sending_volume": 25000})).unwrap();
    let created = client.bundles().create(&body).await.unwrap();
    assert_eq!(created.data.required_domains.map(|r| r.total), Some(19));
    let id = created.data.id.clone();
    assert_eq!(client.bundles().retrieve(&id).await.unwrap().data.id, id);
    let update: UpdateBundle = serde_json::from_value(json!({"name": "Typed 2"})).unwrap();
    let updated = client.bundles().update(&id, &update).await.unwrap();
    assert_eq!(updated.data.name, "Typed 2");
    let query = ListBundlesQuery {
        per_page: Some(1),
        ..Default::default()
    };
    let mut pages = client.bundles().list(Some(&query));
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.data.len(), 1);
    assert!(client
        .bundles()
        .list(None)
        .all()
        .await
        .unwrap()
        .iter()
        .any(|b| b.id == id));
    let bad = ListBundlesQuery {
        per_page: Some(101),
        ..Default::default()
    };
    let e = client.bundles().list(Some(&bad)).all().await.unwrap_err();
    assert!(e.is(&classes::VALIDATION), "{e}");
    assert_eq!(e.problems[0].field, "per_page");
    let rows = client
        .domains()
        .availability(&["typed-one.com", "bad name"])
        .await
        .unwrap();
    assert!(rows[0].available);
    assert_eq!(rows[1].reason.as_ref().map(|r| r.as_str()), Some("invalid"));
    assert_eq!(client.bundles().delete(&id).await.unwrap().data.id, id);
    let e = client.bundles().retrieve("bun_nope").await.unwrap_err();
    assert!(e.is(&classes::NOT_FOUND) && e.is(&classes::API), "{e:?}");
    assert!(e
        .request_id
        .as_deref()
        .is_some_and(|r| r.starts_with("req_")));
}

/// The client's futures are `Send`: usable in axum handlers and `tokio::spawn`.
#[test]
fn futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let client = PeekerClient::new(ClientOptions::new("pk_test_x")).unwrap();
    let body: CreateBundle =
        serde_json::from_value(json!({"name": "x", "monthly_sending_volume": 1000})).unwrap();
    send(&client.me());
    send(&client.bundles().create(&body));
    send(&client.domains().availability(&["a.com"]));
    send(&client.imports().wait("imp_1"));
    send(&client.call("orders.create", None, Value::Null));
    send(&client.orders().list(None).all());
}

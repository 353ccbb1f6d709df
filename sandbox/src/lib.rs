//! peeker-sandbox: a local stand-in for the Peeker Partner API.
//!
//! It serves every endpoint of the contract under `/partner/v1`, answers the
//! same errors the SDK predicts (it validates with the SDK's own parsers),
//! moves orders, imports, forwarding jobs and swaps through their lifecycle
//! and delivers signed webhooks. Controls under `/_sandbox` inject faults,
//! move the clock and show deliveries. See README.md.

pub mod api;
pub mod args;
pub mod clock;
mod controls;
mod db;
mod deliveries;
mod extract;
mod http;
mod lifecycle;
mod rate;
pub mod server;
pub mod state;

use clock::{Clock, Ulids};
use db::Db;
use serde::{Deserialize, Serialize};
use state::{Ctx, State};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use api::Fail;

/// How the sandbox runs; the binary's flags map one to one onto this.
/// `Debug` leaves the webhook secret and the admin token out.
#[derive(Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// Where events are POSTed; `None` records them without sending.
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    /// Requests per minute per key.
    pub rate_limit: u32,
    /// Keys the rate limit remembers; the least recently used goes first.
    pub rate_limit_keys: usize,
    /// Multiplies every delay: lifecycle steps and retry backoff.
    pub time_scale: f64,
    /// Chance that a delivered event is sent once more (same id).
    pub duplicate_rate: f64,
    /// Deliver events out of order.
    pub reorder: bool,
    /// SQLite file; `None` keeps everything in memory.
    pub db: Option<PathBuf>,
    /// One log line per request on stdout.
    pub log_requests: bool,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: std::time::Duration,
    /// Time a client has to send a whole request, headers and body, counted
    /// from when the connection is ready for it (accepted, or the previous
    /// answer given); then `408 request_timeout` and the connection closed.
    pub request_timeout: std::time::Duration,
    /// Connections served at once; past it new ones wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
    /// Required (`Authorization: Bearer …`) on `/_sandbox/*` when set; a
    /// `host` other than loopback refuses to start without it.
    pub admin_token: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("webhook_url", &self.webhook_url)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_keys", &self.rate_limit_keys)
            .field("time_scale", &self.time_scale)
            .field("duplicate_rate", &self.duplicate_rate)
            .field("reorder", &self.reorder)
            .field("db", &self.db)
            .field("log_requests", &self.log_requests)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("max_connections", &self.max_connections)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_SECRET: &str = "whsec_sandbox_secret";

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8787,
            webhook_url: None,
            webhook_secret: DEFAULT_SECRET.into(),
            rate_limit: 600,
            rate_limit_keys: 10_000,
            time_scale: 1.0,
            duplicate_rate: 0.0,
            reorder: false,
            db: None,
            log_requests: true,
            header_read_timeout: std::time::Duration::from_secs(10),
            request_timeout: std::time::Duration::from_secs(30),
            max_connections: 512,
            admin_token: None,
        }
    }
}

impl Config {
    /// One lifecycle step: 1 s at time scale 1.
    pub fn step_ms(&self) -> i64 {
        scaled(1000.0, self.time_scale)
    }
    /// The wait after attempt `n` (1-based) failed (docs/contract.md#webhook-delivery): 1, 10, 100
    /// and 1000 minutes at scale 1.
    pub fn backoff_ms(&self, n: u32) -> i64 {
        let minutes = 10f64.powi(n.clamp(1, 4) as i32 - 1);
        scaled(minutes * 60_000.0, self.time_scale)
    }
}

fn scaled(ms: f64, scale: f64) -> i64 {
    let v = ms * scale;
    if v.is_finite() {
        (v as i64).max(1)
    } else {
        1
    }
}

/// Injected faults (`POST /_sandbox/faults`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Share of API requests answered 500 before any work.
    #[serde(default)]
    pub error_rate: f64,
    /// Share of API requests answered 429 before any work.
    #[serde(default)]
    pub rate_limit_rate: f64,
    /// Added to every API request.
    #[serde(default)]
    pub latency_ms: u64,
    /// `"POST /orders"`: such requests are processed and committed, then the
    /// connection is closed without an answer.
    #[serde(default)]
    pub drop_after_commit: Option<String>,
    /// How many requests to drop (absent: all until changed).
    #[serde(default)]
    pub drop_count: Option<u32>,
}

/// Shared server state.
pub struct App {
    pub cfg: Config,
    pub clock: Arc<dyn Clock>,
    pub ids: Ulids,
    state: Mutex<State>,
    db: Option<Mutex<Db>>,
    pub faults: Mutex<Faults>,
    pub rate: Mutex<rate::RateTable>,
    /// `http://HOST:PORT/partner/v1` from the configured host and the bound
    /// port: the base of every `links` URL (never the request's `Host`).
    pub api_base: String,
    pub http: reqwest::Client,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means a thread panicked mid-way; the data is
    // still the best we have, and the server must keep answering.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    pub fn new(cfg: Config, clock: Arc<dyn Clock>) -> Result<App, String> {
        let (db, state) = match &cfg.db {
            Some(path) => {
                let db = Db::open(path)?;
                let state: State = db.load()?.unwrap_or_default();
                // The clock resumes where `/_sandbox/clock` left it, so
                // scheduled steps and delivery retries keep their times.
                clock.advance_ms(state.clock_offset_ms);
                (Some(Mutex::new(db)), state)
            }
            None => (None, State::default()),
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .user_agent("peeker-sandbox")
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(App {
            clock,
            ids: Ulids::default(),
            state: Mutex::new(state),
            db,
            faults: Mutex::new(Faults::default()),
            rate: Mutex::new(rate::RateTable::new(cfg.rate_limit_keys)),
            api_base: format!(
                "http://{}:{}{}",
                host_in_url(&cfg.host),
                cfg.port,
                http::PREFIX
            ),
            http,
            cfg,
        })
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Reads the state.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&lock(&self.state))
    }

    /// Runs a write, all or nothing, off the async threads. `check` reads
    /// the state and either refuses (nothing changed) or returns the
    /// [`Write`], which cannot fail. With `--db` the new state is saved
    /// before this returns; when saving fails the state goes back to what
    /// it was (the file's transaction is rolled back too), so an answered
    /// write is a persisted one and a refused write leaves no trace.
    pub async fn commit<T: Send + 'static>(
        self: &Arc<Self>,
        check: impl FnOnce(&State, &Ctx<'_>) -> Result<Write<T>, Fail> + Send + 'static,
    ) -> Result<T, Fail> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || app.commit_blocking(check))
            .await
            .unwrap_or_else(|_| Err(Fail::internal("the write stopped before it finished")))
    }

    fn commit_blocking<T>(
        &self,
        check: impl FnOnce(&State, &Ctx<'_>) -> Result<Write<T>, Fail>,
    ) -> Result<T, Fail> {
        let mut st = lock(&self.state);
        let reorder_jitter = if self.cfg.reorder {
            self.cfg.step_ms() * 2
        } else {
            0
        };
        let ctx = Ctx {
            now: self.now(),
            ids: &self.ids,
            deliver: self.cfg.webhook_url.is_some(),
            first_attempt_jitter_ms: reorder_jitter,
        };
        let write = check(&st, &ctx)?;
        // Only saving can fail after the checks, and only with `--db`.
        let before = self.db.is_some().then(|| st.clone());
        let out = (write.0)(&mut st, &ctx);
        if let Err(f) = self.persist(&st) {
            if let Some(before) = before {
                *st = before;
            }
            return Err(f);
        }
        Ok(out)
    }

    fn persist(&self, st: &State) -> Result<(), Fail> {
        let Some(db) = &self.db else { return Ok(()) };
        let json = serde_json::to_string(st)
            .map_err(|e| Fail::internal(format!("could not encode the state: {e}")))?;
        lock(db)
            .save(&json)
            .map_err(|e| Fail::internal(format!("could not save the state: {e}")))
    }

    /// `POST /_sandbox/reset`: empty tables, no faults, fresh rate windows.
    pub async fn reset(self: &Arc<Self>) -> Result<(), Fail> {
        let app = self.clone();
        self.commit(move |_, _| {
            Ok(Write::new(move |st, _| {
                *st = State {
                    clock_offset_ms: st.clock_offset_ms,
                    ..State::default()
                };
                *lock(&app.faults) = Faults::default();
                lock(&app.rate).clear();
            }))
        })
        .await
    }
}

/// A change that has passed every check of its write: applying it cannot
/// fail (see [`App::commit`]).
pub struct Write<T>(Box<dyn Apply<T>>);

/// What a [`Write`] runs.
trait Apply<T>: FnOnce(&mut State, &Ctx<'_>) -> T + Send {}

impl<T, F: FnOnce(&mut State, &Ctx<'_>) -> T + Send> Apply<T> for F {}

impl<T> Write<T> {
    pub fn new(apply: impl FnOnce(&mut State, &Ctx<'_>) -> T + Send + 'static) -> Write<T> {
        Write(Box::new(apply))
    }
}

impl<T: Send + 'static> Write<T> {
    /// Nothing to change; `value` is the answer.
    pub fn nothing(value: T) -> Write<T> {
        Write::new(move |_, _| value)
    }
}

/// A running sandbox.
pub struct Handle {
    pub addr: SocketAddr,
    pub app: Arc<App>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Handle {
    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes open connections and stops the background
    /// loops. State already committed stays in the `--db` file.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// `[::1]` for an IPv6 address, the host as given otherwise.
fn host_in_url(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// `localhost`, `127.x.x.x` or `::1`.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Binds `cfg.host:cfg.port` (port 0 picks a free one) and starts serving.
/// A host other than loopback needs an admin token: the controls move the
/// clock and reset everything.
pub async fn start(mut cfg: Config, clock: Arc<dyn Clock>) -> Result<Handle, String> {
    if cfg.admin_token.as_deref().is_some_and(str::is_empty) {
        return Err("--admin-token must not be empty".into());
    }
    if !is_loopback(&cfg.host) && cfg.admin_token.is_none() {
        return Err(format!(
            "--host {} is not a loopback address: anyone who can reach it could drive the /_sandbox controls; pass --admin-token TOKEN (then required as `Authorization: Bearer TOKEN` on /_sandbox/*)",
            cfg.host
        ));
    }
    let listener = tokio::net::TcpListener::bind((cfg.host.as_str(), cfg.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", cfg.host, cfg.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("local address: {e}"))?;
    cfg.port = addr.port();
    let app = Arc::new(App::new(cfg, clock)?);
    let (tx, rx) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(server::serve(app.clone(), listener, rx.clone())),
        tokio::spawn(lifecycle::run_tasks(app.clone(), rx.clone())),
        tokio::spawn(deliveries::run_deliveries(app.clone(), rx)),
    ];
    Ok(Handle {
        addr,
        app,
        shutdown: tx,
        tasks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clock::ManualClock;
    use serde_json::json;
    use std::sync::atomic::AtomicI64;

    fn order(domain: &str) -> String {
        json!({
            "user": "fault@acme.com",
            "microsoft_licenses": 1,
            "sequencer": { "provider": "smartlead", "client_id": null,
                           "login_email": "ops@acme.com", "login_password": "pw" },
            "domains": [domain],
            "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": null }],
        })
        .to_string()
    }

    /// The state in memory and the snapshot row in the file.
    fn both(app: &App, path: &std::path::Path) -> (serde_json::Value, String) {
        let memory = app.read(|st| serde_json::to_value(st).unwrap());
        let file: String = rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT state FROM snapshot WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        (memory, file)
    }

    /// A write that fails after it changed every table it touches (the
    /// save fails mid-transaction) leaves the state and the file as they
    /// were; the same write then goes through.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_that_fails_mid_way_leaves_no_trace() {
        let dir = std::env::temp_dir().join(format!(
            "peeker-sandbox-rollback-{}-{}",
            std::process::id(),
            Ulids::default().next(0)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        let cfg = Config {
            port: 0,
            log_requests: false,
            db: Some(path.clone()),
            ..Config::default()
        };
        // A clock that stands still: no timed step changes the state.
        let clock = Arc::new(ManualClock(AtomicI64::new(1_778_241_600_000)));
        let sb = start(cfg, clock).await.unwrap();
        let http = reqwest::Client::new();
        let post = |body: String| {
            http.post(format!("{}/partner/v1/orders", sb.base_url()))
                .bearer_auth("pk_test_fault")
                .header("Content-Type", "application/json")
                .body(body)
                .send()
        };
        assert_eq!(post(order("first-acme.com")).await.unwrap().status(), 200);
        let before = both(&sb.app, &path);
        assert_eq!(before.0["orders"].as_object().unwrap().len(), 1);

        lock(sb.app.db.as_ref().unwrap()).fail_next_save = true;
        let r = post(order("second-acme.com")).await.unwrap();
        assert_eq!(r.status(), 500);
        assert_eq!(
            both(&sb.app, &path),
            before,
            "the failed write left a trace"
        );

        assert_eq!(post(order("second-acme.com")).await.unwrap().status(), 200);
        let after = both(&sb.app, &path);
        assert_eq!(after.0["orders"].as_object().unwrap().len(), 2);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&after.1).unwrap(),
            after.0
        );
        sb.stop().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}

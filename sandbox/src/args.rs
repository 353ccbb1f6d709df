//! The `peeker-sandbox` command line: its flags and their checks, shared by
//! the `peeker-sandbox` binary and `peeker sandbox`.

use crate::{Config, DEFAULT_SECRET};
use clap::Parser;
use std::path::PathBuf;

/// A local stand-in for the Peeker Partner API (pk_test_ keys), serving
/// /partner/v1 with the documented errors, order lifecycle and signed webhooks.
#[derive(Parser)]
#[command(name = "peeker-sandbox", version)]
pub struct Args {
    /// Address to listen on (loopback by default). Any other address needs
    /// --admin-token.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Where webhook events are POSTed (http://). Without it events are
    /// recorded (GET /_sandbox/deliveries) but not sent.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Secret that signs webhooks (Peeker-Signature: v1=HMAC-SHA256 of
    /// "{timestamp}.{body}").
    #[arg(long, default_value = DEFAULT_SECRET)]
    pub webhook_secret: String,
    /// Requests per minute per API key before 429 rate_limited.
    #[arg(long, default_value_t = 600)]
    pub rate_limit: u32,
    /// Multiplies lifecycle steps (1 s at 1.0) and webhook retry waits (1,
    /// 10, 100, 1000 min at 1.0). 0.01 runs a lifecycle in ~30 ms. Dates on
    /// the clock (cancels_at, warm periods) are not scaled.
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Chance (0–1) that a delivered event is sent a second time, same id.
    #[arg(long, default_value_t = 0.0)]
    pub duplicate_rate: f64,
    /// Deliver events out of order (random delays and shuffled batches).
    #[arg(long)]
    pub reorder: bool,
    /// Keep state in this SQLite file; a restart on it loses nothing:
    /// scheduled steps, webhook retries and the moved clock continue.
    /// Default: in memory.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Token the /_sandbox controls then require (`Authorization: Bearer
    /// TOKEN`); needed when --host is not loopback.
    #[arg(long)]
    pub admin_token: Option<String>,
    /// Seconds a client has to send a whole request, headers and body,
    /// from when the connection is ready for it; then 408 request_timeout
    /// and the connection is closed. Headers alone: 10 s at most.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub request_timeout: u64,
    /// Connections served at once; past it new connections wait (in the
    /// listen backlog) until one closes.
    #[arg(long, default_value_t = 512, value_name = "N")]
    pub max_connections: usize,
    /// Do not log one line per request.
    #[arg(long)]
    pub quiet: bool,
}

/// Refuses flag values the sandbox cannot run with (a usage error).
pub fn check(args: &Args) -> Result<(), String> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err("--time-scale must be a positive number".into());
    }
    if !(0.0..=1.0).contains(&args.duplicate_rate) {
        return Err("--duplicate-rate must be between 0 and 1".into());
    }
    if args.request_timeout == 0 {
        return Err("--request-timeout must be at least 1 second".into());
    }
    if args.max_connections == 0 {
        return Err("--max-connections must be at least 1".into());
    }
    if args.webhook_secret.is_empty() {
        return Err("--webhook-secret must not be empty".into());
    }
    if let Some(u) = &args.webhook_url {
        if !u.starts_with("http://") {
            return Err("--webhook-url must be an http:// URL (the sandbox delivers without TLS, e.g. to a local receiver)".into());
        }
    }
    Ok(())
}

impl Args {
    /// The sandbox configuration these flags describe.
    pub fn config(&self) -> Config {
        Config {
            host: self.host.clone(),
            port: self.port,
            webhook_url: self.webhook_url.clone(),
            webhook_secret: self.webhook_secret.clone(),
            rate_limit: self.rate_limit,
            time_scale: self.time_scale,
            duplicate_rate: self.duplicate_rate,
            reorder: self.reorder,
            db: self.db.clone(),
            log_requests: !self.quiet,
            admin_token: self.admin_token.clone(),
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            max_connections: self.max_connections,
            ..Config::default()
        }
    }
}

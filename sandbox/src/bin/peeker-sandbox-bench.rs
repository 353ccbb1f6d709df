//! Sandbox benchmarks, one row per measure
//! (`cargo run --release -p peeker-sandbox --bin peeker-sandbox-bench`):
//! availability requests per second over loopback with p50/p99 (a bounded
//! run), and resident memory after creating 100,000 orders.
//!
//! `PEEKER_BENCH_SECS` (default 5) and `PEEKER_BENCH_ORDERS` (default
//! 100000) shorten a run.

use peeker_sandbox::clock::SystemClock;
use peeker_sandbox::{start, Config};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: &str = "pk_test_bench";
const CLIENTS: usize = 8;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident set size in bytes, from /proc/self/statm (pages × 4 KiB).
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let secs = env_num("PEEKER_BENCH_SECS", 5);
    let orders = env_num("PEEKER_BENCH_ORDERS", 100_000);
    let cfg = Config {
        port: 0,
        rate_limit: u32::MAX,
        time_scale: 0.01,
        log_requests: false,
        ..Config::default()
    };
    let sb = start(cfg, Arc::new(SystemClock::default()))
        .await
        .expect("sandbox starts");
    let base = format!("{}/partner/v1", sb.base_url());

    // 1. Availability over loopback.
    let body = json!({ "domains": ["acme-mail.com", "gonly-acme.com", "taken-acme.com", "premium-acme.com", "team-acme.com"] })
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (url, body) = (format!("{base}/domains/availability"), body.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut lat = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(KEY)
                    .body(body.clone())
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status().is_success() && r.bytes().await.is_ok() {
                        lat.push(t.elapsed());
                    }
                }
            }
            lat
        }));
    }
    let start_t = Instant::now();
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap_or_default());
    }
    let elapsed = start_t.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "sandbox availability (loopback, {CLIENTS} clients, {secs} s): {:.0} req/s, p50 {:.3} ms, p99 {:.3} ms",
        lat.len() as f64 / elapsed,
        percentile(&lat, 0.50).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );

    // 2. Resident memory after many orders (one Microsoft domain each).
    let before = rss_bytes().unwrap_or(0);
    let per_client = orders.div_ceil(CLIENTS as u64);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS as u64 {
        let url = format!("{base}/orders");
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ok = 0u64;
            for i in 0..per_client {
                let n = c * per_client + i;
                if n >= orders {
                    break;
                }
                let body = json!({
                    "user": format!("user{}@bench.example", n % 1000),
                    "microsoft_licenses": 1,
                    "sequencer": { "provider": "smartlead", "client_id": null,
                                   "login_email": "ops@bench.example", "login_password": "pw" },
                    "domains": [format!("bench-{n}.com")],
                    "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": null }],
                });
                let r = http
                    .post(&url)
                    .bearer_auth(KEY)
                    .header("Content-Type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await;
                if r.is_ok_and(|r| r.status().is_success()) {
                    ok += 1;
                }
            }
            ok
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += t.await.unwrap_or(0);
    }
    let took = t0.elapsed().as_secs_f64();
    // Let the lifecycle finish so the figure includes completed orders.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_bytes().unwrap_or(0);
    println!(
        "sandbox resident memory after {created} orders: {:.1} MiB (was {:.1} MiB before; created at {:.0} orders/s)",
        after as f64 / 1048576.0,
        before as f64 / 1048576.0,
        created as f64 / took,
    );
    sb.stop().await;
}

//! `peeker-sandbox`: run the local Partner API.

use clap::Parser;
use peeker_sandbox::args::{check, Args};
use peeker_sandbox::{clock::SystemClock, start};
use std::sync::Arc;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(e) = check(&args) {
        eprintln!("peeker-sandbox: {e}");
        std::process::exit(2);
    }
    let cfg = args.config();
    let summary = cfg.clone();
    let handle = match start(cfg, Arc::new(SystemClock::default())).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("peeker-sandbox: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "peeker-sandbox listening on {}/partner/v1",
        handle.base_url()
    );
    match &summary.webhook_url {
        Some(u) => println!("webhooks: POST {u}"),
        None => println!(
            "webhooks: recorded, not sent (no --webhook-url); see GET /_sandbox/deliveries"
        ),
    }
    println!("webhook secret: {}", summary.webhook_secret);
    match &summary.db {
        Some(p) => println!("state: {}", p.display()),
        None => println!("state: in memory"),
    }
    let _ = tokio::signal::ctrl_c().await;
    handle.stop().await;
}

//! `peeker sandbox`: the sandbox library, with the flags of `peeker-sandbox`.

use crate::exit::{Failure, Outcome};
use crate::term::Paint;
use peeker_sandbox::args::{check, Args};
use peeker_sandbox::clock::SystemClock;
use std::sync::Arc;

/// Runs until Ctrl-C, then stops cleanly.
pub async fn run(args: &Args) -> Outcome {
    check(args).map_err(Failure::usage)?;
    let cfg = args.config();
    let handle = peeker_sandbox::start(cfg.clone(), Arc::new(SystemClock::default()))
        .await
        .map_err(Failure::failed)?;
    let paint = Paint::detect();
    println!(
        "{} {}/partner/v1",
        paint.green("peeker sandbox listening on"),
        handle.base_url()
    );
    match &cfg.webhook_url {
        Some(u) => println!("webhooks: POST {u}"),
        None => {
            println!("webhooks: recorded, not sent; `peeker listen --forward-to URL` forwards them")
        }
    }
    println!("webhook secret: {}", cfg.webhook_secret);
    match &cfg.db {
        Some(p) => println!("state: {}", p.display()),
        None => println!("state: in memory"),
    }
    println!("{}", paint.dim("Ctrl-C stops."));
    let _ = tokio::signal::ctrl_c().await;
    handle.stop().await;
    Ok(())
}

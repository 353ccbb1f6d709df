//! `peeker listen`: events from the sandbox or a deployed Worker, forwarded
//! to the dev server signed afresh, one line per delivery.

mod forward;
mod sandbox_source;
mod sse;
mod worker_source;

use crate::args::ListenArgs;
use crate::exit::{Failure, Outcome};
use crate::term::Paint;
use forward::Forwarder;
use peeker_partner::model::EventType;
use tokio::sync::mpsc;

/// One event to forward: its id, its type and its body as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// `evt_…`.
    pub id: String,
    /// `order.completed`, …
    pub event_type: String,
    /// The JSON envelope.
    pub body: String,
}

/// Runs until Ctrl-C.
pub async fn run(args: &ListenArgs) -> Outcome {
    let filter = Filter::parse(&args.events)?;
    if !(args.forward_to.starts_with("http://") || args.forward_to.starts_with("https://")) {
        return Err(Failure::usage(
            "--forward-to must be an http:// or https:// URL",
        ));
    }
    if args.max_attempts == 0 {
        return Err(Failure::usage("--max-attempts must be at least 1"));
    }
    let secret = match &args.secret {
        Some(s) if s.is_empty() => return Err(Failure::usage("--secret must not be empty")),
        Some(s) => s.clone(),
        None => crate::secret::generate().map_err(Failure::failed)?,
    };
    let paint = Paint::detect();
    let (tx, mut rx) = mpsc::channel::<Incoming>(256);
    let from = match (&args.worker, &args.token) {
        (Some(worker), Some(token)) => {
            let mut source = worker_source::WorkerSource::new(worker, token, args.order.clone())
                .map_err(Failure::usage)?;
            source.skip_stored().await.map_err(Failure::failed)?;
            let from = source.describe();
            tokio::spawn(source.run(tx));
            from
        }
        _ => {
            let source =
                sandbox_source::SandboxSource::new(&args.sandbox).map_err(Failure::failed)?;
            source.skip_recorded().await.map_err(Failure::failed)?;
            let from = format!("the sandbox at {}", source.base());
            tokio::spawn(source.run(tx));
            from
        }
    };
    let forwarder = Forwarder::new(&args.forward_to, secret.clone(), args.max_attempts, paint)
        .map_err(Failure::failed)?;
    println!(
        "{} forwarding events from {from} to {}",
        paint.green("Ready!"),
        paint.bold(&args.forward_to)
    );
    println!(
        "Your webhook signing secret is {} (verify with it; --secret to choose one)",
        paint.bold(&secret)
    );
    if !filter.is_all() {
        println!("Only: {}", args.events.join(", "));
    }
    let mut delivered = 0u64;
    let mut failed = 0u64;
    // One listener for the whole run: a Ctrl-C during a delivery still stops.
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        tokio::select! {
            _ = &mut ctrl_c => break,
            next = rx.recv() => {
                let Some(event) = next else { break };
                if !filter.accepts(&event.event_type) {
                    continue;
                }
                if forwarder.deliver(&event).await {
                    delivered += 1;
                } else {
                    failed += 1;
                }
            }
        }
    }
    println!("Stopped: {delivered} delivered, {failed} failed.");
    Ok(())
}

/// `--events`: exact types, or `group.*`; empty means every event.
struct Filter {
    patterns: Vec<String>,
}

impl Filter {
    fn parse(given: &[String]) -> Result<Filter, Failure> {
        let patterns: Vec<String> = given
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        for p in &patterns {
            let known = match p.strip_suffix(".*") {
                Some(group) => EventType::KNOWN
                    .iter()
                    .any(|t| t.split('.').next() == Some(group)),
                None => EventType::KNOWN.contains(&p.as_str()),
            };
            if !known {
                return Err(Failure::usage(format!(
                    "--events: `{p}` is not an event type (see `peeker trigger --list`)"
                )));
            }
        }
        Ok(Filter { patterns })
    }

    fn is_all(&self) -> bool {
        self.patterns.is_empty()
    }

    fn accepts(&self, event_type: &str) -> bool {
        self.is_all()
            || self.patterns.iter().any(|p| match p.strip_suffix(".*") {
                Some(group) => event_type.split('.').next() == Some(group),
                None => p == event_type,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_takes_types_and_groups() {
        let f = Filter::parse(&["order.completed".into(), "swap.*".into()]).unwrap();
        assert!(f.accepts("order.completed") && f.accepts("swap.failed"));
        assert!(!f.accepts("order.failed") && !f.accepts("domain_import.failed"));
        assert!(Filter::parse(&["order.done".into()]).is_err());
        assert!(Filter::parse(&["nope.*".into()]).is_err());
        assert!(Filter::parse(&[]).unwrap().accepts("anything"));
    }
}

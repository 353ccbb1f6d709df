//! The sandbox's events: `GET /_sandbox/deliveries` polled, each event not
//! seen before passed on once, oldest first. The sandbox records every
//! event whether or not it sends it, so any running sandbox will do.

use super::Incoming;
use crate::args::SandboxTarget;
use crate::sandbox_http::SandboxHttp;
use crate::term::Spinner;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::mpsc;

const POLL: Duration = Duration::from_millis(250);

/// Polls one sandbox.
pub struct SandboxSource {
    http: SandboxHttp,
    seen: Mutex<HashSet<String>>,
}

impl SandboxSource {
    /// A source for `target` (the controls need no API key).
    pub fn new(target: &SandboxTarget) -> Result<SandboxSource, String> {
        Ok(SandboxSource {
            http: SandboxHttp::new(target, "")?,
            seen: Mutex::new(HashSet::new()),
        })
    }

    /// The sandbox's URL.
    pub fn base(&self) -> &str {
        self.http.base()
    }

    /// Waits for the sandbox, then marks what it recorded already as seen:
    /// only events from now on are forwarded.
    pub async fn skip_recorded(&self) -> Result<(), String> {
        let spinner = Spinner::start(&format!("waiting for the sandbox at {}", self.base()));
        let mut last_error = String::new();
        for _ in 0..240 {
            match self.http.deliveries().await {
                Ok(rows) => {
                    drop(spinner);
                    let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
                    seen.extend(
                        rows.iter()
                            .filter_map(|r| r["id"].as_str())
                            .map(str::to_owned),
                    );
                    return Ok(());
                }
                Err(e) => last_error = e,
            }
            tokio::time::sleep(POLL).await;
        }
        Err(format!(
            "{last_error} (is `peeker sandbox` running? --sandbox-url)"
        ))
    }

    /// Passes on new events until the receiver is gone.
    pub async fn run(self, tx: mpsc::Sender<Incoming>) {
        let mut warned = false;
        loop {
            match self.http.deliveries().await {
                Ok(rows) => {
                    warned = false;
                    for event in self.new_events(&rows) {
                        if tx.send(event).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) if !warned => {
                    eprintln!("warning: {e}; still trying");
                    warned = true;
                }
                Err(_) => {}
            }
            if tx.is_closed() {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    fn new_events(&self, rows: &[Value]) -> Vec<Incoming> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        rows.iter()
            .filter_map(incoming)
            .filter(|e| seen.insert(e.id.clone()))
            .collect()
    }
}

/// A deliveries row as the event Peeker would send: the envelope written
/// compact, as the sandbox wrote it.
fn incoming(row: &Value) -> Option<Incoming> {
    let id = row["id"].as_str()?.to_owned();
    let event_type = row["type"].as_str()?.to_owned();
    let body = serde_json::to_string(row.get("event")?).ok()?;
    Some(Incoming {
        id,
        event_type,
        body,
    })
}

//! A deployed Worker's stored events: one order's live stream
//! (`/events/stream`, resumed with `Last-Event-ID` after a drop) or, without
//! an order, every stored event by polling `/events?after=`.

use super::sse::{Frame, Parser};
use super::Incoming;
use crate::sandbox_http::root_cause;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::sync::mpsc;

const POLL: Duration = Duration::from_secs(1);
const RECONNECT: Duration = Duration::from_secs(2);

/// One Worker, with its browser token.
pub struct WorkerSource {
    base: String,
    token: String,
    order: Option<String>,
    /// Without an order: the `seq` after which events are new.
    after: u64,
    http: reqwest::Client,
}

impl WorkerSource {
    /// A source for the Worker at `url`.
    pub fn new(url: &str, token: &str, order: Option<String>) -> Result<WorkerSource, String> {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("--worker must be an http:// or https:// URL".into());
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("peeker-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(WorkerSource {
            base: url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            order,
            after: 0,
            http,
        })
    }

    /// Where the events come from, for the start line.
    pub fn describe(&self) -> String {
        match &self.order {
            Some(o) => format!("order {o}'s stream at the Worker {}", self.base),
            None => format!("the Worker at {}", self.base),
        }
    }

    /// Without an order, reads the pages stored so far to find where now
    /// is, so that only events stored from now on are forwarded (done before
    /// listen says it is ready: an event stored right after is not missed).
    /// Fails when the Worker refuses (its URL, the token).
    pub async fn skip_stored(&mut self) -> Result<(), String> {
        if self.order.is_some() {
            return Ok(());
        }
        loop {
            let (_, next, more) = self.page(self.after).await?;
            self.after = next;
            if !more {
                return Ok(());
            }
        }
    }

    /// Passes on events until the receiver is gone.
    pub async fn run(self, tx: mpsc::Sender<Incoming>) {
        match self.order.clone() {
            Some(order) => self.stream(&order, tx).await,
            None => self.poll(tx).await,
        }
    }

    /// Follows `/events/stream?order_id=`: the order's stored events, then
    /// live ones; reconnects after the last `seq` it had.
    async fn stream(&self, order: &str, tx: mpsc::Sender<Incoming>) {
        let mut last: Option<String> = None;
        while !tx.is_closed() {
            let mut req = self
                .http
                .get(format!("{}/events/stream", self.base))
                .query(&[("order_id", order)])
                .bearer_auth(&self.token);
            if let Some(seq) = &last {
                req = req.header("Last-Event-ID", seq);
            }
            match req.send().await {
                Ok(resp) if resp.status().is_success() => {
                    let mut parser = Parser::default();
                    let mut body = resp.bytes_stream();
                    while let Some(chunk) = body.next().await {
                        let Ok(chunk) = chunk else { break };
                        for frame in parser.push(&chunk) {
                            if frame.id.is_some() {
                                last = frame.id.clone();
                            }
                            if let Some(event) = from_frame(frame) {
                                if tx.send(event).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                }
                Ok(resp) => warn_status(resp.status().as_u16(), "/events/stream"),
                Err(e) => eprintln!("warning: the Worker's stream: {}", root_cause(&e)),
            }
            tokio::time::sleep(RECONNECT).await;
        }
    }

    /// Polls `/events?after=`: the events stored after [`Self::skip_stored`].
    async fn poll(mut self, tx: mpsc::Sender<Incoming>) {
        let mut warned = false;
        while !tx.is_closed() {
            match self.page(self.after).await {
                Ok((events, next, more)) => {
                    warned = false;
                    for event in events {
                        if tx.send(event).await.is_err() {
                            return;
                        }
                    }
                    self.after = next;
                    if more {
                        continue;
                    }
                }
                Err(e) if !warned => {
                    eprintln!("warning: {e}; still trying");
                    warned = true;
                }
                Err(_) => {}
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn page(&self, after: u64) -> Result<(Vec<Incoming>, u64, bool), String> {
        let resp = self
            .http
            .get(format!("{}/events", self.base))
            .query(&[("after", after.to_string()), ("limit", "500".into())])
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .map_err(|e| format!("the Worker's /events: {}", root_cause(&e)))?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap_or_default();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status != 200 {
            let message = body["error"]["message"].as_str().unwrap_or("");
            return Err(format!(
                "the Worker's /events answered {status}: {message}{}",
                hint(status)
            ));
        }
        let events = body["events"]
            .as_array()
            .map(|rows| rows.iter().filter_map(from_row).collect())
            .unwrap_or_default();
        let next = body["next_after"].as_u64().unwrap_or(after);
        Ok((events, next, body["has_more"].as_bool().unwrap_or(false)))
    }
}

fn warn_status(status: u16, path: &str) {
    eprintln!(
        "warning: the Worker's {path} answered {status}{}",
        hint(status)
    );
}

/// What a refusal of the Worker likely means.
fn hint(status: u16) -> &'static str {
    match status {
        401 => " (the token is not valid: mint a fresh one with `peeker token mint`)",
        403 => " (the token lacks the scope: events.read, or events.readAll)",
        404 => " (no such order for this token)",
        429 => " (too many streams open; retrying)",
        _ => "",
    }
}

/// A stream frame: `data` is the raw body as Peeker sent it.
fn from_frame(frame: Frame) -> Option<Incoming> {
    let body: Value = serde_json::from_str(&frame.data).ok()?;
    Some(Incoming {
        id: body["id"].as_str()?.to_owned(),
        event_type: frame
            .event
            .or_else(|| body["type"].as_str().map(str::to_owned))?,
        body: frame.data,
    })
}

/// An `/events` row, written back as the envelope `{id, type, created_at, data}`.
fn from_row(row: &Value) -> Option<Incoming> {
    let id = row["id"].as_str()?.to_owned();
    let event_type = row["type"].as_str()?.to_owned();
    let envelope = json!({
        "id": id,
        "type": event_type,
        "created_at": row["created_at"],
        "data": row["data"],
    });
    Some(Incoming {
        id,
        event_type,
        body: envelope.to_string(),
    })
}

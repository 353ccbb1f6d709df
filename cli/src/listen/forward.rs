//! Signs each event afresh with the local secret, exactly as Peeker signs,
//! POSTs it to the dev server, retries failures with a bounded backoff and
//! prints one line per delivery.

use super::Incoming;
use crate::sandbox_http::root_cause;
use crate::term::{clock_time, unix_now, Paint};
use peeker_partner::webhook;
use std::time::{Duration, Instant};

/// The first wait after a failed attempt; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Delivers to one URL.
pub struct Forwarder {
    url: String,
    secret: String,
    max_attempts: u32,
    http: reqwest::Client,
    paint: Paint,
}

/// What one attempt got.
enum Attempt {
    /// The dev server's status.
    Answered(u16),
    /// No answer (connection refused, timeout…).
    NoAnswer(String),
}

impl Forwarder {
    /// A forwarder to `url`, signing with `secret`.
    pub fn new(
        url: &str,
        secret: String,
        max_attempts: u32,
        paint: Paint,
    ) -> Result<Forwarder, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("peeker-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(Forwarder {
            url: url.to_owned(),
            secret,
            max_attempts,
            http,
            paint,
        })
    }

    /// Delivers `event`, retrying what may pass later; whether it was
    /// answered 2xx.
    pub async fn deliver(&self, event: &Incoming) -> bool {
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=self.max_attempts {
            let started = Instant::now();
            let result = self.post(event).await;
            let ms = started.elapsed().as_millis();
            let retry = match &result {
                Attempt::Answered(s) => !(200..300).contains(s) && retryable(*s),
                Attempt::NoAnswer(_) => true,
            };
            let ok = matches!(result, Attempt::Answered(s) if (200..300).contains(&s));
            let last = ok || !retry || attempt == self.max_attempts;
            self.print(event, &result, ms, attempt, last);
            if ok {
                return true;
            }
            if last {
                return false;
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
        false
    }

    async fn post(&self, event: &Incoming) -> Attempt {
        // Signed at send time, as Peeker does: a retry carries a new timestamp.
        let ts = unix_now().to_string();
        let signature = webhook::sign(self.secret.as_bytes(), &ts, event.body.as_bytes());
        let sent = self
            .http
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header(webhook::HEADER_EVENT_ID, &event.id)
            .header(webhook::HEADER_TIMESTAMP, &ts)
            .header(webhook::HEADER_SIGNATURE, signature)
            .body(event.body.clone())
            .send()
            .await;
        match sent {
            Ok(r) => Attempt::Answered(r.status().as_u16()),
            Err(e) => Attempt::NoAnswer(root_cause(&e)),
        }
    }

    fn print(&self, event: &Incoming, result: &Attempt, ms: u128, attempt: u32, last: bool) {
        let p = self.paint;
        let outcome = match result {
            Attempt::Answered(s) if (200..300).contains(s) => p.green(&format!("[{s}]")),
            Attempt::Answered(s) => p.red(&format!("[{s}]")),
            Attempt::NoAnswer(why) => p.red(&format!("[no answer: {why}]")),
        };
        let note = match (attempt, last) {
            (1, true) => String::new(),
            (n, true) => p.dim(&format!(" (attempt {n})")),
            (n, false) => p.yellow(&format!(" (attempt {n}/{}, retrying)", self.max_attempts)),
        };
        println!(
            "{}  {:<30} {}  --> POST {} {outcome} {ms} ms{note}",
            p.dim(&clock_time()),
            event.event_type,
            event.id,
            self.url
        );
    }
}

/// What may pass on a later attempt: a timeout, a rate limit or a server error.
fn retryable(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

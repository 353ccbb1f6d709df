//! `peeker trigger <event-type>`: makes a running sandbox emit that event by
//! creating what it needs through its API and `/_sandbox` controls, then
//! waits until the event is recorded.

mod recipes;

use crate::args::TriggerArgs;
use crate::exit::{Failure, Outcome};
use crate::sandbox_http::SandboxHttp;
use crate::term::{Paint, Spinner};
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Runs `trigger` (or `trigger --list`).
pub async fn run(args: &TriggerArgs) -> Outcome {
    let paint = Paint::detect();
    if args.list {
        for r in recipes::RECIPES {
            println!("{:<32} {}", paint.bold(r.event_type), r.creates);
        }
        return Ok(());
    }
    let wanted = args.event_type.as_deref().unwrap_or("");
    let Some(recipe) = recipes::RECIPES.iter().find(|r| r.event_type == wanted) else {
        return Err(Failure::usage(format!(
            "`{wanted}` is not an event type; `peeker trigger --list` shows the {}",
            recipes::RECIPES.len()
        )));
    };
    let http = SandboxHttp::new(&args.sandbox, &args.key).map_err(Failure::failed)?;
    let before = http
        .deliveries()
        .await
        .map_err(|e| Failure::failed(format!("{e} (is `peeker sandbox` running? --sandbox-url)")))?
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    let run = Run {
        http,
        paint,
        tag: tag(),
        before,
        deadline: Instant::now() + Duration::from_secs(args.timeout),
    };
    let subject = recipes::make(recipe.event_type, &run).await?;
    let row = run.wait_event(recipe.event_type, &subject).await?;
    println!(
        "{} {} {}",
        paint.green("✓ triggered"),
        paint.bold(recipe.event_type),
        row["id"].as_str().unwrap_or("")
    );
    Ok(())
}

/// One trigger's run: the sandbox, a tag that makes its names unique, and
/// the events recorded before it started.
pub struct Run {
    http: SandboxHttp,
    paint: Paint,
    tag: String,
    before: HashSet<String>,
    deadline: Instant,
}

impl Run {
    /// A name of this run: `{prefix}{tag}.com`.
    pub fn domain(&self, prefix: &str) -> String {
        format!("{prefix}{}.com", self.tag)
    }

    /// Prints what was created or done.
    pub fn say(&self, what: &str) {
        println!("{} {what}", self.paint.dim("·"));
    }

    /// Calls the API; the answer's `data`, or the error's message.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, Failure> {
        let a = self
            .http
            .api(method, path, body)
            .await
            .map_err(Failure::failed)?;
        if !(200..300).contains(&a.status) {
            return Err(Failure::failed(format!(
                "{method} {path} answered {}: {}",
                a.status,
                a.body["error"]["message"]
                    .as_str()
                    .unwrap_or("(no message)")
            )));
        }
        Ok(a.body["data"].clone())
    }

    /// Calls a `/_sandbox` control; its `data`.
    pub async fn control(&self, path: &str, body: &Value) -> Result<Value, Failure> {
        let a = self
            .http
            .control("POST", path, Some(body))
            .await
            .map_err(Failure::failed)?;
        if a.status != 200 {
            return Err(Failure::failed(format!(
                "POST {path} answered {}: {}",
                a.status, a.body
            )));
        }
        Ok(a.body["data"].clone())
    }

    /// Waits (with a spinner) for a new event of `event_type` about
    /// `subject` (its `data.id` or `data.order_id`); its deliveries row.
    pub async fn wait_event(&self, event_type: &str, subject: &str) -> Result<Value, Failure> {
        self.wait_row(&format!("{event_type} for {subject}"), |r| {
            let data = &r["event"]["data"];
            r["type"] == event_type && (data["id"] == subject || data["order_id"] == subject)
        })
        .await
    }

    /// Waits (with a spinner) for a new deliveries row that `matches`.
    pub async fn wait_row(
        &self,
        what: &str,
        matches: impl Fn(&Value) -> bool,
    ) -> Result<Value, Failure> {
        let _spinner = Spinner::start(&format!("waiting for {what}"));
        loop {
            let rows = self.http.deliveries().await.map_err(Failure::failed)?;
            let found = rows.into_iter().find(|r| {
                !r["id"].as_str().is_some_and(|id| self.before.contains(id)) && matches(r)
            });
            if let Some(row) = found {
                return Ok(row);
            }
            if Instant::now() >= self.deadline {
                return Err(Failure::failed(format!(
                    "no {what} within --timeout (a sandbox at --time-scale 1 takes a few seconds per step)"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// 8 hex digits from the clock and the process: names no other run used
/// (hex has no letters beyond f, so no scenario word appears by chance).
fn tag() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mixed = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    format!("{:08x}", mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32)
}

//! Webhook delivery: every pending event is POSTed when due, signed at send
//! time; failures are retried on the schedule in docs/contract.md#webhook-delivery (1, 10, 100,
//! 1000 min × `--time-scale`, on the sandbox clock), up to `max_attempts`.

use crate::state::{Attempt, Ctx, State};
use crate::{App, Write};
use peeker_partner::webhook;
use std::sync::Arc;
use tokio::sync::watch;

/// One send, as the loop prepared it outside the lock.
struct Send {
    id: String,
    body: String,
}

pub async fn run_deliveries(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    let Some(url) = app.cfg.webhook_url.clone() else {
        return;
    };
    loop {
        let now = app.now();
        let mut due: Vec<Send> = app.read(|st| {
            st.pending_events
                .iter()
                .filter_map(|id| st.events.get(id))
                .filter(|e| e.next_attempt_ms.is_some_and(|t| t <= now))
                .map(|e| Send {
                    id: e.id.clone(),
                    body: e.body.clone(),
                })
                .collect()
        });
        if app.cfg.reorder && due.len() > 1 {
            // Fisher–Yates with the server's own random source.
            for i in (1..due.len()).rev() {
                let j = (app.ids.rng().next_u64() % (i as u64 + 1)) as usize;
                due.swap(i, j);
            }
        }
        for send in due {
            if *stop.borrow() {
                return;
            }
            let result = post(&app, &url, &send).await;
            let ok = matches!(result, Ok(code) if (200..300).contains(&code));
            let duplicate = ok && app.ids.rng().unit() < app.cfg.duplicate_rate;
            let dup_result = if duplicate {
                Some(post(&app, &url, &send).await)
            } else {
                None
            };
            let backoff = app.clone();
            let recorded = app.commit(move |_, _| {
                Ok(Write::new(move |st, ctx| {
                    record(st, ctx, &backoff, &send.id, result, false);
                    if let Some(r) = dup_result {
                        record(st, ctx, &backoff, &send.id, r, true);
                    }
                }))
            });
            let _ = recorded.await;
        }
        if crate::lifecycle::sleep_or_stop(crate::lifecycle::tick(&app), &mut stop).await {
            return;
        }
    }
}

/// Signs at send time (`Peeker-Timestamp` is when it was signed) and posts.
/// The machine's time, not the sandbox clock: the receiver checks the
/// timestamp against its own clock, which `/_sandbox/clock` does not move.
async fn post(app: &App, url: &str, send: &Send) -> Result<u16, String> {
    let ts = crate::clock::wall_ms().div_euclid(1000).to_string();
    let sig = webhook::sign(app.cfg.webhook_secret.as_bytes(), &ts, send.body.as_bytes());
    app.http
        .post(url)
        .header("Content-Type", "application/json")
        .header(webhook::HEADER_EVENT_ID, &send.id)
        .header(webhook::HEADER_TIMESTAMP, &ts)
        .header(webhook::HEADER_SIGNATURE, sig)
        .body(send.body.clone())
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

fn record(
    st: &mut State,
    ctx: &Ctx<'_>,
    app: &App,
    id: &str,
    result: Result<u16, String>,
    duplicate: bool,
) {
    let Some(ev) = st.events.get_mut(id) else {
        return;
    };
    let ok = matches!(result, Ok(code) if (200..300).contains(&code));
    let (status, error) = match result {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(e)),
    };
    ev.attempts.push(Attempt {
        at_ms: ctx.now,
        at: crate::clock::iso(ctx.now),
        status,
        error,
        duplicate,
    });
    if duplicate {
        return;
    }
    let tries = ev.attempts.iter().filter(|a| !a.duplicate).count();
    let finished = if ok {
        ev.outcome = "delivered".into();
        true
    } else if tries >= ev.max_attempts {
        ev.outcome = "failed".into();
        true
    } else {
        ev.next_attempt_ms = Some(ctx.now + app.cfg.backoff_ms(tries as u32));
        false
    };
    if finished {
        ev.next_attempt_ms = None;
        st.pending_events.retain(|p| p != id);
    }
}

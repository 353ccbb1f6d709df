//! Background work: lifecycle steps that fall due (orders connecting and
//! completing, cancellations, imports, forwarding, swaps) and webhook
//! delivery with retries. Both loops read the time through the `Clock`, so
//! advancing it makes waiting steps due at once.

use crate::api::pictures::picture_is_public;
use crate::state::{to_value, Attempt, Ctx, State, TaskKind};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::webhook;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Webhook attempts per event (Part A §A6).
pub const MAX_ATTEMPTS: usize = 5;

/// How often the loops look for due work: a quarter step, 5–100 ms.
fn tick(app: &App) -> Duration {
    Duration::from_millis((app.cfg.step_ms() / 4).clamp(5, 100) as u64)
}

async fn sleep_or_stop(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

pub async fn run_tasks(app: Arc<App>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = app.now();
        let due = app.read(|st| st.tasks.front().is_some_and(|t| t.due_ms <= now));
        if due {
            let _ = app.commit(|st, ctx| {
                for task in st.take_due(ctx.now) {
                    apply(st, ctx, &app, task);
                }
                Ok(())
            });
        }
        if sleep_or_stop(tick(&app), &mut stop).await {
            return;
        }
    }
}

fn set_domain(st: &mut State, id: &str, status: DomainStatus) -> Option<Domain> {
    let d = st.domains.get_mut(id)?;
    d.status = status;
    Some(d.clone())
}

fn apply(st: &mut State, ctx: &Ctx<'_>, app: &App, task: TaskKind) {
    match task {
        TaskKind::ConnectDomain { domain_id } => {
            let provisioning = st
                .domains
                .get(&domain_id)
                .is_some_and(|d| d.status == DomainStatus::Provisioning);
            if provisioning {
                if let Some(d) = set_domain(st, &domain_id, DomainStatus::Active) {
                    st.emit(ctx, EventType::DomainConnected, to_value(&d));
                }
            }
        }
        TaskKind::FinishOrder { order_id } => finish_order(st, ctx, &order_id),
        TaskKind::FinishCancel {
            order_id,
            domain_ids,
            whole,
        } => {
            for id in &domain_ids {
                if st
                    .domains
                    .get(id)
                    .is_some_and(|d| d.status == DomainStatus::CancelScheduled)
                {
                    set_domain(st, id, DomainStatus::Cancelled);
                }
            }
            let Some(order) = st.orders.get_mut(&order_id) else {
                return;
            };
            if whole && order.receipt.status == OrderStatus::CancelScheduled {
                order.receipt.status = OrderStatus::Cancelled;
            }
            let receipt = order.receipt.clone();
            st.emit(ctx, EventType::OrderCancelled, to_value(&receipt));
        }
        TaskKind::FinishImport { import_id } => {
            let Some(mut imp) = st.imports.get(&import_id).cloned() else {
                return;
            };
            for row in &mut imp.domains {
                if row.status != ImportDomainStatus::Pending {
                    continue;
                }
                row.status = ImportDomainStatus::Completed;
                if let Some(id) = &row.domain_id {
                    let waiting = st
                        .domains
                        .get(id)
                        .is_some_and(|d| d.status == DomainStatus::Provisioning);
                    if waiting {
                        set_domain(st, id, DomainStatus::Available);
                    }
                }
            }
            imp.status = ImportStatus::Completed;
            imp.completed_at = Some(crate::clock::iso(ctx.now));
            st.imports.insert(import_id, imp.clone());
            st.emit(ctx, EventType::DomainImportCompleted, to_value(&imp));
        }
        TaskKind::FinishForwarding {
            job_id,
            domain_ids,
            failed,
        } => {
            let Some(mut job) = st.forwarding.get(&job_id).cloned() else {
                return;
            };
            for id in &domain_ids {
                if let Some(d) = st.domains.get_mut(id) {
                    d.forwarding_url = Some(job.forwarding_url.clone());
                    job.completed.push(d.domain.clone());
                }
            }
            for name in failed {
                job.failed.push(ForwardingFailure {
                    domain: name,
                    reason: ForwardingFailureReason::DnsLookupFailed,
                    extra: Default::default(),
                });
            }
            job.completed_count = job.completed.len() as i64;
            job.failed_count = job.failed.len() as i64;
            job.status = match (job.completed.is_empty(), job.failed.is_empty()) {
                (_, true) => ForwardingStatus::Completed,
                (true, false) => ForwardingStatus::Failed,
                (false, false) => ForwardingStatus::PartialSuccess,
            };
            job.completed_at = Some(crate::clock::iso(ctx.now));
            st.forwarding.insert(job_id, job.clone());
            if !job.completed.is_empty() {
                st.emit(ctx, EventType::DomainForwardingUpdated, to_value(&job));
            }
            if !job.failed.is_empty() {
                st.emit(ctx, EventType::DomainForwardingFailed, to_value(&job));
            }
        }
        TaskKind::SwapInProgress { swap_id } => {
            let Some(rec) = st.swaps.get_mut(&swap_id) else {
                return;
            };
            if rec.swap.status == SwapStatus::Created {
                rec.swap.status = SwapStatus::InProgress;
                let s = rec.swap.clone();
                st.emit(ctx, EventType::SwapInProgress, to_value(&s));
            }
        }
        TaskKind::FinishSwap { swap_id } => finish_swap(st, ctx, app, &swap_id),
    }
}

/// Completes an order, or stops it at `action_required` with one pending
/// action per persona whose picture Google cannot fetch.
fn finish_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str) {
    let Some(order) = st.orders.get(order_id) else {
        return;
    };
    if order.receipt.status != OrderStatus::InProgress {
        return;
    }
    let google_domain = order
        .domain_ids
        .iter()
        .filter_map(|id| st.domains.get(id))
        .find(|d| d.provider == Some(Provider::Google))
        .map(|d| (d.id.clone(), d.domain.clone()));
    let bad: Vec<PersonaInfo> = order
        .personas
        .iter()
        .filter(|p| !picture_is_public(p.profile_picture_url.as_deref()))
        .cloned()
        .collect();
    let blocked = google_domain.is_some() && !bad.is_empty();
    let Some(order) = st.orders.get_mut(order_id) else {
        return;
    };
    if blocked {
        order.receipt.status = OrderStatus::ActionRequired;
        let receipt = order.receipt.clone();
        let (domain_id, domain) = google_domain.unzip();
        for persona in bad {
            let a = PendingAction {
                id: ctx.id("act_"),
                action_type: PendingActionType::GoogleProfilePicture,
                reason: PendingActionReason::ProfilePictureNotAccessible,
                status: PendingActionStatus::Open,
                order_id: Some(order_id.to_owned()),
                domain_id: domain_id.clone(),
                domain: domain.clone(),
                user: Some(persona),
                message: "The profile picture URL must be a publicly accessible image URL.".into(),
                created_at: crate::clock::iso(ctx.now),
                extra: Default::default(),
            };
            st.actions.insert(a.id.clone(), a);
        }
        st.emit(ctx, EventType::OrderActionRequired, to_value(&receipt));
    } else {
        order.receipt.status = OrderStatus::Completed;
        let full = order.full();
        st.emit(ctx, EventType::OrderCompleted, to_value(&full));
    }
}

/// A domain swap puts the replacement on the order and retires the old
/// domain (a premium swap keeps it warm: `cancel_scheduled`); a user-name
/// row completes, or waits on a picture Google cannot fetch.
fn finish_swap(st: &mut State, ctx: &Ctx<'_>, app: &App, swap_id: &str) {
    let Some(rec) = st.swaps.get(swap_id).cloned() else {
        return;
    };
    if !matches!(
        rec.swap.status,
        SwapStatus::Created | SwapStatus::InProgress
    ) {
        return;
    }
    let status = if rec.blocked {
        SwapStatus::ActionRequired
    } else {
        SwapStatus::Completed
    };
    if status == SwapStatus::Completed {
        if let (Some(name), Some(old)) = (
            rec.swap.replacement_domain.as_deref(),
            st.domains.get(&rec.swap.domain_id).cloned(),
        ) {
            let reuse = st
                .live_domain_named(name)
                .filter(|d| d.category == DomainCategory::Inventory)
                .map(|d| d.id.clone());
            let id = reuse.unwrap_or_else(|| ctx.id("dom_"));
            let created_at = st
                .domains
                .get(&id)
                .map(|d| d.created_at.clone())
                .unwrap_or_else(|| crate::clock::iso(ctx.now));
            let new = Domain {
                id: id.clone(),
                domain: name.to_owned(),
                category: DomainCategory::Connected,
                status: DomainStatus::Active,
                usable_for: Some(
                    crate::api::availability::availability(name)
                        .usable_for
                        .unwrap_or_else(|| vec![Provider::Google, Provider::Microsoft]),
                ),
                created_at,
                ..old.clone()
            };
            st.domain_by_name.insert(name.to_owned(), id.clone());
            st.domains.insert(id, new);
            let retired = if rec.swap.swap_type == SwapType::Premium {
                DomainStatus::CancelScheduled
            } else {
                DomainStatus::Cancelled
            };
            set_domain(st, &old.id, retired);
        }
    }
    let _ = app;
    let Some(rec) = st.swaps.get_mut(swap_id) else {
        return;
    };
    rec.swap.status = status.clone();
    let s = rec.swap.clone();
    let kind = if status == SwapStatus::Completed {
        EventType::SwapCompleted
    } else {
        EventType::SwapActionRequired
    };
    st.emit(ctx, kind, to_value(&s));
}

// ---------------------------------------------------------------- delivery

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
            let _ = app.commit(|st, ctx| {
                record(st, ctx, &app, &send.id, result, false);
                if let Some(r) = dup_result {
                    record(st, ctx, &app, &send.id, r, true);
                }
                Ok(())
            });
        }
        if sleep_or_stop(tick(&app), &mut stop).await {
            return;
        }
    }
}

/// Signs at send time (`Peeker-Timestamp` is when it was signed) and posts.
async fn post(app: &App, url: &str, send: &Send) -> Result<u16, String> {
    let ts = app.now().div_euclid(1000).to_string();
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
    } else if tries >= MAX_ATTEMPTS {
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

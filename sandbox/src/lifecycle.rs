//! The loop that runs lifecycle steps as they fall due. Each resource's
//! steps sit with it (`api::orders::lifecycle`, `api::imports`,
//! `api::forwarding`, `api::swaps::lifecycle`); this only dispatches. The
//! loop reads the time through the `Clock`, so advancing it makes waiting
//! steps due at once.

use crate::api::{forwarding, imports, orders, swaps};
use crate::state::{Ctx, State, TaskKind};
use crate::{App, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often the loops look for due work: a quarter step, 5–100 ms.
pub fn tick(app: &App) -> Duration {
    Duration::from_millis((app.cfg.step_ms() / 4).clamp(5, 100) as u64)
}

pub async fn sleep_or_stop(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
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
            let steps = app.commit(|_, _| {
                Ok(Write::new(|st, ctx| {
                    for task in st.take_due(ctx.now) {
                        apply(st, ctx, task);
                    }
                }))
            });
            let _ = steps.await;
        }
        if sleep_or_stop(tick(&app), &mut stop).await {
            return;
        }
    }
}

fn apply(st: &mut State, ctx: &Ctx<'_>, task: TaskKind) {
    match task {
        TaskKind::ConnectDomain { domain_id } => {
            orders::lifecycle::connect_domain(st, ctx, &domain_id)
        }
        TaskKind::FinishOrder { order_id } => orders::lifecycle::finish_order(st, ctx, &order_id),
        TaskKind::FinishCancel {
            order_id,
            domain_ids,
        } => orders::lifecycle::finish_cancel(st, ctx, &order_id, &domain_ids),
        TaskKind::FinishImport { import_id } => imports::finish_import(st, ctx, &import_id),
        TaskKind::FinishForwarding {
            job_id,
            domain_ids,
            failed,
            failure,
        } => forwarding::finish_forwarding(st, ctx, &job_id, &domain_ids, failed, failure),
        TaskKind::SwapInProgress { swap_id } => {
            swaps::lifecycle::swap_in_progress(st, ctx, &swap_id)
        }
        TaskKind::FinishSwap { swap_id } => swaps::lifecycle::finish_swap(st, ctx, &swap_id),
        TaskKind::EndWarm { domain_id } => swaps::lifecycle::end_warm(st, &domain_id),
    }
}

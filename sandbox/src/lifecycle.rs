//! Lifecycle steps that fall due (orders connecting and completing or
//! failing, cancellations at `cancels_at`, imports, forwarding, swaps, the
//! end of a premium swap's warm period) and the ways a partner unblocks
//! them (pending actions resolved, nameservers set, a replacement imported).
//! The loop reads the time through the `Clock`, so advancing it makes
//! waiting steps due at once.

use crate::api::pictures::{host_of, picture_is_public};
use crate::state::{has_label, to_value, Ctx, State, SwapRec, TaskKind};
use crate::App;
use peeker_partner::model::*;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long a premium swap keeps the old domain warm (Part B §12.8), on the
/// sandbox clock.
pub const WARM_MS: i64 = 14 * crate::clock::DAY_MS;

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
            let _ = app.commit(|st, ctx| {
                for task in st.take_due(ctx.now) {
                    apply(st, ctx, task);
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

fn apply(st: &mut State, ctx: &Ctx<'_>, task: TaskKind) {
    match task {
        TaskKind::ConnectDomain { domain_id } => connect_domain(st, ctx, &domain_id),
        TaskKind::FinishOrder { order_id } => finish_order(st, ctx, &order_id),
        TaskKind::FinishCancel {
            order_id,
            domain_ids,
        } => finish_cancel(st, ctx, &order_id, &domain_ids),
        TaskKind::FinishImport { import_id } => finish_import(st, ctx, &import_id),
        TaskKind::FinishForwarding {
            job_id,
            domain_ids,
            failed,
            failure,
        } => finish_forwarding(st, ctx, &job_id, &domain_ids, failed, failure),
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
        TaskKind::FinishSwap { swap_id } => finish_swap(st, ctx, &swap_id),
        TaskKind::EndWarm { domain_id } => {
            let warm = st
                .domains
                .get(&domain_id)
                .is_some_and(|d| d.status == DomainStatus::CancelScheduled);
            if warm {
                set_domain(st, &domain_id, DomainStatus::Cancelled);
            }
        }
    }
}

// ---------------------------------------------------------------- orders

/// A provisioning domain connects (`domain.connected`); a `dnsaction` label
/// stops at `action_required` with a pending action; an `orderfail` label
/// never connects (its order fails).
fn connect_domain(st: &mut State, ctx: &Ctx<'_>, domain_id: &str) {
    let Some(d) = st.domains.get(domain_id).cloned() else {
        return;
    };
    if d.status != DomainStatus::Provisioning || has_label(&d.domain, "orderfail") {
        return;
    }
    if has_label(&d.domain, "dnsaction") {
        let d = set_domain(st, domain_id, DomainStatus::ActionRequired).unwrap_or(d);
        open_action(
            st,
            PendingAction {
                id: ctx.id("act_"),
                action_type: PendingActionType::DomainDns,
                reason: PendingActionReason::DnsNotVerified,
                status: PendingActionStatus::Open,
                order_id: d.order_id.clone(),
                domain_id: Some(d.id.clone()),
                domain: Some(d.domain.clone()),
                user: None,
                message: "The domain's DNS records could not be verified yet.".into(),
                created_at: crate::clock::iso(ctx.now),
                extra: Default::default(),
            },
        );
        st.emit(ctx, EventType::DomainActionRequired, to_value(&d));
        return;
    }
    if let Some(d) = set_domain(st, domain_id, DomainStatus::Active) {
        st.emit(ctx, EventType::DomainConnected, to_value(&d));
    }
}

fn open_action(st: &mut State, a: PendingAction) {
    st.actions.insert(a.id.clone(), a);
}

/// The picture action's type: Google's for a Google domain.
fn picture_action_type(d: Option<&Domain>) -> PendingActionType {
    match d.and_then(|d| d.provider.clone()) {
        Some(Provider::Microsoft) => PendingActionType::MicrosoftProfilePicture,
        _ => PendingActionType::GoogleProfilePicture,
    }
}

/// Fails the order (an `orderfail` domain), or stops it at
/// `action_required` while pending actions are open (a persona picture
/// Google cannot fetch, a `dnsaction` domain), or completes it.
fn finish_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str) {
    let Some(order) = st.orders.get(order_id).cloned() else {
        return;
    };
    if order.receipt.status != OrderStatus::InProgress {
        return;
    }
    let domains: Vec<Domain> = order
        .domain_ids
        .iter()
        .filter_map(|id| st.domains.get(id))
        .cloned()
        .collect();
    if domains.iter().any(|d| has_label(&d.domain, "orderfail")) {
        fail_order(st, ctx, order_id, &domains);
        return;
    }
    let first = domains
        .iter()
        .find(|d| d.provider == Some(Provider::Google))
        .or(domains.first());
    for persona in order
        .personas
        .iter()
        .filter(|p| !picture_is_public(p.profile_picture_url.as_deref()))
    {
        let a = PendingAction {
            id: ctx.id("act_"),
            action_type: picture_action_type(first),
            reason: PendingActionReason::ProfilePictureNotAccessible,
            status: PendingActionStatus::Open,
            order_id: Some(order_id.to_owned()),
            domain_id: first.map(|d| d.id.clone()),
            domain: first.map(|d| d.domain.clone()),
            user: Some(persona.clone()),
            message: "The profile picture URL must be a publicly accessible image URL.".into(),
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        open_action(st, a);
    }
    if open_actions(st, |a| a.order_id.as_deref() == Some(order_id)) > 0 {
        let Some(order) = st.orders.get_mut(order_id) else {
            return;
        };
        order.receipt.status = OrderStatus::ActionRequired;
        let receipt = order.receipt.clone();
        st.emit(ctx, EventType::OrderActionRequired, to_value(&receipt));
    } else {
        complete_order(st, ctx, order_id);
    }
}

fn complete_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str) {
    let Some(order) = st.orders.get_mut(order_id) else {
        return;
    };
    order.receipt.status = OrderStatus::Completed;
    let full = order.full();
    st.emit(ctx, EventType::OrderCompleted, to_value(&full));
}

fn open_actions(st: &State, of: impl Fn(&PendingAction) -> bool) -> usize {
    st.actions
        .values()
        .filter(|a| a.status == PendingActionStatus::Open && of(a))
        .count()
}

/// `order.failed`: the charge is voided, imported domains go back to the
/// inventory and registered ones are released.
fn fail_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str, domains: &[Domain]) {
    for d in domains {
        if let Some(row) = st.domains.get_mut(&d.id) {
            let imported = st
                .orders
                .get(order_id)
                .is_some_and(|o| o.imported.contains(&d.domain));
            if imported {
                row.category = DomainCategory::Inventory;
                row.status = DomainStatus::Available;
                row.provider = None;
                row.user_id = None;
                row.order_id = None;
                row.forwarding_url = None;
            } else {
                row.status = DomainStatus::Cancelled;
            }
        }
    }
    for c in st.charges.iter_mut().filter(|c| c.order_id == order_id) {
        c.voided = true;
    }
    let Some(order) = st.orders.get_mut(order_id) else {
        return;
    };
    order.receipt.status = OrderStatus::Failed;
    let receipt = order.receipt.clone();
    st.emit(ctx, EventType::OrderFailed, to_value(&receipt));
}

/// At `cancels_at`: the scheduled domains are cancelled; the order is
/// `cancelled` (with `order.cancelled`) once every domain on it is.
fn finish_cancel(st: &mut State, ctx: &Ctx<'_>, order_id: &str, domain_ids: &[String]) {
    for id in domain_ids {
        if st
            .domains
            .get(id)
            .is_some_and(|d| d.status == DomainStatus::CancelScheduled)
        {
            set_domain(st, id, DomainStatus::Cancelled);
        }
    }
    let Some(order) = st.orders.get(order_id) else {
        return;
    };
    let all = order.domain_ids.iter().all(|id| {
        st.domains
            .get(id)
            .is_none_or(|d| d.status == DomainStatus::Cancelled)
    });
    if all && order.receipt.status == OrderStatus::CancelScheduled {
        let Some(order) = st.orders.get_mut(order_id) else {
            return;
        };
        order.receipt.status = OrderStatus::Cancelled;
        let receipt = order.receipt.clone();
        st.emit(ctx, EventType::OrderCancelled, to_value(&receipt));
    }
}

/// `POST /_sandbox/pending/{id}/resolve`: the action is resolved and what
/// it held moves on (a `dnsaction` domain connects, a user-name swap row
/// completes, an order with no open action left completes).
pub fn resolve_action(st: &mut State, ctx: &Ctx<'_>, id: &str) -> Option<PendingAction> {
    let a = st.actions.get_mut(id)?;
    if a.status != PendingActionStatus::Open {
        return Some(a.clone());
    }
    a.status = PendingActionStatus::Resolved;
    a.extra
        .insert("resolved_at".into(), json!(crate::clock::iso(ctx.now)));
    let a = a.clone();
    let swap_id = a
        .extra
        .get("swap_id")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    if let Some(swap_id) = swap_id {
        let held = st
            .swaps
            .get(&swap_id)
            .is_some_and(|s| s.swap.status == SwapStatus::ActionRequired);
        if held {
            set_swap(st, ctx, &swap_id, SwapStatus::Completed);
        }
        return Some(a);
    }
    if let Some(domain_id) = &a.domain_id {
        let held = st
            .domains
            .get(domain_id)
            .is_some_and(|d| d.status == DomainStatus::ActionRequired);
        if held && open_actions(st, |o| o.domain_id.as_deref() == Some(domain_id)) == 0 {
            if let Some(d) = set_domain(st, domain_id, DomainStatus::Active) {
                st.emit(ctx, EventType::DomainConnected, to_value(&d));
            }
        }
    }
    if let Some(order_id) = &a.order_id {
        let held = st
            .orders
            .get(order_id)
            .is_some_and(|o| o.receipt.status == OrderStatus::ActionRequired);
        if held && open_actions(st, |o| o.order_id.as_deref() == Some(order_id)) == 0 {
            complete_order(st, ctx, order_id);
        }
    }
    Some(a)
}

// ---------------------------------------------------------------- imports

/// Rows complete and their inventory rows become `available`; a row whose
/// label contains `nsdelay` waits for `POST /_sandbox/nameservers`, and the
/// import is `action_required` meanwhile. Swaps waiting for an imported
/// name complete.
pub fn finish_import(st: &mut State, ctx: &Ctx<'_>, import_id: &str) {
    let Some(mut imp) = st.imports.get(import_id).cloned() else {
        return;
    };
    if !matches!(
        imp.status,
        ImportStatus::InProgress | ImportStatus::ActionRequired
    ) {
        return;
    }
    let mut imported = Vec::new();
    for row in &mut imp.domains {
        if row.status != ImportDomainStatus::Pending
            || (has_label(&row.domain, "nsdelay") && !st.nameservers_set.contains(&row.domain))
        {
            continue;
        }
        row.status = ImportDomainStatus::Completed;
        imported.push(row.domain.clone());
        if let Some(id) = &row.domain_id {
            // Only a row still in the inventory: one an order took over
            // meanwhile is the order's to connect.
            let waiting = st.domains.get(id).is_some_and(|d| {
                d.category == DomainCategory::Inventory && d.status == DomainStatus::Provisioning
            });
            if waiting {
                set_domain(st, id, DomainStatus::Available);
            }
        }
    }
    let waiting = imp
        .domains
        .iter()
        .any(|r| r.status == ImportDomainStatus::Pending);
    let before = imp.status.clone();
    if waiting {
        imp.status = ImportStatus::ActionRequired;
    } else {
        imp.status = ImportStatus::Completed;
        imp.completed_at = Some(crate::clock::iso(ctx.now));
    }
    st.imports.insert(import_id.to_owned(), imp.clone());
    if !waiting {
        st.emit(ctx, EventType::DomainImportCompleted, to_value(&imp));
    } else if before != ImportStatus::ActionRequired {
        st.emit(ctx, EventType::DomainImportActionRequired, to_value(&imp));
    }
    for name in imported {
        release_swaps_waiting_for(st, ctx, &name);
    }
}

/// `POST /_sandbox/nameservers {"domain"}`: the customer pointed the
/// nameservers; imports waiting on that name move on. The imports touched.
pub fn nameservers_set(st: &mut State, ctx: &Ctx<'_>, name: &str) -> Vec<String> {
    let waiting: Vec<String> = st
        .imports
        .values()
        .filter(|i| {
            i.domains
                .iter()
                .any(|r| r.domain == name && r.status == ImportDomainStatus::Pending)
        })
        .map(|i| i.id.clone())
        .collect();
    if waiting.is_empty() {
        return waiting;
    }
    st.nameservers_set.insert(name.to_owned());
    for id in &waiting {
        let held = st
            .imports
            .get(id)
            .is_some_and(|i| i.status == ImportStatus::ActionRequired);
        if held {
            finish_import(st, ctx, id);
        }
    }
    waiting
}

// ---------------------------------------------------------------- forwarding

fn finish_forwarding(
    st: &mut State,
    ctx: &Ctx<'_>,
    job_id: &str,
    domain_ids: &[String],
    failed: Vec<String>,
    failure: Option<ForwardingFailureReason>,
) {
    let Some(mut job) = st.forwarding.get(job_id).cloned() else {
        return;
    };
    let mut failures: Vec<(String, ForwardingFailureReason)> = failed
        .into_iter()
        .map(|n| (n, ForwardingFailureReason::DnsLookupFailed))
        .collect();
    for id in domain_ids {
        let Some(d) = st.domains.get_mut(id) else {
            continue;
        };
        match &failure {
            Some(reason) => failures.push((d.domain.clone(), reason.clone())),
            None => {
                d.forwarding_url = Some(job.forwarding_url.clone());
                job.completed.push(d.domain.clone());
            }
        }
    }
    for (name, reason) in failures {
        job.failed.push(ForwardingFailure {
            domain: name,
            reason,
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
    st.forwarding.insert(job_id.to_owned(), job.clone());
    if !job.completed.is_empty() {
        st.emit(ctx, EventType::DomainForwardingUpdated, to_value(&job));
    }
    if !job.failed.is_empty() {
        st.emit(ctx, EventType::DomainForwardingFailed, to_value(&job));
    }
}

/// The failure a forwarding target triggers: a host containing
/// `unreachable` or `invalidtarget`.
pub fn target_failure(url: &str) -> Option<ForwardingFailureReason> {
    let host = host_of(url)?;
    if host.contains("unreachable") {
        Some(ForwardingFailureReason::TargetUnreachable)
    } else if host.contains("invalidtarget") {
        Some(ForwardingFailureReason::InvalidTarget)
    } else {
        None
    }
}

// ---------------------------------------------------------------- swaps

fn set_swap(st: &mut State, ctx: &Ctx<'_>, swap_id: &str, status: SwapStatus) {
    let Some(rec) = st.swaps.get_mut(swap_id) else {
        return;
    };
    rec.swap.status = status.clone();
    let s = rec.swap.clone();
    let kind = match status {
        SwapStatus::Completed => EventType::SwapCompleted,
        SwapStatus::Failed => EventType::SwapFailed,
        SwapStatus::ActionRequired => EventType::SwapActionRequired,
        SwapStatus::InProgress => EventType::SwapInProgress,
        _ => return,
    };
    st.emit(ctx, kind, to_value(&s));
}

/// Why a domain swap cannot finish now, if it cannot: its old domain is no
/// longer live (its order was cancelled), a `swapfail` replacement, or the
/// replacement went live elsewhere meanwhile.
fn swap_failure(st: &State, rec: &SwapRec) -> Option<&'static str> {
    let old = st.domains.get(&rec.swap.domain_id)?;
    let order_cancelled = rec
        .order_id
        .as_ref()
        .and_then(|o| st.orders.get(o))
        .is_some_and(|o| {
            matches!(
                o.receipt.status,
                OrderStatus::CancelScheduled | OrderStatus::Cancelled | OrderStatus::Failed
            )
        });
    if old.status != DomainStatus::Active || order_cancelled {
        return Some("order_cancelled");
    }
    let name = rec.swap.replacement_domain.as_deref()?;
    if has_label(name, "swapfail") {
        return Some("provisioning_failed");
    }
    let taken = st
        .live_domain_named(name)
        .is_some_and(|d| d.category != DomainCategory::Inventory);
    taken.then_some("replacement_taken")
}

/// A swap's last step: a user-name row completes or waits on its picture
/// (a pending action); a domain swap waits for its replacement's import,
/// fails, or puts the replacement on the order.
fn finish_swap(st: &mut State, ctx: &Ctx<'_>, swap_id: &str) {
    let Some(rec) = st.swaps.get(swap_id).cloned() else {
        return;
    };
    if !matches!(
        rec.swap.status,
        SwapStatus::Created | SwapStatus::InProgress
    ) {
        return;
    }
    if rec.blocked {
        let d = st.domains.get(&rec.swap.domain_id).cloned();
        let mut a = PendingAction {
            id: ctx.id("act_"),
            action_type: picture_action_type(d.as_ref()),
            reason: PendingActionReason::ProfilePictureNotAccessible,
            status: PendingActionStatus::Open,
            order_id: rec.order_id.clone(),
            domain_id: Some(rec.swap.domain_id.clone()),
            domain: d.map(|d| d.domain),
            user: rec.persona.clone(),
            message: "The profile picture URL must be a publicly accessible image URL.".into(),
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        a.extra.insert("swap_id".into(), json!(swap_id));
        open_action(st, a);
        set_swap(st, ctx, swap_id, SwapStatus::ActionRequired);
        return;
    }
    if rec.swap.replacement_domain.is_none() {
        set_swap(st, ctx, swap_id, SwapStatus::Completed);
        return;
    }
    if let Some(reason) = swap_failure(st, &rec) {
        if let Some(r) = st.swaps.get_mut(swap_id) {
            r.swap.extra.insert("failure_reason".into(), json!(reason));
        }
        set_swap(st, ctx, swap_id, SwapStatus::Failed);
        return;
    }
    if rec.waiting_import {
        set_swap(st, ctx, swap_id, SwapStatus::ActionRequired);
        return;
    }
    complete_domain_swap(st, ctx, swap_id);
}

/// Swaps in `action_required` waiting for `name` to be imported move on.
fn release_swaps_waiting_for(st: &mut State, ctx: &Ctx<'_>, name: &str) {
    let ids: Vec<String> = st
        .swaps
        .values()
        .filter(|s| {
            s.waiting_import
                && s.swap.status == SwapStatus::ActionRequired
                && s.swap.replacement_domain.as_deref() == Some(name)
        })
        .map(|s| s.swap.id.clone())
        .collect();
    for id in ids {
        if let Some(rec) = st.swaps.get_mut(&id) {
            rec.waiting_import = false;
        }
        let Some(rec) = st.swaps.get(&id).cloned() else {
            continue;
        };
        match swap_failure(st, &rec) {
            Some(reason) => {
                if let Some(r) = st.swaps.get_mut(&id) {
                    r.swap.extra.insert("failure_reason".into(), json!(reason));
                }
                set_swap(st, ctx, &id, SwapStatus::Failed);
            }
            None => complete_domain_swap(st, ctx, &id),
        }
    }
}

/// The replacement joins the order in the old domain's place (an inventory
/// row is taken over); the old domain is `cancelled`, or for a premium swap
/// `cancel_scheduled` until its 14-day warm period ends on the clock.
fn complete_domain_swap(st: &mut State, ctx: &Ctx<'_>, swap_id: &str) {
    let Some(rec) = st.swaps.get(swap_id).cloned() else {
        return;
    };
    let (Some(name), Some(old)) = (
        rec.swap.replacement_domain.as_deref(),
        st.domains.get(&rec.swap.domain_id).cloned(),
    ) else {
        return;
    };
    let reuse = st
        .live_domain_named(name)
        .filter(|d| d.category == DomainCategory::Inventory)
        .map(|d| d.id.clone());
    let imported = reuse.is_some();
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
    st.domains.insert(id.clone(), new);
    if let Some(order) = old.order_id.as_ref().and_then(|o| st.orders.get_mut(o)) {
        for slot in order.domain_ids.iter_mut().filter(|d| **d == old.id) {
            slot.clone_from(&id);
        }
        if imported {
            order.imported.push(name.to_owned());
        } else {
            order.registered.push(name.to_owned());
        }
    }
    if rec.swap.swap_type == SwapType::Premium {
        set_domain(st, &old.id, DomainStatus::CancelScheduled);
        st.schedule(
            ctx.now + WARM_MS,
            TaskKind::EndWarm {
                domain_id: old.id.clone(),
            },
        );
    } else {
        set_domain(st, &old.id, DomainStatus::Cancelled);
    }
    set_swap(st, ctx, swap_id, SwapStatus::Completed);
}

//! A swap's timed steps: `in_progress`, then completed, failed or waiting
//! (on a picture, or on its replacement's import), and the end of a premium
//! swap's warm period.

use crate::api::availability::availability;
use crate::api::pictures::picture_action_type;
use crate::state::{has_label, to_value, Ctx, State, SwapRec, TaskKind};
use peeker_partner::model::*;
use serde_json::json;

/// How long a premium swap keeps the old domain warm (docs/contract.md#swaps), on the
/// sandbox clock.
pub const WARM_MS: i64 = 14 * crate::clock::DAY_MS;

/// The swap starts (`swap.in_progress`) unless something moved it already.
pub fn swap_in_progress(st: &mut State, ctx: &Ctx<'_>, swap_id: &str) {
    let Some(rec) = st.swaps.get_mut(swap_id) else {
        return;
    };
    if rec.swap.status == SwapStatus::Created {
        rec.swap.status = SwapStatus::InProgress;
        let s = rec.swap.clone();
        st.emit(ctx, EventType::SwapInProgress, to_value(&s));
    }
}

/// The end of a premium swap's warm period: the old domain goes.
pub fn end_warm(st: &mut State, domain_id: &str) {
    let warm = st
        .domains
        .get(domain_id)
        .is_some_and(|d| d.status == DomainStatus::CancelScheduled);
    if warm {
        st.set_domain_status(domain_id, DomainStatus::Cancelled);
    }
}

pub fn set_swap(st: &mut State, ctx: &Ctx<'_>, swap_id: &str, status: SwapStatus) {
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
pub fn finish_swap(st: &mut State, ctx: &Ctx<'_>, swap_id: &str) {
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
        st.open_action(a);
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
pub fn release_swaps_waiting_for(st: &mut State, ctx: &Ctx<'_>, name: &str) {
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
            availability(name)
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
        st.set_domain_status(&old.id, DomainStatus::CancelScheduled);
        st.schedule(
            ctx.now + WARM_MS,
            TaskKind::EndWarm {
                domain_id: old.id.clone(),
            },
        );
    } else {
        st.set_domain_status(&old.id, DomainStatus::Cancelled);
    }
    set_swap(st, ctx, swap_id, SwapStatus::Completed);
}

//! An order's timed steps: its domains connect, then it completes, stops at
//! `action_required` or fails; a cancellation ends at `cancels_at`.

use crate::api::pictures::{picture_action_type, picture_is_public};
use crate::state::{has_label, to_value, Ctx, State};
use peeker_partner::model::*;

/// A provisioning domain connects (`domain.connected`); a `dnsaction` label
/// stops at `action_required` with a pending action; an `orderfail` label
/// never connects (its order fails).
pub fn connect_domain(st: &mut State, ctx: &Ctx<'_>, domain_id: &str) {
    let Some(d) = st.domains.get(domain_id).cloned() else {
        return;
    };
    if d.status != DomainStatus::Provisioning || has_label(&d.domain, "orderfail") {
        return;
    }
    if has_label(&d.domain, "dnsaction") {
        let d = st
            .set_domain_status(domain_id, DomainStatus::ActionRequired)
            .unwrap_or(d);
        st.open_action(PendingAction {
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
        });
        st.emit(ctx, EventType::DomainActionRequired, to_value(&d));
        return;
    }
    if let Some(d) = st.set_domain_status(domain_id, DomainStatus::Active) {
        st.emit(ctx, EventType::DomainConnected, to_value(&d));
    }
}

/// Fails the order (an `orderfail` domain), or stops it at
/// `action_required` while pending actions are open (a persona picture
/// Google cannot fetch, a `dnsaction` domain), or completes it.
pub fn finish_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str) {
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
        st.open_action(a);
    }
    if st.open_actions(|a| a.order_id.as_deref() == Some(order_id)) > 0 {
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

pub fn complete_order(st: &mut State, ctx: &Ctx<'_>, order_id: &str) {
    let Some(order) = st.orders.get_mut(order_id) else {
        return;
    };
    order.receipt.status = OrderStatus::Completed;
    let full = order.full();
    st.emit(ctx, EventType::OrderCompleted, to_value(&full));
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
pub fn finish_cancel(st: &mut State, ctx: &Ctx<'_>, order_id: &str, domain_ids: &[String]) {
    for id in domain_ids {
        if st
            .domains
            .get(id)
            .is_some_and(|d| d.status == DomainStatus::CancelScheduled)
        {
            st.set_domain_status(id, DomainStatus::Cancelled);
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

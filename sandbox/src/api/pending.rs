//! `GET /orders/pending`: actions waiting on the partner, and what
//! resolving one moves on.

use super::orders::lifecycle::complete_order;
use super::paging::{self, ListSpec, Order};
use super::swaps::lifecycle::set_swap;
use super::{Answer, Req};
use crate::state::{to_value, Ctx, State};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::validate;
use serde_json::json;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_pending,
        build: request::list_pending,
        order: Order::OldestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.actions,
        |st, q: &ListPendingQuery, a: &PendingAction| {
            let order = a.order_id.as_deref().and_then(|id| st.orders.get(id));
            let user_ok = q.user.as_deref().is_none_or(|u| {
                order.is_some_and(|o| {
                    o.receipt.user_id == u || o.receipt.email.eq_ignore_ascii_case(u)
                })
            });
            a.status.as_str() == q.status.as_deref().unwrap_or("open")
                && user_ok
                && q.order_id
                    .as_deref()
                    .is_none_or(|o| a.order_id.as_deref() == Some(o))
                && q.domain_id
                    .as_deref()
                    .is_none_or(|d| a.domain_id.as_deref() == Some(d))
        },
        |a| a,
    )
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
        if held && st.open_actions(|o| o.domain_id.as_deref() == Some(domain_id)) == 0 {
            if let Some(d) = st.set_domain_status(domain_id, DomainStatus::Active) {
                st.emit(ctx, EventType::DomainConnected, to_value(&d));
            }
        }
    }
    if let Some(order_id) = &a.order_id {
        let held = st
            .orders
            .get(order_id)
            .is_some_and(|o| o.receipt.status == OrderStatus::ActionRequired);
        if held && st.open_actions(|o| o.order_id.as_deref() == Some(order_id)) == 0 {
            complete_order(st, ctx, order_id);
        }
    }
    Some(a)
}

//! `GET /orders/pending`: actions waiting on the partner.

use super::paging::{self, ListSpec, Order};
use super::{Answer, Req};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::validate;

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

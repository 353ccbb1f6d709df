//! `GET /domains`: the inventory and the domains on orders.

use super::paging::{self, ListSpec, Order};
use super::{Answer, Req};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::validate;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_domains,
        build: request::list_domains,
        order: Order::OldestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.domains,
        |st, q: &ListDomainsQuery, d: &Domain| {
            let user = d.user_id.as_deref().unwrap_or("");
            // An email no user has matches no domain.
            let email_user = q
                .user_email
                .as_ref()
                .map(|e| st.user_by_email.get(&e.to_ascii_lowercase()));
            q.category
                .as_deref()
                .is_none_or(|c| d.category.as_str() == c)
                && q.user_id.as_deref().is_none_or(|u| user == u)
                && email_user.is_none_or(|u| u.is_some_and(|u| d.user_id.as_ref() == Some(u)))
                && q.usable_for.as_deref().is_none_or(|p| {
                    d.usable_for
                        .as_ref()
                        .is_some_and(|l| l.iter().any(|x| x.as_str() == p))
                })
                && q.status.as_deref().is_none_or(|s| d.status.as_str() == s)
        },
        |d| d,
    )
}

//! `/swaps`: replace a domain on an order, or rename its inboxes.

use super::availability::{resolve, split_failure};
use super::decode::{json_body, parsed};
use super::paging::{self, ListSpec, Order};
use super::pictures::picture_is_public;
use super::{data, Answer, Fail, Req};
use crate::state::{to_value, Ctx, State, SwapRec, TaskKind};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
use peeker_partner::validate;
use serde_json::json;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_swaps,
        build: request::list_swaps,
        order: Order::OldestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.swaps,
        |_, q: &ListSwapsQuery, s: &SwapRec| {
            q.user_id
                .as_deref()
                .is_none_or(|u| s.user_id.as_deref() == Some(u))
                && q.order_id
                    .as_deref()
                    .is_none_or(|o| s.order_id.as_deref() == Some(o))
                && q.domain_id.as_deref().is_none_or(|d| s.swap.domain_id == d)
                && q.status
                    .as_deref()
                    .is_none_or(|x| s.swap.status.as_str() == x)
        },
        |s| &s.swap,
    )
}

pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| match st.swaps.get(r.id) {
        Some(s) => data(200, &s.swap),
        None => Err(Fail::not_found(None, "swap", r.id)),
    })
}

/// `POST /swaps`.
pub fn create(app: &App, r: &Req<'_>) -> Answer {
    let s = parsed(validate::parse_create_swap(&json_body(r.body)?))?;
    app.commit(|st, ctx| create_swap(st, ctx, app, s))
}

/// `POST /swaps/user_names`.
pub fn user_names(app: &App, r: &Req<'_>) -> Answer {
    let s = parsed(validate::parse_user_name_swap(&json_body(r.body)?))?;
    app.commit(|st, ctx| swap_user_names(st, ctx, app, s))
}

/// The live, connected domain a swap names, or why not.
fn swap_target(st: &State, reference: &str) -> Result<Domain, Fail> {
    let Some(d) = st.find_domain(reference) else {
        return Err(Fail::not_found(Some("domain_id"), "domain", reference));
    };
    if d.category != DomainCategory::Connected
        || matches!(
            d.status,
            DomainStatus::CancelScheduled | DomainStatus::Cancelled
        )
    {
        return Err(Fail::invalid(
            "domain_id",
            format!(
                "{} is not live on an order (status {}); only connected domains can be swapped",
                d.domain, d.status
            ),
        ));
    }
    Ok(d.clone())
}

fn create_swap(st: &mut State, ctx: &Ctx<'_>, app: &App, s: CreateSwap) -> Answer {
    let old = swap_target(st, &s.domain_id)?;
    let provider = old.provider.clone().unwrap_or(Provider::Google);
    if s.swap_type == SwapRequestType::Premium && provider != Provider::Microsoft {
        return Err(Fail::invalid(
            "type",
            "premium swaps are for Microsoft domains only; use \"standard\"",
        ));
    }
    let (row, _) = resolve(st, &s.replacement_domain);
    let need = if provider == Provider::Microsoft {
        Split {
            google: 0,
            microsoft: 1,
        }
    } else {
        Split {
            google: 1,
            microsoft: 0,
        }
    };
    if let SplitOutcome::Err { problems, .. } = check_domain_split(need, &[row]) {
        let mut f = split_failure(problems);
        f.error.field = Some("replacement_domain".into());
        return Err(f);
    }
    let swap = Swap {
        id: ctx.id("swp_"),
        swap_type: match s.swap_type {
            SwapRequestType::Standard => SwapType::Standard,
            SwapRequestType::Premium => SwapType::Premium,
        },
        domain_id: old.id.clone(),
        replacement_domain: Some(s.replacement_domain),
        status: SwapStatus::Created,
        created_at: crate::clock::iso(ctx.now),
        extra: Default::default(),
    };
    add_swap(st, ctx, app, &old, swap.clone(), false);
    data(201, swap)
}

fn add_swap(st: &mut State, ctx: &Ctx<'_>, app: &App, d: &Domain, swap: Swap, blocked: bool) {
    let step = app.cfg.step_ms();
    st.emit(ctx, EventType::SwapCreated, to_value(&swap));
    st.schedule(
        ctx.now + step,
        TaskKind::SwapInProgress {
            swap_id: swap.id.clone(),
        },
    );
    st.schedule(
        ctx.now + 2 * step,
        TaskKind::FinishSwap {
            swap_id: swap.id.clone(),
        },
    );
    st.swaps.insert(
        swap.id.clone(),
        SwapRec {
            swap,
            order_id: d.order_id.clone(),
            user_id: d.user_id.clone(),
            blocked,
        },
    );
}

/// One `user_names` row per inbox on the domain: `google_inboxes_per_domain`
/// on a Google domain, one on a Microsoft domain (one license per domain).
fn swap_user_names(st: &mut State, ctx: &Ctx<'_>, app: &App, s: UserNameSwap) -> Answer {
    let d = swap_target(st, &s.domain_id)?;
    let inboxes = match d.provider {
        Some(Provider::Microsoft) => 1,
        _ => d
            .order_id
            .as_ref()
            .and_then(|o| st.orders.get(o))
            .map(|o| o.google_inboxes_per_domain)
            .unwrap_or(2),
    };
    let blocked = s
        .personas
        .iter()
        .any(|p| !picture_is_public(p.profile_picture_url.as_deref()));
    let mut rows = Vec::new();
    for _ in 0..inboxes {
        let swap = Swap {
            id: ctx.id("swp_"),
            swap_type: SwapType::UserNames,
            domain_id: d.id.clone(),
            replacement_domain: None,
            status: SwapStatus::Created,
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        add_swap(st, ctx, app, &d, swap.clone(), blocked);
        rows.push(swap);
    }
    data(201, json!({ "swaps": rows }))
}

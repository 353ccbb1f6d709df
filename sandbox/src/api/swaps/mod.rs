//! `/swaps`: replace a domain on an order, or rename its inboxes;
//! `lifecycle` holds their timed steps.

pub(crate) mod lifecycle;

use super::availability::{resolve, split_failure, Source};
use super::decode::{json_body, parsed};
use super::paging::{self, ListSpec, Order};
use super::pictures::picture_is_public;
use super::{data, found, Answer, Fail, Req};
use crate::state::{to_value, Ctx, State, SwapRec, TaskKind};
use crate::{App, Write};
use peeker_partner::error::codes;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
use peeker_partner::validate;
use serde_json::json;
use std::sync::Arc;

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
    app.read(|st| found(st.swaps.get(r.id).map(|s| &s.swap), "swap", r.id))
}

/// `POST /swaps`.
pub async fn create(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let s = parsed(validate::parse_create_swap(&json_body(r.body)?))?;
    let (key, step) = (r.key.to_owned(), app.cfg.step_ms());
    app.commit(move |st, ctx| create_swap(st, ctx, step, &key, s))
        .await?
}

/// `POST /swaps/user_names`.
pub async fn user_names(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let s = parsed(validate::parse_user_name_swap(&json_body(r.body)?))?;
    let step = app.cfg.step_ms();
    app.commit(move |st, _| swap_user_names(st, step, s))
        .await?
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

/// Premium swaps allowed per tier, in percent of the active Microsoft
/// inboxes (docs/contract.md#swaps).
pub const TIERS: [(&str, i64); 4] = [("base", 20), ("premium", 30), ("vip", 40), ("vip_plus", 60)];

/// How long a domain premium-swapped in or out waits before another
/// premium swap.
pub const COOLDOWN_MS: i64 = 30 * crate::clock::DAY_MS;

/// The premium rules: the 30-day cooldown on the domain's slot, then the
/// tier's quota (premium swaps not failed count against it).
fn premium_allowed(st: &State, ctx: &Ctx<'_>, key: &str, old: &Domain) -> Result<(), Fail> {
    if let Some(at) = st.premium_swapped.get(&old.domain) {
        if ctx.now - at < COOLDOWN_MS {
            let available_at = crate::clock::iso(at + COOLDOWN_MS);
            return Err(Fail::new(
                codes::CONFLICT,
                format!(
                    "{} was premium-swapped less than 30 days ago; it can be premium-swapped again at {available_at}",
                    old.domain
                ),
            )
            .field("domain_id")
            .details(json!({ "reason": "cooldown", "available_at": available_at })));
        }
    }
    let tier = st.tiers.get(key).map(String::as_str).unwrap_or("base");
    let percent = TIERS
        .iter()
        .find(|(t, _)| *t == tier)
        .map_or(20, |(_, p)| *p);
    let inboxes = st
        .domains
        .values()
        .filter(|d| {
            d.category == DomainCategory::Connected
                && d.provider == Some(Provider::Microsoft)
                && d.status == DomainStatus::Active
        })
        .count() as i64;
    let quota = inboxes * percent / 100;
    let used = st
        .swaps
        .values()
        .filter(|s| s.swap.swap_type == SwapType::Premium && s.swap.status != SwapStatus::Failed)
        .count() as i64;
    if used >= quota {
        return Err(Fail::new(
            codes::CONFLICT,
            format!(
                "the {tier} tier allows {quota} premium swaps ({percent} % of {inboxes} active Microsoft inboxes) and {used} are used"
            ),
        )
        .field("type")
        .details(json!({ "reason": "quota", "tier": tier, "quota": quota, "used": used })));
    }
    Ok(())
}

/// Checks a domain swap; the write adds it.
fn create_swap(
    st: &State,
    ctx: &Ctx<'_>,
    step: i64,
    key: &str,
    s: CreateSwap,
) -> Result<Write<Answer>, Fail> {
    let old = swap_target(st, &s.domain_id)?;
    let provider = old.provider.clone().unwrap_or(Provider::Google);
    let premium = s.swap_type == SwapRequestType::Premium;
    if premium && provider != Provider::Microsoft {
        return Err(Fail::invalid(
            "type",
            "premium swaps are for Microsoft domains only; use \"standard\"",
        ));
    }
    let name = &s.replacement_domain;
    if let Some(other) = st.swaps.values().find(|o| {
        o.swap.replacement_domain.as_ref() == Some(name)
            && matches!(
                o.swap.status,
                SwapStatus::Created | SwapStatus::InProgress | SwapStatus::ActionRequired
            )
    }) {
        return Err(Fail::new(
            codes::CONFLICT,
            format!("swap {} is already bringing in {name}", other.swap.id),
        )
        .field("replacement_domain")
        .details(json!({ "swap_id": other.swap.id })));
    }
    // Neither in the account nor buyable: accepted, then `action_required`
    // until the customer imports it.
    let (row, source) = resolve(st, name);
    let waiting_import = matches!(source, Source::Unusable)
        && st.find_domain(name).is_none()
        && !name.starts_with("dom_");
    if !waiting_import {
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
    }
    if premium {
        premium_allowed(st, ctx, key, &old)?;
    }
    let name = name.clone();
    Ok(Write::new(move |st, ctx| {
        let swap = Swap {
            id: ctx.id("swp_"),
            swap_type: if premium {
                SwapType::Premium
            } else {
                SwapType::Standard
            },
            domain_id: old.id.clone(),
            replacement_domain: Some(name.clone()),
            status: SwapStatus::Created,
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        if premium {
            st.premium_swapped.insert(old.domain.clone(), ctx.now);
            st.premium_swapped.insert(name, ctx.now);
        }
        let rec = SwapRec {
            waiting_import,
            ..SwapRec::new(swap.clone(), &old)
        };
        add_swap(st, ctx, step, swap.clone(), rec);
        data(201, swap)
    }))
}

fn add_swap(st: &mut State, ctx: &Ctx<'_>, step: i64, swap: Swap, rec: SwapRec) {
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
    st.swaps.insert(swap.id.clone(), rec);
}

/// One `user_names` row per inbox on the domain: `google_inboxes_per_domain`
/// on a Google domain, one on a Microsoft domain (one license per domain).
fn swap_user_names(st: &State, step: i64, s: UserNameSwap) -> Result<Write<Answer>, Fail> {
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
    let unreachable = s
        .personas
        .iter()
        .find(|p| !picture_is_public(p.profile_picture_url.as_deref()))
        .map(|p| PersonaInfo {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            profile_picture_url: p.profile_picture_url.clone(),
            extra: Default::default(),
        });
    Ok(Write::new(move |st, ctx| {
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
            let rec = SwapRec {
                blocked: unreachable.is_some(),
                persona: unreachable.clone(),
                ..SwapRec::new(swap.clone(), &d)
            };
            add_swap(st, ctx, step, swap.clone(), rec);
            rows.push(swap);
        }
        data(201, json!({ "swaps": rows }))
    }))
}

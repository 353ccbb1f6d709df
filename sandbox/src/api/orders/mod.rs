//! `/orders`: create (deduplicated for 24 h, checked whole before anything
//! is written), list and cancel; `lifecycle` holds its timed steps.

pub(crate) mod lifecycle;

use super::availability::{resolve, split_failure, Source};
use super::bundles::sizing_of;
use super::decode::{json_body, parsed};
use super::error::shorten;
use super::paging::{self, ListSpec, Order};
use super::{data, Answer, Fail, Req};
use crate::state::{to_value, Charge, Ctx, OrderRec, State, TaskKind};
use crate::{App, Write};
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::sizing::required_domains;
use peeker_partner::split::{check_domain_split, Split, SplitOutcome};
use peeker_partner::validate;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const GOOGLE_LICENSE_CENTS: i64 = 100;
pub const MICROSOFT_LICENSE_CENTS: i64 = 900;
pub const DEDUPE_MS: i64 = crate::clock::DAY_MS;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_orders,
        build: request::list_orders,
        order: Order::NewestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.orders,
        |_, q: &ListOrdersQuery, o: &OrderRec| {
            let o = &o.receipt;
            q.user_id.as_deref().is_none_or(|u| o.user_id == u)
                && q.user_email
                    .as_deref()
                    .is_none_or(|e| o.email.eq_ignore_ascii_case(e))
                && q.bundle_id
                    .as_deref()
                    .is_none_or(|b| o.bundle_id.as_deref() == Some(b))
                && q.status.as_deref().is_none_or(|s| o.status.as_str() == s)
        },
        |o| &o.receipt,
    )
}

/// What an order buys: the domains each provider needs and the licenses.
struct Plan {
    split: Split,
    google_inboxes_per_domain: u32,
    google_licenses: u64,
    microsoft_licenses: u64,
}

/// The plan of a bundle order (its saved sizing) or a custom order.
fn plan(st: &State, o: &CreateOrder) -> Result<Plan, Fail> {
    let Some(bid) = &o.bundle_id else {
        let g = o.google_licenses.unwrap_or(0);
        let m = o.microsoft_licenses.unwrap_or(0);
        let inboxes = u32::from(o.google_inboxes_per_domain.unwrap_or(2));
        return Ok(Plan {
            split: Split {
                google: g.div_ceil(inboxes),
                microsoft: m,
            },
            google_inboxes_per_domain: inboxes,
            google_licenses: u64::from(g),
            microsoft_licenses: u64::from(m),
        });
    };
    let Some(b) = st.bundles.get(bid) else {
        return Err(Fail::not_found(Some("bundle_id"), "bundle", bid));
    };
    if b.status != BundleStatus::Active {
        return Err(Fail::invalid(
            "bundle_id",
            format!("bundle {bid} is archived; create or pick an active bundle"),
        ));
    }
    let req = match b.required_domains {
        Some(r) => r,
        None => required_domains(&sizing_of(b)).map_err(|p| Fail::from_problems(vec![p]))?,
    };
    let inboxes = u32::try_from(b.google_inboxes_per_domain.unwrap_or(2)).unwrap_or(2);
    Ok(Plan {
        split: Split::from(req),
        google_inboxes_per_domain: inboxes,
        google_licenses: u64::from(req.google) * u64::from(inboxes),
        microsoft_licenses: u64::from(req.microsoft),
    })
}

/// The active user the order names, `None` for a new email; a `usr_…` id
/// must exist and be active.
fn existing_user(st: &State, user: &str) -> Result<Option<User>, Fail> {
    if !user.starts_with("usr_") {
        return Ok(st
            .user_by_email
            .get(&user.to_ascii_lowercase())
            .and_then(|id| st.users.get(id))
            .cloned());
    }
    match st.users.get(user) {
        Some(u) if u.status == UserStatus::Active => Ok(Some(u.clone())),
        Some(_) => Err(Fail::invalid("user", format!("user {user} is deleted"))),
        None => Err(Fail::not_found(Some("user"), "user", user)),
    }
}

fn create_user(st: &mut State, ctx: &Ctx<'_>, o: &CreateOrder) -> User {
    let u = User {
        id: ctx.id("usr_"),
        email: o.user.clone(),
        first_name: None,
        last_name: None,
        status: UserStatus::Active,
        sequencer: Some(SequencerRoute {
            provider: o.sequencer.provider.clone(),
            client_id: o.sequencer.client_id.and_then(|n| i64::try_from(n).ok()),
            extra: Default::default(),
        }),
        created_at: crate::clock::iso(ctx.now),
        extra: Default::default(),
    };
    st.user_by_email
        .insert(u.email.to_ascii_lowercase(), u.id.clone());
    st.users.insert(u.id.clone(), u.clone());
    u
}

/// License lines (zero quantities left out) and the registration line.
fn line_items(plan: &Plan, registered: usize, registration_cents: i64) -> Vec<LineItem> {
    let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let mut items = Vec::new();
    for (t, q, unit) in [
        (
            LineItemType::GoogleLicense,
            plan.google_licenses,
            GOOGLE_LICENSE_CENTS,
        ),
        (
            LineItemType::MicrosoftLicense,
            plan.microsoft_licenses,
            MICROSOFT_LICENSE_CENTS,
        ),
    ] {
        if q > 0 {
            items.push(LineItem {
                item_type: t,
                quantity: to_i64(q),
                amount_cents: to_i64(q).saturating_mul(unit),
                extra: Default::default(),
            });
        }
    }
    if registered > 0 {
        items.push(LineItem {
            item_type: LineItemType::DomainRegistration,
            quantity: registered as i64,
            amount_cents: registration_cents,
            extra: Default::default(),
        });
    }
    items
}

pub async fn create(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let o = parsed(validate::parse_create_order(&json_body(r.body)?))?;
    let hash: String = Sha256::digest(r.body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let step = app.cfg.step_ms();
    app.commit(move |st, ctx| {
        // An identical body within 24 h is the same order
        // (docs/contract.md#idempotency-and-retries).
        if let Some((id, at)) = st.order_dedupe.get(&hash) {
            if ctx.now - at < DEDUPE_MS {
                if let Some(rec) = st.orders.get(id) {
                    return Ok(Write::nothing(data(200, &rec.receipt)));
                }
            }
        }

        // Every check first; nothing changes until all have passed.
        let existing_user = existing_user(st, &o.user)?;
        let plan = plan(st, &o)?;
        let resolved: Vec<(AvailabilityRow, Source)> =
            o.domains.iter().map(|d| resolve(st, d.domain())).collect();
        let rows: Vec<AvailabilityRow> = resolved.iter().map(|(r, _)| r.clone()).collect();
        let microsoft: Vec<String> = match check_domain_split(plan.split, &rows) {
            SplitOutcome::Ok { microsoft, .. } => microsoft,
            SplitOutcome::Err { problems, .. } => return Err(split_failure(problems)),
        };

        // Accepted: from here on everything is written.
        Ok(Write::new(move |st, ctx| {
            let user = match existing_user {
                Some(u) => u,
                None => create_user(st, ctx, &o),
            };
            let order_id = ctx.id("ord_");
            let placed = place_domains(st, ctx, &o, &order_id, &user.id, &resolved, &microsoft);
            let line_items = line_items(&plan, placed.registered.len(), placed.registration_cents);
            let total = line_items
                .iter()
                .fold(0i64, |a, l| a.saturating_add(l.amount_cents));
            let now_iso = crate::clock::iso(ctx.now);
            let receipt = OrderReceipt {
                id: order_id.clone(),
                user_id: user.id.clone(),
                email: user.email.clone(),
                bundle_id: o.bundle_id.clone(),
                status: OrderStatus::InProgress,
                domain_count: placed.domain_ids.len() as i64,
                costs: Costs {
                    total_cents: total,
                    currency: "usd".into(),
                    line_items: None,
                    extra: Default::default(),
                },
                renews_at: Some(crate::clock::iso(crate::clock::plus_one_month(ctx.now))),
                created_at: now_iso.clone(),
                extra: Default::default(),
            };
            let personas = o
                .personas
                .iter()
                .map(|p| PersonaInfo {
                    first_name: p.first_name.clone(),
                    last_name: p.last_name.clone(),
                    profile_picture_url: p.profile_picture_url.clone(),
                    extra: Default::default(),
                })
                .collect();
            schedule_provisioning(st, ctx, step, &order_id, &placed.domain_ids);
            st.charges.push(Charge {
                order_id: order_id.clone(),
                amount_cents: total,
                created_at: now_iso,
                voided: false,
            });
            if let Some(b) = &o.bundle_id {
                st.bundles_used.insert(b.clone(), true);
            }
            st.order_dedupe.insert(hash, (order_id.clone(), ctx.now));
            st.emit(ctx, EventType::OrderInProgress, to_value(&receipt));
            st.orders.insert(
                order_id,
                OrderRec {
                    receipt: receipt.clone(),
                    line_items,
                    registered: placed.registered,
                    imported: placed.imported,
                    personas,
                    domain_ids: placed.domain_ids,
                    created_ms: ctx.now,
                    google_inboxes_per_domain: plan.google_inboxes_per_domain,
                },
            );
            data(200, receipt)
        }))
    })
    .await?
}

/// The order's domain rows, as written.
struct Placed {
    registered: Vec<String>,
    imported: Vec<String>,
    /// `dom_…` ids in body order.
    domain_ids: Vec<String>,
    registration_cents: i64,
}

/// Writes one `provisioning` row per order domain: an inventory row is
/// taken over (imported, free), any other name is registered.
fn place_domains(
    st: &mut State,
    ctx: &Ctx<'_>,
    o: &CreateOrder,
    order_id: &str,
    user_id: &str,
    resolved: &[(AvailabilityRow, Source)],
    microsoft: &[String],
) -> Placed {
    let mut placed = Placed {
        registered: Vec::new(),
        imported: Vec::new(),
        domain_ids: Vec::new(),
        registration_cents: 0,
    };
    let now_iso = crate::clock::iso(ctx.now);
    for ((row, source), entry) in resolved.iter().zip(&o.domains) {
        let provider = if microsoft.contains(&row.domain) {
            Provider::Microsoft
        } else {
            Provider::Google
        };
        let forwarding = match entry {
            OrderDomain::WithForwarding { forwarding_url, .. } => Some(forwarding_url.clone()),
            OrderDomain::Name(_) => o.forwarding_url.clone(),
        };
        let id = match source {
            Source::Inventory(id) => {
                placed.imported.push(row.domain.clone());
                id.clone()
            }
            _ => {
                placed.registered.push(row.domain.clone());
                if let Source::Register(p) = source {
                    placed.registration_cents += p;
                }
                ctx.id("dom_")
            }
        };
        let d = Domain {
            id: id.clone(),
            domain: row.domain.clone(),
            category: DomainCategory::Connected,
            status: DomainStatus::Provisioning,
            provider: Some(provider),
            user_id: Some(user_id.to_owned()),
            order_id: Some(order_id.to_owned()),
            usable_for: row.usable_for.clone(),
            forwarding_url: forwarding,
            created_at: st
                .domains
                .get(&id)
                .map(|d| d.created_at.clone())
                .unwrap_or_else(|| now_iso.clone()),
            extra: Default::default(),
        };
        st.domain_by_name.insert(d.domain.clone(), id.clone());
        st.domains.insert(id.clone(), d);
        placed.domain_ids.push(id);
    }
    placed
}

/// Domains connect spread over the next step, then the order finishes.
fn schedule_provisioning(
    st: &mut State,
    ctx: &Ctx<'_>,
    step: i64,
    order_id: &str,
    domain_ids: &[String],
) {
    let n = domain_ids.len().max(1) as i64;
    for (i, id) in domain_ids.iter().enumerate() {
        st.schedule(
            ctx.now + step + step * i as i64 / n,
            TaskKind::ConnectDomain {
                domain_id: id.clone(),
            },
        );
    }
    st.schedule(
        ctx.now + 2 * step + 1,
        TaskKind::FinishOrder {
            order_id: order_id.to_owned(),
        },
    );
}

/// `POST /orders/{id}/cancel`: the whole order or some of its domains.
pub async fn cancel(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let c = parsed(validate::parse_cancel_order(&json_body(r.body)?))?;
    let id = r.id.to_owned();
    app.commit(move |st, _| {
        let targets = cancel_targets(st, &id, &c)?;
        Ok(Write::new(move |st, ctx| {
            cancel_order(st, ctx, &id, targets)
        }))
    })
    .await?
}

/// The order's domain rows a cancel names (all of them without `domains`),
/// or why the cancel is refused.
fn cancel_targets(st: &State, id: &str, c: &CancelOrder) -> Result<Vec<String>, Fail> {
    let Some(order) = st.orders.get(id) else {
        return Err(Fail::not_found(None, "order", id));
    };
    let targets: Vec<String> = match &c.domains {
        None => order.domain_ids.clone(),
        Some(refs) => {
            let mut out = Vec::new();
            for (i, r) in refs.iter().enumerate() {
                let hit = order
                    .domain_ids
                    .iter()
                    .find(|did| *did == r || st.domains.get(*did).is_some_and(|d| &d.domain == r));
                match hit {
                    Some(did) if !out.contains(did) => out.push(did.clone()),
                    Some(_) => {}
                    None => {
                        return Err(Fail::invalid(
                            &format!("domains[{i}]"),
                            format!("{} is not a domain of order {id}", shorten(r)),
                        )
                        .details(json!({ "reason": "not_on_order", "domain": r })))
                    }
                }
            }
            out
        }
    };
    Ok(targets)
}

/// Schedules the cancellation of `targets` (checked by [`cancel_targets`]).
fn cancel_order(st: &mut State, ctx: &Ctx<'_>, id: &str, targets: Vec<String>) -> Answer {
    let newly: Vec<String> = targets
        .iter()
        .filter(|d| {
            st.domains.get(*d).is_some_and(|d| {
                !matches!(
                    d.status,
                    DomainStatus::CancelScheduled | DomainStatus::Cancelled
                )
            })
        })
        .cloned()
        .collect();
    for d in &newly {
        if let Some(d) = st.domains.get_mut(d) {
            d.status = DomainStatus::CancelScheduled;
        }
    }
    let order_domains = st
        .orders
        .get(id)
        .map(|o| o.domain_ids.clone())
        .unwrap_or_default();
    let whole = order_domains.iter().all(|d| {
        st.domains.get(d).is_none_or(|d| {
            matches!(
                d.status,
                DomainStatus::CancelScheduled | DomainStatus::Cancelled
            )
        })
    });
    let Some(order) = st.orders.get_mut(id) else {
        return Err(Fail::not_found(None, "order", id));
    };
    // Only a cancel that leaves no domain live changes the order (and says
    // so with `order.cancel_scheduled`); everything ends at `cancels_at`.
    let now_whole = whole
        && !matches!(
            order.receipt.status,
            OrderStatus::CancelScheduled | OrderStatus::Cancelled
        );
    if now_whole {
        order.receipt.status = OrderStatus::CancelScheduled;
    }
    let cancels_at_ms = crate::clock::plus_one_month(order.created_ms);
    let receipt = order.receipt.clone();
    if now_whole {
        st.emit(ctx, EventType::OrderCancelScheduled, to_value(&receipt));
    }
    if now_whole || !newly.is_empty() {
        st.schedule(
            cancels_at_ms.max(ctx.now),
            TaskKind::FinishCancel {
                order_id: id.to_owned(),
                domain_ids: newly,
            },
        );
    }
    let domains: Vec<Value> = targets
        .iter()
        .filter_map(|d| st.domains.get(d))
        .map(|d| json!({ "id": d.id, "domain": d.domain }))
        .collect();
    data(
        200,
        json!({
            "id": id,
            "status": receipt.status,
            "cancellation_scheduled_at": crate::clock::iso(ctx.now),
            "cancels_at": crate::clock::iso(cancels_at_ms),
            "domains": domains,
        }),
    )
}

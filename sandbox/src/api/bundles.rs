//! `/bundles`: sized with the SDK's `sizing::required_domains` (docs/contract.md#bundle-sizing).

use super::decode::{json_body, parsed};
use super::paging::{self, ListSpec, Order};
use super::{data, found, Answer, Fail, Req};
use crate::{App, Write};
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::sizing::{required_domains, BundleSizing};
use peeker_partner::validate;
use serde_json::json;
use std::sync::Arc;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_bundles,
        build: request::list_bundles,
        order: Order::OldestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.bundles,
        |_, q: &ListBundlesQuery, b: &Bundle| {
            q.status.as_deref().is_none_or(|s| b.status.as_str() == s)
        },
        |b| b,
    )
}

pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| found(st.bundles.get(r.id), "bundle", r.id))
}

/// A bundle an order used is archived; any other is deleted.
pub async fn delete(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let id = r.id.to_owned();
    app.commit(move |st, _| {
        if !st.bundles.contains_key(&id) {
            return Err(Fail::not_found(None, "bundle", &id));
        }
        Ok(Write::new(move |st, _| {
            if st.bundles_used.contains_key(&id) {
                if let Some(b) = st.bundles.get_mut(&id) {
                    b.status = BundleStatus::Archived;
                }
                data(200, json!({ "id": id, "status": "archived" }))
            } else {
                st.bundles.remove(&id);
                data(200, json!({ "id": id, "status": "deleted" }))
            }
        }))
    })
    .await?
}

pub fn sizing_of(b: &Bundle) -> BundleSizing {
    BundleSizing {
        monthly_sending_volume: u64::try_from(b.monthly_sending_volume).unwrap_or(0),
        google_percent: b.google_percent.and_then(|p| u8::try_from(p).ok()),
        microsoft_percent: b.microsoft_percent.and_then(|p| u8::try_from(p).ok()),
        send_on_weekends: b.send_on_weekends.unwrap_or(false),
        google_inboxes_per_domain: b
            .google_inboxes_per_domain
            .and_then(|n| u8::try_from(n).ok())
            .unwrap_or(2),
    }
}

/// Recomputes `effective` and `required_domains` (docs/contract.md#bundle-sizing).
fn size_bundle(b: &mut Bundle) -> Result<(), Fail> {
    let req = required_domains(&sizing_of(b)).map_err(|p| Fail::from_problems(vec![p]))?;
    b.effective = Some(EffectiveSplit {
        google_percent: b.google_percent.unwrap_or(50),
        microsoft_percent: b.microsoft_percent.unwrap_or(50),
        extra: Default::default(),
    });
    b.required_domains = Some(req);
    Ok(())
}

pub async fn create(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let c = parsed(validate::parse_create_bundle(&json_body(r.body)?))?;
    app.commit(move |_, ctx| {
        let mut b = Bundle {
            id: ctx.id("bun_"),
            name: c.name,
            monthly_sending_volume: i64::try_from(c.monthly_sending_volume).unwrap_or(i64::MAX),
            google_percent: c.google_percent.map(i64::from),
            microsoft_percent: c.microsoft_percent.map(i64::from),
            send_on_weekends: Some(c.send_on_weekends.unwrap_or(false)),
            google_inboxes_per_domain: Some(i64::from(c.google_inboxes_per_domain.unwrap_or(2))),
            effective: None,
            required_domains: None,
            status: BundleStatus::Active,
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        size_bundle(&mut b)?;
        Ok(Write::new(move |st, _| {
            st.bundles.insert(b.id.clone(), b.clone());
            data(201, b)
        }))
    })
    .await?
}

pub async fn update(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let u = parsed(validate::parse_update_bundle(&json_body(r.body)?))?;
    let id = r.id.to_owned();
    app.commit(move |st, _| {
        let Some(old) = st.bundles.get(&id) else {
            return Err(Fail::not_found(None, "bundle", &id));
        };
        let mut b = old.clone();
        if let Some(n) = u.name {
            b.name = n;
        }
        if let Some(v) = u.monthly_sending_volume {
            b.monthly_sending_volume = i64::try_from(v).unwrap_or(i64::MAX);
        }
        for (patch, slot) in [
            (u.google_percent, &mut b.google_percent),
            (u.microsoft_percent, &mut b.microsoft_percent),
        ] {
            match patch {
                Patch::Absent => {}
                Patch::Null => *slot = None,
                Patch::Value(v) => *slot = Some(i64::from(v)),
            }
        }
        if let Some(w) = u.send_on_weekends {
            b.send_on_weekends = Some(w);
        }
        if let Some(n) = u.google_inboxes_per_domain {
            b.google_inboxes_per_domain = Some(i64::from(n));
        }
        size_bundle(&mut b)?;
        Ok(Write::new(move |st, _| {
            st.bundles.insert(b.id.clone(), b.clone());
            data(200, b)
        }))
    })
    .await?
}

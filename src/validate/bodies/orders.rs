//! `POST /orders` and `POST /orders/{id}/cancel`.

use super::personas::{personas, OLD_USERS};
use super::sequencer::order_sequencer;
use super::{done, Parsed};
use crate::error::{codes, Problem};
use crate::model::requests::*;
use crate::validate::names::show;
use crate::validate::read::{
    array, domain, domain_list, type_name, Dedup, DomainKind, Obj, Problems, MAX_TOKEN_LEN,
};
use serde_json::Value;

pub(super) const ORDER_FIELDS: &[&str] = &[
    "user",
    "bundle_id",
    "google_licenses",
    "microsoft_licenses",
    "google_inboxes_per_domain",
    "sequencer",
    "domains",
    "personas",
    "forwarding_url",
];
pub(super) const CUSTOM_FIELDS: &[&str] = &[
    "google_licenses",
    "microsoft_licenses",
    "google_inboxes_per_domain",
];
/// An entry of `domains` with its own forwarding URL.
pub(super) const DOMAIN_OBJECT_FIELDS: &[&str] = &["domain", "forwarding_url"];
pub(super) const CANCEL_FIELDS: &[&str] = &["domains"];
const OLD_USER_ID: &str = "user_id is the old order shape: send \"user\": the usr_… id or the \
                           customer's email, as one string";

/// `POST /orders`, newest shape only.
pub fn parse_create_order(v: &Value) -> Parsed<CreateOrder> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(
        ORDER_FIELDS,
        &[("user_id", OLD_USER_ID), ("users", OLD_USERS)],
        &mut p,
    );

    let user = if o.has("user_id") && o.get("user").is_none() {
        None // the old-shape problem already says what to send
    } else {
        o.required("user", "the usr_… id or the customer's email", &mut p)
            .and_then(|v| order_user(&o, v, &mut p))
    };

    let present = |k: &str| !matches!(o.get(k), None | Some(Value::Null));
    let bundle_id = o.opt_string("bundle_id", MAX_TOKEN_LEN, &mut p);
    let google = o.opt_int("google_licenses", 0, i64::from(u32::MAX), &mut p);
    let microsoft = o.opt_int("microsoft_licenses", 0, i64::from(u32::MAX), &mut p);
    let inboxes = o.opt_inboxes_per_domain(&mut p);
    let custom: Vec<&str> = CUSTOM_FIELDS
        .iter()
        .copied()
        .filter(|k| present(k))
        .collect();
    if present("bundle_id") && !custom.is_empty() {
        p.push(
            Problem::new(
                codes::ORDER_SHAPE_CONFLICT,
                "bundle_id",
                format!(
                    "send either bundle_id (a bundle order) or custom license counts (a custom \
                     order), not both; this body also has {}",
                    custom.join(", ")
                ),
            )
            .with_details(crate::json::object(vec![(
                "conflicting_fields",
                custom.clone().into(),
            )])),
        );
    } else if !present("bundle_id") {
        let licenses = |r: &Result<Option<i64>, ()>| r.as_ref().ok().copied().flatten();
        match (licenses(&google), licenses(&microsoft)) {
            (None, None) if !present("google_licenses") && !present("microsoft_licenses") => {
                p.push(Problem::invalid(
                    "bundle_id",
                    "an order needs either bundle_id (a saved bundle) or custom license counts: \
                     google_licenses and/or microsoft_licenses (with google_inboxes_per_domain 2 or 3)",
                ));
            }
            (g, m) if g.unwrap_or(0) + m.unwrap_or(0) == 0 && (g.is_some() || m.is_some()) => {
                p.push(Problem::invalid(
                    if g.is_some() { "google_licenses" } else { "microsoft_licenses" },
                    "a custom order needs at least one license: google_licenses or microsoft_licenses above 0",
                ));
            }
            _ => {}
        }
    }

    let sequencer = o
        .required(
            "sequencer",
            "{\"provider\": \"smartlead\", \"client_id\", \"login_email\", \"login_password\"}",
            &mut p,
        )
        .and_then(|v| order_sequencer(&o, v, &mut p));
    let domains = o
        .required(
            "domains",
            "one entry per domain: a name, a dom_… id, or {domain, forwarding_url}",
            &mut p,
        )
        .and_then(|v| order_domains(&o, v, &mut p));
    let personas = if o.has("users") && o.get("personas").is_none() {
        None
    } else {
        personas(&o, &mut p)
    };
    let forwarding_url = match o.get("forwarding_url") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => o.url("forwarding_url", v, &mut p).map(Some).ok_or(()),
    };

    done(p, || {
        Some(CreateOrder {
            user: user?,
            bundle_id: bundle_id.ok()?,
            google_licenses: google.ok()?.and_then(|n| u32::try_from(n).ok()),
            microsoft_licenses: microsoft.ok()?.and_then(|n| u32::try_from(n).ok()),
            google_inboxes_per_domain: inboxes.ok()?,
            sequencer: sequencer?,
            domains: domains?,
            personas: personas?,
            forwarding_url: forwarding_url.ok()?,
        })
    })
}

/// `user`: one string, a `usr_…` id or an email.
fn order_user(o: &Obj<'_>, v: &Value, p: &mut Problems) -> Option<String> {
    match v {
        Value::Object(_) => {
            p.push(Problem::invalid(
                "user",
                "user is now one string: the usr_… id or the customer's email; the {email, \
                 first_name, last_name} object is the old order shape (put people in personas)",
            ));
            None
        }
        Value::String(s) if s.trim().starts_with("usr_") => {
            let id = s.trim();
            let ok = id.len() > 4
                && id.len() <= 64
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if ok {
                Some(id.to_owned())
            } else {
                p.push(Problem::invalid(
                    "user",
                    format!("user \"{}\" is not a valid usr_… id", show(id)),
                ));
                None
            }
        }
        Value::String(_) => o.email("user", v, p),
        other => {
            p.push(Problem::invalid(
                "user",
                format!(
                    "user must be a usr_… id or an email address (a string), got {}",
                    type_name(other)
                ),
            ));
            None
        }
    }
}

fn order_domains(o: &Obj<'_>, v: &Value, p: &mut Problems) -> Option<Vec<OrderDomain>> {
    let items = array(o, "domains", v, 1, usize::MAX, p)?;
    let mut out = Vec::with_capacity(items.len());
    let mut dedup = Dedup::default();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let field = format!("domains[{i}]");
        let entry = match item {
            Value::Object(_) => order_domain_object(&field, item, p),
            _ => domain(&field, item, DomainKind::NameOrId, p).map(OrderDomain::Name),
        };
        match entry {
            Some(e) => {
                let name_field = match e {
                    OrderDomain::Name(_) => field.clone(),
                    OrderDomain::WithForwarding { .. } => format!("{field}.domain"),
                };
                ok &= dedup.check(e.domain(), i, "domains", &name_field, p);
                out.push(e);
            }
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn order_domain_object(field: &str, v: &Value, p: &mut Problems) -> Option<OrderDomain> {
    let o = Obj::open(v, field, p)?;
    o.reject_unknown(DOMAIN_OBJECT_FIELDS, &[], p);
    let name = o
        .required("domain", "the domain name or dom_… id", p)
        .and_then(|d| domain(&o.path("domain"), d, DomainKind::NameOrId, p));
    let url = o
        .required(
            "forwarding_url",
            "this domain's own http(s) URL; use a plain string entry to inherit the order's forwarding_url",
            p,
        )
        .and_then(|u| o.url("forwarding_url", u, p));
    Some(OrderDomain::WithForwarding {
        domain: name?,
        forwarding_url: url?,
    })
}

/// `POST /orders/{id}/cancel`. `null` (no body), `{}` or `domains: null` cancel
/// the whole order; `domains` (1 or more names or `dom_…` ids) cancel those.
pub fn parse_cancel_order(v: &Value) -> Parsed<CancelOrder> {
    if v.is_null() {
        return Ok(CancelOrder::default());
    }
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    let scope = "scope is the old cancel shape: send no body to cancel the whole order, or \
                 {\"domains\": [...]} to cancel some domains";
    o.reject_unknown(CANCEL_FIELDS, &[("scope", scope)], &mut p);
    let domains = match o.get("domains") {
        None | Some(Value::Null) => Some(None),
        Some(_) => {
            domain_list(&o, "domains", 1, usize::MAX, DomainKind::NameOrId, &mut p).map(Some)
        }
    };
    done(p, || Some(CancelOrder { domains: domains? }))
}

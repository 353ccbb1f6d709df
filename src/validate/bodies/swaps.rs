//! `POST /swaps` and `POST /swaps/user_names`.

use super::personas::{personas, OLD_USERS};
use super::{done, Parsed};
use crate::error::Problem;
use crate::model::requests::*;
use crate::validate::read::{describe, domain, DomainKind, Obj, Problems};
use serde_json::Value;

pub(super) const SWAP_FIELDS: &[&str] = &["type", "domain_id", "replacement_domain"];
pub(super) const USER_NAME_SWAP_FIELDS: &[&str] = &["domain_id", "personas"];

/// `POST /swaps`.
pub fn parse_create_swap(v: &Value) -> Parsed<CreateSwap> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(SWAP_FIELDS, &[], &mut p);
    let swap_type = o
        .required("type", "\"standard\" or \"premium\"", &mut p)
        .and_then(|v| match v.as_str() {
            Some("standard") => Some(SwapRequestType::Standard),
            Some("premium") => Some(SwapRequestType::Premium),
            Some("user_names") => {
                p.push(Problem::invalid(
                    "type",
                    "user_names swaps have their own endpoint: POST /swaps/user_names",
                ));
                None
            }
            _ => {
                p.push(Problem::invalid(
                    "type",
                    format!(
                        "type must be \"standard\" or \"premium\", got {}",
                        describe(v)
                    ),
                ));
                None
            }
        });
    let domain_id = o
        .required("domain_id", "the dom_… id of the domain to retire", &mut p)
        .and_then(|v| domain("domain_id", v, DomainKind::NameOrId, &mut p));
    let replacement = o
        .required("replacement_domain", "the new domain name", &mut p)
        .and_then(|v| domain("replacement_domain", v, DomainKind::Name, &mut p));
    if let (Some(old), Some(new)) = (&domain_id, &replacement) {
        if old == new {
            p.push(Problem::invalid(
                "replacement_domain",
                "replacement_domain must differ from the domain being swapped",
            ));
        }
    }
    done(p, || {
        Some(CreateSwap {
            swap_type: swap_type?,
            domain_id: domain_id?,
            replacement_domain: replacement?,
        })
    })
}

/// `POST /swaps/user_names`.
pub fn parse_user_name_swap(v: &Value) -> Parsed<UserNameSwap> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(USER_NAME_SWAP_FIELDS, &[("users", OLD_USERS)], &mut p);
    let domain_id = o
        .required("domain_id", "the dom_… id of the live domain", &mut p)
        .and_then(|v| domain("domain_id", v, DomainKind::NameOrId, &mut p));
    let personas = if o.has("users") && o.get("personas").is_none() {
        None
    } else {
        personas(&o, &mut p)
    };
    done(p, || {
        Some(UserNameSwap {
            domain_id: domain_id?,
            personas: personas?,
        })
    })
}

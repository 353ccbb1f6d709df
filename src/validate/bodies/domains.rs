//! `POST /domains/availability`, `/domains/import`, `/domains/import/jobs`
//! and `/domains/forwarding`.

use super::{done, Parsed};
use crate::model::requests::*;
use crate::validate::read::{domain_list, DomainKind, Obj, Problems};
use serde_json::Value;

/// Availability and both imports: a list of names, nothing else.
pub(super) const DOMAINS_FIELDS: &[&str] = &["domains"];
pub(super) const FORWARDING_FIELDS: &[&str] = &["domains", "forwarding_url"];

/// `POST /domains/availability`: 1–50 names.
pub fn parse_availability(v: &Value) -> Parsed<AvailabilityRequest> {
    domains_only(v, AVAILABILITY_MAX, DomainKind::Name)
        .map(|domains| AvailabilityRequest { domains })
}

/// `POST /domains/import`: 1–25 registrable root domains.
pub fn parse_import(v: &Value) -> Parsed<ImportRequest> {
    domains_only(v, IMPORT_MAX, DomainKind::Root).map(|domains| ImportRequest { domains })
}

/// `POST /domains/import/jobs`: 1–500 registrable root domains.
pub fn parse_import_job(v: &Value) -> Parsed<ImportJobRequest> {
    domains_only(v, IMPORT_JOB_MAX, DomainKind::Root).map(|domains| ImportJobRequest { domains })
}

fn domains_only(v: &Value, max: usize, kind: DomainKind) -> Parsed<Vec<String>> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(DOMAINS_FIELDS, &[], &mut p);
    let domains = domain_list(&o, "domains", 1, max, kind, &mut p);
    done(p, || domains)
}

/// `POST /domains/forwarding`: 1–25 domains (names or `dom_…` ids) and a URL.
pub fn parse_forwarding(v: &Value) -> Parsed<ForwardingRequest> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(FORWARDING_FIELDS, &[], &mut p);
    let domains = domain_list(
        &o,
        "domains",
        1,
        FORWARDING_MAX,
        DomainKind::NameOrId,
        &mut p,
    );
    let url = o
        .required(
            "forwarding_url",
            "the http(s) URL the domains redirect to",
            &mut p,
        )
        .and_then(|v| o.url("forwarding_url", v, &mut p));
    done(p, || {
        Some(ForwardingRequest {
            domains: domains?,
            forwarding_url: url?,
        })
    })
}

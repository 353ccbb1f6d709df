//! Request bodies: one parser per endpoint that takes a body, each collecting
//! every problem before answering.

use super::names::{self, show};
use super::read::{
    array, as_int, check_limit, describe, domain, domain_list, type_name, Dedup, DomainKind, Obj,
    Problems, MAX_TEXT_LEN, MAX_TOKEN_LEN,
};
use crate::error::{codes, Problem};
use crate::model::requests::*;
use crate::model::user::SequencerProvider;
use serde_json::Value;

/// Longest Smartlead password the SDK sends.
const MAX_PASSWORD_LEN: usize = 1024;

type Parsed<T> = Result<T, Problems>;

fn done<T>(p: Problems, build: impl FnOnce() -> Option<T>) -> Parsed<T> {
    if !p.is_empty() {
        return Err(p);
    }
    // Every reader that returned `None` also recorded a problem, so with no
    // problems `build` always succeeds; the fallback only guards that promise.
    build().ok_or_else(|| vec![Problem::invalid("", "the request is invalid")])
}

// ---------------------------------------------------------------- bundles

const BUNDLE_FIELDS: &[&str] = &[
    "name",
    "monthly_sending_volume",
    "google_percent",
    "microsoft_percent",
    "send_on_weekends",
    "google_inboxes_per_domain",
];
const BUNDLE_OLD: &[(&str, &str)] = &[
    (
        "customer_price_cents",
        "customer_price_cents is no longer part of a bundle; keep your customer price on your side",
    ),
    (
        "currency",
        "currency is no longer part of a bundle; remove it",
    ),
];

/// `POST /bundles`.
pub fn parse_create_bundle(v: &Value) -> Parsed<CreateBundle> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(BUNDLE_FIELDS, BUNDLE_OLD, &mut p);
    let name = o.req_string(
        "name",
        "a friendly name such as \"Starter - 25k emails/month\"",
        MAX_TEXT_LEN,
        &mut p,
    );
    let volume = o
        .required(
            "monthly_sending_volume",
            "the emails per month the bundle is sized for",
            &mut p,
        )
        .and_then(|v| o.int("monthly_sending_volume", v, 1, SAFE_INT, &mut p));
    let split = percents(&o, false, &mut p);
    let weekends = o.opt_bool("send_on_weekends", &mut p);
    let inboxes = o.opt_inboxes_per_domain(&mut p);
    done(p, || {
        let (google_percent, microsoft_percent) = split.ok()?;
        Some(CreateBundle {
            name: name?,
            monthly_sending_volume: u64::try_from(volume?).ok()?,
            google_percent: patch_to_option(google_percent),
            microsoft_percent: patch_to_option(microsoft_percent),
            send_on_weekends: weekends.ok()?,
            google_inboxes_per_domain: inboxes.ok()?,
        })
    })
}

/// `PATCH /bundles/{id}`: only the fields sent are checked and sent.
pub fn parse_update_bundle(v: &Value) -> Parsed<UpdateBundle> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(BUNDLE_FIELDS, BUNDLE_OLD, &mut p);
    let name = match o.get("name") {
        None => Ok(None),
        Some(v) => o
            .string("name", v, MAX_TEXT_LEN, &mut p)
            .map(Some)
            .ok_or(()),
    };
    let volume = match o.get("monthly_sending_volume") {
        None => Ok(None),
        Some(v) => o
            .int("monthly_sending_volume", v, 1, SAFE_INT, &mut p)
            .and_then(|n| u64::try_from(n).ok())
            .map(Some)
            .ok_or(()),
    };
    let split = percents(&o, true, &mut p);
    let weekends = not_null(&o, "send_on_weekends", &mut p)
        .and_then(|()| o.opt_bool("send_on_weekends", &mut p));
    let inboxes = not_null(&o, "google_inboxes_per_domain", &mut p)
        .and_then(|()| o.opt_inboxes_per_domain(&mut p));
    done(p, || {
        let (google_percent, microsoft_percent) = split.ok()?;
        Some(UpdateBundle {
            name: name.ok()?,
            monthly_sending_volume: volume.ok()?,
            google_percent,
            microsoft_percent,
            send_on_weekends: weekends.ok()?,
            google_inboxes_per_domain: inboxes.ok()?,
        })
    })
}

/// In a PATCH, `null` only makes sense for the percents.
fn not_null(o: &Obj<'_>, key: &str, p: &mut Problems) -> Result<(), ()> {
    if matches!(o.get(key), Some(Value::Null)) {
        p.push(Problem::invalid(
            o.path(key),
            format!("{key} cannot be null; leave it out to keep the current value"),
        ));
        return Err(());
    }
    Ok(())
}

fn patch_to_option<T>(patch: Patch<T>) -> Option<T> {
    match patch {
        Patch::Value(v) => Some(v),
        Patch::Absent | Patch::Null => None,
    }
}

/// The Google/Microsoft split: both integers summing to 100, or both null.
/// On create, left out counts as null; in a PATCH both must be sent together.
/// A mismatch is reported at the field that lacks a number.
fn percents(o: &Obj<'_>, patch: bool, p: &mut Problems) -> Result<(Patch<u8>, Patch<u8>), ()> {
    const G: &str = "google_percent";
    const M: &str = "microsoft_percent";
    let read = |key: &str, p: &mut Problems| -> Result<Patch<u8>, ()> {
        match o.get(key) {
            None => Ok(Patch::Absent),
            Some(Value::Null) => Ok(if patch { Patch::Null } else { Patch::Absent }),
            Some(v) => o
                .int(key, v, 0, 100, p)
                .and_then(|n| u8::try_from(n).ok())
                .map(Patch::Value)
                .ok_or(()),
        }
    };
    let g = read(G, p);
    let m = read(M, p);
    let (g, m) = (g?, m?);
    let together = "google_percent and microsoft_percent go together: send both (integers summing \
                    to 100), or both null for the recommended split";
    match (&g, &m) {
        (Patch::Value(a), Patch::Value(b)) if u16::from(*a) + u16::from(*b) != 100 => {
            p.push(
                Problem::invalid(
                    G,
                    format!("google_percent + microsoft_percent must be 100, got {a} + {b}"),
                )
                .with_details(crate::json::object(vec![
                    ("google_percent", (*a).into()),
                    ("microsoft_percent", (*b).into()),
                ])),
            );
            Err(())
        }
        (Patch::Value(_), Patch::Value(_))
        | (Patch::Null, Patch::Null)
        | (Patch::Absent, Patch::Absent) => Ok((g, m)),
        (Patch::Absent, _) | (Patch::Null, Patch::Value(_)) => {
            p.push(Problem::invalid(G, together));
            Err(())
        }
        (_, Patch::Absent) | (Patch::Value(_), Patch::Null) => {
            p.push(Problem::invalid(M, together));
            Err(())
        }
    }
}

// ---------------------------------------------------------------- users

const USER_FIELDS: &[&str] = &["email", "sequencer", "first_name", "last_name"];

/// `POST /users`.
pub fn parse_create_user(v: &Value) -> Parsed<CreateUser> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(USER_FIELDS, &[], &mut p);
    let email = o
        .required("email", "the customer's email address", &mut p)
        .and_then(|v| o.email("email", v, &mut p));
    let sequencer = o
        .required(
            "sequencer",
            "{\"provider\": \"smartlead\", \"client_id\": …}",
            &mut p,
        )
        .and_then(|v| user_sequencer(&o, v, &mut p));
    let first_name = o.opt_string("first_name", MAX_TEXT_LEN, &mut p);
    let last_name = o.opt_string("last_name", MAX_TEXT_LEN, &mut p);
    done(p, || {
        Some(CreateUser {
            email: email?,
            sequencer: sequencer?,
            first_name: first_name.ok()?,
            last_name: last_name.ok()?,
        })
    })
}

/// `PATCH /users/{id}`: only the fields sent are checked and sent.
pub fn parse_update_user(v: &Value) -> Parsed<UpdateUser> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(USER_FIELDS, &[], &mut p);
    let email = match o.get("email") {
        None => Ok(None),
        Some(v) => o.email("email", v, &mut p).map(Some).ok_or(()),
    };
    let first_name = not_null(&o, "first_name", &mut p)
        .and_then(|()| o.opt_string("first_name", MAX_TEXT_LEN, &mut p));
    let last_name = not_null(&o, "last_name", &mut p)
        .and_then(|()| o.opt_string("last_name", MAX_TEXT_LEN, &mut p));
    let sequencer = match o.get("sequencer") {
        None => Ok(None),
        Some(v) => user_sequencer(&o, v, &mut p).map(Some).ok_or(()),
    };
    done(p, || {
        Some(UpdateUser {
            email: email.ok()?,
            first_name: first_name.ok()?,
            last_name: last_name.ok()?,
            sequencer: sequencer.ok()?,
        })
    })
}

// No message about a `sequencer.*` field echoes its value: a password sent
// in the wrong field (swapped with login_email, say) must not come back.
fn user_sequencer(parent: &Obj<'_>, v: &Value, p: &mut Problems) -> Option<UserSequencer> {
    let o = Obj::open(v, &parent.path("sequencer"), p)?;
    let creds = "login credentials belong on an order's sequencer (POST /orders), not on a user";
    o.reject_unknown(
        &["provider", "client_id"],
        &[("login_email", creds), ("login_password", creds)],
        p,
    );
    let provider = provider(&o, p);
    let client_id = client_id(&o, true, p);
    Some(UserSequencer {
        provider: provider?,
        client_id: client_id.ok()?,
    })
}

fn provider(o: &Obj<'_>, p: &mut Problems) -> Option<SequencerProvider> {
    let v = o.required("provider", "\"smartlead\"", p)?;
    match v {
        Value::String(s) if s == "smartlead" => Some(SequencerProvider::Smartlead),
        other => {
            p.push(Problem::invalid(
                o.path("provider"),
                format!(
                    "provider must be \"smartlead\", the only sequencer the API supports; got {}",
                    other_value(other)
                ),
            ));
            None
        }
    }
}

/// A sequencer value for a message: its type, never its text.
fn other_value(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "another string",
        Value::Number(_) => "another number",
        other => type_name(other),
    }
}

/// `client_id`: the key is required; an integer, or `null` for the partner's
/// default route (users also accept `""`, sent as `null`).
fn client_id(o: &Obj<'_>, allow_empty: bool, p: &mut Problems) -> Result<Option<u64>, ()> {
    const KEY: &str = "client_id";
    let or_null = if allow_empty { "null or \"\"" } else { "null" };
    match o.get(KEY) {
        None => {
            p.push(Problem::invalid(
                o.path(KEY),
                format!("client_id is required: the Smartlead client id, or {or_null} for your default route"),
            ));
            Err(())
        }
        Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if allow_empty && s.is_empty() => Ok(None),
        Some(v) => match as_int(v).and_then(|n| u64::try_from(n).ok()) {
            Some(n) if n > 0 => Ok(Some(n)),
            _ => {
                p.push(Problem::invalid(
                    o.path(KEY),
                    format!(
                        "client_id must be a positive integer (the Smartlead client id) or {or_null}, got {}",
                        other_value(v)
                    ),
                ));
                Err(())
            }
        },
    }
}

// ---------------------------------------------------------------- domains

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
    o.reject_unknown(&["domains"], &[], &mut p);
    let domains = domain_list(&o, "domains", 1, max, kind, &mut p);
    done(p, || domains)
}

/// `POST /domains/forwarding`: 1–25 domains (names or `dom_…` ids) and a URL.
pub fn parse_forwarding(v: &Value) -> Parsed<ForwardingRequest> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(&["domains", "forwarding_url"], &[], &mut p);
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

// ---------------------------------------------------------------- orders

const ORDER_FIELDS: &[&str] = &[
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
const CUSTOM_FIELDS: &[&str] = &[
    "google_licenses",
    "microsoft_licenses",
    "google_inboxes_per_domain",
];
const OLD_USER_ID: &str = "user_id is the old order shape: send \"user\": the usr_… id or the \
                           customer's email, as one string";
const OLD_USERS: &str = "users is the old name of this list: send \"personas\": [{\"first_name\", \
                         \"last_name\", \"profile_picture_url\"}]";

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

fn order_sequencer(parent: &Obj<'_>, v: &Value, p: &mut Problems) -> Option<OrderSequencer> {
    let o = Obj::open(v, &parent.path("sequencer"), p)?;
    o.reject_unknown(
        &["provider", "client_id", "login_email", "login_password"],
        &[],
        p,
    );
    let provider = provider(&o, p);
    let client_id = client_id(&o, false, p);
    let login_email = o
        .required(
            "login_email",
            "the Smartlead login email (Smartlead orders need it)",
            p,
        )
        .and_then(|v| {
            let email = o.string("login_email", v, names::MAX_EMAIL_LEN, p)?;
            if names::check_email(&email).is_err() {
                p.push(Problem::invalid(
                    o.path("login_email"),
                    "login_email is not a valid email address (the Smartlead login email)",
                ));
                return None;
            }
            Some(email)
        });
    let login_password = password(&o, p);
    Some(OrderSequencer {
        provider: provider?,
        client_id: client_id.ok()?,
        login_email: login_email?,
        login_password: login_password?,
    })
}

/// The Smartlead password: sent exactly as given and never echoed.
fn password(o: &Obj<'_>, p: &mut Problems) -> Option<String> {
    const KEY: &str = "login_password";
    let v = o.required(
        KEY,
        "the Smartlead login password (Smartlead orders need it)",
        p,
    )?;
    let msg = match v {
        Value::String(s) if s.is_empty() => "login_password must not be empty",
        Value::String(s) if s.len() > MAX_PASSWORD_LEN => "login_password is too long",
        Value::String(s) => return Some(s.clone()),
        _ => "login_password must be a string",
    };
    p.push(Problem::invalid(o.path(KEY), msg));
    None
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
    o.reject_unknown(&["domain", "forwarding_url"], &[], p);
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

/// `personas`: 1–10 people, each with the `profile_picture_url` key.
fn personas(o: &Obj<'_>, p: &mut Problems) -> Option<Vec<Persona>> {
    let v = o.required(
        "personas",
        "1 to 10 people: [{\"first_name\", \"last_name\", \"profile_picture_url\"}]",
        p,
    )?;
    let items = array(o, "personas", v, 1, PERSONAS_MAX, p)?;
    let mut out = Vec::with_capacity(items.len().min(PERSONAS_MAX));
    let mut ok = items.len() <= PERSONAS_MAX;
    for (i, item) in items
        .iter()
        .enumerate()
        .take(check_limit(items.len(), PERSONAS_MAX))
    {
        match persona(&format!("{}[{i}]", o.path("personas")), item, p) {
            Some(x) => out.push(x),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

fn persona(field: &str, v: &Value, p: &mut Problems) -> Option<Persona> {
    let o = Obj::open(v, field, p)?;
    o.reject_unknown(&["first_name", "last_name", "profile_picture_url"], &[], p);
    let first = o.req_string("first_name", "the person's first name", MAX_TEXT_LEN, p);
    let last = o.req_string("last_name", "the person's last name", MAX_TEXT_LEN, p);
    let picture = match o.get("profile_picture_url") {
        None => {
            p.push(Problem::invalid(
                o.path("profile_picture_url"),
                "profile_picture_url is required on every persona: a public http(s) image URL, \
                 null or \"\"",
            ));
            Err(())
        }
        Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Some(String::new())),
        Some(u) => o.url("profile_picture_url", u, p).map(Some).ok_or(()),
    };
    Some(Persona {
        first_name: first?,
        last_name: last?,
        profile_picture_url: picture.ok()?,
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
    o.reject_unknown(&["domains"], &[("scope", scope)], &mut p);
    let domains = match o.get("domains") {
        None | Some(Value::Null) => Some(None),
        Some(_) => {
            domain_list(&o, "domains", 1, usize::MAX, DomainKind::NameOrId, &mut p).map(Some)
        }
    };
    done(p, || Some(CancelOrder { domains: domains? }))
}

// ---------------------------------------------------------------- swaps

/// `POST /swaps`.
pub fn parse_create_swap(v: &Value) -> Parsed<CreateSwap> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(&["type", "domain_id", "replacement_domain"], &[], &mut p);
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
    o.reject_unknown(&["domain_id", "personas"], &[("users", OLD_USERS)], &mut p);
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

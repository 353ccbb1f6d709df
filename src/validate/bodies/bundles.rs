//! `POST /bundles` and `PATCH /bundles/{id}`.

use super::{done, not_null, Parsed};
use crate::error::Problem;
use crate::model::requests::*;
use crate::validate::read::{Obj, Problems, MAX_TEXT_LEN};
use serde_json::Value;

pub(super) const FIELDS: &[&str] = &[
    "name",
    "monthly_sending_volume",
    "google_percent",
    "microsoft_percent",
    "send_on_weekends",
    "google_inboxes_per_domain",
];
const OLD: &[(&str, &str)] = &[
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
    o.reject_unknown(FIELDS, OLD, &mut p);
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
    o.reject_unknown(FIELDS, OLD, &mut p);
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

//! `personas`, the people of an order or of a user-name swap.

use crate::error::Problem;
use crate::model::requests::*;
use crate::validate::read::{array, check_limit, Obj, Problems, MAX_TEXT_LEN};
use serde_json::Value;

pub(super) const PERSONA_FIELDS: &[&str] = &["first_name", "last_name", "profile_picture_url"];
pub(super) const OLD_USERS: &str =
    "users is the old name of this list: send \"personas\": [{\"first_name\", \
                         \"last_name\", \"profile_picture_url\"}]";

/// `personas`: 1–10 people, each with the `profile_picture_url` key.
pub(super) fn personas(o: &Obj<'_>, p: &mut Problems) -> Option<Vec<Persona>> {
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
    o.reject_unknown(PERSONA_FIELDS, &[], p);
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

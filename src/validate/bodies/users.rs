//! `POST /users` and `PATCH /users/{id}`.

use super::sequencer::user_sequencer;
use super::{done, not_null, Parsed};
use crate::model::requests::*;
use crate::validate::read::{Obj, Problems, MAX_TEXT_LEN};
use serde_json::Value;

pub(super) const FIELDS: &[&str] = &["email", "sequencer", "first_name", "last_name"];

/// `POST /users`.
pub fn parse_create_user(v: &Value) -> Parsed<CreateUser> {
    let mut p = Problems::new();
    let Some(o) = Obj::open(v, "", &mut p) else {
        return Err(p);
    };
    o.reject_unknown(FIELDS, &[], &mut p);
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
    o.reject_unknown(FIELDS, &[], &mut p);
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

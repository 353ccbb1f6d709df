//! The `sequencer` object of a user (its route) and of an order (the route
//! and the Smartlead login).

use crate::error::Problem;
use crate::model::requests::*;
use crate::model::user::SequencerProvider;
use crate::validate::names;
use crate::validate::read::{as_int, type_name, Obj, Problems};
use serde_json::Value;

/// Longest Smartlead password the SDK sends.
const MAX_PASSWORD_LEN: usize = 1024;

/// A user's sequencer: the route only, never credentials.
pub(super) const USER_SEQUENCER_FIELDS: &[&str] = &["provider", "client_id"];
/// An order's sequencer: the route and the login.
pub(super) const ORDER_SEQUENCER_FIELDS: &[&str] =
    &["provider", "client_id", "login_email", "login_password"];

// No message about a `sequencer.*` field echoes its value: a password sent
// in the wrong field (swapped with login_email, say) must not come back.
pub(super) fn user_sequencer(
    parent: &Obj<'_>,
    v: &Value,
    p: &mut Problems,
) -> Option<UserSequencer> {
    let o = Obj::open(v, &parent.path("sequencer"), p)?;
    let creds = "login credentials belong on an order's sequencer (POST /orders), not on a user";
    o.reject_unknown(
        USER_SEQUENCER_FIELDS,
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

pub(super) fn order_sequencer(
    parent: &Obj<'_>,
    v: &Value,
    p: &mut Problems,
) -> Option<OrderSequencer> {
    let o = Obj::open(v, &parent.path("sequencer"), p)?;
    o.reject_unknown(ORDER_SEQUENCER_FIELDS, &[], p);
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

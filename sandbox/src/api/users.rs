//! `/users`: end customers, unique by email among active users.

use super::decode::{json_body, parsed};
use super::paging::{self, ListSpec, Order};
use super::{data, Answer, Fail, Req};
use crate::state::State;
use crate::App;
use peeker_partner::error::codes;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::validate;
use serde_json::json;

pub fn list(app: &App, r: &Req<'_>) -> Answer {
    let spec = ListSpec {
        parse: validate::parse_list_users,
        build: request::list_users,
        order: Order::OldestFirst,
    };
    paging::list(
        app,
        r,
        spec,
        |st| &st.users,
        |_, q: &ListUsersQuery, u: &User| {
            q.email
                .as_deref()
                .is_none_or(|e| u.email.eq_ignore_ascii_case(e))
                && q.status.as_deref().is_none_or(|s| u.status.as_str() == s)
        },
        |u| u,
    )
}

pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| match st.users.get(r.id) {
        Some(u) => data(200, u),
        None => Err(Fail::not_found(None, "user", r.id)),
    })
}

/// Marks the user deleted and frees its email.
pub fn delete(app: &App, r: &Req<'_>) -> Answer {
    app.commit(|st, _| {
        let Some(u) = st.users.get_mut(r.id) else {
            return Err(Fail::not_found(None, "user", r.id));
        };
        u.status = UserStatus::Deleted;
        let key = u.email.to_ascii_lowercase();
        let out = u.clone();
        if st.user_by_email.get(&key).map(String::as_str) == Some(r.id) {
            st.user_by_email.remove(&key);
        }
        data(200, out)
    })
}

fn route(s: &UserSequencer) -> SequencerRoute {
    SequencerRoute {
        provider: s.provider.clone(),
        client_id: s.client_id.and_then(|n| i64::try_from(n).ok()),
        extra: Default::default(),
    }
}

fn email_taken(st: &State, email: &str, except: Option<&str>) -> Option<Fail> {
    let id = st.user_by_email.get(&email.to_ascii_lowercase())?;
    (Some(id.as_str()) != except).then(|| {
        Fail::new(
            codes::CONFLICT,
            format!("a user with this email already exists: {id}"),
        )
        .field("email")
        .details(json!({ "user_id": id }))
    })
}

pub fn create(app: &App, r: &Req<'_>) -> Answer {
    let c = parsed(validate::parse_create_user(&json_body(r.body)?))?;
    app.commit(|st, ctx| {
        if let Some(f) = email_taken(st, &c.email, None) {
            return Err(f);
        }
        let u = User {
            id: ctx.id("usr_"),
            email: c.email.clone(),
            first_name: c.first_name,
            last_name: c.last_name,
            status: UserStatus::Active,
            sequencer: Some(route(&c.sequencer)),
            created_at: crate::clock::iso(ctx.now),
            extra: Default::default(),
        };
        st.user_by_email
            .insert(c.email.to_ascii_lowercase(), u.id.clone());
        st.users.insert(u.id.clone(), u.clone());
        data(201, u)
    })
}

pub fn update(app: &App, r: &Req<'_>) -> Answer {
    let p = parsed(validate::parse_update_user(&json_body(r.body)?))?;
    let id = r.id;
    app.commit(|st, _| {
        let Some(old) = st.users.get(id) else {
            return Err(Fail::not_found(None, "user", id));
        };
        let mut u = old.clone();
        let active = u.status == UserStatus::Active;
        if let Some(e) = &p.email {
            if active {
                if let Some(f) = email_taken(st, e, Some(id)) {
                    return Err(f);
                }
                st.user_by_email.remove(&u.email.to_ascii_lowercase());
                st.user_by_email
                    .insert(e.to_ascii_lowercase(), id.to_owned());
            }
            u.email = e.clone();
        }
        if let Some(n) = p.first_name {
            u.first_name = Some(n);
        }
        if let Some(n) = p.last_name {
            u.last_name = Some(n);
        }
        if let Some(s) = &p.sequencer {
            u.sequencer = Some(route(s));
        }
        st.users.insert(id.to_owned(), u.clone());
        data(200, u)
    })
}

//! `/users`: end customers, unique by email among active users.

use super::decode::{json_body, parsed};
use super::paging::{self, ListSpec, Order};
use super::{data, found, Answer, Fail, Req};
use crate::state::State;
use crate::{App, Write};
use peeker_partner::error::codes;
use peeker_partner::model::*;
use peeker_partner::request;
use peeker_partner::validate;
use serde_json::json;
use std::sync::Arc;

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
    app.read(|st| found(st.users.get(r.id), "user", r.id))
}

/// Marks the user deleted and frees its email.
pub async fn delete(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let id = r.id.to_owned();
    app.commit(move |st, _| {
        let Some(u) = st.users.get(&id) else {
            return Err(Fail::not_found(None, "user", &id));
        };
        let deleted = User {
            status: UserStatus::Deleted,
            ..u.clone()
        };
        let key = u.email.to_ascii_lowercase();
        let frees_email = st.user_by_email.get(&key) == Some(&id);
        Ok(Write::new(move |st, _| {
            st.users.insert(id, deleted.clone());
            if frees_email {
                st.user_by_email.remove(&key);
            }
            data(200, deleted)
        }))
    })
    .await?
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

pub async fn create(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let c = parsed(validate::parse_create_user(&json_body(r.body)?))?;
    app.commit(move |st, _| {
        if let Some(f) = email_taken(st, &c.email, None) {
            return Err(f);
        }
        Ok(Write::new(move |st, ctx| {
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
        }))
    })
    .await?
}

pub async fn update(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let p = parsed(validate::parse_update_user(&json_body(r.body)?))?;
    let id = r.id.to_owned();
    app.commit(move |st, _| {
        let Some(old) = st.users.get(&id) else {
            return Err(Fail::not_found(None, "user", &id));
        };
        let mut u = old.clone();
        let active = u.status == UserStatus::Active;
        // The email index changes with an active user's email.
        let mut reindex = None;
        if let Some(e) = &p.email {
            if active {
                if let Some(f) = email_taken(st, e, Some(&id)) {
                    return Err(f);
                }
                reindex = Some((u.email.to_ascii_lowercase(), e.to_ascii_lowercase()));
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
        Ok(Write::new(move |st, _| {
            if let Some((old, new)) = reindex {
                st.user_by_email.remove(&old);
                st.user_by_email.insert(new, id.clone());
            }
            st.users.insert(id, u.clone());
            data(200, u)
        }))
    })
    .await?
}

//! `/domains/forwarding`: repoint live domains; a job finishes one step later.

use super::decode::{json_body, parsed};
use super::{data, Answer, Fail, Req};
use crate::lifecycle::target_failure;
use crate::state::{is_live, TaskKind};
use crate::App;
use peeker_partner::model::*;
use peeker_partner::validate;

/// Domains of the account (by id or name) are repointed after one step;
/// names the account does not hold fail `dns_lookup_failed`; a target whose
/// host contains `unreachable` or `invalidtarget` fails every domain with
/// `target_unreachable` or `invalid_target`.
pub fn create(app: &App, r: &Req<'_>) -> Answer {
    let q = parsed(validate::parse_forwarding(&json_body(r.body)?))?;
    app.commit(|st, ctx| {
        let failure = target_failure(&q.forwarding_url);
        let mut ids = Vec::new();
        let mut failed = Vec::new();
        for r in &q.domains {
            match st.find_domain(r).filter(|d| is_live(d)) {
                Some(d) => ids.push(d.id.clone()),
                None => failed.push(r.clone()),
            }
        }
        let job = ForwardingJob {
            id: ctx.id("fwj_"),
            status: ForwardingStatus::InProgress,
            completed_count: 0,
            failed_count: 0,
            forwarding_url: q.forwarding_url,
            completed: Vec::new(),
            failed: Vec::new(),
            created_at: crate::clock::iso(ctx.now),
            completed_at: None,
            extra: Default::default(),
        };
        st.forwarding.insert(job.id.clone(), job.clone());
        st.schedule(
            ctx.now + app.cfg.step_ms(),
            TaskKind::FinishForwarding {
                job_id: job.id.clone(),
                domain_ids: ids,
                failed,
                failure,
            },
        );
        data(202, job)
    })
}

pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| match st.forwarding.get(r.id) {
        Some(j) => data(200, j),
        None => Err(Fail::not_found(None, "forwarding job", r.id)),
    })
}

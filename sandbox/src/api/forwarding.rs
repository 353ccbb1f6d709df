//! `/domains/forwarding`: repoint live domains; a job finishes one step later.

use super::decode::{json_body, parsed};
use super::pictures::host_of;
use super::{data, found, Answer, Req};
use crate::state::{is_live, to_value, Ctx, State, TaskKind};
use crate::{App, Write};
use peeker_partner::model::*;
use peeker_partner::validate;
use std::sync::Arc;

/// Domains of the account (by id or name) are repointed after one step;
/// names the account does not hold fail `dns_lookup_failed`; a target whose
/// host contains `unreachable` or `invalidtarget` fails every domain with
/// `target_unreachable` or `invalid_target`.
pub async fn create(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let q = parsed(validate::parse_forwarding(&json_body(r.body)?))?;
    let step = app.cfg.step_ms();
    app.commit(move |_, _| {
        Ok(Write::new(move |st, ctx| {
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
                ctx.now + step,
                TaskKind::FinishForwarding {
                    job_id: job.id.clone(),
                    domain_ids: ids,
                    failed,
                    failure,
                },
            );
            data(202, job)
        }))
    })
    .await?
}

pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| found(st.forwarding.get(r.id), "forwarding job", r.id))
}

/// The job's timed step: live domains are repointed, or all fail for the
/// target's reason; names the account does not hold fail.
pub fn finish_forwarding(
    st: &mut State,
    ctx: &Ctx<'_>,
    job_id: &str,
    domain_ids: &[String],
    failed: Vec<String>,
    failure: Option<ForwardingFailureReason>,
) {
    let Some(mut job) = st.forwarding.get(job_id).cloned() else {
        return;
    };
    let mut failures: Vec<(String, ForwardingFailureReason)> = failed
        .into_iter()
        .map(|n| (n, ForwardingFailureReason::DnsLookupFailed))
        .collect();
    for id in domain_ids {
        let Some(d) = st.domains.get_mut(id) else {
            continue;
        };
        match &failure {
            Some(reason) => failures.push((d.domain.clone(), reason.clone())),
            None => {
                d.forwarding_url = Some(job.forwarding_url.clone());
                job.completed.push(d.domain.clone());
            }
        }
    }
    for (name, reason) in failures {
        job.failed.push(ForwardingFailure {
            domain: name,
            reason,
            extra: Default::default(),
        });
    }
    job.completed_count = job.completed.len() as i64;
    job.failed_count = job.failed.len() as i64;
    job.status = match (job.completed.is_empty(), job.failed.is_empty()) {
        (_, true) => ForwardingStatus::Completed,
        (true, false) => ForwardingStatus::Failed,
        (false, false) => ForwardingStatus::PartialSuccess,
    };
    job.completed_at = Some(crate::clock::iso(ctx.now));
    st.forwarding.insert(job_id.to_owned(), job.clone());
    if !job.completed.is_empty() {
        st.emit(ctx, EventType::DomainForwardingUpdated, to_value(&job));
    }
    if !job.failed.is_empty() {
        st.emit(ctx, EventType::DomainForwardingFailed, to_value(&job));
    }
}

/// The failure a forwarding target triggers: a host containing
/// `unreachable` or `invalidtarget`.
pub fn target_failure(url: &str) -> Option<ForwardingFailureReason> {
    let host = host_of(url)?;
    if host.contains("unreachable") {
        Some(ForwardingFailureReason::TargetUnreachable)
    } else if host.contains("invalidtarget") {
        Some(ForwardingFailureReason::InvalidTarget)
    } else {
        None
    }
}

//! `domains.availability`: any number of names, 50 a call, a few calls at
//! once, rows in input order; a name the core refuses answered in place.

use super::failure::Failure;
use super::settings::CallSettings;
use super::{lock, Client};
use crate::error::{PeekerError, Problem};
use crate::json::object;
use crate::request::{Endpoint, HttpRequest};
use crate::transport::{Json, Transport};
use crate::validate::read::Dedup;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task;

/// Domains per `POST /domains/availability` (docs/contract.md#limits).
pub(crate) const AVAILABILITY_CHUNK: usize = 50;
/// Availability calls in flight at once (the rate limiter still paces them).
const AVAILABILITY_CONCURRENCY: usize = 4;

impl<T: Transport> Client<T> {
    /// Any number of names, in calls of 50, rows in input order. A name
    /// the core refuses is answered here with a `reason: "invalid"` row and
    /// not sent, so one typo never fails a batch. `on_progress(done, total)`
    /// after each call.
    pub async fn availability(
        &self,
        names: &[Value],
        opts: &CallSettings<T::Signal>,
        on_progress: &impl Fn(usize, usize),
    ) -> Result<T::Json, Failure> {
        let plan = availability_plan(names)?;
        let requests = &plan.requests;
        let total = names.len();
        let results: Mutex<Vec<Option<Vec<T::Json>>>> =
            Mutex::new((0..requests.len()).map(|_| None).collect());
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(total - plan.asked);
        let failed: Mutex<Option<Failure>> = Mutex::new(None);
        let (results_ref, next, done, failed_ref) = (&results, &next, &done, &failed);
        let asked = plan.asked;
        let worker = || async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests.len() || lock(failed_ref).is_some() {
                    return;
                }
                match self.call(&requests[i], opts).await {
                    Ok(page) => {
                        // {data: {domains: [rows]}}
                        let rows = page
                            .get("data")
                            .and_then(|d| d.get("domains"))
                            .map(Json::into_items)
                            .unwrap_or_default();
                        lock(results_ref)[i] = Some(rows);
                        let n = (i * AVAILABILITY_CHUNK + AVAILABILITY_CHUNK).min(asked)
                            - i * AVAILABILITY_CHUNK;
                        let so_far = done.fetch_add(n, Ordering::Relaxed) + n;
                        on_progress(so_far, total);
                    }
                    Err(e) => {
                        lock(failed_ref).get_or_insert(e);
                        return;
                    }
                }
            }
        };
        let workers: Vec<_> = (0..AVAILABILITY_CONCURRENCY.min(requests.len()))
            .map(|_| worker())
            .collect();
        join(workers).await;
        if let Some(f) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            return Err(f);
        }
        let mut answered: Vec<std::vec::IntoIter<T::Json>> = results
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter()
            .map(|rows| rows.unwrap_or_default().into_iter())
            .collect();
        let mut all = Vec::with_capacity(plan.slots.len());
        for slot in &plan.slots {
            let row = match slot {
                // Rows come back in the order asked: the k-th name sent is
                // the next row of its call.
                Slot::Asked(k) => answered
                    .get_mut(k / AVAILABILITY_CHUNK)
                    .and_then(Iterator::next)
                    .unwrap_or_else(T::Json::absent),
                Slot::Invalid(name) => T::Json::invalid_row(name),
            };
            all.push(row);
        }
        Ok(T::Json::array(all))
    }
}

/// Runs `futures` together until every one is done. (Polls each on every
/// wake-up: fine for the few workers here, and far less code in the wasm
/// than `futures_util::future::join_all`.)
async fn join<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pending.is_empty() {
            task::Poll::Ready(())
        } else {
            task::Poll::Pending
        }
    })
    .await
}

/// Where one name of `domains.availability` gets its row.
pub(crate) enum Slot {
    /// The `k`-th name sent (call `k / 50`, row `k % 50`).
    Asked(usize),
    /// Refused by the core as a name: answered `invalid` here, not sent.
    Invalid(String),
}

/// The calls for a list of names and where each row comes from.
pub(crate) struct AvailabilityPlan {
    pub requests: Vec<HttpRequest>,
    pub slots: Vec<Slot>,
    /// How many names are sent.
    pub asked: usize,
}

/// Plans `domains.availability`: strings the core refuses as names get an
/// `invalid` row in place; the rest go 50 a call. Anything that is not a
/// string, or a name repeated anywhere in the list (not only within one
/// call), is a problem at its index in `names`.
pub(crate) fn availability_plan(names: &[Value]) -> Result<AvailabilityPlan, PeekerError> {
    if names.is_empty() {
        return Err(PeekerError::validation(vec![Problem::invalid(
            "domains",
            "pass at least one domain name",
        )]));
    }
    let mut problems: Vec<Problem> = Vec::new();
    let mut seen = Dedup::default();
    let mut sent: Vec<(usize, Value)> = Vec::new();
    let mut slots = Vec::with_capacity(names.len());
    for (i, v) in names.iter().enumerate() {
        let field = format!("domains[{i}]");
        let Some(raw) = v.as_str() else {
            problems.push(Problem::invalid(&field, "each domain must be a string"));
            continue;
        };
        let Ok(name) = crate::validate::normalize_domain(raw) else {
            slots.push(Slot::Invalid(raw.to_owned()));
            continue;
        };
        // (normalize_domain lower-cases, so `Example.COM` repeats `example.com`.)
        if !seen.check(&name, i, "domains", &field, &mut problems) {
            continue;
        }
        slots.push(Slot::Asked(sent.len()));
        sent.push((i, v.clone()));
    }
    let mut requests = Vec::new();
    let mut refused: Vec<Problem> = Vec::new();
    for chunk in sent.chunks(AVAILABILITY_CHUNK) {
        let body = chunk.iter().map(|(_, v)| v.clone()).collect();
        match Endpoint::CheckAvailability
            .build(None, &object(vec![("domains", Value::Array(body))]))
        {
            Ok(req) => requests.push(req),
            Err(e) if e.problems.is_empty() => return Err(e),
            Err(e) => refused.extend(e.problems.into_iter().map(|mut p| {
                p.field = reindex(&p.field, |k| chunk.get(k).map(|(i, _)| *i));
                p
            })),
        }
    }
    if !problems.is_empty() || !refused.is_empty() {
        return Err(PeekerError::validation(merge_by_index(problems, refused)));
    }
    Ok(AvailabilityPlan {
        requests,
        slots,
        asked: sent.len(),
    })
}

/// Two lists of problems, each in index order, as one in index order (`a`'s
/// first on a tie). Both are built walking the names in order, so merging
/// them is enough (and a sort would add its own code to the wasm).
fn merge_by_index(a: Vec<Problem>, b: Vec<Problem>) -> Vec<Problem> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for p in a {
        while let Some(q) = b.next_if(|q| index_of(&q.field) < index_of(&p.field)) {
            out.push(q);
        }
        out.push(p);
    }
    out.extend(b);
    out
}

/// The index in `domains[7].x`.
fn index_of(field: &str) -> usize {
    field
        .strip_prefix("domains[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `domains[k].x` → `domains[map(k)].x`.
fn reindex(field: &str, map: impl Fn(usize) -> Option<usize>) -> String {
    let Some(rest) = field.strip_prefix("domains[") else {
        return field.to_owned();
    };
    let Some(end) = rest.find(']') else {
        return field.to_owned();
    };
    let (index, tail) = (rest.get(..end), rest.get(end + 1..));
    match index.and_then(|i| i.parse::<usize>().ok()).and_then(map) {
        Some(i) => format!("domains[{i}]{}", tail.unwrap_or_default()),
        None => field.to_owned(),
    }
}

//! `/domains/import`: customer-owned roots join the inventory once their
//! nameservers point at Peeker (the import's timed step, or
//! `POST /_sandbox/nameservers` for a name that waits).

use super::decode::{json_body, parsed, query_json};
use super::swaps::lifecycle::release_swaps_waiting_for;
use super::{data, found, Answer, Req};
use crate::state::{has_label, to_value, Ctx, State, TaskKind};
use crate::{App, Write};
use peeker_partner::model::*;
use peeker_partner::validate;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

const NAMESERVERS: [[&str; 2]; 2] = [
    ["helena.ns.peeker.ai", "idris.ns.peeker.ai"],
    ["ada.ns.peeker.ai", "kurt.ns.peeker.ai"],
];

/// `POST /domains/import` (answered when the rows exist; the import
/// completes later).
pub async fn import(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let q = parsed(validate::parse_import(&json_body(r.body)?))?;
    let step = app.cfg.step_ms();
    app.commit(move |_, _| {
        Ok(Write::new(move |st, ctx| {
            data(200, create_import(st, ctx, step, &q.domains, false))
        }))
    })
    .await?
}

/// `POST /domains/import/jobs`: deduplicated on the sorted unique set.
pub async fn create_job(app: &Arc<App>, r: &Req<'_>) -> Answer {
    let q = parsed(validate::parse_import_job(&json_body(r.body)?))?;
    let mut key = q.domains.clone();
    key.sort();
    let key = key.join(",");
    let step = app.cfg.step_ms();
    app.commit(move |st, _| {
        if let Some(existing) = st.import_jobs.get(&key).and_then(|id| st.imports.get(id)) {
            return Ok(Write::nothing(data(202, existing)));
        }
        Ok(Write::new(move |st, ctx| {
            let imp = create_import(st, ctx, step, &q.domains, true);
            st.import_jobs.insert(key, imp.id.clone());
            data(202, imp)
        }))
    })
    .await?
}

/// `GET /domains/import/{id}` and `/jobs/{id}` both find any import.
pub fn retrieve(app: &App, r: &Req<'_>) -> Answer {
    app.read(|st| found(st.imports.get(r.id), "import", r.id))
}

/// `GET /domains/import?domains=a,b`: the newest import holding each name.
pub fn lookup(app: &App, r: &Req<'_>) -> Answer {
    let q = parsed(validate::parse_import_lookup(&query_json(r)?))?;
    app.read(|st| {
        let mut found: BTreeMap<&str, &DomainImport> = BTreeMap::new();
        let mut not_found = Vec::new();
        for name in &q.domains {
            let hit = st
                .imports
                .values()
                .rev()
                .find(|i| i.domains.iter().any(|d| &d.domain == name));
            match hit {
                Some(i) => {
                    found.insert(i.id.as_str(), i);
                }
                None => not_found.push(name.clone()),
            }
        }
        let imports: Vec<&DomainImport> = found.into_values().rev().collect();
        data(200, json!({ "imports": imports, "not_found": not_found }))
    })
}

/// Creates an import: each new root gets an inventory row waiting on its
/// nameservers; names already in the account fail `already_imported`. A sync
/// import spreads its domains over two nameserver pairs; a job stays on one.
fn create_import(
    st: &mut State,
    ctx: &Ctx<'_>,
    step_ms: i64,
    names: &[String],
    job: bool,
) -> DomainImport {
    let now = crate::clock::iso(ctx.now);
    let mut rows = Vec::new();
    let mut groups: Vec<NameserverGroup> = Vec::new();
    for name in names {
        if st.live_domain_named(name).is_some() {
            rows.push(ImportDomain {
                domain: name.clone(),
                status: ImportDomainStatus::Failed,
                domain_id: None,
                reason: Some(ImportFailureReason::AlreadyImported),
                extra: Default::default(),
            });
            continue;
        }
        let d = Domain {
            id: ctx.id("dom_"),
            domain: name.clone(),
            category: DomainCategory::Inventory,
            status: DomainStatus::Provisioning,
            provider: None,
            user_id: None,
            order_id: None,
            usable_for: Some(vec![Provider::Google, Provider::Microsoft]),
            forwarding_url: None,
            created_at: now.clone(),
            extra: Default::default(),
        };
        rows.push(ImportDomain {
            domain: name.clone(),
            status: ImportDomainStatus::Pending,
            domain_id: Some(d.id.clone()),
            reason: None,
            extra: Default::default(),
        });
        let pair = if job {
            0
        } else {
            name.bytes().map(usize::from).sum::<usize>() % NAMESERVERS.len()
        };
        let ns: Vec<String> = NAMESERVERS[pair].iter().map(|s| s.to_string()).collect();
        match groups.iter_mut().find(|g| g.nameservers == ns) {
            Some(g) => g.domains.push(name.clone()),
            None => groups.push(NameserverGroup {
                nameservers: ns,
                domains: vec![name.clone()],
                extra: Default::default(),
            }),
        }
        st.domain_by_name.insert(name.clone(), d.id.clone());
        st.domains.insert(d.id.clone(), d);
    }
    let pending = rows.iter().any(|r| r.status == ImportDomainStatus::Pending);
    let imp = DomainImport {
        id: ctx.id("imp_"),
        status: if pending {
            ImportStatus::InProgress
        } else {
            ImportStatus::Failed
        },
        domains: rows,
        nameserver_groups: groups,
        created_at: now.clone(),
        completed_at: (!pending).then_some(now),
        extra: Default::default(),
    };
    st.imports.insert(imp.id.clone(), imp.clone());
    if pending {
        st.schedule(
            ctx.now + 2 * step_ms,
            TaskKind::FinishImport {
                import_id: imp.id.clone(),
            },
        );
    } else {
        st.emit(ctx, EventType::DomainImportFailed, to_value(&imp));
    }
    imp
}

/// Rows complete and their inventory rows become `available`; a row whose
/// label contains `nsdelay` waits for `POST /_sandbox/nameservers`, and the
/// import is `action_required` meanwhile. Swaps waiting for an imported
/// name complete.
pub fn finish_import(st: &mut State, ctx: &Ctx<'_>, import_id: &str) {
    let Some(mut imp) = st.imports.get(import_id).cloned() else {
        return;
    };
    if !matches!(
        imp.status,
        ImportStatus::InProgress | ImportStatus::ActionRequired
    ) {
        return;
    }
    let mut imported = Vec::new();
    for row in &mut imp.domains {
        if row.status != ImportDomainStatus::Pending
            || (has_label(&row.domain, "nsdelay") && !st.nameservers_set.contains(&row.domain))
        {
            continue;
        }
        row.status = ImportDomainStatus::Completed;
        imported.push(row.domain.clone());
        if let Some(id) = &row.domain_id {
            // Only a row still in the inventory: one an order took over
            // meanwhile is the order's to connect.
            let waiting = st.domains.get(id).is_some_and(|d| {
                d.category == DomainCategory::Inventory && d.status == DomainStatus::Provisioning
            });
            if waiting {
                st.set_domain_status(id, DomainStatus::Available);
            }
        }
    }
    let waiting = imp
        .domains
        .iter()
        .any(|r| r.status == ImportDomainStatus::Pending);
    let before = imp.status.clone();
    if waiting {
        imp.status = ImportStatus::ActionRequired;
    } else {
        imp.status = ImportStatus::Completed;
        imp.completed_at = Some(crate::clock::iso(ctx.now));
    }
    st.imports.insert(import_id.to_owned(), imp.clone());
    if !waiting {
        st.emit(ctx, EventType::DomainImportCompleted, to_value(&imp));
    } else if before != ImportStatus::ActionRequired {
        st.emit(ctx, EventType::DomainImportActionRequired, to_value(&imp));
    }
    for name in imported {
        release_swaps_waiting_for(st, ctx, &name);
    }
}

/// The imports with a row for `name` still waiting on its nameservers.
pub fn imports_waiting_on(st: &State, name: &str) -> Vec<String> {
    st.imports
        .values()
        .filter(|i| {
            i.domains
                .iter()
                .any(|r| r.domain == name && r.status == ImportDomainStatus::Pending)
        })
        .map(|i| i.id.clone())
        .collect()
}

/// `POST /_sandbox/nameservers {"domain"}`: the customer pointed the
/// nameservers; the imports waiting on that name ([`imports_waiting_on`])
/// move on.
pub fn nameservers_set(st: &mut State, ctx: &Ctx<'_>, name: &str, waiting: &[String]) {
    st.nameservers_set.insert(name.to_owned());
    for id in waiting {
        let held = st
            .imports
            .get(id)
            .is_some_and(|i| i.status == ImportStatus::ActionRequired);
        if held {
            finish_import(st, ctx, id);
        }
    }
}

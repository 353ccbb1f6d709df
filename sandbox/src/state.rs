//! Everything the sandbox remembers, in one serialisable struct: the tables
//! (keyed by id; ULIDs sort by creation, so map order is creation order),
//! the scheduled lifecycle steps and the webhook events with their delivery
//! state. With `--db` a snapshot of it is written after every change.

use crate::clock::{iso, Ulids};
use peeker_partner::model::{
    Bundle, Domain, DomainImport, DomainStatus, Event, EventType, ForwardingJob, FullOrder,
    LineItem, OrderDomains, OrderReceipt, PendingAction, PendingActionStatus, PersonaInfo, Swap,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// An order as stored: the receipt plus what the full order and the
/// lifecycle need.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderRec {
    pub receipt: OrderReceipt,
    pub line_items: Vec<LineItem>,
    pub registered: Vec<String>,
    pub imported: Vec<String>,
    pub personas: Vec<PersonaInfo>,
    /// Domain rows (`dom_…`) in body order.
    pub domain_ids: Vec<String>,
    pub created_ms: i64,
    /// Inboxes on each Google domain (2 or 3).
    #[serde(default = "two")]
    pub google_inboxes_per_domain: u32,
}

fn two() -> u32 {
    2
}

impl OrderRec {
    /// The `order.completed` payload (docs/contract.md#webhook-events).
    pub fn full(&self) -> FullOrder {
        let r = &self.receipt;
        FullOrder {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            email: r.email.clone(),
            bundle_id: r.bundle_id.clone(),
            status: r.status.clone(),
            domain_count: r.domain_count,
            costs: peeker_partner::model::Costs {
                line_items: Some(self.line_items.clone()),
                ..r.costs.clone()
            },
            domains: Some(OrderDomains {
                registered: self.registered.clone(),
                imported: self.imported.clone(),
                extra: Default::default(),
            }),
            personas: Some(self.personas.clone()),
            users: None,
            renews_at: r.renews_at.clone(),
            created_at: r.created_at.clone(),
            extra: Default::default(),
        }
    }
}

/// A swap row plus the order and user it belongs to (for list filters).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SwapRec {
    pub swap: Swap,
    pub order_id: Option<String>,
    pub user_id: Option<String>,
    /// A user-name swap row whose persona picture is not public ends in
    /// `action_required` with a pending action.
    #[serde(default)]
    pub blocked: bool,
    /// The replacement is neither in the account nor buyable: the swap waits
    /// in `action_required` until that name is imported.
    #[serde(default)]
    pub waiting_import: bool,
    /// The persona whose picture blocks a user-name swap row.
    #[serde(default)]
    pub persona: Option<PersonaInfo>,
}

impl SwapRec {
    /// A swap of domain `d`, nothing holding it.
    pub fn new(swap: Swap, d: &Domain) -> SwapRec {
        SwapRec {
            swap,
            order_id: d.order_id.clone(),
            user_id: d.user_id.clone(),
            blocked: false,
            waiting_import: false,
            persona: None,
        }
    }
}

/// What one order charged; the dedupe and "no partial state" tests read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Charge {
    pub order_id: String,
    pub amount_cents: i64,
    pub created_at: String,
    /// A failed order's charge is voided: nothing is billed.
    #[serde(default)]
    pub voided: bool,
}

/// A lifecycle step due at `due_ms`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub due_ms: i64,
    pub kind: TaskKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskKind {
    ConnectDomain {
        domain_id: String,
    },
    FinishOrder {
        order_id: String,
    },
    /// At `cancels_at`: the domains become `cancelled`, and the order when
    /// all of its domains are.
    FinishCancel {
        order_id: String,
        domain_ids: Vec<String>,
    },
    FinishImport {
        import_id: String,
    },
    FinishForwarding {
        job_id: String,
        domain_ids: Vec<String>,
        failed: Vec<String>,
        /// Every domain fails for this reason (a target trigger).
        #[serde(default)]
        failure: Option<peeker_partner::model::ForwardingFailureReason>,
    },
    SwapInProgress {
        swap_id: String,
    },
    FinishSwap {
        swap_id: String,
    },
    /// The end of a premium swap's 14-day warm period: the old domain goes.
    EndWarm {
        domain_id: String,
    },
}

/// One delivery attempt of an event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attempt {
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// An injected extra send of an already delivered event.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
    /// `at` in milliseconds (the sandbox clock).
    #[serde(default)]
    pub at_ms: i64,
}

/// A webhook event: its exact body (the same bytes on every attempt) and
/// where its delivery stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRec {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub created_at: String,
    pub body: String,
    pub attempts: Vec<Attempt>,
    /// `pending`, `delivered`, `failed` (5 attempts), or `not_sent` (no
    /// `--webhook-url`).
    pub outcome: String,
    /// When the next attempt is due, while `pending`.
    pub next_attempt_ms: Option<i64>,
    /// Attempts allowed before `failed`: 5, one more per manual retry.
    #[serde(default = "max_attempts")]
    pub max_attempts: usize,
}

fn max_attempts() -> usize {
    MAX_ATTEMPTS
}

/// Webhook attempts per event (docs/contract.md#webhook-delivery).
pub const MAX_ATTEMPTS: usize = 5;

/// The whole sandbox state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub bundles: BTreeMap<String, Bundle>,
    /// Bundles an order used: deleting them archives instead.
    pub bundles_used: BTreeMap<String, bool>,
    pub users: BTreeMap<String, peeker_partner::model::User>,
    /// Lower-cased email → active user id.
    pub user_by_email: HashMap<String, String>,
    pub orders: BTreeMap<String, OrderRec>,
    pub domains: BTreeMap<String, Domain>,
    /// Domain name → its newest row id.
    pub domain_by_name: HashMap<String, String>,
    pub imports: BTreeMap<String, DomainImport>,
    /// Sorted unique domain set of an import job → the job id.
    pub import_jobs: HashMap<String, String>,
    pub forwarding: BTreeMap<String, ForwardingJob>,
    pub swaps: BTreeMap<String, SwapRec>,
    pub actions: BTreeMap<String, PendingAction>,
    /// SHA-256 of an order body → (order id, when it was first accepted).
    pub order_dedupe: HashMap<String, (String, i64)>,
    pub charges: Vec<Charge>,
    /// Sorted by `due_ms`.
    pub tasks: VecDeque<Task>,
    pub events: BTreeMap<String, EventRec>,
    /// Ids of events still `pending`, oldest first.
    pub pending_events: VecDeque<String>,
    /// API key → swap tier (`POST /_sandbox/tier`); absent is `base`.
    #[serde(default)]
    pub tiers: BTreeMap<String, String>,
    /// Domain name → when it was last premium-swapped in or out (the 30-day
    /// cooldown).
    #[serde(default)]
    pub premium_swapped: HashMap<String, i64>,
    /// Names whose nameservers were set (`POST /_sandbox/nameservers`).
    #[serde(default)]
    pub nameservers_set: std::collections::BTreeSet<String>,
    /// How far `/_sandbox/clock` moved the clock: restored on a restart.
    #[serde(default)]
    pub clock_offset_ms: i64,
}

/// What a state change needs besides the state: the time, id source and
/// whether events will be sent.
pub struct Ctx<'a> {
    pub now: i64,
    pub ids: &'a Ulids,
    pub deliver: bool,
    /// Extra delay for each new event's first attempt (`--reorder`).
    pub first_attempt_jitter_ms: i64,
}

impl Ctx<'_> {
    pub fn id(&self, prefix: &str) -> String {
        self.ids.id(prefix, self.now)
    }
}

/// Finished events kept for `GET /_sandbox/deliveries`; older ones are dropped
/// so a long run does not grow without bound.
const FINISHED_EVENTS_KEPT: usize = 20_000;

impl State {
    /// Records an event and, with a webhook URL, queues its delivery.
    pub fn emit(&mut self, ctx: &Ctx<'_>, event_type: EventType, data: Value) {
        let id = ctx.id("evt_");
        let created_at = iso(ctx.now);
        let event = Event {
            id: id.clone(),
            event_type: event_type.clone(),
            created_at: created_at.clone(),
            data,
            extra: Default::default(),
        };
        let body = serde_json::to_string(&event).unwrap_or_default();
        let (outcome, next) = if ctx.deliver {
            let jitter = if ctx.first_attempt_jitter_ms > 0 {
                (ctx.ids.rng().next_u64() % ctx.first_attempt_jitter_ms.unsigned_abs()) as i64
            } else {
                0
            };
            self.pending_events.push_back(id.clone());
            ("pending", Some(ctx.now + jitter))
        } else {
            ("not_sent", None)
        };
        self.events.insert(
            id.clone(),
            EventRec {
                id,
                event_type: event_type.as_str().to_owned(),
                created_at,
                body,
                attempts: Vec::new(),
                outcome: outcome.to_owned(),
                next_attempt_ms: next,
                max_attempts: MAX_ATTEMPTS,
            },
        );
        self.trim_events();
    }

    fn trim_events(&mut self) {
        let excess = self
            .events
            .len()
            .saturating_sub(FINISHED_EVENTS_KEPT + self.pending_events.len());
        if excess == 0 {
            return;
        }
        let drop: Vec<String> = self
            .events
            .values()
            .filter(|e| e.outcome != "pending")
            .take(excess)
            .map(|e| e.id.clone())
            .collect();
        for id in drop {
            self.events.remove(&id);
        }
    }

    /// Schedules a lifecycle step, keeping `tasks` sorted by due time.
    pub fn schedule(&mut self, due_ms: i64, kind: TaskKind) {
        let at = self.tasks.partition_point(|t| t.due_ms <= due_ms);
        self.tasks.insert(at, Task { due_ms, kind });
    }

    /// Takes every step due at `now`.
    pub fn take_due(&mut self, now: i64) -> Vec<TaskKind> {
        let n = self.tasks.partition_point(|t| t.due_ms <= now);
        self.tasks.drain(..n).map(|t| t.kind).collect()
    }

    /// Sets a domain row's status; the row as it now is.
    pub fn set_domain_status(&mut self, id: &str, status: DomainStatus) -> Option<Domain> {
        let d = self.domains.get_mut(id)?;
        d.status = status;
        Some(d.clone())
    }

    pub fn open_action(&mut self, a: PendingAction) {
        self.actions.insert(a.id.clone(), a);
    }

    /// How many open pending actions `of` accepts.
    pub fn open_actions(&self, of: impl Fn(&PendingAction) -> bool) -> usize {
        self.actions
            .values()
            .filter(|a| a.status == PendingActionStatus::Open && of(a))
            .count()
    }

    /// The live domain row named `name` (not cancelled), if any.
    pub fn live_domain_named(&self, name: &str) -> Option<&Domain> {
        let id = self.domain_by_name.get(name)?;
        self.domains.get(id).filter(|d| is_live(d))
    }

    /// A domain of the partner's account by `dom_…` id or by name.
    pub fn find_domain(&self, reference: &str) -> Option<&Domain> {
        if reference.starts_with("dom_") {
            self.domains.get(reference)
        } else {
            self.live_domain_named(reference)
        }
    }
}

/// A model value as JSON (an event's `data`).
pub fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Whether a label of `name` contains `word` (the scenario triggers).
pub fn has_label(name: &str, word: &str) -> bool {
    name.split('.').any(|l| l.contains(word))
}

/// Not cancelled (a cancelled domain is released for new orders).
pub fn is_live(d: &Domain) -> bool {
    d.status.as_str() != "cancelled"
}

//! `src/js/resources.gen.js` (the client's namespaces and methods) and
//! `src/js/events.gen.js` (the event types this version knows).

use super::HEADER;
use peeker_partner::request::{Args, Endpoint, CLIENT_HELPERS};
use std::fmt::Write as _;

/// One client method: namespace, method, client name (`orders.create`), and
/// how the JS resource table calls the wasm handle.
pub struct ClientMethod {
    pub namespace: String,
    pub method: String,
    pub client: &'static str,
    pub kind: &'static str,
}

/// How the JS resource table calls the wasm handle.
fn call_kind(args: Args, paginated: bool) -> &'static str {
    match args {
        _ if paginated => "list",
        Args::IdBody | Args::IdOptionalBody => "two",
        _ => "one",
    }
}

/// Every client method but `me`, endpoints first; a helper of the same name
/// replaces its endpoint's method.
pub fn client_methods() -> Vec<ClientMethod> {
    let mut rows: Vec<ClientMethod> = Vec::new();
    let mut push = |client: &'static str, kind: &'static str| {
        if let Some((ns, method)) = client.split_once('.') {
            let row = ClientMethod {
                namespace: ns.to_owned(),
                method: method.to_owned(),
                client,
                kind,
            };
            match rows.iter_mut().find(|r| r.client == client) {
                Some(old) => *old = row,
                None => rows.push(row),
            }
        }
    };
    for &e in Endpoint::ALL {
        push(e.client_name(), call_kind(e.args(), e.paginated()));
    }
    for h in CLIENT_HELPERS {
        push(h.client, "one");
    }
    rows
}

/// The namespaces of `client_methods()` rows, in first-seen order.
pub fn namespaces(rows: &[ClientMethod]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in rows {
        if !out.contains(&r.namespace.as_str()) {
            out.push(&r.namespace);
        }
    }
    out
}

pub fn resources_js() -> String {
    let mut out = format!(
        "// {HEADER}.\n// Client namespaces → [wasm handle method name, how it is called].\nexport function resourceTable() {{\n  return {{\n"
    );
    let rows = client_methods();
    for ns in namespaces(&rows) {
        let _ = writeln!(out, "    {ns}: {{");
        for r in rows.iter().filter(|r| r.namespace == ns) {
            let (method, client, kind) = (&r.method, r.client, r.kind);
            let _ = writeln!(out, "      {method}: [{client:?}, {kind:?}],");
        }
        out.push_str("    },\n");
    }
    out.push_str("  };\n}\n");
    out
}

/// The event types the core knows, for `isKnownEvent` (plain JS: smaller
/// than a wasm export in the verifier-only entry).
pub fn events_js() -> String {
    let mut out = format!("// {HEADER}.\n// The webhook event types this version knows (EventType::KNOWN).\nexport const KNOWN_EVENT_TYPES = new Set([\n");
    for event_type in peeker_partner::model::EventType::KNOWN {
        let _ = writeln!(out, "  {event_type:?},");
    }
    out.push_str("]);\n");
    out
}

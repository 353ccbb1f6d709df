//! `src/js/api.gen.d.ts`: the TypeScript of every model type, event, code
//! and request builder.

use super::schemas::Api;
use super::ts::{declare, doc, ts};
use super::{pascal, HEADER};
use peeker_partner::model::EVENTS;
use peeker_partner::request::{Args, Endpoint};
use schemars::SchemaGenerator;
use std::fmt::Write as _;

pub fn types_ts(api: &Api) -> String {
    let mut out = format!("// {HEADER}.\n");
    for (name, schema) in api.definitions() {
        if name == "Links" || name == "Meta" {
            continue; // written with List<T> below
        }
        declare(&mut out, &name, &schema);
    }
    out.push_str(LIST_TS);
    write_events_ts(&mut out);
    write_codes_ts(&mut out);
    write_builders_ts(&mut out);
    out
}

const LIST_TS: &str = r#"
/** `{"data": ...}`: every success body wraps its resource. */
export interface DataEnvelope<T> {
  data: T;
}

/** `links` of a list page. */
export interface Links {
  /** The first page, with the active filters kept. */
  first: string;
  /** The next page; `null` on the last page. Opaque: follow it, never build it. */
  next: string | null;
}

/** `meta` of a list page. There is no total count. */
export interface Meta {
  path: string;
  per_page: number;
  /** Rows in this page. */
  returned: number;
}

/** One page of a list endpoint: `{data, links, meta}`. */
export interface List<T> {
  data: T[];
  links: Links;
  meta: Meta;
}
"#;

fn data_ts(kind: &peeker_partner::model::EventKind) -> String {
    let mut g = SchemaGenerator::default();
    ts(&(kind.data)(&mut g).to_value(), "", "")
}

fn write_events_ts(out: &mut String) {
    out.push_str("\n/** Every event type this version knows. */\nexport type EventType =\n");
    for kind in EVENTS {
        let _ = writeln!(out, "  | {:?}", kind.event_type);
    }
    out.truncate(out.trim_end().len());
    out.push_str(";\n");
    for kind in EVENTS {
        out.push('\n');
        doc(
            out,
            "",
            Some(&format!(
                "`{}`: {}",
                kind.event_type,
                kind.description.trim()
            )),
        );
        let _ = writeln!(
            out,
            "export interface {}Event {{\n  id: string;\n  type: {:?};\n  created_at: string;\n  data: {};\n}}",
            pascal(kind.event_type),
            kind.event_type,
            data_ts(kind)
        );
    }
    out.push_str(
        "\n/**\n * A verified event of a type this version knows: `switch (event.type)` narrows\n * `event.data` to that type's resource.\n */\nexport type WebhookEvent =\n",
    );
    for kind in EVENTS {
        let _ = writeln!(out, "  | {}Event", pascal(kind.event_type));
    }
    out.truncate(out.trim_end().len());
    out.push_str(";\n");
    out.push_str(
        r#"
/**
 * An event whose `type` this version does not know: kept as sent, never
 * refused, and `id`, `type` and the whole event can be logged or stored.
 *
 * Its `data` is typed `never` on purpose: in `WebhookEvent | UnknownWebhookEvent`,
 * `if (event.type === "order.completed")` (or a `switch` case) then narrows
 * `event.data` to that type's resource with no guard, as `never` adds nothing
 * to a union. To read the data of a type this version does not know, cast it
 * (`event.data as Record<string, unknown>`); for exhaustive handling,
 * `isKnownEvent(event)` tells a `WebhookEvent` from this.
 */
export interface UnknownWebhookEvent {
  id: string;
  type: string;
  created_at: string;
  data: never;
}

/** The type of each event's `data`. */
export interface EventData {
"#,
    );
    for kind in EVENTS {
        let _ = writeln!(out, "  {:?}: {};", kind.event_type, data_ts(kind));
    }
    out.push_str("}\n");
}

pub fn string_union(name: &str, docs: &str, values: &[&str]) -> String {
    let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!(
        "\n/** {docs} */\nexport type {name} = {};\n",
        list.join(" | ")
    )
}

fn write_codes_ts(out: &mut String) {
    out.push_str(&string_union(
        "WebhookErrorCode",
        "Why a webhook delivery was refused (`WebhookVerificationError.code`).",
        peeker_partner::webhook::codes::ALL,
    ));
    let reasons: Vec<&str> = peeker_partner::retry::Reason::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    out.push_str(&string_union(
        "RetryReason",
        "Why the client retries (`RetryInfo.reason`).",
        &reasons,
    ));
    let methods: Vec<&str> = {
        let mut m: Vec<&str> = Vec::new();
        for e in Endpoint::ALL {
            if !m.contains(&e.method().as_str()) {
                m.push(e.method().as_str());
            }
        }
        m
    };
    out.push_str(&string_union(
        "HttpMethod",
        "The HTTP methods the API uses.",
        &methods,
    ));
    let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.client_name()).collect();
    out.push_str(&string_union(
        "EndpointName",
        "Every endpoint, by the name of its client method.",
        &names,
    ));
}

/// The TypeScript parameters of an endpoint's arguments, the named types
/// written `{ns}Name`.
pub fn params_ts(e: Endpoint, ns: &str) -> String {
    let mut g = SchemaGenerator::default();
    let body = e.body_schema().map(|f| ts(&f(&mut g).to_value(), "", ns));
    let query = e.query_schema().map(|f| ts(&f(&mut g).to_value(), "", ns));
    let body = body.unwrap_or_default();
    let query = query.unwrap_or_default();
    match e.args() {
        Args::None => String::new(),
        Args::Id => "id: string".into(),
        Args::Body => format!("body: {body}"),
        Args::IdBody => format!("id: string, body: {body}"),
        Args::IdOptionalBody => format!("id: string, body?: {body}"),
        Args::Query => format!("query: {query}"),
        Args::OptionalQuery => format!("query?: {query}"),
    }
}

/// The TypeScript type of an endpoint's `data` (of one item, for a page).
pub fn response_ts(e: Endpoint, ns: &str) -> String {
    let mut g = SchemaGenerator::default();
    ts(&(e.response_schema())(&mut g).to_value(), "", ns)
}

fn write_builders_ts(out: &mut String) {
    out.push_str(
        r#"
/** One request, ready for any HTTP client: path relative to the base URL. */
export interface HttpRequest {
  method: HttpMethod;
  /** e.g. `/orders/ord_123/cancel`, ids percent-encoded. */
  path: string;
  /** Name/value pairs, not yet encoded, in a fixed order. */
  query: [string, string][];
  /**
   * Canonical JSON bytes (`Content-Type: application/json`), or null for no body.
   * Over a plain `ArrayBuffer`, so that `fetch(url, { body })` accepts it.
   */
  body: Uint8Array<ArrayBuffer> | null;
  /** Whether the request may be re-sent after it may have reached the server. */
  retry_safe: boolean;
}

/** Every endpoint, by the name of its client method, with its arguments. */
export interface RequestBuilders {
"#,
    );
    for &e in Endpoint::ALL {
        let _ = writeln!(
            out,
            "  /** `{} {}`: {} */\n  {:?}: ({}) => HttpRequest;",
            e.method().as_str(),
            e.path_template(),
            e.summary(),
            e.client_name(),
            params_ts(e, "")
        );
    }
    out.push_str("}\n");
}

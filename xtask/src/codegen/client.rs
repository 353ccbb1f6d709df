//! `pkg-template/client.gen.d.ts`: the `PeekerClient` declaration (its
//! methods from the endpoint table and the helpers) and its options
//! interfaces (from the options table, src/options.rs).

use super::resources::{client_methods, namespaces};
use super::ts::doc;
use super::types::{params_ts, response_ts};
use super::HEADER;
use peeker_partner::options::{Default, INTERFACES};
use peeker_partner::request::{Endpoint, Helper, HelperKind};
use std::fmt::Write as _;

/// The model types, imported as `api`.
const NS: &str = "api.";

pub fn client_ts() -> String {
    let mut out = format!(
        "// {HEADER}.\nimport type * as api from \"./peeker_partner.js\";\nimport type {{ RetryInfo }} from \"./client.js\";\n"
    );
    write_options(&mut out);
    out.push_str(
        r#"
/** `for await (const item of walker)` walks every item of every page. */
export interface PageWalker<T> extends AsyncIterable<T> {
  /** The pages themselves. */
  pages(): AsyncIterable<api.List<T>>;
}

/** The Peeker Partner API client. Its key never appears in a property, an error, `toString()` or `JSON.stringify`. */
export declare class PeekerClient {
  constructor(options: PeekerClientOptions);
"#,
    );
    let me = Endpoint::Me;
    doc(
        &mut out,
        "  ",
        Some(&format!("`GET /me`: {}", me.summary())),
    );
    let _ = writeln!(out, "  me{};", endpoint_ts(me));
    let rows = client_methods();
    for ns in namespaces(&rows) {
        let _ = writeln!(out, "  readonly {ns}: {{");
        for row in rows.iter().filter(|r| r.namespace == ns) {
            let method = &row.method;
            if let Some(h) = Helper::find(row.client) {
                doc(&mut out, "    ", Some(h.summary));
                let _ = writeln!(out, "    {method}{};", helper_ts(&h));
            } else if let Some(e) = Endpoint::from_client_name(row.client) {
                let summary = format!(
                    "`{} {}`{}{}",
                    e.method().as_str(),
                    e.path_template(),
                    if e.summary().is_empty() { "" } else { ": " },
                    e.summary()
                );
                doc(&mut out, "    ", Some(&summary));
                let _ = writeln!(out, "    {method}{};", endpoint_ts(e));
            }
        }
        out.push_str("  };\n");
    }
    out.push_str(CLIENT_TAIL);
    out
}

/// An endpoint method's signature: its arguments, the call options, and a
/// promise of its answer (a walker of its items, for a list).
fn endpoint_ts(e: Endpoint) -> String {
    let params = params_ts(e, NS);
    let params = if params.is_empty() {
        String::new()
    } else {
        format!("{params}, ")
    };
    let item = response_ts(e, NS);
    let ret = if e.paginated() {
        format!("PageWalker<{item}>")
    } else {
        format!("Promise<{NS}DataEnvelope<{item}>>")
    };
    format!("({params}options?: CallOptions): {ret}")
}

fn helper_ts(h: &Helper) -> String {
    match h.kind {
        HelperKind::Availability => format!(
            "(names: string[], options?: AvailabilityOptions): Promise<{NS}AvailabilityRow[]>"
        ),
        HelperKind::Wait(poll) => format!(
            "(id: string, options?: WaitOptions): Promise<{NS}DataEnvelope<{}>>",
            response_ts(poll.endpoint(), NS)
        ),
    }
}

/// The options interfaces, each option's default written into its doc.
fn write_options(out: &mut String) {
    for interface in INTERFACES {
        out.push('\n');
        doc(out, "", Some(interface.doc));
        let extends = interface
            .extends
            .map(|p| format!(" extends {p}"))
            .unwrap_or_default();
        let _ = writeln!(out, "export interface {}{extends} {{", interface.name);
        for o in interface.options {
            let text = match (o.default, o.doc.split_once("{default}")) {
                (Some(default), Some((head, tail))) => {
                    let value = match default {
                        Default::Whole(w) => thousands(w.default),
                        Default::Text(t) => t.to_owned(),
                    };
                    format!("{head}{value}{tail}")
                }
                _ => o.doc.to_owned(),
            };
            doc(out, "  ", Some(&text));
            let _ = writeln!(out, "  {}?: {};", o.name, o.ts);
        }
        out.push_str("}\n");
    }
}

/// `30000` → `30,000`; below 10,000 as it is (`1000 ms`).
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    if n < 10_000 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const CLIENT_TAIL: &str = r#"  /** Releases the client's wasm memory now rather than at garbage collection. */
  free(): void;
  /** `free()`, for `using client = new PeekerClient(…)` (defined where the runtime has `Symbol.dispose`). */
  [Symbol.dispose](): void;
  /** `PeekerClient(<baseUrl>)`: never the key. */
  toString(): string;
  /** `{baseUrl}`: what `JSON.stringify` shows; never the key. */
  toJSON(): { baseUrl: string };
}

// `Symbol.dispose` for a lib older than esnext.disposable (as @types/node declares it).
declare global {
  interface SymbolConstructor {
    /** The method `using` calls at the end of its block. */
    readonly dispose: unique symbol;
  }
}
"#;

//! The package's entries and runtimes: the one list the wasm builds, the
//! exports map in pkg/package.json and each entry's `.d.ts` come from.

/// Which names of a module an entry re-exports.
#[derive(Clone, Copy)]
pub enum Names {
    All,
    Only(&'static [&'static str]),
}

impl Names {
    /// As the clause of an `export … from` statement: `*` or `{ a, b }`.
    pub fn clause(self) -> String {
        match self {
            Names::All => "*".to_owned(),
            Names::Only(names) => format!("{{ {} }}", names.join(", ")),
        }
    }
}

/// One entry of the package (`peeker-partner`, `peeker-partner/validate`,
/// `peeker-partner/webhooks`): its own wasm, built with its own features, so a
/// page pays only for what it imports.
pub struct Entry {
    /// pkg/<name>.{workerd,node,browser}.js and <name>.node.cjs are its
    /// modules, <name>.d.ts its declarations; "index" is the package root.
    pub name: &'static str,
    /// The file stem of its wasm-bindgen output (pkg/<stem>_bg.wasm).
    pub stem: &'static str,
    /// Extra cargo arguments selecting the features.
    pub features: &'static str,
    /// The whole package: its wasm-bindgen declarations ship as <stem>.d.ts
    /// (the other entries' declarations point into them), it re-exports
    /// `watchEvents`, and it is also `peeker-partner/web`.
    pub full: bool,
    /// Whether it exports the webhook verifier (then `handleWebhook` is bound
    /// in JS, and Node computes the HMAC with node:crypto).
    pub webhooks: bool,
    /// The entry whose Node builds supply this one's webhook functions, so
    /// Node verifies with that entry's wasm.
    pub node_webhooks_from: Option<&'static str>,
    /// What it exports of errors.js: the verifier entry only the classes its
    /// functions throw (a receiver's bundle carries no API error classes).
    pub errors: Names,
    /// What it exports of the model's types: the verifier entry only those
    /// its functions take and return.
    pub types: Names,
}

pub const ENTRIES: &[Entry] = &[
    // Everything, with the client. SHA-256 (browser tokens, and the webhook
    // HMAC where node:crypto is absent) on wasm SIMD, as the verifier entry
    // below: faster than the unrolled rounds, and smaller overall.
    Entry {
        name: "index",
        stem: "peeker_partner",
        features: "--config=build.rustflags=['-C','target-feature=+simd128']",
        full: true,
        webhooks: true,
        // In Node its webhook functions are the verifier entry's own: that
        // wasm (opt-level "s" against "z") checks a delivery faster than the
        // full module, and Node does not count bytes.
        node_webhooks_from: Some("webhooks"),
        errors: Names::All,
        types: Names::All,
    },
    // Validators, split, planner, sizing and request builders: no client, no
    // transport, no verifier.
    Entry {
        name: "validate",
        stem: "peeker_validate",
        features: "--no-default-features --features validate",
        full: false,
        webhooks: false,
        node_webhooks_from: None,
        errors: Names::All,
        types: Names::All,
    },
    // The verifier alone, for Workers that only receive webhooks. SHA-256 on
    // wasm SIMD (sha2's simd128 backend; every runtime the package supports
    // has it): faster than the compact rounds for a little more size; the
    // unrolled rounds are both slower than SIMD and larger. Opt-level "s"
    // here is smaller than "z" (sha2 itself is built at 3, see Cargo.toml).
    Entry {
        name: "webhooks",
        stem: "peeker_webhooks",
        features: "--no-default-features --features webhooks \
            --config=build.rustflags=['-C','target-feature=+simd128'] \
            --config=profile.release.opt-level='s'",
        full: false,
        webhooks: true,
        node_webhooks_from: None,
        errors: Names::Only(&["PeekerError", "WebhookVerificationError"]),
        types: Names::Only(&[
            "WebhookEvent",
            "UnknownWebhookEvent",
            "EventData",
            "VerifyWebhookOptions",
            "WebhookCheck",
            "WebhookErrorCode",
            "WebhookHeadersInit",
            "HandleWebhookOptions",
            "WebhookDiagnosis",
            "WebhookDiagnosisCause",
            "EventType",
        ]),
    },
];

/// Entries without a wasm: pkg-template/<name>.js (an ES module) and its
/// CommonJS copy <name>.cjs, declared by pkg-template/<name>.d.ts.
pub const JS_ENTRIES: &[&str] = &["watch"];

/// The ES module builds of each wasm entry, one per runtime, each with its
/// loading tail pkg-template/auto-init/<runtime>.js. In the exports map's
/// order: a resolver takes the first condition it matches.
pub const RUNTIMES: &[&str] = &["workerd", "node", "browser"];

/// Node's runtime: it also has a CommonJS build, <name>.node.cjs (its tail
/// auto-init/node-cjs.js), for `require`, and computes webhook HMACs with
/// node:crypto.
pub const NODE_RUNTIME: &str = "node";

/// The build a resolver gets when it matches no runtime condition (what
/// bundlers and browsers load).
pub const DEFAULT_RUNTIME: &str = "browser";

/// The whole package's entry (see [`Entry::full`]).
pub fn full() -> &'static Entry {
    ENTRIES
        .iter()
        .find(|e| e.full)
        .expect("one entry is the whole package")
}

pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        assert_eq!(ENTRIES.iter().filter(|e| e.full).count(), 1);
        for (i, entry) in ENTRIES.iter().enumerate() {
            assert!(
                ENTRIES[..i]
                    .iter()
                    .all(|e| e.name != entry.name && e.stem != entry.stem),
                "{} twice",
                entry.name
            );
            assert!(!JS_ENTRIES.contains(&entry.name));
            if let Some(from) = entry.node_webhooks_from {
                let from = super::entry(from).expect("node_webhooks_from names an entry");
                assert!(entry.webhooks && from.webhooks && from.node_webhooks_from.is_none());
            }
        }
        assert!(RUNTIMES.contains(&NODE_RUNTIME) && RUNTIMES.contains(&DEFAULT_RUNTIME));
    }
}

//! The options of the JS client (`new PeekerClient(options)` and each call's
//! options): names, defaults and accepted ranges, read by the client
//! (`src/js/client.rs`), and their declarations, from which `cargo xtask
//! codegen` writes the option interfaces of `pkg-template/client.gen.d.ts`.

/// Where the client sends requests unless `baseUrl` says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.peeker.ai/partner/v1";

/// A whole-number option: its name, default and accepted range (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole {
    pub name: &'static str,
    pub default: u32,
    pub min: u32,
    pub max: u32,
}

pub const MAX_RETRIES: Whole = Whole {
    name: "maxRetries",
    default: 2,
    min: 0,
    max: 100,
};
pub const TIMEOUT_MS: Whole = Whole {
    name: "timeoutMs",
    default: 30_000,
    min: 1,
    max: 2_147_483_647,
};
pub const RATE_LIMIT_PER_MINUTE: Whole = Whole {
    name: "rateLimitPerMinute",
    default: 600,
    min: 0,
    max: 10_000_000,
};
pub const POLL_INTERVAL_MS: Whole = Whole {
    name: "pollIntervalMs",
    default: 1000,
    min: 1,
    max: 3_600_000,
};
pub const MAX_WAIT_MS: Whole = Whole {
    name: "maxWaitMs",
    default: 600_000,
    min: 1,
    max: 2_147_483_647,
};

/// One options interface of the package's declarations.
#[derive(Debug, Clone, Copy)]
pub struct Interface {
    pub name: &'static str,
    pub extends: Option<&'static str>,
    pub doc: &'static str,
    pub options: &'static [Opt],
}

/// One option as declared: `doc` writes its default where it says `{default}`.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    /// Its TypeScript type.
    pub ts: &'static str,
    pub doc: &'static str,
    pub default: Option<Default>,
}

#[derive(Debug, Clone, Copy)]
pub enum Default {
    Whole(Whole),
    Text(&'static str),
}

const fn opt(name: &'static str, ts: &'static str, doc: &'static str) -> Opt {
    Opt {
        name,
        ts,
        doc,
        default: None,
    }
}

const fn whole(w: Whole, doc: &'static str) -> Opt {
    Opt {
        name: w.name,
        ts: "number",
        doc,
        default: Some(Default::Whole(w)),
    }
}

/// Every options interface, in declaration order.
pub const INTERFACES: &[Interface] = &[
    Interface {
        name: "PeekerClientOptions",
        extends: None,
        doc: "Options of `new PeekerClient(...)`.",
        options: &[
            opt("apiKey", "string", "`pk_test_…` or `pk_live_…`. May be left out only with a `baseUrl` (a proxy that adds it)."),
            opt("token", "string", "A browser token (`mintBrowserToken`, from your backend) for the Worker's\n`/api` proxy: sent as `Authorization: Bearer …`; needs `baseUrl`, never with `apiKey`."),
            Opt {
                default: Some(Default::Text(DEFAULT_BASE_URL)),
                ..opt("baseUrl", "string", "Default `{default}`. No user or password; `https:`\nunless the host is loopback (`127.0.0.1`, `localhost`, `[::1]`).")
            },
            whole(MAX_RETRIES, "Retries after the first attempt (default {default})."),
            whole(TIMEOUT_MS, "Per attempt, in ms (default {default})."),
            whole(RATE_LIMIT_PER_MINUTE, "The client's token bucket, shared by every call (default {default}; 0 = off)."),
            opt("dangerouslyAllowBrowser", "boolean", "Allow a `pk_live_` key where `window` and `document` exist (default false)."),
            opt("onRetry", "(info: RetryInfo) => void", "Called before each retry's wait; holds no secret."),
        ],
    },
    Interface {
        name: "CallOptions",
        extends: None,
        doc: "Per-call options: override the client's.",
        options: &[
            opt("signal", "AbortSignal", ""),
            opt(TIMEOUT_MS.name, "number", ""),
            opt(MAX_RETRIES.name, "number", ""),
        ],
    },
    Interface {
        name: "AvailabilityOptions",
        extends: Some("CallOptions"),
        doc: "",
        options: &[opt("onProgress", "(done: number, total: number) => void", "After each call of 50: names done so far, and all names.")],
    },
    Interface {
        name: "WaitOptions",
        extends: Some("CallOptions"),
        doc: "",
        options: &[
            whole(POLL_INTERVAL_MS, "The first pause between polls (default {default} ms; grows ×1.5 up to 60 s)."),
            whole(MAX_WAIT_MS, "Give up (TimeoutError) after this long (default {default} ms)."),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_written_in_its_doc() {
        for i in INTERFACES {
            for o in i.options {
                assert_eq!(
                    o.default.is_some(),
                    o.doc.contains("{default}"),
                    "{}.{}",
                    i.name,
                    o.name
                );
            }
        }
    }

    #[test]
    fn defaults_are_in_range() {
        for w in [
            MAX_RETRIES,
            TIMEOUT_MS,
            RATE_LIMIT_PER_MINUTE,
            POLL_INTERVAL_MS,
            MAX_WAIT_MS,
        ] {
            assert!(w.min <= w.default && w.default <= w.max, "{}", w.name);
        }
    }
}

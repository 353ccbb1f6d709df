//! The client methods that are more than one request: chunked availability
//! and the waits that poll a job until it ends.

use super::Endpoint;

/// A client method that is more than one request. It adds to (or, with the
/// same name, replaces) the endpoint methods on `PeekerClient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Helper {
    /// `"imports.waitJob"`.
    pub client: &'static str,
    pub kind: HelperKind,
    pub summary: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperKind {
    /// Any number of names, 50 a call, rows in input order.
    Availability,
    /// Polls with backoff until a terminal status.
    Wait(Poll),
}

/// Every client helper.
pub const CLIENT_HELPERS: &[Helper] = &[
    Helper {
        client: "domains.availability",
        kind: HelperKind::Availability,
        summary: "Any number of names, sent 50 a call within the rate limit; rows in input order.",
    },
    Helper {
        client: "imports.wait",
        kind: HelperKind::Wait(Poll::Import),
        summary: "Polls `GET /domains/import/{id}` until `completed` or `failed`.",
    },
    Helper {
        client: "imports.waitJob",
        kind: HelperKind::Wait(Poll::ImportJob),
        summary: "Polls `GET /domains/import/jobs/{id}` until `completed` or `failed`.",
    },
    Helper {
        client: "forwarding.wait",
        kind: HelperKind::Wait(Poll::Forwarding),
        summary:
            "Polls `GET /domains/forwarding/{id}` until `completed`, `partial_success` or `failed`.",
    },
];

impl Helper {
    pub fn find(client: &str) -> Option<Helper> {
        CLIENT_HELPERS.iter().copied().find(|h| h.client == client)
    }
}

/// What a `wait` helper polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poll {
    /// `GET /domains/import/{id}`: done at `completed` or `failed`
    /// (`action_required` waits on the customer's nameservers: keep polling).
    Import,
    /// `GET /domains/import/jobs/{id}`: as `Import`.
    ImportJob,
    /// `GET /domains/forwarding/{id}`: done at `completed`, `partial_success`
    /// or `failed`.
    Forwarding,
}

impl Poll {
    /// The endpoint polled.
    pub fn endpoint(self) -> Endpoint {
        match self {
            Poll::Import => Endpoint::RetrieveImport,
            Poll::ImportJob => Endpoint::RetrieveImportJob,
            Poll::Forwarding => Endpoint::RetrieveForwarding,
        }
    }

    /// Whether `status` ends the wait.
    pub fn is_terminal(self, status: &str) -> bool {
        match self {
            Poll::Import | Poll::ImportJob => matches!(status, "completed" | "failed"),
            Poll::Forwarding => matches!(status, "completed" | "partial_success" | "failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_statuses() {
        assert!(Poll::Import.is_terminal("completed"));
        assert!(Poll::Import.is_terminal("failed"));
        assert!(!Poll::Import.is_terminal("in_progress"));
        assert!(!Poll::Import.is_terminal("action_required"));
        assert!(Poll::Forwarding.is_terminal("partial_success"));
        assert!(!Poll::Forwarding.is_terminal("in_progress"));
    }
}

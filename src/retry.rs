//! Retry decisions and the client's rate limiter (docs/contract.md#idempotency-and-retries).
//!
//! Pure: the caller passes what happened, the attempt number, the time and a
//! random number in `[0, 1)`; nothing here reads a clock or a random source.
//! The transport (`src/transport`, wasm only) does the sleeping.

use crate::error::classes::{handling, Retry};
use crate::model::ApiError;

/// Exponential backoff base for 5xx and connection failures.
pub const BACKOFF_BASE_MS: u64 = 500;
/// Exponential backoff cap (before jitter).
pub const BACKOFF_CAP_MS: u64 = 8_000;
/// The wait on a 429 without `details.retry_after_seconds`.
pub const DEFAULT_RETRY_AFTER_SECONDS: u64 = 5;
/// The most jitter added to a 429's wait.
pub const RATE_LIMIT_JITTER_MS: u64 = 1_000;

/// What one attempt ended with.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered with a non-2xx status; `error` is its parsed
    /// envelope, when the body was one.
    Status {
        status: u16,
        error: Option<&'a ApiError>,
    },
    /// The connection failed. `before_send`: the failure is known to have
    /// happened before any byte of the request could reach the server.
    Connection { before_send: bool },
    /// The per-attempt timeout fired; the request may have reached the server.
    Timeout,
}

/// Why a retry happens (for the `onRetry` hook and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    RateLimited,
    ServerError,
    Connection,
    Timeout,
}

impl Reason {
    pub const ALL: &'static [Reason] = &[
        Reason::RateLimited,
        Reason::ServerError,
        Reason::Connection,
        Reason::Timeout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RateLimited => "rate_limited",
            Reason::ServerError => "server_error",
            Reason::Connection => "connection_error",
            Reason::Timeout => "timeout",
        }
    }
}

/// Retry after `delay_ms`, or give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Retry { delay_ms: u64, reason: Reason },
    Stop,
}

/// Whether to retry after an attempt, and how long to wait first.
///
/// - `retry_safe`: [`crate::request::Endpoint::retry_safe`].
/// - `retries_done`: retries already made (0 after the first attempt).
/// - `random`: a number in `[0, 1)` for the jitter (clamped if outside).
///
/// Which statuses are retried is the error table's `retry` column
/// ([`crate::error::classes`]): 429 is always retried (the server refused
/// before doing anything) after `details.retry_after_seconds` (5 s if
/// absent) plus 0–1 s of jitter. 5xx, connection failures and timeouts are
/// retried with exponential backoff and full jitter, but only for retry-safe
/// endpoints, or for connection failures known to precede sending. Other
/// statuses are never retried.
pub fn decide(
    retry_safe: bool,
    outcome: Outcome<'_>,
    retries_done: u32,
    max_retries: u32,
    random: f64,
) -> Decision {
    if retries_done >= max_retries {
        return Decision::Stop;
    }
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let backoff = |reason| Decision::Retry {
        delay_ms: full_jitter(retries_done, random),
        reason,
    };
    match outcome {
        Outcome::Status { status, error } => match handling(status).map(|h| h.answer.retry) {
            Some(Retry::AfterRateLimit) => {
                let seconds = error
                    .and_then(ApiError::retry_after_seconds)
                    .unwrap_or(DEFAULT_RETRY_AFTER_SECONDS)
                    // A day at most: a server can not park a caller forever.
                    .min(86_400);
                Decision::Retry {
                    delay_ms: seconds * 1000 + scale(RATE_LIMIT_JITTER_MS, random),
                    reason: Reason::RateLimited,
                }
            }
            Some(Retry::Backoff) if retry_safe => backoff(Reason::ServerError),
            _ => Decision::Stop,
        },
        Outcome::Connection { before_send } if retry_safe || before_send => {
            backoff(Reason::Connection)
        }
        Outcome::Timeout if retry_safe => backoff(Reason::Timeout),
        _ => Decision::Stop,
    }
}

/// `random × min(cap, base × 2^retries_done)`: "full jitter".
pub fn full_jitter(retries_done: u32, random: f64) -> u64 {
    let exp = BACKOFF_BASE_MS.saturating_mul(1u64 << retries_done.min(20));
    scale(exp.min(BACKOFF_CAP_MS), random)
}

fn scale(max: u64, random: f64) -> u64 {
    let r = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    // max ≤ 2^44 here, exact in f64.
    ((max as f64) * r) as u64
}

/// A token bucket: `per_minute` requests a minute, shared by every call of one
/// client. It holds one token at most, so requests are spread evenly and a
/// fixed one-minute server window never sees more than `per_minute` of them.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    interval_ms: f64,
    /// When the next token is free (ms, the caller's clock).
    next_free_ms: f64,
}

impl TokenBucket {
    /// `per_minute` of 0 disables limiting.
    pub fn new(per_minute: u32) -> Self {
        TokenBucket {
            interval_ms: if per_minute == 0 {
                0.0
            } else {
                60_000.0 / f64::from(per_minute)
            },
            next_free_ms: f64::NEG_INFINITY,
        }
    }

    /// Takes a token at `now_ms`: `0` when one was free, else how long to wait
    /// before the reserved slot. The slot is reserved either way, so callers
    /// that wait the answer are served in order and never exceed the rate.
    pub fn reserve(&mut self, now_ms: f64) -> u64 {
        if !now_ms.is_finite() {
            return 0;
        }
        let slot = self.next_free_ms.max(now_ms);
        self.next_free_ms = slot + self.interval_ms;
        (slot - now_ms).ceil() as u64
    }

    /// Gives back a reservation that was not used (the caller aborted while
    /// waiting), when it is still the last one handed out.
    pub fn release(&mut self, slot_end_ms: f64) {
        if self.next_free_ms == slot_end_ms {
            self.next_free_ms -= self.interval_ms;
        }
    }

    /// The end of the last reserved slot (for [`TokenBucket::release`]).
    pub fn last_slot_end(&self) -> f64 {
        self.next_free_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(details: Option<serde_json::Value>) -> ApiError {
        ApiError {
            code: "rate_limited".into(),
            message: "API rate limit exceeded".into(),
            field: None,
            details,
            extra: Default::default(),
        }
    }

    fn status(status: u16) -> Outcome<'static> {
        Outcome::Status {
            status,
            error: None,
        }
    }

    #[test]
    fn rate_limited_waits_as_told_plus_jitter() {
        let e = api_error(Some(serde_json::json!({"retry_after_seconds": 12})));
        let o = Outcome::Status {
            status: 429,
            error: Some(&e),
        };
        // Even for endpoints that are not retry-safe: 429 did nothing.
        for safe in [true, false] {
            assert_eq!(
                decide(safe, o, 0, 2, 0.0),
                Decision::Retry {
                    delay_ms: 12_000,
                    reason: Reason::RateLimited
                }
            );
            assert_eq!(
                decide(safe, o, 1, 2, 0.5),
                Decision::Retry {
                    delay_ms: 12_500,
                    reason: Reason::RateLimited
                }
            );
        }
    }

    #[test]
    fn rate_limited_without_details_waits_five_seconds() {
        assert_eq!(
            decide(false, status(429), 0, 1, 0.999),
            Decision::Retry {
                delay_ms: 5_999,
                reason: Reason::RateLimited
            }
        );
        let odd = api_error(Some(serde_json::json!({"retry_after_seconds": "soon"})));
        let o = Outcome::Status {
            status: 429,
            error: Some(&odd),
        };
        assert_eq!(
            decide(true, o, 0, 1, 0.0),
            Decision::Retry {
                delay_ms: 5_000,
                reason: Reason::RateLimited
            }
        );
    }

    #[test]
    fn server_errors_back_off_only_when_safe() {
        for s in [500, 502, 503, 599] {
            assert_eq!(
                decide(true, status(s), 0, 2, 1.0),
                Decision::Retry {
                    delay_ms: 500,
                    reason: Reason::ServerError
                }
            );
            assert_eq!(decide(false, status(s), 0, 2, 1.0), Decision::Stop);
        }
        assert_eq!(
            decide(true, status(500), 3, 5, 1.0),
            Decision::Retry {
                delay_ms: 4_000,
                reason: Reason::ServerError
            }
        );
        // Capped.
        assert_eq!(
            decide(true, status(500), 10, 20, 1.0),
            Decision::Retry {
                delay_ms: 8_000,
                reason: Reason::ServerError
            }
        );
    }

    #[test]
    fn other_client_errors_never_retry() {
        for s in [400, 401, 403, 404, 405, 409, 413, 422, 600, 0, 200] {
            assert_eq!(decide(true, status(s), 0, 5, 0.5), Decision::Stop, "{s}");
        }
    }

    #[test]
    fn connection_failures() {
        let after = Outcome::Connection { before_send: false };
        let before = Outcome::Connection { before_send: true };
        assert!(matches!(
            decide(true, after, 0, 2, 0.5),
            Decision::Retry {
                reason: Reason::Connection,
                ..
            }
        ));
        assert_eq!(decide(false, after, 0, 2, 0.5), Decision::Stop);
        assert!(matches!(
            decide(false, before, 0, 2, 0.5),
            Decision::Retry { .. }
        ));
        assert!(matches!(
            decide(true, Outcome::Timeout, 0, 2, 0.5),
            Decision::Retry {
                reason: Reason::Timeout,
                ..
            }
        ));
        assert_eq!(decide(false, Outcome::Timeout, 0, 2, 0.5), Decision::Stop);
    }

    #[test]
    fn max_retries_is_respected() {
        assert_eq!(decide(true, status(500), 2, 2, 0.5), Decision::Stop);
        assert_eq!(decide(true, status(429), 0, 0, 0.5), Decision::Stop);
    }

    #[test]
    fn bucket_spreads_requests() {
        let mut b = TokenBucket::new(600);
        assert_eq!(b.reserve(1000.0), 0);
        assert_eq!(b.reserve(1000.0), 100);
        assert_eq!(b.reserve(1000.0), 200);
        assert_eq!(b.reserve(1250.0), 50);
        // Idle time is not banked beyond one token.
        assert_eq!(b.reserve(10_000.0), 0);
        assert_eq!(b.reserve(10_000.0), 100);
        let end = b.last_slot_end();
        b.release(end);
        assert_eq!(b.reserve(10_000.0), 100);
        let mut off = TokenBucket::new(0);
        assert_eq!(off.reserve(5.0), 0);
        assert_eq!(off.reserve(5.0), 0);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn delays_are_bounded(
            safe: bool,
            // The statuses that retry, as often as any other.
            code in prop_oneof![Just(429u16), 500u16..600, 0u16..700],
            retries in 0u32..20,
            max in 0u32..40,
            random in -1.0f64..2.0,
            after in proptest::option::of(0u64..100_000),
        ) {
            let e = ApiError {
                code: "x".into(),
                message: String::new(),
                field: None,
                details: after.map(|s| serde_json::json!({"retry_after_seconds": s})),
                extra: Default::default(),
            };
            let o = Outcome::Status { status: code, error: Some(&e) };
            match decide(safe, o, retries, max, random) {
                Decision::Stop => prop_assert!(
                    retries >= max || code != 429 && !(safe && (500..600).contains(&code))
                ),
                Decision::Retry { delay_ms, reason } => {
                    prop_assert!(retries < max);
                    if code == 429 {
                        prop_assert_eq!(reason, Reason::RateLimited);
                        let base = after.unwrap_or(5).min(86_400) * 1000;
                        prop_assert!(delay_ms >= base && delay_ms <= base + 1000);
                    } else {
                        prop_assert!(safe && (500..600).contains(&code));
                        prop_assert!(delay_ms <= BACKOFF_CAP_MS);
                    }
                }
            }
        }

        #[test]
        fn unsafe_requests_are_never_resent_after_they_may_have_arrived(
            retries in 0u32..10,
            random in 0.0f64..1.0,
            code in 500u16..600,
        ) {
            prop_assert_eq!(decide(false, Outcome::Timeout, retries, 10, random), Decision::Stop);
            prop_assert_eq!(
                decide(false, Outcome::Connection { before_send: false }, retries, 10, random),
                Decision::Stop
            );
            prop_assert_eq!(
                decide(false, Outcome::Status { status: code, error: None }, retries, 10, random),
                Decision::Stop
            );
        }

        #[test]
        fn bucket_never_exceeds_the_rate(
            per_minute in 1u32..100_000,
            gaps in proptest::collection::vec(0.0f64..50.0, 1..300),
        ) {
            let mut b = TokenBucket::new(per_minute);
            let mut now = 0.0;
            let mut sends = Vec::new();
            for g in gaps {
                now += g;
                let wait = b.reserve(now);
                sends.push(now + wait as f64);
            }
            let interval = 60_000.0 / f64::from(per_minute);
            for w in sends.windows(2) {
                prop_assert!(w[1] - w[0] >= interval - 1.0);
            }
        }
    }
}

/// The pause before poll number `n` (0-based): `first_ms × 1.5^n`, at most
/// `max_ms` (the docs suggest polling imports every 60 s).
pub fn poll_delay(n: u32, first_ms: u64, max_ms: u64) -> u64 {
    let grown = (first_ms as f64) * 1.5f64.powi(n.min(64) as i32);
    if grown.is_finite() && grown < max_ms as f64 {
        grown as u64
    } else {
        max_ms
    }
}

#[cfg(test)]
mod poll_tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap() {
        assert_eq!(poll_delay(0, 1000, 60_000), 1000);
        assert_eq!(poll_delay(1, 1000, 60_000), 1500);
        assert_eq!(poll_delay(100, 1000, 60_000), 60_000);
        assert_eq!(poll_delay(u32::MAX, u64::MAX, 5), 5);
    }
}

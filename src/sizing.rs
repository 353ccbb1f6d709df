//! How many domains a bundle needs (docs/contract.md#bundle-sizing).
//!
//! The arithmetic is exact: every quotient is a ceiling of a ratio of
//! integers computed in `u64`, so the documented examples (25,000/month 50/50
//! → 15 + 4; 100,000/month 70/30 → 80 + 10) hold with no float rounding. The
//! server's `required_domains` stays authoritative; this is for previews.

use crate::error::Problem;
use crate::model::RequiredDomains;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Sending days per month: weekdays only (22) or every day (30).
const WEEKDAYS: u64 = 22;
const ALL_DAYS: u64 = 30;
/// Sends per Google inbox per day (docs/contract.md#bundle-sizing).
const GOOGLE_SENDS_PER_INBOX: u64 = 20;
/// Sends per Microsoft domain per day: the figure both documented examples fit.
const MICROSOFT_SENDS_PER_DOMAIN: u64 = 150;
/// The recommended split when both percents are null.
const DEFAULT_PERCENT: u8 = 50;

/// The sizing inputs of a bundle, as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BundleSizing {
    pub monthly_sending_volume: u64,
    /// Both percents set and summing to 100, or both null (→ 50/50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_percent: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_percent: Option<u8>,
    /// false: the volume is spread over 22 weekdays; true: over 30 days.
    #[serde(default)]
    #[schemars(skip_serializing_if = "std::ops::Not::not")]
    pub send_on_weekends: bool,
    /// 2 or 3 inboxes per Google domain (default 2).
    #[serde(default = "default_inboxes")]
    #[schemars(skip_serializing_if = "is_default_inboxes")]
    pub google_inboxes_per_domain: u8,
}

fn default_inboxes() -> u8 {
    2
}

/// For the schema only: the field may be left out (it defaults to 2).
#[allow(dead_code)]
fn is_default_inboxes(n: &u8) -> bool {
    *n == default_inboxes()
}

impl Default for BundleSizing {
    fn default() -> Self {
        BundleSizing {
            monthly_sending_volume: 0,
            google_percent: None,
            microsoft_percent: None,
            send_on_weekends: false,
            google_inboxes_per_domain: default_inboxes(),
        }
    }
}

/// `required_domains` for `input`, or the first invalid field as an
/// `invalid_request` problem.
pub fn required_domains(input: &BundleSizing) -> Result<RequiredDomains, Problem> {
    if input.monthly_sending_volume == 0 {
        return Err(Problem::invalid(
            "monthly_sending_volume",
            "monthly_sending_volume must be a positive integer",
        ));
    }
    let inboxes = input.google_inboxes_per_domain;
    if inboxes != 2 && inboxes != 3 {
        return Err(Problem::invalid(
            "google_inboxes_per_domain",
            format!("google_inboxes_per_domain must be 2 or 3, not {inboxes}"),
        )
        .with_details(crate::json::object(vec![
            ("allowed", vec![2, 3].into()),
            ("value", inboxes.into()),
        ])));
    }
    let (google_pct, microsoft_pct) = percents(input)?;

    let days = if input.send_on_weekends {
        ALL_DAYS
    } else {
        WEEKDAYS
    };
    let volume = input.monthly_sending_volume;
    let too_big = || {
        Problem::invalid(
            "monthly_sending_volume",
            "monthly_sending_volume is too large: the domain count does not fit a 32-bit integer",
        )
    };
    // count = ceil(volume × percent / per_domain), one exact ratio. A product
    // past u64 means a count past 2^64 / 450,000, far over u32: too big.
    let count = |percent: u8, per_domain: u64| {
        volume
            .checked_mul(u64::from(percent))
            .map(|n| n.div_ceil(per_domain))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(too_big)
    };
    // google = ceil(volume / days × g / 100 / (20 × inboxes)).
    let google = count(
        google_pct,
        days * 100 * GOOGLE_SENDS_PER_INBOX * u64::from(inboxes),
    )?;
    let microsoft = count(microsoft_pct, days * 100 * MICROSOFT_SENDS_PER_DOMAIN)?;
    let total = google.checked_add(microsoft).ok_or_else(too_big)?;
    Ok(RequiredDomains {
        google,
        microsoft,
        total,
    })
}

/// The effective (google, microsoft) percents, or why they are invalid.
fn percents(input: &BundleSizing) -> Result<(u8, u8), Problem> {
    match (input.google_percent, input.microsoft_percent) {
        (None, None) => Ok((DEFAULT_PERCENT, DEFAULT_PERCENT)),
        (Some(g), Some(m)) if u16::from(g) + u16::from(m) == 100 => Ok((g, m)),
        (Some(g), Some(m)) => Err(Problem::invalid(
            "google_percent",
            format!(
                "google_percent and microsoft_percent must sum to 100, not {g} + {m} = {}",
                u16::from(g) + u16::from(m)
            ),
        )
        .with_details(crate::json::object(vec![
            ("google_percent", g.into()),
            ("microsoft_percent", m.into()),
        ]))),
        (Some(_), None) => Err(Problem::invalid(
            "microsoft_percent",
            "microsoft_percent is required when google_percent is set (set both, summing to 100, or neither)",
        )),
        (None, Some(_)) => Err(Problem::invalid(
            "google_percent",
            "google_percent is required when microsoft_percent is set (set both, summing to 100, or neither)",
        )),
    }
}

impl From<&crate::model::CreateBundle> for BundleSizing {
    fn from(b: &crate::model::CreateBundle) -> Self {
        BundleSizing {
            monthly_sending_volume: b.monthly_sending_volume,
            google_percent: b.google_percent,
            microsoft_percent: b.microsoft_percent,
            send_on_weekends: b.send_on_weekends.unwrap_or(false),
            google_inboxes_per_domain: b.google_inboxes_per_domain.unwrap_or(2),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sizing(volume: u64, g: Option<u8>, m: Option<u8>) -> BundleSizing {
        BundleSizing {
            monthly_sending_volume: volume,
            google_percent: g,
            microsoft_percent: m,
            ..BundleSizing::default()
        }
    }

    fn rd(google: u32, microsoft: u32) -> RequiredDomains {
        RequiredDomains {
            google,
            microsoft,
            total: google + microsoft,
        }
    }

    #[test]
    fn documented_examples() {
        assert_eq!(required_domains(&sizing(25_000, None, None)), Ok(rd(15, 4)));
        assert_eq!(
            required_domains(&sizing(25_000, Some(50), Some(50))),
            Ok(rd(15, 4))
        );
        assert_eq!(
            required_domains(&sizing(100_000, Some(70), Some(30))),
            Ok(rd(80, 10))
        );
    }

    #[test]
    fn weekends_and_three_inboxes() {
        // 30 days: daily 1000; google 500/40 = 12.5 → 13; microsoft 500/150 → 4.
        let mut s = sizing(30_000, None, None);
        s.send_on_weekends = true;
        assert_eq!(required_domains(&s), Ok(rd(13, 4)));
        // 3 inboxes: 500/60 = 8.33 → 9.
        s.google_inboxes_per_domain = 3;
        assert_eq!(required_domains(&s), Ok(rd(9, 4)));
    }

    #[test]
    fn exact_boundaries_do_not_round_up() {
        // 22 days × 20 sends × 2 inboxes = 880/month is exactly one Google domain.
        assert_eq!(
            required_domains(&sizing(880, Some(100), Some(0))),
            Ok(rd(1, 0))
        );
        assert_eq!(
            required_domains(&sizing(881, Some(100), Some(0))),
            Ok(rd(2, 0))
        );
        // 22 × 150 = 3300/month is exactly one Microsoft domain.
        assert_eq!(
            required_domains(&sizing(3300, Some(0), Some(100))),
            Ok(rd(0, 1))
        );
        assert_eq!(
            required_domains(&sizing(3301, Some(0), Some(100))),
            Ok(rd(0, 2))
        );
        assert_eq!(required_domains(&sizing(1, None, None)), Ok(rd(1, 1)));
    }

    #[test]
    fn invalid_inputs_name_the_field() {
        let field = |s: &BundleSizing| required_domains(s).err().map(|p| (p.code, p.field));
        let invalid = |f: &str| Some(("invalid_request".to_owned(), f.to_owned()));
        assert_eq!(
            field(&sizing(0, None, None)),
            invalid("monthly_sending_volume")
        );
        assert_eq!(
            field(&sizing(10, Some(60), Some(30))),
            invalid("google_percent")
        );
        assert_eq!(
            field(&sizing(10, Some(100), None)),
            invalid("microsoft_percent")
        );
        assert_eq!(
            field(&sizing(10, None, Some(100))),
            invalid("google_percent")
        );
        assert_eq!(
            field(&sizing(10, Some(200), Some(200))),
            invalid("google_percent")
        );
        for bad in [0, 1, 4, 255] {
            let mut s = sizing(10, None, None);
            s.google_inboxes_per_domain = bad;
            assert_eq!(field(&s), invalid("google_inboxes_per_domain"));
        }
    }

    #[test]
    fn huge_volume_is_a_problem_not_a_panic() {
        let p = required_domains(&sizing(u64::MAX, Some(100), Some(0)));
        assert_eq!(
            p.err().map(|p| p.field).as_deref(),
            Some("monthly_sending_volume")
        );
        // A very large volume whose counts still fit.
        let ok = required_domains(&sizing(u64::from(u32::MAX) * 1760 / 2, None, None));
        assert!(ok.is_ok());
    }

    #[test]
    fn wire_defaults() {
        let s: BundleSizing =
            serde_json::from_str(r#"{"monthly_sending_volume":25000,"google_percent":null}"#)
                .unwrap();
        assert_eq!(s, sizing(25_000, None, None));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"monthly_sending_volume":25000,"send_on_weekends":false,"google_inboxes_per_domain":2}"#
        );
    }

    proptest! {
        /// The counts are the exact ceilings of the formula (done in u128),
        /// for usual volumes and for any u64 one; "too large" exactly when a
        /// count or the total passes u32.
        #[test]
        fn counts_are_the_exact_formula(
            volume in prop_oneof![1u64..10_000_000_000, 1u64..],
            g in 0u8..=100,
            weekends: bool,
            three: bool,
        ) {
            let s = BundleSizing {
                monthly_sending_volume: volume,
                google_percent: Some(g),
                microsoft_percent: Some(100 - g),
                send_on_weekends: weekends,
                google_inboxes_per_domain: if three { 3 } else { 2 },
            };
            let days = if weekends { 30u128 } else { 22 };
            let inboxes = if three { 3u128 } else { 2 };
            let google = (u128::from(volume) * u128::from(g)).div_ceil(days * 100 * 20 * inboxes);
            let microsoft = (u128::from(volume) * u128::from(100 - g)).div_ceil(days * 100 * 150);
            let fits = google + microsoft <= u128::from(u32::MAX);
            match required_domains(&s) {
                Ok(r) => prop_assert!(
                    fits && u128::from(r.google) == google && u128::from(r.microsoft) == microsoft
                        && r.total == r.google + r.microsoft
                ),
                Err(p) => prop_assert!(!fits && p.field == "monthly_sending_volume"),
            }
        }
    }
}

//! Time and identifiers. The server reads the time only through [`Clock`], so
//! tests can move it (the 24 h order dedupe) without waiting.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, as the server sees them.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// Moves the clock forward; `POST /_sandbox/clock` calls this.
    fn advance_ms(&self, ms: i64);
}

/// The machine's clock plus an offset that only grows.
#[derive(Default)]
pub struct SystemClock {
    offset_ms: AtomicI64,
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        wall_ms().saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }
    fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms.max(0), Ordering::Relaxed);
    }
}

/// The machine's time, never moved: what a webhook receiver checks
/// `Peeker-Timestamp` against.
pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A clock that only moves when told to; for unit tests.
pub struct ManualClock(pub AtomicI64);

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
    fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms.max(0), Ordering::Relaxed);
    }
}

pub const DAY_MS: i64 = 86_400_000;

/// `2026-05-08T12:00:00Z` (seconds precision, as in the docs).
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The same instant one calendar month later, the day clamped to the month's
/// length (Jan 31 → Feb 28): `renews_at` (docs/contract.md#sandbox).
pub fn plus_one_month(ms: i64) -> i64 {
    let day_ms = ms.rem_euclid(DAY_MS);
    let days = ms.div_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let nd = d.min(days_in_month(ny, nm));
    days_from_civil(ny, nm, nd) * DAY_MS + day_ms
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A small, fast pseudo-random source (splitmix64), seeded from the standard
/// library's per-process random hasher keys: ids need uniqueness, not secrecy.
pub struct Rng(AtomicU64);

impl Default for Rng {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(0x5eed);
        Rng(AtomicU64::new(h.finish()))
    }
}

impl Rng {
    pub fn next_u64(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// ULIDs: 48-bit millisecond time + 80 random bits, 26 Crockford characters.
/// Within one millisecond the random part is incremented, so ids sort in
/// creation order.
#[derive(Default)]
pub struct Ulids {
    rng: Rng,
    last: Mutex<(i64, u128)>,
}

impl Ulids {
    pub fn next(&self, now_ms: i64) -> String {
        let mask = (1u128 << 80) - 1;
        let (now_ms, random) = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let r = if now_ms <= last.0 {
                (last.1 + 1) & mask
            } else {
                ((u128::from(self.rng.next_u64()) << 64) | u128::from(self.rng.next_u64())) & mask
            };
            *last = (now_ms.max(last.0), r);
            *last
        };
        let time = u128::from(u64::try_from(now_ms).unwrap_or(0) & ((1 << 48) - 1));
        let value = (time << 80) | random;
        (0..26)
            .rev()
            .map(|i| CROCKFORD[((value >> (i * 5)) & 31) as usize] as char)
            .collect()
    }

    pub fn id(&self, prefix: &str, now_ms: i64) -> String {
        format!("{prefix}{}", self.next(now_ms))
    }

    pub fn rng(&self) -> &Rng {
        &self.rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_months() {
        // 2026-05-08T12:00:00Z
        let t = 1_778_241_600_000;
        assert_eq!(iso(t), "2026-05-08T12:00:00Z");
        assert_eq!(iso(plus_one_month(t)), "2026-06-08T12:00:00Z");
        let jan31 = days_from_civil(2026, 1, 31) * DAY_MS;
        assert_eq!(iso(plus_one_month(jan31)), "2026-02-28T00:00:00Z");
        let dec15 = days_from_civil(2026, 12, 15) * DAY_MS;
        assert_eq!(iso(plus_one_month(dec15)), "2027-01-15T00:00:00Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn ulids_are_26_crockford_chars_and_sorted() {
        let u = Ulids::default();
        let a = u.next(1_000);
        let b = u.next(1_000);
        let c = u.next(999); // a clock step back still sorts after
        assert_eq!(a.len(), 26);
        assert!(a.bytes().all(|b| CROCKFORD.contains(&b)));
        assert!(a < b && b < c, "{a} {b} {c}");
        assert!(u.id("req_", 5).starts_with("req_"));
    }
}

//! The rate limit's table: a fixed one-minute window per key, holding at
//! most `cap` keys; the least recently used key is dropped first (its next
//! request starts a fresh window), so distinct keys cannot grow memory.

use std::collections::{BTreeMap, HashMap};

pub const WINDOW_MS: i64 = 60_000;

struct Window {
    start: i64,
    count: u32,
    /// When the key was last used, in `RateTable::tick` units.
    used: u64,
}

pub struct RateTable {
    cap: usize,
    windows: HashMap<String, Window>,
    /// Last use → key, oldest first.
    recency: BTreeMap<u64, String>,
    tick: u64,
}

impl RateTable {
    pub fn new(cap: usize) -> RateTable {
        RateTable {
            cap: cap.max(1),
            windows: HashMap::new(),
            recency: BTreeMap::new(),
            tick: 0,
        }
    }

    /// Counts one request of `key` at `now`; over `limit` in the window it
    /// answers the seconds until the window ends (at least 1).
    pub fn hit(&mut self, key: &str, now: i64, limit: u32) -> Result<(), i64> {
        self.tick += 1;
        let tick = self.tick;
        if !self.windows.contains_key(key) {
            while self.windows.len() >= self.cap {
                let Some((_, old)) = self.recency.pop_first() else {
                    break;
                };
                self.windows.remove(&old);
            }
            self.windows.insert(
                key.to_owned(),
                Window {
                    start: now,
                    count: 0,
                    used: tick,
                },
            );
        }
        let Some(w) = self.windows.get_mut(key) else {
            return Ok(());
        };
        self.recency.remove(&w.used);
        self.recency.insert(tick, key.to_owned());
        w.used = tick;
        if now - w.start >= WINDOW_MS || now < w.start {
            w.start = now;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        if w.count > limit {
            let retry = (w.start + WINDOW_MS - now + 999) / 1000;
            return Err(retry.max(1));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn clear(&mut self) {
        self.windows.clear();
        self.recency.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_recently_used_key_goes_first() {
        let mut t = RateTable::new(2);
        assert!(t.hit("a", 0, 1).is_ok());
        assert_eq!(t.hit("a", 0, 1), Err(60));
        assert!(t.hit("b", 0, 1).is_ok());
        assert!(t.hit("a", 0, 1).is_err()); // a is now the most recent
        assert!(t.hit("c", 0, 1).is_ok()); // drops b
        assert_eq!(t.len(), 2);
        assert!(t.hit("a", 0, 1).is_err());
        assert!(t.hit("b", 0, 1).is_ok()); // fresh window; drops c
    }
}

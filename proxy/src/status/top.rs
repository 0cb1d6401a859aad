//! The heaviest clients of a version over the last hour, in fixed memory: a
//! Space-Saving summary (Metwally et al.) of [`CAPACITY`] counters per 10-minute slice,
//! [`SLICES`] slices in a ring, merged for display.
//!
//! Error bound: within one slice of `n` requests, a listed client's count over-estimates
//! its true count by at most its recorded `error` ≤ `n / CAPACITY`, and a client not
//! listed made at most `n / CAPACITY` requests; so every client with more than
//! `n / CAPACITY` requests in a slice is listed for that slice. Merged over the hour's
//! `N` requests, an estimate is off by at most `N / CAPACITY` either way, and the summed
//! `error` bounds the over-estimate.

use std::cmp::Reverse;
use std::sync::Mutex;

/// Counters per slice.
pub const CAPACITY: usize = 32;
/// Slices in the ring.
pub const SLICES: usize = 6;
/// Seconds per slice: 10 minutes, so the ring covers an hour.
pub const SLICE_SECONDS: u64 = 600;

/// One counter: a key, its estimated count, and how much of it may be over-estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted<K> {
    /// The counted key.
    pub key: K,
    /// Estimated count (never below the true count while the key is listed).
    pub count: u64,
    /// Upper bound of the over-estimate.
    pub error: u64,
}

/// A Space-Saving summary of at most [`CAPACITY`] keys.
#[derive(Debug, Clone)]
pub struct SpaceSaving<K> {
    counters: Vec<Counted<K>>,
    total: u64,
}

impl<K> Default for SpaceSaving<K> {
    fn default() -> Self {
        SpaceSaving {
            counters: Vec::new(),
            total: 0,
        }
    }
}

impl<K: Copy + Eq> SpaceSaving<K> {
    /// Counts one occurrence of `key`: its counter, else a free one, else the smallest
    /// counter is taken over (count + 1, error = the count it had).
    pub fn insert(&mut self, key: K) {
        self.total += 1;
        if let Some(counter) = self.counters.iter_mut().find(|c| c.key == key) {
            counter.count += 1;
            return;
        }
        if self.counters.len() < CAPACITY {
            if self.counters.capacity() == 0 {
                self.counters.reserve_exact(CAPACITY);
            }
            self.counters.push(Counted {
                key,
                count: 1,
                error: 0,
            });
            return;
        }
        if let Some(smallest) = self.counters.iter_mut().min_by_key(|c| c.count) {
            *smallest = Counted {
                key,
                count: smallest.count + 1,
                error: smallest.count,
            };
        }
    }

    /// The counters, in no order.
    pub fn counters(&self) -> &[Counted<K>] {
        &self.counters
    }

    /// Occurrences counted.
    pub fn total(&self) -> u64 {
        self.total
    }

    fn clear(&mut self) {
        self.counters.clear();
        self.total = 0;
    }
}

#[derive(Debug)]
struct Slice<K> {
    index: u64,
    summary: SpaceSaving<K>,
}

/// [`SLICES`] summaries in a ring of [`SLICE_SECONDS`] each, one lock per slice.
#[derive(Debug)]
pub struct RecentTop<K> {
    slices: [Mutex<Slice<K>>; SLICES],
}

impl<K> Default for RecentTop<K> {
    fn default() -> Self {
        RecentTop {
            slices: std::array::from_fn(|_| {
                Mutex::new(Slice {
                    index: 0,
                    summary: SpaceSaving::default(),
                })
            }),
        }
    }
}

/// The merged top of the last hour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Top<K> {
    /// Heaviest first, at most `SLICES × CAPACITY`.
    pub counters: Vec<Counted<K>>,
    /// Requests counted in the hour.
    pub total: u64,
}

impl<K: Copy + Eq> RecentTop<K> {
    /// Counts `key` at `unix_seconds`; a slice older than the ring is cleared first.
    pub fn record(&self, key: K, unix_seconds: u64) {
        let index = unix_seconds / SLICE_SECONDS;
        let Ok(mut slice) = self.slices[slot(index)].lock() else {
            return;
        };
        if slice.index < index {
            slice.index = index;
            slice.summary.clear();
        } else if slice.index > index {
            return;
        }
        slice.summary.insert(key);
    }

    /// The slices of the hour ending at `unix_seconds`, merged (counts and errors summed).
    pub fn top(&self, unix_seconds: u64) -> Top<K> {
        let newest = unix_seconds / SLICE_SECONDS;
        let mut merged: Vec<Counted<K>> = Vec::new();
        let mut total = 0;
        for slice in &self.slices {
            let Ok(slice) = slice.lock() else {
                continue;
            };
            if slice.index > newest || newest - slice.index >= SLICES as u64 {
                continue;
            }
            total += slice.summary.total();
            for counter in slice.summary.counters() {
                match merged.iter_mut().find(|m| m.key == counter.key) {
                    Some(m) => {
                        m.count += counter.count;
                        m.error += counter.error;
                    }
                    None => merged.push(*counter),
                }
            }
        }
        merged.sort_by_key(|counter| Reverse(counter.count));
        Top {
            counters: merged,
            total,
        }
    }
}

fn slot(index: u64) -> usize {
    // The remainder is below SLICES, so it fits.
    (index % SLICES as u64) as usize
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const START: u64 = 1_700_000_400;

    #[test]
    fn exact_while_the_keys_fit() {
        let mut summary = SpaceSaving::default();
        for key in 0..CAPACITY as u32 {
            for _ in 0..=key {
                summary.insert(key);
            }
        }
        assert!(summary.counters().iter().all(|c| c.error == 0));
        assert!(
            summary
                .counters()
                .iter()
                .all(|c| c.count == u64::from(c.key) + 1)
        );
    }

    #[test]
    fn memory_stays_bounded_by_the_capacity() {
        let mut summary = SpaceSaving::default();
        for key in 0..10_000_u32 {
            summary.insert(key);
        }
        assert_eq!(summary.counters().len(), CAPACITY);
        assert_eq!(summary.total(), 10_000);
    }

    proptest! {
        #[test]
        fn estimates_stay_within_the_documented_bound(
            stream in proptest::collection::vec(0_u32..200, 0..3_000),
            heavy in 0_u32..200,
            heavy_count in 0_usize..500,
        ) {
            let mut summary = SpaceSaving::default();
            let mut items = stream.clone();
            items.extend(std::iter::repeat_n(heavy, heavy_count));
            for key in &items {
                summary.insert(*key);
            }
            let n = items.len() as u64;
            let bound = n / CAPACITY as u64;
            let truth = |key: u32| items.iter().filter(|k| **k == key).count() as u64;
            for counter in summary.counters() {
                let true_count = truth(counter.key);
                prop_assert!(counter.count >= true_count);
                prop_assert!(counter.count - counter.error <= true_count);
                prop_assert!(counter.error <= bound);
            }
            for key in 0..200 {
                let listed = summary.counters().iter().any(|c| c.key == key);
                prop_assert!(listed || truth(key) <= bound);
            }
        }
    }

    #[test]
    fn slices_rotate_out_after_an_hour() {
        let top = RecentTop::default();
        top.record("old", START);
        top.record("old", START + 1);
        top.record("new", START + 3 * SLICE_SECONDS);
        let merged = top.top(START + 3 * SLICE_SECONDS);
        assert_eq!(merged.total, 3);
        assert_eq!(merged.counters[0].key, "old");
        assert_eq!(merged.counters[0].count, 2);

        let hour_later = START + SLICES as u64 * SLICE_SECONDS;
        let merged = top.top(hour_later);
        assert_eq!(merged.total, 1);
        assert_eq!(merged.counters.len(), 1);
        assert_eq!(merged.counters[0].key, "new");

        // Recording into the reused slot clears what it held.
        top.record("newest", hour_later);
        let merged = top.top(hour_later);
        assert_eq!(merged.total, 2);
        assert!(merged.counters.iter().all(|c| c.key != "old"));
    }

    #[test]
    fn merging_sums_a_client_across_slices() {
        let top = RecentTop::default();
        for minute in 0..60 {
            top.record("steady", START + minute * 60);
        }
        top.record("once", START + 30 * 60);
        let merged = top.top(START + 59 * 60);
        assert_eq!(merged.total, 61);
        assert_eq!(merged.counters[0].key, "steady");
        assert_eq!(merged.counters[0].count, 60);
        assert_eq!(merged.counters[1].count, 1);
    }
}

//! Request counts per release side in fixed time buckets (10 s × 90 = 15 minutes), one
//! atomic per side and bucket: recording is a load and a compare-and-swap, never a lock
//! or an allocation.
//!
//! Each atomic packs the bucket's epoch (its start time divided by the bucket width) in
//! the high 32 bits and its count in the low 32 bits, so a slot reused for a newer bucket
//! resets and counts in one step. A request recorded with a time older than its slot's
//! bucket is dropped; at most one request racing a slot's reset 15 minutes later can be
//! counted in the newer bucket.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::split::Side;

/// Seconds per bucket.
pub const BUCKET_SECONDS: u64 = 10;
/// Buckets kept: 15 minutes.
pub const BUCKETS: usize = 90;

const COUNT_MASK: u64 = 0xffff_ffff;

/// The counts of one bucket, current side then target side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Bucket {
    /// Requests served by the current side.
    pub current: u64,
    /// Requests served by the release target.
    pub target: u64,
}

impl Bucket {
    /// Both sides.
    pub fn total(&self) -> u64 {
        self.current + self.target
    }
}

/// A ring of [`BUCKETS`] buckets per side.
#[derive(Debug)]
pub struct Window {
    sides: [[AtomicU64; BUCKETS]; 2],
}

impl Default for Window {
    fn default() -> Self {
        Window {
            sides: std::array::from_fn(|_| std::array::from_fn(|_| AtomicU64::new(0))),
        }
    }
}

fn epoch(unix_seconds: u64) -> u64 {
    (unix_seconds / BUCKET_SECONDS) & COUNT_MASK
}

impl Window {
    /// Counts one request served by `side` at `unix_seconds`.
    pub fn record(&self, side: Side, unix_seconds: u64) {
        let epoch = epoch(unix_seconds);
        let slot = &self.sides[side_index(side)][slot(epoch)];
        let mut seen = slot.load(Ordering::Relaxed);
        loop {
            let seen_epoch = seen >> 32;
            let next = match seen_epoch.cmp(&epoch) {
                std::cmp::Ordering::Equal => seen + 1,
                std::cmp::Ordering::Less => (epoch << 32) | 1,
                std::cmp::Ordering::Greater => return,
            };
            match slot.compare_exchange_weak(seen, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return,
                Err(actual) => seen = actual,
            }
        }
    }

    /// The [`BUCKETS`] buckets ending with the one holding `unix_seconds`, oldest first.
    pub fn buckets(&self, unix_seconds: u64) -> Vec<Bucket> {
        let last = epoch(unix_seconds);
        (0..BUCKETS as u64)
            .rev()
            .map(|back| {
                let epoch = last.saturating_sub(back);
                if back > last {
                    return Bucket::default();
                }
                Bucket {
                    current: self.count(Side::Current, epoch),
                    target: self.count(Side::Target, epoch),
                }
            })
            .collect()
    }

    fn count(&self, side: Side, epoch: u64) -> u64 {
        let value = self.sides[side_index(side)][slot(epoch)].load(Ordering::Relaxed);
        if value >> 32 == epoch {
            value & COUNT_MASK
        } else {
            0
        }
    }
}

fn slot(epoch: u64) -> usize {
    // The remainder is below BUCKETS, so it fits.
    (epoch % BUCKETS as u64) as usize
}

fn side_index(side: Side) -> usize {
    match side {
        Side::Current => 0,
        Side::Target => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: u64 = 1_700_000_000;

    #[test]
    fn counts_land_in_their_bucket_per_side() {
        let window = Window::default();
        window.record(Side::Current, START);
        window.record(Side::Current, START + 1);
        window.record(Side::Target, START + 2);
        window.record(Side::Current, START + BUCKET_SECONDS);
        let buckets = window.buckets(START + BUCKET_SECONDS);
        assert_eq!(buckets.len(), BUCKETS);
        assert_eq!(
            buckets[BUCKETS - 1],
            Bucket {
                current: 1,
                target: 0
            }
        );
        assert_eq!(
            buckets[BUCKETS - 2],
            Bucket {
                current: 2,
                target: 1
            }
        );
        assert_eq!(buckets.iter().map(Bucket::total).sum::<u64>(), 4);
    }

    #[test]
    fn a_slot_reused_after_the_window_starts_again_from_zero() {
        let window = Window::default();
        for _ in 0..5 {
            window.record(Side::Target, START);
        }
        let later = START + BUCKET_SECONDS * BUCKETS as u64;
        window.record(Side::Target, later);
        let buckets = window.buckets(later);
        assert_eq!(
            buckets[BUCKETS - 1],
            Bucket {
                current: 0,
                target: 1
            }
        );
        assert_eq!(buckets.iter().map(Bucket::total).sum::<u64>(), 1);
        // The old bucket is gone from view even before its slot is reused.
        let window = Window::default();
        window.record(Side::Current, START);
        assert_eq!(
            window.buckets(later).iter().map(Bucket::total).sum::<u64>(),
            0
        );
        assert_eq!(window.buckets(later - BUCKET_SECONDS)[0].current, 1);
    }

    #[test]
    fn a_late_request_for_an_overwritten_bucket_is_dropped() {
        let window = Window::default();
        let later = START + BUCKET_SECONDS * BUCKETS as u64;
        window.record(Side::Current, later);
        window.record(Side::Current, START);
        assert_eq!(window.buckets(later)[BUCKETS - 1].current, 1);
    }

    #[test]
    fn concurrent_recording_loses_nothing() {
        let window = Window::default();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for i in 0..10_000 {
                        window.record(Side::Current, START + i % 20);
                    }
                });
            }
        });
        let total: u64 = window.buckets(START + 19).iter().map(Bucket::total).sum();
        assert_eq!(total, 40_000);
    }
}

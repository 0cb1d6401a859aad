//! Choosing the side of a weighted split: smooth, deterministic, sticky when asked.
//!
//! - Smooth: request number `n` on a route goes to the target when
//!   `⌊(n+1)·w/100⌋ > ⌊n·w/100⌋`, so every block of 100 consecutive requests sends
//!   exactly `w` to the target and any window of 100 sends `w` ± 1 — a 10% canary gets
//!   10 of every 100 requests, spread evenly, not "about 10% at random".
//! - Sticky: the key is hashed with xxh3 (stable across processes and releases of this
//!   program), seeded by the release's task name so each release picks its own cohort;
//!   the key goes to the target when `hash % 100 < w`. A key on the target at weight `w`
//!   stays there at every larger weight, and the choice survives reloads and restarts.
//! - Match: a request whose header equals the rule's value goes to the target.
//!
//! Everything here is pure apart from one atomic counter per route.

use std::sync::atomic::{AtomicU64, Ordering};

use http::{HeaderMap, HeaderName, HeaderValue};
use switchyard_schemas::manifest::StickyKey;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The side of a split a request is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The version's upstream.
    Current,
    /// The release's target upstream.
    Target,
}

impl Side {
    /// The `x-api-release` value: `current` or `target`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Current => "current",
            Side::Target => "target",
        }
    }
}

/// Where the sticky key of a request is found, with names prepared at load time.
#[derive(Debug, Clone)]
pub enum StickySource {
    /// A request header.
    Header(HeaderName),
    /// A cookie, by exact name.
    Cookie(String),
}

impl StickySource {
    /// Prepares a bundle's sticky key; `None` if the header name is not a valid header name.
    pub fn new(key: &StickyKey) -> Option<StickySource> {
        match key {
            StickyKey::Header(name) => HeaderName::from_bytes(name.as_bytes())
                .ok()
                .map(StickySource::Header),
            StickyKey::Cookie(name) => Some(StickySource::Cookie(name.clone())),
        }
    }

    /// The key's value in a request, if it carries one.
    pub fn key<'h>(&self, headers: &'h HeaderMap) -> Option<&'h [u8]> {
        match self {
            StickySource::Header(name) => headers
                .get(name)
                .map(HeaderValue::as_bytes)
                .filter(|value| !value.is_empty()),
            StickySource::Cookie(name) => cookie(headers, name),
        }
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h [u8]> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|value| value.as_bytes().split(|&b| b == b';'))
        .find_map(|pair| {
            let pair = pair.trim_ascii();
            let equals = pair.iter().position(|&b| b == b'=')?;
            let (key, value) = (&pair[..equals], &pair[equals + 1..]);
            (key.trim_ascii() == name.as_bytes()).then(|| value.trim_ascii())
        })
        .filter(|value| !value.is_empty())
}

/// A header rule that sends matching requests to the target.
#[derive(Debug, Clone)]
pub struct MatchSource {
    /// Header to compare.
    pub header: HeaderName,
    /// Exact value.
    pub value: HeaderValue,
}

impl MatchSource {
    /// True if any value of the header equals the rule's value.
    pub fn matches(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(&self.header)
            .iter()
            .any(|v| v == self.value)
    }
}

/// A route's split state: the rule and its smooth counter.
#[derive(Debug)]
pub struct Splitter {
    weight: u8,
    seed: u64,
    sticky: Option<StickySource>,
    match_rule: Option<MatchSource>,
    counter: AtomicU64,
}

impl Splitter {
    /// A splitter sending `weight` percent (clamped to 100) to the target; `task` seeds sticky hashing.
    pub fn new(
        weight: u8,
        task: &str,
        sticky: Option<StickySource>,
        match_rule: Option<MatchSource>,
    ) -> Splitter {
        Splitter {
            weight: weight.min(100),
            seed: xxh3_64(task.as_bytes()),
            sticky,
            match_rule,
            counter: AtomicU64::new(0),
        }
    }

    /// Chooses the side for a request with these headers.
    pub fn choose(&self, headers: &HeaderMap) -> Side {
        if self
            .match_rule
            .as_ref()
            .is_some_and(|rule| rule.matches(headers))
        {
            return Side::Target;
        }
        match self.weight {
            0 => return Side::Current,
            100 => return Side::Target,
            _ => {}
        }
        if let Some(key) = self.sticky.as_ref().and_then(|source| source.key(headers)) {
            return sticky_side(self.seed, key, self.weight);
        }
        smooth_side(self.counter.fetch_add(1, Ordering::Relaxed), self.weight)
    }
}

/// The side of request number `n` at `weight` percent.
pub fn smooth_side(n: u64, weight: u8) -> Side {
    let weight = u64::from(weight.min(100));
    let block = n % 100;
    if (block + 1) * weight / 100 > block * weight / 100 {
        Side::Target
    } else {
        Side::Current
    }
}

/// The side of a sticky key at `weight` percent; `seed` distinguishes releases.
pub fn sticky_side(seed: u64, key: &[u8], weight: u8) -> Side {
    if xxh3_64_with_seed(key, seed) % 100 < u64::from(weight) {
        Side::Target
    } else {
        Side::Current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn targets(weight: u8, range: std::ops::Range<u64>) -> usize {
        range
            .filter(|&n| smooth_side(n, weight) == Side::Target)
            .count()
    }

    #[test]
    fn every_block_of_100_sends_exactly_the_weight() {
        for weight in 0..=100u8 {
            for block in 0..3 {
                assert_eq!(
                    targets(weight, block * 100..block * 100 + 100),
                    usize::from(weight)
                );
            }
        }
    }

    proptest! {
        #[test]
        fn any_window_of_100_is_within_one(weight in 0..=100u8, start in 0..10_000u64) {
            let got = targets(weight, start..start + 100) as i64;
            prop_assert!((got - i64::from(weight)).abs() <= 1, "weight {weight} start {start} got {got}");
        }

        #[test]
        fn a_sticky_key_on_target_stays_there_as_the_weight_grows(
            key in proptest::collection::vec(any::<u8>(), 1..40),
            task in "[a-z-]{1,20}",
            low in 0..=100u8,
            high in 0..=100u8,
        ) {
            let (low, high) = (low.min(high), low.max(high));
            let seed = xxh3_64(task.as_bytes());
            if sticky_side(seed, &key, low) == Side::Target {
                prop_assert_eq!(sticky_side(seed, &key, high), Side::Target);
            }
        }
    }

    #[test]
    fn sticky_keys_spread_close_to_the_weight() {
        let seed = xxh3_64(b"task");
        let on_target = (0..10_000)
            .filter(|user| sticky_side(seed, format!("user-{user}").as_bytes(), 30) == Side::Target)
            .count();
        assert!((2_800..3_200).contains(&on_target), "{on_target}");
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_bytes(name.as_bytes()).expect("name"),
                    HeaderValue::from_str(value).expect("value"),
                )
            })
            .collect()
    }

    #[test]
    fn cookies_and_headers_give_the_sticky_key() {
        let by_cookie = StickySource::Cookie("uid".into());
        let request = headers(&[("cookie", "a=1; uid = 42 ;b=2"), ("x-user", "7")]);
        assert_eq!(by_cookie.key(&request), Some(&b"42"[..]));
        assert_eq!(by_cookie.key(&headers(&[("cookie", "uidx=1")])), None);
        let by_header = StickySource::Header(HeaderName::from_static("x-user"));
        assert_eq!(by_header.key(&request), Some(&b"7"[..]));
        assert_eq!(by_header.key(&headers(&[("x-user", "")])), None);
    }

    #[test]
    fn match_rules_win_over_weight_and_extremes_ignore_the_counter() {
        let rule = MatchSource {
            header: HeaderName::from_static("x-canary"),
            value: HeaderValue::from_static("always"),
        };
        let splitter = Splitter::new(0, "t", None, Some(rule));
        assert_eq!(
            splitter.choose(&headers(&[("x-canary", "always")])),
            Side::Target
        );
        assert_eq!(
            splitter.choose(&headers(&[("x-canary", "never")])),
            Side::Current
        );
        let all = Splitter::new(100, "t", None, None);
        assert!((0..50).all(|_| all.choose(&HeaderMap::new()) == Side::Target));
    }

    #[test]
    fn a_splitter_is_smooth_and_falls_back_to_smooth_without_a_key() {
        let sticky = StickySource::Header(HeaderName::from_static("x-user"));
        let splitter = Splitter::new(10, "t", Some(sticky), None);
        let sides: Vec<Side> = (0..100)
            .map(|_| splitter.choose(&HeaderMap::new()))
            .collect();
        assert_eq!(sides.iter().filter(|&&s| s == Side::Target).count(), 10);
        assert_eq!(sides[9], Side::Target);
        assert_eq!(sides[19], Side::Target);
    }
}

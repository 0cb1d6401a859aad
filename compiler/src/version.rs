//! `info.version` numbers (`MAJOR.MINOR` or `MAJOR.MINOR.PATCH`) and `/v<MAJOR>` base paths.
//!
//! `semver` rejects `1.2`, which OpenAPI documents commonly use, so the format is read here.

use std::cmp::Ordering;
use std::fmt;

/// A parsed `info.version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionNumber {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch, when written.
    pub patch: Option<u64>,
}

impl VersionNumber {
    /// Parses `MAJOR.MINOR[.PATCH]`: decimal numbers without signs or leading zeros.
    pub fn parse(text: &str) -> Option<VersionNumber> {
        let mut parts = text.split('.');
        let major = number(parts.next()?)?;
        let minor = number(parts.next()?)?;
        let patch = parts.next().map(number);
        if parts.next().is_some() {
            return None;
        }
        Some(VersionNumber {
            major,
            minor,
            patch: match patch {
                Some(patch) => Some(patch?),
                None => None,
            },
        })
    }

    fn key(self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch.unwrap_or(0))
    }
}

impl PartialOrd for VersionNumber {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Precedence order: `1.2` equals `1.2.0`.
impl Ord for VersionNumber {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(patch) = self.patch {
            write!(f, ".{patch}")?;
        }
        Ok(())
    }
}

fn number(text: &str) -> Option<u64> {
    let valid = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if valid { text.parse().ok() } else { None }
}

/// The major of a base path `/v<MAJOR>`.
pub fn base_path_major(path: &str) -> Option<u64> {
    number(path.strip_prefix("/v")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_and_three_parts() {
        let short = VersionNumber::parse("1.2").expect("valid");
        let long = VersionNumber::parse("1.2.0").expect("valid");
        assert_eq!(short.cmp(&long), Ordering::Equal);
        assert!(VersionNumber::parse("1.10").expect("valid") > short);
        for bad in ["1", "v1.2", "1.2.3.4", "01.2", "1.2-beta", "1..2", ""] {
            assert_eq!(VersionNumber::parse(bad), None, "{bad}");
        }
        assert_eq!(short.to_string(), "1.2");
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path_major("/v1"), Some(1));
        assert_eq!(base_path_major("/v12"), Some(12));
        assert_eq!(base_path_major("/v01"), None);
        assert_eq!(base_path_major("/api/v1"), None);
        assert_eq!(base_path_major("/"), None);
    }
}

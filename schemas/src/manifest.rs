//! Types of the files users write: `environment.toml` and release manifests.
//!
//! Field names and shapes are the contract of DESIGN.md. Every struct denies unknown
//! fields so a typo is an error rather than a silent no-op. Range checks that need a
//! diagnostic with a position (weights, names) are done by the compiler's rules; the
//! JSON Schemas generated from these types carry the same limits for editors.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `environment.toml`: one deployment environment (`<name>-staging` or `<name>-prod`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Switchyard environment")]
pub struct EnvironmentFile {
    /// Equals the folder's name; ends in `-staging` or `-prod`.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?-(staging|prod)$"))]
    pub name: String,
    /// A service's full name is `<service>.<domain>`.
    pub domain: String,
    /// Prod only: the staging environment whose versions this one may serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staged_in: Option<String>,
    /// Upstreams by name.
    #[serde(default)]
    pub upstreams: BTreeMap<String, UpstreamDef>,
    /// The parent Gateway of the generated Gateway API routes (`--target gateway-api`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewayRef>,
}

/// A Kubernetes Gateway that generated HTTPRoutes attach to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayRef {
    /// The Gateway's name.
    pub name: String,
    /// Its namespace; the route's own namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A listener (section) of the Gateway; all listeners when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// The Kubernetes Service behind an upstream (`--target gateway-api`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KubernetesService {
    /// The Service's name.
    pub service: String,
    /// The Service port.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Its namespace; the route's own namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// One upstream: a named group of endpoints that serve the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpstreamDef {
    /// `host:port` addresses; requests are balanced over them.
    #[schemars(length(min = 1))]
    pub endpoints: Vec<String>,
    /// The Kubernetes Service serving these endpoints, for Gateway API output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes: Option<KubernetesService>,
}

/// A release manifest (`<service>.toml`): the versions of one service in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Switchyard release manifest")]
pub struct ReleaseManifest {
    /// The service's name, unique in its environment.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"))]
    pub service: String,
    /// Versions keyed by `v<MAJOR>`.
    #[serde(default)]
    pub versions: BTreeMap<String, VersionEntry>,
}

/// One major version of a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    /// Path of the OpenAPI document, relative to the manifest.
    pub openapi: String,
    /// The upstream serving this version.
    pub upstream: String,
    /// Life-cycle status.
    pub status: VersionStatus,
    /// Deprecated only: the day the deprecation takes (or took) effect, announced to
    /// clients in the `Deprecation` header; on or before `sunset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<CalendarDate>,
    /// Deprecated only: the date announced to clients (`Sunset` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunset: Option<CalendarDate>,
    /// A release task (canary or blue-green) on this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<ReleaseTask>,
}

/// The life-cycle status of a version.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum VersionStatus {
    /// Not served.
    Draft,
    /// Served.
    Published,
    /// Served, with `Deprecation` and `Sunset` headers.
    Deprecated,
    /// Answered with 410 Gone.
    Retired,
}

impl VersionStatus {
    /// The lower-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Draft => "draft",
            VersionStatus::Published => "published",
            VersionStatus::Deprecated => "deprecated",
            VersionStatus::Retired => "retired",
        }
    }
}

/// A release task: moves a version's traffic from its `upstream` to `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseTask {
    /// Unique in the environment; a finished task's name is never reused.
    pub task: String,
    /// Canary (any weight) or blue-green (0 or 100).
    pub strategy: Strategy,
    /// The upstream being released.
    pub target: String,
    /// Percent of traffic sent to `target`.
    #[schemars(range(min = 0, max = 100))]
    pub weight: u32,
    /// Running, cancelled or completed.
    pub status: TaskStatus,
    /// One key always lands on one side: `header:NAME` or `cookie:NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<StickyKey>,
    /// Requests matching this rule go to `target` whatever the weight.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_rule: Option<MatchRule>,
}

/// How a release task moves traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Any weight from 0 to 100.
    Canary,
    /// All or nothing: weight 0 or 100.
    BlueGreen,
}

impl Strategy {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Canary => "canary",
            Strategy::BlueGreen => "blue-green",
        }
    }
}

/// The state of a release task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    /// Traffic is split by weight.
    Running,
    /// All traffic back on the version's upstream; final.
    Cancelled,
    /// All traffic on the target; final.
    Completed,
}

impl TaskStatus {
    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "running",
            TaskStatus::Cancelled => "cancelled",
            TaskStatus::Completed => "completed",
        }
    }
}

/// A header rule: requests whose header `header` equals `value` go to the target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Header name (case-insensitive).
    #[schemars(regex(pattern = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"))]
    pub header: String,
    /// Exact value.
    pub value: String,
}

/// Where the sticky key of a request is read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StickyKey {
    /// A request header (name stored lower-case).
    Header(String),
    /// A cookie.
    Cookie(String),
}

/// Why a sticky key is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StickyKeyError {
    /// Not `header:NAME` or `cookie:NAME`.
    #[error("sticky key `{0}` must be `header:NAME` or `cookie:NAME`")]
    Form(String),
    /// The name has characters a header or cookie name cannot have.
    #[error("sticky key name `{0}` is not a valid token")]
    Name(String),
}

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl FromStr for StickyKey {
    type Err = StickyKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, name) = s
            .split_once(':')
            .ok_or_else(|| StickyKeyError::Form(s.to_owned()))?;
        if !is_token(name) {
            return Err(StickyKeyError::Name(name.to_owned()));
        }
        match kind {
            "header" => Ok(StickyKey::Header(name.to_ascii_lowercase())),
            "cookie" => Ok(StickyKey::Cookie(name.to_owned())),
            _ => Err(StickyKeyError::Form(s.to_owned())),
        }
    }
}

impl fmt::Display for StickyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StickyKey::Header(name) => write!(f, "header:{name}"),
            StickyKey::Cookie(name) => write!(f, "cookie:{name}"),
        }
    }
}

impl Serialize for StickyKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StickyKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for StickyKey {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StickyKey".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`header:NAME` or `cookie:NAME`: the request's key for sticky routing",
            "type": "string",
            "pattern": "^(header|cookie):[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
        })
    }
}

/// A calendar date `YYYY-MM-DD`, written in TOML as a bare date (`2027-06-30`) or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31 (checked against the month).
    pub day: u8,
}

/// Why a date is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a calendar date of the form YYYY-MM-DD")]
pub struct CalendarDateError(pub String);

impl CalendarDate {
    /// Builds a date, checking month and day.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(CalendarDate { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Seconds since the Unix epoch at 00:00:00 UTC of this day: what a `Deprecation`
    /// header (RFC 9745, `@<seconds>`) announces, since a deprecation on a date is in
    /// effect from the start of that day.
    pub fn unix_seconds_start_of_day(self) -> i64 {
        self.days_since_epoch() * 86_400
    }

    /// The HTTP date (IMF-fixdate) of the last second of this day, e.g.
    /// `Wed, 30 Jun 2027 23:59:59 GMT`: what a `Sunset` header announces, since a
    /// version sunset on a date is served through that whole day.
    pub fn http_date_end_of_day(self) -> String {
        const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        // 1970-01-01 was a Thursday; rem_euclid keeps earlier dates right too.
        let weekday = WEEKDAYS[usize::try_from(self.days_since_epoch().rem_euclid(7)).unwrap_or(0)];
        let month = MONTHS[usize::from(self.month.clamp(1, 12) - 1)];
        format!(
            "{weekday}, {:02} {month} {:04} 23:59:59 GMT",
            self.day, self.year
        )
    }
}

impl FromStr for CalendarDate {
    type Err = CalendarDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CalendarDateError(s.to_owned());
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(err());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, CalendarDateError> {
            let part = &s[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).map_err(|_| err())?;
        let day = u8::try_from(number(8..10)?).map_err(|_| err())?;
        CalendarDate::new(year, month, day).ok_or_else(err)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for CalendarDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CalendarDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// A TOML bare date arrives as `toml::value::Datetime`; a string as a string.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Raw::deserialize(deserializer)? {
            Raw::Toml(datetime) => {
                if datetime.time.is_some() || datetime.offset.is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "`{datetime}` must be a date without a time, like 2027-06-30"
                    )));
                }
                datetime.to_string()
            }
            Raw::Text(text) => text,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for CalendarDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CalendarDate".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A calendar date, YYYY-MM-DD (a TOML date or a string)",
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_keys_parse_and_print() {
        assert_eq!(
            "header:X-User-Id".parse::<StickyKey>(),
            Ok(StickyKey::Header("x-user-id".into()))
        );
        assert_eq!(
            "cookie:session".parse::<StickyKey>().map(|k| k.to_string()),
            Ok("cookie:session".into())
        );
        assert!("query:x".parse::<StickyKey>().is_err());
        assert!("header:".parse::<StickyKey>().is_err());
        assert!("header:a b".parse::<StickyKey>().is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert!("2027-06-30".parse::<CalendarDate>().is_ok());
        assert!("2027-02-29".parse::<CalendarDate>().is_err());
        assert!("2028-02-29".parse::<CalendarDate>().is_ok());
        assert!("2027-6-30".parse::<CalendarDate>().is_err());
        assert_eq!(
            CalendarDate::new(1970, 1, 2).map(CalendarDate::days_since_epoch),
            Some(1)
        );
        let http = |y, m, d| CalendarDate::new(y, m, d).map(CalendarDate::http_date_end_of_day);
        assert_eq!(
            http(2027, 6, 30).as_deref(),
            Some("Wed, 30 Jun 2027 23:59:59 GMT")
        );
        assert_eq!(
            http(1970, 1, 1).as_deref(),
            Some("Thu, 01 Jan 1970 23:59:59 GMT")
        );
        assert_eq!(
            http(2024, 2, 29).as_deref(),
            Some("Thu, 29 Feb 2024 23:59:59 GMT")
        );
        assert_eq!(
            http(1969, 12, 31).as_deref(),
            Some("Wed, 31 Dec 1969 23:59:59 GMT")
        );
        assert_eq!(
            http(2028, 2, 29).as_deref(),
            Some("Tue, 29 Feb 2028 23:59:59 GMT")
        );
    }

    #[test]
    fn start_of_day_is_midnight_utc_in_unix_seconds() {
        let seconds =
            |y, m, d| CalendarDate::new(y, m, d).map(CalendarDate::unix_seconds_start_of_day);
        assert_eq!(seconds(1970, 1, 1), Some(0));
        assert_eq!(seconds(2026, 9, 1), Some(1_788_220_800));
        assert_eq!(seconds(2024, 2, 29), Some(1_709_164_800));
        assert_eq!(seconds(1969, 12, 31), Some(-86_400));
    }

    #[test]
    fn manifest_reads_bare_toml_dates() {
        let text = r#"
service = "products"
[versions.v1]
openapi = "v1.yaml"
upstream = "mall"
status = "deprecated"
deprecated = 2026-09-01
sunset = 2027-06-30
"#;
        let manifest: ReleaseManifest = toml::from_str(text).expect("valid manifest");
        assert_eq!(
            manifest.versions["v1"].deprecated,
            CalendarDate::new(2026, 9, 1)
        );
        assert_eq!(
            manifest.versions["v1"].sunset,
            CalendarDate::new(2027, 6, 30)
        );
    }
}

//! Header rewriting between client and upstream.
//!
//! Hop-by-hop headers (RFC 9110 §7.6.1) and every header the `Connection` header names
//! are removed in both directions. Forwarded requests get `x-forwarded-for`,
//! `x-forwarded-proto` and `forwarded`, trusting a client-supplied chain only from
//! `--trusted-proxies`, and then the API tags, overwriting whatever the client sent
//! (the tags are set last, so `Connection: x-api-version` cannot remove them).

use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ipnet::IpNet;

use crate::json_line;
use crate::split::Side;

/// `x-api-service`: the service name.
pub static X_API_SERVICE: HeaderName = HeaderName::from_static("x-api-service");
/// `x-api-version`: the full `info.version` of the served version.
pub static X_API_VERSION: HeaderName = HeaderName::from_static("x-api-version");
/// `x-api-release`: `current` or `target`.
pub static X_API_RELEASE: HeaderName = HeaderName::from_static("x-api-release");
/// `deprecation` (RFC 9745).
pub static DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// `sunset` (RFC 8594).
pub static SUNSET: HeaderName = HeaderName::from_static("sunset");

/// `x-request-id`: kept from the client when usable, else generated; forwarded and returned.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
static PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");

/// Headers that describe one connection and are never forwarded (`Connection` first).
static HOP_BY_HOP: [&HeaderName; 9] = [
    &header::CONNECTION,
    &KEEP_ALIVE,
    &PROXY_CONNECTION,
    &header::PROXY_AUTHENTICATE,
    &header::PROXY_AUTHORIZATION,
    &header::TE,
    &header::TRAILER,
    &header::TRANSFER_ENCODING,
    &header::UPGRADE,
];

/// Removes hop-by-hop headers and every header named in `Connection`.
///
/// Most messages carry none or only `Connection`, so the names present are scanned once
/// (cheap comparisons) and only those found are removed (each removal hashes a name).
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let mut present = [false; HOP_BY_HOP.len()];
    let mut any = false;
    for name in headers.keys() {
        if let Some(index) = HOP_BY_HOP.iter().position(|hop| *hop == name) {
            present[index] = true;
            any = true;
        }
    }
    if !any {
        return;
    }
    if present[0] {
        let named: Vec<HeaderName> = headers
            .get_all(header::CONNECTION)
            .iter()
            .flat_map(|value| value.as_bytes().split(|&b| b == b','))
            .map(<[u8]>::trim_ascii)
            // The usual options; `keep-alive` names a header removed below anyway.
            .filter(|token| {
                !token.eq_ignore_ascii_case(b"keep-alive") && !token.eq_ignore_ascii_case(b"close")
            })
            .filter_map(|token| HeaderName::from_bytes(token).ok())
            .collect();
        for name in named {
            headers.remove(name);
        }
    }
    for (name, _) in HOP_BY_HOP
        .iter()
        .zip(present)
        .filter(|(_, present)| *present)
    {
        headers.remove(*name);
    }
}

/// The proxies whose `x-forwarded-for` and `forwarded` chains are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
}

impl TrustedProxies {
    /// Trusts the given networks.
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies { networks }
    }

    /// True when `address` is inside a trusted network.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.networks
            .iter()
            .any(|network| network.contains(&address))
    }
}

/// The forwarding values of the last peer whose chain is replaced, kept by each worker:
/// clients come back on keep-alive connections, so most of their requests reuse the
/// values instead of writing and validating them again.
#[derive(Debug, Default)]
pub struct PeerValues {
    last: Mutex<Option<(IpAddr, HeaderValue, HeaderValue)>>,
}

impl PeerValues {
    /// `x-forwarded-for` and `forwarded` for a request whose only hop is `peer`.
    fn for_peer(&self, peer: IpAddr) -> Option<(HeaderValue, HeaderValue)> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((address, xff, forwarded)) = last.as_ref()
            && *address == peer
        {
            return Some((xff.clone(), forwarded.clone()));
        }
        let mut xff = Vec::with_capacity(40);
        json_line::ip_text(&mut xff, peer);
        let mut forwarded = Vec::with_capacity(56);
        forwarded_for(&mut forwarded, peer);
        let values = (header_value(xff)?, header_value(forwarded)?);
        *last = Some((peer, values.0.clone(), values.1.clone()));
        Some(values)
    }
}

/// Sets `x-forwarded-for`, `x-forwarded-proto` and `forwarded` for a request from `peer`.
///
/// A trusted peer's chain is kept and `peer` appended; anyone else's chain is replaced
/// (with the values `cache` keeps for that peer).
pub fn set_forwarded(
    headers: &mut HeaderMap,
    peer: IpAddr,
    trusted: &TrustedProxies,
    cache: &PeerValues,
) {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        let (xff, forwarded) = cache.for_peer(peer).unzip();
        set_or_remove(headers, &X_FORWARDED_FOR, xff);
        set_or_remove(headers, &header::FORWARDED, forwarded);
        headers.insert(X_FORWARDED_PROTO.clone(), HeaderValue::from_static("http"));
        return;
    }
    let mut xff = Vec::with_capacity(48);
    if let Some(chain) = joined(headers, &X_FORWARDED_FOR) {
        xff.extend_from_slice(chain.as_bytes());
        xff.extend_from_slice(b", ");
    }
    json_line::ip_text(&mut xff, peer);
    let mut forwarded = Vec::with_capacity(64);
    if let Some(chain) = joined(headers, &header::FORWARDED) {
        forwarded.extend_from_slice(chain.as_bytes());
        forwarded.extend_from_slice(b", ");
    }
    forwarded_for(&mut forwarded, peer);
    insert_text(headers, &X_FORWARDED_FOR, xff);
    insert_text(headers, &header::FORWARDED, forwarded);
    if !headers.contains_key(&X_FORWARDED_PROTO) {
        headers.insert(X_FORWARDED_PROTO.clone(), HeaderValue::from_static("http"));
    }
}

/// Appends the `forwarded` element of `peer`: `for=10.0.0.5;proto=http`, IPv6 quoted
/// in brackets (RFC 7239 §6).
fn forwarded_for(out: &mut Vec<u8>, peer: IpAddr) {
    match peer {
        IpAddr::V4(_) => {
            out.extend_from_slice(b"for=");
            json_line::ip_text(out, peer);
        }
        IpAddr::V6(_) => {
            out.extend_from_slice(b"for=\"[");
            json_line::ip_text(out, peer);
            out.extend_from_slice(b"]\"");
        }
    }
    out.extend_from_slice(b";proto=http");
}

/// The client a request comes from, as [`set_forwarded`] believes it: walking the
/// `x-forwarded-for` chain from the right while the hop is a trusted proxy, the first
/// untrusted (or unreadable) hop's address; `peer` when it is not trusted.
pub fn client_address(headers: &HeaderMap, peer: IpAddr, trusted: &TrustedProxies) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    let hops = headers
        .get_all(&X_FORWARDED_FOR)
        .iter()
        .rev()
        .flat_map(|value| value.to_str().unwrap_or("").rsplit(','));
    for hop in hops {
        match hop.trim().parse::<IpAddr>() {
            Ok(address) => client = address.to_canonical(),
            Err(_) => return client,
        }
        if !trusted.contains(client) {
            break;
        }
    }
    client
}

/// All values of a header joined by `, `, if it is present and readable.
fn joined(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?.to_str().ok()?.to_owned();
    values.try_fold(first, |mut all, value| {
        all.push_str(", ");
        all.push_str(value.to_str().ok()?);
        Some(all)
    })
}

fn insert_text(headers: &mut HeaderMap, name: &HeaderName, text: Vec<u8>) {
    set_or_remove(headers, name, header_value(text));
}

/// Sets `name` to `value`, or removes it when there is no value.
fn set_or_remove(headers: &mut HeaderMap, name: &HeaderName, value: Option<HeaderValue>) {
    match value {
        Some(value) => {
            headers.insert(name.clone(), value);
        }
        None => {
            headers.remove(name);
        }
    }
}

/// `text` as a header value, if it is one.
fn header_value(text: Vec<u8>) -> Option<HeaderValue> {
    HeaderValue::from_maybe_shared(bytes::Bytes::from(text)).ok()
}

/// The values of the API tags, prepared per version when a bundle loads.
#[derive(Debug, Clone)]
pub struct ApiTags {
    /// `x-api-service` value.
    pub service: HeaderValue,
    /// `x-api-version` value.
    pub version: HeaderValue,
}

/// Overwrites `x-api-service`, `x-api-version` and `x-api-release` on a forwarded request.
pub fn tag_request(headers: &mut HeaderMap, tags: &ApiTags, side: Side) {
    headers.insert(X_API_SERVICE.clone(), tags.service.clone());
    headers.insert(X_API_VERSION.clone(), tags.version.clone());
    headers.insert(
        X_API_RELEASE.clone(),
        HeaderValue::from_static(side.as_str()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        headers
    }

    fn values(headers: &HeaderMap, name: &str) -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("text").to_owned())
            .collect()
    }

    #[test]
    fn hop_by_hop_and_connection_named_headers_are_removed() {
        let mut headers = request(&[
            ("connection", "keep-alive, X-Secret"),
            ("connection", "x-api-version"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("upgrade", "h2c"),
            ("x-secret", "1"),
            ("x-api-version", "9.9"),
            ("accept", "*/*"),
        ]);
        strip_hop_by_hop(&mut headers);
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(left, ["accept"]);
    }

    #[test]
    fn untrusted_chains_are_replaced_and_trusted_ones_extended() {
        let spoofed = [
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-proto", "https"),
        ];
        let peer: IpAddr = "10.0.0.5".parse().expect("ip");
        let mut headers = request(&spoofed);
        set_forwarded(
            &mut headers,
            peer,
            &TrustedProxies::default(),
            &PeerValues::default(),
        );
        assert_eq!(values(&headers, "x-forwarded-for"), ["10.0.0.5"]);
        assert_eq!(values(&headers, "forwarded"), ["for=10.0.0.5;proto=http"]);
        assert_eq!(values(&headers, "x-forwarded-proto"), ["http"]);

        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net")]);
        let mut headers = request(&spoofed);
        headers.append("x-forwarded-for", HeaderValue::from_static("7.7.7.7"));
        set_forwarded(&mut headers, peer, &trusted, &PeerValues::default());
        assert_eq!(
            values(&headers, "x-forwarded-for"),
            ["6.6.6.6, 7.7.7.7, 10.0.0.5"]
        );
        assert_eq!(
            values(&headers, "forwarded"),
            ["for=6.6.6.6, for=10.0.0.5;proto=http"]
        );
        assert_eq!(values(&headers, "x-forwarded-proto"), ["https"]);
        assert_eq!(
            client_address(&headers, peer, &trusted),
            "7.7.7.7".parse::<IpAddr>().expect("an address")
        );
        assert_eq!(
            client_address(&headers, peer, &TrustedProxies::default()),
            peer
        );
    }

    #[test]
    fn one_cache_serves_peers_in_turn_with_their_own_values() {
        let cache = PeerValues::default();
        let untrusted = TrustedProxies::default();
        for peer in [
            "10.0.0.5",
            "10.0.0.5",
            "192.0.2.1",
            "2001:db8::7",
            "10.0.0.5",
        ] {
            let address: IpAddr = peer.parse().expect("ip");
            let mut headers = request(&[("x-forwarded-for", "6.6.6.6")]);
            set_forwarded(&mut headers, address, &untrusted, &cache);
            assert_eq!(values(&headers, "x-forwarded-for"), [peer]);
            let element = match address {
                IpAddr::V4(_) => format!("for={peer};proto=http"),
                IpAddr::V6(_) => format!("for=\"[{peer}]\";proto=http"),
            };
            assert_eq!(values(&headers, "forwarded"), [element]);
        }
    }

    #[test]
    fn ipv6_peers_are_quoted_and_mapped_v4_is_canonical() {
        let mut headers = HeaderMap::new();
        set_forwarded(
            &mut headers,
            "::1".parse().expect("ip"),
            &TrustedProxies::default(),
            &PeerValues::default(),
        );
        assert_eq!(values(&headers, "forwarded"), ["for=\"[::1]\";proto=http"]);
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().expect("ip");
        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net")]);
        assert!(trusted.contains(mapped));
    }

    #[test]
    fn tags_overwrite_client_values() {
        let mut headers = request(&[
            ("x-api-version", "0.0"),
            ("x-api-version", "0.1"),
            ("x-api-release", "target"),
        ]);
        let tags = ApiTags {
            service: HeaderValue::from_static("products"),
            version: HeaderValue::from_static("2.1"),
        };
        tag_request(&mut headers, &tags, Side::Current);
        assert_eq!(values(&headers, "x-api-version"), ["2.1"]);
        assert_eq!(values(&headers, "x-api-release"), ["current"]);
        assert_eq!(values(&headers, "x-api-service"), ["products"]);
    }
}

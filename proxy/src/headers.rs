//! Header rewriting between client and upstream.
//!
//! Hop-by-hop headers (RFC 9110 §7.6.1) and every header the `Connection` header names
//! are removed in both directions (from answers as their heads are read, in
//! [`crate::exchange`]). A forwarded request's header lines are written out
//! at once ([`write_forwarded_fields`]): the client's, then `x-request-id`,
//! `x-forwarded-for`, `x-forwarded-proto`, RFC 7239 `forwarded` when
//! `--forwarded-header` asks for it (a client-supplied chain is trusted only from
//! `--trusted-proxies`) and the API tags, replacing whatever the client sent (they come
//! last, so `Connection: x-api-version` cannot remove them).

use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ipnet::IpNet;

use crate::exchange::write_field;
use crate::json_line;
use crate::split::Side;

/// `x-api-version`: the full `info.version` of the served version.
pub static X_API_VERSION: HeaderName = HeaderName::from_static("x-api-version");
/// `deprecation` (RFC 9745).
pub static DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// `sunset` (RFC 8594).
pub static SUNSET: HeaderName = HeaderName::from_static("sunset");

/// `x-request-id`: kept from the client when usable, else generated; forwarded and returned.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

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

/// The forwarding lines of the last peer whose chain is replaced, kept by each worker:
/// clients come back on keep-alive connections, so most of their requests copy the
/// lines instead of writing them again.
#[derive(Debug, Default)]
pub struct PeerValues {
    last: Mutex<Option<(IpAddr, ForwardedHeader, Vec<u8>)>>,
}

impl PeerValues {
    /// Appends `x-forwarded-for`, `x-forwarded-proto` and, as `forwarded` says,
    /// `forwarded` for a request whose only hop is `peer`.
    fn write_for_peer(&self, out: &mut Vec<u8>, peer: IpAddr, forwarded: ForwardedHeader) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((address, style, lines)) = last.as_ref()
            && *address == peer
            && *style == forwarded
        {
            out.extend_from_slice(lines);
            return;
        }
        let mut lines = Vec::with_capacity(128);
        lines.extend_from_slice(b"x-forwarded-for: ");
        json_line::ip_text(&mut lines, peer);
        lines.extend_from_slice(b"\r\nx-forwarded-proto: http\r\n");
        if forwarded == ForwardedHeader::Sent {
            lines.extend_from_slice(b"forwarded: ");
            forwarded_for(&mut lines, peer);
            lines.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(&lines);
        *last = Some((peer, forwarded, lines));
    }
}

/// Whether forwarded requests carry RFC 7239 `forwarded` beside `x-forwarded-for` and
/// `x-forwarded-proto`, which they always carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// Not written (as Envoy, HAProxy and Traefik do by default): a client's
    /// `forwarded` is removed unless it comes from a trusted proxy, whose is passed on.
    #[default]
    Omitted,
    /// Written like `x-forwarded-for`: the peer appended to a trusted proxy's chain,
    /// anyone else's replaced.
    Sent,
}

/// What a forwarded request carries besides the client's own headers.
#[derive(Debug, Clone, Copy)]
pub struct Forwarding<'a> {
    /// The client connection's peer.
    pub peer: IpAddr,
    /// Whose forwarding chains are believed.
    pub trusted: &'a TrustedProxies,
    /// Whether RFC 7239 `forwarded` is written.
    pub forwarded: ForwardedHeader,
    /// This worker's forwarding lines of its last untrusted peer.
    pub peer_values: &'a PeerValues,
    /// The request's `x-request-id`.
    pub request_id: &'a HeaderValue,
    /// The served version's tags.
    pub tags: &'a ApiTags,
    /// The release side that serves the request.
    pub side: Side,
    /// The `Host` to send when the client sent none.
    pub host: Option<&'a str>,
    /// Whether the request has a `Connection` field, whose tokens name more fields to
    /// leave out.
    pub has_connection: bool,
}

/// Appends the header lines of a forwarded request: the client's `headers`, less the
/// hop-by-hop ones, those its `Connection` names and those the proxy sets; then `Host`
/// when the client sent none, `x-request-id`, the forwarding chain and the API tags.
///
/// A trusted peer's chain is kept and the peer appended (its `x-forwarded-proto` is
/// kept too, and its `forwarded` passed on as it is when none is written); anyone
/// else's chain is replaced, or removed when not written. The proxy's lines come last, so no
/// `Connection` token can remove them. Nothing is inserted into a header map: each
/// client header is looked at once, and the proxy's lines are written as they are.
pub fn write_forwarded_fields(out: &mut Vec<u8>, headers: &HeaderMap, forwarding: &Forwarding<'_>) {
    let peer = forwarding.peer.to_canonical();
    let trusted = forwarding.trusted.contains(peer);
    let named = if forwarding.has_connection {
        connection_named(
            headers
                .get_all(header::CONNECTION)
                .iter()
                .map(HeaderValue::as_bytes),
        )
    } else {
        Vec::new()
    };
    for (name, value) in headers {
        let set_by_proxy = match name.as_str() {
            "x-request-id" | "x-forwarded-for" | "x-api-service" | "x-api-version"
            | "x-api-release" => true,
            "forwarded" => forwarding.forwarded == ForwardedHeader::Sent || !trusted,
            "x-forwarded-proto" => !trusted,
            _ => false,
        };
        let name_text = name.as_str().as_bytes();
        if set_by_proxy || is_hop_by_hop(name) || named.iter().any(|token| token == name_text) {
            continue;
        }
        write_field(out, name_text, value.as_bytes());
    }
    if let Some(host) = forwarding.host {
        write_field(out, b"host", host.as_bytes());
    }
    write_field(out, b"x-request-id", forwarding.request_id.as_bytes());
    if trusted {
        write_trusted_chain(out, headers, peer, forwarding.forwarded);
    } else {
        forwarding
            .peer_values
            .write_for_peer(out, peer, forwarding.forwarded);
    }
    out.extend_from_slice(forwarding.tags.lines(forwarding.side));
}

/// Whether `name` is a hop-by-hop header.
pub fn is_hop_by_hop(name: &HeaderName) -> bool {
    is_hop_by_hop_name(name.as_str().as_bytes())
}

/// Whether the header named `name` (in any case) is a hop-by-hop header: one that
/// describes one connection and is never forwarded (`Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `Proxy-Authenticate`, `Proxy-Authorization`, `TE`, `Trailer`,
/// `Transfer-Encoding`, `Upgrade`). The candidates are picked by length, so most names
/// cost one comparison of lengths.
pub fn is_hop_by_hop_name(name: &[u8]) -> bool {
    let candidates: &[&[u8]] = match name.len() {
        2 => &[b"te"],
        7 => &[b"trailer", b"upgrade"],
        10 => &[b"connection", b"keep-alive"],
        16 => &[b"proxy-connection"],
        17 => &[b"transfer-encoding"],
        18 => &[b"proxy-authenticate"],
        19 => &[b"proxy-authorization"],
        _ => return false,
    };
    candidates.iter().any(|hop| name_is(name, hop))
}

/// Whether the field name `name` (a token, as httparse and `http` check names; or a
/// piece of a field value, which has no control character but tab) is `lowercase` in
/// any case, for a `lowercase` of lowercase letters, digits and `-`.
///
/// Such a byte ORed with 0x20 is a letter, digit or `-` exactly when it is that byte
/// or its uppercase (the other bytes that OR to `-` or a digit are control characters,
/// and a tab ORs to `)`), so the bytes are compared eight at a time, the last eight
/// overlapping the ones before.
pub fn name_is(name: &[u8], lowercase: &[u8]) -> bool {
    debug_assert!(
        lowercase
            .iter()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || *byte == b'-')
    );
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let length = name.len();
    if length != lowercase.len() {
        return false;
    }
    if length < 8 {
        return name
            .iter()
            .zip(lowercase)
            .all(|(byte, wanted)| byte | 0x20 == *wanted);
    }
    let word = |bytes: &[u8], at: usize| {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(eight)
    };
    let same_at = |at: usize| word(name, at) | SPACES == word(lowercase, at);
    (0..length - 8).step_by(8).all(same_at) && same_at(length - 8)
}

/// Whether a comma-separated header `value` has `token` (lowercase, in any case).
pub fn has_token(value: &[u8], token: &[u8]) -> bool {
    value
        .split(|&byte| byte == b',')
        .any(|item| name_is(item.trim_ascii(), token))
}

/// The header names (lowercase) that the `Connection` header `values` name, besides
/// the usual options; empty when there is no `Connection` header.
pub fn connection_named<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<Vec<u8>> {
    let mut named = Vec::new();
    for value in values {
        for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
            if !token.is_empty() && !name_is(token, b"keep-alive") && !name_is(token, b"close") {
                named.push(token.to_ascii_lowercase());
            }
        }
    }
    named
}

/// Appends `x-forwarded-for` (and, as `forwarded` says, `forwarded`) with `peer`
/// after the client's chains, and `x-forwarded-proto: http` when the client sent none.
fn write_trusted_chain(
    out: &mut Vec<u8>,
    headers: &HeaderMap,
    peer: IpAddr,
    forwarded: ForwardedHeader,
) {
    out.extend_from_slice(b"x-forwarded-for: ");
    if let Some(chain) = joined(headers, &X_FORWARDED_FOR) {
        out.extend_from_slice(chain.as_bytes());
        out.extend_from_slice(b", ");
    }
    json_line::ip_text(out, peer);
    out.extend_from_slice(b"\r\n");
    if !headers.contains_key(&X_FORWARDED_PROTO) {
        out.extend_from_slice(b"x-forwarded-proto: http\r\n");
    }
    if forwarded == ForwardedHeader::Sent {
        out.extend_from_slice(b"forwarded: ");
        if let Some(chain) = joined(headers, &header::FORWARDED) {
            out.extend_from_slice(chain.as_bytes());
            out.extend_from_slice(b", ");
        }
        forwarded_for(out, peer);
        out.extend_from_slice(b"\r\n");
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

/// The values of the API tags, prepared per version when a bundle loads, with the
/// header lines a forwarded request carries for each release side.
#[derive(Debug, Clone)]
pub struct ApiTags {
    /// `x-api-service` value.
    pub service: HeaderValue,
    /// `x-api-version` value.
    pub version: HeaderValue,
    /// `x-api-service`, `x-api-version` and `x-api-release` lines: current, target.
    lines: [Box<[u8]>; 2],
}

impl ApiTags {
    /// The tags of the version `version` of `service`.
    pub fn new(service: HeaderValue, version: HeaderValue) -> ApiTags {
        let lines = [Side::Current, Side::Target].map(|side| {
            let mut out = Vec::new();
            write_field(&mut out, b"x-api-service", service.as_bytes());
            write_field(&mut out, b"x-api-version", version.as_bytes());
            write_field(&mut out, b"x-api-release", side.as_str().as_bytes());
            out.into_boxed_slice()
        });
        ApiTags {
            service,
            version,
            lines,
        }
    }

    /// The tag lines of a request the `side` serves.
    fn lines(&self, side: Side) -> &[u8] {
        match side {
            Side::Current => &self.lines[0],
            Side::Target => &self.lines[1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request_fields::RequestFields;

    /// The hop-by-hop headers, as `http` names them.
    static HOP_BY_HOP: [HeaderName; 9] = [
        header::CONNECTION,
        HeaderName::from_static("keep-alive"),
        HeaderName::from_static("proxy-connection"),
        header::PROXY_AUTHENTICATE,
        header::PROXY_AUTHORIZATION,
        header::TE,
        header::TRAILER,
        header::TRANSFER_ENCODING,
        header::UPGRADE,
    ];

    #[test]
    fn hop_by_hop_names_are_found_by_length_in_any_case() {
        for hop in &HOP_BY_HOP {
            let name = hop.as_str();
            assert!(is_hop_by_hop_name(name.as_bytes()), "{name}");
            assert!(
                is_hop_by_hop_name(name.to_ascii_uppercase().as_bytes()),
                "{name}"
            );
        }
        let lengths: Vec<usize> = HOP_BY_HOP.iter().map(|hop| hop.as_str().len()).collect();
        for other in [
            "tx",
            "trailed",
            "connexion",
            "x-connection-id",
            "content-encodings",
        ] {
            assert!(!is_hop_by_hop_name(other.as_bytes()), "{other}");
        }
        for length in 0..24 {
            let name = "x".repeat(length);
            assert!(!is_hop_by_hop_name(name.as_bytes()));
            assert_eq!(
                lengths.contains(&length),
                matches!(length, 2 | 7 | 10 | 16..=19),
                "{length}"
            );
        }
    }

    #[test]
    fn names_match_their_lowercase_in_any_case_only() {
        for (name, lowercase) in [
            ("date", "date"),
            ("Date", "date"),
            ("Content-Length", "content-length"),
            ("TRANSFER-ENCODING", "transfer-encoding"),
            ("x-api-version", "x-api-version"),
            ("Keep-Alive", "keep-alive"),
            ("te", "te"),
            ("x-b3-spanid", "x-b3-spanid"),
        ] {
            assert!(name_is(name.as_bytes(), lowercase.as_bytes()), "{name}");
        }
        for (name, lowercase) in [
            ("data", "date"),
            ("content-lengths", "content-length"),
            ("content_length", "content-length"),
            ("Content-Lengtx", "content-length"),
            ("xontent-length", "content-length"),
            ("transfer-encodin", "transfer-encoding"),
            ("", "te"),
            ("keep\talive", "keep-alive"),
            ("clos)", "close"),
        ] {
            assert!(!name_is(name.as_bytes(), lowercase.as_bytes()), "{name}");
        }
    }

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

    /// The header lines forwarded for a request with `headers` from `peer`, read back
    /// into a map (and every line checked to be one `name: value` line).
    fn forwarded(
        headers: &HeaderMap,
        peer: &str,
        trusted: &TrustedProxies,
        cache: &PeerValues,
        host: Option<&str>,
        style: ForwardedHeader,
    ) -> HeaderMap {
        let tags = ApiTags::new(
            HeaderValue::from_static("products"),
            HeaderValue::from_static("2.1"),
        );
        let request_id = HeaderValue::from_static("id-1");
        let forwarding = Forwarding {
            peer: peer.parse().expect("ip"),
            trusted,
            forwarded: style,
            peer_values: cache,
            request_id: &request_id,
            tags: &tags,
            side: Side::Current,
            host,
            has_connection: RequestFields::of(headers).present.connection,
        };
        let mut out = Vec::new();
        write_forwarded_fields(&mut out, headers, &forwarding);
        let text = String::from_utf8(out).expect("text");
        let lines = text.strip_suffix("\r\n").expect("lines end with CRLF");
        let mut written = HeaderMap::new();
        for line in lines.split("\r\n") {
            let (name, value) = line.split_once(": ").expect("a name: value line");
            written.append(
                HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        written
    }

    fn untrusted(headers: &HeaderMap, peer: &str, style: ForwardedHeader) -> HeaderMap {
        forwarded(
            headers,
            peer,
            &TrustedProxies::default(),
            &PeerValues::default(),
            None,
            style,
        )
    }

    fn trusted_from(headers: &HeaderMap, peer: &str, style: ForwardedHeader) -> HeaderMap {
        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net")]);
        forwarded(headers, peer, &trusted, &PeerValues::default(), None, style)
    }

    #[test]
    fn hop_by_hop_and_connection_named_headers_are_removed() {
        let client = request(&[
            ("connection", "keep-alive, X-Secret"),
            ("connection", "x-api-version"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("upgrade", "h2c"),
            ("x-secret", "1"),
            ("x-api-version", "9.9"),
            ("accept", "*/*"),
        ]);
        let sent = untrusted(&client, "10.0.0.5", ForwardedHeader::Omitted);
        let names: Vec<&str> = sent.keys().map(HeaderName::as_str).collect();
        assert_eq!(
            names,
            [
                "accept",
                "x-request-id",
                "x-forwarded-for",
                "x-forwarded-proto",
                "x-api-service",
                "x-api-version",
                "x-api-release"
            ]
        );
        assert_eq!(values(&sent, "x-api-version"), ["2.1"]);
        let sent = untrusted(&client, "10.0.0.5", ForwardedHeader::Sent);
        let names: Vec<&str> = sent.keys().map(HeaderName::as_str).collect();
        assert_eq!(
            names[2..5],
            ["x-forwarded-for", "x-forwarded-proto", "forwarded"]
        );
    }

    #[test]
    fn untrusted_chains_are_replaced_and_trusted_ones_extended() {
        let spoofed = [
            ("x-forwarded-for", "6.6.6.6"),
            ("forwarded", "for=6.6.6.6"),
            ("x-forwarded-proto", "https"),
        ];
        let peer: IpAddr = "10.0.0.5".parse().expect("ip");
        let sent = untrusted(&request(&spoofed), "10.0.0.5", ForwardedHeader::Sent);
        assert_eq!(values(&sent, "x-forwarded-for"), ["10.0.0.5"]);
        assert_eq!(values(&sent, "forwarded"), ["for=10.0.0.5;proto=http"]);
        assert_eq!(values(&sent, "x-forwarded-proto"), ["http"]);
        let sent = untrusted(&request(&spoofed), "10.0.0.5", ForwardedHeader::Omitted);
        assert_eq!(values(&sent, "x-forwarded-for"), ["10.0.0.5"]);
        assert!(
            values(&sent, "forwarded").is_empty(),
            "a spoofed chain is removed"
        );
        assert_eq!(values(&sent, "x-forwarded-proto"), ["http"]);

        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net")]);
        let mut headers = request(&spoofed);
        headers.append("x-forwarded-for", HeaderValue::from_static("7.7.7.7"));
        let sent = trusted_from(&headers, "10.0.0.5", ForwardedHeader::Sent);
        assert_eq!(
            values(&sent, "x-forwarded-for"),
            ["6.6.6.6, 7.7.7.7, 10.0.0.5"]
        );
        assert_eq!(
            values(&sent, "forwarded"),
            ["for=6.6.6.6, for=10.0.0.5;proto=http"]
        );
        assert_eq!(values(&sent, "x-forwarded-proto"), ["https"]);
        let sent = trusted_from(&headers, "10.0.0.5", ForwardedHeader::Omitted);
        assert_eq!(
            values(&sent, "x-forwarded-for"),
            ["6.6.6.6, 7.7.7.7, 10.0.0.5"]
        );
        assert_eq!(
            values(&sent, "forwarded"),
            ["for=6.6.6.6"],
            "passed on as it is"
        );
        assert_eq!(values(&sent, "x-forwarded-proto"), ["https"]);
        for style in [ForwardedHeader::Omitted, ForwardedHeader::Sent] {
            let sent = trusted_from(&HeaderMap::new(), "10.0.0.5", style);
            assert_eq!(values(&sent, "x-forwarded-for"), ["10.0.0.5"]);
            assert_eq!(values(&sent, "x-forwarded-proto"), ["http"]);
            assert_eq!(
                values(&sent, "forwarded").len(),
                usize::from(style == ForwardedHeader::Sent)
            );
        }
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
        for (peer, style) in [
            ("10.0.0.5", ForwardedHeader::Sent),
            ("10.0.0.5", ForwardedHeader::Sent),
            ("10.0.0.5", ForwardedHeader::Omitted),
            ("192.0.2.1", ForwardedHeader::Sent),
            ("2001:db8::7", ForwardedHeader::Sent),
            ("2001:db8::7", ForwardedHeader::Omitted),
            ("10.0.0.5", ForwardedHeader::Sent),
        ] {
            let address: IpAddr = peer.parse().expect("ip");
            let headers = request(&[("x-forwarded-for", "6.6.6.6")]);
            let sent = forwarded(&headers, peer, &untrusted, &cache, None, style);
            assert_eq!(values(&sent, "x-forwarded-for"), [peer]);
            let element = match address {
                IpAddr::V4(_) => format!("for={peer};proto=http"),
                IpAddr::V6(_) => format!("for=\"[{peer}]\";proto=http"),
            };
            let expected: &[String] = match style {
                ForwardedHeader::Sent => &[element],
                ForwardedHeader::Omitted => &[],
            };
            assert_eq!(values(&sent, "forwarded"), expected, "{peer} {style:?}");
        }
    }

    #[test]
    fn ipv6_peers_are_quoted_and_mapped_v4_is_canonical() {
        let sent = untrusted(&HeaderMap::new(), "::1", ForwardedHeader::Sent);
        assert_eq!(values(&sent, "forwarded"), ["for=\"[::1]\";proto=http"]);
        let sent = untrusted(
            &HeaderMap::new(),
            "::ffff:10.1.2.3",
            ForwardedHeader::Omitted,
        );
        assert_eq!(values(&sent, "x-forwarded-for"), ["10.1.2.3"]);
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().expect("ip");
        let trusted = TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("net")]);
        assert!(trusted.contains(mapped));
    }

    #[test]
    fn tags_and_the_request_id_replace_client_values() {
        let client = request(&[
            ("x-api-version", "0.0"),
            ("x-api-version", "0.1"),
            ("x-api-release", "target"),
            ("x-request-id", "spoofed"),
            ("host", "shop.example"),
        ]);
        let sent = untrusted(&client, "10.0.0.5", ForwardedHeader::Omitted);
        assert_eq!(values(&sent, "x-api-version"), ["2.1"]);
        assert_eq!(values(&sent, "x-api-release"), ["current"]);
        assert_eq!(values(&sent, "x-api-service"), ["products"]);
        assert_eq!(values(&sent, "x-request-id"), ["id-1"]);
        assert_eq!(values(&sent, "host"), ["shop.example"]);
        let without_host = forwarded(
            &HeaderMap::new(),
            "10.0.0.5",
            &TrustedProxies::default(),
            &PeerValues::default(),
            Some("upstream.internal:8080"),
            ForwardedHeader::Omitted,
        );
        assert_eq!(values(&without_host, "host"), ["upstream.internal:8080"]);
    }
}

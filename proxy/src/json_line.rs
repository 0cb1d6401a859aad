//! Writing JSON values into a byte buffer on the request path: strings (copied as they
//! are when nothing needs escaping, the usual case), integers (by `itoa`), IP addresses
//! and RFC 3339 times, without the formatting machinery. The access log builds its
//! lines from these.

use std::io::Write;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

/// Appends `text` as a JSON string.
pub fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    if !any_needs_escape(bytes) {
        out.extend_from_slice(bytes);
    } else {
        escaped(out, bytes);
    }
    out.push(b'"');
}

/// A text rendered as a JSON string once, for a value many lines carry (a bundle's
/// generation, an operation's template, an endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString(Box<[u8]>);

impl JsonString {
    /// `text` as a JSON string.
    pub fn new(text: &str) -> JsonString {
        let mut out = Vec::with_capacity(text.len() + 2);
        string(&mut out, text);
        JsonString(out.into_boxed_slice())
    }

    /// The JSON text, quotes included.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Appends `rendered`, or `null`.
pub fn optional_rendered(out: &mut Vec<u8>, rendered: Option<&JsonString>) {
    match rendered {
        Some(rendered) => out.extend_from_slice(rendered.as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `text` as a JSON string, or `null`.
pub fn optional_string(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `number` in decimal.
pub fn unsigned(out: &mut Vec<u8>, number: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes());
}

/// Appends `number` in decimal, or `null`.
pub fn optional_unsigned(out: &mut Vec<u8>, number: Option<u64>) {
    match number {
        Some(number) => unsigned(out, number),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends `micros` microseconds as milliseconds with three decimals (`12.345`).
pub fn milliseconds(out: &mut Vec<u8>, micros: u64) {
    unsigned(out, micros / 1000);
    let fraction = micros % 1000;
    out.extend_from_slice(&[
        b'.',
        b'0' + (fraction / 100) as u8,
        b'0' + (fraction / 10 % 10) as u8,
        b'0' + (fraction % 10) as u8,
    ]);
}

/// Appends `address` as a JSON string.
pub fn ip(out: &mut Vec<u8>, address: IpAddr) {
    out.push(b'"');
    ip_text(out, address);
    out.push(b'"');
}

/// Appends the text form of `address` (IPv4 dotted, IPv6 as RFC 5952 text), as used in
/// JSON strings and forwarding headers.
pub fn ip_text(out: &mut Vec<u8>, address: IpAddr) {
    match address {
        IpAddr::V4(v4) => {
            // Dotted text in a stack buffer, then one copy: at most 15 bytes.
            let mut text = [0u8; 15];
            let mut length = 0;
            let mut put = |byte: u8| {
                text[length] = byte;
                length += 1;
            };
            for (index, octet) in v4.octets().into_iter().enumerate() {
                if index > 0 {
                    put(b'.');
                }
                if octet >= 100 {
                    put(b'0' + octet / 100);
                }
                if octet >= 10 {
                    put(b'0' + octet / 10 % 10);
                }
                put(b'0' + octet % 10);
            }
            out.extend_from_slice(&text[..length]);
        }
        // Writing into a Vec cannot fail.
        IpAddr::V6(v6) => {
            let _ = write!(out, "{v6}");
        }
    }
}

/// Writes times as RFC 3339 UTC strings with milliseconds
/// (`"2026-11-23T19:31:05.123Z"`; times before 1970 are written as 1970), keeping the
/// text of the last second written: the lines of one second share it, and only the
/// milliseconds are new.
#[derive(Debug, Default)]
pub struct TimeWriter {
    /// The last second written, since the epoch, and its text up to the milliseconds
    /// (`"2026-11-23T19:31:05.`).
    last: Option<(u64, [u8; SECOND_TEXT])>,
}

/// Bytes of a time's text up to its milliseconds, with the opening quote.
const SECOND_TEXT: usize = 21;

impl TimeWriter {
    /// Appends `time` as a JSON string.
    pub fn write(&mut self, out: &mut Vec<u8>, time: SystemTime) {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let seconds = since.as_secs();
        let text = match self.last {
            Some((second, text)) if second == seconds => text,
            _ => {
                let text = second_text(seconds);
                self.last = Some((seconds, text));
                text
            }
        };
        out.extend_from_slice(&text);
        let millis = since.subsec_millis();
        out.extend_from_slice(&[
            b'0' + (millis / 100) as u8,
            b'0' + (millis / 10 % 10) as u8,
            b'0' + (millis % 10) as u8,
            b'Z',
            b'"',
        ]);
    }
}

/// `"YYYY-MM-DDTHH:MM:SS.` for `seconds` since the epoch.
fn second_text(seconds: u64) -> [u8; SECOND_TEXT] {
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    let two = |value: u64| [b'0' + (value / 10 % 10) as u8, b'0' + (value % 10) as u8];
    let [c1, c2] = two(year / 100);
    let [y1, y2] = two(year % 100);
    let [mo1, mo2] = two(month);
    let [d1, d2] = two(day);
    let [h1, h2] = two(of_day / 3600);
    let [mi1, mi2] = two(of_day / 60 % 60);
    let [s1, s2] = two(of_day % 60);
    [
        b'"', c1, c2, y1, y2, b'-', mo1, mo2, b'-', d1, d2, b'T', h1, h2, b':', mi1, mi2, b':', s1,
        s2, b'.',
    ]
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `"`, `\` and control characters must be escaped in a JSON string (RFC 8259 §7).
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether any byte of `bytes` needs escaping, tested eight bytes at a time: a word has
/// a byte below `n` (n ≤ 128) exactly when `(w - n·0x01…) & !w & 0x80…` is not zero
/// (bytes of 0x80 and above, UTF-8, never match), and a byte equal to `c` when its
/// XOR with `c·0x01…` has a byte below 1.
fn any_needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGHS;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let hits = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if hits != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&byte| needs_escape(byte))
}

fn escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &byte in bytes {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            control if control < 0x20 => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(control >> 4)],
                HEX[usize::from(control & 0xf)],
            ]),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;

    fn written(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn times_are_rfc3339_utc_with_milliseconds() {
        let mut times = TimeWriter::default();
        let time = UNIX_EPOCH + Duration::from_millis(1_795_462_265_123);
        assert_eq!(
            written(|out| times.write(out, time)),
            "\"2026-11-23T19:31:05.123Z\""
        );
        let same_second = UNIX_EPOCH + Duration::from_millis(1_795_462_265_999);
        assert_eq!(
            written(|out| times.write(out, same_second)),
            "\"2026-11-23T19:31:05.999Z\""
        );
        let next_second = UNIX_EPOCH + Duration::from_millis(1_795_462_266_000);
        assert_eq!(
            written(|out| times.write(out, next_second)),
            "\"2026-11-23T19:31:06.000Z\""
        );
        let early = UNIX_EPOCH + Duration::from_millis(951_782_400_007);
        assert_eq!(
            written(|out| times.write(out, early)),
            "\"2000-02-29T00:00:00.007Z\""
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn numbers_and_addresses() {
        assert_eq!(written(|out| unsigned(out, 0)), "0");
        assert_eq!(written(|out| unsigned(out, u64::MAX)), u64::MAX.to_string());
        assert_eq!(written(|out| milliseconds(out, 12_345)), "12.345");
        assert_eq!(written(|out| milliseconds(out, 7)), "0.007");
        assert_eq!(
            written(|out| ip(out, IpAddr::from([10, 0, 255, 1]))),
            "\"10.0.255.1\""
        );
        let v6: IpAddr = "2001:db8::1".parse().expect("an address");
        assert_eq!(written(|out| ip(out, v6)), "\"2001:db8::1\"");
        assert_eq!(written(|out| optional_unsigned(out, None)), "null");
        assert_eq!(written(|out| optional_string(out, None)), "null");
    }

    #[test]
    fn rendered_strings_are_written_as_rendered() {
        let template = JsonString::new("/v1/\"odd\"/{id}");
        assert_eq!(template.as_bytes(), br#""/v1/\"odd\"/{id}""#);
        assert_eq!(
            written(|out| optional_rendered(out, Some(&template))),
            r#""/v1/\"odd\"/{id}""#
        );
        assert_eq!(written(|out| optional_rendered(out, None)), "null");
    }

    proptest! {
        /// Whatever the text, the output is the JSON string serde_json reads back as it.
        #[test]
        fn strings_read_back_as_themselves(text in any::<String>()) {
            let json = written(|out| string(out, &text));
            let back: String = serde_json::from_str(&json).expect("valid JSON");
            prop_assert_eq!(back, text);
        }

        /// IPv4 addresses read as the standard library writes them.
        #[test]
        fn ipv4_text_is_dotted_decimal(octets in any::<[u8; 4]>()) {
            let address = std::net::Ipv4Addr::from(octets);
            let text = written(|out| ip_text(out, IpAddr::V4(address)));
            prop_assert_eq!(text, address.to_string());
        }

        /// The word-at-a-time test agrees with the byte-by-byte one, at every position
        /// of a word, on the bytes around each boundary.
        #[test]
        fn word_test_agrees_with_byte_test(bytes in proptest::collection::vec(
            proptest::sample::select(vec![
                0x00u8, 0x1f, 0x20, 0x21, b'"', 0x23, 0x5b, b'\\', 0x5d, b'a', 0x7f, 0x80, 0xa2, 0xdc, 0xff,
            ]),
            0..40,
        )) {
            prop_assert_eq!(any_needs_escape(&bytes), bytes.iter().any(|&b| needs_escape(b)));
        }
    }

    #[test]
    fn quotes_backslashes_and_controls_are_escaped() {
        assert_eq!(
            written(|out| string(out, "a\"b\\c\nd\u{1}é")),
            "\"a\\\"b\\\\c\\nd\\u0001é\""
        );
    }
}

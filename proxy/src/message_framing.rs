//! HTTP/1.1 message framing rules shared by the client-side framing watch, the upstream
//! client and the direct lane's answers (RFC 9112 §6 and §7.1): the chunked-body grammar
//! byte by byte, as strict as hyper's decoder, how `Content-Length` and
//! `Transfer-Encoding` values are read, and how a chunk is written.

use std::io::Write;

/// hyper's largest `Content-Length` (`u64::MAX - 2`; the rest are its markers).
pub const MAX_CONTENT_LENGTH: u64 = u64::MAX - 2;

/// The place in a chunked body (RFC 9112 §7.1), as strict as hyper's decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    /// Before the first digit of a chunk size.
    SizeStart,
    /// In the hex digits of a chunk size, read so far.
    Size(u64),
    /// In blanks after a chunk size.
    SizeBlank(u64),
    /// In a chunk extension.
    Extension(u64),
    /// After the CR that ends a chunk-size line.
    SizeLf(u64),
    /// In chunk data, with this many bytes to come.
    Data(u64),
    /// After chunk data, expecting CR.
    DataCr,
    /// After chunk data and CR, expecting LF.
    DataLf,
    /// At the start of a trailer line, or of the final empty line.
    LineStart,
    /// In a trailer line.
    Trailer,
    /// After the CR that ends a trailer line.
    TrailerLf,
    /// After the CR of the final empty line.
    EndLf,
}

/// What the bytes at the front of a chunked body are, read from a [`Chunk`] state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// `length` bytes of chunk data (all there are, up to the chunk's end), then `next`.
    Data {
        /// How many bytes of data.
        length: usize,
        /// The state after them.
        next: Chunk,
    },
    /// `consumed` bytes of sizes, extensions, line ends or trailers, then `next` (the
    /// start of chunk data, or the end of the bytes given).
    Framing {
        /// How many bytes.
        consumed: usize,
        /// The state after them.
        next: Chunk,
    },
    /// The body ends after `consumed` bytes.
    End {
        /// How many bytes, the final empty line included.
        consumed: usize,
    },
    /// A byte the grammar (and hyper's decoder) refuses.
    Invalid,
}

/// Reads the front of `bytes`, a chunked body in state `chunk`: the chunk data there
/// (without copying, for the caller to take), or the framing bytes up to the next data
/// or the body's end.
pub fn advance(chunk: Chunk, bytes: &[u8]) -> Advance {
    if let Chunk::Data(remaining) = chunk {
        let length = usize::try_from(remaining).map_or(bytes.len(), |left| left.min(bytes.len()));
        // `length` is at most `remaining`, so the subtraction cannot wrap.
        let left = remaining - length as u64;
        let next = if left == 0 {
            Chunk::DataCr
        } else {
            Chunk::Data(left)
        };
        return Advance::Data { length, next };
    }
    let mut chunk = chunk;
    for (index, &byte) in bytes.iter().enumerate() {
        match next_chunk_state(chunk, byte) {
            Some(ChunkStep::Within(Chunk::Data(size))) => {
                return Advance::Framing {
                    consumed: index + 1,
                    next: Chunk::Data(size),
                };
            }
            Some(ChunkStep::Within(next)) => chunk = next,
            Some(ChunkStep::BodyEnd) => {
                return Advance::End {
                    consumed: index + 1,
                };
            }
            None => return Advance::Invalid,
        }
    }
    Advance::Framing {
        consumed: bytes.len(),
        next: chunk,
    }
}

/// The result of one byte of a chunked body outside chunk data.
enum ChunkStep {
    Within(Chunk),
    BodyEnd,
}

/// The state after `byte` in `chunk` (never [`Chunk::Data`] with bytes to skip, which
/// the caller takes in bulk); `None` for a byte hyper's decoder refuses.
fn next_chunk_state(chunk: Chunk, byte: u8) -> Option<ChunkStep> {
    use Chunk::*;
    let next = match (chunk, byte) {
        (SizeStart, _) => Size(u64::from(hex_digit(byte)?)),
        (Size(size), b' ' | b'\t') => SizeBlank(size),
        (Size(size) | SizeBlank(size), b';') => Extension(size),
        (Size(size) | SizeBlank(size) | Extension(size), b'\r') => SizeLf(size),
        (Size(size), _) => Size(
            size.checked_mul(16)?
                .checked_add(u64::from(hex_digit(byte)?))?,
        ),
        (SizeBlank(size), b' ' | b'\t') => SizeBlank(size),
        (SizeBlank(_), _) | (Extension(_), b'\n') => return None,
        (Extension(size), _) => Extension(size),
        (SizeLf(0), b'\n') => LineStart,
        (SizeLf(size), b'\n') => Data(size),
        (DataCr, b'\r') => DataLf,
        (DataLf, b'\n') => SizeStart,
        (LineStart, b'\r') => EndLf,
        (Trailer, b'\r') => TrailerLf,
        (LineStart | Trailer, _) => Trailer,
        (TrailerLf, b'\n') => LineStart,
        (EndLf, b'\n') => return Some(ChunkStep::BodyEnd),
        (SizeLf(_) | Data(_) | DataCr | DataLf | TrailerLf | EndLf, _) => return None,
    };
    Some(ChunkStep::Within(next))
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// Whether a `Transfer-Encoding` value's last coding is chunked (hyper's test: the
/// value must be visible ASCII).
pub fn ends_with_chunked(value: &[u8]) -> bool {
    let visible = value
        .iter()
        .all(|&byte| byte == b'\t' || (b' '..0x7f).contains(&byte));
    visible
        && value
            .rsplit(|&byte| byte == b',')
            .next()
            .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"))
}

/// A `Content-Length` value: decimal digits only, as hyper reads it.
pub fn decimal(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |total, &byte| {
        let digit = char::from(byte).to_digit(10)?;
        total.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Appends `data` as one chunk (size line, data, CRLF); nothing for no data, which
/// would be the last chunk.
pub fn write_chunk(out: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    write_chunk_size(out, data.len());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// Appends a chunk-size line for `length` bytes (lowercase hex).
fn write_chunk_size(out: &mut Vec<u8>, length: usize) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{length:x}\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_values_are_read_as_hyper_reads_them() {
        assert!(ends_with_chunked(b"gzip, Chunked "));
        assert!(!ends_with_chunked(b"chunked, gzip"));
        assert!(!ends_with_chunked(b"chunked\xff"));
        assert_eq!(decimal(b"0012"), Some(12));
        assert_eq!(decimal(b"+12"), None);
        assert_eq!(decimal(b""), None);
        assert_eq!(decimal(b"18446744073709551616"), None);
    }

    #[test]
    fn chunk_sizes_are_lowercase_hex() {
        for (length, line) in [
            (0, "0\r\n"),
            (10, "a\r\n"),
            (4096, "1000\r\n"),
            (65535, "ffff\r\n"),
        ] {
            let mut out = Vec::new();
            write_chunk_size(&mut out, length);
            assert_eq!(String::from_utf8_lossy(&out), line);
        }
    }
}

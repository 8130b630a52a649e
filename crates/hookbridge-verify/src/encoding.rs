//! Allocation-free signature decoding into caller-provided stack buffers, and encoding for
//! the test signers.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::{EncodingProblem, SignatureEncoding};

/// Standard alphabet, padding optional on decode, emitted on encode.
pub(crate) const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_encode_padding(true).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe alphabet, padding optional on decode, omitted on encode.
pub(crate) const BASE64_URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Longest text that can encode `max_bytes` bytes in `encoding` (padded base64).
const fn max_text_len(encoding: SignatureEncoding, max_bytes: usize) -> usize {
    match encoding {
        SignatureEncoding::Hex => max_bytes * 2,
        SignatureEncoding::Base64 | SignatureEncoding::Base64Url => max_bytes.div_ceil(3) * 4,
    }
}

/// Decodes `text` into `out`, requiring exactly `expected` bytes when given.
/// `out.len()` is the maximum accepted length. Returns the decoded length.
pub(crate) fn decode_into(
    encoding: SignatureEncoding,
    text: &str,
    out: &mut [u8],
    expected: Option<usize>,
) -> Result<usize, EncodingProblem> {
    let max_bytes = out.len();
    if text.len() > max_text_len(encoding, max_bytes) {
        return Err(EncodingProblem::TooLong { max_bytes });
    }
    let len = match encoding {
        SignatureEncoding::Hex => {
            if !text.len().is_multiple_of(2) {
                return Err(EncodingProblem::Invalid);
            }
            let len = text.len() / 2;
            if let Some(expected) = expected
                && len != expected
            {
                // Report a length problem only for otherwise valid hex.
                if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(EncodingProblem::Invalid);
                }
                return Err(EncodingProblem::WrongLength { actual: len, expected });
            }
            let dst = out.get_mut(..len).ok_or(EncodingProblem::TooLong { max_bytes })?;
            if !decode_hex(text.as_bytes(), dst) {
                return Err(EncodingProblem::Invalid);
            }
            len
        }
        SignatureEncoding::Base64 => decode_b64(&BASE64_LENIENT, text, out)?,
        SignatureEncoding::Base64Url => decode_b64(&BASE64_URL_LENIENT, text, out)?,
    };
    match expected {
        Some(expected) if len != expected => Err(EncodingProblem::WrongLength { actual: len, expected }),
        _ => Ok(len),
    }
}

/// Value of each byte as a hex digit (either case), or `INVALID_HEX`.
const HEX_VALUES: [u8; 256] = {
    let mut table = [INVALID_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const INVALID_HEX: u8 = 0x10;

/// Decodes `text` (an even number of hex digits) into `dst` (half its length) with a table
/// lookup per digit; `false` when any digit is not hex. Reads the whole text without an early
/// exit (the signature is not secret, but there is no reason to leak where it is malformed).
fn decode_hex(text: &[u8], dst: &mut [u8]) -> bool {
    let mut invalid = 0u8;
    for (pair, out) in text.chunks_exact(2).zip(dst.iter_mut()) {
        let [hi, lo] = [pair.first(), pair.get(1)].map(|c| c.map_or(INVALID_HEX, |&c| HEX_VALUES[usize::from(c)]));
        invalid |= hi | lo;
        *out = (hi << 4) | (lo & 0x0f);
    }
    invalid & INVALID_HEX == 0 && text.len() == dst.len() * 2
}

fn decode_b64(engine: &GeneralPurpose, text: &str, out: &mut [u8]) -> Result<usize, EncodingProblem> {
    let max_bytes = out.len();
    engine.decode_slice(text, out).map_err(|e| match e {
        base64::DecodeSliceError::OutputSliceTooSmall => EncodingProblem::TooLong { max_bytes },
        base64::DecodeSliceError::DecodeError(_) => EncodingProblem::Invalid,
    })
}

/// Encodes signature bytes as text.
pub(crate) fn encode(encoding: SignatureEncoding, bytes: &[u8]) -> String {
    match encoding {
        SignatureEncoding::Hex => hex::encode(bytes),
        SignatureEncoding::Base64 => BASE64_LENIENT.encode(bytes),
        SignatureEncoding::Base64Url => BASE64_URL_LENIENT.encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn hex_roundtrip_and_errors() {
        let mut buf = [0u8; 64];
        let text = "00ff".repeat(16);
        assert_eq!(decode_into(SignatureEncoding::Hex, &text, &mut buf, Some(32)), Ok(32));
        assert_eq!(buf[1], 0xff);
        assert_eq!(decode_into(SignatureEncoding::Hex, &text.to_uppercase(), &mut buf, Some(32)), Ok(32));
        assert_eq!(decode_into(SignatureEncoding::Hex, "abc", &mut buf, Some(32)), Err(EncodingProblem::Invalid));
        assert_eq!(
            decode_into(SignatureEncoding::Hex, "abcd", &mut buf, Some(32)),
            Err(EncodingProblem::WrongLength { actual: 2, expected: 32 })
        );
        assert_eq!(
            decode_into(SignatureEncoding::Hex, &"zz".repeat(32), &mut buf, Some(32)),
            Err(EncodingProblem::Invalid)
        );
        assert_eq!(
            decode_into(SignatureEncoding::Hex, &"ab".repeat(65), &mut buf, Some(32)),
            Err(EncodingProblem::TooLong { max_bytes: 64 })
        );
    }

    #[test]
    fn hex_table_decodes_every_byte_and_rejects_every_non_digit() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut out = [0u8; 256];
        assert!(decode_hex(hex::encode(&bytes).as_bytes(), &mut out));
        assert_eq!(out.as_slice(), bytes.as_slice());
        assert!(decode_hex(hex::encode_upper(&bytes).as_bytes(), &mut out));
        assert_eq!(out.as_slice(), bytes.as_slice());
        for c in (0..=255u8).filter(|c| !c.is_ascii_hexdigit()) {
            for pos in 0..4 {
                let mut text = *b"0aF9";
                text[pos] = c;
                assert!(!decode_hex(&text, &mut [0u8; 2]), "{c:#x} at {pos}");
            }
        }
        assert!(!decode_hex(b"0a", &mut [0u8; 2]), "text shorter than the output");
    }

    #[test]
    fn base64_full_buffer_and_limits() {
        let mut buf = [0u8; 64];
        let bytes = [7u8; 64];
        let padded = encode(SignatureEncoding::Base64, &bytes);
        assert_eq!(padded.len(), 88);
        assert_eq!(decode_into(SignatureEncoding::Base64, &padded, &mut buf, Some(64)), Ok(64));
        assert_eq!(buf, bytes);
        let unpadded = padded.trim_end_matches('=');
        assert_eq!(decode_into(SignatureEncoding::Base64, unpadded, &mut buf, Some(64)), Ok(64));
        let url = encode(SignatureEncoding::Base64Url, &[0xfb; 32]);
        assert!(url.contains('-') || url.contains('_'));
        assert_eq!(decode_into(SignatureEncoding::Base64Url, &url, &mut buf, Some(32)), Ok(32));
        assert_eq!(decode_into(SignatureEncoding::Base64, &url, &mut buf, Some(32)), Err(EncodingProblem::Invalid));
        assert_eq!(
            decode_into(SignatureEncoding::Base64, &"A".repeat(89), &mut buf, None),
            Err(EncodingProblem::TooLong { max_bytes: 64 })
        );
        assert_eq!(
            decode_into(SignatureEncoding::Base64, "bm9wZQ==", &mut buf, Some(32)),
            Err(EncodingProblem::WrongLength { actual: 4, expected: 32 })
        );
    }
}

//! Base64 decoding for grpc-web: `-bin` metadata values and grpc-web-text bodies.
//!
//! Both the standard and the URL-safe alphabets are accepted, padded or unpadded, because
//! servers and proxies differ in what they send.

/// Maps a base64 character to its 6-bit value.
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes one group of two to four characters without padding into `out`.
fn decode_group(group: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut bits = 0u32;
    for &byte in group {
        bits = bits << 6 | u32::from(sextet(byte)?);
    }
    match group.len() {
        4 => out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]),
        3 => out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]),
        2 => out.push((bits >> 4) as u8),
        _ => return None,
    }
    Some(())
}

/// Decodes base64 text, padded or not. Returns `None` for anything else.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let unpadded = match text {
        [rest @ .., b'=', b'='] if text.len() % 4 == 0 => rest,
        [rest @ .., b'='] if text.len() % 4 == 0 => rest,
        _ => text,
    };
    let mut out = Vec::with_capacity(unpadded.len() / 4 * 3 + 2);
    for group in unpadded.chunks(4) {
        decode_group(group, &mut out)?;
    }
    Some(out)
}

/// Incremental decoder for a grpc-web-text body.
///
/// The body is base64 that may arrive split at any character, and may be several padded
/// base64 strings one after another (one per frame). The decoder splits the raw text into
/// groups of four characters and never splits the decoded bytes.
#[derive(Debug, Default)]
pub(crate) struct TextDecoder {
    pending: Vec<u8>,
}

impl TextDecoder {
    /// Decodes every complete group of four characters in `chunk`, keeping the rest for
    /// the next call. Whitespace is skipped.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<u8>, InvalidText> {
        let mut out = Vec::with_capacity(chunk.len() / 4 * 3 + 3);
        for &byte in chunk {
            if byte.is_ascii_whitespace() {
                continue;
            }
            self.pending.push(byte);
            if self.pending.len() == 4 {
                let group = std::mem::take(&mut self.pending);
                let unpadded = match group.as_slice() {
                    [a, b, b'=', b'='] => vec![*a, *b],
                    [a, b, c, b'='] => vec![*a, *b, *c],
                    _ => group,
                };
                decode_group(&unpadded, &mut out).ok_or(InvalidText)?;
            }
        }
        Ok(out)
    }

    /// Checks that the text ended on a group boundary.
    pub(crate) fn finish(&self) -> Result<(), InvalidText> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            Err(InvalidText)
        }
    }
}

/// A grpc-web-text body that is not valid base64.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct InvalidText;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_padded_and_unpadded() {
        assert_eq!(decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(decode(b"aGk").unwrap(), b"hi");
        assert_eq!(decode(b"aGVsbG8h").unwrap(), b"hello!");
        assert_eq!(decode(b"").unwrap(), b"");
    }

    #[test]
    fn decodes_url_safe_alphabet() {
        assert_eq!(decode(b"-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode(b"+/8=").unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn rejects_invalid_text() {
        assert_eq!(decode(b"a"), None);
        assert_eq!(decode(b"aG!k"), None);
        assert_eq!(decode(b"a==="), None);
    }

    #[test]
    fn text_decoder_handles_every_split() {
        // Two padded segments, as a server that encodes each frame on its own sends them.
        let text = b"AAAAAAJoaQ==gAAAAA9ncnBjLXN0YXR1czowDQo=";
        let expected = [
            decode(b"AAAAAAJoaQ==").unwrap(),
            decode(b"gAAAAA9ncnBjLXN0YXR1czowDQo=").unwrap(),
        ]
        .concat();
        for split in 0..=text.len() {
            let mut decoder = TextDecoder::default();
            let mut out = decoder.push(&text[..split]).unwrap();
            out.extend(decoder.push(&text[split..]).unwrap());
            decoder.finish().unwrap();
            assert_eq!(out, expected, "split at {split}");
        }
    }

    #[test]
    fn text_decoder_rejects_truncated_text() {
        let mut decoder = TextDecoder::default();
        decoder.push(b"aGk").unwrap();
        assert_eq!(decoder.finish(), Err(InvalidText));
    }
}

//! Bytes to text: BOM first, then strict UTF-8, then GB18030.
//!
//! The order matters: GB18030 accepts most UTF-8 byte sequences and would
//! silently garble a UTF-8 file, so it is only tried when UTF-8 fails.

use encoding_rs::{Encoding, GB18030, UTF_8};

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("not a text file: {0}")]
    Binary(String),
    #[error("not valid {encoding} text (first bad byte near offset {offset})")]
    Malformed {
        encoding: &'static str,
        offset: usize,
    },
}

/// Text decoded from bytes and the encoding it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Decodes `bytes`, trying BOM, UTF-8, then GB18030; or `forced` when given
/// (an encoding label such as `gbk`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(DecodeError::Binary(
            "this is a PDF; extract its text first (e.g. `pdftotext -layout file.pdf`)".into(),
        ));
    }
    if let Some(enc) = forced {
        return strict(enc, bytes);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return strict(enc, &bytes[bom_len..]);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => check_text(s.to_string(), UTF_8.name()),
        Err(utf8_err) => {
            // UTF-16 without BOM is rare; a NUL every other byte gives it away.
            if looks_utf16(bytes) {
                return Err(DecodeError::Binary(
                    "looks like UTF-16 without a byte-order mark; re-save with a BOM or as UTF-8"
                        .into(),
                ));
            }
            strict(GB18030, bytes).map_err(|e| match e {
                // Neither decodes: report the UTF-8 fault, the likelier intent.
                DecodeError::Malformed { .. } => DecodeError::Malformed {
                    encoding: "UTF-8 or GB18030",
                    offset: utf8_err.valid_up_to(),
                },
                other => other,
            })
        }
    }
}

fn strict(enc: &'static Encoding, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let offset = first_bad_offset(enc, bytes);
        return Err(DecodeError::Malformed {
            encoding: enc.name(),
            offset,
        });
    }
    check_text(text.into_owned(), enc.name())
}

/// Byte offset of the first undecodable sequence, for the error message.
fn first_bad_offset(enc: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (_, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    read
}

/// Rejects decoded "text" that is really binary: NULs or many control characters.
fn check_text(text: String, encoding: &'static str) -> Result<Decoded, DecodeError> {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        if c == '\0' {
            return Err(DecodeError::Binary("it contains NUL bytes".into()));
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c') {
            controls += 1;
        }
    }
    if total > 0 && controls * 100 > total {
        return Err(DecodeError::Binary(format!(
            "{controls} control characters in {total}"
        )));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded { text, encoding })
}

fn looks_utf16(bytes: &[u8]) -> bool {
    let n = bytes.len().min(200);
    n >= 4 && bytes[..n].iter().filter(|&&b| b == 0).count() * 3 > n
}

/// Resolves an encoding label from a pipeline or the command line.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_before_gb18030() {
        let d = decode("合计 950.00".as_bytes(), None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "合计 950.00");
    }

    #[test]
    fn gbk_bytes_decode_as_gb18030() {
        let (bytes, _, _) = GB18030.encode("部门名称：广州市来穗人员服务管理局");
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, "部门名称：广州市来穗人员服务管理局");
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "合计".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text, "合计");
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert_eq!(decode(b"  \n", None), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x00\x01\x02\x03binary", None),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(b"%PDF-1.7\n", None),
            Err(DecodeError::Binary(_))
        ));
    }
}

//! Bytes to text: BOM first, then strict UTF-8, then GB18030.
//!
//! The order matters: GB18030 accepts most UTF-8 byte sequences and would
//! silently garble a UTF-8 file, so it is only tried when UTF-8 fails. Two
//! UTF-8 failures are not GB18030 either: a file cut inside its last character
//! (a truncated download), and a UTF-8 file with a few corrupt bytes; both are
//! read as UTF-8 so that everything before the fault is kept (the parser
//! reports the lines holding a replacement character).

use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("not a text file: {0}")]
    Binary(String),
    #[error("not valid {encoding} text: first bad byte on line {line} (byte offset {offset})")]
    Malformed {
        encoding: &'static str,
        /// Byte offset of the first undecodable byte.
        offset: usize,
        /// 1-based line of that byte (counting LF, CRLF and lone CR).
        line: usize,
    },
}

impl DecodeError {
    /// The 1-based line the fault is on (1 when the whole file is at fault).
    pub fn line(&self) -> usize {
        match self {
            DecodeError::Malformed { line, .. } => *line,
            _ => 1,
        }
    }
}

/// Text decoded from bytes and the encoding it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// At most this many corrupt sequences make a UTF-8 file "UTF-8 with damage"
/// rather than another encoding, and only when well-formed multi-byte characters
/// outnumber them [`UTF8_DAMAGE_RATIO`] to one (GBK text gives about one
/// accidental UTF-8 character per three faults).
const UTF8_DAMAGE_MAX: usize = 8;
const UTF8_DAMAGE_RATIO: usize = 50;

/// Decodes `bytes`, trying BOM, UTF-8, then GB18030; or `forced` when given
/// (an encoding label such as `gbk`).
pub fn decode(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(DecodeError::Binary(kind.into()));
    }
    if let Some(enc) = forced {
        // A BOM of the forced encoding itself is not text.
        let body = match Encoding::for_bom(bytes) {
            Some((bom_enc, n)) if bom_enc == enc => bytes.get(n..).unwrap_or_default(),
            _ => bytes,
        };
        return strict(enc, body);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return strict(enc, bytes.get(bom_len..).unwrap_or_default());
    }
    // Zero bytes never occur in UTF-8 or GB18030 text; on one parity only they
    // are the high bytes of UTF-16's ASCII.
    if let Some(enc) = utf16_without_bom(bytes) {
        return strict(enc, bytes).map_err(|_| {
            DecodeError::Binary(
                "looks like UTF-16 without a byte-order mark but does not decode as it; re-save as UTF-8"
                    .into(),
            )
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => check_text(s.to_string(), UTF_8.name()),
        Err(utf8_err) => {
            let valid = utf8_err.valid_up_to();
            if utf8_err.error_len().is_none() {
                // The only fault is a character cut at the very end: a
                // truncated file. Keep what is whole; the parser reports the
                // cut where it falls.
                let head = bytes.get(..valid).unwrap_or_default();
                if let Ok(s) = std::str::from_utf8(head) {
                    return check_text(s.to_string(), UTF_8.name());
                }
            }
            if damaged_utf8(bytes) {
                return check_text(String::from_utf8_lossy(bytes).into_owned(), UTF_8.name());
            }
            strict(GB18030, bytes).map_err(|e| match e {
                // Neither decodes: report the UTF-8 fault, the likelier intent.
                DecodeError::Malformed { .. } => DecodeError::Malformed {
                    encoding: "UTF-8 or GB18030",
                    offset: valid,
                    line: line_of(bytes, valid),
                },
                other => other,
            })
        }
    }
}

/// [`decode`] of bytes the caller owns: UTF-8 without a byte-order mark (the
/// usual file) becomes the text without a copy.
pub fn decode_owned(
    bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    let plain = forced.is_none()
        && Encoding::for_bom(&bytes).is_none()
        && binary_kind(&bytes).is_none()
        && utf16_without_bom(&bytes).is_none()
        && !bytes.iter().all(|b| b.is_ascii_whitespace());
    if !plain {
        return decode(&bytes, forced);
    }
    // Validation is a pass over every byte of every file: simdutf8 does it
    // several times faster than the standard library.
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return decode(&bytes, forced);
    }
    // SAFETY: the bytes were validated as UTF-8 just above.
    let text = unsafe { String::from_utf8_unchecked(bytes) };
    check_text(text, UTF_8.name())
}

/// Names files that are not text at all by their magic bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    // The PDF header may sit anywhere in the first 1024 bytes.
    let head = bytes.get(..bytes.len().min(1024)).unwrap_or_default();
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some("this is a PDF; extract its text first (e.g. `pdftotext -layout file.pdf`)");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(
            "this is a ZIP archive (an .xlsx workbook?); give a workbook its .xlsx extension",
        );
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(
            "this is an OLE2 file (an .xls workbook or .doc?); give a workbook its .xls extension",
        );
    }
    None
}

fn strict(enc: &'static Encoding, bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let offset = first_bad_offset(enc, bytes);
        return Err(DecodeError::Malformed {
            encoding: enc.name(),
            offset,
            line: line_of(bytes, offset),
        });
    }
    check_text(text.into_owned(), enc.name())
}

/// Byte offset of the first undecodable sequence, for the error message. Decodes
/// through a fixed buffer: the text itself is not needed, and a large file
/// must not cost three times its size again.
fn first_bad_offset(enc: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0usize;
    loop {
        let rest = bytes.get(total..).unwrap_or_default();
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut buf, true);
        total += read;
        match result {
            DecoderResult::OutputFull if read > 0 => {}
            DecoderResult::Malformed(bad, after) => {
                // `read` counts the bad sequence and what was read after it.
                return total.saturating_sub(usize::from(bad) + usize::from(after));
            }
            _ => return total,
        }
    }
}

/// The 1-based line holding byte `offset`, counting LF, CRLF and lone CR as
/// [`super::text::lines`] does. Exact for ASCII-compatible encodings; for
/// UTF-16 an estimate, which is all a fault in such a file allows.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    let head = bytes.get(..offset.min(bytes.len())).unwrap_or_default();
    let mut line = 1;
    let mut prev_cr = false;
    for &b in head {
        match b {
            b'\n' if prev_cr => {}
            b'\n' | b'\r' => line += 1,
            _ => {}
        }
        prev_cr = b == b'\r';
    }
    line
}

/// True for bytes that are UTF-8 but for a few corrupt sequences: many
/// well-formed multi-byte characters, few faults.
fn damaged_utf8(bytes: &[u8]) -> bool {
    let mut faults = 0usize;
    let mut multibyte = 0usize;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            faults += 1;
            if faults > UTF8_DAMAGE_MAX {
                return false;
            }
        }
    }
    faults > 0 && multibyte >= faults.saturating_mul(UTF8_DAMAGE_RATIO)
}

/// UTF-16 without a BOM: in text with any ASCII (digits, spaces, line ends), the
/// zero high bytes fall on one parity only. Returns the byte order they imply.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let n = bytes.len().min(4096) & !1;
    if n < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = bytes.get(..n)?;
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in head.iter().enumerate() {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    // At least one character in twenty is ASCII, and the zeros on one side
    // (the other side gets a few from characters such as 一, U+4E00).
    let units = n / 2;
    if odd * 20 >= units && even * 20 <= odd {
        Some(UTF_16LE)
    } else if even * 20 >= units && odd * 20 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Rejects decoded "text" that is really binary: NULs or many control characters.
fn check_text(mut text: String, encoding: &'static str) -> Result<Decoded, DecodeError> {
    // A BOM left inside the text (a forced encoding, or one saved twice) is not content.
    while text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    // Counted over the bytes (every file passes here, so no char decoding):
    // C0 controls and DEL are single bytes, C1 controls (U+0080–U+009F) are
    // C2 80–C2 9F, and every char has one byte that is no continuation byte.
    let b = text.as_bytes();
    if memchr::memchr(0, b).is_some() {
        return Err(DecodeError::Binary("it contains NUL bytes".into()));
    }
    // One pass, in blocks whose counts fit a byte, without branches, so that
    // it vectorises.
    let (mut total, mut c0) = (0usize, 0usize);
    for block in b.chunks(128) {
        let (mut chars, mut controls) = (0u8, 0u8);
        for &c in block {
            chars += u8::from((c as i8) >= -0x40);
            controls += u8::from(
                ((c < 0x20) & (c != b'\n') & (c != b'\r') & (c != b'\t') & (c != 0x0c))
                    | (c == 0x7f),
            );
        }
        total += usize::from(chars);
        c0 += usize::from(controls);
    }
    // C2 is rare in Chinese text (`·` is C2 B7): found by memchr.
    let c1 = memchr::memchr_iter(0xC2, b)
        .filter(|&i| b.get(i + 1).is_some_and(|x| (0x80..=0x9F).contains(x)))
        .count();
    let controls = c0 + c1;
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

/// Resolves an encoding label from a pipeline or the command line.
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "部门名称：广州市来穗人员服务管理局 单位：万元\n合计 950.00 950.00\n";

    fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for u in s.encode_utf16() {
            bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        bytes
    }

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
        // GBK proper (the two-byte subset) is the same bytes.
        let (gbk, _, _) = encoding_rs::GBK.encode(SAMPLE);
        assert_eq!(decode(&gbk, None).unwrap().text, SAMPLE);
    }

    #[test]
    fn bom_wins() {
        let d = decode(&utf16("合计", true, true), None).unwrap();
        assert_eq!(d.encoding, "UTF-16LE");
        assert_eq!(d.text, "合计");
        let d = decode(&utf16(SAMPLE, false, true), None).unwrap();
        assert_eq!(d.encoding, "UTF-16BE");
        assert_eq!(d.text, SAMPLE);
        let mut b = "\u{feff}".as_bytes().to_vec();
        b.extend_from_slice(SAMPLE.as_bytes());
        let d = decode(&b, None).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-8", SAMPLE));
    }

    #[test]
    fn utf16_without_bom_by_its_zero_bytes() {
        for le in [true, false] {
            let d = decode(&utf16(SAMPLE, le, false), None).unwrap();
            assert_eq!(d.text, SAMPLE);
            assert_eq!(d.encoding, if le { "UTF-16LE" } else { "UTF-16BE" });
        }
    }

    #[test]
    fn forced_encoding_is_obeyed_and_its_bom_dropped() {
        let (gbk, _, _) = GB18030.encode(SAMPLE);
        let d = decode(&gbk, Some(encoding_rs::GBK)).unwrap();
        assert_eq!((d.encoding, d.text.as_str()), ("GBK", SAMPLE));
        let mut b = "\u{feff}".as_bytes().to_vec();
        b.extend_from_slice(SAMPLE.as_bytes());
        assert_eq!(decode(&b, Some(UTF_8)).unwrap().text, SAMPLE);
        // Forcing UTF-8 on GBK bytes is an error naming the line, not mojibake.
        let e = decode(&gbk, Some(UTF_8)).unwrap_err();
        assert!(matches!(e, DecodeError::Malformed { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn truncated_utf8_keeps_what_is_whole() {
        let bytes = SAMPLE.as_bytes();
        // Cut inside the last 合 (three bytes) of a longer text.
        let mut cut = bytes.to_vec();
        cut.extend_from_slice(&"合计".as_bytes()[..4]);
        let d = decode(&cut, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, format!("{SAMPLE}合"));
    }

    #[test]
    fn damaged_utf8_stays_utf8_with_a_replacement() {
        let text = SAMPLE.repeat(10);
        let mut bytes = text.as_bytes().to_vec();
        bytes.insert(9, 0xFF); // between two characters
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{fffd}'));
        assert_eq!(d.text.replace('\u{fffd}', ""), text);
    }

    #[test]
    fn malformed_names_the_line() {
        let mut bytes = b"line one\nline two\r\nthree\rfour ".to_vec();
        bytes.extend_from_slice(&[0x80, 0xFF, 0x80]);
        let e = decode(&bytes, None).unwrap_err();
        let offset = b"line one\nline two\r\nthree\rfour ".len();
        assert!(
            matches!(e, DecodeError::Malformed { line: 4, offset: o, .. } if o == offset),
            "{e:?}"
        );
        assert_eq!(e.line(), 4);
        assert!(e.to_string().contains("line 4"), "{e}");
        // Found by a forced encoding (to WHATWG's GB18030, 0x80 is €: the
        // fault is the 0xFF after it).
        let e = decode(&bytes, Some(GB18030)).unwrap_err();
        assert!(
            matches!(e, DecodeError::Malformed { line: 4, offset: o, .. } if o == offset + 1),
            "{e:?}"
        );
        let mut long = "合计 950.00\n".repeat(20_000).into_bytes();
        long.push(0xFF);
        let e = decode(&long, Some(UTF_8)).unwrap_err();
        assert!(
            matches!(e, DecodeError::Malformed { line: 20_001, offset: o, .. } if o == long.len() - 1),
            "{e:?}"
        );
    }

    /// The char-by-char count that `check_text` does over the bytes.
    fn controls_by_chars(s: &str) -> (usize, usize) {
        let controls = s
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
            .count();
        (controls, s.chars().count())
    }

    proptest::proptest! {
        #[test]
        fn byte_counts_agree_with_chars(s in "[\\x01-\\x1f\\x7f\\u{80}-\\u{a0}a项 ]{0,200}") {
            let expected = match controls_by_chars(&s) {
                (c, t) if t > 0 && c * 100 > t => Err(DecodeError::Binary(format!("{c} control characters in {t}"))),
                _ if s.trim().is_empty() => Err(DecodeError::Empty),
                _ => Ok(s.clone()),
            };
            proptest::prop_assert_eq!(check_text(s.clone(), "UTF-8").map(|d| d.text), expected);
        }

        #[test]
        fn owned_decoding_agrees(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            proptest::prop_assert_eq!(decode_owned(bytes.clone(), None), decode(&bytes, None));
        }

        #[test]
        fn owned_decoding_agrees_on_text(s in "[a项\\n\\r \\x0c0-9\\u{feff}\\u{85}]{0,40}") {
            let bytes = s.into_bytes();
            proptest::prop_assert_eq!(decode_owned(bytes.clone(), None), decode(&bytes, None));
        }
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert_eq!(decode(b"", None), Err(DecodeError::Empty));
        assert_eq!(decode(b"  \n", None), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF \r\n", None), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x00\x01\x02\x03binary", None),
            Err(DecodeError::Binary(_))
        ));
        for magic in [
            &b"%PDF-1.7\n"[..],
            b"\n\n%PDF-1.4\n",
            b"PK\x03\x04\x14\x00",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00",
        ] {
            assert!(
                matches!(decode(magic, None), Err(DecodeError::Binary(_))),
                "{magic:?}"
            );
        }
    }
}

//! The number format of each cell of an .xls (BIFF8), which calamine reads
//! only as "date or not": with it a cell is shown as Excel shows it (`95%`,
//! `≥12,600批次`), as for .xlsx ([`super::numfmt`]).
//!
//! Read from the workbook stream [`super::preflight`] has already taken out
//! of the OLE container and checked: FORMAT records give format codes by
//! index, XF records map a cell's style to a format index, and the cell
//! records (NUMBER, RK, MULRK, FORMULA, LABELSST, LABEL) carry their style.
//! Every read is bounded by the record's own bytes; anything unexpected
//! (an older BIFF, an encrypted stream, a damaged record) gives no formats
//! and the stored values are read as before, never an error.

use std::collections::HashMap;

use super::numfmt::{self, NumFmt};

/// Most cells whose format is kept for one workbook: the sheet limit, so
/// a stream of millions of formatted cells costs no more than their grid.
const MAX_FORMATTED_CELLS: usize = super::MAX_SHEET_CELLS;

/// The formats of a workbook's cells.
#[derive(Debug, Default)]
pub(crate) struct XlsFormats {
    /// Rendered formats by format index (only those [`numfmt`] renders).
    by_index: HashMap<u16, NumFmt>,
    /// Format index of each XF (style) record, in their order.
    xf_format: Vec<u16>,
    /// `(row, column) → XF index` of each sheet's cells whose format renders.
    sheets: HashMap<String, HashMap<(u32, u32), u16>>,
}

impl XlsFormats {
    /// The format a cell of sheet `name` is shown with; `None` for General
    /// and formats not rendered.
    pub fn of(&self, name: &str, row: u32, col: u32) -> Option<&NumFmt> {
        let xf = *self.sheets.get(name)?.get(&(row, col))?;
        self.format_of_xf(xf)
    }

    fn format_of_xf(&self, xf: u16) -> Option<&NumFmt> {
        let idx = self.xf_format.get(usize::from(xf))?;
        self.by_index.get(idx)
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(s.try_into().ok()?))
}

/// The records of a stream from `pos`: `(type, data)`, ending at the first
/// record whose length runs past the stream.
fn records(stream: &[u8], pos: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = pos;
    std::iter::from_fn(move || {
        let typ = u16_at(stream, pos)?;
        let len = usize::from(u16_at(stream, pos.checked_add(2)?)?);
        let start = pos.checked_add(4)?;
        let end = start.checked_add(len)?;
        let data = stream.get(start..end)?;
        pos = end;
        Some((typ, data))
    })
}

/// A BIFF8 string of `cch` characters at the start of `b` (after its count):
/// a flags byte, then Latin-1 bytes or UTF-16LE.
fn biff8_chars(b: &[u8], cch: usize) -> Option<String> {
    let flags = *b.first()?;
    let body = b.get(1..)?;
    if flags & 0x01 == 0 {
        let bytes = body.get(..cch)?;
        Some(bytes.iter().map(|&c| char::from(c)).collect())
    } else {
        let bytes = body.get(..cch.checked_mul(2)?)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| {
                u16::from_le_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

/// The code of a built-in format (MS-XLS 2.4.126: ids 0–49 have no FORMAT
/// record of their own); the locale's dates as [`crate::vocab`] gives them.
fn builtin_code(id: u16) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        20 => "h:mm",
        21 => "h:mm:ss",
        _ => return None,
    })
}

/// Reads the formats of a BIFF8 workbook stream; `None` when the stream is
/// not one this module reads (the values are then shown as stored).
pub(crate) fn read(stream: &[u8]) -> Option<XlsFormats> {
    let mut codes: HashMap<u16, String> = HashMap::new();
    let mut xf_format: Vec<u16> = Vec::new();
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut first = true;
    for (typ, data) in records(stream, 0) {
        if first {
            // BOF of the globals, BIFF8 (version 0x0600) only: older
            // versions store strings in a code page and FORMAT differently.
            if typ != 0x0809 || u16_at(data, 0)? != 0x0600 {
                return None;
            }
            first = false;
            continue;
        }
        match typ {
            // FILEPASS: encrypted, nothing can be read.
            0x002F => return None,
            // FORMAT: index, then a string with a 16-bit count.
            0x041E => {
                let (Some(idx), Some(cch)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                if let Some(code) = data.get(4..).and_then(|b| biff8_chars(b, usize::from(cch))) {
                    codes.insert(idx, code);
                }
            }
            // XF: the format index is its second field.
            0x00E0 => xf_format.push(u16_at(data, 2).unwrap_or(0)),
            // BOUNDSHEET: the sheet's BOF offset, then its name (8-bit count).
            0x0085 => {
                let (Some(pos), Some(&cch)) = (u32_at(data, 0), data.get(6)) else {
                    continue;
                };
                let name = data.get(7..).and_then(|b| biff8_chars(b, usize::from(cch)));
                if let (Ok(pos), Some(mut name)) = (usize::try_from(pos), name) {
                    name.retain(|c| c != '\0');
                    sheets.push((pos, name));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    if first {
        return None; // no BOF: not a workbook stream
    }
    // Each format index used by a style, parsed once.
    let mut by_index: HashMap<u16, NumFmt> = HashMap::new();
    let mut seen: std::collections::HashSet<u16> = std::collections::HashSet::new();
    for &idx in &xf_format {
        if !seen.insert(idx) {
            continue;
        }
        let code = crate::vocab::builtin_date_format(u32::from(idx))
            .or_else(|| codes.get(&idx).map(String::as_str))
            .or_else(|| builtin_code(idx));
        if let Some(f) = code.and_then(numfmt::parse) {
            by_index.insert(idx, f);
        }
    }
    let mut out = XlsFormats {
        by_index,
        xf_format,
        sheets: HashMap::new(),
    };
    if out.by_index.is_empty() {
        return Some(out);
    }
    let mut kept = 0usize;
    for (pos, name) in sheets {
        let cells = sheet_cells(stream, pos, &out, &mut kept);
        out.sheets.insert(name, cells);
    }
    Some(out)
}

/// `(row, column) → XF` of a sheet's cells whose format renders, stopping
/// at [`MAX_FORMATTED_CELLS`] over the workbook.
fn sheet_cells(
    stream: &[u8],
    pos: usize,
    f: &XlsFormats,
    kept: &mut usize,
) -> HashMap<(u32, u32), u16> {
    let mut cells = HashMap::new();
    let mut depth = 0u32;
    let mut keep = |cells: &mut HashMap<(u32, u32), u16>, row: u16, col: u16, xf: u16| {
        if *kept < MAX_FORMATTED_CELLS && f.format_of_xf(xf).is_some() {
            *kept += 1;
            cells.insert((u32::from(row), u32::from(col)), xf);
        }
    };
    for (typ, data) in records(stream, pos) {
        match typ {
            0x0809 => depth += 1,
            0x000A => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            // A chart or other substream inside the sheet: not its cells.
            _ if depth != 1 => {}
            // NUMBER, RK, FORMULA, LABELSST, LABEL, RSTRING: row, col, XF.
            0x0203 | 0x027E | 0x0006 | 0x00FD | 0x0204 | 0x00D6 => {
                if let (Some(r), Some(c), Some(xf)) =
                    (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4))
                {
                    keep(&mut cells, r, c, xf);
                }
            }
            // MULRK: row, first column, (XF, RK) × n, last column.
            0x00BD => {
                let (Some(r), Some(c0)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    continue;
                };
                let body = data
                    .get(4..data.len().saturating_sub(2))
                    .unwrap_or_default();
                for (k, item) in body.chunks_exact(6).enumerate() {
                    let Some(xf) = u16_at(item, 0) else { continue };
                    let c = u16::try_from(k).ok().and_then(|k| c0.checked_add(k));
                    if let Some(c) = c {
                        keep(&mut cells, r, c, xf);
                    }
                }
            }
            _ => {}
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(name);
        let bytes = std::fs::read(p).unwrap();
        super::super::preflight::xls_stream(&bytes).unwrap()
    }

    #[test]
    fn formats_of_cells_by_their_style() {
        let s = stream("numfmt/numfmt_2025.xls");
        let f = read(&s).unwrap();
        let sheet = "Sheet1";
        // K6: 0.95 under `0%`; K8: `"≥"#,##0"亩"`; C5: an amount `#,##0.00`.
        assert_eq!(
            f.of(sheet, 5, 10).and_then(|f| f.number(0.95)).as_deref(),
            Some("95%")
        );
        assert_eq!(
            f.of(sheet, 7, 10)
                .and_then(|f| f.number(125000.0))
                .as_deref(),
            Some("≥125,000亩")
        );
        assert_eq!(
            f.of(sheet, 4, 2).and_then(|f| f.number(1234.5)).as_deref(),
            Some("1,234.50")
        );
        // Near misses: a number under General, a text, an empty place.
        assert!(f.of(sheet, 12, 10).is_none());
        assert!(f.of(sheet, 13, 10).is_none());
        assert!(f.of(sheet, 40, 40).is_none());
        assert!(f.of("no such sheet", 5, 10).is_none());
    }

    #[test]
    fn damaged_streams_give_no_formats_or_fewer_never_a_panic() {
        let s = stream("numfmt/numfmt_2025.xls");
        // Every truncation, and each byte flipped: read or refused, bounded.
        for n in (0..s.len()).step_by(7) {
            let _ = read(s.get(..n).unwrap());
        }
        for at in (0..s.len()).step_by(13) {
            let mut d = s.clone();
            d[at] ^= 0xFF;
            let _ = read(&d);
        }
        // Not BIFF8 (a BIFF5 BOF), or encrypted: nothing read.
        let mut old = s.clone();
        old[4] = 0x00;
        old[5] = 0x05;
        assert!(read(&old).is_none());
        assert!(read(&[]).is_none());
    }

    #[test]
    fn strings_of_both_widths() {
        assert_eq!(biff8_chars(&[0, b'0', b'%'], 2).as_deref(), Some("0%"));
        assert_eq!(biff8_chars(&[1, 0x74, 0x5E], 1).as_deref(), Some("年"));
        assert_eq!(biff8_chars(&[1, 0x74], 1), None);
        assert_eq!(biff8_chars(&[], 0), None);
    }
}

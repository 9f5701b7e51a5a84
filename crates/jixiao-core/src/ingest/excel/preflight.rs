//! Checks a workbook's claims before calamine reads it.
//!
//! calamine allocates from what a file says, not from what it holds: an .xls
//! DIMENSIONS record claiming 2³² rows is reserved up front (an allocation
//! failure aborts the process, no `catch_unwind` helps), an .ods sheet with
//! one cell at row 1,000,031 becomes a dense range of a million rows, and an
//! .xlsx whose sheet XML holds gigabytes of whitespace between two tags is
//! buffered whole. So every such claim is measured here first, with memory
//! bounded by the limits below, and a workbook over one is refused with a
//! message naming the limit (the README's "Limits" section lists them).

use std::io::Read;
use std::path::Path;

/// Largest decompressed size of one part of an .xlsx/.ods/.xlsb (a sheet's
/// XML, the shared strings): about 10 million cells of XML.
pub const MAX_PART_BYTES: u64 = 1 << 30;

/// Largest decompressed shared-strings part: calamine holds every shared
/// string in memory before the first cell is read.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;

/// Longest run of bytes between two XML markup characters (`<`, `>`): a
/// cell holds at most 32,767 characters, so 1 MiB is far beyond any real
/// text and keeps the XML reader's buffer small.
pub const MAX_XML_TOKEN_BYTES: u64 = 1 << 20;

/// Most cells of the rectangle a sheet's non-empty cells span, for the
/// formats calamine reads as a dense range (.xls, .ods): about 130 MB per
/// sheet at most.
pub const MAX_DENSE_CELLS: u64 = 4_000_000;

/// The .xls (BIFF8) format's own sheet size: 65,536 rows × 256 columns.
const XLS_MAX_CELLS: u64 = 65_536 * 256;

/// Checks an .xlsx/.xlsm/.xlsb/.ods (a zip of XML parts; an .ods's
/// `content.xml` holds every sheet); `Err` says which claim is over which
/// limit. An .xls is checked by [`check_xls_stream`].
pub(crate) fn check_zip(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| format!("not a readable zip container: {e}"))?;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| format!("zip entry {i} cannot be read: {e}"))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let limit = if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            MAX_SHARED_STRINGS_BYTES
        } else {
            MAX_PART_BYTES
        };
        if part.size() > limit {
            return Err(format!(
                "part {name} claims {} bytes decompressed, over the {limit}-byte limit for one part",
                part.size()
            ));
        }
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue; // images, binary parts: calamine does not buffer them
        }
        // The declared size can lie: the real bytes are counted as well.
        let mut counted = (&mut part).take(limit + 1);
        if name == "content.xml" {
            scan_ods(&name, &mut counted)?;
        } else {
            scan_tokens(&name, &mut counted, |_| Ok(()))?;
        }
        if counted.limit() == 0 {
            return Err(format!(
                "part {name} holds more than {limit} bytes decompressed, over the limit for one part"
            ));
        }
    }
    Ok(())
}

/// Streams `r`, refusing a run longer than [`MAX_XML_TOKEN_BYTES`] between
/// markup characters; each complete tag (`<…>`, without the brackets) is
/// handed to `on_tag`.
fn scan_tokens(
    name: &str,
    r: &mut impl Read,
    mut on_tag: impl FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut run: u64 = 0;
    let mut in_tag = false;
    let mut tag: Vec<u8> = Vec::new();
    loop {
        let n = r
            .read(&mut buf)
            .map_err(|e| format!("part {name} cannot be decompressed: {e}"))?;
        if n == 0 {
            return Ok(());
        }
        for &b in buf.get(..n).unwrap_or_default() {
            match b {
                b'<' => {
                    run = 0;
                    in_tag = true;
                    tag.clear();
                }
                b'>' => {
                    run = 0;
                    if in_tag {
                        on_tag(&tag)?;
                    }
                    in_tag = false;
                }
                _ => {
                    run += 1;
                    if run > MAX_XML_TOKEN_BYTES {
                        return Err(format!(
                            "part {name} holds a run of more than {MAX_XML_TOKEN_BYTES} bytes without markup (whitespace or text no cell can hold)"
                        ));
                    }
                    if in_tag {
                        tag.push(b);
                    }
                }
            }
        }
    }
}

/// The value of attribute `name` in a tag's bytes, as a number.
fn attr_num(tag: &[u8], name: &[u8]) -> Option<u64> {
    let at = memchr::memmem::find(tag, name)?;
    let rest = tag.get(at + name.len()..)?;
    let rest = rest
        .strip_prefix(b"=\"")
        .or_else(|| rest.strip_prefix(b"='"))?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit());
    Some(digits.fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

fn attr_text(tag: &[u8], name: &[u8]) -> String {
    memchr::memmem::find(tag, name)
        .and_then(|at| tag.get(at + name.len() + 2..))
        .map(|rest| {
            let end = rest
                .iter()
                .position(|b| *b == b'"' || *b == b'\'')
                .unwrap_or(rest.len());
            String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned()
        })
        .unwrap_or_default()
}

/// The rectangle spanned by non-empty cells.
#[derive(Debug, Default, Clone, Copy)]
struct Span {
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl Span {
    fn add(&mut self, r0: u64, r1: u64, c0: u64, c1: u64) {
        self.rows = Some(match self.rows {
            Some((a, b)) => (a.min(r0), b.max(r1)),
            None => (r0, r1),
        });
        self.cols = Some(match self.cols {
            Some((a, b)) => (a.min(c0), b.max(c1)),
            None => (c0, c1),
        });
    }
    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0)
                .saturating_add(1)
                .saturating_mul((c1 - c0).saturating_add(1)),
            _ => 0,
        }
    }
    fn describe(&self) -> String {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => format!(
                "rows {}–{} × columns {}–{}",
                r0.saturating_add(1),
                r1.saturating_add(1),
                c0.saturating_add(1),
                c1.saturating_add(1)
            ),
            _ => "nothing".into(),
        }
    }
}

fn over_dense(sheet: &str, span: &Span) -> Result<(), String> {
    if span.cells() > MAX_DENSE_CELLS {
        return Err(format!(
            "sheet 「{sheet}」: its cells span {} = {} cells, over the {MAX_DENSE_CELLS}-cell limit for one sheet (a cell far below or right of the table?)",
            span.describe(),
            span.cells()
        ));
    }
    Ok(())
}

/// Walks an .ods `content.xml`: rows and columns, their repeat counts, and
/// which cells hold something, to know the dense range calamine would build.
fn scan_ods(name: &str, r: &mut impl Read) -> Result<(), String> {
    let mut sheet = String::new();
    let mut span = Span::default();
    let mut row: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut col: u64 = 0;
    let mut depth_in_cell = 0u32;
    scan_tokens(name, r, |tag| {
        let closing = tag.first() == Some(&b'/');
        let empty = tag.last() == Some(&b'/');
        let body = if closing {
            tag.get(1..).unwrap_or_default()
        } else {
            tag
        };
        let tname_end = body
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(body.len());
        let tname = body.get(..tname_end).unwrap_or_default();
        match (tname, closing) {
            (b"table:table", false) if depth_in_cell == 0 => {
                sheet = attr_text(body, b"table:name");
                span = Span::default();
                row = 0;
            }
            (b"table:table", true) if depth_in_cell == 0 => over_dense(&sheet, &span)?,
            (b"table:table-row", false) if depth_in_cell == 0 => {
                row_repeat = attr_num(body, b"table:number-rows-repeated")
                    .unwrap_or(1)
                    .max(1);
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            (b"table:table-row", true) if depth_in_cell == 0 => {
                row = row.saturating_add(row_repeat);
            }
            (b"table:table-cell" | b"table:covered-table-cell", false) => {
                if depth_in_cell == 0 {
                    let n = attr_num(body, b"table:number-columns-repeated")
                        .unwrap_or(1)
                        .max(1);
                    // A cell with a value type or content holds something.
                    let filled =
                        memchr::memmem::find(body, b"office:value-type").is_some() || !empty;
                    if filled {
                        span.add(
                            row,
                            row.saturating_add(row_repeat - 1),
                            col,
                            col.saturating_add(n - 1),
                        );
                        over_dense(&sheet, &span)?;
                    }
                    col = col.saturating_add(n);
                }
                if !empty {
                    depth_in_cell += 1;
                }
            }
            (b"table:table-cell" | b"table:covered-table-cell", true) => {
                depth_in_cell = depth_in_cell.saturating_sub(1);
            }
            _ => {}
        }
        Ok(())
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes([*s.first()?, *s.get(1)?])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 4)?;
    let a: [u8; 4] = s.try_into().ok()?;
    Some(u64::from(u32::from_le_bytes(a)))
}

/// Checks an .xls: the DIMENSIONS each sheet claims, and the rectangle its
/// cells really span.
#[cfg(test)]
pub(crate) fn check_xls(file: &[u8]) -> Result<(), String> {
    check_xls_stream(&xls_stream(file)?)
}

/// The workbook stream of an .xls's OLE container.
pub(crate) fn xls_stream(file: &[u8]) -> Result<Vec<u8>, String> {
    ole_stream(file, &["Workbook", "Book"])
}

/// Checks an .xls's workbook stream (see [`check_xls`]).
pub(crate) fn check_xls_stream(stream: &[u8]) -> Result<(), String> {
    let mut pos = 0usize;
    let mut depth = 0u32;
    let mut sheet_no = 0u32;
    let mut span = Span::default();
    while let (Some(typ), Some(len)) = (u16_at(stream, pos), u16_at(stream, pos + 2)) {
        let start = pos + 4;
        let end = start + len as usize;
        let data = stream.get(start..end).unwrap_or_default();
        pos = end;
        let name = || {
            if sheet_no <= 1 {
                "workbook globals".to_string()
            } else {
                format!("sheet {}", sheet_no - 1)
            }
        };
        match typ {
            0x0809 => {
                depth += 1;
                if depth == 1 {
                    sheet_no += 1;
                    span = Span::default();
                }
            }
            0x000A => {
                if depth == 1 {
                    over_dense(&name(), &span)?;
                }
                depth = depth.saturating_sub(1);
            }
            _ if depth != 1 => {}
            0x0200 => {
                // As calamine reads it: (first row, last row + 1, first
                // column, last column + 1), in u32 arithmetic that wraps.
                let (rf, rl, cf, cl) = if data.len() == 10 {
                    (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    )
                } else {
                    (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    )
                };
                let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) else {
                    continue;
                };
                if cf > 0xFF || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    let rows = ((rl - 1).wrapping_sub(rf) & 0xFFFF_FFFF) + 1;
                    let cols = ((cl - 1).wrapping_sub(cf) & 0xFFFF_FFFF) + 1;
                    let claimed = rows.saturating_mul(cols);
                    if claimed > XLS_MAX_CELLS {
                        return Err(format!(
                            "{}: its DIMENSIONS record claims {rows} rows × {cols} columns, beyond the .xls format's 65,536 × 256",
                            name()
                        ));
                    }
                }
            }
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    span.add(r, r, c, c);
                }
            }
            // MULRK: row, first column, …, last column
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                if let (Some(r), Some(c0), Some(c1)) = (u16_at(data, 0), u16_at(data, 2), last) {
                    span.add(r, r, c0.min(c1), c0.max(c1));
                }
            }
            _ => {}
        }
    }
    if depth == 1 {
        over_dense(&format!("sheet {}", sheet_no.saturating_sub(1)), &span)?;
    }
    Ok(())
}

const END_OF_CHAIN: u64 = 0xFFFF_FFFE;

/// The bytes of the first stream named one of `names` in an OLE compound
/// file, following its sector chain with every step checked.
fn ole_stream(file: &[u8], names: &[&str]) -> Result<Vec<u8>, String> {
    let bad = |what: &str| format!("damaged .xls container: {what}");
    let shift = u16_at(file, 0x1E).ok_or_else(|| bad("no header"))?;
    if !(7..=16).contains(&shift) {
        return Err(bad("sector size"));
    }
    let ssize = 1usize << shift;
    let sector = |n: u64| -> Option<&[u8]> {
        let at = usize::try_from(n)
            .ok()?
            .checked_add(1)?
            .checked_mul(ssize)?;
        file.get(at..at.checked_add(ssize)?)
    };
    // The FAT's sectors: 109 in the header, then the DIFAT chain.
    let mut fat_sectors: Vec<u64> = (0..109)
        .filter_map(|i| u32_at(file, 0x4C + 4 * i))
        .filter(|s| *s < 0xFFFF_FFFA)
        .collect();
    let mut difat = u32_at(file, 0x44).unwrap_or(END_OF_CHAIN);
    let per = ssize / 4;
    let mut guard = file.len() / ssize + 1;
    while difat < 0xFFFF_FFFA && guard > 0 {
        guard -= 1;
        let s = sector(difat).ok_or_else(|| bad("DIFAT sector outside the file"))?;
        fat_sectors.extend(
            (0..per - 1)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|s| *s < 0xFFFF_FFFA),
        );
        difat = u32_at(s, 4 * (per - 1)).unwrap_or(END_OF_CHAIN);
    }
    let mut fat: Vec<u64> = Vec::new();
    for fs in fat_sectors {
        let s = sector(fs).ok_or_else(|| bad("FAT sector outside the file"))?;
        fat.extend((0..per).filter_map(|i| u32_at(s, 4 * i)));
    }
    let chain = |start: u64, unit: &dyn Fn(u64) -> Option<Vec<u8>>, table: &[u64]| {
        let mut out = Vec::new();
        let mut cur = start;
        let mut steps = 0usize;
        while cur < 0xFFFF_FFFA {
            steps += 1;
            if steps > table.len() + 1 {
                return Err(bad("a sector chain loops"));
            }
            out.extend(unit(cur).ok_or_else(|| bad("a sector outside the file"))?);
            cur = *table
                .get(usize::try_from(cur).unwrap_or(usize::MAX))
                .ok_or_else(|| bad("a chain leaves the FAT"))?;
        }
        Ok(out)
    };
    let big = |n: u64| sector(n).map(<[u8]>::to_vec);
    let dir = chain(u32_at(file, 0x30).unwrap_or(END_OF_CHAIN), &big, &fat)?;
    let cutoff = u32_at(file, 0x38).unwrap_or(4096);
    let entry = |i: usize| dir.get(i * 128..i * 128 + 128);
    let root = entry(0).ok_or_else(|| bad("no root entry"))?;
    let v3 = shift == 9;
    for i in 0..dir.len() / 128 {
        let Some(e) = entry(i) else { break };
        let name_len = usize::try_from(u16_at(e, 64).unwrap_or(0))
            .unwrap_or(0)
            .min(64);
        let name: Vec<u16> = (0..name_len.saturating_sub(2) / 2)
            .filter_map(|k| u16_at(e, 2 * k).and_then(|v| u16::try_from(v).ok()))
            .collect();
        let name = String::from_utf16_lossy(&name);
        if e.get(66) != Some(&2) || !names.contains(&name.as_str()) {
            continue;
        }
        let start = u32_at(e, 116).unwrap_or(END_OF_CHAIN);
        let mut size = u32_at(e, 120).unwrap_or(0);
        if !v3 {
            size |= u32_at(e, 124).unwrap_or(0) << 32;
        }
        let mut bytes = if size < cutoff {
            // A small stream lives in the mini stream (64-byte sectors).
            let minifat_start = u32_at(file, 0x3C).unwrap_or(END_OF_CHAIN);
            let mf = chain(minifat_start, &big, &fat)?;
            let minifat: Vec<u64> = (0..mf.len() / 4)
                .filter_map(|k| u32_at(&mf, 4 * k))
                .collect();
            let ministream = chain(u32_at(root, 116).unwrap_or(END_OF_CHAIN), &big, &fat)?;
            let mini = |n: u64| {
                let at = usize::try_from(n).ok()?.checked_mul(64)?;
                ministream.get(at..at.checked_add(64)?).map(<[u8]>::to_vec)
            };
            chain(start, &mini, &minifat)?
        } else {
            chain(start, &big, &fat)?
        };
        bytes.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        return Ok(bytes);
    }
    Err(bad("no Workbook stream"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(name)
    }

    #[test]
    fn the_fixtures_pass() {
        for f in ["laisui_2024_long.xls", "laisui_2024_wide.xls"] {
            let bytes = std::fs::read(fixture(f)).unwrap();
            check_xls(&bytes).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
        for f in [
            "laisui_2024_long.xlsx",
            "laisui_2024_wide.xlsx",
            "laisui_2024_long.ods",
            "laisui_2024_wide.ods",
        ] {
            check_zip(&fixture(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        }
    }

    #[test]
    fn an_xls_stream_is_found() {
        let bytes = std::fs::read(fixture("laisui_2024_long.xls")).unwrap();
        let s = ole_stream(&bytes, &["Workbook", "Book"]).unwrap();
        // The stream starts with a BOF record.
        assert_eq!(&s[..2], &[0x09, 0x08]);
    }

    #[test]
    fn ods_far_cell_is_refused() {
        let xml = br#"<office:body><table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000030"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="5"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table></office:body>"#;
        let e = scan_ods("content.xml", &mut &xml[..]).unwrap_err();
        assert!(e.contains("rows 1–1000032 × columns 1–6"), "{e}");
        // The same sheet without the far cell passes.
        let ok = br#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000030"><table:table-cell/></table:table-row></table:table>"#;
        scan_ods("content.xml", &mut &ok[..]).unwrap();
    }

    #[test]
    fn a_long_run_without_markup_is_refused() {
        let mut xml = b"<a>".to_vec();
        xml.extend(std::iter::repeat_n(
            b' ',
            (MAX_XML_TOKEN_BYTES + 1) as usize,
        ));
        xml.extend(b"</a>");
        assert!(scan_tokens("x.xml", &mut &xml[..], |_| Ok(())).is_err());
    }
}

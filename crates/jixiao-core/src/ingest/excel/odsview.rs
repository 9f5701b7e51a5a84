//! What an .ods shows that calamine does not give: the text of each number,
//! percentage, currency, date and time cell as displayed (its `<text:p>`:
//! `≥12,600批次` for the value 12600), and the merged regions
//! (`table:number-rows-spanned` / `number-columns-spanned`).
//!
//! `content.xml` is read once more, streamed, after [`super::preflight`]
//! checked its sizes. Repeated cells are expanded only when they hold a
//! value, within [`MAX_SHOWN_CELLS`]; anything unreadable gives no view and
//! calamine's values are read as before.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use std::rc::Rc;

use calamine::{Data, Dimensions};
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

use super::grid::{Val, format_number};

/// Most displayed texts kept for one workbook (the sheet limit).
const MAX_SHOWN_CELLS: usize = super::MAX_SHEET_CELLS;

/// Longest displayed text kept: a number's text is short; past this the
/// stored value is read.
const MAX_TEXT: usize = 256;

/// What one sheet shows beyond calamine's values.
#[derive(Debug, Default)]
pub(crate) struct OdsSheet {
    /// `(row, column) → text shown` of value cells that are not strings;
    /// a repeated cell's places share one text.
    pub shown: HashMap<(u32, u32), Rc<str>>,
    /// Merged regions, from their top-left cell.
    pub merges: Vec<Dimensions>,
}

/// The view of each sheet of an .ods by name; `None` when it cannot be read.
pub(crate) fn read(path: &std::path::Path) -> Option<HashMap<String, OdsSheet>> {
    let file = std::fs::File::open(path).ok()?;
    read_from(BufReader::new(file))
}

fn read_from<R: Read + Seek>(r: R) -> Option<HashMap<String, OdsSheet>> {
    let mut zip = zip::ZipArchive::new(r).ok()?;
    let part = zip.by_name("content.xml").ok()?;
    // preflight has checked the part's size; the cap holds if it lied.
    let limit = super::preflight::MAX_PART_BYTES;
    read_content(BufReader::new(part.take(limit)))
}

/// A cell being read: where, how often repeated, and its text so far.
struct Cell {
    row: u32,
    col: u32,
    cols: u32,
    text: String,
    paragraphs: u32,
}

fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Cow<'a, str>> {
    e.try_get_attribute(name).ok().flatten().map(|a| a.value)
}

fn count(e: &BytesStart<'_>, name: &str) -> u32 {
    attr(e, name)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

fn read_content(r: impl std::io::BufRead) -> Option<HashMap<String, OdsSheet>> {
    let mut x = quick_xml::Reader::from_reader(r);
    x.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut sheets: HashMap<String, OdsSheet> = HashMap::new();
    let mut sheet: Option<(String, OdsSheet)> = None;
    let mut row: u32 = 0;
    let mut rows: u32 = 1;
    let mut col: u32 = 0;
    // Depth inside a cell (nested cells of a table in a cell count too).
    let mut in_cell = 0u32;
    let mut annotation = 0u32;
    let mut cell: Option<Cell> = None;
    let mut kept = 0usize;
    loop {
        buf.clear();
        let ev = x.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &ev {
            Event::Eof => break,
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            let name = e.name();
            let name = name.0;
            if in_cell > 0 {
                match name {
                    "table:table-cell" | "table:covered-table-cell" if !empty => in_cell += 1,
                    "office:annotation" if !empty => annotation += 1,
                    _ if annotation > 0 || in_cell > 1 => {}
                    "text:p" => {
                        if let Some(c) = cell.as_mut() {
                            if c.paragraphs > 0 {
                                c.text.push('\n');
                            }
                            c.paragraphs += 1;
                        }
                    }
                    "text:s" => {
                        if let Some(c) = cell.as_mut() {
                            let n = count(e, "text:c").min(MAX_TEXT as u32);
                            c.text.extend(std::iter::repeat_n(' ', n as usize));
                        }
                    }
                    "text:tab" => push(&mut cell, "\t"),
                    "text:line-break" => push(&mut cell, "\n"),
                    _ => {}
                }
                continue;
            }
            match name {
                "table:table" if !empty => {
                    if let Some((n, s)) = sheet.take() {
                        sheets.insert(n, s);
                    }
                    let n = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .and_then(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .ok()
                                .map(Cow::into_owned)
                        })
                        .unwrap_or_default();
                    sheet = Some((n, OdsSheet::default()));
                    row = 0;
                }
                "table:table-row" => {
                    rows = count(e, "table:number-rows-repeated");
                    col = 0;
                    if empty {
                        row = row.saturating_add(rows);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let cols = count(e, "table:number-columns-repeated");
                    let covered = name == "table:covered-table-cell";
                    if !covered && let Some((_, s)) = sheet.as_mut() {
                        let rs = count(e, "table:number-rows-spanned");
                        let cs = count(e, "table:number-columns-spanned");
                        if (rs > 1 || cs > 1) && s.merges.len() < MAX_SHOWN_CELLS {
                            s.merges.push(Dimensions::new(
                                (row, col),
                                (row.saturating_add(rs - 1), col.saturating_add(cs - 1)),
                            ));
                        }
                    }
                    let typ = attr(e, "office:value-type");
                    let shown = !covered
                        && matches!(
                            typ.as_deref(),
                            Some("float" | "percentage" | "currency" | "date" | "time")
                        );
                    if !empty {
                        in_cell = 1;
                        annotation = 0;
                        cell = shown.then(|| Cell {
                            row,
                            col,
                            cols,
                            text: String::new(),
                            paragraphs: 0,
                        });
                    }
                    col = col.saturating_add(cols);
                }
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Text(t) if in_cell == 1 && annotation == 0 => {
                push(&mut cell, &t.xml10_content());
            }
            Event::GeneralRef(g) if in_cell == 1 && annotation == 0 => {
                let ch = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match g.xml10_content().as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(ch) = ch {
                    push(&mut cell, ch.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) => {
                let name = e.name();
                match name.0 {
                    "office:annotation" if in_cell > 0 => annotation = annotation.saturating_sub(1),
                    "table:table-cell" | "table:covered-table-cell" if in_cell > 0 => {
                        in_cell -= 1;
                        if in_cell == 0
                            && let (Some(c), Some((_, s))) = (cell.take(), sheet.as_mut())
                        {
                            keep(s, c, rows, &mut kept);
                        }
                    }
                    _ if in_cell > 0 => {}
                    "table:table-row" => row = row.saturating_add(rows),
                    "table:table" => {
                        if let Some((n, s)) = sheet.take() {
                            sheets.insert(n, s);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Some(sheets)
}

fn push(cell: &mut Option<Cell>, s: &str) {
    if let Some(c) = cell.as_mut()
        && c.text.len() <= MAX_TEXT
    {
        c.text.push_str(s);
    }
}

/// Keeps a cell's text at each place it is repeated to.
fn keep(s: &mut OdsSheet, c: Cell, rows: u32, kept: &mut usize) {
    if c.text.trim().is_empty() || c.text.len() > MAX_TEXT {
        return;
    }
    let text: Rc<str> = c.text.into();
    for r in 0..rows {
        for k in 0..c.cols {
            if *kept >= MAX_SHOWN_CELLS {
                return;
            }
            *kept += 1;
            s.shown.insert(
                (c.row.saturating_add(r), c.col.saturating_add(k)),
                Rc::clone(&text),
            );
        }
    }
}

/// The cell calamine read as `d`, shown as `text`: taken when the text
/// shows that value (its figure, rounded as shown, is the value; a date
/// shows one of its numbers), so a text written by another program that
/// does not match is never read in its place.
pub(crate) fn shown<'a>(d: &Data, text: &str) -> Option<Val<'a>> {
    let text = text.trim();
    match d {
        Data::Float(v) => number(*v, text),
        Data::Int(i) => number(*i as f64, text),
        Data::DateTimeIso(iso) => {
            let parts: Vec<u32> = iso
                .split(|c: char| !c.is_ascii_digit())
                .take(3)
                .filter_map(|p| p.parse().ok())
                .collect();
            let shown: Vec<u32> = text
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|p| p.parse().ok())
                .collect();
            let agrees = parts.iter().any(|p| shown.contains(p));
            (agrees && text != iso.as_str()).then(|| Val::Other(text.to_string()))
        }
        _ => None,
    }
}

fn number<'a>(v: f64, text: &str) -> Option<Val<'a>> {
    if text == format_number(v) || !v.is_finite() {
        return None;
    }
    // The first figure of the text: digits with grouping commas and a point.
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let rest = text.get(start..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(rest.len());
    let figure = rest.get(..end)?.trim_end_matches(['.', ',']);
    let after = rest.get(end..).unwrap_or_default();
    let plain: String = figure.chars().filter(|&c| c != ',').collect();
    let shown: Decimal = plain.parse().ok()?;
    let places = plain.split_once('.').map_or(0, |(_, d)| d.len());
    let mut want = Decimal::from_f64_retain(v.abs())?;
    if after.trim_start().starts_with('%') {
        want = want.checked_mul(Decimal::ONE_HUNDRED)?;
    }
    let half = Decimal::new(5, u32::try_from(places).ok()?.checked_add(1)?);
    let close = (shown - want).abs() <= half + Decimal::new(1, 9);
    close.then(|| Val::Shown(v, text.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(xml: &str) -> HashMap<String, OdsSheet> {
        read_content(xml.as_bytes()).unwrap()
    }

    const ROW: &str = r#"<table:table table:name="表一"><table:table-row><table:table-cell office:value-type="string"><text:p>完成率</text:p></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.9"><text:p>≥90.0%</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="3"><text:p>3 &lt;座&gt;</text:p><office:annotation><text:p>99</text:p></office:annotation></table:table-cell><table:table-cell table:number-columns-repeated="16000"/></table:table-row><table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row><table:table-row><table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="3" office:value-type="date" office:date-value="2024-06-30"><text:p>2024年6月30日</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="float" office:value="5"/></table:table-row></table:table>"#;

    #[test]
    fn texts_of_value_cells_at_their_places() {
        let v = view(ROW);
        let s = v.get("表一").unwrap();
        assert_eq!(s.shown.get(&(0, 1)).map(|t| &**t), Some("≥90.0%"));
        // Repeated: each place; the note is not the cell's text.
        for c in 2..5 {
            assert_eq!(s.shown.get(&(0, c)).map(|t| &**t), Some("3 <座>"));
        }
        // Strings are calamine's; huge repeats of empty cells cost nothing.
        assert!(!s.shown.contains_key(&(0, 0)));
        assert_eq!(s.shown.len(), 5);
        assert_eq!(
            s.shown.get(&(1_048_001, 0)).map(|t| &**t),
            Some("2024年6月30日")
        );
        assert_eq!(
            s.merges,
            vec![Dimensions::new((1_048_001, 0), (1_048_002, 2))]
        );
    }

    #[test]
    fn the_text_is_taken_only_when_it_shows_the_value() {
        let t = |d: Data, text: &str| shown(&d, text).map(|v| v.text().into_owned());
        assert_eq!(
            t(Data::Float(12600.0), "≥12,600批次").as_deref(),
            Some("≥12,600批次")
        );
        assert_eq!(t(Data::Float(0.975), "≥97.50%").as_deref(), Some("≥97.50%"));
        assert_eq!(
            t(Data::Float(1850.0), "≤1,850.0元").as_deref(),
            Some("≤1,850.0元")
        );
        assert_eq!(t(Data::Float(0.955), "96%").as_deref(), Some("96%"));
        assert_eq!(
            t(Data::Float(-0.5), "下降0.5米").as_deref(),
            Some("下降0.5米")
        );
        // Amounts keep their value beside the text shown.
        assert_eq!(
            shown(&Data::Float(1234.5), "1,234.50"),
            Some(Val::Shown(1234.5, "1,234.50".into()))
        );
        assert_eq!(
            t(Data::DateTimeIso("2024-06-30".into()), "2024年6月").as_deref(),
            Some("2024年6月")
        );
        // Near misses: the plain number, a text of another value, no figure.
        assert_eq!(t(Data::Float(12.5), "12.5"), None);
        assert_eq!(t(Data::Float(0.95), "0.90"), None);
        assert_eq!(t(Data::Float(12600.0), "1.26E+04"), None);
        assert_eq!(t(Data::Float(3.0), "三"), None);
        assert_eq!(t(Data::String("达到预期".into()), "达到预期"), None);
        assert_eq!(t(Data::DateTimeIso("2024-06-30".into()), "明年"), None);
    }

    #[test]
    fn damaged_xml_gives_what_was_read_or_nothing_never_a_panic() {
        for n in 0..ROW.len() {
            if let Some(part) = ROW.get(..n) {
                let _ = read_content(part.as_bytes());
            }
        }
        assert!(read_content(&b"<a><b></a>\xff\xfe"[..]).is_none_or(|v| v.is_empty()));
    }
}

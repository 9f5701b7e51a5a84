//! Delimited text: a sheet exported as CSV (commas, `"quoted fields, with
//! commas"` and line breaks inside quotes), or cells copied from a workbook
//! and pasted as text (tabs). Every field keeps its column, empty ones too: a
//! merged label is printed only on its group's first row and the rows below
//! leave its field empty.
//!
//! Only a text most of whose records are split by one delimiter into the
//! same number of fields is read so (a sheet pads its rows to its width);
//! prose with commas in it is not a table.

use super::boxed::join_lines;
use super::{TextTable, is_page_furniture};
use crate::grid::{Cell, GridSource};
use crate::model::Position;

/// Delimiters tried, the most common first.
const DELIMITERS: [u8; 3] = [b'\t', b',', b';'];

/// Records with the table's field count, at least, for a text to be one.
const MIN_RECORDS: usize = 3;

/// One record: its 1-based line and its fields (trimmed).
#[derive(Debug, Clone)]
struct Record {
    line: usize,
    fields: Vec<String>,
}

fn records(text: &str, delimiter: u8) -> Vec<Record> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    // An error is a malformed record, which ends what can be read.
    while let Ok(true) = rdr.read_record(&mut rec) {
        let line = rec
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        // A quoted field's line breaks are a cell's wrapped text.
        let fields: Vec<String> = rec.iter().map(|f| join_lines(f.lines())).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        out.push(Record { line, fields });
    }
    out
}

/// The delimiter a text's records are split by and their usual field count:
/// most records (tab) or most records with the same count (comma,
/// semicolon: prose has those too) hold two fields or more.
pub fn delimiter(text: &str) -> Option<(u8, usize)> {
    // A record's text is a line unless quoted; few lines, few tables.
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    DELIMITERS.iter().find_map(|&d| {
        if !text.as_bytes().contains(&d) {
            return None;
        }
        let recs = records(text, d);
        let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
        for r in recs.iter().filter(|r| r.fields.len() >= 2) {
            *counts.entry(r.fields.len()).or_default() += 1;
        }
        let (&width, &n) = counts.iter().max_by_key(|&(w, n)| (*n, *w))?;
        let split: usize = counts.values().sum();
        let ok = if d == b'\t' {
            split >= MIN_RECORDS && split * 2 >= lines.min(recs.len().max(1))
        } else {
            n >= MIN_RECORDS && n * 2 >= recs.len()
        };
        ok.then_some((d, width))
    })
}

/// Whether a text is comma-separated values (for the refusal of one that
/// holds no table).
pub fn is_csv(text: &str) -> bool {
    if delimiter(text).is_some_and(|(d, _)| d == b',') {
        return true;
    }
    // A short export (a head and a row or two): every record splits into the
    // same number of fields, three or more.
    let recs = records(text, b',');
    let widths: Vec<usize> = recs.iter().map(|r| r.fields.len()).collect();
    widths.len() >= 2
        && widths
            .first()
            .is_some_and(|&w| w >= 3 && widths.iter().all(|&x| x == w))
}

/// The table of a delimited text: each record a row, each field its column.
/// A last record with fewer fields than the table's, in a text that does not
/// end with a line break, was cut short: a reject.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let Some((d, width)) = delimiter(text) else {
        return Vec::new();
    };
    let recs = records(text, d);
    let mut t = TextTable::new(source, GridSource::SpacedText);
    let cut = !text.ends_with('\n') && recs.last().is_some_and(|r| r.fields.len() < width);
    let n = recs.len();
    for (k, r) in recs.into_iter().enumerate() {
        if cut && k + 1 == n {
            let text: Vec<&str> = r
                .fields
                .iter()
                .map(String::as_str)
                .filter(|f| !f.is_empty())
                .collect();
            t.rejects.push((
                r.line,
                text.join(" | "),
                "the text ends inside this row (an excerpt cut short)".into(),
            ));
            continue;
        }
        if let [only] = r
            .fields
            .iter()
            .filter(|f| !f.is_empty())
            .collect::<Vec<_>>()[..]
            && k > 0
            && is_page_furniture(only)
        {
            continue;
        }
        let cells: Vec<Cell> = r
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_empty())
            .map(|(i, f)| {
                Cell::new(
                    0,
                    u32::try_from(i).unwrap_or(u32::MAX),
                    f.as_str(),
                    Position::Line(r.line),
                )
            })
            .collect();
        t.grid.push_row(cells, Position::Line(r.line));
    }
    vec![t]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Grid;

    fn at(g: &Grid, r: usize, c: u32) -> &str {
        g.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", |c| c.text.as_str())
    }

    fn indicators(t: &TextTable) -> Vec<crate::model::Indicator> {
        super::super::read_indicators(t)
    }

    #[test]
    fn csv_with_quotes_and_empty_fields() {
        let text = "\
某区农业农村局绩效目标表,,,,
项目名称,高标准农田建设,,,
一级指标,二级指标,三级指标,年度指标值,实施周期指标值
产出指标,数量指标,\"新建高标准农田,含提升改造\",≥5000亩,≥15000亩
,,灌溉渠道长度,≥12公里,≥30公里
,\"质量\n指标\",工程验收合格率,100%,100%
效益指标,经济效益指标,亩均增产,≥50公斤,≥50公斤
";
        let ts = tables("t.csv", text);
        assert_eq!(ts.len(), 1);
        let g = &ts[0].grid;
        assert_eq!(at(g, 3, 2), "新建高标准农田,含提升改造");
        assert_eq!(at(g, 4, 0), "");
        assert_eq!(at(g, 4, 2), "灌溉渠道长度");
        assert_eq!(at(g, 5, 1), "质量指标");
        assert_eq!(g.rows[5].pos, Position::Line(6));
        let inds = indicators(&ts[0]);
        assert_eq!(inds.len(), 4, "{}", g.render());
        assert_eq!(inds[1].level, "产出指标");
        assert_eq!(inds[1].category, "数量指标");
        assert_eq!(inds[1].annual_value.as_deref(), Some("≥12公里"));
        assert_eq!(inds[1].cycle_value.as_deref(), Some("≥30公里"));
        assert_eq!(inds[3].name, "亩均增产");
    }

    #[test]
    fn tabs_keep_empty_cells_and_a_cut_row_is_a_reject() {
        let text = "\
绩效指标\t\t\t
一级\t二级\t指标名称\t指标值
满意度指标\t服务对象满意度指标\t参训学员满意度\t≥90%
\t\t用人单位满意度\t≥85%
成本指标\t经济成本指标\t人均培训";
        let ts = tables("t.txt", text);
        let t = &ts[0];
        assert_eq!(at(&t.grid, 3, 2), "用人单位满意度");
        assert_eq!(at(&t.grid, 3, 3), "≥85%");
        assert_eq!(t.grid.rows.len(), 4);
        assert_eq!(t.rejects.len(), 1);
        assert_eq!(t.rejects[0].0, 5);
        assert!(t.rejects[0].2.contains("ends inside"));
        let inds = indicators(t);
        assert_eq!(inds.len(), 2);
        assert_eq!(inds[1].category, "服务对象满意度指标");
    }

    #[test]
    fn prose_with_commas_is_not_delimited() {
        let prose = "根据有关文件精神,经研究,现下达专项资金35万元,用于修复工程,请尽快落实,\n附件:1.资金安排表2.绩效目标表\n";
        assert_eq!(delimiter(prose), None);
        let notice = "一、项目概况,本项目共两期,总投资100万元。\n二、绩效目标,年内完成,验收合格。\n三、其他\n四、说明,无\n";
        assert!(!is_csv(notice));
        assert!(tables("t", notice).is_empty());
    }
}

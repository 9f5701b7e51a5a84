//! The parser for text extracted from PDF tables of the seed's layout.
//!
//! It reads lines in two passes of concern: [`lines`] turns text into numbered
//! lines and drops page furniture (form feeds, repeated title and column heads,
//! page numbers), so the row parser below never sees a page break; the row
//! parser then walks the lines as a small state machine:
//!
//! - an indented line starts a project; its name may wrap over several lines
//!   (blank lines inside) until a line ends in amounts;
//! - a line that is not indented and ends in amounts is a unit, or the grand
//!   total (`合计`);
//! - the lines after a project's amounts are its goal and indicator list,
//!   split by [`indicator::split_block`].

use rust_decimal::Decimal;
use std::str::FromStr;

use super::indicator::{self, Joined};
use crate::model::{Amounts, Document, MoneyUnit, Project, Unit};

/// How to place source amounts when the text extraction dropped empty cells
/// (`950.00 950.00`: one source figure, but which column?).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DroppedCells {
    /// Keep 总计, leave the source columns empty and say why (the default:
    /// the text alone cannot tell).
    #[default]
    Unknown,
    /// Assume the figures printed fill the leftmost source columns
    /// (财政拨款 first): true of most tables, but an assumption.
    Leftmost,
}

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub dropped_cells: DroppedCells,
}

/// One line of input with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
}

/// Splits text into numbered lines on LF, CRLF or a lone CR; form feeds
/// (page breaks) are removed from the line they sit on.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut no = 0;
    let mut rest = text;
    while !rest.is_empty() {
        no += 1;
        let (line, next) = match rest.find(['\n', '\r']) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i + skip..])
            }
            None => (rest, ""),
        };
        out.push(Line {
            no,
            text: line.trim_start_matches('\x0c').trim_end_matches('\x0c'),
        });
        rest = next;
    }
    out
}

/// True for page numbers as PDF extraction leaves them: `- 3 -`, `第 3 页`,
/// `第3页 共5页`, `3/5`. A bare number is not one: it may be an indicator's
/// number wrapped away from its `、`.
fn is_page_number(s: &str) -> bool {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return false;
    }
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    if let Some(inner) = s.strip_prefix('-').and_then(|x| x.strip_suffix('-')) {
        return digits(inner);
    }
    if let Some(inner) = s.strip_prefix('—').and_then(|x| x.strip_suffix('—')) {
        return digits(inner);
    }
    if let Some(rest) = s.strip_prefix('第') {
        if let Some((n, tail)) = rest.split_once('页') {
            if !digits(n) {
                return false;
            }
            return tail.is_empty()
                || tail
                    .strip_prefix('共')
                    .and_then(|t| t.strip_suffix('页'))
                    .is_some_and(digits);
        }
    }
    if let Some((a, b)) = s.split_once('/') {
        return digits(a) && digits(b);
    }
    false
}

fn is_title(s: &str) -> bool {
    s.contains("绩效目标") && s.contains('表') && !s.contains('；') && s.chars().count() < 60
}

fn is_column_heads(s: &str) -> bool {
    let s = s.trim_start();
    s.starts_with("项目名称")
        && (s.contains("总计") || s.contains("绩效指标") || s.contains("绩效目标"))
}

fn is_indented(s: &str) -> bool {
    s.starts_with([' ', '\t', '\u{3000}'])
}

/// A trailing amount: `950.00`, `1,234.50`, `-3.00`, or `-`/`—` for an empty cell
/// printed as a dash.
fn amount_token(tok: &str) -> Option<Option<Decimal>> {
    if matches!(tok, "-" | "—" | "－") {
        return Some(None);
    }
    let t = tok.replace(',', "");
    let body = t.strip_prefix('-').unwrap_or(&t);
    if body.is_empty()
        || !body.chars().all(|c| c.is_ascii_digit() || c == '.')
        || body.starts_with('.')
    {
        return None;
    }
    Decimal::from_str(&t).ok().map(Some)
}

/// Splits a row into its name and its trailing amounts (at most four: 总计 and
/// the three sources). A trailing number without a decimal point after a name
/// (`项目 2024`) is part of the name, not an amount.
fn split_amounts(s: &str) -> (&str, Vec<Option<Decimal>>) {
    let mut name_end = s.trim_end().len();
    let mut found: Vec<Option<Decimal>> = Vec::new();
    let mut has_point = false;
    while found.len() < 4 {
        let head = s[..name_end].trim_end();
        let start = head
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let tok = &head[start..];
        if tok.is_empty() {
            break;
        }
        match amount_token(tok) {
            Some(v) => {
                has_point |= tok.contains('.');
                found.push(v);
                name_end = start;
            }
            None => break,
        }
    }
    found.reverse();
    let name = s[..name_end].trim();
    // Without a decimal point, numbers are amounts only as a row of two or more
    // standing alone (`950 950` in a 元 table); a lone `7` or `项目 2024` is a
    // wrapped name.
    if !found.is_empty() && !has_point && (!name.is_empty() || found.len() < 2) {
        return (s.trim(), Vec::new());
    }
    (name, found)
}

/// Places the printed figures in the four amount columns; returns the amounts
/// and, when they do not add up, a warning.
fn assign_amounts(
    figures: &[Option<Decimal>],
    unit: MoneyUnit,
    policy: DroppedCells,
) -> (Amounts, Option<String>) {
    let conv = |d: Option<Decimal>| d.map(|v| unit.to_wanyuan(v));
    let total = conv(figures.first().copied().flatten()).unwrap_or_default();
    let sources: Vec<Option<Decimal>> = figures.iter().skip(1).map(|d| conv(*d)).collect();
    let printed: Decimal = sources.iter().flatten().copied().sum();
    let mut a = Amounts {
        total,
        ..Amounts::default()
    };
    match (sources.len(), policy) {
        (3, _) => {
            a.fiscal = sources[0];
            a.special = sources[1];
            a.other = sources[2];
        }
        (0, _) => {}
        (n, DroppedCells::Leftmost) => {
            a.fiscal = sources.first().copied().flatten();
            a.special = if n > 1 { sources[1] } else { None };
        }
        (n, DroppedCells::Unknown) => {
            a.note = Some(format!(
                "{n} of 3 source figures printed ({}); empty cells were dropped by the text extraction, so their columns are unknown",
                sources
                    .iter()
                    .map(|d| d.map_or("-".to_string(), |v| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let warning = (printed != total).then(|| {
        format!(
            "sources sum to {printed} but 总计 is {total} (difference {})",
            total - printed
        )
    });
    (a, warning)
}

/// A project whose header (name, amounts) is complete, collecting its block.
struct OpenProject {
    name: String,
    amounts: Amounts,
    line: usize,
    block: Joined,
}

/// Parses one table of the seed's layout. Never fails: what cannot be placed
/// goes to `Document::rejects` with its line and the reason.
pub fn parse(source: &str, text: &str, opts: &TextOptions) -> Document {
    let mut doc = Document::new(source);
    let all = lines(text);
    let mut i = 0;

    // Head: title, 部门名称, 单位, column heads. The body starts after the
    // column heads, or at the first row if the heads are missing.
    let mut saw_heads = false;
    while i < all.len() {
        let l = all[i];
        let s = l.text.trim();
        if s.is_empty() || is_page_number(s) {
            i += 1;
            continue;
        }
        if is_column_heads(s) {
            saw_heads = true;
            i += 1;
            break;
        }
        let mut consumed = false;
        if doc.title.is_none() && is_title(s) {
            doc.title = Some(s.to_string());
            consumed = true;
        }
        if let Some(d) = field_after(s, "部门名称") {
            doc.department = Some(d.split("单位").next().unwrap_or(d).trim().to_string());
            consumed = true;
        }
        if let Some(u) = money_unit(s) {
            doc.money_unit = u;
            consumed = true;
        }
        if !consumed {
            // Not a head line: the body starts here (a table without heads).
            break;
        }
        i += 1;
    }
    if !saw_heads {
        doc.warn(
            all.get(i).map_or(0, |l| l.no),
            "no column-head line (项目名称 … 总计 …) found",
        );
    }

    let mut pending: Option<(usize, String)> = None; // project name still wrapping
    let mut open: Option<OpenProject> = None;
    const MAX_NAME_LINES: usize = 8;
    let mut pending_lines = 0;

    for l in &all[i..] {
        let s = l.text.trim();
        if s.is_empty() {
            continue;
        }
        if is_page_number(s)
            || is_column_heads(s)
            || doc.title.as_deref() == Some(s)
            || field_after(s, "部门名称").is_some()
        {
            continue; // page furniture: repeated on every page
        }
        let (name, figures) = split_amounts(l.text);
        if let Some((start, mut acc)) = pending.take() {
            if !figures.is_empty() {
                acc.push_str(name);
                open = Some(open_project(&mut doc, acc, start, &figures, opts));
                continue;
            }
            if is_indented(l.text) || pending_lines >= MAX_NAME_LINES {
                doc.reject(start, acc, "project name without amounts");
            } else {
                acc.push_str(s);
                pending_lines += 1;
                pending = Some((start, acc));
                continue;
            }
        }
        if is_indented(l.text) {
            close_project(&mut doc, open.take());
            if figures.is_empty() || name.is_empty() {
                if name.is_empty() {
                    doc.reject(l.no, s, "amounts without a project name");
                } else {
                    pending = Some((l.no, name.to_string()));
                    pending_lines = 1;
                }
            } else {
                open = Some(open_project(
                    &mut doc,
                    name.to_string(),
                    l.no,
                    &figures,
                    opts,
                ));
            }
            continue;
        }
        if !figures.is_empty() && !name.is_empty() && !looks_like_sentence(name) {
            close_project(&mut doc, open.take());
            let (amounts, warning) = assign_amounts(&figures, doc.money_unit, opts.dropped_cells);
            if let Some(w) = warning {
                doc.warn(l.no, format!("{name}: {w}"));
            }
            if matches!(name, "合计" | "总计" | "合 计") {
                if doc.grand_total.is_some() {
                    doc.reject(l.no, s, "a second 合计 row");
                } else {
                    doc.grand_total = Some(amounts);
                    doc.grand_total_line = Some(l.no);
                }
            } else {
                doc.units.push(Unit {
                    name: name.to_string(),
                    amounts: Some(amounts),
                    projects: Vec::new(),
                    line: l.no,
                });
            }
            continue;
        }
        match open.as_mut() {
            Some(p) => p.block.push_line(l.no, l.text),
            None => doc.reject(l.no, s, "text outside any project"),
        }
    }
    if let Some((start, acc)) = pending {
        doc.reject(start, acc, "project name without amounts at end of file");
    }
    close_project(&mut doc, open);
    doc
}

fn open_project(
    doc: &mut Document,
    name: String,
    line: usize,
    figures: &[Option<Decimal>],
    opts: &TextOptions,
) -> OpenProject {
    let (amounts, warning) = assign_amounts(figures, doc.money_unit, opts.dropped_cells);
    if let Some(w) = warning {
        doc.warn(line, format!("{name}: {w}"));
    }
    OpenProject {
        name: indicator::normalize_text(&name),
        amounts,
        line,
        block: Joined::default(),
    }
}

fn close_project(doc: &mut Document, open: Option<OpenProject>) {
    let Some(p) = open else { return };
    let block = indicator::split_block(&p.block);
    for bad in block.bad {
        doc.reject(
            bad.line,
            bad.text,
            format!("indicator of 「{}」 not parsed: {}", p.name, bad.reason),
        );
    }
    if block.indicators.is_empty() {
        doc.warn(p.line, format!("{}: no indicators found", p.name));
    }
    if doc.units.is_empty() {
        // Projects listed without a unit row: they belong to the department.
        doc.units.push(Unit {
            name: doc.department.clone().unwrap_or_default(),
            amounts: None,
            projects: Vec::new(),
            line: p.line,
        });
    }
    if let Some(unit) = doc.units.last_mut() {
        unit.projects.push(Project {
            name: p.name,
            amounts: p.amounts,
            goal: block.goal,
            indicators: block.indicators,
            line: p.line,
        });
    }
}

/// `部门名称：X` → `X` (full- or half-width colon).
fn field_after<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let i = s.find(key)?;
    let rest = s[i + key.len()..].trim_start();
    rest.strip_prefix(['：', ':']).map(str::trim)
}

fn money_unit(s: &str) -> Option<MoneyUnit> {
    let i = s.rfind("单位")?;
    let rest = s[i + "单位".len()..].trim_start();
    let v = rest.strip_prefix(['：', ':'])?.trim_start();
    if v.starts_with("万元") {
        Some(MoneyUnit::Wanyuan)
    } else if v.starts_with('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    }
}

/// Goal text that happens to end in a number is not a unit row.
fn looks_like_sentence(s: &str) -> bool {
    s.contains(['，', '。', '；', ',', ';']) || s.chars().count() > 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_accept_every_line_end() {
        let l = lines("a\r\nb\rc\nd\x0ce");
        let t: Vec<_> = l.iter().map(|l| (l.no, l.text)).collect();
        assert_eq!(t, vec![(1, "a"), (2, "b"), (3, "c"), (4, "d\x0ce")]);
        let l = lines("\x0c项目");
        assert_eq!(l[0].text, "项目");
    }

    #[test]
    fn page_numbers() {
        for p in ["- 3 -", "第 3 页", "第3页 共5页", "3/5", "—12—"] {
            assert!(is_page_number(p), "{p}");
        }
        for p in ["4", "、2-效益指标", "第一是", "2023-2024"] {
            assert!(!is_page_number(p), "{p}");
        }
    }

    #[test]
    fn amounts_split_from_names() {
        let (n, f) = split_amounts("    专项工作经费 42.00 42.00");
        assert_eq!(n, "专项工作经费");
        assert_eq!(
            f,
            vec![Some(Decimal::new(4200, 2)), Some(Decimal::new(4200, 2))]
        );
        let (n, f) = split_amounts("330.15 330.15");
        assert_eq!(n, "");
        assert_eq!(f.len(), 2);
        let (n, f) = split_amounts("    广州市来穗服务管理局2024");
        assert_eq!(n, "广州市来穗服务管理局2024");
        assert!(f.is_empty());
        let (n, f) = split_amounts("工程 1,234.50 1,000.00 - 234.50");
        assert_eq!(n, "工程");
        assert_eq!(
            f,
            vec![
                Some(Decimal::new(123450, 2)),
                Some(Decimal::new(100000, 2)),
                None,
                Some(Decimal::new(23450, 2))
            ]
        );
    }

    #[test]
    fn yuan_converts_exactly() {
        let (a, w) = assign_amounts(
            &[
                Some(Decimal::new(950_000_00, 2)),
                Some(Decimal::new(950_000_00, 2)),
            ],
            MoneyUnit::Yuan,
            DroppedCells::Leftmost,
        );
        assert_eq!(a.total.to_string(), "95.000000");
        assert_eq!(a.fiscal, Some(Decimal::new(95_000_000, 6)));
        assert!(w.is_none());
    }

    #[test]
    fn unknown_columns_are_said_not_guessed() {
        let f = [Some(Decimal::new(95000, 2)), Some(Decimal::new(95000, 2))];
        let (a, w) = assign_amounts(&f, MoneyUnit::Wanyuan, DroppedCells::Unknown);
        assert_eq!(a.fiscal, None);
        assert!(a.note.is_some());
        assert!(w.is_none());
        let f = [Some(Decimal::new(100, 0)), Some(Decimal::new(60, 0))];
        let (_, w) = assign_amounts(&f, MoneyUnit::Wanyuan, DroppedCells::Unknown);
        assert_eq!(
            w.as_deref(),
            Some("sources sum to 60 but 总计 is 100 (difference 40)")
        );
    }
}

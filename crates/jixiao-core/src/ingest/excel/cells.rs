//! Reading single cells: amounts (floats and numbers stored as text), names
//! and free text, and the lines above a table's head.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::grid::{GridRow, Val};
use super::header::squeeze;

/// Most decimal places an amount keeps from a float: Excel's binary floats
/// carry noise past the 15th digit (`7.0000000000000009`), no table prints six.
const MAX_AMOUNT_PLACES: u32 = 6;

/// An amount cell: `Ok(None)` when empty or a dash, `Err` with what it holds
/// when it is not a number. At least two places (cents), more only when the
/// cell holds them.
pub(crate) fn amount(v: Option<&Val<'_>>) -> Result<Option<Decimal>, String> {
    let d = match v {
        None => return Ok(None),
        // A formatted number is read by its value, exact to the cent.
        Some(Val::Num(f) | Val::Shown(f, _)) => {
            if !f.is_finite() {
                return Err(f.to_string());
            }
            Decimal::from_f64_retain(*f)
                .ok_or_else(|| f.to_string())?
                .round_dp(MAX_AMOUNT_PLACES)
        }
        Some(Val::Int(i)) => Decimal::from(*i),
        Some(Val::Text(s)) => match amount_text(s) {
            Some(d) => match d {
                Some(d) => d,
                None => return Ok(None),
            },
            None => return Err(s.trim().to_string()),
        },
        Some(other) => return Err(other.text().into_owned()),
    };
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    Ok(Some(d))
}

/// A number stored as text: `1,234.50`, ` 42.00 `, `４２．００`; a dash, `/` or
/// `无` is an empty cell. `None` when it is not a number.
fn amount_text(s: &str) -> Option<Option<Decimal>> {
    let t: String = s
        .trim()
        .chars()
        .filter_map(|c| match c {
            ',' | ' ' | '\u{3000}' | '\u{a0}' => None,
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0),
            '．' => Some('.'),
            '－' => Some('-'),
            c => Some(c),
        })
        .collect();
    if t.is_empty() || matches!(t.as_str(), "-" | "—" | "——" | "/" | "无" | "－") {
        return Some(None);
    }
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    if body.is_empty()
        || body.starts_with('.')
        || !body.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    Decimal::from_str(t.trim_start_matches('+')).ok().map(Some)
}

/// A name or short free text from a cell: lines joined with nothing between
/// them (as wrapped Chinese text joins), full-width spaces folded.
pub(crate) fn joined_text(v: &Val<'_>) -> String {
    let t = v.text();
    if !t.contains(['\n', '\r', '\u{3000}']) {
        return t.trim().to_string(); // the common case, in one allocation
    }
    let mut out = String::with_capacity(t.len());
    for line in t.lines() {
        out.push_str(line.trim());
    }
    crate::ingest::indicator::normalize_text(&out)
}

/// True when a name cell starts with whitespace: indentation marks a project.
pub(crate) fn indented(v: &Val<'_>) -> bool {
    matches!(v, Val::Text(s) if s.starts_with([' ', '\t', '\u{3000}']))
}

pub(crate) fn is_grand_total(name: &str) -> bool {
    matches!(squeeze(name).as_str(), "合计" | "总计")
}

/// A note or signature line under a table: 注：…, 填报说明, 制表人：….
pub(crate) fn is_note(text: &str) -> bool {
    const FIRST: &[char] = &['注', '备', '说', '填', '数', '制', '审', '联', '单', '财'];
    if !text.trim_start().starts_with(FIRST) {
        return false; // most rows: decided without allocating
    }
    let t = squeeze(text);
    const STARTS: &[&str] = &[
        "注:",
        "注1",
        "注、",
        "注①",
        "备注",
        "说明:",
        "填报说明",
        "填表说明",
        "数据来源",
        "制表",
        "填报人",
        "填表人",
        "审核人",
        "联系人",
        "联系电话",
        "单位负责人",
        "财务负责人",
    ];
    t == "注" || t == "说明" || STARTS.iter().any(|s| t.starts_with(s))
}

/// The first non-empty cell's text, if it is a note.
pub(crate) fn is_note_row(row: &GridRow<'_>) -> bool {
    row.cells
        .iter()
        .find(|c| !c.filled)
        .is_some_and(|c| matches!(c.val, Val::Text(_)) && is_note(&c.val.text()))
}

/// A cell under a table's notes that is part of them: a note or signature
/// (`联系电话：…`), or a date (`2024年1月5日`, `2024-01-05`, a date cell).
pub(crate) fn is_note_or_date(v: &Val<'_>) -> bool {
    match v {
        Val::Text(t) => is_note(t) || is_date(t),
        // Dates come as `Other`; cell errors (`#N/A`) start with `#`.
        Val::Other(t) => !t.starts_with('#'),
        _ => false,
    }
}

/// A date written as text: digits or Chinese numerals with 年/月/日 or at
/// least two of `-`, `/`, `.` between them, and nothing else.
pub(crate) fn is_date(text: &str) -> bool {
    let t = squeeze(text);
    let numeral = |c: char| c.is_ascii_digit() || "〇零一二三四五六七八九十".contains(c);
    let marks = t.chars().filter(|c| "年月日号".contains(*c)).count();
    let seps = t.chars().filter(|c| "-/.".contains(*c)).count();
    t.chars().any(numeral)
        && t.chars().all(|c| numeral(c) || "年月日号-/.".contains(c))
        && (marks > 0 || seps >= 2)
}

// One definition for text and workbooks: the head fields and the level codes
// read the same in both.
pub(crate) use crate::ingest::indicator::split_code;
pub(crate) use crate::ingest::text::{field_after, is_title, money_unit};

#[cfg(test)]
mod tests {
    use super::*;

    fn amt(v: Val<'_>) -> Result<Option<String>, String> {
        amount(Some(&v)).map(|d| d.map(|d| d.to_string()))
    }

    #[test]
    fn amounts_from_floats_round_away_the_noise() {
        assert_eq!(
            amt(Val::Num(7.000_000_000_000_001)),
            Ok(Some("7.00".into()))
        );
        assert_eq!(amt(Val::Num(22.33)), Ok(Some("22.33".into())));
        assert_eq!(amt(Val::Num(0.1 + 0.2)), Ok(Some("0.30".into())));
        assert_eq!(amt(Val::Num(12.3456)), Ok(Some("12.3456".into())));
        assert_eq!(amt(Val::Int(950)), Ok(Some("950.00".into())));
        assert!(amt(Val::Num(f64::NAN)).is_err());
    }

    #[test]
    fn amounts_stored_as_text() {
        assert_eq!(
            amt(Val::Text("1,234.50".into())),
            Ok(Some("1234.50".into()))
        );
        assert_eq!(amt(Val::Text(" 42.00 ".into())), Ok(Some("42.00".into())));
        assert_eq!(amt(Val::Text("４２．５".into())), Ok(Some("42.50".into())));
        assert_eq!(amt(Val::Text("-3".into())), Ok(Some("-3.00".into())));
        assert_eq!(amt(Val::Text("—".into())), Ok(None));
        assert_eq!(amt(Val::Text("-".into())), Ok(None));
        assert_eq!(amt(Val::Text("十万".into())), Err("十万".into()));
        assert_eq!(amt(Val::Text("12.3.4".into())), Err("12.3.4".into()));
        assert_eq!(amt(Val::Other("#N/A".into())), Err("#N/A".into()));
        assert_eq!(amount(None), Ok(None));
    }

    #[test]
    fn notes_and_totals() {
        assert!(is_note("注：本表金额单位为万元"));
        assert!(is_note("注: 1. 说明"));
        assert!(is_note("填报说明：……"));
        assert!(is_note("制表人：张三"));
        assert!(!is_note("注册登记工作经费"));
        assert!(is_grand_total("合 计"));
        assert!(is_grand_total("总计"));
        assert!(!is_grand_total("合计项目"));
    }

    #[test]
    fn dates_under_notes() {
        assert!(is_date("2024年1月5日"));
        assert!(is_date("2024-01-05"));
        assert!(is_date("二〇二四年三月"));
        assert!(!is_date("2024"));
        assert!(!is_date("项目名称2024年"));
        assert!(is_note_or_date(&Val::Text("制表日期：2024年1月5日".into())));
        assert!(!is_note_or_date(&Val::Text("运行维护经费".into())));
        assert!(!is_note_or_date(&Val::Num(12.5)));
    }

    #[test]
    fn codes_split() {
        assert_eq!(
            split_code("1-产出指标"),
            (Some("1".into()), "产出指标".into())
        );
        assert_eq!(
            split_code("11－数量指标"),
            (Some("11".into()), "数量指标".into())
        );
        assert_eq!(split_code("产出指标"), (None, "产出指标".into()));
        assert_eq!(
            split_code("1-产出 指标"),
            (Some("1".into()), "产出指标".into())
        );
    }
}

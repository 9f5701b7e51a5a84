//! Hierarchy by indentation only: no column heads, no rules; a level alone
//! on its line, its categories alone on lines indented further, and each
//! indicator on a line indented further still as `name  value` (two or more
//! spaces, a tab or an ideographic space between):
//!
//! `产出指标` / `  数量指标` / `    新建校舍面积  ≥3000平方米`
//!
//! after a key-value head (`项目名称：X`, `主管部门：…`); several projects may
//! follow one another, each after its own head. An indicator's 一级 and 二级
//! are the framework lines it is indented under (the nearest line indented
//! less, then the nearest indented less than that). The grid built is a long
//! table: the head's `label | value` rows, a head row of the framework's
//! column words, a row per indicator. A line that cannot be placed (no
//! value beside its name, no framework line above it) is a reject.

use super::fields::split_label;
use super::{
    Piece, TextTable, is_head_label, is_long_head, is_page_furniture, is_project_label,
    is_table_end, push, role,
};
use crate::grid::GridSource;
use crate::vocab;

/// The width of a line's indentation: a space 1, an ideographic space 2, a
/// tab 4.
fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| match c {
            '\t' => 4,
            '\u{3000}' => 2,
            _ => 1,
        })
        .sum()
}

/// A line's fields: runs of text separated by a tab, an ideographic space or
/// two or more spaces (a single space stays inside a field).
fn fields(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let t = line.trim();
    let mut start = 0;
    let mut gap: Option<usize> = None;
    let mut spaces = 0;
    for (i, c) in t.char_indices() {
        let wide = c == '\t' || c == '\u{3000}';
        if c == ' ' || wide {
            if gap.is_none() {
                gap = Some(i);
                spaces = 0;
            }
            spaces += if wide { 2 } else { 1 };
            continue;
        }
        if let Some(g) = gap.take()
            && spaces >= 2
        {
            if let Some(f) = t.get(start..g) {
                out.push(f);
            }
            start = i;
        }
    }
    if let Some(f) = t.get(start..) {
        out.push(f);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect()
}

/// A framework label alone on its line (a trailing colon allowed).
fn framework_word(t: &str) -> bool {
    let t = t.trim().trim_end_matches([':', '：']);
    vocab::is_level_word(t) || vocab::is_category_word(t)
}

/// Marks of a bulleted list.
const BULLETS: &[char] = &['●', '◆', '■', '□', '▲', '►', '•', '○', '◇', '◎', '▪', '◦'];

/// One line of an indented block.
#[derive(Debug)]
enum Item<'a> {
    /// A framework label: its indentation and text.
    Label(usize, &'a str),
    /// An indicator: its indentation, name and value.
    Indicator(usize, &'a str, &'a str),
    /// A line indented like an indicator that is not one: why.
    Unplaced(&'static str),
}

/// What a line of a block is, `None` when it is no line of a block.
fn item(raw: &str) -> Option<Item<'_>> {
    let d = indent(raw);
    // A list's bullet (`●`, `◆`) marks the line, it is no part of it.
    let body = raw.trim_start().trim_start_matches(BULLETS).trim_start();
    let fs = fields(body);
    match fs.as_slice() {
        [one] if framework_word(one) => Some(Item::Label(d, one.trim_end_matches([':', '：']))),
        [name, value] if d > 0 && !framework_word(name) && !framework_word(value) => {
            Some(Item::Indicator(d, name, value))
        }
        // `name：value` on a bulleted or indented line.
        [one]
            if d > 0
                && !split_label(body).is_some_and(|(l, _)| is_head_label(l))
                && one.split_once(['：', ':']).is_some_and(|(n, v)| {
                    !n.trim().is_empty() && !v.trim().is_empty() && !framework_word(n)
                }) =>
        {
            let (n, v) = one.split_once(['：', ':'])?;
            Some(Item::Indicator(d, n.trim(), v.trim()))
        }
        [_] if d > 0 && split_label(raw).is_none() => Some(Item::Unplaced(
            "an indented line with no value beside it (two or more spaces or a tab between name and value): not read as an indicator",
        )),
        _ if d > 0 && fs.len() > 2 && !fs.iter().any(|f| framework_word(f)) => {
            Some(Item::Unplaced(
                "more than a name and a value on an indented line, and no column heads to place them: not read as an indicator",
            ))
        }
        _ => None,
    }
}

/// One project's lines: its head rows and its block's lines (1-based).
#[derive(Debug, Default)]
struct Section<'a> {
    head: Vec<Vec<Piece>>,
    block: Vec<(usize, &'a str)>,
}

/// The tables of a text whose hierarchy is its indentation.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    // A column layout's head (一级指标 二级指标 … on one line) makes the
    // text a table of columns, read by the column readers.
    if lines.iter().any(|l| {
        let roles: Vec<_> = fields(l).iter().map(|f| role(f)).collect();
        is_long_head(&roles)
    }) {
        return Vec::new();
    }
    let cut_line = (!text.ends_with('\n'))
        .then(|| lines.iter().rposition(|l| !l.trim().is_empty()))
        .flatten()
        .map(|i| i + 1);
    let mut sections: Vec<Section<'_>> = vec![Section::default()];
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        let in_block = sections.last().is_some_and(|s| !s.block.is_empty());
        if is_project_label(l) && in_block {
            sections.push(Section::default());
        }
        if let Some(it) = item(raw) {
            // A block opens with a framework label.
            if in_block || matches!(it, Item::Label(..)) {
                if let Some(s) = sections.last_mut() {
                    s.block.push((n, raw));
                }
                continue;
            }
        }
        if in_block && is_table_end(l) {
            break;
        }
        let Some(s) = sections.last_mut() else {
            continue;
        };
        if !s.block.is_empty() {
            // The block has ended: whatever follows until the next project
            // is not this project's.
            continue;
        }
        if let Some((label, value)) = split_label(l)
            && is_head_label(label)
        {
            s.head
                .push(vec![Piece::new(label, n), Piece::new(value, n)]);
        } else if is_head_label(l) || (is_page_furniture(l) && l.contains(['：', ':'])) {
            s.head.push(vec![Piece::new(l, n)]);
        }
    }
    sections
        .iter()
        .filter_map(|s| section_table(source, s, cut_line))
        .collect()
}

/// The level and category an indicator is indented under: the labels of the
/// stack (outermost first) are its ancestors. The deepest category is its
/// category and the nearest level above it its level. A label that is both
/// words (满意度指标, 成本指标) is a level when a category stands under it or
/// the block's pure levels stand at its indentation, else a category.
fn ancestry<'a>(stack: &[(usize, &'a str)], level_indents: &[usize]) -> (&'a str, &'a str) {
    let is_category = |i: usize, d: usize, t: &str| {
        let c = vocab::is_category_word(t);
        let l = vocab::is_level_word(t);
        if c != l {
            return c;
        }
        let deeper = stack
            .get(i + 1..)
            .unwrap_or_default()
            .iter()
            .any(|(_, u)| vocab::is_category_word(u));
        c && !deeper && !level_indents.contains(&d)
    };
    let cat_at = stack
        .iter()
        .enumerate()
        .rposition(|(i, (d, t))| is_category(i, *d, t));
    let category = cat_at.and_then(|i| stack.get(i)).map_or("", |(_, t)| *t);
    let above = cat_at.unwrap_or(stack.len());
    let level = stack
        .get(..above)
        .unwrap_or_default()
        .iter()
        .rev()
        .find(|(_, t)| vocab::is_level_word(t))
        .map_or("", |(_, t)| *t);
    (level, category)
}

/// One project's grid.
fn section_table(source: &str, s: &Section<'_>, cut_line: Option<usize>) -> Option<TextTable> {
    let items: Vec<(usize, &str, Item<'_>)> = s
        .block
        .iter()
        .filter_map(|(n, raw)| item(raw).map(|it| (*n, *raw, it)))
        .collect();
    // Indentations of the labels that can only be levels.
    let level_indents: Vec<usize> = items
        .iter()
        .filter_map(|(_, _, it)| match it {
            Item::Label(d, t) if vocab::is_level_word(t) && !vocab::is_category_word(t) => Some(*d),
            _ => None,
        })
        .collect();
    let mut t = TextTable::new(source, GridSource::SpacedText);
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut stack: Vec<(usize, &str)> = Vec::new();
    for (n, raw, it) in &items {
        let reject = |t: &mut TextTable, why: &str| {
            t.rejects
                .push((*n, raw.trim().to_string(), why.to_string()));
        };
        match it {
            Item::Label(d, text) => {
                stack.retain(|(e, _)| e < d);
                stack.push((*d, text));
            }
            Item::Indicator(d, name, value) => {
                stack.retain(|(e, _)| e < d);
                if Some(*n) == cut_line {
                    reject(
                        &mut t,
                        "the text ends inside this row (an excerpt cut short)",
                    );
                    continue;
                }
                if stack.is_empty() {
                    reject(
                        &mut t,
                        "an indicator line indented under no level or category: not read",
                    );
                    continue;
                }
                let (level, category) = ancestry(&stack, &level_indents);
                rows.push(vec![
                    Piece::new(level, *n),
                    Piece::new(category, *n),
                    Piece::new(*name, *n),
                    Piece::new(*value, *n),
                ]);
            }
            Item::Unplaced(why) => {
                if Some(*n) == cut_line {
                    reject(
                        &mut t,
                        "the text ends inside this row (an excerpt cut short)",
                    );
                } else {
                    reject(&mut t, why);
                }
            }
        }
    }
    if rows.is_empty() {
        return None;
    }
    for h in &s.head {
        push(&mut t.grid, 0, h);
    }
    let line = rows.first().and_then(|r| r.first()).map_or(0, |p| p.line);
    let head: Vec<Piece> = [
        vocab::LEVEL_HEADS,
        vocab::CATEGORY_HEADS,
        vocab::NAME_HEADS,
        vocab::VALUE_HEADS,
    ]
    .iter()
    .filter_map(|h| h.first())
    .map(|h| Piece::new(*h, line))
    .collect();
    push(&mut t.grid, 0, &head);
    for r in &rows {
        push(&mut t.grid, 0, r);
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::excel::read_grid;

    fn indicators(t: &TextTable) -> Vec<(String, String, String, String)> {
        let doc = read_grid(&t.grid).unwrap().doc;
        doc.projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| {
                (
                    i.level.clone(),
                    i.category.clone(),
                    i.name.clone(),
                    i.annual_value.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn tabs_two_projects_and_cost_as_a_level() {
        let text = "项目名称：农村公路养护\n\
主管部门：某县交通运输局\n\
成本指标\n\
\t经济成本指标\n\
\t\t每公里养护成本\t≤0.8万元\n\
产出指标\n\
\t数量指标\n\
\t\t养护里程\t≥320公里\n\
\t时效指标\n\
\t\t水毁修复时限\t灾后30日内\n\
满意度指标\n\
\t服务对象满意度指标\n\
\t\t沿线群众满意度\t≥90%\n\
\n\
项目名称：客运站运营补贴\n\
主管部门：某县交通运输局\n\
效益指标\n\
\t社会效益指标\n\
\t\t农村客运通达率\t100%\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let rows = indicators(&t[0]);
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            (
                "成本指标".into(),
                "经济成本指标".into(),
                "每公里养护成本".into(),
                "≤0.8万元".into()
            )
        );
        assert_eq!(rows[2].1, "时效指标");
        assert_eq!(rows[2].3, "灾后30日内");
        assert_eq!(rows[3].0, "满意度指标");
        assert_eq!(rows[3].1, "服务对象满意度指标");
        let doc = read_grid(&t[1].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "客运站运营补贴");
        assert_eq!(p.indicators.len(), 1);
    }

    #[test]
    fn ideographic_spaces_a_cut_last_line_and_unplaced_lines() {
        let text = "专项名称：中小学校舍维修\n\
产出指标\n\
\u{3000}质量指标\n\
\u{3000}\u{3000}维修工程验收合格率\u{3000}100%\n\
\u{3000}\u{3000}校舍安全隐患\n\
\u{3000}数量指标\n\
\u{3000}\u{3000}维修校舍面积  ≥1.5万平方米\n\
效益指标\n\
\u{3000}可持续影响指标\n\
\u{3000}\u{3000}校舍使用年限  延长";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let rows = indicators(&t[0]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].1, "数量指标");
        assert_eq!(rows[1].3, "≥1.5万平方米");
        assert_eq!(t[0].rejects.len(), 2);
        assert_eq!(t[0].rejects[0].0, 5);
        assert!(t[0].rejects[1].2.contains("ends inside"));
    }

    #[test]
    fn bulleted_lists_with_name_and_value_after_a_colon() {
        let text = "项目名称：乡村道路养护\n一、产出指标\n  ● 数量指标\n    ◆ 养护里程：≥120公里\n    ◆ 修补坑槽：≥300处\n二、效益指标\n  ● 社会效益指标\n    ◆ 群众出行条件：明显改善\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let got = indicators(&t[0]);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].2, "养护里程");
        assert_eq!(got[0].3, "≥120公里");
        assert_eq!(got[2].1, "社会效益指标");
        assert_eq!(got[2].3, "明显改善");
    }

    #[test]
    fn no_framework_lines_no_table() {
        let text = "项目名称：某项目\n  完成率  100%\n  满意度  ≥90%\n";
        assert!(tables("t.txt", text).is_empty());
    }

    #[test]
    fn a_column_layout_is_not_read_here() {
        let text =
            "一级指标  二级指标  三级指标  指标值\n产出指标\n  数量指标\n    培训人次  ≥200人次\n";
        assert!(tables("t.txt", text).is_empty());
    }
}

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
const BULLETS: &[char] = &[
    '●', '◆', '■', '□', '▲', '►', '•', '○', '◇', '◎', '▪', '◦', '★', '☆', '▶', '△', '·', '-',
];

/// A line's list mark: its bullet, or `1` for an item numbered in Arabic
/// figures (`1.`, `2、`, `3．`, `(4)`), and the text after it.
fn mark(line: &str) -> Option<(char, &str)> {
    let t = line.trim_start();
    let first = t.chars().next()?;
    if BULLETS.contains(&first) {
        let rest = t.trim_start_matches(BULLETS);
        // A dash run (`--`, `-END-`) is no bullet; a bullet has text after it.
        let rest_ok = !rest.trim().is_empty() && !rest.trim_end().ends_with(BULLETS);
        return rest_ok.then_some((first, rest.trim_start()));
    }
    let inner = t.strip_prefix(['(', '（']).unwrap_or(t);
    let digits = inner.len() - inner.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = inner.get(digits..)?;
    let rest = if inner.len() == t.len() {
        rest.strip_prefix(['.', '、', '．'])?
    } else {
        rest.strip_prefix([')', '）'])?
    };
    if rest.trim().is_empty() {
        return None;
    }
    // `2.65岁以上…` is an item's mark or a number (`2.65`): only the count
    // of the items before it tells, see `item`.
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(('1', rest.trim_start()))
}

/// The number of a line numbered in Arabic figures (`2.`, `3、`), its text
/// after the mark: also where a figure follows the mark.
fn numbered(line: &str) -> Option<(u32, &str)> {
    let t = line.trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 2 {
        return None;
    }
    let n = t.get(..digits)?.parse().ok()?;
    let rest = t.get(digits..)?.strip_prefix(['.', '、', '．'])?;
    Some((n, rest))
}

/// Depths for a list written flush left, its hierarchy told by its marks
/// only (`◎产出指标` / `▲数量指标` / `1.名称：值`): each kind of mark, in the
/// order the text first uses it, stands one step further in. `None` where
/// any marked line is indented: the indentation tells the depth.
fn mark_ranks(lines: &[&str]) -> Option<Vec<char>> {
    let mut ranks = Vec::new();
    for l in lines {
        let Some((m, _)) = mark(l) else { continue };
        if indent(l) > 0 {
            return None;
        }
        if !ranks.contains(&m) {
            ranks.push(m);
        }
    }
    (ranks.len() >= 2).then_some(ranks)
}

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
fn item<'a>(raw: &'a str, ranks: Option<&[char]>, prev: Option<u32>) -> Option<Item<'a>> {
    // A figure after an item's mark is the item's text where the item
    // continues the count of the items before it (`1.…` then `2.65岁…`).
    let counted = || {
        let (k, rest) = numbered(raw)?;
        (prev.map(|p| p + 1) == Some(k) && indent(raw) == 0).then_some(('1', rest))
    };
    let marked = ranks.and_then(|r| {
        let (m, rest) = mark(raw).or_else(counted)?;
        let at = r.iter().position(|&k| k == m)?;
        Some((at + 1, rest))
    });
    // A list told by its marks, a line numbered with a figure after its
    // mark that continues no count: a number or an item, not certain.
    if ranks.is_some() && marked.is_none() && indent(raw) == 0 && numbered(raw).is_some() {
        return Some(Item::Unplaced(
            "a figure after the item's number that does not continue the count: an item's mark or part of a number, not certain",
        ));
    }
    let d = marked.map_or_else(|| indent(raw), |(d, _)| d);
    // A list's bullet (`●`, `◆`) marks the line, it is no part of it.
    let body = match marked {
        Some((_, rest)) => rest,
        None => raw.trim_start().trim_start_matches(BULLETS).trim_start(),
    };
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

/// A project named by a heading (`【项目一】某某工程`, `【项目2】…`): a
/// bracketed 项目 and its ordinal, the project's name after it.
fn heading_project(l: &str) -> Option<&str> {
    let (inner, rest) = l.strip_prefix('【')?.split_once('】')?;
    let ord = inner.strip_prefix("项目")?;
    let ordinal = !ord.is_empty()
        && ord
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    let name = rest.trim().trim_start_matches([':', '：']).trim();
    let plain = !name.is_empty() && name.chars().count() <= 40 && !name.contains(['。', '，', ',']);
    (ordinal && plain).then_some(name)
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
    let ranks = mark_ranks(&lines);
    let mut prev: Option<u32> = None;
    let mut sections: Vec<Section<'_>> = vec![Section::default()];
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        let in_block = sections.last().is_some_and(|s| !s.block.is_empty());
        let heading = heading_project(l);
        if (is_project_label(l) || heading.is_some()) && in_block {
            sections.push(Section::default());
        }
        if let Some(name) = heading
            && let Some(s) = sections.last_mut()
        {
            // The heading names the project the way a head's 项目名称 does.
            s.head
                .push(vec![Piece::new("项目名称", n), Piece::new(name, n)]);
            continue;
        }
        let it = item(raw, ranks.as_deref(), prev);
        if let Some((k, _)) = numbered(raw) {
            prev = Some(k);
        }
        if let Some(it) = it {
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
        .filter_map(|s| section_table(source, s, cut_line, ranks.as_deref()))
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
fn section_table(
    source: &str,
    s: &Section<'_>,
    cut_line: Option<usize>,
    ranks: Option<&[char]>,
) -> Option<TextTable> {
    let items: Vec<(usize, &str, Item<'_>)> = s
        .block
        .iter()
        .scan(None, |prev: &mut Option<u32>, (n, raw)| {
            let it = item(raw, ranks, *prev);
            if let Some((k, _)) = numbered(raw) {
                *prev = Some(k);
            }
            Some(it.map(|it| (*n, *raw, it)))
        })
        .flatten()
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
    fn flush_left_lists_told_by_their_marks_under_project_headings() {
        let text = "某区水务局发布\n\n【项目1】河道清淤整治\n\n资金规模：80万元\n\n★产出指标\n☆数量指标\n1、清淤河道长度：≥12公里\n2、3号泵站改造数量：2座\n☆质量指标\n3、工程验收合格率：100%\n★满意度指标\n☆服务对象满意度指标\n4、沿岸居民满意度：≥90%\n\n【项目2】农村饮水巡检\n\n★成本指标\n☆经济成本指标\n1、巡检单次成本：≤300元\n\n— 完 —\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let got = indicators(&t[0]);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(
            got[0],
            (
                "产出指标".into(),
                "数量指标".into(),
                "清淤河道长度".into(),
                "≥12公里".into()
            )
        );
        // The figure after `2、` is the name's: the item continues the count.
        assert_eq!(got[1].2, "3号泵站改造数量");
        assert_eq!(got[2].1, "质量指标");
        assert_eq!(got[3].0, "满意度指标");
        let got = indicators(&t[1]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "成本指标");
        assert_eq!(got[0].1, "经济成本指标");
        let project = |t: &TextTable| {
            let doc = read_grid(&t.grid).unwrap().doc;
            doc.projects().next().map(|(_, p)| p.name.clone())
        };
        assert_eq!(project(&t[0]).as_deref(), Some("河道清淤整治"));
        assert_eq!(project(&t[1]).as_deref(), Some("农村饮水巡检"));
    }

    #[test]
    fn an_article_of_bulleted_prose_is_no_table() {
        let text = "【项目一】社区活动回顾\n\n◎活动亮点\n▲志愿者人数\n1.参与志愿者：300人\n2.服务时长：1200小时\n▲群众反响\n3.满意度：很高\n";
        assert!(tables("t.txt", text).is_empty());
        // Near miss: a figure after the mark that does not continue the
        // count (`3.5万元…` after item 1) is a reject, not an item `5万元…`.
        let text = "◆产出指标\n■数量指标\n1.补助发放户数：≥40户\n3.5万元标准执行率：100%\n";
        let t = tables("t.txt", text);
        assert!(
            t.iter()
                .all(|t| indicators(t).iter().all(|i| i.2 != "5万元标准执行率"))
        );
        assert!(
            t.iter().any(|t| t.rejects.iter().any(|r| r.0 == 4)),
            "{t:?}"
        );
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

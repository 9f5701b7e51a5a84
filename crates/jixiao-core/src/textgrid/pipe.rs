//! `| a | b | c |` tables (Markdown-like, or an HTML table's text). The
//! flattening pads every row with empty cells to the table's width at the
//! end, so a row's missing cells cannot be told from its pipes: cells merged
//! into the rows above (a project's unit, a group's 一级) are missing at the
//! start, empty cells at the end. Each row is placed under the head by what
//! its cells hold ([`super::place`]).

use super::{Piece, TextTable, is_long_head, is_table_end, push};
use crate::grid::GridSource;
use crate::vocab;

/// Rows of a text's pipe lines: each line's cells, trimmed, without the
/// padding at its ends; a line without pipes is a row of one cell.
pub fn rows(text: &str) -> Vec<Vec<Piece>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let line = without_list_marker(line);
        let mut cells: Vec<Piece> = line.split('|').map(|p| Piece::new(p.trim(), n)).collect();
        // A Markdown separator row (`|---|:--:|`) holds no cells.
        let rule = |t: &str| t.contains('-') && t.chars().all(|c| matches!(c, '-' | ':' | ' '));
        if cells.iter().any(|c| rule(&c.text))
            && cells.iter().all(|c| c.text.is_empty() || rule(&c.text))
        {
            continue;
        }
        while cells.last().is_some_and(|c| c.text.is_empty()) {
            cells.pop();
        }
        let lead = cells.iter().take_while(|c| c.text.is_empty()).count();
        cells.drain(..lead);
        if !cells.is_empty() {
            out.push(cells);
        }
    }
    out
}

/// A line without pipes after its Markdown list or quote marker (`- 项目名称：X`,
/// `* 主管部门：Y`, `> 说明：…`): the marker is the page's typography, not
/// the line's text, and would hide a label from the readers. Only a marker
/// followed by a space: `-5%` or `>90%` is a value.
fn without_list_marker(line: &str) -> &str {
    if line.contains(['|', '｜']) {
        return line;
    }
    let t = line.trim_start();
    for m in ["- ", "* ", "+ ", "• ", "> "] {
        if let Some(rest) = t.strip_prefix(m) {
            return rest;
        }
    }
    line
}

/// Lines with two cells or more between pipes: the evidence for this layout.
pub fn pipe_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| l.split('|').filter(|p| !p.trim().is_empty()).count() >= 2)
        .count()
}

/// Rows above a head read as its key-value block, at most.
const HEAD_ROWS: usize = 40;

/// The long tables of a pipe text, one per head row.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    if pipe_lines(text) < 3 {
        return Vec::new();
    }
    let rows = rows(text);
    tables_of_rows(source, &rows, GridSource::PipeText, cut_line(text))
}

/// The last line of a text cut short inside a row (an excerpt): it does not
/// end with `|` as the table's rows do, and no line break follows it.
pub(crate) fn cut_line(text: &str) -> Option<usize> {
    if text.ends_with('\n') {
        return None;
    }
    let (n, last) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()?;
    (!last.trim_end().ends_with('|')).then_some(n + 1)
}

/// Tables from rows whose boundaries are known (pipe rows, ` |` cell lines).
pub(crate) fn tables_of_rows(
    source: &str,
    rows: &[Vec<Piece>],
    kind: GridSource,
    cut: Option<usize>,
) -> Vec<TextTable> {
    let rows = &merge_two_row_heads(rows);
    let heads: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let roles = super::roles(r);
            is_long_head(&roles) || super::is_wide_head(&roles)
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    let mut prev_end = 0;
    let mut h_idx = 0;
    // A table that ended at the next project's head block (`项目名称：X`)
    // lends its head to that project's rows when they print none: (head row,
    // first row of the project's table).
    let mut carry: Option<(usize, usize)> = None;
    let mut ended_at_head = false;
    let mut prev_roles = Vec::new();
    loop {
        let (h, at, body) = match carry.take() {
            Some((h, r)) => (h, r, r),
            None => {
                let Some(&h) = heads.get(h_idx) else { break };
                h_idx += 1;
                (h, h, h + 1)
            }
        };
        let Some(head) = rows.get(h) else { continue };
        let roles = super::roles(head);
        let next_head = heads
            .iter()
            .copied()
            .find(|&x| x > at)
            .unwrap_or(rows.len());
        // The same head again right after a table's rows (a new page): the
        // table goes on.
        let repeated = at == h && ended_at_head && prev_end == h && prev_roles == roles;
        prev_roles.clone_from(&roles);
        let continued = if repeated { out.pop() } else { None };
        let fresh = continued.is_none();
        let mut t = continued.unwrap_or_else(|| TextTable::new(source, kind));
        let from = at.saturating_sub(HEAD_ROWS).max(prev_end);
        // Labels and values one per line above a table of rows (a page
        // mixing flattenings) are grouped as a key-value head is.
        let mut singles: Vec<Piece> = Vec::new();
        let above = if fresh {
            rows.get(from..at).unwrap_or_default()
        } else {
            &[]
        };
        for r in above {
            if let [only] = r.as_slice() {
                singles.push(only.clone());
                continue;
            }
            for g in super::head_rows(&std::mem::take(&mut singles)) {
                push(&mut t.grid, 0, &g);
            }
            push(&mut t.grid, 0, r);
        }
        for g in super::head_rows(&singles) {
            push(&mut t.grid, 0, &g);
        }
        if fresh {
            push(&mut t.grid, 0, head);
        }
        // The head's trailing empty cells were dropped as padding: a row
        // wider than the head (a wide regional table's value per region)
        // is placed on columns past it, which no head names.
        let widest = rows
            .get(body..next_head)
            .unwrap_or_default()
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        let mut roles = roles.clone();
        if roles.len() < widest {
            roles.resize(widest, None);
        }
        let mut end = next_head;
        let mut next_project = false;
        for (j, r) in rows.iter().enumerate().take(next_head).skip(body) {
            let next_first = rows
                .get(j + 1)
                .and_then(|n| n.first())
                .map(|c| c.text.as_str());
            let sign_off = match r.as_slice() {
                [a] => super::is_sign_off(&a.text, next_first),
                [a, b] => super::is_sign_off(&a.text, Some(&b.text)),
                _ => false,
            };
            next_project = r.first().is_some_and(|c| super::is_project_label(&c.text));
            if sign_off || next_project || r.first().is_some_and(|c| is_table_end(&c.text)) {
                end = j;
                break;
            }
            if let [only] = r.as_slice()
                && super::is_page_furniture(&only.text)
            {
                continue;
            }
            if cut.is_some() && r.iter().any(|c| Some(c.line) == cut) {
                let text: Vec<&str> = r.iter().map(|c| c.text.as_str()).collect();
                t.rejects.push((
                    r.first().map_or(0, |c| c.line),
                    text.join(" | "),
                    "the text ends inside this row (an excerpt cut short)".into(),
                ));
                continue;
            }
            let cols = super::align(r, &roles);
            super::push_at(&mut t.grid, &cols, r);
        }
        prev_end = end;
        ended_at_head = end == next_head && next_head < rows.len();
        out.push(t);
        if next_project {
            let framework = |r: &Vec<Piece>| {
                r.first().is_some_and(|c| {
                    vocab::is_level_word(&c.text) || vocab::is_category_word(&c.text)
                })
            };
            carry = (end + 1..next_head)
                .find(|&r| rows.get(r).is_some_and(framework))
                .map(|r| (h, r));
        }
    }
    out
}

/// A head printed over two rows (a group head `绩效指标` spanning the
/// 一级/二级/三级 heads below it) as one row: the group head, and the empty
/// cells its span left beside it, replaced by the heads below.
fn merge_two_row_heads(rows: &[Vec<Piece>]) -> Vec<Vec<Piece>> {
    let roles = super::roles;
    let mut out: Vec<Vec<Piece>> = Vec::with_capacity(rows.len());
    let mut i = 0;
    while let Some(upper) = rows.get(i) {
        let merged = rows.get(i + 1).and_then(|lower| {
            let upper_roles = roles(upper);
            if is_long_head(&upper_roles) {
                return periods_below(upper, &upper_roles, lower);
            }
            let lower_roles = roles(lower);
            if lower_roles.iter().any(Option::is_none) {
                return None;
            }
            let group = upper_roles
                .iter()
                .position(|r| *r == Some(crate::ingest::excel::header::Role::Indicators))?;
            let span_end = (group + 1..=group + lower.len().saturating_sub(1))
                .take_while(|&k| upper.get(k).is_some_and(|c| c.text.is_empty()))
                .last()
                .map_or(group + 1, |k| k + 1);
            let mut head: Vec<Piece> = upper.get(..group).unwrap_or_default().to_vec();
            head.extend(lower.iter().cloned());
            head.extend(upper.get(span_end..).unwrap_or_default().iter().cloned());
            is_long_head(&roles(&head)).then_some(head)
        });
        match merged {
            Some(head) => {
                out.push(head);
                i += 2;
            }
            None => {
                out.push(upper.clone());
                i += 1;
            }
        }
    }
    out
}

/// Periods a value head is split into on the row below it.
pub(crate) const PERIODS: &[&str] = &[
    "年度",
    "当年",
    "全年",
    "全年(程)",
    "半年",
    "半年(程)",
    "实施周期",
    "长期",
    "中长期",
    "中期",
];

/// `指标值` over `年度 | 实施周期` below it: the value head spanning the
/// periods becomes one value head per period (`年度指标值`, `实施周期指标值`).
pub(crate) fn periods_below(
    upper: &[Piece],
    upper_roles: &[Option<crate::ingest::excel::header::Role>],
    lower: &[Piece],
) -> Option<Vec<Piece>> {
    use crate::ingest::excel::header::Role;
    if lower.len() < 2
        || !lower
            .iter()
            .all(|c| PERIODS.contains(&crate::vocab::key(&c.text).as_str()))
    {
        return None;
    }
    let vc = upper_roles
        .iter()
        .position(|r| matches!(r, Some(Role::Annual | Role::Cycle)))?;
    let value_head = upper.get(vc)?;
    // The empty cells the span left beside the value head.
    let span_end = (vc + 1..vc + lower.len())
        .take_while(|&k| upper.get(k).is_some_and(|c| c.text.is_empty()))
        .last()
        .map_or(vc + 1, |k| k + 1);
    let mut head: Vec<Piece> = upper.get(..vc).unwrap_or_default().to_vec();
    head.extend(
        lower
            .iter()
            .map(|p| Piece::new(format!("{}{}", p.text, value_head.text), p.line)),
    );
    head.extend(upper.get(span_end..).unwrap_or_default().iter().cloned());
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_two_level_table_reads_its_levels_by_content() {
        let text = "项目名称：农村公路养护\n\n\
            | 指标类别 | 指标名称 | 指标值 |\n\
            |---|---|---|\n\
            | 产出指标 | 养护里程 | ≥320公里 |\n\
            |  | 优良路率 | ≥80% |\n\
            | 效益指标 | 群众出行条件 | 持续改善 |\n";
        let t = tables("t.txt", text);
        let got: Vec<_> = t
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .map(|i| (i.level, i.category, i.name))
            .collect();
        let row = |l: &str, n: &str| (l.to_string(), String::new(), n.to_string());
        assert_eq!(
            got,
            [
                row("产出指标", "养护里程"),
                row("产出指标", "优良路率"),
                row("效益指标", "群众出行条件")
            ]
        );
    }

    #[test]
    fn regions_heading_value_columns_in_pipe_rows() {
        let text = "| 一级指标 | 二级指标 | 三级指标 | 城关镇 | 河口乡 |\n\
            |---|---|---|---|---|\n\
            | 产出指标 | 数量指标 | 改造户数 | ≥50户 | ≥30户 |\n\
            |  | 质量指标 | 验收合格率 | 100% | 100% |\n";
        let t = tables("t.txt", text);
        let doc = t
            .first()
            .map(|t| crate::ingest::excel::read_grid(&t.grid).unwrap().doc)
            .unwrap();
        let got: Vec<_> = doc
            .projects()
            .flat_map(|(u, p)| {
                p.indicators
                    .iter()
                    .map(move |i| (u.name.clone(), i.annual_value.clone()))
            })
            .collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[1], ("城关镇".to_string(), Some("100%".to_string())));
        assert_eq!(got[2], ("河口乡".to_string(), Some("≥30户".to_string())));
    }

    #[test]
    fn rows_without_outer_bars_and_period_target_heads() {
        let text = "项目名称 | 乡村道路养护 | 主管部门 | 某县交通局\n\
一级指标 | 二级指标 | 三级指标 | 实施期目标 | 年度目标 | 备注\n\
产出指标 | 数量指标 | 养护里程 | ≥900公里 | ≥300公里 | 按计划\n\
 |  | 桥梁检查座数 | ≥60座 | ≥20座 | \n\
效益指标 | 社会效益指标 | 通行条件 | 持续改善 | 有所改善 | \n";
        let t = tables("t.txt", text);
        let got: Vec<_> = t
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .map(|i| (i.category, i.name, i.cycle_value, i.annual_value))
            .collect();
        let row = |c: &str, n: &str, y: &str, a: &str| {
            (
                c.to_string(),
                n.to_string(),
                Some(y.to_string()),
                Some(a.to_string()),
            )
        };
        assert_eq!(
            got,
            [
                row("数量指标", "养护里程", "≥900公里", "≥300公里"),
                row("数量指标", "桥梁检查座数", "≥60座", "≥20座"),
                row("社会效益指标", "通行条件", "持续改善", "有所改善"),
            ]
        );
        // A goal's column left of the indicators makes no value column:
        // without an 指标值 head the table has no values to read.
        let text = "项目名称 | 年度目标 | 一级指标 | 三级指标 | 备注\n\
乡村道路养护 | 完成养护 | 产出指标 | 养护里程 | 按计划\n\
 |  | 产出指标 | 桥梁检查 | 每季度\n\
 |  | 效益指标 | 通行条件 | 改善\n";
        let t = tables("t.txt", text);
        assert!(
            t.iter()
                .flat_map(crate::textgrid::read_indicators)
                .next()
                .is_none()
        );
    }

    #[test]
    fn separator_rows_and_sign_offs_are_not_rows() {
        let text = "项目名称：农村公路养护\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
|---|:---:|---|---|\n\
| 产出指标 | 数量指标 | 养护里程 | ≥120公里 |\n\
| 某县交通运输局 |\n\
| 2023年3月1日 |\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.text(2, 2), "养护里程");
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        assert_eq!(doc.indicator_count(), 1);
    }

    #[test]
    fn a_head_repeated_on_a_new_page_continues_the_table() {
        let text = "项目名称：甲项目\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 检查批次 | ≥4000批次 |\n\
— 1 —\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 效益指标 | 社会效益指标 | 抽检合格率 | ≥98% |\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.indicators.len(), 2);
    }

    #[test]
    fn projects_one_after_another_share_the_first_head() {
        let text = "项目名称：甲项目\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 检查批次 | ≥4000批次 |\n\
项目名称：乙项目\n\
| 产出指标 | 数量指标 | 检查家次 | ≥600家次 |\n\
| 满意度指标 | 服务对象满意度指标 | 满意度 | ≥90% |\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let names: Vec<(String, usize)> = t
            .iter()
            .map(|t| {
                let doc = crate::ingest::excel::read_grid(&t.grid).unwrap().doc;
                let (_, p) = doc.projects().next().unwrap();
                (p.name.clone(), p.indicators.len())
            })
            .collect();
        assert_eq!(
            names,
            [("甲项目".to_string(), 1), ("乙项目".to_string(), 2)]
        );
    }

    #[test]
    fn a_head_over_two_rows_is_one_head() {
        let text = "| 项目名称 | 金额 | 绩效指标 | | | 指标值 |\n\
| 一级指标 | 二级指标 | 三级指标 | |\n\
| 档案数字化 | 10.00 | 产出指标 | 数量指标 | 数字化档案 | 1万卷 |\n\
| 质量指标 | 合格率 | 100% | |||\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(0, 2), "一级指标");
        assert_eq!(g.text(0, 5), "指标值");
        assert_eq!(g.text(2, 3), "质量指标");
        assert_eq!(g.text(2, 5), "100%");
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        assert_eq!(doc.indicator_count(), 2);
    }

    #[test]
    fn labels_and_values_one_per_line_above_a_pipe_table() {
        let text = "项目名称\n教育系统基础设施建设和设备购置\n主管部门\n及编码\n[015001]武汉市青山区教育局\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 重点建设工程安排数量 | 2 |\n\
| 质量指标 | 验收合格率 | 100% | |\n";
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        assert_eq!(doc.department.as_deref(), Some("武汉市青山区教育局"));
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "教育系统基础设施建设和设备购置");
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(p.indicators[1].category, "质量指标");
        assert_eq!(p.indicators[1].annual_value.as_deref(), Some("100%"));
        assert_eq!(p.indicators[1].pos, crate::model::Position::Line(8));
    }

    #[test]
    fn labels_in_a_markdown_list_above_a_pipe_table() {
        let text = "# 绩效目标申报表\n\n* 项目名称：乡村道路养护补助\n- 主管部门：某县交通运输局\n\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 养护里程 | -5% |\n\
| 效益指标 | 社会效益指标 | 通行时间 | > 90% |\n\
\n> 注：本表由项目单位填报。\n";
        let r = rows(text);
        assert_eq!(r[1][0].text, "项目名称：乡村道路养护补助");
        assert_eq!(r[2][0].text, "主管部门：某县交通运输局");
        // A value inside a pipe row keeps its sign.
        assert_eq!(r[5][3].text, "> 90%");
        assert_eq!(r[6][0].text, "注：本表由项目单位填报。");
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "乡村道路养护补助");
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("-5%"));
        // A pipe-less line that is a value keeps its sign.
        assert_eq!(without_list_marker("-5%"), "-5%");
        assert_eq!(without_list_marker(">90%"), ">90%");
    }

    #[test]
    fn several_labels_and_values_in_one_line_above_a_pipe_table() {
        let text = "项目名称：特种设备安全监管经费\n\
主管部门：某区市场监督管理局 实施单位：某区特种设备安全监察所\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 检查家次 | ≥600家次 |\n\
| 质量指标 | 隐患整改率 | 100% | |\n";
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        assert_eq!(doc.department.as_deref(), Some("某区市场监督管理局"));
        assert_eq!(doc.units[0].name, "某区特种设备安全监察所");
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "特种设备安全监管经费");
    }

    #[test]
    fn a_value_head_split_into_periods_below_it() {
        let text = "| 项目名称 | 档案数字化 |\n\
| 一级指标 | 二级指标 | 三级指标 | 指标值 | |\n\
| 年度 | 实施周期 | |||\n\
| 产出指标 | 数量指标 | 数字化档案 | 1万卷 | 3万卷 |\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 3), "年度指标值");
        assert_eq!(g.text(1, 4), "实施周期指标值");
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.indicators.len(), 1);
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("1万卷"));
        assert_eq!(p.indicators[0].cycle_value.as_deref(), Some("3万卷"));
    }

    #[test]
    fn the_seeds_wide_table_as_pipes() {
        let text = "| 部门名称：广州市来穗人员服务管理局 | 单位：万元 |\n\
| 项目名称（资金使用单位） | 总计 | 财政拨款 | 财政专户拨款 | 其他资金 | 绩效目标 | 绩效指标 |\n\
| 合计 | 49.00 | 49.00 | | | | |\n\
| 广州市来穗人员服务管理局 | 49.00 | 49.00 | | | | |\n\
| 专项工作经费 | 42.00 | 42.00 | | | 做好理论研究工作。 | 1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；年度指标值:100%。 |\n\
| 业务用房物业管理费 | 7.00 | 7.00 | | | 提供后勤保障。 | 1、3-满意度指标；31-服务对象满意度；评价满意度；实施周期指标值:≥90%；年度指标值:≥90%。 |\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        assert_eq!(
            g.text(4, 6),
            "1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；年度指标值:100%。"
        );
        assert_eq!(g.text(4, 2), "42.00");
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        assert_eq!(doc.indicator_count(), 2, "{:#?}", doc);
    }

    #[test]
    fn rows_shifted_left_are_placed_under_their_heads() {
        let text = "| 部门预算项目绩效目标申报表(2023年度) | ||||||\n\
| 单位名称 | 项目名称 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | |\n\
| 820001-某镇人民政府 | 村组干部报酬 | 效益指标 | 社会效益指标 | 维护社会稳定 | ≥ | 95 | % | |\n\
| 产出指标 | 时效指标 | 维持时效 | ≥ | 1 | 年 | |||\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        assert_eq!(g.rows.len(), 4);
        // The continuation row starts under 一级指标 (column 2).
        let last = &g.rows[3];
        assert_eq!(last.cells[0].col, 2);
        assert_eq!(last.cells[0].text, "产出指标");
        assert_eq!(last.cells[0].pos, crate::model::Position::Line(4));
        assert_eq!(g.text(3, 6), "1");
    }

    #[test]
    fn several_numbered_indicators_a_row_are_one_a_row() {
        // Two pairs a row, Chinese numerals, the second pair padded empty.
        let text = "| 项目名称 | 农村公路养护 | | | | |\n\
| 一级指标 | 二级指标 | 指标一 | 指标值 | 指标二 | 指标值 |\n\
| 产出指标 | 数量指标 | 养护里程 | ≥120公里 | 修补坑槽 | ≥300平方米 |\n\
| | 时效指标 | 完工时间 | 2023年10月前 | | |\n\
| 满意度指标 | 服务对象满意度指标 | 沿线群众满意度 | ≥90% | | |\n";
        let t = tables("t.txt", text);
        let inds = crate::textgrid::read_indicators(&t[0]);
        let got: Vec<(&str, &str, &str)> = crate::textgrid::category_name_value(&inds);
        assert_eq!(
            got,
            [
                ("数量指标", "养护里程", "≥120公里"),
                ("数量指标", "修补坑槽", "≥300平方米"),
                ("时效指标", "完工时间", "2023年10月前"),
                ("服务对象满意度指标", "沿线群众满意度", "≥90%"),
            ]
        );
        assert_eq!(inds[1].pos, crate::model::Position::Line(3));
        // A self-evaluation's pairs (指标1 | 实际值) are results: not read.
        let eval = "| 一级指标 | 二级指标 | 指标1 | 实际值 | 指标2 | 实际值 |\n\
| 产出指标 | 数量指标 | 养护里程 | 125公里 | 修补坑槽 | 310平方米 |\n\
| | 时效指标 | 完工时间 | 2023年9月 | | |\n\
| 满意度指标 | 服务对象满意度指标 | 沿线群众满意度 | 93% | | |\n";
        let inds: Vec<_> = tables("t.txt", eval)
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .collect();
        assert!(inds.is_empty(), "{inds:?}");
    }
}

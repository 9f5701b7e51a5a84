//! Tables whose rows and cells are separated by other characters than a
//! line break and `|`, found from the text itself:
//! - rows separated by `|` (or `;`) on one line, cells by tabs: a page that
//!   joined each row's cells with tabs and the rows with bars;
//! - rows not separated at all: every cell `|`- (or tab-) separated on one
//!   line, the row breaks lost. The table's head gives the row's width, and
//!   cells merged into the rows above were kept as empty cells, so the cells
//!   after the head fall into rows of that width;
//! - cells separated by the full-width bar `｜`, read as `|`.
//!
//! The rows found go through the same grid path as pipe rows
//! ([`super::pipe::tables_of_rows`]). Only a text whose shape asks for it is
//! read so: a head found as one row of the other interpretation, and rows run
//! together (more rows than lines); a text of usual rows gives nothing here.

use super::{Piece, TextTable, is_long_head, role};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;

/// Characters that may separate rows on one line.
const ROW_SEPARATORS: [char; 3] = ['|', ';', '；'];

/// Characters that may separate cells.
const CELL_SEPARATORS: [char; 2] = ['\t', '|'];

/// Rows (of two cells or more) after a head, at least, for a text to be read.
const MIN_ROWS: usize = 2;

/// The tables of a text whose separators are not the usual ones.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    // `｜` for `|`, char for char: lines and cells stay where they were.
    let bars;
    let text = if text.contains('｜') && super::pipe::pipe_lines(text) < 3 {
        bars = text.replace('｜', "|");
        if super::pipe::pipe_lines(&bars) >= 3 {
            let t = super::pipe::tables(source, &bars);
            if !t.is_empty() {
                return t;
            }
        }
        bars.as_str()
    } else {
        text
    };
    for r in ROW_SEPARATORS {
        for c in CELL_SEPARATORS.iter().copied().filter(|&c| c != r) {
            if let Some(rows) = rows_by_char(text, r, c) {
                let t = super::pipe::tables_of_rows(source, &rows, GridSource::PipeText, None);
                if !t.is_empty() {
                    return t;
                }
            }
        }
    }
    for c in CELL_SEPARATORS {
        if let Some((rows, rejects)) = rows_by_head(text, c) {
            let mut t = super::pipe::tables_of_rows(source, &rows, GridSource::PipeText, None);
            if let Some(last) = t.last_mut() {
                last.rejects.extend(rejects);
                return t;
            }
        }
    }
    Vec::new()
}

fn cells_of(s: &str, cell: char, line: usize) -> Vec<Piece> {
    s.split(cell).map(|p| Piece::new(p.trim(), line)).collect()
}

fn roles_of(cells: &[Piece]) -> Vec<Option<Role>> {
    super::roles(cells)
}

/// A row of cells that is a long table's head: three heads at least, each
/// cell a head.
fn is_head_row(cells: &[Piece]) -> bool {
    let roles = roles_of(cells);
    roles.iter().flatten().count() >= 3
        && cells
            .iter()
            .zip(&roles)
            .all(|(c, r)| r.is_some() || c.text.is_empty())
        && is_long_head(&roles)
}

/// Rows separated by `row` within lines (and by line breaks), cells by
/// `cell`: when one such row is a long head, and the rows after it run
/// together on their lines (twice as many rows as lines at least), most of
/// them of two cells or more. Empty cells are kept: they hold their
/// columns (a group's merged 一级); rows are padded to the head's width.
fn rows_by_char(text: &str, row: char, cell: char) -> Option<Vec<Vec<Piece>>> {
    if !text.contains(row) || !text.contains(cell) {
        return None;
    }
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    // The head's row and its width, and the lines of the rows after it.
    let mut head: Option<(usize, usize)> = None;
    let mut body_lines = std::collections::BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        for seg in line.split(row) {
            if seg.trim().is_empty() {
                continue;
            }
            let mut cells = cells_of(seg, cell, i + 1);
            while cells.last().is_some_and(|c| c.text.is_empty()) {
                cells.pop();
            }
            if head.is_none() && is_head_row(&cells) {
                head = Some((rows.len(), cells.len()));
            } else if head.is_some() {
                body_lines.insert(i);
            }
            rows.push(cells);
        }
    }
    let (h, width) = head?;
    let body = rows.get(h + 1..).unwrap_or_default();
    let split = body.iter().filter(|r| r.len() >= 2).count();
    if split < MIN_ROWS || split * 3 < body.len() * 2 || body.len() < body_lines.len() * 2 {
        return None;
    }
    for r in rows.iter_mut().skip(h + 1) {
        let line = r.first().map_or(0, |c| c.line);
        // Only rows of the table's shape keep their leading empty cells: a
        // shorter one (a note) is a row of its own.
        if r.len() >= 2 {
            while r.len() < width {
                r.push(Piece::new("", line));
            }
        } else {
            r.retain(|c| !c.text.is_empty());
        }
    }
    rows.retain(|r| !r.is_empty());
    Some(rows)
}

/// (line, text, reason) of cells that could not be put into rows.
type Rejects = Vec<(usize, String, String)>;

/// Rows of lines whose row breaks were lost: a line holding a head's cells
/// and, after them, cells enough for two rows or more of the head's width.
/// Cells before a head are a key-value block, one cell a row (grouped by
/// their labels later); cells after it are cut into rows of its width for as
/// long as each cell fits its column (see [`super::fit`]). A cell that does
/// not, or a last row cut short, ends the table there: the rest is a reject,
/// never a guess at where rows break.
fn rows_by_head(text: &str, cell: char) -> Option<(Vec<Vec<Piece>>, Rejects)> {
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut rejects = Vec::new();
    let mut found = false;
    for (i, cells) in streams(text, cell) {
        let mut at = 0;
        let mut read = false;
        while let Some((h0, h1, head)) = head_in(&cells, at) {
            let width = head.len();
            let roles = roles_of(&head);
            let after = cells.get(h1..).unwrap_or_default();
            let full = after
                .chunks(width)
                .take_while(|r| r.len() == width && fits_row(r, &roles))
                .count();
            if full < MIN_ROWS {
                break;
            }
            read = true;
            for c in cells.get(at..h0).unwrap_or_default() {
                if !c.text.is_empty() {
                    rows.push(vec![c.clone()]);
                }
            }
            rows.push(head);
            at = h1;
            while let Some(r) = cells.get(at..at + width) {
                let first = r.iter().find(|c| !c.text.is_empty());
                let ends = first.is_some_and(|c| {
                    super::is_table_end(&c.text) || super::is_project_label(&c.text)
                });
                if ends || !fits_row(r, &roles) {
                    break;
                }
                rows.push(r.to_vec());
                at += width;
            }
            // What the rhythm did not take: a next table's block and head,
            // a table's end, or cells out of step.
            let rest = cells.get(at..).unwrap_or_default();
            let next = head_in(&cells, at).map_or(cells.len(), |(h, _, _)| h);
            let ended = rest
                .iter()
                .find(|c| !c.text.is_empty())
                .is_some_and(|c| super::is_table_end(&c.text) || super::is_project_label(&c.text));
            if !ended && next > at {
                let stray: Vec<&str> = cells
                    .get(at..next)
                    .unwrap_or_default()
                    .iter()
                    .map(|c| c.text.as_str())
                    .filter(|t| !t.is_empty())
                    .collect();
                if !stray.is_empty() {
                    rejects.push((
                        rest.first().map_or(i + 1, |c| c.line),
                        stray.join(" | "),
                        format!(
                            "cells on one line with no row breaks stop keeping the head's rhythm of {width} cells a row here: where the rows break is not certain"
                        ),
                    ));
                }
                at = next;
            }
        }
        if read {
            found = true;
            for c in cells.get(at..).unwrap_or_default() {
                if !c.text.is_empty() {
                    rows.push(vec![c.clone()]);
                }
            }
        } else {
            // A line of the usual kind: a row of its own.
            let kept: Vec<Piece> = cells.into_iter().filter(|c| !c.text.is_empty()).collect();
            if !kept.is_empty() {
                rows.push(kept);
            }
        }
    }
    found.then_some((rows, rejects))
}

/// Whether a run of cells is a row of the head's columns, cell by cell,
/// where nothing but the head's width says where rows break: 一级 and 二级
/// empty (merged above) or the framework's words, a name that is neither
/// those nor a value, no column head anywhere, nothing certainly out of
/// place (see [`super::fit`]).
fn fits_row(r: &[Piece], roles: &[Option<Role>]) -> bool {
    let framework = |t: &str| crate::vocab::is_level_word(t) || crate::vocab::is_category_word(t);
    let named = roles
        .iter()
        .position(|x| *x == Some(Role::Name))
        .or_else(|| roles.iter().position(|x| *x == Some(Role::Indicators)));
    r.iter().zip(roles).enumerate().all(|(k, (c, &column))| {
        let t = c.text.as_str();
        if Some(k) == named {
            return !t.is_empty() && !framework(t) && !super::value_like(t) && role(t).is_none();
        }
        if t.is_empty() {
            return true;
        }
        match column {
            Some(Role::Level | Role::Category) => super::fit(column, t) > 0,
            _ => super::fit(column, t) > -3 && role(t).is_none(),
        }
    })
}

/// Each line's cells, with its index; a line that is a head alone (a
/// table's head row kept apart) is joined by the next line when that line
/// holds two rows of the head's width or more and no head: its rows are the
/// ones run together.
fn streams(text: &str, cell: char) -> Vec<(usize, Vec<Piece>)> {
    let mut out: Vec<(usize, Vec<Piece>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cells = cells_of(line, cell, i + 1);
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        if let Some((_, prev)) = out.last_mut()
            && let Some(width) = head_alone(prev)
            && cells.len() >= width * 2
            && head_in(&cells, 0).is_none()
        {
            while prev.last().is_some_and(|c| c.text.is_empty()) {
                prev.pop();
            }
            // A line opening with the separator (`| a | b`) has one empty
            // cell before its first; any other empty cell holds a column.
            let lead = usize::from(line.trim_start().starts_with(cell));
            prev.extend(cells.into_iter().skip(lead));
            continue;
        }
        out.push((i, cells));
    }
    out
}

/// The width of the head a line's cells end with, nothing after it.
fn head_alone(cells: &[Piece]) -> Option<usize> {
    let (_, h1, head) = head_in(cells, 0)?;
    cells
        .get(h1..)
        .unwrap_or_default()
        .iter()
        .all(|c| c.text.is_empty())
        .then_some(head.len())
}

/// The next head in a line's cells from `from`: a run of head cells making a
/// long head (`一级指标 | 二级指标 | 三级指标 | 指标值`), with a value head
/// spanning its periods (`指标值 | 年度 | 实施周期`) made one head per period.
/// (first cell, cell after the head, the head's cells).
fn head_in(cells: &[Piece], from: usize) -> Option<(usize, usize, Vec<Piece>)> {
    let mut i = from;
    while i < cells.len() {
        let mut j = i;
        while cells.get(j).is_some_and(|c| role(&c.text).is_some()) {
            j += 1;
        }
        let run = cells.get(i..j).unwrap_or_default();
        if run.len() >= 3 && is_long_head(&roles_of(run)) {
            let periods = cells
                .iter()
                .skip(j)
                .take_while(|c| super::pipe::PERIODS.contains(&crate::vocab::key(&c.text).as_str()))
                .count();
            let split = (periods >= 2)
                .then(|| {
                    super::pipe::periods_below(
                        run,
                        &roles_of(run),
                        cells.get(j..j + periods).unwrap_or_default(),
                    )
                })
                .flatten();
            return Some(match split {
                Some(head) => (i, j + periods, head),
                None => (i, j, run.to_vec()),
            });
        }
        i = j.max(i + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<crate::model::Indicator> {
        tables("t.txt", text)
            .iter()
            .flat_map(super::super::read_indicators)
            .collect()
    }

    fn project(text: &str) -> Option<String> {
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t.first()?.grid).ok()?.doc;
        doc.projects().next().map(|(_, p)| p.name.clone())
    }

    #[test]
    fn rows_between_bars_and_cells_between_tabs() {
        // Another province's words, a 权重 column, 实施期 before 年度.
        let text = "某县项目绩效目标申报表|项目名称\t农村饮水安全巩固提升\t主管部门\t某县水务局|\
一级指标\t二级指标\t三级指标\t实施期指标值\t年度指标值\t权重|\
产出指标\t数量指标\t新建集中供水工程\t12处\t≥4处\t10|\
\t\t改造供水管网\t≥60公里\t≥20公里\t10|\
\t质量指标\t水质达标率\t≥95%\t≥95%\t10|\
效益指标\t社会效益指标\t受益人口\t≥3万人\t≥1万人\t20|\n\
联系人：王某\t电话：0000-1234567\n";
        let inds = read(text);
        assert_eq!(inds.len(), 4, "{inds:?}");
        assert_eq!(inds[1].level, "产出指标");
        assert_eq!(inds[1].category, "数量指标");
        assert_eq!(inds[1].name, "改造供水管网");
        assert_eq!(inds[1].annual_value.as_deref(), Some("≥20公里"));
        assert_eq!(inds[1].cycle_value.as_deref(), Some("≥60公里"));
        assert_eq!(inds[2].category, "质量指标");
        assert_eq!(inds[3].name, "受益人口");
        assert_eq!(project(text).as_deref(), Some("农村饮水安全巩固提升"));
    }

    #[test]
    fn rows_run_together_cut_by_the_heads_width() {
        // Five columns (a 备注 column), two merged cells kept empty.
        let text = "项目名称|城区道路照明维护|主管部门|某区城市管理局|资金总额（万元）|40.00|\
一级指标|二级指标|三级指标|指标值|备注|\
产出指标|数量指标|维护路灯数量|≥3200盏||||更换灯具|≥300套||\
|质量指标|亮灯率|≥98%||满意度指标|服务对象满意度指标|市民满意度|≥90%|抽样|\n";
        let inds = read(text);
        assert_eq!(inds.len(), 4, "{inds:?}");
        assert_eq!(inds[1].name, "更换灯具");
        assert_eq!(inds[1].category, "数量指标");
        assert_eq!(inds[2].level, "产出指标");
        assert_eq!(inds[2].category, "质量指标");
        assert_eq!(inds[2].annual_value.as_deref(), Some("≥98%"));
        assert_eq!(inds[3].level, "满意度指标");
        assert_eq!(project(text).as_deref(), Some("城区道路照明维护"));
    }

    #[test]
    fn a_row_out_of_step_ends_the_table_with_a_reject() {
        // A cell lost: the rows after it would be shifted. Read up to it.
        let text = "一级指标|二级指标|三级指标|指标值|\
产出指标|数量指标|培训人次|≥500人次|\
||发放教材|≥500册|\
|质量指标|≥90%|效益指标|社会效益指标|就业率|≥80%|\n";
        let t = tables("t.txt", text);
        let inds: Vec<_> = t.iter().flat_map(super::super::read_indicators).collect();
        assert_eq!(inds.len(), 2, "{inds:?}");
        let rejects: Vec<_> = t.iter().flat_map(|t| &t.rejects).collect();
        assert_eq!(rejects.len(), 1);
        assert!(rejects[0].1.contains("就业率"));
    }

    #[test]
    fn two_projects_run_together_on_one_line() {
        let text = "项目名称|甲乡村道路养护|一级指标|二级指标|三级指标|指标值|\
产出指标|数量指标|养护里程|≥80公里|||修补路面|≥500平方米|\
项目名称|乙农村供水维修|一级指标|二级指标|三级指标|指标值|\
产出指标|质量指标|维修合格率|100%|效益指标|社会效益指标|受益人口|≥2000人|\n";
        let t = tables("t.txt", text);
        let got: Vec<(String, usize)> = t
            .iter()
            .filter_map(|t| crate::ingest::excel::read_grid(&t.grid).ok())
            .flat_map(|r| r.doc.units)
            .flat_map(|u| u.projects)
            .map(|p| (p.name, p.indicators.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("甲乡村道路养护".to_string(), 2),
                ("乙农村供水维修".to_string(), 2)
            ]
        );
    }

    #[test]
    fn a_head_line_then_its_rows_run_together_on_the_next() {
        let text = "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 资助学生人数 | ≥1200人 | | | 资助标准 | 2000元/人·年 | | 时效指标 | 资金发放时间 | 2024年11月前 |\n";
        // Rows on the next line opening with a merged (empty) 一级: kept.
        let merged = "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| | 数量指标 | 资助学生人数 | ≥1200人 | | 时效指标 | 资金发放时间 | 2024年11月前 |\n";
        let t = tables("t.txt", merged);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 1), "数量指标");
        assert_eq!(g.text(2, 1), "时效指标");
        assert_eq!(g.text(2, 3), "2024年11月前");
        let inds = read(text);
        assert_eq!(inds.len(), 3, "{inds:?}");
        assert_eq!(inds[1].name, "资助标准");
        assert_eq!(inds[2].category, "时效指标");
        assert_eq!(inds[2].pos, crate::model::Position::Line(2));
    }

    #[test]
    fn full_width_bars_are_bars() {
        let text = "｜一级指标｜二级指标｜三级指标｜指标值｜\n\
｜产出指标｜数量指标｜巡查河道｜≥100公里｜\n\
｜｜时效指标｜问题整改时限｜≤7天｜\n";
        let inds = read(text);
        assert_eq!(inds.len(), 2, "{inds:?}");
        assert_eq!(inds[1].category, "时效指标");
    }

    #[test]
    fn usual_texts_and_prose_are_not_read_here() {
        // Usual pipe rows: the pipe reader's.
        let usual = "| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n\
| 产出指标 | 数量指标 | 检查批次 | ≥400批次 |\n\
| 效益指标 | 社会效益指标 | 合格率 | ≥98% |\n";
        assert!(tables("t.txt", usual).is_empty());
        // Prose on one line with a few bars.
        let prose = "本项目一级指标|二级指标|三级指标均按要求设置，指标值|合理，详见附表。\n";
        assert!(tables("t.txt", prose).is_empty());
        // Tab rows on their own lines: the delimited reader's.
        let tabs = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t检查批次\t≥400批次\n";
        assert!(tables("t.txt", tabs).is_empty());
        // A head and a single row on one line: no rhythm to trust.
        let one = "一级指标|二级指标|三级指标|指标值|产出指标|数量指标|检查批次|≥400批次|\n";
        assert!(tables("t.txt", one).is_empty());
    }
}

//! One cell per line: an HTML table's text where every cell is a line.
//!
//! Two flattenings:
//! - bar-ended (` |` after each cell): a row ends with a run of `|`-only
//!   lines, the last of which closes the row and the one before it pads the
//!   row (`||||`); `|` lines before those are the row's empty cells. Rows are
//!   then known and placed under the head like pipe rows.
//! - blank-line separated: cells are lines between blank lines; a line of
//!   spaces is an empty cell. Row ends are lost: rows are rebuilt from the
//!   head, a row starting under 一级, 二级 or 三级 by what its first cell is
//!   (cells merged into the rows above are missing from its start).

use super::{Piece, TextTable, head_rows, is_table_end, push, role};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;
use crate::vocab;

/// Lines that are one cell ending ` |`.
fn bar_cell_lines(text: &str) -> usize {
    text.lines()
        .filter(|l| {
            let t = l.trim_end();
            t.ends_with('|') && t.split('|').filter(|p| !p.trim().is_empty()).count() == 1
        })
        .count()
}

fn is_bar_only(l: &str) -> bool {
    let t = l.trim();
    !t.is_empty() && t.chars().all(|c| c == '|')
}

/// Rows of a bar-ended text.
pub fn bar_rows(text: &str) -> Vec<Vec<Piece>> {
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut row: Vec<Piece> = Vec::new();
    // `|`-only lines since the last cell.
    let mut run: Vec<usize> = Vec::new();
    // Whether the last `|`-only line was a padding line of several bars.
    let mut padded = false;
    let close = |row: &mut Vec<Piece>, run: &mut Vec<usize>, rows: &mut Vec<Vec<Piece>>| {
        // The last two lines of the run pad and close the row; any before
        // them are its trailing empty cells.
        let empties = run.len().saturating_sub(2);
        for &l in run.iter().take(empties) {
            row.push(Piece::new("", l));
        }
        run.clear();
        if row.iter().any(|c| !c.text.is_empty()) {
            rows.push(std::mem::take(row));
        }
        row.clear();
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        if is_bar_only(line) {
            run.push(n);
            padded = line.trim().len() > 1;
            continue;
        }
        match run.len() {
            0 => {}
            // A padding line alone (`||||`) both pads and closes the row.
            1 if padded => close(&mut row, &mut run, &mut rows),
            1 if !row.is_empty() => {
                // One `|` between cells: an empty cell.
                row.push(Piece::new("", run.first().copied().unwrap_or(n)));
                run.clear();
            }
            _ => close(&mut row, &mut run, &mut rows),
        }
        let t = line.trim_end();
        if let Some(cell) = t.strip_suffix('|') {
            for p in cell.split('|') {
                row.push(Piece::new(p.trim(), n));
            }
        } else {
            // A line that is not a cell (a title, a footer) is a row of its own.
            close(&mut row, &mut run, &mut rows);
            rows.push(vec![Piece::new(t.trim(), n)]);
        }
    }
    close(&mut row, &mut run, &mut rows);
    rows
}

/// One cell per line with a `|` line after each cell (`|` twice: an empty
/// cell between), and no row ends: the same text with blank lines for the
/// bars (a space line for an empty cell), line for line, so that rows are
/// rebuilt from the head as for blank-line separated cells.
fn bars_as_blanks(text: &str) -> Option<String> {
    let bar = |l: &str| l.trim() == "|";
    let bars = text.lines().filter(|l| bar(l)).count();
    let cells = text
        .lines()
        .filter(|l| !bar(l) && !l.trim().is_empty() && !l.trim_end().ends_with('|'))
        .count();
    if bars < 10 || bars * 2 < cells || bar_cell_lines(text) * 4 > bars {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut prev_bar = false;
    for line in text.lines() {
        if bar(line) {
            out.push_str(if prev_bar { " " } else { "" });
            prev_bar = true;
        } else {
            out.push_str(line);
            prev_bar = false;
        }
        out.push('\n');
    }
    Some(out)
}

/// The non-empty lines of a text as cells, each with whether a blank line
/// follows it (the mark of this flattening).
pub fn blank_cells(text: &str) -> Vec<(Piece, bool)> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let followed = lines.get(i + 1).is_none_or(|n| n.is_empty());
            (Piece::new(l.trim(), i + 1), followed)
        })
        .collect()
}

/// Cells looked at from a head on to tell whether the table is laid out
/// one cell per line between blank lines (a page's other text may not be).
const LAYOUT_WINDOW: usize = 60;

/// Whether the cells from `from` on are blank-line separated: most are
/// followed by a blank line.
fn blank_separated(cells: &[(Piece, bool)], from: usize) -> bool {
    let window = cells.get(from..).unwrap_or_default();
    let window = window
        .get(..LAYOUT_WINDOW.min(window.len()))
        .unwrap_or_default();
    let followed = window.iter().filter(|(_, f)| *f).count();
    window.len() >= 8 && followed * 10 >= window.len() * 7
}

/// Cells of a head run: consecutive cells naming columns that make a long head.
fn head_run(cells: &[Piece], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i < cells.len() {
        let mut j = i;
        while cells.get(j).is_some_and(|c| role(&c.text).is_some()) {
            j += 1;
        }
        if j - i >= 3 {
            let roles = super::roles(cells.get(i..j).unwrap_or_default());
            if super::is_long_head(&roles) {
                return Some((i, j));
            }
        }
        i = j.max(i + 1);
    }
    None
}

/// Cells read as a head's key-value block, at most.
const HEAD_CELLS: usize = 80;

/// Rows of a key-value block kept above a head, at most.
const HEAD_ROWS: usize = 40;

/// The long tables of a one-cell-per-line text.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    if let Some(blank) = bars_as_blanks(text) {
        return tables(source, &blank);
    }
    let bars = bar_cell_lines(text);
    if bars >= 5 && bars > super::pipe::pipe_lines(text) {
        let rows = bar_rows(text);
        let cut = super::pipe::cut_line(text);
        return super::pipe::tables_of_rows(source, &rows, GridSource::CellLines, cut);
    }
    let marked = blank_cells(text);
    let cells: Vec<Piece> = marked.iter().map(|(p, _)| p.clone()).collect();
    let mut out = Vec::new();
    let mut from = 0;
    let mut ended_at_head = false;
    let mut prev_roles: Vec<Option<Role>> = Vec::new();
    while let Some((h0, h1)) = head_run(&cells, from) {
        let bare = !blank_separated(&marked, h0) && bare_lines(&cells, h0, h1);
        if !blank_separated(&marked, h0) && !bare {
            from = h1;
            continue;
        }
        let head = cells.get(h0..h1).unwrap_or_default();
        // `指标值` followed by `年度` / `实施周期`: the periods it spans.
        let periods = cells
            .iter()
            .skip(h1)
            .take_while(|c| super::pipe::PERIODS.contains(&vocab::key(&c.text).as_str()))
            .count();
        let roles0: Vec<Option<Role>> = super::roles(head);
        let split = (periods >= 2)
            .then(|| {
                super::pipe::periods_below(
                    head,
                    &roles0,
                    cells.get(h1..h1 + periods).unwrap_or_default(),
                )
            })
            .flatten();
        let (head, h1) = match &split {
            Some(h) => (h.as_slice(), h1 + periods),
            None => (head, h1),
        };
        let roles: Vec<Option<Role>> = super::roles(head);
        let next = head_run(&cells, h1).map_or(cells.len(), |(a, _)| a);
        // (where the key-value block above ends, where the rows start): the
        // head's own table first, then each project whose head block (`项目名称`)
        // follows with rows but no head of its own.
        let mut at = (h0, h1);
        // The same head again right after a table's rows (a new page): the
        // table goes on.
        // A group label before the heads (绩效指标) may be printed on the first
        // page only.
        let columns = |r: &[Option<Role>]| -> Vec<Option<Role>> {
            r.iter()
                .copied()
                .filter(|x| *x != Some(Role::Indicators))
                .collect()
        };
        let repeated = ended_at_head && from == h0 && columns(&prev_roles) == columns(&roles);
        // Rows that go on are placed in the table's own columns.
        let roles = if repeated { prev_roles.clone() } else { roles };
        prev_roles.clone_from(&roles);
        let mut continued = if repeated { out.pop() } else { None };
        loop {
            let t = continued.take();
            let fresh = t.is_none();
            let mut t = t.unwrap_or_else(|| TextTable::new(source, GridSource::CellLines));
            if fresh {
                let above = cells
                    .get(at.0.saturating_sub(HEAD_CELLS).max(from)..at.0)
                    .unwrap_or_default();
                // The head finder looks at a bounded number of rows above a head.
                let rows = head_rows(above);
                for r in rows.iter().skip(rows.len().saturating_sub(HEAD_ROWS)) {
                    push(&mut t.grid, 0, r);
                }
                push(&mut t.grid, 0, head);
            }
            let mut body: Vec<Piece> = Vec::new();
            let mut end = next;
            let mut next_project = false;
            for (k, c) in cells.iter().enumerate().take(next).skip(at.1) {
                let next_text = cells.get(k + 1).map(|n| n.text.as_str());
                next_project = super::is_project_label(&c.text);
                if is_table_end(&c.text) || next_project || super::is_sign_off(&c.text, next_text) {
                    end = k;
                    break;
                }
                if !super::is_page_furniture(&c.text) {
                    body.push(c.clone());
                }
            }
            rebuild_rows(&mut t, &body, &roles, bare);
            ended_at_head = end == next && next < cells.len();
            out.push(t);
            from = end.max(at.1);
            let carried = next_project
                .then(|| {
                    (end + 1..next).find(|&k| cells.get(k).is_some_and(|c| framework_word(&c.text)))
                })
                .flatten();
            match carried {
                Some(k) => at = (k, k),
                None => break,
            }
        }
    }
    out
}

/// A level or category printed with its suffix (`数量指标`, `产出指标`):
/// where a row expects a name or a value, it starts the next row instead.
fn framework_word(t: &str) -> bool {
    let k = vocab::key(t);
    (k.ends_with("指标") || k.ends_with("目标"))
        && (vocab::is_level_word(&k) || vocab::is_category_word(&k))
}

/// Whether a table is laid out one cell per line with nothing between the
/// cells (plain `pdftotext`): its head's words stand one per line (four at
/// least), and so do the lines after it, which hold the framework's words.
fn bare_lines(cells: &[Piece], h0: usize, h1: usize) -> bool {
    let one_word = |c: &Piece| !c.text.trim().chars().any(char::is_whitespace);
    let head = cells.get(h0..h1).unwrap_or_default();
    let body = cells.get(h1..).unwrap_or_default();
    let body = body
        .get(..LAYOUT_WINDOW.min(body.len()))
        .unwrap_or_default();
    let single = body.iter().filter(|c| one_word(c)).count();
    head.len() >= 4
        && head.iter().all(one_word)
        && body.len() >= 8
        && single * 10 >= body.len() * 9
        && body.iter().any(|c| framework_word(&c.text))
}

/// Whether each cell of a row rebuilt without separators fits its column
/// (an operator under 指标性质, a number under 权重, a direction under
/// 指标方向): a row that took a cell of its neighbour, because an empty cell
/// left no line, does not.
fn fits_columns(row: &[Piece], start: usize, roles: &[Option<Role>]) -> bool {
    row.iter().enumerate().all(|(k, c)| {
        let r = roles.get(start + k).copied().flatten();
        let t = c.text.as_str();
        let fit = super::fit(r, t);
        match r {
            // Columns whose cells are of a known kind must hold one.
            Some(
                Role::Level
                | Role::Category
                | Role::Operator
                | Role::Nature
                | Role::Direction
                | Role::ValueKind
                | Role::Weight,
            ) => fit > 0,
            Some(Role::Measure) => {
                fit > 0
                    && vocab::direction(t).is_none()
                    && vocab::value_kind(t).is_none()
                    && !framework_word(t)
                    && !super::is_operator(t)
            }
            // A value: a number with its comparison and unit, a qualitative
            // target (`稳步提高`), or a short word (`优良`, `合格`); a longer
            // text is more likely the next row's name moved up.
            Some(Role::Annual | Role::Cycle | Role::HalfYear) => {
                super::value_like(t)
                    || vocab::parse_amount(t).is_ok_and(|d| d.is_some())
                    || vocab::QUALITATIVE_VALUES.iter().any(|w| t.ends_with(w))
                    || (t.chars().count() <= 4 && !framework_word(t))
            }
            // A name is no value: a row shifted by a wrapped or missing cell.
            Some(Role::Name | Role::Indicators) => fit > -2 && !super::value_like(t),
            _ => fit > -2,
        }
    })
}

/// Rows rebuilt from a sequence of cells under heads of `roles`; `bare`
/// when nothing separated the cells, so a row is kept only where every cell
/// fits its column.
fn rebuild_rows(t: &mut TextTable, body: &[Piece], roles: &[Option<Role>], bare: bool) {
    let body = &super::join_wrapped(body);
    let col = |r: Role| roles.iter().position(|x| *x == Some(r));
    let name_col = col(Role::Name).or(col(Role::Indicators));
    let (Some(name_col), width) = (name_col, roles.len()) else {
        return;
    };
    let level_col = col(Role::Level);
    let category_col = col(Role::Category);
    let mut i = 0;
    while let Some(first) = body.get(i) {
        if first.text.is_empty() {
            i += 1; // an empty cell where a row starts: nothing to place
            continue;
        }
        let next = body.get(i + 1).map(|p| p.text.as_str());
        let start = match (level_col, category_col) {
            (Some(l), _) if super::starts_as_level(&first.text, next) => l,
            (_, Some(c)) if vocab::is_category_word(&first.text) => c,
            _ => name_col,
        };
        let len = width.saturating_sub(start);
        let mut row = vec![first.clone()];
        let mut j = i + 1;
        while row.len() < len {
            let Some(d) = body.get(j) else { break };
            let at = roles.get(start + row.len()).copied().flatten();
            let expects_framework = matches!(at, Some(Role::Level | Role::Category));
            if !expects_framework && framework_word(&d.text) {
                break; // this row's empty cells were dropped
            }
            row.push(d.clone());
            j += 1;
        }
        if row.len() < len && j >= body.len() && start + row.len() <= name_col + 1 {
            // The text ends inside the row, before its values.
            let text: Vec<&str> = row.iter().map(|p| p.text.as_str()).collect();
            t.rejects.push((
                first.line,
                text.join(" "),
                "the text ends inside this row (an excerpt cut short): no value to read".into(),
            ));
        } else if bare
            && (!fits_columns(&row, start, roles)
                // The next row cannot start with a value: this one is short
                // of a cell (a wrapped name took a value's place).
                || body
                    .get(j)
                    .is_some_and(|c| super::value_like(&c.text) || super::is_operator(&c.text)))
        {
            let text: Vec<&str> = row.iter().map(|p| p.text.as_str()).collect();
            t.rejects.push((
                first.line,
                text.join(" "),
                "cells one per line with nothing between them do not fit the columns here (an empty cell left no line): where the row ends is not certain".into(),
            ));
            // Its 一级 and 二级 still head the rows below that carry them down.
            let framework: Vec<Piece> = row
                .iter()
                .enumerate()
                .take_while(|(k, c)| {
                    matches!(
                        roles.get(start + k).copied().flatten(),
                        Some(Role::Level | Role::Category)
                    ) && framework_word(&c.text)
                })
                .map(|(_, c)| c.clone())
                .collect();
            if !framework.is_empty() {
                push(&mut t.grid, start, &framework);
            }
        } else {
            push(&mut t.grid, start, &row);
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_categories_wrapped_over_two_lines() {
        let text = "一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n分值\n\n产出指标\n\n(40-50)分\n\n数量指标\n\n新建晾晒房\n\n1座\n\n10\n\n效益指标\n\n经济效益\n\n指标\n\n带动务工增收\n\n5000元/年\n\n10\n\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.rows.len(), 3);
        assert_eq!(g.text(1, 0), "产出指标(40-50)分");
        assert_eq!(g.text(1, 3), "1座");
        assert_eq!(g.text(2, 1), "经济效益指标");
        assert_eq!(g.text(2, 2), "带动务工增收");
        assert_eq!(g.text(2, 4), "10");
    }

    #[test]
    fn a_value_head_over_its_periods() {
        let text = "一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n年度\n\n长期\n\n产出指标\n\n数量指标\n\n数字化档案\n\n1万卷\n\n3万卷\n\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(0, 3), "年度指标值");
        assert_eq!(g.text(0, 4), "长期指标值");
        assert_eq!(g.text(1, 4), "3万卷");
    }

    #[test]
    fn bar_ended_rows() {
        let text = "一级指标 |\n二级指标 |\n三级指标 |\n指标值 |\n|\n|\n产出指标 |\n数量指标 |\n车辆数 |\n10辆 |\n||\n|\n射程 |\n≥80M |\n||||\n|\n效益指标 |\n经济效益指标 |\n|\n|\n||\n|\n";
        let rows = bar_rows(text);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2].len(), 2);
        assert_eq!(rows[2][0].text, "射程");
        assert_eq!(rows[2][0].line, 13);
        // Two empty cells (三级, 指标值) in the framework row.
        assert_eq!(rows[3].len(), 4);
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].grid.text(2, 2), "射程");
        assert_eq!(t[0].grid.text(3, 0), "效益指标");
    }

    #[test]
    fn a_padding_line_alone_ends_a_row() {
        let text = "一级指标 |\n二级指标 |\n三级指标 |\n指标值 |\n||||\n产出指标 |\n时效指标 |\n办结时限 |\n≤15个工作日 |\n||||\n满意率 |\n≥90% |\n||||||\n";
        let rows = bar_rows(text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].len(), 4);
        assert_eq!(rows[2][0].text, "满意率");
        assert_eq!(rows[2][0].line, 11);
    }

    #[test]
    fn cells_between_bar_lines_are_read_as_blank_separated() {
        let text = "项目名称\n|\n农村饮水工程\n|\n实施单位\n|\n|\n一级指标\n|\n二级指标\n|\n三级指标\n|\n指标值\n|\n产出指标\n|\n数量指标\n|\n新建供水站\n|\n≥3座\n|\n改造管网\n|\n≥12公里\n|\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        let r = g.rows.len() as u32;
        assert_eq!(g.text(r - 2, 2), "新建供水站");
        assert_eq!(g.text(r - 2, 3), "≥3座");
        assert_eq!(g.text(r - 1, 2), "改造管网");
        assert_eq!(g.text(r - 1, 3), "≥12公里");
        // Line numbers are the text's own.
        assert_eq!(
            g.rows[(r - 1) as usize].pos,
            crate::model::Position::Line(24)
        );
    }

    #[test]
    fn blank_separated_rows_rebuilt_from_the_head() {
        let text = "项目名称\n\n农村饮水工程\n\n绩效指标\n\n一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n产出指标\n\n数量指标\n\n指标1:长度\n\n公里\n\n指标2:面积\n\n万亩\n\n质量指标\n\n指标1:合格率\n\n≧ %\n\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        let r = g.rows.len();
        assert_eq!(g.text(0, 1), "农村饮水工程");
        // head row, then three rows.
        assert_eq!(g.text(r as u32 - 3, 1), "产出指标");
        assert_eq!(g.text(r as u32 - 2, 3), "指标2:面积");
        assert_eq!(g.text(r as u32 - 1, 2), "质量指标");
        assert_eq!(g.text(r as u32 - 1, 4), "≧ %");
    }

    #[test]
    fn cells_one_per_line_with_nothing_between_them() {
        let text = "项目名称\n图书馆免费开放\n一级指标\n二级指标\n三级指标\n指标性质\n指标值\n度量单位\n权重\n指标方向性\n\
产出指标\n数量指标\n年接待读者人次\n≥\n15\n万人次\n20\n正向指标\n\
产出指标\n数量指标\n活动场次\n明显提升\n10\n正向指标\n\
满意度指标\n服务对象满意度指标\n读者满意度\n≥\n90\n%\n20\n正向指标\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        let values: Vec<(String, Option<String>)> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| (i.name.clone(), i.annual_value.clone()))
            .collect();
        assert_eq!(
            values,
            [
                ("年接待读者人次".to_string(), Some("≥15万人次".to_string())),
                ("读者满意度".to_string(), Some("≥90%".to_string())),
            ]
        );
        // The row whose empty cells left no line cannot be placed with certainty.
        assert_eq!(t[0].rejects.len(), 1);
        assert!(t[0].rejects[0].1.starts_with("产出指标 数量指标 活动场次"));
    }

    #[test]
    fn a_second_project_after_its_head_block_with_no_head() {
        let text = "项目名称\n\n甲项目\n\n一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n\
产出指标\n\n数量指标\n\n检查批次\n\n≥4000批次\n\n\
项目名称\n\n乙项目\n\n产出指标\n\n数量指标\n\n检查家次\n\n≥600家次\n\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let doc = crate::ingest::excel::read_grid(&t[1].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "乙项目");
        assert_eq!(p.indicators[0].name, "检查家次");
    }

    #[test]
    fn a_head_repeated_on_a_new_page_continues_the_table() {
        let text = "项目名称\n\n甲项目\n\n一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n\
产出指标\n\n数量指标\n\n检查批次\n\n≥4000批次\n\n第 1 页\n\n\
一级指标\n\n二级指标\n\n三级指标\n\n指标值\n\n\
效益指标\n\n社会效益指标\n\n抽检合格率\n\n≥98%\n\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "甲项目");
        assert_eq!(p.indicators.len(), 2);
    }

    #[test]
    fn a_wrapped_name_with_nothing_between_cells_is_rejected_not_misread() {
        let text = "项目名称\n图书馆免费开放\n一级指标\n二级指标\n三级指标\n指标值\n\
产出指标\n数量指标\n年接待读者\n人次\n≥15万人次\n\
质量指标\n免费开放时间\n≥56小时/周\n\
效益指标\n社会效益指标\n持证读者增长率\n≥5%\n";
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let rows: Vec<(String, String, Option<String>)> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| (i.level.clone(), i.name.clone(), i.annual_value.clone()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "产出指标".to_string(),
                    "免费开放时间".to_string(),
                    Some("≥56小时/周".to_string())
                ),
                (
                    "效益指标".to_string(),
                    "持证读者增长率".to_string(),
                    Some("≥5%".to_string())
                ),
            ]
        );
        assert_eq!(t[0].rejects.len(), 2);
    }
}

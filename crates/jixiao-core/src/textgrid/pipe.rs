//! `| a | b | c |` tables (Markdown-like, or an HTML table's text). The
//! flattening pads every row with empty cells to the table's width at the
//! end, so a row's missing cells cannot be told from its pipes: cells merged
//! into the rows above (a project's unit, a group's 一级) are missing at the
//! start, empty cells at the end. Each row is placed under the head by what
//! its cells hold ([`super::place`]).

use super::{Piece, TextTable, is_long_head, is_table_end, place, push, role};
use crate::grid::GridSource;

/// Rows of a text's pipe lines: each line's cells, trimmed, without the
/// padding at its ends; a line without pipes is a row of one cell.
pub fn rows(text: &str) -> Vec<Vec<Piece>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut cells: Vec<Piece> = line.split('|').map(|p| Piece::new(p.trim(), n)).collect();
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
    tables_of_rows(source, &rows, GridSource::PipeText)
}

/// Tables from rows whose boundaries are known (pipe rows, ` |` cell lines).
pub(crate) fn tables_of_rows(
    source: &str,
    rows: &[Vec<Piece>],
    kind: GridSource,
) -> Vec<TextTable> {
    let heads: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let roles: Vec<_> = r.iter().map(|c| role(&c.text)).collect();
            is_long_head(&roles)
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    let mut prev_end = 0;
    for (h_idx, &h) in heads.iter().enumerate() {
        let Some(head) = rows.get(h) else { continue };
        let roles: Vec<_> = head.iter().map(|c| role(&c.text)).collect();
        let next_head = heads.get(h_idx + 1).copied().unwrap_or(rows.len());
        let mut t = TextTable::new(source, kind);
        let from = h.saturating_sub(HEAD_ROWS).max(prev_end);
        for r in rows.get(from..h).unwrap_or_default() {
            push(&mut t.grid, 0, r);
        }
        push(&mut t.grid, 0, head);
        let mut end = next_head;
        for (j, r) in rows.iter().enumerate().take(next_head).skip(h + 1) {
            if r.first().is_some_and(|c| is_table_end(&c.text)) {
                end = j;
                break;
            }
            let start = place(r, &roles);
            push(&mut t.grid, start, r);
        }
        prev_end = end;
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

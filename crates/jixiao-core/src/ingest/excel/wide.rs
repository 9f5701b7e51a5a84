//! The wide layout: the seed's table as cells. One row per 合计, unit or
//! project; a project's indicators are numbered text in one cell
//! (`1、1-产出指标；11-数量指标；…`), parsed by the text parser's
//! [`indicator::split_block`] so both inputs read indicators the same way.

use super::cells;
use super::grid::{Grid, GridRow, address};
use super::header::{self, Role};
use super::rows::Sheet;
use crate::ingest::indicator::{self, Joined};
use crate::model::{Amounts, Project, Unit};

/// A project whose row has been read, collecting its goal and indicator
/// text (which may continue on the rows below).
struct Open {
    name: String,
    amounts: Amounts,
    line: usize,
    goal: Joined,
    block: Joined,
}

/// Appends a cell's lines to `j`, each at the cell's row.
fn push_cell(j: &mut Joined, line: usize, text: &str) {
    for l in text.lines() {
        j.push_line(line, l);
    }
}

pub(crate) fn parse(grid: &Grid<'_>, s: &mut Sheet<'_>) {
    let mut open: Option<Open> = None;
    for row in grid.rows.get(s.header.body..).unwrap_or_default() {
        if cells::is_note_row(row) {
            break; // Notes end the table: nothing below them is data.
        }
        if header::is_head_again(row, s.header) {
            continue;
        }
        read_row(row, s, &mut open);
    }
    close(s, open.take());
}

fn read_row(row: &GridRow<'_>, s: &mut Sheet<'_>, open: &mut Option<Open>) {
    let line = row.line();
    let name_cell = s.cell(row, Role::Project);
    let name = s.text(row, Role::Project);
    let goal = s.cell(row, Role::Goal).filter(|c| !c.filled);
    let inds = s.cell(row, Role::Indicators).filter(|c| !c.filled);
    let own_amounts = s.has_own_amounts(row);

    if cells::is_grand_total(&name) {
        close(s, open.take());
        let a = s.amounts(row, "合计");
        s.set_grand_total(row, a, &name);
        return;
    }

    // A row continuing the open project: its name cell empty or repeating
    // the project's (a merged copy), and no amounts of its own.
    let same_name = !name.is_empty() && open.as_ref().is_some_and(|o| o.name == name);
    if (name.is_empty() || same_name) && !own_amounts {
        match open.as_mut() {
            Some(o) => {
                if let Some(g) = goal {
                    push_cell(&mut o.goal, line, &g.val.text());
                }
                if let Some(i) = inds {
                    push_cell(&mut o.block, line, &i.val.text());
                }
            }
            None => {
                if let Some(c) = goal.or(inds) {
                    let addr = s.addr(row, c.col);
                    s.doc.reject(
                        line,
                        c.val.text(),
                        format!("{addr}: text outside any project"),
                    );
                }
            }
        }
        return;
    }
    if name.is_empty() {
        let col = s.header.cols.get(Role::Project).unwrap_or(0);
        let text: Vec<String> = row
            .cells
            .iter()
            .map(|c| c.val.text().into_owned())
            .collect();
        s.doc.reject(
            line,
            text.join(" | "),
            format!(
                "{}: amounts without a project name",
                address(s.name, row.idx, col)
            ),
        );
        return;
    }

    close(s, open.take());
    let is_project =
        goal.is_some() || inds.is_some() || name_cell.is_some_and(|c| cells::indented(&c.val));
    let amounts = s.amounts(row, &name);
    if is_project {
        let mut o = Open {
            name,
            amounts: amounts.unwrap_or_else(|| Amounts {
                note: Some("no amounts in the row".into()),
                ..Amounts::default()
            }),
            line,
            goal: Joined::default(),
            block: Joined::default(),
        };
        if let Some(g) = goal {
            push_cell(&mut o.goal, line, &g.val.text());
        }
        if let Some(i) = inds {
            push_cell(&mut o.block, line, &i.val.text());
        }
        *open = Some(o);
    } else {
        s.doc.units.push(Unit {
            name,
            amounts,
            projects: Vec::new(),
            line,
        });
    }
}

fn close(s: &mut Sheet<'_>, open: Option<Open>) {
    let Some(o) = open else { return };
    let col = s.header.cols.get(Role::Indicators).unwrap_or(0);
    let at = |line: usize| {
        address(
            s.name,
            u32::try_from(line.saturating_sub(1)).unwrap_or(0),
            col,
        )
    };
    let block = indicator::split_block(&o.block);
    for bad in block.bad {
        let addr = at(bad.line);
        s.doc.reject(
            bad.line,
            bad.text,
            format!(
                "{addr}: indicator of 「{}」 not parsed: {}",
                o.name, bad.reason
            ),
        );
    }
    let mut goal = o.goal.text;
    let before = block.goal.trim();
    if !before.is_empty() {
        let addr = at(o.block.first_line());
        if block.indicators.is_empty() {
            s.doc.reject(
                o.block.first_line(),
                before,
                format!(
                    "{addr}: no numbered indicator list (1、一级指标；二级指标；三级指标；指标值:…) for 「{}」",
                    o.name
                ),
            );
        } else if goal.is_empty() {
            // No 绩效目标 column: the goal stands before the list, as in the PDF.
            goal = before.to_string();
        } else {
            s.doc.reject(
                o.block.first_line(),
                before,
                format!(
                    "{addr}: text before the first numbered indicator of 「{}」",
                    o.name
                ),
            );
        }
    }
    if block.indicators.is_empty() {
        s.doc
            .warn(o.line, format!("{}: no indicators found", o.name));
    }
    s.push_project(Project {
        name: o.name,
        amounts: o.amounts,
        goal,
        indicators: block.indicators,
        line: o.line,
    });
}

//! Categories as columns: one row per project, the framework's 二级 as
//! column heads (its 一级 merged above them), and each cell the indicators
//! of that category as `name：value` items, one a line or separated by
//! `；`. Project libraries of transfer-payment funds (乡村振兴 and the like)
//! print their targets so.

use super::cells;
use super::grid::{Grid, GridRow};
use super::header::{Role, role_of, squeeze};
use crate::ingest::indicator::{collapse_cjk_spaces, normalize_value};
use crate::model::{Amounts, Document, Indicator, Project, Unit};
use crate::vocab;

/// Rows looked at for the head.
const HEAD_SEARCH_ROWS: usize = 40;

/// A category column: its column, category and level as printed.
struct CatCol {
    col: u32,
    category: String,
    level: String,
}

/// The head: the row of categories, the project column and the first body row.
struct Head {
    project: u32,
    cats: Vec<CatCol>,
    body: usize,
}

fn text(row: &GridRow<'_>, col: u32) -> String {
    row.get(col)
        .map(|c| cells::joined_text(&c.val).trim().to_string())
        .unwrap_or_default()
}

fn find(grid: &Grid<'_>) -> Option<Head> {
    for (i, row) in grid.rows.iter().enumerate().take(HEAD_SEARCH_ROWS) {
        let cats: Vec<(u32, String)> = row
            .cells
            .iter()
            .map(|c| (c.col, cells::joined_text(&c.val).trim().to_string()))
            .filter(|(_, t)| vocab::category(t).is_some())
            .collect();
        if cats.len() < 3 {
            continue;
        }
        // The project column: in this row or the one above (a head over
        // two rows, 项目名称 merged down).
        let above = i.checked_sub(1).and_then(|k| grid.rows.get(k));
        let project = [Some(row), above]
            .into_iter()
            .flatten()
            .flat_map(|r| r.cells.iter())
            .find(|c| role_of(&squeeze(&c.val.text())) == Some(Role::Project))
            .map(|c| c.col)?;
        let cats = cats
            .into_iter()
            .map(|(col, category)| {
                // The 一级 over it: the row above, merged across its categories.
                let printed = above.map(|a| text(a, col)).unwrap_or_default();
                let level = if vocab::level(&printed).is_some() {
                    printed
                } else {
                    String::new()
                };
                CatCol {
                    col,
                    category,
                    level,
                }
            })
            .collect();
        return Some(Head {
            project,
            cats,
            body: i + 1,
        });
    }
    None
}

/// The `name：value` items of a cell: one a line, or separated by `；`/`;`.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['\n', '；', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads a sheet laid out with categories as columns, or `None` when it is not.
pub(crate) fn parse(grid: &Grid<'_>, source: &str) -> Option<Document> {
    let head = find(grid)?;
    let mut doc = Document::new(source);
    let mut unit = Unit {
        name: String::new(),
        amounts: None,
        projects: Vec::new(),
        line: head.body + 1,
    };
    for row in grid.rows.get(head.body..).unwrap_or_default() {
        let name = text(row, head.project);
        if name.is_empty() || cells::is_grand_total(&name) {
            continue;
        }
        let line = row.line();
        let mut project = Project {
            name: collapse_cjk_spaces(&name),
            amounts: Amounts {
                note: Some("the table has no amount columns read".into()),
                ..Amounts::default()
            },
            goal: String::new(),
            indicators: Vec::new(),
            line,
        };
        for c in &head.cats {
            let Some(cell) = row.get(c.col).filter(|x| !x.filled) else {
                continue;
            };
            let cell = cells::joined_text(&cell.val);
            // joined_text joins wrapped lines; the raw text keeps them.
            let raw = row
                .get(c.col)
                .map(|x| x.val.text().into_owned())
                .unwrap_or(cell);
            for item in items(&raw) {
                let Some((n, v)) = item.split_once(['：', ':']) else {
                    doc.reject(
                        line,
                        item,
                        format!(
                            "an item of 「{}」 under {} without `：` between name and value",
                            project.name, c.category
                        ),
                    );
                    continue;
                };
                let (n, v) = (n.trim(), normalize_value(v.trim()));
                if n.is_empty() || v.is_empty() {
                    doc.reject(line, item, "an item with an empty name or value");
                    continue;
                }
                let seq = u32::try_from(project.indicators.len() + 1).unwrap_or(u32::MAX);
                project.indicators.push(Indicator {
                    seq,
                    level: c.level.clone(),
                    category: c.category.clone(),
                    name: collapse_cjk_spaces(n),
                    annual_value: Some(v),
                    line,
                    pos: crate::model::Position::Line(line),
                    ..Indicator::default()
                });
            }
        }
        if project.indicators.is_empty() {
            doc.warn(line, format!("{}: no indicators found", project.name));
            continue;
        }
        unit.projects.push(project);
    }
    if unit.projects.is_empty() {
        return None;
    }
    doc.units.push(unit);
    Some(doc)
}

#[cfg(test)]
mod tests {
    use crate::grid::{Cell, Grid, GridSource};
    use crate::ingest::excel::read_grid;
    use crate::model::Position;

    #[test]
    fn one_row_a_project_with_its_categories_as_columns() {
        let mut g = Grid::new("t.txt", "", GridSource::Workbook);
        let row = |cells: &[(u32, &str)]| -> Vec<Cell> {
            cells
                .iter()
                .map(|(c, t)| Cell::new(0, *c, *t, Position::Unknown))
                .collect()
        };
        let mut level = Cell::new(0, 2, "产出指标", Position::Unknown);
        level.colspan = 2;
        g.push_row(
            row(&[(0, "序号"), (1, "项目名称")])
                .into_iter()
                .chain([level, Cell::new(0, 4, "效益指标", Position::Unknown)])
                .collect(),
            Position::Line(1),
        );
        g.push_row(
            row(&[(2, "数量指标"), (3, "时效指标"), (4, "社会效益指标")]),
            Position::Line(2),
        );
        g.push_row(
            row(&[
                (0, "1"),
                (1, "村级光伏电站运维"),
                (2, "运维电站数：12座\n巡检次数：≥24次"),
                (3, "故障修复时限：≤48小时"),
                (4, "带动村集体增收"),
            ]),
            Position::Line(3),
        );
        let doc = read_grid(&g).unwrap().doc;
        let got: Vec<(&str, &str, &str, &str)> = doc
            .projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| {
                (
                    i.level.as_str(),
                    i.category.as_str(),
                    i.name.as_str(),
                    i.annual_value.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("产出指标", "数量指标", "运维电站数", "12座"),
                ("产出指标", "数量指标", "巡检次数", "≥24次"),
                ("产出指标", "时效指标", "故障修复时限", "≤48小时"),
            ]
        );
        assert_eq!(doc.projects().next().unwrap().1.name, "村级光伏电站运维");
        // An item without `：` cannot be split: a reject, not a row.
        assert_eq!(doc.rejects.len(), 1);
        assert_eq!(doc.rejects[0].text, "带动村集体增收");
    }
}

//! A table printed on its side: the heads (一级指标, 二级指标, 三级指标,
//! 指标值) run down one column and each indicator is a column to their
//! right (a 横表). Turned a quarter, it is the long layout: the same reader
//! reads it, a horizontal merge (a level over its categories' columns)
//! becoming a vertical one. Cells keep their sheet row and column, swapped:
//! a turned grid's row is the sheet's column.

use super::grid::{Grid, GridCell, GridRow};
use super::header::{Role, role_of, squeeze};

/// The roles an indicator's fields have: a turned table's label column
/// names each at most once (a column naming them again and again is a list
/// of records, one indicator under another, not a table on its side).
const FIELD_ROLES: [Role; 5] = [
    Role::Level,
    Role::Category,
    Role::Name,
    Role::Cycle,
    Role::Annual,
];

/// A grid turned a quarter, and where its labels started in the original.
pub(crate) struct Turned<'a> {
    pub grid: Grid<'a>,
    /// Index into the original grid's rows of the first label row: the rows
    /// above it (a title spanning the sheet) are not turned.
    pub first: usize,
}

/// The column whose cells name an indicator's fields downwards (三级指标
/// and a 指标值 at least, each once), leftmost first.
fn label_column(grid: &Grid<'_>) -> Option<u32> {
    let mut found: std::collections::BTreeMap<u32, Vec<Role>> = Default::default();
    for row in &grid.rows {
        for c in row.cells.iter().filter(|c| !c.filled && !c.val.is_number()) {
            if let Some(r) = role_of(&squeeze(&c.val.text())) {
                found.entry(c.col).or_default().push(r);
            }
        }
    }
    found.into_iter().find_map(|(col, roles)| {
        let count = |r: Role| roles.iter().filter(|x| **x == r).count();
        let once = FIELD_ROLES.iter().all(|r| count(*r) <= 1);
        let value = count(Role::Annual) + count(Role::Cycle) > 0;
        (once && value && count(Role::Name) == 1).then_some(col)
    })
}

/// The grid turned a quarter when its heads run down a column instead of
/// across a row; `None` when no column names an indicator's fields.
pub(crate) fn turn<'a>(grid: &Grid<'a>) -> Option<Turned<'a>> {
    let col = label_column(grid)?;
    // The first label in that column: a head (项目名称, 一级指标) or a
    // key-value label (主管部门). What is above it (a title) spans the sheet.
    let first = grid.rows.iter().position(|r| {
        r.get(col).is_some_and(|c| {
            let t = c.val.text();
            !c.filled
                && !super::cells::is_title(&t)
                && (role_of(&squeeze(&t)).is_some() || crate::textgrid::is_head_label(&t))
        })
    })?;
    let mut cells: Vec<(u32, GridCell<'a>)> = grid
        .rows
        .get(first..)
        .unwrap_or_default()
        .iter()
        .flat_map(|r| {
            r.cells.iter().map(move |c| {
                (
                    c.col,
                    GridCell {
                        col: r.idx,
                        val: c.val.clone(),
                        filled: c.filled,
                    },
                )
            })
        })
        .collect();
    cells.sort_by_key(|(row, c)| (*row, c.col));
    let mut rows: Vec<GridRow<'a>> = Vec::new();
    for (idx, cell) in cells {
        match rows.last_mut() {
            Some(last) if last.idx == idx => last.cells.push(cell),
            _ => rows.push(GridRow {
                idx,
                cells: vec![cell],
            }),
        }
    }
    Some(Turned {
        grid: Grid { rows },
        first,
    })
}

#[cfg(test)]
mod tests {
    use super::super::grid::{GridBuilder, Val};
    use super::*;

    fn grid(rows: &[&[&'static str]]) -> Grid<'static> {
        let mut b = GridBuilder::new(1000);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if !t.is_empty() {
                    b.push(r as u32, c as u32, Val::Text((*t).into())).unwrap();
                }
            }
        }
        b.build()
    }

    #[test]
    fn rows_become_columns_below_the_title() {
        let g = grid(&[
            &["某县2022年项目支出绩效目标表"],
            &["指标名称", "学生资助人数", "资助发放及时率"],
            &["目标值", "≥1200人", "100%"],
        ]);
        let t = turn(&g).unwrap();
        assert_eq!(t.first, 1);
        let got: Vec<(u32, Vec<(u32, String)>)> = t
            .grid
            .rows
            .iter()
            .map(|r| {
                (
                    r.idx,
                    r.cells
                        .iter()
                        .map(|c| (c.col, c.val.text().into_owned()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, vec![(1, "指标名称".into()), (2, "目标值".into())]),
                (1, vec![(1, "学生资助人数".into()), (2, "≥1200人".into())]),
                (2, vec![(1, "资助发放及时率".into()), (2, "100%".into())]),
            ]
        );
    }

    #[test]
    fn a_column_that_names_the_fields_again_and_again_is_a_record_list() {
        let g = grid(&[
            &["三级指标", "学生资助人数"],
            &["指标值", "≥1200人"],
            &["三级指标", "资助发放及时率"],
            &["指标值", "100%"],
        ]);
        assert!(turn(&g).is_none());
        // Heads across a row name one field a column: nothing runs down.
        let g = grid(&[&["三级指标", "指标值"], &["学生资助人数", "≥1200人"]]);
        assert!(turn(&g).is_none());
    }

    use crate::grid::{Cell, Grid as TextGrid, GridSource};
    use crate::ingest::excel::read_grid;
    use crate::model::Position;

    /// level, category, name, cycle and annual value of one indicator.
    type Row = (String, String, String, Option<String>, Option<String>);

    /// A source grid, each cell at `Position::Line(row + 1)`; `(col, text, colspan)`.
    fn source(name: &str, rows: &[&[(u32, &str, u32)]]) -> TextGrid {
        let mut g = TextGrid::new("t.xlsx", name, GridSource::Workbook);
        for (r, row) in rows.iter().enumerate() {
            let cells = row
                .iter()
                .map(|(c, t, span)| {
                    let mut cell = Cell::new(0, *c, *t, Position::Line(r + 1));
                    cell.colspan = *span;
                    cell
                })
                .collect();
            g.push_row(cells, Position::Line(r + 1));
        }
        g
    }

    #[test]
    fn a_table_on_its_side_is_read_with_its_merges_and_positions() {
        // Levels merged across their categories' columns; 中期 before 年度.
        let g = source(
            "目标表",
            &[
                &[(0, "2021年度部门项目支出绩效目标表", 5)],
                &[(0, "项目名称", 1), (1, "乡村学校营养餐补助", 4)],
                &[(0, "一级指标", 1), (1, "产出指标", 2), (3, "效益指标", 1)],
                &[
                    (0, "二级指标", 1),
                    (1, "数量指标", 1),
                    (2, "质量指标", 1),
                    (3, "社会效益指标", 1),
                    (4, "可持续影响指标", 1),
                ],
                &[
                    (0, "指标名称", 1),
                    (1, "受益学生人数", 1),
                    (2, "食品抽检合格率", 1),
                    (3, "学生营养状况", 1),
                ],
                &[
                    (0, "中期目标值", 1),
                    (1, "≥3.6万人", 1),
                    (2, "100%", 1),
                    (3, "持续改善", 1),
                    (4, "长期", 1),
                ],
                &[
                    (0, "年度目标值", 1),
                    (1, "≥1.2万人", 1),
                    (2, "100%", 1),
                    (3, "有所改善", 1),
                ],
            ],
        );
        let t = read_grid(&g).unwrap();
        let got: Vec<Row> = t
            .doc
            .projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| {
                (
                    i.level.clone(),
                    i.category.clone(),
                    i.name.clone(),
                    i.cycle_value.clone(),
                    i.annual_value.clone(),
                )
            })
            .collect();
        let row = |l: &str, c: &str, n: &str, cy: &str, an: &str| {
            (
                l.to_string(),
                c.to_string(),
                n.to_string(),
                Some(cy.to_string()),
                Some(an.to_string()),
            )
        };
        assert_eq!(
            got,
            [
                row(
                    "产出指标",
                    "数量指标",
                    "受益学生人数",
                    "≥3.6万人",
                    "≥1.2万人"
                ),
                row("产出指标", "质量指标", "食品抽检合格率", "100%", "100%"),
                row(
                    "效益指标",
                    "社会效益指标",
                    "学生营养状况",
                    "持续改善",
                    "有所改善"
                ),
            ]
        );
        assert_eq!(
            t.doc.projects().next().unwrap().1.name,
            "乡村学校营养餐补助"
        );
        assert_eq!(
            t.doc.title.as_deref(),
            Some("2021年度部门项目支出绩效目标表")
        );
        // An indicator's place is its name's cell; a value without a name is
        // a reject naming the sheet's cell, not the turned grid's.
        let first = t
            .doc
            .projects()
            .next()
            .unwrap()
            .1
            .indicators
            .first()
            .unwrap();
        assert_eq!(first.pos, Position::Line(5));
        assert_eq!(t.doc.rejects.len(), 1, "{:?}", t.doc.rejects);
        assert!(
            t.doc.rejects[0].reason.starts_with("目标表!E5:"),
            "{:?}",
            t.doc.rejects
        );
        assert_eq!(t.doc.rejects[0].pos, Position::Line(5));
    }

    #[test]
    fn a_self_evaluation_on_its_side_is_not_read() {
        let g = source(
            "自评表",
            &[
                &[(0, "一级指标", 1), (1, "产出指标", 2)],
                &[(0, "二级指标", 1), (1, "数量指标", 1), (2, "时效指标", 1)],
                &[(0, "三级指标", 1), (1, "改造户数", 1), (2, "完工时间", 1)],
                &[(0, "年度指标值", 1), (1, "≥200户", 1), (2, "11月底前", 1)],
                &[(0, "实际完成值", 1), (1, "212户", 1), (2, "11月20日", 1)],
                &[(0, "得分", 1), (1, "10", 1), (2, "10", 1)],
            ],
        );
        let read = read_grid(&g).map(|t| t.doc.indicator_count()).unwrap_or(0);
        assert_eq!(read, 0);
    }
}

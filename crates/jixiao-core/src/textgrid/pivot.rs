//! Pivoted tables: indicators as column heads, one row per unit (a transfer
//! payment's targets per county or school):
//!
//! `| 单位名称 | 受助学生人数 | 资助标准 | 满意度 |` / `| 甲县 | 1000人 | 2000元/人 | ≥90% |`
//!
//! unpivoted into a long grid of one row per unit and indicator
//! (`单位名称 | 三级指标 | 指标值`). Such a table prints no 一级 or 二级: they
//! stay empty. Only read when the table's title names performance targets
//! and most of its indicator cells are target values (an allocation table of
//! amounts is not one).

use super::{Piece, TextTable, is_table_end, push, role, value_like};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;
use crate::vocab;

/// Heads of the column naming the row's unit or place.
const UNIT_HEADS: &[&str] = &[
    "单位",
    "单位名称",
    "地区",
    "县区",
    "县(市、区)",
    "县(市区)",
    "市县",
    "地市",
    "学校",
    "学校名称",
    "项目单位",
    "实施单位",
    "预算单位",
    "资金使用单位",
];

/// Whether a head names an amount, a count of rows or a note, not an indicator.
fn not_indicator_head(t: &str) -> bool {
    let k = vocab::key(t);
    k.is_empty()
        || role(t).is_some_and(|r| r != Role::Name)
        || [
            "资金", "金额", "万元", "(元)", "预算", "补助", "下达", "小计", "合计", "序号", "备注",
        ]
        .iter()
        .any(|w| k.contains(w))
}

/// The rows of the text as `pipe` or bar-ended cells give them.
fn rows_of(text: &str) -> Vec<Vec<Piece>> {
    if super::pipe::pipe_lines(text) >= 3 {
        super::pipe::rows(text)
    } else {
        super::cells::bar_rows(text)
    }
}

/// Rows above a pivot head searched for its title.
const TITLE_ROWS: usize = 6;

/// The pivoted tables of a pipe or bar-ended text, unpivoted.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let rows = rows_of(text);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(head) = rows.get(i) {
        let unit_head = head
            .first()
            .is_some_and(|c| UNIT_HEADS.contains(&vocab::key(&c.text).as_str()));
        let indicator_cols: Vec<usize> = head
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| !not_indicator_head(&c.text))
            .map(|(j, _)| j)
            .collect();
        let titled = rows
            .get(i.saturating_sub(TITLE_ROWS)..i)
            .unwrap_or_default()
            .iter()
            .flatten()
            .any(|c| {
                let k = vocab::key(&c.text);
                k.contains("绩效目标") || k.contains("绩效指标")
            });
        if !unit_head || indicator_cols.len() < 2 || !titled {
            i += 1;
            continue;
        }
        // The body: rows as wide as the head, until the table ends.
        let body: Vec<&Vec<Piece>> = rows
            .iter()
            .skip(i + 1)
            .take_while(|r| {
                r.len() == head.len() && !r.first().is_some_and(|c| is_table_end(&c.text))
            })
            .collect();
        let cells: Vec<&Piece> = body
            .iter()
            .flat_map(|r| indicator_cols.iter().filter_map(|&j| r.get(j)))
            .filter(|c| !c.text.is_empty())
            .collect();
        let values = cells.iter().filter(|c| value_like(&c.text)).count();
        // Bare numbers are amounts more often than targets.
        let bare = cells
            .iter()
            .filter(|c| vocab::parse_amount(&c.text).ok().flatten().is_some())
            .count();
        if body.is_empty() || values * 10 < cells.len() * 6 || bare * 2 > cells.len() {
            i += 1;
            continue;
        }
        let mut t = TextTable::new(source, GridSource::PipeText);
        let line = head.first().map_or(0, |c| c.line);
        // The project: a label above the table, else the title's subject.
        let above: Vec<Piece> = rows
            .get(i.saturating_sub(TITLE_ROWS)..i)
            .unwrap_or_default()
            .iter()
            .flatten()
            .cloned()
            .collect();
        let project = project_of(&above);
        push(
            &mut t.grid,
            0,
            &[
                Piece::new("单位名称", line),
                Piece::new("项目名称", line),
                Piece::new("三级指标", line),
                Piece::new("指标值", line),
            ],
        );
        for r in &body {
            let Some(unit) = r.first() else { continue };
            for &j in &indicator_cols {
                let (Some(h), Some(v)) = (head.get(j), r.get(j)) else {
                    continue;
                };
                if v.text.is_empty() {
                    continue;
                }
                push(
                    &mut t.grid,
                    0,
                    &[
                        Piece::new(unit.text.as_str(), unit.line),
                        Piece::new(project.as_str(), v.line),
                        Piece::new(h.text.as_str(), v.line),
                        Piece::new(v.text.as_str(), v.line),
                    ],
                );
            }
        }
        out.push(t);
        i += 1 + body.len();
    }
    out
}

/// The project of a pivoted table: the value of a 项目名称/专项名称 label
/// above it, else its title's subject (`2018年学生资助资金绩效目标表` →
/// `2018年学生资助资金`).
fn project_of(above: &[Piece]) -> String {
    let labelled = above.windows(2).find_map(|w| match w {
        [l, v] if vocab::PROJECT_LABELS.contains(&vocab::key(&l.text).trim_end_matches(':')) => {
            Some(v.text.clone())
        }
        _ => None,
    });
    labelled
        .or_else(|| {
            above.iter().find_map(|c| {
                let subject = c.text.split("绩效目标").next()?.trim();
                (subject.len() < c.text.trim().len() && !subject.is_empty())
                    .then(|| subject.to_string())
            })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_as_column_heads_unpivoted() {
        let text = "| 专项名称 | 学生资助补助经费 |\n\
| 2018年学生资助资金绩效目标表 |\n\
| 单位名称 | 资金(万元) | 受助学生人数 | 资助标准 | 满意度 |\n\
| 甲县 | 100 | 1000人 | 2000元/人 | ≥90% |\n\
| 乙县 | 50 | 500人 | 2000元/人 | ≥90% |\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        assert_eq!(doc.units.len(), 2);
        assert_eq!(doc.units[1].name, "乙县");
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "学生资助补助经费");
        assert_eq!(p.indicators.len(), 3);
        assert_eq!(p.indicators[0].name, "受助学生人数");
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("1000人"));
        assert_eq!(p.indicators[2].level, "");
        assert_eq!(p.indicators[2].pos, crate::model::Position::Line(4));
    }

    #[test]
    fn an_allocation_table_is_not_pivoted() {
        let text = "| 2018年资金安排表(绩效目标附后) |\n\
| 单位 | 全年中央补助资金 | 其中:免学费补助 | 国家助学金 |\n\
| 乐昌市中等职业技术学校 | 7,548,150 | 7,074,550 | 473,600 |\n\
| 甲校 | 100 | 50 | 50 |\n";
        assert!(tables("t.txt", text).is_empty());
    }
}

//! Several indicators a row: a head that repeats its (name, value) columns
//! after the row's 一级/二级 (`一级指标 | 二级指标 | 指标1 | 指标值 | 指标2 |
//! 指标值 …`, `指标名称 | 指标值` twice), one row per category. Each group
//! becomes its own row carrying the row's cells outside the groups, so the
//! long reader reads one indicator a row as usual; a group left empty (a row
//! padded to the head's width) gives no row.
//!
//! Two blocks of the same indicators side by side (a 中期 and a 年度 value
//! each with its name repeated) are not pairs: the names in one row are the
//! same there, and those are left to the head's reading of periods.

use super::grid::{Grid, GridCell, GridRow};
use super::header::{Role, role_of, squeeze};

/// Roles a group may hold beside its name: the value and how it is printed.
fn value_part(r: Role) -> bool {
    matches!(
        r,
        Role::Annual | Role::Cycle | Role::Operator | Role::Measure | Role::HalfYear
    )
}

/// Words of a period: blocks told apart by one are a period's, not more
/// indicators.
const PERIODS: &[&str] = &["年度", "当年", "全年", "中期", "长期", "实施期", "周期"];

/// `指标1`, `指标名称2`, `指标(三)`: one of several numbered name columns.
pub(crate) fn is_numbered_name(h: &str) -> bool {
    const NUMERALS: &str = "0123456789一二三四五六七八九十①②③④⑤⑥⑦⑧⑨⑩()";
    let stem = h.trim_end_matches(|c| NUMERALS.contains(c));
    stem.len() < h.len()
        && matches!(
            stem,
            "指标" | "指标名称" | "三级指标" | "指标内容" | "具体指标" | "绩效指标名称"
        )
}

/// A row's head cells: (column, role, text), numbers left out.
fn heads(row: &GridRow<'_>) -> Vec<(u32, Option<Role>, String)> {
    row.cells
        .iter()
        .filter(|c| !c.val.is_number())
        .map(|c| {
            let t = squeeze(&c.val.text());
            (c.col, role_of(&t), t)
        })
        .collect()
}

/// The groups of a pairs head: each group's columns, its name's first. A
/// head is one when a 一级 or 二级 comes first, then two groups or more of
/// the same shape (a name, then value columns at the same offsets), and
/// nothing after them.
fn pair_groups(row: &GridRow<'_>) -> Option<Vec<Vec<u32>>> {
    let hs = heads(row);
    let first_name = hs.iter().position(|(_, r, _)| *r == Some(Role::Name))?;
    let prefix = hs.get(..first_name)?;
    if !prefix
        .iter()
        .any(|(_, r, _)| matches!(r, Some(Role::Level | Role::Category)))
        || prefix
            .iter()
            .any(|(_, r, _)| r.is_some_and(value_part) || r.is_none())
    {
        return None;
    }
    let mut groups: Vec<Vec<&(u32, Option<Role>, String)>> = Vec::new();
    for h in hs.get(first_name..)? {
        match h.1 {
            Some(Role::Name) => groups.push(vec![h]),
            Some(r) if value_part(r) => groups.last_mut()?.push(h),
            _ => return None,
        }
    }
    let shape = |g: &Vec<&(u32, Option<Role>, String)>| -> Vec<(u32, Option<Role>)> {
        let base = g.first().map_or(0, |h| h.0);
        g.iter().map(|h| (h.0.saturating_sub(base), h.1)).collect()
    };
    let first = groups.first()?;
    // Blocks told apart by a period (`中期三级指标` | `年度三级指标`) are a
    // period's each; the same `年度指标值` over every group says nothing.
    let texts = |g: &Vec<&(u32, Option<Role>, String)>| -> Vec<String> {
        g.iter().map(|h| h.2.clone()).collect()
    };
    let periods = groups.iter().any(|g| texts(g) != texts(first))
        && groups
            .iter()
            .flatten()
            .any(|h| PERIODS.iter().any(|p| h.2.contains(p)));
    if groups.len() < 2
        || first.len() < 2
        || periods
        || groups.iter().any(|g| shape(g) != shape(first))
    {
        return None;
    }
    Some(
        groups
            .iter()
            .map(|g| g.iter().map(|h| h.0).collect())
            .collect(),
    )
}

/// Whether the rows below a pairs head name different indicators in one row
/// (more indicators a row), not the same one twice (periods side by side).
fn names_differ(rows: &[GridRow<'_>], groups: &[Vec<u32>]) -> bool {
    let (mut several, mut same) = (0, 0);
    for r in rows {
        let names: Vec<String> = groups
            .iter()
            .filter_map(|g| r.get(*g.first()?))
            .filter(|c| !c.filled)
            .map(|c| squeeze(&c.val.text()))
            .filter(|t| !t.is_empty())
            .collect();
        if names.len() < 2 {
            continue;
        }
        several += 1;
        if names.iter().all(|n| Some(n) == names.first()) {
            same += 1;
        }
    }
    several > 0 && same * 2 < several
}

/// The grid with each row's groups unpivoted into rows of their own, or
/// `None` when the grid has no pairs head.
pub(crate) fn unpivot<'a>(grid: &Grid<'a>) -> Option<Grid<'a>> {
    // The head is looked for where the head finder looks.
    let (h, groups) = grid
        .rows
        .iter()
        .take(60)
        .enumerate()
        .find_map(|(i, r)| pair_groups(r).map(|g| (i, g)))?;
    let body = grid.rows.get(h + 1..).unwrap_or_default();
    if !names_differ(body, &groups) {
        return None;
    }
    let first = groups.first()?;
    let in_group = |col: u32| groups.iter().position(|g| g.contains(&col));
    let mut rows: Vec<GridRow<'a>> = grid.rows.get(..h).unwrap_or_default().to_vec();
    for r in grid.rows.get(h..).unwrap_or_default() {
        // The head (and the head again on a new page): the first group's.
        if pair_groups(r).as_ref() == Some(&groups) {
            let cells = r
                .cells
                .iter()
                .filter(|c| in_group(c.col).is_none_or(|g| g == 0))
                .cloned()
                .collect();
            rows.push(GridRow { idx: r.idx, cells });
            continue;
        }
        let outside: Vec<GridCell<'a>> = r
            .cells
            .iter()
            .filter(|c| in_group(c.col).is_none())
            .cloned()
            .collect();
        let mut parts: Vec<Vec<GridCell<'a>>> = Vec::new();
        for g in &groups {
            let part: Vec<GridCell<'a>> = g
                .iter()
                .zip(first)
                .filter_map(|(&col, &to)| {
                    r.get(col).map(|c| GridCell {
                        col: to,
                        ..c.clone()
                    })
                })
                .collect();
            if !part.is_empty() {
                parts.push(part);
            }
        }
        if parts.len() < 2 {
            rows.push(r.clone());
            continue;
        }
        // The row's own cells go with its first indicator; the rows after
        // it carry them down as a group's merged cells do.
        for (k, part) in parts.into_iter().enumerate() {
            let mut cells = if k == 0 { outside.clone() } else { Vec::new() };
            cells.extend(part);
            cells.sort_by_key(|c| c.col);
            rows.push(GridRow { idx: r.idx, cells });
        }
    }
    Some(Grid { rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Cell, GridSource};
    use crate::model::Position;

    fn grid(rows: &[&[&str]]) -> crate::grid::Grid {
        let mut g = crate::grid::Grid::new("t", "", GridSource::Workbook);
        for (i, r) in rows.iter().enumerate() {
            let cells = r
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.is_empty())
                .map(|(c, t)| Cell::new(0, c as u32, *t, Position::Line(i + 1)))
                .collect();
            g.push_row(cells, Position::Line(i + 1));
        }
        g
    }

    fn sheet(rows: &[&[&str]]) -> Grid<'static> {
        let mut b = super::super::grid::GridBuilder::new(1000);
        for (i, r) in rows.iter().enumerate() {
            for (c, t) in r.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                let v = super::super::grid::Val::Text(std::borrow::Cow::Owned(t.to_string()));
                b.push(i as u32, c as u32, v).unwrap();
            }
        }
        b.build()
    }

    fn read(rows: &[&[&str]]) -> Vec<(String, String, String, String)> {
        crate::ingest::excel::read_grid(&grid(rows))
            .map(|t| t.doc.units)
            .unwrap_or_default()
            .into_iter()
            .flat_map(|u| u.projects)
            .flat_map(|p| p.indicators)
            .map(|i| {
                (
                    i.level,
                    i.category,
                    i.name,
                    i.annual_value.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn numbered_names() {
        assert!(is_numbered_name("指标1"));
        assert!(is_numbered_name("指标名称2"));
        assert!(is_numbered_name("指标(三)"));
        assert!(!is_numbered_name("指标"));
        assert!(!is_numbered_name("指标值"));
        assert!(!is_numbered_name("1指标"));
    }

    #[test]
    fn several_name_value_pairs_a_row() {
        // Two pairs of 指标名称 | 年度指标值 | 计量单位, another province's words.
        let rows: &[&[&str]] = &[
            &["项目名称", "乡镇卫生院能力提升"],
            &[
                "一级指标",
                "二级指标",
                "指标名称",
                "年度指标值",
                "指标名称",
                "年度指标值",
            ],
            &[
                "产出指标",
                "数量指标",
                "购置设备",
                "≥20台",
                "培训医护",
                "≥60人次",
            ],
            &["", "质量指标", "设备验收合格率", "100%", "", ""],
            &[
                "效益指标",
                "社会效益指标",
                "门诊量增长",
                "≥5%",
                "转诊率下降",
                "≥3%",
            ],
        ];
        let got = read(rows);
        let names: Vec<&str> = got.iter().map(|x| x.2.as_str()).collect();
        assert_eq!(
            names,
            [
                "购置设备",
                "培训医护",
                "设备验收合格率",
                "门诊量增长",
                "转诊率下降"
            ]
        );
        assert_eq!(got[1].0, "产出指标");
        assert_eq!(got[1].1, "数量指标");
        assert_eq!(got[1].3, "≥60人次");
        assert_eq!(got[2].1, "质量指标");
        assert_eq!(got[4].1, "社会效益指标");
        assert_eq!(got[4].3, "≥3%");
    }

    #[test]
    fn the_same_names_side_by_side_are_periods_not_pairs() {
        let rows: &[&[&str]] = &[
            &[
                "一级指标",
                "二级指标",
                "三级指标",
                "指标值",
                "三级指标",
                "指标值",
            ],
            &[
                "产出指标",
                "数量指标",
                "巡查河道",
                "≥300公里",
                "巡查河道",
                "≥100公里",
            ],
            &["", "质量指标", "保洁率", "≥95%", "保洁率", "≥95%"],
        ];
        assert!(unpivot(&sheet(rows)).is_none());
        // The head's reading of periods: the last block's values are the year's.
        let got = read(rows);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].3, "≥100公里");
    }

    #[test]
    fn a_self_evaluation_with_pairs_is_not_unpivoted() {
        // 指标1 | 实际值: results, not targets.
        let rows: &[&[&str]] = &[
            &["一级指标", "二级指标", "指标1", "实际值", "指标2", "实际值"],
            &[
                "产出指标",
                "数量指标",
                "购置设备",
                "20台",
                "培训医护",
                "65人次",
            ],
            &[
                "效益指标",
                "社会效益指标",
                "门诊量增长",
                "6%",
                "转诊率下降",
                "4%",
            ],
        ];
        assert!(unpivot(&sheet(rows)).is_none());
        assert!(read(rows).is_empty());
    }
}

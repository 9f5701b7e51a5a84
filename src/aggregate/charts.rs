//! The charts of the reports: what they plot, gathered batch by batch as the
//! reports are made, and handed to the workbook writer as chart blocks (a
//! title, the figures, the chart of them), which knows nothing of reports.
//!
//! - yearly totals of the largest departments, from `summary_by_year`;
//! - the largest project changes between the last two years, from
//!   `project_trend`.
//!
//! Memory grows with the departments, never with the rows.

use std::collections::BTreeMap;

use polars::prelude::{DataFrame, DataType};

use crate::emit::xlsx::{ChartBlock, ChartCell, ChartKind};

/// Departments in the chart of yearly totals by default (the largest ones);
/// the `summary_by_year` sheet has them all. More than a dozen series are
/// not told apart by colour.
pub const DEFAULT_CHART_DEPARTMENTS: usize = 12;
/// Bars in the chart of the largest project changes.
pub const TOP_CHANGES: usize = 15;
/// Longest bar label, in characters; the full name is beside it.
const MAX_BAR_LABEL_CHARS: usize = 24;
/// The name shown for rows without a department.
const NO_DEPARTMENT: &str = "（部门未注明）";

/// What the charts plot, gathered from report batches.
#[derive(Debug, Clone)]
pub struct ChartData {
    years: Vec<i32>,
    max_departments: usize,
    /// Department → year → total (万元).
    totals: BTreeMap<String, BTreeMap<i64, f64>>,
    /// Project, department, change (万元) of the largest changes so far.
    changes: Vec<(String, String, f64)>,
}

impl ChartData {
    /// For a comparison of `years` (ascending), charting at most
    /// `max_departments` departments.
    pub fn new(years: &[i32], max_departments: usize) -> Self {
        ChartData {
            years: years.to_vec(),
            max_departments: max_departments.max(1),
            totals: BTreeMap::new(),
            changes: Vec::new(),
        }
    }

    /// From whole report tables (either may be absent).
    pub fn of_tables(
        summary: Option<&DataFrame>,
        trend: Option<&DataFrame>,
        max_departments: usize,
    ) -> Self {
        let mut years: Vec<i32> = trend
            .map(|t| {
                t.get_column_names()
                    .iter()
                    .filter_map(|n| column_year(n, "amount"))
                    .collect()
            })
            .unwrap_or_default();
        years.sort_unstable();
        let mut c = ChartData::new(&years, max_departments);
        if let Some(s) = summary {
            c.add_totals(s);
        }
        if let Some(t) = trend {
            c.add_changes(t);
        }
        c
    }

    /// Adds the department totals of a batch of `summary_by_year` rows. A
    /// table without the expected columns adds nothing: the tables
    /// themselves are what matters.
    pub fn add_totals(&mut self, summary: &DataFrame) {
        let (Some(year), Some(department), Some(scope), Some(amount)) = (
            number_values(summary, "year"),
            text_values(summary, "department"),
            text_values(summary, "scope"),
            number_values(summary, "amount"),
        ) else {
            return;
        };
        for i in 0..summary.height() {
            if scope[i].as_deref() != Some("department") {
                continue;
            }
            let (Some(y), Some(a)) = (year[i], amount[i]) else {
                continue;
            };
            let d = department[i]
                .clone()
                .unwrap_or_else(|| NO_DEPARTMENT.into());
            *self
                .totals
                .entry(d)
                .or_default()
                .entry(y as i64)
                .or_default() += a;
        }
    }

    /// Adds the changes of a batch of `project_trend` rows between the last
    /// two years, keeping the largest.
    pub fn add_changes(&mut self, trend: &DataFrame) {
        let Some(&to) = self.years.last().filter(|_| self.years.len() > 1) else {
            return;
        };
        let (Some(change), Some(project)) = (
            number_values(trend, &format!("change_{to}")),
            text_values(trend, "project"),
        ) else {
            return;
        };
        let department =
            text_values(trend, "department").unwrap_or_else(|| vec![None; trend.height()]);
        for i in 0..trend.height() {
            let Some(c) = change[i].filter(|c| *c != 0.0) else {
                continue;
            };
            self.changes.push((
                project[i].clone().unwrap_or_default(),
                department[i].clone().unwrap_or_default(),
                c,
            ));
        }
        // Stable: of equal changes and names, the earlier row stays first,
        // as in one sort of the whole table.
        self.changes
            .sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then_with(|| a.0.cmp(&b.0)));
        self.changes.truncate(TOP_CHANGES);
    }

    /// The chart blocks: yearly totals if `totals`, largest changes if
    /// `changes` (each only when there is something to chart).
    pub fn blocks(&self, totals: bool, changes: bool) -> Vec<ChartBlock> {
        let mut out = Vec::new();
        if totals && let Some(b) = self.totals_block() {
            out.push(b);
        }
        if changes && let Some(b) = self.changes_block() {
            out.push(b);
        }
        out
    }

    fn totals_block(&self) -> Option<ChartBlock> {
        if self.totals.is_empty() {
            return None;
        }
        let mut largest: Vec<(&String, f64)> = self
            .totals
            .iter()
            .map(|(d, ys)| (d, ys.values().sum::<f64>()))
            .collect();
        largest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut departments: Vec<&String> = largest
            .into_iter()
            .take(self.max_departments)
            .map(|(d, _)| d)
            .collect();
        departments.sort();
        let mut years: Vec<i64> = self
            .totals
            .values()
            .flat_map(|ys| ys.keys().copied())
            .collect();
        years.sort_unstable();
        years.dedup();
        let mut header = vec!["年度".to_string()];
        header.extend(departments.iter().map(|d| d.to_string()));
        let rows = years
            .iter()
            .map(|y| {
                let mut row = vec![ChartCell::Number(*y as f64)];
                row.extend(departments.iter().map(|d| {
                    self.totals
                        .get(*d)
                        .and_then(|ys| ys.get(y))
                        .map_or(ChartCell::Empty, |v| ChartCell::Money(*v))
                }));
                row
            })
            .collect();
        Some(ChartBlock {
            title: "部门年度预算总额（万元）".into(),
            kind: ChartKind::Columns,
            series: (1..=departments.len()).collect(),
            header,
            rows,
            categories: 0,
            category_axis: Some("年度".into()),
            value_axis: "万元".into(),
        })
    }

    fn changes_block(&self) -> Option<ChartBlock> {
        if self.changes.is_empty() {
            return None;
        }
        let to = *self.years.last()?;
        let span = match self
            .years
            .len()
            .checked_sub(2)
            .and_then(|i| self.years.get(i))
        {
            Some(from) => format!("{from}→{to}年"),
            None => format!("{to}年"),
        };
        let rows = self
            .changes
            .iter()
            .map(|(project, dept, change)| {
                vec![
                    ChartCell::Text(bar_label(project, dept)),
                    ChartCell::Text(project.clone()),
                    ChartCell::Text(dept.clone()),
                    ChartCell::Money(*change),
                ]
            })
            .collect();
        Some(ChartBlock {
            title: format!(
                "{span}项目金额变化最大的{}个项目（万元）",
                self.changes.len()
            ),
            kind: ChartKind::RankedBars,
            header: ["简称", "项目", "部门", "增减（万元）"]
                .map(String::from)
                .to_vec(),
            rows,
            categories: 0,
            series: vec![3],
            category_axis: None,
            value_axis: "万元".into(),
        })
    }
}

/// A bar's label: the project without the department's name in front, and
/// not longer than [`MAX_BAR_LABEL_CHARS`].
fn bar_label(project: &str, department: &str) -> String {
    let short = project
        .strip_prefix(department)
        .filter(|rest| !rest.is_empty() && !department.is_empty())
        .unwrap_or(project);
    if short.chars().count() <= MAX_BAR_LABEL_CHARS {
        return short.to_string();
    }
    let mut out: String = short.chars().take(MAX_BAR_LABEL_CHARS - 1).collect();
    out.push('…');
    out
}

/// The year of a `<prefix>_<year>` column name.
fn column_year(name: &str, prefix: &str) -> Option<i32> {
    let y = name.strip_prefix(prefix)?.strip_prefix('_')?;
    (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
        .then(|| y.parse().ok())
        .flatten()
}

fn text_values(df: &DataFrame, name: &str) -> Option<Vec<Option<String>>> {
    let c = df.column(name).ok()?.cast(&DataType::String).ok()?;
    Some(
        c.str()
            .ok()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect(),
    )
}

/// A numeric column as f64: decimals exactly rounded, integers as they are.
fn number_values(df: &DataFrame, name: &str) -> Option<Vec<Option<f64>>> {
    let col = df.column(name).ok()?;
    match col.dtype() {
        DataType::Decimal(_, scale) => {
            let scale = *scale;
            let ca = col.decimal().ok()?.physical().clone();
            Some(
                ca.iter()
                    .map(|m| m.map(|m| crate::emit::decimal_f64(m, scale)))
                    .collect(),
            )
        }
        dt if dt.is_primitive_numeric() => {
            let c = col.cast(&DataType::Float64).ok()?;
            Some(c.f64().ok()?.iter().collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_labels_drop_the_department_and_stay_short() {
        assert_eq!(bar_label("水利局防汛抗旱经费", "水利局"), "防汛抗旱经费");
        assert_eq!(bar_label("水利局", "水利局"), "水利局");
        let long = "一二三四五六七八九十一二三四五六七八九十一二三四五六";
        let l = bar_label(long, "");
        assert_eq!(l.chars().count(), MAX_BAR_LABEL_CHARS);
        assert!(l.ends_with('…'));
    }
}

//! Aggregate: year-over-year comparison of the flattened tables of many
//! documents and years.
//!
//! - [`key`]: project keys (names without years and department prefixes);
//! - [`series`]: projects linked across years into series;
//! - [`target`]: indicator targets parsed into op, number and unit, and
//!   their moves judged;
//! - the reports, each a polars `DataFrame`: [`summary_by_year`],
//!   [`project_trend`], [`indicator_mix`], [`target_changes`]; all of them
//!   by [`reports`] in memory, or by [`stream`] a batch of departments at a
//!   time, in memory that does not grow with the corpus;
//! - [`charts`]: what the workbook's charts plot, as chart blocks.

pub mod charts;
pub mod key;
pub mod series;
pub mod stream;
pub use jixiao_core::target;

mod input;
mod reports;

pub use charts::{ChartData, DEFAULT_CHART_DEPARTMENTS};
pub use stream::{DEFAULT_BATCH_ROWS, Source, StreamOptions, stream};

use std::borrow::Cow;

use polars::prelude::{DataFrame, PolarsError};

pub use reports::{indicator_mix, project_trend, summary_by_year, target_changes, with_targets};

/// The report tables, in output order.
pub const REPORT_TABLES: &[&str] = &[
    "summary_by_year",
    "project_trend",
    "indicator_mix",
    "target_changes",
];

/// A report could not be made. Names the table and column at fault.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error("table {table}: no column `{column}`")]
    MissingColumn { table: &'static str, column: String },
    #[error("table {table}: column `{column}`: {message}")]
    BadColumn {
        table: &'static str,
        column: String,
        message: String,
    },
    #[error("table {table}, row {row} (source {source_name}): no budget year")]
    MissingYear {
        table: &'static str,
        row: usize,
        source_name: String,
    },
    #[error("report {report}: {source}")]
    Polars {
        report: &'static str,
        #[source]
        source: PolarsError,
    },
}

/// Every cross-year report, by table name, from the flattened tables.
pub fn reports(
    indicators: &DataFrame,
    projects: &DataFrame,
) -> Result<Vec<(String, DataFrame)>, AggregateError> {
    reports::all(indicators, projects)
}

/// The Chinese label of a column of the canonical tables or of a report,
/// including the per-year columns of `project_trend` (`amount_2024` →
/// `2024年金额（万元）`).
pub fn label_zh(column: &str) -> Option<Cow<'static, str>> {
    if let Some(l) = crate::schema::label_zh(column) {
        return Some(Cow::Borrowed(l));
    }
    let fixed = match column {
        "scope" => Some("范围"),
        "series_id" => Some("项目系列编号"),
        "project_key" => Some("项目系列键"),
        "first_year" => Some("首个年度"),
        "last_year" => Some("最后年度"),
        "status" => Some("状态"),
        "indicator_share" => Some("指标占比"),
        "prev_year" => Some("上一年度"),
        "prev_project" => Some("上年项目名称"),
        "prev_annual_value" => Some("上年年度指标值"),
        "prev_target_op" => Some("上年比较符"),
        "prev_target_number" => Some("上年指标数值"),
        "prev_target_unit" => Some("上年计量单位"),
        "target_op" => Some("比较符"),
        "target_number" => Some("指标数值"),
        "target_unit" => Some("计量单位"),
        "change" => Some("变化"),
        "cycle_op" => Some("实施周期比较符"),
        "cycle_number" => Some("实施周期指标数值"),
        "cycle_unit" => Some("实施周期计量单位"),
        "annual_op" => Some("年度比较符"),
        "annual_number" => Some("年度指标数值"),
        "annual_unit" => Some("年度计量单位"),
        _ => None,
    };
    if let Some(l) = fixed {
        return Some(Cow::Borrowed(l));
    }
    let (prefix, year) = column.rsplit_once('_')?;
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let label = match prefix {
        "amount" => format!("{year}年金额（万元）"),
        "change" => format!("{year}年较上年增减（万元）"),
        "pct" => format!("{year}年较上年增减比例"),
        "match" => format!("{year}年匹配规则"),
        _ => return None,
    };
    Some(Cow::Owned(label))
}

/// The sheet label and column captions of a table (canonical or report):
/// Chinese labels where there are, the names otherwise.
pub fn captions(table: &str, columns: &[String]) -> (String, Vec<String>) {
    let label = crate::schema::table_label_zh(table)
        .or_else(|| table_label_zh(table))
        .unwrap_or(table)
        .to_string();
    let captions = columns
        .iter()
        .map(|c| label_zh(c).map_or_else(|| c.clone(), Cow::into_owned))
        .collect();
    (label, captions)
}

/// A table as a workbook sheet, labelled as [`captions`] says.
pub fn sheet<'a>(
    name: &str,
    table: &'a dyn crate::emit::Batches,
    rows: usize,
) -> Result<crate::emit::xlsx::Sheet<'a>, PolarsError> {
    let columns: Vec<String> = table
        .schema()?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    let (label, captions) = captions(name, &columns);
    Ok(crate::emit::xlsx::Sheet {
        label,
        captions,
        rows,
        table,
    })
}

/// The sheet label of a report table.
pub fn table_label_zh(table: &str) -> Option<&'static str> {
    Some(match table {
        "summary_by_year" => "年度汇总",
        "project_trend" => "项目跨年趋势",
        "indicator_mix" => "指标结构",
        "target_changes" => "指标值变化",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_zh("amount").as_deref(), Some("金额（万元）"));
        assert_eq!(
            label_zh("amount_2024").as_deref(),
            Some("2024年金额（万元）")
        );
        assert_eq!(
            label_zh("pct_2025").as_deref(),
            Some("2025年较上年增减比例")
        );
        assert_eq!(label_zh("match_2025").as_deref(), Some("2025年匹配规则"));
        assert_eq!(label_zh("change").as_deref(), Some("变化"));
        assert_eq!(
            label_zh("amount_fiscal").as_deref(),
            Some("财政拨款（万元）")
        );
        assert_eq!(label_zh("amount_24"), None);
        assert_eq!(label_zh("whatever_2024"), None);
    }
}

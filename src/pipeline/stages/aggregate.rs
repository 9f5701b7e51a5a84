//! `aggregate`: the cross-year reports (`summary_by_year`, `project_trend`,
//! `indicator_mix`, `target_changes`) from `indicators` and `projects`.

use std::any::Any;

use polars::prelude::*;
use serde::Deserialize;

use std::collections::BTreeMap;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::aggregate::{
    AggregateError, DEFAULT_BATCH_ROWS, DEFAULT_CHART_DEPARTMENTS, REPORT_TABLES, StreamOptions,
};
use crate::emit::EmitError;
use crate::pipeline::run::{PlanState, RunError, RunState};
use crate::pipeline::table::{Spill, SpillWriter, Table};

/// `aggregate`: which reports (empty = all).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateConfig {
    /// Which reports; empty = all.
    #[serde(default)]
    pub reports: Vec<String>,
    /// Departments the workbook's chart of yearly totals shows (the
    /// largest; default 12). The `summary_by_year` sheet has them all.
    #[serde(default)]
    pub chart_departments: Option<usize>,
    /// Rows of both tables reported at a time (whole departments; default
    /// 50,000): the reports' memory is about 1 KB a row of a batch, three
    /// batches at a time.
    #[serde(default)]
    pub batch_rows: Option<usize>,
}

impl AggregateConfig {
    fn wanted(&self, report: &str) -> bool {
        self.reports.is_empty() || self.reports.iter().any(|x| x == report)
    }
}

impl StageConfig for AggregateConfig {
    fn type_name(&self) -> &'static str {
        "aggregate"
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        if !w.seen.contains("flatten") {
            found.add("", "aggregate needs a flatten stage before it");
        }
        for (j, r) in self.reports.iter().enumerate() {
            if !REPORT_TABLES.contains(&r.as_str()) {
                found.add(
                    &format!(".reports[{j}]"),
                    format!(
                        "unknown report \"{r}\"; expected one of {}",
                        REPORT_TABLES.join(", ")
                    ),
                );
            }
        }
        if self.chart_departments == Some(0) {
            found.add(".chart_departments", "must be at least 1");
        }
        if self.batch_rows == Some(0) {
            found.add(".batch_rows", "must be at least 1");
        }
        for r in REPORT_TABLES.iter().filter(|r| self.wanted(r)) {
            w.tables.insert((*r).to_string());
        }
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        Ok(Box::new(Aggregate {
            name: b.name.to_string(),
            config: self.clone(),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct Aggregate {
    name: String,
    config: AggregateConfig,
}

/// Rows of a report's row groups (but the last of each part): a batch's
/// rows of one year are often a few thousand. Every part gathers this many
/// at most before they are encoded, some 2 MB each. At 1 GB of corpus,
/// 16,384 took 40 MB more at the peak and made files 9% smaller than this
/// (this: 18% larger than row groups of 65,536 rows).
const REPORT_GROUP_ROWS: usize = 8_192;

/// Indicator columns no report reads: an indicator's amounts (the projects
/// table has them) and its number in the list. `source` and `line` tie each
/// indicator to its project row and stay.
const UNREAD_INDICATOR_COLUMNS: &[&str] = &[
    "amount",
    "amount_fiscal",
    "amount_special",
    "amount_other",
    "seq",
];
const UNREAD_PROJECT_COLUMNS: &[&str] = &["goal", "amount_note"];

/// The reports of whole tables (the plan's columns, from no rows).
fn compute_reports(
    indicators: &DataFrame,
    projects: &DataFrame,
) -> Result<Vec<(String, DataFrame)>, AggregateError> {
    crate::aggregate::reports(indicators, projects)
}

fn aggregate_error(stage: &str, e: AggregateError) -> RunError {
    match e {
        AggregateError::Polars { report, source } => RunError::Internal {
            context: format!("stage \"{stage}\": report {report}"),
            source: Box::new(source),
        },
        other => RunError::Usage(format!("stage \"{stage}\": {other}")),
    }
}

impl Stage for Aggregate {
    /// A batch of departments at a time, each report's rows spilled as they
    /// come: memory does not grow with the corpus.
    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let get = |name: &str| -> Result<&Table, RunError> {
            st.tables
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t)
                .ok_or_else(|| RunError::Usage(format!("aggregate needs the {name} table")))
        };
        let (indicators, projects) = (get("indicators")?, get("projects")?);
        let dir = st.work.file(&format!("aggregate-{}", st.tables.len()));
        std::fs::create_dir_all(&dir).map_err(|source| {
            RunError::Output(EmitError::Io {
                path: dir.clone(),
                source,
            })
        })?;
        let opts = StreamOptions {
            batch_rows: self.config.batch_rows.unwrap_or(DEFAULT_BATCH_ROWS),
            work_dir: dir.clone(),
            reports: self.config.reports.clone(),
            chart_departments: self
                .config
                .chart_departments
                .unwrap_or(DEFAULT_CHART_DEPARTMENTS),
            between_batches: crate::pipeline::run::BETWEEN_STAGES.get().copied(),
        };
        // One spill per report and part; parts are concatenated in order.
        // Each report is encoded here, once: a Parquet output copies its
        // row groups, other outputs read them.
        let mut parts: BTreeMap<(&'static str, i64), SpillWriter> = BTreeMap::new();
        let mut files = 0usize;
        let charts =
            crate::aggregate::stream(indicators, projects, &opts, &mut |report, part, df| {
                files += 1;
                parts
                    .entry((report, part))
                    .or_insert_with(|| SpillWriter::gathered(REPORT_GROUP_ROWS))
                    .push(dir.join(format!("{report}-{files}.parquet")), &df)
                    .map_err(|source| AggregateError::Polars { report, source })
            })
            .map_err(|e| aggregate_error(&self.name, e))?;
        let mut reports: BTreeMap<&'static str, Vec<Spill>> = BTreeMap::new();
        for ((report, _), w) in parts {
            let spill = w.finish().map_err(super::internal(format!(
                "stage \"{}\": report {report}",
                self.name
            )))?;
            reports.entry(report).or_default().push(spill);
        }
        for name in REPORT_TABLES {
            if let Some(spills) = reports.remove(name) {
                st.tables
                    .push((name.to_string(), Table::Spilled(Spill::concat(spills))));
            }
        }
        st.charts = Some(charts);
        Ok(())
    }

    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        // The reports' columns, from the reports of no rows.
        let empty = |df: PolarsResult<DataFrame>, drop: &[&str]| {
            df.map(|d| d.drop_many(drop.iter().copied()))
        };
        let reports = empty(crate::flatten::indicators(&[]), UNREAD_INDICATOR_COLUMNS)
            .and_then(|i| {
                empty(crate::flatten::projects(&[]), UNREAD_PROJECT_COLUMNS).map(|p| (i, p))
            })
            .map_err(|e| e.to_string())
            .and_then(|(i, p)| compute_reports(&i, &p).map_err(|e| e.to_string()));
        for r in REPORT_TABLES.iter().filter(|r| self.config.wanted(r)) {
            let schema = match &reports {
                Ok(all) => all
                    .iter()
                    .find(|(n, _)| n == r)
                    .map(|(_, d)| d.schema().as_ref().clone())
                    .ok_or_else(|| polars_err!(NoData: "report {r} not made")),
                Err(e) => Err(polars_err!(ComputeError: "{e}")),
            };
            pl.add_table(r, schema);
        }
        Ok(())
    }
}

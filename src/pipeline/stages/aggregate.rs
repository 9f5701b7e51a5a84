//! `aggregate`: the cross-year reports (`summary_by_year`, `project_trend`,
//! `indicator_mix`, `target_changes`) from `indicators` and `projects`.

use std::any::Any;

use polars::prelude::*;
use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::aggregate::{AggregateError, REPORT_TABLES};
use crate::pipeline::run::{PlanState, RunError, RunState};
use crate::pipeline::table::Table;

/// `aggregate`: which reports (empty = all).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateConfig {
    /// Which reports; empty = all.
    #[serde(default)]
    pub reports: Vec<String>,
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

/// The reports from the two tables: the one place this stage calls into
/// [`crate::aggregate`].
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

impl Aggregate {
    /// Reads from a (spilled) table only the columns the reports use.
    fn read(
        &self,
        tables: &[(String, Table)],
        name: &str,
        drop: &[&str],
    ) -> Result<DataFrame, RunError> {
        let internal = || super::internal(format!("stage \"{}\": reading {name}", self.name));
        let t = tables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
            .ok_or_else(|| RunError::Usage(format!("aggregate needs the {name} table")))?;
        let keep: Vec<Expr> = t
            .schema()
            .map_err(internal())?
            .iter_names()
            .filter(|n| !drop.contains(&n.as_str()))
            .map(|n| col(n.as_str()))
            .collect();
        t.lazy()
            .and_then(|lf| lf.select(keep).collect())
            .map_err(internal())
    }
}

impl Stage for Aggregate {
    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let indicators = self.read(&st.tables, "indicators", UNREAD_INDICATOR_COLUMNS)?;
        let projects = self.read(&st.tables, "projects", UNREAD_PROJECT_COLUMNS)?;
        let reports =
            compute_reports(&indicators, &projects).map_err(|e| aggregate_error(&self.name, e))?;
        for (name, df) in reports {
            if self.config.wanted(&name) {
                st.tables.push((name, Table::Mem(df)));
            }
        }
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

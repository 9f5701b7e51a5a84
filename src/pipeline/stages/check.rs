//! `check`: the run's checks. Reconciliation (the sums of projects against
//! their unit's total and of units against 合计, over the figures ingest
//! kept), the parsers' warnings, and column tests as in dbt. Each has its own
//! severity: `warn` reports, `error` also makes the run exit 1.

use std::any::Any;

use polars::prelude::AnyValue;
use serde::{Deserialize, Serialize};

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::emit;
use crate::model::{Warning, WarningKind};
use crate::pipeline::run::{PlanState, RunError, RunState};

/// How bad a failed check is: `warn` reports it, `error` also makes the run exit 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Off,
    #[default]
    Warn,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// `check`: reconciliation, warnings and column tests.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Sums: projects to their unit, units to 合计 (sums only).
    #[serde(default)]
    pub reconcile: Severity,
    /// The parsers' warnings (text kept aside, a guess not made) and
    /// repeated documents: everything the run warned about but the sums.
    #[serde(default)]
    pub warnings: Severity,
    /// Column tests, as in dbt.
    #[serde(default)]
    pub columns: Vec<ColumnCheck>,
}

/// A column test: `not_null`, `unique` or `accepted_values`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnCheck {
    #[serde(default = "default_table")]
    pub table: String,
    pub column: String,
    pub test: ColumnTest,
    /// For `accepted_values`.
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub severity: Severity,
}

fn default_table() -> String {
    "indicators".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnTest {
    NotNull,
    Unique,
    AcceptedValues,
}

/// The outcome of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub stage: String,
    /// `reconcile`, `warnings`, or `<table>.<column> <test>`.
    pub check: String,
    pub severity: &'static str,
    pub failures: usize,
    /// A few of the failing values or messages.
    pub examples: Vec<String>,
}

impl StageConfig for CheckConfig {
    fn type_name(&self) -> &'static str {
        "check"
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        if !w.seen.contains("flatten") {
            found.add("", "check needs a flatten stage before it");
        }
        for (j, col) in self.columns.iter().enumerate() {
            if !w.tables.contains(&col.table) {
                found.add(
                    &format!(".columns[{j}].table"),
                    format!("no table \"{}\" at this point", col.table),
                );
            }
            if col.test == ColumnTest::AcceptedValues && col.values.is_empty() {
                found.add(
                    &format!(".columns[{j}].values"),
                    "accepted_values needs values",
                );
            }
        }
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        Ok(Box::new(Check {
            name: b.name.to_string(),
            config: self.clone(),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct Check {
    name: String,
    config: CheckConfig,
}

fn message(w: &Warning) -> String {
    format!("{}:{}: {}", w.source, w.line, w.message)
}

impl Stage for Check {
    fn plan(&self, _pl: &mut PlanState) -> Result<(), RunError> {
        Ok(())
    }

    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let c = &self.config;
        let stage = self.name.as_str();
        if c.reconcile != Severity::Off {
            // The sums of projects and units, over the figures ingest kept,
            // join the rows' own (sources against 总计, checked by the reader)
            // as warnings of the run, once however many check stages.
            if !st.reconciled {
                let sums = std::mem::take(&mut st.sum_warnings);
                st.summary.warnings += sums.len();
                st.warnings.extend(sums);
                st.reconciled = true;
            }
            let sums: Vec<&Warning> = st
                .warnings
                .iter()
                .filter(|w| w.kind == WarningKind::Sum)
                .collect();
            st.checks.push(CheckResult {
                stage: stage.to_string(),
                check: "reconcile".into(),
                severity: c.reconcile.name(),
                failures: sums.len(),
                examples: sums.iter().take(5).map(|w| message(w)).collect(),
            });
        }
        if c.warnings != Severity::Off {
            let other: Vec<&Warning> = st
                .warnings
                .iter()
                .filter(|w| w.kind != WarningKind::Sum)
                .collect();
            st.checks.push(CheckResult {
                stage: stage.to_string(),
                check: "warnings".into(),
                severity: c.warnings.name(),
                failures: other.len(),
                examples: other.iter().take(5).map(|w| message(w)).collect(),
            });
        }
        for col in &c.columns {
            if col.severity == Severity::Off {
                continue;
            }
            st.checks.push(column_check(stage, col, &st.tables)?);
        }
        Ok(())
    }
}

fn column_check(
    stage: &str,
    col: &ColumnCheck,
    tables: &[(String, crate::pipeline::table::Table)],
) -> Result<CheckResult, RunError> {
    let internal = || super::internal(format!("stage \"{stage}\": {}.{}", col.table, col.column));
    let table = tables
        .iter()
        .find(|(n, _)| *n == col.table)
        .map(|(_, t)| t)
        .ok_or_else(|| RunError::Usage(format!("check: no table \"{}\"", col.table)))?;
    let schema = table.schema().map_err(internal())?;
    if schema.get(col.column.as_str()).is_none() {
        return Err(RunError::Usage(format!(
            "check: table \"{}\" has no column \"{}\"; columns: {}",
            col.table,
            col.column,
            schema
                .iter_names()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // Only the tested column is read (projection pushdown on spilled tables).
    let df = table
        .lazy()
        .and_then(|lf| {
            lf.select([polars::prelude::col(col.column.as_str())])
                .collect()
        })
        .map_err(internal())?;
    let series = df
        .column(&col.column)
        .map_err(internal())?
        .as_materialized_series()
        .clone();
    let (failures, examples, test) = match col.test {
        ColumnTest::NotNull => (series.null_count(), Vec::new(), "not_null"),
        ColumnTest::Unique => {
            let distinct = series.n_unique().map_err(internal())?;
            (
                series.len() - distinct.min(series.len()),
                Vec::new(),
                "unique",
            )
        }
        ColumnTest::AcceptedValues => {
            let mut bad = Vec::new();
            let mut n = 0;
            for i in 0..series.len() {
                let v = series.get(i).map_err(internal())?;
                let text = emit::cell_text(&v);
                if !matches!(v, AnyValue::Null) && !col.values.contains(&text) {
                    n += 1;
                    if bad.len() < 5 && !bad.contains(&text) {
                        bad.push(text);
                    }
                }
            }
            (n, bad, "accepted_values")
        }
    };
    Ok(CheckResult {
        stage: stage.to_string(),
        check: format!("{}.{} {test}", col.table, col.column),
        severity: col.severity.name(),
        failures,
        examples,
    })
}

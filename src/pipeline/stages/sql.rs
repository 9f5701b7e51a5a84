//! `sql`: a polars SQL query over the tables so far; the result is a new
//! table named after the stage.

use std::any::Any;

use polars::prelude::*;
use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::pipeline::config::{file_function, is_identifier};
use crate::pipeline::run::{PlanState, RunError, RunState};
use crate::pipeline::table::Table;

/// `sql`: the query.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlConfig {
    pub query: String,
}

impl StageConfig for SqlConfig {
    fn type_name(&self) -> &'static str {
        "sql"
    }

    fn validate(&self, name: &str, w: &mut Wiring, found: &mut Findings) {
        if !is_identifier(name) {
            found.add(
                ".name",
                format!(
                    "\"{name}\" cannot name a table: use letters, digits and _ (it becomes a file name and an SQL table name)"
                ),
            );
        }
        if let Some(f) = file_function(&self.query) {
            found.add(
                ".query",
                format!(
                    "{f}(…) reads files from the host; an sql stage sees only the run's tables ({})",
                    w.table_list()
                ),
            );
        }
        if !w.seen.contains("flatten") {
            found.add("", "sql needs a flatten stage before it");
        }
        if w.tables.contains(name) {
            found.add(
                ".name",
                format!("table \"{name}\" already exists; name the sql stage after its new table"),
            );
        }
        w.tables.insert(name.to_string());
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        let at = format!(
            "{}: stage \"{}\" (line {})",
            b.pipeline.path.display(),
            b.name,
            b.line
        );
        // Also refused at validation: the query sees the run's tables only.
        if let Some(f) = file_function(&self.query) {
            return Err(RunError::Usage(format!(
                "{at}: sql: {f}(…) reads files from the host; an sql stage sees only the run's tables"
            )));
        }
        Ok(Box::new(Sql {
            name: b.name.to_string(),
            at,
            query: self.query.clone(),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct Sql {
    name: String,
    /// `pipeline.toml: stage "x" (line 12)`, for messages.
    at: String,
    query: String,
}

impl Sql {
    fn execute(&self, ctx: polars::sql::SQLContext) -> Result<LazyFrame, RunError> {
        let mut ctx = ctx;
        ctx.execute(&self.query)
            .map_err(|e| RunError::Usage(format!("{}: sql: {e}", self.at)))
    }
}

impl Stage for Sql {
    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let ctx = polars::sql::SQLContext::new();
        for (name, t) in &st.tables {
            ctx.register(
                name,
                t.lazy()
                    .map_err(super::internal(format!("{}: reading {name}", self.at)))?,
            );
        }
        let df = self
            .execute(ctx)?
            .collect()
            .map_err(|e| RunError::Usage(format!("{}: sql: {e}", self.at)))?;
        st.tables.push((self.name.clone(), Table::Mem(df)));
        Ok(())
    }

    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        // The result's columns, from the query over tables of no rows.
        let ctx = polars::sql::SQLContext::new();
        for (name, schema) in &pl.tables {
            if let Ok(s) = schema {
                ctx.register(name, DataFrame::empty_with_schema(s).lazy());
            }
        }
        let schema = self
            .execute(ctx)
            .map_err(|e| polars_err!(ComputeError: "{e}"))
            .and_then(|mut lf| lf.collect_schema())
            .map(|s| s.as_ref().clone());
        pl.add_table(&self.name, schema);
        Ok(())
    }
}

//! `sql`: a polars SQL query over the tables so far; the result is a new
//! table named after the stage.
//!
//! The query is judged on its parsed statement, not its text: one SELECT
//! whose relations are the run's tables (or its own CTEs). Table functions
//! (`read_parquet(…)` however quoted, cased or commented), COPY, ATTACH,
//! INSERT and the rest are refused by `validate`. A result larger than
//! `max_rows` stops the run instead of filling the memory.

use std::any::Any;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

use polars::prelude::*;
use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::pipeline::config::is_identifier;
use crate::pipeline::run::{PlanState, RunError, RunState};
use crate::pipeline::table::Table;

/// `sql`: the query.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlConfig {
    pub query: String,
    /// The most rows the result may have (default [`DEFAULT_MAX_ROWS`]).
    #[serde(default = "default_max_rows")]
    pub max_rows: usize,
}

/// Rows an sql stage's result may have unless `max_rows` says otherwise:
/// well above any archive's indicators, well below a cross join's.
pub const DEFAULT_MAX_ROWS: usize = 10_000_000;

fn default_max_rows() -> usize {
    DEFAULT_MAX_ROWS
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
        if let Err(why) = guard(&self.query, Some(&w.tables)) {
            found.add(".query", format!("{why} (tables: {})", w.table_list()));
        }
        if self.max_rows == 0 {
            found.add(".max_rows", "max_rows must be at least 1");
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
        // Also refused at validation, where the tables are known.
        if let Err(why) = guard(&self.query, None) {
            return Err(RunError::Usage(format!("{at}: sql: {why}")));
        }
        Ok(Box::new(Sql {
            name: b.name.to_string(),
            at,
            query: self.query.clone(),
            max_rows: self.max_rows,
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
    max_rows: usize,
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
            .limit(IdxSize::try_from(self.max_rows.saturating_add(1)).unwrap_or(IdxSize::MAX))
            .collect()
            .map_err(|e| RunError::Usage(format!("{}: sql: {e}", self.at)))?;
        if df.height() > self.max_rows {
            return Err(RunError::Usage(format!(
                "{}: sql: the result has more than {} rows (max_rows); narrow the query or raise max_rows",
                self.at, self.max_rows
            )));
        }
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

/// Why `query` may not run, if it may not: it must be one SELECT (with its
/// CTEs, joins, subqueries) whose relations are `tables` or its own CTEs.
/// `tables` is `None` where they are not known yet (relations unchecked).
fn guard(query: &str, tables: Option<&BTreeSet<String>>) -> Result<(), String> {
    use sqlparser::ast::{Statement, Visit};
    let statements =
        sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::GenericDialect {}, query)
            .map_err(|e| format!("the query does not parse: {e}"))?;
    let [statement] = statements.as_slice() else {
        return Err(format!(
            "one SELECT statement is allowed, the query has {}",
            statements.len()
        ));
    };
    if !matches!(statement, Statement::Query(_)) {
        let kind = statement.to_string();
        let kind = kind
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_uppercase();
        return Err(format!(
            "{kind} is not allowed: an sql stage runs one SELECT over the run's tables"
        ));
    }
    let mut v = Relations {
        tables,
        ctes: BTreeSet::new(),
    };
    match statement.visit(&mut v) {
        ControlFlow::Break(why) => Err(why),
        ControlFlow::Continue(()) => Ok(()),
    }
}

/// Walks a statement's relations: names must be tables or CTEs, and no
/// relation may be a function (`read_parquet(…)`, `TABLE(…)`).
struct Relations<'a> {
    tables: Option<&'a BTreeSet<String>>,
    ctes: BTreeSet<String>,
}

impl sqlparser::ast::Visitor for Relations<'_> {
    type Break = String;

    fn pre_visit_query(&mut self, q: &sqlparser::ast::Query) -> ControlFlow<String> {
        for cte in q.with.iter().flat_map(|w| &w.cte_tables) {
            self.ctes.insert(cte.alias.name.value.clone());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, f: &sqlparser::ast::TableFactor) -> ControlFlow<String> {
        use sqlparser::ast::TableFactor;
        match f {
            TableFactor::Table { name, args, .. } => {
                let shown = name.to_string();
                if args.is_some() {
                    return ControlFlow::Break(format!(
                        "{shown}(…) is a table function (it could read files from the host); an sql stage sees only the run's tables"
                    ));
                }
                let [part] = name.0.as_slice() else {
                    return ControlFlow::Break(format!(
                        "{shown}: a qualified name; an sql stage sees only the run's tables"
                    ));
                };
                let Some(ident) = part.as_ident() else {
                    return ControlFlow::Break(format!("{shown} is not a table name"));
                };
                let known = self.ctes.contains(&ident.value)
                    || self.tables.is_none_or(|t| t.contains(&ident.value));
                if known {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(format!("no table named {shown}"))
                }
            }
            TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. }
            | TableFactor::UNNEST { .. } => ControlFlow::Continue(()),
            other => ControlFlow::Break(format!(
                "{other}: only the run's tables, subqueries and joins may be read"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> BTreeSet<String> {
        ["indicators", "projects"].map(String::from).into()
    }

    fn refused(q: &str) -> String {
        match guard(q, Some(&tables())) {
            Err(why) => why,
            Ok(()) => panic!("allowed: {q}"),
        }
    }

    #[test]
    fn selects_over_the_runs_tables_pass() {
        for q in [
            "SELECT level, COUNT(*) FROM indicators GROUP BY level",
            "SELECT i.name FROM indicators i JOIN projects p ON i.project = p.project",
            "WITH t AS (SELECT * FROM indicators) SELECT COUNT(*) FROM t",
            "SELECT * FROM (SELECT year FROM projects) AS y",
            "SELECT 'read_parquet(x)' AS s FROM indicators -- read_csv(y)",
        ] {
            assert_eq!(guard(q, Some(&tables())), Ok(()), "{q}");
        }
    }

    #[test]
    fn table_functions_are_refused_however_written() {
        for q in [
            "SELECT * FROM read_parquet('/etc/x.parquet')",
            "SELECT * FROM \"read_parquet\"('/etc/x.parquet')",
            "SELECT * FROM READ_PARQUET('/etc/x.parquet')",
            "SELECT * FROM read_parquet/**/('/etc/x.parquet')",
            "SELECT * FROM read_parquet--x\n('/etc/x.parquet')",
            "SELECT * FROM indicators JOIN read_csv('/etc/passwd') ON true",
            "WITH t AS (SELECT * FROM read_ipc('a')) SELECT * FROM t",
        ] {
            assert!(refused(q).contains("table function"), "{q}: {}", refused(q));
        }
    }

    #[test]
    fn other_statements_and_unknown_tables_are_refused() {
        assert!(refused("COPY indicators TO '/tmp/x.csv'").starts_with("COPY"));
        assert!(refused("INSERT INTO indicators VALUES (1)").starts_with("INSERT"));
        assert!(refused("ATTACH 'x.db' AS x").contains("not allowed"));
        assert!(refused("SELECT 1 FROM indicators; SELECT 2 FROM projects").contains("has 2"));
        assert!(refused("SELECT * FROM secrets").contains("no table named secrets"));
        assert!(refused("SELECT * FROM host.indicators").contains("qualified"));
        assert!(refused("SELEC * FROM indicators").contains("does not parse"));
    }

    #[test]
    fn without_known_tables_only_names_go_unchecked() {
        assert_eq!(guard("SELECT * FROM later_table", None), Ok(()));
        assert!(guard("SELECT * FROM read_json('x')", None).is_err());
    }
}

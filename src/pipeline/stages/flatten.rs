//! `flatten`: names the rows ingest spilled as the `indicators` and
//! `projects` tables (no options).

use std::any::Any;

use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::pipeline::run::{PlanState, RunError, RunState};

/// `flatten`: builds the `indicators` and `projects` tables (no options).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlattenConfig {}

impl StageConfig for FlattenConfig {
    fn type_name(&self) -> &'static str {
        "flatten"
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        if !w.seen.contains("ingest") {
            found.add("", "flatten needs an ingest stage before it");
        }
        w.tables
            .extend(["indicators".to_string(), "projects".to_string()]);
    }

    fn build(&self, _b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        Ok(Box::new(Flatten))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct Flatten;

impl Stage for Flatten {
    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let (ind, proj) = st
            .flat
            .take()
            .ok_or_else(|| RunError::Usage("flatten needs an ingest stage before it".into()))?;
        st.tables.push(("indicators".into(), ind));
        st.tables.push(("projects".into(), proj));
        Ok(())
    }

    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        let schema = |df: polars::prelude::PolarsResult<polars::prelude::DataFrame>| {
            df.map(|d| d.schema().as_ref().clone())
        };
        pl.add_table("indicators", schema(crate::flatten::indicators(&[])));
        pl.add_table("projects", schema(crate::flatten::projects(&[])));
        Ok(())
    }
}

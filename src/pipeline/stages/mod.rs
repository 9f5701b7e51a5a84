//! Stage types as components, in vector's manner: each file here holds one
//! stage type's options (a serde struct, unknown keys refused), its
//! `validate` (what it needs before it, what it produces), its `build`
//! (regexes, queries and paths compiled once) and the built stage's `run`
//! and `plan`. Adding a stage type is one file and one line in [`REGISTRY`].

use std::any::Any;
use std::collections::BTreeSet;
use std::path::PathBuf;

use super::config::Pipeline;
use super::run::{PlanState, RunError, RunOptions, RunState};

pub mod aggregate;
pub mod check;
pub mod emit;
pub mod flatten;
pub mod ingest;
pub mod review;
pub mod sql;

/// One stage type: its `type` name and how its options are read.
pub struct StageType {
    pub name: &'static str,
    /// Reads the stage's table (without `name` and `type`); `None` when it
    /// failed, with the finding recorded.
    pub parse: super::config::ParseFn,
}

/// Every stage type, in the order the documentation lists them.
pub const REGISTRY: &[StageType] = &[
    StageType {
        name: "ingest",
        parse: super::config::parse_as::<ingest::IngestConfig>,
    },
    StageType {
        name: "flatten",
        parse: super::config::parse_as::<flatten::FlattenConfig>,
    },
    StageType {
        name: "check",
        parse: super::config::parse_as::<check::CheckConfig>,
    },
    StageType {
        name: "review",
        parse: super::config::parse_as::<review::ReviewConfig>,
    },
    StageType {
        name: "aggregate",
        parse: super::config::parse_as::<aggregate::AggregateConfig>,
    },
    StageType {
        name: "sql",
        parse: super::config::parse_as::<sql::SqlConfig>,
    },
    StageType {
        name: "emit",
        parse: super::config::parse_as::<emit::EmitConfig>,
    },
];

/// A stage's options, as the pipeline file (or a command) gives them.
pub trait StageConfig: std::fmt::Debug + Send + Sync + Any {
    fn type_name(&self) -> &'static str;
    /// Options that can be checked on their own (a regular expression, an
    /// encoding name), reported at the stage's table.
    fn check_options(&self, _found: &mut Findings) {}
    /// The stage's place in the pipeline: what it needs from the stages
    /// before it, and what it adds to `w` for those after it.
    fn validate(&self, name: &str, w: &mut Wiring, found: &mut Findings);
    /// The folder the stage writes into (emit): locked for the run, and never
    /// read as input.
    fn output_dir(&self, _opts: &RunOptions) -> Option<PathBuf> {
        None
    }
    /// Paths the run's inputs must not include (the stage's own outputs).
    fn own_outputs(&self, opts: &RunOptions) -> Vec<PathBuf> {
        self.output_dir(opts).into_iter().collect()
    }
    /// Compiles what the stage needs once (regexes, encodings, paths).
    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError>;
    fn as_any(&self) -> &dyn Any;
}

/// A built stage, ready to run.
pub trait Stage: Send + Sync {
    /// Runs the stage over the tables so far.
    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError>;
    /// Adds to the plan what `run` would read and write, by the same code.
    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError>;
}

/// What building a stage may look at.
pub struct BuildContext<'a> {
    pub pipeline: &'a Pipeline,
    /// The stage's name and the line of its table in the pipeline file.
    pub name: &'a str,
    pub line: usize,
    pub opts: &'a RunOptions,
    /// Every output of the run: never read as input.
    pub exclude: &'a [PathBuf],
}

/// What the stages so far have produced, for validating the next one.
#[derive(Debug, Default)]
pub struct Wiring {
    /// Tables that exist at this point.
    pub tables: BTreeSet<String>,
    /// Stage types seen so far.
    pub seen: BTreeSet<&'static str>,
}

impl Wiring {
    /// The table names so far, for messages.
    pub fn table_list(&self) -> String {
        self.tables.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Findings of one stage: (key, message), the key under `stages[i]`.
#[derive(Debug)]
pub struct Findings {
    key: String,
    pub found: Vec<(String, String)>,
}

impl Findings {
    pub fn new(key: &str) -> Self {
        Findings {
            key: key.to_string(),
            found: Vec::new(),
        }
    }
    /// A finding at `stages[i]<suffix>` (`suffix` as `.name`, `.columns[0].table`, or empty).
    pub fn add(&mut self, suffix: &str, message: impl Into<String>) {
        self.found
            .push((format!("{}{suffix}", self.key), message.into()));
    }
}

/// A polars error inside a stage: jixiao's fault or a library's, never the
/// user's (exit 4), with its cause.
pub(crate) fn internal(
    context: impl Into<String>,
) -> impl FnOnce(polars::prelude::PolarsError) -> RunError {
    let context = context.into();
    move |e| RunError::Internal {
        context,
        source: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::REGISTRY;
    use crate::pipeline::config::parse;

    /// Each registered type reads a stage of its own type, found by its name.
    #[test]
    fn every_registered_type_reads_its_own_stages() {
        let options = |t: &str| match t {
            "ingest" => "inputs = [\"in\"]",
            "sql" => "query = \"SELECT 1 AS one\"",
            "emit" => "out = \"out\"",
            _ => "",
        };
        let mut text = String::new();
        for (i, t) in REGISTRY.iter().enumerate() {
            text.push_str(&format!(
                "[[stages]]\nname = \"s{i}\"\ntype = \"{}\"\n{}\n\n",
                t.name,
                options(t.name)
            ));
        }
        let p = parse(std::path::Path::new("p.toml"), &text).unwrap();
        let types: Vec<&str> = p.stages.iter().map(|s| s.stage.type_name()).collect();
        assert_eq!(
            types,
            [
                "ingest",
                "flatten",
                "check",
                "review",
                "aggregate",
                "sql",
                "emit"
            ]
        );
    }
}

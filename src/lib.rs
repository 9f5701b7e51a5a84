//! jixiao (绩效): converts Chinese government budget performance-target tables
//! (项目支出绩效目标表) into data: one row per performance indicator.
//!
//! Data flows one way: [`ingest`] reads files into the [`model`], [`flatten`]
//! makes the canonical tables, [`check`] reconciles the sums, [`emit`] writes
//! CSV, Parquet and XLSX; [`pipeline`] drives the stages.

pub mod aggregate;
pub mod check;
pub mod corpus;
pub mod emit;
pub mod flatten;
pub mod outline;
pub mod pipeline;
pub mod schema;
pub mod work;

// The model and the readers live in the polars-free core crate; these paths
// keep `jixiao::model` and `jixiao::ingest` for the code and tests built on them.
pub use jixiao_core::{ingest, model};

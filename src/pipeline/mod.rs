//! Driving the stages: pipeline files ([`config`]), the stage types
//! ([`stages`]), the runner that builds and walks them ([`run`]), and the
//! batch engine ([`batch`]). `run` and `convert` are both pipelines.

pub mod batch;
pub mod config;
pub mod run;
pub mod stages;
pub mod table;

pub use config::{ConfigError, Pipeline, load};
pub use run::{Outcome, RunError, RunOptions, RunReport};

//! Driving the stages: pipeline files ([`config`]), the stage runner ([`run`]),
//! and the batch engine ([`batch`]) shared by `convert` and pipeline runs.

pub mod batch;
pub mod config;
pub mod run;
pub mod table;

pub use config::{ConfigError, Pipeline, load};
pub use run::{RunError, RunOptions, RunReport};

//! Driving the stages: inputs resolved, files ingested (in parallel), tables
//! built, checks run, outputs written. `batch` is the engine shared by the
//! `convert` command and pipeline runs.

pub mod batch;

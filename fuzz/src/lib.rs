//! The parser modules of jixiao, compiled from the crate's own sources by path,
//! in the same module layout (`crate::model`, `crate::ingest::{decode, indicator,
//! text}`), so the fuzz targets call exactly `jixiao::ingest::text::parse` and
//! friends without building the emitters' polars dependency.
#![allow(dead_code, unused_imports)]

#[path = "../../src/model.rs"]
pub mod model;

#[path = "ingest.rs"]
pub mod ingest;

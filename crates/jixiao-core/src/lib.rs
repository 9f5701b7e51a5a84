//! jixiao-core: the document model, the vocabulary of the national framework,
//! a grid of cells independent of its source, the sources that build grids
//! (workbooks, text flattenings) and the readers that turn them into documents.
//!
//! No polars here: a change to a reader rebuilds in seconds.

pub mod grid;
pub mod ingest;
pub mod model;
pub mod pdf;
pub mod reader;
pub mod readers;
pub mod target;
pub mod textgrid;
pub mod vocab;

//! The fuzz targets' view of jixiao: the core crate's model and readers, under
//! the paths the targets use (`jixiao_fuzz::ingest::text`, …).

pub use jixiao_core::{ingest, model};

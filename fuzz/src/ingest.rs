//! `jixiao::ingest` without the file readers (they pull in the workbook reader).

#[path = "../../src/ingest/decode.rs"]
pub mod decode;
#[path = "../../src/ingest/indicator.rs"]
pub mod indicator;
#[path = "../../src/ingest/text.rs"]
pub mod text;

//! Parquet out (polars): zstd, statistics on, amounts as Decimal (INT64-backed
//! up to 18 digits), key-value metadata naming the producer.

use std::path::Path;

use polars::prelude::*;

use super::{EmitError, atomic_write};

/// Writes `df` to `path` atomically; returns the number of rows.
pub fn write_parquet(path: &Path, df: &DataFrame) -> Result<usize, EmitError> {
    let mut df = df.clone();
    atomic_write(path, |w| {
        let meta = KeyValueMetadata::from_static(vec![(
            "created_by_tool".to_string(),
            format!("jixiao {}", env!("CARGO_PKG_VERSION")),
        )]);
        ParquetWriter::new(w)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::default())
            .with_key_value_metadata(Some(meta))
            .finish(&mut df)
            .map_err(|e| EmitError::format(path, e))?;
        Ok(())
    })?;
    Ok(df.height())
}

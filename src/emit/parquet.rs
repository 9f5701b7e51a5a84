//! Parquet out (polars): zstd, statistics on, amounts as Decimal (INT64-backed
//! up to 18 digits), key-value metadata naming the producer. Written batch by
//! batch, so a table larger than memory streams through.

use std::path::Path;

use polars::prelude::*;

use super::{Batches, EmitError, atomic_write};

/// Writes `table` to `path` atomically; returns the number of rows.
pub fn write_parquet(path: &Path, table: &dyn Batches) -> Result<usize, EmitError> {
    let fail = |e: PolarsError| EmitError::format(path, e);
    let schema = table.schema().map_err(fail)?;
    let mut rows = 0;
    atomic_write(path, |w| {
        let meta = KeyValueMetadata::from_static(vec![(
            "created_by_tool".to_string(),
            format!("jixiao {}", env!("CARGO_PKG_VERSION")),
        )]);
        let mut writer = ParquetWriter::new(w)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::default())
            .with_key_value_metadata(Some(meta))
            .batched(&schema)
            .map_err(fail)?;
        table
            .for_each_batch(&mut |df| {
                rows += df.height();
                writer.write_batch(df)
            })
            .map_err(fail)?;
        writer.finish().map_err(fail)?;
        Ok(())
    })?;
    Ok(rows)
}

//! Parquet out (polars): zstd, statistics on, amounts as Decimal (INT64-backed
//! up to 18 digits), key-value metadata naming the producer. Written batch by
//! batch, so a table larger than memory streams through.

use std::path::Path;

use polars::prelude::*;

use super::{Batches, EmitError, atomic_write};

/// The writer of every Parquet output: zstd, statistics, and the producer's
/// name in the key-value metadata.
pub fn writer<W: std::io::Write>(w: W) -> ParquetWriter<W> {
    let meta = KeyValueMetadata::from_static(vec![(
        "created_by_tool".to_string(),
        format!("jixiao {}", env!("CARGO_PKG_VERSION")),
    )]);
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::default())
        .with_key_value_metadata(Some(meta))
}

/// Writes `table` to `path` atomically; returns the number of rows.
pub fn write_parquet(path: &Path, table: &dyn Batches) -> Result<usize, EmitError> {
    let fail = |e: PolarsError| EmitError::format(path, e);
    let schema = table.schema().map_err(fail)?;
    let mut rows = 0;
    atomic_write(path, |w| {
        let mut writer = writer(w).batched(&schema).map_err(fail)?;
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

/// Writes `table` as a Hive-partitioned dataset under `dir`:
/// `dir/<key>=<value>/<part_name>.parquet`, one file per value of the integer
/// column `key` (ASCII keys only, so every engine reads the folder names).
/// Returns the files written, relative to `dir`, sorted.
pub fn write_partitioned(
    dir: &Path,
    table: &dyn Batches,
    key: &str,
    part_name: &str,
) -> Result<Vec<std::path::PathBuf>, EmitError> {
    use std::collections::BTreeMap;
    use std::fs::File;

    let fail = |e: PolarsError| EmitError::format(dir, e);
    let mut schema = table.schema().map_err(fail)?;
    if !matches!(
        schema.get(key),
        Some(DataType::Int32 | DataType::Int64 | DataType::UInt32)
    ) {
        return Err(EmitError::format(
            dir,
            format!("cannot partition by \"{key}\": not an integer column"),
        ));
    }
    // The key lives in the folder name only: Spark refuses a column that is
    // both in the files and in the partition path.
    let _ = schema.shift_remove(key);
    let mut writers: BTreeMap<i64, polars::io::parquet::write::BatchedWriter<File>> =
        BTreeMap::new();
    let mut files = Vec::new();
    table
        .for_each_batch(&mut |df| {
            let keys = df.column(key)?.cast(&DataType::Int64)?;
            let keys = keys.i64()?;
            let mut values: Vec<i64> = keys.iter().flatten().collect();
            values.sort_unstable();
            values.dedup();
            for v in values {
                let part = df.filter(&keys.equal(v))?.drop(key)?;
                if !writers.contains_key(&v) {
                    let rel = std::path::PathBuf::from(format!("{key}={v}"))
                        .join(format!("{part_name}.parquet"));
                    let path = dir.join(&rel);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| polars_err!(ComputeError: "{}: {e}", parent.display()))?;
                    }
                    let file = File::create(&path)
                        .map_err(|e| polars_err!(ComputeError: "{}: {e}", path.display()))?;
                    let w = writer(file).batched(&schema)?;
                    writers.insert(v, w);
                    files.push(rel);
                }
                if let Some(w) = writers.get_mut(&v) {
                    w.write_batch(&part)?;
                }
            }
            Ok(())
        })
        .map_err(fail)?;
    for (_, w) in writers {
        w.finish().map_err(fail)?;
    }
    files.sort();
    Ok(files)
}

//! Parquet out (polars): zstd, statistics on, amounts as Decimal (INT64-backed
//! up to 18 digits), key-value metadata naming the producer. Written batch by
//! batch, so a table larger than memory streams through.

use std::path::Path;

use polars::io::parquet::write::get_encodings;
use polars::prelude::*;
use polars_parquet::write::{
    CompressedPage, CompressionOptions, Compressor, Encoding, ParquetType, Version, WriteOptions,
    array_to_columns, to_parquet_schema,
};
use rayon::prelude::*;

use super::{Batches, EmitError, atomic_write};

/// The compression of every Parquet output.
fn compression() -> ParquetCompression {
    ParquetCompression::Zstd(None)
}

/// The writer of every Parquet output: zstd, statistics, and the producer's
/// name in the key-value metadata.
pub fn writer<W: std::io::Write>(w: W) -> ParquetWriter<W> {
    let meta = KeyValueMetadata::from_static(vec![(
        "created_by_tool".to_string(),
        format!("jixiao {}", env!("CARGO_PKG_VERSION")),
    )]);
    ParquetWriter::new(w)
        .with_compression(compression())
        .with_statistics(StatisticsOptions::default())
        .with_key_value_metadata(Some(meta))
}

/// A row group encoded and compressed: its rows, and each column's pages.
pub type EncodedRowGroup = (usize, Vec<Vec<CompressedPage>>);

/// Encodes frames into the row groups of [`writer`]'s files, a column a
/// core, away from the thread that writes them.
///
/// polars' batched writer encodes columns in parallel but compresses their
/// pages while it writes them, on the writing thread: most of the work, on
/// one core. This is what polars' own streaming sink does instead.
pub struct RowGroupEncoder {
    fields: Vec<ParquetType>,
    encodings: Vec<Vec<Encoding>>,
    options: WriteOptions,
}

impl RowGroupEncoder {
    /// An encoder for frames of `schema` (the schema the writer was made with).
    pub fn new(schema: &Schema) -> PolarsResult<Self> {
        let arrow = schema.to_arrow(CompatLevel::newest());
        let fields = to_parquet_schema(&arrow)?.fields().to_vec();
        let encodings = get_encodings(&arrow).iter().cloned().collect();
        Ok(RowGroupEncoder {
            fields,
            encodings,
            options: WriteOptions {
                statistics: StatisticsOptions::default(),
                version: Version::V1,
                compression: CompressionOptions::from(compression()),
                data_page_size: None,
            },
        })
    }

    /// Each chunk of `df` as a row group (as the batched writer makes them).
    pub fn encode(&self, df: &DataFrame) -> PolarsResult<Vec<EncodedRowGroup>> {
        let mut out = Vec::new();
        for batch in df.iter_chunks(CompatLevel::newest(), false) {
            let rows = batch.len();
            if rows == 0 {
                continue;
            }
            let columns: Vec<Vec<Vec<CompressedPage>>> = batch
                .columns()
                .par_iter()
                .zip(&self.fields)
                .zip(&self.encodings)
                .map(|((array, field), encodings)| self.column(array, field, encodings))
                .collect::<PolarsResult<_>>()?;
            out.push((rows, columns.into_iter().flatten().collect()));
        }
        Ok(out)
    }

    /// One column's leaves, each a list of compressed pages.
    fn column(
        &self,
        array: &ArrayRef,
        field: &ParquetType,
        encodings: &[Encoding],
    ) -> PolarsResult<Vec<Vec<CompressedPage>>> {
        array_to_columns(array, field.clone(), self.options, encodings)?
            .into_iter()
            .map(|pages| {
                let pages = pages.map(|p| {
                    p.map_err(|e| {
                        polars_parquet::read::ParquetError::FeatureNotSupported(e.to_string())
                    })
                });
                Compressor::new_from_vec(pages, self.options.compression, Vec::new())
                    .collect::<Result<Vec<CompressedPage>, _>>()
                    .map_err(PolarsError::from)
            })
            .collect()
    }
}

/// Writes `table` to `path` atomically; returns the number of rows.
///
/// Three things at once: one thread reads the table's batches, the cores
/// encode and compress each batch's columns, and this thread writes the
/// row groups in order. One batch at most waits between reading and
/// encoding.
pub fn write_parquet(path: &Path, table: &(dyn Batches + Sync)) -> Result<usize, EmitError> {
    let fail = |e: PolarsError| EmitError::format(path, e);
    let schema = table.schema().map_err(fail)?;
    let encoder = RowGroupEncoder::new(&schema).map_err(fail)?;
    let mut rows = 0;
    atomic_write(path, |w| {
        let mut writer = writer(w).batched(&schema).map_err(fail)?;
        if let Some(files) = table.parquet_files() {
            for file in files {
                rows += copy_row_groups(&mut writer, &file).map_err(fail)?;
            }
            writer.finish().map_err(fail)?;
            return Ok(());
        }
        std::thread::scope(|scope| -> PolarsResult<()> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<DataFrame>(1);
            let reader = scope.spawn(move || {
                table.for_each_batch(&mut |df| {
                    // The receiver stops only on an error, which it reports.
                    tx.send(df.clone())
                        .map_err(|_| polars_err!(ComputeError: "the writer stopped"))
                })
            });
            let mut written = Ok(());
            for df in rx {
                rows += df.height();
                written = encoder.encode(&df).and_then(|groups| {
                    groups
                        .iter()
                        .try_for_each(|(n, rg)| writer.write_row_group(*n as u64, rg))
                });
                if written.is_err() {
                    break;
                }
            }
            let read = reader
                .join()
                .unwrap_or_else(|_| Err(polars_err!(ComputeError: "the reading thread failed")));
            written.and(read)
        })
        .map_err(fail)?;
        writer.finish().map_err(fail)?;
        Ok(())
    })?;
    Ok(rows)
}

/// Copies every row group of the Parquet file `from` into `to`, page by
/// page as they are stored: nothing decoded, nothing encoded again. `from`
/// must have been written by [`writer`] with `to`'s schema.
pub fn copy_row_groups<W: std::io::Write>(
    to: &mut polars::io::parquet::write::BatchedWriter<W>,
    from: &Path,
) -> PolarsResult<usize> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |e: std::io::Error| polars_err!(ComputeError: "{}: {e}", from.display());
    let mut file = std::fs::File::open(from).map_err(io)?;
    let meta = polars_parquet::parquet::read::read_metadata(&mut file)?;
    let mut rows = 0;
    for group in &meta.row_groups {
        let mut columns = Vec::with_capacity(group.parquet_columns().len());
        for column in group.parquet_columns() {
            let range = column.byte_range();
            let len = usize::try_from(range.end.saturating_sub(range.start)).map_err(
                |_| polars_err!(ComputeError: "{}: column chunk too large", from.display()),
            )?;
            let mut bytes = vec![0u8; len];
            file.seek(SeekFrom::Start(range.start)).map_err(io)?;
            file.read_exact(&mut bytes).map_err(io)?;
            let reader = polars_parquet::parquet::read::PageReader::new(
                std::io::Cursor::new(polars_buffer::Buffer::from(bytes)),
                column,
                Vec::new(),
                len,
            );
            let mut pages = reader.collect::<Result<Vec<CompressedPage>, _>>()?;
            // A page read back does not know its rows, which the writer
            // counts. Every column here is flat: a value is a row.
            for page in &mut pages {
                if let CompressedPage::Data(p) = page {
                    p.num_rows = Some(p.num_values());
                }
            }
            columns.push(pages);
        }
        to.write_row_group(group.num_rows() as u64, &columns)?;
        rows += group.num_rows();
    }
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
    // One type per column in every file of every run, shard and year:
    // engines take one file's type for the whole dataset (DuckDB rounds the
    // others to it, Spark refuses them).
    let schema = dataset_schema(&schema);
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
                    w.write_batch(&cast_decimals(part, &schema)?)?;
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

/// Precision and scale of every Decimal column in a partitioned dataset:
/// wide enough for every figure the readers accept (amounts of 15 integer
/// digits and 8 decimals, [`jixiao_core::vocab::MAX_AMOUNT_INT_DIGITS`];
/// target numbers of 8 decimals at most, [`jixiao_core::vocab::MAX_NUMBER_FRAC_DIGITS`]).
pub const DATASET_DECIMAL: (usize, usize) = (38, 8);

/// `schema` with every Decimal column as [`DATASET_DECIMAL`].
fn dataset_schema(schema: &Schema) -> Schema {
    schema
        .iter()
        .map(|(name, t)| {
            let t = match t {
                DataType::Decimal(..) => DataType::Decimal(DATASET_DECIMAL.0, DATASET_DECIMAL.1),
                t => t.clone(),
            };
            (name.clone(), t)
        })
        .collect()
}

/// `df` with its Decimal columns cast to `schema`'s (wider, so exact;
/// strict, so a value that would need rounding is an error, never a changed
/// figure or a null).
pub fn cast_decimals(mut df: DataFrame, schema: &Schema) -> PolarsResult<DataFrame> {
    let casts: Vec<Column> = df
        .columns()
        .iter()
        .filter_map(|c| match (c.dtype(), schema.get(c.name())) {
            (DataType::Decimal(..), Some(t)) if c.dtype() != t => Some(c.strict_cast(t)),
            _ => None,
        })
        .collect::<PolarsResult<_>>()?;
    for c in casts {
        df.with_column(c)?;
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flatten::decimal_column;
    use rust_decimal::Decimal;

    /// A table of several batches; fails before batch `fail_at`, if given.
    struct Parts {
        batches: Vec<DataFrame>,
        fail_at: Option<usize>,
    }

    impl Batches for Parts {
        fn schema(&self) -> PolarsResult<Schema> {
            Ok(self.batches[0].schema().as_ref().clone())
        }
        fn for_each_batch(
            &self,
            f: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>,
        ) -> PolarsResult<()> {
            for (i, df) in self.batches.iter().enumerate() {
                if self.fail_at == Some(i) {
                    return Err(polars_err!(ComputeError: "batch {i} unreadable"));
                }
                f(df)?;
            }
            Ok(())
        }
    }

    fn batch(names: &[&str], cents: &[i64]) -> DataFrame {
        let amounts: Vec<Option<Decimal>> =
            cents.iter().map(|&c| Some(Decimal::new(c, 2))).collect();
        DataFrame::new_infer_height(vec![
            Column::new("name".into(), names),
            decimal_column("amount", &amounts).unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn batches_become_row_groups_in_order_with_exact_amounts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let parts = Parts {
            batches: vec![
                batch(&["教学设备购置", "校舍维修"], &[12_345_67, 1]),
                batch(&["课题经费"], &[99_999_999_99]),
                batch(&["图书采购", "实验耗材", "培训"], &[50, 0, 7_00]),
            ],
            fail_at: None,
        };
        assert_eq!(write_parquet(&path, &parts).unwrap(), 6);
        let df = ParquetReader::new(std::fs::File::open(&path).unwrap())
            .finish()
            .unwrap();
        let names: Vec<&str> = df
            .column("name")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(
            names,
            [
                "教学设备购置",
                "校舍维修",
                "课题经费",
                "图书采购",
                "实验耗材",
                "培训"
            ]
        );
        let amounts: Vec<String> = (0..df.height())
            .map(|i| df.column("amount").unwrap().get(i).unwrap().to_string())
            .collect();
        assert_eq!(
            amounts,
            ["12345.67", "0.01", "99999999.99", "0.50", "0.00", "7.00"]
        );
        let mut r = ParquetReader::new(std::fs::File::open(&path).unwrap());
        assert_eq!(r.get_metadata().unwrap().row_groups.len(), 3);
    }

    #[test]
    fn a_batch_that_cannot_be_read_fails_the_write_and_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        std::fs::write(&path, b"earlier output").unwrap();
        let parts = Parts {
            batches: vec![
                batch(&["甲"], &[1]),
                batch(&["乙"], &[2]),
                batch(&["丙"], &[3]),
            ],
            fail_at: Some(2),
        };
        let e = write_parquet(&path, &parts).unwrap_err().to_string();
        assert!(e.contains("batch 2 unreadable"), "{e}");
        assert!(e.contains("t.parquet"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"earlier output");
    }
}

//! Tables between stages: small ones in memory, the big ones (`indicators`,
//! `projects`) spilled to Parquet chunk by chunk as files are parsed, so memory
//! stays flat however large the corpus.
//!
//! Chunks may differ in a Decimal column's scale (a table in 元 needs more
//! places than one in 万元); reading a spilled table casts every chunk to the
//! widest scale seen, which is exact.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// A table produced by a stage.
#[derive(Debug, Clone)]
pub enum Table {
    Mem(DataFrame),
    Spilled(Spill),
}

/// A table stored as Parquet chunk files.
#[derive(Debug, Clone, Default)]
pub struct Spill {
    files: Vec<PathBuf>,
    rows: usize,
    /// Widest (precision, scale) per Decimal column.
    decimals: BTreeMap<String, (usize, usize)>,
    /// The schema of the first chunk (column order and types but decimals).
    schema: Option<Schema>,
}

impl Spill {
    /// Appends a chunk, written to `path`.
    pub fn push(&mut self, path: PathBuf, df: &mut DataFrame) -> PolarsResult<()> {
        if df.height() == 0 && !self.files.is_empty() {
            return Ok(());
        }
        for c in df.columns() {
            if let DataType::Decimal(p, s) = c.dtype() {
                let e = self
                    .decimals
                    .entry(c.name().to_string())
                    .or_insert((*p, *s));
                *e = (e.0.max(*p), e.1.max(*s));
            }
        }
        if self.schema.is_none() {
            self.schema = Some(df.schema().as_ref().clone());
        }
        let file = File::create(&path)
            .map_err(|e| polars_err!(ComputeError: "{}: {e}", path.display()))?;
        // Spills are read back once: fast compression, no statistics.
        ParquetWriter::new(file)
            .with_compression(ParquetCompression::Lz4Raw)
            .with_statistics(StatisticsOptions::empty())
            .finish(df)?;
        self.rows += df.height();
        self.files.push(path);
        Ok(())
    }

    /// A chunk cast to the table's common decimal types.
    fn harmonize(&self, mut df: DataFrame) -> PolarsResult<DataFrame> {
        for (name, &(p, s)) in &self.decimals {
            let target = DataType::Decimal(p, s);
            if let Ok(c) = df.column(name) {
                if c.dtype() != &target {
                    let cast = c.cast(&target)?;
                    df.with_column(cast)?;
                }
            }
        }
        Ok(df)
    }

    fn read(&self, path: &Path) -> PolarsResult<DataFrame> {
        let file =
            File::open(path).map_err(|e| polars_err!(ComputeError: "{}: {e}", path.display()))?;
        self.harmonize(ParquetReader::new(file).finish()?)
    }
}

impl Table {
    pub fn rows(&self) -> usize {
        match self {
            Table::Mem(df) => df.height(),
            Table::Spilled(s) => s.rows,
        }
    }

    /// Calls `f` with the table chunk by chunk, in order.
    pub fn for_each_batch(
        &self,
        mut f: impl FnMut(&DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        match self {
            Table::Mem(df) => f(df),
            Table::Spilled(s) => {
                for path in &s.files {
                    f(&s.read(path)?)?;
                }
                Ok(())
            }
        }
    }

    /// The schema every batch has.
    pub fn schema(&self) -> PolarsResult<Schema> {
        match self {
            Table::Mem(df) => Ok(df.schema().as_ref().clone()),
            Table::Spilled(s) => {
                let mut schema = s
                    .schema
                    .clone()
                    .ok_or_else(|| polars_err!(NoData: "empty spilled table"))?;
                for (name, &(p, sc)) in &s.decimals {
                    schema.with_column(name.as_str().into(), DataType::Decimal(p, sc));
                }
                Ok(schema)
            }
        }
    }

    /// The table as a lazy frame (scans spilled chunks; projections push down).
    pub fn lazy(&self) -> PolarsResult<LazyFrame> {
        match self {
            Table::Mem(df) => Ok(df.clone().lazy()),
            Table::Spilled(s) => {
                let scans = s
                    .files
                    .iter()
                    .map(|p| {
                        let path = PlRefPath::try_from_path(p)?;
                        let lf = LazyFrame::scan_parquet(path, ScanArgsParquet::default())?;
                        let casts: Vec<Expr> = s
                            .decimals
                            .iter()
                            .map(|(n, &(p, sc))| col(n.as_str()).cast(DataType::Decimal(p, sc)))
                            .collect();
                        Ok(lf.with_columns(casts))
                    })
                    .collect::<PolarsResult<Vec<_>>>()?;
                concat(scans, UnionArgs::default())
            }
        }
    }

    /// The whole table in memory.
    pub fn collect(&self) -> PolarsResult<DataFrame> {
        match self {
            Table::Mem(df) => Ok(df.clone()),
            Table::Spilled(s) => {
                let mut out: Option<DataFrame> = None;
                for path in &s.files {
                    let df = s.read(path)?;
                    match out.as_mut() {
                        Some(o) => {
                            o.vstack_mut(&df)?;
                        }
                        None => out = Some(df),
                    }
                }
                let mut out = out.ok_or_else(|| polars_err!(NoData: "empty spilled table"))?;
                out.rechunk_mut();
                Ok(out)
            }
        }
    }
}

impl crate::emit::Batches for Table {
    fn schema(&self) -> PolarsResult<Schema> {
        Table::schema(self)
    }
    fn for_each_batch(
        &self,
        f: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        Table::for_each_batch(self, f)
    }
}

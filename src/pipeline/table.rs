//! Tables between stages: small ones in memory, the big ones (`indicators`,
//! `projects`) spilled to Parquet chunk by chunk as files are parsed, so memory
//! stays flat however large the corpus.
//!
//! Chunks may differ in a Decimal column's scale (a table in 元 needs more
//! places than one in 万元); reading a spilled table casts every chunk to the
//! widest scale seen, which is exact.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;

use polars::prelude::*;

use crate::work::SharedFile;

/// A table produced by a stage.
#[derive(Debug, Clone)]
pub enum Table {
    Mem(DataFrame),
    Spilled(Spill),
}

/// A table stored as Parquet segment files, read back batch by batch.
#[derive(Debug, Clone, Default)]
pub struct Spill {
    segments: Vec<Segment>,
    rows: usize,
    /// (integer digits, scale) per Decimal column: the most any chunk needs.
    decimals: BTreeMap<String, (usize, usize)>,
    /// Per Decimal column, the widest precision of a chunk: never narrowed
    /// (a report's sums are Decimal(38) whatever their values).
    precisions: BTreeMap<String, usize>,
    /// The schema of the first chunk (column order and types but decimals).
    schema: Option<Schema>,
}

/// One Parquet file of a spilled table.
#[derive(Debug, Clone)]
struct Segment {
    path: PathBuf,
    /// Rows of each row group, in order.
    groups: Vec<usize>,
    schema: Schema,
}

/// Writes a spilled table as its chunks come. Chunks go into Parquet files
/// written exactly as the `parquet` output is (so that emitting one file is
/// a link, and several a copy of their row groups, never a second
/// encoding); a file holds [`SEGMENT_GROUPS`] row groups at most, and a
/// chunk that needs a wider decimal than the file's schema starts a new
/// file (a table in 元 after tables in 万元).
#[derive(Default)]
pub struct SpillWriter {
    spill: Spill,
    open: Option<OpenSegment>,
    /// Rows gathered into one row group (see [`SpillWriter::gathered`]);
    /// 0: a row group per chunk.
    gather: usize,
    /// The chunks gathered so far, compacted, and the path of the first.
    pending: Option<(PathBuf, DataFrame)>,
}

/// Row groups a spill puts in one file before it starts the next. polars'
/// Parquet writer keeps every row group's metadata (statistics and page
/// headers of each column) until the file ends, some 90 KB a row group of
/// `target_changes`: at 1 GB of corpus the spills held 40 MB of it by the
/// end of the reports, and 25 MB by the end of ingest. An output of several
/// files is made by copying their row groups as they are.
const SEGMENT_GROUPS: usize = 16;

/// The file being written, its writer, and the buffer under the writer.
struct OpenSegment {
    seg: Segment,
    writer: polars::io::parquet::write::BatchedWriter<SharedFile>,
    buf: SharedFile,
}

/// The Decimal type a column of `int` integer digits and `scale` places needs:
/// precision 18 (INT64 in Parquet) unless more digits are needed, as
/// [`crate::flatten::decimal_column`] chooses.
fn decimal_type((int, scale): (usize, usize), floor: usize) -> DataType {
    let need = if int + scale <= 18 { 18 } else { 38 };
    DataType::Decimal(need.max(floor).min(38), scale)
}

/// (integer digits, scale) that the values of a Decimal column need.
fn decimal_need(c: &Column, scale: usize) -> PolarsResult<(usize, usize)> {
    let max = c
        .as_materialized_series()
        .decimal()?
        .physical()
        .iter()
        .flatten()
        .map(i128::unsigned_abs)
        .max()
        .unwrap_or(0);
    let digits = if max == 0 {
        1
    } else {
        max.ilog10() as usize + 1
    };
    Ok((digits.saturating_sub(scale), scale))
}

impl SpillWriter {
    /// A writer of many small chunks (the reports' rows, a batch of
    /// departments at a time) into Parquet row groups of at least `rows`
    /// rows: encoded once, here, and copied as they are into a Parquet
    /// output ([`crate::emit::Batches::parquet_files`]).
    pub fn gathered(rows: usize) -> Self {
        SpillWriter {
            gather: rows.max(1),
            ..SpillWriter::default()
        }
    }

    /// Appends a chunk; `path` names the file if the chunk starts a new one.
    pub fn push(&mut self, path: PathBuf, df: &DataFrame) -> PolarsResult<()> {
        if self.gather == 0 {
            return self.write(path, df);
        }
        if df.height() == 0 && (self.pending.is_some() || !self.spill.segments.is_empty()) {
            return Ok(());
        }
        // A chunk of half a row group or more is a row group as it comes
        // (after the rows before it): gathered, its strings were copied
        // twice more, a fifth of the reports' time at 1 GB of corpus.
        if df.height() >= self.gather.div_ceil(2) {
            self.flush_pending()?;
            // One row group a chunk of the frame: one chunk.
            let mut df = df.clone();
            df.rechunk_mut();
            return self.write(path, &df);
        }
        // Held alone: a piece of a batch's frame would keep the whole alive.
        let df = crate::work::compact(df)?;
        // Chunks of another schema (a wider decimal) are a row group apart.
        if self
            .pending
            .as_ref()
            .is_some_and(|(_, p)| p.schema() != df.schema())
        {
            self.flush_pending()?;
        }
        let rows = match self.pending.as_mut() {
            Some((_, p)) => p.vstack_mut_owned(df)?.height(),
            None => self.pending.insert((path, df)).1.height(),
        };
        if rows >= self.gather {
            self.flush_pending()?;
        }
        Ok(())
    }

    fn flush_pending(&mut self) -> PolarsResult<()> {
        match self.pending.take() {
            Some((path, mut df)) => {
                df.rechunk_mut();
                self.write(path, &df)
            }
            None => Ok(()),
        }
    }

    fn write(&mut self, path: PathBuf, df: &DataFrame) -> PolarsResult<()> {
        let spill = &mut self.spill;
        if df.height() == 0 && (self.open.is_some() || !spill.segments.is_empty()) {
            return Ok(());
        }
        for c in df.columns() {
            if let DataType::Decimal(p, s) = c.dtype() {
                let need = decimal_need(c, *s)?;
                let e = spill.decimals.entry(c.name().to_string()).or_insert(need);
                *e = (e.0.max(need.0), e.1.max(need.1));
                let f = spill.precisions.entry(c.name().to_string()).or_insert(*p);
                *f = (*f).max(*p);
            }
        }
        if spill.schema.is_none() {
            spill.schema = Some(df.schema().as_ref().clone());
        }
        let target = spill.full_schema()?;
        let full = |o: &OpenSegment| o.seg.groups.len() >= SEGMENT_GROUPS;
        let fits = self.open.as_ref().is_some_and(|o| {
            !full(o)
                && spill
                    .decimals
                    .iter()
                    .all(|(n, &d)| o.seg.schema.get(n) == Some(&spill.decimal_type(n, d)))
        });
        if !fits {
            self.close()?;
            let file = File::create(&path)
                .map_err(|e| polars_err!(ComputeError: "{}: {e}", path.display()))?;
            // A gathered writer is one of many open at once (a report's
            // parts), each writing a row group now and then: a small buffer.
            let capacity = if self.gather > 0 { 64 << 10 } else { 1 << 20 };
            let buf = SharedFile::new(file, capacity);
            let writer = crate::emit::parquet::writer(buf.clone()).batched(&target)?;
            let seg = Segment {
                path,
                groups: Vec::new(),
                schema: target.clone(),
            };
            self.open = Some(OpenSegment { seg, writer, buf });
        }
        let Some(o) = self.open.as_mut() else {
            return Err(polars_err!(ComputeError: "spill writer not open"));
        };
        let df = crate::emit::parquet::cast_decimals(df.clone(), &o.seg.schema)?;
        o.writer.write_batch(&df)?;
        o.seg.groups.push(df.height());
        self.spill.rows += df.height();
        Ok(())
    }

    fn close(&mut self) -> PolarsResult<()> {
        if let Some(OpenSegment { seg, writer, buf }) = self.open.take() {
            writer.finish()?;
            drop(writer);
            // The file may become an output as it is: on disk before it is linked.
            buf.with(|w| {
                std::io::Write::flush(w)?;
                w.get_ref().sync_all()
            })
            .map_err(|e| polars_err!(ComputeError: "{}: {e}", seg.path.display()))?;
            self.spill.segments.push(seg);
        }
        Ok(())
    }

    /// Closes the open file; the table can then be read.
    pub fn finish(mut self) -> PolarsResult<Spill> {
        self.flush_pending()?;
        self.close()?;
        Ok(self.spill)
    }
}

impl Spill {
    fn decimal_type(&self, name: &str, need: (usize, usize)) -> DataType {
        decimal_type(need, self.precisions.get(name).copied().unwrap_or(0))
    }

    /// The schema every batch is read with: the first chunk's, with the
    /// widest decimals.
    fn full_schema(&self) -> PolarsResult<Schema> {
        let mut schema = self
            .schema
            .clone()
            .ok_or_else(|| polars_err!(NoData: "empty spilled table"))?;
        for (name, &d) in &self.decimals {
            schema.with_column(name.as_str().into(), self.decimal_type(name, d));
        }
        Ok(schema)
    }

    /// The tables one after the other (their chunks in order): the parts of
    /// a table written by several writers. Their columns must agree but
    /// for the decimals' widths.
    pub fn concat(parts: Vec<Spill>) -> Spill {
        let mut out = Spill::default();
        for p in parts {
            if out.schema.is_none() {
                out.schema = p.schema;
            }
            out.rows += p.rows;
            out.segments.extend(p.segments);
            for (n, d) in p.decimals {
                let e = out.decimals.entry(n).or_insert(d);
                *e = (e.0.max(d.0), e.1.max(d.1));
            }
            for (n, f) in p.precisions {
                let e = out.precisions.entry(n).or_insert(f);
                *e = (*e).max(f);
            }
        }
        out
    }

    /// The single Parquet file holding the whole table with the table's own
    /// schema, if there is one: an output can be that file.
    pub fn single_file(&self) -> Option<PathBuf> {
        self.parquet_files()
            .filter(|files| files.len() == 1)
            .and_then(|mut files| files.pop())
    }

    /// The Parquet files of the table, if it is kept in Parquet files only,
    /// each with the table's schema (no chunk was cast).
    fn parquet_files(&self) -> Option<Vec<PathBuf>> {
        let schema = self.full_schema().ok()?;
        let all = !self.segments.is_empty() && self.segments.iter().all(|s| s.schema == schema);
        all.then(|| self.segments.iter().map(|s| s.path.clone()).collect())
    }

    /// Calls `f` with each row group, cast to the table's schema.
    fn for_each_group(
        &self,
        f: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        self.for_each_group_of(None, &mut |df| f(&df))
    }

    /// Calls `f` with each row group, only `columns` if given, cast to the
    /// table's schema.
    fn for_each_group_of(
        &self,
        columns: Option<&[&str]>,
        f: &mut dyn FnMut(DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        let schema = self.full_schema()?;
        for seg in &self.segments {
            let open = || {
                File::open(&seg.path)
                    .map_err(|e| polars_err!(ComputeError: "{}: {e}", seg.path.display()))
            };
            let mut reader = ParquetReader::new(open()?);
            let meta = reader.get_metadata()?.clone();
            let mut offset = 0;
            for &rows in &seg.groups {
                let mut r = ParquetReader::new(open()?)
                    .with_slice(Some((offset, rows)))
                    .with_columns(columns.map(|c| c.iter().map(|s| s.to_string()).collect()));
                r.set_metadata(meta.clone());
                f(crate::emit::parquet::cast_decimals(r.finish()?, &schema)?)?;
                offset += rows;
            }
        }
        Ok(())
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
            Table::Spilled(s) => s.for_each_group(&mut f),
        }
    }

    /// The schema every batch has.
    pub fn schema(&self) -> PolarsResult<Schema> {
        match self {
            Table::Mem(df) => Ok(df.schema().as_ref().clone()),
            Table::Spilled(s) => s.full_schema(),
        }
    }

    /// The table as a lazy frame (scans spilled chunks; projections push down).
    pub fn lazy(&self) -> PolarsResult<LazyFrame> {
        match self {
            Table::Mem(df) => Ok(df.clone().lazy()),
            Table::Spilled(s) => {
                let schema = s.full_schema()?;
                let scans = s
                    .segments
                    .iter()
                    .map(|seg| {
                        let path = PlRefPath::try_from_path(&seg.path)?;
                        let lf = LazyFrame::scan_parquet(path, ScanArgsParquet::default())?;
                        let casts: Vec<Expr> = s
                            .decimals
                            .keys()
                            .filter_map(|n| {
                                let t = schema.get(n)?;
                                Some(col(n.as_str()).strict_cast(t.clone()))
                            })
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
                s.for_each_group(&mut |df| {
                    match out.as_mut() {
                        Some(o) => {
                            o.vstack_mut(df)?;
                        }
                        None => out = Some(df.clone()),
                    }
                    Ok(())
                })?;
                let mut out = out.ok_or_else(|| polars_err!(NoData: "empty spilled table"))?;
                out.rechunk_mut();
                Ok(out)
            }
        }
    }
}

impl crate::aggregate::Source for Table {
    fn column_names(&self) -> PolarsResult<Vec<String>> {
        Ok(self.schema()?.iter_names().map(|n| n.to_string()).collect())
    }
    fn for_each_batch_of(
        &self,
        columns: &[&str],
        f: &mut dyn FnMut(DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        match self {
            Table::Mem(df) => crate::aggregate::Source::for_each_batch_of(df, columns, f),
            Table::Spilled(s) => s.for_each_group_of(Some(columns), f),
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
    fn parquet_files(&self) -> Option<Vec<PathBuf>> {
        match self {
            Table::Mem(_) => None,
            Table::Spilled(s) => s.parquet_files(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flatten::decimal_column;
    use rust_decimal::Decimal;

    /// A spilled table of one chunk per `chunks` item, each written to the
    /// file named by its letter (used only when it starts a new one).
    fn spill(dir: &std::path::Path, chunks: &[(&str, &[Decimal])]) -> Table {
        let mut w = SpillWriter::default();
        for (file, amounts) in chunks {
            w.push(dir.join(file), &chunk(file, amounts)).unwrap();
        }
        Table::Spilled(w.finish().unwrap())
    }

    /// A chunk of `name` (`<prefix><i>`) and `amount` rows.
    fn chunk(prefix: &str, amounts: &[Decimal]) -> DataFrame {
        let values: Vec<Option<Decimal>> = amounts.iter().copied().map(Some).collect();
        let names: Vec<String> = (0..values.len()).map(|i| format!("{prefix}{i}")).collect();
        DataFrame::new_infer_height(vec![
            Column::new("name".into(), names),
            decimal_column("amount", &values).unwrap(),
        ])
        .unwrap()
    }

    fn amounts(t: &Table) -> Vec<String> {
        let mut out = Vec::new();
        t.for_each_batch(|df| {
            let c = df.column("amount")?;
            for i in 0..df.height() {
                out.push(format!("{}", c.get(i)?));
            }
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn chunks_of_one_scale_make_one_file_that_is_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let t = spill(
            dir.path(),
            &[
                ("a", &[Decimal::new(95000, 2)]),
                ("b", &[Decimal::new(700, 2), Decimal::new(1, 2)]),
            ],
        );
        let Table::Spilled(s) = &t else {
            unreachable!()
        };
        assert_eq!(s.single_file(), Some(dir.path().join("a")));
        assert!(!dir.path().join("b").exists());
        assert_eq!(t.rows(), 3);
        assert_eq!(
            t.schema().unwrap().get("amount"),
            Some(&DataType::Decimal(18, 2))
        );
        assert_eq!(amounts(&t), ["950.00", "7.00", "0.01"]);
        // The file reads back with the same schema in any Parquet reader.
        let df = ParquetReader::new(File::open(dir.path().join("a")).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), 3);
        assert_eq!(
            df.column("amount").unwrap().dtype(),
            &DataType::Decimal(18, 2)
        );
    }

    #[test]
    fn a_wider_decimal_starts_a_new_file_and_reads_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        // 万元 with cents, then 元 converted to 万元 (six places), then a
        // value that needs more than 18 digits at six places.
        let t = spill(
            dir.path(),
            &[
                ("a", &[Decimal::new(95000, 2)]),
                ("b", &[Decimal::new(95, 6)]),
                ("c", &[Decimal::new(12, 2)]),
                ("d", &[Decimal::new(1_234_567_890_123_456, 1)]),
            ],
        );
        let Table::Spilled(s) = &t else {
            unreachable!()
        };
        assert_eq!(s.segments.len(), 3, "a, b (with c), d");
        assert_eq!(s.single_file(), None);
        assert_eq!(
            t.schema().unwrap().get("amount"),
            Some(&DataType::Decimal(38, 6))
        );
        assert_eq!(
            amounts(&t),
            [
                "950.000000",
                "0.000095",
                "0.120000",
                "123456789012345.600000"
            ]
        );
        let all = t.collect().unwrap();
        assert_eq!(all.height(), 4);
        let lazy = t.lazy().unwrap().collect().unwrap();
        assert_eq!(
            lazy.column("amount").unwrap().dtype(),
            &DataType::Decimal(38, 6)
        );
        assert!(lazy.equals_missing(&all));
    }

    /// A gathered spill of one chunk per `chunks` item (files `part-<k>`).
    fn gathered(dir: &std::path::Path, rows: usize, chunks: &[&[Decimal]]) -> Spill {
        let mut w = SpillWriter::gathered(rows);
        for (k, amounts) in chunks.iter().enumerate() {
            let df = chunk(&format!("{k}-"), amounts);
            // A slice, as the reports' parts are: gathered alone.
            let df = df.slice(0, df.height());
            w.push(dir.join(format!("part-{k}")), &df).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn gathered_chunks_make_row_groups_of_the_size_asked_and_are_copied_whole() {
        let dir = tempfile::tempdir().unwrap();
        let d = |c: i64| Decimal::new(c, 2);
        let s = gathered(
            dir.path(),
            3,
            &[&[d(100), d(250)], &[d(1)], &[d(7)], &[d(99_999)]],
        );
        // 2 rows are half of 3 or more: a row group as they come; then
        // 1 + 1 + 1 rows are gathered into one.
        assert_eq!(s.segments.len(), 1);
        assert_eq!(s.segments[0].groups, [2, 3]);
        assert_eq!(s.parquet_files(), Some(vec![dir.path().join("part-0")]));
        let t = Table::Spilled(s);
        assert_eq!(amounts(&t), ["1.00", "2.50", "0.01", "0.07", "999.99"]);
    }

    #[test]
    fn a_gathered_chunk_of_a_wider_decimal_is_read_back_cast_not_copied() {
        let dir = tempfile::tempdir().unwrap();
        let s = gathered(
            dir.path(),
            100,
            &[
                &[Decimal::new(95000, 2)],
                &[Decimal::new(95, 6)],
                &[Decimal::new(12, 2)],
            ],
        );
        // The first row group is narrower than the table: its file cannot
        // be copied into an output as it is.
        assert_eq!(s.segments.len(), 2);
        assert_eq!(s.parquet_files(), None);
        let t = Table::Spilled(s);
        assert_eq!(amounts(&t), ["950.000000", "0.000095", "0.120000"]);
    }

    /// A file holds at most [`SEGMENT_GROUPS`] row groups (the writer keeps
    /// each one's metadata until the file ends); the next starts another
    /// file, and the files together are the table, copied or read.
    #[test]
    fn a_spill_starts_a_new_file_every_few_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let n = SEGMENT_GROUPS * 2 + 1;
        let chunks: Vec<Vec<Decimal>> = (0..n)
            .map(|k| vec![Decimal::new(k as i64 * 100 + 1, 2)])
            .collect();
        let refs: Vec<&[Decimal]> = chunks.iter().map(Vec::as_slice).collect();
        let s = gathered(dir.path(), 1, &refs);
        let groups: Vec<usize> = s.segments.iter().map(|g| g.groups.len()).collect();
        assert_eq!(groups, [SEGMENT_GROUPS, SEGMENT_GROUPS, 1]);
        // Each file is named by the chunk that started it.
        let files = s.parquet_files().unwrap();
        assert_eq!(
            files,
            [0, SEGMENT_GROUPS, SEGMENT_GROUPS * 2].map(|k| dir.path().join(format!("part-{k}")))
        );
        let t = Table::Spilled(s);
        let want: Vec<String> = (0..n).map(|k| format!("{k}.01")).collect();
        assert_eq!(amounts(&t), want);
        // Copied into one output, row group by row group.
        let out = dir.path().join("out.parquet");
        assert_eq!(crate::emit::parquet::write_parquet(&out, &t).unwrap(), n);
        let back = ParquetReader::new(File::open(&out).unwrap())
            .finish()
            .unwrap();
        let got: Vec<String> = back
            .column("amount")
            .unwrap()
            .as_materialized_series()
            .iter()
            .map(|v| v.to_string())
            .collect();
        assert_eq!(got, want);
    }
}

//! The reports in bounded memory: a batch of whole departments at a time.
//!
//! Series never cross a department and every report is a per-department
//! computation followed by a concatenation, so the reports of the whole
//! corpus are those of its departments, one batch after another:
//!
//! 1. a first pass reads only `department` and `year` of both tables (the
//!    two at once): the departments, their sizes and the budget years of the
//!    comparison (the `amount_<year>` columns of `project_trend` are every
//!    year's);
//! 2. departments are grouped, in the order series are numbered (no
//!    department first, then by name), into batches of about
//!    [`StreamOptions::batch_rows`] rows; a second pass copies each table's
//!    rows into one work file ([`crate::work`], Arrow IPC) per batch, in
//!    table order;
//! 3. each batch is read back alone and reported with the in-memory code,
//!    two at a time on a thread of their own, its series numbered after the
//!    previous batches'; the rows go to the caller's sink as they come,
//!    while the next two are reported.
//!
//! The rows and their order are those of [`super::reports`]. Each report
//! names a `part` with its rows: the caller concatenates parts in ascending
//! order. `target_changes` is ordered by year first, so its rows go to one
//! part per year; the rows of tables without a department sort last in
//! `summary_by_year` and `indicator_mix` (part 1), though their series come
//! first.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;

use super::AggregateError;
use super::charts::ChartData;
use super::reports::{Linked, changes, indicator_mix, summary_by_year, trend};
use crate::work::WorkWriter;

/// A table the reports read batch by batch, only the columns they use.
pub trait Source {
    /// The table's column names.
    fn column_names(&self) -> PolarsResult<Vec<String>>;
    /// Calls `f` with each batch of the table, in order, holding `columns`
    /// only (each of which the table has).
    fn for_each_batch_of(
        &self,
        columns: &[&str],
        f: &mut dyn FnMut(DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()>;
}

impl Source for DataFrame {
    fn column_names(&self) -> PolarsResult<Vec<String>> {
        Ok(self
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect())
    }
    fn for_each_batch_of(
        &self,
        columns: &[&str],
        f: &mut dyn FnMut(DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        f(self.select(columns.iter().copied())?)
    }
}

/// Rows of both tables a batch gathers by default. Up to four batches are
/// in memory at once (two reported, one written, one waiting to be), their
/// reports' strings shared with their work files' decoded bytes. Twice
/// this was as fast on 1 GB of tables and took 70 MB to 120 MB more.
pub const DEFAULT_BATCH_ROWS: usize = 50_000;

/// How the reports are streamed.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Rows (indicators and projects) a batch gathers before it is reported.
    /// A department larger than this is a batch of its own.
    pub batch_rows: usize,
    /// Where the batches' rows wait between the passes (removed by the caller).
    pub work_dir: PathBuf,
    /// The reports wanted, by name; empty means all.
    pub reports: Vec<String>,
    /// Departments the chart of yearly totals shows (the largest).
    pub chart_departments: usize,
    /// Called between two pairs of batches, when no batch is being
    /// reported: the binary hands freed memory back there.
    pub between_batches: Option<fn()>,
}

/// The columns of each table that a report reads.
const INDICATOR_COLUMNS: &[&str] = &[
    "year",
    "department",
    "unit",
    "project",
    "name",
    "level",
    "category",
    "level_code",
    "category_code",
    "source",
    "line",
    "annual_value",
    "cycle_value",
];
const PROJECT_COLUMNS: &[&str] = &[
    "year",
    "department",
    "unit",
    "project",
    "source",
    "line",
    "amount",
    "amount_fiscal",
    "amount_special",
    "amount_other",
];

fn polars_err(report: &'static str) -> impl Fn(PolarsError) -> AggregateError {
    move |source| AggregateError::Polars { report, source }
}

/// The columns of `wanted` that `table` has, in `wanted`'s order.
fn present(table: &dyn Source, wanted: &[&'static str]) -> PolarsResult<Vec<&'static str>> {
    let names = table.column_names()?;
    Ok(wanted
        .iter()
        .copied()
        .filter(|w| names.iter().any(|n| n == w))
        .collect())
}

/// The table's projected columns with no rows: the schema every batch has.
fn empty_of(table: &dyn Source, columns: &[&str]) -> PolarsResult<DataFrame> {
    let mut out = None;
    table.for_each_batch_of(columns, &mut |df| {
        if out.is_none() {
            out = Some(df.clear());
        }
        Ok(())
    })?;
    match out {
        Some(df) => Ok(df),
        None => Err(polars_err!(NoData: "table has no batches")),
    }
}

/// A department's name, as a batch key (`None`: the table names none).
type Dept = Option<String>;

/// The department column of a batch as strings.
fn departments(df: &DataFrame) -> PolarsResult<Option<StringChunked>> {
    match df.column("department") {
        Err(_) => Ok(None),
        Ok(c) => Ok(Some(c.cast(&DataType::String)?.str()?.clone())),
    }
}

/// What the first pass learns: rows per department, the projects' years,
/// and the first row without a year, if any.
#[derive(Default)]
struct Census {
    rows: BTreeMap<Dept, usize>,
    years: BTreeSet<i32>,
}

fn census(
    table: &dyn Source,
    name: &'static str,
    columns: &[&str],
    into: &mut Census,
    keep_years: bool,
) -> Result<(), AggregateError> {
    let read: Vec<&str> = ["department", "year"]
        .into_iter()
        .filter(|c| columns.contains(c))
        .collect();
    let mut row = 0usize;
    let mut missing_year: Option<usize> = None;
    table
        .for_each_batch_of(&read, &mut |df| {
            let depts = departments(&df)?;
            if let Ok(year) = df.column("year") {
                let years = year.cast(&DataType::Int64)?;
                for (i, y) in years.i64()?.iter().enumerate() {
                    match y.and_then(|y| i32::try_from(y).ok()) {
                        Some(y) if keep_years => {
                            into.years.insert(y);
                        }
                        Some(_) => {}
                        None => {
                            missing_year.get_or_insert(row + i);
                        }
                    }
                }
            }
            match &depts {
                Some(d) => {
                    for v in d.iter() {
                        *into.rows.entry(v.map(str::to_string)).or_default() += 1;
                    }
                }
                None => *into.rows.entry(None).or_default() += df.height(),
            }
            row += df.height();
            Ok(())
        })
        .map_err(polars_err(name))?;
    if let Some(row) = missing_year {
        return Err(AggregateError::MissingYear {
            table: name,
            row: row + 1,
            source_name: source_at(table, columns, row).unwrap_or_default(),
        });
    }
    Ok(())
}

/// The `source` of row `row` (for an error message).
fn source_at(table: &dyn Source, columns: &[&str], row: usize) -> Option<String> {
    if !columns.contains(&"source") {
        return None;
    }
    let mut seen = 0usize;
    let mut found = None;
    let _ = table.for_each_batch_of(&["source"], &mut |df| {
        if found.is_none() && row < seen + df.height() {
            let c = df.column("source")?.cast(&DataType::String)?;
            found = c.str()?.get(row - seen).map(str::to_string);
        }
        seen += df.height();
        Ok(())
    });
    found
}

/// Departments grouped into batches, in series order.
struct Batches {
    /// Batch of each named department; `none` that of rows without one.
    named: HashMap<String, usize>,
    none: Option<usize>,
    count: usize,
}

impl Batches {
    fn plan(rows: &BTreeMap<Dept, usize>, limit: usize) -> Self {
        let mut b = Batches {
            named: HashMap::new(),
            none: None,
            count: 0,
        };
        let mut filled = 0usize;
        // BTreeMap order: no department first, then by name (as `assign`
        // numbers series). No department is a batch of its own: its rows
        // sort last in two reports.
        for (dept, &n) in rows {
            // A batch closes before a department would take it over the
            // limit: batches stay under it whatever the departments' sizes
            // (but for a department larger than the limit, alone).
            let fresh = b.count == 0
                || (filled > 0 && filled.saturating_add(n) > limit)
                || b.none == Some(b.count - 1);
            if fresh {
                b.count += 1;
                filled = 0;
            }
            filled += n;
            let batch = b.count - 1;
            match dept {
                None => b.none = Some(batch),
                Some(d) => {
                    b.named.insert(d.clone(), batch);
                }
            }
        }
        b
    }

    fn of(&self, dept: Option<&str>) -> Option<usize> {
        match dept {
            None => self.none,
            Some(d) => self.named.get(d).copied(),
        }
    }
}

/// One table's rows, split into one Parquet file per batch.
struct Split {
    files: Vec<Option<PathBuf>>,
}

/// Threads that sort a table's rows into the batches' work files, each
/// the batches of its own (batch `k`: thread `k % SORTERS`).
const SORTERS: usize = 2;

/// A chunk's rows for one sorter: the chunk, and each batch's rows of it
/// (`None`: all of them).
type Pieces = (DataFrame, Vec<(usize, Option<Vec<IdxSize>>)>);

fn split(
    table: &dyn Source,
    name: &'static str,
    columns: &[&str],
    batches: &Batches,
    dir: &Path,
) -> Result<Split, AggregateError> {
    let err = polars_err(name);
    // The table is decoded here, its rows told apart by batch, while two
    // threads copy the rows decoded before into the batches' files: done
    // in turn on one thread, the copying kept one core busy and the other
    // waiting for most of this pass.
    let mut sorted = std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(SORTERS);
        let mut sorters = Vec::with_capacity(SORTERS);
        for _ in 0..SORTERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Pieces>(1);
            senders.push(tx);
            sorters.push(
                scope.spawn(move || -> PolarsResult<Vec<Option<WorkWriter>>> {
                    let mut writers: Vec<Option<WorkWriter>> =
                        (0..batches.count).map(|_| None).collect();
                    for (df, pieces) in rx {
                        write_pieces(&df, pieces, name, dir, &mut writers)?;
                    }
                    Ok(writers)
                }),
            );
        }
        let read = table.for_each_batch_of(columns, &mut |df| {
            let mut pieces: Vec<Vec<(usize, Option<Vec<IdxSize>>)>> = vec![Vec::new(); SORTERS];
            for (k, rows) in batch_rows(&df, batches)? {
                if let Some(p) = pieces.get_mut(k % SORTERS) {
                    p.push((k, rows));
                }
            }
            for (tx, p) in senders.iter().zip(pieces) {
                if !p.is_empty() {
                    // A send fails only when a sorter stopped on an error:
                    // its error is the one reported.
                    tx.send((df.clone(), p))
                        .map_err(|_| polars_err!(ComputeError: "{name}: split stopped"))?;
                }
            }
            Ok(())
        });
        drop(senders);
        let mut all = Vec::with_capacity(SORTERS);
        for s in sorters {
            let writers = s
                .join()
                .map_err(|_| polars_err!(ComputeError: "{name}: the split's thread panicked"))?;
            all.push(writers?);
        }
        read.map(|()| all)
    })
    .map_err(&err)?;
    let mut files = Vec::with_capacity(batches.count);
    for k in 0..batches.count {
        let w = sorted
            .get_mut(k % SORTERS)
            .and_then(|writers| writers.get_mut(k))
            .and_then(Option::take);
        files.push(w.map(WorkWriter::finish).transpose().map_err(&err)?);
    }
    Ok(Split { files })
}

/// Each batch's rows of a chunk, in batch order (`None`: the whole chunk
/// is one batch's).
fn batch_rows(
    df: &DataFrame,
    batches: &Batches,
) -> PolarsResult<Vec<(usize, Option<Vec<IdxSize>>)>> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let depts = departments(df)?;
    // Rows come document by document: a department's name is looked up
    // when it differs from the row's before.
    let mut last: Option<(Option<&str>, usize)> = None;
    let mut batch_of = |i: usize| -> PolarsResult<usize> {
        let d = depts.as_ref().and_then(|d| d.get(i));
        if let Some((ld, k)) = last
            && ld == d
        {
            return Ok(k);
        }
        let k = batches
            .of(d)
            .ok_or_else(|| polars_err!(ComputeError: "department {d:?} changed between passes"))?;
        last = Some((d, k));
        Ok(k)
    };
    let ks = (0..df.height())
        .map(&mut batch_of)
        .collect::<PolarsResult<Vec<usize>>>()?;
    if let Some(&first) = ks.first()
        && ks.iter().all(|&k| k == first)
    {
        return Ok(vec![(first, None)]);
    }
    // A run of one batch's rows is appended at one lookup.
    let mut rows: BTreeMap<usize, Vec<IdxSize>> = BTreeMap::new();
    let mut start = 0usize;
    for run in ks.chunk_by(|a, b| a == b) {
        let end = start + run.len();
        if let Some(&k) = run.first() {
            rows.entry(k)
                .or_default()
                .extend((start..end).map(|i| IdxSize::try_from(i).unwrap_or(IdxSize::MAX)));
        }
        start = end;
    }
    Ok(rows.into_iter().map(|(k, r)| (k, Some(r))).collect())
}

/// Appends a chunk's pieces to the work files of their batches.
fn write_pieces(
    df: &DataFrame,
    pieces: Vec<(usize, Option<Vec<IdxSize>>)>,
    name: &str,
    dir: &Path,
    writers: &mut [Option<WorkWriter>],
) -> PolarsResult<()> {
    for (k, rows) in pieces {
        let slot = writers
            .get_mut(k)
            .ok_or_else(|| polars_err!(ComputeError: "no batch {k}"))?;
        let w = match slot {
            Some(w) => w,
            None => slot.insert(WorkWriter::create(
                &dir.join(format!("{name}-{k}.arrow")),
                df.schema(),
            )?),
        };
        match rows {
            None => w.write(df)?,
            Some(rows) => w.write(&df.take(&IdxCa::from_vec("".into(), rows))?)?,
        }
    }
    Ok(())
}

fn read_batch(
    split: &Split,
    k: usize,
    empty: &DataFrame,
    name: &'static str,
) -> Result<DataFrame, AggregateError> {
    let err = polars_err(name);
    match split.files.get(k).and_then(Option::as_ref) {
        None => Ok(empty.clone()),
        Some(path) => {
            let df = crate::work::read(path).map_err(&err)?;
            // Removed as soon as read: the batches together are the tables.
            let _ = std::fs::remove_file(path);
            Ok(df)
        }
    }
}

/// Makes the reports a batch of departments at a time, handing each batch's
/// rows to `sink(report, part, rows)` as they come; returns what the charts
/// need. Reports that get no rows are handed once, empty, at part 0.
pub fn stream(
    indicators: &(dyn Source + Sync),
    projects: &(dyn Source + Sync),
    opts: &StreamOptions,
    sink: &mut dyn FnMut(&'static str, i64, DataFrame) -> Result<(), AggregateError>,
) -> Result<ChartData, AggregateError> {
    let want = |r: &str| opts.reports.is_empty() || opts.reports.iter().any(|w| w == r);
    let want: &(dyn Fn(&str) -> bool + Sync) = &want;
    let ind_cols = present(indicators, INDICATOR_COLUMNS).map_err(polars_err("indicators"))?;
    let proj_cols = present(projects, PROJECT_COLUMNS).map_err(polars_err("projects"))?;
    let empty_ind = empty_of(indicators, &ind_cols).map_err(polars_err("indicators"))?;
    let empty_proj = empty_of(projects, &proj_cols).map_err(polars_err("projects"))?;
    // The column and type checks of the in-memory reports, on no rows.
    super::reports::all(&empty_ind, &empty_proj)?;

    // Both tables at once, one a core.
    let mut counts = Census::default();
    let mut ind_counts = Census::default();
    let (proj_census, ind_census) = rayon::join(
        || census(projects, "projects", &proj_cols, &mut counts, true),
        || census(indicators, "indicators", &ind_cols, &mut ind_counts, false),
    );
    proj_census?;
    ind_census?;
    for (dept, n) in ind_counts.rows {
        *counts.rows.entry(dept).or_default() += n;
    }
    let years: Vec<i32> = counts.years.iter().copied().collect();
    let batches = Batches::plan(&counts.rows, opts.batch_rows.max(1));

    let mut charts = ChartData::new(&years, opts.chart_departments);
    let mut rows_out: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut emit = |report: &'static str,
                    part: i64,
                    df: DataFrame,
                    rows_out: &mut BTreeMap<&'static str, usize>|
     -> Result<(), AggregateError> {
        if df.height() > 0 {
            *rows_out.entry(report).or_default() += df.height();
            sink(report, part, df)?;
        }
        Ok(())
    };

    if batches.count > 0 {
        let (ind_split, proj_split) = rayon::join(
            || {
                split(
                    indicators,
                    "indicators",
                    &ind_cols,
                    &batches,
                    &opts.work_dir,
                )
            },
            || split(projects, "projects", &proj_cols, &batches, &opts.work_dir),
        );
        let (ind_split, proj_split) = (ind_split?, proj_split?);
        let input = BatchInput {
            ind: &ind_split,
            proj: &proj_split,
            empty_ind: &empty_ind,
            empty_proj: &empty_proj,
            years: &years,
            want: &want,
        };
        let mut offset = 0usize;
        // Two batches are reported at a time, one a core, on a thread of
        // their own; their rows go out here, in order, while the next two
        // are reported. The second of a pair waits in the channel while the
        // first is written, so the next pair is begun at once: handed over
        // only once the first was written, the reporting threads waited for
        // a third of this pass. (Since a report's strings are gathered, not
        // copied, the batch waiting costs no measurable memory.)
        std::thread::scope(|scope| -> Result<(), AggregateError> {
            let (tx, rx) =
                std::sync::mpsc::sync_channel::<Result<(usize, BatchOut), AggregateError>>(1);
            let input = &input;
            let count = batches.count;
            let between = opts.between_batches;
            scope.spawn(move || {
                let order: Vec<usize> = (0..count).collect();
                for (n, pair) in order.chunks(2).enumerate() {
                    if let (Some(f), true) = (between, n > 0) {
                        f();
                    }
                    let outs: Vec<Result<BatchOut, AggregateError>> =
                        pair.par_iter().map(|&k| input.report(k)).collect();
                    for (&k, out) in pair.iter().zip(outs) {
                        let failed = out.is_err();
                        // The receiver stopped on an error: nothing more to do.
                        if tx.send(out.map(|o| (k, o))).is_err() || failed {
                            return;
                        }
                    }
                }
            });
            for received in rx {
                let (k, out) = received?;
                let out = out.numbered_from(offset)?;
                offset += out.series;
                // Rows without a department sort last where departments
                // order the rows, though their series come first.
                let late = i64::from(batches.none == Some(k));
                if let Some(s) = out.summary {
                    charts.add_totals(&s);
                    emit("summary_by_year", late, s, &mut rows_out)?;
                }
                if let Some(t) = out.trend {
                    charts.add_changes(&t);
                    emit("project_trend", 0, t, &mut rows_out)?;
                }
                if let Some(m) = out.mix {
                    emit("indicator_mix", late, m, &mut rows_out)?;
                }
                if let Some(c) = out.changes {
                    for (year, rows) in year_runs(&c)? {
                        emit("target_changes", year, rows, &mut rows_out)?;
                    }
                }
            }
            Ok(())
        })?;
    }
    // Reports without rows still have their columns (the years' included).
    for report in super::REPORT_TABLES {
        if want(report) && !rows_out.contains_key(report) {
            let linked = Linked::batch(&empty_proj, 0, Some(years.clone()))?;
            let df = match *report {
                "summary_by_year" => summary_by_year(&empty_ind, &empty_proj)?,
                "project_trend" => trend(&empty_proj, &linked)?,
                "indicator_mix" => indicator_mix(&empty_ind)?,
                _ => changes(&empty_ind, &linked)?,
            };
            sink(report, 0, df)?;
        }
    }
    Ok(charts)
}

/// What a batch is reported from.
struct BatchInput<'a> {
    ind: &'a Split,
    proj: &'a Split,
    empty_ind: &'a DataFrame,
    empty_proj: &'a DataFrame,
    years: &'a [i32],
    want: &'a (dyn Fn(&str) -> bool + Sync),
}

/// A batch's reports, its series numbered from 1.
struct BatchOut {
    summary: Option<DataFrame>,
    trend: Option<DataFrame>,
    mix: Option<DataFrame>,
    changes: Option<DataFrame>,
    /// Series the batch has.
    series: usize,
}

impl BatchInput<'_> {
    fn report(&self, k: usize) -> Result<BatchOut, AggregateError> {
        let ind = read_batch(self.ind, k, self.empty_ind, "indicators")?;
        let proj = read_batch(self.proj, k, self.empty_proj, "projects")?;
        let linked = Linked::batch(&proj, 0, Some(self.years.to_vec()))?;
        let want = self.want;
        let summary = want("summary_by_year")
            .then(|| summary_by_year(&ind, &proj))
            .transpose()?;
        let trend = want("project_trend")
            .then(|| trend(&proj, &linked))
            .transpose()?;
        let mix = want("indicator_mix")
            .then(|| indicator_mix(&ind))
            .transpose()?;
        let changes = want("target_changes")
            .then(|| changes(&ind, &linked))
            .transpose()?;
        Ok(BatchOut {
            summary,
            trend,
            mix,
            changes,
            series: linked.series_end(),
        })
    }
}

impl BatchOut {
    /// The batch's series numbered after `offset` earlier ones (adding
    /// keeps the rows' order, which is by series in `project_trend`).
    fn numbered_from(mut self, offset: usize) -> Result<Self, AggregateError> {
        let by = u32::try_from(offset).map_err(|_| AggregateError::BadColumn {
            table: "projects",
            column: "series_id".into(),
            message: format!("more than {} series", u32::MAX),
        })?;
        if by > 0 {
            for (df, report) in [
                (&mut self.trend, "project_trend"),
                (&mut self.changes, "target_changes"),
            ] {
                if let Some(df) = df.as_mut() {
                    let err = polars_err(report);
                    let ids = df.column("series_id").map_err(&err)?.u32().map_err(&err)? + by;
                    df.with_column(ids.into_column()).map_err(&err)?;
                }
            }
        }
        Ok(self)
    }
}

/// `target_changes` rows are sorted by year: the run of each year.
fn year_runs(df: &DataFrame) -> Result<Vec<(i64, DataFrame)>, AggregateError> {
    let err = polars_err("target_changes");
    let years = df.column("year").map_err(&err)?.i32().map_err(&err)?;
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut current: Option<i32> = None;
    for (i, y) in years.iter().enumerate() {
        if y != current {
            if let (Some(c), true) = (current, i > start) {
                out.push((i64::from(c), df.slice(start as i64, i - start)));
            }
            start = i;
            current = y;
        }
    }
    if let (Some(c), true) = (current, df.height() > start) {
        out.push((i64::from(c), df.slice(start as i64, df.height() - start)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_follow_series_order_and_keep_no_department_alone() {
        let rows: BTreeMap<Dept, usize> = [
            (None, 5),
            (Some("乙局".to_string()), 60),
            (Some("甲局".to_string()), 50),
            (Some("丙局".to_string()), 10),
        ]
        .into_iter()
        .collect();
        let b = Batches::plan(&rows, 120);
        assert_eq!(b.none, Some(0));
        // 丙局 < 乙局 < 甲局 by code point; 10 + 60 + 50 = 120 fits.
        assert_eq!(b.of(Some("丙局")), Some(1));
        assert_eq!(b.of(Some("乙局")), Some(1));
        assert_eq!(b.of(Some("甲局")), Some(1));
        // 10 + 60 = 70; 甲局 would make 120 > 100: a batch of its own.
        let b = Batches::plan(&rows, 100);
        assert_eq!(b.of(Some("丙局")), Some(1));
        assert_eq!(b.of(Some("乙局")), Some(1));
        assert_eq!(b.of(Some("甲局")), Some(2));
        assert_eq!(b.count, 3);
        assert_eq!(b.of(Some("丁局")), None);
        // A department over the limit is a batch alone, never empty ones.
        let b = Batches::plan(&rows, 20);
        assert_eq!(b.of(Some("丙局")), Some(1));
        assert_eq!(b.of(Some("乙局")), Some(2));
        assert_eq!(b.of(Some("甲局")), Some(3));
        assert_eq!(b.count, 4);
    }
}

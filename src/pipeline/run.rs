//! Running a pipeline: stages in order over a set of named tables.
//!
//! Outputs are written to a staging folder inside the output folder first and
//! moved into place only when every file was written, so a run that fails
//! leaves the previous outputs untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;
use serde::Serialize;

use super::batch::{self, FileFailure, Summary};
use super::config::{
    CheckStage, ColumnTest, EmitStage, Format, IngestStage, Pipeline, Severity, Stage, YearRule,
};
use super::table::{Spill, SpillWriter, Table};
use crate::emit::{self, EmitError, csv::CsvOptions};
use crate::flatten;
use crate::ingest::{self, IngestOptions, TextOptions, decode};
use crate::model::{Document, Reject, Warning};

/// Files are parsed in chunks of about this many input bytes: big enough to
/// keep both cores busy, small enough that memory does not grow with the corpus.
const CHUNK_BYTES: u64 = 8 * 1024 * 1024;
const CHUNK_FILES: usize = 2048;

/// Command-line settings that replace the pipeline's.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replace the ingest stage's inputs.
    pub inputs: Vec<PathBuf>,
    /// Replace every emit stage's output folder.
    pub out: Option<PathBuf>,
    /// Stop at the first file that cannot be read.
    pub fail_fast: bool,
    /// Convert only shard `I` of `N` (0-based) of the inputs, so N machines
    /// can fill one partitioned dataset together.
    pub shard: Option<(u32, u32)>,
}

/// True when the file of `key` belongs to shard `i` of `n`. `key` is the
/// file's path relative to the input folder it was found in (see
/// [`batch::Inputs::keys`]): every machine agrees, however it spells or
/// mounts the folder (`c6`, `./c6`, `/mnt/a/c6`).
pub fn in_shard(key: &str, (i, n): (u32, u32)) -> bool {
    let h = blake3::hash(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.as_bytes()[..8]);
    u64::from_le_bytes(b) % u64::from(n.max(1)) == u64::from(i)
}

/// Why a run stopped. Each maps to an exit code (see [`RunError::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The pipeline or the command line is wrong (exit 2).
    #[error("{0}")]
    Usage(String),
    /// `--fail-fast` and a file failed (exit 1).
    #[error("{0}")]
    FailFast(String),
    /// An output could not be written (exit 3).
    #[error(transparent)]
    Output(#[from] EmitError),
}

impl RunError {
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Usage(_) => 2,
            RunError::FailFast(_) => 1,
            RunError::Output(_) => 3,
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub stage: String,
    /// `reconcile`, or `<table>.<column> <test>`.
    pub check: String,
    pub severity: &'static str,
    pub failures: usize,
    /// A few of the failing values or messages.
    pub examples: Vec<String>,
}

/// What a run did: printed on stderr, written as JSON by `--report`.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub pipeline: String,
    #[serde(flatten)]
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
    /// Rows per table produced.
    pub tables: BTreeMap<String, usize>,
    pub outputs: Vec<PathBuf>,
    pub warning_messages: Vec<String>,
    /// Things worth knowing that are not data problems (a table split over sheets).
    pub notes: Vec<String>,
    pub seconds: f64,
    /// Wall-clock seconds per stage, in order: where a slow run spends its time.
    pub stage_seconds: Vec<(String, f64)>,
    pub exit_code: u8,
}

/// The plan `--dry-run` prints: inputs with their years, outputs.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub inputs: Vec<(PathBuf, Result<Option<i32>, String>)>,
    pub stages: Vec<String>,
    pub outputs: Vec<PathBuf>,
}

fn ingest_stage(p: &Pipeline) -> Option<&IngestStage> {
    p.stages.iter().find_map(|s| match &s.stage {
        Stage::Ingest(i) => Some(i),
        _ => None,
    })
}

fn resolve(p: &Pipeline, opts: &RunOptions) -> Result<batch::Inputs, RunError> {
    let stage = ingest_stage(p).ok_or_else(|| RunError::Usage("no ingest stage".into()))?;
    let inputs = if opts.inputs.is_empty() {
        &stage.inputs
    } else {
        &opts.inputs
    };
    // The run's own outputs are never its inputs (an output folder inside
    // the input folder would be read back on the next run).
    let outs = output_dirs(p, opts);
    let mut paths = batch::resolve_inputs(inputs, &outs).map_err(RunError::Usage)?;
    if let Some(shard) = opts.shard {
        let keys = std::mem::take(&mut paths.keys);
        let files = std::mem::take(&mut paths.files);
        for (f, k) in files.into_iter().zip(keys) {
            if in_shard(&k, shard) {
                paths.files.push(f);
                paths.keys.push(k);
            }
        }
        // Refused entries belong to one shard too, so each is reported once.
        paths.refused.retain(|f| {
            in_shard(
                &f.path.file_name().unwrap_or_default().to_string_lossy(),
                shard,
            )
        });
        // An empty shard is fine: another machine has the files.
        return Ok(paths);
    }
    if paths.files.is_empty() && paths.refused.is_empty() {
        return Err(RunError::Usage(format!(
            "no input files in {}",
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(paths)
}

/// The year of one file under the stage's rule: `Ok(None)` means "from the
/// file name" (decided by ingest).
fn year_for(stage: &IngestStage, path: &Path) -> Result<Option<i32>, String> {
    match &stage.year {
        YearRule::Fixed(y) => Ok(Some(*y)),
        YearRule::FileName => Ok(ingest::year_from_name(&ingest::display_name(path))),
        // Known only once the file is read.
        YearRule::Document => Ok(None),
        YearRule::Pattern => {
            let pat = stage.year_pattern.as_deref().unwrap_or_default();
            let re = regex::Regex::new(pat).map_err(|e| e.to_string())?;
            let name = ingest::display_name(path);
            re.captures(&name)
                .and_then(|c| c.get(1))
                .and_then(|m| m.as_str().parse::<i32>().ok())
                .map(Some)
                .ok_or_else(|| format!("year_pattern {pat} does not match the file name {name}"))
        }
    }
}

fn emit_dirs(p: &Pipeline, opts: &RunOptions) -> Vec<(String, PathBuf)> {
    p.stages
        .iter()
        .filter_map(|s| match &s.stage {
            Stage::Emit(e) => Some((
                s.name.clone(),
                opts.out.clone().unwrap_or_else(|| e.out.clone()),
            )),
            _ => None,
        })
        .collect()
}

/// Resolves inputs, years and outputs without reading or writing anything.
pub fn plan(p: &Pipeline, opts: &RunOptions) -> Result<Plan, RunError> {
    let stage = ingest_stage(p).ok_or_else(|| RunError::Usage("no ingest stage".into()))?;
    let paths = resolve(p, opts)?;
    let inputs = paths
        .files
        .into_iter()
        .map(|path| {
            let y = year_for(stage, &path);
            (path, y)
        })
        .collect();
    let mut outputs = Vec::new();
    let mut tables = vec!["indicators".to_string(), "projects".to_string()];
    for s in &p.stages {
        match &s.stage {
            Stage::Sql(_) => tables.push(s.name.clone()),
            Stage::Aggregate(a) => tables.extend(
                crate::aggregate::REPORT_TABLES
                    .iter()
                    .filter(|r| a.reports.is_empty() || a.reports.iter().any(|x| x == *r))
                    .map(|r| (*r).to_string()),
            ),
            _ => {}
        }
    }
    tables.push("rejects".into());
    for s in &p.stages {
        if let Stage::Emit(e) = &s.stage {
            let dir = opts.out.clone().unwrap_or_else(|| e.out.clone());
            let chosen: Vec<&String> = tables
                .iter()
                .filter(|t| e.tables.is_empty() || e.tables.contains(t) || *t == "rejects")
                .collect();
            for t in &chosen {
                for f in &e.formats {
                    match f {
                        Format::Csv => outputs.push(dir.join(format!("{t}.csv"))),
                        Format::Parquet => outputs.push(dir.join(format!("{t}.parquet"))),
                        Format::Xlsx => {}
                    }
                }
                if *t == "rejects" && !e.formats.contains(&Format::Csv) {
                    outputs.push(dir.join("rejects.csv"));
                }
            }
            if e.formats.contains(&Format::Xlsx) {
                outputs.push(dir.join(format!("{}.xlsx", p.name)));
            }
        }
    }
    Ok(Plan {
        inputs,
        stages: p
            .stages
            .iter()
            .map(|s| format!("{} ({})", s.name, s.stage.type_name()))
            .collect(),
        outputs,
    })
}

/// Runs the pipeline. `on_file` is called as each input file is done and
/// receives the total once at the start (for a progress bar).
pub fn run(
    p: &Pipeline,
    opts: &RunOptions,
    on_start: &dyn Fn(usize),
    on_file: &(dyn Fn() + Sync),
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let mut tables: Vec<(String, Table)> = Vec::new();
    let mut flat: Option<(Table, Table)> = None;
    let mut summary = Summary::default();
    let mut checks = Vec::new();
    let mut outputs = Vec::new();
    let mut warnings: Vec<Warning> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    // What the workbook's charts plot, when reports are made.
    let mut charts: Option<crate::aggregate::ChartData> = None;
    // One run at a time per output folder: a second refuses with a clear
    // message instead of mixing its files with the first's.
    let tag = run_tag(opts.shard);
    let _locks = lock_outputs(&output_dirs(p, opts), &tag)?;
    let work = WorkDir::new(emit_dirs(p, opts).first().map(|(_, d)| d.as_path()), &tag)?;

    let mut stage_seconds = Vec::new();
    for s in &p.stages {
        let stage_started = Instant::now();
        match &s.stage {
            Stage::Ingest(stage) => {
                let inputs = resolve(p, opts)?;
                let paths = inputs.files.clone();
                on_start(paths.len());
                let base = ingest_options(stage)?;
                let opts_for = |path: &Path| -> Result<IngestOptions, FileFailure> {
                    let year = year_for(stage, path).map_err(|reason| FileFailure {
                        path: path.to_path_buf(),
                        line: 0,
                        reason: format!("{}: {reason}", path.display()),
                    })?;
                    let mut o = base.clone();
                    o.year = year.or(o.year);
                    Ok(o)
                };
                let fail_fast = opts.fail_fast || stage.fail_fast;
                let mut rejects: Vec<Reject> = Vec::new();
                if !inputs.refused.is_empty() {
                    let refused = batch::Batch {
                        failed: inputs.refused.clone(),
                        ..batch::Batch::default()
                    };
                    let (counts, _, r) = refused.outcome();
                    summary.add(&counts);
                    rejects.extend(r);
                }
                if inputs.aliases > 0 {
                    notes.push(format!(
                        "{} path(s) reach a file already listed (symbolic links, alias folders): each file was read once",
                        inputs.aliases
                    ));
                }
                let mut seen = batch::Seen::default();
                // Documents a chunk could not be tabled with (their file's
                // fault, found by flattening them one by one).
                let unfit: std::sync::Mutex<Vec<FileFailure>> = std::sync::Mutex::default();
                let unfit_ref = &unfit;
                // Chunk n+1 is parsed (on the rayon pool) while chunk n is
                // flattened and spilled on a thread of its own.
                let work = &work;
                let spill_chunk = move |n: usize,
                                        docs: Vec<Document>,
                                        (mut ind, mut proj): Spills|
                      -> Result<Spills, RunError> {
                    let (i, pr) = match flatten_pair(&docs) {
                        Ok(t) => t,
                        Err(_) => {
                            // One document broke the chunk: find it, reject
                            // it, and table the others.
                            let (kept, bad) = isolate(docs);
                            if let Ok(mut u) = unfit_ref.lock() {
                                u.extend(bad);
                            }
                            flatten_pair(&kept).map_err(polars_usage)?
                        }
                    };
                    ind.push(work.file(&format!("indicators-{n}.parquet")), &i)
                        .map_err(work_err)?;
                    proj.push(work.file(&format!("projects-{n}.parquet")), &pr)
                        .map_err(work_err)?;
                    Ok((ind, proj))
                };
                let (ind, proj) = std::thread::scope(|scope| -> Result<Spills, RunError> {
                    // One chunk may wait while the writer is busy with the one
                    // before: the parser never stops for a slow chunk.
                    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Document>)>(1);
                    let writer = scope.spawn(move || -> Result<Spills, RunError> {
                        let mut spills = Spills::default();
                        for (n, docs) in rx {
                            spills = spill_chunk(n, docs, spills)?;
                        }
                        Ok(spills)
                    });
                    let join = |h: std::thread::ScopedJoinHandle<'_, Result<Spills, RunError>>| {
                        h.join()
                            .map_err(|_| RunError::Usage("the spill writer stopped".into()))?
                    };
                    for (n, chunk) in chunks(&paths).enumerate() {
                        let mut batch = batch::ingest_each(chunk, &opts_for, fail_fast, on_file);
                        seen.dedup(&mut batch);
                        if fail_fast && let Some(f) = batch.failed.first() {
                            drop(tx);
                            let _ = join(writer);
                            return Err(RunError::FailFast(format!(
                                "{} (stopped: --fail-fast)",
                                f.reason
                            )));
                        }
                        let (counts, w, r) = batch.outcome();
                        summary.add(&counts);
                        warnings.extend(w);
                        rejects.extend(r);
                        if tx.send((n, batch.docs)).is_err() {
                            // The writer stopped on an error: join says which.
                            break;
                        }
                    }
                    drop(tx);
                    join(writer)
                })?;
                let unfit = unfit.into_inner().unwrap_or_default();
                if !unfit.is_empty() {
                    let b = batch::Batch {
                        failed: unfit,
                        ..batch::Batch::default()
                    };
                    let (counts, _, r) = b.outcome();
                    // Counted as read once already: now as failed.
                    summary.files_failed += counts.files_failed;
                    summary.rejects += counts.rejects;
                    rejects.extend(r);
                }
                tables.push((
                    "rejects".into(),
                    Table::Mem(flatten::rejects(&rejects).map_err(polars_usage)?),
                ));
                flat = Some((
                    Table::Spilled(ind.finish().map_err(work_err)?),
                    Table::Spilled(proj.finish().map_err(work_err)?),
                ));
            }
            Stage::Flatten(_) => {
                let (ind, proj) = flat.take().ok_or_else(|| {
                    RunError::Usage("flatten needs an ingest stage before it".into())
                })?;
                tables.push(("indicators".into(), ind));
                tables.push(("projects".into(), proj));
            }
            Stage::Check(c) => checks.extend(run_checks(&s.name, c, &tables, &warnings)?),
            Stage::Aggregate(a) => {
                let get = |name: &str| -> Result<&Table, RunError> {
                    tables
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, t)| t)
                        .ok_or_else(|| RunError::Usage(format!("aggregate needs the {name} table")))
                };
                let (indicators, projects) = (get("indicators")?, get("projects")?);
                // A batch of departments at a time, each report's rows spilled
                // as they come: memory does not grow with the corpus.
                let dir = work.file(&format!("aggregate-{}", tables.len()));
                std::fs::create_dir_all(&dir).map_err(|source| {
                    RunError::Output(EmitError::Io {
                        path: dir.clone(),
                        source,
                    })
                })?;
                let stream_opts = crate::aggregate::StreamOptions {
                    batch_rows: a.batch_rows.unwrap_or(crate::aggregate::DEFAULT_BATCH_ROWS),
                    work_dir: dir.clone(),
                    reports: a.reports.clone(),
                    chart_departments: a
                        .chart_departments
                        .unwrap_or(crate::aggregate::DEFAULT_CHART_DEPARTMENTS),
                };
                let mut parts: BTreeMap<(&'static str, i64), SpillWriter> = BTreeMap::new();
                let mut files = 0usize;
                let stage_err = |e: &dyn std::fmt::Display| {
                    RunError::Usage(format!("stage \"{}\": {e}", s.name))
                };
                let chart_data = crate::aggregate::stream(
                    indicators,
                    projects,
                    &stream_opts,
                    &mut |report, part, df| {
                        files += 1;
                        parts
                            .entry((report, part))
                            .or_default()
                            .push(dir.join(format!("{report}-{files}.parquet")), &df)
                            .map_err(|source| crate::aggregate::AggregateError::Polars {
                                report,
                                source,
                            })
                    },
                )
                .map_err(|e| stage_err(&e))?;
                let mut reports: BTreeMap<&'static str, Vec<Spill>> = BTreeMap::new();
                for ((report, _), w) in parts {
                    reports
                        .entry(report)
                        .or_default()
                        .push(w.finish().map_err(work_err)?);
                }
                for name in crate::aggregate::REPORT_TABLES {
                    if let Some(spills) = reports.remove(name) {
                        tables.push((name.to_string(), Table::Spilled(Spill::concat(spills))));
                    }
                }
                charts = Some(chart_data);
            }
            Stage::Sql(q) => {
                // Also refused at validation: the query sees the run's tables only.
                if let Some(f) = super::config::file_function(&q.query) {
                    return Err(RunError::Usage(format!(
                        "{}: stage \"{}\" (line {}): sql: {f}(…) reads files from the host; an sql stage sees only the run's tables",
                        p.path.display(),
                        s.name,
                        s.line
                    )));
                }
                let ctx = polars::sql::SQLContext::new();
                for (name, t) in &tables {
                    ctx.register(name, t.lazy().map_err(polars_usage)?);
                }
                let mut ctx = ctx;
                let df = ctx
                    .execute(&q.query)
                    .and_then(|lf| lf.collect())
                    .map_err(|e| {
                        RunError::Usage(format!(
                            "{}: stage \"{}\" (line {}): sql: {e}",
                            p.path.display(),
                            s.name,
                            s.line
                        ))
                    })?;
                tables.push((s.name.clone(), Table::Mem(df)));
            }
            Stage::Emit(e) => {
                let dir = opts.out.clone().unwrap_or_else(|| e.out.clone());
                outputs.extend(emit_stage(
                    p,
                    e,
                    &dir,
                    &tables,
                    charts.as_ref(),
                    opts.shard,
                    &mut notes,
                )?);
            }
        }
        stage_seconds.push((s.name.clone(), stage_started.elapsed().as_secs_f64()));
    }

    let failed_error = checks
        .iter()
        .any(|c| c.severity == "error" && c.failures > 0);
    let exit_code = if summary.rejects > 0 || failed_error {
        1
    } else {
        0
    };
    Ok(RunReport {
        pipeline: p.name.clone(),
        summary,
        checks,
        tables: tables.iter().map(|(n, t)| (n.clone(), t.rows())).collect(),
        outputs,
        warning_messages: warnings
            .iter()
            .map(|w| format!("{}:{}: {}", w.source, w.line, w.message))
            .collect(),
        notes,
        seconds: started.elapsed().as_secs_f64(),
        stage_seconds,
        exit_code,
    })
}

/// The spilled indicators and projects, as the ingest stage writes them.
type Spills = (SpillWriter, SpillWriter);

/// The name of this run's files in a partitioned dataset: the shard that
/// wrote them (`part-1-of-8`, or `part-all` for a run without shards). A
/// rerun of a shard replaces exactly its own parts, whatever inputs were
/// added or removed since; N shards never collide.
fn part_name(shard: Option<(u32, u32)>) -> String {
    match shard {
        Some((i, n)) => format!("part-{i}-of-{n}"),
        None => "part-all".to_string(),
    }
}

fn flatten_pair(docs: &[Document]) -> PolarsResult<(DataFrame, DataFrame)> {
    Ok((flatten::indicators(docs)?, flatten::projects(docs)?))
}

/// Splits documents into those that can be tabled and the files of those
/// that cannot (each a reject naming the file and the error).
fn isolate(docs: Vec<Document>) -> (Vec<Document>, Vec<FileFailure>) {
    let mut kept = Vec::new();
    let mut bad = Vec::new();
    for d in docs {
        match flatten_pair(std::slice::from_ref(&d)) {
            Ok(_) => kept.push(d),
            Err(e) => bad.push(FileFailure {
                path: PathBuf::from(&d.source),
                line: 0,
                reason: format!("{}: cannot be tabled: {e}", d.source),
            }),
        }
    }
    (kept, bad)
}

/// The lock file of an output folder.
pub const LOCK_FILE: &str = ".jixiao.lock";

/// Takes the lock of every output folder (created if missing), then removes
/// what killed runs left there (work and staging folders, temporary files):
/// with the lock held, nothing else is writing.
fn lock_outputs(dirs: &[PathBuf], tag: &str) -> Result<Vec<std::fs::File>, RunError> {
    let mut locks = Vec::new();
    for d in dirs {
        locks.push(lock_dir(d, tag).map_err(RunError::Output)?);
        clean_leftovers(d, tag);
    }
    Ok(locks)
}

/// What a run's lock, work and staging folders are named by: `all`, or
/// `s1of8` for shard 1 of 8 (shards share the output folder and write
/// disjoint files, so each holds its own lock).
fn run_tag(shard: Option<(u32, u32)>) -> String {
    shard.map_or_else(|| "all".to_string(), |(i, n)| format!("s{i}of{n}"))
}

/// Creates `dir` and holds an exclusive lock on `dir/.jixiao.lock` (released
/// by the system when the process ends, even when killed).
pub fn lock_dir(dir: &Path, tag: &str) -> Result<std::fs::File, EmitError> {
    let io = |path: &Path, source: std::io::Error| EmitError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let path = if tag == "all" {
        dir.join(LOCK_FILE)
    } else {
        dir.join(format!("{LOCK_FILE}.{tag}"))
    };
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io(&path, e))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => Err(io(
            &path,
            std::io::Error::other(format!(
                "another jixiao run is writing to {}; not started (run again when it has finished)",
                dir.display()
            )),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path, e)),
    }
}

/// Removes the work and staging folders and temporary files of earlier runs
/// that were killed (the caller holds the folder's lock).
pub fn clean_leftovers(dir: &Path, tag: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let p = e.path();
        let rest = name
            .strip_prefix(".jixiao-work-")
            .or_else(|| name.strip_prefix(".jixiao-staging-"));
        if let Some(rest) = rest {
            // Ours, or (for a run without shards) one of the PID-only names
            // of earlier versions.
            let legacy = tag == "all" && rest.bytes().all(|b| b.is_ascii_digit());
            if rest.starts_with(&format!("{tag}-")) || legacy {
                let _ = std::fs::remove_dir_all(&p);
            }
        } else if tag == "all" && temp_of(&name).is_some() {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// The file a temporary file of the atomic writers stands for:
/// `.indicators.csv.1234.tmp` → `indicators.csv`.
fn temp_of(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (file, pid) = inner.rsplit_once('.')?;
    (!file.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then_some(file)
}

/// Removes the temporary files killed writers left for `files` in `dir`
/// (the caller holds the folder's lock).
pub fn clean_temp_files(dir: &Path, files: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if temp_of(&name).is_some_and(|f| files.contains(&f)) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A name no other run uses, even one with the same PID in another
/// container sharing the folder: PID, time and a random part.
fn unique_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    format!("{}-{nanos:x}-{:016x}", std::process::id(), h.finish())
}

/// Splits inputs into chunks of about [`CHUNK_BYTES`].
fn chunks(paths: &[PathBuf]) -> impl Iterator<Item = &[PathBuf]> {
    let sizes: Vec<u64> = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .collect();
    let mut remaining: u64 = sizes.iter().sum();
    let mut rest = paths;
    let mut at = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // The last chunks taper (a quarter of what is left, 1 MiB at least):
        // the writer's work on the last chunk is the one thing nothing else
        // overlaps.
        let target = (remaining / 4).clamp(1 << 20, CHUNK_BYTES);
        let mut bytes = 0;
        let mut n = 0;
        while n < rest.len() && n < CHUNK_FILES && (n == 0 || bytes < target) {
            bytes += sizes.get(at + n).copied().unwrap_or(0);
            n += 1;
        }
        remaining = remaining.saturating_sub(bytes);
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        at += n;
        Some(chunk)
    })
    // An empty input list still makes one (empty) chunk, so tables have a schema.
    .chain(paths.is_empty().then_some(&paths[..0]))
}

/// A private folder for spilled tables, removed when the run ends.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new(near: Option<&Path>, tag: &str) -> Result<Self, RunError> {
        let base = match near {
            Some(d) => {
                std::fs::create_dir_all(d).map_err(|source| {
                    RunError::Output(EmitError::Io {
                        path: d.to_path_buf(),
                        source,
                    })
                })?;
                d.to_path_buf()
            }
            None => std::env::temp_dir(),
        };
        let dir = base.join(format!(".jixiao-work-{tag}-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).map_err(|source| {
            RunError::Output(EmitError::Io {
                path: dir.clone(),
                source,
            })
        })?;
        Ok(WorkDir(dir))
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn work_err(e: PolarsError) -> RunError {
    RunError::Output(EmitError::Format {
        path: PathBuf::from("(work folder)"),
        message: e.to_string(),
    })
}

fn polars_usage(e: PolarsError) -> RunError {
    RunError::Usage(format!("building tables: {e}"))
}

fn ingest_options(stage: &IngestStage) -> Result<IngestOptions, RunError> {
    let encoding = match &stage.encoding {
        Some(label) => Some(
            decode::encoding_for_label(label)
                .ok_or_else(|| RunError::Usage(format!("unknown encoding \"{label}\"")))?,
        ),
        None => None,
    };
    Ok(IngestOptions {
        text: TextOptions {
            dropped_cells: stage.dropped_cells,
        },
        encoding,
        sheets: stage.sheets.clone(),
        kind: stage.kind,
        prefer_document_year: stage.year == YearRule::Document,
        ..IngestOptions::default()
    })
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Off => "off",
        Severity::Warn => "warn",
        Severity::Error => "error",
    }
}

fn run_checks(
    stage: &str,
    c: &CheckStage,
    tables: &[(String, Table)],
    warnings: &[Warning],
) -> Result<Vec<CheckResult>, RunError> {
    let mut out = Vec::new();
    if c.reconcile != Severity::Off {
        out.push(CheckResult {
            stage: stage.to_string(),
            check: "reconcile".into(),
            severity: severity_name(c.reconcile),
            failures: warnings.len(),
            examples: warnings
                .iter()
                .take(5)
                .map(|w| format!("{}:{}: {}", w.source, w.line, w.message))
                .collect(),
        });
    }
    for col in &c.columns {
        if col.severity == Severity::Off {
            continue;
        }
        let table = tables
            .iter()
            .find(|(n, _)| *n == col.table)
            .map(|(_, t)| t)
            .ok_or_else(|| RunError::Usage(format!("check: no table \"{}\"", col.table)))?;
        let schema = table.schema().map_err(polars_usage)?;
        if schema.get(col.column.as_str()).is_none() {
            return Err(RunError::Usage(format!(
                "check: table \"{}\" has no column \"{}\"; columns: {}",
                col.table,
                col.column,
                schema
                    .iter_names()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        // Only the tested column is read (projection pushdown on spilled tables).
        let df = table
            .lazy()
            .and_then(|lf| {
                lf.select([polars::prelude::col(col.column.as_str())])
                    .collect()
            })
            .map_err(polars_usage)?;
        let series = df
            .column(&col.column)
            .map_err(polars_usage)?
            .as_materialized_series()
            .clone();
        let (failures, examples, test) = match col.test {
            ColumnTest::NotNull => {
                let n = series.null_count();
                (n, Vec::new(), "not_null")
            }
            ColumnTest::Unique => {
                let distinct = series.n_unique().map_err(polars_usage)?;
                (
                    series.len() - distinct.min(series.len()),
                    Vec::new(),
                    "unique",
                )
            }
            ColumnTest::AcceptedValues => {
                let mut bad = Vec::new();
                let mut n = 0;
                for i in 0..series.len() {
                    let v = series.get(i).map_err(polars_usage)?;
                    let text = emit::cell_text(&v);
                    if !matches!(v, AnyValue::Null) && !col.values.contains(&text) {
                        n += 1;
                        if bad.len() < 5 && !bad.contains(&text) {
                            bad.push(text);
                        }
                    }
                }
                (n, bad, "accepted_values")
            }
        };
        out.push(CheckResult {
            stage: stage.to_string(),
            check: format!("{}.{} {test}", col.table, col.column),
            severity: severity_name(col.severity),
            failures,
            examples,
        });
    }
    Ok(out)
}

/// Writes the chosen tables into a staging folder, then moves every file into
/// place; a failure before the move leaves `dir` as it was.
fn emit_stage(
    p: &Pipeline,
    e: &EmitStage,
    dir: &Path,
    tables: &[(String, Table)],
    charts: Option<&crate::aggregate::ChartData>,
    shard: Option<(u32, u32)>,
    notes: &mut Vec<String>,
) -> Result<Vec<PathBuf>, RunError> {
    let io = |path: &Path, source: std::io::Error| {
        RunError::Output(EmitError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let part = part_name(shard);
    // Shards share the folder: their single files must not overwrite each other.
    let suffix = shard.map_or(String::new(), |(i, n)| format!(".shard-{i}-of-{n}"));
    std::fs::create_dir_all(dir).map_err(|err| io(dir, err))?;
    let staging = dir.join(format!(
        ".jixiao-staging-{}-{}",
        run_tag(shard),
        unique_suffix()
    ));
    std::fs::create_dir_all(&staging).map_err(|err| io(&staging, err))?;
    let result = write_staged(p, e, &staging, tables, charts, &part, &suffix, notes)
        .and_then(|files| switch(dir, &staging, &files).map_err(RunError::Output))
        .and_then(|moved| {
            finish_datasets(dir, e, tables, shard, &moved).map_err(|err| io(dir, err))?;
            Ok(moved)
        });
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// Moves the staged files into `dir` as a set: each file it replaces is
/// first moved aside, and if any move fails every replaced file is put
/// back, so `dir` holds either the whole new set or the whole old one.
fn switch(dir: &Path, staging: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>, EmitError> {
    let io = |path: &Path, source: std::io::Error| EmitError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Check every target before moving any: predictable faults stop here.
    for f in files {
        let target = dir.join(f);
        if target.is_dir() {
            return Err(io(&target, std::io::Error::other("a folder is in the way")));
        }
    }
    let old = staging.join(".old");
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let mut step = |f: &PathBuf| -> Result<(), EmitError> {
        let target = dir.join(f);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|err| io(parent, err))?;
        }
        let aside = if target.exists() {
            let a = old.join(f);
            if let Some(parent) = a.parent() {
                std::fs::create_dir_all(parent).map_err(|err| io(parent, err))?;
            }
            std::fs::rename(&target, &a).map_err(|err| io(&target, err))?;
            Some(a)
        } else {
            None
        };
        done.push((target.clone(), aside));
        std::fs::rename(staging.join(f), &target).map_err(|err| io(&target, err))
    };
    for f in files {
        if let Err(err) = step(f) {
            // Put the old set back, newest first.
            for (target, aside) in done.iter().rev() {
                match aside {
                    Some(a) => {
                        let _ = std::fs::rename(a, target);
                    }
                    None => {
                        let _ = std::fs::remove_file(target);
                    }
                }
            }
            return Err(err);
        }
    }
    Ok(files.iter().map(|f| dir.join(f)).collect())
}

/// After a partitioned table's parts are in place: removes the parts this
/// writer wrote before and did not write now (a year that lost its files, a
/// layout of another shard count, names of earlier versions), records that
/// this shard is done, and writes `_SUCCESS` once every shard of the layout
/// has recorded so (a run without shards is the only one).
fn finish_datasets(
    dir: &Path,
    e: &EmitStage,
    tables: &[(String, Table)],
    shard: Option<(u32, u32)>,
    written: &[PathBuf],
) -> std::io::Result<()> {
    let Some(key) = e.partition_by.as_deref() else {
        return Ok(());
    };
    if !e.formats.contains(&Format::Parquet) {
        return Ok(());
    }
    let part = format!("{}.parquet", part_name(shard));
    for (name, t) in tables {
        if !(e.tables.is_empty() || e.tables.contains(name)) {
            continue;
        }
        if !t.schema().is_ok_and(|s| s.get(key).is_some()) {
            continue;
        }
        let root = dir.join(name);
        std::fs::create_dir_all(&root)?;
        for entry in std::fs::read_dir(&root)?.flatten() {
            let folder = entry.path();
            if !entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{key}="))
            {
                continue;
            }
            for f in std::fs::read_dir(&folder)?.flatten() {
                let fname = f.file_name().to_string_lossy().into_owned();
                let path = f.path();
                if !fname.starts_with("part-") || !fname.ends_with(".parquet") {
                    continue;
                }
                let stale = if written.contains(&path) {
                    false
                } else if fname == part {
                    true // ours, not rewritten: its rows are gone
                } else {
                    match shard {
                        // Another shard's part of this layout stays.
                        Some((_, n)) => !fname.ends_with(&format!("-of-{n}.parquet")),
                        None => true,
                    }
                };
                if stale {
                    std::fs::remove_file(&path)?;
                }
            }
            // A year left without parts goes with them.
            let _ = std::fs::remove_dir(&folder);
        }
        let marks = root.join("_shards");
        let success = root.join("_SUCCESS");
        match shard {
            None => {
                let _ = std::fs::remove_dir_all(&marks);
                std::fs::write(&success, b"")?;
            }
            Some((i, n)) => {
                std::fs::create_dir_all(&marks)?;
                // Marks of another shard count are of an older layout.
                for m in std::fs::read_dir(&marks)?.flatten() {
                    if !m
                        .file_name()
                        .to_string_lossy()
                        .ends_with(&format!("-of-{n}"))
                    {
                        let _ = std::fs::remove_file(m.path());
                    }
                }
                std::fs::write(marks.join(format!("{i}-of-{n}")), b"")?;
                let all = (0..n).all(|j| marks.join(format!("{j}-of-{n}")).exists());
                if all {
                    std::fs::write(&success, b"")?;
                }
            }
        }
    }
    Ok(())
}

fn write_staged(
    p: &Pipeline,
    e: &EmitStage,
    staging: &Path,
    tables: &[(String, Table)],
    charts: Option<&crate::aggregate::ChartData>,
    part: &str,
    suffix: &str,
    notes: &mut Vec<String>,
) -> Result<Vec<PathBuf>, RunError> {
    let mut chosen: Vec<&(String, Table)> = tables
        .iter()
        .filter(|(n, _)| e.tables.is_empty() || e.tables.contains(n) || n == "rejects")
        .collect();
    // Rejects last: the sheet analysts look at first is the data.
    chosen.sort_by_key(|(n, _)| n == "rejects");
    let csv = CsvOptions { bom: e.bom };
    let mut files = Vec::new();
    for (name, df) in &chosen {
        if e.formats.contains(&Format::Csv) || name == "rejects" {
            let f = PathBuf::from(format!("{name}{suffix}.csv"));
            emit::csv::write_csv(&staging.join(&f), df, csv)?;
            files.push(f);
        }
        let partitioned = e
            .partition_by
            .as_deref()
            .filter(|k| df.schema().is_ok_and(|s| s.get(k).is_some()));
        if let (true, Some(key)) = (e.formats.contains(&Format::Parquet), partitioned) {
            // OUT/<table>/year=2024/part-<hash>.parquet, then _SUCCESS last.
            let sub = PathBuf::from(name.as_str());
            let parts = emit::parquet::write_partitioned(&staging.join(&sub), df, key, part)?;
            files.extend(parts.into_iter().map(|f| sub.join(f)));
        } else if e.formats.contains(&Format::Parquet) {
            let f = PathBuf::from(format!("{name}{suffix}.parquet"));
            let spilled = match df {
                Table::Spilled(s) => s.single_file(),
                Table::Mem(_) => None,
            };
            match spilled {
                // The spill is already this output, byte for byte: linked
                // (copied across file systems), not encoded again.
                Some(from) => {
                    let to = staging.join(&f);
                    std::fs::hard_link(from, &to)
                        .or_else(|_| std::fs::copy(from, &to).map(|_| ()))
                        .map_err(|source| EmitError::Io {
                            path: to.clone(),
                            source,
                        })?;
                }
                None => {
                    emit::parquet::write_parquet(&staging.join(&f), df)?;
                }
            }
            files.push(f);
        }
    }
    if e.formats.contains(&Format::Xlsx) {
        let f = PathBuf::from(format!("{}{suffix}.xlsx", p.name));
        files.push(f.clone());
        write_workbook(&staging.join(&f), &f, &chosen, charts, notes)?;
    }
    Ok(files)
}

/// The workbook of the chosen tables (an empty rejects table left out),
/// with the charts of the reports among them.
fn write_workbook(
    path: &Path,
    f: &Path,
    chosen: &[&(String, Table)],
    charts: Option<&crate::aggregate::ChartData>,
    notes: &mut Vec<String>,
) -> Result<(), RunError> {
    let shown: Vec<&(String, Table)> = chosen
        .iter()
        .copied()
        .filter(|(n, t)| n != "rejects" || t.rows() > 0)
        .collect();
    let sheets: Vec<emit::xlsx::Sheet<'_>> = shown
        .iter()
        .map(|(name, t)| crate::aggregate::sheet(name, t, t.rows()))
        .collect::<PolarsResult<_>>()
        .map_err(|e| EmitError::format(path, e))?;
    let has = |n: &str| shown.iter().any(|(t, _)| t == n);
    let blocks = charts.map_or_else(Vec::new, |c| {
        c.blocks(has("summary_by_year"), has("project_trend"))
    });
    let stats = emit::xlsx::write_xlsx(path, &sheets, &blocks)?;
    // A sheet holds 1,048,576 rows: longer tables continue on `…_2`, `…_3`.
    for (name, t) in &shown {
        if t.rows() > emit::xlsx::MAX_DATA_ROWS {
            notes.push(format!(
                "{}: table {name} has {} rows, more than a sheet holds; it continues over {} sheets ({})",
                f.display(),
                t.rows(),
                t.rows().div_ceil(emit::xlsx::MAX_DATA_ROWS),
                stats.sheets.join(", ")
            ));
        }
    }
    Ok(())
}

/// The output folders of a pipeline's emit stages (for messages).
pub fn output_dirs(p: &Pipeline, opts: &RunOptions) -> Vec<PathBuf> {
    emit_dirs(p, opts).into_iter().map(|(_, d)| d).collect()
}

#[cfg(test)]
mod switch_tests {
    use super::*;

    /// A move that fails half-way (here: the second staged file is missing)
    /// puts back every file already replaced: the folder holds the old set.
    #[test]
    fn a_failed_switch_puts_the_old_set_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = out.join(".jixiao-staging-all-test");
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(out.join("indicators.csv"), "old indicators").unwrap();
        std::fs::write(out.join("projects.csv"), "old projects").unwrap();
        std::fs::write(staging.join("indicators.csv"), "new indicators").unwrap();
        let files = [
            PathBuf::from("indicators.csv"),
            PathBuf::from("projects.csv"),
        ];
        assert!(switch(&out, &staging, &files).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("indicators.csv")).unwrap(),
            "old indicators"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("projects.csv")).unwrap(),
            "old projects"
        );
        // And a complete set switches.
        std::fs::write(staging.join("indicators.csv"), "new indicators").unwrap();
        std::fs::write(staging.join("projects.csv"), "new projects").unwrap();
        switch(&out, &staging, &files).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("projects.csv")).unwrap(),
            "new projects"
        );
    }
}

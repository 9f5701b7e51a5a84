//! Running a pipeline: its stages are built once (regexes, queries, paths),
//! then walked in order over a set of named tables. The `--dry-run` plan is
//! made by the same built stages.
//!
//! Outputs are written to a staging folder inside the output folder first and
//! moved into place only when every file was written, so a run that fails
//! leaves the previous outputs untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::{PolarsResult, Schema};
use serde::Serialize;

use super::batch::Summary;
use super::config::Pipeline;
use super::stages::{BuildContext, Stage};
use super::table::Table;

/// Called after each stage: the binary sets it to hand the memory the stage
/// freed back to the system, so that the next stage's peak sits on what is
/// live rather than on what the allocator kept of the last one.
pub static BETWEEN_STAGES: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();
use crate::emit::EmitError;
use crate::model::Warning;

pub use super::stages::check::CheckResult;

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
/// [`super::batch::Inputs::keys`]): every machine agrees, however it spells or
/// mounts the folder (`c6`, `./c6`, `/mnt/a/c6`).
pub fn in_shard(key: &str, (i, n): (u32, u32)) -> bool {
    let h = blake3::hash(key.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.as_bytes()[..8]);
    u64::from_le_bytes(b) % u64::from(n.max(1)) == u64::from(i)
}

/// How a command ended: the one list of exit codes, documented in `--help`
/// and the README. The CLI maps it to the process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// 0: everything read and written.
    Ok,
    /// 1: data problems: rejects, or a failed check of severity `error`.
    Data,
    /// 2: the command line or the pipeline is wrong.
    Usage,
    /// 3: an output could not be written (earlier outputs are left intact).
    Output,
    /// 4: an internal error (a library's error, a panicked thread): a bug to report.
    Internal,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Data => 1,
            Outcome::Usage => 2,
            Outcome::Output => 3,
            Outcome::Internal => 4,
        }
    }
}

/// Why a run stopped. Each maps to an [`Outcome`].
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
    /// A fault of jixiao or of a library under it, with its cause (exit 4).
    #[error("internal error: {context}: {source}")]
    Internal {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl RunError {
    pub fn outcome(&self) -> Outcome {
        match self {
            RunError::Usage(_) => Outcome::Usage,
            RunError::FailFast(_) => Outcome::Data,
            RunError::Output(_) => Outcome::Output,
            RunError::Internal { .. } => Outcome::Internal,
        }
    }

    pub fn exit_code(&self) -> u8 {
        self.outcome().code()
    }
}

/// Notes of one kind, one a file: the first [`FileNotes::SHOWN`] whole, the
/// rest counted. A corpus of 100,000 files kept a line for each, and memory
/// grew with the corpus for lines nobody reads past the first screen (the
/// rows themselves say it: `amount_note`, `source`).
#[derive(Debug, Clone, Default)]
pub struct FileNotes {
    shown: Vec<String>,
    more: usize,
}

impl FileNotes {
    /// Notes kept whole.
    pub const SHOWN: usize = 20;

    /// Adds a note; `make` is called only for a note that is kept.
    pub fn push_with(&mut self, make: impl FnOnce() -> String) {
        if self.shown.len() < Self::SHOWN {
            self.shown.push(make());
        } else {
            self.more += 1;
        }
    }

    /// The lines to print: the notes kept, then how many more there are.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.shown
            .iter()
            .cloned()
            .chain((self.more > 0).then(|| format!("… and {} more file(s) like these", self.more)))
    }
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
    /// The run's outcome (its `exit_code`).
    #[serde(skip)]
    pub outcome: Outcome,
    /// `file: read as GB18030`: files not in UTF-8.
    #[serde(skip)]
    pub encoding_notes: FileNotes,
    /// Files whose text dropped empty source cells.
    #[serde(skip)]
    pub dropped_notes: FileNotes,
    /// `file:line: reason` of every reject.
    #[serde(skip)]
    pub reject_messages: Vec<String>,
}

/// One output of the plan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PlannedOutput {
    pub path: PathBuf,
    /// `*` in `path` stands for values known only once the files are read
    /// (`indicators/year=*/part-all.parquet`).
    pub pattern: bool,
    /// When the file is written, if not always.
    pub when: Option<String>,
}

impl PlannedOutput {
    pub fn file(path: PathBuf) -> Self {
        PlannedOutput {
            path,
            pattern: false,
            when: None,
        }
    }
}

/// The plan `--dry-run` prints: inputs with their years, outputs.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub inputs: Vec<(PathBuf, Result<Option<i32>, String>)>,
    pub stages: Vec<String>,
    pub outputs: Vec<PlannedOutput>,
}

/// What the stages add to a plan as they are walked.
#[derive(Debug, Default)]
pub struct PlanState {
    pub inputs: Vec<(PathBuf, Result<Option<i32>, String>)>,
    /// Tables so far, with their columns (from the stages' code over no rows).
    pub tables: Vec<(String, PolarsResult<Schema>)>,
    pub outputs: Vec<PlannedOutput>,
}

impl PlanState {
    pub fn add_table(&mut self, name: &str, schema: PolarsResult<Schema>) {
        self.tables.push((name.to_string(), schema));
    }
}

/// What the stages share while a pipeline runs.
pub struct RunState<'a> {
    pub tables: Vec<(String, Table)>,
    /// The rows ingest spilled, until flatten names them.
    pub flat: Option<(Table, Table)>,
    pub summary: Summary,
    pub checks: Vec<CheckResult>,
    pub outputs: Vec<PathBuf>,
    pub warnings: Vec<Warning>,
    /// Where a document's printed totals and the sums of its projects
    /// differ, for the check stage (judged as each chunk is read: keeping
    /// every document's totals to the end made memory grow with the corpus).
    pub sum_warnings: Vec<Warning>,
    /// The sums' warnings are in `warnings` (a second check stage adds none).
    pub reconciled: bool,
    /// What the review found as ingest read each chunk (when a review stage follows).
    pub review: super::stages::review::ReviewRows,
    pub notes: Vec<String>,
    pub encoding_notes: FileNotes,
    pub dropped_notes: FileNotes,
    pub reject_messages: Vec<String>,
    /// Where spilled tables live during the run.
    pub work: &'a WorkDir,
    /// What the workbook's charts plot, once reports are made.
    pub charts: Option<crate::aggregate::ChartData>,
    /// Called once with the number of input files (for a progress bar).
    pub on_start: &'a dyn Fn(usize),
    /// Called as each input file is done.
    pub on_file: &'a (dyn Fn() + Sync),
}

/// The built stages of a pipeline, with their names.
pub struct Built {
    pub stages: Vec<(String, Box<dyn Stage>)>,
}

/// The output folders of a pipeline's emit stages (for locks and messages).
pub fn output_dirs(p: &Pipeline, opts: &RunOptions) -> Vec<PathBuf> {
    p.stages
        .iter()
        .filter_map(|s| s.stage.output_dir(opts))
        .collect()
}

/// Builds every stage once: regexes, queries and paths.
pub fn build(p: &Pipeline, opts: &RunOptions) -> Result<Built, RunError> {
    let exclude: Vec<PathBuf> = p
        .stages
        .iter()
        .flat_map(|s| s.stage.own_outputs(opts))
        .collect();
    if !p.stages.iter().any(|s| s.stage.type_name() == "ingest") {
        return Err(RunError::Usage("no ingest stage".into()));
    }
    let stages = p
        .stages
        .iter()
        .map(|s| {
            let b = BuildContext {
                pipeline: p,
                name: &s.name,
                line: s.line,
                opts,
                exclude: &exclude,
            };
            s.stage.build(&b).map(|built| (s.name.clone(), built))
        })
        .collect::<Result<_, _>>()?;
    Ok(Built { stages })
}

/// Resolves inputs, years and outputs without reading or writing anything:
/// the same built stages as [`run`] say what they would read and write.
pub fn plan(p: &Pipeline, opts: &RunOptions) -> Result<Plan, RunError> {
    let built = build(p, opts)?;
    let mut pl = PlanState::default();
    for (_, s) in &built.stages {
        s.plan(&mut pl)?;
    }
    Ok(Plan {
        inputs: pl.inputs,
        stages: p
            .stages
            .iter()
            .map(|s| format!("{} ({})", s.name, s.stage.type_name()))
            .collect(),
        outputs: pl.outputs,
    })
}

/// Runs the pipeline. `on_start` receives the number of input files once,
/// `on_file` is called as each is done (for a progress bar).
pub fn run(
    p: &Pipeline,
    opts: &RunOptions,
    on_start: &dyn Fn(usize),
    on_file: &(dyn Fn() + Sync),
) -> Result<RunReport, RunError> {
    let started = Instant::now();
    let built = build(p, opts)?;
    // One run at a time per output folder: a second refuses with a clear
    // message instead of mixing its files with the first's.
    let own_file = p.stages.iter().find_map(|s| {
        let d = s.stage.output_dir(opts)?;
        s.stage.own_outputs(opts).into_iter().find(|o| *o != d)
    });
    let tag = output_tag(own_file.as_deref(), opts.shard);
    let dirs = output_dirs(p, opts);
    let _locks = lock_outputs(p, opts, &tag)?;
    let work = WorkDir::new(dirs.first().map(PathBuf::as_path), &tag)?;
    let mut st = RunState {
        tables: Vec::new(),
        flat: None,
        summary: Summary::default(),
        checks: Vec::new(),
        outputs: Vec::new(),
        warnings: Vec::new(),
        sum_warnings: Vec::new(),
        reconciled: false,
        review: Default::default(),
        notes: Vec::new(),
        encoding_notes: FileNotes::default(),
        dropped_notes: FileNotes::default(),
        reject_messages: Vec::new(),
        work: &work,
        charts: None,
        on_start,
        on_file,
    };
    let mut stage_seconds = Vec::new();
    for (name, stage) in &built.stages {
        let stage_started = Instant::now();
        stage.run(&mut st)?;
        if let Some(release) = BETWEEN_STAGES.get() {
            release();
        }
        stage_seconds.push((name.clone(), stage_started.elapsed().as_secs_f64()));
    }
    let failed_error = st
        .checks
        .iter()
        .any(|c| c.severity == "error" && c.failures > 0);
    let outcome = if st.summary.rejects > 0 || failed_error {
        Outcome::Data
    } else {
        Outcome::Ok
    };
    Ok(RunReport {
        pipeline: p.name.clone(),
        summary: st.summary,
        checks: st.checks,
        tables: st
            .tables
            .iter()
            .map(|(n, t)| (n.clone(), t.rows()))
            .collect(),
        outputs: st.outputs,
        warning_messages: st
            .warnings
            .iter()
            .map(|w| format!("{}:{}: {}", w.source, w.line, w.message))
            .collect(),
        notes: st.notes,
        seconds: started.elapsed().as_secs_f64(),
        stage_seconds,
        exit_code: outcome.code(),
        outcome,
        encoding_notes: st.encoding_notes,
        dropped_notes: st.dropped_notes,
        reject_messages: st.reject_messages,
    })
}

/// The lock file of an output folder.
pub const LOCK_FILE: &str = ".jixiao.lock";

/// Takes the lock of every output folder (created if missing), then removes
/// what killed runs left there (work and staging folders, temporary files):
/// with the lock held, nothing else is writing. In a folder that is not the
/// run's own (`convert`'s output file's folder), only the temporary files of
/// the run's own files go.
fn lock_outputs(p: &Pipeline, opts: &RunOptions, tag: &str) -> Result<Vec<Lock>, RunError> {
    let mut locks = Vec::new();
    for s in &p.stages {
        let Some(d) = s.stage.output_dir(opts) else {
            continue;
        };
        let own: Vec<String> = s
            .stage
            .own_outputs(opts)
            .iter()
            .filter(|o| **o != d)
            .filter_map(|o| o.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        // A folder of the run's own: locked whole; files in someone else's
        // folder (`convert -o x.csv`): the first of them stands for the set.
        locks.push(lock_dir(&d, tag, own.first().map(String::as_str)).map_err(RunError::Output)?);
        if own.is_empty() {
            clean_leftovers(&d, tag, None);
        } else {
            let own: Vec<&str> = own.iter().map(String::as_str).collect();
            clean_leftovers(&d, tag, Some(&own));
        }
    }
    Ok(locks)
}

/// What a run's lock, work and staging folders are named by: `all`, or
/// `s1of8` for shard 1 of 8 (shards share the output folder and write
/// disjoint files, so each holds its own lock).
pub(crate) fn run_tag(shard: Option<(u32, u32)>) -> String {
    shard.map_or_else(|| "all".to_string(), |(i, n)| format!("s{i}of{n}"))
}

/// An exclusive lock on a lock file, removed when the run ends: no
/// `.jixiao.lock` stays in the user's folders. (A killed run's file stays,
/// unlocked; the next run takes it and removes it.)
pub struct Lock {
    path: PathBuf,
    // Closed after `drop` has removed the path: the file is unlinked while
    // still locked, so no run can lock the old file and think it holds the path.
    _file: std::fs::File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The tag of a run's work and staging folders. A run writing files into
/// someone else's folder (`convert -o x.csv`) is named by its output file,
/// so that side-by-side conversions into one folder clear only their own
/// leftovers; a run with a folder of its own, by [`run_tag`].
pub(crate) fn output_tag(file: Option<&Path>, shard: Option<(u32, u32)>) -> String {
    match file.and_then(Path::file_name) {
        // A hash: any file name, no prefix of another's.
        Some(n) => {
            let h = blake3::hash(n.as_encoded_bytes()).to_hex();
            format!("f{}", h.get(..16).unwrap_or_default())
        }
        None => run_tag(shard),
    }
}

/// Creates `dir` and holds an exclusive lock on `dir/.jixiao.lock` (the
/// file released by the system when the process ends, even when killed,
/// and removed when the run ends). `file`: lock the run's own output file
/// (`dir/.NAME.jixiao.lock`) instead of the whole folder, so that
/// conversions into one folder run side by side.
pub fn lock_dir(dir: &Path, tag: &str, file: Option<&str>) -> Result<Lock, EmitError> {
    use std::os::unix::fs::MetadataExt;
    let io = |path: &Path, source: std::io::Error| EmitError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let path = match (file, tag) {
        (Some(name), _) => dir.join(format!(".{name}{LOCK_FILE}")),
        (None, "all") => dir.join(LOCK_FILE),
        (None, _) => dir.join(format!("{LOCK_FILE}.{tag}")),
    };
    let what = file.map_or_else(
        || dir.display().to_string(),
        |f| dir.join(f).display().to_string(),
    );
    // Another run may remove the file between our open and our lock: then
    // the file we locked is no longer the path's, and we open it again.
    for _ in 0..16 {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        match f.try_lock() {
            Ok(()) => {
                let ours = f.metadata().map_err(|e| io(&path, e))?;
                let same = std::fs::metadata(&path)
                    .is_ok_and(|m| m.ino() == ours.ino() && m.dev() == ours.dev());
                if same {
                    return Ok(Lock { path, _file: f });
                }
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(io(
                    &path,
                    std::io::Error::other(format!(
                        "another jixiao run is writing to {what}; not started (run again when it has finished)"
                    )),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(&path, e)),
        }
    }
    Err(io(
        &path,
        std::io::Error::other("the lock file was replaced again and again; not started"),
    ))
}

/// Removes the work and staging folders and temporary files of earlier runs
/// that were killed (the caller holds the folder's lock).
/// `temps`: the files whose temporary files go (`None`: any).
pub fn clean_leftovers(dir: &Path, tag: &str, temps: Option<&[&str]>) {
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
        } else if (tag == "all" || temps.is_some())
            && temp_of(&name).is_some_and(|f| temps.is_none_or(|own| own.contains(&f)))
        {
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

/// A name no other run uses, even one with the same PID in another
/// container sharing the folder: PID, time and a random part.
pub(crate) fn unique_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    format!("{}-{nanos:x}-{:016x}", std::process::id(), h.finish())
}

/// A private folder for spilled tables, removed when the run ends.
pub struct WorkDir(PathBuf);

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
    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod outcome_tests {
    use super::*;

    /// An internal failure has its own code and keeps its cause, in the
    /// message and as the error's source.
    #[test]
    fn an_internal_error_exits_4_with_its_cause() {
        let cause =
            polars::prelude::polars_err!(ComputeError: "cannot compare Decimal(18, 2) with str");
        let e = RunError::Internal {
            context: "stage \"reports\": report summary_by_year".into(),
            source: Box::new(cause),
        };
        assert_eq!(e.outcome(), Outcome::Internal);
        assert_eq!(e.exit_code(), 4);
        assert_eq!(
            e.to_string(),
            "internal error: stage \"reports\": report summary_by_year: cannot compare Decimal(18, 2) with str"
        );
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(
            source.as_deref(),
            Some("cannot compare Decimal(18, 2) with str")
        );
        assert_eq!(RunError::Usage("x".into()).exit_code(), 2);
        assert_eq!(RunError::FailFast("x".into()).exit_code(), 1);
    }
}

#[cfg(test)]
mod file_notes_tests {
    use super::FileNotes;

    /// The first notes are kept whole and in order, the rest only counted,
    /// and a note that is not kept is never formatted.
    #[test]
    fn keeps_the_first_notes_and_counts_the_rest() {
        let mut notes = FileNotes::default();
        assert_eq!(notes.lines().count(), 0);
        let mut made = 0;
        for i in 0..FileNotes::SHOWN + 7 {
            notes.push_with(|| {
                made += 1;
                format!("f{i}.txt: read as GB18030")
            });
        }
        assert_eq!(made, FileNotes::SHOWN);
        let lines: Vec<String> = notes.lines().collect();
        assert_eq!(lines.len(), FileNotes::SHOWN + 1);
        assert_eq!(lines[0], "f0.txt: read as GB18030");
        assert_eq!(lines[FileNotes::SHOWN - 1], "f19.txt: read as GB18030");
        assert_eq!(lines[FileNotes::SHOWN], "… and 7 more file(s) like these");
        // No more than were shown: no closing line.
        let mut few = FileNotes::default();
        few.push_with(|| "a.txt: read as GBK".into());
        assert_eq!(few.lines().collect::<Vec<_>>(), ["a.txt: read as GBK"]);
    }
}

//! `ingest`: finds the input files, reads them in chunks on every core, and
//! spills each chunk's rows while the next chunk is parsed. Produces the
//! `rejects` table, the spilled rows that `flatten` names, and what the check
//! stage reconciles.

use std::any::Any;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::flatten;
use crate::ingest::{self, DroppedCells, IngestOptions, TextOptions, decode};
use crate::model::{Document, Reject};
use crate::pipeline::batch::{self, FileFailure, Inputs};
use crate::pipeline::run::{FileNotes, PlanState, RunError, RunState, in_shard};
use crate::pipeline::table::{SpillWriter, Table};

/// Files are parsed in chunks of about this many input bytes: big enough to
/// keep both cores busy, small enough that memory does not grow with the corpus.
const CHUNK_BYTES: u64 = 8 * 1024 * 1024;
const CHUNK_FILES: usize = 2048;

/// `ingest`: which files, how to read them, where the year comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    /// Files, folders (read recursively) or globs; relative to the working directory.
    pub inputs: Vec<PathBuf>,
    /// `file-name` (default: a 20xx year in the file name, else the title),
    /// `document` (the title's `2024年`, else the file name), a fixed year
    /// (`2024`), or `pattern` with `year_pattern`.
    #[serde(default)]
    pub year: YearRule,
    /// With `year = "pattern"`: a regular expression whose first group is the year.
    pub year_pattern: Option<String>,
    /// Force an encoding (`gb18030`, `utf-8`, …) instead of detecting it.
    pub encoding: Option<String>,
    /// How to place source amounts when the text dropped empty cells.
    #[serde(default)]
    pub dropped_cells: DroppedCells,
    /// Stop at the first file that cannot be read.
    #[serde(default)]
    pub fail_fast: bool,
    /// `text` or `excel` for every file; default: by extension.
    pub kind: Option<crate::ingest::InputKind>,
    /// Workbook sheets to read; empty = every sheet holding a table. A named
    /// sheet that does not exist is an error for that file.
    #[serde(default)]
    pub sheets: Vec<String>,
}

/// Where each file's budget year comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum YearRule {
    #[default]
    FileName,
    Document,
    Pattern,
    Fixed(i32),
}

impl<'de> Deserialize<'de> for YearRule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YearRule;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a year such as 2024, "file-name", "document" or "pattern""#)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<YearRule, E> {
                match i32::try_from(v) {
                    Ok(y) if (1990..=2100).contains(&y) => Ok(YearRule::Fixed(y)),
                    _ => Err(E::custom(format!("year {v} is out of range 1990..2100"))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<YearRule, E> {
                match v {
                    "file-name" => Ok(YearRule::FileName),
                    "document" => Ok(YearRule::Document),
                    "pattern" => Ok(YearRule::Pattern),
                    _ => Err(E::custom(format!(
                        r#"unknown year rule "{v}"; expected a year such as 2024, "file-name", "document" or "pattern""#
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl StageConfig for IngestConfig {
    fn type_name(&self) -> &'static str {
        "ingest"
    }

    fn check_options(&self, found: &mut Findings) {
        if self.year == YearRule::Pattern {
            match self.year_pattern.as_deref().map(regex::Regex::new) {
                None => found.add(".year_pattern", "year = \"pattern\" needs year_pattern"),
                Some(Err(e)) => found.add(".year_pattern", format!("bad regular expression: {e}")),
                Some(Ok(re)) if re.captures_len() < 2 => found.add(
                    ".year_pattern",
                    "the pattern needs a group (…) around the year",
                ),
                Some(Ok(_)) => {}
            }
        }
        if let Some(label) = &self.encoding
            && decode::encoding_for_label(label).is_none()
        {
            found.add(".encoding", format!("unknown encoding \"{label}\""));
        }
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        if w.seen.contains("ingest") {
            found.add("", "only one ingest stage per pipeline");
        }
        w.tables.insert("rejects".into());
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        let year = match &self.year {
            YearRule::FileName => Year::FileName,
            YearRule::Document => Year::Document,
            YearRule::Fixed(y) => Year::Fixed(*y),
            YearRule::Pattern => {
                // Checked at validation; compiled here once for every file.
                let pat = self.year_pattern.clone().unwrap_or_default();
                let re = regex::Regex::new(&pat)
                    .map_err(|e| RunError::Usage(format!("year_pattern {pat}: {e}")))?;
                Year::Pattern(re, pat)
            }
        };
        let encoding = match &self.encoding {
            Some(label) => Some(
                decode::encoding_for_label(label)
                    .ok_or_else(|| RunError::Usage(format!("unknown encoding \"{label}\"")))?,
            ),
            None => None,
        };
        let base = IngestOptions {
            text: TextOptions {
                dropped_cells: self.dropped_cells,
            },
            encoding,
            sheets: self.sheets.clone(),
            kind: self.kind,
            prefer_document_year: self.year == YearRule::Document,
            ..IngestOptions::default()
        };
        Ok(Box::new(Ingest {
            inputs: if b.opts.inputs.is_empty() {
                self.inputs.clone()
            } else {
                b.opts.inputs.clone()
            },
            exclude: b.exclude.to_vec(),
            shard: b.opts.shard,
            year,
            base,
            fail_fast: b.opts.fail_fast || self.fail_fast,
            // The figures reconciliation needs are kept (a few per unit,
            // growing with the corpus) only for a check stage that uses them.
            keep_totals: b.pipeline.stages.iter().any(|s| {
                s.config::<super::check::CheckConfig>()
                    .is_some_and(|c| c.reconcile != super::check::Severity::Off)
            }),
            // Documents are not kept past their chunk: a review stage's rules
            // run here, on each chunk as it is read.
            review: b
                .pipeline
                .stages
                .iter()
                .find_map(|s| s.config::<super::review::ReviewConfig>())
                .map(super::review::ReviewConfig::review_config),
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The year rule, compiled.
enum Year {
    FileName,
    Document,
    Fixed(i32),
    Pattern(regex::Regex, String),
}

/// The built ingest stage.
pub struct Ingest {
    inputs: Vec<PathBuf>,
    exclude: Vec<PathBuf>,
    shard: Option<(u32, u32)>,
    year: Year,
    base: IngestOptions,
    fail_fast: bool,
    keep_totals: bool,
    review: Option<jixiao_review::Config>,
}

impl Ingest {
    /// The year of one file under the stage's rule: `Ok(None)` means "from
    /// the file name or the title" (decided by ingest).
    fn year_for(&self, path: &Path) -> Result<Option<i32>, String> {
        match &self.year {
            Year::Fixed(y) => Ok(Some(*y)),
            Year::FileName => Ok(ingest::year_from_name(&ingest::display_name(path))),
            // Known only once the file is read.
            Year::Document => Ok(None),
            Year::Pattern(re, pat) => {
                let name = ingest::display_name(path);
                re.captures(&name)
                    .and_then(|c| c.get(1))
                    .and_then(|m| m.as_str().parse::<i32>().ok())
                    .map(Some)
                    .ok_or_else(|| {
                        format!("year_pattern {pat} does not match the file name {name}")
                    })
            }
        }
    }

    /// The input files of this run (of this shard).
    fn resolve(&self) -> Result<Inputs, RunError> {
        // The run's own outputs are never its inputs (an output folder inside
        // the input folder would be read back on the next run).
        let mut paths =
            batch::resolve_inputs(&self.inputs, &self.exclude).map_err(RunError::Usage)?;
        if let Some(shard) = self.shard {
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
                self.inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(paths)
    }
}

/// The spilled indicators and projects, as the ingest stage writes them.
type Spills = (SpillWriter, SpillWriter);

impl Stage for Ingest {
    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        let paths = self.resolve()?;
        pl.inputs = paths
            .files
            .into_iter()
            .map(|path| {
                let y = self.year_for(&path);
                (path, y)
            })
            .collect();
        pl.add_table(
            "rejects",
            flatten::rejects(&[]).map(|d| d.schema().as_ref().clone()),
        );
        Ok(())
    }

    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        // The shard keys were for choosing the files: not kept (a line a
        // file, to the end of the run).
        let Inputs {
            files: paths,
            refused,
            aliases,
            ..
        } = self.resolve()?;
        (st.on_start)(paths.len());
        let opts_for = |path: &Path| -> Result<IngestOptions, FileFailure> {
            let year = self.year_for(path).map_err(|reason| FileFailure {
                path: path.to_path_buf(),
                line: 0,
                reason: format!("{}: {reason}", path.display()),
            })?;
            let mut o = self.base.clone();
            o.year = year.or(o.year);
            Ok(o)
        };
        let fail_fast = self.fail_fast;
        let mut rejects: Vec<Reject> = Vec::new();
        if !refused.is_empty() {
            let refused = batch::Batch {
                failed: refused,
                ..batch::Batch::default()
            };
            let (counts, _, r) = refused.outcome();
            st.summary.add(&counts);
            rejects.extend(r);
        }
        if aliases > 0 {
            st.notes.push(format!(
                "{} path(s) reach a file already listed (symbolic links, alias folders): each file was read once",
                aliases
            ));
        }
        let mut seen = batch::Seen::default();
        // Documents a chunk could not be tabled with (their file's fault,
        // found by flattening them one by one).
        let unfit: std::sync::Mutex<Vec<FileFailure>> = std::sync::Mutex::default();
        let unfit_ref = &unfit;
        // Chunk n+1 is parsed (on the rayon pool) while chunk n is flattened
        // and spilled on a thread of its own.
        let work = st.work;
        let on_file = st.on_file;
        let spill_chunk = move |n: usize,
                                docs: Vec<Document>,
                                (mut ind, mut proj): Spills|
              -> Result<Spills, RunError> {
            let (i, pr) = match flatten_pair(&docs) {
                Ok(t) => t,
                Err(_) => {
                    // One document broke the chunk: find it, reject it, and
                    // table the others.
                    let (kept, bad) = isolate(docs);
                    if let Ok(mut u) = unfit_ref.lock() {
                        u.extend(bad);
                    }
                    flatten_pair(&kept).map_err(super::internal("building tables"))?
                }
            };
            ind.push(work.file(&format!("indicators-{n}.parquet")), &i)
                .map_err(work_err)?;
            proj.push(work.file(&format!("projects-{n}.parquet")), &pr)
                .map_err(work_err)?;
            Ok((ind, proj))
        };
        let (ind, proj) = std::thread::scope(|scope| -> Result<Spills, RunError> {
            // One chunk may wait while the writer is busy with the one before:
            // the parser never stops for a slow chunk.
            let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Document>)>(1);
            let writer = scope.spawn(move || -> Result<Spills, RunError> {
                let mut spills = Spills::default();
                for (n, docs) in rx {
                    spills = spill_chunk(n, docs, spills)?;
                }
                Ok(spills)
            });
            let join = |h: std::thread::ScopedJoinHandle<'_, Result<Spills, RunError>>| {
                h.join().map_err(|panic| RunError::Internal {
                    context: "the spill writer stopped".into(),
                    source: panic_cause(panic).into(),
                })?
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
                st.summary.add(&counts);
                st.warnings.extend(w);
                rejects.extend(r);
                if let Some(config) = &self.review {
                    st.review.add(&batch.docs, config);
                }
                if self.keep_totals {
                    st.sum_warnings
                        .extend(batch.totals().iter().flat_map(|t| t.warnings()));
                }
                read_notes(&batch.docs, &mut st.encoding_notes, &mut st.dropped_notes);
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
            st.summary.files_failed += counts.files_failed;
            st.summary.rejects += counts.rejects;
            rejects.extend(r);
        }
        st.reject_messages.extend(
            rejects
                .iter()
                .map(|r| format!("{}:{}: {}", r.source, r.line, r.reason)),
        );
        st.tables.push((
            "rejects".into(),
            Table::Mem(flatten::rejects(&rejects).map_err(super::internal("building tables"))?),
        ));
        st.flat = Some((
            Table::Spilled(ind.finish().map_err(work_err)?),
            Table::Spilled(proj.finish().map_err(work_err)?),
        ));
        Ok(())
    }
}

/// What a panicked thread left as its message.
fn panic_cause(panic: Box<dyn Any + Send>) -> String {
    match panic.downcast::<String>() {
        Ok(s) => format!("panicked: {s}"),
        Err(p) => match p.downcast::<&'static str>() {
            Ok(s) => format!("panicked: {s}"),
            Err(_) => "panicked".into(),
        },
    }
}

/// Notes on how documents were read: an encoding other than UTF-8, source
/// figures the text dropped (the summaries of `convert` and `run` print them).
fn read_notes(docs: &[Document], encodings: &mut FileNotes, dropped: &mut FileNotes) {
    for d in docs {
        if d.encoding != "UTF-8" {
            encodings.push_with(|| format!("{}: read as {}", d.source, d.encoding));
        }
        let noted = d
            .projects()
            .filter(|(_, p)| p.amounts.note.is_some())
            .count();
        if noted > 0 {
            dropped.push_with(|| format!(
                "{}: {noted} project(s) print fewer source figures than the three source columns (the text dropped empty cells); their source columns are left empty, see amount_note (--dropped-cells leftmost assumes 财政拨款 first)",
                d.source
            ));
        }
    }
}

fn flatten_pair(
    docs: &[Document],
) -> polars::prelude::PolarsResult<(polars::prelude::DataFrame, polars::prelude::DataFrame)> {
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

fn work_err(e: polars::prelude::PolarsError) -> RunError {
    RunError::Output(crate::emit::EmitError::Format {
        path: PathBuf::from("(work folder)"),
        message: e.to_string(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A panicked writer thread is reported with what it panicked with.
    #[test]
    fn a_panic_keeps_its_message() {
        let h = std::thread::spawn(|| {
            let v: Vec<u8> = Vec::new();
            v[3]
        });
        let panic = h.join().unwrap_err();
        assert_eq!(
            panic_cause(panic),
            "panicked: index out of bounds: the len is 0 but the index is 3"
        );
        let h = std::thread::spawn(|| panic!("spill chunk 7"));
        assert_eq!(
            panic_cause(h.join().unwrap_err()),
            "panicked: spill chunk 7"
        );
    }
}

//! Ingesting many files: one bad file never stops the others; whatever cannot
//! be read becomes a reject with file, line and reason.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::check;
use crate::ingest::{self, IngestError, IngestOptions};
use crate::model::{Document, Position, Reject, Warning, WarningKind};

/// The outcome of ingesting a set of files.
#[derive(Debug, Default)]
pub struct Batch {
    /// Parsed documents, in input order.
    pub docs: Vec<Document>,
    /// Files that could not be read at all, in input order.
    pub failed: Vec<FileFailure>,
    /// Warnings about the batch itself (documents dropped as duplicates).
    pub notes: Vec<Warning>,
    /// Documents dropped because they repeat an earlier one.
    pub duplicates: usize,
}

/// A file that produced no document.
#[derive(Debug, Clone)]
pub struct FileFailure {
    pub path: PathBuf,
    /// The line at fault, or 0 when the whole file is.
    pub line: usize,
    /// The full message, naming the file.
    pub reason: String,
}

impl FileFailure {
    pub fn new(path: &Path, e: &IngestError) -> Self {
        FileFailure {
            path: path.to_path_buf(),
            line: e.line(),
            reason: e.to_string(),
        }
    }
}

/// Counts for the run summary (stderr and `--report`).
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub files_failed: usize,
    pub units: usize,
    pub projects: usize,
    pub indicators: usize,
    pub rejects: usize,
    pub warnings: usize,
    /// Documents that repeat an earlier one (same department, year,
    /// projects and amounts): kept once, each named in a warning.
    pub duplicates: usize,
    /// Files read by each reader (`seed-text`, `long-grid`, `pipe-text`, …):
    /// which layouts a batch held.
    pub readers: std::collections::BTreeMap<String, usize>,
}

impl Summary {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &Summary) {
        self.files += o.files;
        self.files_failed += o.files_failed;
        self.units += o.units;
        self.projects += o.projects;
        self.indicators += o.indicators;
        self.rejects += o.rejects;
        self.warnings += o.warnings;
        self.duplicates += o.duplicates;
        for (r, n) in &o.readers {
            *self.readers.entry(r.clone()).or_default() += n;
        }
    }

    /// `seed-text 3, long-grid 1`: the readers of a batch's files.
    pub fn readers_line(&self) -> String {
        self.readers
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Batch {
    /// Every reject: unplaced text inside documents, and whole files that failed.
    pub fn rejects(&self) -> Vec<Reject> {
        let mut out: Vec<Reject> = self
            .docs
            .iter()
            .flat_map(|d| d.rejects.iter().cloned())
            .collect();
        out.extend(self.failed.iter().map(|f| Reject {
            source: ingest::display_name(&f.path),
            line: f.line,
            text: String::new(),
            reason: f.reason.clone(),
            kind: jixiao_core::model::RejectKind::File,
            pos: if f.line > 0 {
                jixiao_core::model::Position::Line(f.line)
            } else {
                jixiao_core::model::Position::Unknown
            },
        }));
        out
    }

    /// Every warning of reading: the parsers' and the batch's own (repeated
    /// documents). Sums are the check stage's (see [`Batch::totals`]).
    pub fn warnings(&self) -> Vec<Warning> {
        self.docs
            .iter()
            .flat_map(|d| d.warnings.iter().cloned())
            .chain(self.notes.iter().cloned())
            .collect()
    }

    /// What reconciliation needs of each document, kept for the check stage.
    pub fn totals(&self) -> Vec<check::Totals> {
        self.docs.iter().map(check::Totals::of).collect()
    }

    /// The summary, warnings and rejects together, each computed once.
    pub fn outcome(&self) -> (Summary, Vec<Warning>, Vec<Reject>) {
        let warnings = self.warnings();
        let rejects = self.rejects();
        let summary = Summary {
            files: self.docs.len() + self.failed.len() + self.duplicates,
            files_failed: self.failed.len(),
            units: self.docs.iter().map(|d| d.units.len()).sum(),
            projects: self.docs.iter().map(Document::project_count).sum(),
            indicators: self.docs.iter().map(Document::indicator_count).sum(),
            rejects: rejects.len(),
            warnings: warnings.len(),
            duplicates: self.duplicates,
            readers: self.docs.iter().fold(Default::default(), |mut m, d| {
                let r = d.reader.clone().unwrap_or_else(|| "unknown".into());
                *m.entry(r).or_default() += 1;
                m
            }),
        };
        (summary, warnings, rejects)
    }
}

/// Ingests `paths` with per-file options (e.g. a year taken from the file
/// name by a pattern). In parallel, keeping input order; with `fail_fast`,
/// in order, stopping at the first file that fails.
pub fn ingest_each(
    paths: &[PathBuf],
    opts_for: &(dyn Fn(&Path) -> Result<IngestOptions, FileFailure> + Sync),
    fail_fast: bool,
    on_done: &(dyn Fn() + Sync),
) -> Batch {
    let one = |p: &PathBuf| {
        let r = opts_for(p).and_then(|o| ingest_path(p, &o).map_err(|e| FileFailure::new(p, &e)));
        on_done();
        r
    };
    let results: Vec<Result<Document, FileFailure>> = if fail_fast {
        let mut v = Vec::new();
        for p in paths {
            let r = one(p);
            let stop = r.is_err();
            v.push(r);
            if stop {
                break;
            }
        }
        v
    } else {
        paths.par_iter().map(one).collect()
    };
    let mut batch = Batch::default();
    for (r, p) in results.into_iter().zip(paths) {
        match r.and_then(|d| settle(p, d)) {
            Ok(d) => batch.docs.push(d),
            Err(f) => batch.failed.push(f),
        }
    }
    batch
}

/// One file's content, read already, as [`ingest_each`] reads a file: its
/// document, settled, or its failure. Not for workbooks
/// ([`ingest::is_workbook`]), which are read from files.
pub fn ingest_bytes(path: &Path, bytes: Vec<u8>, opts: &IngestOptions) -> Batch {
    let mut batch = Batch::default();
    match ingest::ingest_bytes(path, bytes, opts)
        .map_err(|e| FileFailure::new(path, &e))
        .and_then(|d| settle(path, d))
    {
        Ok(d) => batch.docs.push(d),
        Err(f) => batch.failed.push(f),
    }
    batch
}

/// What every later stage may rely on, whatever reader made the document:
/// a department (empty, with a warning, when the table prints none), and
/// indicators (a table of projects without any is not a target table: text
/// that matched no layout, e.g. `pdftotext -layout` of other tables).
fn settle(path: &Path, mut d: Document) -> Result<Document, FileFailure> {
    let projects = d.project_count();
    if projects > 0 && d.indicator_count() == 0 {
        let line = d.projects().next().map_or(0, |(_, p)| p.line);
        return Err(FileFailure {
            path: path.to_path_buf(),
            line,
            reason: format!(
                "{}: not a performance-target table: {projects} project row(s) but no 绩效指标 (indicators) in any of them",
                path.display()
            ),
        });
    }
    if d.department.is_none() {
        d.department = Some(String::new());
        d.warnings.push(Warning {
            source: d.source.clone(),
            line: 0,
            message: "no 部门名称 (department) found: the department column is left empty".into(),
            kind: WarningKind::Parse,
            pos: Position::Unknown,
        });
    }
    Ok(d)
}

/// Documents already seen in a run, by what they hold: a table downloaded
/// twice, or published both as PDF and as workbook, is counted once. Two
/// versions of one table (same department, year, projects and amounts,
/// other rows: a corrected re-publication) are both kept, with a warning.
///
/// The first file's name is kept in one growing string, not a string each:
/// small allocations that live to the end of a run would sit among the
/// documents' short-lived ones.
#[derive(Debug, Default)]
pub struct Seen {
    /// Department, year, projects and amounts → the first document of
    /// that table: its name (a range of `names`) and its rows' hashes.
    first: HashMap<[u8; 32], First>,
    /// Every document's whole content, rows included: an exact repeat.
    content: std::collections::HashSet<[u8; 32]>,
    names: String,
}

#[derive(Debug)]
struct First {
    name: (usize, usize),
    /// The indicators' hashes, sorted (8 bytes a row).
    rows: Vec<u64>,
}

impl Seen {
    /// Drops from `batch` every document whose rows equal an earlier one's
    /// (earlier in input order, also in earlier batches), with a warning
    /// naming both files; a document with the same department, year,
    /// projects and amounts as an earlier one but other rows is kept, with
    /// a warning naming both and counting the rows that differ.
    pub fn dedup(&mut self, batch: &mut Batch) {
        let docs = std::mem::take(&mut batch.docs);
        for d in docs {
            let (table, content, rows) = fingerprint(&d);
            let first = self.first.get(&table);
            let name = |f: &First| {
                self.names
                    .get(f.name.0..f.name.1)
                    .unwrap_or_default()
                    .to_string()
            };
            if !self.content.insert(content) {
                let first = first.map(name).unwrap_or_default();
                batch.duplicates += 1;
                batch.notes.push(Warning {
                    source: d.source.clone(),
                    line: 0,
                    message: format!(
                        "repeats {first} (same department, year, projects, amounts and indicators): counted once, from {first}"
                    ),
                    kind: WarningKind::Duplicate,
                    pos: Position::Unknown,
                });
                continue;
            }
            match first {
                Some(f) => {
                    let differ = rows
                        .iter()
                        .filter(|r| f.rows.binary_search(r).is_err())
                        .count();
                    batch.notes.push(Warning {
                        source: d.source.clone(),
                        line: 0,
                        message: format!(
                            "another version of {} (same department, year, projects and amounts; {differ} of its {} indicators differ): both kept",
                            name(f),
                            rows.len()
                        ),
                        kind: WarningKind::Duplicate,
                        pos: Position::Unknown,
                    });
                }
                None => {
                    let from = self.names.len();
                    self.names.push_str(&d.source);
                    self.first.insert(
                        table,
                        First {
                            name: (from, self.names.len()),
                            rows,
                        },
                    );
                }
            }
            batch.docs.push(d);
        }
    }
}

/// The document's table (department, year, every project's name and total,
/// in order), its whole content (the table and every indicator), and its
/// indicators' hashes, sorted. Texts are compared by their vocabulary key,
/// so that the same table as text and as workbook is the same content.
fn fingerprint(d: &Document) -> ([u8; 32], [u8; 32], Vec<u64>) {
    let mut h = blake3::Hasher::new();
    h.update(d.department.as_deref().unwrap_or("").as_bytes());
    h.update(format!("\0{:?}\0", d.year).as_bytes());
    for (_, p) in d.projects() {
        h.update(p.name.as_bytes());
        h.update(b"\0");
        let total = p.amounts.total.map(|t| t.normalize().to_string());
        h.update(total.unwrap_or_default().as_bytes());
        h.update(b"\n");
    }
    let table = *h.finalize().as_bytes();
    // The rows go into the content's hash in full; each row's own 64-bit
    // hash (a cheaper one: it only counts the rows two versions differ in)
    // is kept aside.
    let mut rows = Vec::new();
    for (_, p) in d.projects() {
        for i in &p.indicators {
            let mut r = std::hash::DefaultHasher::new();
            for t in [
                p.name.as_str(),
                &i.level,
                &i.category,
                &i.name,
                i.cycle_value.as_deref().unwrap_or(""),
                i.annual_value.as_deref().unwrap_or(""),
            ] {
                let k = jixiao_core::vocab::key(t);
                h.update(k.as_bytes());
                h.update(b"\0");
                std::hash::Hash::hash(&k, &mut r);
            }
            h.update(b"\n");
            rows.push(std::hash::Hasher::finish(&r));
        }
    }
    let content = *h.finalize().as_bytes();
    rows.sort_unstable();
    (table, content, rows)
}

/// Ingests one file by its kind (text unless a workbook extension says otherwise).
pub fn ingest_path(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    ingest::ingest_file(path, opts)
}

/// The input files of a run.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// Regular files to read, each once (symbolic links resolved), in order.
    pub files: Vec<PathBuf>,
    /// Per file: its path relative to the folder it was found in (its name
    /// for a file or glob match), the same however the folder is spelled or
    /// mounted: what shard membership hashes.
    pub keys: Vec<String>,
    /// Entries that are not regular files (FIFOs, devices, sockets, broken
    /// links): rejects, never opened (a FIFO would block the run forever).
    pub refused: Vec<FileFailure>,
    /// Paths skipped because they reach a file already listed (a symbolic
    /// link, an alias folder).
    pub aliases: usize,
}

/// Expands inputs: files as given, folders to the files inside them
/// (recursively, sorted, hidden files skipped), globs to their matches.
/// Files under `exclude` (the run's own output folders) are skipped.
pub fn resolve_inputs(inputs: &[PathBuf], exclude: &[PathBuf]) -> Result<Inputs, String> {
    let exclude: Vec<PathBuf> = exclude
        .iter()
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect();
    let mut out = Lister {
        exclude,
        ..Lister::default()
    };
    for input in inputs {
        let s = input.to_string_lossy();
        let meta = std::fs::metadata(input);
        if meta.as_ref().is_ok_and(std::fs::Metadata::is_dir) {
            let root = std::fs::canonicalize(input)
                .map_err(|e| format!("{}: cannot list folder: {e}", input.display()))?;
            let mut found = Vec::new();
            let mut failed = Vec::new();
            walk(input, &mut found, &mut out.dirs, &mut failed)
                .map_err(|e| format!("{}: cannot list folder: {e}", input.display()))?;
            for (p, e) in failed {
                out.inputs.refused.push(FileFailure {
                    reason: format!(
                        "{}: cannot list folder: {e}; its files are not read",
                        p.display()
                    ),
                    path: p,
                    line: 0,
                });
            }
            found.sort();
            for p in found {
                out.add(p, Some(&root));
            }
        } else if meta.is_ok() || std::fs::symlink_metadata(input).is_ok() {
            out.add(input.clone(), None);
        } else if s.contains(['*', '?', '[']) {
            let paths = glob::glob(&s).map_err(|e| format!("{s}: bad glob pattern: {e}"))?;
            let mut found: Vec<PathBuf> = paths
                .filter_map(Result::ok)
                .filter(|p| !p.is_dir())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{s}: the pattern matches no file"));
            }
            for p in found {
                out.add(p, None);
            }
        } else {
            return Err(format!("{}: no such file or folder", input.display()));
        }
    }
    Ok(out.inputs)
}

#[derive(Default)]
struct Lister {
    inputs: Inputs,
    seen: HashSet<PathBuf>,
    dirs: HashSet<PathBuf>,
    exclude: Vec<PathBuf>,
}

impl Lister {
    fn add(&mut self, p: PathBuf, root: Option<&Path>) {
        let refuse = |reason: String| FileFailure {
            path: p.clone(),
            line: 0,
            reason: format!("{}: {reason}", p.display()),
        };
        let canonical = match std::fs::canonicalize(&p) {
            Ok(c) => c,
            Err(e) => {
                self.inputs
                    .refused
                    .push(refuse(format!("cannot read: {e} (a broken link?)")));
                return;
            }
        };
        if self.exclude.iter().any(|d| canonical.starts_with(d)) {
            return; // this run's own outputs
        }
        match std::fs::metadata(&canonical) {
            Ok(m) if m.is_file() => {}
            Ok(m) => {
                self.inputs.refused.push(refuse(format!(
                    "not a regular file ({}): not read",
                    kind_of(&m.file_type())
                )));
                return;
            }
            Err(e) => {
                self.inputs
                    .refused
                    .push(refuse(format!("cannot read: {e}")));
                return;
            }
        }
        if !self.seen.insert(canonical.clone()) {
            self.inputs.aliases += 1;
            return;
        }
        let key = root
            .and_then(|r| canonical.strip_prefix(r).ok())
            .map(|rel| rel.to_string_lossy().into_owned())
            .unwrap_or_else(|| ingest::display_name(&p));
        self.inputs.files.push(p);
        self.inputs.keys.push(key);
    }
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Lists a folder; a folder reached twice (a link loop, an alias) is listed
/// once. A subfolder that cannot be listed (no permission, a path too long)
/// goes to `failed`, named, and the rest is listed; only the folder given
/// failing is an error.
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    dirs: &mut HashSet<PathBuf>,
    failed: &mut Vec<(PathBuf, std::io::Error)>,
) -> std::io::Result<()> {
    if !dirs.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                failed.push((dir.to_path_buf(), e));
                continue;
            }
        };
        let p = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // The entry's type comes with the listing; only a symbolic link
        // costs a stat to see where it points.
        let is_dir = match entry.file_type() {
            Ok(ft) => ft.is_dir() || (ft.is_symlink() && p.is_dir()),
            Err(e) => {
                failed.push((p, e));
                continue;
            }
        };
        if is_dir {
            if let Err(e) = walk(&p, out, dirs, failed) {
                failed.push((p, e));
            }
        } else {
            // Every file is attempted: one that is not a table becomes a
            // reject with its reason, never silently skipped.
            out.push(p);
        }
    }
    Ok(())
}

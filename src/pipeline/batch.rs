//! Ingesting many files: one bad file never stops the others; whatever cannot
//! be read becomes a reject with file, line and reason.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::check;
use crate::ingest::{self, IngestError, IngestOptions};
use crate::model::{Document, Reject, Warning};

/// The outcome of ingesting a set of files.
#[derive(Debug, Default)]
pub struct Batch {
    /// Parsed documents, in input order.
    pub docs: Vec<Document>,
    /// Files that could not be read at all, in input order.
    pub failed: Vec<FileFailure>,
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

    /// Every warning: the parser's and the reconciliation's.
    pub fn warnings(&self) -> Vec<Warning> {
        self.docs
            .iter()
            .flat_map(|d| {
                d.warnings
                    .iter()
                    .cloned()
                    .chain(check::reconcile_warnings(d))
            })
            .collect()
    }

    /// The summary, warnings and rejects together, each computed once (the
    /// warnings include the reconciliation, which sums every table).
    pub fn outcome(&self) -> (Summary, Vec<Warning>, Vec<Reject>) {
        let warnings = self.warnings();
        let rejects = self.rejects();
        let summary = Summary {
            files: self.docs.len() + self.failed.len(),
            files_failed: self.failed.len(),
            units: self.docs.iter().map(|d| d.units.len()).sum(),
            projects: self.docs.iter().map(Document::project_count).sum(),
            indicators: self.docs.iter().map(Document::indicator_count).sum(),
            rejects: rejects.len(),
            warnings: warnings.len(),
        };
        (summary, warnings, rejects)
    }
}

/// Ingests `paths` in parallel, keeping input order in the result.
/// `on_done` is called once per file (for progress).
pub fn ingest_all(paths: &[PathBuf], opts: &IngestOptions, on_done: &(dyn Fn() + Sync)) -> Batch {
    ingest_each(paths, &|_| Ok(opts.clone()), false, on_done)
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
    for r in results {
        match r {
            Ok(d) => batch.docs.push(d),
            Err(f) => batch.failed.push(f),
        }
    }
    batch
}

/// Ingests one file by its kind (text unless a workbook extension says otherwise).
pub fn ingest_path(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    ingest::ingest_file(path, opts)
}

/// Expands inputs: files as given, folders to the files inside them
/// (recursively, sorted, hidden files skipped), globs to their matches.
pub fn resolve_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for input in inputs {
        let s = input.to_string_lossy();
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)
                .map_err(|e| format!("{}: cannot list folder: {e}", input.display()))?;
            found.sort();
            out.extend(found);
        } else if input.exists() {
            out.push(input.clone());
        } else if s.contains(['*', '?', '[']) {
            let paths = glob::glob(&s).map_err(|e| format!("{s}: bad glob pattern: {e}"))?;
            let mut found: Vec<PathBuf> = paths
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{s}: the pattern matches no file"));
            }
            out.extend(found);
        } else {
            return Err(format!("{}: no such file or folder", input.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let p = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // The entry's type comes with the listing; only a symbolic link
        // costs a stat to see where it points.
        let ft = entry.file_type()?;
        if ft.is_dir() || (ft.is_symlink() && p.is_dir()) {
            walk(&p, out)?;
        } else {
            // Every file is attempted: one that is not a table becomes a
            // reject with its reason, never silently skipped.
            out.push(p);
        }
    }
    Ok(())
}

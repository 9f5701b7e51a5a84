//! `emit`: writes tables into the output folder (or, for `convert`, to one
//! output file). What it writes is worked out once, by [`Emit::targets`], for
//! both the run and the `--dry-run` plan. Files are written into a staging
//! folder and moved into place as a set, so a failed run leaves the previous
//! outputs untouched.

use std::any::Any;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::emit::{self, EmitError, csv::CsvOptions};
use crate::pipeline::run::{
    PlanState, PlannedOutput, RunError, RunOptions, RunState, output_tag, unique_suffix,
};
use crate::pipeline::table::Table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Parquet,
    Xlsx,
}

/// `emit`: writes tables to the output folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmitConfig {
    /// Output folder (created if missing).
    pub out: PathBuf,
    #[serde(default = "all_formats")]
    pub formats: Vec<Format>,
    /// UTF-8 BOM at the start of each CSV (for Excel and WPS).
    #[serde(default = "yes")]
    pub bom: bool,
    /// Which tables; empty = all tables produced so far.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Write Parquet as a Hive-partitioned dataset by this column
    /// (`OUT/<table>/year=2024/part-<hash>.parquet`); only `year`.
    pub partition_by: Option<String>,
    /// Deflate level of XLSX workbooks, 1 (fastest, largest) to 9; default
    /// 3, Excel's own.
    pub xlsx_compression: Option<u8>,
    /// One output file instead of a folder: what `convert` builds (a
    /// pipeline file cannot set it).
    #[serde(skip)]
    pub file: Option<FileTarget>,
}

/// `convert`'s output: one file of one table (an XLSX holds every table),
/// and `<stem>.rejects.csv` beside it when there are rejects.
#[derive(Debug, Clone)]
pub struct FileTarget {
    pub path: PathBuf,
    pub format: Format,
    /// The table a CSV or Parquet file holds.
    pub table: String,
}

fn all_formats() -> Vec<Format> {
    vec![Format::Csv, Format::Parquet, Format::Xlsx]
}

fn yes() -> bool {
    true
}

/// `out/x.csv` → `out/x.rejects.csv`.
pub fn rejects_beside(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!("{stem}.rejects.csv"))
}

impl EmitConfig {
    fn dir(&self, opts: &RunOptions) -> PathBuf {
        match &self.file {
            Some(f) => f
                .path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
            None => opts.out.clone().unwrap_or_else(|| self.out.clone()),
        }
    }
}

impl StageConfig for EmitConfig {
    fn type_name(&self) -> &'static str {
        "emit"
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        for (j, t) in self.tables.iter().enumerate() {
            if !w.tables.contains(t) {
                found.add(
                    &format!(".tables[{j}]"),
                    format!("no table \"{t}\" at this point; tables: {}", w.table_list()),
                );
            }
        }
        if let Some(k) = &self.partition_by {
            if k != "year" {
                found.add(
                    ".partition_by",
                    format!(
                        "cannot partition by \"{k}\"; only \"year\" (an ASCII key every engine reads)"
                    ),
                );
            }
            if !self.formats.contains(&Format::Parquet) {
                found.add(
                    ".partition_by",
                    "partition_by applies to parquet, which formats does not list",
                );
            }
        }
        if let Some(l) = self.xlsx_compression
            && !emit::xlsx::ZIP_LEVELS.contains(&l)
        {
            found.add(
                ".xlsx_compression",
                format!("{l} is not a deflate level; expected 1 (fastest) to 9 (smallest)"),
            );
        }
        if self.formats.is_empty() {
            found.add(
                ".formats",
                "no formats; expected some of csv, parquet, xlsx",
            );
        }
    }

    fn output_dir(&self, opts: &RunOptions) -> Option<PathBuf> {
        Some(self.dir(opts))
    }

    fn own_outputs(&self, opts: &RunOptions) -> Vec<PathBuf> {
        match &self.file {
            // Only the file and its rejects: the folder is the user's.
            Some(f) => vec![f.path.clone(), rejects_beside(&f.path)],
            None => vec![self.dir(opts)],
        }
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        Ok(Box::new(Emit {
            config: self.clone(),
            dir: self.dir(b.opts),
            workbook: b.pipeline.name.clone(),
            shard: b.opts.shard,
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The built emit stage.
pub struct Emit {
    config: EmitConfig,
    dir: PathBuf,
    /// Names the workbook: `<name>.xlsx`.
    workbook: String,
    shard: Option<(u32, u32)>,
}

/// One thing an emit stage writes, relative to its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Csv {
        table: String,
        file: PathBuf,
    },
    Parquet {
        table: String,
        file: PathBuf,
    },
    /// `<table>/<key>=<value>/<part>.parquet`, one file per value, then
    /// `<table>/_SUCCESS` (see [`finish_datasets`]).
    Partitioned {
        table: String,
        key: String,
        part: String,
    },
    /// A workbook of these tables (rejects only when there are some).
    Xlsx {
        file: PathBuf,
        tables: Vec<String>,
    },
    /// The rejects as CSV when there are some; else an earlier run's file
    /// is removed, as it would mislead.
    RejectsIfAny {
        file: PathBuf,
    },
}

impl Emit {
    /// The name of this run's files in a partitioned dataset: the shard that
    /// wrote them (`part-1-of-8`, or `part-all` for a run without shards). A
    /// rerun of a shard replaces exactly its own parts, whatever inputs were
    /// added or removed since; N shards never collide.
    fn part_name(&self) -> String {
        match self.shard {
            Some((i, n)) => format!("part-{i}-of-{n}"),
            None => "part-all".to_string(),
        }
    }

    /// What this stage writes, given the tables so far (name, and whether the
    /// table has the partition column): the one place output names are made.
    fn targets(&self, tables: &[(String, bool)]) -> Vec<Target> {
        let e = &self.config;
        let mut chosen: Vec<&(String, bool)> = tables
            .iter()
            .filter(|(n, _)| e.tables.is_empty() || e.tables.contains(n) || n == "rejects")
            .collect();
        // Rejects last: the sheet analysts look at first is the data. A
        // one-file output lists its tables in the order its sheets take
        // (`review` puts the findings first).
        chosen.sort_by_key(|(n, _)| {
            let listed = e
                .file
                .as_ref()
                .and_then(|_| e.tables.iter().position(|t| t == n));
            (n == "rejects", listed)
        });
        let names: Vec<String> = chosen.iter().map(|(n, _)| n.clone()).collect();
        if let Some(f) = &e.file {
            let file = PathBuf::from(f.path.file_name().unwrap_or_default());
            let main = match f.format {
                Format::Csv => Target::Csv {
                    table: f.table.clone(),
                    file,
                },
                Format::Parquet => Target::Parquet {
                    table: f.table.clone(),
                    file,
                },
                Format::Xlsx => Target::Xlsx {
                    file,
                    tables: names,
                },
            };
            let rejects = rejects_beside(&f.path);
            let rejects = PathBuf::from(rejects.file_name().unwrap_or_default());
            return vec![main, Target::RejectsIfAny { file: rejects }];
        }
        // Shards share the folder: their single files must not overwrite each other.
        let suffix = self
            .shard
            .map_or(String::new(), |(i, n)| format!(".shard-{i}-of-{n}"));
        let mut out = Vec::new();
        for (name, has_key) in chosen {
            if e.formats.contains(&Format::Csv) || name == "rejects" {
                out.push(Target::Csv {
                    table: name.clone(),
                    file: PathBuf::from(format!("{name}{suffix}.csv")),
                });
            }
            if e.formats.contains(&Format::Parquet) {
                match (&e.partition_by, has_key) {
                    (Some(key), true) => out.push(Target::Partitioned {
                        table: name.clone(),
                        key: key.clone(),
                        part: self.part_name(),
                    }),
                    _ => out.push(Target::Parquet {
                        table: name.clone(),
                        file: PathBuf::from(format!("{name}{suffix}.parquet")),
                    }),
                }
            }
        }
        if e.formats.contains(&Format::Xlsx) {
            out.push(Target::Xlsx {
                file: PathBuf::from(format!("{}{suffix}.xlsx", self.workbook)),
                tables: names,
            });
        }
        out
    }

    /// Whether a table is written partitioned: it has the key column.
    fn has_key(&self, schema: Option<&Schema>) -> bool {
        match (&self.config.partition_by, schema) {
            (Some(k), Some(s)) => s.get(k).is_some(),
            _ => false,
        }
    }
}

impl Stage for Emit {
    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        let tables: Vec<(String, bool)> = pl
            .tables
            .iter()
            .map(|(n, s)| (n.clone(), self.has_key(s.as_ref().ok())))
            .collect();
        for t in self.targets(&tables) {
            match t {
                Target::Csv { file, .. }
                | Target::Parquet { file, .. }
                | Target::Xlsx { file, .. } => {
                    pl.outputs.push(PlannedOutput::file(self.dir.join(file)));
                }
                Target::Partitioned { table, key, part } => {
                    let root = self.dir.join(&table);
                    pl.outputs.push(PlannedOutput {
                        path: root
                            .join(format!("{key}=*"))
                            .join(format!("{part}.parquet")),
                        pattern: true,
                        when: Some("one file per value, known when the files are read".into()),
                    });
                    if let Some((i, n)) = self.shard {
                        pl.outputs.push(PlannedOutput {
                            path: root.join("_shards").join(format!("{i}-of-{n}")),
                            pattern: false,
                            when: Some("marks this shard done".into()),
                        });
                    }
                    pl.outputs.push(PlannedOutput {
                        path: root.join("_SUCCESS"),
                        pattern: false,
                        when: self
                            .shard
                            .map(|(_, n)| format!("once all {n} shards are done")),
                    });
                }
                Target::RejectsIfAny { file } => pl.outputs.push(PlannedOutput {
                    path: self.dir.join(file),
                    pattern: false,
                    when: Some("when there are rejects".into()),
                }),
            }
        }
        Ok(())
    }

    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let written = self.emit(&st.tables, st.charts.as_ref(), &mut st.notes)?;
        st.outputs.extend(written);
        Ok(())
    }
}

fn io(path: &Path, source: std::io::Error) -> EmitError {
    EmitError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Emit {
    /// Writes the targets into a staging folder, then moves every file into
    /// place; a failure before the move leaves the folder as it was.
    fn emit(
        &self,
        tables: &[(String, Table)],
        charts: Option<&crate::aggregate::ChartData>,
        notes: &mut Vec<String>,
    ) -> Result<Vec<PathBuf>, RunError> {
        let dir = &self.dir;
        std::fs::create_dir_all(dir).map_err(|err| io(dir, err))?;
        let tag = output_tag(
            self.config.file.as_ref().map(|f| f.path.as_path()),
            self.shard,
        );
        let staging = dir.join(format!(".jixiao-staging-{tag}-{}", unique_suffix()));
        std::fs::create_dir_all(&staging).map_err(|err| io(&staging, err))?;
        let keyed: Vec<(String, bool)> = tables
            .iter()
            .map(|(n, t)| (n.clone(), self.has_key(t.schema().ok().as_ref())))
            .collect();
        let targets = self.targets(&keyed);
        let result = self
            .write_staged(&targets, &staging, tables, charts, notes)
            .and_then(|(files, stale)| {
                let moved = switch(dir, &staging, &files)?;
                for f in stale {
                    let path = dir.join(f);
                    if path.exists() {
                        std::fs::remove_file(&path).map_err(|err| {
                            EmitError::format(&path, format!("cannot remove stale rejects: {err}"))
                        })?;
                    }
                }
                Ok(moved)
            })
            .map_err(RunError::Output)
            .and_then(|moved| {
                finish_datasets(dir, &targets, self.shard, &moved)
                    .map_err(|err| RunError::Output(io(dir, err)))?;
                Ok(moved)
            });
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    /// Writes each target into `staging`; returns the files written
    /// (relative) and the files to remove from the folder.
    fn write_staged(
        &self,
        targets: &[Target],
        staging: &Path,
        tables: &[(String, Table)],
        charts: Option<&crate::aggregate::ChartData>,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<PathBuf>, Vec<PathBuf>), EmitError> {
        let table = |name: &str| {
            tables
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t)
                .ok_or_else(|| EmitError::format(staging, format!("no table \"{name}\"")))
        };
        let csv = CsvOptions {
            bom: self.config.bom,
        };
        let mut files = Vec::new();
        let mut stale = Vec::new();
        for t in targets {
            match t {
                Target::Csv { table: name, file } => {
                    emit::csv::write_csv(&staging.join(file), table(name)?, csv)?;
                    files.push(file.clone());
                }
                Target::RejectsIfAny { file } => {
                    let rejects = table("rejects")?;
                    if rejects.rows() > 0 {
                        emit::csv::write_csv(&staging.join(file), rejects, csv)?;
                        files.push(file.clone());
                    } else {
                        stale.push(file.clone());
                    }
                }
                Target::Partitioned {
                    table: name,
                    key,
                    part,
                } => {
                    // OUT/<table>/year=2024/part-<hash>.parquet, then _SUCCESS last.
                    let sub = PathBuf::from(name.as_str());
                    let parts = emit::parquet::write_partitioned(
                        &staging.join(&sub),
                        table(name)?,
                        key,
                        part,
                    )?;
                    files.extend(parts.into_iter().map(|f| sub.join(f)));
                }
                Target::Parquet { table: name, file } => {
                    let df = table(name)?;
                    let spilled = match df {
                        Table::Spilled(s) => s.single_file(),
                        Table::Mem(_) => None,
                    };
                    let to = staging.join(file);
                    match spilled {
                        // The spill is already this output, byte for byte:
                        // linked (copied across file systems), not encoded again.
                        Some(from) => {
                            std::fs::hard_link(&from, &to)
                                .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
                                .map_err(|source| io(&to, source))?;
                        }
                        None => {
                            emit::parquet::write_parquet(&to, df)?;
                        }
                    }
                    files.push(file.clone());
                }
                Target::Xlsx {
                    file,
                    tables: names,
                } => {
                    let chosen: Vec<(&str, &Table)> = names
                        .iter()
                        .map(|n| table(n).map(|t| (n.as_str(), t)))
                        .collect::<Result<_, _>>()?;
                    let opts = emit::xlsx::XlsxOptions {
                        zip_level: self
                            .config
                            .xlsx_compression
                            .unwrap_or(emit::xlsx::DEFAULT_ZIP_LEVEL),
                        ..emit::xlsx::XlsxOptions::default()
                    };
                    write_workbook(&staging.join(file), file, &chosen, charts, &opts, notes)?;
                    files.push(file.clone());
                }
            }
        }
        Ok((files, stale))
    }
}

/// Writes the workbook: one sheet per table (read batch by batch), rejects
/// only when there are some, and the charts of the reports among them. The
/// one place the emit stage calls the XLSX writer.
fn write_workbook(
    path: &Path,
    file: &Path,
    tables: &[(&str, &Table)],
    charts: Option<&crate::aggregate::ChartData>,
    opts: &emit::xlsx::XlsxOptions,
    notes: &mut Vec<String>,
) -> Result<(), EmitError> {
    let shown: Vec<(&str, &Table)> = tables
        .iter()
        .copied()
        .filter(|(n, t)| *n != "rejects" || t.rows() > 0)
        .collect();
    let sheets: Vec<emit::xlsx::Sheet<'_>> = shown
        .iter()
        .map(|(name, t)| crate::aggregate::sheet(name, *t, t.rows()))
        .collect::<PolarsResult<_>>()
        .map_err(|e| EmitError::format(path, e))?;
    let has = |n: &str| shown.iter().any(|(t, _)| *t == n);
    let blocks = charts.map_or_else(Vec::new, |c| {
        c.blocks(has("summary_by_year"), has("project_trend"))
    });
    let stats = emit::xlsx::write_xlsx_with(path, &sheets, &blocks, opts)?;
    // A sheet holds 1,048,576 rows: longer tables continue on `…_2`, `…_3`.
    for (name, t) in &shown {
        if t.rows() > emit::xlsx::MAX_DATA_ROWS {
            notes.push(format!(
                "{}: table {name} has {} rows, more than a sheet holds; it continues over {} sheets ({})",
                file.display(),
                t.rows(),
                t.rows().div_ceil(emit::xlsx::MAX_DATA_ROWS),
                stats.sheets.join(", ")
            ));
        }
    }
    Ok(())
}

/// Moves the staged files into `dir` as a set: each file it replaces is
/// first moved aside, and if any move fails every replaced file is put
/// back, so `dir` holds either the whole new set or the whole old one.
fn switch(dir: &Path, staging: &Path, files: &[PathBuf]) -> Result<Vec<PathBuf>, EmitError> {
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
    targets: &[Target],
    shard: Option<(u32, u32)>,
    written: &[PathBuf],
) -> std::io::Result<()> {
    for t in targets {
        let Target::Partitioned { table, key, part } = t else {
            continue;
        };
        let part = format!("{part}.parquet");
        let root = dir.join(table);
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

//! Snapshot tests of the real binary (insta + insta-cmd): each command's whole
//! output, exit code included, so an extra, missing or reworded section fails
//! where a `contains` check would pass. Snapshots: tests/snapshots/*.snap.
//!
//! A mismatch always fails the test. Outside CI insta also writes
//! `NAME.snap.new` beside the snapshot for review; with `CI=true` or
//! `INSTA_UPDATE=no` it writes nothing. To review a change:
//!   cargo insta review                      (if cargo-insta is installed), or
//!   INSTA_UPDATE=always cargo test --release --test snapshots
//! then read `git diff tests/snapshots` before committing; delete any
//! leftover `*.snap.new`.
//!
//! Deterministic by construction: COLUMNS is fixed (clap wraps help to the
//! terminal width, and reads COLUMNS when stdout is not a terminal), colour is
//! off, read-only commands run in the repository with relative paths, commands
//! that write run in a temp copy of `pipelines/` and `samples/`; timings and any
//! absolute path are filtered.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta::Settings;
use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use tempfile::TempDir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir`, with what could vary between machines pinned.
fn jixiao(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(get_cargo_bin("jixiao"));
    c.current_dir(dir)
        .args(args)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    c
}

/// In the repository: for commands that only read.
fn in_repo(args: &[&str]) -> Command {
    jixiao(&root(), args)
}

/// Filters for anything machine-specific: the repository and scratch
/// folders, and durations (printed with two decimals: `in 0.06s`, `read 0.01s`).
fn settings(scratch: Option<&Path>) -> Settings {
    let mut s = Settings::clone_current();
    if let Some(dir) = scratch {
        s.add_filter(&regex::escape(&dir.display().to_string()), "[SCRATCH]");
    }
    // Not the bare temp folder: `/tmp` is also literal text in `gen --help`.
    s.add_filter(&regex::escape(&root().display().to_string()), "[REPO]");
    s.add_filter(r"\b\d+\.\d{2}s\b", "[TIME]");
    s
}

/// A temp folder holding copies of `pipelines/*.toml` and `samples/` (text and
/// workbooks), so a run writes there and every path it prints is relative.
fn scratch() -> TempDir {
    let dir = tempfile::tempdir().expect("temp folder");
    for sub in ["pipelines", "samples", "samples/excel"] {
        let to = dir.path().join(sub);
        std::fs::create_dir_all(&to).expect("create folder");
        for entry in std::fs::read_dir(root().join(sub)).expect("read folder") {
            let path = entry.expect("folder entry").path();
            if path.is_file() {
                let name = path.file_name().expect("file name");
                std::fs::copy(&path, to.join(name)).expect("copy");
            }
        }
    }
    dir
}

/// A CSV jixiao wrote with a BOM (the emit default), without the BOM.
fn csv_body(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("csv is UTF-8");
    text.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{}: no BOM", path.display()))
        .to_string()
}

#[test]
fn help_of_every_command() {
    settings(None).bind(|| {
        assert_cmd_snapshot!("help", in_repo(&["--help"]));
        for cmd in ["convert", "review", "inspect", "run", "validate", "gen"] {
            assert_cmd_snapshot!(format!("help_{cmd}"), in_repo(&[cmd, "--help"]));
        }
    });
}

#[test]
fn help_wraps_at_columns_which_the_snapshots_pin() {
    // The snapshots hold help at COLUMNS=100; a narrower setting must rewrap,
    // which shows COLUMNS is what decides (and that pinning it is needed).
    let narrow = in_repo(&["run", "--help"])
        .env("COLUMNS", "60")
        .output()
        .expect("runs");
    let wide = in_repo(&["run", "--help"]).output().expect("runs");
    let longest = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0)
    };
    assert!(longest(&narrow.stdout) <= 60, "{}", longest(&narrow.stdout));
    assert!(longest(&wide.stdout) > 60 && longest(&wide.stdout) <= 100);
}

#[test]
fn inspect_the_seed() {
    settings(None).bind(|| {
        assert_cmd_snapshot!(
            "inspect_seed",
            in_repo(&["inspect", "samples/laisui_2024.txt"])
        );
    });
}

#[test]
fn inspect_workbooks() {
    settings(None).bind(|| {
        assert_cmd_snapshot!(
            "inspect_wide_xlsx",
            in_repo(&["inspect", "samples/excel/laisui_2024_wide.xlsx"])
        );
        assert_cmd_snapshot!(
            "inspect_long_xls",
            in_repo(&["inspect", "samples/excel/laisui_2024_long.xls"])
        );
    });
}

#[test]
fn validate_good_and_bad_pipelines() {
    settings(None).bind(|| {
        assert_cmd_snapshot!(
            "validate_default",
            in_repo(&["validate", "pipelines/default.toml"])
        );
        assert_cmd_snapshot!(
            "validate_misspelt",
            in_repo(&["validate", "tests/fixtures/pipelines/misspelt.toml"])
        );
    });
}

#[test]
fn dry_run_plans() {
    settings(None).bind(|| {
        assert_cmd_snapshot!(
            "dry_run_default",
            in_repo(&["run", "pipelines/default.toml", "--dry-run"])
        );
        assert_cmd_snapshot!(
            "dry_run_dataset_shard_2_of_8",
            in_repo(&[
                "run",
                "pipelines/dataset.toml",
                "--shard",
                "2/8",
                "--dry-run"
            ])
        );
    });
}

#[test]
fn run_summaries_of_the_default_pipeline() {
    let dir = scratch();
    settings(Some(dir.path())).bind(|| {
        assert_cmd_snapshot!(
            "run_default",
            jixiao(
                dir.path(),
                &["run", "pipelines/default.toml", "--out", "out"]
            )
        );
        assert_cmd_snapshot!(
            "run_default_verbose",
            jixiao(
                dir.path(),
                &["run", "pipelines/default.toml", "--out", "out-v", "-v"]
            )
        );
    });
}

#[test]
fn run_report_json() {
    let dir = scratch();
    settings(Some(dir.path())).bind(|| {
        // --quiet: nothing on stdout or stderr, the report says it all.
        assert_cmd_snapshot!(
            "run_default_quiet_report",
            jixiao(
                dir.path(),
                &[
                    "run",
                    "pipelines/default.toml",
                    "--out",
                    "out",
                    "--quiet",
                    "--report",
                    "run.json",
                ]
            )
        );
    });
    let text = std::fs::read_to_string(dir.path().join("run.json")).expect("report written");
    let mut report: serde_json::Value = serde_json::from_str(&text).expect("report is JSON");
    // Durations vary run to run: check their shape, then redact them. (Done
    // here rather than with insta's `redactions` feature, whose pest
    // dependency changes stacker's features and so rebuilds all of polars.)
    let redacted = serde_json::Value::from("[seconds]");
    let seconds = &mut report["seconds"];
    assert!(seconds.as_f64().is_some_and(|s| s >= 0.0), "{seconds}");
    *seconds = redacted.clone();
    let stages = report["stage_seconds"]
        .as_array_mut()
        .expect("stage_seconds is a list");
    assert_eq!(stages.len(), 6, "one duration per stage");
    for s in stages {
        assert!(s[0].is_string(), "{s}");
        assert!(s[1].as_f64().is_some_and(|t| t >= 0.0), "{s}");
        s[1] = redacted.clone();
    }
    settings(Some(dir.path())).bind(|| {
        insta::assert_json_snapshot!("run_default_report", report);
    });
}

#[test]
fn cross_year_report_tables() {
    // pipelines/yoy.toml over the three sample years, as tests/yoy_pipeline.rs
    // runs it; the four reports' CSVs are pinned whole.
    let dir = scratch();
    settings(Some(dir.path())).bind(|| {
        assert_cmd_snapshot!(
            "run_yoy",
            jixiao(dir.path(), &["run", "pipelines/yoy.toml", "--out", "out"])
        );
        for table in [
            "summary_by_year",
            "project_trend",
            "indicator_mix",
            "target_changes",
        ] {
            let body = csv_body(&dir.path().join(format!("out/{table}.csv")));
            insta::assert_snapshot!(format!("yoy_{table}_csv"), body);
        }
    });
}

#[test]
fn convert_summaries() {
    let dir = scratch();
    settings(Some(dir.path())).bind(|| {
        assert_cmd_snapshot!(
            "convert_seed_to_csv",
            jixiao(
                dir.path(),
                &[
                    "convert",
                    "samples/laisui_2024.txt",
                    "-o",
                    "out/indicators.csv"
                ]
            )
        );
        // A text, a folder of two workbooks holding the same 2024 table: the
        // repeat is counted once, with a warning.
        assert_cmd_snapshot!(
            "convert_text_and_workbooks_to_xlsx",
            jixiao(
                dir.path(),
                &[
                    "convert",
                    "samples/laisui_2023.txt",
                    "samples/excel",
                    "-o",
                    "out/all.xlsx"
                ]
            )
        );
    });
    assert!(dir.path().join("out/indicators.csv").is_file());
    assert!(dir.path().join("out/all.xlsx").is_file());
}

#[test]
fn errors_and_their_exit_codes() {
    settings(None).bind(|| {
        assert_cmd_snapshot!(
            "inspect_missing_file",
            in_repo(&["inspect", "samples/no_such_2024.txt"])
        );
        assert_cmd_snapshot!(
            "run_shard_out_of_range",
            in_repo(&[
                "run",
                "pipelines/dataset.toml",
                "--shard",
                "8/8",
                "--dry-run"
            ])
        );
        assert_cmd_snapshot!(
            "run_misspelt_pipeline",
            in_repo(&["run", "tests/fixtures/pipelines/misspelt.toml", "--dry-run"])
        );
    });
}

#[test]
fn gen_prints_the_expected_counts() {
    let dir = tempfile::tempdir().expect("temp folder");
    settings(Some(dir.path())).bind(|| {
        assert_cmd_snapshot!(
            "gen_3_docs_seed_1",
            jixiao(
                dir.path(),
                &["gen", "--docs", "3", "--seed", "1", "--out", "corpus"]
            )
        );
    });
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("corpus"))
        .expect("corpus written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
}

//! Unattended runs (issue 15): one bad file never costs the batch, nothing is
//! doubled, nothing is lost silently. Each test reproduces a numbered case of
//! the issue with the real binary and asserts what a scheduler must see.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::*;

const DEPT: &str = "广州市来穗人员服务管理局";

fn seed() -> String {
    std::fs::read_to_string(sample("laisui_2024.txt")).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn folder(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn copy(from: &Path, to_dir: &Path, name: &str) -> PathBuf {
    let to = to_dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

/// Runs the binary, killing it after `secs`: a hang is a failure, not a
/// test that never ends.
fn run_within(secs: u64, args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "jixiao {args:?} still running after {secs} s; stderr: {}",
                stderr(&o)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn csv_pipeline(inputs: &Path, out: &Path) -> String {
    format!(
        r#"name = "book"

[[stages]]
name = "read"
type = "ingest"
inputs = ["{}"]

[[stages]]
type = "flatten"

[[stages]]
name = "emit"
type = "emit"
out = "{}"
formats = ["csv"]
"#,
        inputs.display(),
        out.display()
    )
}

fn dataset_pipeline(out: &Path) -> String {
    format!(
        r#"name = "dataset"

[[stages]]
name = "read"
type = "ingest"
inputs = ["unused"]

[[stages]]
type = "flatten"

[[stages]]
name = "emit"
type = "emit"
out = "{}"
formats = ["parquet"]
tables = ["indicators", "projects"]
partition_by = "year"
"#,
        out.display()
    )
}

fn report(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The rows of column `col` in a CSV written with a BOM.
fn column(path: &Path, col: &str) -> Vec<String> {
    let (header, rows) = read_csv(path, true);
    let i = header.iter().position(|h| h == col).unwrap();
    rows.into_iter().map(|r| r[i].clone()).collect()
}

// ---------------------------------------------------------------- case 1

/// A table without a 部门名称 line is read with an empty department and a
/// warning; the other files of the batch are converted as ever.
#[test]
fn case01_a_table_without_department_costs_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    let nodept: String = seed()
        .lines()
        .filter(|l| !l.contains("部门名称"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(input.join("nodept_2024.txt"), nodept).unwrap();
    copy(&sample("laisui_2023.txt"), &input, "laisui_2023.txt");
    let out = dir.path().join("x.csv");
    let o = run(&[
        "convert",
        s(&input.join("nodept_2024.txt")),
        s(&input.join("laisui_2023.txt")),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nodept_2024.txt:0: no 部门名称"),
        "{}",
        stderr(&o)
    );
    let years = column(&out, "year");
    let depts = column(&out, "department");
    let of_2024: Vec<&String> = years
        .iter()
        .zip(&depts)
        .filter(|(y, _)| *y == "2024")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(of_2024.len(), 42);
    assert!(of_2024.iter().all(|d| d.is_empty()));
    let of_2023: Vec<&String> = years
        .iter()
        .zip(&depts)
        .filter(|(y, _)| *y == "2023")
        .map(|(_, d)| d)
        .collect();
    assert!(!of_2023.is_empty());
    assert!(of_2023.iter().all(|d| *d == DEPT));

    // The same through a pipeline, with the workbook that triggered it too.
    copy(
        &fixture("hostile_far_2024.xlsx"),
        &input,
        "hostile_far_2024.xlsx",
    );
    let out = dir.path().join("out");
    let p = write_pipeline(dir.path(), &csv_pipeline(&input, &out));
    let rep = dir.path().join("run.json");
    let o = run(&["run", s(&p), "--report", s(&rep)]);
    // Exit 1 for hostile_far's stray cell far outside its table (a reject),
    // not for the missing department (a warning).
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = report(&rep);
    assert_eq!(j["files"], 3);
    assert_eq!(j["files_failed"], 0);
    assert_eq!(j["rejects"], 1);
    let projects = column(&out.join("indicators.csv"), "project");
    // hostile_far holds one project (甲项目) with two indicators.
    assert_eq!(projects.iter().filter(|p| p.contains("甲项目")).count(), 2);
}

/// An output folder inside the input folder is never read back as input
/// (the second run used to read its own workbook).
#[test]
fn case01_an_output_folder_inside_the_inputs_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    let out = input.join("out");
    let p = write_pipeline(dir.path(), &csv_pipeline(&input, &out));
    let body = std::fs::read_to_string(&p)
        .unwrap()
        .replace("formats = [\"csv\"]", "formats = [\"csv\", \"xlsx\"]");
    std::fs::write(&p, body).unwrap();
    for _ in 0..2 {
        let rep = dir.path().join("run.json");
        let o = run(&["run", s(&p), "--report", s(&rep)]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let j = report(&rep);
        assert_eq!(j["files"], 1);
        assert_eq!(j["indicators"], 42);
    }
    assert!(out.join("book.xlsx").exists());
}

// ------------------------------------------------------------- cases 2, 3

/// Workbooks whose claims would make the reader allocate gigabytes are
/// rejects naming the limit; the good file beside them converts.
#[test]
fn case02_03_allocation_bombs_are_rejects_not_aborts() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    for f in [
        "bomb_dims_2024.xls",
        "bomb_space_2024.xlsx",
        "bomb_far_2024.ods",
    ] {
        copy(&fixture(f), &input, f);
    }
    let out = dir.path().join("x.csv");
    let o = run_within(120, &["convert", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(column(&out, "name").len(), 42);
    let rejects = dir.path().join("x.rejects.csv");
    let sources = column(&rejects, "source");
    let reasons = column(&rejects, "reason");
    let reason_of = |f: &str| {
        sources
            .iter()
            .zip(&reasons)
            .find(|(s, _)| *s == f)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("no reject for {f}: {sources:?} {reasons:?}"))
    };
    assert!(
        reason_of("bomb_dims_2024.xls").contains("DIMENSIONS record claims 4294967295 rows"),
        "{}",
        reason_of("bomb_dims_2024.xls")
    );
    assert!(
        reason_of("bomb_space_2024.xlsx").contains("without markup"),
        "{}",
        reason_of("bomb_space_2024.xlsx")
    );
    // The far cell sits at row 1,000,031 (the table's rows, 999,979
    // repeated empty rows, then the cell), within the table's 12 columns.
    assert!(
        reason_of("bomb_far_2024.ods").contains("rows 1–1000031 × columns 1–12"),
        "{}",
        reason_of("bomb_far_2024.ods")
    );
    let kinds = column(&rejects, "kind");
    assert!(kinds.iter().all(|k| k == "file"), "{kinds:?}");
}

// ---------------------------------------------------------------- case 8

/// FIFOs are rejects (never opened: reading one blocks forever), a symbolic
/// link loop and an alias folder read each file once.
#[test]
fn case08_fifos_links_and_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    let sub = folder(&input, "a");
    copy(&sample("laisui_2024.txt"), &sub, "laisui_2024.txt");
    let made = Command::new("mkfifo")
        .arg(input.join("pipe_2024.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    // A loop (a/loop → in) and an alias folder (b → a).
    std::os::unix::fs::symlink(&input, sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(&sub, input.join("b")).unwrap();
    let out = dir.path().join("x.csv");
    let o = run_within(60, &["convert", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(column(&out, "name").len(), 42);
    let rejects = dir.path().join("x.rejects.csv");
    let reasons = column(&rejects, "reason");
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].contains("pipe_2024.txt") && reasons[0].contains("not a regular file (a FIFO)"),
        "{reasons:?}"
    );
    // The FIFO given by name is refused the same way, not opened.
    let o = run_within(
        60,
        &[
            "convert",
            s(&input.join("pipe_2024.txt")),
            s(&sub.join("laisui_2024.txt")),
            "-o",
            s(&out),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(column(&out, "name").len(), 42);
}

// --------------------------------------------------------------- case 13

/// The same table as text, as a workbook and as a second download is
/// counted once, with a warning naming both files.
#[test]
fn case13_a_repeated_table_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024 (1).txt");
    copy(
        &sample("excel/laisui_2024_wide.xlsx"),
        &input,
        "laisui_2024_wide.xlsx",
    );
    let out = dir.path().join("out");
    let p = write_pipeline(dir.path(), &csv_pipeline(&input, &out));
    let rep = dir.path().join("run.json");
    let o = run(&["run", s(&p), "--report", s(&rep)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(column(&out.join("indicators.csv"), "name").len(), 42);
    assert_eq!(column(&out.join("projects.csv"), "project").len(), 10);
    let j = report(&rep);
    assert_eq!(j["files"], 3);
    assert_eq!(j["duplicates"], 2);
    assert_eq!(j["indicators"], 42);
    let warnings: Vec<String> = j["warning_messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    // "laisui_2024 (1).txt" sorts first and is the one kept.
    for dup in ["laisui_2024.txt", "laisui_2024_wide.xlsx"] {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&format!("{dup}:0: repeats laisui_2024 (1).txt"))),
            "{warnings:?}"
        );
    }
    assert!(
        stderr(&o).contains("2 document(s) repeat another"),
        "{}",
        stderr(&o)
    );
}

// ---------------------------------------------------------------- case 5

/// Deleting line 28 of the seed loses the boundary between indicators 3 and
/// 4 of 专项工作经费: both are a reject, never one fused indicator.
#[test]
fn case05_damage_is_a_reject_never_a_fused_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = seed()
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 27)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let input = dir.path().join("cut_2024.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("x.csv");
    let o = run(&["convert", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let categories = column(&out, "category");
    assert_eq!(categories.len(), 40);
    assert!(
        categories.iter().all(|c| !c.contains('、')),
        "{categories:?}"
    );
    let rejects = dir.path().join("x.rejects.csv");
    let lines = column(&rejects, "line");
    let texts = column(&rejects, "text");
    let kinds = column(&rejects, "kind");
    assert!(
        (0..lines.len()).any(|i| lines[i] == "27"
            && texts[i].starts_with("3、2-效益指标；22-社会效")
            && kinds[i] == "indicator"),
        "{lines:?} {texts:?} {kinds:?}"
    );
}

/// The seed mutated (a line deleted, doubled, garbled or cut) never loses
/// indicators without a reject, and never fuses two: the core crate's
/// property test, run here so that `make test` runs it (bounded: 400 cases).
#[path = "../crates/jixiao-core/tests/conservation.rs"]
mod conservation;

// ---------------------------------------------------------------- case 4

fn rows_in(dir: &Path) -> usize {
    use polars::prelude::*;
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "parquet") {
            let f = std::fs::File::open(&p).unwrap();
            n += ParquetReader::new(f).finish().unwrap().height();
        }
    }
    n
}

fn parts_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A rerun after adding a file replaces its parts (no doubled rows), a
/// file that turns bad takes its partition with it, shards agree however
/// the folder is spelled, and `_SUCCESS` waits for the last shard.
#[test]
fn case04_the_dataset_is_replaced_not_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "c6");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    let out = dir.path().join("ds");
    let p = write_pipeline(dir.path(), &dataset_pipeline(&out));
    let o = run(&["run", s(&p), "--input", s(&input)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let y2024 = out.join("indicators/year=2024");
    assert_eq!(rows_in(&y2024), 42);
    copy(&sample("laisui_2023.txt"), &input, "laisui_2023.txt");
    let o = run(&["run", s(&p), "--input", s(&input)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(rows_in(&y2024), 42);
    assert_eq!(parts_in(&y2024), ["part-all.parquet"]);
    let y2023 = out.join("indicators/year=2023");
    let n2023 = rows_in(&y2023);
    assert!(n2023 > 0);
    // 2024 turns bad: its partition goes, 2023 stays.
    std::fs::write(input.join("laisui_2024.txt"), "not a table\n").unwrap();
    let o = run(&["run", s(&p), "--input", s(&input)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!y2024.exists(), "{:?}", parts_in(&y2024));
    assert_eq!(rows_in(&y2023), n2023);
    assert!(out.join("indicators/_SUCCESS").exists());

    // Shards: spelled `c6` on one machine, `./c6` on the other.
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    copy(&sample("laisui_2025.txt"), &input, "laisui_2025.txt");
    let sharded = dir.path().join("sharded");
    let p = write_pipeline(dir.path(), &dataset_pipeline(&sharded));
    let cwd = dir.path();
    let o = bin()
        .current_dir(cwd)
        .args(["run", s(&p), "--input", "c6", "--shard", "0/2"])
        .output()
        .unwrap();
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(
        !sharded.join("indicators/_SUCCESS").exists(),
        "_SUCCESS before the last shard"
    );
    let o = bin()
        .current_dir(cwd)
        .args(["run", s(&p), "--input", "./c6", "--shard", "1/2"])
        .output()
        .unwrap();
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    assert!(sharded.join("indicators/_SUCCESS").exists());
    // Every file in exactly one shard: each year once.
    assert_eq!(rows_in(&sharded.join("indicators/year=2024")), 42);
    assert_eq!(rows_in(&sharded.join("indicators/year=2023")), n2023);
    let y2025 = sharded.join("indicators/year=2025");
    assert!(rows_in(&y2025) > 0);
    let parts: Vec<String> = ["year=2023", "year=2024", "year=2025"]
        .iter()
        .flat_map(|y| parts_in(&sharded.join("indicators").join(y)))
        .collect();
    assert!(
        parts.iter().all(|p| p.ends_with("-of-2.parquet")),
        "{parts:?}"
    );
}

// ------------------------------------------------------------ cases 6, 7, 9

/// A second run into a folder in use refuses with a clear message (exit 3)
/// and touches nothing; leftovers of killed runs are removed by the next.
#[test]
fn case06_07_09_one_writer_per_output_folder_and_no_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    let out = folder(dir.path(), "out");
    let p = write_pipeline(dir.path(), &csv_pipeline(&input, &out));
    // Leftovers of killed runs: old PID-named and new-style folders, a temp file.
    for d in [
        ".jixiao-work-1",
        ".jixiao-staging-1",
        ".jixiao-work-all-1-abc-0",
    ] {
        std::fs::create_dir_all(out.join(d).join("x")).unwrap();
        std::fs::write(out.join(d).join("x/big.parquet"), b"x").unwrap();
    }
    std::fs::write(out.join(".indicators.csv.1.tmp"), b"x").unwrap();
    let o = run(&["run", s(&p)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut left: Vec<String> = parts_in(&out);
    left.retain(|n| n.starts_with('.'));
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(column(&out.join("indicators.csv"), "name").len(), 42);

    // Another run holds the folder: this one refuses.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".jixiao.lock"))
        .unwrap();
    lock.lock().unwrap();
    let before = std::fs::read(out.join("indicators.csv")).unwrap();
    std::fs::write(input.join("laisui_2023.txt"), seed()).unwrap();
    let o = run(&["run", s(&p)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another jixiao run is writing to"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(out.join("indicators.csv")).unwrap(), before);
    drop(lock);
}

// --------------------------------------------------------------- case 10

/// Text that yields projects but no indicator (`pdftotext -layout` of other
/// tables) is no target table: a reject, and no project rows.
#[test]
fn case10_projects_without_indicators_are_no_target_table() {
    let dir = tempfile::tempdir().unwrap();
    // The seed's rows without any indicator list: names and amounts only.
    let text: String = seed()
        .lines()
        .filter(|l| !l.contains("指标"))
        .map(|l| format!("{l}\n"))
        .collect();
    let input = dir.path().join("layout_2024.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("p.csv");
    let o = run(&["convert", s(&input), "--table", "projects", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(column(&out, "project").len(), 0);
    let reasons = column(&dir.path().join("p.rejects.csv"), "reason");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("not a performance-target table") && r.contains("no 绩效指标")),
        "{reasons:?}"
    );
}

// --------------------------------------------------------------- case 11

/// The sql stage cannot read the host's files: refused at `validate`, on the
/// parsed statement, however the function is quoted, cased or commented
/// (issue 32, case 13); COPY and INSERT are refused there too, not at run.
#[test]
fn case11_sql_file_functions_are_refused_at_validate() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (query, says)) in [
        (
            "SELECT * FROM read_parquet('/etc/*.parquet')",
            "read_parquet(…) is a table function",
        ),
        (
            "SELECT * FROM \\\"read_parquet\\\"('/etc/x.parquet')",
            "is a table function",
        ),
        (
            "SELECT * FROM READ_PARQUET('/etc/x.parquet')",
            "is a table function",
        ),
        (
            "SELECT * FROM read_parquet/**/('/etc/x.parquet')",
            "is a table function",
        ),
        (
            "SELECT * FROM read_parquet--x\\n('/etc/x.parquet')",
            "is a table function",
        ),
        ("COPY indicators TO '/tmp/x.csv'", "COPY is not allowed"),
        ("INSERT INTO indicators VALUES (1)", "INSERT is not allowed"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = csv_pipeline(Path::new("in"), Path::new("out")).replace(
            "[[stages]]\nname = \"emit\"",
            &format!("[[stages]]\nname = \"stolen\"\ntype = \"sql\"\nquery = \"{query}\"\n\n[[stages]]\nname = \"emit\""),
        );
        let p = dir.path().join(format!("p{i}.toml"));
        std::fs::write(&p, body).unwrap();
        let o = run(&["validate", s(&p)]);
        assert_eq!(o.status.code(), Some(2), "{query}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{query}: {}", stderr(&o));
        let o = run(&["run", s(&p), "--input", s(&sample("laisui_2024.txt"))]);
        assert_eq!(o.status.code(), Some(2), "{query}: {}", stderr(&o));
    }
}

/// Issue 32, case 14: a query's result has a documented row limit; above it
/// the run stops with a message instead of filling the memory.
#[test]
fn case32_14_an_sql_result_above_max_rows_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let body = csv_pipeline(Path::new("in"), &dir.path().join("out")).replace(
        "[[stages]]\nname = \"emit\"",
        "[[stages]]\nname = \"all_rows\"\ntype = \"sql\"\nquery = \"SELECT * FROM indicators\"\nmax_rows = 3\n\n[[stages]]\nname = \"emit\"",
    );
    let p = write_pipeline(dir.path(), &body);
    let o = run(&["run", s(&p), "--input", s(&sample("laisui_2024.txt"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("more than 3 rows (max_rows)"),
        "{}",
        stderr(&o)
    );
}

/// Issue 32, case 10: containers often give a small or missing TMPDIR. The
/// workbook's temporary files go beside the output, so an unusable TMPDIR
/// costs nothing (it made the XLSX writer panic with exit 101 when full).
#[test]
fn case32_10_an_unusable_tmpdir_does_not_stop_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rows.xlsx");
    let o = bin()
        .env("TMPDIR", dir.path().join("no-such-folder"))
        .args(["convert", s(&sample("laisui_2024.txt")), "-o", s(&out)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK"), "not a zip container");
    // Nothing of the workbook's temporary files is left beside it (the
    // folder's lock file is case 11's, still open).
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".jixiao.lock"))
        .collect();
    assert_eq!(left, ["rows.xlsx"], "{left:?}");
}

/// Issue 32, case 12: a subfolder that cannot be listed (here: deeper than
/// the path limit) is a reject naming it; the rest of the folder is
/// converted and the run exits 1, not 2 with nothing written.
#[test]
fn case32_12_an_unlistable_subfolder_is_a_reject_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    copy(&sample("laisui_2024.txt"), &input, "laisui_2024.txt");
    // Twenty folders of 250 characters: past PATH_MAX (4096) from `in`.
    let name = "d".repeat(250);
    let made = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "cd '{}' && for i in $(seq 20); do mkdir {name} && cd {name} || exit 1; done",
            input.display()
        ))
        .status()
        .unwrap();
    assert!(made.success());
    let out = dir.path().join("out.csv");
    let o = run(&["convert", s(&input), "--year", "2024", "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot list folder"), "{}", stderr(&o));
    assert!(stderr(&o).contains(&name), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    // The sample's first indicator, as its text prints it.
    assert!(csv.contains("课题完成率"), "{csv}");
}

/// Issue 32, case 11: conversions into one folder run side by side (each
/// locks its own output, not the folder), all succeed, and no lock file is
/// left in the user's folder.
#[test]
fn case32_11_parallel_converts_into_one_folder_all_succeed_and_leave_no_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = folder(dir.path(), "out");
    let bin = env!("CARGO_BIN_EXE_jixiao");
    let children: Vec<_> = (0..8)
        .map(|i| {
            Command::new(bin)
                .args(["convert", s(&sample("laisui_2024.txt")), "-o"])
                .arg(out.join(format!("t{i}.csv")))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let want: Vec<String> = (0..8).map(|i| format!("t{i}.csv")).collect();
    assert_eq!(names, want);
    // The same output twice at once: the second refuses, exit 3.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".t0.csv.jixiao.lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = run(&[
        "convert",
        s(&sample("laisui_2024.txt")),
        "-o",
        s(&out.join("t0.csv")),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another jixiao run is writing to"),
        "{}",
        stderr(&o)
    );
    drop(lock);
}

/// Issue 32, case 7: a corrected re-publication (one target raised, one
/// indicator renamed; same department, year, projects and totals) is no
/// duplicate: both versions are kept, with a warning naming both and the
/// number of rows that differ. An exact copy is still counted once.
#[test]
fn case32_7_a_corrected_version_is_kept_beside_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = folder(dir.path(), "in");
    let text = std::fs::read_to_string(sample("laisui_2024.txt")).unwrap();
    std::fs::write(input.join("a_2024.txt"), &text).unwrap();
    std::fs::write(input.join("b_2024.txt"), &text).unwrap();
    let corrected = text
        .replacen("年度指标值:≥90%", "年度指标值:≥98%", 1)
        .replace("课题完成率", "课题按期完成率");
    assert_ne!(corrected, text);
    std::fs::write(input.join("c_2024.txt"), corrected).unwrap();
    let out = dir.path().join("out.csv");
    let o = run(&["convert", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // a and c kept (42 each), b an exact copy of a.
    assert_eq!(column(&out, "name").len(), 84);
    let err = stderr(&o);
    assert!(err.contains("b_2024.txt:0: repeats a_2024.txt"), "{err}");
    assert!(
        err.contains("c_2024.txt:0: another version of a_2024.txt")
            && err.contains("2 of its 42 indicators differ"),
        "{err}"
    );
}

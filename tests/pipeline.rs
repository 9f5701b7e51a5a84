//! Pipelines run by the real binary: validation, batch behaviour, exit codes,
//! atomic and reproducible outputs, sql stages.

mod common;

use std::path::Path;

use common::*;

fn pipeline_text(inputs: &Path, out: &Path) -> String {
    format!(
        r#"name = "book"

[[stages]]
name = "read"
type = "ingest"
inputs = ["{}"]

[[stages]]
type = "flatten"

[[stages]]
name = "per_level"
type = "sql"
query = "SELECT level_code, level, COUNT(*) AS n FROM indicators GROUP BY level_code, level ORDER BY level_code"

[[stages]]
name = "emit"
type = "emit"
out = "{}"
formats = ["csv", "parquet", "xlsx"]
"#,
        inputs.display(),
        out.display()
    )
}

fn seed_folder(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(sample("laisui_2024.txt"), input.join("laisui_2024.txt")).unwrap();
    input
}

/// The pipeline above over a folder holding the seed sample, in `dir`:
/// its file and its output folder.
fn seeded_pipeline(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let input = seed_folder(dir);
    let out = dir.join("out");
    (write_pipeline(dir, &pipeline_text(&input, &out)), out)
}

#[test]
fn validate_names_line_and_key_of_a_misspelt_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = pipeline_text(Path::new("in"), Path::new("out")).replace("formats =", "formts =");
    let p = write_pipeline(dir.path(), &text);
    let o = run(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    // formts is on line 20 of the file above.
    assert!(
        e.contains(&format!(
            "{}:20:1: stages[3].formts: unknown field \"formts\"",
            p.display()
        )),
        "{e}"
    );
    let shipped: Vec<String> = std::fs::read_dir(root().join("pipelines"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert!(!shipped.is_empty());
    let mut args = vec!["validate"];
    args.extend(shipped.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_bad_file_goes_to_rejects_and_the_good_one_converts() {
    let dir = tempfile::tempdir().unwrap();
    let input = seed_folder(dir.path());
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(input.join("noise_2024.bin"), noise).unwrap();
    let out = dir.path().join("out");
    let p = write_pipeline(dir.path(), &pipeline_text(&input, &out));
    let report = dir.path().join("run.json");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("indicators.csv"), true);
    assert_eq!(rows.len(), 42);
    let (header, rejects) = read_csv(&out.join("rejects.csv"), true);
    assert_eq!(
        header,
        [
            "source", "line", "text", "reason", "kind", "sheet", "cell", "page", "bbox"
        ]
    );
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0][0], "noise_2024.bin");
    assert_eq!(rejects[0][4], "file");
    assert!(rejects[0][3].contains("noise_2024.bin"), "{:?}", rejects[0]);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["files"], 2);
    assert_eq!(json["files_failed"], 1);
    assert_eq!(json["indicators"], 42);
    assert_eq!(json["projects"], 10);
    assert_eq!(json["rejects"], 1);
    assert_eq!(json["exit_code"], 1);
    // Seconds per stage, named and in the pipeline's order.
    let stages: Vec<&str> = json["stage_seconds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    // The unnamed flatten stage is known by its type.
    assert_eq!(stages, ["read", "flatten", "per_level", "emit"]);
    let secs = json["stage_seconds"].as_array().unwrap();
    assert!(secs.iter().all(|s| s[1].as_f64().is_some_and(|x| x >= 0.0)));
    assert!(
        stderr(&o).contains("2 file(s) (1 failed), 10 project(s), 42 indicator(s), 1 reject(s)"),
        "{}",
        stderr(&o)
    );

    // --fail-fast stops at the bad file (noise_2024.bin sorts first) and writes nothing new.
    let out2 = dir.path().join("out2");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--fail-fast",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("noise_2024.bin"), "{}", stderr(&o));
    assert!(!out2.join("indicators.csv").exists());
}

#[test]
fn sql_stage_table_is_computed() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = seeded_pipeline(dir.path());
    let o = run(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = read_csv(&out.join("per_level.csv"), true);
    assert_eq!(header, ["level_code", "level", "n"]);
    // Counted in the document: 25 产出, 13 效益, 4 满意度 indicators.
    assert_eq!(
        rows,
        [
            ["1", "产出指标", "25"],
            ["2", "效益指标", "13"],
            ["3", "满意度指标", "4"]
        ]
    );
    for f in [
        "indicators.parquet",
        "projects.parquet",
        "per_level.parquet",
        "rejects.csv",
        "book.xlsx",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let (_, rejects) = read_csv(&out.join("rejects.csv"), true);
    assert!(rejects.is_empty());
}

#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = seeded_pipeline(dir.path());
    assert_eq!(run(&["run", p.to_str().unwrap()]).status.code(), Some(0));
    let first: Vec<Vec<u8>> = [
        "indicators.csv",
        "projects.csv",
        "per_level.csv",
        "book.xlsx",
    ]
    .iter()
    .map(|f| std::fs::read(out.join(f)).unwrap())
    .collect();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(run(&["run", p.to_str().unwrap()]).status.code(), Some(0));
    for (f, before) in [
        "indicators.csv",
        "projects.csv",
        "per_level.csv",
        "book.xlsx",
    ]
    .iter()
    .zip(first)
    {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            before,
            "{f} changed on rerun"
        );
    }
}

#[test]
fn an_unwritable_output_exits_3_and_keeps_earlier_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = seeded_pipeline(dir.path());
    assert_eq!(run(&["run", p.to_str().unwrap()]).status.code(), Some(0));
    let before = std::fs::read(out.join("indicators.csv")).unwrap();
    // A folder where the workbook must go: the run cannot complete its outputs.
    std::fs::remove_file(out.join("book.xlsx")).unwrap();
    std::fs::create_dir_all(out.join("book.xlsx").join("x")).unwrap();
    // A different input so that a partial write would show.
    let o = run(&["run", p.to_str().unwrap(), "--set", "read.year=2023"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("book.xlsx"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("indicators.csv")).unwrap(),
        before,
        "earlier output touched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The folder's lock file stays: removing it would race with a run
        // waiting on it.
        .filter(|n| n.starts_with('.') && n != ".jixiao.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // An output folder under a regular file cannot be created.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--out",
        blocker.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = seeded_pipeline(dir.path());
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--dry-run",
        "--set",
        "emit.formats=[\"csv\"]",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("laisui_2024.txt  year 2024"), "{s}");
    assert!(
        s.contains(&out.join("per_level.csv").display().to_string()),
        "{s}"
    );
    assert!(!s.contains("book.xlsx"), "--set formats applied: {s}");
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["run", "/nonexistent/p.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/p.toml"));
    let o = run(&["convert"]);
    assert_eq!(o.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let p = write_pipeline(
        dir.path(),
        &pipeline_text(Path::new("/nonexistent-in"), &dir.path().join("o")),
    );
    let o = run(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent-in: no such file or folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn year_from_the_document_title() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let text = std::fs::read_to_string(sample("laisui_2024.txt"))
        .unwrap()
        .replacen(
            "项目支出绩效目标表（含转移支付项目）",
            "2023年项目支出绩效目标表（含转移支付项目）",
            1,
        );
    // No year in this name: the title's 2023年 is used.
    std::fs::write(input.join("laisui.txt"), &text).unwrap();
    // A misleading year in this name: only `year = "document"` prefers the title.
    std::fs::write(input.join("copy_2025.txt"), &text).unwrap();
    let out = dir.path().join("out");
    let p = write_pipeline(dir.path(), &pipeline_text(&input, &out));
    let o = run(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("projects.csv"), true);
    let years = |rows: &[Vec<String>], src: &str| -> Vec<String> {
        let mut y: Vec<String> = rows
            .iter()
            .filter(|r| r[11] == src)
            .map(|r| r[0].clone())
            .collect();
        y.dedup();
        y
    };
    assert_eq!(years(&rows, "laisui.txt"), ["2023"]);
    assert_eq!(years(&rows, "copy_2025.txt"), ["2025"]);
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--set",
        "read.year=\"document\"",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("projects.csv"), true);
    assert_eq!(years(&rows, "copy_2025.txt"), ["2023"]);
}

/// A run prints how many files dropped empty source cells: the first 20 by
/// name, then how many more (a corpus of 100,000 files does not keep or
/// print 100,000 lines). The files are those whose projects carry an
/// `amount_note` in the written table.
#[test]
fn notes_on_files_are_the_first_twenty_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let made = run(&[
        "gen",
        "--docs",
        "26",
        "--seed",
        "3",
        "--out",
        input.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let out = dir.path().join("out");
    let p = write_pipeline(dir.path(), &pipeline_text(&input, &out));
    let o = run(&["run", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let (head, rows) = read_csv(&out.join("projects.csv"), true);
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (source, note) = (at("source"), at("amount_note"));
    let mut noted: Vec<&str> = rows
        .iter()
        .filter(|r| !r[note].is_empty())
        .map(|r| r[source].as_str())
        .collect();
    noted.dedup();
    assert!(noted.len() > 20, "{} files with notes", noted.len());

    let err = stderr(&o);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("print fewer source figures"))
        .collect();
    assert_eq!(lines.len(), 20);
    for (line, file) in lines.iter().zip(&noted) {
        assert!(line.starts_with(&format!("note: {file}: ")), "{line}");
    }
    let more = format!("note: … and {} more file(s) like these", noted.len() - 20);
    assert!(err.lines().any(|l| l == more), "{err}");
}

#[test]
fn the_workbook_zip_level_is_checked_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let (p, out) = seeded_pipeline(dir.path());
    let ps = p.to_str().unwrap();
    let o = run(&["run", ps, "--set", "emit.xlsx_compression=0"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("xlsx_compression"), "{e}");
    assert!(e.contains("expected 1 (fastest) to 9"), "{e}");

    let mut sizes = Vec::new();
    for level in ["1", "9"] {
        let o = run(&[
            "run",
            ps,
            "--set",
            &format!("emit.xlsx_compression={level}"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let book = out.join("book.xlsx");
        sizes.push(std::fs::metadata(&book).unwrap().len());
        // Every row at either level: the header and the 42 indicators.
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
        let range = wb.worksheet_range("绩效指标").unwrap();
        assert_eq!(range.height(), 43);
    }
    assert!(sizes[0] > sizes[1], "{sizes:?}");
}

//! The check stage owns the checks: `reconcile` judges the sums only, and
//! the parsers' warnings have a key of their own, `warnings`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A folder with the seed whose 合计 is misprinted (one sum of units fails),
/// the seed with a row whose sources do not sum to its 总计 (a row's sum,
/// checked by the reader), and the seed without its 部门名称 line (one
/// parser warning, its sums fine).
fn inputs(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let seed = std::fs::read_to_string(sample("laisui_2024.txt")).unwrap();
    let misprinted = seed.replacen("合计 950.00 950.00", "合计 951.00 951.00", 1);
    assert_ne!(misprinted, seed);
    std::fs::write(input.join("sums_2024.txt"), misprinted).unwrap();
    let row = seed.replacen(
        "    专项工作经费 42.00 42.00",
        "    专项工作经费 42.00 41.00 0.00 0.00",
        1,
    );
    assert_ne!(row, seed);
    std::fs::write(input.join("rows_2025.txt"), row).unwrap();
    let nodept: String = seed
        .lines()
        .filter(|l| !l.contains("部门名称"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(input.join("nodept_2023.txt"), nodept).unwrap();
    input
}

fn pipeline(dir: &Path, input: &Path, check: &str) -> PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            r#"[[stages]]
name = "read"
type = "ingest"
inputs = ["{}"]

[[stages]]
type = "flatten"

[[stages]]
name = "checks"
type = "check"
{check}

[[stages]]
type = "emit"
out = "{}"
formats = ["csv"]
"#,
            input.display(),
            dir.join("out").display()
        ),
    )
    .unwrap();
    p
}

/// (check, severity, failures) of the report's checks.
fn checks(report: &Path) -> Vec<(String, String, u64)> {
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["check"].as_str().unwrap().to_string(),
                c["severity"].as_str().unwrap().to_string(),
                c["failures"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn run_with(dir: &Path, p: &Path) -> (Option<i32>, Vec<(String, String, u64)>, String) {
    let report = dir.join("run.json");
    let o = run(&[
        "run",
        p.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    (o.status.code(), checks(&report), stderr(&o))
}

#[test]
fn reconcile_judges_the_sums_and_warnings_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());

    // The sum fails with severity error: exit 1.
    let p = pipeline(
        dir.path(),
        &input,
        "reconcile = \"error\"\nwarnings = \"warn\"",
    );
    let (code, c, e) = run_with(dir.path(), &p);
    assert_eq!(code, Some(1), "{e}");
    assert_eq!(
        c,
        [
            ("reconcile".to_string(), "error".to_string(), 2),
            ("warnings".to_string(), "warn".to_string(), 1)
        ]
    );
    assert!(
        e.contains("rows_2025.txt:12: 专项工作经费: sources sum to 41.00 but 总计 is 42.00"),
        "{e}"
    );
    assert!(
        e.contains("check reconcile [error]: FAILED (2 failure(s)): rows_2025.txt:12: 专项工作经费: sources sum to 41.00 but 总计 is 42.00 (difference 1.00); sums_2024.txt:8: 合计: sum of its 2 units is 950.00 but the table prints 951.00 (difference 1.00)"),
        "{e}"
    );

    // The parser's warning with severity error, the sums' as warnings: exit 1.
    let p = pipeline(
        dir.path(),
        &input,
        "reconcile = \"warn\"\nwarnings = \"error\"",
    );
    let (code, c, e) = run_with(dir.path(), &p);
    assert_eq!(code, Some(1), "{e}");
    assert_eq!(
        c,
        [
            ("reconcile".to_string(), "warn".to_string(), 2),
            ("warnings".to_string(), "error".to_string(), 1)
        ]
    );

    // Only the file whose sums are fine: reconcile = "error" no longer fails
    // the run on the parser's warning (it did when reconcile judged every
    // warning).
    std::fs::remove_file(input.join("sums_2024.txt")).unwrap();
    std::fs::remove_file(input.join("rows_2025.txt")).unwrap();
    let p = pipeline(dir.path(), &input, "reconcile = \"error\"");
    let (code, c, e) = run_with(dir.path(), &p);
    assert_eq!(code, Some(0), "{e}");
    assert_eq!(
        c,
        [
            ("reconcile".to_string(), "error".to_string(), 0),
            // `warnings` defaults to warn.
            ("warnings".to_string(), "warn".to_string(), 1)
        ]
    );
    assert!(e.contains("nodept_2023.txt:0: no 部门名称"), "{e}");
}

#[test]
fn off_leaves_the_sums_unchecked_and_convert_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let p = pipeline(
        dir.path(),
        &input,
        "reconcile = \"off\"\nwarnings = \"off\"",
    );
    let (code, c, e) = run_with(dir.path(), &p);
    assert_eq!(code, Some(0), "{e}");
    assert!(c.is_empty(), "{c:?}");
    // The sums of units are not computed; the row's own, which the reader
    // checks as it reads, is still listed, judged by nothing.
    assert!(!e.contains("table prints 951.00"), "{e}");
    assert!(
        e.contains("rows_2025.txt:12: 专项工作经费: sources sum to 41.00"),
        "{e}"
    );
    assert!(e.contains("2 warning(s)"), "{e}");

    // convert reconciles: the sum is a warning, and --strict fails on it.
    let out = dir.path().join("x.csv");
    let sums = input.join("sums_2024.txt");
    let o = run(&[
        "convert",
        sums.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: sums_2024.txt:8: 合计: sum of its 2 units is 950.00 but the table prints 951.00"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("done: 0 reject(s), 1 warning(s)"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "convert",
        sums.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

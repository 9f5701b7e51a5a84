//! `jixiao run pipelines/yoy.toml --input DIR --out OUT` on any folder of such
//! files, and an `sql` stage over the report tables.

mod common;

use common::*;

fn three_years(dir: &std::path::Path) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    for y in ["2023", "2024", "2025"] {
        let f = format!("laisui_{y}.txt");
        std::fs::copy(sample(&f), input.join(&f)).unwrap();
    }
    input
}

#[test]
fn the_yoy_pipeline_runs_on_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = three_years(dir.path());
    let out = dir.path().join("out");
    let pipeline = root().join("pipelines/yoy.toml");
    let o = run(&[
        "run",
        pipeline.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("summary_by_year.csv"), true);
    let dept: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .filter(|r| r[2] == "department")
        .map(|r| (r[0].as_str(), r[4].as_str(), r[5].as_str(), r[6].as_str()))
        .collect();
    // Typed from the documents: 2024 is the seed (10 projects, 42 indicators,
    // 950.00); 2023 and 2025 are the illustrative sample years.
    assert_eq!(
        dept,
        [
            ("2023", "9", "40", "755.93"),
            ("2024", "10", "42", "950.00"),
            ("2025", "9", "39", "617.70")
        ]
    );
    for t in ["project_trend", "indicator_mix", "target_changes"] {
        assert!(out.join(format!("{t}.csv")).exists(), "{t}.csv");
        assert!(out.join(format!("{t}.parquet")).exists(), "{t}.parquet");
    }
    assert!(out.join("yoy.xlsx").exists());
}

#[test]
fn sql_queries_the_report_tables() {
    let dir = tempfile::tempdir().unwrap();
    let input = three_years(dir.path());
    let out = dir.path().join("out");
    let p = dir.path().join("p.toml");
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
type = "aggregate"
[[stages]]
name = "moves"
type = "sql"
query = "SELECT year, change, COUNT(*) AS n FROM target_changes WHERE change IN ('raised', 'lowered') GROUP BY year, change ORDER BY year, change"
[[stages]]
type = "emit"
out = "{}"
formats = ["csv"]
tables = ["moves"]
"#,
            input.display(),
            out.display()
        ),
    )
    .unwrap();
    let o = run(&["run", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("moves.csv"), true);
    // From the sample documents: 2024 raises 物管服务覆盖率 (≥85% → ≥90%) and lowers
    // 活动场数 (≥16场 → ≥14场); 2025 raises 满意率 (≥85% → ≥90%) and lowers
    // 有效投诉量 (≤2 → ≤3).
    assert_eq!(
        rows,
        [
            ["2024", "lowered", "1"],
            ["2024", "raised", "1"],
            ["2025", "lowered", "1"],
            ["2025", "raised", "1"]
        ]
    );
}

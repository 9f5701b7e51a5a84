//! The review (绩效目标审核) run by the real binary: `jixiao review` on a
//! fixture with known findings, the review stage in a pipeline (its tables,
//! `fail_on`, rows unchanged), and validate naming an unknown rule id.

mod common;

use std::path::{Path, PathBuf};

use calamine::Reader;
use common::*;

fn fixture() -> PathBuf {
    root().join("tests/fixtures/review/qinghe_2024.txt")
}

fn col(headers: &[String], name: &str) -> usize {
    headers.iter().position(|h| h == name).expect(name)
}

#[test]
fn review_command_writes_the_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    let o = run(&[
        "review",
        fixture().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("review: 5 finding(s) on 2 project(s)"));
    let (h, rows) = read_csv(&out, true);
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[col(&h, "rule")].clone(),
                r[col(&h, "severity")].clone(),
                r[col(&h, "project")].clone(),
                r[col(&h, "name")].clone(),
            )
        })
        .collect();
    let want = [
        ("R07", "must", "农田水利设施维护", ""),
        ("R09", "hint", "农田水利设施维护", ""),
        ("R22", "must", "农田水利设施维护", "维护渠道长度"),
        ("R09", "hint", "农技推广培训", ""),
        ("R37", "should", "农技推广培训", "农户种植水平"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
    // Each finding names its source and line.
    let r22 = &rows[2];
    assert_eq!(r22[col(&h, "source")], "qinghe_2024.txt");
    assert_eq!(r22[col(&h, "value")], "≥**公里");
    assert!(r22[col(&h, "line")].parse::<u32>().unwrap() > 0);
    assert_eq!(r22[col(&h, "template")], "旧版模板（成本在产出下），2024年");
}

#[test]
fn review_command_writes_a_workbook_with_findings_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review.xlsx");
    let o = run(&[
        "review",
        sample("laisui_2024.txt").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut wb = calamine::open_workbook_auto(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["审核意见", "项目审核汇总", "绩效指标", "项目"]
    );
    let grades = wb.worksheet_range("项目审核汇总").unwrap();
    // A header row and the seed's 10 projects.
    assert_eq!(grades.height(), 11);
    let findings = wb.worksheet_range("审核意见").unwrap();
    let r08 = findings
        .rows()
        .filter(|r| r.first().map(|c| c.to_string()) == Some("R08".into()))
        .count();
    assert_eq!(
        r08, 6,
        "6 of the seed's 10 projects have no 满意度 indicator"
    );
}

fn pipeline(input: &Path, out: &Path, review: &str) -> String {
    format!(
        r#"[[stages]]
name = "read"
type = "ingest"
inputs = ["{}"]

[[stages]]
type = "flatten"
{review}
[[stages]]
type = "emit"
out = "{}"
formats = ["csv"]
"#,
        input.display(),
        out.display()
    )
}

#[test]
fn the_review_stage_adds_tables_and_fails_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let plain_out = dir.path().join("plain");
    let p = write_pipeline(dir.path(), &pipeline(&fixture(), &plain_out, ""));
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let out = dir.path().join("reviewed");
    let stage = "\n[[stages]]\ntype = \"review\"\n[stages.rules]\nR37 = \"off\"\n";
    let p = write_pipeline(dir.path(), &pipeline(&fixture(), &out, stage));
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "findings are data: {}",
        stderr(&o)
    );
    let (h, rows) = read_csv(&out.join("review.csv"), true);
    assert_eq!(rows.len(), 4, "R37 switched off");
    assert!(rows.iter().all(|r| r[col(&h, "rule")] != "R37"));
    let (h, projects) = read_csv(&out.join("review_projects.csv"), true);
    let grades: Vec<&str> = projects
        .iter()
        .map(|r| r[col(&h, "grade")].as_str())
        .collect();
    // 农田水利设施维护: two must-findings (R07, R22) and a hint: 100 - 41 = 59, 差.
    assert_eq!(grades, ["差", "优"]);
    // The indicator rows are those of a run without review.
    assert_eq!(
        std::fs::read(out.join("indicators.csv")).unwrap(),
        std::fs::read(plain_out.join("indicators.csv")).unwrap()
    );

    let stage = "\n[[stages]]\ntype = \"review\"\nfail_on = \"must\"\n";
    let p = write_pipeline(dir.path(), &pipeline(&fixture(), &out, stage));
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "fail_on = \"must\" and two must-findings"
    );
}

#[test]
fn validate_names_an_unknown_rule_id_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let stage = "\n[[stages]]\ntype = \"review\"\n[stages.rules]\nR05 = \"hint\"\nR99 = \"off\"\n";
    let p = write_pipeline(
        dir.path(),
        &pipeline(Path::new("in"), Path::new("out"), stage),
    );
    let o = run(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("p.toml:13:1: stages[2].rules.R99"), "{e}");
    assert!(e.contains("unknown rule id \"R99\""), "{e}");
}

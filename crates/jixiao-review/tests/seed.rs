//! The seed (广州市来穗人员服务管理局 2024) read by the core and reviewed:
//! the findings REVIEW.md lists for it, and no must-finding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::Path;

use jixiao_core::ingest::{IngestOptions, ingest_file};
use jixiao_review::{Config, Grade, Severity, grade_projects, review};

#[test]
fn the_seed_gets_the_findings_review_md_lists() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/laisui_2024.txt");
    let opts = IngestOptions {
        year: Some(2024),
        ..IngestOptions::default()
    };
    let doc = ingest_file(&path, &opts).unwrap();
    let f = review(&doc, &Config::default());
    let count = |r: &str| f.iter().filter(|x| x.rule == r).count();
    // 6 of its 10 projects have no 满意度 indicator.
    assert_eq!(count("R08"), 6);
    // No cost indicator anywhere: its 2024 table keeps the older template,
    // which does not require one: hints only.
    assert_eq!(count("R09"), 10);
    assert!(
        f.iter()
            .filter(|x| x.rule == "R09")
            .all(|x| x.severity == Severity::Hint)
    );
    // Six bare `0` (and `≤2`) without a unit.
    let bare_zero = f
        .iter()
        .filter(|x| x.rule == "R33" && x.value == "0")
        .count();
    assert_eq!(bare_zero, 6);
    // `印刷数量 ≥15万`.
    assert!(
        f.iter()
            .any(|x| x.rule == "R34" && x.name == "印刷数量" && x.value == "≥15万")
    );
    // `课题完成率 100%` as a 数量 indicator, with no operator.
    for r in ["R28", "R40"] {
        assert!(
            f.iter().any(|x| x.rule == r && x.name == "课题完成率"),
            "{r}"
        );
    }
    // No must-finding: nothing in the seed has to be returned.
    assert!(f.iter().all(|x| x.severity != Severity::Must), "{f:?}");
    // Every finding points into the text.
    assert!(f.iter().all(|x| x.line > 0));
    assert!(
        f.iter()
            .all(|x| x.template == "旧版模板（成本在产出下），2024年")
    );
    let g = grade_projects(&doc, &f, &Config::default().grade);
    assert_eq!(g.len(), 10);
    assert!(g.iter().all(|p| p.grade >= Grade::Good), "{g:?}");
}

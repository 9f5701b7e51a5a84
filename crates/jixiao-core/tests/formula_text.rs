//! Targets typed after `=` in a workbook written by a program are stored as
//! formulas with no value: `tests/fixtures/formula_text/formula_text_2022.xlsx`
//! (written by its make.py). They are read as printed; a real formula never
//! calculated prints nothing and gives no value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::Path;

use jixiao_core::ingest::{IngestOptions, ingest_file};

#[test]
fn targets_typed_after_an_equals_sign_are_read_as_printed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/formula_text/formula_text_2022.xlsx");
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let got: Vec<(&str, Option<&str>)> = doc
        .units
        .iter()
        .flat_map(|u| &u.projects)
        .flat_map(|p| &p.indicators)
        .map(|i| (i.name.as_str(), i.annual_value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("改造公厕数量", Some("=6座")),
            ("单座改造成本", Some("=18万元/座")),
            ("验收合格率", Some("100%")),
            ("如厕环境", None),
        ]
    );
    let all = format!("{:?}", doc);
    assert!(!all.contains("SUM") && !all.contains("B9"), "{all}");
}

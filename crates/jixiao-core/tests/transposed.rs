//! A workbook table printed on its side: `tests/fixtures/transposed/transposed_2021.xlsx`
//! (written by its make.py). Its indicators are read from their columns,
//! and a value with no name is a reject naming the sheet's own cells.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::Path;

use jixiao_core::ingest::{IngestOptions, ingest_file};
use jixiao_core::model::Position;

#[test]
fn a_table_on_its_side_names_its_own_cells() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/transposed/transposed_2021.xlsx");
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let got: Vec<(&str, &str, &str, Option<&str>, &Position)> = doc
        .units
        .iter()
        .flat_map(|u| &u.projects)
        .flat_map(|p| &p.indicators)
        .map(|i| {
            (
                i.level.as_str(),
                i.category.as_str(),
                i.name.as_str(),
                i.annual_value.as_deref(),
                &i.pos,
            )
        })
        .collect();
    let at = |col: u32| Position::Cell {
        sheet: "横表".into(),
        row: 6,
        col,
    };
    assert_eq!(
        got,
        [
            ("产出指标", "数量指标", "改造户数", Some("≥260户"), &at(2)),
            (
                "产出指标",
                "质量指标",
                "竣工验收合格率",
                Some("100%"),
                &at(3)
            ),
            ("产出指标", "时效指标", "年底完工率", Some("≥95%"), &at(4)),
            (
                "效益指标",
                "社会效益指标",
                "住房安全保障",
                Some("全面保障"),
                &at(5)
            ),
        ]
    );
    assert_eq!(doc.title.as_deref(), Some("某县2021年度项目支出绩效目标表"));
    // G7 holds a value under no name (G6 is empty).
    assert_eq!(doc.rejects.len(), 1, "{:?}", doc.rejects);
    assert!(
        doc.rejects[0].reason.starts_with("横表!G6:"),
        "{:?}",
        doc.rejects
    );
    assert_eq!(doc.rejects[0].pos, at(6));
}

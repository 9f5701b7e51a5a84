//! Workbook cells outside the recognised table (issue 15, case 12): a full
//! project row under the notes and a note right of the last column are
//! rejects naming their cells; the table itself still reads whole, and the
//! seed workbooks (nothing outside their tables) give no such reject.
//! `tests/fixtures/outside_2024.xlsx` is written by `make_outside.py`.

use std::path::{Path, PathBuf};

use jixiao_core::ingest::{IngestOptions, ingest_file};
use jixiao_core::model::{Document, Position, RejectKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn indicators(doc: &Document) -> usize {
    doc.units
        .iter()
        .flat_map(|u| &u.projects)
        .map(|p| p.indicators.len())
        .sum()
}

fn outside(doc: &Document) -> Vec<(String, String, Position)> {
    doc.rejects
        .iter()
        .filter(|r| r.kind == RejectKind::OutsideTable)
        .map(|r| (r.reason.clone(), r.text.clone(), r.pos.clone()))
        .collect()
}

#[test]
fn seed_workbooks_have_nothing_outside_their_tables() {
    for name in [
        "laisui_2024_wide.xlsx",
        "laisui_2024_long.xlsx",
        "laisui_2024_wide.xls",
        "laisui_2024_long.xls",
        "laisui_2024_wide.ods",
        "laisui_2024_long.ods",
    ] {
        let doc = ingest_file(&fixture(name), &IngestOptions::default()).unwrap();
        assert_eq!(indicators(&doc), 42, "{name}");
        assert_eq!(outside(&doc), Vec::new(), "{name}");
    }
}

#[test]
fn cells_outside_the_table_are_rejects_naming_their_cells() {
    let doc = ingest_file(&fixture("outside_2024.xlsx"), &IngestOptions::default()).unwrap();
    // The table is the seed's: its 42 indicators, the extra row not among them.
    assert_eq!(indicators(&doc), 42);
    assert!(
        doc.units
            .iter()
            .flat_map(|u| &u.projects)
            .all(|p| p.name != "来穗人员宣传项目")
    );
    let got = outside(&doc);
    // Cells make_outside.py wrote: row 53 (A..L, E and F empty), and M48.
    let want: Vec<(&str, u32, u32)> = vec![
        ("M48", 48, 12),
        ("A53", 53, 0),
        ("B53", 53, 1),
        ("C53", 53, 2),
        ("D53", 53, 3),
        ("G53", 53, 6),
        ("H53", 53, 7),
        ("I53", 53, 8),
        ("J53", 53, 9),
        ("K53", 53, 10),
        ("L53", 53, 11),
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for ((reason, _, pos), (addr, row, col)) in got.iter().zip(&want) {
        assert!(
            reason.starts_with(&format!("Sheet1!{addr}: ")),
            "{reason} should name {addr}"
        );
        assert_eq!(
            *pos,
            Position::Cell {
                sheet: "Sheet1".into(),
                row: *row,
                col: *col
            }
        );
    }
    let texts: Vec<&str> = got.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(texts.first(), Some(&"备注：验收通过率待财政复核"));
    assert_eq!(texts.get(1), Some(&"广州市来穗人员服务中心"));
    assert_eq!(texts.get(2), Some(&"来穗人员宣传项目"));
    assert_eq!(texts.get(3), Some(&"5"));
    assert_eq!(texts.get(8), Some(&"宣传册数量"));
    // The notes on row 51 are not rejects.
    assert!(doc.rejects.iter().all(|r| r.pos.line() != 51));
}

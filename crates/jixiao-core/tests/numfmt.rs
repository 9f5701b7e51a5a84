//! Numbers under number formats are read as Excel shows them:
//! `tests/fixtures/numfmt/numfmt_2025.xlsx` (written by its make.py) stores
//! 0.95 under `0%`, a date serial under `yyyy"年"m"月"`, amounts under
//! `#,##0.00`; the .xls LibreOffice saves of it keeps each cell's format by
//! its style, the .ods each cell's shown text. Expected texts are what LibreOffice shows (its CSV export
//! "as shown").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::Path;
use std::str::FromStr;

use jixiao_core::ingest::{IngestOptions, ingest_file};
use rust_decimal::Decimal;

#[test]
fn formatted_numbers_read_as_excel_shows_them() {
    for ext in ["xlsx", "xls", "ods"] {
        formatted_numbers_of(ext);
    }
}

fn formatted_numbers_of(ext: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../tests/fixtures/numfmt/numfmt_2025.{ext}"));
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let projects: Vec<_> = doc.units.iter().flat_map(|u| &u.projects).collect();
    assert_eq!(projects.len(), 1, "{ext}");
    let p = projects[0];
    // Amounts under `#,##0.00` are read by their value, exact to the cent.
    assert_eq!(p.amounts.total, Some(Decimal::from_str("1234.50").unwrap()));
    assert_eq!(
        p.amounts.fiscal,
        Some(Decimal::from_str("1234.50").unwrap())
    );
    let got: Vec<(&str, Option<&str>, Option<&str>)> = p
        .indicators
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.cycle_value.as_deref(),
                i.annual_value.as_deref(),
            )
        })
        .collect();
    let want = [
        ("任务完成率", "95%"),
        ("监测站点覆盖率", "≥100%"),
        ("治理面积", "≥125,000亩"),
        ("年供水能力", "3.2亿立方米"),
        ("完成时间", "2025年12月"),
        ("亩均成本", "≤800元/亩"),
        ("水位回升", "下降0.5米"),
        // Near misses: a number under no format as typed, a text as typed.
        ("新增灌溉面积", "12.5"),
        ("地下水水质", "≥90%"),
        ("群众满意度", "95.5%"),
    ];
    assert_eq!(got.len(), want.len(), "{ext}: {got:#?}");
    for (g, (name, shown)) in got.iter().zip(want) {
        assert_eq!(*g, (name, Some(shown), Some(shown)), "{ext}");
    }
}

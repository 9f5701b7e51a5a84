//! Tables as PDF-to-text tools give them (tests/fixtures/pdftext, made by
//! its make.py: workbooks printed by LibreOffice, then `pdftotext -layout`),
//! read through `ingest_file` and checked against the truth CSVs that
//! make.py writes from the same data it puts in the workbooks, and, for the
//! seed's long PDF, against the seed's values typed in tests/seed.rs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

mod common;

use common::{check, dir, norm, truth};
use jixiao_core::ingest::{IngestOptions, ingest_file};

const SET: &str = "pdftext";

fn layout(stem: &str, rows: usize) {
    assert_eq!(truth(SET, stem).len(), rows, "{stem}: truth rows");
    let r = check(SET, stem);
    assert_eq!(r.as_deref(), Some("layout-text"), "{stem}");
}

#[test]
fn hunan_names_wrapped_in_their_cells() {
    layout("hunan_wenlv_2023_layout", 8);
}

#[test]
fn sichuan_cycle_and_annual_with_the_head_wrapped_onto_the_first_row() {
    layout("sichuan_nongye_2024_layout", 9);
}

#[test]
fn zhejiang_operator_number_and_unit_columns() {
    layout("zhejiang_weijian_2024_layout", 6);
}

#[test]
fn henan_head_over_two_lines_and_a_weight_column() {
    layout("henan_jiaoyu_2022_layout", 7);
}

#[test]
fn guangxi_cost_level_first_and_a_wrapped_value() {
    layout("guangxi_shuili_2023_layout", 8);
}

#[test]
fn shandong_head_interleaved_with_the_goal_and_values_below_their_name() {
    layout("shandong_minzheng_2024_layout", 6);
}

#[test]
fn fujian_cycle_annual_and_weight_with_values_a_line_below_their_name() {
    layout("fujian_keji_2023_layout", 9);
}

/// The rows a document gives, each checked to be a row of the truth
/// exactly (level, category, name, annual value); returns how many.
fn only_truth_rows(stem: &str) -> Option<(usize, jixiao_core::model::Document)> {
    let rows = truth(SET, stem);
    assert!(!rows.is_empty(), "{stem}: truth");
    let path = dir(SET, "raw").join(format!("{stem}.txt"));
    let doc = ingest_file(&path, &IngestOptions::default()).ok()?;
    let mut n = 0;
    for (_, p) in doc.projects() {
        for i in &p.indicators {
            let got = [
                norm(&i.level),
                norm(&i.category),
                norm(&i.name),
                norm(i.annual_value.as_deref().unwrap_or("")),
            ];
            let known = rows.iter().any(|t| {
                [
                    norm(&t.level),
                    norm(&t.category),
                    norm(&t.name),
                    norm(&t.annual),
                ] == got
            });
            assert!(known, "{stem}: a row not in the table: {got:?}");
            n += 1;
        }
    }
    Some((n, doc))
}

/// 一级/二级 merged and printed centred in their groups: the labels' centres
/// chain from the first row to the last, so every row's group is certain:
/// all 7 rows of the truth (truth/jiangxi_jiaotong_2024_layout.csv), the
/// first (above its group's centred 数量指标) and the last (its category
/// 服务对象满意度指/标 wrapped around its line) included; no reject.
#[test]
fn jiangxi_centred_merged_labels_read_only_where_certain() {
    let (n, doc) = only_truth_rows("jiangxi_jiaotong_2024_layout").unwrap();
    assert_eq!(n, 7);
    let centred = doc
        .rejects
        .iter()
        .filter(|r| r.reason.contains("centred"))
        .count();
    assert_eq!(centred, 0);
}

#[test]
fn seed_long_pdf_four_pages_with_heads_repeated() {
    layout("laisui_2024_long_layout", 42);
}

/// The seed's units (typed from its text, seeds/000_236624cf1865c8cf.txt):
/// the 合计 line above the first unit is the grand total's row of its own,
/// not the start of that unit's name.
#[test]
fn seed_long_pdf_units_without_the_grand_total() {
    let path = dir(SET, "raw").join("laisui_2024_long_layout.txt");
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let units: Vec<&str> = doc.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        units,
        ["广州市来穗人员服务管理局", "广州市来穗人员服务中心"]
    );
}

#[test]
fn seed_wide_pdf_indicator_lists_wrapped_beside_the_goal() {
    layout("laisui_2024_wide_layout", 42);
}

/// Plain `pdftotext` of a ruled table prints a column's cells apart from
/// their rows: the rows cannot be rebuilt with certainty. Whatever is read
/// must be a row of the truth exactly (level, category, name and value);
/// anything else is a reject, never data.
#[test]
fn plain_texts_give_no_row_that_is_not_in_the_table() {
    let stems = [
        "hunan_wenlv_2023_plain",
        "sichuan_nongye_2024_plain",
        "zhejiang_weijian_2024_plain",
        "henan_jiaoyu_2022_plain",
        "guangxi_shuili_2023_plain",
        "shandong_minzheng_2024_plain",
        "laisui_2024_long_plain",
        "laisui_2024_wide_plain",
        "jiangxi_jiaotong_2024_plain",
        "fujian_keji_2023_plain",
    ];
    for stem in stems {
        only_truth_rows(stem);
    }
}

/// Plain `pdftotext` of guangxi's table: the cell-per-line reader finds its
/// rows (the head is lines 13-16, 一级指标 … 指标值, one cell a line; the
/// first row starts on line 17, 成本指标) but places none of them. The
/// refusal says so and points at the first row, rather than claiming that no
/// rows were found.
#[test]
fn rows_found_but_none_placed_are_refused_as_such() {
    let path = dir(SET, "raw").join("guangxi_shuili_2023_plain.txt");
    let err = ingest_file(&path, &IngestOptions::default()).unwrap_err();
    let jixiao_core::ingest::IngestError::NotATable { line, reason, .. } = &err else {
        panic!("not a NotATable refusal: {err}");
    };
    assert_eq!(*line, 17, "{err}");
    assert!(!reason.contains("no 合计"), "{err}");
    let (n, rest) = reason.split_once(" rows of a ").unwrap();
    assert!(n.parse::<usize>().unwrap() > 0, "{err}");
    let (reader, why) = rest
        .split_once(" table found, none placed (first: ")
        .unwrap();
    assert!(
        !reader.is_empty() && why.ends_with(')') && why.len() > 1,
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("guangxi_shuili_2023_plain.txt:17: "),
        "{err}"
    );
}

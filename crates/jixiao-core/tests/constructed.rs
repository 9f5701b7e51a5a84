//! Constructed documents of kinds not among the real development documents
//! (tests/fixtures/constructed, made by its make.py from data typed there):
//! merged-cell workbooks as .xlsx/.xls/.ods and printed to PDF, forms one
//! per page or per sheet, a long table whose project starts at a page break,
//! indentation, label:value records, TSV, CSV, ruled text, wide regional and
//! department-wide tables. Every complete truth row is read (with its project
//! or region) and no row is read that the truth does not hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

mod common;

use common::{check_file, dir};
use jixiao_core::ingest::{IngestOptions, ingest_file};

const SET: &str = "constructed";

/// Every raw file of a set as (stem, extension).
fn files(set: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir(set, "raw"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                p.extension().unwrap().to_string_lossy().into_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every file of a set against its truth, but the known gaps named.
fn every_document(set: &str, at_least: usize, gaps: &[(&str, &str)]) {
    let all = files(set);
    assert!(all.len() >= at_least, "{set}: {} files", all.len());
    for (stem, ext) in &all {
        if gaps.contains(&(stem.as_str(), ext.as_str())) {
            continue;
        }
        check_file(set, stem, ext);
    }
}

#[test]
fn every_constructed_document_reads_as_its_truth() {
    every_document(SET, 28, &[]);
}

/// The second set (tests/fixtures/constructed2), made after the readers by
/// someone who had not read them. Its known gaps, kept visible here:
/// full-width digits written as ASCII (`≥１２０套` read `≥120套`) and a
/// qualitative value glued to its name in prose; and a Traditional-character
/// page, read, whose characters this test's comparison (unlike score.py's
/// OpenCC) does not fold.
#[test]
fn every_document_of_the_second_construction_set_reads_as_its_truth() {
    every_document(
        "constructed2",
        24,
        &[
            ("neimenggu_tiyu_quanmin_fullwidth_2018", "txt"),
            ("gansu_linye_tianbao_prose_2021", "txt"),
            ("guangdong_zhongyiyao_trad_2020", "txt"),
        ],
    );
}

/// The third set (tests/fixtures/constructed3), made by someone who had read
/// neither the code nor the other sets.
#[test]
fn every_document_of_the_third_construction_set_reads_as_its_truth() {
    every_document("constructed3", 17, &[]);
}

/// The fourth set (tests/fixtures/constructed4), likewise. Known gap:
/// values printed with full-width digits (written in ASCII, as documented).
#[test]
fn every_document_of_the_fourth_construction_set_reads_as_its_truth() {
    every_document(
        "constructed4",
        24,
        &[("wordcells_fullwidth_wenhuazhan_2021", "txt")],
    );
}

/// The fifth set (tests/fixtures/constructed5): other provinces' workbooks
/// and PDFs, likewise.
#[test]
fn every_document_of_the_fifth_construction_set_reads_as_its_truth() {
    every_document("constructed5", 21, &[]);
}

/// The sixth set (tests/fixtures/constructed6): sheets named by their
/// project, Alt+Enter cells, bilingual heads, column letters as the head,
/// Word-printed and page-broken PDFs with their `pdftotext` text, two
/// tables side by side, look-alike monitoring tables. Its known gap: plain
/// `pdftotext` (no -layout) of a table broken over pages, whose labels come
/// out of reading order (refused, not guessed).
#[test]
fn every_document_of_the_sixth_construction_set_reads_as_its_truth() {
    every_document(
        "constructed6",
        21,
        &[("sichuan_kuaye_buchongfu_nongye_2023", "txt")],
    );
}

fn read(file: &str) -> jixiao_core::model::Document {
    let path = dir(SET, "raw").join(file);
    ingest_file(&path, &IngestOptions::default()).unwrap()
}

/// A PDF of one-project 申报表 forms, one per page: as many projects as
/// forms, and no head block (项目名称, 主管部门, 资金, 总体目标) as an indicator.
#[test]
fn forms_one_per_page_are_one_project_each() {
    let doc = read("changde_wuling_nongye_shenbaobiao_forms_2024.pdf");
    assert_eq!(doc.project_count(), 4);
    for (_, p) in doc.projects() {
        assert!(!p.name.is_empty());
        for i in &p.indicators {
            for label in [
                "项目名称",
                "主管部门",
                "资金总额",
                "总体目标",
                "年度绩效目标",
            ] {
                assert!(!i.level.starts_with(label), "{i:?}");
                assert!(!i.name.starts_with(label), "{i:?}");
            }
        }
    }
    // Forms printed one per sheet, then to PDF: three projects, 21 rows.
    let doc = read("sanming_linye_sanxiang_shenbao_2025.pdf");
    let counts: Vec<usize> = doc.projects().map(|(_, p)| p.indicators.len()).collect();
    assert_eq!(counts, [7, 7, 7]);
}

/// A long table printed over two pages, a project starting two rows before
/// the page break (its merged name and 一级 printed on the next page only):
/// those two rows are that project's, under 产出指标.
#[test]
fn a_project_that_starts_at_a_page_break_keeps_its_first_rows() {
    let doc = read("jinhua_jiaoyu_bumen_xiangmu_changbiao_2023.pdf");
    let (_, p) = doc
        .projects()
        .find(|(_, p)| p.name == "市直学校校舍维修改造")
        .unwrap();
    let first: Vec<(&str, &str, &str)> = p
        .indicators
        .iter()
        .take(3)
        .map(|i| (i.level.as_str(), i.category.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            ("产出指标", "数量指标", "维修改造校舍面积"),
            ("产出指标", "数量指标", "改造学校数量"),
            ("产出指标", "质量指标", "工程验收合格率"),
        ]
    );
    assert_eq!(doc.indicator_count(), 47);
}

/// A PDF whose table is drawn without rules and whose names wrap over two
/// lines (no table the page's rules or alignment make): its page read as
/// text at fixed offsets, every row with its page and box.
#[test]
fn an_unruled_pdf_table_is_read_from_its_text_at_fixed_offsets() {
    let set = "constructed3";
    let stem = "no_ruling_wrapped_names_2022";
    check_file(set, stem, "pdf");
    let path = dir(set, "raw").join(format!("{stem}.pdf"));
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let (_, p) = doc.projects().next().unwrap();
    assert_eq!(p.name, "职业技能提升行动培训补贴");
    assert_eq!(
        p.indicators[0].name,
        "开展企业新型学徒制和职工岗位技能提升培训人次"
    );
    assert!(
        matches!(
            p.indicators[0].pos,
            jixiao_core::model::Position::Pdf { page: 1, .. }
        ),
        "{:?}",
        p.indicators[0].pos
    );
}

/// Two forms side by side on one sheet, each with its own 项目名称 and head:
/// each read from its own columns (not as the 中期 | 年度 blocks of one).
#[test]
fn two_forms_side_by_side_on_one_sheet_are_two_projects() {
    let path = dir("constructed3", "raw").join("side_by_side_two_projects_2024.xlsx");
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let got: Vec<(&str, &str, Option<&str>)> = doc
        .projects()
        .flat_map(|(_, p)| {
            p.indicators
                .iter()
                .map(move |i| (p.name.as_str(), i.name.as_str(), i.annual_value.as_deref()))
        })
        .take(2)
        .collect();
    assert_eq!(
        got,
        [
            ("农村公路养护补助", "养护农村公路里程", Some("≥860公里")),
            ("农村公路养护补助", "优良中等路率", Some("≥80%")),
        ]
    );
    let counts: Vec<(&str, usize)> = doc
        .projects()
        .map(|(_, p)| (p.name.as_str(), p.indicators.len()))
        .collect();
    assert_eq!(counts, [("农村公路养护补助", 6), ("客运站场运营补贴", 6)]);
    assert!(
        doc.projects()
            .all(|(_, p)| p.indicators.iter().all(|i| i.cycle_value.is_none()))
    );
}

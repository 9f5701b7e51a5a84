//! Real published target tables (tests/fixtures/realdocs, copied from
//! ../shared/realdocs) read through `ingest_file` and checked against the
//! hand-typed truth CSVs: every complete truth row is found (with its project
//! where the truth names one), and no row is reported whose name the truth
//! does not hold. Values are compared after the same cosmetic normalisation
//! as score.py: whitespace, `≧≦`/`>=`/`<=`, full/half width, leading `★`/`*`,
//! the pinyin runs of mirror pages, and Traditional forms folded to
//! Simplified with the vocabulary's fold (`vocab::simplified_char`); the
//! Traditional file's names use only characters that fold covers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

mod common;

use common::{check, dir};
use jixiao_core::ingest::{IngestError, IngestOptions, ingest_file};

const SET: &str = "realdocs";

#[test]
fn xiangtan_one_cell_per_line_with_bar_endings() {
    let r = check(SET, "xiangtan_huanwei_2023_wupaoche_perf_target_apply");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn wuhan_one_cell_per_line_two_sets_of_indicator_columns() {
    let r = check(SET, "wuhan_qingshan_edu_2020_perf_target_table3");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn wuhan_cells_glued_together() {
    let r = check(SET, "wuhan_qingshan_edu_2020_bomoxuexiao_perf_target_GLUED");
    assert_eq!(r.as_deref(), Some("glued-text"));
}

#[test]
fn nanyue_space_separated_with_placeholders() {
    let r = check(SET, "nanyue_2018_fupin_jichusheshi_perf_target_apply");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn tongxin_prose() {
    let r = check(SET, "tongxin_xiamaguan_2023_putao_perf_target_notice_prose");
    assert_eq!(r.as_deref(), Some("prose"));
}

#[test]
fn jingyan_pipe_table_with_operator_value_and_unit_columns() {
    let r = check(
        SET,
        "jingyan_mata_2023_dept_proj_perf_target_apply_pipe_EXCERPT",
    );
    assert_eq!(r.as_deref(), Some("pipe-text"));
    // 权重 and 指标方向性 read into the model.
    let path =
        dir(SET, "raw").join("jingyan_mata_2023_dept_proj_perf_target_apply_pipe_EXCERPT.txt");
    let doc = ingest_file(&path, &IngestOptions::default()).unwrap();
    let first = &doc.units[0].projects[0].indicators[0];
    assert_eq!(first.name, "维护社会稳定");
    assert_eq!(first.annual_value.as_deref(), Some("≥95%"));
    assert_eq!(first.weight, Some("10".parse().unwrap()));
    assert_eq!(first.direction.as_deref(), Some("正向"));
    // Units keep their names without the code printed before them.
    assert_eq!(doc.units[0].name, "井研县马踏镇人民政府");
}

#[test]
fn guangshui_header_only_gives_no_rows() {
    assert_eq!(
        check(
            SET,
            "guangshui_zfb_2021_dept_overall_perf_target_apply_pdf_EXCERPT"
        ),
        None
    );
}

#[test]
fn fengjie_spaced_with_score_ranges() {
    let r = check(
        SET,
        "fengjie_yunwu_2023_jiagongyuan_proj_perf_target_approval_EXCERPT",
    );
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn chencang_blank_values_after_a_notice() {
    let r = check(
        SET,
        "chencang_2020_shengji_shuili_fazhan_zijin_perf_target_BLANKVALUES_EXCERPT",
    );
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn lechang_traditional_mirror_pipe_table() {
    let r = check(
        SET,
        "lechang_2018_zhongzhi_zhuxuejin_perf_target_TRADCHN_MIRROR_pipe_EXCERPT",
    );
    assert_eq!(r.as_deref(), Some("pipe-text"));
}

#[test]
fn zhenjiang_half_year_beside_full_year() {
    let r = check(
        SET,
        "zhenjiang_museum_2024_saizhenzhu_proj_perf_disclosure_halfyear_fullyear_EXCERPT",
    );
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn every_raw_file_has_a_test() {
    let mut stems: Vec<String> = std::fs::read_dir(dir(SET, "raw"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    assert_eq!(stems.len(), 11);
    let src = include_str!("realdocs.rs");
    for s in stems {
        let stem = s.trim_end_matches(".txt");
        assert!(src.contains(&format!("\"{stem}\"")), "{stem} has no test");
    }
}

#[test]
fn the_evaluation_indicator_table_gives_no_rows() {
    for e in std::fs::read_dir(dir(SET, "adjacent")).unwrap() {
        let path = e.unwrap().path();
        match ingest_file(
            &path,
            &IngestOptions {
                year: Some(2019),
                ..IngestOptions::default()
            },
        ) {
            Err(IngestError::NotATable { .. }) => {}
            Ok(d) => assert_eq!(d.indicator_count(), 0, "{}", path.display()),
            Err(e) => panic!("{e}"),
        }
    }
}

/// Excerpts are cut anywhere (most of these files are the first ~2,000 bytes
/// of a page): every prefix of every real document reads without a panic,
/// and what it reads comes from the document.
#[test]
fn every_prefix_of_a_real_document_reads_without_panic() {
    for dir_name in ["raw", "adjacent"] {
        for e in std::fs::read_dir(dir(SET, dir_name)).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(5).collect();
            for end in ends {
                let prefix = &text[..end];
                if let jixiao_core::readers::GridReading::Read(doc) =
                    jixiao_core::readers::read_text_grids("prefix.txt", prefix)
                {
                    for (_, p) in doc.projects() {
                        for i in &p.indicators {
                            let squeeze = |s: &str| {
                                s.chars().filter(|c| !c.is_whitespace()).collect::<String>()
                            };
                            assert!(
                                squeeze(prefix)
                                    .contains(&squeeze(i.name.trim_start_matches(['★', '*']))),
                                "{}: {end}: {:?}",
                                path.display(),
                                i.name
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn inspect_grid_shows_the_grid_a_reader_built() {
    let text = std::fs::read_to_string(
        dir(SET, "raw").join("nanyue_2018_fupin_jichusheshi_perf_target_apply.txt"),
    )
    .unwrap();
    let g = jixiao_core::readers::inspect_grid("nanyue.txt", &text).unwrap();
    assert!(g.starts_with("reader: spaced-text"), "{g}");
    // Line 16 of the file: its name (with the spaces it holds) under 三级指标
    // (column 3) and its value under 指标值 (column 4).
    assert!(
        g.contains("[line 16]: |c3 贫困地区旅游景点开发数量( ≥**个 ) |c4 >=4个"),
        "{g}"
    );
    // The seed's layout has no grid: its reader is the text parser.
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../samples/laisui_2024.txt"
    ))
    .unwrap();
    assert_eq!(
        jixiao_core::readers::inspect_grid("laisui_2024.txt", &seed),
        None
    );
}

//! Hold-out documents (tests/fixtures/holdout: constructed target tables of
//! the realdocs' families, with hand-typed truth; see its README) read
//! through `ingest_file` and checked against the truth as realdocs.rs does:
//! every complete truth row found with its project and values, no row whose
//! name the truth does not hold, and the look-alikes give no rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

mod common;

use common::{check, dir};
use jixiao_core::ingest::{IngestError, IngestOptions, ingest_file};

const SET: &str = "holdout";

#[test]
fn seed_layout_other_department() {
    let r = check(SET, "gz_weijian_2023");
    assert_eq!(r.as_deref(), Some("seed-text"));
}

#[test]
fn seed_layout_in_yuan_with_wraps_inside_codes() {
    let r = check(SET, "gz_tianhe_jiaoyu_2022");
    assert_eq!(r.as_deref(), Some("seed-text"));
}

#[test]
fn seed_layout_with_a_page_break() {
    let r = check(SET, "gz_nongye_2025");
    assert_eq!(r.as_deref(), Some("seed-text"));
}

#[test]
fn pipe_table_with_direction_kind_and_unit_columns() {
    let r = check(SET, "shunqing_xueqian_zizhu_pipe_2024");
    assert_eq!(r.as_deref(), Some("pipe-text"));
}

#[test]
fn pipe_table_of_two_projects_with_a_separator_row() {
    let r = check(SET, "chuxiong_jiaotong_multi_pipe_2023");
    assert_eq!(r.as_deref(), Some("pipe-text"));
}

#[test]
fn cells_with_bar_endings() {
    let r = check(SET, "leiyang_weijian_jiatingyisheng_2022");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn cells_half_year_beside_full_year() {
    let r = check(SET, "wujiang_minzheng_yanglao_halfyear_2023");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn cells_long_term_beside_annual() {
    let r = check(SET, "qingshan_weijian_changqi_2021");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn cells_after_a_notice_with_a_sign_off() {
    let r = check(SET, "hanbin_weijian_yiliao_notice_2022");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn cells_traditional_mirror() {
    let r = check(SET, "wengyuan_gengdi_TRADCHN_2021");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn spaced_with_cost_as_a_level() {
    let r = check(SET, "yueyang_nongye_gaobiaozhun_2022");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn spaced_mid_term_beside_annual_and_wordy_values() {
    let r = check(SET, "yiling_shuili_yinshui_2021");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn spaced_operator_number_unit_words() {
    let r = check(SET, "lingui_ziranziyuan_spaced_weights_2023");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn spaced_two_projects_each_with_its_head() {
    let r = check(SET, "xiangzhou_shijianju_twoproj_2023");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn spaced_approval_form_with_score_ranges() {
    let r = check(SET, "wuxi_xiangcun_daolu_approval_2024");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn glued_with_qualitative_values() {
    let r = check(SET, "jiangan_minzheng_tekun_GLUED_2021");
    assert_eq!(r.as_deref(), Some("glued-text"));
}

#[test]
fn prose_notice_with_sub_heads_and_numbered_items() {
    let r = check(SET, "huining_xianjie_wenshi_prose_2024");
    assert_eq!(r.as_deref(), Some("prose"));
}

#[test]
fn cells_one_per_line_with_no_separators() {
    let r = check(SET, "leshan_shizhong_tushuguan_cells_2024");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn pipe_department_wide_table() {
    let r = check(SET, "lianyuan_minzheng_zhengti_2023");
    assert_eq!(r.as_deref(), Some("pipe-text"));
}

#[test]
fn look_alikes_give_no_rows() {
    let mut n = 0;
    for e in std::fs::read_dir(dir(SET, "raw")).unwrap() {
        let path = e.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if !stem.starts_with("LOOKALIKE_") {
            continue;
        }
        n += 1;
        // Their truth is empty: check() fails on any row read.
        assert!(common::truth(SET, &stem).is_empty(), "{stem}");
        let opts = IngestOptions {
            year: Some(common::year_of(&stem)),
            ..IngestOptions::default()
        };
        match ingest_file(&path, &opts) {
            Err(IngestError::NotATable { .. }) => {}
            Ok(d) => assert_eq!(d.indicator_count(), 0, "{stem}"),
            Err(e) => panic!("{stem}: {e}"),
        }
        assert_eq!(check(SET, &stem), None, "{stem}");
    }
    assert_eq!(n, 4);
}

#[test]
fn every_raw_file_has_a_test() {
    let mut stems: Vec<String> = std::fs::read_dir(dir(SET, "raw"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    assert_eq!(stems.len(), 23);
    let src = include_str!("holdout.rs");
    for s in stems {
        let stem = s.trim_end_matches(".txt");
        assert!(
            stem.starts_with("LOOKALIKE_") || src.contains(&format!("\"{stem}\"")),
            "{stem} has no test"
        );
    }
}

/// Every prefix of every hold-out document (an excerpt cut anywhere) reads
/// without a panic, and every name it reports is in the prefix.
#[test]
fn every_prefix_reads_without_panic() {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for e in std::fs::read_dir(dir(SET, "raw")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(7).collect();
        for end in ends {
            let prefix = &text[..end];
            if let jixiao_core::readers::GridReading::Read(doc) =
                jixiao_core::readers::read_text_grids("prefix.txt", prefix)
            {
                for (_, p) in doc.projects() {
                    for i in &p.indicators {
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

//! Real published target tables (tests/fixtures/realdocs, copied from
//! ../shared/realdocs) read through `ingest_file` and checked against the
//! hand-typed truth CSVs: every complete truth row is found (with its project
//! where the truth names one), and no row is reported whose name the truth
//! does not hold. Values are compared after the same cosmetic normalisation
//! as score.py: whitespace, `≧≦`/`>=`/`<=`, full/half width, leading `★`/`*`,
//! the pinyin runs of mirror pages, and Traditional forms folded to
//! Simplified with the vocabulary's fold (`vocab::simplified_char`); the
//! Traditional file's names use only characters that fold covers.

use std::path::{Path, PathBuf};

use jixiao_core::ingest::{IngestError, IngestOptions, ingest_file};
use jixiao_core::vocab::simplified_char;

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/realdocs")
        .join(sub)
}

/// A CSV line's fields (RFC 4180 quoting).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[derive(Debug)]
struct Row {
    project: String,
    level: String,
    category: String,
    name: String,
    cycle: String,
    annual: String,
    complete: bool,
}

fn truth(stem: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(dir("truth").join(format!("{stem}.csv"))).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = fields(l);
            Row {
                project: f[0].clone(),
                level: f[1].clone(),
                category: f[2].clone(),
                name: f[3].clone(),
                cycle: f[4].clone(),
                annual: f[5].clone(),
                complete: f[6] == "yes",
            }
        })
        .collect()
}

/// score.py's `norm`.
fn norm(s: &str) -> String {
    // Pinyin runs of mirror pages: `(xué)`.
    let mut no_pinyin = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('(') {
        no_pinyin.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let letters: usize = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń".contains(*c))
            .map(char::len_utf8)
            .sum();
        if letters > 0 {
            rest = &after[letters..];
            rest = rest.strip_prefix(')').unwrap_or(rest);
        } else {
            no_pinyin.push('(');
            rest = after;
        }
    }
    no_pinyin.push_str(rest);
    let mapped: String = no_pinyin
        .chars()
        .map(simplified_char)
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '；' => ';',
            '，' => ',',
            '％' => '%',
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '≧' => '≥',
            '≦' => '≤',
            '／' => '/',
            '　' => ' ',
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    let mapped = mapped.replace(">=", "≥").replace("<=", "≤");
    let squeezed: String = mapped.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.trim_start_matches(['★', '*']).to_string()
}

fn year_of(stem: &str) -> i32 {
    jixiao_core::ingest::year_from_name(stem).unwrap_or(2024)
}

/// Reads a raw file, checks it against its truth, returns the reader's name.
fn check(stem: &str) -> Option<String> {
    let path = dir("raw").join(format!("{stem}.txt"));
    let opts = IngestOptions {
        year: Some(year_of(stem)),
        ..IngestOptions::default()
    };
    let truth = truth(stem);
    let doc = match ingest_file(&path, &opts) {
        Ok(d) => d,
        Err(IngestError::NotATable { .. }) => {
            assert!(
                truth.iter().all(|r| !r.complete),
                "{stem}: refused, but the truth has complete rows"
            );
            return None;
        }
        Err(e) => panic!("{stem}: {e}"),
    };
    let out: Vec<(String, [String; 5])> = doc
        .projects()
        .flat_map(|(_, p)| {
            p.indicators.iter().map(move |i| {
                (
                    norm(&p.name),
                    [
                        norm(&i.level),
                        norm(&i.category),
                        norm(&i.name),
                        norm(i.annual_value.as_deref().unwrap_or("")),
                        norm(i.cycle_value.as_deref().unwrap_or("")),
                    ],
                )
            })
        })
        .collect();
    for t in truth.iter().filter(|t| t.complete) {
        let key = [
            norm(&t.level),
            norm(&t.category),
            norm(&t.name),
            norm(&t.annual),
            norm(&t.cycle),
        ];
        let hit = out.iter().any(|(p, k)| {
            // The truth leaves the level empty where the document writes none.
            let same = if t.level.is_empty() {
                k[1..] == key[1..]
            } else {
                *k == key
            };
            same && (t.project.is_empty() || *p == norm(&t.project))
        });
        assert!(hit, "{stem}: missing {t:?}\nread: {out:#?}");
    }
    let names: Vec<String> = truth.iter().map(|t| norm(&t.name)).collect();
    for (_, k) in &out {
        assert!(names.contains(&k[2]), "{stem}: invented row {k:?}");
    }
    doc.reader.clone()
}

#[test]
fn xiangtan_one_cell_per_line_with_bar_endings() {
    let r = check("xiangtan_huanwei_2023_wupaoche_perf_target_apply");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn wuhan_one_cell_per_line_two_sets_of_indicator_columns() {
    let r = check("wuhan_qingshan_edu_2020_perf_target_table3");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn wuhan_cells_glued_together() {
    let r = check("wuhan_qingshan_edu_2020_bomoxuexiao_perf_target_GLUED");
    assert_eq!(r.as_deref(), Some("glued-text"));
}

#[test]
fn nanyue_space_separated_with_placeholders() {
    let r = check("nanyue_2018_fupin_jichusheshi_perf_target_apply");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn tongxin_prose() {
    let r = check("tongxin_xiamaguan_2023_putao_perf_target_notice_prose");
    assert_eq!(r.as_deref(), Some("prose"));
}

#[test]
fn jingyan_pipe_table_with_operator_value_and_unit_columns() {
    let r = check("jingyan_mata_2023_dept_proj_perf_target_apply_pipe_EXCERPT");
    assert_eq!(r.as_deref(), Some("pipe-text"));
    // 权重 and 指标方向性 read into the model.
    let path = dir("raw").join("jingyan_mata_2023_dept_proj_perf_target_apply_pipe_EXCERPT.txt");
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
        check("guangshui_zfb_2021_dept_overall_perf_target_apply_pdf_EXCERPT"),
        None
    );
}

#[test]
fn fengjie_spaced_with_score_ranges() {
    let r = check("fengjie_yunwu_2023_jiagongyuan_proj_perf_target_approval_EXCERPT");
    assert_eq!(r.as_deref(), Some("spaced-text"));
}

#[test]
fn chencang_blank_values_after_a_notice() {
    let r = check("chencang_2020_shengji_shuili_fazhan_zijin_perf_target_BLANKVALUES_EXCERPT");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn lechang_traditional_mirror_pipe_table() {
    let r = check("lechang_2018_zhongzhi_zhuxuejin_perf_target_TRADCHN_MIRROR_pipe_EXCERPT");
    assert_eq!(r.as_deref(), Some("pipe-text"));
}

#[test]
fn zhenjiang_half_year_beside_full_year() {
    let r =
        check("zhenjiang_museum_2024_saizhenzhu_proj_perf_disclosure_halfyear_fullyear_EXCERPT");
    assert_eq!(r.as_deref(), Some("cell-lines"));
}

#[test]
fn every_raw_file_has_a_test() {
    let mut stems: Vec<String> = std::fs::read_dir(dir("raw"))
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
    for e in std::fs::read_dir(dir("adjacent")).unwrap() {
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
        for e in std::fs::read_dir(dir(dir_name)).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(5).collect();
            for end in ends {
                let prefix = &text[..end];
                if let Some(doc) = jixiao_core::readers::read_text_grids("prefix.txt", prefix) {
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
        dir("raw").join("nanyue_2018_fupin_jichusheshi_perf_target_apply.txt"),
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

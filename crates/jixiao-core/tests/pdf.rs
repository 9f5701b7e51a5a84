//! PDF input (issue 13): the seed's table as PDFs of every kind read into the
//! 42 indicators the seed prints; real budget disclosures, scans and damaged
//! files refused with their reason, never a panic.
//!
//! The fixtures are made by tests/fixtures/pdf/make_pdfs.py (LibreOffice
//! prints of the workbooks, reportlab STSong-Light forms). Every expected
//! value below is typed from the seed, seeds/000_236624cf1865c8cf.txt.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};

use jixiao_core::ingest::{IngestError, IngestOptions, ingest_file};
use jixiao_core::model::{Document, Position};
use jixiao_core::pdf::{self, Fault};
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/pdf")
        .join(name)
}

const DEPT: &str = "广州市来穗人员服务管理局";
const CENTRE: &str = "广州市来穗人员服务中心";

/// (unit, project, total = 财政拨款, indicator count), from the seed.
const PROJECTS: &[(&str, &str, &str, usize)] = &[
    (DEPT, "专项工作经费", "42.00", 4),
    (DEPT, "业务用房物业管理费", "22.33", 4),
    (DEPT, "广州市城市社区网格化服务管理项目", "99.10", 5),
    (DEPT, "全市来穗人员服务工作专项", "143.00", 8),
    (
        DEPT,
        "广州市来穗人员服务管理局2023年广州市来穗人员服务管理信息系统升级改造项目",
        "330.15",
        4,
    ),
    (
        DEPT,
        "广州市来穗人员服务管理局2023-2024年信息化运维项目",
        "145.04",
        4,
    ),
    (DEPT, "工作经费", "10.00", 2),
    (
        DEPT,
        "广州市来穗人员服务管理局2024-2025年信息化运维项目",
        "66.00",
        4,
    ),
    (
        DEPT,
        "广州市来穗服务管理局2024年政务信息化建设项目",
        "85.38",
        4,
    ),
    (CENTRE, "来穗人员服务项目", "7.00", 3),
];

/// Every indicator of the seed in order: (level code, level, category code,
/// category, name, 实施周期指标值, 年度指标值), as printed (≧/≦ included).
const INDICATORS: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "课题完成率",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "信息泄露事故数量",
        "0",
        "0",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "综合网格地方标准",
        "发布",
        "发布",
    ),
    (
        "2",
        "效益指标",
        "24",
        "可持续影响",
        "审核完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "物管服务覆盖率",
        "≥90%",
        "≥90%",
    ),
    ("1", "产出指标", "12", "质量指标", "有效投诉量", "≦2", "≦2"),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "安全事故发生数",
        "0",
        "0",
    ),
    (
        "3",
        "满意度指标",
        "31",
        "服务对象满意度",
        "评价满意度",
        "≥90%",
        "≥90%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "综合网格备案率",
        "≧90%",
        "≧90%",
    ),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "网格化服务工单转派的准确率",
        "≧90%",
        "≧90%",
    ),
    (
        "1",
        "产出指标",
        "13",
        "时效指标",
        "服务工单转派及时率",
        "≧95%",
        "≧95%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "网格事件办结率",
        "95%",
        "95%",
    ),
    (
        "2",
        "效益指标",
        "24",
        "可持续影响",
        "网格事件分析报告数量",
        "≥1份/季度",
        "≥1份/季度",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "常规积分制入户指标完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "年度政务微信发布信息数量",
        "≥100条/年",
        "≥100条",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "开展来穗人员服务活动次数场数",
        "≥14场/年",
        "≥14场",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "慰问人数",
        "≥10人/年",
        "≥10人",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "政府门户网站发布信息量",
        "≥750篇/年",
        "≥750篇",
    ),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "来穗人员融合大学堂和融合服务月项目验收通过率",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "大型社会媒体报道的次数",
        "≥6条",
        "≥6条",
    ),
    (
        "3",
        "满意度指标",
        "31",
        "服务对象满意度",
        "来穗人员融合活动满意率",
        "≥85%",
        "≥85%",
    ),
    ("1", "产出指标", "11", "数量指标", "竣工报告", "1份", "1份"),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "验收合格率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "13",
        "时效指标",
        "信息化系统升级改造数量计划完成率",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "信息泄露事故数量",
        "0",
        "0",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "运维月报完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "运维工作验收合格率",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "信息泄露事故数量",
        "0",
        "0",
    ),
    (
        "3",
        "满意度指标",
        "31",
        "服务对象满意度",
        "评价满意度",
        "≥85%",
        "≥85%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "因公出国境团组完成率",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "考察报告完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "运维月报完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "异常处理能力",
        "100%",
        "100%",
    ),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "信息泄露事故发送数量",
        "0",
        "0",
    ),
    (
        "3",
        "满意度指标",
        "31",
        "服务对象满意度",
        "评价满意度",
        "≥85%",
        "≥85%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "信息化建设月报完成率",
        "100%",
        "100%",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "信息化系统建设计划完成率",
        "100%",
        "100%",
    ),
    ("1", "产出指标", "11", "数量指标", "开工报告", "1份", "1份"),
    (
        "2",
        "效益指标",
        "22",
        "社会效益",
        "信息泄露事故数量",
        "0",
        "0",
    ),
    (
        "1",
        "产出指标",
        "11",
        "数量指标",
        "印刷数量",
        "≥15万",
        "≥15万",
    ),
    (
        "1",
        "产出指标",
        "12",
        "质量指标",
        "验收通过率",
        "100%",
        "100%",
    ),
    ("2", "效益指标", "22", "社会效益", "发放率", "100%", "100%"),
];

/// `≧`/`≦` are the JIS forms of `≥`/`≤` (DOMAIN.md): the same value.
fn same_value(a: &str, b: &str) -> bool {
    let n = |s: &str| s.replace('≧', "≥").replace('≦', "≤");
    n(a) == n(b)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The document holds exactly the seed's projects and indicators; `codes`
/// when the table prints level and category codes (`1-产出指标`).
fn assert_seed(what: &str, doc: &Document, codes: bool, pages: std::ops::RangeInclusive<u32>) {
    assert_eq!(INDICATORS.len(), 42);
    assert_eq!(doc.indicator_count(), 42, "{what}: indicators");
    assert_eq!(doc.project_count(), 10, "{what}: projects");
    let units: Vec<(&str, usize)> = doc
        .units
        .iter()
        .map(|u| (u.name.as_str(), u.projects.len()))
        .collect();
    assert_eq!(units, [(DEPT, 9), (CENTRE, 1)], "{what}: units");
    let mut truth = INDICATORS.iter();
    for ((u, p), (unit, name, total, count)) in doc.projects().zip(PROJECTS) {
        assert_eq!(u.name, *unit, "{what}: unit of {name}");
        assert_eq!(p.name, *name, "{what}");
        assert_eq!(p.amounts.total, Some(dec(total)), "{what}: 总计 of {name}");
        // The PDF keeps empty cells: 财政拨款 is known, the other sources empty.
        assert_eq!(
            p.amounts.fiscal,
            Some(dec(total)),
            "{what}: 财政拨款 of {name}"
        );
        assert_eq!(p.amounts.special, None, "{what}: 财政专户拨款 of {name}");
        assert_eq!(p.amounts.other, None, "{what}: 其他资金 of {name}");
        assert_eq!(p.amounts.note, None, "{what}: {name}");
        assert_eq!(p.indicators.len(), *count, "{what}: indicators of {name}");
        for (k, i) in p.indicators.iter().enumerate() {
            let (lc, level, cc, cat, iname, cycle, annual) = truth.next().unwrap();
            let at = format!("{what}: {name} #{}", k + 1);
            assert_eq!(i.seq as usize, k + 1, "{at}");
            assert_eq!(i.level, *level, "{at}");
            assert_eq!(i.category, *cat, "{at}");
            assert_eq!(i.name, *iname, "{at}");
            assert!(
                same_value(i.cycle_value.as_deref().unwrap_or(""), cycle),
                "{at}: cycle {:?} vs {cycle}",
                i.cycle_value
            );
            assert!(
                same_value(i.annual_value.as_deref().unwrap_or(""), annual),
                "{at}: annual {:?} vs {annual}",
                i.annual_value
            );
            if codes {
                assert_eq!(i.level_code.as_deref(), Some(*lc), "{at}");
                assert_eq!(i.category_code.as_deref(), Some(*cc), "{at}");
            }
            match &i.pos {
                Position::Pdf { page, bbox } => {
                    assert!(pages.contains(page), "{at}: page {page}");
                    assert!(bbox[2] > bbox[0] && bbox[3] > bbox[1], "{at}: box {bbox:?}");
                }
                other => panic!("{at}: position {other:?}"),
            }
            assert_eq!(i.line, i.pos.line(), "{at}: line is the page");
        }
    }
    assert!(doc.rejects.is_empty(), "{what}: rejects {:#?}", doc.rejects);
}

#[test]
fn wide_pdf_printed_by_libreoffice() {
    let doc = pdf::read_pdf(&fixture("laisui_2024_wide.pdf")).unwrap();
    assert_seed("wide", &doc, true, 1..=4);
    assert_eq!(doc.reader.as_deref(), Some("wide-grid"));
    assert_eq!(doc.department.as_deref(), Some(DEPT));
    assert_eq!(
        doc.title.as_deref(),
        Some("项目支出绩效目标表（含转移支付项目）")
    );
    let g = doc.grand_total.as_ref().unwrap();
    assert_eq!(
        (g.total, g.fiscal),
        (Some(dec("950.00")), Some(dec("950.00")))
    );
    assert_eq!(
        doc.units[0].amounts.as_ref().unwrap().total,
        Some(dec("943.00"))
    );
    assert_eq!(
        doc.units[1].amounts.as_ref().unwrap().total,
        Some(dec("7.00"))
    );
    // The goal's wrapped lines joined with nothing between them.
    let p = &doc.units[0].projects[0];
    assert!(
        p.goal.starts_with("通过开展专项工作经费项目，提高管理水平，做好理论研究工作，为单位科学决策提供法治支撑。一是开展档案整理等内控管理工作"),
        "{}",
        p.goal
    );
}

#[test]
fn wide_pdf_on_rotated_pages() {
    // Portrait pages with /Rotate 90 and the content drawn sideways (A3
    // exports from WPS): the same table.
    let doc = pdf::read_pdf(&fixture("laisui_2024_wide_rotated.pdf")).unwrap();
    assert_seed("rotated", &doc, true, 1..=4);
}

#[test]
fn long_pdf_printed_by_libreoffice() {
    let doc = pdf::read_pdf(&fixture("laisui_2024_long.pdf")).unwrap();
    assert_seed("long", &doc, true, 1..=4);
    assert_eq!(doc.reader.as_deref(), Some("long-grid"));
    assert_eq!(doc.department.as_deref(), Some(DEPT));
    // Four pages, the head repeated on each: the 4th project starts page 2
    // below it, the 10th (of the second unit) is on page 4.
    let p = &doc.units[0].projects[3];
    assert_eq!(p.indicators[0].pos.page(), Some(2));
    assert_eq!(doc.units[1].projects[0].indicators[0].pos.page(), Some(4));
}

#[test]
fn long_pdf_without_rules() {
    // No rule on any page: columns from the gutters of the text, wrapped
    // goals followed down, the head repeated on pages 2-4 dropped.
    let doc = pdf::read_pdf(&fixture("laisui_2024_long_unruled.pdf")).unwrap();
    assert_seed("unruled", &doc, true, 1..=4);
    assert_eq!(doc.department.as_deref(), Some(DEPT));
    let p = &doc.units[0].projects[0];
    assert!(
        p.goal.starts_with(
            "通过开展专项工作经费项目，提高管理水平，做好理论研究工作，为单位科学决策提供法治支撑。"
        ),
        "{}",
        p.goal
    );
}

#[test]
fn stsong_light_forms_decoded_as_ucs2() {
    let doc = pdf::read_pdf(&fixture("laisui_2024_forms_stsong.pdf")).unwrap();
    // 申报表 forms print level and category without codes.
    assert_seed("forms", &doc, false, 1..=5);
    assert_eq!(doc.department.as_deref(), Some(DEPT));
    assert_eq!(doc.title.as_deref(), Some("项目支出绩效目标申报表"));
    // The 政务信息化建设项目 goal row is cut by the break between pages 4
    // and 5 (no rule under its first part): both parts make one goal.
    let p = &doc.units[0].projects[8];
    assert!(
        p.goal
            .starts_with("一是建设完善广州市网格化服务管理信息系统"),
        "{}",
        p.goal
    );
    assert!(
        p.goal.contains("让群众少跑腿，推进流动人员服务便利化"),
        "{}",
        p.goal
    );
    assert!(
        p.goal.ends_with("提升来穗人员和出租屋的管理水平。"),
        "{}",
        p.goal
    );
}

#[test]
fn pdfplumber_alone_garbles_stsong_light() {
    // Why fonts.rs exists: pdfplumber 0.4.1 decodes UniGB-UCS2-H as GBK, so
    // the first form's labels do not come out; read_pdf gives them (above).
    let bytes = std::fs::read(fixture("laisui_2024_forms_stsong.pdf")).unwrap();
    let pdf = pdfplumber::Pdf::open_bytes(&bytes, None).unwrap();
    let page = pdf.page(0).unwrap();
    let text: String = page.chars().iter().map(|c| c.text.as_str()).collect();
    assert!(!text.is_empty());
    for label in ["项目名称", "专项工作经费", "一级指标", "课题完成率"] {
        assert!(
            !text.contains(label),
            "pdfplumber now decodes {label}: {text}"
        );
    }
}

#[test]
fn the_table_appended_to_a_real_disclosure() {
    // jiangsu_budget_02_2019.pdf has 19 pages; the wide table follows them.
    let doc = pdf::read_pdf(&fixture("jiangsu_budget_02_2019_with_targets.pdf")).unwrap();
    assert_seed("appended", &doc, true, 20..=23);
}

#[test]
fn real_disclosures_without_a_target_table_are_refused() {
    // Page counts as pypdf reports them.
    for (name, pages) in [
        ("jiangsu_budget_01_2017.pdf", 31),
        ("jiangsu_budget_02_2019.pdf", 19),
        ("jiangsu_budget_03_2019.pdf", 13),
        ("jiangsu_budget_04_2018.pdf", 31),
        ("jiangsu_budget_05_2017.pdf", 25),
    ] {
        let path = fixture(name);
        let e = pdf::read_pdf(&path).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: no performance-target table in {pages} pages",
                path.display()
            )
        );
        assert!(matches!(e, IngestError::NoTableInPdf { .. }));
    }
}

#[test]
fn a_scan_is_refused() {
    let path = fixture("scan_2024.pdf");
    let e = pdf::read_pdf(&path).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: page 1 has no text layer (a scan); run OCR first",
            path.display()
        )
    );
}

#[test]
fn truncated_and_corrupt_pdfs_are_errors_not_panics() {
    let e = pdf::read_pdf(&fixture("truncated_2024.pdf")).unwrap_err();
    assert!(matches!(e, IngestError::Pdf { .. }), "{e}");
    assert!(e.to_string().contains("cannot read the PDF"), "{e}");
    for bytes in [
        &b""[..],
        b"%PDF-1.4",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        b"not a pdf",
    ] {
        assert!(matches!(
            pdf::read_pdf_bytes("x.pdf", bytes),
            Err(Fault::Unreadable(_))
        ));
    }
    // Found by the fuzz target: a mutated forms PDF on which pdfplumber-parse
    // 0.4.1's tokenizer multiplies past u32 (a panic where overflow checks
    // are on, as in this test build): that page fails, the run goes on.
    let bytes = std::fs::read(fixture("fuzz_tokenizer_overflow.pdf")).unwrap();
    match pdf::read_pdf_bytes("fuzz.pdf", &bytes) {
        Ok(doc) => assert!(doc.indicator_count() <= 42),
        Err(f) => assert!(
            matches!(f, Fault::Unreadable(_) | Fault::NoTable { .. }),
            "{f:?}"
        ),
    }
    // Damage in many places of a real table PDF: an error or a document,
    // never a panic.
    let good = std::fs::read(fixture("laisui_2024_long.pdf")).unwrap();
    for k in 1..24usize {
        let at = good.len() * k / 24;
        let mut cut = good.clone();
        cut.truncate(at);
        let _ = pdf::read_pdf_bytes("cut.pdf", &cut);
        let mut flipped = good.clone();
        for b in flipped.iter_mut().skip(at).take(64) {
            *b ^= 0x5A;
        }
        let _ = pdf::read_pdf_bytes("flipped.pdf", &flipped);
    }
}

#[test]
fn pdf_files_go_through_ingest_file_with_their_year() {
    let doc = ingest_file(&fixture("laisui_2024_long.pdf"), &IngestOptions::default()).unwrap();
    assert_eq!(doc.year, Some(2024));
    assert_eq!(doc.indicator_count(), 42);
    // No year in the name or a title: the usual error.
    let tmp = std::env::temp_dir().join(format!("jixiao_pdf_{}_laisui.pdf", std::process::id()));
    std::fs::copy(fixture("laisui_2024_long.pdf"), &tmp).unwrap();
    let e = ingest_file(&tmp, &IngestOptions::default()).unwrap_err();
    let _ = std::fs::remove_file(&tmp);
    assert!(matches!(e, IngestError::NoYear { .. }), "{e}");
    // The forms' title says （2024年度）, but the title kept is the first
    // line: the year comes from the name here.
    let forms = ingest_file(
        &fixture("laisui_2024_forms_stsong.pdf"),
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(forms.year, Some(2024));
}

//! The real seed document, converted by the real binary, checked field by field
//! against values typed from the document (not produced by the parser).

mod common;

use common::*;

const DEPT: &str = "广州市来穗人员服务管理局";
const UNIT1: &str = "广州市来穗人员服务管理局";
const UNIT2: &str = "广州市来穗人员服务中心";
const P5: &str = "广州市来穗人员服务管理局2023年广州市来穗人员服务管理信息系统升级改造项目";
const P6: &str = "广州市来穗人员服务管理局2023-2024年信息化运维项目";
const P8: &str = "广州市来穗人员服务管理局2024-2025年信息化运维项目";
const P9: &str = "广州市来穗服务管理局2024年政务信息化建设项目";

/// (unit, project, amount, project line, indicator count), typed from the seed.
const PROJECTS: &[(&str, &str, &str, &str, usize)] = &[
    (UNIT1, "专项工作经费", "42.00", "12", 4),
    (UNIT1, "业务用房物业管理费", "22.33", "32", 4),
    (UNIT1, "广州市城市社区网格化服务管理项目", "99.10", "46", 5),
    (UNIT1, "全市来穗人员服务工作专项", "143.00", "73", 8),
    (UNIT1, P5, "330.15", "99", 4),
    (UNIT1, P6, "145.04", "123", 4),
    (UNIT1, "工作经费", "10.00", "145", 2),
    (UNIT1, P8, "66.00", "154", 4),
    (UNIT1, P9, "85.38", "178", 4),
    (UNIT2, "来穗人员服务项目", "7.00", "216", 3),
];

/// Every indicator: project index into PROJECTS, seq, level code, level,
/// category code, category, name, cycle value, annual value, start line.
#[rustfmt::skip]
const INDICATORS: &[(usize, &str, &str, &str, &str, &str, &str, &str, &str, &str)] = &[
    (0, "1", "1", "产出指标", "11", "数量指标", "课题完成率", "100%", "100%", "25"),
    (0, "2", "2", "效益指标", "22", "社会效益", "信息泄露事故数量", "0", "0", "26"),
    (0, "3", "2", "效益指标", "22", "社会效益", "综合网格地方标准", "发布", "发布", "27"),
    (0, "4", "2", "效益指标", "24", "可持续影响", "审核完成率", "100%", "100%", "28"),
    (1, "1", "1", "产出指标", "11", "数量指标", "物管服务覆盖率", "≥90%", "≥90%", "39"),
    (1, "2", "1", "产出指标", "12", "质量指标", "有效投诉量", "≤2", "≤2", "40"),
    (1, "3", "2", "效益指标", "22", "社会效益", "安全事故发生数", "0", "0", "41"),
    (1, "4", "3", "满意度指标", "31", "服务对象满意度", "评价满意度", "≥90%", "≥90%", "42"),
    (2, "1", "1", "产出指标", "11", "数量指标", "综合网格备案率", "≥90%", "≥90%", "62"),
    (2, "2", "1", "产出指标", "12", "质量指标", "网格化服务工单转派的准确率", "≥90%", "≥90%", "63"),
    (2, "3", "1", "产出指标", "13", "时效指标", "服务工单转派及时率", "≥95%", "≥95%", "64"),
    (2, "4", "2", "效益指标", "22", "社会效益", "网格事件办结率", "95%", "95%", "66"),
    (2, "5", "2", "效益指标", "24", "可持续影响", "网格事件分析报告数量", "≥1份/季度", "≥1份/季度", "67"),
    (3, "1", "1", "产出指标", "11", "数量指标", "常规积分制入户指标完成率", "100%", "100%", "85"),
    (3, "2", "1", "产出指标", "11", "数量指标", "年度政务微信发布信息数量", "≥100条/年", "≥100条", "86"),
    (3, "3", "1", "产出指标", "11", "数量指标", "开展来穗人员服务活动次数场数", "≥14场/年", "≥14场", "88"),
    (3, "4", "1", "产出指标", "11", "数量指标", "慰问人数", "≥10人/年", "≥10人", "89"),
    (3, "5", "1", "产出指标", "11", "数量指标", "政府门户网站发布信息量", "≥750篇/年", "≥750篇", "91"),
    (3, "6", "1", "产出指标", "12", "质量指标", "来穗人员融合大学堂和融合服务月项目验收通过率", "100%", "100%", "92"),
    (3, "7", "2", "效益指标", "22", "社会效益", "大型社会媒体报道的次数", "≥6条", "≥6条", "94"),
    (3, "8", "3", "满意度指标", "31", "服务对象满意度", "来穗人员融合活动满意率", "≥85%", "≥85%", "96"),
    (4, "1", "1", "产出指标", "11", "数量指标", "竣工报告", "1份", "1份", "116"),
    (4, "2", "1", "产出指标", "12", "质量指标", "验收合格率", "100%", "100%", "117"),
    (4, "3", "1", "产出指标", "13", "时效指标", "信息化系统升级改造数量计划完成率", "100%", "100%", "118"),
    (4, "4", "2", "效益指标", "22", "社会效益", "信息泄露事故数量", "0", "0", "120"),
    (5, "1", "1", "产出指标", "11", "数量指标", "运维月报完成率", "100%", "100%", "137"),
    (5, "2", "1", "产出指标", "12", "质量指标", "运维工作验收合格率", "100%", "100%", "138"),
    (5, "3", "2", "效益指标", "22", "社会效益", "信息泄露事故数量", "0", "0", "139"),
    (5, "4", "3", "满意度指标", "31", "服务对象满意度", "评价满意度", "≥85%", "≥85%", "142"),
    (6, "1", "1", "产出指标", "11", "数量指标", "因公出国境团组完成率", "100%", "100%", "150"),
    (6, "2", "2", "效益指标", "22", "社会效益", "考察报告完成率", "100%", "100%", "151"),
    (7, "1", "1", "产出指标", "11", "数量指标", "运维月报完成率", "100%", "100%", "169"),
    (7, "2", "1", "产出指标", "12", "质量指标", "异常处理能力", "100%", "100%", "170"),
    (7, "3", "2", "效益指标", "22", "社会效益", "信息泄露事故发送数量", "0", "0", "171"),
    (7, "4", "3", "满意度指标", "31", "服务对象满意度", "评价满意度", "≥85%", "≥85%", "173"),
    (8, "1", "1", "产出指标", "11", "数量指标", "信息化建设月报完成率", "100%", "100%", "207"),
    (8, "2", "1", "产出指标", "11", "数量指标", "信息化系统建设计划完成率", "100%", "100%", "208"),
    (8, "3", "1", "产出指标", "11", "数量指标", "开工报告", "1份", "1份", "209"),
    (8, "4", "2", "效益指标", "22", "社会效益", "信息泄露事故数量", "0", "0", "211"),
    (9, "1", "1", "产出指标", "11", "数量指标", "印刷数量", "≥15万", "≥15万", "223"),
    (9, "2", "1", "产出指标", "12", "质量指标", "验收通过率", "100%", "100%", "224"),
    (9, "3", "2", "效益指标", "22", "社会效益", "发放率", "100%", "100%", "225"),
];

/// The new columns of each indicator, in the order of INDICATORS: the parsed
/// annual target (op, number, unit), value kind, and the framework's names for
/// the printed level and category. Typed from the annual values and codes above
/// (`≥1份/季度` is ≥, 1, 份/季度; `发布` has no number, so no op and no kind).
#[rustfmt::skip]
const TARGETS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 课题完成率 100%
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 信息泄露事故数量 0
    ("", "", "", "", "效益指标", "社会效益指标"),  // 综合网格地方标准 发布
    ("=", "100", "%", "定量", "效益指标", "可持续影响指标"),  // 审核完成率 100%
    ("≥", "90", "%", "定量", "产出指标", "数量指标"),  // 物管服务覆盖率 ≥90%
    ("≤", "2", "", "定量", "产出指标", "质量指标"),  // 有效投诉量 ≤2
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 安全事故发生数 0
    ("≥", "90", "%", "定量", "满意度指标", "服务对象满意度指标"),  // 评价满意度 ≥90%
    ("≥", "90", "%", "定量", "产出指标", "数量指标"),  // 综合网格备案率 ≥90%
    ("≥", "90", "%", "定量", "产出指标", "质量指标"),  // 网格化服务工单转派的准确率 ≥90%
    ("≥", "95", "%", "定量", "产出指标", "时效指标"),  // 服务工单转派及时率 ≥95%
    ("=", "95", "%", "定量", "效益指标", "社会效益指标"),  // 网格事件办结率 95%
    ("≥", "1", "份/季度", "定量", "效益指标", "可持续影响指标"),  // 网格事件分析报告数量 ≥1份/季度
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 常规积分制入户指标完成率 100%
    ("≥", "100", "条", "定量", "产出指标", "数量指标"),  // 年度政务微信发布信息数量 ≥100条
    ("≥", "14", "场", "定量", "产出指标", "数量指标"),  // 开展来穗人员服务活动次数场数 ≥14场
    ("≥", "10", "人", "定量", "产出指标", "数量指标"),  // 慰问人数 ≥10人
    ("≥", "750", "篇", "定量", "产出指标", "数量指标"),  // 政府门户网站发布信息量 ≥750篇
    ("=", "100", "%", "定量", "产出指标", "质量指标"),  // 来穗人员融合大学堂和融合服务月项目验收通过率 100%
    ("≥", "6", "条", "定量", "效益指标", "社会效益指标"),  // 大型社会媒体报道的次数 ≥6条
    ("≥", "85", "%", "定量", "满意度指标", "服务对象满意度指标"),  // 来穗人员融合活动满意率 ≥85%
    ("=", "1", "份", "定量", "产出指标", "数量指标"),  // 竣工报告 1份
    ("=", "100", "%", "定量", "产出指标", "质量指标"),  // 验收合格率 100%
    ("=", "100", "%", "定量", "产出指标", "时效指标"),  // 信息化系统升级改造数量计划完成率 100%
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 信息泄露事故数量 0
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 运维月报完成率 100%
    ("=", "100", "%", "定量", "产出指标", "质量指标"),  // 运维工作验收合格率 100%
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 信息泄露事故数量 0
    ("≥", "85", "%", "定量", "满意度指标", "服务对象满意度指标"),  // 评价满意度 ≥85%
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 因公出国境团组完成率 100%
    ("=", "100", "%", "定量", "效益指标", "社会效益指标"),  // 考察报告完成率 100%
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 运维月报完成率 100%
    ("=", "100", "%", "定量", "产出指标", "质量指标"),  // 异常处理能力 100%
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 信息泄露事故发送数量 0
    ("≥", "85", "%", "定量", "满意度指标", "服务对象满意度指标"),  // 评价满意度 ≥85%
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 信息化建设月报完成率 100%
    ("=", "100", "%", "定量", "产出指标", "数量指标"),  // 信息化系统建设计划完成率 100%
    ("=", "1", "份", "定量", "产出指标", "数量指标"),  // 开工报告 1份
    ("=", "0", "", "定量", "效益指标", "社会效益指标"),  // 信息泄露事故数量 0
    ("≥", "15", "万", "定量", "产出指标", "数量指标"),  // 印刷数量 ≥15万
    ("=", "100", "%", "定量", "产出指标", "质量指标"),  // 验收通过率 100%
    ("=", "100", "%", "定量", "效益指标", "社会效益指标"),  // 发放率 100%
];

const INDICATOR_HEADER: &[&str] = &[
    "year",
    "department",
    "unit",
    "project",
    "amount",
    "amount_fiscal",
    "amount_special",
    "amount_other",
    "seq",
    "level_code",
    "level",
    "category_code",
    "category",
    "name",
    "cycle_value",
    "annual_value",
    "target_op",
    "target_number",
    "target_unit",
    "value_kind",
    "direction",
    "weight",
    "framework_level",
    "framework_category",
    "source",
    "line",
];

fn convert(extra: &[&str], out: &std::path::Path) -> std::process::Output {
    let seed = sample("laisui_2024.txt");
    let mut args = vec![
        "convert",
        seed.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Cents as an integer, from the decimal text the CSV holds: exact, no floats.
fn cents(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').expect("two decimals");
    assert_eq!(frac.len(), 2, "{s}: not in cents");
    int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

#[test]
fn every_indicator_field_matches_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("indicators.csv");
    let o = convert(&[], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = read_csv(&out, true);
    assert_eq!(header, INDICATOR_HEADER);
    assert_eq!(rows.len(), 42);
    assert_eq!(TARGETS.len(), 42);
    for ((row, exp), t) in rows.iter().zip(INDICATORS).zip(TARGETS) {
        let (p, seq, lc, l, cc, c, name, cycle, annual, line) = *exp;
        let (op, number, t_unit, kind, fl, fc) = *t;
        // The Excel-facing CSV never starts a cell with `=` (a formula to
        // Excel): the comparison `=` is written full-width, `＝` (README).
        let op = if op == "=" { "＝" } else { op };
        let (unit, project, amount, _, _) = PROJECTS[p];
        let expected = [
            "2024",
            DEPT,
            unit,
            project,
            amount,
            "",
            "",
            "",
            seq,
            lc,
            l,
            cc,
            c,
            name,
            cycle,
            annual,
            op,
            number,
            t_unit,
            kind,
            "",
            "",
            fl,
            fc,
            "laisui_2024.txt",
            line,
        ];
        assert_eq!(row, &expected, "indicator {project} #{seq}");
    }
    assert!(!dir.path().join("indicators.rejects.csv").exists());
}

#[test]
fn projects_table_and_the_sums_reconcile() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("projects.csv");
    let o = convert(&["--table", "projects", "--no-bom"], &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = read_csv(&out, false);
    assert_eq!(
        header,
        [
            "year",
            "department",
            "unit",
            "project",
            "amount",
            "amount_fiscal",
            "amount_special",
            "amount_other",
            "amount_note",
            "goal",
            "indicator_count",
            "source",
            "line"
        ]
    );
    assert_eq!(rows.len(), 10);
    for (row, &(unit, project, amount, line, count)) in rows.iter().zip(PROJECTS) {
        assert_eq!(row[0], "2024");
        assert_eq!(row[1], DEPT);
        assert_eq!(row[2], unit);
        assert_eq!(row[3], project);
        assert_eq!(row[4], amount);
        assert_eq!(
            &row[5..8],
            ["", "", ""],
            "{project}: sources are not printed in place"
        );
        assert!(
            row[8].contains("1 of 3 source figures"),
            "{project}: {}",
            row[8]
        );
        assert_eq!(row[10], count.to_string());
        assert_eq!(row[11], "laisui_2024.txt");
        assert_eq!(row[12], line);
    }
    // Goals: first and last words of two paragraphs, as printed.
    assert!(rows[0][9].starts_with("通过开展专项工作经费项目，提高管理水平"));
    assert!(rows[0][9].ends_with("取得理论成果，推动工作开展。"));
    assert!(rows[9][9].ends_with("让更多来穗人员在城市共建共治共享发展中有更多获得感。"));
    let sum = |u: &str| {
        rows.iter()
            .filter(|r| r[2] == u)
            .map(|r| cents(&r[4]))
            .sum::<i64>()
    };
    assert_eq!(sum(UNIT1), 943_00);
    assert_eq!(sum(UNIT2), 7_00);
    assert_eq!(rows.iter().map(|r| cents(&r[4])).sum::<i64>(), 950_00);
    assert!(!stderr(&o).contains("warning:"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("done: 0 reject(s), 0 warning(s)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn leftmost_assumption_fills_fiscal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    let o = convert(
        &["--table", "projects", "--dropped-cells", "leftmost"],
        &out,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out, true);
    for (row, &(_, project, amount, _, _)) in rows.iter().zip(PROJECTS) {
        assert_eq!(row[5], amount, "{project}: 财政拨款");
        assert_eq!(
            (row[6].as_str(), row[7].as_str(), row[8].as_str()),
            ("", "", "")
        );
    }
}

#[test]
fn inspect_shows_units_projects_and_reconciliation() {
    let o = run(&["inspect", sample("laisui_2024.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("department:  广州市来穗人员服务管理局"), "{s}");
    assert!(s.contains("year:        2024"), "{s}");
    assert!(s.contains("合计:        950.00 (line 8)"), "{s}");
    assert!(
        s.contains("2 unit(s), 10 project(s), 42 indicator(s)"),
        "{s}"
    );
    assert!(s.contains("ok       line 10: unit 广州市来穗人员服务管理局: sum of its 9 projects = printed 943.00"), "{s}");
    assert!(
        s.contains(
            "ok       line 214: unit 广州市来穗人员服务中心: sum of its 1 projects = printed 7.00"
        ),
        "{s}"
    );
    assert!(
        s.contains("ok       line 8: 合计: sum of its 2 units = printed 950.00"),
        "{s}"
    );
    assert!(
        s.contains(&format!("line   99        330.15   4 indicator(s)  {P5}")),
        "{s}"
    );
    assert!(s.contains("unplaced text: none"), "{s}");
    assert!(s.contains("layout:      seed-text ("), "{s}");
}

#[test]
fn inspect_names_another_layout_and_shows_its_grid() {
    // 湘潭's 申报表 as a web page flattens it: one cell per line, ending ` |`.
    let f = root()
        .join("tests/fixtures/realdocs/raw/xiangtan_huanwei_2023_wupaoche_perf_target_apply.txt");
    let o = run(&["inspect", "--grid", f.to_str().unwrap(), "--year", "2023"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(
        s.contains("layout:      cell-lines (one cell per line)"),
        "{s}"
    );
    assert!(s.contains("1 unit(s), 1 project(s), 7 indicator(s)"), "{s}");
    // What the reader made of each column of the head (指标值 and 绩效标准 in
    // the file: the year's value and a remark beside it).
    assert!(
        s.contains("columns (head at row 6): c1 一级指标 | c2 二级指标 | c3 三级指标 | c4 年度指标值 | c5 备注"),
        "{s}"
    );
    // The grid row of the second 数量指标 indicator, its 一级/二级 left to the row above.
    assert!(
        s.lines()
            .any(|l| l.contains("|c3 雾炮车风炮射程 |c4 ≥80M |c5 计划标准")),
        "{s}"
    );
}

#[test]
fn year_comes_from_the_flag_or_is_an_error_that_says_how() {
    let dir = tempfile::tempdir().unwrap();
    let nameless = dir.path().join("table.txt");
    std::fs::copy(sample("laisui_2024.txt"), &nameless).unwrap();
    let out = dir.path().join("x.csv");
    let o = run(&[
        "convert",
        nameless.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (_, rejects) = read_csv(&dir.path().join("x.rejects.csv"), true);
    assert_eq!(rejects.len(), 1);
    assert!(rejects[0][3].contains("--year"), "{:?}", rejects[0]);
    let o = run(&[
        "convert",
        nameless.to_str().unwrap(),
        "--year",
        "2023",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, rows) = read_csv(&out, true);
    assert_eq!(rows.len(), 42);
    assert!(rows.iter().all(|r| r[0] == "2023"));
    assert!(
        !dir.path().join("x.rejects.csv").exists(),
        "stale rejects removed"
    );
}

#[test]
fn unplaced_text_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = std::fs::read_to_string(sample("laisui_2024.txt")).unwrap();
    // Break indicator 2 of the last project: its values are gone.
    text = text.replace(
        "2、1-产出指标；12-质量指标；验收通过率；实\n施周期指标值:100%；年度指标值:100%。",
        "2、1-产出指标；12-质量指标；验收通过率。",
    );
    let input = dir.path().join("broken_2024.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("b.csv");
    let o = run(&[
        "convert",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (_, rows) = read_csv(&out, true);
    assert_eq!(rows.len(), 41);
    let (_, rejects) = read_csv(&dir.path().join("b.rejects.csv"), true);
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0][0], "broken_2024.txt");
    assert_eq!(rejects[0][1], "224");
    assert!(
        rejects[0][2].starts_with("2、1-产出指标；12-质量指标；验收通过率"),
        "{:?}",
        rejects[0]
    );
    assert!(
        rejects[0][3].contains("来穗人员服务项目"),
        "{:?}",
        rejects[0]
    );
    assert!(
        stderr(&o).contains("reject: broken_2024.txt:224"),
        "{}",
        stderr(&o)
    );
}

//! For every rule: a row that trips it and a near miss that does not, with
//! values typed after REVIEW.md's real examples in other wording.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::str::FromStr;

use jixiao_core::model::{Amounts, Document, Indicator, MoneyUnit, Position, Project, Unit};
use rust_decimal::Decimal;

use super::*;

fn ind(level: &str, category: &str, name: &str, value: &str) -> Indicator {
    Indicator {
        level: level.into(),
        category: category.into(),
        name: name.into(),
        annual_value: (!value.is_empty()).then(|| value.to_string()),
        line: 7,
        pos: Position::Line(7),
        ..Indicator::default()
    }
}

fn q(level: &str, category: &str, name: &str, value: &str) -> Indicator {
    ind(level, category, name, value)
}

/// A project every framework rule is content with, plus `extra`.
fn complete(extra: Vec<Indicator>) -> Vec<Indicator> {
    let mut v = vec![
        q("产出指标", "数量指标", "新建村道里程", "≥12公里"),
        q("产出指标", "质量指标", "工程验收合格率", "=100%"),
        q("产出指标", "时效指标", "完工时间", "2025年10月底前"),
        q("效益指标", "社会效益指标", "受益农户", "≥350户"),
        q("满意度指标", "服务对象满意度指标", "沿线村民满意度", "≥90%"),
    ];
    v.extend(extra);
    v
}

fn project(name: &str, indicators: Vec<Indicator>) -> Project {
    Project {
        name: name.into(),
        amounts: Amounts::default(),
        goal: String::new(),
        indicators,
        line: 3,
    }
}

fn doc_of(projects: Vec<Project>) -> Document {
    let mut d = Document::new("t.txt");
    d.year = Some(2025);
    d.department = Some("某县交通运输局".into());
    d.units.push(Unit {
        name: "某县交通运输局".into(),
        amounts: None,
        projects,
        line: 2,
    });
    d
}

fn findings(d: &Document, rule: &str) -> Vec<Finding> {
    review(d, &Config::default())
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

/// The findings of `rule` on one extra indicator in a complete project.
fn on(rule: &str, i: Indicator) -> Vec<Finding> {
    findings(
        &doc_of(vec![project("乡村道路提升工程", complete(vec![i]))]),
        rule,
    )
}

fn trips(rule: &str, i: Indicator) {
    let name = i.name.clone();
    let v = on(rule, i);
    assert_eq!(v.len(), 1, "{rule} should trip on {name}: {v:?}");
    assert_eq!(v[0].name, name);
}

fn passes(rule: &str, i: Indicator) {
    let name = i.name.clone();
    let v = on(rule, i);
    assert!(v.is_empty(), "{rule} should not trip on {name}: {v:?}");
}

const OUT: &str = "产出指标";
const EFF: &str = "效益指标";
const SAT: &str = "满意度指标";

#[test]
fn the_complete_project_has_no_must_or_should_finding() {
    let d = doc_of(vec![project("乡村道路提升工程", complete(vec![]))]);
    let v: Vec<_> = review(&d, &Config::default())
        .into_iter()
        .filter(|f| f.severity > Severity::Hint)
        .collect();
    assert!(v.is_empty(), "{v:?}");
}

#[test]
fn every_rule_has_an_id_message_and_basis() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    for r in RULES {
        assert!(r.id.starts_with('R') && r.id.len() == 3, "{}", r.id);
        assert!(!r.message.is_empty() && !r.basis.is_empty(), "{}", r.id);
    }
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    assert!(rule("R37").is_some());
    assert!(rule("R99").is_none());
}

// ---- Table rules.

#[test]
fn r01_refuses_evaluations_and_self_evaluations() {
    let mut d = doc_of(vec![project(
        "课后服务",
        vec![q("决策", "项目立项", "立项依据充分性", "充分")],
    )]);
    let v = review(&d, &Config::default());
    assert_eq!(v.len(), 1, "only R01 on an evaluation: {v:?}");
    assert_eq!(v[0].rule, "R01");
    assert_eq!(v[0].scope, Scope::Table);
    d = doc_of(vec![project("课后服务", complete(vec![]))]);
    d.title = Some("2024年度项目支出绩效自评表".into());
    assert_eq!(findings(&d, "R01").len(), 1);
    // Near miss: a target table's title.
    d.title = Some("2024年度项目支出绩效目标表".into());
    assert!(findings(&d, "R01").is_empty());
}

#[test]
fn r03_points_at_a_copied_list() {
    let list = || {
        vec![
            q(OUT, "数量指标", "培训场次", "≥6场"),
            q(OUT, "质量指标", "培训合格率", "≥95%"),
            q(EFF, "社会效益指标", "群众知晓率", "≥85%"),
        ]
    };
    let d = doc_of(vec![
        project("护林员培训", list()),
        project("防火宣传", list()),
    ]);
    let v = findings(&d, "R03");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].project, "防火宣传");
    assert!(v[0].message.contains("护林员培训"));
    let mut other = list();
    other[2] = q(EFF, "社会效益指标", "火灾发生次数下降率", "≥5%");
    let d = doc_of(vec![
        project("护林员培训", list()),
        project("防火宣传", other),
    ]);
    assert!(findings(&d, "R03").is_empty());
}

// ---- Project rules.

fn amounts(total: &str, fiscal: Option<&str>) -> Amounts {
    Amounts {
        total: Some(Decimal::from_str(total).unwrap()),
        fiscal: fiscal.map(|f| Decimal::from_str(f).unwrap()),
        ..Amounts::default()
    }
}

#[test]
fn r02_reconciles_projects_units_and_the_total() {
    let mut p = project("污水管网维护", complete(vec![]));
    p.amounts = amounts("120.50", Some("100.50"));
    let d = doc_of(vec![p.clone()]);
    let v = findings(&d, "R02");
    assert_eq!(v.len(), 1);
    assert!(v[0].message.contains("120.5"), "{}", v[0].message);
    // Near miss: the sources add up; or only the total is printed.
    p.amounts = amounts("120.50", Some("120.5"));
    assert!(findings(&doc_of(vec![p.clone()]), "R02").is_empty());
    p.amounts = amounts("120.50", None);
    let mut d = doc_of(vec![p.clone(), p.clone()]);
    assert!(findings(&d, "R02").is_empty());
    // A unit whose figure is not its projects' sum, and 合计 against units.
    d.units[0].amounts = Some(amounts("250", None));
    d.grand_total = Some(amounts("260", None));
    let v = findings(&d, "R02");
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v.iter().any(|f| f.at == Anchor::Unit { unit: 0 }));
    assert!(v.iter().any(|f| f.at == Anchor::Table));
    d.units[0].amounts = Some(amounts("241", None));
    d.grand_total = Some(amounts("241.00", None));
    assert!(findings(&d, "R02").is_empty());
}

#[test]
fn r05_a_project_without_indicators() {
    let d = doc_of(vec![project("办公设备购置", vec![])]);
    assert_eq!(findings(&d, "R05").len(), 1);
    // Nor do the framework rules pile on an empty project.
    assert!(findings(&d, "R06").is_empty());
    let d = doc_of(vec![project("办公设备购置", complete(vec![]))]);
    assert!(findings(&d, "R05").is_empty());
}

fn without(level: &str) -> Vec<Indicator> {
    complete(vec![])
        .into_iter()
        .filter(|i| i.level != level)
        .collect()
}

#[test]
fn r06_r07_r08_missing_levels() {
    for (rule, level) in [("R06", OUT), ("R07", EFF), ("R08", SAT)] {
        let d = doc_of(vec![project("校舍维修", without(level))]);
        assert_eq!(findings(&d, rule).len(), 1, "{rule}");
        let d = doc_of(vec![project("校舍维修", complete(vec![]))]);
        assert!(findings(&d, rule).is_empty(), "{rule}");
    }
    // A table printed without levels says nothing of what is missing.
    let d = doc_of(vec![project(
        "校舍维修",
        vec![q("", "", "维修面积", "≥800平方米")],
    )]);
    for rule in ["R06", "R07", "R08", "R10"] {
        assert!(findings(&d, rule).is_empty(), "{rule}");
    }
}

#[test]
fn r08_accepts_satisfaction_under_effect_in_older_templates() {
    let mut v = without(SAT);
    v.push(q(
        EFF,
        "社会公众或服务对象满意度指标",
        "学生家长满意度",
        "≥92%",
    ));
    let d = doc_of(vec![project("营养餐补助", v)]);
    assert!(findings(&d, "R08").is_empty());
    assert!(
        review(&d, &Config::default())[0]
            .template
            .contains("满意度在效益下")
    );
}

#[test]
fn r09_depends_on_the_template_and_year() {
    // A 2021-framework table (a 成本 level elsewhere): should.
    let costed = project(
        "道路养护",
        complete(vec![q(
            "成本指标",
            "经济成本指标",
            "每公里养护成本",
            "≤1.2万元/公里",
        )]),
    );
    let mut d = doc_of(vec![costed.clone(), project("桥梁检测", complete(vec![]))]);
    let v = findings(&d, "R09");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].severity, Severity::Should);
    assert_eq!(v[0].project, "桥梁检测");
    assert!(v[0].template.starts_with("2021版"), "{}", v[0].template);
    // An older template from 2021 on: a hint only.
    d = doc_of(vec![project("桥梁检测", complete(vec![]))]);
    let v = findings(&d, "R09");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].severity, Severity::Hint);
    assert!(v[0].template.starts_with("旧版"));
    // Before 2021: not asked.
    d.year = Some(2019);
    assert!(findings(&d, "R09").is_empty());
    // 成本指标 under 产出 satisfies it.
    d = doc_of(vec![project(
        "桥梁检测",
        complete(vec![q(OUT, "成本指标", "单座桥梁检测费用", "≤0.8万元")]),
    )]);
    assert!(findings(&d, "R09").is_empty());
    // A severity set in the configuration wins over the template's.
    d = doc_of(vec![project("桥梁检测", complete(vec![]))]);
    let c = Config::with(&[(
        "R09",
        Setting {
            switch: Some(Switch::Must),
            value: None,
        },
    )])
    .unwrap();
    let v: Vec<_> = review(&d, &c)
        .into_iter()
        .filter(|f| f.rule == "R09")
        .collect();
    assert_eq!(v[0].severity, Severity::Must);
}

#[test]
fn r10_output_covers_quantity_and_quality() {
    let v: Vec<_> = complete(vec![])
        .into_iter()
        .filter(|i| i.category != "质量指标")
        .collect();
    let f = findings(&doc_of(vec![project("图书采购", v)]), "R10");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("质量"));
    assert!(findings(&doc_of(vec![project("图书采购", complete(vec![]))]), "R10").is_empty());
}

fn with_number(rule: &str, n: f64) -> Config {
    Config::with(&[(
        rule,
        Setting {
            switch: None,
            value: Some(n),
        },
    )])
    .unwrap()
}

#[test]
fn r11_r12_run_only_with_their_numbers() {
    let d = doc_of(vec![project("档案数字化", complete(vec![]))]);
    let count = |c: &Config, r: &str| review(&d, c).iter().filter(|f| f.rule == r).count();
    assert_eq!(count(&Config::default(), "R11"), 0);
    assert_eq!(count(&with_number("R11", 6.0), "R11"), 1);
    assert_eq!(count(&with_number("R11", 5.0), "R11"), 0);
    // 4 of 5 are numbers: 80%.
    assert_eq!(count(&Config::default(), "R12"), 0);
    assert_eq!(count(&with_number("R12", 90.0), "R12"), 1);
    assert_eq!(count(&with_number("R12", 80.0), "R12"), 0);
}

#[test]
fn r13_a_name_used_twice() {
    let d = doc_of(vec![project(
        "河道保洁",
        complete(vec![q(EFF, "生态效益指标", "新建村道里程", "≥3公里")]),
    )]);
    let v = findings(&d, "R13");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].category, "生态效益指标");
    assert!(on("R13", q(EFF, "生态效益指标", "河面漂浮物清理率", "≥98%")).is_empty());
}

#[test]
fn r14_values_that_look_uncalibrated() {
    let all = vec![
        q(OUT, "数量指标", "体检覆盖率", "100%"),
        q(OUT, "质量指标", "报告出具率", "100%"),
        q(OUT, "时效指标", "按时体检率", "100%"),
        q(EFF, "社会效益指标", "慢病建档率", "100%"),
        q(SAT, "服务对象满意度指标", "老人满意度", "≥90%"),
    ];
    let d = doc_of(vec![project("老年人体检", all.clone())]);
    assert_eq!(findings(&d, "R14").len(), 1);
    let mut some = all;
    some[1] = q(OUT, "质量指标", "报告出具率", "≥98%");
    let d = doc_of(vec![project("老年人体检", some)]);
    assert!(findings(&d, "R14").is_empty());
}

fn weighted(level: &str, category: &str, name: &str, value: &str, w: i64) -> Indicator {
    Indicator {
        weight: Some(Decimal::from(w)),
        ..q(level, category, name, value)
    }
}

#[test]
fn r15_weights_add_up_by_level_and_in_total() {
    let good = || {
        vec![
            weighted("产出指标(50分)", "数量指标", "改造户数", "≥40户", 20),
            weighted("产出指标(50分)", "质量指标", "验收合格率", "=100%", 15),
            weighted("产出指标(50分)", "时效指标", "完工时间", "2025年6月前", 15),
            weighted(
                "效益指标(30分)",
                "社会效益指标",
                "住房安全保障户数",
                "≥40户",
                30,
            ),
            weighted(
                "满意度指标(10分)",
                "服务对象满意度指标",
                "农户满意度",
                "≥90%",
                10,
            ),
        ]
    };
    // 90 with budget execution weighed outside the table: fine.
    let d = doc_of(vec![project("危房改造", good())]);
    assert!(findings(&d, "R15").is_empty(), "{:?}", findings(&d, "R15"));
    let mut bad = good();
    bad[2].weight = Some(Decimal::from(10));
    let v = findings(&doc_of(vec![project("危房改造", bad)]), "R15");
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v.iter().any(|f| f.message.contains("权重合计85")));
    assert!(v.iter().any(|f| f.message.contains("产出指标(50分)")));
    let mut zero = good();
    zero.push(weighted(OUT, "数量指标", "宣传册", "≥200册", 0));
    let v = findings(&doc_of(vec![project("危房改造", zero)]), "R15");
    assert!(v.iter().any(|f| f.message.contains("正数")), "{v:?}");
    // Weights on some indicators only.
    let mut part = good();
    part.push(q(OUT, "数量指标", "宣传册", "≥200册"));
    let v = findings(&doc_of(vec![project("危房改造", part)]), "R15");
    assert!(v.iter().any(|f| f.message.contains("未填权重")), "{v:?}");
}

#[test]
fn department_wide_tables_skip_project_rules() {
    let d = doc_of(vec![project("", without(EFF))]);
    assert!(findings(&d, "R07").is_empty());
    assert!(
        review(&d, &Config::default())
            .iter()
            .all(|f| f.scope != Scope::Project)
    );
    // Indicator rules still run.
    let d = doc_of(vec![project(
        "",
        vec![q(OUT, "数量指标", "公文处理量", "≥**件")],
    )]);
    assert_eq!(findings(&d, "R22").len(), 1);
}

// ---- Indicator rules.

#[test]
fn r21_names() {
    trips("R21", q(OUT, "数量指标", "数量指标", "≥3个"));
    trips("R21", q(OUT, "数量指标", "指标1：", "≥3个"));
    trips("R21", q(EFF, "社会效益指标", "社会效益", "明显"));
    passes("R21", q(OUT, "数量指标", "指标完成率", "≥95%"));
    let d = doc_of(vec![project(
        "x",
        complete(vec![q(OUT, "数量指标", "", "≥3个")]),
    )]);
    assert_eq!(findings(&d, "R21")[0].message, "指标名称为空");
}

#[test]
fn r22_placeholders() {
    let v = on("R22", q(OUT, "数量指标", "发放补贴户数", "≥**户"));
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].severity, Severity::Must);
    let v = on("R22", q(OUT, "数量指标", "培训人数(≥**人)", "=120人"));
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].severity, Severity::Should);
    trips("R22", q(OUT, "质量指标", "检测合格率", "≥××%"));
    passes("R22", q(OUT, "数量指标", "培训班次", "=10个"));
    passes("R22", q(OUT, "数量指标", "X光机配备数", "≥2台"));
}

#[test]
fn r24_numbers_in_names() {
    trips("R24", q(OUT, "质量指标", "饮水水质达标率100%", "达标"));
    trips("R24", q(OUT, "数量指标", "新建机耕道2条", "完成"));
    trips("R24", q(OUT, "数量指标", "培训人数≥50", "完成"));
    passes("R24", q(OUT, "质量指标", "2023年度项目验收合格率", "=100%"));
    passes("R24", q(EFF, "社会效益指标", "12345热线办结率", "≥95%"));
    passes("R24", q(OUT, "数量指标", "第3批次农机补贴户数", "≥80户"));
}

#[test]
fn r25_satisfaction_in_its_level() {
    trips("R25", q(EFF, "社会效益指标", "群众满意率", "≥90%"));
    passes("R25", q(SAT, "服务对象满意度指标", "群众满意率", "≥90%"));
    // The older template's satisfaction category under 效益.
    passes("R25", q(EFF, "服务对象满意度指标", "群众满意率", "≥90%"));
}

#[test]
fn r27_process_measures() {
    trips("R27", q(OUT, "时效指标", "年度预算执行率", "≥95%"));
    trips("R27", q(EFF, "经济效益指标", "补助资金到位率", "=100%"));
    passes("R27", q(OUT, "质量指标", "项目完成率", "=100%"));
}

#[test]
fn r28_quantity_as_a_share() {
    trips("R28", q(OUT, "数量指标", "调研报告完成率", "100%"));
    passes("R28", q(OUT, "数量指标", "调研报告", "≥3份"));
    passes("R28", q(OUT, "质量指标", "报告采纳率", "≥60%"));
}

#[test]
fn r29_cost_that_is_no_amount() {
    trips("R29", q(OUT, "成本指标", "培训成本控制率", "≤5%"));
    trips(
        "R29",
        q("成本指标", "经济成本指标", "设备采购成本", "控制在预算内"),
    );
    passes("R29", q(OUT, "成本指标", "每亩补助标准", "<=475元/亩"));
    passes(
        "R29",
        q(
            "成本指标",
            "生态环境成本指标",
            "对周边环境影响",
            "无明显影响",
        ),
    );
}

#[test]
fn r30_timeliness_without_time() {
    trips("R30", q(OUT, "时效指标", "宣传活动开展", "发布"));
    trips("R30", q(OUT, "时效指标", "资料归档", "≥20份"));
    passes("R30", q(OUT, "时效指标", "项目完成时间", "2024年12月底前"));
    passes("R30", q(OUT, "时效指标", "补贴发放及时率", "≥95%"));
    passes("R30", q(OUT, "时效指标", "审批办理时限", "≤5个工作日"));
    passes("R30", q(OUT, "时效指标", "道路巡查", "≥2次/周"));
    passes("R30", q(OUT, "时效指标", "补助资金当年拨付率", "=100%"));
}

#[test]
fn r32_values_that_lost_their_number() {
    trips("R32", q(OUT, "数量指标", "新改建农村公路", "公里"));
    trips("R32", q(OUT, "质量指标", "工程质量达标率", "≧ %"));
    trips("R32", q(OUT, "数量指标", "补助人数", ""));
    passes("R32", q(EFF, "社会效益指标", "地方标准", "发布"));
    passes("R32", q(OUT, "质量指标", "工程质量达标率", "≥90%"));
}

#[test]
fn r33_numbers_without_units() {
    trips("R33", q(EFF, "社会效益指标", "数据泄露事件数", "0"));
    trips("R33", q(OUT, "质量指标", "群众有效投诉", "≦3"));
    passes("R33", q(OUT, "数量指标", "培训人数（人）", "150"));
    passes("R33", q(EFF, "社会效益指标", "安全生产事故", "0起"));
}

#[test]
fn r34_incomplete_units() {
    trips("R34", q(OUT, "数量指标", "宣传折页印制数量", "≥8万"));
    trips("R34", q(OUT, "成本指标", "苗木单价", "≤12/株"));
    passes("R34", q(OUT, "数量指标", "宣传折页印制数量", "≥8万份"));
    passes("R34", q(OUT, "成本指标", "苗木单价", "≤12元/株"));
}

#[test]
fn r35_units_that_contradict_the_name() {
    trips("R35", q(OUT, "质量指标", "路灯亮灯率", "≥90盏"));
    trips("R35", q(OUT, "数量指标", "参训人数", "≥95%"));
    trips("R35", q(OUT, "质量指标", "路灯亮灯率", "98"));
    passes("R35", q(OUT, "质量指标", "路灯亮灯率", "≥98%"));
    passes("R35", q(OUT, "质量指标", "水质检测频率", "≥1次/月"));
    passes(
        "R35",
        q(EFF, "经济效益指标", "农民收入增长率", "≥2个百分点"),
    );
}

#[test]
fn r36_shares_above_100() {
    trips("R36", q(OUT, "时效指标", "工程完工及时率", "≥100%"));
    trips("R36", q(OUT, "质量指标", "秸秆综合利用率", "292%"));
    passes("R36", q(OUT, "质量指标", "秸秆综合利用率", "=100%"));
    passes("R36", q(OUT, "质量指标", "秸秆综合利用率", "≥95%"));
    passes("R36", q(EFF, "经济效益指标", "村集体收入增长率", "150%"));
}

#[test]
fn r37_trend_words() {
    trips("R37", q(EFF, "社会效益指标", "办学条件", "巩固提高"));
    trips("R37", q(EFF, "生态效益指标", "河道水环境", "持续改善"));
    trips("R37", q(EFF, "可持续影响指标", "服务能力", "有所增强"));
    passes("R37", q(OUT, "质量指标", "工程质量", "优良"));
    passes("R37", q(EFF, "经济效益指标", "亩均收入", "较上年提高5%"));
}

#[test]
fn r38_qualitative_values_off_a_scale() {
    trips(
        "R38",
        q(EFF, "社会效益指标", "机关运转", "保障单位正常运转"),
    );
    passes("R38", q(OUT, "质量指标", "工程质量", "良好"));
    passes("R38", q(OUT, "质量指标", "是否通过验收", "是"));
    passes("R38", q(OUT, "时效指标", "完成时限", "按时完成"));
    passes("R38", q(OUT, "时效指标", "实施周期", "2023.07-2024.01"));
}

fn kind(mut i: Indicator, k: &str) -> Indicator {
    i.value_kind = Some(k.into());
    i
}

#[test]
fn r39_value_kind_against_the_value() {
    trips(
        "R39",
        kind(q(EFF, "社会效益指标", "人居环境", "明显改善"), "定量"),
    );
    trips(
        "R39",
        kind(q(OUT, "质量指标", "验收合格率", "≥90%"), "定性"),
    );
    passes(
        "R39",
        kind(q(OUT, "质量指标", "验收合格率", "≥90%"), "定量"),
    );
    passes("R39", q(EFF, "社会效益指标", "地方标准", "发布"));
}

fn directed(mut i: Indicator, d: &str) -> Indicator {
    i.direction = Some(d.into());
    i
}

#[test]
fn r40_numbers_without_operator() {
    trips("R40", q(OUT, "数量指标", "课题结题率", "100%"));
    passes("R40", q(OUT, "质量指标", "验收合格率", "≥90%"));
    passes("R40", q(OUT, "数量指标", "培训班次", "=10个"));
    passes("R40", q(EFF, "社会效益指标", "安全事故", "0起"));
    passes(
        "R40",
        directed(q(OUT, "质量指标", "验收合格率", "100%"), "正向"),
    );
}

#[test]
fn r41_operator_against_direction_or_meaning() {
    trips(
        "R41",
        directed(q(OUT, "成本指标", "单位运维成本", "≥5万元"), "反向"),
    );
    trips("R41", q(EFF, "社会效益指标", "安全事故发生率", "≥1%"));
    trips("R41", q(OUT, "质量指标", "验收合格率", "≤90%"));
    passes("R41", q(EFF, "社会效益指标", "投诉办结率", "≥95%"));
    passes("R41", q(OUT, "质量指标", "有效投诉量", "≦2件"));
    passes(
        "R41",
        directed(q(OUT, "成本指标", "单位运维成本", "≤5万元"), "反向"),
    );
}

#[test]
fn r42_zero_targets() {
    trips(
        "R42",
        directed(q(OUT, "成本指标", "差旅单位成本", "= 0 万元/人"), "反向"),
    );
    trips("R42", q(OUT, "数量指标", "新建公厕", "0座"));
    passes("R42", q(OUT, "数量指标", "安全事故", "0起"));
    passes("R42", q(OUT, "成本指标", "差旅单位成本", "≤0.3万元/人"));
}

#[test]
fn r43_several_targets_in_a_cell() {
    trips("R43", q(OUT, "数量指标", "培训", "≥10期；≥500人次"));
    passes("R43", q(OUT, "数量指标", "年报", "1份，按时提交"));
    passes("R43", q(OUT, "时效指标", "实施周期", "2023.07-2024.01"));
}

fn both(level: &str, category: &str, name: &str, cycle: &str, annual: &str) -> Indicator {
    Indicator {
        cycle_value: (!cycle.is_empty()).then(|| cycle.to_string()),
        ..q(level, category, name, annual)
    }
}

/// R44's findings on a project of this one indicator.
fn alone(i: Indicator) -> usize {
    findings(&doc_of(vec![project("结对帮扶", vec![i])]), "R44").len()
}

#[test]
fn r44_cycle_and_annual_values() {
    assert_eq!(alone(both(OUT, "数量指标", "帮扶人数", "≥100人", "")), 1);
    // The cycle column is the table's: a sibling prints it.
    let d = doc_of(vec![project(
        "结对帮扶",
        vec![
            both(OUT, "数量指标", "帮扶人数", "", "≥100人"),
            both(OUT, "质量指标", "达标率", "≥90%", "≥90%"),
        ],
    )]);
    assert_eq!(findings(&d, "R44").len(), 1);
    assert_eq!(
        alone(both(OUT, "数量指标", "帮扶人数", "≥100人", "≥120人")),
        1
    );
    assert_eq!(alone(both(OUT, "质量指标", "达标率", "≥90%", "≥85%")), 1);
    assert_eq!(
        alone(both(OUT, "数量指标", "政务信息", "≥100条/年", "≥100条")),
        0
    );
    assert_eq!(
        alone(both(OUT, "数量指标", "帮扶人数", "≥300人", "≥100人")),
        0
    );
    assert_eq!(alone(both(OUT, "质量指标", "达标率", "≥90%", "≥92%")), 0);
    // A table without a cycle column is not asked.
    assert!(on("R44", q(OUT, "数量指标", "帮扶人数", "≥120人")).is_empty());
}

#[test]
fn r45_satisfaction_range() {
    trips(
        "R45",
        q(SAT, "服务对象满意度指标", "参训学员满意度", "≥50%"),
    );
    trips(
        "R45",
        q(SAT, "服务对象满意度指标", "参训学员满意度", "≥90分"),
    );
    passes(
        "R45",
        q(SAT, "服务对象满意度指标", "参训学员满意度", "≥90%"),
    );
}

#[test]
fn r47_lowered_targets_while_money_rose() {
    let mut old = project("农村饮水安全", complete(vec![]));
    old.amounts = amounts("100", None);
    let mut new = old.clone();
    new.amounts = amounts("1500000", None);
    new.indicators[4].annual_value = Some("≥85%".into());
    let v = cross_year(&old, MoneyUnit::Wanyuan, &new, MoneyUnit::Yuan);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].indicator, Some(4));
    // Money fell: nothing to say.
    let v = cross_year(&new, MoneyUnit::Yuan, &old, MoneyUnit::Wanyuan);
    assert!(v.is_empty());
    // Doubled, every target unchanged.
    let mut same = old.clone();
    same.amounts = amounts("250", None);
    let v = cross_year(&old, MoneyUnit::Wanyuan, &same, MoneyUnit::Wanyuan);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].indicator, None);
}

// ---- Findings, configuration, grades.

#[test]
fn findings_carry_their_place_and_template() {
    let d = doc_of(vec![project(
        "乡村道路提升工程",
        complete(vec![q(OUT, "数量指标", "新改建农村公路", "公里")]),
    )]);
    let f = &findings(&d, "R32")[0];
    assert_eq!(f.source, "t.txt");
    assert_eq!(f.department, "某县交通运输局");
    assert_eq!(f.unit, "某县交通运输局");
    assert_eq!(f.project, "乡村道路提升工程");
    assert_eq!((f.level.as_str(), f.category.as_str()), (OUT, "数量指标"));
    assert_eq!(f.value, "公里");
    assert_eq!((f.line, &f.pos), (7, &Position::Line(7)));
    assert_eq!(
        f.at,
        Anchor::Indicator {
            unit: 0,
            project: 0,
            indicator: 5
        }
    );
    assert_eq!(f.template, "旧版模板（成本在产出下），2025年");
}

#[test]
fn configuration_switches_rules_off_and_changes_severity() {
    let d = doc_of(vec![project(
        "乡村道路提升工程",
        complete(vec![q(EFF, "社会效益指标", "群众生活", "持续改善")]),
    )]);
    let c: Config = toml::from_str("[rules]\nR37 = \"off\"\n").unwrap();
    assert!(review(&d, &c).iter().all(|f| f.rule != "R37"));
    let c: Config = toml::from_str("[rules]\nR37 = \"must\"\n").unwrap();
    let f = review(&d, &c)
        .into_iter()
        .find(|f| f.rule == "R37")
        .unwrap();
    assert_eq!(f.severity, Severity::Must);
}

#[test]
fn grades_follow_the_documented_scoring() {
    let d = doc_of(vec![
        project("乡村道路提升工程", complete(vec![])),
        project("办公设备购置", vec![]),
        project("校舍维修", without(SAT)),
    ]);
    let f = review(&d, &Config::default());
    let g = grade_projects(&d, &f, &Scoring::default());
    assert_eq!(g.len(), 3);
    assert_eq!(g[0].grade, Grade::Excellent);
    // R05 (must): capped at 中 whatever the score.
    assert_eq!((g[1].must, g[1].grade), (1, Grade::Fair));
    // R08 (should, 5) and R09 (hint, 1): 94.
    assert_eq!(
        (g[2].should, g[2].score, g[2].grade),
        (1, 94, Grade::Excellent)
    );
    let strict = Scoring {
        should: 45,
        ..Scoring::default()
    };
    let g = grade_projects(&d, &f, &strict);
    assert_eq!(g[2].grade, Grade::Poor);
    assert_eq!(Grade::Poor.label(), "差");
}

#[test]
fn one_rule_counts_at_most_per_rule_times() {
    let many: Vec<Indicator> = (0..6)
        .map(|n| q(EFF, "社会效益指标", &format!("事件数{n}号"), "0"))
        .collect();
    let d = doc_of(vec![project("x", complete(many))]);
    let f: Vec<Finding> = review(&d, &Config::default())
        .into_iter()
        .filter(|f| f.rule == "R33")
        .collect();
    assert_eq!(f.len(), 6);
    let (score, _) = Scoring::default().grade(&f);
    assert_eq!(score, 85);
}

#[test]
fn never_panics_on_odd_rows() {
    let odd = vec![
        q("", "", "", ""),
        q("决", "", "(", "≥"),
        q(OUT, "成本指标", "产出指标(", "(分)"),
        weighted("产出指标(", "", "x", "0", -5),
        both("", "", "％", "≥", "%%"),
    ];
    let d = doc_of(vec![project("x", odd), project("", vec![])]);
    let _ = review(&d, &Config::default());
}

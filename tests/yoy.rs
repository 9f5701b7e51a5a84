//! Year-over-year reports over the three sample years of 广州市来穗人员服务管理局
//! (2024 is the real seed; 2023 and 2025 are illustrative, written by hand
//! from it). Expected values are typed from the sample documents, not
//! produced by the code; what the code computes from them (changes,
//! percentages, match rules) is pinned by the yoy_*_csv snapshots in
//! tests/snapshots.rs.

mod common;

use std::collections::HashMap;

use common::sample;
use jixiao::aggregate::{self, AggregateError};
use jixiao::emit::cell_text;
use jixiao::flatten::{self, decimal_column};
use jixiao::ingest::{IngestOptions, ingest_file};
use polars::prelude::*;
use rust_decimal::Decimal;

const DEPT: &str = "广州市来穗人员服务管理局";
const BUREAU: &str = "广州市来穗人员服务管理局";
const CENTRE: &str = "广州市来穗人员服务中心";

fn tables() -> (DataFrame, DataFrame) {
    let docs: Vec<_> = ["laisui_2023.txt", "laisui_2024.txt", "laisui_2025.txt"]
        .iter()
        .map(|f| ingest_file(&sample(f), &IngestOptions::default()).expect("sample parses"))
        .collect();
    for d in &docs {
        assert!(d.rejects.is_empty(), "{}: {:?}", d.source, d.rejects);
    }
    (
        flatten::indicators(&docs).expect("indicators"),
        flatten::projects(&docs).expect("projects"),
    )
}

fn reports() -> HashMap<String, DataFrame> {
    let (ind, proj) = tables();
    let reports = aggregate::reports(&ind, &proj).expect("reports");
    let names: Vec<&str> = reports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "summary_by_year",
            "project_trend",
            "indicator_mix",
            "target_changes"
        ]
    );
    reports.into_iter().collect()
}

/// Every cell of a frame as the CSV emitter would print it.
fn rows(df: &DataFrame, cols: &[&str]) -> Vec<Vec<String>> {
    let cols: Vec<&Column> = cols
        .iter()
        .map(|c| df.column(c).unwrap_or_else(|_| panic!("no column {c}")))
        .collect();
    (0..df.height())
        .map(|r| cols.iter().map(|c| cell_text(&c.get(r).unwrap())).collect())
        .collect()
}

fn header(df: &DataFrame) -> Vec<String> {
    df.get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn summary_by_year_totals() {
    let r = reports();
    let df = &r["summary_by_year"];
    assert_eq!(
        header(df),
        [
            "year",
            "department",
            "scope",
            "unit",
            "projects",
            "indicators",
            "amount",
            "amount_fiscal",
            "amount_special",
            "amount_other"
        ]
    );
    assert_eq!(
        df.column("amount").unwrap().dtype(),
        &DataType::Decimal(38, 2)
    );
    // The source columns are not placed in the seed's layout: unknown, so
    // their sums are unknown, not 0.
    #[rustfmt::skip]
    let expected = [
        ["2023", DEPT, "department", "", "9", "40", "755.93", "", "", ""],
        ["2023", DEPT, "unit", CENTRE, "1", "3", "7.00", "", "", ""],
        ["2023", DEPT, "unit", BUREAU, "8", "37", "748.93", "", "", ""],
        ["2024", DEPT, "department", "", "10", "42", "950.00", "", "", ""],
        ["2024", DEPT, "unit", CENTRE, "1", "3", "7.00", "", "", ""],
        ["2024", DEPT, "unit", BUREAU, "9", "39", "943.00", "", "", ""],
        ["2025", DEPT, "department", "", "9", "39", "617.70", "", "", ""],
        ["2025", DEPT, "unit", CENTRE, "2", "6", "32.00", "", "", ""],
        ["2025", DEPT, "unit", BUREAU, "7", "33", "585.70", "", "", ""],
    ];
    let cols: Vec<String> = header(df);
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    assert_eq!(
        rows(df, &cols),
        expected.map(|r| r.map(String::from).to_vec())
    );
}

const OPS: &str = "广州市来穗人员服务管理局2022-2023年信息化运维项目";
const OPS_A: &str = "广州市来穗人员服务管理局2023-2024年信息化运维项目";
const OPS_B_2024: &str = "广州市来穗人员服务管理局2024-2025年信息化运维项目";
const OPS_B_2025: &str = "广州市来穗人员服务管理局2024—2025年度信息化运维项目";
const OPS_C: &str = "广州市来穗人员服务管理局2025-2026年信息化运维项目";

#[test]
fn project_trend_series_status_and_amounts() {
    let r = reports();
    let df = &r["project_trend"];
    assert_eq!(
        header(df),
        [
            "series_id",
            "department",
            "unit",
            "project_key",
            "project",
            "first_year",
            "last_year",
            "status",
            "amount_2023",
            "amount_2024",
            "amount_2025",
            "change_2024",
            "pct_2024",
            "match_2024",
            "change_2025",
            "pct_2025",
            "match_2025"
        ]
    );
    let upgrade_2024 = "广州市来穗人员服务管理局2023年广州市来穗人员服务管理信息系统升级改造项目";
    // Read off the three documents: unit, key, latest name, first and last
    // year, status, amounts 2023/2024/2025, in series order. The computed
    // columns (change_*, pct_*, match_*) and series_id are pinned whole by the
    // yoy_project_trend_csv snapshot in tests/snapshots.rs.
    #[rustfmt::skip]
    let expected: [[&str; 9]; 13] = [
        [BUREAU, "专项工作经费", "专项工作经费", "2023", "2025", "continuing",
         "40.00", "42.00", "42.00"],
        [BUREAU, "业务用房物业管理费", "业务用房物业管理费", "2023", "2025", "continuing",
         "22.33", "22.33", "24.60"],
        [BUREAU, "广州市城市社区网格化服务管理项目", "广州市城市社区网格化服务管理项目", "2023", "2025", "continuing",
         "105.60", "99.10", "99.10"],
        [BUREAU, "全市来穗人员服务工作专项", "全市来穗人员服务工作专项", "2023", "2025", "continuing",
         "143.00", "143.00", "150.00"],
        [BUREAU, "广州市来穗人员服务管理信息系统升级改造项目", upgrade_2024, "2023", "2024", "ended",
         "200.00", "330.15", ""],
        // The 2022-2023 contract ends in 2023: 2024-2025 is another contract.
        [BUREAU, "信息化运维项目", OPS, "2023", "2023", "ended",
         "58.00", "", ""],
        [BUREAU, "信息化运维项目", OPS_A, "2023", "2024", "ended",
         "120.00", "145.04", ""],
        // The year in the name moves on, and 来穗人员服务管理局 becomes
        // 来穗服务管理局 in 2024: still one series, linked by key.
        [BUREAU, "政务信息化建设项目", "广州市来穗服务管理局2025年政务信息化建设项目", "2023", "2025", "continuing",
         "60.00", "85.38", "120.00"],
        [CENTRE, "来穗人员服务项目", "来穗人员服务项目", "2023", "2025", "continuing",
         "7.00", "7.00", "7.00"],
        [BUREAU, "工作经费", "工作经费", "2024", "2024", "one-off",
         "", "10.00", ""],
        // Renamed in 2025 (em dash, 年度): linked by key, and to the 2024-2025
        // contract, not to 2023-2024 (whose years moved on by one, too).
        [BUREAU, "信息化运维项目", OPS_B_2025, "2024", "2025", "new",
         "", "66.00", "80.00"],
        [BUREAU, "信息化运维项目", OPS_C, "2025", "2025", "new",
         "", "", "70.00"],
        [CENTRE, "来穗人员法律服务项目", "来穗人员法律服务项目", "2025", "2025", "new",
         "", "", "25.00"],
    ];
    let cols = [
        "unit",
        "project_key",
        "project",
        "first_year",
        "last_year",
        "status",
        "amount_2023",
        "amount_2024",
        "amount_2025",
    ];
    let got = rows(df, &cols);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(expected.iter()) {
        assert_eq!(g, &e.map(String::from).to_vec(), "series of {}", e[2]);
    }
    assert!(
        rows(df, &["department"]).iter().all(|r| r[0] == DEPT),
        "one department"
    );
    // The amounts of each year add up to the year's total.
    let sum = |c: &str| {
        df.clone()
            .lazy()
            .select([col(c).sum()])
            .collect()
            .map(|d| cell_text(&d.column(c).unwrap().get(0).unwrap()))
            .unwrap()
    };
    assert_eq!(sum("amount_2023"), "755.93");
    assert_eq!(sum("amount_2024"), "950.00");
    assert_eq!(sum("amount_2025"), "617.70");
}

#[test]
fn the_two_maintenance_contracts_of_2024_stay_apart() {
    let r = reports();
    let df = &r["project_trend"];
    let got: Vec<Vec<String>> = rows(
        df,
        &[
            "project",
            "amount_2023",
            "amount_2024",
            "amount_2025",
            "status",
        ],
    )
    .into_iter()
    .filter(|r| r[0].contains("信息化运维"))
    .collect();
    let expected = [
        [OPS, "58.00", "", "", "ended"],
        [OPS_A, "120.00", "145.04", "", "ended"],
        [OPS_B_2025, "", "66.00", "80.00", "new"],
        [OPS_C, "", "", "70.00", "new"],
    ];
    assert_eq!(got, expected.map(|r| r.map(String::from).to_vec()));
    // In target_changes, the 2024 → 2025 pair is the B contract with itself.
    let tc = &r["target_changes"];
    let pairs: Vec<Vec<String>> = rows(tc, &["prev_project", "project"])
        .into_iter()
        .filter(|r| r[0].contains("信息化运维"))
        .collect();
    assert_eq!(pairs.len(), 8);
    assert!(pairs[..4].iter().all(|p| p == &[OPS_A, OPS_A]), "{pairs:?}");
    assert!(
        pairs[4..].iter().all(|p| p == &[OPS_B_2024, OPS_B_2025]),
        "{pairs:?}"
    );
}

#[test]
fn every_target_change() {
    let r = reports();
    let df = &r["target_changes"];
    assert_eq!(
        header(df),
        [
            "series_id",
            "department",
            "project_key",
            "prev_year",
            "year",
            "prev_project",
            "project",
            "level",
            "category",
            "name",
            "prev_annual_value",
            "annual_value",
            "prev_target_op",
            "prev_target_number",
            "prev_target_unit",
            "target_op",
            "target_number",
            "target_unit",
            "change"
        ]
    );
    let all = rows(
        df,
        &[
            "year",
            "series_id",
            "name",
            "prev_annual_value",
            "annual_value",
            "change",
        ],
    );
    assert_eq!(all.len(), 71);
    let unchanged = |y: &str| {
        all.iter()
            .filter(|r| r[0] == y && r[5] == "unchanged")
            .count()
    };
    assert_eq!(unchanged("2024"), 33);
    assert_eq!(unchanged("2025"), 27);
    let moved: Vec<Vec<String>> = all.into_iter().filter(|r| r[5] != "unchanged").collect();
    #[rustfmt::skip]
    let expected = [
        ["2024", "2", "物管服务覆盖率", "≥85%", "≥90%", "raised"],
        ["2024", "4", "开展来穗人员服务活动次数场数", "≥16场", "≥14场", "lowered"],
        ["2024", "5", "竣工报告", "", "1份", "added"],
        ["2024", "5", "开工报告", "1份", "", "dropped"],
        ["2025", "2", "有效投诉量", "≤2", "≤3", "lowered"],
        ["2025", "3", "网格事件办结率", "95%", "97%", "changed"],
        ["2025", "4", "线上服务平台访问量", "", "≥50万人次", "added"],
        ["2025", "4", "来穗人员融合活动满意率", "≥85%", "≥90%", "raised"],
        ["2025", "4", "慰问人数", "≥10人", "", "dropped"],
        ["2025", "8", "竣工报告", "", "1份", "added"],
        ["2025", "8", "开工报告", "1份", "", "dropped"],
    ];
    assert_eq!(moved, expected.map(|r| r.map(String::from).to_vec()));

    // The parsed targets of two of them.
    let parsed: Vec<Vec<String>> = rows(
        df,
        &[
            "name",
            "prev_target_op",
            "prev_target_number",
            "prev_target_unit",
            "target_op",
            "target_number",
            "target_unit",
        ],
    )
    .into_iter()
    .filter(|r| r[0] == "有效投诉量" || r[0] == "线上服务平台访问量")
    .collect();
    assert_eq!(
        parsed,
        [
            ["有效投诉量", "≤", "2", "", "≤", "2", ""],
            ["有效投诉量", "≤", "2", "", "≤", "3", ""],
            ["线上服务平台访问量", "", "", "", "≥", "50", "万人次"],
        ]
        .map(|r| r.map(String::from).to_vec())
    );
}

#[test]
fn indicator_mix_of_2023() {
    let r = reports();
    let df = &r["indicator_mix"];
    assert_eq!(
        header(df),
        [
            "year",
            "department",
            "level",
            "category",
            "indicators",
            "indicator_share"
        ]
    );
    let got: Vec<Vec<String>> = rows(
        df,
        &["year", "level", "category", "indicators", "indicator_share"],
    )
    .into_iter()
    .filter(|r| r[0] == "2023")
    .collect();
    #[rustfmt::skip]
    let expected = [
        ["2023", "产出指标", "数量指标", "15", "0.375"],
        ["2023", "产出指标", "质量指标", "7", "0.175"],
        ["2023", "产出指标", "时效指标", "2", "0.05"],
        ["2023", "效益指标", "社会效益", "10", "0.25"],
        ["2023", "效益指标", "可持续影响", "2", "0.05"],
        ["2023", "满意度指标", "服务对象满意度", "4", "0.1"],
    ];
    assert_eq!(got, expected.map(|r| r.map(String::from).to_vec()));
    for (year, total) in [("2024", 42), ("2025", 39)] {
        let n: u32 = rows(df, &["year", "indicators"])
            .iter()
            .filter(|r| r[0] == year)
            .map(|r| r[1].parse::<u32>().unwrap())
            .sum();
        assert_eq!(n, total, "{year}");
    }
}

/// A projects table of `amounts` (cents) in one year, unit `u1`/`u2`
/// alternating, department `dept`.
fn synthetic(dept: &str, cents: &[i64]) -> DataFrame {
    let n = cents.len();
    let amounts: Vec<Option<Decimal>> = cents.iter().map(|c| Some(Decimal::new(*c, 2))).collect();
    let none: Vec<Option<Decimal>> = vec![None; n];
    DataFrame::new_infer_height(vec![
        Column::new("year".into(), vec![2024i32; n]),
        Column::new("department".into(), vec![dept; n]),
        Column::new(
            "unit".into(),
            (0..n)
                .map(|i| if i % 2 == 0 { "u1" } else { "u2" })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "project".into(),
            (0..n).map(|i| format!("项目{i}")).collect::<Vec<_>>(),
        ),
        decimal_column("amount", &amounts).unwrap(),
        decimal_column("amount_fiscal", &amounts).unwrap(),
        decimal_column("amount_special", &none).unwrap(),
        decimal_column("amount_other", &none).unwrap(),
        Column::new("source".into(), vec!["synthetic_2024.txt"; n]),
        Column::new("line".into(), (1..=n as u32).collect::<Vec<_>>()),
    ])
    .unwrap()
}

#[test]
fn money_sums_are_exact_over_many_rows_and_past_18_digits() {
    // 100,000 rows cycling over five amounts: 20,000 × (0.01 + 0.10 + 0.33 +
    // 9.99 + 1,234.56) = 20,000 × 1,244.99 = 24,899,800.00. Floats drift here.
    let cycle = [1i64, 10, 33, 999, 123_456];
    let many: Vec<i64> = (0..100_000).map(|i| cycle[i % 5]).collect();
    // Three amounts at the top of Decimal(18, 2): their sum needs 20 digits.
    let big = [999_999_999_999_999_999i64; 3];
    let projects = {
        let mut a = synthetic("甲", &many);
        a.vstack_mut(&synthetic("乙", &big)).unwrap();
        a
    };
    assert_eq!(
        projects.column("amount").unwrap().dtype(),
        &DataType::Decimal(18, 2)
    );
    let indicators = DataFrame::new_infer_height(vec![
        Column::new("year".into(), Vec::<i32>::new()),
        Column::new("department".into(), Vec::<String>::new()),
        Column::new("unit".into(), Vec::<String>::new()),
    ])
    .unwrap();
    let s = aggregate::summary_by_year(&indicators, &projects).unwrap();
    let got = rows(
        &s,
        &[
            "department",
            "scope",
            "unit",
            "projects",
            "indicators",
            "amount",
            "amount_fiscal",
            "amount_special",
        ],
    );
    #[rustfmt::skip]
    let expected = [
        ["乙", "department", "", "3", "0", "29999999999999999.97", "29999999999999999.97", ""],
        ["乙", "unit", "u1", "2", "0", "19999999999999999.98", "19999999999999999.98", ""],
        ["乙", "unit", "u2", "1", "0", "9999999999999999.99", "9999999999999999.99", ""],
        ["甲", "department", "", "100000", "0", "24899800.00", "24899800.00", ""],
        // Even rows: 0.01, 0.33, 1,234.56, 0.10, 9.99 → 10,000 × 1,244.99.
        ["甲", "unit", "u1", "50000", "0", "12449900.00", "12449900.00", ""],
        ["甲", "unit", "u2", "50000", "0", "12449900.00", "12449900.00", ""],
    ];
    assert_eq!(got, expected.map(|r| r.map(String::from).to_vec()));

    // The same sums through project_trend: one series per project here.
    let t = aggregate::project_trend(&projects).unwrap();
    assert_eq!(t.height(), 100_003);
    assert_eq!(
        t.column("amount_2024").unwrap().dtype(),
        &DataType::Decimal(38, 2)
    );
}

#[test]
fn missing_columns_and_years_are_errors_that_say_where() {
    let (ind, proj) = tables();
    let no_amount = proj.drop("amount").unwrap();
    let e = aggregate::reports(&ind, &no_amount).unwrap_err();
    assert!(matches!(e, AggregateError::MissingColumn { .. }), "{e}");
    assert_eq!(e.to_string(), "table projects: no column `amount`");

    let mut nulls = proj.clone();
    let years: Vec<Option<i32>> = (0..proj.height())
        .map(|i| if i == 3 { None } else { Some(2024) })
        .collect();
    nulls
        .with_column(Column::new("year".into(), years))
        .unwrap();
    let e = aggregate::reports(&ind, &nulls).unwrap_err();
    assert_eq!(
        e.to_string(),
        "table projects, row 4 (source laisui_2023.txt): no budget year"
    );
}

#[test]
fn xlsx_gets_report_sheets_and_native_charts() {
    let (ind, proj) = tables();
    let r = aggregate::reports(&ind, &proj).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yoy.xlsx");
    let sheets: Vec<jixiao::emit::xlsx::Sheet<'_>> = r
        .iter()
        .map(|(n, d)| aggregate::sheet(n, d, d.height()).unwrap())
        .collect();
    let table = |n: &str| r.iter().find(|(t, _)| t == n).map(|(_, d)| d);
    let charts = aggregate::ChartData::of_tables(
        table("summary_by_year"),
        table("project_trend"),
        aggregate::DEFAULT_CHART_DEPARTMENTS,
    )
    .blocks(true, true);
    let stats = jixiao::emit::xlsx::write_xlsx(&path, &sheets, &charts).unwrap();
    assert_eq!(
        stats.sheets,
        ["年度汇总", "项目跨年趋势", "指标结构", "指标值变化", "图表"]
    );
    let bytes = std::fs::read(&path).unwrap();
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(has("xl/charts/chart1.xml") && has("xl/charts/chart2.xml"));

    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let trend = book.worksheet_range("项目跨年趋势").unwrap();
    assert_eq!(
        trend.get_value((0, 8)).cloned(),
        Some(Data::String("2023年金额（万元）".into()))
    );
    let charts = book.worksheet_range("图表").unwrap();
    let cell = |r: u32, c: u32| charts.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    // The department's total per year: years down, one column per department.
    assert_eq!(cell(1, 1), Data::String(DEPT.into()));
    assert_eq!(cell(2, 0), Data::Float(2023.0));
    assert_eq!(cell(2, 1), Data::Float(755.93));
    assert_eq!(cell(4, 1), Data::Float(617.70));
}

//! Workbook input (.xlsx, .xls, .ods), converted by the real binary.
//!
//! The seed's table as a wide and a long workbook (tests/fixtures, written by
//! `examples/make_workbooks.rs`, .xls/.ods copies converted once with
//! LibreOffice) must give exactly the rows the text gives, field by field;
//! tests/seed.rs checks those rows against values typed from the document.
//! Edge cases are built here with rust_xlsxwriter.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use jixiao::ingest::IngestError;
use jixiao::ingest::excel;
use rust_xlsxwriter::{Format, Workbook};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Converts `input` to CSV (indicators or projects) and returns the exit code,
/// header and rows.
fn convert_csv(
    input: &Path,
    table: &str,
    extra: &[&str],
    out: &Path,
) -> (i32, Vec<String>, Vec<Vec<String>>) {
    let mut args = vec![
        "convert",
        input.to_str().unwrap(),
        "--table",
        table,
        "-o",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let code = o.status.code().expect("exit code, not a signal");
    assert!(
        code == 0 || code == 1,
        "{}: exit {code}: {}",
        input.display(),
        stderr(&o)
    );
    let (h, rows) = read_csv(out, true);
    (code, h, rows)
}

/// The reject rows (source, line, text, reason) written beside `out`.
fn rejects_of(out: &Path) -> Vec<Vec<String>> {
    let p = out.with_file_name(format!(
        "{}.rejects.csv",
        out.file_stem().unwrap().to_string_lossy()
    ));
    if !p.exists() {
        return Vec::new();
    }
    read_csv(&p, true).1
}

const FORMATS: &[&str] = &["xlsx", "xls", "ods"];

/// Every field of every row equal to the text's, but `source` and `line`.
fn assert_same_rows(what: &str, header: &[String], text: &[Vec<String>], book: &[Vec<String>]) {
    assert_eq!(text.len(), book.len(), "{what}: row count");
    let skip: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| *h == "source" || *h == "line")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(skip.len(), 2, "{what}: source and line columns");
    for (i, (t, b)) in text.iter().zip(book).enumerate() {
        for (j, col) in header.iter().enumerate() {
            if skip.contains(&j) {
                continue;
            }
            assert_eq!(t[j], b[j], "{what}: row {} column {col}", i + 1);
        }
    }
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn seed_workbooks_give_the_texts_rows_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = sample("laisui_2024.txt");
    for table in ["indicators", "projects"] {
        let out = dir.path().join(format!("text_{table}.csv"));
        let (code, header, text_rows) =
            convert_csv(&text, table, &["--dropped-cells", "leftmost"], &out);
        assert_eq!(code, 0);
        let expected_rows = if table == "indicators" { 42 } else { 10 };
        assert_eq!(text_rows.len(), expected_rows);
        for layout in ["wide", "long"] {
            for ext in FORMATS {
                let name = format!("laisui_2024_{layout}.{ext}");
                let out = dir.path().join(format!("{layout}_{ext}_{table}.csv"));
                let (code, h, rows) = convert_csv(&fixture(&name), table, &[], &out);
                assert_eq!(code, 0, "{name}: rejects {:?}", rejects_of(&out));
                assert_eq!(h, header, "{name}: header");
                assert_same_rows(&format!("{name} {table}"), &header, &text_rows, &rows);
                let src = col(&h, "source");
                assert!(
                    rows.iter().all(|r| r[src] == name),
                    "{name}: source is the file name"
                );
            }
        }
    }
}

#[test]
fn line_is_the_sheet_row() {
    let dir = tempfile::tempdir().unwrap();
    // Long: title, department, two head rows, 合计, the first unit's subtotal;
    // the first unit's 39 indicators from row 7, the second unit's subtotal
    // on row 46 and its 3 indicators after it.
    let expected: Vec<String> = (7..=45).chain(47..=49).map(|n| n.to_string()).collect();
    for ext in FORMATS {
        let out = dir.path().join(format!("long_{ext}.csv"));
        let (_, h, rows) = convert_csv(
            &fixture(&format!("laisui_2024_long.{ext}")),
            "indicators",
            &[],
            &out,
        );
        let line = col(&h, "line");
        let lines: Vec<String> = rows.iter().map(|r| r[line].clone()).collect();
        assert_eq!(lines, expected, "long .{ext}");
    }
    // Wide: one row per project, the fourth project's list continuing on
    // row 11 (indicators 5-8), the second unit after an empty row.
    let per_project: &[(usize, &str)] = &[
        (4, "7"),
        (4, "8"),
        (5, "9"),
        (4, "10"),
        (4, "11"),
        (4, "12"),
        (4, "13"),
        (2, "14"),
        (4, "15"),
        (4, "16"),
        (3, "19"),
    ];
    let expected: Vec<&str> = per_project
        .iter()
        .flat_map(|(n, l)| std::iter::repeat_n(*l, *n))
        .collect();
    for ext in FORMATS {
        let out = dir.path().join(format!("wide_{ext}.csv"));
        let (_, h, rows) = convert_csv(
            &fixture(&format!("laisui_2024_wide.{ext}")),
            "indicators",
            &[],
            &out,
        );
        let line = col(&h, "line");
        let lines: Vec<&str> = rows.iter().map(|r| r[line].as_str()).collect();
        assert_eq!(lines, expected, "wide .{ext}");
    }
}

/// A cell to write: text, number, or nothing.
#[derive(Clone, Copy)]
enum C {
    S(&'static str),
    N(f64),
    E,
}
use C::{E, N, S};

/// Writes sheets of rows; `merges` are (sheet index, first row, first col, last row, last col).
fn workbook(path: &Path, sheets: &[(&str, &[&[C]])], merges: &[(usize, u32, u16, u32, u16)]) {
    let mut wb = Workbook::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for &(s, r0, c0, r1, c1) in merges.iter().filter(|m| m.0 == i) {
            let _ = s;
            ws.merge_range(r0, c0, r1, c1, "", &Format::new()).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    wb.save(path).unwrap();
}

const WIDE_HEAD: &[C] = &[
    S("项目名称（资金使用单位）"),
    S("总计"),
    S("财政拨款"),
    S("财政专户拨款"),
    S("其他资金"),
    S("绩效目标"),
    S("绩效指标"),
];
const IND: &str = "1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；年度指标值:100%。2、3-满意度指标；31-服务对象满意度；评价满意度；实施周期指标值:≧90%；年度指标值:≥90%。";

#[test]
fn workbook_without_a_table_is_an_error_naming_file_and_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("roster_2024.xlsx");
    workbook(
        &p,
        &[
            ("封面", &[&[S("2024年部门预算")]]),
            ("名单", &[&[S("姓名"), S("年龄")], &[S("张三"), N(30.0)]]),
        ],
        &[],
    );
    let out = dir.path().join("out.csv");
    let o = run(&["convert", p.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rejects = rejects_of(&out);
    assert_eq!(rejects.len(), 1);
    let reason = &rejects[0][3];
    for part in [
        "roster_2024.xlsx",
        "封面",
        "名单",
        "not a performance-target table",
    ] {
        assert!(reason.contains(part), "{part} missing from: {reason}");
    }
    // The library says the same.
    let e = excel::read_workbook(&p, &[]).unwrap_err();
    assert!(
        matches!(e, IngestError::NoTableInWorkbook { ref looked_at, .. } if looked_at.len() == 2),
        "{e}"
    );
}

#[test]
fn corrupt_workbooks_are_rejects_and_the_good_file_still_converts() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good_2024.xlsx");
    std::fs::copy(fixture("laisui_2024_wide.xlsx"), &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(
        dir.path().join("noise_2024.xlsx"),
        b"not a workbook at all \x00\x01\x02",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("truncated_2024.xlsx"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    let xls = std::fs::read(fixture("laisui_2024_wide.xls")).unwrap();
    std::fs::write(dir.path().join("truncated_2024.xls"), &xls[..xls.len() / 3]).unwrap();
    std::fs::write(
        dir.path().join("webpage_2024.xls"),
        "<html><table><tr><td>项目名称</td></tr></table></html>",
    )
    .unwrap();
    std::fs::write(dir.path().join("empty_2024.ods"), b"").unwrap();
    let out = dir.path().join("out/all.csv");
    let o = run(&[
        "convert",
        dir.path().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let (_, rows) = read_csv(&out, true);
    assert_eq!(rows.len(), 42, "the good workbook's rows");
    let rejects = rejects_of(&out);
    let sources: Vec<&str> = rejects.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        sources,
        [
            "empty_2024.ods",
            "noise_2024.xlsx",
            "truncated_2024.xls",
            "truncated_2024.xlsx",
            "webpage_2024.xls"
        ],
        "{rejects:?}"
    );
    for r in &rejects {
        assert!(r[3].contains(&r[0]), "the reason names the file: {r:?}");
        assert!(r[3].contains("cannot read the workbook"), "{r:?}");
    }
    assert!(rejects[4][3].contains("HTML"), "{:?}", rejects[4]);
}

#[test]
fn a_cell_that_is_not_a_number_is_a_reject_with_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad_2024.xlsx");
    workbook(
        &p,
        &[(
            "Sheet1",
            &[
                &[S("项目支出绩效目标表")],
                &[S("部门名称：某局"), E, E, E, E, E, S("单位：万元")],
                WIDE_HEAD,
                &[S("合计"), N(50.0), N(50.0)],
                &[S("某局"), N(50.0), N(50.0)],
                &[
                    S("    专项经费"),
                    S("四十二"),
                    N(42.0),
                    E,
                    E,
                    S("目标。"),
                    S(IND),
                ],
                &[
                    S("    工作经费"),
                    S(" 1,008.00 "),
                    S("1,000.00"),
                    E,
                    N(8.0),
                    S("目标。"),
                    S(IND),
                ],
            ],
        )],
        &[],
    );
    let out = dir.path().join("out.csv");
    let (code, h, rows) = convert_csv(&p, "projects", &[], &out);
    assert_eq!(code, 1);
    let rejects = rejects_of(&out);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0][1], "6");
    assert_eq!(rejects[0][2], "四十二");
    assert!(rejects[0][3].contains("Sheet1!B6"), "{:?}", rejects[0]);
    // The project is kept: 总计 is the sum of the sources read, and says so.
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][col(&h, "amount")], "42.00");
    assert!(rows[0][col(&h, "amount_note")].contains("Sheet1!B6"));
    // Numbers stored as text: thousands separators and spaces.
    assert_eq!(rows[1][col(&h, "amount")], "1008.00");
    assert_eq!(rows[1][col(&h, "amount_fiscal")], "1000.00");
    assert_eq!(rows[1][col(&h, "amount_special")], "");
    assert_eq!(rows[1][col(&h, "amount_other")], "8.00");
    assert_eq!(rows[1][col(&h, "indicator_count")], "2");
}

#[test]
fn long_layout_with_synonyms_yuan_split_values_and_no_merges() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("申报表_2023.xlsx");
    // 指标名称 for 三级指标, 指标值 split into 符号 | 指标值 | 计量单位, 长期指标值,
    // amounts in 元 with the unit in the head, 一级/二级 written once per group
    // (carried down), a repeated head, an empty row and a note.
    let head: &[C] = &[
        S("序号"),
        S("项目名称"),
        S("金额（元）"),
        S("一般公共预算"),
        S("一级指标"),
        S("二级指标"),
        S("指标名称"),
        S("符号"),
        S("指标值"),
        S("计量单位"),
        S("长期指标值"),
        S("权重"),
    ];
    workbook(
        &p,
        &[(
            "申报表",
            &[
                &[S("2023年项目支出绩效目标申报表")],
                &[S("编制部门：某市档案局")],
                head,
                &[
                    N(1.0),
                    S("档案数字化项目"),
                    S("1,234,500.00"),
                    N(1_234_500.0),
                    S("产出指标"),
                    S("数量指标"),
                    S("数字化档案"),
                    S("≥"),
                    N(95.0),
                    S("%"),
                    S("≥ 95 %"),
                    N(10.0),
                ],
                &[
                    N(2.0),
                    E,
                    E,
                    E,
                    E,
                    E,
                    S("扫描页数"),
                    S("≥"),
                    N(20.0),
                    S("万页"),
                    E,
                    N(10.0),
                ],
                &[
                    N(3.0),
                    E,
                    E,
                    E,
                    E,
                    S("时效指标"),
                    S("完成时间"),
                    E,
                    S("2023.07-2024.01"),
                    E,
                    E,
                    N(10.0),
                ],
                &[],
                head,
                &[
                    N(4.0),
                    E,
                    E,
                    E,
                    S("效益指标"),
                    S("社会效益指标"),
                    S("查档便利度"),
                    E,
                    S("明显提升"),
                    E,
                    E,
                    N(20.0),
                ],
                &[
                    N(5.0),
                    S("档案库房维护"),
                    N(88_000.5),
                    N(88_000.5),
                    S("满意度指标"),
                    S("服务对象满意度指标"),
                    S("满意度"),
                    S(">="),
                    N(90.0),
                    S("%"),
                    E,
                    N(10.0),
                ],
                &[S("注：金额单位为元。")],
                &[S("不是数据的一行"), S("也不是")],
            ],
        )],
        &[],
    );
    let out = dir.path().join("out.csv");
    let (code, h, rows) = convert_csv(&p, "indicators", &[], &out);
    // The row under the notes is outside the table: each of its cells is a
    // reject naming the cell (issue 15), and the table's rows are all read.
    assert_eq!(code, 1, "{:?}", rejects_of(&out));
    let rejects = rejects_of(&out);
    let cells: Vec<(&str, &str, &str)> = rejects
        .iter()
        .map(|r| (r[2].as_str(), r[4].as_str(), r[6].as_str()))
        .collect();
    assert_eq!(
        cells,
        [
            ("不是数据的一行", "outside-table", "A12"),
            ("也不是", "outside-table", "B12")
        ]
    );
    let get = |r: usize, c: &str| rows[r][col(&h, c)].clone();
    assert_eq!(rows.len(), 5);
    assert_eq!(get(0, "year"), "2023");
    assert_eq!(get(0, "department"), "某市档案局");
    assert_eq!(get(0, "project"), "档案数字化项目");
    // 1,234,500.00 元 = 123.45 万元, exactly.
    assert_eq!(get(0, "amount").parse::<f64>().unwrap(), 123.45);
    assert!(get(0, "amount").starts_with("123.45"));
    assert_eq!(get(0, "amount_fiscal"), get(0, "amount"));
    assert_eq!(get(0, "annual_value"), "≥95%");
    assert_eq!(get(0, "cycle_value"), "≥95%");
    assert_eq!(get(1, "level"), "产出指标");
    assert_eq!(get(1, "category"), "数量指标");
    assert_eq!(get(1, "annual_value"), "≥20万页");
    assert_eq!(get(1, "cycle_value"), "");
    assert_eq!(get(2, "category"), "时效指标");
    assert_eq!(get(2, "annual_value"), "2023.07-2024.01");
    assert_eq!(
        (get(3, "seq"), get(3, "level"), get(3, "name")),
        ("4".into(), "效益指标".into(), "查档便利度".into())
    );
    assert_eq!(get(3, "line"), "9");
    assert_eq!(get(4, "project"), "档案库房维护");
    assert_eq!(get(4, "seq"), "1");
    assert!(get(4, "amount").starts_with("8.80005"));
    assert_eq!(get(4, "annual_value"), "≥90%");
    assert_eq!(get(4, "level_code"), "");
}

#[test]
fn named_sheets_are_read_and_a_missing_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("two_2024.xlsx");
    let a: &[&[C]] = &[
        WIDE_HEAD,
        &[S("    甲项目"), N(1.0), N(1.0), E, E, S("目标"), S(IND)],
    ];
    let b: &[&[C]] = &[
        WIDE_HEAD,
        &[S("    乙项目"), N(2.0), N(2.0), E, E, S("目标"), S(IND)],
    ];
    workbook(&p, &[("甲", a), ("说明", &[&[S("说明")]]), ("乙", b)], &[]);
    // Every sheet holding a table, in workbook order.
    let doc = excel::read_workbook(&p, &[]).unwrap();
    let names: Vec<&str> = doc.projects().map(|(_, p)| p.name.as_str()).collect();
    assert_eq!(names, ["甲项目", "乙项目"]);
    assert_eq!(doc.indicator_count(), 4);
    // Only the sheet named.
    let doc = excel::read_workbook(&p, &["乙".to_string()]).unwrap();
    let names: Vec<&str> = doc.projects().map(|(_, p)| p.name.as_str()).collect();
    assert_eq!(names, ["乙项目"]);
    // A name that is not there: an error naming the file and the sheets present.
    let e = excel::read_workbook(&p, &["Sheet1".to_string()]).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, IngestError::NoSuchSheet { .. }));
    for part in ["two_2024.xlsx", "Sheet1", "甲, 说明, 乙"] {
        assert!(msg.contains(part), "{part} missing from: {msg}");
    }
    // A named sheet without a table is said, not skipped silently.
    let (tables, problems) =
        excel::read_sheets(&p, &["甲".to_string(), "说明".to_string()]).unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].reason.contains("说明"), "{:?}", problems[0]);
}

#[test]
fn a_self_evaluation_table_is_not_taken_for_targets() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("自评_2024.xlsx");
    workbook(
        &p,
        &[(
            "Sheet1",
            &[
                &[S("项目支出绩效自评表")],
                &[
                    S("一级指标"),
                    S("二级指标"),
                    S("三级指标"),
                    S("年度指标值"),
                    S("实际完成值"),
                    S("分值"),
                    S("得分"),
                    S("偏差原因分析"),
                ],
                &[
                    S("产出指标"),
                    S("数量指标"),
                    S("完成率"),
                    S("100%"),
                    S("100%"),
                    N(10.0),
                    N(10.0),
                    E,
                ],
            ],
        )],
        &[],
    );
    let e = excel::read_workbook(&p, &[]).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("绩效自评表") && msg.contains("Sheet1"),
        "{msg}"
    );
}

#[test]
fn a_sheet_claiming_the_whole_grid_costs_only_its_cells() {
    // tests/fixtures/make_hostile.py: the used range is A1:XFD1048576 (a
    // stray value in the last cell), a merged region covers F6:WRD1048000 and
    // formatted empty cells run down to the last row. Materialised densely
    // that is ~17 billion cells; the table's two indicators must still read.
    let started = std::time::Instant::now();
    let doc = excel::read_workbook(&fixture("hostile_far_2024.xlsx"), &[]).unwrap();
    assert_eq!(doc.indicator_count(), 2);
    // The stray value in the last cell is outside the table: a reject naming it.
    assert_eq!(doc.rejects.len(), 1, "{:?}", doc.rejects);
    assert_eq!(doc.rejects[0].kind, jixiao::model::RejectKind::OutsideTable);
    assert!(
        doc.rejects[0].reason.starts_with("Sheet1!XFD1048576: "),
        "{:?}",
        doc.rejects
    );
    assert_eq!(doc.rejects[0].text, "x");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

#[test]
fn extension_case_and_misnamed_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    // .XLSX in capitals, and an .xlsx saved under an .xls name: read by content.
    for name in ["WIDE_2024.XLSX", "misnamed_2024.xls", "misnamed_2024.ods"] {
        let p = dir.path().join(name);
        std::fs::copy(fixture("laisui_2024_wide.xlsx"), &p).unwrap();
        let out = dir.path().join(format!("{name}.csv"));
        let (code, _, rows) = convert_csv(&p, "indicators", &[], &out);
        assert_eq!(code, 0, "{name}");
        assert_eq!(rows.len(), 42, "{name}");
    }
}

#[test]
fn a_workbook_needs_a_year_like_any_input() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wide.xlsx");
    std::fs::copy(fixture("laisui_2024_wide.xlsx"), &p).unwrap();
    let out = dir.path().join("out.csv");
    let o = run(&["convert", p.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(rejects_of(&out)[0][3].contains("year"));
    let (code, h, rows) = convert_csv(&p, "indicators", &["--year", "2022"], &out);
    assert_eq!(code, 0);
    assert!(rows.iter().all(|r| r[col(&h, "year")] == "2022"));
}

#[test]
fn a_one_project_form_takes_its_project_from_the_fields_above_the_head() {
    // The national 申报表 for one project: key-value rows, then the indicators.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("form_2024.xlsx");
    workbook(
        &p,
        &[(
            "Sheet1",
            &[
                &[S("项目支出绩效目标申报表")],
                &[S("项目名称"), E, S("档案数字化项目")],
                &[
                    S("主管部门"),
                    E,
                    S("某市档案局"),
                    S("实施单位"),
                    S("某市档案馆"),
                ],
                &[
                    S("年度资金总额"),
                    E,
                    N(100.0),
                    S("其中：财政拨款"),
                    N(80.0),
                    S("其他资金"),
                    N(20.0),
                ],
                &[S("年度绩效目标"), E, S("完成馆藏档案数字化。")],
                &[S("一级指标"), S("二级指标"), S("三级指标"), S("指标值")],
                &[S("产出指标"), S("数量指标"), S("数字化档案"), S("≥1万卷")],
                &[E, S("质量指标"), S("差错率"), S("≤1%")],
            ],
        )],
        &[
            (0, 1, 0, 1, 1),
            (0, 2, 0, 2, 1),
            (0, 3, 0, 3, 1),
            (0, 4, 0, 4, 1),
        ],
    );
    let doc = excel::read_workbook(&p, &[]).unwrap();
    assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
    assert_eq!(doc.department.as_deref(), Some("某市档案局"));
    let (u, pr) = doc.projects().next().unwrap();
    assert_eq!(u.name, "某市档案馆");
    assert_eq!(pr.name, "档案数字化项目");
    assert_eq!(pr.line, 2);
    assert_eq!(pr.goal, "完成馆藏档案数字化。");
    assert_eq!(pr.amounts.total.unwrap_or_default().to_string(), "100.00");
    assert_eq!(
        pr.amounts.fiscal.map(|d| d.to_string()).as_deref(),
        Some("80.00")
    );
    assert_eq!(
        pr.amounts.other.map(|d| d.to_string()).as_deref(),
        Some("20.00")
    );
    assert_eq!(pr.amounts.special, None);
    let names: Vec<(&str, &str, Option<&str>)> = pr
        .indicators
        .iter()
        .map(|i| (i.level.as_str(), i.name.as_str(), i.annual_value.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("产出指标", "数字化档案", Some("≥1万卷")),
            ("产出指标", "差错率", Some("≤1%"))
        ]
    );
}

#[test]
fn wide_cells_without_a_goal_column_and_what_cannot_be_placed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nogoal_2024.xlsx");
    let text_ind: &'static str = Box::leak(format!("做好档案工作。\n{IND}").into_boxed_str());
    workbook(
        &p,
        &[(
            "Sheet1",
            &[
                &[S("项目名称"), S("金额"), S("绩效指标")],
                &[S("    甲项目"), N(5.0), S(text_ind)],
                &[S("    乙项目"), N(6.0), S("产出指标：完成率100%")],
                &[
                    S("    丙项目"),
                    N(7.0),
                    S(
                        "1、1-产出指标；11-数量指标；完成率；实施周期指标值:100%；年度指标值:100%。2、2-效益指标；22-社会",
                    ),
                ],
            ],
        )],
        &[],
    );
    let doc = excel::read_workbook(&p, &[]).unwrap();
    let projects: Vec<_> = doc.projects().map(|(_, p)| p).collect();
    assert_eq!(projects.len(), 3);
    assert_eq!(projects[0].goal, "做好档案工作。");
    assert_eq!(projects[0].indicators.len(), 2);
    assert_eq!(projects[2].indicators.len(), 1);
    let reasons: Vec<&str> = doc.rejects.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("Sheet1!C3: no numbered indicator list"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("Sheet1!C4: indicator of 「丙项目」 not parsed"),
        "{reasons:?}"
    );
    assert_eq!(doc.rejects[1].line, 4);
}

#[test]
fn hidden_sheets_are_read_only_when_named() {
    // Templates keep hidden copies of the table: counting them would double it.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("hidden_2024.xlsx");
    let mut wb = Workbook::new();
    for (name, project, hidden) in [("表", "    甲项目", false), ("模板", "    模板项目", true)]
    {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in ["项目名称", "总计", "绩效指标"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, project).unwrap();
        ws.write_number(1, 1, 1.0).unwrap();
        ws.write_string(1, 2, IND).unwrap();
        ws.set_hidden(hidden);
    }
    wb.save(&p).unwrap();
    let names = |sheets: &[String]| -> Vec<String> {
        let doc = excel::read_workbook(&p, sheets).unwrap();
        doc.projects().map(|(_, p)| p.name.clone()).collect()
    };
    assert_eq!(names(&[]), ["甲项目"]);
    assert_eq!(names(&["模板".to_string()]), ["模板项目"]);
}

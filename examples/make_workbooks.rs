//! Writes the workbooks the Excel reader is tested and benchmarked with.
//!
//! `seed OUT_DIR`: the seed's table (samples/laisui_2024.txt, read by jixiao's
//! own text parser with `--dropped-cells leftmost`) as a wide and a long
//! workbook, each with a title row, a department and money-unit row, a
//! two-row head with merged cells, merged level/name/amount cells, numbers
//! stored as text and float noise, empty rows and trailing notes.
//! The .xls and .ods copies in tests/fixtures were converted from these once
//! with LibreOffice (`soffice --headless --convert-to xls|ods`).
//!
//! `bench N OUT.xlsx`: a synthetic long workbook of N indicators (5 per
//! project, 20 projects per unit) for the read benchmark.
//!
//! `read WORKBOOK`: times reading a workbook into the model (no output
//! written) and prints `indicators seconds` for bench/excel_read.py.
//!
//!     cargo run --release --example make_workbooks -- seed tests/fixtures
//!     cargo run --release --example make_workbooks -- bench 200000 target/bench_long_2024.xlsx

use std::path::{Path, PathBuf};

use jixiao::ingest::{self, DroppedCells, IngestOptions, TextOptions};
use jixiao::model::{Document, Indicator, Project};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["seed", dir] => seed(Path::new(dir)),
        ["bench", n, out] => bench(n.parse()?, Path::new(out)),
        ["read", path] => read(Path::new(path)),
        _ => Err("usage: make_workbooks seed OUT_DIR | bench N OUT.xlsx | read WORKBOOK".into()),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed(dir: &Path) -> Res<()> {
    let opts = IngestOptions {
        text: TextOptions {
            dropped_cells: DroppedCells::Leftmost,
        },
        ..IngestOptions::default()
    };
    let doc = ingest::ingest_text_file(&root().join("samples/laisui_2024.txt"), &opts)?;
    assert_eq!(doc.indicator_count(), 42, "the seed has 42 indicators");
    std::fs::create_dir_all(dir)?;
    let wide = dir.join("laisui_2024_wide.xlsx");
    write_wide(&doc, &wide)?;
    let long = dir.join("laisui_2024_long.xlsx");
    write_long(&doc, &long)?;
    println!("{}\n{}", wide.display(), long.display());
    Ok(())
}

fn f64_of(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Writes one amount, in the ways workbooks hold them: a float, a float with
/// binary noise, or text (`" 22.33 "`, `"1,234.50"`-style).
fn amount(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<Decimal>,
    style: usize,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let Some(v) = v else { return Ok(()) };
    match style % 4 {
        1 => ws.write_string_with_format(r, c, format!(" {v:.2} "), fmt)?,
        // 7.00 read back as 7.000000000000001: the noise the reader must round away.
        2 => ws.write_number_with_format(r, c, f64_of(v) + f64::EPSILON * f64_of(v), fmt)?,
        3 if v >= Decimal::from(100) => ws.write_string_with_format(r, c, thousands(v), fmt)?,
        _ => ws.write_number_with_format(r, c, f64_of(v), fmt)?,
    };
    Ok(())
}

/// `1234.5` → `1,234.50`.
fn thousands(v: Decimal) -> String {
    let s = format!("{v:.2}");
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{out}.{frac}")
}

/// Wraps text every `n` characters with a line break, as a cell with wrapped
/// text that was typed with Alt+Enter (or pasted from a PDF) holds it.
/// A break never stands next to a space: the reader trims each line, as the
/// text parser does.
fn wrap(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut run = 0;
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        run += 1;
        let next = chars.get(i + 1);
        if run >= n && !c.is_whitespace() && next.is_some_and(|x| !x.is_whitespace()) {
            out.push('\n');
            run = 0;
        }
    }
    out
}

/// The numbered indicator text of the wide layout; half the values use the
/// JIS forms (`≧`) and full-width colons that tables mix in.
fn numbered(inds: &[Indicator]) -> String {
    inds.iter()
        .map(|i| {
            let code = |c: &Option<String>| c.as_ref().map_or(String::new(), |c| format!("{c}-"));
            let colon = if i.seq % 2 == 0 { "：" } else { ":" };
            let jis = |v: &Option<String>| {
                let v = v.clone().unwrap_or_default();
                if i.seq % 2 == 1 {
                    v.replace('≥', "≧").replace('≤', "≦")
                } else {
                    v
                }
            };
            format!(
                "{}、{}{}；{}{}；{}；实施周期指标值{colon}{}；年度指标值{colon}{}。",
                i.seq,
                code(&i.level_code),
                i.level,
                code(&i.category_code),
                i.category,
                i.name,
                jis(&i.cycle_value),
                jis(&i.annual_value)
            )
        })
        .collect()
}

/// A merged range, or a plain cell when it spans one cell (Excel refuses
/// single-cell merges).
fn span(
    ws: &mut Worksheet,
    r0: u32,
    c0: u16,
    r1: u32,
    c1: u16,
    s: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if r0 == r1 && c0 == c1 {
        ws.write_string_with_format(r0, c0, s, fmt)?;
    } else {
        ws.merge_range(r0, c0, r1, c1, s, fmt)?;
    }
    Ok(())
}

fn head_format() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

fn write_wide(doc: &Document, path: &Path) -> Res<()> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("绩效目标表")?;
    let head = head_format();
    let wrapf = Format::new().set_text_wrap();
    let num = Format::new().set_num_format("0.00");
    ws.set_column_width(0, 40)?;
    ws.set_column_width(5, 50)?;
    ws.set_column_width(6, 70)?;
    span(
        ws,
        0,
        0,
        0,
        6,
        doc.title.as_deref().unwrap_or("项目支出绩效目标表"),
        &head,
    )?;
    span(
        ws,
        1,
        0,
        1,
        4,
        &format!("部门名称：{}", doc.department.as_deref().unwrap_or("")),
        &Format::new(),
    )?;
    ws.write_string(1, 6, "单位：万元")?;
    span(ws, 2, 0, 3, 0, "项目名称（资金使用单位）", &head)?;
    span(ws, 2, 1, 2, 4, "资金来源", &head)?;
    span(ws, 2, 5, 3, 5, "绩效目标", &head)?;
    span(ws, 2, 6, 3, 6, "绩效指标", &head)?;
    for (c, h) in ["总计", "财政拨款", "财政专户拨款", "其他资金"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(3, c as u16 + 1, *h, &head)?;
    }
    let mut r = 4u32;
    if let Some(g) = &doc.grand_total {
        ws.write_string(r, 0, "合计")?;
        let vals = [g.total, g.fiscal, g.special, g.other];
        for (c, v) in vals.iter().enumerate() {
            amount(ws, r, c as u16 + 1, *v, 3, &num)?;
        }
        r += 1;
    }
    let mut k = 0usize;
    for (ui, u) in doc.units.iter().enumerate() {
        if ui > 0 {
            r += 1; // an empty row between units
        }
        ws.write_string(r, 0, &u.name)?;
        if let Some(a) = &u.amounts {
            for (c, v) in [a.total, a.fiscal, a.special, a.other].iter().enumerate() {
                amount(ws, r, c as u16 + 1, *v, 0, &num)?;
            }
        }
        r += 1;
        for p in &u.projects {
            k += 1;
            r = wide_project(ws, r, p, k, &wrapf, &num)?;
        }
    }
    r += 1;
    ws.write_string(
        r,
        0,
        "注：本表金额单位为万元；绩效指标按“序号、一级指标；二级指标；三级指标；指标值”填列。",
    )?;
    ws.write_string(
        r + 1,
        0,
        "填报说明：项目名称前缩进的行为项目，未缩进的行为资金使用单位。",
    )?;
    // A second sheet of instructions only: the reader must pass over it.
    let notes = wb.add_worksheet();
    notes.set_name("填报说明")?;
    notes.write_string(0, 0, "填报说明")?;
    notes.write_string(1, 0, "1. 金额单位为万元。")?;
    wb.save(path)?;
    Ok(())
}

/// One project of the wide layout. The project with more than five
/// indicators continues its list on a second row, with its name, amounts
/// and goal merged over both rows.
fn wide_project(
    ws: &mut Worksheet,
    r: u32,
    p: &Project,
    k: usize,
    wrapf: &Format,
    num: &Format,
) -> Result<u32, XlsxError> {
    let name = format!("    {}", wrap(&p.name, 24));
    let goal = wrap(&p.goal, 30);
    let a = &p.amounts;
    let vals = [a.total, a.fiscal, a.special, a.other];
    let split = p.indicators.len() > 5;
    let rows = if split { 2 } else { 1 };
    if split {
        ws.merge_range(r, 0, r + 1, 0, &name, wrapf)?;
        ws.merge_range(r, 5, r + 1, 5, &goal, wrapf)?;
        for c in 1..=4u16 {
            ws.merge_range(r, c, r + 1, c, "", num)?;
        }
        let half = p.indicators.len() / 2;
        ws.write_string_with_format(r, 6, wrap(&numbered(&p.indicators[..half]), 33), wrapf)?;
        ws.write_string_with_format(r + 1, 6, wrap(&numbered(&p.indicators[half..]), 33), wrapf)?;
    } else {
        ws.write_string_with_format(r, 0, &name, wrapf)?;
        ws.write_string_with_format(r, 5, &goal, wrapf)?;
        ws.write_string_with_format(r, 6, wrap(&numbered(&p.indicators), 33), wrapf)?;
    }
    for (c, v) in vals.iter().enumerate() {
        amount(ws, r, c as u16 + 1, *v, k, num)?;
    }
    Ok(r + rows)
}

const LONG_HEADS: [&str; 12] = [
    "资金使用单位",
    "项目名称",
    "总计",
    "财政拨款",
    "财政专户拨款",
    "其他资金",
    "绩效目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "实施周期指标值",
    "年度指标值",
];

/// The two-row head of the long layout: 资金来源 over the amounts, 绩效指标
/// over the indicator columns, the others merged over both rows.
fn long_head(ws: &mut Worksheet, r: u32, head: &Format) -> Result<(), XlsxError> {
    for (c, h) in LONG_HEADS.iter().enumerate() {
        let c = c as u16;
        match c {
            2..=5 | 7..=11 => {
                ws.write_string_with_format(r + 1, c, *h, head)?;
            }
            _ => span(ws, r, c, r + 1, c, h, head)?,
        }
    }
    span(ws, r, 2, r, 5, "资金来源（万元）", head)?;
    span(ws, r, 7, r, 11, "绩效指标", head)?;
    Ok(())
}

/// Runs of equal keys: (start, end) index pairs, end inclusive.
fn runs<K: PartialEq>(keys: &[K]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i] != keys[start] {
            out.push((start, i - 1));
            start = i;
        }
    }
    out
}

fn code_text(code: &Option<String>, text: &str) -> String {
    match code {
        Some(c) => format!("{c}-{text}"),
        None => text.to_string(),
    }
}

fn write_long(doc: &Document, path: &Path) -> Res<()> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let head = head_format();
    let wrapf = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let num = Format::new()
        .set_num_format("0.00")
        .set_align(FormatAlign::VerticalCenter);
    span(
        ws,
        0,
        0,
        0,
        11,
        doc.title.as_deref().unwrap_or("项目支出绩效目标表"),
        &head,
    )?;
    span(
        ws,
        1,
        0,
        1,
        5,
        &format!("部门名称：{}", doc.department.as_deref().unwrap_or("")),
        &Format::new(),
    )?;
    ws.write_string(1, 11, "单位：万元")?;
    long_head(ws, 2, &head)?;
    let mut r = 4u32;
    if let Some(g) = &doc.grand_total {
        span(ws, r, 0, r, 1, "合计", &Format::new())?;
        for (c, v) in [g.total, g.fiscal, g.special, g.other].iter().enumerate() {
            amount(ws, r, c as u16 + 2, *v, 0, &num)?;
        }
        r += 1;
    }
    let mut k = 0usize;
    for u in &doc.units {
        // The unit's subtotal row, then its projects with the unit merged over them.
        ws.write_string(r, 0, &u.name)?;
        if let Some(a) = &u.amounts {
            for (c, v) in [a.total, a.fiscal, a.special, a.other].iter().enumerate() {
                amount(ws, r, c as u16 + 2, *v, 0, &num)?;
            }
        }
        r += 1;
        let unit_start = r;
        for p in &u.projects {
            k += 1;
            let n = p.indicators.len().max(1) as u32;
            let last = r + n - 1;
            span(ws, r, 1, last, 1, &wrap(&p.name, 20), &wrapf)?;
            span(ws, r, 6, last, 6, &wrap(&p.goal, 30), &wrapf)?;
            let a = &p.amounts;
            for (c, v) in [a.total, a.fiscal, a.special, a.other].iter().enumerate() {
                let c = c as u16 + 2;
                if n > 1 {
                    ws.merge_range(r, c, last, c, "", &num)?;
                }
                amount(ws, r, c, *v, k, &num)?;
            }
            let levels: Vec<String> = p
                .indicators
                .iter()
                .map(|i| code_text(&i.level_code, &i.level))
                .collect();
            let cats: Vec<(String, String)> = p
                .indicators
                .iter()
                .map(|i| {
                    (
                        code_text(&i.level_code, &i.level),
                        code_text(&i.category_code, &i.category),
                    )
                })
                .collect();
            for (a, b) in runs(&levels) {
                span(ws, r + a as u32, 7, r + b as u32, 7, &levels[a], &wrapf)?;
            }
            for (a, b) in runs(&cats) {
                span(ws, r + a as u32, 8, r + b as u32, 8, &cats[a].1, &wrapf)?;
            }
            for (j, i) in p.indicators.iter().enumerate() {
                let row = r + j as u32;
                ws.write_string(row, 9, &i.name)?;
                if let Some(v) = &i.cycle_value {
                    ws.write_string(row, 10, v)?;
                }
                if let Some(v) = &i.annual_value {
                    // Some targets typed as numbers, the way people enter 0.
                    match v.parse::<f64>() {
                        Ok(x) => ws.write_number(row, 11, x)?,
                        Err(_) => ws.write_string(row, 11, v)?,
                    };
                }
            }
            r = last + 1;
        }
        if r - 1 > unit_start {
            ws.merge_range(unit_start, 0, r - 1, 0, &u.name, &wrapf)?;
        } else if r - 1 == unit_start {
            ws.write_string_with_format(unit_start, 0, &u.name, &wrapf)?;
        }
    }
    r += 1;
    ws.write_string(
        r,
        0,
        "注：1.一级、二级指标合并单元格填列；2.金额单位为万元。",
    )?;
    wb.save(path)?;
    Ok(())
}

fn read(path: &Path) -> Res<()> {
    let started = std::time::Instant::now();
    let doc = ingest::excel::read_workbook(path, &[])?;
    let secs = started.elapsed().as_secs_f64();
    println!("{} {secs:.3}", doc.indicator_count());
    Ok(())
}

/// A long workbook of `n` indicators, shaped like the seed's long layout.
fn bench(n: usize, path: &Path) -> Res<()> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let head = head_format();
    span(ws, 0, 0, 0, 11, "项目支出绩效目标表", &head)?;
    ws.write_string(1, 0, "部门名称：基准测试局 单位：万元")?;
    long_head(ws, 2, &head)?;
    const LEVELS: [(&str, &str, &str); 5] = [
        ("1-产出指标", "11-数量指标", "≥100条"),
        ("1-产出指标", "12-质量指标", "100%"),
        ("1-产出指标", "13-时效指标", "≤5个工作日"),
        ("2-效益指标", "22-社会效益", "发布"),
        ("3-满意度指标", "31-服务对象满意度", "≥90%"),
    ];
    let mut r = 4u32;
    let projects = n.div_ceil(5);
    for p in 0..projects {
        let rows = (n - p * 5).min(5) as u32;
        let last = r + rows - 1;
        let unit = format!("基准单位{:04}", p / 20);
        let name = format!("基准项目{p:06}");
        let total = 10.0 + (p % 97) as f64 + 0.25;
        if rows > 1 {
            ws.merge_range(r, 0, last, 0, &unit, &Format::new())?;
            ws.merge_range(r, 1, last, 1, &name, &Format::new())?;
            ws.merge_range(r, 2, last, 2, "", &Format::new())?;
            ws.merge_range(r, 3, last, 3, "", &Format::new())?;
        } else {
            ws.write_string(r, 0, &unit)?;
            ws.write_string(r, 1, &name)?;
        }
        ws.write_number(r, 2, total)?;
        ws.write_number(r, 3, total)?;
        ws.write_string(r, 6, "完成年度工作任务，提升服务水平。")?;
        for j in 0..rows {
            let (level, cat, value) = LEVELS[j as usize];
            let row = r + j;
            ws.write_string(row, 7, level)?;
            ws.write_string(row, 8, cat)?;
            ws.write_string(row, 9, format!("指标{p}-{j}"))?;
            ws.write_string(row, 10, value)?;
            ws.write_string(row, 11, value)?;
        }
        r = last + 1;
    }
    wb.save(path)?;
    println!("{}: {n} indicators, {projects} projects", path.display());
    Ok(())
}

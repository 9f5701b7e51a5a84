//! XLSX output: one workbook, one worksheet per table, each worksheet an Excel
//! table (header + autofilter) with Chinese captions, frozen header row and
//! column widths computed from the content.
//!
//! When the tables include the reports `summary_by_year` or `project_trend`,
//! a last sheet, 图表, gets native charts (live and editable in Excel, WPS
//! and LibreOffice) of the department totals per year and of the largest
//! project changes between the last two years, beside the figures they plot.
//!
//! The output is deterministic: the same tables give a byte-identical file
//! (fixed document creation time; rust_xlsxwriter already stamps every zip
//! entry with the fixed DOS date 1980-01-01 00:00).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use polars::prelude::{
    BooleanChunked, Column, DataFrame, DataType, Float64Chunked, Int128Chunked, StringChunked,
};
use rust_xlsxwriter::{
    Chart, ChartAxisLabelPosition, ChartDataLabel, ChartFormat, ChartPoint, ChartSolidFill,
    ChartType, ColNum, DocProperties, ExcelDateTime, Format, RowNum, Table, TableColumn,
    TableStyle, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::{EmitError, atomic_write, decimal_text};
use crate::aggregate;
use crate::schema::table_label_zh;

/// Data rows that fit below the header row of one worksheet (Excel has
/// 1,048,576 rows).
pub const MAX_DATA_ROWS: usize = 1_048_575;

/// Column widths look at no more than this many data rows.
const WIDTH_SCAN_ROWS: usize = 10_000;
/// Column width bounds, in Excel character units.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;
/// Padding added to the widest text of a column.
const WIDTH_PADDING: usize = 2;
/// Extra room for the autofilter drop-down button in a table header cell.
const FILTER_BUTTON_WIDTH: usize = 2;

/// Excel sheet names: at most 31 UTF-16 code units.
const SHEET_NAME_MAX: usize = 31;

/// Workbook default font: DengXian (等线) 11, the default of Chinese Excel
/// since 2016; charset 134 is GB2312.
const FONT_NAME: &str = "等线";
const FONT_SIZE: f64 = 11.0;
const FONT_CHARSET: u8 = 134;
/// Default row height and column width in pixels for that font. The column
/// width must be one rust_xlsxwriter supports (56, 64, 72, 80, 96, 104, 120);
/// 72 px corresponds to a maximum digit width of 8 px.
const DEFAULT_ROW_HEIGHT_PX: u32 = 19;
const DEFAULT_COL_WIDTH_PX: u32 = 72;

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XlsxStats {
    /// Worksheet names, in workbook order.
    pub sheets: Vec<String>,
    /// Data rows written, over all worksheets (headers not counted).
    pub rows: usize,
}

/// Writes one workbook with one worksheet per table, atomically (temp file then rename).
///
/// Each table gets a worksheet named after `table_label_zh(name)` (or the
/// name itself), sanitised for Excel. A table with more rows than fit in one
/// worksheet continues on worksheets named `<name>_2`, `<name>_3`, …, each
/// with its own header row.
pub fn write_xlsx(path: &Path, tables: &[(&str, &DataFrame)]) -> Result<XlsxStats, EmitError> {
    let (mut workbook, stats) =
        build_workbook(tables, MAX_DATA_ROWS).map_err(|m| EmitError::format(path, m))?;
    atomic_write(path, |w| {
        workbook
            .save_to_writer(w)
            .map_err(|e| EmitError::format(path, e))
    })?;
    Ok(stats)
}

/// Builds the workbook in memory. `rows_per_sheet` is the number of data rows
/// per worksheet (a parameter so that tests can exercise the split).
fn build_workbook(
    tables: &[(&str, &DataFrame)],
    rows_per_sheet: usize,
) -> Result<(Workbook, XlsxStats), String> {
    let rows_per_sheet = rows_per_sheet.clamp(1, MAX_DATA_ROWS);
    let mut workbook = Workbook::new();

    // A fixed creation time: otherwise docProps/core.xml carries "now".
    let created = ExcelDateTime::from_ymd(2000, 1, 1)
        .and_then(|d| d.and_hms(0, 0, 0))
        .map_err(|e| e.to_string())?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));

    // Must precede any add_worksheet.
    let base = base_format();
    workbook
        .set_default_format(&base, DEFAULT_ROW_HEIGHT_PX, DEFAULT_COL_WIDTH_PX)
        .map_err(|e| e.to_string())?;

    let mut used_names = HashSet::new();
    // "History" is reserved by Excel.
    used_names.insert("history".to_string());

    let mut stats = XlsxStats::default();
    for (table_name, df) in tables {
        let label = table_label_zh(table_name)
            .or_else(|| aggregate::table_label_zh(table_name))
            .unwrap_or(table_name);
        let columns = plan_columns(df, &base).map_err(|e| format!("table {table_name}: {e}"))?;
        let headers = unique_headers(df);
        let widths = column_widths(&columns, &headers, df.height());

        let height = df.height();
        let parts = height.div_ceil(rows_per_sheet).max(1);
        for part in 0..parts {
            let suffix = if part == 0 {
                String::new()
            } else {
                format!("_{}", part + 1)
            };
            let sheet_name = unique_sheet_name(label, &suffix, &mut used_names);
            let offset = part * rows_per_sheet;
            let len = rows_per_sheet.min(height - offset);

            // Low-memory mode: rows go to a temporary file as they are written
            // (the shared string table stays, which WPS needs; constant-memory
            // files were reported not to open there).
            let worksheet = workbook
                .add_worksheet_with_low_memory()
                .map_err(|e| e.to_string())?;
            write_sheet(
                worksheet,
                &sheet_name,
                &columns,
                &headers,
                &widths,
                offset,
                len,
            )
            .map_err(|e| format!("sheet {sheet_name}: {e}"))?;

            stats.sheets.push(sheet_name);
            stats.rows += len;
        }
    }
    if let Some(sheet_name) = add_charts(&mut workbook, tables, &base, &mut used_names)
        .map_err(|e| format!("sheet {CHART_SHEET}: {e}"))?
    {
        stats.sheets.push(sheet_name);
    }
    Ok((workbook, stats))
}

fn base_format() -> Format {
    Format::new()
        .set_font_name(FONT_NAME)
        .set_font_size(FONT_SIZE)
        .set_font_charset(FONT_CHARSET)
}

/// How the cells of one column are written.
enum ColumnData {
    /// Strings (and any other dtype, cast to strings).
    Text(StringChunked),
    /// Integers, as plain numbers.
    Integer(Float64Chunked),
    /// Decimals: mantissas with the scale; numbers with a `#,##0.00` format.
    Decimal {
        mantissas: Int128Chunked,
        scale: usize,
        format: Format,
    },
    /// Floats; `format` is `0.00%` for shares and percentages.
    Float {
        values: Float64Chunked,
        format: Option<Format>,
    },
    Boolean(BooleanChunked),
}

/// One cell's value, borrowed from its column.
#[derive(Clone, Copy)]
enum Value<'a> {
    Blank,
    Text(&'a str),
    Number(f64),
    Decimal(i128),
    Float(f64),
    Boolean(bool),
}

impl ColumnData {
    fn iter(&self) -> Box<dyn Iterator<Item = Value<'_>> + '_> {
        match self {
            ColumnData::Text(ca) => Box::new(ca.iter().map(|v| match v {
                Some(s) if !s.is_empty() => Value::Text(s),
                _ => Value::Blank,
            })),
            ColumnData::Integer(ca) => {
                Box::new(ca.iter().map(|v| v.map_or(Value::Blank, Value::Number)))
            }
            ColumnData::Decimal { mantissas, .. } => Box::new(
                mantissas
                    .iter()
                    .map(|v| v.map_or(Value::Blank, Value::Decimal)),
            ),
            ColumnData::Float { values, .. } => {
                Box::new(values.iter().map(|v| v.map_or(Value::Blank, Value::Float)))
            }
            ColumnData::Boolean(ca) => {
                Box::new(ca.iter().map(|v| v.map_or(Value::Blank, Value::Boolean)))
            }
        }
    }

    /// The text Excel displays for `value`, for the width estimate.
    fn display_width(&self, value: Value<'_>) -> usize {
        match (self, value) {
            (_, Value::Blank) => 0,
            (_, Value::Text(s)) => s.width(),
            (_, Value::Number(f)) => general_text(f).width(),
            (ColumnData::Decimal { scale, .. }, Value::Decimal(m)) => {
                decimal_display(m, *scale).width()
            }
            (_, Value::Decimal(m)) => decimal_display(m, 0).width(),
            (
                ColumnData::Float {
                    format: Some(_), ..
                },
                Value::Float(f),
            ) => percent_text(f).width(),
            (_, Value::Float(f)) => general_text(f).width(),
            (_, Value::Boolean(b)) => {
                if b {
                    4
                } else {
                    5
                }
            }
        }
    }
}

/// Decides, per column, how its cells are written.
fn plan_columns(df: &DataFrame, base: &Format) -> Result<Vec<ColumnData>, String> {
    df.columns()
        .iter()
        .map(|col| plan_column(col, base).map_err(|e| format!("column {}: {e}", col.name())))
        .collect()
}

fn plan_column(col: &Column, base: &Format) -> Result<ColumnData, polars::error::PolarsError> {
    let dtype = col.dtype();
    Ok(match dtype {
        DataType::String => ColumnData::Text(col.str()?.clone()),
        DataType::Decimal(_, scale) => ColumnData::Decimal {
            mantissas: col.decimal()?.physical().clone(),
            scale: *scale,
            format: base.clone().set_num_format(decimal_num_format(*scale)),
        },
        DataType::Float64 | DataType::Float32 => {
            let name = col.name().as_str();
            let format =
                (name.ends_with("_share") || name.ends_with("_pct") || name.starts_with("pct_"))
                    .then(|| base.clone().set_num_format("0.00%"));
            ColumnData::Float {
                values: col.cast(&DataType::Float64)?.f64()?.clone(),
                format,
            }
        }
        DataType::Boolean => ColumnData::Boolean(col.bool()?.clone()),
        dt if dt.is_integer() => ColumnData::Integer(col.cast(&DataType::Float64)?.f64()?.clone()),
        _ => ColumnData::Text(col.cast(&DataType::String)?.str()?.clone()),
    })
}

/// `#,##0.00` for scale ≤ 2, else `#,##0.00` followed by one `#` per extra
/// scale digit.
fn decimal_num_format(scale: usize) -> String {
    let mut f = String::from("#,##0.00");
    f.extend(std::iter::repeat_n('#', scale.saturating_sub(2)));
    f
}

/// The f64 nearest to `mantissa × 10^-scale`: the exact decimal text parsed
/// by the (correctly rounding) float parser. No range limits, unlike a detour
/// through rust_decimal (96-bit mantissa, scale ≤ 28).
fn decimal_f64(mantissa: i128, scale: usize) -> f64 {
    decimal_text(mantissa, scale)
        .parse::<f64>()
        .unwrap_or(f64::NAN)
}

/// What `#,##0.00##…` shows: thousands separators, at least two decimals,
/// further decimals only when not zero.
fn decimal_display(mantissa: i128, scale: usize) -> String {
    let text = decimal_text(mantissa, scale);
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut frac = frac.trim_end_matches('0').to_string();
    while frac.len() < 2 {
        frac.push('0');
    }
    format!("{sign}{}.{frac}", group_thousands(int))
}

fn group_thousands(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Approximately what the General format shows (at most 11 characters).
fn general_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let mut s = format!("{f}");
    if s.len() > 11 {
        s.truncate(11);
    }
    s
}

/// What `0.00%` shows.
fn percent_text(f: f64) -> String {
    if f.is_finite() {
        format!("{:.2}%", f * 100.0)
    } else {
        String::new()
    }
}

/// Header captions: the Chinese label or the column name, made non-empty and
/// unique (case-insensitively, as Excel tables require).
fn unique_headers(df: &DataFrame) -> Vec<String> {
    let mut seen = HashSet::new();
    df.columns()
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let name = col.name().as_str();
            // The report columns' labels too (per-year ones are made up).
            let base = aggregate::label_zh(name)
                .map(Cow::into_owned)
                .unwrap_or_else(|| {
                    let trimmed = name.trim();
                    if trimmed.is_empty() {
                        format!("Column{}", i + 1)
                    } else {
                        trimmed.to_string()
                    }
                });
            let mut caption = base.clone();
            let mut n = 2;
            while !seen.insert(caption.to_lowercase()) {
                caption = format!("{base}_{n}");
                n += 1;
            }
            caption
        })
        .collect()
}

/// Column widths in character units from the header and the first
/// `WIDTH_SCAN_ROWS` rows.
fn column_widths(columns: &[ColumnData], headers: &[String], height: usize) -> Vec<f64> {
    columns
        .iter()
        .zip(headers)
        .map(|(col, header)| {
            let mut widest = header.width();
            if height > 0 {
                // The header cell of a table also shows the filter button.
                widest += FILTER_BUTTON_WIDTH;
            }
            for value in col.iter().take(WIDTH_SCAN_ROWS) {
                widest = widest.max(col.display_width(value));
            }
            let width = (widest + WIDTH_PADDING).clamp(MIN_WIDTH, MAX_WIDTH);
            width as f64
        })
        .collect()
}

/// Writes rows `offset .. offset + len` of the table to `worksheet`.
fn write_sheet(
    worksheet: &mut Worksheet,
    sheet_name: &str,
    columns: &[ColumnData],
    headers: &[String],
    widths: &[f64],
    offset: usize,
    len: usize,
) -> Result<(), XlsxError> {
    worksheet.set_name(sheet_name)?;
    worksheet.set_freeze_panes(1, 0)?;

    if columns.is_empty() {
        return Ok(());
    }
    let last_col = col_num(columns.len() - 1)?;
    for (i, width) in widths.iter().enumerate() {
        worksheet.set_column_width(col_num(i)?, *width)?;
    }

    if len == 0 {
        // rust_xlsxwriter refuses a table without data rows ("Table must have
        // at least one row"): the header row alone, without a table.
        for (i, header) in headers.iter().enumerate() {
            worksheet.write_string(0, col_num(i)?, header.as_str())?;
        }
        return Ok(());
    }

    // The table writes the header cells itself from the column captions, so
    // the captions and the header cells are the same strings. Added before
    // the data so that the row order also suits a row-streaming worksheet.
    let last_row = row_num(len)?;
    let table_columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(h.as_str()))
        .collect();
    let table = Table::new()
        .set_style(TableStyle::Medium2)
        .set_autofilter(true)
        .set_columns(&table_columns);
    worksheet.add_table(0, 0, last_row, last_col, &table)?;

    // Row by row, each column through its own iterator.
    let mut iters: Vec<_> = columns
        .iter()
        .map(|c| c.iter().skip(offset).take(len))
        .collect();
    for r in 0..len {
        let row = row_num(r + 1)?;
        for (c, (col, it)) in columns.iter().zip(iters.iter_mut()).enumerate() {
            let value = it.next().unwrap_or(Value::Blank);
            write_value(worksheet, row, col_num(c)?, col, value)?;
        }
    }
    Ok(())
}

fn write_value(
    ws: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    column: &ColumnData,
    value: Value<'_>,
) -> Result<(), XlsxError> {
    match value {
        Value::Blank => {}
        // write_string: never a formula, even when it starts with '='.
        Value::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Value::Number(f) => {
            if f.is_finite() {
                ws.write_number(row, col, f)?;
            }
        }
        Value::Decimal(m) => {
            let (scale, format) = match column {
                ColumnData::Decimal { scale, format, .. } => (*scale, Some(format)),
                _ => (0, None),
            };
            let f = decimal_f64(m, scale);
            if f.is_finite() {
                match format {
                    Some(format) => ws.write_number_with_format(row, col, f, format)?,
                    None => ws.write_number(row, col, f)?,
                };
            }
        }
        Value::Float(f) => {
            if f.is_finite() {
                match column {
                    ColumnData::Float {
                        format: Some(format),
                        ..
                    } => ws.write_number_with_format(row, col, f, format)?,
                    _ => ws.write_number(row, col, f)?,
                };
            }
        }
        Value::Boolean(b) => {
            ws.write_boolean(row, col, b)?;
        }
    }
    Ok(())
}

fn row_num(r: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(c: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// The sheet of charts, added when the tables include the reports
/// `summary_by_year` or `project_trend`. It holds the figures it plots, so
/// the charts stay live: edit a figure and the chart follows.
const CHART_SHEET: &str = "图表";
/// Bars in the chart of the largest project changes.
const TOP_CHANGES: usize = 15;
/// Departments in the chart of yearly totals (the largest ones); the
/// `summary_by_year` sheet has them all.
const MAX_CHART_DEPARTMENTS: usize = 12;
/// Chart size in pixels, and the rows it covers at the default row height.
const CHART_WIDTH_PX: u32 = 760;
const CHART_HEIGHT_PX: u32 = 360;
const MONEY_FORMAT: &str = "#,##0.00";
/// Bar colours: increases blue, decreases red (per bar, not "invert if
/// negative", which LibreOffice draws in one colour).
const COLOR_UP: u32 = 0x4472C4;
const COLOR_DOWN: u32 = 0xC0504D;

/// Each department's total (万元) per year, from `summary_by_year`.
struct YearTotals {
    years: Vec<i64>,
    departments: Vec<String>,
    /// `values[d][y]`, for departments[d] and years[y].
    values: Vec<Vec<Option<f64>>>,
}

/// The largest project changes between the last two years, from `project_trend`.
struct TopChanges {
    from: Option<i64>,
    to: i64,
    /// Project, department, change (万元), largest first.
    items: Vec<(String, String, f64)>,
}

/// Longest bar label, in characters; the full name is beside it.
const MAX_BAR_LABEL_CHARS: usize = 24;

/// A bar's label: the project without the department's name in front, and
/// not longer than [`MAX_BAR_LABEL_CHARS`].
fn bar_label(project: &str, department: &str) -> String {
    let short = project
        .strip_prefix(department)
        .filter(|rest| !rest.is_empty() && !department.is_empty())
        .unwrap_or(project);
    if short.chars().count() <= MAX_BAR_LABEL_CHARS {
        return short.to_string();
    }
    let mut out: String = short.chars().take(MAX_BAR_LABEL_CHARS - 1).collect();
    out.push('…');
    out
}

fn table<'a>(tables: &[(&str, &'a DataFrame)], name: &str) -> Option<&'a DataFrame> {
    tables.iter().find(|(n, _)| *n == name).map(|(_, df)| *df)
}

fn text_values(df: &DataFrame, name: &str) -> Option<Vec<Option<String>>> {
    let c = df.column(name).ok()?.cast(&DataType::String).ok()?;
    Some(
        c.str()
            .ok()?
            .iter()
            .map(|v| v.map(str::to_string))
            .collect(),
    )
}

/// A numeric column as f64: decimals exactly rounded, integers as they are.
fn number_values(df: &DataFrame, name: &str) -> Option<Vec<Option<f64>>> {
    let col = df.column(name).ok()?;
    match col.dtype() {
        DataType::Decimal(_, scale) => {
            let scale = *scale;
            let ca = col.decimal().ok()?.physical().clone();
            Some(
                ca.iter()
                    .map(|m| m.map(|m| decimal_f64(m, scale)))
                    .collect(),
            )
        }
        dt if dt.is_primitive_numeric() => {
            let c = col.cast(&DataType::Float64).ok()?;
            Some(c.f64().ok()?.iter().collect())
        }
        _ => None,
    }
}

/// A table that lacks the expected columns gets no chart rather than failing
/// the whole workbook: the tables themselves are what matters.
fn year_totals(df: &DataFrame) -> Option<YearTotals> {
    let year = number_values(df, "year")?;
    let department = text_values(df, "department")?;
    let scope = text_values(df, "scope")?;
    let amount = number_values(df, "amount")?;
    let mut by_dept: BTreeMap<String, BTreeMap<i64, f64>> = BTreeMap::new();
    for i in 0..df.height() {
        if scope[i].as_deref() != Some("department") {
            continue;
        }
        let (Some(y), Some(a)) = (year[i], amount[i]) else {
            continue;
        };
        let d = department[i]
            .clone()
            .unwrap_or_else(|| "（部门未注明）".into());
        *by_dept.entry(d).or_default().entry(y as i64).or_default() += a;
    }
    if by_dept.is_empty() {
        return None;
    }
    let mut largest: Vec<(&String, f64)> = by_dept
        .iter()
        .map(|(d, ys)| (d, ys.values().sum::<f64>()))
        .collect();
    largest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut departments: Vec<String> = largest
        .into_iter()
        .take(MAX_CHART_DEPARTMENTS)
        .map(|(d, _)| d.clone())
        .collect();
    departments.sort();
    let mut years: Vec<i64> = by_dept.values().flat_map(|ys| ys.keys().copied()).collect();
    years.sort_unstable();
    years.dedup();
    let values = departments
        .iter()
        .map(|d| {
            years
                .iter()
                .map(|y| by_dept.get(d).and_then(|ys| ys.get(y)).copied())
                .collect()
        })
        .collect();
    Some(YearTotals {
        years,
        departments,
        values,
    })
}

/// The year of a `<prefix>_<year>` column name.
fn column_year(name: &str, prefix: &str) -> Option<i64> {
    let y = name.strip_prefix(prefix)?.strip_prefix('_')?;
    (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
        .then(|| y.parse().ok())
        .flatten()
}

fn top_changes(df: &DataFrame) -> Option<TopChanges> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let to = names
        .iter()
        .filter_map(|n| column_year(n, "change"))
        .max()?;
    let from = names
        .iter()
        .filter_map(|n| column_year(n, "amount"))
        .filter(|y| *y < to)
        .max();
    let change = number_values(df, &format!("change_{to}"))?;
    let project = text_values(df, "project")?;
    let department = text_values(df, "department").unwrap_or_else(|| vec![None; df.height()]);
    let mut items: Vec<(String, String, f64)> = (0..df.height())
        .filter_map(|i| {
            let c = change[i].filter(|c| *c != 0.0)?;
            Some((
                project[i].clone().unwrap_or_default(),
                department[i].clone().unwrap_or_default(),
                c,
            ))
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    items.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then_with(|| a.0.cmp(&b.0)));
    items.truncate(TOP_CHANGES);
    Some(TopChanges { from, to, items })
}

/// Adds the chart sheet when there is something to chart; returns its name.
fn add_charts(
    workbook: &mut Workbook,
    tables: &[(&str, &DataFrame)],
    base: &Format,
    used_names: &mut HashSet<String>,
) -> Result<Option<String>, XlsxError> {
    let totals = table(tables, "summary_by_year").and_then(year_totals);
    let changes = table(tables, "project_trend").and_then(top_changes);
    if totals.is_none() && changes.is_none() {
        return Ok(None);
    }
    let sheet_name = unique_sheet_name(CHART_SHEET, "", used_names);
    let ws = workbook.add_worksheet();
    ws.set_name(&sheet_name)?;
    let bold = base.clone().set_bold();
    let money = base.clone().set_num_format(MONEY_FORMAT);
    let mut row: RowNum = 0;
    // Widths from the content, as on the table sheets: column A holds years
    // and bar labels, B project names or a department, the rest departments.
    let mut widths = vec!["年度".width(); 2];
    let mut dept_width = 0;
    if let Some(t) = &totals {
        dept_width = t.departments.iter().map(|d| d.width()).max().unwrap_or(0);
        row = totals_chart(ws, &sheet_name, t, row, &bold, &money)?;
    }
    if let Some(c) = &changes {
        for (p, d, _) in &c.items {
            widths[0] = widths[0].max(bar_label(p, d).width());
            widths[1] = widths[1].max(p.width());
            dept_width = dept_width.max(d.width());
        }
        changes_chart(ws, &sheet_name, c, row, &bold, &money)?;
    }
    widths[1] = widths[1].max(dept_width);
    let fit = |w: usize| (w + WIDTH_PADDING).clamp(MIN_WIDTH, MAX_WIDTH) as f64;
    ws.set_column_width(0, fit(widths[0]))?;
    ws.set_column_width(1, fit(widths[1]))?;
    ws.set_column_range_width(2, MAX_CHART_DEPARTMENTS as ColNum + 1, fit(dept_width))?;
    Ok(Some(sheet_name))
}

/// Rows a chart covers, with a blank row after it.
fn chart_rows(height_px: u32) -> RowNum {
    height_px.div_ceil(DEFAULT_ROW_HEIGHT_PX) + 1
}

/// The yearly totals at `row`: a title, years down column A, one column per
/// department, and a column chart below. Returns the next free row.
fn totals_chart(
    ws: &mut Worksheet,
    sheet: &str,
    t: &YearTotals,
    row: RowNum,
    bold: &Format,
    money: &Format,
) -> Result<RowNum, XlsxError> {
    let title = "部门年度预算总额（万元）";
    ws.write_string_with_format(row, 0, title, bold)?;
    ws.write_string_with_format(row + 1, 0, "年度", bold)?;
    let first = row + 2;
    let last = first + row_num(t.years.len().saturating_sub(1))?;
    for (i, y) in t.years.iter().enumerate() {
        ws.write_number(first + row_num(i)?, 0, *y as f64)?;
    }
    let mut chart = Chart::new(ChartType::Column);
    for (d, dept) in t.departments.iter().enumerate() {
        let c = col_num(d + 1)?;
        ws.write_string_with_format(row + 1, c, dept.as_str(), bold)?;
        for (i, v) in t.values[d].iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(first + row_num(i)?, c, *v, money)?;
            }
        }
        chart
            .add_series()
            .set_name((sheet, row + 1, c))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, c, last, c));
    }
    chart.title().set_name(title);
    chart.x_axis().set_name("年度");
    chart.y_axis().set_name("万元").set_num_format("#,##0");
    if t.departments.len() == 1 {
        chart.legend().set_hidden();
    }
    chart.set_width(CHART_WIDTH_PX).set_height(CHART_HEIGHT_PX);
    let chart_row = last + 2;
    ws.insert_chart(chart_row, 0, &chart)?;
    Ok(chart_row + chart_rows(CHART_HEIGHT_PX) + 1)
}

/// The largest changes at `row`: a title, label | project | department |
/// change, and a bar chart below, largest on top, decreases in red.
fn changes_chart(
    ws: &mut Worksheet,
    sheet: &str,
    c: &TopChanges,
    row: RowNum,
    bold: &Format,
    money: &Format,
) -> Result<(), XlsxError> {
    let span = match c.from {
        Some(from) => format!("{from}→{}年", c.to),
        None => format!("{}年", c.to),
    };
    let title = format!("{span}项目金额变化最大的{}个项目（万元）", c.items.len());
    ws.write_string_with_format(row, 0, title.as_str(), bold)?;
    for (col, head) in ["简称", "项目", "部门", "增减（万元）"].iter().enumerate() {
        ws.write_string_with_format(row + 1, col_num(col)?, *head, bold)?;
    }
    let first = row + 2;
    let last = first + row_num(c.items.len().saturating_sub(1))?;
    let mut points = Vec::with_capacity(c.items.len());
    for (i, (project, dept, change)) in c.items.iter().enumerate() {
        let r = first + row_num(i)?;
        ws.write_string(r, 0, bar_label(project, dept).as_str())?;
        ws.write_string(r, 1, project.as_str())?;
        ws.write_string(r, 2, dept.as_str())?;
        ws.write_number_with_format(r, 3, *change, money)?;
        let mut fill = ChartSolidFill::new();
        fill.set_color(if *change < 0.0 { COLOR_DOWN } else { COLOR_UP });
        let mut format = ChartFormat::new();
        format.set_solid_fill(&fill);
        points.push(ChartPoint::new().set_format(&mut format));
    }
    let mut chart = Chart::new(ChartType::Bar);
    let mut labels = ChartDataLabel::new();
    labels.show_value().set_num_format(MONEY_FORMAT);
    chart
        .add_series()
        .set_name((sheet, row + 1, 3))
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 3, last, 3))
        .set_points(&points)
        .set_data_label(&labels);
    chart.title().set_name(title.as_str());
    // A bar chart's category axis is its y axis: reversed, the first
    // (largest) change is on top; labels at the left edge, clear of the
    // bars that go below zero.
    chart
        .y_axis()
        .set_reverse()
        .set_label_position(ChartAxisLabelPosition::Low);
    chart.x_axis().set_name("万元").set_num_format("#,##0");
    chart.legend().set_hidden();
    let height = CHART_HEIGHT_PX / 2 + 28 * u32::try_from(c.items.len()).unwrap_or(0);
    chart.set_width(CHART_WIDTH_PX).set_height(height);
    ws.insert_chart(last + 2, 0, &chart)?;
    Ok(())
}

/// A valid sheet name from `name`: forbidden characters `[ ] : * ? / \` and
/// control characters become `_`, no leading/trailing apostrophe, not blank.
fn sanitize_sheet_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = replaced.trim().trim_matches('\'');
    if trimmed.is_empty() {
        "Sheet".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The longest prefix of `s` of at most `max` UTF-16 code units, without a
/// trailing apostrophe or space.
fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            break;
        }
        end = i + c.len_utf8();
    }
    s[..end].trim_end_matches(['\'', ' '])
}

/// `name` (sanitised) followed by `suffix`, at most 31 UTF-16 units, and
/// unique (case-insensitively) among `used`, which it joins.
fn unique_sheet_name(name: &str, suffix: &str, used: &mut HashSet<String>) -> String {
    let base = sanitize_sheet_name(name);
    let mut n = 1usize;
    loop {
        let tail = if n == 1 {
            suffix.to_string()
        } else {
            format!("{suffix}_{n}")
        };
        let room = SHEET_NAME_MAX.saturating_sub(tail.encode_utf16().count());
        let mut head = truncate_utf16(&base, room).to_string();
        if head.is_empty() {
            head = "Sheet".to_string();
        }
        let candidate = format!("{head}{tail}");
        if used.insert(candidate.to_lowercase()) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};
    use polars::prelude::{IntoColumn, IntoSeries};

    fn sample() -> DataFrame {
        let project = Column::new(
            "project".into(),
            &[
                Some("城乡居民基本医疗保险补助"),
                Some("=SUM(A1:A2)"),
                None,
                Some("义务教育经费保障机制"),
            ],
        );
        let year = Column::new("year".into(), &[2024i32, 2024, 2025, 2025]);
        let amount = Int128Chunked::from_vec("amount".into(), vec![95000, 123456789, -33015, 5])
            .into_decimal(18, 2)
            .expect("decimal")
            .into_series()
            .into_column();
        let share = Column::new(
            "amount_share".into(),
            &[Some(0.25f64), None, Some(1.0), Some(0.5)],
        );
        DataFrame::new(4, vec![project, year, amount, share]).expect("frame")
    }

    fn read(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
        open_workbook(path).expect("open xlsx")
    }

    #[test]
    fn writes_a_zip_deterministically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let df = sample();
        let a = dir.path().join("a.xlsx");
        let b = dir.path().join("b.xlsx");
        let stats = write_xlsx(&a, &[("projects", &df)]).expect("write a");
        write_xlsx(&b, &[("projects", &df)]).expect("write b");
        assert_eq!(
            stats,
            XlsxStats {
                sheets: vec!["项目".to_string()],
                rows: 4
            }
        );
        let bytes_a = std::fs::read(&a).expect("read a");
        let bytes_b = std::fs::read(&b).expect("read b");
        assert!(bytes_a.starts_with(b"PK"));
        assert_eq!(bytes_a, bytes_b, "output must be byte-identical");
        // No temporary file left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn reads_back_with_headers_types_and_table() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.xlsx");
        let df = sample();
        write_xlsx(&path, &[("projects", &df)]).expect("write");

        let mut wb = read(&path);
        assert_eq!(wb.sheet_names(), vec!["项目".to_string()]);
        let range = wb.worksheet_range("项目").expect("sheet");
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell(0, 0), Data::String("项目名称".into()));
        assert_eq!(cell(0, 1), Data::String("年度".into()));
        assert_eq!(cell(0, 2), Data::String("金额（万元）".into()));
        assert_eq!(cell(0, 3), Data::String("amount_share".into()));
        assert_eq!(cell(1, 0), Data::String("城乡居民基本医疗保险补助".into()));
        // A string starting with '=' stays a string.
        assert_eq!(cell(2, 0), Data::String("=SUM(A1:A2)".into()));
        assert_eq!(cell(3, 0), Data::Empty);
        assert_eq!(cell(1, 1), Data::Float(2024.0));
        assert_eq!(cell(1, 2), Data::Float(950.0));
        assert_eq!(cell(2, 2), Data::Float(1234567.89));
        assert_eq!(cell(3, 2), Data::Float(-330.15));
        assert_eq!(cell(4, 2), Data::Float(0.05));
        assert_eq!(cell(1, 3), Data::Float(0.25));
        assert_eq!(cell(2, 3), Data::Empty);

        wb.load_tables().expect("tables");
        let names: Vec<String> = wb.table_names().into_iter().cloned().collect();
        assert_eq!(names.len(), 1);
        let table = wb.table_by_name(&names[0]).expect("table");
        assert_eq!(
            table.columns(),
            &["项目名称", "年度", "金额（万元）", "amount_share"].map(String::from)
        );
    }

    #[test]
    fn splits_tables_over_sheets() {
        let df = sample();
        let empty = df.clear();
        let (mut wb, stats) =
            build_workbook(&[("projects", &df), ("rejects", &empty)], 3).expect("build");
        assert_eq!(stats.sheets, vec!["项目", "项目_2", "未能解析"]);
        assert_eq!(stats.rows, 4);

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("split.xlsx");
        std::fs::write(&path, wb.save_to_buffer().expect("save")).expect("write");
        let mut book = read(&path);
        let second = book.worksheet_range("项目_2").expect("sheet 2");
        assert_eq!(
            second.get_value((0, 0)).cloned(),
            Some(Data::String("项目名称".into()))
        );
        assert_eq!(
            second.get_value((1, 0)).cloned(),
            Some(Data::String("义务教育经费保障机制".into()))
        );
        assert_eq!(second.get_value((1, 2)).cloned(), Some(Data::Float(0.05)));
        // The empty table still has its header row.
        let rejects = book.worksheet_range("未能解析").expect("rejects");
        assert_eq!(
            rejects.get_value((0, 1)).cloned(),
            Some(Data::String("年度".into()))
        );
        book.load_tables().expect("tables");
        assert_eq!(book.table_names().len(), 2);
    }

    #[test]
    fn duplicate_labels_become_unique_headers() {
        let df = DataFrame::new(
            1,
            vec![
                Column::new("indicators".into(), &[3i64]),
                Column::new("indicator_count".into(), &[4u32]),
            ],
        )
        .expect("frame");
        assert_eq!(unique_headers(&df), vec!["指标数", "指标数_2"]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("dup.xlsx");
        write_xlsx(&path, &[("summary", &df)]).expect("write");
    }

    #[test]
    fn sheet_names_are_sanitised_and_unique() {
        let mut used = HashSet::from(["history".to_string()]);
        assert_eq!(
            unique_sheet_name("a[b]:c*d?e/f\\g", "", &mut used),
            "a_b__c_d_e_f_g"
        );
        let long = "绩效指标".repeat(10);
        let n1 = unique_sheet_name(&long, "", &mut used);
        assert_eq!(n1.encode_utf16().count(), 31);
        let n2 = unique_sheet_name(&long, "", &mut used);
        assert_eq!(n2.encode_utf16().count(), 31);
        assert!(n2.ends_with("_2"));
        let n3 = unique_sheet_name(&long, "_2", &mut used);
        assert_ne!(n3, n2);
        assert!(n3.encode_utf16().count() <= 31);
        assert_eq!(unique_sheet_name("History", "", &mut used), "History_2");
        assert_eq!(unique_sheet_name("'x'", "", &mut used), "x");
        assert_eq!(unique_sheet_name("X", "", &mut used), "X_2");
        assert_eq!(unique_sheet_name("", "", &mut used), "Sheet");
    }

    fn money(name: &str, cents: &[Option<i128>]) -> Column {
        use polars::prelude::NewChunkedArray;
        Int128Chunked::from_iter_options(name.into(), cents.iter().copied())
            .into_decimal(38, 2)
            .expect("decimal")
            .into_series()
            .into_column()
    }

    #[test]
    fn report_tables_get_a_chart_sheet() {
        let summary = DataFrame::new(
            4,
            vec![
                Column::new("year".into(), &[2024i32, 2024, 2025, 2025]),
                Column::new("department".into(), &["甲局", "甲局", "甲局", "乙局"]),
                Column::new(
                    "scope".into(),
                    &["department", "unit", "department", "department"],
                ),
                money(
                    "amount",
                    &[Some(95000), Some(95000), Some(61770), Some(100)],
                ),
            ],
        )
        .expect("summary");
        let trend = DataFrame::new(
            3,
            vec![
                Column::new("department".into(), &["甲局", "甲局", "乙局"]),
                Column::new(
                    "project".into(),
                    &["甲局2025年建设项目", "工作经费", "宣传"],
                ),
                money("amount_2024", &[None, Some(1000), Some(500)]),
                money("amount_2025", &[Some(7000), None, Some(500)]),
                money("change_2025", &[Some(7000), Some(-1000), Some(0)]),
                Column::new("pct_2025".into(), &[None, Some(-1.0f64), Some(0.0)]),
            ],
        )
        .expect("trend");
        let tables = [("summary_by_year", &summary), ("project_trend", &trend)];
        let (mut wb, stats) = build_workbook(&tables, MAX_DATA_ROWS).expect("build");
        assert_eq!(stats.sheets, vec!["年度汇总", "项目跨年趋势", "图表"]);
        assert_eq!(
            stats.rows, 7,
            "the chart sheet's figures are not table rows"
        );
        let bytes = wb.save_to_buffer().expect("save");
        let (mut again, _) = build_workbook(&tables, MAX_DATA_ROWS).expect("build");
        assert_eq!(
            bytes,
            again.save_to_buffer().expect("save"),
            "deterministic"
        );
        let has = |n: &str| bytes.windows(n.len()).any(|w| w == n.as_bytes());
        assert!(has("xl/charts/chart1.xml") && has("xl/charts/chart2.xml"));
        assert!(!has("xl/charts/chart3.xml"));

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("charts.xlsx");
        std::fs::write(&path, &bytes).expect("write");
        let mut book = read(&path);
        let sheet = book.worksheet_range("图表").expect("chart sheet");
        let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        // Totals: years down, departments across (sorted), unit rows left out.
        assert_eq!(cell(1, 1), Data::String("乙局".into()));
        assert_eq!(cell(1, 2), Data::String("甲局".into()));
        assert_eq!(cell(2, 0), Data::Float(2024.0));
        assert_eq!(cell(2, 1), Data::Empty);
        assert_eq!(cell(2, 2), Data::Float(950.0));
        assert_eq!(cell(3, 1), Data::Float(1.0));
        assert_eq!(cell(3, 2), Data::Float(617.7));
        // Changes: largest first, zero left out, the label without the
        // department's name; below the first chart.
        let head = (0..200)
            .find(|&r| cell(r, 1) == Data::String("项目".into()))
            .expect("changes block");
        assert_eq!(
            cell(head - 1, 0),
            Data::String("2024→2025年项目金额变化最大的2个项目（万元）".into())
        );
        assert_eq!(cell(head + 1, 0), Data::String("2025年建设项目".into()));
        assert_eq!(cell(head + 1, 1), Data::String("甲局2025年建设项目".into()));
        assert_eq!(cell(head + 1, 3), Data::Float(70.0));
        assert_eq!(cell(head + 2, 0), Data::String("工作经费".into()));
        assert_eq!(cell(head + 2, 3), Data::Float(-10.0));
        assert_eq!(cell(head + 3, 0), Data::Empty);
    }

    #[test]
    fn tables_without_report_columns_get_no_charts() {
        let df = sample();
        let (_, stats) = build_workbook(&[("summary_by_year", &df)], MAX_DATA_ROWS).expect("build");
        assert_eq!(stats.sheets, vec!["年度汇总"]);
    }

    #[test]
    fn number_formats_and_display_text() {
        assert_eq!(decimal_num_format(0), "#,##0.00");
        assert_eq!(decimal_num_format(2), "#,##0.00");
        assert_eq!(decimal_num_format(4), "#,##0.00##");
        assert_eq!(decimal_display(123456789, 2), "1,234,567.89");
        assert_eq!(decimal_display(-33015, 2), "-330.15");
        assert_eq!(decimal_display(7, 0), "7.00");
        assert_eq!(decimal_display(1_234_500, 4), "123.45");
        assert_eq!(decimal_display(1_234_567, 4), "123.4567");
        assert_eq!(decimal_f64(5, 2), 0.05);
        assert_eq!(percent_text(0.1234), "12.34%");
    }
}

//! XLSX output: one workbook, one worksheet per table, each worksheet an Excel
//! table (header + autofilter) with Chinese captions, frozen header row and
//! column widths computed from the content.
//!
//! Given chart blocks (a title, figures, how to draw them), a last sheet,
//! 图表, gets native charts (live and editable in Excel, WPS and
//! LibreOffice) beside the figures they plot. The writer knows tables,
//! captions and charts, nothing of what the tables are.
//!
//! The output is deterministic: the same tables give a byte-identical file
//! (fixed document creation time; rust_xlsxwriter already stamps every zip
//! entry with the fixed DOS date 1980-01-01 00:00).

use std::collections::HashSet;
use std::path::Path;

use polars::prelude::{
    BooleanChunked, Column, DataFrame, DataType, Float64Chunked, Int128Chunked, StringChunked,
};
use rust_xlsxwriter::{
    Chart, ChartAxisLabelPosition, ChartDataLabel, ChartFormat, ChartPoint, ChartSolidFill,
    ChartType, ColNum, ConditionalFormatFormula, DocProperties, ExcelDateTime, Format,
    FormatBorder, RowNum, Table, TableColumn, TableStyle, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::{Batches, EmitError, atomic_write, decimal_f64, decimal_text};

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

/// A table to write: its sheet's name, the captions of its columns (one per
/// column, in order) and its rows, read batch by batch.
pub struct Sheet<'a> {
    pub label: String,
    pub captions: Vec<String>,
    /// Rows the table has (the sheets it needs are laid out before it is read).
    pub rows: usize,
    pub table: &'a dyn Batches,
}

/// One block of the chart sheet: a title, a table of the figures, and a
/// chart of them below it. Given by whoever made the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartBlock {
    pub title: String,
    pub kind: ChartKind,
    /// The header row of the figures.
    pub header: Vec<String>,
    /// The figures, row by row, as wide as the header.
    pub rows: Vec<Vec<ChartCell>>,
    /// The column of the category labels.
    pub categories: usize,
    /// The columns plotted, one series each, named by their header.
    pub series: Vec<usize>,
    pub category_axis: Option<String>,
    /// The value axis' title; its numbers show as `#,##0`.
    pub value_axis: String,
}

/// How a chart block is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Columns: one colour per series, categories along the bottom.
    Columns,
    /// Horizontal bars of one series, first row on top, each bar blue when
    /// positive and red when negative, its value written beside it.
    RankedBars,
}

/// A figure of a chart block.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartCell {
    Empty,
    Text(String),
    /// A plain number (a year).
    Number(f64),
    /// An amount, shown as `#,##0.00`.
    Money(f64),
}

/// Writes one workbook with one worksheet per table and, when `charts` is
/// not empty, a last sheet of charts; atomically (temp file then rename).
/// Tables are read batch by batch: memory does not grow with their rows.
///
/// A table with more rows than fit in one worksheet continues on worksheets
/// named `<label>_2`, `<label>_3`, …, each with its own header row.
pub fn write_xlsx(
    path: &Path,
    sheets: &[Sheet<'_>],
    charts: &[ChartBlock],
) -> Result<XlsxStats, EmitError> {
    write_xlsx_with(path, sheets, charts, &XlsxOptions::default())
}

/// How worksheets hold their rows while the workbook is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memory {
    /// Rows on disk; strings in the workbook's shared string table (memory
    /// grows with the distinct strings).
    Low,
    /// Rows on disk, strings inline in each cell: memory does not grow.
    Constant,
}

/// The deflate level of the workbook's zip container by default: Excel's
/// own. Compressing the sheets is most of the time a large workbook takes
/// to write; the default level 6 of the zip crate took 40% longer than 3
/// for 15% smaller files (README, Speed).
pub const DEFAULT_ZIP_LEVEL: u8 = 3;

/// The deflate levels a workbook can be written at (rust_xlsxwriter's).
pub const ZIP_LEVELS: std::ops::RangeInclusive<u8> = 1..=9;

/// How a workbook is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XlsxOptions {
    pub memory: Memory,
    /// Deflate level of the zip container, 1 (fastest) to 9.
    pub zip_level: u8,
}

impl Default for XlsxOptions {
    fn default() -> Self {
        XlsxOptions {
            memory: Memory::Low,
            zip_level: DEFAULT_ZIP_LEVEL,
        }
    }
}

/// [`write_xlsx`] with the worksheets' memory mode and the zip level chosen.
pub fn write_xlsx_with(
    path: &Path,
    sheets: &[Sheet<'_>],
    charts: &[ChartBlock],
    opts: &XlsxOptions,
) -> Result<XlsxStats, EmitError> {
    if !ZIP_LEVELS.contains(&opts.zip_level) {
        return Err(EmitError::format(
            path,
            format!("zip level {}: expected 1 to 9", opts.zip_level),
        ));
    }
    // The worksheets' temporary files go beside the output, not to TMPDIR
    // (containers often give a small /tmp): the output's disk is the one
    // that must hold the workbook anyway.
    let beside = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // rust_xlsxwriter panics when a write to its temporary files fails (a
    // full disk): that is this output's error, never the end of the run.
    let unwound = |what: &str| {
        EmitError::format(
            path,
            format!(
                "{what} failed writing its temporary files in {} (is the disk full?)",
                beside.display()
            ),
        )
    };
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build_workbook(sheets, charts, MAX_DATA_ROWS, opts.memory, Some(beside))
    }))
    .map_err(|_| unwound("building the workbook"))?;
    let (mut workbook, stats) = built.map_err(|m| EmitError::format(path, m))?;
    workbook.set_zip_compression_level(opts.zip_level);
    atomic_write(path, |w| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| workbook.save_to_writer(w)))
            .map_err(|_| unwound("saving the workbook"))?
            .map_err(|e| EmitError::format(path, e))
    })?;
    Ok(stats)
}

/// Builds the workbook. `rows_per_sheet` is the number of data rows per
/// worksheet (a parameter so that tests can exercise the split).
fn build_workbook(
    sheets: &[Sheet<'_>],
    charts: &[ChartBlock],
    rows_per_sheet: usize,
    memory: Memory,
    tempdir: Option<&Path>,
) -> Result<(Workbook, XlsxStats), String> {
    let rows_per_sheet = rows_per_sheet.clamp(1, MAX_DATA_ROWS);
    let mut workbook = Workbook::new();
    if let Some(dir) = tempdir {
        workbook
            .set_tempdir(dir)
            .map_err(|e| format!("temporary files in {}: {e}", dir.display()))?;
    }

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
    for sheet in sheets {
        write_table(
            &mut workbook,
            memory,
            sheet,
            &base,
            rows_per_sheet,
            &mut used_names,
            &mut stats,
        )
        .map_err(|e| format!("table {}: {e}", sheet.label))?;
    }
    if !charts.is_empty() {
        let name = add_charts(&mut workbook, charts, &base, &mut used_names)
            .map_err(|e| format!("sheet {CHART_SHEET}: {e}"))?;
        stats.sheets.push(name);
    }
    Ok((workbook, stats))
}

/// Lays out the worksheets of one table (an Excel table each, sized to its
/// share of the rows), then writes the rows batch by batch. Low-memory
/// worksheets: a finished row goes to a temporary file; the shared string
/// table stays, which WPS needs (constant-memory files, with inline
/// strings, were reported not to open there).
fn write_table(
    workbook: &mut Workbook,
    memory: Memory,
    sheet: &Sheet<'_>,
    base: &Format,
    rows_per_sheet: usize,
    used_names: &mut HashSet<String>,
    stats: &mut XlsxStats,
) -> Result<(), String> {
    let schema = sheet.table.schema().map_err(|e| e.to_string())?;
    if sheet.captions.len() != schema.len() {
        return Err(format!(
            "{} captions for {} columns",
            sheet.captions.len(),
            schema.len()
        ));
    }
    let captions = unique_captions(&sheet.captions);
    let height = sheet.rows;
    let parts = height.div_ceil(rows_per_sheet).max(1);
    let first_index = workbook.worksheets().len();
    // The header of a sheet too large for an Excel table.
    let header = base
        .clone()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    for part in 0..parts {
        let suffix = if part == 0 {
            String::new()
        } else {
            format!("_{}", part + 1)
        };
        let name = unique_sheet_name(&sheet.label, &suffix, used_names);
        let len = rows_per_sheet.min(height - part * rows_per_sheet);
        let ws = match memory {
            Memory::Low => workbook.add_worksheet_with_low_memory(),
            Memory::Constant => workbook.add_worksheet_with_constant_memory(),
        }
        .map_err(|e| e.to_string())?;
        lay_out_sheet(ws, &name, &captions, len, &header)
            .map_err(|e| format!("sheet {name}: {e}"))?;
        stats.sheets.push(name);
    }

    // Widths from the captions and the first rows, set once they are read.
    let mut widths: Vec<usize> = captions
        .iter()
        .map(|c| c.width() + if height > 0 { FILTER_BUTTON_WIDTH } else { 0 })
        .collect();
    let mut written = 0usize;
    let mut failure: Option<String> = None;
    let result = sheet.table.for_each_batch(&mut |df| {
        let columns = match plan_columns(df, base) {
            Ok(c) => c,
            Err(e) => {
                failure = Some(e);
                return Err(polars::prelude::polars_err!(ComputeError: "columns"));
            }
        };
        let mut iters: Vec<_> = columns.iter().map(ColumnData::iter).collect();
        for _ in 0..df.height() {
            if written >= height {
                failure = Some(format!("more rows than the {height} announced"));
                return Err(polars::prelude::polars_err!(ComputeError: "rows"));
            }
            let part = written / rows_per_sheet;
            let row = (written % rows_per_sheet) + 1;
            let scan = written < WIDTH_SCAN_ROWS;
            let step = (|| -> Result<(), XlsxError> {
                let ws = workbook.worksheet_from_index(first_index + part)?;
                let row = row_num(row)?;
                for (c, (col, it)) in columns.iter().zip(iters.iter_mut()).enumerate() {
                    let value = it.next().unwrap_or(Value::Blank);
                    if scan && let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(col.display_width(value));
                    }
                    write_value(ws, row, col_num(c)?, col, value)?;
                }
                Ok(())
            })();
            if let Err(e) = step {
                failure = Some(e.to_string());
                return Err(polars::prelude::polars_err!(ComputeError: "cells"));
            }
            written += 1;
        }
        Ok(())
    });
    if let Some(f) = failure {
        return Err(f);
    }
    result.map_err(|e| e.to_string())?;
    if written != height {
        return Err(format!("{written} rows, {height} announced"));
    }
    stats.rows += written;
    for part in 0..parts {
        let ws = workbook
            .worksheet_from_index(first_index + part)
            .map_err(|e| e.to_string())?;
        for (i, w) in widths.iter().enumerate() {
            let width = (w + WIDTH_PADDING).clamp(MIN_WIDTH, MAX_WIDTH);
            ws.set_column_width(col_num(i).map_err(|e| e.to_string())?, width as f64)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Cells (rows × columns) up to which a sheet is an Excel table. Beyond,
/// the sheet gets a bold header row with an autofilter instead: for its
/// overlap check rust_xlsxwriter keeps a hash entry for every cell of a
/// table's range (about 40 bytes a cell: 1 GB for a million rows of 25
/// columns, and as many seconds of hashing).
const TABLE_MAX_CELLS: usize = 1_000_000;

/// Names the worksheet, freezes the header row and adds the Excel table of
/// `len` data rows (before the data, which suits a row-streaming worksheet),
/// or for a large sheet a header row with an autofilter.
fn lay_out_sheet(
    ws: &mut Worksheet,
    name: &str,
    captions: &[String],
    len: usize,
    header: &Format,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.set_freeze_panes(1, 0)?;
    if captions.is_empty() {
        return Ok(());
    }
    let last_col = col_num(captions.len() - 1)?;
    highlight_must(ws, captions, len, last_col)?;
    if len == 0 || len.saturating_mul(captions.len()) > TABLE_MAX_CELLS {
        // rust_xlsxwriter refuses a table without data rows ("Table must have
        // at least one row"): the header row alone, without a table.
        for (i, caption) in captions.iter().enumerate() {
            ws.write_string_with_format(0, col_num(i)?, caption.as_str(), header)?;
        }
        if len > 0 {
            ws.autofilter(0, 0, row_num(len)?, last_col)?;
        }
        return Ok(());
    }
    // The table writes the header cells itself from the column captions.
    let table_columns: Vec<TableColumn> = captions
        .iter()
        .map(|h| TableColumn::new().set_header(h.as_str()))
        .collect();
    let table = Table::new()
        .set_style(TableStyle::Medium2)
        .set_autofilter(true)
        .set_columns(&table_columns);
    ws.add_table(0, 0, row_num(len)?, last_col, &table)?;
    Ok(())
}

/// The review's findings (审核意见): rows of a must-finding shaded red, so
/// that what goes back for revision stands out in the filterable list.
fn highlight_must(
    ws: &mut Worksheet,
    captions: &[String],
    len: usize,
    last_col: ColNum,
) -> Result<(), XlsxError> {
    let severity = crate::schema::label_zh("severity").unwrap_or("severity");
    let Some(i) = captions.iter().position(|c| c == severity) else {
        return Ok(());
    };
    if len == 0 {
        return Ok(());
    }
    let letter = jixiao_core::model::column_name(u32::from(col_num(i)?));
    let rule = ConditionalFormatFormula::new()
        .set_rule(format!("=${letter}2=\"must\"").as_str())
        .set_format(
            Format::new()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006),
        );
    ws.add_conditional_format(1, 0, row_num(len)?, last_col, &rule)?;
    Ok(())
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

/// Captions made non-empty and unique (case-insensitively, as Excel tables
/// require).
fn unique_captions(captions: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    captions
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let trimmed = name.trim();
            let base = if trimmed.is_empty() {
                format!("Column{}", i + 1)
            } else {
                trimmed.to_string()
            };
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

/// The sheet of charts. It holds the figures it plots, so the charts stay
/// live: edit a figure and the chart follows.
const CHART_SHEET: &str = "图表";
/// Chart size in pixels, and the rows it covers at the default row height.
const CHART_WIDTH_PX: u32 = 760;
const CHART_HEIGHT_PX: u32 = 360;
const MONEY_FORMAT: &str = "#,##0.00";
/// Bar colours: increases blue, decreases red (per bar, not "invert if
/// negative", which LibreOffice draws in one colour).
const COLOR_UP: u32 = 0x4472C4;
const COLOR_DOWN: u32 = 0xC0504D;

/// Adds the chart sheet, its blocks one below the other; returns its name.
fn add_charts(
    workbook: &mut Workbook,
    blocks: &[ChartBlock],
    base: &Format,
    used_names: &mut HashSet<String>,
) -> Result<String, XlsxError> {
    let sheet_name = unique_sheet_name(CHART_SHEET, "", used_names);
    let ws = workbook.add_worksheet();
    ws.set_name(&sheet_name)?;
    let bold = base.clone().set_bold();
    let money = base.clone().set_num_format(MONEY_FORMAT);
    let mut row: RowNum = 0;
    // Widths from the content, as on the table sheets (titles excepted:
    // they run over the empty cells beside them).
    let mut widths: Vec<usize> = Vec::new();
    for block in blocks {
        let cells = block.header.iter().map(|h| (h.as_str(), None)).chain(
            block
                .rows
                .iter()
                .flat_map(|r| r.iter().map(|c| ("", Some(c)))),
        );
        let mut width_of = |i: usize, w: usize| {
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            if let Some(x) = widths.get_mut(i) {
                *x = (*x).max(w);
            }
        };
        let n = block.header.len().max(1);
        for (i, (h, c)) in cells.enumerate() {
            let w = match c {
                None => h.width(),
                Some(ChartCell::Text(s)) => s.width(),
                Some(ChartCell::Number(f)) => general_text(*f).width(),
                Some(ChartCell::Money(f)) => format!("{f:.2}").width() + 2,
                Some(ChartCell::Empty) => 0,
            };
            width_of(i % n, w);
        }
        row = chart_block(ws, &sheet_name, block, row, &bold, &money)?;
    }
    for (i, w) in widths.iter().enumerate() {
        let width = (w + WIDTH_PADDING).clamp(MIN_WIDTH, MAX_WIDTH);
        ws.set_column_width(col_num(i)?, width as f64)?;
    }
    Ok(sheet_name)
}

/// Rows a chart covers, with a blank row after it.
fn chart_rows(height_px: u32) -> RowNum {
    height_px.div_ceil(DEFAULT_ROW_HEIGHT_PX) + 1
}

/// One block at `row`: its title, header and figures, and the chart below.
/// Returns the next free row.
fn chart_block(
    ws: &mut Worksheet,
    sheet: &str,
    b: &ChartBlock,
    row: RowNum,
    bold: &Format,
    money: &Format,
) -> Result<RowNum, XlsxError> {
    ws.write_string_with_format(row, 0, b.title.as_str(), bold)?;
    for (c, head) in b.header.iter().enumerate() {
        ws.write_string_with_format(row + 1, col_num(c)?, head.as_str(), bold)?;
    }
    let first = row + 2;
    let last = first + row_num(b.rows.len().saturating_sub(1))?;
    for (i, cells) in b.rows.iter().enumerate() {
        let r = first + row_num(i)?;
        for (c, cell) in cells.iter().enumerate() {
            let c = col_num(c)?;
            match cell {
                ChartCell::Empty => {}
                ChartCell::Text(s) => {
                    ws.write_string(r, c, s.as_str())?;
                }
                ChartCell::Number(f) => {
                    ws.write_number(r, c, *f)?;
                }
                ChartCell::Money(f) => {
                    ws.write_number_with_format(r, c, *f, money)?;
                }
            }
        }
    }
    let cat = col_num(b.categories)?;
    let (mut chart, height) = match b.kind {
        ChartKind::Columns => (Chart::new(ChartType::Column), CHART_HEIGHT_PX),
        ChartKind::RankedBars => {
            let n = u32::try_from(b.rows.len()).unwrap_or(u32::MAX);
            (
                Chart::new(ChartType::Bar),
                CHART_HEIGHT_PX / 2 + 28u32.saturating_mul(n),
            )
        }
    };
    for &s in &b.series {
        let c = col_num(s)?;
        let series = chart
            .add_series()
            .set_name((sheet, row + 1, c))
            .set_categories((sheet, first, cat, last, cat))
            .set_values((sheet, first, c, last, c));
        if b.kind == ChartKind::RankedBars {
            let points: Vec<ChartPoint> = b
                .rows
                .iter()
                .map(|cells| {
                    let negative =
                        matches!(cells.get(s), Some(ChartCell::Money(f) | ChartCell::Number(f)) if *f < 0.0);
                    let mut fill = ChartSolidFill::new();
                    fill.set_color(if negative { COLOR_DOWN } else { COLOR_UP });
                    let mut format = ChartFormat::new();
                    format.set_solid_fill(&fill);
                    ChartPoint::new().set_format(&mut format)
                })
                .collect();
            let mut labels = ChartDataLabel::new();
            labels.show_value().set_num_format(MONEY_FORMAT);
            series.set_points(&points).set_data_label(&labels);
        }
    }
    chart.title().set_name(b.title.as_str());
    match b.kind {
        ChartKind::Columns => {
            if let Some(a) = &b.category_axis {
                chart.x_axis().set_name(a.as_str());
            }
            chart
                .y_axis()
                .set_name(b.value_axis.as_str())
                .set_num_format("#,##0");
        }
        ChartKind::RankedBars => {
            // A bar chart's category axis is its y axis: reversed, the first
            // row is on top; labels at the left edge, clear of the bars that
            // go below zero.
            chart
                .y_axis()
                .set_reverse()
                .set_label_position(ChartAxisLabelPosition::Low);
            if let Some(a) = &b.category_axis {
                chart.y_axis().set_name(a.as_str());
            }
            chart
                .x_axis()
                .set_name(b.value_axis.as_str())
                .set_num_format("#,##0");
        }
    }
    if b.series.len() == 1 {
        chart.legend().set_hidden();
    }
    chart.set_width(CHART_WIDTH_PX).set_height(height);
    let chart_row = last + 2;
    ws.insert_chart(chart_row, 0, &chart)?;
    Ok(chart_row + chart_rows(height) + 1)
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

    /// The tables as sheets with the labels the pipeline gives them.
    fn with_sheets<R>(tables: &[(&str, &DataFrame)], f: impl FnOnce(&[Sheet<'_>]) -> R) -> R {
        let sheets: Vec<Sheet<'_>> = tables
            .iter()
            .map(|(n, df)| crate::aggregate::sheet(n, *df, df.height()).expect("sheet"))
            .collect();
        f(&sheets)
    }

    fn write(path: &Path, tables: &[(&str, &DataFrame)]) -> Result<XlsxStats, EmitError> {
        with_sheets(tables, |s| write_xlsx(path, s, &[]))
    }

    fn build(
        tables: &[(&str, &DataFrame)],
        charts: &[ChartBlock],
        rows: usize,
    ) -> Result<(Workbook, XlsxStats), String> {
        with_sheets(tables, |s| {
            build_workbook(s, charts, rows, Memory::Low, None)
        })
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
        let stats = write(&a, &[("projects", &df)]).expect("write a");
        write(&b, &[("projects", &df)]).expect("write b");
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
    fn the_zip_level_is_applied_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        // Enough rows that deflate levels differ in size.
        let n = 20_000;
        let df = DataFrame::new(
            n,
            vec![
                Column::new(
                    "project".into(),
                    (0..n)
                        .map(|i| format!("项目{}", i % 977))
                        .collect::<Vec<_>>(),
                ),
                Column::new(
                    "year".into(),
                    (0..n).map(|i| 2000 + (i % 30) as i32).collect::<Vec<_>>(),
                ),
            ],
        )
        .expect("frame");
        let at = |level: u8| {
            let path = dir.path().join(format!("l{level}.xlsx"));
            with_sheets(&[("projects", &df)], |s| {
                write_xlsx_with(
                    &path,
                    s,
                    &[],
                    &XlsxOptions {
                        zip_level: level,
                        ..XlsxOptions::default()
                    },
                )
            })
            .map(|_| path)
        };
        let fast = at(1).expect("level 1");
        let small = at(9).expect("level 9");
        let size = |p: &Path| std::fs::metadata(p).expect("size").len();
        assert!(
            size(&fast) > size(&small),
            "{} <= {}",
            size(&fast),
            size(&small)
        );
        // Both read back the same.
        for p in [&fast, &small] {
            let range = read(p).worksheet_range("项目").expect("sheet");
            assert_eq!(range.height(), n + 1);
            assert_eq!(
                range.get_value((977 + 1, 0)),
                Some(&Data::String("项目0".into()))
            );
        }
        let bad = at(0).expect_err("level 0");
        assert!(bad.to_string().contains("l0.xlsx"), "{bad}");
        assert!(bad.to_string().contains("1 to 9"), "{bad}");
        assert!(!dir.path().join("l0.xlsx").exists());
    }

    #[test]
    fn reads_back_with_headers_types_and_table() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.xlsx");
        let df = sample();
        write(&path, &[("projects", &df)]).expect("write");

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
            build(&[("projects", &df), ("rejects", &empty)], &[], 3).expect("build");
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
        let (_, captions) = crate::aggregate::captions(
            "summary",
            &["indicators".to_string(), "indicator_count".to_string()],
        );
        assert_eq!(unique_captions(&captions), vec!["指标数", "指标数_2"]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("dup.xlsx");
        write(&path, &[("summary", &df)]).expect("write");
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
        let charts = crate::aggregate::ChartData::of_tables(Some(&summary), Some(&trend), 12)
            .blocks(true, true);
        let (mut wb, stats) = build(&tables, &charts, MAX_DATA_ROWS).expect("build");
        assert_eq!(stats.sheets, vec!["年度汇总", "项目跨年趋势", "图表"]);
        assert_eq!(
            stats.rows, 7,
            "the chart sheet's figures are not table rows"
        );
        let bytes = wb.save_to_buffer().expect("save");
        let (mut again, _) = build(&tables, &charts, MAX_DATA_ROWS).expect("build");
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
        let charts =
            crate::aggregate::ChartData::of_tables(Some(&df), Some(&df), 12).blocks(true, true);
        assert!(charts.is_empty());
        let (_, stats) = build(&[("summary_by_year", &df)], &charts, MAX_DATA_ROWS).expect("build");
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

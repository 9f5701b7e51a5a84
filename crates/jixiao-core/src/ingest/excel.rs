//! Workbooks (.xlsx, .xlsm, .xls, .ods; .xlsb without merged cells) into the
//! same [`Document`] as the text parser, so no later stage can tell them apart.
//!
//! A sheet is read into a sparse [`grid::Grid`] (non-empty cells only, capped
//! at [`MAX_SHEET_CELLS`]); merged regions are filled from their top-left cell
//! (calamine gives them for .xlsx and .xls, [`odsview`] for .ods); numbers
//! read as the sheet shows them ([`numfmt`], [`xlsfmt`], [`odsview`]); the
//! head is recognised by its column names ([`header`]), which decide the
//! layout: wide (the seed's table as cells, [`wide`]) or long (one indicator
//! per row, [`long`]).
//! `line` is the 1-based sheet row; rejects and warnings name their cell
//! (`Sheet1!C7`).

mod catcols;
pub(crate) mod cells;
mod grid;
pub(crate) mod header;
mod long;
mod numfmt;
mod odsview;
mod pairs;
mod preflight;
mod rows;
mod transpose;
mod wide;
mod xlsfmt;

pub(crate) use long::is_operator;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Ods, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use super::{IngestError, IngestOptions, MAX_INPUT_BYTES, display_name};
use crate::model::{Amounts, Document, MoneyUnit, Reject};
use grid::{Grid, GridBuilder, TooLarge, Val};
use header::{Layout, Role};

/// Most non-empty cells one sheet may hold (merged copies included): about
/// 800,000 indicators in the long layout; beyond it a sheet is refused
/// rather than allowed to exhaust memory.
pub const MAX_SHEET_CELLS: usize = 8_000_000;

/// File extensions read as workbooks (compared case-insensitively).
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "ods", "xlsb"];

/// True when the file's extension names a workbook (`.XLSX` too).
pub fn is_workbook_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// One sheet's table.
#[derive(Debug, Clone)]
pub struct SheetTable {
    pub sheet: String,
    pub layout: &'static str,
    pub doc: Document,
    /// Read on its side (the heads down a column, an indicator a column):
    /// the 0-based sheet row of the indicators' names. The document's lines
    /// are then sheet columns, 1-based.
    pub(crate) turned: Option<u32>,
}

impl SheetTable {
    /// Sets the positions of the table's rows from the lines the readers
    /// recorded: `at(row, col)` gives the place of a 0-based grid cell; a
    /// row's column is 0, a turned table's row is its names' row.
    fn place(&mut self, at: impl Fn(u32, u32) -> crate::model::Position) {
        let turned = self.turned;
        place(&mut self.doc, |line| {
            let n = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
            match turned {
                Some(names) => at(names, n),
                None => at(n, 0),
            }
        });
    }
}

/// Reads a workbook as [`super::ingest_file`] does: every visible sheet
/// holding a table (see [`ingest_workbook_sheets`]).
pub fn ingest_workbook(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    ingest_workbook_sheets(path, opts, &opts.sheets)
}

/// Reads a workbook: size limit, budget year (`opts.year`, else a 20xx year
/// in the file name), the sheets `sheets` names (empty: every visible sheet
/// holding a table), merged into one document.
pub fn ingest_workbook_sheets(
    path: &Path,
    opts: &IngestOptions,
    sheets: &[String],
) -> Result<Document, IngestError> {
    let size = std::fs::metadata(path)
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if size > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut doc = read_workbook(path, sheets)?;
    doc.year = Some(super::resolve_year(path, opts, doc.title.as_deref())?);
    Ok(doc)
}

/// Reads the tables of a workbook into one document (see [`read_sheets`]);
/// a second sheet's units follow the first's.
pub fn read_workbook(path: &Path, sheets: &[String]) -> Result<Document, IngestError> {
    let (tables, problems) = read_sheets_limited(path, sheets, MAX_SHEET_CELLS)?;
    Ok(merge(path, tables, problems))
}

/// Reads each sheet holding a table into its own document. `sheets` names
/// the sheets to read (a name that does not exist is an error listing those
/// present); empty reads every visible worksheet and keeps those with a table.
/// Sheets that cannot be read are returned as rejects.
pub fn read_sheets(
    path: &Path,
    sheets: &[String],
) -> Result<(Vec<SheetTable>, Vec<Reject>), IngestError> {
    read_sheets_limited(path, sheets, MAX_SHEET_CELLS)
}

/// calamine is third-party code reading untrusted bytes: a panic inside it
/// becomes this file's error, never the end of the run.
fn read_sheets_limited(
    path: &Path,
    sheets: &[String],
    limit: usize,
) -> Result<(Vec<SheetTable>, Vec<Reject>), IngestError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheets_inner(path, sheets, limit)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(IngestError::Workbook {
            path: path.to_path_buf(),
            reason: format!("the workbook reader failed on this file ({what})"),
        })
    })
}

fn read_sheets_inner(
    path: &Path,
    wanted: &[String],
    limit: usize,
) -> Result<(Vec<SheetTable>, Vec<Reject>), IngestError> {
    let source = display_name(path);
    let mut book = Book::open(path).map_err(|reason| IngestError::Workbook {
        path: path.to_path_buf(),
        reason,
    })?;
    let meta = book.sheets();
    let present: Vec<String> = meta.iter().map(|m| m.name.clone()).collect();
    // (name, named by the caller)
    let mut chosen: Vec<(String, bool)> = Vec::new();
    let mut looked_at: Vec<String> = Vec::new();
    if wanted.is_empty() {
        for m in &meta {
            if m.typ != SheetType::WorkSheet {
                looked_at.push(format!("{} (not a worksheet)", m.name));
            } else if m.visible != SheetVisible::Visible {
                // Templates keep hidden copies and lookup lists: reading them
                // would count a table twice. Name the sheet to read it.
                looked_at.push(format!("{} (hidden, skipped)", m.name));
            } else {
                chosen.push((m.name.clone(), false));
            }
        }
    } else {
        for w in wanted {
            match present.iter().find(|p| *p == w || p.trim() == w.trim()) {
                Some(p) => chosen.push((p.clone(), true)),
                None => {
                    return Err(IngestError::NoSuchSheet {
                        path: path.to_path_buf(),
                        sheet: w.clone(),
                        present,
                    });
                }
            }
        }
    }
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    for (name, named) in chosen {
        let outcome = book.with_grid(&name, limit, |g| {
            parse_sheet(g, &source, &name, true).map(|mut t| {
                name_by_sheet(&mut t.doc, g, &name);
                t
            })
        });
        let reason = match outcome {
            Ok(Ok(mut t)) => {
                let sheet = name.clone();
                t.place(|row, col| crate::model::Position::Cell {
                    sheet: sheet.clone(),
                    row: row.saturating_add(1),
                    col,
                });
                looked_at.push(format!("{name} ({} table)", t.layout));
                tables.push(t);
                continue;
            }
            Ok(Err(why)) => {
                looked_at.push(format!("{name} ({why})"));
                if !named {
                    continue; // a sheet of notes or lookups beside the table
                }
                format!("sheet 「{name}」 holds no performance-target table: {why}")
            }
            Err(SheetError::TooLarge(t)) => {
                let why = format!(
                    "{} non-empty cells or more, over the {}-cell limit for one sheet; not read",
                    t.cells, t.limit
                );
                looked_at.push(format!("{name} ({why})"));
                format!("sheet 「{name}」: {why}")
            }
            Err(SheetError::Read(e)) => {
                looked_at.push(format!("{name} (unreadable: {e})"));
                unreadable.push(format!("sheet 「{name}」: {e}"));
                format!("sheet 「{name}」 cannot be read: {e}")
            }
        };
        problems.push(Reject {
            source: source.clone(),
            line: 0,
            text: name.clone(),
            reason,
            kind: crate::model::RejectKind::File,
            pos: crate::model::Position::Unknown,
        });
    }
    if tables.is_empty() && !unreadable.is_empty() && unreadable.len() == problems.len() {
        // Nothing read and something broken: a damaged file, not a wrong one.
        return Err(IngestError::Workbook {
            path: path.to_path_buf(),
            reason: unreadable.join("; "),
        });
    }
    if tables.is_empty() {
        return Err(IngestError::NoTableInWorkbook {
            path: path.to_path_buf(),
            looked_at,
        });
    }
    Ok((tables, problems))
}

/// A sheet holding one project's table with no 项目名称 anywhere on it
/// (a workbook of a sheet per project under a generic title): the project
/// is the one its title names, else the one its sheet's name gives (see
/// [`crate::vocab::project_in_sheet_name`]); a department-wide table has
/// none.
fn name_by_sheet(doc: &mut Document, grid: &Grid<'_>, sheet: &str) {
    let labelled = grid.rows.iter().flat_map(|r| r.cells.iter()).any(|c| {
        let k = crate::vocab::key(&cells::joined_text(&c.val));
        crate::vocab::PROJECT_LABELS.iter().any(|l| k.contains(l))
            || header::role_of(&k) == Some(Role::Project)
    });
    let title = doc.title.clone().unwrap_or_default();
    let mut projects = doc.units.iter_mut().flat_map(|u| u.projects.iter_mut());
    let (Some(p), None) = (projects.next(), projects.next()) else {
        return;
    };
    if labelled || !p.name.is_empty() || p.indicators.is_empty() || title.contains("整体") {
        return;
    }
    let (named, from) = match crate::vocab::project_in_title(&title) {
        Some(n) => (n, "title"),
        None => match crate::vocab::project_in_sheet_name(sheet) {
            Some(n) => (n, "sheet's name"),
            None => return,
        },
    };
    p.name.clone_from(&named);
    let line = p.line;
    doc.warn(
        line,
        format!(
            "no 项目名称 on sheet 「{sheet}」: its project 「{named}」 is the one its {from} gives"
        ),
    );
}

/// One document from a workbook's sheets.
fn merge(path: &Path, tables: Vec<SheetTable>, problems: Vec<Reject>) -> Document {
    let mut it = tables.into_iter();
    let Some(first) = it.next() else {
        let mut d = Document::new(display_name(path));
        d.rejects = problems;
        return d;
    };
    let mut doc = first.doc;
    let mut names = vec![first.sheet];
    for t in it {
        let d = t.doc;
        if d.department.is_some() && d.department != doc.department {
            doc.warn(
                d.units.first().map_or(0, |u| u.line),
                format!(
                    "sheet 「{}」 is for department 「{}」, not 「{}」: its rows are labelled with the first; read it on its own to keep them apart",
                    t.sheet,
                    d.department.as_deref().unwrap_or(""),
                    doc.department.as_deref().unwrap_or("")
                ),
            );
        }
        doc.grand_total = match (doc.grand_total.take(), d.grand_total) {
            (Some(a), Some(b)) => Some(add(a, b)),
            (a, b) => a.or(b),
        };
        doc.grand_total_line = doc.grand_total_line.or(d.grand_total_line);
        doc.units.extend(d.units);
        doc.rejects.extend(d.rejects);
        doc.warnings.extend(d.warnings);
        doc.title = doc.title.or(d.title);
        doc.department = doc.department.or(d.department);
        names.push(t.sheet);
    }
    doc.rejects.extend(problems);
    doc.encoding = format!(
        "{} workbook, sheet{} {}",
        path.extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase(),
        if names.len() > 1 { "s" } else { "" },
        names.join(", ")
    );
    doc
}

/// Two sheets' 合计 rows together: the workbook's grand total.
fn add(a: Amounts, b: Amounts) -> Amounts {
    let sum = |x: Option<_>, y: Option<_>| match (x, y) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or_default() + y.unwrap_or_default()),
    };
    Amounts {
        total: sum(a.total, b.total),
        fiscal: sum(a.fiscal, b.fiscal),
        special: sum(a.special, b.special),
        other: sum(a.other, b.other),
        note: a.note.or(b.note),
    }
}

/// Reads a source-independent grid (a text flattening, a PDF table) with the
/// same wide and long readers as a sheet. Merged cells are filled from their
/// top-left cell as in workbooks; positions are the grid rows' own (text
/// lines, PDF boxes), not sheet rows.
pub fn read_grid(g: &crate::grid::Grid) -> Result<SheetTable, String> {
    let grid = sheet_grid(g)?;
    // Text and PDF grids carry page titles, navigation and sign-offs around
    // the table: cells outside it are not rejects there.
    let mut t = parse_sheet(&grid, &g.source, &g.name, false)?;
    finish_grid_table(g, &mut t);
    Ok(t)
}

/// What each column of a grid holds, as the long and wide readers see its
/// head: `(column, role label)`, and the head's first row; `None` when no
/// head is found (what `inspect --grid` prints above the cells).
pub fn column_roles(g: &crate::grid::Grid) -> Option<(usize, Vec<(u32, &'static str)>)> {
    let grid = sheet_grid(g).ok()?;
    let head = header::find(&grid).ok()?;
    Some((head.first, head.cols.labelled()))
}

/// The readers' grid of a source-independent grid, merged cells filled.
fn sheet_grid(g: &crate::grid::Grid) -> Result<Grid<'_>, String> {
    let too_large = |e: TooLarge| {
        format!(
            "{} cells is over the {}-cell limit for one table",
            e.cells, e.limit
        )
    };
    let mut b = GridBuilder::new(MAX_SHEET_CELLS);
    let mut merges = Vec::new();
    for (r, row) in g.rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap_or(u32::MAX);
        for c in &row.cells {
            if c.text.trim().is_empty() {
                continue;
            }
            b.push(
                r,
                c.col,
                Val::Text(std::borrow::Cow::Borrowed(c.text.as_str())),
            )
            .map_err(too_large)?;
            if c.rowspan > 1 || c.colspan > 1 {
                merges.push(calamine::Dimensions::new(
                    (r, c.col),
                    (
                        r.saturating_add(c.rowspan.max(1) - 1),
                        c.col.saturating_add(c.colspan.max(1) - 1),
                    ),
                ));
            }
        }
    }
    let mut grid = b.build();
    grid.apply_merges(&merges, MAX_SHEET_CELLS)
        .map_err(too_large)?;
    Ok(grid)
}

/// Positions and messages of a grid's table put back in its source's terms.
fn finish_grid_table(g: &crate::grid::Grid, t: &mut SheetTable) {
    // The sheet readers count 1-based grid rows; put back the source's places
    // (a turned table's indicator: its name's cell).
    let turned = t.turned.is_some();
    t.place(|row, col| {
        let cell = turned.then(|| g.covering(row, col)).flatten();
        cell.map(|c| c.pos.clone())
            .or_else(|| g.rows.get(row as usize).map(|r| r.pos.clone()))
            .unwrap_or_default()
    });
    // Messages name cells as a sheet's (`''!F38: …`); a grid without a sheet
    // is named by its source's place instead (`line 47: …`, `page 3 (…): …`).
    if g.name.is_empty() {
        let rename = |text: &mut String, pos: &crate::model::Position| {
            if let Some(rest) = text.strip_prefix("''!")
                && let Some((_, after)) = rest.split_once(": ")
                && *pos != crate::model::Position::Unknown
            {
                *text = format!("{pos}: {after}");
            }
        };
        for r in &mut t.doc.rejects {
            rename(&mut r.reason, &r.pos);
        }
        for w in &mut t.doc.warnings {
            rename(&mut w.message, &w.pos);
        }
    }
}

/// Sets the position of every indicator, reject and warning of a document
/// from the 1-based row number the readers recorded in `line`, and makes
/// `line` the position's own line (text line, sheet row or PDF page).
pub(crate) fn place(doc: &mut Document, at: impl Fn(usize) -> crate::model::Position) {
    for u in &mut doc.units {
        for p in &mut u.projects {
            for i in &mut p.indicators {
                i.pos = at(i.line);
                i.line = i.pos.line();
            }
        }
    }
    for r in &mut doc.rejects {
        // A reject naming its own cell (outside the table) keeps its column.
        if r.line > 0 && !matches!(r.pos, crate::model::Position::Cell { .. }) {
            r.pos = at(r.line);
            r.line = r.pos.line();
        }
    }
    for w in &mut doc.warnings {
        if w.line > 0 {
            w.pos = at(w.line);
            w.line = w.pos.line();
        }
    }
}

/// Parses one sheet's grid, or says why it holds no table. `outside`: cells
/// with content outside the table (below its notes, right of its last
/// column) become rejects naming their cell.
fn parse_sheet(
    grid: &Grid<'_>,
    source: &str,
    sheet: &str,
    outside: bool,
) -> Result<SheetTable, String> {
    // Several (name, value) pairs a row: read as one indicator a row.
    if let Some(g) = pairs::unpivot(grid) {
        return parse_sheet(&g, source, sheet, outside);
    }
    if let Some(t) = side_by_side(grid, source, sheet, outside) {
        return Ok(t);
    }
    let head = match header::find(grid) {
        Ok(h) => h,
        // No 三级/指标值 head: categories as columns, one row a project?
        Err(e) => {
            let Some(mut doc) = catcols::parse(grid, source) else {
                // Heads down a column, not across a row: the table on its side.
                return turned(grid, source, sheet, outside).ok_or(e);
            };
            doc.title = grid
                .rows
                .iter()
                .take(5)
                .flat_map(|r| r.cells.iter())
                .map(|c| cells::joined_text(&c.val))
                .find(|t| cells::is_title(t));
            doc.reader = Some("category-columns".into());
            return Ok(SheetTable {
                sheet: sheet.to_string(),
                layout: "category-columns",
                doc,
                turned: None,
            });
        }
    };
    Ok(parse_table(grid, head, source, sheet, outside, false))
}

/// A sheet whose heads run down a column, read turned a quarter (see
/// [`transpose`]): only as the long layout, and the document keeps a title
/// printed above the turned part.
fn turned(grid: &Grid<'_>, source: &str, sheet: &str, outside: bool) -> Option<SheetTable> {
    let t = transpose::turn(grid)?;
    let head = header::find(&t.grid).ok()?;
    if head.layout != Layout::Long {
        return None;
    }
    let names = head.cols.get(Role::Name)?;
    let mut table = parse_table(&t.grid, head, source, sheet, outside, true);
    if table.doc.indicator_count() == 0 {
        return None;
    }
    if table.doc.title.is_none() {
        table.doc.title = grid
            .rows
            .get(..t.first)
            .unwrap_or_default()
            .iter()
            .flat_map(|r| r.cells.iter().filter(|c| !c.filled))
            .map(|c| cells::joined_text(&c.val))
            .find(|t| cells::is_title(t));
    }
    table.turned = Some(names);
    Some(table)
}

/// Reads the table under a head found in `grid`. `turned`: the grid is a
/// sheet turned a quarter, its rows the sheet's columns.
fn parse_table(
    grid: &Grid<'_>,
    head: header::Header,
    source: &str,
    sheet: &str,
    outside: bool,
    turned: bool,
) -> SheetTable {
    let mut doc = Document::new(source);
    let above = grid.rows.get(..head.first).unwrap_or_default();
    let mut money = None;
    for row in above {
        for c in row.cells.iter().filter(|c| !c.filled) {
            let Val::Text(t) = &c.val else { continue };
            let t = t.trim();
            if doc.title.is_none() && cells::is_title(t) {
                doc.title = Some(cells::joined_text(&c.val));
            }
            if doc.department.is_none() {
                for key in ["部门名称", "编制部门", "预算部门", "主管部门", "编制单位"]
                {
                    if let Some(d) = cells::field_after(t, key) {
                        let d = before_next_label(d);
                        let d = d.split("单位").next().unwrap_or(d).trim();
                        let d = if d.is_empty() {
                            next_text(row, c.col).unwrap_or_default()
                        } else {
                            d.to_string()
                        };
                        if !d.is_empty() {
                            doc.department = Some(d);
                        }
                        break;
                    }
                }
            }
            if money.is_none() {
                // `单位：万元`, or a group head above the amounts: `资金来源（万元）`.
                money = cells::money_unit(t)
                    .or_else(|| header::split_money_unit(&header::squeeze(t)).1);
            }
        }
    }
    let money = head.money_unit.or(money).unwrap_or(MoneyUnit::Wanyuan);
    doc.money_unit = money;
    let layout = head.layout;
    let mut s = rows::Sheet {
        name: sheet,
        header: &head,
        money,
        doc,
        turned,
    };
    match layout {
        Layout::Wide => wide::parse(grid, &mut s),
        Layout::Long => {
            let fields = key_values(grid, &mut s);
            long::parse(grid, &mut s, fields)
        }
    }
    let layout = match layout {
        Layout::Wide => "wide",
        Layout::Long => "long",
    };
    let mut doc = s.doc;
    if outside {
        outside_cells(grid, &head, sheet, turned, &mut doc);
    }
    doc.reader = Some(format!("{layout}-grid"));
    SheetTable {
        sheet: sheet.to_string(),
        layout,
        doc,
        turned: None,
    }
}

/// Two tables side by side on one sheet (each form with its own 项目名称 and
/// its own head row, the second's 一级指标 right of the first's 指标值): each
/// read alone from its own columns, the second's units after the first's.
fn side_by_side(grid: &Grid<'_>, source: &str, sheet: &str, outside: bool) -> Option<SheetTable> {
    let head = header::find(grid).ok()?;
    let level = head.cols.get(Role::Level)?;
    // The first value column (a 中期 | 年度 reading may have moved 年度 right).
    let value = [Role::Annual, Role::Cycle]
        .iter()
        .filter_map(|r| head.cols.get(*r))
        .min()?;
    let row = grid.rows.get(head.first)?;
    let second = row.cells.iter().find(|c| {
        c.col > value
            && c.col > level
            && !c.filled
            && header::role_of(&header::squeeze(&c.val.text())) == Some(Role::Level)
    })?;
    let split = second.col;
    let part = |keep: &dyn Fn(u32) -> bool| Grid {
        rows: grid
            .rows
            .iter()
            .map(|r| grid::GridRow {
                idx: r.idx,
                cells: r.cells.iter().filter(|c| keep(c.col)).cloned().collect(),
            })
            .filter(|r| !r.cells.is_empty())
            .collect(),
    };
    let left = part(&|c| c < split);
    let right = part(&|c| c >= split);
    let mut a = parse_sheet(&left, source, sheet, outside).ok()?;
    // The right table may itself hold another beside it.
    let b = parse_sheet(&right, source, sheet, outside).ok()?;
    a.doc.units.extend(b.doc.units);
    a.doc.rejects.extend(b.doc.rejects);
    a.doc.warnings.extend(b.doc.warnings);
    Some(a)
}

/// Cells with content outside the recognised table, each a reject naming its
/// cell: right of the head's last column in the body, and below the notes
/// that end the table (the notes themselves and a date are not). A workbook
/// row the readers never look at would otherwise be lost without a word.
fn outside_cells(
    grid: &Grid<'_>,
    head: &header::Header,
    sheet: &str,
    turned: bool,
    doc: &mut Document,
) {
    let body = grid.rows.get(head.body..).unwrap_or_default();
    // The table's width: its head rows' cells, merged copies included; a
    // table without a head row, its columns' roles.
    let last_col = grid
        .rows
        .get(head.first..head.body)
        .unwrap_or_default()
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.col))
        .chain(head.cols.columns())
        .max()
        .unwrap_or(0);
    let end = body
        .iter()
        .position(cells::is_note_row)
        .unwrap_or(body.len());
    let mut reject = |row: &grid::GridRow<'_>, c: &grid::GridCell<'_>, where_: &str| {
        // A turned grid's row is the sheet's column.
        let (r, col) = if turned {
            (c.col, row.idx)
        } else {
            (row.idx, c.col)
        };
        let addr = grid::address(sheet, r, col);
        doc.rejects.push(Reject {
            source: doc.source.clone(),
            line: r as usize + 1,
            text: cells::joined_text(&c.val),
            reason: format!("{addr}: a cell outside the table ({where_}); not read"),
            kind: crate::model::RejectKind::OutsideTable,
            pos: crate::model::Position::Cell {
                sheet: sheet.to_string(),
                row: r.saturating_add(1),
                col,
            },
        });
    };
    let right = format!("right of its last column, {}", grid::col_name(last_col));
    for row in body.get(..end).unwrap_or_default() {
        for c in row.cells.iter().filter(|c| !c.filled && c.col > last_col) {
            reject(row, c, &right);
        }
    }
    for row in body.get(end..).unwrap_or_default() {
        if cells::is_note_row(row) {
            continue;
        }
        for c in row.cells.iter().filter(|c| !c.filled) {
            if !cells::is_note_or_date(&c.val) {
                reject(row, c, "below the notes that end it");
            }
        }
    }
}

/// A key of a second field on a line (`实施周期：…` after `项目名称：X `): a
/// short run of ideographs before a colon, so an unknown label ends the
/// value before it instead of being read as part of it.
fn is_field_key(k: &str) -> bool {
    let n = k.chars().count();
    (2..=8).contains(&n) && k.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `label:value` pairs of one cell (`项目名称:X`, or several:
/// `主管部门：A 实施单位：B`): a pair starts at a space-separated part whose
/// text before its colon is a label; other parts belong to the value before.
fn inline_pairs(text: &str, label_key: impl Fn(&str) -> String) -> Vec<(String, String)> {
    let is_label = |k: &str| {
        [
            crate::vocab::PROJECT_LABELS,
            crate::vocab::DEPARTMENT_LABELS,
            crate::vocab::UNIT_LABELS,
            crate::vocab::AMOUNT_LABELS,
            crate::vocab::OTHER_HEAD_LABELS,
        ]
        .iter()
        .any(|l| l.contains(&k))
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (n, part) in text.split_whitespace().enumerate() {
        let pair = part
            .split_once([':', '：'])
            .map(|(k, v)| (label_key(k), v.trim().to_string()))
            .filter(|(k, _)| n == 0 || is_label(k) || is_field_key(k));
        match (pair, out.last_mut()) {
            (Some(p), _) => out.push(p),
            (None, Some(last)) => {
                if !last.1.is_empty() {
                    last.1.push(' ');
                }
                last.1.push_str(part);
            }
            // `项目名称 X`: a label and its value parted by a space only (a
            // bracket after it is the label's note, `项目名称 （单位）`).
            (None, None)
                if is_label(&label_key(part))
                    && !text
                        .trim_start()
                        .get(part.len()..)
                        .unwrap_or_default()
                        .trim_start()
                        .starts_with(['(', '（']) =>
            {
                out.push((label_key(part), String::new()));
            }
            (None, None) => return Vec::new(),
        }
    }
    // A field glued to the value before it (`项目名称：X实施期限：Y`, the
    // PDF drew no space between them): a colon whose text before it ends
    // with a known label parts the value there.
    let mut parted: Vec<(String, String)> = Vec::new();
    for (k, v) in out {
        let (mut k, mut v) = (k, v);
        while let Some((head, k2, v2)) = glued_field(&v) {
            parted.push((k, head));
            (k, v) = (label_key(&k2), v2);
        }
        parted.push((k, v));
    }
    parted.retain(|(_, v)| !v.is_empty());
    parted
}

/// The first `label：value` glued inside a value: (the text before the label,
/// the label, the text after its colon). Only a known head label counts, so
/// a colon inside a sentence does not part it.
fn glued_field(v: &str) -> Option<(String, String, String)> {
    let labels = [
        crate::vocab::PROJECT_LABELS,
        crate::vocab::DEPARTMENT_LABELS,
        crate::vocab::UNIT_LABELS,
        crate::vocab::AMOUNT_LABELS,
        crate::vocab::OTHER_HEAD_LABELS,
    ];
    v.char_indices()
        .filter(|(_, c)| matches!(c, ':' | '：'))
        .find_map(|(i, c)| {
            let before = v.get(..i)?;
            let label = labels
                .iter()
                .flat_map(|l| l.iter())
                .filter(|l| !l.contains(':') && before.len() > l.len() && before.ends_with(**l))
                .max_by_key(|l| l.len())?;
            let head = before.get(..before.len() - label.len())?.trim();
            let after = v.get(i + c.len_utf8()..)?.trim();
            Some((head.to_string(), (*label).to_string(), after.to_string()))
        })
}

/// A label's value in a cell that holds several labels and values
/// (`主管部门：A 实施单位：B`): the text before the space that starts the next
/// `label：value`.
fn before_next_label(v: &str) -> &str {
    let v = v.trim();
    match v.split_once(char::is_whitespace) {
        Some((a, b)) if b.contains([':', '：']) => a.trim(),
        _ => v,
    }
}

/// The first text right of `col` that is not a merged copy of the label.
fn next_text(row: &grid::GridRow<'_>, col: u32) -> Option<String> {
    row.cells
        .iter()
        .filter(|c| c.col > col && !c.filled)
        .map(|c| cells::joined_text(&c.val))
        .find(|t| !t.is_empty())
}

/// Labels and values above a long table's head (`项目名称 | X`, `年度资金总额 | 100`).
fn key_values(grid: &Grid<'_>, s: &mut rows::Sheet<'_>) -> long::Fields {
    use crate::vocab;
    let mut f = long::Fields::default();
    // (row, column, value) of 总计 and the three sources.
    let mut vals: [Option<(u32, u32, Val<'_>)>; 4] = Default::default();
    let label_key = |t: &str| {
        let k = vocab::key(&vocab::strip_gloss(t));
        let k = k
            .trim_start_matches("其中:")
            .trim_end_matches(':')
            .to_string();
        header::split_money_unit(&k).0
    };
    let is_label = |k: &str| {
        [
            vocab::PROJECT_LABELS,
            vocab::DEPARTMENT_LABELS,
            vocab::UNIT_LABELS,
            vocab::AMOUNT_LABELS,
            vocab::OTHER_HEAD_LABELS,
        ]
        .iter()
        .any(|l| l.contains(&k))
    };
    for row in grid.rows.get(..s.header.first).unwrap_or_default() {
        // A row of column heads (the upper half of a two-row head, its group
        // head 绩效指标 merged over 一级/二级/三级) holds no label and value.
        let texts: Vec<&grid::GridCell<'_>> = row.cells.iter().filter(|c| !c.filled).collect();
        if texts.len() >= 2
            && row
                .cells
                .iter()
                .all(|c| header::role_of(&header::squeeze(&c.val.text())).is_some())
        {
            continue;
        }
        for c in texts {
            let key = label_key(&c.val.text());
            // The value: the next cell right of the label that is neither a
            // merged copy, the label again, another label nor a column head.
            let next = || {
                row.cells.iter().find(|x| {
                    if x.col <= c.col || x.filled {
                        return false;
                    }
                    let k = label_key(&x.val.text());
                    k != key
                        && !is_label(&k)
                        && !vocab::is_gloss(&x.val.text())
                        && (x.val.is_number()
                            || header::role_of(&header::squeeze(&x.val.text())).is_none())
                })
            };
            // An amount: the first figure right of the label, before the next
            // label; a label with no figure beside it prints no amount.
            let figure = || {
                row.cells
                    .iter()
                    .filter(|x| x.col > c.col && !x.filled)
                    .take_while(|x| !is_label(&label_key(&x.val.text())))
                    .find(|x| {
                        x.val.is_number() || x.val.text().chars().any(|ch| ch.is_ascii_digit())
                    })
            };
            let name_of = |v: &grid::GridCell<'_>| strip_code(&cells::joined_text(&v.val));
            // `项目名称:X` in one cell: the label and its value together.
            let text = vocab::strip_gloss(&cells::joined_text(&c.val));
            for (k, v) in &inline_pairs(&text, label_key) {
                if vocab::PROJECT_LABELS.contains(&k.as_str()) && f.project.is_none() {
                    f.project = Some(v.clone());
                    f.project_row = Some(row.line());
                } else if vocab::UNIT_LABELS.contains(&k.as_str()) && f.unit.is_none() {
                    f.unit = Some(strip_code(v));
                }
            }
            if vocab::PROJECT_LABELS.contains(&key.as_str()) {
                f.project_label = true;
                if f.project.is_none()
                    && let Some(v) = next()
                {
                    f.project = Some(cells::joined_text(&v.val));
                    f.project_row = Some(row.line());
                }
            } else if vocab::UNIT_LABELS.contains(&key.as_str()) {
                if f.unit.is_none() {
                    f.unit = next().map(name_of);
                }
            } else if matches!(
                key.as_str(),
                "年度绩效目标" | "绩效目标" | "年度目标" | "总体目标" | "项目绩效目标"
            ) {
                if f.goal.is_none() {
                    f.goal = next().map(|v| cells::joined_text(&v.val));
                }
            } else if vocab::DEPARTMENT_LABELS.contains(&key.as_str()) && !key.contains("财政") {
                if s.doc.department.is_none() {
                    s.doc.department = next().map(name_of);
                }
            } else {
                let idx = match header::role_of(&key) {
                    _ if vocab::AMOUNT_LABELS.contains(&key.as_str()) => Some(0),
                    Some(Role::Total) => Some(0),
                    Some(Role::Fiscal) => Some(1),
                    Some(Role::Special) => Some(2),
                    Some(Role::Other) => Some(3),
                    _ => None,
                };
                if let (Some(slot), Some(v)) = (idx.and_then(|i| vals.get_mut(i)), figure())
                    && slot.is_none()
                {
                    *slot = Some((row.idx, v.col, v.val.clone()));
                }
            }
        }
    }
    if vals.iter().any(Option::is_some) {
        let mut read = |i: usize| -> Option<rust_decimal::Decimal> {
            let (row, col, v) = vals.get(i)?.as_ref()?;
            // `10000万元`, `250万`, `16元`: the money unit written beside the figure.
            let text = v.text();
            let t = text.trim();
            let (figure, unit) = if let Some(f) = t.strip_suffix("万元").or(t.strip_suffix('万'))
            {
                (Val::Text(f.into()), MoneyUnit::Wanyuan)
            } else if let Some(f) = t.strip_suffix('元') {
                (Val::Text(f.into()), MoneyUnit::Yuan)
            } else {
                (v.clone(), s.money)
            };
            match cells::amount(Some(&figure)) {
                Ok(d) => d.map(|d| unit.to_wanyuan(d)),
                Err(text) => {
                    let addr = s.addr_at(*row, *col);
                    s.doc.reject(
                        *row as usize + 1,
                        text,
                        format!("{addr}: the amount beside the label is not a number"),
                    );
                    None
                }
            }
        };
        let (total, fiscal, special, other) = (read(0), read(1), read(2), read(3));
        // A total the sheet does not print is the sum of the sources it does
        // print; with no figure at all there are no amounts, never 0.00.
        let printed: Vec<rust_decimal::Decimal> =
            [fiscal, special, other].into_iter().flatten().collect();
        let total = total.or_else(|| (!printed.is_empty()).then(|| printed.iter().copied().sum()));
        if total.is_some() {
            f.amounts = Some(Amounts {
                total,
                fiscal,
                special,
                other,
                note: None,
            });
        }
    }
    f
}

/// A code printed before a name (`[015001]武汉市青山区教育局`,
/// `820001-井研县马踏镇人民政府`) is kept apart: the name without it.
pub(crate) fn strip_code(name: &str) -> String {
    let t = name.trim();
    if let Some(rest) = t.strip_prefix(['[', '【', '(', '（'])
        && let Some(close) = rest.find([']', '】', ')', '）'])
        && let Some((code, after)) = rest.split_at_checked(close)
        && !code.is_empty()
        && code.chars().all(|c| c.is_ascii_alphanumeric())
    {
        let after = after.chars().skip(1).collect::<String>();
        if !after.trim().is_empty() {
            return after.trim().to_string();
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    // Not a year (`2023-2024年…` names a series of projects).
    let year = digits == 4 && (t.starts_with("19") || t.starts_with("20"));
    if digits >= 3
        && !year
        && let Some(rest) = t.get(digits..)
        && let Some(after) = rest.strip_prefix(['-', '－', '_', ' '])
        && !after.trim().is_empty()
        && !after.starts_with(|c: char| c.is_ascii_digit())
    {
        return after.trim().to_string();
    }
    t.to_string()
}

/// Cells of an .xlsx sheet stored as a formula with no value whose formula
/// is a target typed after `=` (`=14个`, `=10000元/公里`): a workbook
/// written by a program stores any text that starts with `=` so, and no
/// spreadsheet ever calculated it. Their text is what was printed.
fn typed_formulas(
    b: &mut Xlsx<Src>,
    name: &str,
) -> Result<Vec<(u32, u32, Val<'static>)>, SheetError> {
    let mut reader = b
        .worksheet_cells_reader(name)
        .map_err(|e| SheetError::Read(e.to_string()))?;
    let mut out = Vec::new();
    while let Some(cell) = reader
        .next_cell_with_formula()
        .map_err(|e| SheetError::Read(e.to_string()))?
    {
        if matches!(cell.value, calamine::DataRef::Empty)
            && let Some(t) = cell.formula.as_deref().and_then(typed_text)
        {
            out.push((cell.pos.0, cell.pos.1, Val::Text(t.into())));
        }
    }
    Ok(out)
}

/// The text typed after `=` when a formula is no formula but a target: a
/// figure with a unit no formula can hold (`14个`, `≤30天`), never a
/// reference, a function or arithmetic on figures alone.
fn typed_text(formula: &str) -> Option<String> {
    let f = formula.trim();
    let target =
        crate::textgrid::value_like(f) && !f.is_ascii() && !f.contains(['!', '(', '"', '$', ':']);
    target.then(|| format!("={f}"))
}

enum SheetError {
    TooLarge(TooLarge),
    Read(String),
}

impl From<TooLarge> for SheetError {
    fn from(t: TooLarge) -> Self {
        SheetError::TooLarge(t)
    }
}

/// A sheet's name, kind and visibility.
struct SheetMeta {
    name: String,
    typ: SheetType,
    visible: SheetVisible,
}

type Src = BufReader<File>;

/// An open workbook of a concrete kind: merged regions are only available
/// on the concrete readers, not through calamine's `Reader` trait.
enum Book {
    Xlsx(Box<Xlsx<Src>>),
    /// With its cells' number formats, when they could be read.
    Xls(Box<Xls<Src>>, Option<Box<xlsfmt::XlsFormats>>),
    /// With what each sheet shows beyond calamine's values, when readable.
    Ods(Box<Ods<Src>>, Option<HashMap<String, odsview::OdsSheet>>),
    Xlsb(Box<Xlsb<Src>>),
}

impl Book {
    /// Opens by content, not by name: a workbook saved with the wrong
    /// extension (an .xlsx named .xls) is common and still read.
    fn open(path: &Path) -> Result<Book, String> {
        let mut head = [0u8; 8];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| format!("cannot read: {e}"))?;
        let head = head.get(..n).unwrap_or_default();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let open = || File::open(path).map(BufReader::new);
        let io = |e: std::io::Error| format!("cannot read: {e}");
        if head.starts_with(b"PK\x03\x04") {
            // Claims checked before calamine allocates from them.
            preflight::check_zip(path)?;
            let xlsx = || -> Result<Book, String> {
                Xlsx::new(open().map_err(io)?)
                    .map(|b| Book::Xlsx(Box::new(b)))
                    .map_err(|e| format!("not a readable .xlsx workbook: {e}"))
            };
            let ods = || -> Result<Book, String> {
                Ods::new(open().map_err(io)?)
                    .map(|b| Book::Ods(Box::new(b), odsview::read(path)))
                    .map_err(|e| format!("not a readable .ods workbook: {e}"))
            };
            let xlsb = || -> Result<Book, String> {
                Xlsb::new(open().map_err(io)?)
                    .map(|b| Book::Xlsb(Box::new(b)))
                    .map_err(|e| format!("not a readable .xlsb workbook: {e}"))
            };
            return match ext.as_str() {
                "ods" => ods().or_else(|e| xlsx().map_err(|_| e)),
                "xlsb" => xlsb().or_else(|e| xlsx().map_err(|_| e)),
                _ => xlsx().or_else(|e| ods().or_else(|_| xlsb()).map_err(|_| e)),
            };
        }
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            let bytes = std::fs::read(path).map_err(io)?;
            let stream = preflight::xls_stream(&bytes)?;
            drop(bytes);
            preflight::check_xls_stream(&stream)?;
            // calamine keeps of a format only "date or not": the formats
            // themselves are read here, and without them the values stay.
            let formats = xlsfmt::read(&stream).map(Box::new);
            drop(stream);
            return Xls::new(open().map_err(io)?)
                .map(|b| Book::Xls(Box::new(b), formats))
                .map_err(|e| format!("not a readable .xls workbook: {e}"));
        }
        let text = String::from_utf8_lossy(head)
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_lowercase();
        if text.starts_with('<') {
            return Err("an HTML or XML file with a workbook's name (often a web page saved as .xls): open it in Excel or LibreOffice and save it as .xlsx".into());
        }
        Err("not a workbook: neither .xlsx/.ods (zip) nor .xls (OLE) content".into())
    }

    fn sheets(&self) -> Vec<SheetMeta> {
        let meta = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Xls(b, _) => b.sheets_metadata(),
            Book::Ods(b, _) => b.sheets_metadata(),
            Book::Xlsb(b) => b.sheets_metadata(),
        };
        meta.iter()
            .map(|m| SheetMeta {
                name: m.name.clone(),
                typ: m.typ,
                visible: m.visible,
            })
            .collect()
    }

    /// Reads a sheet into a grid with its merged regions filled, and hands
    /// it to `f`. .xlsx is streamed cell by cell, never made dense; .xls,
    /// .ods and .xlsb come from calamine's range, read at open, .xls and .ods
    /// with what calamine leaves out read beside it.
    fn with_grid<R>(
        &mut self,
        name: &str,
        limit: usize,
        f: impl FnOnce(&Grid<'_>) -> R,
    ) -> Result<R, SheetError> {
        match self {
            Book::Xlsx(b) => {
                let merges = b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                let mut reader = b
                    .worksheet_cells_reader(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                // Each cell's number format, by its style: the value shown,
                // not the number stored (`95%`, not `0.95`).
                let formats = numfmt::palette(reader.styles());
                let mut g = GridBuilder::new(limit);
                // A cell written with content but no value: a formula never
                // calculated, perhaps text typed after `=` (see below).
                let mut valueless = false;
                while let Some((cell, style)) = reader
                    .next_cell_with_style_id()
                    .map_err(|e| SheetError::Read(e.to_string()))?
                {
                    let value = cell.get_value();
                    valueless |= matches!(value, calamine::DataRef::Empty);
                    let shown = formats
                        .get(style)
                        .and_then(Option::as_ref)
                        .and_then(|f| numfmt::shown(value, f));
                    if let Some(v) = shown.or_else(|| Val::from_ref(value)) {
                        let (r, c) = cell.get_position();
                        g.push(r, c, v)?;
                    }
                }
                drop(reader);
                if !valueless {
                    let mut grid = g.build();
                    grid.apply_merges(&merges, limit)?;
                    return Ok(f(&grid));
                }
                // Rare, so read again only then: the sheet's texts owned first.
                let grid = g.build().into_owned();
                let typed = typed_formulas(b, name)?;
                let mut grid = grid.with_cells(typed, limit)?;
                grid.apply_merges(&merges, limit)?;
                Ok(f(&grid))
            }
            Book::Xls(b, formats) => {
                let merges = b
                    .merge_cells_by_sheet_name(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                let range = b
                    .worksheet_range(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                // Each cell's number format: the value shown, as for .xlsx.
                let formats = formats.as_deref();
                let mut grid = Grid::from_range_shown(&range, limit, |r, c, d| {
                    let f = formats?.of(name, r, c)?;
                    numfmt::shown_data(d, f)
                })?;
                grid.apply_merges(&merges, limit)?;
                Ok(f(&grid))
            }
            Book::Ods(b, view) => {
                let range = b
                    .worksheet_range(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                // calamine gives the stored number and no merged regions:
                // the text each cell shows and the regions are read beside.
                let sheet = view.as_ref().and_then(|v| v.get(name));
                let mut grid = Grid::from_range_shown(&range, limit, |r, c, d| {
                    odsview::shown(d, sheet?.shown.get(&(r, c))?)
                })?;
                if let Some(s) = sheet {
                    grid.apply_merges(&s.merges, limit)?;
                }
                Ok(f(&grid))
            }
            Book::Xlsb(b) => {
                let range = b
                    .worksheet_range(name)
                    .map_err(|e| SheetError::Read(e.to_string()))?;
                Ok(f(&Grid::from_range(&range, limit)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn pairs(t: &str) -> Vec<(String, String)> {
        inline_pairs(t, |k| {
            crate::vocab::key(k).trim_end_matches(':').to_string()
        })
    }

    /// A sheet's table read as a workbook's is, then named by its sheet.
    fn sheet_projects(sheet: &str, rows: &[&[&str]]) -> Vec<String> {
        use super::grid::{GridBuilder, Val};
        let mut b = GridBuilder::new(10_000);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if !t.is_empty() {
                    b.push(
                        u32::try_from(r).unwrap(),
                        u32::try_from(c).unwrap(),
                        Val::Text((*t).into()),
                    )
                    .unwrap();
                }
            }
        }
        let g = b.build();
        let mut t = super::parse_sheet(&g, "t.xlsx", sheet, true).unwrap();
        super::name_by_sheet(&mut t.doc, &g, sheet);
        t.doc
            .units
            .iter()
            .flat_map(|u| &u.projects)
            .map(|p| p.name.clone())
            .collect()
    }

    const BODY: &[&[&str]] = &[
        &["一级指标", "二级指标", "三级指标", "指标值"],
        &["产出指标", "数量指标", "救助困难群众人次", "≥3000人次"],
        &["产出指标", "时效指标", "救助资金发放时间", "次月10日前"],
        &["满意度指标", "服务对象满意度指标", "受助群众满意度", "≥95%"],
    ];

    #[test]
    fn a_sheet_of_one_project_without_its_name_is_named_by_the_sheet() {
        let mut rows: Vec<&[&str]> = vec![&["绩效目标表"], &["单位：万元"]];
        rows.extend_from_slice(BODY);
        assert_eq!(
            sheet_projects("城乡困难群众救助", &rows),
            vec!["城乡困难群众救助"]
        );
        // Near misses: a generic sheet name, an office's name, a table of a
        // department as a whole.
        for sheet in ["Sheet3", "附表2", "汇总表", "某区民政局"] {
            assert_eq!(sheet_projects(sheet, &rows), vec![String::new()], "{sheet}");
        }
        let mut whole: Vec<&[&str]> = vec![&["部门整体支出绩效目标表"]];
        whole.extend_from_slice(BODY);
        assert_eq!(
            sheet_projects("城乡困难群众救助", &whole),
            vec![String::new()]
        );
    }

    #[test]
    fn an_english_gloss_beside_a_label_is_no_value() {
        let read = |head: &[&[&str]]| {
            let mut rows: Vec<&[&str]> = head.to_vec();
            rows.extend_from_slice(BODY);
            sheet_projects("Sheet1", &rows)
        };
        // The gloss in the label's cell, in a cell of its own, or two words.
        assert_eq!(
            read(&[&["项目名称 Project", "社区食堂运营补贴"]]),
            vec!["社区食堂运营补贴"]
        );
        assert_eq!(
            read(&[&["项目名称", "Project Name", "社区食堂运营补贴"]]),
            vec!["社区食堂运营补贴"]
        );
        assert_eq!(
            read(&[&["项目名称 Name of Project：社区食堂运营补贴"]]),
            vec!["社区食堂运营补贴"]
        );
        // Near miss: Latin words that are no gloss are the value.
        assert_eq!(
            read(&[&["项目名称", "Smart Canteen Pilot"]]),
            vec!["Smart Canteen Pilot"]
        );
    }

    #[test]
    fn a_project_label_on_the_sheet_keeps_the_sheet_name_out() {
        // The sheet prints 项目名称 (even empty): its name is not the project's.
        let mut rows: Vec<&[&str]> = vec![&["项目名称", ""], &["主管部门", "某区民政局"]];
        rows.extend_from_slice(BODY);
        assert_eq!(
            sheet_projects("城乡困难群众救助", &rows),
            vec![String::new()]
        );
        // A title that names the project wins over the sheet's name.
        let mut titled: Vec<&[&str]> = vec![&["2025年临时救助资金绩效目标表"]];
        titled.extend_from_slice(BODY);
        assert_eq!(sheet_projects("救助一", &titled), vec!["临时救助资金"]);
    }

    #[test]
    fn a_second_field_glued_to_the_project_ends_its_name() {
        let p = pairs("项目名称：乡村道路养护补助项目执行期限：2024年至2026年");
        assert_eq!(
            p.first(),
            Some(&("项目名称".to_string(), "乡村道路养护补助项目".to_string()))
        );
        // A space before an unknown short label parts it too.
        let p = pairs("项目名称：校舍维修 起止年月：2024年");
        assert_eq!(p.first().map(|x| x.1.as_str()), Some("校舍维修"));
    }

    #[test]
    fn a_colon_inside_a_value_that_no_label_precedes_stays() {
        // Near miss: the text before the colon is no head label.
        let p = pairs("项目名称：文化惠民工程（含比例：30%）");
        assert_eq!(
            p.first().map(|x| x.1.as_str()),
            Some("文化惠民工程（含比例：30%）")
        );
        // Near miss: a long sentence before a colon is no key.
        let p = pairs("项目名称：道路 本项目主要用于全县农村公路日常养护工作：每年一次");
        assert_eq!(
            p.first().map(|x| x.1.as_str()),
            Some("道路 本项目主要用于全县农村公路日常养护工作：每年一次")
        );
    }

    #[test]
    fn only_targets_typed_after_equals_are_texts() {
        use super::typed_text;
        assert_eq!(typed_text("3座").as_deref(), Some("=3座"));
        assert_eq!(typed_text("4500元/户").as_deref(), Some("=4500元/户"));
        // Formulas: references, functions, arithmetic, names.
        assert_eq!(typed_text("SUM(B2:B9)"), None);
        assert_eq!(typed_text("B3*0.5"), None);
        assert_eq!(typed_text("100*12"), None);
        assert_eq!(typed_text("'项目表'!C4"), None);
        assert_eq!(typed_text("单价*数量"), None);
        assert_eq!(typed_text("IF(C3>0,\"达标\",\"\")"), None);
    }

    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        // The workspace's fixtures, two folders up from this crate.
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(name)
    }

    #[test]
    fn a_sheet_over_the_cell_limit_is_refused_not_read() {
        for ext in ["xlsx", "xls", "ods"] {
            let p = fixture(&format!("laisui_2024_wide.{ext}"));
            let e = read_sheets_limited(&p, &[], 50).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains("over the 50-cell limit for one sheet") && msg.contains("绩效目标表"),
                "{ext}: {msg}"
            );
            // Within the limit the same sheet reads.
            assert!(read_sheets_limited(&p, &[], MAX_SHEET_CELLS).is_ok());
        }
    }

    #[test]
    fn workbook_extensions_in_any_case() {
        for name in ["a.xlsx", "a.XLSX", "a.Xls", "a.ods", "a.xlsm", "a.xlsb"] {
            assert!(is_workbook_path(Path::new(name)), "{name}");
        }
        for name in ["a.txt", "a.csv", "xlsx", "a.xlsx.txt"] {
            assert!(!is_workbook_path(Path::new(name)), "{name}");
        }
    }
}

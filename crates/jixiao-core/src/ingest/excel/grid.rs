//! A sheet as sparse rows of non-empty cells.
//!
//! Never dense: a sheet whose used range claims a million rows or columns
//! costs only its non-empty cells, and those are capped (see [`Grid::limit`]),
//! so one hostile workbook cannot exhaust memory.

use std::borrow::Cow;

use calamine::{Data, DataRef, Dimensions, Range};
use rust_decimal::Decimal;

/// A cell value. Strings borrow from the workbook where calamine allows it
/// (shared strings), so reading a large sheet allocates little.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Text(Cow<'a, str>),
    Num(f64),
    Int(i64),
    Bool(bool),
    /// A number under a number format: the value (amounts read it) and the
    /// text the workbook shows (`0.95` under `0%` shows `95%`).
    Shown(f64, Box<str>),
    /// Dates, durations and cell errors (`#N/A`), as calamine displays them.
    Other(String),
}

impl<'a> Val<'a> {
    /// `None` for empty cells and whitespace-only text.
    pub fn from_data(d: &'a Data) -> Option<Self> {
        Some(match d {
            Data::Empty => return None,
            Data::String(s) => return text(Cow::Borrowed(s.as_str())),
            Data::Float(f) => Val::Num(*f),
            Data::Int(i) => Val::Int(*i),
            Data::Bool(b) => Val::Bool(*b),
            other => Val::Other(other.to_string()),
        })
    }

    pub fn from_ref(d: &DataRef<'a>) -> Option<Self> {
        Some(match d {
            DataRef::Empty => return None,
            DataRef::SharedString(s) => return text(Cow::Borrowed(*s)),
            DataRef::String(s) => return text(Cow::Owned(s.clone())),
            DataRef::Float(f) => Val::Num(*f),
            DataRef::Int(i) => Val::Int(*i),
            DataRef::Bool(b) => Val::Bool(*b),
            DataRef::DateTime(x) => Val::Other(x.as_f64().to_string()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Val::Other(s.clone()),
            DataRef::Error(e) => Val::Other(e.to_string()),
        })
    }

    /// The cell as text: numbers without float noise (`7.0000000000000009` → `7`).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Text(s) => Cow::Borrowed(s.as_ref()),
            Val::Num(f) => Cow::Owned(format_number(*f)),
            Val::Int(i) => Cow::Owned(i.to_string()),
            Val::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Val::Shown(_, s) => Cow::Borrowed(s),
            Val::Other(s) => Cow::Borrowed(s.as_str()),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Val::Num(_) | Val::Int(_) | Val::Shown(..))
    }
}

impl Val<'_> {
    /// The value owning its text, borrowing nothing from the workbook.
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Text(s) => Val::Text(Cow::Owned(s.into_owned())),
            Val::Num(f) => Val::Num(f),
            Val::Int(i) => Val::Int(i),
            Val::Bool(b) => Val::Bool(b),
            Val::Shown(f, s) => Val::Shown(f, s),
            Val::Other(s) => Val::Other(s),
        }
    }
}

fn text(s: Cow<'_, str>) -> Option<Val<'_>> {
    (!s.trim().is_empty()).then_some(Val::Text(s))
}

/// A float as the shortest decimal text that a person typed: Excel stores
/// `0.1 + 0.2` as `0.30000000000000004`; ten places are more than any table holds.
pub(crate) fn format_number(f: f64) -> String {
    match Decimal::from_f64_retain(f) {
        Some(d) => d.round_dp(10).normalize().to_string(),
        None => f.to_string(),
    }
}

#[derive(Debug, Clone)]
pub(crate) struct GridCell<'a> {
    pub col: u32,
    pub val: Val<'a>,
    /// Copied from the top-left cell of a merged region, not written here.
    pub filled: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct GridRow<'a> {
    /// 0-based sheet row.
    pub idx: u32,
    /// Non-empty cells, ascending by column.
    pub cells: Vec<GridCell<'a>>,
}

impl<'a> GridRow<'a> {
    pub fn get(&self, col: u32) -> Option<&GridCell<'a>> {
        self.cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .and_then(|i| self.cells.get(i))
    }

    /// 1-based sheet row, as people and error messages count.
    pub fn line(&self) -> usize {
        self.idx as usize + 1
    }
}

/// The sheet holds more non-empty cells than one sheet may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub cells: u64,
    pub limit: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Grid<'a> {
    /// Rows with at least one non-empty cell, ascending.
    pub rows: Vec<GridRow<'a>>,
}

/// Collects cells into rows. Cells usually arrive in row order (xlsx
/// streams them so), and go straight into their row; any out of order are
/// kept aside and sorted in at the end.
pub(crate) struct GridBuilder<'a> {
    rows: Vec<GridRow<'a>>,
    stray: Vec<(u32, u32, Val<'a>)>,
    count: usize,
    limit: usize,
}

impl<'a> GridBuilder<'a> {
    pub fn new(limit: usize) -> Self {
        GridBuilder {
            rows: Vec::new(),
            stray: Vec::new(),
            count: 0,
            limit,
        }
    }

    pub fn push(&mut self, row: u32, col: u32, val: Val<'a>) -> Result<(), TooLarge> {
        if self.count >= self.limit {
            return Err(TooLarge {
                cells: self.count as u64 + 1,
                limit: self.limit as u64,
            });
        }
        self.count += 1;
        let cell = GridCell {
            col,
            val,
            filled: false,
        };
        match self.rows.last_mut() {
            Some(last) if last.idx == row && last.cells.last().is_some_and(|c| c.col < col) => {
                last.cells.push(cell);
            }
            Some(last) if last.idx >= row => self.stray.push((row, col, cell.val)),
            _ => self.rows.push(GridRow {
                idx: row,
                cells: vec![cell],
            }),
        }
        Ok(())
    }

    pub fn build(self) -> Grid<'a> {
        if self.stray.is_empty() {
            return Grid { rows: self.rows };
        }
        let mut all: Vec<(u32, u32, Val<'a>)> = self
            .rows
            .into_iter()
            .flat_map(|r| {
                let idx = r.idx;
                r.cells.into_iter().map(move |c| (idx, c.col, c.val))
            })
            .collect();
        all.extend(self.stray);
        // Stable: of two cells at one position (a malformed file) the later wins.
        all.sort_by_key(|c| (c.0, c.1));
        let mut rows: Vec<GridRow<'a>> = Vec::new();
        for (r, c, val) in all {
            let cell = GridCell {
                col: c,
                val,
                filled: false,
            };
            match rows.last_mut() {
                Some(last) if last.idx == r => {
                    if last.cells.last().is_some_and(|x| x.col == c) {
                        last.cells.pop();
                    }
                    last.cells.push(cell);
                }
                _ => rows.push(GridRow {
                    idx: r,
                    cells: vec![cell],
                }),
            }
        }
        Grid { rows }
    }
}

impl<'a> Grid<'a> {
    /// A grid of the used cells of a range calamine has already read.
    pub fn from_range(range: &'a Range<Data>, limit: usize) -> Result<Self, TooLarge> {
        Self::from_range_shown(range, limit, |_, _, _| None)
    }

    /// As [`Grid::from_range`], each cell as `shown(row, col, value)` gives
    /// it where it gives one (the value as its number format shows it).
    pub fn from_range_shown(
        range: &'a Range<Data>,
        limit: usize,
        shown: impl Fn(u32, u32, &'a Data) -> Option<Val<'a>>,
    ) -> Result<Self, TooLarge> {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut b = GridBuilder::new(limit);
        for (r, c, d) in range.used_cells() {
            let r = r0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
            let c = c0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
            // Positions inside a calamine range fit u32 by construction.
            if let Some(v) = shown(r, c, d).or_else(|| Val::from_data(d)) {
                b.push(r, c, v)?;
            }
        }
        Ok(b.build())
    }

    /// The grid owning every text, borrowing nothing from the workbook (so
    /// that the workbook can be read again while the grid lives).
    pub fn into_owned(self) -> Grid<'static> {
        Grid {
            rows: self
                .rows
                .into_iter()
                .map(|r| GridRow {
                    idx: r.idx,
                    cells: r
                        .cells
                        .into_iter()
                        .map(|c| GridCell {
                            col: c.col,
                            val: c.val.into_owned(),
                            filled: c.filled,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The grid with `extra` cells added where it has none (before merges
    /// are applied: a merged copy is not kept as one).
    pub fn with_cells(
        self,
        extra: Vec<(u32, u32, Val<'a>)>,
        limit: usize,
    ) -> Result<Grid<'a>, TooLarge> {
        if extra.is_empty() {
            return Ok(self);
        }
        let mut b = GridBuilder::new(limit);
        for r in self.rows {
            for c in r.cells {
                b.push(r.idx, c.col, c.val)?;
            }
        }
        for (r, c, v) in extra {
            b.push(r, c, v)?;
        }
        Ok(b.build())
    }

    pub fn cell_count(&self) -> usize {
        self.rows.iter().map(|r| r.cells.len()).sum()
    }

    fn max_col(&self) -> u32 {
        self.rows
            .iter()
            .filter_map(|r| r.cells.last().map(|c| c.col))
            .max()
            .unwrap_or(0)
    }

    /// Copies each merged region's top-left value into the empty cells it
    /// covers, on rows that hold something and within the used columns: a
    /// region claiming the whole sheet costs no more than the sheet itself.
    pub fn apply_merges(&mut self, merges: &[Dimensions], limit: usize) -> Result<(), TooLarge> {
        if merges.is_empty() || self.rows.is_empty() {
            return Ok(());
        }
        let max_col = self.max_col();
        let mut total = self.cell_count();
        for m in merges {
            let (r0, c0) = m.start;
            let (r1, c1) = m.end;
            if r1 < r0 || c1 < c0 || c0 > max_col {
                continue;
            }
            let Ok(top) = self.rows.binary_search_by_key(&r0, |r| r.idx) else {
                continue;
            };
            let Some(origin) = self
                .rows
                .get(top)
                .and_then(|r| r.get(c0))
                .map(|c| c.val.clone())
            else {
                continue;
            };
            let c1 = c1.min(max_col);
            for row in self.rows.iter_mut().skip(top) {
                if row.idx > r1 {
                    break;
                }
                for c in c0..=c1 {
                    if let Err(at) = row.cells.binary_search_by_key(&c, |x| x.col) {
                        if total >= limit {
                            return Err(TooLarge {
                                cells: total as u64 + 1,
                                limit: limit as u64,
                            });
                        }
                        total += 1;
                        row.cells.insert(
                            at,
                            GridCell {
                                col: c,
                                val: origin.clone(),
                                filled: true,
                            },
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub(crate) fn col_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// `Sheet1!C7` for 0-based row and column; a sheet name that Excel would
/// quote (spaces, punctuation) is quoted the same way: `'My sheet'!C7`.
pub(crate) fn address(sheet: &str, row: u32, col: u32) -> String {
    let plain = !sheet.is_empty()
        && sheet
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    let name = if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!("{name}!{}{}", col_name(col), row as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_value_stays_small() {
        // Every non-empty cell of a sheet holds one: a formatted number's
        // shown text is boxed so the cap on cells bounds the memory as before.
        assert!(std::mem::size_of::<Val<'static>>() <= 32);
    }

    #[test]
    fn column_names_and_addresses() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(16_383), "XFD");
        assert_eq!(address("Sheet1", 6, 2), "Sheet1!C7");
        assert_eq!(address("绩效目标表", 0, 0), "绩效目标表!A1");
        assert_eq!(address("My sheet", 0, 1), "'My sheet'!B1");
    }

    #[test]
    fn float_noise_is_not_data() {
        assert_eq!(format_number(7.000_000_000_000_001), "7");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(95.0), "95");
        assert_eq!(format_number(0.95), "0.95");
    }

    #[test]
    fn merges_fill_only_used_rows_and_columns() {
        let mut b = GridBuilder::new(100);
        b.push(0, 0, Val::Text("项目".into())).unwrap();
        b.push(0, 2, Val::Num(1.0)).unwrap();
        b.push(2, 1, Val::Num(2.0)).unwrap();
        let mut g = b.build();
        // A region over the whole sheet: only rows 0 and 2, columns 0..=2.
        g.apply_merges(&[Dimensions::new((0, 0), (1_048_575, 16_383))], 100)
            .unwrap();
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[0].cells.len(), 3);
        assert!(g.rows[0].get(1).unwrap().filled);
        assert_eq!(g.rows[1].get(0).unwrap().val, Val::Text("项目".into()));
        assert_eq!(g.rows[1].get(1).unwrap().val, Val::Num(2.0));
        assert!(!g.rows[1].get(1).unwrap().filled);
        // The fill counts against the limit.
        let mut b = GridBuilder::new(3);
        b.push(0, 0, Val::Int(1)).unwrap();
        b.push(0, 5, Val::Int(1)).unwrap();
        let mut g = b.build();
        assert!(
            g.apply_merges(&[Dimensions::new((0, 0), (0, 5))], 3)
                .is_err()
        );
    }

    #[test]
    fn cells_out_of_order_are_sorted_in() {
        let mut b = GridBuilder::new(100);
        for (r, c, v) in [
            (2, 1, 1),
            (0, 3, 2),
            (2, 0, 3),
            (0, 1, 4),
            (2, 1, 5),
            (1, 0, 6),
        ] {
            b.push(r, c, Val::Int(v)).unwrap();
        }
        let g = b.build();
        let got: Vec<(u32, u32, Val<'_>)> = g
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(move |c| (r.idx, c.col, c.val.clone())))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 1, Val::Int(4)),
                (0, 3, Val::Int(2)),
                (1, 0, Val::Int(6)),
                (2, 0, Val::Int(3)),
                (2, 1, Val::Int(5)),
            ]
        );
    }

    #[test]
    fn builder_refuses_past_the_limit() {
        let mut b = GridBuilder::new(2);
        b.push(0, 0, Val::Int(1)).unwrap();
        b.push(5, 0, Val::Int(1)).unwrap();
        assert_eq!(
            b.push(9, 0, Val::Int(1)),
            Err(TooLarge { cells: 3, limit: 2 })
        );
    }
}

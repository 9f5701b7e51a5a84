//! A table as rows of cells, independent of where it came from: a workbook
//! sheet, a text flattening (pipe tables, one cell per line, space-separated
//! rows) or a PDF page. Sources build grids; readers read them. No source's
//! types appear here.

use crate::model::Position;

/// One cell: its text as printed (trimmed; wrapped Chinese lines joined with
/// nothing between them), its place, its spans and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// 0-based row of the grid.
    pub row: u32,
    /// 0-based column of the grid.
    pub col: u32,
    /// Rows and columns the cell covers (merged cells), at least 1 each.
    pub rowspan: u32,
    pub colspan: u32,
    pub text: String,
    /// True when the source stored a number (a workbook's numeric cell), so
    /// that a reader can tell `2024` typed as text from a figure.
    pub numeric: bool,
    /// Where the cell is in its source.
    pub pos: Position,
}

impl Cell {
    pub fn new(row: u32, col: u32, text: impl Into<String>, pos: Position) -> Self {
        Cell {
            row,
            col,
            rowspan: 1,
            colspan: 1,
            text: text.into(),
            numeric: false,
            pos,
        }
    }

    /// True when the cell covers `(row, col)`.
    pub fn covers(&self, row: u32, col: u32) -> bool {
        row >= self.row
            && row < self.row.saturating_add(self.rowspan.max(1))
            && col >= self.col
            && col < self.col.saturating_add(self.colspan.max(1))
    }
}

/// One row: the cells that start in it, ascending by column. Empty cells are
/// usually absent; a source may keep them (text ""), readers must not care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Where the row is in its source (its first line, sheet row or page).
    pub pos: Position,
}

impl Row {
    /// The cell starting at `col`.
    pub fn get(&self, col: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&col, |c| c.col)
            .ok()
            .and_then(|i| self.cells.get(i))
    }

    /// The texts of the row's non-empty cells, in column order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.cells
            .iter()
            .map(|c| c.text.as_str())
            .filter(|t| !t.trim().is_empty())
    }

    /// The row's text, cells joined by a space: for messages and rejects.
    pub fn joined(&self) -> String {
        self.texts().collect::<Vec<_>>().join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.texts().next().is_none()
    }
}

/// How the source laid out the grid: readers may weigh evidence by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridSource {
    #[default]
    Workbook,
    /// `| a | b |` text.
    PipeText,
    /// One cell per line (` |` endings or blank lines between cells).
    CellLines,
    /// Space-separated columns.
    SpacedText,
    /// A PDF page's ruled or aligned table.
    Pdf,
}

/// A table of cells. `rows[i]` is grid row `i`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// The input's file name.
    pub source: String,
    /// A sheet's name, a page range (`pages 3-4`) or empty for text.
    pub name: String,
    pub kind: GridSource,
    pub rows: Vec<Row>,
}

impl Grid {
    pub fn new(source: impl Into<String>, name: impl Into<String>, kind: GridSource) -> Self {
        Grid {
            source: source.into(),
            name: name.into(),
            kind,
            rows: Vec::new(),
        }
    }

    /// Appends a row of cells; their `row` is set to the new row's index and
    /// they are sorted by column.
    pub fn push_row(&mut self, mut cells: Vec<Cell>, pos: Position) {
        let r = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        for c in &mut cells {
            c.row = r;
        }
        cells.sort_by_key(|c| c.col);
        self.rows.push(Row { cells, pos });
    }

    /// The cell that covers `(row, col)`: the cell starting there, or a merged
    /// cell above or to the left that spans over it.
    pub fn covering(&self, row: u32, col: u32) -> Option<&Cell> {
        if let Some(c) = self.rows.get(row as usize).and_then(|r| r.get(col)) {
            return Some(c);
        }
        // Merged regions are few and short: look back a bounded distance.
        let from = row.saturating_sub(MAX_SPAN_LOOKBACK);
        (from..=row).rev().find_map(|r| {
            self.rows
                .get(r as usize)?
                .cells
                .iter()
                .find(|c| c.covers(row, col))
        })
    }

    /// The text at `(row, col)`, following merged cells; empty when none.
    pub fn text(&self, row: u32, col: u32) -> &str {
        self.covering(row, col).map_or("", |c| c.text.as_str())
    }

    /// Number of columns: one past the last column any cell covers.
    pub fn width(&self) -> u32 {
        self.rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .map(|c| c.col.saturating_add(c.colspan.max(1)))
            .max()
            .unwrap_or(0)
    }

    /// The grid as text, a row a line, each cell with its place and spans:
    /// what `inspect --grid` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.rows.iter().enumerate() {
            out.push_str(&format!("row {i} [{}]:", r.pos));
            for c in &r.cells {
                out.push_str(&format!(" |c{}", c.col));
                if c.rowspan > 1 || c.colspan > 1 {
                    out.push_str(&format!(" {}x{}", c.rowspan, c.colspan));
                }
                out.push_str(&format!(" {}", c.text.replace('\n', "⏎")));
            }
            out.push('\n');
        }
        out
    }
}

/// How far back [`Grid::covering`] looks for a merged cell: no real table
/// merges more rows than this into one cell.
const MAX_SPAN_LOOKBACK: u32 = 512;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_follows_merged_cells() {
        let mut g = Grid::new("t.xlsx", "Sheet1", GridSource::Workbook);
        let mut a = Cell::new(0, 0, "产出指标", Position::Unknown);
        a.rowspan = 3;
        g.push_row(
            vec![a, Cell::new(0, 1, "数量指标", Position::Unknown)],
            Position::Unknown,
        );
        g.push_row(
            vec![Cell::new(0, 1, "质量指标", Position::Unknown)],
            Position::Unknown,
        );
        g.push_row(vec![], Position::Unknown);
        g.push_row(
            vec![Cell::new(0, 1, "x", Position::Unknown)],
            Position::Unknown,
        );
        assert_eq!(g.text(1, 0), "产出指标");
        assert_eq!(g.text(2, 0), "产出指标");
        assert_eq!(g.text(3, 0), "");
        assert_eq!(g.text(1, 1), "质量指标");
        assert_eq!(g.width(), 2);
    }
}

//! Page tables into grids: a table continued over the next pages is one
//! grid (columns matched, the head repeated at the top of each page dropped,
//! a row cut by a page break joined), with the lines above it (title,
//! department, money unit) and below it (notes) as rows of their own; page
//! numbers and running heads are dropped.

use pdfplumber::BBox;

use super::layout::{PageContent, PageTable, TextLine};
use crate::grid::{Cell, Grid, GridSource};
use crate::model::Position;

/// Points within which two rules are the same.
const SNAP: f64 = 3.0;

/// A table and the pages it runs over.
#[derive(Debug, Default)]
pub(crate) struct Run {
    pub above: Vec<(u32, TextLine)>,
    pub pieces: Vec<(u32, PageTable)>,
    pub below: Vec<(u32, TextLine)>,
}

impl Run {
    pub fn first_page(&self) -> u32 {
        self.pieces.first().map_or(0, |p| p.0)
    }

    pub fn last_page(&self) -> u32 {
        self.pieces.last().map_or(0, |p| p.0)
    }
}

/// `第 1 页，共 6 页`, `- 3 -`, `3`, `3/12`, `Page 3`: a page number.
pub(crate) fn is_page_number(t: &str) -> bool {
    let s: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return false;
    }
    let digits_only = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let bare = s.trim_matches(['-', '—', '–', '－', '·', '(', ')', '（', '）']);
    if digits_only(bare) {
        return true;
    }
    if let Some((a, b)) = bare.split_once('/') {
        return digits_only(a) && digits_only(b);
    }
    let stripped: String = s
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ',' | '，' | ' '))
        .collect();
    matches!(
        stripped.as_str(),
        "第页" | "第页共页" | "共页第页" | "Page" | "Pageof" | "页"
    )
}

fn squeeze(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Lines that are page furniture: page numbers, and a line repeated at the
/// same height on the page before (a running head or foot).
fn furniture(line: &TextLine, prev: Option<&PageContent>) -> bool {
    if is_page_number(&line.text) {
        return true;
    }
    let key: String = squeeze(&line.text)
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    prev.is_some_and(|p| {
        p.lines.iter().any(|l| {
            (l.bbox.top - line.bbox.top).abs() < 2.0
                && squeeze(&l.text)
                    .chars()
                    .filter(|c| !c.is_ascii_digit())
                    .collect::<String>()
                    == key
        })
    })
}

/// Column rules of a table: the cells' left and right edges, snapped.
fn rules(xs: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = xs.collect();
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::with_capacity(v.len());
    for x in v {
        match out.last() {
            Some(&l) if x - l <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

fn col_rules(t: &PageTable) -> Vec<f64> {
    rules(t.cells.iter().flat_map(|c| [c.bbox.x0, c.bbox.x1]))
}

/// A table at the top of a page continues one from the page before: same
/// outer edges and every column rule one the earlier table has.
fn same_columns(a: &PageTable, b: &PageTable) -> bool {
    let ra = col_rules(a);
    let rb = col_rules(b);
    let near = |x: f64, set: &[f64]| set.iter().any(|y| (x - y).abs() <= SNAP);
    (a.bbox.x0 - b.bbox.x0).abs() <= SNAP
        && (a.bbox.x1 - b.bbox.x1).abs() <= SNAP
        && rb.iter().all(|&x| near(x, &ra))
}

/// Groups the pages' tables into runs.
pub(crate) fn runs(pages: &[PageContent]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    // The run the next page may continue: it ended its page with nothing
    // but furniture below.
    let mut open: Option<usize> = None;
    let mut prev_page: Option<&PageContent> = None;
    for p in pages {
        let lines: Vec<&TextLine> = p
            .lines
            .iter()
            .filter(|l| !furniture(l, prev_page))
            .collect();
        let mut continued_from = open
            .take()
            .filter(|&i| out.get(i).is_some_and(|r| r.last_page() + 1 == p.number));
        let mut last_bottom = f64::NEG_INFINITY;
        for (ti, t) in p.tables.iter().enumerate() {
            let above: Vec<(u32, TextLine)> = lines
                .iter()
                .filter(|l| l.bbox.bottom <= t.bbox.top + 1.0 && l.bbox.top >= last_bottom - 1.0)
                .map(|l| (p.number, (*l).clone()))
                .collect();
            let cont = if ti == 0 && above.is_empty() {
                continued_from.take().filter(|&i| {
                    out.get(i).is_some_and(|r| {
                        r.pieces
                            .last()
                            .is_some_and(|(_, prev)| same_columns(prev, t))
                            && r.below.iter().all(|(_, l)| spills_into(l, t))
                    })
                })
            } else {
                None
            };
            match cont.and_then(|i| out.get_mut(i)) {
                Some(r) => {
                    // The lines below the last page's table were the text of
                    // merged cells the page break cut, printed again here.
                    r.below.clear();
                    r.pieces.push((p.number, t.clone()));
                }
                None => out.push(Run {
                    above,
                    pieces: vec![(p.number, t.clone())],
                    below: Vec::new(),
                }),
            }
            last_bottom = t.bbox.bottom;
        }
        let last = out.len().saturating_sub(1);
        if let Some(r) = out.last_mut().filter(|r| r.last_page() == p.number) {
            let below: Vec<(u32, TextLine)> = lines
                .iter()
                .filter(|l| l.bbox.top >= last_bottom - 1.0)
                .map(|l| (p.number, (*l).clone()))
                .collect();
            // A run the next page may continue: nothing but furniture below
            // it, or lines the next page's table may show to be its own.
            open = Some(last);
            r.below.extend(below);
        }
        prev_page = Some(p);
    }
    out
}

/// Whether a line under a table is the text of merged cells cut by the page
/// break (a printer centres a merged cell's text in its whole area, so part
/// of it falls below the page's last rule): every word of it is the text of
/// a cell merged over rows at the top of the next page's table.
fn spills_into(line: &TextLine, next: &PageTable) -> bool {
    let top = next
        .cells
        .iter()
        .map(|c| c.bbox.top)
        .fold(f64::INFINITY, f64::min);
    // Cells merged over rows are taller than a row: the row bounds of the
    // table tell them apart.
    let rows = rules(next.cells.iter().flat_map(|c| [c.bbox.top, c.bbox.bottom]));
    let spans_rows = |b: &BBox| {
        rows.iter()
            .filter(|&&y| y > b.top + SNAP && y < b.bottom - SNAP)
            .count()
            > 0
    };
    let merged: Vec<String> = next
        .cells
        .iter()
        .filter(|c| c.bbox.top <= top + 60.0 && spans_rows(&c.bbox))
        .map(|c| squeeze(&c.text))
        .filter(|t| !t.is_empty())
        .collect();
    let mut words = line.text.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| merged.iter().any(|m| *m == squeeze(w)))
}

/// A table row under construction: cells by column, and its box.
struct GRow {
    page: u32,
    bbox: BBox,
    cells: Vec<Cell>,
}

fn pos(page: u32, b: &BBox) -> Position {
    let r = |v: f64| v.round().clamp(0.0, f64::from(u32::MAX)) as u32;
    Position::Pdf {
        page,
        bbox: [r(b.x0), r(b.top), r(b.x1), r(b.bottom)],
    }
}

/// Index of the rule nearest `x` (rules ascending).
fn index_of(rules: &[f64], x: f64) -> u32 {
    let i = rules.partition_point(|&r| r < x - SNAP);
    u32::try_from(i.min(rules.len().saturating_sub(1))).unwrap_or(0)
}

fn row_key(r: &GRow) -> Vec<(u32, String)> {
    r.cells
        .iter()
        .filter(|c| !c.text.trim().is_empty())
        .map(|c| (c.col, squeeze(&c.text)))
        .collect()
}

/// A merged cell cut by a page break: the rows at the end of the page that
/// no cell covers in a column where the next page's first row starts a cell
/// merged over rows are that cell's, its text printed on the next page only.
fn fill_cut_merges(rows: &mut [GRow], next_first: Option<&GRow>) {
    let Some(first) = next_first else { return };
    let Some(page) = rows.last().map(|r| r.page) else {
        return;
    };
    let n = rows.len();
    for c in first.cells.iter().filter(|c| c.rowspan > 1) {
        // Rows covered in this column by a cell starting in them or above,
        // and whether by a cell merged over rows.
        let mut covered = vec![false; n];
        let mut merged = vec![false; n];
        for (j, r) in rows.iter().enumerate() {
            for y in &r.cells {
                if y.col <= c.col && c.col < y.col.saturating_add(y.colspan.max(1)) {
                    let end = j.saturating_add(y.rowspan.max(1) as usize).min(n);
                    for slot in covered.iter_mut().take(end).skip(j) {
                        *slot = true;
                    }
                    for slot in merged.iter_mut().take(end).skip(j) {
                        *slot = y.rowspan > 1;
                    }
                }
            }
        }
        let tail = rows
            .iter()
            .zip(&covered)
            .rev()
            .take_while(|(r, cov)| r.page == page && !**cov)
            .count();
        // Every row of the page above the tail is covered, the last by a
        // merged cell: the column holds cells merged over their groups (a
        // ruled table's), not names printed on a group's first row only.
        let page_rows = rows.iter().rev().take_while(|r| r.page == page).count();
        let above = (n - page_rows..n - tail).all(|i| covered.get(i).copied().unwrap_or(false));
        if tail == 0 || tail == n || !above || !merged.get(n - tail - 1).copied().unwrap_or(false) {
            continue;
        }
        if let Some(r) = rows.get_mut(n - tail) {
            let mut cell = c.clone();
            cell.rowspan = u32::try_from(tail).unwrap_or(1);
            cell.pos = pos(r.page, &r.bbox);
            r.cells.push(cell);
            r.cells.sort_by_key(|x| x.col);
        }
    }
}

/// The grid of a run.
pub(crate) fn grid(source: &str, run: &Run) -> Grid {
    let name = if run.first_page() == run.last_page() {
        format!("page {}", run.first_page())
    } else {
        format!("pages {}-{}", run.first_page(), run.last_page())
    };
    let mut g = Grid::new(source, name, GridSource::Pdf);
    for (page, l) in &run.above {
        g.push_row(
            vec![Cell::new(0, 0, l.text.trim(), pos(*page, &l.bbox))],
            pos(*page, &l.bbox),
        );
    }
    let xs = rules(
        run.pieces
            .iter()
            .flat_map(|(_, t)| t.cells.iter().flat_map(|c| [c.bbox.x0, c.bbox.x1])),
    );
    let mut rows: Vec<GRow> = Vec::new();
    // Rows of the first piece without a figure: the head, and a form's
    // labels; a page starting with them repeats them.
    let mut head: Vec<Vec<(u32, String)>> = Vec::new();
    let mut cut_above = false;
    for (k, (page, t)) in run.pieces.iter().enumerate() {
        let ys = rules(t.cells.iter().flat_map(|c| [c.bbox.top, c.bbox.bottom]));
        let mut piece: Vec<GRow> = ys
            .windows(2)
            .map(|w| {
                let (top, bottom) = (
                    w.first().copied().unwrap_or(0.0),
                    w.get(1).copied().unwrap_or(0.0),
                );
                GRow {
                    page: *page,
                    bbox: BBox::new(t.bbox.x0, top, t.bbox.x1, bottom),
                    cells: Vec::new(),
                }
            })
            .collect();
        for c in &t.cells {
            let r0 = index_of(&ys, c.bbox.top);
            let r1 = index_of(&ys, c.bbox.bottom).max(r0 + 1);
            let c0 = index_of(&xs, c.bbox.x0);
            let c1 = index_of(&xs, c.bbox.x1).max(c0 + 1);
            if c.text.trim().is_empty() {
                continue;
            }
            let mut cell = Cell::new(0, c0, c.text.trim(), pos(*page, &c.bbox));
            cell.rowspan = r1 - r0;
            cell.colspan = c1 - c0;
            if let Some(r) = piece.get_mut(r0 as usize) {
                r.cells.push(cell);
            }
        }
        if k == 0 {
            head = piece
                .iter()
                .filter(|r| {
                    !r.cells
                        .iter()
                        .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()))
                })
                .map(row_key)
                .filter(|k| !k.is_empty())
                .collect();
        } else {
            // The head again at the top of a continued page.
            let repeated = piece
                .iter()
                .take_while(|r| {
                    let key = row_key(r);
                    key.is_empty() || head.contains(&key)
                })
                .count();
            piece.drain(..repeated);
        }
        if k > 0 && !cut_above {
            fill_cut_merges(&mut rows, piece.first());
        }
        let mut it = piece.into_iter();
        if cut_above && let (Some(last), Some(first)) = (rows.last_mut(), it.next()) {
            // The row the page break cut: its cells' text goes on.
            for c in first.cells {
                match last.cells.iter_mut().find(|x| x.col == c.col) {
                    Some(x) => x.text.push_str(&c.text),
                    None => last.cells.push(c),
                }
            }
        }
        rows.extend(it);
        cut_above = t.open_bottom;
    }
    for r in rows {
        g.push_row(r.cells, pos(r.page, &r.bbox));
    }
    for (page, l) in &run.below {
        g.push_row(
            vec![Cell::new(0, 0, l.text.trim(), pos(*page, &l.bbox))],
            pos(*page, &l.bbox),
        );
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for t in [
            "1",
            "- 3 -",
            "— 12 —",
            "第 1 页，共 6 页",
            "第2页",
            "3/12",
            "Page 4",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["合计", "950.00", "单位：万元", "2024年", "第一部分"] {
            assert!(!is_page_number(t), "{t}");
        }
    }
}

//! Tables without rules: columns from the text's alignment, rows from its
//! lines, wrapped cells followed down.
//!
//! Columns are the page's gutters: x ranges that (almost) no line of text
//! crosses. A line's pieces of text (split where the gap between glyphs is
//! wider than a quarter of the type size) fall into the column holding their
//! centre; a piece crossing gutters spans those columns (a group head). A
//! cell's text wraps when it reaches its column's right side: a piece in a
//! column whose cell on the line above ran up to that side continues that
//! cell, while the line's other pieces start a new row. Continued pages
//! keep the first page's columns when their gutters are the same within a
//! little, so the table stitches as a ruled one does.

use pdfplumber::{BBox, Char};

use super::layout::{PageTable, TCell, join_line, lines_chained};
use super::stitch::is_page_number;

/// Columns found on a page: rules from left to right.
pub(crate) type Columns = Vec<f64>;

/// A piece of a line: glyphs with no wide gap between them.
struct Piece<'c> {
    x0: f64,
    x1: f64,
    top: f64,
    bottom: f64,
    chars: Vec<&'c Char>,
}

struct Line<'c> {
    top: f64,
    bottom: f64,
    size: f64,
    pieces: Vec<Piece<'c>>,
}

fn lines<'c>(chars: &[&'c Char]) -> Vec<Line<'c>> {
    let mut out = Vec::new();
    // Lines of different columns interleave (a goal's lines beside one-line
    // indicator rows): only glyphs almost level make a line.
    for l in lines_chained(chars, 0.15) {
        let text = join_line(&l);
        if is_page_number(&text) {
            continue; // page furniture, not a row
        }
        let size = l.iter().map(|c| c.size).fold(0.0_f64, f64::max).max(1.0);
        let mut pieces: Vec<Piece<'c>> = Vec::new();
        for c in l {
            match pieces.last_mut() {
                Some(p) if c.bbox.x0 - p.x1 <= size * 0.25 => {
                    p.x1 = p.x1.max(c.bbox.x1);
                    p.top = p.top.min(c.bbox.top);
                    p.bottom = p.bottom.max(c.bbox.bottom);
                    p.chars.push(c);
                }
                _ => pieces.push(Piece {
                    x0: c.bbox.x0,
                    x1: c.bbox.x1,
                    top: c.bbox.top,
                    bottom: c.bbox.bottom,
                    chars: vec![c],
                }),
            }
        }
        let top = pieces
            .iter()
            .flat_map(|p| p.chars.iter().map(|c| c.bbox.top))
            .fold(f64::INFINITY, f64::min);
        let bottom = pieces
            .iter()
            .flat_map(|p| p.chars.iter().map(|c| c.bbox.bottom))
            .fold(f64::NEG_INFINITY, f64::max);
        if top.is_finite() && bottom.is_finite() {
            out.push(Line {
                top,
                bottom,
                size,
                pieces,
            });
        }
    }
    out
}

/// The gutters of a page's lines as column rules (outer edges included).
fn columns(lines: &[Line<'_>]) -> Columns {
    let (lo, hi) = lines
        .iter()
        .flat_map(|l| l.pieces.iter())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.x0), b.max(p.x1))
        });
    if !lo.is_finite() || !hi.is_finite() || hi - lo < 1.0 || hi - lo > 20_000.0 {
        return Vec::new();
    }
    // Half-point bins: gutters between narrow columns of figures are a
    // couple of points wide.
    const BIN: f64 = 0.5;
    let width = ((hi - lo) / BIN).ceil() as usize + 1;
    let mut cover = vec![0u32; width];
    for l in lines {
        for p in &l.pieces {
            let a = (((p.x0 - lo) / BIN).max(0.0) as usize).min(width - 1);
            let b = (((p.x1 - lo) / BIN).max(0.0) as usize).min(width - 1);
            for c in cover.iter_mut().take(b + 1).skip(a) {
                *c += 1;
            }
        }
    }
    // A gutter may be crossed by a few lines: a title, a group head.
    let allowed = u32::try_from(lines.len() / 12).unwrap_or(u32::MAX).max(1);
    let sizes: Vec<f64> = lines.iter().map(|l| l.size).collect();
    // One empty bin that no line crosses is a gutter: text in one column
    // never leaves an x free on every line by chance.
    let min_gap = (sizes.iter().sum::<f64>() / sizes.len().max(1) as f64 * 0.05).max(BIN);
    let mut rules = vec![lo];
    // Runs of bins no more than `allowed` lines cross; inside one, the bins
    // no line crosses are the gutters (the columns between them hold only a
    // head); a run with none is crossed by a group head: the run is the
    // gutter. A column starts where its gutter ends (text is left-aligned
    // far more often than not).
    let mut x = 0;
    while x < cover.len() {
        if cover.get(x).is_some_and(|&c| c > allowed) {
            x += 1;
            continue;
        }
        let s = x;
        while cover.get(x).is_some_and(|&c| c <= allowed) {
            x += 1;
        }
        if s == 0 || x >= cover.len() {
            continue; // the page's margins
        }
        let run = cover.get(s..x).unwrap_or(&[]);
        // The bins fewest lines cross: none between columns, or only a
        // group head's where one spans the gutter.
        let least = run.iter().copied().min().unwrap_or(0);
        let mut zero_ends = Vec::new();
        let mut z: Option<usize> = None;
        for (i, &c) in run.iter().enumerate() {
            if c == least {
                z.get_or_insert(i);
            } else if let Some(zs) = z.take()
                && (i - zs) as f64 * BIN >= min_gap
            {
                zero_ends.push(i);
            }
        }
        if let Some(zs) = z
            && (run.len() - zs) as f64 * BIN >= min_gap
        {
            zero_ends.push(run.len());
        }
        if zero_ends.is_empty() {
            if run.len() as f64 * BIN >= min_gap {
                rules.push(lo + x as f64 * BIN - BIN);
            }
        } else {
            rules.extend(zero_ends.iter().map(|&e| lo + (s + e) as f64 * BIN - BIN));
        }
    }
    rules.push(hi);
    rules
}

/// Keeps `prev`'s columns when `cols` are the same ones found again, or
/// some of them (a column empty on this page leaves no gutter).
pub(crate) fn same_or(prev: Option<&Columns>, cols: Columns) -> Columns {
    let near = |x: f64, set: &[f64]| set.iter().any(|y| (x - y).abs() <= 12.0);
    match prev {
        Some(p) if cols.len() <= p.len() && cols.iter().all(|&x| near(x, p)) => p.clone(),
        _ => cols,
    }
}

/// The page's columns, if its text makes at least three.
pub(crate) fn page_columns(chars: &[&Char]) -> Option<Columns> {
    let ls = lines(chars);
    let cols = columns(&ls);
    (cols.len() >= 4).then_some(cols)
}

/// A line's text in one column.
struct Part {
    c0: usize,
    c1: usize,
    x0: f64,
    top: f64,
    bottom: f64,
    text: String,
}

/// A cell being built: its first column, box, text, and the bottom of its
/// last line of text.
struct Open {
    c0: usize,
    bbox: BBox,
    text: String,
    last_bottom: f64,
}

/// The page's lines as a table over `cols`.
pub(crate) fn table(chars: &[&Char], cols: &Columns) -> Option<PageTable> {
    let ls = lines(chars);
    if ls.is_empty() || cols.len() < 2 {
        return None;
    }
    let ncols = cols.len() - 1;
    let col_of = |x: f64| {
        cols.partition_point(|&r| r <= x)
            .saturating_sub(1)
            .min(ncols - 1)
    };
    let right = |c: usize| cols.get(c + 1).copied().unwrap_or(f64::INFINITY);
    let mut cells: Vec<Open> = Vec::new();
    // Per column: the index in `cells` of the cell a wrapped line would continue.
    let mut wrapping: Vec<Option<usize>> = vec![None; ncols];
    for (k, l) in ls.iter().enumerate() {
        // Each line owns the band from halfway to the line above to halfway
        // to the line below, so rows meet without gaps.
        let top = match k.checked_sub(1).and_then(|j| ls.get(j)) {
            Some(p) => (p.bottom + l.top) / 2.0,
            None => l.top,
        };
        let bottom = ls.get(k + 1).map_or(l.bottom, |n| (l.bottom + n.top) / 2.0);
        // The line's pieces by the column they start in, joined.
        let mut parts: Vec<Part> = Vec::new();
        for p in &l.pieces {
            let c0 = col_of(p.x0 + 1.0);
            let c1 = col_of(p.x1 - 1.0).max(c0);
            let text = join_line(&p.chars);
            match parts.last_mut() {
                Some(last) if last.c0 == c0 => {
                    let cjk = |t: &str| t.chars().any(super::layout::is_wide);
                    if !(cjk(&last.text) && cjk(&text)) {
                        last.text.push(' ');
                    }
                    last.text.push_str(text.trim());
                    last.c1 = last.c1.max(c1);
                    last.top = last.top.min(p.top);
                    last.bottom = last.bottom.max(p.bottom);
                }
                _ => parts.push(Part {
                    c0,
                    c1,
                    x0: p.x0,
                    top: p.top,
                    bottom: p.bottom,
                    text: text.trim().to_string(),
                }),
            }
        }
        for Part {
            c0,
            c1,
            x0,
            top: ptop,
            bottom: pbottom,
            text,
        } in parts
        {
            let left = cols.get(c0).copied().unwrap_or(x0);
            // A cell's lines follow one another closer than its row follows
            // the row above: a piece close under the column's last one
            // continues its cell (a wrapped line, or one after a line break).
            let cont = wrapping.get(c0).copied().flatten().filter(|&i| {
                cells
                    .get(i)
                    .is_some_and(|o| o.c0 == c0 && ptop - o.last_bottom <= (l.size * 0.35).max(1.5))
            });
            if let Some(o) = cont.and_then(|i| cells.get_mut(i)) {
                o.text.push_str(&text);
                o.bbox = BBox::new(o.bbox.x0, o.bbox.top, o.bbox.x1, bottom);
                o.last_bottom = pbottom;
            } else {
                let i = cells.len();
                cells.push(Open {
                    c0,
                    bbox: BBox::new(left, top, right(c1), bottom),
                    text,
                    last_bottom: pbottom,
                });
                if let Some(w) = wrapping.get_mut(c0) {
                    *w = Some(i);
                }
            }
        }
    }
    let first = cols.first().copied()?;
    let last = cols.last().copied()?;
    let top = cells
        .iter()
        .map(|c| c.bbox.top)
        .fold(f64::INFINITY, f64::min);
    let bottom = cells
        .iter()
        .map(|c| c.bbox.bottom)
        .fold(f64::NEG_INFINITY, f64::max);
    Some(PageTable {
        bbox: BBox::new(first, top, last, bottom),
        cells: cells
            .into_iter()
            .map(|o| TCell {
                bbox: o.bbox,
                text: o.text,
            })
            .collect(),
        open_bottom: false,
    })
}

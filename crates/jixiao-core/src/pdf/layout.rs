//! One page: its characters into ruled (or aligned) tables of cells and
//! free lines of text outside them.

use pdfplumber::{BBox, Char, Edge, EdgeSource, Orientation, TableFinder, TableSettings};

use super::aligned::{self, Columns};

/// A table cell on one page: its box and its text (wrapped lines joined).
#[derive(Debug, Clone)]
pub(crate) struct TCell {
    pub bbox: BBox,
    pub text: String,
}

/// A table found on one page.
#[derive(Debug, Clone)]
pub(crate) struct PageTable {
    pub bbox: BBox,
    pub cells: Vec<TCell>,
    /// The vertical rules run on below the last horizontal one: the last row
    /// continues on the next page (a row split by the page break).
    pub open_bottom: bool,
}

/// A line of text outside every table.
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    pub bbox: BBox,
    pub text: String,
}

/// What one page holds.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageContent {
    /// 1-based.
    pub number: u32,
    /// Top to bottom.
    pub tables: Vec<PageTable>,
    /// Top to bottom.
    pub lines: Vec<TextLine>,
    /// The whole page as text at fixed offsets (as `pdftotext -layout`
    /// prints it), a line each with its box: read by the text readers when
    /// no table of the page is a target table.
    pub layout: Vec<TextLine>,
}

/// How far (points) a vertical rule may run past the last horizontal one
/// before the table is taken to be cut by the page's end.
const OVERHANG: f64 = 4.0;

/// Tables and free lines of a page. `chars` are in displayed page space
/// (top-left origin, rotation applied).
pub(crate) fn analyse(
    number: u32,
    width: f64,
    height: f64,
    chars: &[Char],
    edges: Vec<Edge>,
    prev_columns: Option<&Columns>,
) -> (PageContent, Option<Columns>) {
    let (edges, closed_at) = close_cut_tables(edges);
    let page_box = BBox::new(0.0, 0.0, width, height);
    let mut found = TableFinder::new(edges, TableSettings::default())
        .with_page_bbox(page_box)
        .find_tables();
    found.retain(|t| t.cells.len() >= 2);
    found.sort_by(|a, b| a.bbox.top.total_cmp(&b.bbox.top));
    if found.is_empty() && chars.len() >= 8 {
        // No rules: columns from the text's alignment; every line is a row.
        let all: Vec<&Char> = chars.iter().collect();
        if let Some(cols) = aligned::page_columns(&all) {
            let cols = aligned::same_or(prev_columns, cols);
            if let Some(t) = aligned::table(&all, &cols) {
                let page = PageContent {
                    number,
                    tables: vec![t],
                    lines: Vec::new(),
                    layout: layout_lines(chars),
                };
                return (page, Some(cols));
            }
        }
    }

    // Characters sorted by their vertical centre, so that each cell takes
    // its own by a binary search instead of a scan of the page.
    let mut order: Vec<usize> = (0..chars.len()).collect();
    let cy = |i: usize| {
        chars
            .get(i)
            .map_or(0.0, |c| (c.bbox.top + c.bbox.bottom) / 2.0)
    };
    order.sort_by(|&a, &b| cy(a).total_cmp(&cy(b)));
    let centres: Vec<f64> = order.iter().map(|&i| cy(i)).collect();
    let mut used = vec![false; chars.len()];

    let mut tables = Vec::with_capacity(found.len());
    for t in found {
        let mut cells = Vec::with_capacity(t.cells.len());
        for c in &t.cells {
            let from = centres.partition_point(|&y| y < c.bbox.top);
            let to = centres.partition_point(|&y| y <= c.bbox.bottom);
            let mut inside: Vec<&Char> = Vec::new();
            for &i in order.get(from..to).unwrap_or(&[]) {
                let Some(ch) = chars.get(i) else { continue };
                let cx = (ch.bbox.x0 + ch.bbox.x1) / 2.0;
                if cx >= c.bbox.x0 && cx <= c.bbox.x1 && !used.get(i).copied().unwrap_or(true) {
                    inside.push(ch);
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                }
            }
            cells.push(TCell {
                bbox: c.bbox,
                text: cell_text(&inside),
            });
        }
        let open_bottom = closed_at
            .iter()
            .any(|&y| (y - t.bbox.bottom).abs() < 1.0 && t.bbox.bottom > height * 0.6);
        tables.push(PageTable {
            bbox: t.bbox,
            cells,
            open_bottom,
        });
    }
    let rest: Vec<&Char> = chars
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(c, _)| c)
        .collect();
    let lines = text_lines(&rest)
        .into_iter()
        .filter_map(|l| {
            let text = join_line(&l);
            let bbox = bbox_of(&l)?;
            (!text.trim().is_empty()).then_some(TextLine { bbox, text })
        })
        .collect();
    (
        PageContent {
            number,
            tables,
            lines,
            layout: layout_lines(chars),
        },
        None,
    )
}

/// Adds a horizontal rule where a table's vertical rules run on past its
/// last horizontal one (a row cut by the page's end: its bottom border is on
/// the next page), so the cut row still makes cells. Returns the edges and
/// the heights of the added rules.
fn close_cut_tables(mut edges: Vec<Edge>) -> (Vec<Edge>, Vec<f64>) {
    let verticals: Vec<&Edge> = edges
        .iter()
        .filter(|e| e.orientation == Orientation::Vertical && e.bottom - e.top > OVERHANG)
        .collect();
    let horizontals: Vec<&Edge> = edges
        .iter()
        .filter(|e| e.orientation == Orientation::Horizontal)
        .collect();
    // Vertical rules grouped by where they end; a group of two or more that
    // ends with no horizontal rule near gets one.
    let mut ends: Vec<(f64, f64, f64)> = Vec::new(); // (y, x0, x1)
    for v in &verticals {
        let crosses = horizontals.iter().any(|h| {
            (h.top - v.bottom).abs() <= OVERHANG && h.x0 <= v.x0 + 1.0 && h.x1 >= v.x0 - 1.0
        });
        if crosses {
            continue;
        }
        // The rule must have a horizontal one above (it belongs to a table).
        if !horizontals.iter().any(|h| {
            h.top < v.bottom - OVERHANG
                && h.top >= v.top - 1.0
                && h.x0 <= v.x0 + 1.0
                && h.x1 >= v.x0 - 1.0
        }) {
            continue;
        }
        match ends.iter_mut().find(|(y, _, _)| (y - v.bottom).abs() < 1.0) {
            Some(e) => {
                e.1 = e.1.min(v.x0);
                e.2 = e.2.max(v.x0);
            }
            None => ends.push((v.bottom, v.x0, v.x0)),
        }
    }
    let mut added = Vec::new();
    let mut rules = Vec::new();
    for (y, x0, x1) in ends {
        if x1 - x0 > 10.0 {
            // Every vertical rule of the table that ends here, closed or not.
            let ending: Vec<f64> = verticals
                .iter()
                .filter(|v| (v.bottom - y).abs() < 1.0)
                .map(|v| v.x0)
                .collect();
            let closed_here = |h: &&Edge| {
                (h.top - y).abs() <= OVERHANG
                    && ending.iter().any(|&x| h.x0 <= x + 1.0 && h.x1 >= x - 1.0)
            };
            // A rule under some of the table's cells at this height: the
            // last row ends here, and only cells merged over rows (a group's
            // label whose group goes on over the page) run on. The rule then
            // closes them all; the row is not cut.
            let row_closed = horizontals.iter().any(closed_here);
            let (x0, x1) = if row_closed {
                ending
                    .iter()
                    .fold((x0, x1), |(a, b), &x| (a.min(x), b.max(x)))
            } else {
                (x0, x1)
            };
            rules.push(Edge {
                x0,
                top: y,
                x1,
                bottom: y,
                orientation: Orientation::Horizontal,
                source: EdgeSource::Explicit,
            });
            if !row_closed {
                added.push(y);
            }
        }
    }
    edges.extend(rules);
    (edges, added)
}

fn bbox_of(chars: &[&Char]) -> Option<BBox> {
    let first = chars.first()?;
    Some(chars.iter().fold(first.bbox, |b, c| {
        BBox::new(
            b.x0.min(c.bbox.x0),
            b.top.min(c.bbox.top),
            b.x1.max(c.bbox.x1),
            b.bottom.max(c.bbox.bottom),
        )
    }))
}

/// Characters grouped into lines (top to bottom), each left to right.
pub(crate) fn text_lines<'c>(chars: &[&'c Char]) -> Vec<Vec<&'c Char>> {
    lines_by(chars, 0.5, false)
}

/// Characters grouped into lines: a character joins the current line when
/// its vertical centre is within `ratio` of its height of the centre of the
/// line's first character (`chained`: of the character before it, so that
/// only glyphs almost level make a line however close other lines run).
pub(crate) fn lines_chained<'c>(chars: &[&'c Char], ratio: f64) -> Vec<Vec<&'c Char>> {
    lines_by(chars, ratio, true)
}

fn lines_by<'c>(chars: &[&'c Char], ratio: f64, chained: bool) -> Vec<Vec<&'c Char>> {
    let mut sorted: Vec<&Char> = chars.to_vec();
    sorted.sort_by(|a, b| {
        let ya = (a.bbox.top + a.bbox.bottom) / 2.0;
        let yb = (b.bbox.top + b.bbox.bottom) / 2.0;
        ya.total_cmp(&yb)
    });
    let mut lines: Vec<Vec<&Char>> = Vec::new();
    let mut centre = f64::NEG_INFINITY;
    for c in sorted {
        let y = (c.bbox.top + c.bbox.bottom) / 2.0;
        let tol = (c.bbox.bottom - c.bbox.top).abs().max(1.0) * ratio;
        match lines.last_mut() {
            Some(l) if (y - centre).abs() <= tol => {
                l.push(c);
                if chained {
                    centre = y;
                }
            }
            _ => {
                lines.push(vec![c]);
                centre = y;
            }
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    }
    lines
}

/// A gap between glyphs, in type sizes, that parts words.
const WORD_GAP: f64 = 0.15;

/// A page's characters as lines of text at fixed offsets: each character
/// at the column its left edge falls on (half the font size a column, a
/// Chinese character two), so that columns line up as `pdftotext -layout`
/// prints them. A page set in two columns of text ([`text_columns`]) gives
/// its head lines, then the left column's lines, then the right one's: each
/// column read down as its own text.
fn layout_lines(chars: &[Char]) -> Vec<TextLine> {
    let all: Vec<&Char> = chars.iter().collect();
    let mut sizes: Vec<f64> = chars.iter().map(|c| c.size).filter(|s| *s > 0.0).collect();
    sizes.sort_by(f64::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0).max(1.0);
    let unit = size / 2.0;
    let lines = text_lines(&all);
    let Some((first, gutter)) = text_columns(&lines, size) else {
        return lay_out(lines, unit);
    };
    let mut head: Vec<Vec<&Char>> = Vec::new();
    let (mut left, mut right): (Vec<&Char>, Vec<&Char>) = (Vec::new(), Vec::new());
    for (k, l) in lines.into_iter().enumerate() {
        if k < first {
            head.push(l);
            continue;
        }
        for c in l {
            if (c.bbox.x0 + c.bbox.x1) / 2.0 < gutter {
                left.push(c);
            } else {
                right.push(c);
            }
        }
    }
    let mut out = lay_out(head, unit);
    out.extend(lay_out(text_lines(&left), unit));
    out.extend(lay_out(text_lines(&right), unit));
    out
}

/// The width of a gutter between columns of text, in type sizes: wider
/// than any gap between words or cells' text of one line in prose.
const GUTTER: f64 = 1.5;

/// A page set in two columns of text: the first line below the page's head
/// (a title across both) and the x of the gutter between them. A gutter is
/// an x range at least [`GUTTER`] wide that no line from there to the foot
/// crosses (page numbers aside), with at least six lines, most of the page's,
/// beside it. A table of two columns leaves such a range too, so both sides
/// must read as running text: the two are about as wide, each has a line
/// that fills its column and goes on at the column's left edge on the next
/// line (a wrapped sentence), and no line has column heads on both sides (a
/// table's head).
fn text_columns(lines: &[Vec<&Char>], size: f64) -> Option<(usize, f64)> {
    let spans: Vec<Vec<(f64, f64)>> = lines.iter().map(|l| spans_of(l, size)).collect();
    let furniture: Vec<bool> = lines
        .iter()
        .map(|l| super::stitch::is_page_number(&join_line(l)))
        .collect();
    let n = lines.len();
    // The page's head (title, subtitle) may run across: up to a third of
    // the lines from the top.
    for first in 0..=n / 3 {
        let body: Vec<&Vec<(f64, f64)>> = spans
            .iter()
            .zip(&furniture)
            .skip(first)
            .filter(|(_, f)| !**f)
            .map(|(s, _)| s)
            .collect();
        if body.len() < 6 || body.len() * 10 < n * 6 {
            return None;
        }
        let Some(g) = gutter_of(&body, size) else {
            continue;
        };
        let (l, r): (Vec<Extent>, Vec<Extent>) = body
            .iter()
            .map(|s| (side(s, |x| x < g), side(s, |x| x > g)))
            .unzip();
        // Columns of a page are set to one width; a form's labels and
        // values are not.
        let (wl, wr) = (width(&l), width(&r));
        if wl.min(wr) < wl.max(wr) * 0.6 || !(wraps(&l, size) && wraps(&r, size)) {
            return None;
        }
        // A table's head: column heads on both sides of one line.
        let heads = lines.iter().skip(first).any(|line| {
            let (a, b): (Vec<&Char>, Vec<&Char>) =
                line.iter().partition(|c| (c.bbox.x0 + c.bbox.x1) / 2.0 < g);
            let named = |cs: &[&Char]| {
                join_line(cs)
                    .split_whitespace()
                    .any(|w| crate::textgrid::role(w).is_some())
            };
            named(&a) && named(&b)
        });
        return (!heads).then_some((first, g));
    }
    None
}

/// A line's runs of text: glyphs closer than a gutter joined.
fn spans_of(line: &[&Char], size: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for c in line {
        match out.last_mut() {
            Some(s) if c.bbox.x0 - s.1 < size * GUTTER => s.1 = s.1.max(c.bbox.x1),
            _ => out.push((c.bbox.x0, c.bbox.x1)),
        }
    }
    out
}

/// The middle of the widest x range, between a quarter and three quarters
/// of the lines' width, that no line's text crosses, when it is wide enough.
fn gutter_of(body: &[&Vec<(f64, f64)>], size: f64) -> Option<f64> {
    let lo = body
        .iter()
        .flat_map(|s| s.iter().map(|x| x.0))
        .fold(f64::INFINITY, f64::min);
    let hi = body
        .iter()
        .flat_map(|s| s.iter().map(|x| x.1))
        .fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() || hi - lo < size * 10.0 {
        return None;
    }
    // Free ranges: start with the middle half, cut by every line's text.
    let mut free = vec![(lo + (hi - lo) * 0.25, lo + (hi - lo) * 0.75)];
    for s in body {
        for &(a, b) in s.iter() {
            free = free
                .into_iter()
                .flat_map(|(f0, f1)| {
                    if b <= f0 || a >= f1 {
                        vec![(f0, f1)]
                    } else {
                        [(f0, a), (b, f1)]
                            .into_iter()
                            .filter(|(x, y)| y > x)
                            .collect()
                    }
                })
                .collect();
        }
    }
    free.into_iter()
        .filter(|(a, b)| b - a >= size * GUTTER)
        .max_by(|x, y| (x.1 - x.0).total_cmp(&(y.1 - y.0)))
        .map(|(a, b)| (a + b) / 2.0)
}

/// A line's text on one side of a gutter: its left and right ends.
fn side(spans: &[(f64, f64)], on: impl Fn(f64) -> bool) -> Option<(f64, f64)> {
    spans
        .iter()
        .filter(|(a, b)| on((a + b) / 2.0))
        .fold(None, |acc, &(a, b)| match acc {
            None => Some((a, b)),
            Some((x, y)) => Some((x.min(a), y.max(b))),
        })
}

/// A line's text on one side of a gutter: its left and right ends.
type Extent = Option<(f64, f64)>;

/// How wide a column's text runs.
fn width(col: &[Option<(f64, f64)>]) -> f64 {
    let lo = col
        .iter()
        .flatten()
        .map(|s| s.0)
        .fold(f64::INFINITY, f64::min);
    let hi = col
        .iter()
        .flatten()
        .map(|s| s.1)
        .fold(f64::NEG_INFINITY, f64::max);
    (hi - lo).max(0.0)
}

/// Whether a column's lines hold a wrapped sentence: a line reaching the
/// column's right edge followed by one starting at its left edge.
fn wraps(col: &[Option<(f64, f64)>], size: f64) -> bool {
    let lo = col
        .iter()
        .flatten()
        .map(|s| s.0)
        .fold(f64::INFINITY, f64::min);
    let hi = col
        .iter()
        .flatten()
        .map(|s| s.1)
        .fold(f64::NEG_INFINITY, f64::max);
    col.windows(2).any(|w| match w {
        [Some(a), Some(b)] => a.1 >= hi - size && b.0 <= lo + size * 0.5,
        _ => false,
    })
}

/// Lines laid out at fixed offsets from their leftmost glyph, `unit` points a
/// column.
fn lay_out(lines: Vec<Vec<&Char>>, unit: f64) -> Vec<TextLine> {
    let left = lines
        .iter()
        .flatten()
        .map(|c| c.bbox.x0)
        .fold(f64::INFINITY, f64::min);
    let mut out = Vec::new();
    for mut line in lines {
        line.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        let mut text = String::new();
        let mut col = 0usize;
        let mut prev: Option<&Char> = None;
        for c in &line {
            // A character drawn twice (bold by overprinting) once.
            if prev.is_some_and(|p| p.text == c.text && (p.bbox.x0 - c.bbox.x0).abs() < 0.5) {
                continue;
            }
            let at = ((c.bbox.x0 - left) / unit).round().max(0.0) as usize;
            // Glyphs of one word stay together and a word's gap stays a gap
            // whatever the rounding: type larger or smaller than the page's
            // usual drifts off the grid by a fraction of a column a glyph.
            let gap = prev.map(|p| (c.bbox.x0 - p.bbox.x1) / c.size.max(p.size).max(1.0));
            match gap {
                Some(g) if g < WORD_GAP => {}
                Some(_) if at <= col => {
                    text.push(' ');
                    col += 1;
                }
                _ if at > col => {
                    text.extend(std::iter::repeat_n(' ', at - col));
                    col = at;
                }
                _ => {}
            }
            text.push_str(&c.text);
            // As many columns as the text takes (a Chinese character two),
            // or as its box spans where its font is larger (a title).
            let columns = c
                .text
                .chars()
                .map(|ch| if is_wide(ch) { 2 } else { 1 })
                .sum::<usize>();
            let spans = ((c.bbox.x1 - c.bbox.x0) / unit).round().max(0.0) as usize;
            col += columns.max(spans);
            prev = Some(c);
        }
        if let Some(bbox) = bbox_of(&line)
            && !text.trim().is_empty()
        {
            out.push(TextLine { bbox, text });
        }
    }
    out
}

pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// A line's characters as text: a space where a gap between two non-CJK
/// characters is wider than a third of the type size (the PDF draws no
/// space character there), an overprinted duplicate (fake bold) once.
pub(crate) fn join_line(chars: &[&Char]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Char> = None;
    for c in chars {
        if let Some(p) = prev {
            if p.text == c.text
                && (p.bbox.x0 - c.bbox.x0).abs() < 0.5
                && (p.bbox.top - c.bbox.top).abs() < 0.5
            {
                continue;
            }
            let gap = c.bbox.x0 - p.bbox.x1;
            let size = c.size.max(p.size).max(1.0);
            let cjk = |s: &str| {
                s.chars().next().is_some_and(is_wide) || s.chars().last().is_some_and(is_wide)
            };
            if gap > size * 0.33
                && !out.ends_with(' ')
                && c.text != " "
                && !(cjk(&p.text) && cjk(&c.text))
            {
                out.push(' ');
            }
        }
        out.push_str(&c.text);
        prev = Some(c);
    }
    out
}

/// A cell's text: its lines joined with nothing between them (Chinese wraps
/// anywhere, even inside a number), each trimmed.
fn cell_text(chars: &[&Char]) -> String {
    let mut out = String::new();
    for l in text_lines(chars) {
        out.push_str(join_line(&l).trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` at `size`, each `advance` points wide, from `x`.
    fn glyphs(text: &str, x: f64, top: f64, size: f64, advance: f64) -> Vec<Char> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let x0 = x + i as f64 * advance;
                Char {
                    text: c.to_string(),
                    bbox: BBox::new(x0, top, x0 + advance, top + size),
                    fontname: "F".into(),
                    size,
                    advance: 1000.0,
                    doctop: top,
                    upright: true,
                    direction: pdfplumber::TextDirection::default(),
                    stroking_color: None,
                    non_stroking_color: None,
                    ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
                    char_code: 0,
                    mcid: None,
                    tag: None,
                }
            })
            .collect()
    }

    fn rule(x0: f64, top: f64, x1: f64, bottom: f64) -> Edge {
        Edge {
            x0,
            top,
            x1,
            bottom,
            orientation: if top == bottom {
                Orientation::Horizontal
            } else {
                Orientation::Vertical
            },
            source: EdgeSource::Explicit,
        }
    }

    /// A three-column table from y 100 to 200, rows every 50; the last
    /// horizontal rule at 200 drawn from `last_from` to the right edge, and
    /// the vertical rules running to `bottom`.
    fn table_edges(last_from: Option<f64>, bottom: f64) -> Vec<Edge> {
        let mut e = vec![
            rule(0.0, 100.0, 300.0, 100.0),
            rule(0.0, 150.0, 300.0, 150.0),
        ];
        if let Some(x) = last_from {
            e.push(rule(x, bottom, 300.0, bottom));
        }
        for x in [0.0, 100.0, 200.0, 300.0] {
            e.push(rule(x, 100.0, x, bottom));
        }
        e
    }

    #[test]
    fn a_row_cut_by_the_page_end_is_closed_and_said_to_be_cut() {
        // No rule under the last row at all: the page break cut it.
        let (edges, cut) = close_cut_tables(table_edges(None, 200.0));
        assert_eq!(cut, vec![200.0]);
        assert!(
            edges
                .iter()
                .any(|e| e.orientation == Orientation::Horizontal && e.top == 200.0 && e.x0 == 0.0)
        );
    }

    #[test]
    fn a_group_label_running_on_over_the_page_cuts_no_row() {
        // The last row's name and value cells are closed (rule from 200);
        // only the label columns' group boxes run on past the page end.
        let (edges, cut) = close_cut_tables(table_edges(Some(200.0), 200.0));
        assert!(cut.is_empty(), "{cut:?}");
        // The closing rule reaches every column that ends there.
        assert!(
            edges
                .iter()
                .any(|e| e.orientation == Orientation::Horizontal
                    && e.top == 200.0
                    && e.x0 == 0.0
                    && e.x1 >= 300.0)
        );
    }

    #[test]
    fn words_in_larger_type_stay_whole_and_narrow_gaps_part_them() {
        // Most of the page at 10pt; one line at 11pt whose glyphs drift off
        // the 5pt grid, with a gap of a fifth of its size between two fields.
        let mut chars = glyphs("一级指标二级指标", 20.0, 10.0, 10.0, 10.0);
        chars.extend(glyphs("产出指标数量指标", 20.0, 30.0, 10.0, 10.0));
        chars.extend(glyphs("单位名称：城区供水管理站", 20.0, 50.0, 11.0, 11.0));
        chars.extend(glyphs(
            "金额：80万元",
            20.0 + 12.0 * 11.0 + 2.2,
            50.0,
            11.0,
            11.0,
        ));
        let lines = layout_lines(&chars);
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            text[2].split_whitespace().collect::<Vec<_>>(),
            ["单位名称：城区供水管理站", "金额：80万元"]
        );
    }

    /// Lines of a page at 10pt, 14pt apart from `top`: each line's pieces
    /// as (x, text).
    fn page(top: f64, lines: &[&[(f64, &str)]]) -> Vec<Char> {
        lines
            .iter()
            .enumerate()
            .flat_map(|(k, l)| {
                l.iter()
                    .flat_map(move |(x, t)| glyphs(t, *x, top + k as f64 * 14.0, 10.0, 10.0))
            })
            .collect()
    }

    fn texts(chars: &[Char]) -> Vec<String> {
        layout_lines(chars)
            .into_iter()
            .map(|l| l.text.trim().to_string())
            .collect()
    }

    // Two columns of 20 glyphs (200pt) with a 30pt gutter: x 40 and 270.
    const L: f64 = 40.0;
    const R: f64 = 270.0;

    #[test]
    fn two_columns_of_running_text_are_read_one_after_the_other() {
        let title = page(10.0, &[&[(150.0, "某某区教育局工作简讯")]]);
        let body = page(
            40.0,
            &[
                &[(L, "甲、校舍维修"), (R, "乙、教师培训")],
                &[
                    (L + 20.0, "今年安排资金用于全区中小学校舍维修改"),
                    (R + 20.0, "今年安排资金用于教师全员轮训和骨干研"),
                ],
                &[(L, "造，目标如下。"), (R, "修，目标如下。")],
                &[(L, "维修面积 一万平方米"), (R, "培训人次 三千人次")],
                &[(L, "验收合格率 百分之百"), (R, "结业率 百分之九十五")],
                &[(L, "完工时间 八月底前"), (R, "完成时间 年底前")],
            ],
        );
        let chars: Vec<Char> = title.into_iter().chain(body).collect();
        let t = texts(&chars);
        assert_eq!(t[0], "某某区教育局工作简讯");
        assert_eq!(t[1], "甲、校舍维修");
        assert_eq!(t[2], "今年安排资金用于全区中小学校舍维修改");
        assert_eq!(t[6], "完工时间 八月底前");
        assert_eq!(t[7], "乙、教师培训");
        assert_eq!(t[12], "完成时间 年底前");
    }

    #[test]
    fn a_table_of_two_columns_is_not_split_into_halves() {
        // Its head has column heads on both sides of the gap; its cells
        // wrap like sentences.
        let table = page(
            40.0,
            &[
                &[(L, "三级指标"), (R, "指标值")],
                &[
                    (L, "新建农村公路里程及配套排水设施改"),
                    (R, "不少于十五公里并全部通过交工验收"),
                ],
                &[(L, "造"), (R, "收")],
                &[(L, "危桥改造座数"), (R, "五座")],
                &[(L, "养护资金到位率"), (R, "百分之百")],
                &[(L, "群众满意度"), (R, "九成以上")],
            ],
        );
        let t = texts(&table);
        assert_eq!(t.len(), 6, "{t:?}");
        assert!(
            t[0].starts_with("三级指标") && t[0].ends_with("指标值"),
            "{t:?}"
        );
        // A form of labels and short values: nothing wraps on the right.
        let form = page(
            40.0,
            &[
                &[(L, "主管部门"), (R, "县农业农村局")],
                &[
                    (L, "实施单位名称及联系人和联系电话号码"),
                    (R, "县农技推广中心"),
                ],
                &[(L, "张某某"), (R, "二〇二四年")],
                &[(L, "资金来源"), (R, "县级财政")],
                &[(L, "项目属性"), (R, "延续项目")],
                &[(L, "项目期限"), (R, "一年")],
            ],
        );
        let t = texts(&form);
        assert!(
            t[0].starts_with("主管部门") && t[0].ends_with("县农业农村局"),
            "{t:?}"
        );
    }

    #[test]
    fn a_line_across_the_gap_in_the_body_keeps_the_page_whole() {
        let lines: [&[(f64, &str)]; 7] = [
            &[(L, "甲、校舍维修"), (R, "乙、教师培训")],
            &[
                (L + 20.0, "今年安排资金用于全区中小学校舍维修改"),
                (R + 20.0, "今年安排资金用于教师全员轮训和骨干研"),
            ],
            &[(L, "造，目标如下。"), (R, "修，目标如下。")],
            &[(L, "以上两项资金均由区财政在年初预算中统一安排下达")],
            &[(L, "维修面积 一万平方米"), (R, "培训人次 三千人次")],
            &[(L, "验收合格率 百分之百"), (R, "结业率 百分之九十五")],
            &[(L, "完工时间 八月底前"), (R, "完成时间 年底前")],
        ];
        let t = texts(&page(40.0, &lines));
        assert!(
            t[0].starts_with("甲、校舍维修") && t[0].ends_with("乙、教师培训"),
            "{t:?}"
        );
    }

    #[test]
    fn cjk_and_latin_gaps() {
        assert!(is_wide('项'));
        assert!(is_wide('，'));
        assert!(!is_wide('9'));
    }
}

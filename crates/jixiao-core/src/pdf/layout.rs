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
    for (y, x0, x1) in ends {
        if x1 - x0 > 10.0 {
            edges.push(Edge {
                x0,
                top: y,
                x1,
                bottom: y,
                orientation: Orientation::Horizontal,
                source: EdgeSource::Explicit,
            });
            added.push(y);
        }
    }
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
/// prints them.
fn layout_lines(chars: &[Char]) -> Vec<TextLine> {
    let all: Vec<&Char> = chars.iter().collect();
    let mut sizes: Vec<f64> = chars.iter().map(|c| c.size).filter(|s| *s > 0.0).collect();
    sizes.sort_by(f64::total_cmp);
    let unit = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0).max(1.0) / 2.0;
    let left = chars
        .iter()
        .map(|c| c.bbox.x0)
        .fold(f64::INFINITY, f64::min);
    let mut out = Vec::new();
    for mut line in text_lines(&all) {
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

    #[test]
    fn cjk_and_latin_gaps() {
        assert!(is_wide('项'));
        assert!(is_wide('，'));
        assert!(!is_wide('9'));
    }
}

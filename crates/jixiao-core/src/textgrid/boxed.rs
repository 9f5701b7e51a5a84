//! Ruled tables drawn with characters: Unicode box drawing
//! (`┌──┬──┐` / `│ a │ b │` / `├──┼──┤`, also `═║╔╬` and heavy lines) and
//! ASCII grid tables (`+----+----+` / `| a  | b  |`).
//!
//! The walls and the rules are explicit, so the table is rebuilt exactly:
//! - the column boundaries are the offsets of the walls and junctions (in
//!   display columns, a Chinese character counting two, or in characters,
//!   whichever makes the walls of the text lines meet the rules' junctions);
//! - a cell is the region between its walls, from the rule above it to the
//!   rule below it: its text over several lines is joined (Chinese with
//!   nothing between), a cell with no wall inside spans columns, a cell with
//!   no rule below it spans the next row (a rule may cover some columns
//!   only: `│ 产出指标 │ 数量指标 ├────┼────┤`), and text on such a partial
//!   rule line belongs to the cells it crosses;
//! - each band of lines between two rules is a grid row.
//!
//! A table the text ends inside (no closing rule, nothing after it) has its
//! last row cut: that row is a reject, never data.

use super::pipe::PERIODS;
use super::{TextTable, is_long_head, is_page_furniture};
use crate::grid::{Cell, GridSource};
use crate::ingest::excel::header::Role;
use crate::model::Position;
use crate::vocab;
use unicode_width::UnicodeWidthChar;

/// Text lines above a table kept as its head (title, department, unit).
const HEAD_LINES: usize = 40;

/// Largest distance, in columns, at which a text line's wall is taken for a
/// rule's junction (a tool that measured a character differently).
const SNAP: usize = 2;

/// Characters that fill a rule between its junctions.
fn is_fill(c: char) -> bool {
    matches!(
        c,
        '-' | '='
            | '─'
            | '━'
            | '═'
            | '╌'
            | '╍'
            | '┄'
            | '┅'
            | '┈'
            | '┉'
            | '╴'
            | '╶'
            | '╸'
            | '╺'
            | '╼'
            | '╾'
    )
}

/// A wall alone: a column boundary that joins no rule.
fn is_wall(c: char) -> bool {
    matches!(c, '|' | '│' | '┃' | '║' | '╎' | '╏' | '┆' | '┇' | '┊' | '┋')
}

/// How offsets along a line are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    /// Display columns: a wide (Chinese) character counts two.
    Width,
    /// Characters.
    Chars,
}

impl Metric {
    fn of(self, c: char) -> usize {
        match self {
            Metric::Width => c.width().unwrap_or(0),
            Metric::Chars => 1,
        }
    }
}

/// A column boundary on a line: its offset, its byte range, whether it
/// joins a rule (a junction) rather than being a wall alone.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    start: usize,
    end: usize,
    junction: bool,
}

/// The column boundaries of a line. An ASCII `+` is one only beside a rule's
/// fill or another `+` (`a+b` in a cell is text).
fn marks(line: &str, metric: Metric) -> Vec<Mark> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut out = Vec::new();
    let mut pos = 0;
    for (i, &(b, c)) in chars.iter().enumerate() {
        let near = |d: isize| {
            i.checked_add_signed(d)
                .and_then(|j| chars.get(j))
                .is_some_and(|&(_, n)| matches!(n, '-' | '=' | '+'))
        };
        let boxed = ('\u{2500}'..='\u{257F}').contains(&c) && !is_fill(c);
        let plus = c == '+' && (near(-1) || near(1));
        if boxed || plus || is_wall(c) {
            out.push(Mark {
                pos,
                start: b,
                end: b + c.len_utf8(),
                junction: !is_wall(c),
            });
        }
        pos += metric.of(c);
    }
    out
}

/// One piece of a line between two boundaries.
#[derive(Debug, Clone)]
struct Segment {
    /// Offsets of the boundaries on its left and right (`None` on the right:
    /// the line ends without a wall, cut short).
    from: usize,
    to: Option<usize>,
    rule: bool,
    text: String,
}

/// The segments of a line between its boundaries.
fn segments(line: &str, marks: &[Mark]) -> Vec<Segment> {
    let mut out = Vec::new();
    for (k, m) in marks.iter().enumerate() {
        let next = marks.get(k + 1);
        let body = line
            .get(m.end..next.map_or(line.len(), |n| n.start))
            .unwrap_or("");
        if next.is_none() && body.trim().is_empty() {
            break;
        }
        out.push(Segment {
            from: m.pos,
            to: next.map(|n| n.pos),
            rule: !body.is_empty() && body.chars().all(is_fill),
            text: body.trim().to_string(),
        });
    }
    out
}

/// A line of a ruled table: it begins with a boundary.
fn is_table_line(line: &str) -> bool {
    let t = line.trim_start();
    t.chars().next().is_some_and(|c| {
        is_wall(c) || (('\u{2500}'..='\u{257F}').contains(&c) && !is_fill(c)) || c == '+'
    }) && !marks(t, Metric::Chars).is_empty()
}

/// A rule line: some segment is all fill and some boundary is a junction
/// (a Markdown separator `|---|---|` has walls only).
fn is_rule_line(line: &str) -> bool {
    let m = marks(line, Metric::Chars);
    m.iter().any(|m| m.junction) && segments(line, &m).iter().any(|s| s.rule)
}

/// Whether a text holds a ruled table: two rule lines or more, with a line of
/// cells between them.
pub fn is_boxed(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    blocks(&lines)
        .iter()
        .any(|&(a, b)| block_is_table(&lines, a, b))
}

/// Runs of table lines: (first, end) line indices, end exclusive.
fn blocks(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, l) in lines.iter().enumerate() {
        match (is_table_line(l), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, lines.len()));
    }
    out
}

fn block_is_table(lines: &[&str], a: usize, b: usize) -> bool {
    let block = lines.get(a..b).unwrap_or_default();
    let rules = block.iter().filter(|l| is_rule_line(l)).count();
    rules >= 2 && block.iter().any(|l| !is_rule_line(l))
}

/// The metric under which the walls of the cell lines meet the rules'
/// junctions most often (display columns on a tie).
fn choose_metric(block: &[&str]) -> Metric {
    let hits = |m: Metric| {
        let rules: std::collections::BTreeSet<usize> = block
            .iter()
            .filter(|l| is_rule_line(l))
            .flat_map(|l| marks(l, m))
            .map(|k| k.pos)
            .collect();
        block
            .iter()
            .filter(|l| !is_rule_line(l))
            .flat_map(|l| marks(l, m))
            .filter(|k| rules.contains(&k.pos))
            .count()
    };
    if hits(Metric::Chars) > hits(Metric::Width) {
        Metric::Chars
    } else {
        Metric::Width
    }
}

/// A cell being built: its first band, columns, text lines, and the band it
/// was closed in.
#[derive(Debug, Clone)]
struct Open {
    band: usize,
    c0: usize,
    c1: usize,
    parts: Vec<String>,
    line: usize,
    last_band: Option<usize>,
}

impl Open {
    fn text(&self) -> String {
        join_lines(self.parts.iter().map(String::as_str))
    }
}

/// A cell's text wrapped over lines joined again: Chinese with nothing
/// between (it has no spaces between words), words of Latin letters with a
/// space.
pub(super) fn join_lines<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        let latin = out.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
            && p.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if latin {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// The cells of one ruled block, and whether its last band is cut.
struct Built {
    cells: Vec<Open>,
    /// Bands' first lines (1-based).
    band_lines: Vec<usize>,
    /// The band the text ends inside, if any.
    cut: Option<usize>,
}

/// Builds the cells of the block of lines `a..b` (0-based) of `lines`.
fn build(lines: &[&str], a: usize, b: usize, at_end: bool) -> Built {
    let block = lines.get(a..b).unwrap_or_default();
    let metric = choose_metric(block);
    let rule_pos: std::collections::BTreeSet<usize> = block
        .iter()
        .filter(|l| is_rule_line(l))
        .flat_map(|l| marks(l, metric))
        .map(|k| k.pos)
        .collect();
    let snap = |p: usize| -> usize {
        if rule_pos.contains(&p) {
            return p;
        }
        rule_pos
            .iter()
            .map(|&r| (r.abs_diff(p), r))
            .filter(|&(d, _)| d <= SNAP)
            .min()
            .map_or(p, |(_, r)| r)
    };
    // Every line's segments, offsets snapped.
    let parsed: Vec<(bool, Vec<Segment>)> = block
        .iter()
        .map(|l| {
            let m = marks(l, metric);
            let mut segs = segments(l, &m);
            for s in &mut segs {
                s.from = snap(s.from);
                s.to = s.to.map(snap);
            }
            (
                segs.iter().any(|s| s.rule) && m.iter().any(|k| k.junction),
                segs,
            )
        })
        .collect();
    let mut bounds: Vec<usize> = parsed
        .iter()
        .flat_map(|(_, s)| s.iter().flat_map(|s| std::iter::once(s.from).chain(s.to)))
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let col = |p: usize| bounds.binary_search(&p).unwrap_or_else(|i| i);
    let ncols = bounds.len().saturating_sub(1);

    // A table ruled only above and below its head and at its end (a
    // database client's or `psql` output) prints one row a line: its body's
    // lines, but the last, end rows.
    let rules: Vec<usize> = parsed
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| *r)
        .map(|(k, _)| k)
        .collect();
    let full = parsed
        .iter()
        .all(|(r, segs)| !r || segs.iter().all(|s| s.rule));
    let one_row_a_line = match rules.as_slice() {
        [_, head, end] if full && end - head > 2 => Some(head + 1..end - 1),
        _ => None,
    };
    let rows_inside = if full && one_row_a_line.is_none() {
        rows_inside_bands(&parsed, &col)
    } else {
        std::collections::BTreeSet::new()
    };
    let mut cells: Vec<Open> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; ncols];
    let mut band = 0;
    let mut band_lines = vec![a + 1];
    let close = |open: &mut Vec<Option<usize>>, cells: &mut Vec<Open>, id: usize, band| {
        if let Some(c) = cells.get_mut(id) {
            c.last_band = Some(band);
        }
        for slot in open.iter_mut() {
            if *slot == Some(id) {
                *slot = None;
            }
        }
    };
    for (k, (is_rule, segs)) in parsed.iter().enumerate() {
        let line_no = a + k + 1;
        for s in segs {
            let c0 = col(s.from);
            let c1 = s.to.map_or(ncols, &col);
            if c1 <= c0 {
                continue;
            }
            let ids: Vec<usize> = open
                .get(c0..c1)
                .unwrap_or_default()
                .iter()
                .flatten()
                .copied()
                .collect();
            if s.rule {
                for id in ids {
                    close(&mut open, &mut cells, id, band);
                }
                continue;
            }
            let same = open.get(c0).copied().flatten().filter(|&id| {
                cells
                    .get(id)
                    .is_some_and(|c| c.c0 == c0 && (c.c1 == c1 || s.to.is_none()))
            });
            if let Some(id) = same {
                if let Some(c) = cells.get_mut(id) {
                    c.parts.push(s.text.clone());
                }
                continue;
            }
            for id in ids {
                close(&mut open, &mut cells, id, band);
            }
            let id = cells.len();
            cells.push(Open {
                band,
                c0,
                c1,
                parts: vec![s.text.clone()],
                line: line_no,
                last_band: None,
            });
            for slot in open.get_mut(c0..c1).unwrap_or_default() {
                *slot = Some(id);
            }
        }
        let row_ends =
            one_row_a_line.as_ref().is_some_and(|r| r.contains(&k)) || rows_inside.contains(&k);
        if row_ends {
            let ids: Vec<usize> = open.iter().flatten().copied().collect();
            for id in ids {
                close(&mut open, &mut cells, id, band);
            }
        }
        if *is_rule || row_ends {
            band += 1;
            band_lines.push(line_no + 1);
        }
    }
    let ended_in_row = parsed.last().is_some_and(|(r, _)| !r);
    let cut = (at_end && ended_in_row).then_some(band);
    Built {
        cells,
        band_lines,
        cut,
    }
}

/// Lines (indices into `parsed`) that end a row inside a band of several
/// lines between two rules: a table ruled between groups of rows only
/// (`├──┤` under each level) prints its rows one a line in between. A line
/// opens a row of its own where it holds a framework category, or a
/// complete target under another one in the same column: wrapped text of
/// one cell is neither. Only where every column's text starts on the band's
/// first line (labels at the top of their rows): a label centred in its
/// rows would fall to the wrong row, so such a band stays one row.
fn rows_inside_bands(
    parsed: &[(bool, Vec<Segment>)],
    col: &dyn Fn(usize) -> usize,
) -> std::collections::BTreeSet<usize> {
    let mut out = std::collections::BTreeSet::new();
    let mut k = 0;
    while k < parsed.len() {
        let start = k;
        while parsed.get(k).is_some_and(|(r, _)| !*r) {
            k += 1;
        }
        let band = parsed.get(start..k).unwrap_or_default();
        k += 1;
        if band.len() < 2 {
            continue;
        }
        let texts = |l: &(bool, Vec<Segment>)| -> Vec<(usize, String)> {
            l.1.iter()
                .filter(|s| !s.rule && !s.text.is_empty())
                .map(|s| (col(s.from), s.text.clone()))
                .collect()
        };
        let lines: Vec<Vec<(usize, String)>> = band.iter().map(texts).collect();
        let Some(first) = lines.first() else {
            continue;
        };
        let top = lines
            .iter()
            .flatten()
            .all(|(c, _)| first.iter().any(|(f, _)| f == c));
        if !top {
            continue;
        }
        // The last text seen in each column, line by line.
        let mut last: std::collections::BTreeMap<usize, String> = first.iter().cloned().collect();
        let mut starts = Vec::new();
        for (n, line) in lines.iter().enumerate().skip(1) {
            let opens = line.iter().any(|(c, t)| {
                vocab::is_category_word(t)
                    || (super::value_like(t) && last.get(c).is_some_and(|p| super::value_like(p)))
            });
            if opens {
                starts.push(n);
            }
            last.extend(line.iter().cloned());
        }
        for n in starts {
            // The row ends on the line before the one that opens the next.
            out.insert(start + n - 1);
        }
    }
    out
}

/// The ruled tables of a text, as one grid (a form's head table and its
/// indicator table may be drawn apart), the lines around them as rows of
/// one cell.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    let blocks: Vec<(usize, usize)> = blocks(&lines)
        .into_iter()
        .filter(|&(a, b)| block_is_table(&lines, a, b))
        .collect();
    if blocks.is_empty() {
        return Vec::new();
    }
    let mut t = TextTable::new(source, GridSource::PipeText);
    let mut prev = 0;
    for (n, &(a, b)) in blocks.iter().enumerate() {
        // Lines between tables: a title, the department, the money unit.
        for (i, l) in lines
            .iter()
            .enumerate()
            .take(a)
            .skip(prev.max(a.saturating_sub(HEAD_LINES)))
        {
            let l = l.trim();
            // A new page's title between two ruled tables is furniture.
            let furniture = n > 0 && is_page_furniture(l);
            if !l.is_empty() && !furniture {
                t.grid.push_row(
                    vec![Cell::new(0, 0, l, Position::Line(i + 1))],
                    Position::Line(i + 1),
                );
            }
        }
        prev = b;
        let at_end = lines
            .get(b..)
            .unwrap_or_default()
            .iter()
            .all(|l| l.trim().is_empty());
        push_block(&mut t, &build(&lines, a, b, at_end));
    }
    vec![t]
}

/// Pushes a block's cells as grid rows, one per band holding text; the cut
/// band's cells are rejects.
fn push_block(t: &mut TextTable, built: &Built) {
    let keep = |c: &Open| Some(c.band) != built.cut && !c.text().is_empty();
    let mut used: Vec<usize> = built
        .cells
        .iter()
        .filter(|c| keep(c))
        .map(|c| c.band)
        .collect();
    used.sort_unstable();
    used.dedup();
    if let Some(cut) = built.cut {
        let row: Vec<String> = built
            .cells
            .iter()
            .filter(|c| c.band == cut)
            .map(Open::text)
            .filter(|s| !s.is_empty())
            .collect();
        if !row.is_empty() {
            let line = built.band_lines.get(cut).copied().unwrap_or(0);
            t.rejects.push((
                line,
                row.join(" | "),
                "the text ends inside this row (an excerpt cut short)".into(),
            ));
        }
    }
    let last = built.band_lines.len().saturating_sub(1);
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::with_capacity(used.len());
    for &band in &used {
        let cells: Vec<Cell> = built
            .cells
            .iter()
            .filter(|c| c.band == band && keep(c))
            .map(|c| {
                let end = c.last_band.unwrap_or(last);
                let span = used.iter().filter(|&&u| u >= c.band && u <= end).count();
                let mut cell = Cell::new(
                    0,
                    u32::try_from(c.c0).unwrap_or(u32::MAX),
                    c.text(),
                    Position::Line(c.line),
                );
                cell.colspan = u32::try_from(c.c1.saturating_sub(c.c0).max(1)).unwrap_or(1);
                cell.rowspan = u32::try_from(span.max(1)).unwrap_or(1);
                cell
            })
            .collect();
        let line = built.band_lines.get(band).copied().unwrap_or(0);
        rows.push((line, cells));
    }
    for (line, cells) in merge_two_row_heads(rows) {
        t.grid.push_row(cells, Position::Line(line));
    }
}

/// A head printed over two rows as one: a head cell spanning columns
/// (`指标值` over `年度 | 实施周期`, `绩效指标` over `一级 | 二级 | 三级`)
/// gives way to the heads below it, a period below a value head naming it
/// (`年度指标值`); the cells that span both rows stay.
fn merge_two_row_heads(mut rows: Vec<(usize, Vec<Cell>)>) -> Vec<(usize, Vec<Cell>)> {
    let roles = |cells: &[Cell]| -> Vec<_> {
        let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
        super::roles_of_texts(&texts)
    };
    let inside = |p: &Cell, c: &Cell| {
        p.colspan > 1 && p.col <= c.col && c.col + c.colspan <= p.col + p.colspan
    };
    let mut i = 0;
    while let (Some((_, upper)), Some((_, lower))) = (rows.get(i), rows.get(i + 1)) {
        let upper_roles = roles(upper);
        let head = is_long_head(&upper_roles) || upper_roles.contains(&Some(Role::Indicators));
        let below = !lower.is_empty()
            && lower.iter().all(|c| upper.iter().any(|p| inside(p, c)))
            && upper
                .iter()
                .all(|p| p.rowspan >= 2 || lower.iter().any(|c| inside(p, c)));
        let merged: Vec<Cell> = upper
            .iter()
            .flat_map(|p| {
                let children: Vec<Cell> = lower
                    .iter()
                    .filter(|c| inside(p, c))
                    .map(|c| {
                        let mut c = c.clone();
                        if PERIODS.contains(&vocab::key(&c.text).as_str()) {
                            c.text = format!("{}{}", c.text, p.text);
                        }
                        c
                    })
                    .collect();
                if children.is_empty() {
                    let mut p = p.clone();
                    p.rowspan = p.rowspan.saturating_sub(1).max(1);
                    vec![p]
                } else {
                    children
                }
            })
            .collect();
        if head && below && is_long_head(&roles(&merged)) {
            if let Some(r) = rows.get_mut(i) {
                r.1 = merged;
            }
            rows.remove(i + 1);
        }
        i += 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Grid;

    fn at(g: &Grid, r: usize, c: u32) -> &str {
        g.rows
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", |c| c.text.as_str())
    }

    fn grid(text: &str) -> TextTable {
        let mut t = tables("t.txt", text);
        assert_eq!(t.len(), 1, "{text}");
        t.remove(0)
    }

    #[test]
    fn box_drawing_with_spans_and_wraps() {
        // A level merged over three rows, a category over two with its word
        // wrapped onto the partial rule line, a head cell over two columns.
        let text = "\
某县教育局项目绩效目标表
╔══════════╦════════════╦══════════════╦════════╗
║ 项目名称 ║ 学生资助补助经费                   ║
╠══════════╬════════════╬══════════════╬════════╣
║ 一级指标 ║ 二级指标   ║ 指标名称     ║ 指标值 ║
╠══════════╬════════════╬══════════════╬════════╣
║ 产出指标 ║ 数量指标   ║ 资助家庭经济 ║ ≥1200  ║
║          ║            ║ 困难学生人数 ║ 人     ║
║          ║            ╠══════════════╬════════╣
║          ║            ║ 发放批次     ║ 2次    ║
║          ╠════════════╬══════════════╬════════╣
║          ║ 时效指标   ║ 发放及时率   ║ 100%   ║
╚══════════╩════════════╩══════════════╩════════╝
";
        let t = grid(text);
        let g = &t.grid;
        assert_eq!(at(g, 0, 0), "某县教育局项目绩效目标表");
        assert_eq!(at(g, 1, 0), "项目名称");
        assert_eq!(at(g, 1, 1), "学生资助补助经费");
        assert_eq!(g.rows[1].get(1).map(|c| c.colspan), Some(3));
        assert_eq!(at(g, 2, 2), "指标名称");
        assert_eq!(at(g, 3, 0), "产出指标");
        assert_eq!(g.rows[3].get(0).map(|c| c.rowspan), Some(3));
        assert_eq!(g.rows[3].get(1).map(|c| c.rowspan), Some(2));
        assert_eq!(at(g, 3, 2), "资助家庭经济困难学生人数");
        assert_eq!(at(g, 3, 3), "≥1200人");
        assert_eq!(at(g, 4, 2), "发放批次");
        assert_eq!(at(g, 4, 1), "");
        assert_eq!(at(g, 5, 1), "时效指标");
        assert_eq!(at(g, 5, 3), "100%");
        assert!(t.rejects.is_empty());
    }

    #[test]
    fn ascii_grid_with_text_on_a_partial_rule_and_a_cut_row() {
        let text = "\
+--------+--------------+----------------+----------+----------+
| 一级   | 二级指标     | 三级指标       | 年度指标 | 实施周期 |
|        |              |                | 值       | 指标值   |
+========+==============+================+==========+==========+
| 效益   | 社会效益指   | 受益群众人数   | >=5000人 | >=2万人  |
|        | 标           +----------------+----------+----------+
|        |              | 群众知晓率     | 95%      | 95%      |
+--------+--------------+----------------+----------+----------+
| 满意度 | 服务对象满意 | 受益群众满意度 | >=9";
        let t = grid(text);
        let g = &t.grid;
        assert_eq!(at(g, 0, 3), "年度指标值");
        assert_eq!(at(g, 0, 4), "实施周期指标值");
        assert_eq!(at(g, 1, 1), "社会效益指标");
        assert_eq!(at(g, 1, 3), ">=5000人");
        assert_eq!(at(g, 2, 2), "群众知晓率");
        assert_eq!(g.rows.len(), 3);
        assert_eq!(t.rejects.len(), 1);
        assert_eq!(t.rejects[0].0, 9);
        assert!(t.rejects[0].1.contains("受益群众满意度"));
        assert!(t.rejects[0].2.contains("ends inside"));
    }

    #[test]
    fn walls_counted_in_characters() {
        // A tool that padded by characters, not display columns.
        let text = "\
+--------+--------+----------+
|一级指标    |二级指标    |三级指标      |
+--------+--------+----------+
|产出指标    |质量指标    |验收合格率     |
+--------+--------+----------+
";
        let t = grid(text);
        assert_eq!(at(&t.grid, 1, 2), "验收合格率");
        assert_eq!(at(&t.grid, 0, 1), "二级指标");
    }

    #[test]
    fn not_ruled_tables() {
        // A Markdown table (no junctions), a pipe table without rules,
        // prose with a plus sign.
        assert!(tables("t", "| a | b |\n|---|---|\n| 1 | 2 |\n").is_empty());
        assert!(tables("t", "| 一级指标 | 二级指标 |\n| 产出 | 数量 |\n").is_empty());
        assert!(tables("t", "增长率+5%，\n完成1+1项目\n").is_empty());
        assert!(!is_boxed("| a | b |\n|---|---|\n| 1 | 2 |\n"));
    }

    fn indicators(t: &TextTable) -> Vec<crate::model::Indicator> {
        super::super::read_indicators(t)
    }

    #[test]
    fn a_value_head_over_two_periods_and_a_centred_level() {
        let text = "\
┌──────────┬──────────┬──────────────┬───────────────────┐
│ 一级指标 │ 二级指标 │ 三级指标     │ 指标值            │
│          │          │              ├─────────┬─────────┤
│          │          │              │ 年度    │ 实施周期│
├──────────┼──────────┼──────────────┼─────────┼─────────┤
│          │ 时效指标 │ 开工及时率   │ 100%    │ 100%    │
│ 产出指标 ├──────────┼──────────────┼─────────┼─────────┤
│          │ 成本指标 │ 单价控制     │ ≤8万元  │ ≤8万元  │
├──────────┼──────────┼──────────────┼─────────┼─────────┤
│ 效益指标 │ 生态效益 │ 植被恢复面积 │ ≥40亩   │ ≥120亩  │
└──────────┴──────────┴──────────────┴─────────┴─────────┘
";
        let t = grid(text);
        assert_eq!(at(&t.grid, 0, 3), "年度指标值");
        assert_eq!(at(&t.grid, 0, 4), "实施周期指标值");
        let inds = indicators(&t);
        assert_eq!(inds.len(), 3, "{}", t.grid.render());
        assert_eq!(inds[0].level, "产出指标");
        assert_eq!(inds[1].level, "产出指标");
        assert_eq!(inds[1].category, "成本指标");
        assert_eq!(inds[1].annual_value.as_deref(), Some("≤8万元"));
        assert_eq!(inds[2].cycle_value.as_deref(), Some("≥120亩"));
        assert_eq!(inds[2].annual_value.as_deref(), Some("≥40亩"));
    }

    #[test]
    fn one_row_a_line_between_a_head_rule_and_the_end() {
        let text = "\
+--------+----------+------------+--------+
| 一级   | 二级     | 指标名称   | 指标值 |
+--------+----------+------------+--------+
| 产出   | 数量指标 | 检测样本数 | 500份  |
|        |          | 出具报告数 | 12份   |
| 满意度 | 满意度   | 企业满意度 | ≥85%   |
+--------+----------+------------+--------+
";
        let t = grid(text);
        assert_eq!(t.grid.rows.len(), 4);
        assert_eq!(at(&t.grid, 2, 2), "出具报告数");
        assert_eq!(at(&t.grid, 2, 0), "");
        assert_eq!(at(&t.grid, 3, 3), "≥85%");
    }

    #[test]
    fn rows_one_a_line_between_rules_that_close_groups_only() {
        let text = "\
┌────────┬──────────┬──────────────┬────────┐
│ 一级   │ 二级     │ 指标名称     │ 指标值 │
├────────┼──────────┼──────────────┼────────┤
│ 产出   │ 数量指标 │ 新建公厕数量 │ 14座   │
│        │          │ 改造公厕数量 │ 20座   │
│        │ 质量指标 │ 验收合格率   │ 100%   │
├────────┼──────────┼──────────────┼────────┤
│ 效益   │ 社会效益 │ 如厕环境     │ 改善   │
└────────┴──────────┴──────────────┴────────┘
";
        let t = grid(text);
        let inds = indicators(&t);
        assert_eq!(inds.len(), 4, "{inds:?}");
        assert_eq!(inds[1].name, "改造公厕数量");
        assert_eq!(inds[1].category, "数量指标");
        assert_eq!(inds[2].category, "质量指标");
        assert_eq!(inds[2].annual_value.as_deref(), Some("100%"));
        // Near miss: a name wrapped over two lines with one value is one row.
        let text = "\
┌────────┬──────────┬──────────────┬────────┐
│ 一级   │ 二级     │ 指标名称     │ 指标值 │
├────────┼──────────┼──────────────┼────────┤
│ 产出   │ 数量指标 │ 农村卫生厕所 │ ≥300户 │
│        │          │ 改造户数     │        │
├────────┼──────────┼──────────────┼────────┤
│ 效益   │ 社会效益 │ 如厕环境     │ 改善   │
└────────┴──────────┴──────────────┴────────┘
";
        let inds = indicators(&grid(text));
        assert_eq!(inds.len(), 2, "{inds:?}");
        assert_eq!(inds[0].name, "农村卫生厕所改造户数");
        // Near miss: a label centred in its rows (not on the band's first
        // line) leaves the band one cell a column: no row is split off with
        // a label that may belong to another.
        let text = "\
┌────────┬──────────┬──────────────┬────────┐
│ 一级   │ 二级     │ 指标名称     │ 指标值 │
├────────┼──────────┼──────────────┼────────┤
│        │          │ 新建公厕数量 │ 14座   │
│ 产出   │ 数量指标 │ 改造公厕数量 │ 20座   │
├────────┼──────────┼──────────────┼────────┤
│ 效益   │ 社会效益 │ 如厕环境     │ 改善   │
└────────┴──────────┴──────────────┴────────┘
";
        let inds = indicators(&grid(text));
        assert!(inds.iter().all(|i| i.name != "改造公厕数量"), "{inds:?}");
    }

    #[test]
    fn reads_as_indicators() {
        let text = "\
┌──────────┬────────────┬──────────────┬──────────┐
│ 一级指标 │ 二级指标   │ 三级指标     │ 指标值   │
├──────────┼────────────┼──────────────┼──────────┤
│ 产出指标 │ 数量指标   │ 培训人次     │ ≥300人次 │
│          │            ├──────────────┼──────────┤
│          │            │ 培训班期数   │ 6期      │
│          ├────────────┼──────────────┼──────────┤
│          │ 质量指标   │ 考核合格率   │ ≥95%     │
└──────────┴────────────┴──────────────┴──────────┘
";
        let t = grid(text);
        let doc = crate::ingest::excel::read_grid(&t.grid).unwrap().doc;
        let inds: Vec<_> = doc
            .units
            .iter()
            .flat_map(|u| &u.projects)
            .flat_map(|p| &p.indicators)
            .collect();
        assert_eq!(inds.len(), 3, "{:?}", t.grid.render());
        assert_eq!(inds[1].name, "培训班期数");
        assert_eq!(inds[1].level, "产出指标");
        assert_eq!(inds[1].category, "数量指标");
        assert_eq!(inds[2].category, "质量指标");
        assert_eq!(inds[2].annual_value.as_deref(), Some("≥95%"));
    }
}

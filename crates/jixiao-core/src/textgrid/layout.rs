//! `pdftotext -layout` pages: columns side by side at fixed character
//! offsets, a cell wrapped over several lines so one table row spans several
//! text lines, the head repeated on each page.
//!
//! The columns are the head line's words, at their character offsets (the
//! tool lays every character on one grid, CJK or not). A line's words go to
//! the column they start under; a word that starts a character or two left of
//! a column (wrapped text is centred or indented by the tool) goes there when
//! it fits that column better. A line continues the row above when it has
//! nothing in a column the row has already filled with a value (a wrapped
//! name's tail, the values printed a line below their name); otherwise it
//! starts a row. Merged 一级/二级 stand on their group's first row and are
//! carried down by the long-table reader.

use super::{Piece, TextTable, fit, is_long_head, is_page_furniture, is_table_end, push, role};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;
use crate::vocab;

/// Words separated by spaces, with their character offsets.
fn words(line: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, c) in line.chars().enumerate() {
        if c.is_whitespace() {
            if let Some(w) = cur.take() {
                out.push(w);
            }
        } else {
            cur.get_or_insert_with(|| (i, String::new())).1.push(c);
        }
    }
    out.extend(cur);
    out
}

/// A head line: its words' offsets and roles, when they make a long head.
fn head(line: &str) -> Option<Vec<(usize, Option<Role>)>> {
    let ws = words(line);
    if ws.len() < 3 {
        return None;
    }
    let cols: Vec<(usize, Option<Role>)> = ws.iter().map(|(o, t)| (*o, role(t))).collect();
    let roles: Vec<Option<Role>> = cols.iter().map(|c| c.1).collect();
    let named = roles.iter().filter(|r| r.is_some()).count();
    (named * 10 >= roles.len() * 7 && is_long_head(&roles)).then_some(cols)
}

/// Whether a column holds a level, category or name (text that wraps and is
/// continued), rather than a value.
fn is_text_role(r: Option<Role>) -> bool {
    matches!(r, Some(Role::Level | Role::Category | Role::Name) | None)
}

fn is_value_role(r: Option<Role>) -> bool {
    matches!(r, Some(Role::Annual | Role::Cycle | Role::HalfYear))
}

/// The column a word starting at `offset` belongs to.
fn column(cols: &[(usize, Option<Role>)], offset: usize, text: &str) -> usize {
    let under = cols.iter().rposition(|(o, _)| *o <= offset).unwrap_or(0);
    let next = under + 1;
    match cols.get(next) {
        // Wrapped CJK text runs wider than its column's slots, pushing a
        // value a few characters left of its head.
        Some((o, r)) if *o <= offset + 4 => {
            let here = cols.get(under).and_then(|c| c.1);
            // Two value columns side by side: the one it starts under.
            if fit(*r, text) > fit(here, text) && !(is_value_role(*r) && is_value_role(here)) {
                next
            } else {
                under
            }
        }
        _ => under,
    }
}

/// A line's words placed in the head's columns (words in one column joined
/// with their space).
fn place_line(cols: &[(usize, Option<Role>)], line: &str) -> Vec<String> {
    let mut cells = vec![String::new(); cols.len()];
    for (o, w) in words(line) {
        let c = column(cols, o, &w);
        if let Some(cell) = cells.get_mut(c) {
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(&w);
        }
    }
    cells
}

/// Whether a text is laid out in columns as `pdftotext -layout` prints
/// them: a long head with its words at wide gaps, and body lines indented
/// under a column (a merged cell's blank, a wrapped cell's tail). Such a text
/// is this reader's: the space-separated reader would take every wrapped
/// line for a row.
pub fn is_layout(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some(h) = lines
        .iter()
        .position(|l| head(l).is_some() && l.trim().contains("  "))
    else {
        return false;
    };
    lines
        .iter()
        .skip(h + 1)
        .any(|l| l.starts_with("    ") && !l.trim().is_empty())
}

/// The long tables of a `pdftotext -layout` text.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(h) = lines.iter().position(|l| head(l).is_some()) else {
        return Vec::new();
    };
    let Some(mut cols) = lines.get(h).and_then(|l| head(l)) else {
        return Vec::new();
    };
    // A head printed over two lines (a wrapped goal cell beside it pushes
    // `一级指标` a line up): the line above's head words join the head at
    // their offsets; its other words (the goal's tail) are not the table's.
    let mut head_cells: Vec<Piece> = Vec::new();
    let above = h
        .checked_sub(1)
        .and_then(|a| lines.get(a))
        .map(|l| words(l))
        .unwrap_or_default();
    let first = cols.first().map_or(0, |c| c.0);
    let lifted: Vec<(usize, String)> = above
        .into_iter()
        .filter(|(o, w)| *o + 2 < first && role(w).is_some())
        .collect();
    for (o, w) in &lifted {
        cols.insert(0, (*o, role(w)));
        head_cells.insert(0, Piece::new(w.clone(), h));
    }
    let kv_end = if lifted.is_empty() {
        h
    } else {
        h.saturating_sub(1)
    };
    let mut t = TextTable::new(source, GridSource::SpacedText);
    // The key-value head above: label and value split on wide gaps.
    for (k, l) in lines.iter().enumerate().take(kv_end) {
        let mut cells: Vec<Piece> = l
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| Piece::new(c, k + 1))
            .collect();
        // A long label leaves one space before its value.
        if let Some(first) = cells.first().cloned()
            && let Some((label, value)) = first.text.split_once(' ')
            && super::is_head_label(label)
        {
            cells.splice(
                0..1,
                [Piece::new(label, k + 1), Piece::new(value.trim(), k + 1)],
            );
        }
        if !cells.is_empty() {
            push(&mut t.grid, 0, &cells);
        }
    }
    let head_text = lines.get(h).copied().unwrap_or_default();
    head_cells.extend(
        words(head_text)
            .into_iter()
            .map(|(_, w)| Piece::new(w, h + 1)),
    );
    // A head cell wrapped onto the next line (`实施周期指标` / `值`): a short
    // text with no digit under a value column that, joined to its head,
    // names the same column. Joined to the head, dropped from the row.
    let tail_line = lines
        .iter()
        .enumerate()
        .skip(h + 1)
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(k, _)| k);
    let mut tail_cols: Vec<usize> = Vec::new();
    let mut renamed: Vec<(usize, Role)> = Vec::new();
    if let Some(l) = tail_line.and_then(|k| lines.get(k)) {
        for (i, c) in place_line(&cols, l).into_iter().enumerate() {
            let Some(hc) = head_cells.get_mut(i) else {
                continue;
            };
            let joined = format!("{}{c}", hc.text);
            let text_col = matches!(
                cols.get(i).and_then(|x| x.1),
                Some(Role::Level | Role::Category | Role::Name)
            );
            if !text_col
                && !c.is_empty()
                && c.chars().count() <= 2
                && !c.chars().any(|ch| ch.is_ascii_digit())
                && let Some(r) = role(&joined)
            {
                hc.text = joined;
                renamed.push((i, r));
                tail_cols.push(i);
            }
        }
    }
    for (i, r) in renamed {
        if let Some(col) = cols.get_mut(i) {
            col.1 = Some(r);
        }
    }
    let value_col = |i: usize| !is_text_role(cols.get(i).and_then(|c| c.1));
    push(&mut t.grid, 0, &head_cells);
    let mut row: Option<(usize, Vec<String>)> = None;
    let flush = |t: &mut TextTable, row: &mut Option<(usize, Vec<String>)>| {
        if let Some((line, cells)) = row.take() {
            let pieces: Vec<Piece> = cells.into_iter().map(|c| Piece::new(c, line)).collect();
            push(&mut t.grid, 0, &pieces);
        }
    };
    for (k, l) in lines.iter().enumerate().skip(h + 1) {
        let trimmed = l.trim();
        if trimmed.is_empty() {
            continue;
        }
        // The head repeated on a new page, page numbers, the title again.
        if head(l).is_some() || is_page_furniture(trimmed) {
            continue;
        }
        if is_table_end(trimmed) {
            break;
        }
        let mut cells = place_line(&cols, l);
        if Some(k) == tail_line {
            for i in &tail_cols {
                if let Some(c) = cells.get_mut(*i) {
                    c.clear();
                }
            }
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let has_values = cells
            .iter()
            .enumerate()
            .any(|(i, c)| value_col(i) && !c.is_empty());
        let has_text = cells
            .iter()
            .enumerate()
            .any(|(i, c)| !value_col(i) && !c.is_empty());
        // A level or category word in its column opens a row (a new group).
        let starts_level =
            cells
                .iter()
                .enumerate()
                .any(|(i, c)| match cols.get(i).and_then(|x| x.1) {
                    Some(Role::Level) => vocab::is_level_word(c),
                    Some(Role::Category) => vocab::is_category_word(c),
                    _ => false,
                });
        let continues = match &row {
            Some((_, prev)) => {
                let prev_values = prev
                    .iter()
                    .enumerate()
                    .any(|(i, c)| value_col(i) && !c.is_empty());
                // Nothing lands on a value the row already has.
                let clash = cells
                    .iter()
                    .zip(prev)
                    .enumerate()
                    .any(|(i, (c, p))| !c.is_empty() && !p.is_empty() && value_col(i));
                // A line with nothing in the level, category and name
                // columns cannot start a row: a wrapped value's tail.
                !has_text || !(clash || starts_level || (has_values && prev_values))
            }
            None => false,
        };
        if continues && let Some((_, prev)) = row.as_mut() {
            for (p, c) in prev.iter_mut().zip(cells) {
                // Chinese text wrapped in a cell joins with no space.
                p.push_str(&c);
            }
            continue;
        }
        flush(&mut t, &mut row);
        row = Some((k + 1, cells));
    }
    flush(&mut t, &mut row);
    vec![t]
}

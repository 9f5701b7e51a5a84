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

/// A CJK (East Asian wide) character.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Words separated by spaces, with their offsets: in characters (pdftotext
/// lays every character on one grid, CJK or not), or with `wide` in display
/// columns (a CJK character two), as text padded for a terminal prints them.
fn words(line: &str, wide: bool) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    let mut next = 0;
    for c in line.chars() {
        let at = next;
        next += if wide && is_wide(c) { 2 } else { 1 };
        if c.is_whitespace() {
            if let Some(w) = cur.take() {
                out.push(w);
            }
        } else {
            cur.get_or_insert_with(|| (at, String::new())).1.push(c);
        }
    }
    out.extend(cur);
    out
}

/// A head word's column: its start, role and end (character offsets).
type Col = (usize, Option<Role>, usize);

/// A head line: its words' offsets and roles, when they make a long head.
fn head(line: &str, wide: bool) -> Option<Vec<Col>> {
    let ws = words(line, wide);
    if ws.len() < 3 {
        return None;
    }
    let mut cols: Vec<Col> = ws
        .iter()
        .map(|(o, t)| (*o, role(t), o + t.chars().count()))
        .collect();
    let roles: Vec<Option<Role>> = cols.iter().map(|c| c.1).collect();
    let named = roles.iter().filter(|r| r.is_some()).count();
    if named * 10 < roles.len() * 7 || !is_long_head(&roles) {
        return None;
    }
    // 一级 | 二级 | 绩效指标 | 指标值: in a long head the 绩效指标 column names
    // the indicator (as the grid's head reader takes it), so its text starts
    // rows and wraps like a name's.
    if !roles.contains(&Some(Role::Name))
        && roles
            .iter()
            .any(|r| matches!(r, Some(Role::Level | Role::Category)))
        && let Some(c) = cols.iter_mut().find(|c| c.1 == Some(Role::Indicators))
    {
        c.1 = Some(Role::Name);
    }
    Some(cols)
}

/// The head at line `h`: a long head on one line, or the seed's wide head
/// (项目名称 … 绩效目标 绩效指标) with its amount heads (总计 财政拨款 …) on the
/// line below. Each column with its head word and the 0-based line of it.
fn head_at(lines: &[&str], h: usize, wide: bool) -> Option<Vec<(Col, String, usize)>> {
    let line = lines.get(h)?;
    let with_words = |cols: Vec<Col>, l: &str, at: usize| -> Vec<(Col, String, usize)> {
        cols.into_iter()
            .zip(words(l, wide))
            .map(|(c, (_, w))| (c, w, at))
            .collect()
    };
    if let Some(cols) = head(line, wide) {
        let mut all = with_words(cols, line, h);
        all.extend(value_sub_heads(
            &all,
            lines.get(h + 1).copied(),
            h + 1,
            wide,
        ));
        return Some(all);
    }
    let below = lines.get(h + 1)?;
    // A long head on the line below is the head; this line is its group
    // heads (绩效指标 over 一级 … 年度).
    if head(below, wide).is_some() {
        return None;
    }
    let cols = |l: &str| -> Vec<(Col, String, usize)> {
        words(l, wide)
            .into_iter()
            .map(|(o, w)| ((o, role(&w), o + w.chars().count()), w, 0))
            .collect()
    };
    let top = cols(line);
    let low = cols(below);
    if top.len() < 3 || low.is_empty() || low.iter().any(|c| c.0.1.is_none()) {
        return None;
    }
    let mut all: Vec<(Col, String, usize)> = top
        .into_iter()
        .map(|(c, w, _)| (c, w, h))
        .chain(low.into_iter().map(|(c, w, _)| (c, w, h + 1)))
        .collect();
    all.sort_by_key(|c| c.0.0);
    let roles: Vec<Option<Role>> = all.iter().map(|c| c.0.1).collect();
    let named = roles.iter().filter(|r| r.is_some()).count();
    (named * 10 >= roles.len() * 7 && super::is_wide_head(&roles)).then_some(all)
}

/// A head of two rows (`指标值` merged over `实施期指标值 | 年度指标值`, the
/// label heads merged down both rows and printed centred, on the upper
/// line): the value columns are the sub-heads on the line below a head that
/// has no value column. Only when every word there names a value and stands
/// right of the head's last column, so a body line is never taken for them.
fn value_sub_heads(
    head: &[(Col, String, usize)],
    below: Option<&str>,
    at: usize,
    wide: bool,
) -> Vec<(Col, String, usize)> {
    if head.iter().any(|c| is_value_role(c.0.1)) {
        return Vec::new();
    }
    let Some(last_start) = head.iter().map(|c| c.0.0).max() else {
        return Vec::new();
    };
    let ws = below.map(|l| words(l, wide)).unwrap_or_default();
    let subs: Vec<(Col, String, usize)> = ws
        .into_iter()
        .map(|(o, w)| ((o, role(&w), o + w.chars().count()), w, at))
        .collect();
    let fits = !subs.is_empty()
        && subs
            .iter()
            .all(|c| is_value_role(c.0.1) && c.0.0 > last_start);
    if fits { subs } else { Vec::new() }
}

/// Whether a column holds text that wraps over lines and is continued (a
/// name, a goal, an indicator list), rather than an amount or a value.
fn wraps(r: Option<Role>) -> bool {
    matches!(
        r,
        Some(
            Role::Level
                | Role::Category
                | Role::Name
                | Role::Project
                | Role::Unit
                | Role::Goal
                | Role::Indicators
                | Role::Remark
        ) | None
    )
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
fn column(cols: &[Col], offset: usize, text: &str) -> usize {
    let under = cols.iter().rposition(|c| c.0 <= offset).unwrap_or(0);
    let next = under + 1;
    let here = cols.get(under).and_then(|c| c.1);
    match cols.get(next) {
        // Heads are centred in their cells, text is left-aligned: a word
        // that starts after the head before ends, a few characters left of
        // the next head, is in that next column when it fits it no worse
        // (wrapped CJK text also runs wider than its slots). Two value
        // columns side by side keep the one it starts under.
        Some((o, r, _))
            if *o <= offset + 4
                && cols.get(under).is_some_and(|c| c.2 < offset)
                && !(is_value_role(*r) && is_value_role(here)) =>
        {
            if fit(*r, text) >= fit(here, text) {
                next
            } else {
                under
            }
        }
        // A long name centred in its cell starts left of its head, under
        // the 二级 (or 一级) column: a text no framework label, starting
        // after that label head ends, whose middle lies nearer the name
        // head's middle, is the name's.
        Some((o, r @ Some(Role::Name), e))
            if matches!(here, Some(Role::Level | Role::Category))
                && cols.get(under).is_some_and(|c| c.2 < offset)
                && fit(here, text) < 0
                && fit(*r, text) >= 0
                && cols.get(under).is_some_and(|c| {
                    let mid = 2 * offset + text.chars().count();
                    mid.abs_diff(o + e) < mid.abs_diff(c.0 + c.2)
                }) =>
        {
            next
        }
        // A 二级 centred in its merged cell can start under the 一级 head:
        // a category the 一级 column refuses is the 二级 column's.
        Some((_, r @ Some(Role::Category), _))
            if here == Some(Role::Level) && fit(here, text) < 0 && fit(*r, text) > 0 =>
        {
            next
        }
        _ => under,
    }
}

/// A line's words placed in the head's columns (words in one column joined
/// with their space).
fn place_line(cols: &[Col], line: &str, wide: bool) -> Vec<String> {
    let mut cells = vec![String::new(); cols.len()];
    let ws = words(line, wide);
    let mut placed: Vec<usize> = ws.iter().map(|(o, w)| column(cols, *o, w)).collect();
    // Heads centred over wide columns stand right of their cells' left
    // edges: a value printed a wide gap after the name (two spaces or more:
    // another cell, a name's own words have one), past the name head's
    // end, lands under that head. With the value column beside it empty on
    // this line, it is that column's cell.
    for k in 1..ws.len() {
        let (Some((o, w)), Some((po, pw)), Some(&c)) = (ws.get(k), ws.get(k - 1), placed.get(k))
        else {
            continue;
        };
        let Some(head) = cols.get(c) else {
            continue;
        };
        let gap = o.saturating_sub(po + pw.chars().count());
        if head.1 != Some(Role::Name)
            || placed.get(k - 1) != Some(&c)
            || *o < head.2
            || gap < 2
            || vocab::is_level_word(w)
            || vocab::is_category_word(w)
            || super::value_like(pw)
        {
            continue;
        }
        let next = c + 1;
        if is_value_role(cols.get(next).and_then(|h| h.1)) && !placed.contains(&next) {
            for p in placed.iter_mut().skip(k) {
                if *p == c {
                    *p = next;
                }
            }
        }
    }
    for (k, (o, w)) in ws.iter().enumerate() {
        let mut c = placed.get(k).copied().unwrap_or(0);
        // A word moved right of its head that runs into the next word of
        // that same column is the tail of the text on its left (a wrapped
        // goal's last character), not the start of that column's cell.
        let moved = cols.get(c).is_some_and(|h| h.0 > *o);
        let runs_on = ws
            .get(k + 1)
            .is_some_and(|(no, _)| *no <= o + w.chars().count() + 1)
            && placed.get(k + 1) == Some(&c);
        if moved && runs_on {
            c = c.saturating_sub(1);
        }
        if let Some(cell) = cells.get_mut(c) {
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(w);
        }
    }
    // Two values under one value head with the value column beside it
    // empty: heads of narrow columns sit over each other's values, the
    // second value is the neighbour's (`100% 100%` under 实施周期指标值).
    for i in 0..cells.len() {
        let role_at = |j: usize| cols.get(j).and_then(|c| c.1);
        if !is_value_role(role_at(i)) || !is_value_role(role_at(i + 1)) {
            continue;
        }
        let next_empty = cells.get(i + 1).is_some_and(String::is_empty);
        let Some(cell) = cells.get(i).cloned() else {
            continue;
        };
        let parts: Vec<&str> = cell.split(' ').collect();
        if let [a, b] = parts.as_slice()
            && next_empty
            && super::value_like(a)
            && super::value_like(b)
        {
            if let Some(c) = cells.get_mut(i) {
                *c = (*a).to_string();
            }
            if let Some(c) = cells.get_mut(i + 1) {
                *c = (*b).to_string();
            }
        }
    }
    cells
}

/// A long head at line `h` (0-based): its columns, with the head words of
/// the line above and a head cell wrapped onto the line below.
struct Head {
    cols: Vec<Col>,
    cells: Vec<Piece>,
    /// The head's own lines, to know them again on the next pages.
    lines: Vec<String>,
    lifted: bool,
    /// The head's last line (0-based).
    last: usize,
    tail_line: Option<usize>,
    tail_cols: Vec<usize>,
    tail_text: Option<String>,
}

fn read_head(lines: &[&str], h: usize, wide: bool) -> Option<Head> {
    let own = head_at(lines, h, wide)?;
    let last = own.iter().map(|c| c.2).max().unwrap_or(h);
    let mut cols: Vec<Col> = own.iter().map(|c| c.0).collect();
    // A head printed over two lines (a wrapped goal cell beside it pushes
    // `一级指标` a line up): the line above's head words join the head at
    // their offsets; its other words (the goal's tail) are not the table's.
    let mut head_cells: Vec<Piece> = Vec::new();
    let above = h
        .checked_sub(1)
        .and_then(|a| lines.get(a))
        .map(|l| words(l, wide))
        .unwrap_or_default();
    // Only words left of the indicator columns: a group head above them
    // (`绩效指标` over 一级 … 年度) is not a column of its own.
    let first = cols
        .iter()
        .find(|c| matches!(c.1, Some(Role::Level | Role::Category)))
        .map_or(0, |c| c.0);
    let lifted: Vec<(usize, String)> = above
        .into_iter()
        .filter(|(o, w)| {
            *o + 2 < first && role(w).is_some() && cols.iter().all(|c| c.0.abs_diff(*o) > 2)
        })
        .collect();
    let mut merged: Vec<(Col, Piece)> = own
        .into_iter()
        .map(|(c, w, at)| (c, Piece::new(w, at + 1)))
        .collect();
    merged.extend(lifted.iter().map(|(o, w)| {
        (
            (*o, role(w), o + w.chars().count()),
            Piece::new(w.clone(), h),
        )
    }));
    merged.sort_by_key(|m| m.0.0);
    cols = merged.iter().map(|m| m.0).collect();
    head_cells.extend(merged.into_iter().map(|m| m.1));
    // The head's own lines, to know them again on the next pages.
    let mut head_lines: Vec<String> = lines
        .get(h.saturating_sub(usize::from(!lifted.is_empty()))..=last)
        .unwrap_or_default()
        .iter()
        .map(|l| vocab::key(l))
        .collect();
    // A head of two rows: the merged group head over the value sub-heads
    // (`指标值`), on the line above, is the head's too (printed again on
    // each page).
    let value_starts: Vec<usize> = cols
        .iter()
        .filter(|c| is_value_role(c.1))
        .map(|c| c.0)
        .collect();
    if last > h
        && let Some(first_value) = value_starts.iter().min()
        && let Some(above) = h.checked_sub(1).and_then(|a| lines.get(a))
    {
        let ws = words(above, wide);
        if !ws.is_empty() && ws.iter().all(|(o, _)| o + 2 >= *first_value) {
            head_lines.push(vocab::key(above));
        }
    }
    // A head cell wrapped onto the next line (`实施周期指标` / `值`): a short
    // text with no digit under a value column that, joined to its head,
    // names the same column. Joined to the head, dropped from the row.
    let tail_line = lines
        .iter()
        .enumerate()
        .skip(last + 1)
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(k, _)| k);
    let mut tail_cols: Vec<usize> = Vec::new();
    let mut renamed: Vec<(usize, Role)> = Vec::new();
    if let Some(l) = tail_line.and_then(|k| lines.get(k)) {
        for (i, c) in place_line(&cols, l, wide).into_iter().enumerate() {
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
    // The tail line again on a new page (only the head's tails on it).
    let tail_text = tail_line
        .filter(|_| !tail_cols.is_empty())
        .and_then(|k| lines.get(k))
        .map(|l| vocab::key(l))
        .filter(|t| head_cells.iter().any(|h| h.text.ends_with(t.as_str())));
    for (i, r) in renamed {
        if let Some(col) = cols.get_mut(i) {
            col.1 = Some(r);
        }
    }
    Some(Head {
        cols,
        cells: head_cells,
        lines: head_lines,
        lifted: !lifted.is_empty(),
        last,
        tail_line,
        tail_cols,
        tail_text,
    })
}

/// Groups of rows told by their labels' centres, in half rows (`2i` on row
/// `i`'s line, `2i-1` on a line of its own just above row `i`): the first
/// group starts at row 0, each next one where the one before ends, and a
/// group of rows `s..e` is centred at `s+e-1`. `None` unless every group has
/// a row and the last one ends at the last row: then each label's group is
/// certain.
fn groups(labels: &[(i64, String)], n: usize) -> Option<Vec<(i64, i64, String)>> {
    let mut out = Vec::new();
    let mut s: i64 = 0;
    for (h, text) in labels {
        let e = h + 1 - s;
        if e <= s {
            return None;
        }
        out.push((s, e, text.clone()));
        s = e;
    }
    (!out.is_empty() && i64::try_from(n).ok() == Some(s)).then_some(out)
}

/// A label wrapped around its line (`服务对象满意度指` above, `标` below):
/// consecutive pieces that are no framework words alone but are one joined,
/// centred where they meet a row's line.
fn join_wrapped_labels(labels: Vec<(i64, String)>) -> Vec<(i64, String)> {
    let framework = |t: &str| vocab::is_level_word(t) || vocab::is_category_word(t);
    let mut out: Vec<(i64, String)> = Vec::new();
    for (h, text) in labels {
        if let Some((ph, prev)) = out.last_mut() {
            let joined = format!("{prev}{text}");
            // The head piece may be a framework word itself (`服务对象满意度`
            // / `指标`): the tail, no word alone, still completes it.
            if !framework(&text) && framework(&joined) && h - *ph <= 2 {
                *ph = if (*ph + h) % 2 == 0 {
                    (*ph + h) / 2
                } else if h % 2 == 0 {
                    h
                } else {
                    *ph
                };
                *prev = joined;
                continue;
            }
        }
        out.push((h, text));
    }
    out
}

/// Labels at their centres (see [`groups`]).
type Labels = Vec<(i64, String)>;

/// Labels put in the wrong label column by their offsets, set right where
/// the groups then chain: a level and its category on one line in the 一级
/// column (`满意度指标 服务对象满意度指标`: the category moves over), and a
/// word that is a level in newer templates and a category in older ones
/// (`成本指标`) printed between the two label heads: it moves to the 二级
/// labels only when that makes both columns' groups chain from the first
/// row to the last ([`groups`]), which a wrong move cannot.
fn relabel(levels: Labels, cats: Labels, n: usize) -> (Labels, Labels) {
    let mut lv: Labels = Vec::new();
    let mut ct = cats.clone();
    for (h, t) in levels {
        // Only where the 二级 column has no label of its own on that line.
        if let Some((a, b)) = t.split_once(' ')
            && vocab::is_level_word(a)
            && vocab::is_category_word(b)
            && !b.contains(' ')
            && !cats.iter().any(|c| c.0 == h)
        {
            lv.push((h, a.to_string()));
            ct.push((h, b.to_string()));
        } else {
            lv.push((h, t));
        }
    }
    ct.sort_by_key(|l| l.0);
    if groups(&lv, n).is_some() || groups(&ct, n).is_some() {
        return (lv, ct);
    }
    for i in 0..lv.len() {
        let Some(moved) = lv.get(i).cloned() else {
            continue;
        };
        if vocab::level(&moved.1).is_none() {
            continue;
        }
        let mut l2 = lv.clone();
        l2.remove(i);
        let mut c2 = ct.clone();
        c2.push(moved);
        c2.sort_by_key(|l| l.0);
        if groups(&l2, n).is_some() && groups(&c2, n).is_some() {
            return (l2, c2);
        }
    }
    (lv, ct)
}

/// Rows of a table whose merged 一级/二级 are printed centred in their
/// group rather than on its first line (its first row has no level or no
/// category of its own). The labels' centres tell the groups when they chain
/// from the first row to the last ([`groups`]); a category's level is then
/// the group's it lies in, checked against the framework (a category implies
/// its level). Where the centres do not chain, a row keeps the category
/// printed on its own line and the level the framework puts that category
/// under, when that level is printed in the table; the others go to rejects.
/// `label_lines` are the rows (by first line) opened by a line holding only
/// labels. Tables whose labels stand on their groups' first lines are
/// returned as they are.
fn centred(
    body: Vec<(usize, Vec<String>)>,
    level: Option<usize>,
    category: Option<usize>,
    name: Option<usize>,
    label_lines: &[usize],
    t: &mut TextTable,
) -> Vec<(usize, Vec<String>)> {
    let (Some(lc), Some(cc)) = (level, category) else {
        return body;
    };
    let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
    // Rows with something beside their labels: a name or a value.
    let is_row = |r: &Vec<String>| {
        r.iter()
            .enumerate()
            .any(|(i, c)| i != lc && i != cc && !c.is_empty())
    };
    // The first indicator row: the first with a name.
    let Some((_, first)) = name.and_then(|n| body.iter().find(|(_, r)| !cell(r, n).is_empty()))
    else {
        return body;
    };
    let level_centred = cell(first, lc).is_empty();
    let category_centred = cell(first, cc).is_empty();
    if !level_centred && !category_centred {
        return body;
    }
    let printed: Vec<String> = body
        .iter()
        .map(|(_, r)| cell(r, lc))
        .filter(|l| vocab::is_level_word(l))
        .collect();
    // The indicator rows, and each label column's labels at their centres.
    let mut rows: Vec<(usize, Vec<String>, bool)> = Vec::new();
    let mut labels: [Vec<(i64, String)>; 2] = [Vec::new(), Vec::new()];
    let mut before: Vec<(usize, String)> = Vec::new();
    for (line, r) in body {
        let cols = [lc, cc];
        if !is_row(&r) {
            for (j, c) in cols.iter().enumerate() {
                let x = cell(&r, *c);
                if !x.is_empty() {
                    before.push((j, x));
                }
            }
            continue;
        }
        let i = i64::try_from(rows.len()).unwrap_or(i64::MAX / 4);
        for (j, x) in before.drain(..) {
            if let Some(l) = labels.get_mut(j) {
                l.push((2 * i - 1, x));
            }
        }
        let own_line = label_lines.contains(&line);
        for (j, c) in cols.iter().enumerate() {
            let x = cell(&r, *c);
            if !x.is_empty()
                && let Some(l) = labels.get_mut(j)
            {
                l.push((if own_line { 2 * i - 1 } else { 2 * i }, x));
            }
        }
        rows.push((line, r, own_line));
    }
    let n = rows.len();
    let n64 = i64::try_from(n).unwrap_or(i64::MAX / 4);
    for (j, x) in before {
        if let Some(l) = labels.get_mut(j) {
            l.push((2 * n64 - 1, x));
        }
    }
    let [level_labels, category_labels] = labels.map(join_wrapped_labels);
    let (level_labels, category_labels) = relabel(level_labels, category_labels, n);
    let in_group = |gs: &Option<Vec<(i64, i64, String)>>, i: usize| -> Option<String> {
        let i = i64::try_from(i).ok()?;
        gs.as_ref()?
            .iter()
            .find(|(s, e, _)| *s <= i && i < *e)
            .map(|g| g.2.clone())
    };
    // Categories: by their groups where centred and certain, else each
    // row's own; carried down where printed on their groups' first rows.
    let cat_groups = if category_centred {
        groups(&category_labels, n)
    } else {
        None
    };
    let mut carried = String::new();
    let cats: Vec<Option<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, r, _))| {
            let own = cell(r, cc);
            if !category_centred {
                if !own.is_empty() {
                    carried = own;
                }
                return Some(carried.clone());
            }
            if cat_groups.is_some() {
                return in_group(&cat_groups, i);
            }
            vocab::is_category_word(&own).then_some(own)
        })
        .collect();
    // Levels: by their groups where centred, when every row's category is
    // one the framework puts under its group's level; else the level the
    // framework puts the category under, when printed in the table.
    let by_framework = |c: &str| {
        vocab::category(c).and_then(|c| {
            printed
                .iter()
                .find(|p| vocab::level(p) == Some(c.level))
                .cloned()
        })
    };
    let level_groups = if level_centred {
        groups(&level_labels, n)
    } else {
        None
    };
    let mut carried = String::new();
    let mut levels: Vec<Option<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, r, _))| {
            if !level_centred {
                let own = cell(r, lc);
                if !own.is_empty() {
                    carried = own;
                }
                return Some(carried.clone());
            }
            in_group(&level_groups, i)
        })
        .collect();
    let agrees = levels.iter().zip(&cats).all(|(l, c)| match (l, c) {
        (Some(l), Some(c)) => vocab::category(c).is_none() || vocab::framework(l, c).1.is_some(),
        _ => false,
    });
    if level_centred && !agrees {
        levels = cats
            .iter()
            .map(|c| c.as_deref().and_then(by_framework))
            .collect();
    }
    let mut out = Vec::new();
    for (((line, mut r, _), lvl), cat) in rows.into_iter().zip(levels).zip(cats) {
        match (lvl, cat) {
            (Some(l), Some(c)) => {
                if let Some(x) = r.get_mut(lc) {
                    *x = l;
                }
                if let Some(x) = r.get_mut(cc) {
                    *x = c;
                }
                out.push((line, r));
            }
            _ => t.rejects.push((
                line,
                r.iter()
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
                "一级/二级 printed centred in their merged cells: which rows they cover is not certain"
                    .to_string(),
            )),
        }
    }
    out
}

/// Whether a text is laid out in columns as `pdftotext -layout` prints
/// them: a long head with its words at wide gaps, and body lines indented
/// under a column (a merged cell's blank, a wrapped cell's tail). Such a text
/// is this reader's: the space-separated reader would take every wrapped
/// line for a row.
pub fn is_layout(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some(h) = (0..lines.len()).find(|k| {
        head_at(&lines, *k, false).is_some()
            && lines.get(*k).is_some_and(|l| l.trim().contains("  "))
    }) else {
        return false;
    };
    lines
        .iter()
        .skip(h + 1)
        .any(|l| l.starts_with("    ") && !l.trim().is_empty())
}

/// Whether the body under the head at line `h` lines up with the head's
/// words in display columns (a CJK character two wide) rather than in
/// characters: more body words start where a head word starts.
fn display_aligned(lines: &[&str], h: usize) -> bool {
    let score = |wide: bool| {
        let Some(head) = lines.get(h).map(|l| words(l, wide)) else {
            return 0;
        };
        lines
            .iter()
            .skip(h + 1)
            .take(60)
            .flat_map(|l| words(l, wide))
            .filter(|(o, _)| head.iter().any(|(ho, _)| ho == o))
            .count()
    };
    // One body word meeting a head word by chance is no alignment.
    let display = score(true);
    display >= 3 && display > score(false)
}

/// Two tables printed side by side (two projects on one landscape page):
/// the head line holds a long head twice over. The offset that splits them
/// is a blank gutter: the rightmost one between the left head's last word
/// and the right head's first that no word from the head down crosses.
/// `None` when the head is single, or no such gutter runs down the page.
fn side_by_side(lines: &[&str]) -> Option<usize> {
    let (h, ws) = lines.iter().enumerate().find_map(|(k, l)| {
        let ws = words(l, false);
        (ws.len() >= 6 && head(l, false).is_some()).then_some((k, ws))
    })?;
    let roles: Vec<Option<Role>> = ws.iter().map(|(_, w)| role(w)).collect();
    let first = *roles.first()?;
    if !matches!(first, Some(Role::Level | Role::Category | Role::Name)) {
        return None;
    }
    let j = (3..roles.len()).find(|&j| {
        roles.get(j) == Some(&first)
            && roles.get(..j).is_some_and(is_long_head)
            && roles.get(j..).is_some_and(is_long_head)
    })?;
    let right_start = ws.get(j)?.0;
    let left_end = ws.get(j - 1).map(|(o, w)| o + w.chars().count())?;
    let body: Vec<Vec<(usize, String)>> = lines.iter().skip(h).map(|l| words(l, false)).collect();
    let x = (left_end + 1..=right_start).rev().find(|&x| {
        body.iter()
            .flatten()
            .all(|(o, w)| !(*o < x && x < o + w.chars().count()))
    })?;
    // The same indicators on both sides are one table's two periods
    // (中期目标 beside 年度目标), not two tables.
    let names = |right: bool| -> Vec<&String> {
        body.iter()
            .flatten()
            .filter(|(o, w)| {
                (*o >= x) == right
                    && role(w).is_none()
                    && !framework_piece(w)
                    && !super::value_like(w)
            })
            .map(|(_, w)| w)
            .collect()
    };
    let left = names(false);
    (!names(true).iter().any(|w| left.contains(w))).then_some(x)
}

/// A framework label or its head piece wrapped in a narrow cell
/// (`满意度指`, `服务对象满意度`); a tail (`标`, `指标`) is too short to tell.
fn framework_piece(w: &str) -> bool {
    let f = |t: &str| vocab::is_level_word(t) || vocab::is_category_word(t);
    w.chars().count() <= 2 || f(w) || f(&format!("{w}标")) || f(&format!("{w}指标"))
}

/// A line's part left of `x` (`left`) or from `x` on, at its own offsets.
/// A line with a word across `x` above the tables (the page's title) is
/// both tables'.
fn half(line: &str, x: usize, left: bool) -> String {
    let ws = words(line, false);
    if ws.iter().any(|(o, w)| *o < x && x < o + w.chars().count()) {
        return line.to_string();
    }
    if left {
        line.chars()
            .take(x)
            .collect::<String>()
            .trim_end()
            .to_string()
    } else {
        let tail: String = line.chars().skip(x).collect();
        if tail.trim().is_empty() {
            String::new()
        } else {
            format!("{}{tail}", " ".repeat(x))
        }
    }
}

/// The long tables of a `pdftotext -layout` text.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    // Two tables side by side: each read alone, from its half of every
    // line (line numbers stay the text's own).
    let lines: Vec<&str> = text.lines().collect();
    if let Some(x) = side_by_side(&lines) {
        let part = |left: bool| -> String {
            lines
                .iter()
                .map(|l| half(l, x, left) + "\n")
                .collect::<String>()
        };
        let mut out = tables_below(source, &part(true));
        out.extend(tables_below(source, &part(false)));
        return out;
    }
    tables_below(source, text)
}

/// The long tables of a text of one table a line (see [`tables`]).
fn tables_below(source: &str, text: &str) -> Vec<TextTable> {
    // Several forms one after another, each a project label line, its head
    // block and its own table: each form is read alone (the other lines
    // blanked, so that line numbers stay the text's own).
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.split_whitespace()
                .next()
                .is_some_and(super::is_project_label)
        })
        .map(|(k, _)| k)
        .collect();
    if starts.len() < 2 {
        return table(source, text);
    }
    let mut out = Vec::new();
    for (i, &from) in starts.iter().enumerate() {
        let from = if i == 0 { 0 } else { from };
        let to = starts.get(i + 1).copied().unwrap_or(lines.len());
        let mut part = String::with_capacity(text.len());
        for (k, l) in lines.iter().enumerate() {
            if (from..to).contains(&k) {
                part.push_str(l);
            }
            part.push('\n');
        }
        out.extend(table(source, &part));
    }
    out
}

/// The table of a text with one head (the first found).
fn table(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(h) = (0..lines.len()).find(|k| head_at(&lines, *k, false).is_some()) else {
        return Vec::new();
    };
    let wide = display_aligned(&lines, h);
    let Some(first_head) = read_head(&lines, h, wide) else {
        return Vec::new();
    };
    let Head {
        mut cols,
        cells: head_cells,
        lines: mut head_lines,
        lifted,
        last,
        mut tail_line,
        mut tail_cols,
        mut tail_text,
    } = first_head;
    let kv_end = if lifted { h.saturating_sub(1) } else { h };
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
    push(&mut t.grid, 0, &head_cells);
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut pending: Option<(usize, Vec<String>)> = None;
    let mut body: Vec<(usize, Vec<String>)> = Vec::new();
    let mut label_lines: Vec<usize> = Vec::new();
    let flush = |body: &mut Vec<(usize, Vec<String>)>, row: &mut Option<(usize, Vec<String>)>| {
        if let Some(r) = row.take() {
            body.push(r);
        }
    };
    // A blank line since the table's last row: a field line after it is
    // the page's, and ends the table.
    let mut after_blank = false;
    for (k, l) in lines.iter().enumerate().skip(last + 1) {
        let trimmed = l.trim();
        if trimmed.is_empty() {
            after_blank = row.is_some();
            continue;
        }
        if after_blank && super::is_field_line(trimmed) {
            break;
        }
        after_blank = false;
        // The head repeated on a new page, page numbers, the title again.
        let again = head_lines.contains(&vocab::key(l))
            || tail_text
                .as_ref()
                .is_some_and(|t| Some(k) != tail_line && *t == vocab::key(l));
        if head_at(&lines, k, wide).is_some() {
            // A new page's head: its columns sit at this page's offsets.
            if let Some(next) = read_head(&lines, k, wide)
                && next.cols.len() == cols.len()
            {
                cols = next.cols;
                head_lines.extend(next.lines);
                tail_line = next.tail_line;
                tail_cols = next.tail_cols;
                tail_text = tail_text.or(next.tail_text);
            }
            continue;
        }
        if again || is_page_furniture(trimmed) {
            continue;
        }
        let value_col = |i: usize| !wraps(cols.get(i).and_then(|c| c.1));
        // The columns whose text starts a row: level, category and name in a
        // long table, the project in the wide one.
        let long = cols.iter().any(|c| c.1 == Some(Role::Name));
        let key_col = |i: usize| {
            let r = cols.get(i).and_then(|c| c.1);
            if long {
                is_text_role(r)
            } else {
                r == Some(Role::Project)
            }
        };
        if is_table_end(trimmed) {
            break;
        }
        let mut cells = place_line(&cols, l, wide);
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
        // A field (`备注：无`) where only a level or category could stand is
        // no label of the framework: a reject, never a group's label.
        let labels_only = cells.iter().enumerate().all(|(i, c)| {
            c.is_empty()
                || matches!(
                    cols.get(i).and_then(|x| x.1),
                    Some(Role::Level | Role::Category)
                )
        });
        if labels_only && cells.iter().any(|c| super::is_field_line(c)) {
            t.rejects.push((
                k + 1,
                trimmed.to_string(),
                "a field (label：value) where a 一级 or 二级 label would stand".to_string(),
            ));
            continue;
        }
        let has_values = cells
            .iter()
            .enumerate()
            .any(|(i, c)| value_col(i) && !c.is_empty());
        let has_text = cells
            .iter()
            .enumerate()
            .any(|(i, c)| key_col(i) && !c.is_empty());
        // A label under a cell that already holds a whole framework word
        // is not that cell's wrapped tail: a new group's (centred) label.
        let after_word = |i: usize, c: &str| {
            !c.is_empty()
                && row
                    .as_ref()
                    .and_then(|r| r.1.get(i))
                    .is_some_and(|p| vocab::is_level_word(p) || vocab::is_category_word(p))
        };
        // A level or category word in its column opens a row (a new group).
        let starts_level =
            cells
                .iter()
                .enumerate()
                .any(|(i, c)| match cols.get(i).and_then(|x| x.1) {
                    Some(Role::Level) => vocab::is_level_word(c) || after_word(i, c),
                    Some(Role::Category) => vocab::is_category_word(c) || after_word(i, c),
                    _ => false,
                });
        // Nothing lands on a value the row already has.
        let clash = row.as_ref().is_some_and(|(_, prev)| {
            cells
                .iter()
                .zip(prev)
                .enumerate()
                .any(|(i, (c, p))| !c.is_empty() && !p.is_empty() && value_col(i))
        });
        // Values printed a line above their row's name (a cell centred
        // against a taller neighbour): held for the row that follows; the
        // line's other cells (a goal's wrapped text) continue the row.
        let target_col = |i: usize| is_value_role(cols.get(i).and_then(|c| c.1));
        let held_values = !has_text
            && clash
            && cells.iter().enumerate().all(|(i, c)| {
                !target_col(i) || c.is_empty() || c.split(' ').all(super::value_like)
            });
        if let Some((line, held)) = pending.take() {
            if has_text && !has_values {
                for (c, v) in cells.iter_mut().zip(held) {
                    if c.is_empty() {
                        *c = v;
                    }
                }
            } else {
                t.rejects.push((
                    line,
                    held.join(" ").trim().to_string(),
                    "values on a line of their own with no row to place them in".to_string(),
                ));
            }
        }
        if held_values {
            let held: Vec<String> = cells
                .iter_mut()
                .enumerate()
                .map(|(i, c)| {
                    if target_col(i) {
                        std::mem::take(c)
                    } else {
                        String::new()
                    }
                })
                .collect();
            pending = Some((k + 1, held));
        }
        let has_values = cells
            .iter()
            .enumerate()
            .any(|(i, c)| value_col(i) && !c.is_empty());
        let clash = clash && !held_values;
        // A 合计/总计 row is a row of its own (the grand total): it neither
        // continues the row above nor is continued by the next line (a
        // unit's name below it is that unit's row, not the total's tail).
        let total = |r: &[String]| r.iter().any(|c| vocab::is_total(c));
        let continues = match &row {
            _ if total(&cells) => false,
            Some((_, prev)) if total(prev) => false,
            Some((_, prev)) => {
                let prev_values = prev
                    .iter()
                    .enumerate()
                    .any(|(i, c)| value_col(i) && !c.is_empty());
                // A line with nothing in the level, category and name
                // columns cannot start a row: a wrapped value's tail.
                // A unit or project in a row that has none opens a group.
                let starts_group = cells.iter().zip(prev).enumerate().any(|(i, (c, p))| {
                    matches!(
                        cols.get(i).and_then(|x| x.1),
                        Some(Role::Unit | Role::Project)
                    ) && !c.is_empty()
                        && p.is_empty()
                });
                (!has_text && !starts_group)
                    || !(clash || starts_level || starts_group || (has_values && prev_values))
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
        flush(&mut body, &mut row);
        // A line holding only labels (a merged 一级/二级 printed on a line
        // of its own): its labels sit between rows.
        let only_labels = cells.iter().enumerate().all(|(i, c)| {
            c.is_empty()
                || matches!(
                    cols.get(i).and_then(|x| x.1),
                    Some(Role::Level | Role::Category)
                )
        });
        if only_labels {
            label_lines.push(k + 1);
        }
        row = Some((k + 1, cells));
    }
    flush(&mut body, &mut row);
    let col_of = |r: Role| cols.iter().position(|c| c.1 == Some(r));
    for (line, cells) in centred(
        body,
        col_of(Role::Level),
        col_of(Role::Category),
        col_of(Role::Name),
        &label_lines,
        &mut t,
    ) {
        let pieces: Vec<Piece> = cells.into_iter().map(|c| Piece::new(c, line)).collect();
        push(&mut t.grid, 0, &pieces);
    }
    if let Some((line, held)) = pending {
        t.rejects.push((
            line,
            held.join(" ").trim().to_string(),
            "values on a line of their own with no row to place them in".to_string(),
        ));
    }
    vec![t]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let ts = tables("t.txt", text);
        assert_eq!(ts.len(), 1);
        ts[0]
            .grid
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn wrapped_names_values_below_and_a_head_tail() {
        // Typed as pdftotext -layout prints a LibreOffice table: the cycle
        // head wrapped (`值` on the next line), a name wrapped over two
        // lines, a row's values a line below its name.
        let text = "\
一级指标    二级指标      三级指标         实施周期指标 年度指标值
产出指标    数量指标      新建高标准农田面积       值
                               ≥6万亩    ≥2万亩
                  新增和改善灌溉面 ≥4.5万亩    ≥1.5万亩
                  积
";
        let r = rows(text);
        assert_eq!(
            r[0],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "实施周期指标值",
                "年度指标值"
            ]
        );
        assert_eq!(
            r[1],
            [
                "产出指标",
                "数量指标",
                "新建高标准农田面积",
                "≥6万亩",
                "≥2万亩"
            ]
        );
        assert_eq!(r[2], ["新增和改善灌溉面积", "≥4.5万亩", "≥1.5万亩"]);
    }

    #[test]
    fn an_indicator_column_headed_as_the_group_names_the_rows() {
        // 绩效指标 heads the names (no 三级指标): each name starts its row,
        // a wrapped name's tail joins it, a merged label is carried down.
        let text = "\
一级指标    二级指标      绩效指标                 目标值
产出指标    数量指标      改造老旧供水管网         ≥12公里
                          新建二次供水泵房及配套   ≥3座
                          设施
            时效指标      工程竣工验收时间         当年11月底前
";
        let r = rows(text);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(
            r[1],
            ["产出指标", "数量指标", "改造老旧供水管网", "≥12公里"]
        );
        assert_eq!(r[2], ["新建二次供水泵房及配套设施", "≥3座"]);
        assert_eq!(r[3], ["时效指标", "工程竣工验收时间", "当年11月底前"]);
    }

    #[test]
    fn values_above_their_name_are_held_for_it() {
        let text = "\
一级指标    二级指标      三级指标         指标值
产出指标    数量指标      印刷数量           ≥15万
                                      100%
          质量指标      验收通过率
";
        let r = rows(text);
        assert_eq!(r[1], ["产出指标", "数量指标", "印刷数量", "≥15万"]);
        assert_eq!(r[2], ["质量指标", "验收通过率", "100%"]);
    }

    #[test]
    fn a_page_head_again_is_read_at_its_own_offsets() {
        let text = "\
一级指标    二级指标      三级指标         指标值
产出指标    数量指标      印刷数量           ≥15万
                第 1 页，共 2 页
一级指标  二级指标  三级指标  指标值
      质量指标  验收通过率  100%
";
        let r = rows(text);
        assert_eq!(r.len(), 3);
        assert_eq!(r[2], ["质量指标", "验收通过率", "100%"]);
    }

    fn names_and_labels(t: &TextTable) -> Vec<[String; 3]> {
        t.grid
            .rows
            .iter()
            .skip(1)
            .map(|r| [0, 1, 2].map(|c| r.get(c).map_or(String::new(), |x| x.text.clone())))
            .collect()
    }

    #[test]
    fn centred_labels_cover_the_groups_their_centres_tell() {
        // 数量 between its two rows, 质量 on its one row; 产出 centred on
        // its three rows, 效益 on a line of its own between its two rows.
        let text = "\
一级指标    二级指标       三级指标       指标值
                  普通国省道路面修复里程   ≥420公里
        数量指标
                  危旧桥梁加固改造座数    ≥35座
产出指标  质量指标      养护工程交工验收合格率   100%
        经济效益指标      带动沿线物流增长   ≥5%
效益指标
        社会效益指标     群众出行时间缩短   ≥10%
";
        let ts = tables("t.txt", text);
        let t = &ts[0];
        assert!(t.rejects.is_empty(), "{:?}", t.rejects);
        let rows = names_and_labels(t);
        let expect = [
            ["产出指标", "数量指标", "普通国省道路面修复里程"],
            ["产出指标", "数量指标", "危旧桥梁加固改造座数"],
            ["产出指标", "质量指标", "养护工程交工验收合格率"],
            ["效益指标", "经济效益指标", "带动沿线物流增长"],
            ["效益指标", "社会效益指标", "群众出行时间缩短"],
        ];
        assert_eq!(rows, expect.map(|r| r.map(String::from)));
    }

    #[test]
    fn a_field_line_is_no_label_and_after_a_blank_line_ends_the_table() {
        // A page's fields in the 一级 column: inside the table a reject,
        // after the table's blank line its end (the line after it, read
        // as a row otherwise, is gone too).
        let text = "\
一级指标    二级指标       三级指标       指标值
产出指标    数量指标    维修校舍面积    ≥800平方米
备注：无
            质量指标    工程验收合格率   100%

信息来源：某县教育局
责任编辑：李四     0731-1234567
";
        let ts = tables("t.txt", text);
        let t = &ts[0];
        let rows = names_and_labels(t);
        assert_eq!(rows.len(), 2);
        // The level carries down in the long reader: no label here.
        assert_eq!(rows[1][0], "");
        assert_eq!(rows[1][1], "质量指标");
        assert_eq!(t.rejects.len(), 1, "{:?}", t.rejects);
        assert!(t.rejects[0].1.contains("备注"));
    }

    #[test]
    fn centred_labels_that_do_not_chain_keep_only_certain_rows() {
        // 数量 centred on the second row says its group is the first three
        // rows; 质量 on the third row cannot then centre a group: the
        // centres do not tell the groups. Rows printing their own category
        // keep it, with the level the framework puts it under; the first
        // row is a reject.
        let text = "\
一级指标    二级指标       三级指标       指标值
                  普通国省道路面修复里程   ≥420公里
        数量指标    危旧桥梁加固改造座数    ≥35座
产出指标  质量指标      养护工程交工验收合格率   100%
";
        let ts = tables("t.txt", text);
        let t = &ts[0];
        let rows = names_and_labels(t);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1], "数量指标");
        assert_eq!(rows[1][0], "产出指标");
        assert_eq!(t.rejects.len(), 1);
        assert!(t.rejects[0].1.contains("普通国省道路面修复里程"));
    }

    #[test]
    fn columns_padded_in_display_widths() {
        // Padded as a terminal shows text (a CJK character two columns):
        // the head's words at display columns 0, 14, 30 and 52; a row with
        // no level starts its category at 14 in characters too.
        let text = "\
一级指标      二级指标        三级指标                  指标值
产出指标      时效指标        完成时限                  2024年9月
              质量指标        抽检合格率                ≥98%
";
        assert!(display_aligned(&text.lines().collect::<Vec<_>>(), 0));
        let ts = tables("t.txt", text);
        let rows = names_and_labels(&ts[0]);
        assert_eq!(rows[1][2], "抽检合格率");
        assert_eq!(ts[0].grid.text(2, 1), "质量指标");
        assert_eq!(ts[0].grid.text(2, 3), "≥98%");
    }

    #[test]
    fn laid_out_or_not() {
        assert!(is_layout(
            "一级指标    二级指标      三级指标         指标值\n          质量指标      验收通过率   100%\n"
        ));
        assert!(!is_layout(
            "一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 印刷数量 ≥15万\n"
        ));
    }
    #[test]
    fn two_row_head_centred_labels_and_centred_long_name() {
        // Typed as pdftotext -layout prints a table from a word processor:
        // `指标值` merged over the two value heads, the label heads merged
        // down both head rows; labels and names centred in their cells (a
        // long name starts left of its head); the head again on page 2.
        let text = [
            "                                                            指标值\n",
            " 一级指标       二级指标                 三级指标\n",
            "                                                  实施周期指标值               年度指标值\n",
            "\n",
            "                              培训乡村教师                ≥3000人次             ≥1000人次\n",
            "            数量指标\n",
            "                              新建录播教室                ≥40间                ≥15间\n",
            " 产出指标\n",
            "                          参训教师结业考核通过率               ≥95%                ≥95%\n",
            "            质量指标\n",
            "                              课程资源达标率               100%                100%\n",
            "\n",
            "                                     -1-\n",
            "\u{c}                                                            指标值\n",
            " 一级指标       二级指标                 三级指标\n",
            "                                                  实施周期指标值               年度指标值\n",
            "\n",
            "                              教师培训满意度               ≥90%                ≥90%\n",
            "满意度指标      服务对象满意度指标\n",
            "                              家长满意度                 ≥85%                ≥85%\n",
        ]
        .concat();
        let got = rows(&text);
        let body: Vec<Vec<String>> = got
            .into_iter()
            .filter(|r| {
                r.iter()
                    .any(|c| c.ends_with('%') || c.ends_with('间') || c.ends_with('次'))
            })
            .collect();
        let want = [
            [
                "产出指标",
                "数量指标",
                "培训乡村教师",
                "≥3000人次",
                "≥1000人次",
            ],
            ["产出指标", "数量指标", "新建录播教室", "≥40间", "≥15间"],
            [
                "产出指标",
                "质量指标",
                "参训教师结业考核通过率",
                "≥95%",
                "≥95%",
            ],
            ["产出指标", "质量指标", "课程资源达标率", "100%", "100%"],
            [
                "满意度指标",
                "服务对象满意度指标",
                "教师培训满意度",
                "≥90%",
                "≥90%",
            ],
            [
                "满意度指标",
                "服务对象满意度指标",
                "家长满意度",
                "≥85%",
                "≥85%",
            ],
        ];
        assert_eq!(body.len(), want.len(), "{body:?}");
        for (r, w) in body.iter().zip(want) {
            assert_eq!(r, &w.map(String::from).to_vec());
        }
    }

    #[test]
    fn value_sub_heads_only_when_every_word_names_a_value() {
        let lines = [
            " 一级指标       二级指标                 三级指标",
            "                                                  实施周期指标值               年度指标值",
        ];
        let cols = head_at(&lines, 0, false).expect("a head");
        assert_eq!(cols.len(), 5);
        // A body line below a head with no value column is no sub-head row.
        let lines = [
            " 一级指标       二级指标                 三级指标",
            "                              培训乡村教师                ≥3000人次",
        ];
        assert_eq!(head_at(&lines, 0, false).expect("a head").len(), 3);
        // Sub-heads left of the names are not the value columns.
        let lines = [
            "            一级指标       二级指标                 三级指标",
            "  年度指标值",
        ];
        assert_eq!(head_at(&lines, 0, false).expect("a head").len(), 3);
    }

    #[test]
    fn a_value_under_the_name_head_after_a_wide_gap() {
        // Heads centred over wide columns: values start under the name head.
        let cols: Vec<Col> = vec![
            (2, Some(Role::Level), 6),
            (14, Some(Role::Category), 18),
            (37, Some(Role::Name), 41),
            (56, Some(Role::Annual), 59),
        ];
        let line = "                           办理参保登记人数          ≥2400人";
        let cells = place_line(&cols, line, false);
        assert_eq!(cells.get(2).map(String::as_str), Some("办理参保登记人数"));
        assert_eq!(cells.get(3).map(String::as_str), Some("≥2400人"));
        let line = "                           政策知晓程度              明显提高";
        let cells = place_line(&cols, line, false);
        assert_eq!(cells.get(3).map(String::as_str), Some("明显提高"));
        // One space: the name's own words; a framework word is a label.
        let line = "                                     参保登记 ≥2400人";
        let cells = place_line(&cols, line, false);
        assert_eq!(cells.get(2).map(String::as_str), Some("参保登记 ≥2400人"));
        assert_eq!(cells.get(3).map(String::as_str), Some(""));
        let line = "                           登记人数        质量指标";
        let cells = place_line(&cols, line, false);
        assert_eq!(cells.get(3).map(String::as_str), Some(""));
        // A wrapped category's piece near its head stays in its column.
        let line = "             服务对象满意";
        let cells = place_line(&cols, line, false);
        assert_eq!(cells.get(1).map(String::as_str), Some("服务对象满意"));
    }
    fn table_rows(t: &TextTable) -> Vec<Vec<String>> {
        t.grid
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn two_tables_side_by_side_split_at_the_gutter() {
        // Typed as pdftotext -layout prints two projects' tables on one
        // page: both heads on one line, labels wrapped in narrow cells.
        let text = [
            "                              某县教育局2024年项目支出绩效目标表\n",
            "\n",
            "项目名称：学生资助                                   项目名称：校舍维修\n",
            "\n",
            "一级指标    二级指标      三级指标        指标值           一级指标    二级指标      三级指标        指标值\n",
            "                  资助学生人数      ≥900人                           维修校舍面积      ≥3000平方米\n",
            "产出指标    数量指标                                产出指标    数量指标\n",
            "                  发放助学金       ≥120万元                          维修学校数量      =6所\n",
            "满意度指    服务对象满意度   受助学生满意度     ≥90%          满意度指    服务对象满意度   师生满意度       ≥85%\n",
            "标       指标                                  标       指标\n",
        ]
        .concat();
        let ts = tables("t.txt", &text);
        assert_eq!(ts.len(), 2);
        let left = ts.first().map(table_rows).unwrap_or_default();
        let right = ts.get(1).map(table_rows).unwrap_or_default();
        let has = |rows: &[Vec<String>], want: &[&str]| {
            rows.iter()
                .any(|r| r.iter().map(String::as_str).collect::<Vec<_>>() == want)
        };
        assert!(
            has(&left, &["产出指标", "数量指标", "发放助学金", "≥120万元"]),
            "{left:?}"
        );
        assert!(has(
            &left,
            &["满意度指标", "服务对象满意度指标", "受助学生满意度", "≥90%"]
        ));
        assert!(left.iter().flatten().any(|c| c.contains("学生资助")));
        assert!(!left.iter().flatten().any(|c| c.contains("维修")));
        assert!(
            has(&right, &["产出指标", "数量指标", "维修学校数量", "=6所"]),
            "{right:?}"
        );
        assert!(right.iter().flatten().any(|c| c.contains("校舍维修")));
        // The title across the gutter is both tables'.
        assert!(right.iter().flatten().any(|c| c.contains("绩效目标表")));
    }

    #[test]
    fn no_split_when_a_word_crosses_every_gutter_or_the_head_is_single() {
        let text = [
            "                              某县教育局2024年项目支出绩效目标表\n",
            "\n",
            "项目名称：学生资助                                   项目名称：校舍维修\n",
            "\n",
            "一级指标    二级指标      三级指标        指标值           一级指标    二级指标      三级指标        指标值\n",
            "                  资助学生人数      ≥900人（含寄宿生及走读生）                 维修校舍面积      ≥3000平方米\n",
            "产出指标    数量指标                                产出指标    数量指标\n",
            "                  发放助学金       ≥120万元                          维修学校数量      =6所\n",
            "满意度指    服务对象满意度   受助学生满意度     ≥90%          满意度指    服务对象满意度   师生满意度       ≥85%\n",
            "标       指标                                  标       指标\n",
        ]
        .concat();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(side_by_side(&lines), None);
        // One table's two periods side by side: the same names both sides.
        let periods = [
            "二级指标      三级指标        指标值          二级指标      三级指标        指标值",
            "数量指标      维修校舍面积    ≥9000平方米     数量指标      维修校舍面积    ≥3000平方米",
        ];
        assert_eq!(side_by_side(&periods), None);
        let single = ["一级指标    二级指标      三级指标        指标值        备注"];
        assert_eq!(side_by_side(&single), None);
    }

    #[test]
    fn a_wrapped_label_whose_head_piece_is_a_word_itself() {
        let joined = join_wrapped_labels(vec![(3, "服务对象满意度".into()), (5, "指标".into())]);
        assert_eq!(joined, vec![(4, "服务对象满意度指标".to_string())]);
        // Two whole labels stay two.
        let two = join_wrapped_labels(vec![(3, "质量指标".into()), (5, "时效指标".into())]);
        assert_eq!(two.len(), 2);
    }
    #[test]
    fn labels_set_right_only_where_the_groups_then_chain() {
        // Five rows: 数量 0-1, 质量 2-3, 成本 4, all under 产出 (centred at
        // 0+5-1 = 4). 成本指标, printed between the label heads, landed
        // among the levels: it moves to the categories because both
        // columns then chain.
        let levels = vec![(4, "产出指标".to_string()), (8, "成本指标".to_string())];
        let cats = vec![(1, "数量指标".to_string()), (5, "质量指标".to_string())];
        let (lv, ct) = relabel(levels.clone(), cats.clone(), 5);
        assert_eq!(lv, vec![(4, "产出指标".to_string())]);
        assert!(ct.contains(&(8, "成本指标".to_string())));
        // When no move makes both chain, nothing moves.
        let (lv, ct) = relabel(levels.clone(), cats.clone(), 9);
        assert_eq!(lv, levels);
        assert_eq!(ct, cats);
        // A level and its category on one line in the 一级 column split.
        let (lv, ct) = relabel(
            vec![(1, "满意度指标 服务对象满意度指标".to_string())],
            Vec::new(),
            2,
        );
        assert_eq!(lv, vec![(1, "满意度指标".to_string())]);
        assert_eq!(ct, vec![(1, "服务对象满意度指标".to_string())]);
        // Not where the 二级 column has its own label on that line.
        let (lv, _) = relabel(
            vec![(1, "满意度指标 服务对象满意度指标".to_string())],
            vec![(1, "社会公众满意度".to_string())],
            2,
        );
        assert_eq!(lv, vec![(1, "满意度指标 服务对象满意度指标".to_string())]);
    }
}

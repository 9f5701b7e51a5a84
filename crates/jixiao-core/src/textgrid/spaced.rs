//! Space-separated rows: one table row per line, cells separated by spaces.
//! Names may hold spaces too (`贫困地区旅游景点开发数量( ≥**个 )`), so a row
//! is not split on every space: its leading 一级 and 二级 are known by the
//! framework's vocabulary, its value is the first cell after the name that
//! reads as a target (a number, with or without a comparison and a unit;
//! never a template placeholder `≥**个`), and the cells after the value go to
//! the columns after the value's (分值, 备注).

use super::{
    Piece, TextTable, glued, is_long_head, is_table_end, push, role, score_only, value_like,
};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;
use crate::vocab;

/// Whitespace-separated tokens with their byte ranges in the line.
fn tokens(line: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take()
                && let Some(t) = line.get(s..i)
            {
                out.push((s, i, t));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start
        && let Some(t) = line.get(s..)
    {
        out.push((s, line.len(), t));
    }
    out
}

/// Tokens separated by runs of two spaces or more (a `pdftotext -layout`
/// page, whose names keep their single spaces).
fn wide_tokens(line: &str) -> Vec<(usize, usize, &str)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (s, e, _) in tokens(line) {
        match spans.last_mut() {
            Some(last)
                if line
                    .get(last.1..s)
                    .is_some_and(|gap| gap.chars().count() < 2) =>
            {
                last.1 = e;
            }
            _ => spans.push((s, e)),
        }
    }
    spans
        .into_iter()
        .map(|(s, e)| (s, e, line.get(s..e).unwrap_or_default()))
        .collect()
}

/// Whether the head's words are separated by two spaces or more: the table
/// is laid out in columns and its cells split on wide gaps only.
fn wide_gaps(line: &str) -> bool {
    let narrow = tokens(line).len();
    narrow >= 3 && wide_tokens(line).len() == narrow && line.trim().contains("  ")
}

fn head_roles(line: &str) -> Option<Vec<Option<Role>>> {
    let toks = tokens(line);
    if toks.len() < 3 {
        return None;
    }
    let roles: Vec<_> = toks.iter().map(|(_, _, t)| role(t)).collect();
    let named = roles.iter().filter(|r| r.is_some()).count();
    (named * 10 >= roles.len() * 7 && is_long_head(&roles)).then_some(roles)
}

/// The head at line `i`: by its words, or a head whose first word the
/// vocabulary does not know (`指标类别`, or `指标类型`) before the names and
/// values, over rows that begin with a level (`产出指标`, or level and
/// category in one word, `产出指标-数量指标`): that word heads the 一级
/// column, as the workbook reader tells such a column by its cells.
fn head_roles_at(lines: &[&str], i: usize) -> Option<Vec<Option<Role>>> {
    let line = lines.get(i)?;
    // The cells below decide first: a head the words alone accept (a blank
    // or 指标类型 first column) would leave the levels in the names.
    unknown_first_as_levels(lines, i, line).or_else(|| head_roles(line))
}

fn unknown_first_as_levels(lines: &[&str], i: usize, line: &str) -> Option<Vec<Option<Role>>> {
    let toks = tokens(line);
    let mut roles: Vec<_> = toks.iter().map(|(_, _, t)| role(t)).collect();
    let (first, rest) = roles.split_first()?;
    let named = rest.iter().all(Option::is_some);
    // `指标类型` heads 定量/定性 elsewhere: here the cells below decide.
    let unknown = matches!(first, None | Some(Role::ValueKind));
    if !unknown || !named || rest.len() < 2 || roles.contains(&Some(Role::Level)) {
        return None;
    }
    let body = lines.iter().skip(i + 1).find(|l| !l.trim().is_empty())?;
    let starts_level = tokens(body).first().is_some_and(|(_, _, t)| {
        vocab::level(t).is_some() || crate::ingest::excel::header::level_and_category(t).is_some()
    });
    if !starts_level {
        return None;
    }
    if let Some(slot) = roles.first_mut() {
        *slot = Some(Role::Level);
    }
    is_long_head(&roles).then_some(roles)
}

/// The text's lines with a label wrapped onto the next line joined back
/// (`绩效指标 项目完成` over `指标`: the word 项目完成指标 was cut by its
/// cell's width): a line of one short word that completes the previous
/// line's last word into a level or category of the framework, where
/// neither half is one. The line it leaves stays, empty, so lines keep their
/// numbers.
fn join_wrapped_labels(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for i in 1..lines.len() {
        let (Some(prev), Some(cur)) = (lines.get(i - 1), lines.get(i)) else {
            continue;
        };
        let cur_tokens = tokens(cur);
        let [(_, _, tail)] = cur_tokens.as_slice() else {
            continue;
        };
        let Some(&(_, _, last)) = tokens(prev).last() else {
            continue;
        };
        let word = |t: &str| vocab::level(t).is_some() || vocab::category(t).is_some();
        let whole = format!("{last}{tail}");
        if tail.chars().count() > 4 || word(last) || word(tail) || !word(&whole) {
            continue;
        }
        let merged = format!("{}{tail}", prev.trim_end());
        if let Some(p) = lines.get_mut(i - 1) {
            *p = merged;
        }
        if let Some(c) = lines.get_mut(i) {
            c.clear();
        }
    }
    lines
}

/// The long tables of a space-separated text.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let joined = join_wrapped_labels(text);
    let lines: Vec<&str> = joined.iter().map(String::as_str).collect();
    let last_line = lines.iter().rposition(|l| !l.trim().is_empty());
    let mut out = Vec::new();
    let mut from = 0;
    let mut i = 0;
    // The head of a table that ended at the next project's head block: that
    // project's rows, when no head of their own is printed, are under it.
    let mut carried: Option<(usize, Vec<Option<Role>>, bool)> = None;
    let mut ended_at_head = false;
    let mut prev_roles: Option<Vec<Option<Role>>> = None;
    while i < lines.len() {
        let line_i = lines.get(i).copied().unwrap_or_default();
        let (roles, head_at, body_from, wide) = match head_roles_at(&lines, i) {
            Some(r) => (r, i, i + 1, wide_gaps(line_i)),
            None => match &carried {
                Some((h, r, w)) if starts_with_framework(line_i) => (r.clone(), *h, i, *w),
                _ => {
                    i += 1;
                    continue;
                }
            },
        };
        // The same head again right after a table's rows (a new page): the
        // table goes on.
        let repeated =
            head_at == i && ended_at_head && from == i && prev_roles.as_ref() == Some(&roles);
        prev_roles = Some(roles.clone());
        if repeated && let Some(mut t) = out.pop() {
            let (j, end) = read_body(&mut t, &lines, i + 1, &roles, wide, last_line);
            carried = (end == End::Project).then(|| (head_at, roles.clone(), wide));
            ended_at_head = end == End::Head;
            out.push(t);
            from = j;
            i = j;
            continue;
        }
        let mut t = TextTable::new(source, GridSource::SpacedText);
        for (k, l) in lines
            .iter()
            .enumerate()
            .take(i)
            .skip(from.max(i.saturating_sub(40)))
        {
            let cells: Vec<Piece> = tokens(l)
                .iter()
                .map(|(_, _, tok)| Piece::new(*tok, k + 1))
                .collect();
            if !cells.is_empty() {
                push(&mut t.grid, 0, &cells);
            }
        }
        let head: Vec<Piece> = lines
            .get(head_at)
            .map(|l| tokens(l))
            .unwrap_or_default()
            .iter()
            .map(|(_, _, tok)| Piece::new(*tok, head_at + 1))
            .collect();
        push(&mut t.grid, 0, &head);
        let (j, end) = read_body(&mut t, &lines, body_from, &roles, wide, last_line);
        carried = (end == End::Project).then(|| (head_at, roles.clone(), wide));
        ended_at_head = end == End::Head;
        out.push(t);
        from = j;
        i = j;
    }
    out
}

/// What ended a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The next project's head block (`项目名称：X`).
    Project,
    /// A column head (the next table's, or the same one on a new page).
    Head,
    /// A note, a signature, or the text's end.
    Other,
}

/// The rows of a table from line index `from`, read into `t`: the index
/// where they end, and what ended them. Page furniture between rows
/// (`第 1 页`, the title repeated) is skipped.
fn read_body(
    t: &mut TextTable,
    lines: &[&str],
    from: usize,
    roles: &[Option<Role>],
    wide: bool,
    last_line: Option<usize>,
) -> (usize, End) {
    let mut j = from;
    // A blank line after the table's rows: a page's field line after it
    // (`发布机构：某局  备案号`), with no value in it, ends the table.
    let mut after_blank = false;
    while let Some(line) = lines.get(j) {
        if line.trim().is_empty() {
            after_blank = !t.grid.rows.is_empty();
            j += 1;
            continue;
        }
        if super::is_page_furniture(line) {
            j += 1;
            continue;
        }
        let toks = tokens(line);
        let field = toks
            .first()
            .is_some_and(|(_, _, w)| super::is_field_line(w))
            && !toks.iter().any(|(_, _, w)| value_like(w));
        // A web page's link buttons (`【打印】 【返回】`): every word in
        // lenticular brackets, which no indicator's cell is.
        let links = !toks.is_empty() && toks.iter().all(|(_, _, w)| super::is_bracketed_link(w));
        if std::mem::take(&mut after_blank) && (field || links) {
            return (j, End::Other);
        }
        if toks
            .first()
            .is_some_and(|(_, _, tok)| super::is_project_label(tok))
        {
            return (j, End::Project);
        }
        if head_roles(line).is_some() {
            return (j, End::Head);
        }
        // A signature: the organisation and its date on one line or two.
        let next_line = lines
            .iter()
            .skip(j + 1)
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim());
        let sign_off = match toks.as_slice() {
            [(_, _, a)] => super::is_sign_off(a, next_line),
            [(_, _, a), (_, _, b)] => super::is_sign_off(a, Some(b)),
            _ => false,
        };
        if is_table_end(line) || sign_off {
            return (j, End::Other);
        }
        let next = (j + 1..lines.len())
            .find(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty()))
            .and_then(|k| Some((k, *lines.get(k)?)));
        // A 一级 or 二级 label wrapped in its cell (`服务对象满` / `意度指标`):
        // the row with the label whole, its tail line consumed.
        if let Some((k, nx)) = next
            && let Some(joined) = wrapped_label(line, nx, wide)
        {
            row(t, &joined, j + 1, roles, Some(k) == last_line, wide);
            j = k + 1;
            continue;
        }
        // A name's first half on a line of its own, its rest and value on
        // the next line (`城镇…困难人员` / `占比 ≥10%`): a line wraps only
        // when full, so where the half is as wide as the widest name read,
        // the two are one name; otherwise which row the half belongs to is
        // a guess, and the next line is no row of its own either.
        if let Some((k, nx)) = next
            && is_name_half(line, wide)
            && continues_with_value(nx, wide)
        {
            if as_wide_as_the_names(t, roles, line) {
                let joined = format!("{}{}", line.trim(), nx.trim_start());
                row(t, &joined, j + 1, roles, Some(k) == last_line, wide);
            } else {
                for (n, l) in [(j, *line), (k, nx)] {
                    t.rejects.push((
                        n + 1,
                        l.trim().to_string(),
                        "a name's half on a line of its own: which row it belongs to is not certain"
                            .into(),
                    ));
                }
            }
            j = k + 1;
            continue;
        }
        match category_run_into_name(line, wide) {
            Some(split) => row(t, &split, j + 1, roles, Some(j) == last_line, wide),
            None => row(t, line, j + 1, roles, Some(j) == last_line, wide),
        }
        j += 1;
    }
    (j, End::Other)
}

/// `line` with a space after a category run into the name (`时效指标补贴
/// 资金拨付及时率`, the space lost in a scan): where the row's first word
/// after its level, if any, is no framework word but starts with a whole
/// category of the framework, `…指标` as printed, and a name follows it.
/// Only the full word with its `指标`: a name may start with a category's
/// stem (`质量达标率`).
fn category_run_into_name(line: &str, wide: bool) -> Option<String> {
    let toks = if wide {
        wide_tokens(line)
    } else {
        tokens(line)
    };
    let mut it = toks.iter().peekable();
    if it.peek().is_some_and(|(_, _, w)| vocab::is_level_word(w)) {
        it.next();
    }
    let (s, _, tok) = it.next()?;
    if vocab::is_category_word(tok) || vocab::is_level_word(tok) {
        return None;
    }
    let (at, _) = tok.match_indices("指标").next()?;
    let end = at + "指标".len();
    let (category, name) = (tok.get(..end)?, tok.get(end..)?);
    let named = name.chars().count() >= 2
        && !value_like(name)
        && !name.starts_with(['(', '（', ')', '）', ':', '：', '-', '—', '/']);
    if vocab::category(category).is_none() || !named {
        return None;
    }
    let cut = s + end;
    Some(format!("{} {}", line.get(..cut)?, line.get(cut..)?))
}

/// `line` with a label cell completed by the lone word of the next line,
/// where a word among its first two is the start of a level or category
/// the vocabulary knows and that word is its rest.
fn wrapped_label(line: &str, next: &str, wide: bool) -> Option<String> {
    let split = |l| if wide { wide_tokens(l) } else { tokens(l) };
    let next_toks = split(next);
    let [(_, _, tail)] = next_toks.as_slice() else {
        return None;
    };
    let known = |w: &str| vocab::level(w).is_some() || vocab::category(w).is_some();
    if known(tail) || value_like(tail) {
        return None;
    }
    split(line).iter().take(2).find_map(|(s, e, tok)| {
        if known(tok) {
            return None;
        }
        let whole = format!("{tok}{tail}");
        if !known(&whole) {
            return None;
        }
        Some(format!("{}{whole}{}", line.get(..*s)?, line.get(*e..)?))
    })
}

/// A line of one word that no column but the names' holds: no value, no
/// framework word, no field.
fn is_name_half(line: &str, wide: bool) -> bool {
    let toks = if wide {
        wide_tokens(line)
    } else {
        tokens(line)
    };
    let [(_, _, w)] = toks.as_slice() else {
        return false;
    };
    !value_like(w)
        && glued::split_value(w).is_none()
        && !vocab::is_level_word(w)
        && !vocab::is_category_word(w)
        && !score_only(w)
        && !super::is_field_line(w)
        && !super::is_head_label(w)
        && !super::is_page_furniture(w)
        && !is_table_end(w)
}

/// A line that starts with no framework word and holds a name's words and a
/// value after them: a row's name cell without its labels.
fn continues_with_value(line: &str, wide: bool) -> bool {
    let toks = if wide {
        wide_tokens(line)
    } else {
        tokens(line)
    };
    toks.len() >= 2
        && !starts_with_framework(line)
        && head_roles(line).is_none()
        && !is_table_end(line)
        && toks.first().is_some_and(|(_, _, w)| {
            !value_like(w) && !super::is_project_label(w) && !super::is_field_line(w)
        })
        && toks.iter().skip(1).any(|(_, _, w)| value_like(w))
}

/// Whether `line` is at least as wide as every name the table has read,
/// with two names read at least to compare.
fn as_wide_as_the_names(t: &TextTable, roles: &[Option<Role>], line: &str) -> bool {
    let Some(nc) = roles.iter().position(|r| *r == Some(Role::Name)) else {
        return false;
    };
    let nc = u32::try_from(nc).unwrap_or(u32::MAX);
    let widths: Vec<usize> = t
        .grid
        .rows
        .iter()
        .filter_map(|r| r.get(nc))
        .map(|c| c.text.chars().count())
        .collect();
    let own = line.trim().chars().count();
    widths.len() >= 2 && widths.iter().all(|&w| own >= w)
}

/// Whether a line starts with a level or category word: a table's row.
fn starts_with_framework(line: &str) -> bool {
    let toks = tokens(line);
    toks.first().is_some_and(|(_, _, t)| {
        vocab::is_level_word(t) || vocab::is_category_word(t) || score_only(t)
    })
}

/// One line of the table into its columns.
fn row(t: &mut TextTable, line: &str, n: usize, roles: &[Option<Role>], last: bool, wide: bool) {
    let col = |r: Role| roles.iter().position(|x| *x == Some(r));
    let toks = if wide {
        wide_tokens(line)
    } else {
        tokens(line)
    };
    let mut cells: Vec<(usize, Piece)> = Vec::new();
    let mut p = 0;
    // `绩效指标` before the 一级 column: a label merged down the whole
    // indicator block, printed again on its rows; it is that column's.
    if let (Some(c), Some(l)) = (col(Role::Indicators), col(Role::Level))
        && c < l
        && let Some((_, _, tok)) = toks.first()
        && role(tok) == Some(Role::Indicators)
        && toks.len() > 1
    {
        cells.push((c, Piece::new(*tok, n)));
        p += 1;
    }
    let next = toks.get(p + 1).map(|x| x.2);
    // `满意度指标 满意度指标 名称 值`: the same word as 一级 and as 二级.
    let twice = next.is_some_and(|nx| {
        toks.get(p).is_some_and(|x| x.2 == nx)
            && vocab::is_level_word(nx)
            && vocab::is_category_word(nx)
            && toks.len() > p + 2
    });
    if let Some((_, _, tok)) = toks.get(p)
        && (super::starts_as_level(tok, next)
            || twice
            || crate::ingest::excel::header::level_and_category(tok).is_some()
            || (vocab::is_level_word(tok) && next.is_some_and(score_only))
            || score_only(tok))
        && let Some(c) = col(Role::Level)
    {
        let mut level = (*tok).to_string();
        p += 1;
        if let Some((_, _, next)) = toks.get(p)
            && score_only(next)
            && vocab::is_level_word(tok)
        {
            level.push_str(next);
            p += 1;
        }
        cells.push((c, Piece::new(level, n)));
    }
    if let Some((_, _, tok)) = toks.get(p)
        && vocab::is_category_word(tok)
        && let Some(c) = col(Role::Category)
    {
        cells.push((c, Piece::new(*tok, n)));
        p += 1;
    }
    let rest = toks.get(p..).unwrap_or_default();
    let name_col = col(Role::Name).or(col(Role::Indicators));
    // The first value column in the head's order (实施周期 or 半年 before
    // 年度/全年): values fill the columns from there on.
    let value_col = [Role::Annual, Role::Cycle, Role::HalfYear]
        .iter()
        .filter_map(|r| col(*r))
        .min();
    if let (false, Some(nc), Some(vc)) = (rest.is_empty(), name_col, value_col) {
        let text_of = |a: usize, b: usize| -> String {
            let s = rest.get(a).map_or(0, |x| x.0);
            let e = rest.get(b).map_or(s, |x| x.1);
            line.get(s..e).unwrap_or_default().trim().to_string()
        };
        let found = (1..rest.len()).find(|&j| rest.get(j).is_some_and(|x| value_like(x.2)));
        let has_weight = roles
            .get(vc + 1..)
            .unwrap_or_default()
            .contains(&Some(Role::Weight));
        // A bare number ending the row where a 分值 column follows the value
        // is its score, not its value.
        let found = found.filter(|&j| {
            let bare = rest
                .get(j)
                .is_some_and(|x| vocab::parse_amount(x.2).is_ok_and(|d| d.is_some()));
            !(has_weight && bare && j + 1 == rest.len())
        });
        let found = if one_per_column(rest, roles, nc, vc) {
            None
        } else {
            found
        };
        // Fewer words from the first value on than value columns, where the
        // row has one word per column: a wordy value stands before the first
        // number (`供水工程长效运行 持续发挥效益 ≥95%`), read one per column.
        let value_cols = roles
            .get(nc + 1..)
            .unwrap_or_default()
            .iter()
            .filter(|r| matches!(r, Some(Role::Annual | Role::Cycle | Role::HalfYear)))
            .count();
        let found =
            found.filter(|&j| rest.len() - j >= value_cols || !values_fill_row(rest, roles, nc));
        let after: Vec<usize> = (vc + 1..roles.len()).collect();
        match found {
            None if one_per_column(rest, roles, nc, vc) => {
                for (k, x) in rest.iter().enumerate() {
                    cells.push((nc + k, Piece::new(x.2, n)));
                }
            }
            // As many words from the first value on as columns after the
            // name, with columns between the name and the value (指标解释,
            // 绩效标准): one word per column.
            Some(j) if vc > nc + 1 && rest.len() - j == roles.len() - nc - 1 => {
                cells.push((nc, Piece::new(text_of(0, j - 1), n)));
                for (k, x) in rest.iter().skip(j).enumerate() {
                    cells.push((nc + 1 + k, Piece::new(x.2, n)));
                }
            }
            Some(j) => {
                // Words just before the value that only other columns hold
                // (正向, 定量, `=`) are theirs, not the name's tail.
                let mut k = j;
                while k > 1 && rest.get(k - 1).is_some_and(|x| side_word(x.2)) {
                    k -= 1;
                }
                cells.push((nc, Piece::new(text_of(0, k - 1), n)));
                let mut value = rest.get(j).map_or("", |x| x.2).to_string();
                for x in rest.get(k..j).unwrap_or_default() {
                    if super::is_operator(x.2) {
                        value.insert_str(0, x.2);
                    } else if let Some(c) = side_col(x.2, roles)
                        && c > nc
                        && c != vc
                    {
                        cells.push((c, Piece::new(x.2, n)));
                    }
                }
                cells.push((vc, Piece::new(value, n)));
                // The words after the value, each in the next column that
                // does not refuse it (a bare number is a 分值, never a 计量单位).
                let mut cols = after.iter().copied().peekable();
                for x in rest.iter().skip(j + 1) {
                    while cols
                        .peek()
                        .is_some_and(|&c| super::fit(roles.get(c).copied().flatten(), x.2) <= -2)
                    {
                        cols.next();
                    }
                    if let Some(c) = cols.next() {
                        cells.push((c, Piece::new(x.2, n)));
                    }
                }
            }
            None if rest.len() == 1 => {
                let only = rest.first().map_or("", |x| x.2);
                if let Some((name, value)) = glued::split_value(only) {
                    cells.push((nc, Piece::new(name, n)));
                    cells.push((vc, Piece::new(value, n)));
                } else if last && is_cut_word(only) {
                    t.rejects.push((
                        n,
                        line.trim().to_string(),
                        "the text ends inside this row (an excerpt cut short)".into(),
                    ));
                    return;
                } else {
                    t.rejects.push((
                        n,
                        line.trim().to_string(),
                        "a name with no value beside it: not read as an indicator".into(),
                    ));
                    return;
                }
            }
            None => {
                let trailing = roles
                    .get(vc + 1..)
                    .unwrap_or_default()
                    .iter()
                    .any(|r| r.is_some());
                // Only remark columns (备注, 绩效标准) after the value: a name
                // and one word are the name and a worded value (`每年12月底前`).
                let remarks_only = roles
                    .get(vc + 1..)
                    .unwrap_or_default()
                    .iter()
                    .all(|r| matches!(r, None | Some(Role::Remark)));
                if values_fill_row(rest, roles, nc) {
                    for (k, x) in rest.iter().enumerate() {
                        cells.push((nc + k, Piece::new(x.2, n)));
                    }
                } else if rest.len() == 2 && remarks_only && nc + 1 == vc {
                    cells.push((nc, Piece::new(rest.first().map_or("", |x| x.2), n)));
                    cells.push((vc, Piece::new(rest.get(1).map_or("", |x| x.2), n)));
                } else if trailing {
                    t.rejects.push((
                        n,
                        line.trim().to_string(),
                        "cannot tell the indicator's name from its value and the columns after it"
                            .into(),
                    ));
                    return;
                } else {
                    let last_tok = rest.len() - 1;
                    cells.push((nc, Piece::new(text_of(0, last_tok - 1), n)));
                    cells.push((vc, Piece::new(rest.get(last_tok).map_or("", |x| x.2), n)));
                }
            }
        }
    }
    if cells.is_empty() {
        return;
    }
    cells.sort_by_key(|(c, _)| *c);
    let grid_cells: Vec<crate::grid::Cell> = cells
        .into_iter()
        .map(|(c, p)| {
            crate::grid::Cell::new(
                0,
                u32::try_from(c).unwrap_or(u32::MAX),
                p.text,
                crate::model::Position::Line(p.line),
            )
        })
        .collect();
    t.grid.push_row(grid_cells, crate::model::Position::Line(n));
}

/// A word only a side column holds: a direction (正向), a value kind (定量)
/// or a comparison alone (`=`).
fn side_word(t: &str) -> bool {
    vocab::direction(t).is_some() || vocab::value_kind(t).is_some() || super::is_operator(t)
}

/// The column of a side word: its own head, else 指标性质, which holds either.
fn side_col(t: &str, roles: &[Option<Role>]) -> Option<usize> {
    let col = |r: Role| roles.iter().position(|x| *x == Some(r));
    let own = if vocab::direction(t).is_some() {
        col(Role::Direction)
    } else {
        col(Role::ValueKind)
    };
    own.or_else(|| col(Role::Nature))
}

/// Whether the words after the framework fill the columns from the name on
/// one each (`带动就业 有效提升 10`): only where a 权重/分值 column after the
/// value anchors them with a number, the value is not a framework word, and
/// no target value sits in a column after it; trailing remark columns may
/// be empty.
fn one_per_column(
    rest: &[(usize, usize, &str)],
    roles: &[Option<Role>],
    nc: usize,
    vc: usize,
) -> bool {
    let role_at = |c: usize| roles.get(c).copied().flatten();
    let Some(weight) = (vc + 1..roles.len()).find(|&c| role_at(c) == Some(Role::Weight)) else {
        return false;
    };
    let total = roles.len().saturating_sub(nc);
    let needed = weight + 1 - nc;
    if nc >= vc || rest.len() < needed || rest.len() > total {
        return false;
    }
    rest.iter().enumerate().all(|(k, x)| {
        let c = nc + k;
        match role_at(c) {
            Some(Role::Weight) => {
                vocab::parse_amount(x.2.trim_end_matches('分')).is_ok_and(|d| d.is_some())
            }
            _ if c == vc => !vocab::is_level_word(x.2) && !vocab::is_category_word(x.2),
            _ if c > vc => !value_like(x.2),
            _ => true,
        }
    })
}

/// Whether a row's words after the framework are its name and one word per
/// value column: the head ends in two value columns or more (实施周期/中期 and
/// 年度), and the row has exactly one word per column from the name on, so the
/// last words are the values even when none reads as a number
/// (`供水工程长效运行 持续发挥效益 持续发挥效益`). A name holding a space would
/// leave a value column short and is not read this way.
fn values_fill_row(rest: &[(usize, usize, &str)], roles: &[Option<Role>], nc: usize) -> bool {
    let value_role =
        |r: &Option<Role>| matches!(r, Some(Role::Annual | Role::Cycle | Role::HalfYear));
    let after = roles.get(nc + 1..).unwrap_or_default();
    after.len() >= 2
        && after.iter().all(value_role)
        && rest.len() == after.len() + 1
        && rest.iter().skip(1).all(|x| {
            !vocab::is_level_word(x.2)
                && !vocab::is_category_word(x.2)
                && !vocab::key(x.2).contains("**")
        })
}

/// A word cut short by the end of an excerpt: a strict beginning of a level
/// or category name (`数量指`).
fn is_cut_word(t: &str) -> bool {
    let k = vocab::key(t);
    !k.is_empty()
        && vocab::GLUED_LEVELS
            .iter()
            .chain(vocab::GLUED_CATEGORIES)
            .any(|w| w.starts_with(k.as_str()) && *w != k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_wrapped_onto_its_own_line_under_a_repeated_block_label() {
        // Single spaces, 一级 cut by its cell's width (`项目效益` / `指标`),
        // the block's label `绩效指标` printed again on the first row.
        let text = "项目名称 乡村医生培训\n\
绩效指标 一级指标 二级指标 三级指标 指标值\n\
绩效指标 项目完成\n\
指标\n\
数量指标 培训乡村医生 150人\n\
时效指标 培训完成时间 10月底前\n\
项目效益\n\
指标\n\
社会效益指标 村级诊疗能力 逐步提高\n\
满意度指标 满意度指标 学员满意度 ≥90%\n";
        let got: Vec<(String, String, String)> = tables("t.txt", text)
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .map(|i| (i.level, i.category, i.name))
            .collect();
        let row = |l: &str, c: &str, n: &str| (l.to_string(), c.to_string(), n.to_string());
        assert_eq!(
            got,
            [
                row("项目完成指标", "数量指标", "培训乡村医生"),
                row("项目完成指标", "时效指标", "培训完成时间"),
                row("项目效益指标", "社会效益指标", "村级诊疗能力"),
                row("满意度指标", "满意度指标", "学员满意度"),
            ]
        );
        // A word of two lines that makes no framework label is not joined.
        assert_eq!(join_wrapped_labels("甲 乙 项目\n指标\n")[1], "指标");
    }

    #[test]
    fn names_with_spaces_and_placeholders() {
        let text = "项目名称 测试项目 项目负责人 张三\n\
绩效指标 一级指标 二级指标 三级指标 指标值 备注\n\
产出指标 数量指标 贫困地区旅游基础设施建设工程 >=20平方米  \n\
贫困地区旅游景点开发数量( ≥**个 ) >=4个  \n\
质量指标 *质量达标率100% >=98%  \n\
财政部门审核意见 (盖章)\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        assert_eq!(g.rows.len(), 5);
        assert_eq!(g.text(2, 1), "产出指标");
        assert_eq!(g.text(2, 3), "贫困地区旅游基础设施建设工程");
        assert_eq!(g.text(3, 3), "贫困地区旅游景点开发数量( ≥**个 )");
        assert_eq!(g.text(3, 4), ">=4个");
        assert_eq!(g.text(4, 3), "*质量达标率100%");
        assert_eq!(g.text(4, 4), ">=98%");
    }

    #[test]
    fn a_qualitative_value_before_a_score_column() {
        let text = "一级指标 二级指标 三级指标 指标值 分值 指标解释\n\
效益指标 社会效益指标 带动就业 有效提升 10 带动当地群众就业\n\
满意度指标 服务对象满意度指标 群众 满意度 较高 10\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 2), "带动就业");
        assert_eq!(g.text(1, 3), "有效提升");
        assert_eq!(g.text(1, 4), "10");
        // Four words for three columns: not certain.
        assert_eq!(g.rows.len(), 2);
        assert_eq!(t[0].rejects.len(), 1);
    }

    #[test]
    fn columns_laid_out_with_wide_gaps_keep_single_spaces_in_names() {
        let text = "一级指标    二级指标    三级指标                 指标值\n\
产出指标    数量指标    培训 人次                ≥100 人次\n\
            质量指标    Office 培训合格率        ≥95%\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 2), "培训 人次");
        assert_eq!(g.text(1, 3), "≥100 人次");
        assert_eq!(g.text(2, 1), "质量指标");
        assert_eq!(g.text(2, 2), "Office 培训合格率");
    }

    #[test]
    fn wrapped_labels_and_name_halves_join_their_cells_or_are_rejects() {
        // A category cut over two lines, and a name's first half on a line
        // of its own as wide as the widest name: one cell each.
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 改造老旧供水管网长度 ≥12公里\n\
新建加压泵站 ≥2座\n\
效益指标 可持续影 管网运行年限 ≥15年\n\
响指标\n\
农村集中供水工程供水保证率达到设计\n\
标准 ≥95%\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert!(t[0].rejects.is_empty(), "{:?}", t[0].rejects);
        assert_eq!(g.text(3, 1), "可持续影响指标");
        assert_eq!(g.text(3, 2), "管网运行年限");
        assert_eq!(g.text(4, 2), "农村集中供水工程供水保证率达到设计标准");
        assert_eq!(g.text(4, 3), "≥95%");
        assert_eq!(g.rows.len(), 5);

        // A half narrower than a name already read: it may be the tail of
        // the row above or the head of the row below; neither is a row.
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 改造老旧供水管网长度 ≥12公里\n\
新建加压泵站数量 ≥2座\n\
及配套设施\n\
检测 ≥4次\n";
        let t = tables("t.txt", text);
        assert_eq!(t[0].grid.rows.len(), 3);
        assert_eq!(t[0].rejects.len(), 2, "{:?}", t[0].rejects);
        // Near miss: a lone word that completes no label is no label's tail.
        assert_eq!(
            wrapped_label("效益指标 社会效益 受益群众人数 ≥3万人", "人数", false),
            None
        );
    }

    #[test]
    fn a_category_run_into_its_name_is_split_off() {
        let split = |l: &str| category_run_into_name(l, false);
        assert_eq!(
            split("产出指标 质量指标设备验收合格率 100%").as_deref(),
            Some("产出指标 质量指标 设备验收合格率 100%")
        );
        assert_eq!(
            split("经济效益指标带动农户增收 ≥500元").as_deref(),
            Some("经济效益指标 带动农户增收 ≥500元")
        );
        // Near misses: a name that starts with a category's stem only, a
        // category already apart, a bracket after the word (`指标(分)`), a
        // word ending in 指标 that is no category.
        assert_eq!(split("质量达标率 100%"), None);
        assert_eq!(split("产出指标 数量指标 维修面积 ≥800平方米"), None);
        assert_eq!(split("时效指标（10分） 完成时间 12月底"), None);
        assert_eq!(split("考核指标完成率 ≥90%"), None);
    }

    #[test]
    fn a_field_line_after_the_tables_blank_line_ends_it() {
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 维修校舍面积 ≥800平方米\n\
质量指标 工程验收合格率 100%\n\
\n\
网站标识码：A1234 某县人民政府办公室\n";
        let t = tables("t.txt", text);
        assert_eq!(t[0].grid.rows.len(), 3);
        assert!(t[0].rejects.is_empty(), "{:?}", t[0].rejects);
        // Near miss: a name with a colon and its value after a blank line
        // is a row, not the page's field.
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 维修校舍面积 ≥800平方米\n\
\n\
质量指标 覆盖率：城区 ≥90%\n";
        let t = tables("t.txt", text);
        assert_eq!(t[0].grid.rows.len(), 3);
    }

    #[test]
    fn a_line_of_bracketed_page_links_after_the_blank_line_ends_it() {
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 培训教师人次 ≥120人次\n\
时效指标 培训完成时间 12月底前\n\
\n\
【收藏本文】  【返回顶部】\n\
承办：某区教育局  电话：0000-1234567\n";
        let t = tables("t.txt", text);
        assert_eq!(t[0].grid.rows.len(), 3);
        assert!(t[0].rejects.is_empty(), "{:?}", t[0].rejects);
        // Near miss: a name with a bracketed note but a value of its own is
        // a row.
        let text = "一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 培训教师人次 ≥120人次\n\
\n\
质量指标 【重点】结业合格率 ≥95%\n";
        let t = tables("t.txt", text);
        assert_eq!(t[0].grid.rows.len(), 3);
    }

    #[test]
    fn two_value_columns() {
        let text = "一级指标 二级指标 三级指标 实施周期指标值 年度指标值\n\
产出指标 数量指标 政府门户网站发布信息量 ≥750篇/年 ≥750篇\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 2), "政府门户网站发布信息量");
        assert_eq!(g.text(1, 3), "≥750篇/年");
        assert_eq!(g.text(1, 4), "≥750篇");
    }

    #[test]
    fn mid_term_values_and_wordy_values_filling_the_row() {
        let text = "绩效指标 一级指标 二级指标 三级指标 中期指标值 年度指标值\n\
产出指标 数量指标 水质检测次数 ≥1200次 ≥400次\n\
可持续影响指标 供水工程长效运行 持续发挥效益 持续发挥效益\n\
可持续影响指标 供水 工程 长效运行 持续发挥效益\n\
可持续影响指标 管网长效运行 持续发挥效益 ≥95%\n";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(role("中期指标值"), Some(Role::Cycle));
        assert_eq!(g.text(1, 3), "水质检测次数");
        assert_eq!(g.text(1, 4), "≥1200次");
        assert_eq!(g.text(1, 5), "≥400次");
        assert_eq!(g.text(2, 3), "供水工程长效运行");
        assert_eq!(g.text(2, 4), "持续发挥效益");
        assert_eq!(g.text(2, 5), "持续发挥效益");
        // One word too many for the columns: where the name ends is not certain.
        assert_eq!(t[0].rejects.len(), 1);
        // A wordy value before a number, one word per column.
        assert_eq!(g.text(3, 3), "管网长效运行");
        assert_eq!(g.text(3, 4), "持续发挥效益");
        assert_eq!(g.text(3, 5), "≥95%");
    }

    #[test]
    fn a_second_projects_head_block_starts_a_new_table() {
        let text = "项目名称：甲项目\n\
一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 检查批次 ≥4000批次\n\
\n\
项目名称：乙项目\n\
主管部门：某局 实施单位：某所\n\
项目资金：年度资金总额 65.50 其中：财政拨款 65.50\n\
一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 检查家次 ≥600家次\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].grid.rows.len(), 3);
        assert!(t[0].rejects.is_empty());
        assert_eq!(t[1].grid.text(0, 0), "项目名称：乙项目");
        let last = t[1].grid.rows.len() as u32 - 1;
        assert_eq!(t[1].grid.text(last, 2), "检查家次");
    }

    #[test]
    fn a_head_repeated_on_a_new_page_continues_the_table() {
        let text = "项目名称：甲项目\n\
一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 检查批次 ≥4000批次\n\
第 1 页，共 2 页\n\
项目支出绩效目标表\n\
一级指标 二级指标 三级指标 指标值\n\
效益指标 社会效益指标 抽检合格率 ≥98%\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        assert!(t[0].rejects.is_empty(), "{:?}", t[0].rejects);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "甲项目");
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(p.indicators[1].name, "抽检合格率");
    }

    #[test]
    fn a_project_without_a_head_of_its_own_is_read_under_the_last_one() {
        let text = "项目名称：甲项目\n\
一级指标 二级指标 三级指标 指标值\n\
产出指标 数量指标 检查批次 ≥4000批次\n\
项目名称：乙项目\n\
实施单位：某所\n\
产出指标 数量指标 检查家次 ≥600家次\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let doc = crate::ingest::excel::read_grid(&t[1].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "乙项目");
        assert_eq!(p.indicators.len(), 1);
        assert_eq!(p.indicators[0].name, "检查家次");
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("≥600家次"));
    }

    #[test]
    fn score_ranges_and_columns_after_the_value() {
        let text = "年度绩效目标(90分) 一级指标 二级指标 三级指标 指标值 分值 指标解释\n\
成本指标(0-20)分 经济成本指标 项目建设成本 ≤65万元 10\n\
社会成本指标\n\
产出指标\n\
(40-50)分\n\
数量指";
        let t = tables("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 1), "成本指标(0-20)分");
        assert_eq!(g.text(1, 4), "≤65万元");
        assert_eq!(g.text(1, 5), "10");
        assert_eq!(t[0].rejects.len(), 1);
        assert!(t[0].rejects[0].2.contains("ends inside"));
    }

    #[test]
    fn level_and_category_in_one_word_under_a_head_the_vocabulary_does_not_know() {
        let text = "项目名称：农村饮水安全巩固提升\n\
指标类型      指标内容      中期指标值      年度指标值\n\
产出指标/数量指标    新建集中供水工程    ≥18处    ≥6处\n\
产出指标/质量指标    水质检测合格率    ≥95%    ≥95%\n\
效益指标—社会效益指标    受益农村人口    ≥2.4万人    ≥0.8万人\n";
        type Row = (String, String, String, Option<String>, Option<String>);
        let got: Vec<Row> = tables("t.txt", text)
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .map(|i| (i.level, i.category, i.name, i.cycle_value, i.annual_value))
            .collect();
        let row = |l: &str, c: &str, n: &str, cy: &str, an: &str| {
            (
                l.to_string(),
                c.to_string(),
                n.to_string(),
                Some(cy.to_string()),
                Some(an.to_string()),
            )
        };
        assert_eq!(
            got,
            [
                row("产出指标", "数量指标", "新建集中供水工程", "≥18处", "≥6处"),
                row("产出指标", "质量指标", "水质检测合格率", "≥95%", "≥95%"),
                row(
                    "效益指标",
                    "社会效益指标",
                    "受益农村人口",
                    "≥2.4万人",
                    "≥0.8万人"
                ),
            ]
        );
    }

    #[test]
    fn an_unknown_first_head_over_rows_that_are_no_levels_is_no_head() {
        // 序号 over numbers: the first column is no 一级 column.
        let text = "序号      指标名称      年度指标值\n\
1    新建集中供水工程    ≥6处\n\
2    水质检测合格率    ≥95%\n";
        assert!(tables("t.txt", text).is_empty());
    }
}

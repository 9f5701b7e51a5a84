//! Text with no cell boundaries left.
//!
//! - Glued cells (`产出指标数量指标农村义务教育学校改造覆盖率100%`): a page
//!   whose table cells lost their separators. The head is a run of head words
//!   (`绩效指标一级指标二级指标指标内容指标值`); each row is split on the
//!   framework's level and category names at its start and a target value at
//!   its end.
//! - Prose (`一、产出指标` … `数量指标:…>=17600株;…。`): sections named by
//!   levels, indicators separated by `;` and `。`, a category written before
//!   its indicators with `:` or `,`.
//!
//! A row whose name and value cannot be told apart with certainty is a reject.

use super::{Piece, TextTable, is_table_end, push, role};
use crate::grid::GridSource;
use crate::ingest::excel::header::Role;
use crate::vocab;

/// Comparisons a value may start with, longest first.
const OPERATORS: &[&str] = &[
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "不大于",
    "不小于",
    ">=",
    "<=",
    "≥",
    "≤",
    "≧",
    "≦",
    "＞",
    "＜",
    "＝",
    ">",
    "<",
    "=",
    "大于",
    "小于",
    "达到",
];

/// Most characters a unit after a number may have (`个工作日`); longer text
/// after the last number is part of a name, not a unit (unless it holds `/`).
const MAX_UNIT_CHARS: usize = 4;

/// Splits a trailing target value from an indicator printed with no
/// separator: `覆盖率100%` → (`覆盖率`, `100%`); `数量(≥**株)>=17600株` →
/// (`数量(≥**株)`, `>=17600株`); `发展情况稳步提高` → (`发展情况`, `稳步提高`).
/// `None` when there is no certain split.
pub fn split_value(s: &str) -> Option<(String, String)> {
    split_number(s).or_else(|| split_qualitative(s))
}

/// The numeric part of [`split_value`].
pub fn split_number(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let last_digit = chars.iter().rposition(|(_, c)| c.is_ascii_digit())?;
    let unit: String = chars
        .get(last_digit + 1..)
        .unwrap_or_default()
        .iter()
        .map(|(_, c)| *c)
        .collect();
    let unit_ok =
        unit.chars().count() <= MAX_UNIT_CHARS || (unit.contains('/') && unit.chars().count() <= 8);
    if !unit_ok || unit.contains(['(', ')', '（', '）', '*', ',', '，', ';', '；']) {
        return None;
    }
    let mut start = last_digit;
    loop {
        while start > 0
            && chars
                .get(start - 1)
                .is_some_and(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | ','))
        {
            start -= 1;
        }
        // A range (`2023.07-2024.01`): the part before the dash too.
        let dash = start >= 2
            && chars
                .get(start - 1)
                .is_some_and(|(_, c)| matches!(c, '-' | '~' | '～' | '至' | '—'))
            && chars
                .get(start - 2)
                .is_some_and(|(_, c)| c.is_ascii_digit());
        if dash {
            start -= 1;
            continue;
        }
        // A date (`2020年12月底前`): its year and month belong to the value.
        let date = start >= 2
            && chars
                .get(start - 1)
                .is_some_and(|(_, c)| matches!(c, '年' | '月'))
            && chars
                .get(start - 2)
                .is_some_and(|(_, c)| c.is_ascii_digit());
        if date {
            start -= 1;
            continue;
        }
        break;
    }
    let at = chars.get(start).map_or(s.len(), |(i, _)| *i);
    let before = s.get(..at)?;
    let op = OPERATORS.iter().find(|o| before.ends_with(*o));
    let cut = op.map_or(at, |o| at - o.len());
    let name = s.get(..cut)?.trim();
    let value = s.get(cut..)?.trim();
    // A name must be left, and must not end in what a number continues.
    if name.is_empty() || name.ends_with(['*', '≥', '≤', '-', '.']) {
        return None;
    }
    Some((name.to_string(), value.to_string()))
}

fn split_qualitative(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    vocab::QUALITATIVE_VALUES.iter().find_map(|w| {
        let name = s.strip_suffix(w)?;
        (name.chars().count() >= 2).then(|| (name.to_string(), (*w).to_string()))
    })
}

/// Head words a glued head is made of, longest first.
const HEAD_WORDS: &[&str] = &[
    "实施周期指标值",
    "中长期指标值",
    "中期指标值",
    "年度指标值",
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标内容",
    "指标名称",
    "指标值",
    "目标值",
    "备注",
    "权重",
    "分值",
    "全年指标值",
    "长期指标值",
    "年度目标值",
    "绩效标准",
    "评分标准",
    "指标解释",
];

/// A glued head's words, when the whole line is made of them.
fn glued_head(line: &str) -> Option<Vec<String>> {
    let mut k = vocab::key(line);
    let mut words = Vec::new();
    while !k.is_empty() {
        let w = HEAD_WORDS.iter().find(|w| k.starts_with(*w))?;
        words.push((*w).to_string());
        k = k.get(w.len()..)?.to_string();
    }
    let roles: Vec<_> = words.iter().map(|w| role(w)).collect();
    (words.len() >= 3 && super::is_long_head(&roles)).then_some(words)
}

/// Splits a glued head line (`项目名称X项目主管部门Y项目执行单位Z`) at the
/// labels it holds.
fn split_labels(line: &str, n: usize) -> Vec<Piece> {
    let labels: Vec<&str> = [
        vocab::PROJECT_LABELS,
        vocab::DEPARTMENT_LABELS,
        vocab::UNIT_LABELS,
        vocab::AMOUNT_LABELS,
    ]
    .concat();
    let t = line.trim();
    let mut out = Vec::new();
    let mut cur_start = 0;
    let mut i = 0;
    while i < t.len() {
        let found = labels
            .iter()
            .filter(|l| t.get(i..).is_some_and(|r| r.starts_with(*l)))
            .max_by_key(|l| l.len());
        if let Some(l) = found {
            if let Some(v) = t.get(cur_start..i).map(str::trim).filter(|v| !v.is_empty()) {
                out.push(Piece::new(v, n));
            }
            out.push(Piece::new(*l, n));
            i += l.len();
            cur_start = i;
            continue;
        }
        i += t
            .get(i..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
    }
    if let Some(v) = t
        .get(cur_start..)
        .map(|v| v.trim_start_matches([':', '：']).trim())
        && !v.is_empty()
    {
        out.push(Piece::new(v, n));
    }
    out
}

/// Leading level and category names of a glued row: (level, category, rest).
fn split_framework(s: &str) -> (Option<&str>, Option<&str>, &str) {
    let mut rest = s.trim();
    // 成本指标 and 满意度指标 are a level only when a category follows.
    let level = vocab::GLUED_LEVELS
        .iter()
        .find(|w| rest.starts_with(*w))
        .copied()
        .filter(|w| {
            let after = rest.get(w.len()..).unwrap_or_default();
            !vocab::is_category_word(w)
                || vocab::GLUED_CATEGORIES.iter().any(|c| after.starts_with(c))
        });
    if let Some(l) = level {
        rest = rest.get(l.len()..).unwrap_or_default();
    }
    let category = vocab::GLUED_CATEGORIES
        .iter()
        .find(|w| rest.starts_with(*w))
        .copied();
    if let Some(c) = category {
        rest = rest.get(c.len()..).unwrap_or_default();
    }
    (level, category, rest)
}

/// The tables of a text whose cells are glued together.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((h, words)) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| glued_head(l).map(|w| (i, w)))
    else {
        return Vec::new();
    };
    let roles: Vec<_> = words.iter().map(|w| role(w)).collect();
    let col = |r: Role| roles.iter().position(|x| *x == Some(r));
    let (Some(lc), Some(cc), Some(nc), Some(vc)) = (
        col(Role::Level),
        col(Role::Category),
        col(Role::Name).or(col(Role::Indicators)),
        col(Role::Annual).or(col(Role::Cycle)),
    ) else {
        return Vec::new();
    };
    // Columns after the value (备注, 分值) run into it with no separator:
    // where one ends and the next begins is not certain (`100%10`).
    if words.len() > vc + 1 {
        return Vec::new();
    }
    // Two value columns (中期/实施周期 before 年度) end the row: two values.
    let first_value = (vc > 0
        && matches!(
            roles.get(vc - 1),
            Some(Some(Role::Cycle | Role::HalfYear | Role::Annual))
        ))
    .then(|| vc - 1);
    if first_value.is_some_and(|f| f <= nc) {
        return Vec::new();
    }
    let mut t = TextTable::new(source, GridSource::SpacedText);
    for (k, l) in lines.iter().enumerate().take(h).skip(h.saturating_sub(30)) {
        let cells = split_labels(l, k + 1);
        if !cells.is_empty() {
            push(&mut t.grid, 0, &cells);
        }
    }
    let head: Vec<Piece> = words
        .iter()
        .map(|w| Piece::new(w.as_str(), h + 1))
        .collect();
    push(&mut t.grid, 0, &head);
    for (k, l) in lines.iter().enumerate().skip(h + 1) {
        let n = k + 1;
        if l.trim().is_empty() {
            continue;
        }
        if is_table_end(l) {
            break;
        }
        let (level, category, rest) = split_framework(l);
        let mut cells: Vec<(usize, String)> = Vec::new();
        if let Some(x) = level {
            cells.push((lc, x.to_string()));
        }
        if let Some(x) = category {
            cells.push((cc, x.to_string()));
        }
        if !rest.trim().is_empty() {
            // With two value columns, the name ends before a second value:
            // numbers both (`≥360处≥120处`), or the row is not certain.
            let split = match first_value {
                None => split_value(rest).map(|(name, v)| (name, None, v)),
                Some(_) => split_number(rest).and_then(|(before, v2)| {
                    let (name, v1) = split_number(&before)?;
                    Some((name, Some(v1), v2))
                }),
            };
            match split {
                Some((name, v1, value)) => {
                    cells.push((nc, name));
                    if let (Some(f), Some(v1)) = (first_value, v1) {
                        cells.push((f, v1));
                    }
                    cells.push((vc, value));
                }
                None => {
                    t.rejects.push((
                        n,
                        l.trim().to_string(),
                        "cells run together: cannot tell the indicator's name from its value"
                            .into(),
                    ));
                    continue;
                }
            }
        }
        push_cells(&mut t, n, cells);
    }
    vec![t]
}

fn push_cells(t: &mut TextTable, n: usize, cells: Vec<(usize, String)>) {
    if cells.is_empty() {
        return;
    }
    let cells = cells
        .into_iter()
        .map(|(c, text)| {
            crate::grid::Cell::new(
                0,
                u32::try_from(c).unwrap_or(u32::MAX),
                text,
                crate::model::Position::Line(n),
            )
        })
        .collect();
    t.grid.push_row(cells, crate::model::Position::Line(n));
}

/// `一、 产出指标` (or `（一）产出指标`): a prose section named by a level;
/// with the text after it on the same line (`一、产出指标:数量指标:…`).
fn section(line: &str) -> Option<(String, &str)> {
    let t = line.trim();
    const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let rest = if let Some(r) = t.strip_prefix(['(', '（']) {
        let r = r.trim_start_matches(NUMERALS);
        r.strip_prefix([')', '）'])?
    } else {
        let r = t.trim_start_matches(|c: char| NUMERALS.contains(&c) || c.is_ascii_digit());
        if r.len() == t.len() {
            return None;
        }
        r.strip_prefix(['、', '.', '．'])?
    };
    let rest = rest.trim();
    // The head ends at a colon or at its sentence's end (`（一）产出指标。1.数量指标：…`).
    let (head, after) = match rest.find([':', '：', '。']) {
        Some(i) => {
            let sep = rest
                .get(i..)
                .and_then(|x| x.chars().next())
                .map_or(1, char::len_utf8);
            (
                rest.get(..i).unwrap_or_default(),
                rest.get(i + sep..).unwrap_or_default(),
            )
        }
        None => (rest, ""),
    };
    let head = head.trim();
    vocab::is_level_word(head).then(|| (head.to_string(), after))
}

/// A line that opens with a level and a colon, unnumbered (`产出指标：数量指标：…`):
/// a prose section too.
fn labelled_level(line: &str) -> bool {
    let t = line.trim();
    t.split_once([':', '：'])
        .is_some_and(|(head, _)| vocab::is_level_word(head.trim()))
}

/// Numbering before a prose item: `1、`, `1.`, `(1)`, `（1）`, `①`.
fn strip_numbering(s: &str) -> &str {
    let t = s.trim_start();
    let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() != t.len()
        && let Some(r) = digits.strip_prefix(['、', '.', '．', ')', '）'])
    {
        return r.trim_start();
    }
    if let Some(r) = t.strip_prefix(['(', '（']) {
        let inner = r.trim_start_matches(|c: char| c.is_ascii_digit());
        if inner.len() != r.len()
            && let Some(after) = inner.strip_prefix([')', '）'])
        {
            return after.trim_start();
        }
    }
    t.trim_start_matches(|c: char| ('①'..='⑳').contains(&c))
        .trim_start()
}

/// The project a notice is about: `关于X绩效目标…` in its title.
fn notice_project(text: &str) -> Option<String> {
    text.lines().take(30).find_map(|l| {
        let from = l.find("关于")? + "关于".len();
        let rest = l.get(from..)?;
        let to = rest.find("绩效目标")?;
        let p = rest.get(..to)?.trim();
        (!p.is_empty()).then(|| p.to_string())
    })
}

/// The tables of a prose text (one per text: its sections).
pub fn prose(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    if let Some(parts) = project_parts(&lines) {
        return parts
            .into_iter()
            .flat_map(|(project, part)| prose_one(source, &part, Some(project)))
            .collect();
    }
    prose_one(source, text, None)
}

/// A bulletin of several projects, each under a numbered head of its own
/// (`一、X工程` … `二、Y经费` …) holding its level sections: each project's
/// lines (the others blanked, so that line numbers stay the text's own) with
/// its name. `None` unless there are two or more such heads and every one
/// holds sections: numbered heads over parts without sections are the
/// document's own outline (`一、项目概况`, `二、绩效目标`), not projects.
fn project_parts(lines: &[&str]) -> Option<Vec<(String, String)>> {
    let heads: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(k, l)| {
            let (_, head, after) = outline_head(l)?;
            (after.is_empty()
                && numbered_head(l).is_none()
                && !head_line(l)
                && !vocab::is_level_word(&head)
                && !vocab::is_category_word(&head))
            .then_some((k, head))
        })
        .collect();
    if heads.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    for (i, (from, name)) in heads.iter().enumerate() {
        let to = heads.get(i + 1).map_or(lines.len(), |h| h.0);
        let own = lines.get(*from..to).unwrap_or_default();
        let sections = own
            .iter()
            .enumerate()
            .filter(|(j, l)| is_section(l, next_text(own, *j)))
            .count();
        if sections == 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { *from };
        let mut part = String::new();
        for (k, l) in lines.iter().enumerate() {
            if (start..to).contains(&k) && k != *from {
                part.push_str(l);
            }
            part.push('\n');
        }
        out.push((name.clone(), part));
    }
    Some(out)
}

/// A numbered head of the document's outline (`一、X`, `（一）X`): its
/// numbering's style, its text, and what follows a colon on its line.
fn outline_head(line: &str) -> Option<(Style, String, String)> {
    const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let t = line.trim();
    let (style, rest) = if let Some(r) = t.strip_prefix(['(', '（']) {
        let n = r.trim_start_matches(NUMERALS);
        (n.len() != r.len()).then_some(())?;
        (Style::ParenNumeral, n.strip_prefix([')', '）'])?)
    } else {
        let n = t.trim_start_matches(NUMERALS);
        (n.len() != t.len()).then_some(())?;
        (Style::Numeral, n.strip_prefix(['、', '.', '．'])?)
    };
    let rest = rest.trim();
    let (head, after) = rest.split_once([':', '：']).unwrap_or((rest, ""));
    let head = head.trim();
    // A head is a name, not a sentence.
    (!head.is_empty() && !head.contains(['，', ',', '。', ';', '；']))
        .then(|| (style, head.to_string(), after.trim().to_string()))
}

/// The next non-empty line after line `k`, trimmed.
fn next_text<'a>(lines: &[&'a str], k: usize) -> Option<&'a str> {
    lines
        .iter()
        .skip(k + 1)
        .find(|x| !x.trim().is_empty())
        .map(|x| x.trim())
}

/// Whether a line opens a prose section: a numbered level, a level with a
/// colon, or a level alone on its line with a category after it.
fn is_section(l: &str, next: Option<&str>) -> bool {
    section(l).is_some() || labelled_level(l) || bare_level(l, next).is_some()
}

/// A level alone on its line (`产出指标`), unnumbered, that heads the
/// categories on the lines under it: the next line opens with a category
/// (`数量指标：…`). A word naming both (满意度指标) is the level only when
/// the category under it is another word.
fn bare_level(l: &str, next: Option<&str>) -> Option<String> {
    let word = l.trim();
    // Numbered heads are `section`'s and `numbered_head`'s (their numbering
    // tells levels from categories).
    if !vocab::is_level_word(word) || section(l).is_some() || numbered_head(l).is_some() {
        return None;
    }
    let next = strip_numbering(next?);
    let end = next.find([':', '：', ',', '，'])?;
    let label = next.get(..end)?.trim();
    (vocab::is_category_word(label) && super::starts_as_level(word, Some(label)))
        .then(|| word.to_string())
}

/// The table of one notice's sections; `project` names it where no
/// `项目名称` line does (a bulletin's project head).
fn prose_one(source: &str, text: &str, project: Option<String>) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    let sections: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(k, l)| is_section(l, next_text(&lines, *k)))
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = sections.first() else {
        return Vec::new();
    };
    if sections.len() < 2 {
        return Vec::new();
    }
    let mut t = TextTable::new(source, GridSource::SpacedText);
    // A notice's key-value lines above its sections (`项目名称:X`) name the
    // project; the title's `关于X绩效目标…` only where none does.
    // A sentence may hold several fields (`项目名称：X；项目资金：Y；实施地点：Z。`):
    // each is a line of the head.
    let labelled: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .take(first)
        .filter(|(_, l)| head_line(l))
        .flat_map(|(k, l)| {
            l.split([';', '；'])
                .map(|f| f.trim().trim_end_matches('。').trim_end())
                .filter(|f| head_line(f))
                .map(move |f| (k, f))
        })
        .collect();
    let named_project = labelled.iter().any(|(_, l)| super::is_project_label(l));
    for (k, l) in &labelled {
        push(&mut t.grid, 0, &[Piece::new(*l, k + 1)]);
    }
    if !named_project {
        t.project = project.or_else(|| notice_project(text));
    }
    if let Some(p) = &t.project {
        push(
            &mut t.grid,
            0,
            &[Piece::new("项目名称", 1), Piece::new(p.as_str(), 1)],
        );
    }
    let head = ["一级指标", "二级指标", "三级指标", "指标值"];
    let head: Vec<Piece> = head.iter().map(|h| Piece::new(*h, first + 1)).collect();
    push(&mut t.grid, 0, &head);
    let mut level: Option<String> = None;
    let mut category: Option<String> = None;
    // Whether the items read so far were numbered one per line (`1.名称:值;`):
    // then a line that is neither numbered nor headed by the framework is the
    // notice's closing text (`公示期为7天,如有异议…`), not an item.
    let mut numbered_items = false;
    let mut level_style: Option<Style> = None;
    for (k, l) in lines.iter().enumerate().skip(first) {
        let n = k + 1;
        let next = lines
            .iter()
            .skip(k + 1)
            .find(|x| !x.trim().is_empty())
            .map(|x| x.trim());
        if is_table_end(l) || super::is_sign_off(l, next) {
            break;
        }
        if l.trim().is_empty() {
            continue;
        }
        if let Some(word) = bare_level(l, next) {
            level = Some(word);
            category = None;
            continue;
        }
        // A numbered head names a level or a category. Its numbering's style
        // tells which where the word names both (成本指标, 满意度指标): the
        // style of the first level's head (`一、` or `(一)`) marks levels, any
        // other (`(一)` under `一、`, `1、` under `(一)`) categories.
        let head = numbered_head(l).map(|(style, h, after)| {
            let lvl = vocab::is_level_word(&h);
            let cat = vocab::is_category_word(&h);
            let as_level = lvl && (!cat || level_style.is_none_or(|ls| ls == style));
            (style, h, after, as_level)
        });
        let text = match head {
            Some((style, h, after, true)) => {
                level = Some(h);
                category = None;
                level_style.get_or_insert(style);
                after
            }
            Some((_, h, after, false)) => {
                category = Some(h);
                after
            }
            None => {
                let numbered = strip_numbering(l).len() != l.trim_start().len();
                let framework = framework_label(l);
                if numbered_items && !numbered && !framework {
                    break;
                }
                numbered_items |= numbered;
                l
            }
        };
        // The part after the line's last `;` or `。` is unterminated: cut
        // short by an excerpt's end, or wrapped onto the next line; unless
        // the next line opens with a framework label or a head (items one
        // to a line: this one ends with its line).
        let segs: Vec<&str> = text.split([';', '；', '。']).collect();
        let last = segs.len().saturating_sub(1);
        let line_done = next.is_some_and(|x| {
            framework_label(x) || section(x).is_some() || outline_head(x).is_some()
        });
        for (k, seg) in segs.iter().enumerate() {
            let terminated = k < last || line_done;
            prose_segment(&mut t, n, seg, terminated, &mut level, &mut category);
        }
    }
    // Prose that explains the framework (`产出指标:反映…`) names indicators
    // without targets: a text is read only when most of what it names has one.
    let named = t
        .grid
        .rows
        .iter()
        .filter(|r| r.get(2).is_some_and(|c| !c.text.is_empty()))
        .count();
    let valued = t
        .grid
        .rows
        .iter()
        .filter(|r| r.get(2).is_some() && r.get(3).is_some())
        .count();
    if valued < 2 || valued * 2 < named {
        return Vec::new();
    }
    vec![t]
}

/// Whether a line above a notice's sections is a key-value head line
/// (`项目名称:X`, `主管部门：Y`): a head label, a colon, a value.
fn head_line(l: &str) -> bool {
    let k = vocab::key(l);
    k.split_once(':')
        .is_some_and(|(label, value)| !value.is_empty() && super::is_head_label(label))
}

/// Whether a line starts with a level or category label (`数量指标:…`,
/// `服务对象满意度指标,…`).
fn framework_label(l: &str) -> bool {
    let t = strip_numbering(l.trim());
    let end = t.find([':', '：', ',', '，']).unwrap_or(t.len());
    let label = t.get(..end).unwrap_or_default().trim();
    vocab::is_level_word(label) || vocab::is_category_word(label)
}

/// How a head is numbered: `一、`, `(一)`, `1、`, `(1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Numeral,
    ParenNumeral,
    Digit,
    ParenDigit,
}

/// A numbered head naming a level or a category (`一、产出指标`,
/// `(一)数量指标:…`, `1.数量指标`): its numbering's style, the word, and the
/// text after it on the line.
fn numbered_head(line: &str) -> Option<(Style, String, &str)> {
    const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let t = line.trim();
    let (style, rest) = if let Some(r) = t.strip_prefix(['(', '（']) {
        let n = r.trim_start_matches(NUMERALS);
        let d = r.trim_start_matches(|c: char| c.is_ascii_digit());
        if n.len() != r.len() {
            (Style::ParenNumeral, n.strip_prefix([')', '）'])?)
        } else if d.len() != r.len() {
            (Style::ParenDigit, d.strip_prefix([')', '）'])?)
        } else {
            return None;
        }
    } else {
        let n = t.trim_start_matches(NUMERALS);
        let d = t.trim_start_matches(|c: char| c.is_ascii_digit());
        if n.len() != t.len() {
            (Style::Numeral, n.strip_prefix(['、', '.', '．'])?)
        } else if d.len() != t.len() {
            (Style::Digit, d.strip_prefix(['、', '.', '．'])?)
        } else {
            return None;
        }
    };
    let rest = rest.trim();
    // The head ends at a colon or at its sentence's end (`（一）产出指标。1.…`).
    let end = rest.find([':', '：', '。']).unwrap_or(rest.len());
    let head = rest.get(..end).unwrap_or_default().trim();
    let after = rest.get(end..).unwrap_or_default();
    let after = after
        .strip_prefix([':', '：', '。'])
        .unwrap_or(after)
        .trim_start();
    (vocab::is_level_word(head) || vocab::is_category_word(head))
        .then(|| (style, head.to_string(), after))
}

/// `名称:值` with a value after the colon (`新建日光温室数量:≥40座`,
/// `设施运行:良好`): the colon separates them.
fn split_at_colon(item: &str) -> Option<(String, String)> {
    let i = item.find([':', '：'])?;
    let name = item.get(..i)?.trim();
    let sep = item.get(i..)?.chars().next().map_or(1, char::len_utf8);
    let value = item.get(i + sep..)?.trim();
    let wordy_ok = value.chars().count() <= 12 && !value.contains([':', '：']);
    (!name.is_empty()
        && !value.is_empty()
        && !vocab::is_level_word(name)
        && !vocab::is_category_word(name)
        && (super::value_like(value) || wordy_ok))
        .then(|| (name.to_string(), value.to_string()))
}

/// `名称 值` in a whole item (`设施运行 良好`): a name and a short wordy
/// value parted by a space, where nothing else tells the value.
fn split_at_space(item: &str) -> Option<(String, String)> {
    let mut parts = item.split_whitespace();
    let (name, value) = (parts.next()?, parts.next()?);
    let framework = |t: &str| vocab::is_level_word(t) || vocab::is_category_word(t);
    (parts.next().is_none()
        && name.chars().count() >= 2
        && value.chars().count() <= 8
        && !framework(name)
        && !framework(value))
    .then(|| (name.to_string(), value.to_string()))
}

/// One `;`- or `。`-separated part of a prose section.
fn prose_segment(
    t: &mut TextTable,
    n: usize,
    seg: &str,
    terminated: bool,
    level: &mut Option<String>,
    category: &mut Option<String>,
) {
    // Numbering (`1、`, `(1)`) before an item.
    let mut rest = strip_numbering(seg.trim()).trim();
    // Labels: `效益指标:经济效益指标:…`, `服务对象满意度指标,…`.
    // A label alone (`1.数量指标` on its own line) names the items after it.
    while !rest.is_empty() {
        let end = rest.find([':', '：', ',', '，']).unwrap_or(rest.len());
        let label = rest.get(..end).unwrap_or_default().trim();
        let sep_len = rest
            .get(end..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8);
        let after = rest.get(end + sep_len..).unwrap_or_default().trim();
        let is_level = vocab::is_level_word(label);
        let is_category = vocab::is_category_word(label);
        // 成本指标 is a category under 产出 and a level of its own elsewhere.
        let under_output = level
            .as_deref()
            .and_then(vocab::level)
            .is_some_and(|l| l == vocab::Level::Output);
        let current = level.as_deref().map(vocab::key);
        let new_level = current.as_deref() != Some(vocab::key(label).as_str());
        // A word naming both followed by a category (`满意度指标:服务对象满意度指标:`)
        // is the level.
        let next_label = after
            .find([':', '：', ',', '，'])
            .and_then(|e| after.get(..e))
            .map(str::trim);
        let before_category = next_label.is_some_and(|n| super::starts_as_level(label, Some(n)));
        if is_category
            && !before_category
            && (!is_level || under_output || (level.is_some() && new_level))
        {
            *category = Some(label.to_string());
        } else if is_level {
            if level.as_deref().map(vocab::key) != Some(vocab::key(label)) {
                *category = None;
            }
            *level = Some(label.to_string());
        } else {
            break;
        }
        rest = after;
    }
    if rest.is_empty() {
        return;
    }
    // Indicators after one category, separated by `,` where the part before
    // ends with a value (a `,` inside a name has no value before it).
    let mut items: Vec<String> = Vec::new();
    let mut cur = String::new();
    for part in rest.split([',', '，']) {
        if !cur.is_empty() {
            cur.push(',');
        }
        cur.push_str(part);
        if split_number(&cur).is_some_and(|(_, v)| super::value_like(&v)) {
            items.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        items.push(cur);
    }
    for item in items {
        let item = item.trim();
        let mut cells: Vec<(usize, String)> = Vec::new();
        if let Some(l) = level.as_ref() {
            cells.push((0, l.clone()));
        }
        if let Some(c) = category.as_ref() {
            cells.push((1, c.clone()));
        }
        if category.is_none() {
            t.rejects.push((
                n,
                item.to_string(),
                "an indicator with no 二级指标 written before it".into(),
            ));
            continue;
        }
        let spaced = || terminated.then(|| split_at_space(item)).flatten();
        match split_at_colon(item)
            .or_else(|| split_value(item))
            .or_else(spaced)
        {
            Some((name, value)) => {
                cells.push((2, name));
                cells.push((3, value));
            }
            // A name with no value is only an indicator when its sentence
            // ends (`可持续影响指标,持续发展。`).
            None if terminated => cells.push((2, item.to_string())),
            None => {
                t.rejects.push((
                    n,
                    item.to_string(),
                    "an unfinished sentence with no value: not read as an indicator".into(),
                ));
                continue;
            }
        }
        push_cells(t, n, cells);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> Option<(String, String)> {
        split_value(s)
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_string(), b.to_string()))
    }

    #[test]
    fn trailing_values() {
        assert_eq!(
            sv("农村义务教育学校改造覆盖率100%"),
            pair("农村义务教育学校改造覆盖率", "100%")
        );
        assert_eq!(sv("学生家长满意度≥90%"), pair("学生家长满意度", "≥90%"));
        assert_eq!(
            sv("黄金蜜(葡萄)种植数量(≥**株)>=17600株"),
            pair("黄金蜜(葡萄)种植数量(≥**株)", ">=17600株")
        );
        assert_eq!(
            sv("补助成本(≤**元/株)≤28.40/株"),
            pair("补助成本(≤**元/株)", "≤28.40/株")
        );
        assert_eq!(
            sv("义务教育优质均衡发展情况稳步提高"),
            pair("义务教育优质均衡发展情况", "稳步提高")
        );
        assert_eq!(
            sv("兜底保障长效机制健全完善"),
            pair("兜底保障长效机制", "健全完善")
        );
        assert_eq!(sv("管理制度逐步完善"), pair("管理制度", "逐步完善"));
        assert_eq!(
            sv("服务周期2023.07-2024.01"),
            pair("服务周期", "2023.07-2024.01")
        );
        assert_eq!(
            sv("项目完成时间2020年12月底前"),
            pair("项目完成时间", "2020年12月底前")
        );
        // No certain split: a long text after the last number, or no value.
        assert_eq!(sv("完成3项工作任务的检查验收"), None);
        assert_eq!(sv("持续发展"), None);
        assert_eq!(sv("100%"), None);
    }

    #[test]
    fn prose_explaining_the_framework_is_no_table() {
        let text = "一、产出指标\n数量指标:反映预算资金预期提供的产品和服务数量;质量指标:反映产品和服务达到的标准。\n\
二、效益指标\n社会效益指标:反映对社会发展带来的影响。\n";
        assert!(prose("t.txt", text).is_empty());
    }

    #[test]
    fn numbered_prose_items() {
        let text = "（一）产出指标:1、数量指标:资助建档立卡贫困子女1966人。\n\
(二)效益指标\n\
(1)社会效益指标:受资助学生按时入学率100%;\n";
        let t = prose("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(1, 0), "产出指标");
        assert_eq!(g.text(1, 1), "数量指标");
        assert_eq!(g.text(1, 2), "资助建档立卡贫困子女");
        assert_eq!(g.text(1, 3), "1966人");
        assert_eq!(g.text(2, 0), "效益指标");
        assert_eq!(g.text(2, 2), "受资助学生按时入学率");
    }

    #[test]
    fn glued_scores_after_values_are_not_split() {
        let text =
            "一级指标二级指标三级指标指标值分值\n产出指标数量指标享受资助人数达到预计值210010\n";
        assert!(tables("t.txt", text).is_empty());
    }

    #[test]
    fn glued_rows() {
        let text = "项目名称农村学校改造补助资金\n项目主管部门青山区教育局项目执行单位化工区学校\n\
绩效指标一级指标二级指标指标内容指标值\n\
产出指标数量指标农村义务教育学校改造覆盖率100%\n\
质量指标校舍维修改造质量合格率100%\n\
购置设施设备质量合格率100%\n\
效益指标社会公众或服务对象满意度指标学生家长满意度≥90%\n\
附件:\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        let g = &t[0].grid;
        assert_eq!(g.text(0, 1), "农村学校改造补助资金");
        assert_eq!(g.text(1, 1), "青山区教育局");
        assert_eq!(g.text(1, 3), "化工区学校");
        assert_eq!(g.text(3, 1), "产出指标");
        assert_eq!(g.text(3, 3), "农村义务教育学校改造覆盖率");
        assert_eq!(g.text(5, 3), "购置设施设备质量合格率");
        assert_eq!(g.text(6, 2), "社会公众或服务对象满意度指标");
        assert_eq!(g.rows.len(), 7);
    }

    #[test]
    fn prose_sections() {
        let text = "标 题: | 关于某镇葡萄种植项目绩效目标设定的公示 |\n一、 产出指标\n\
数量指标:★补助种植数量,葡萄种植数量(≥**株)>=17600株;成活率(≥**%)>=85;时效指标:完成及时率(≥**%)>=100%。成本指标:补助成本(≤**元/株)≤28.40/株。\n\
二、 效益指标\n\
效益指标:经济效益指标:产值(≥**万元)≥80万元,增加收入(≥**万元)≥80万元;生态效益指标:生态修复功能提高。可持续影响指标,持续发展。\n\
附件:设定表.xlsx\n";
        let t = prose("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(t[0].project.as_deref(), Some("某镇葡萄种植项目"));
        let names: Vec<&str> = (2..g.rows.len() as u32).map(|r| g.text(r, 2)).collect();
        assert_eq!(
            names,
            [
                "★补助种植数量,葡萄种植数量(≥**株)",
                "成活率(≥**%)",
                "完成及时率(≥**%)",
                "补助成本(≤**元/株)",
                "产值(≥**万元)",
                "增加收入(≥**万元)",
                "生态修复功能",
                "持续发展"
            ]
        );
        assert_eq!(g.text(5, 1), "成本指标");
        assert_eq!(g.text(5, 0), "产出指标");
        assert_eq!(g.text(6, 1), "经济效益指标");
        assert_eq!(g.text(6, 3), "≥80万元");
        assert_eq!(g.text(9, 3), "");
    }

    #[test]
    fn a_notice_with_sub_heads_numbered_items_and_a_closing() {
        let text = "某县2024年温室建设项目绩效目标公示\n\
现将绩效目标公示如下:\n\
项目名称:某镇温室建设项目\n\
一、产出指标\n\
(一)数量指标\n\
1.新建日光温室数量:≥40座;\n\
2.配套设施面积:≥60亩。\n\
(二)成本指标\n\
1.每座温室补助标准:≤7万元/座。\n\
二、效益指标\n\
(一)可持续影响指标\n\
1.设施运行:良好。\n\
公示期为7天,如有异议,请于公示期内反映。监督电话:0943-3221456。\n\
某县农业农村局\n\
2024年4月10日\n";
        let t = prose("t.txt", text);
        let g = &t[0].grid;
        assert_eq!(g.text(0, 0), "项目名称:某镇温室建设项目");
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "某镇温室建设项目");
        let rows: Vec<(&str, &str, &str)> = crate::textgrid::category_name_value(&p.indicators);
        assert_eq!(
            rows,
            [
                ("数量指标", "新建日光温室数量", "≥40座"),
                ("数量指标", "配套设施面积", "≥60亩"),
                ("成本指标", "每座温室补助标准", "≤7万元/座"),
                ("可持续影响指标", "设施运行", "良好"),
            ]
        );
    }

    #[test]
    fn a_level_head_ended_by_its_sentence_and_fields_in_one_sentence() {
        let text = "关于某区社区食堂补助资金绩效目标的公示\n\
一、基本情况\n\
项目名称：社区长者食堂运营补助；主管部门：某区民政局；服务范围：全区。\n\
二、绩效目标\n\
（一）产出指标。1.数量指标：运营食堂数≥12个；日均供餐≥800人次。2.时效指标：补助发放时间2025年6月底前。\n\
（二）满意度指标。1.服务对象满意度指标：就餐老人满意度≥92%。\n\
特此公示。\n";
        let t = prose("t.txt", text);
        let g = &t[0].grid;
        let doc = crate::ingest::excel::read_grid(g).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "社区长者食堂运营补助");
        let rows: Vec<(&str, &str, &str, &str)> = p
            .indicators
            .iter()
            .map(|i| {
                (
                    i.level.as_str(),
                    i.category.as_str(),
                    i.name.as_str(),
                    i.annual_value.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("产出指标", "数量指标", "运营食堂数", "≥12个"),
                ("产出指标", "数量指标", "日均供餐", "≥800人次"),
                ("产出指标", "时效指标", "补助发放时间", "2025年6月底前"),
                ("满意度指标", "服务对象满意度指标", "就餐老人满意度", "≥92%"),
            ]
        );
        // The same outline explaining the framework names no targets.
        let text = "（一）产出指标。1.数量指标：反映补助覆盖的食堂数量；2.时效指标：反映补助发放是否及时。\n\
（二）满意度指标。1.服务对象满意度指标：反映老人对食堂的评价。\n";
        assert!(prose("t.txt", text).is_empty());
    }

    #[test]
    fn numbering_styles_tell_levels_from_categories() {
        let text = "项目名称:某温室项目\n\
(一)产出指标\n\
1、数量指标\n\
(1)新建温室数量：≥40座;\n\
2、成本指标\n\
(1)每座补助标准：≤7万元/座。\n\
(二)效益指标\n\
1、社会效益指标\n\
(1)带动务工人数：≥60人。\n\
(三)满意度指标\n\
1、服务对象满意度指标\n\
(1)受益群众满意度：≥95%。\n";
        let t = prose("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        let rows: Vec<(&str, &str, &str)> = p
            .indicators
            .iter()
            .map(|i| (i.level.as_str(), i.category.as_str(), i.name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("产出指标", "数量指标", "新建温室数量"),
                ("产出指标", "成本指标", "每座补助标准"),
                ("效益指标", "社会效益指标", "带动务工人数"),
                ("满意度指标", "服务对象满意度指标", "受益群众满意度"),
            ]
        );
    }

    /// (project, level, category, name, value) of the prose tables' rows.
    fn prose_rows(text: &str) -> Vec<[String; 5]> {
        prose("t.txt", text)
            .iter()
            .flat_map(|t| {
                let doc = crate::ingest::excel::read_grid(&t.grid).unwrap().doc;
                doc.projects()
                    .flat_map(|(_, p)| {
                        p.indicators.iter().map(|i| {
                            [
                                p.name.clone(),
                                i.level.clone(),
                                i.category.clone(),
                                i.name.clone(),
                                i.annual_value.clone().unwrap_or_default(),
                            ]
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn a_bulletin_of_projects_under_numbered_heads_with_levels_alone_on_lines() {
        let text = "\
某县交通运输局绩效目标公开
一、农村公路安防工程
本项目安排资金八十万元，由县公路中心实施。
产出指标
数量指标：安装波形护栏 ≥20公里
时效指标：完工时间 10月底前
满意度指标
服务对象满意度指标：沿线群众满意度 ≥90%
二、客运站场维护
产出指标
质量指标：设施完好率 ≥95%
效益指标
可持续影响指标：站场设施运行 良好
社会效益指标：旅客候车条件 ≥98%
";
        let r = prose_rows(text);
        let row = |p: &str, l: &str, c: &str, n: &str, v: &str| [p, l, c, n, v].map(String::from);
        assert_eq!(
            r,
            [
                row(
                    "农村公路安防工程",
                    "产出指标",
                    "数量指标",
                    "安装波形护栏",
                    "≥20公里"
                ),
                row(
                    "农村公路安防工程",
                    "产出指标",
                    "时效指标",
                    "完工时间",
                    "10月底前"
                ),
                row(
                    "农村公路安防工程",
                    "满意度指标",
                    "服务对象满意度指标",
                    "沿线群众满意度",
                    "≥90%"
                ),
                row("客运站场维护", "产出指标", "质量指标", "设施完好率", "≥95%"),
                row(
                    "客运站场维护",
                    "效益指标",
                    "可持续影响指标",
                    "站场设施运行",
                    "良好"
                ),
                row(
                    "客运站场维护",
                    "效益指标",
                    "社会效益指标",
                    "旅客候车条件",
                    "≥98%"
                ),
            ]
        );
    }

    #[test]
    fn an_item_wrapped_onto_the_next_line_is_not_cut_at_its_space() {
        // The line goes on below (no label opens the next line): its space
        // is not where a name ends and its value starts.
        let text = "\
一、产出指标
1.数量指标：改造农村危房 ≥120户；完成改造后
入住率 ≥95%。
二、效益指标
1.社会效益指标：住房安全保障水平 明显提升。
";
        let r = prose_rows(text);
        assert!(r.iter().all(|x| x[3] != "完成改造后"), "{r:?}");
        assert!(
            r.iter().any(|x| x[3] == "改造农村危房" && x[4] == "≥120户"),
            "{r:?}"
        );
    }

    #[test]
    fn numbered_heads_of_a_notice_outline_are_not_projects() {
        // 一、 has no sections under it: the heads are the notice's outline,
        // and no project is made of 二、's words.
        let text = "\
一、项目概况
本项目用于县域道路安全设施完善。
二、绩效目标
产出指标
数量指标：安装波形护栏 ≥20公里
效益指标
社会效益指标：交通事故下降率 ≥5%
";
        let r = prose_rows(text);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(
            r.iter().all(|x| x[0] != "绩效目标" && x[0] != "项目概况"),
            "{r:?}"
        );
        assert_eq!(r[1][1], "效益指标");
    }

    #[test]
    fn glued_rows_under_two_value_columns() {
        let text = "项目名称农村饮水安全工程维修养护\n\
绩效指标一级指标二级指标三级指标中期指标值年度指标值\n\
产出指标数量指标维修养护农村供水工程处数≥360处≥120处\n\
质量指标维修养护工程验收合格率100%100%\n\
效益指标可持续影响指标供水工程长效运行持续发挥效益持续发挥效益\n";
        let t = tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let rows: Vec<(String, Option<String>, Option<String>)> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| {
                (
                    i.name.clone(),
                    i.cycle_value.clone(),
                    i.annual_value.clone(),
                )
            })
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            rows,
            [
                (
                    "维修养护农村供水工程处数".to_string(),
                    s("≥360处"),
                    s("≥120处")
                ),
                ("维修养护工程验收合格率".to_string(), s("100%"), s("100%")),
            ]
        );
        // Two wordy values run together: where they part is not certain.
        assert_eq!(t[0].rejects.len(), 1);
    }

    #[test]
    fn unnumbered_sections_opened_by_a_level_and_a_colon() {
        let text = "关于某村道路硬化项目绩效目标的公示\n\
产出指标：数量指标：硬化道路长度≥2.5公里；质量指标：工程验收合格率100%。\n\
效益指标：社会效益指标：受益群众人数≥800人。\n\
满意度指标：服务对象满意度指标：受益群众满意度≥90%。\n\
特此公示。\n";
        let t = prose("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "某村道路硬化项目");
        let rows: Vec<(&str, &str, &str)> = p
            .indicators
            .iter()
            .map(|i| (i.level.as_str(), i.category.as_str(), i.name.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("产出指标", "数量指标", "硬化道路长度"),
                ("产出指标", "质量指标", "工程验收合格率"),
                ("效益指标", "社会效益指标", "受益群众人数"),
                ("满意度指标", "服务对象满意度指标", "受益群众满意度"),
            ]
        );
    }
}

//! Text flattenings of tables back into [`Grid`]s, so that one long-table
//! reader ([`crate::ingest::excel::read_grid`]) reads every layout.
//!
//! Web pages and PDF-to-text tools flatten an HTML or PDF table in a few
//! ways; each builder here undoes one:
//! - [`pipe`]: `| a | b |` rows, padded with empty cells at the end, with
//!   cells merged into the row above missing at the start;
//! - [`cells`]: one cell per line, ending ` |` (with `|`-only lines ending
//!   rows) or separated by blank lines (rows rebuilt from the head);
//! - [`spaced`]: one row per line, cells separated by spaces, which names
//!   may hold too: split on the head and the framework's vocabulary;
//! - [`glued`]: cells run together with no separator, and prose
//!   (`一、产出指标 … 数量指标:…;…。`), split on the vocabulary and a trailing value;
//! - [`indent`]: no cells at all, the hierarchy told by indentation alone
//!   (a level, its categories indented, `name  value` lines indented further);
//! - [`fields`]: one `label：value` field per line, a record per indicator;
//! - [`separated`]: rows and cells split by other characters (tabs inside
//!   `|` rows, rows run together on one line, `｜`), found from the text.
//!
//! Every cell keeps the text line it came from (`Position::Line`).

pub mod boxed;
pub mod cells;
pub mod delimited;
pub mod fields;
pub mod glued;
pub mod indent;
pub mod layout;
pub mod pipe;
pub mod pivot;
pub mod separated;
pub mod spaced;

use crate::grid::{Cell, Grid, GridSource};
use crate::ingest::excel::header::{self, Role};
use crate::model::Position;
use crate::vocab;

/// One table found in a text: its grid, and what the builder could not place.
#[derive(Debug, Clone)]
pub struct TextTable {
    pub grid: Grid,
    /// (line, text, reason) of pieces the builder could not split with certainty.
    pub rejects: Vec<(usize, String, String)>,
    /// The project when the text names it outside the grid (a notice's title).
    pub project: Option<String>,
}

impl TextTable {
    fn new(source: &str, kind: GridSource) -> Self {
        TextTable {
            grid: Grid::new(source, "", kind),
            rejects: Vec::new(),
            project: None,
        }
    }
}

/// The indicators a table's grid reads as (for the builders' tests).
#[cfg(test)]
pub(crate) fn read_indicators(t: &TextTable) -> Vec<crate::model::Indicator> {
    crate::ingest::excel::read_grid(&t.grid)
        .map(|r| r.doc.units)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|u| u.projects)
        .flat_map(|p| p.indicators)
        .collect()
}

/// (category, name, annual value) of each indicator (for the tests).
#[cfg(test)]
pub(crate) fn category_name_value(inds: &[crate::model::Indicator]) -> Vec<(&str, &str, &str)> {
    inds.iter()
        .map(|i| {
            (
                i.category.as_str(),
                i.name.as_str(),
                i.annual_value.as_deref().unwrap_or(""),
            )
        })
        .collect()
}

/// A piece of text with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub line: usize,
}

impl Piece {
    pub fn new(text: impl Into<String>, line: usize) -> Self {
        Piece {
            text: text.into(),
            line,
        }
    }
}

/// The role of a head cell's text.
pub(crate) fn role(t: &str) -> Option<Role> {
    // A label with its value (`年度绩效目标：完成…`) is a key-value head's
    // line, not a column head; a unit in brackets (`金额(单位:万元)`) is.
    let k = vocab::key(t);
    if let Some((_, after)) = k.split_once(':')
        && !after.is_empty()
        && !after.ends_with(')')
    {
        return None;
    }
    header::role_of(&header::squeeze(t))
}

/// The roles of a row of head cells, each made certain by the row it
/// stands in ([`header::roles_in_row`]).
pub(crate) fn roles(cells: &[Piece]) -> Vec<Option<Role>> {
    let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
    roles_of_texts(&texts)
}

/// The roles of a row of head texts (see [`roles`]).
pub(crate) fn roles_of_texts(texts: &[&str]) -> Vec<Option<Role>> {
    let mut out: Vec<Option<Role>> = texts.iter().map(|t| role(t)).collect();
    header::roles_in_row(texts, &mut out);
    out
}

/// Whether the roles of a row of heads make a long table's head: levels or
/// categories, names, and values; or all three levels of the framework
/// without a value column (the values may be in the names' cells: the long
/// reader decides by their content).
pub(crate) fn is_long_head(roles: &[Option<Role>]) -> bool {
    let has = |r: Role| roles.contains(&Some(r));
    // Region names heading the value columns (`三级指标 | 甲县 | 乙县`): two
    // or more unknown heads after the names; the grid's head finder checks
    // them (`header::region_heads`).
    let regions = || {
        roles
            .iter()
            .skip_while(|r| **r != Some(Role::Name))
            .filter(|r| r.is_none())
            .count()
            >= 2
    };
    // A label column before the names that no level word heads (`指标类型`,
    // `指标类别`, a blank head): its cells may prove it the 一级 column
    // (`header::levels_by_content`).
    let unnamed_labels = || {
        roles
            .iter()
            .take_while(|r| **r != Some(Role::Name))
            .any(|r| matches!(r, None | Some(Role::ValueKind)))
    };
    let values = has(Role::Annual) || has(Role::Cycle) || has(Role::HalfYear);
    ((has(Role::Level) || has(Role::Category))
        && (has(Role::Name) || has(Role::Indicators))
        && (values || regions()))
        || (has(Role::Name) && values && unnamed_labels())
        || (has(Role::Level) && has(Role::Category) && has(Role::Name))
}

/// Whether the roles of a row of heads make the seed's wide table's head:
/// projects with their amounts and their indicators as numbered text.
pub(crate) fn is_wide_head(roles: &[Option<Role>]) -> bool {
    let has = |r: Role| roles.contains(&Some(r));
    has(Role::Project) && has(Role::Indicators) && (has(Role::Total) || has(Role::Fiscal))
}

/// Whether a framework word at a row's start is its 一级 rather than its 二级.
/// 成本指标 and 满意度指标 are both (a level in newer templates, a category
/// under 产出 or 满意度 in older ones): a level is followed by its category in
/// the same row, a category by a name.
pub(crate) fn starts_as_level(word: &str, next: Option<&str>) -> bool {
    if !vocab::is_level_word(word) {
        return false;
    }
    if !vocab::is_category_word(word) {
        return true;
    }
    next.is_some_and(|n| vocab::is_category_word(n) && vocab::key(n) != vocab::key(word))
}

/// `(40-50)分`: a score range alone, the rest of a level printed before it.
pub(crate) fn score_only(t: &str) -> bool {
    // The key drops score ranges: nothing else is left of one.
    !t.trim().is_empty() && vocab::key(t).is_empty()
}

/// Cells of a level or category wrapped over two lines joined again:
/// `经济效益` / `指标` → `经济效益指标`, `产出指标` / `(40-50)分` →
/// `产出指标(40-50)分`.
pub(crate) fn join_wrapped(cells: &[Piece]) -> Vec<Piece> {
    let framework = |t: &str| vocab::is_level_word(t) || vocab::is_category_word(t);
    let mut out: Vec<Piece> = Vec::with_capacity(cells.len());
    for c in cells {
        if let Some(prev) = out.last_mut() {
            let joined = format!("{}{}", prev.text, c.text);
            let wrapped = framework(&joined)
                && !framework(&c.text)
                && !c.text.is_empty()
                && c.text.chars().count() <= 4
                && vocab::key(&joined) != vocab::key(&prev.text);
            let score = vocab::is_level_word(&prev.text) && score_only(&c.text);
            if wrapped || score {
                prev.text = joined;
                continue;
            }
        }
        out.push(c.clone());
    }
    out
}

/// Marks of the end of a table on a web page or form: notes, signatures,
/// review boxes, page furniture.
pub(crate) fn is_table_end(t: &str) -> bool {
    let k = vocab::key(t);
    const STARTS: &[&str] = &[
        "附件",
        "扫一扫",
        "填表人",
        "填报人",
        "制表人",
        "审核人",
        "联系人",
        "联系电话",
        "注:",
        "说明:",
        "填报说明",
        "填表说明",
        "相关解读",
        "[下载]",
        "(下载)",
        "财政部门审核意见",
        "主管部门审核意见",
        "单位负责人",
        "制表日期",
        "填报日期",
        "填表日期",
        "打印日期",
        "打印时间",
        // A notice's closing sentences.
        "特此公示",
        "特此公告",
        "如有异议",
        "公示期为",
        "公示时间",
        "监督电话",
        "举报电话",
    ];
    const WITHIN: &[&str] = &["审核意见", "审批意见", "初审意见", "(盖章)", "扫一扫"];
    STARTS.iter().any(|s| k.starts_with(s)) || WITHIN.iter().any(|s| k.contains(s))
}

/// A `label：value` field line (`附注：无`, `发布机构：某局`, `Contact: x`):
/// a short label, a colon, and a value after it. Such a text is a page's
/// field, never a 一级 or 二级 cell (those are words with no value after a
/// colon); after a table's blank line it ends the table. Framework words
/// and value labels before the colon (`产出指标：`, `年度目标值：≥95%`) are
/// not fields.
pub(crate) fn is_field_line(t: &str) -> bool {
    let t = t.trim();
    let Some((label, value)) = t.split_once([':', '：']) else {
        return false;
    };
    let (label, value) = (label.trim(), value.trim());
    let n = label.chars().count();
    let word = label
        .chars()
        .all(|c| c.is_alphabetic() && !c.is_ascii_digit() && !c.is_whitespace());
    let framework = vocab::is_level_word(label)
        || vocab::is_category_word(label)
        || vocab::holds_framework_label(label)
        || label.contains("指标");
    (2..=8).contains(&n) && word && !framework && !value.is_empty()
}

/// A web page's link button copied with the text (`【打印本页】`, `[关闭]`):
/// a short word wholly in brackets, nothing outside them.
pub(crate) fn is_bracketed_link(t: &str) -> bool {
    let t = t.trim();
    let inner = t
        .strip_prefix('【')
        .and_then(|r| r.strip_suffix('】'))
        .or_else(|| t.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
    inner.is_some_and(|r| {
        let n = r.chars().count();
        (2..=8).contains(&n)
            && !r.contains(['【', '】', '[', ']'])
            && r.chars().all(char::is_alphabetic)
    })
}

/// A project's label opening a key-value head (`项目名称：X`, `项目名称:`,
/// `项目名称` before its value): after a table's rows, the next project's
/// head block begins, so the table ends there.
pub(crate) fn is_project_label(t: &str) -> bool {
    let k = vocab::key(t);
    // A bracketed note may follow the label: `项目名称(代码)：X`.
    let after_note = |r: &str| -> bool {
        let r = match r.strip_prefix('(') {
            Some(inner) => match inner.split_once(')') {
                Some((_, rest)) => rest,
                None => return false,
            },
            None => r,
        };
        r.is_empty() || r.starts_with(':')
    };
    vocab::PROJECT_LABELS
        .iter()
        .any(|l| k.strip_prefix(l).is_some_and(after_note))
}

/// A date alone, to the day (`2022年6月8日`, `2022-06-08`, `2022.6.8`): the
/// date of a sign-off. Targets give months or deadlines (`2021年12月`,
/// `2022年12月底前`), which this does not take.
pub(crate) fn is_full_date(t: &str) -> bool {
    // Official sign-offs also write the date in numerals: 二〇二二年六月八日.
    const NUMERALS: &str = "〇零一二三四五六七八九十";
    let k = vocab::key(t);
    if k.ends_with('日')
        && k.contains('年')
        && k.contains('月')
        && k.chars()
            .all(|c| NUMERALS.contains(c) || matches!(c, '年' | '月' | '日'))
    {
        return true;
    }
    let parts: Vec<&str> = k
        .split(['年', '月', '日', '-', '.', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let digits = |p: &&str, n: std::ops::RangeInclusive<usize>| {
        p.chars().all(|c| c.is_ascii_digit()) && n.contains(&p.chars().count())
    };
    let shaped = k.ends_with('日') || !k.contains('年');
    shaped
        && parts.len() == 3
        && parts.first().is_some_and(|p| digits(p, 4..=4))
        && parts.iter().skip(1).all(|p| digits(p, 1..=2))
}

/// An organisation's name as a signature prints it (`陕西省汉滨区财政局`):
/// a short text without digits ending in an office's word.
pub(crate) fn is_organisation(t: &str) -> bool {
    const ENDS: &[&str] = &[
        "局",
        "委员会",
        "委",
        "政府",
        "办公室",
        "办",
        "厅",
        "中心",
        "处",
        "所",
        "院",
        "站",
        "办事处",
        "公司",
    ];
    let k = vocab::key(t);
    let n = k.chars().count();
    (4..=30).contains(&n)
        && !k.chars().any(|c| c.is_ascii_digit())
        && !vocab::is_level_word(&k)
        && !vocab::is_category_word(&k)
        && ENDS.iter().any(|e| k.ends_with(e))
}

/// A sign-off after a table: an organisation's name followed by a date to
/// the day. Furniture, not a row.
pub(crate) fn is_sign_off(name: &str, next: Option<&str>) -> bool {
    is_organisation(name) && next.is_some_and(is_full_date)
}

/// Page furniture inside a table printed over several pages: a page number
/// (`第 1 页`, `第1页，共2页`, `— 1 —`, `- 2 -`), the title repeated on a new
/// page (`项目支出绩效目标表`), the money unit (`单位：万元`). Skipped, the
/// table goes on.
pub(crate) fn is_page_furniture(t: &str) -> bool {
    let k = vocab::key(t);
    if k.is_empty() {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let page = |s: &str| {
        s.strip_prefix('第')
            .and_then(|r| r.strip_suffix('页'))
            .is_some_and(digits)
    };
    // `第1页，共2页`, or with no comma between (`第1页共2页`).
    let split = k
        .split_once(',')
        .or_else(|| k.find("页共").map(|at| k.split_at(at + '页'.len_utf8())));
    let page_of = split.is_some_and(|(a, b)| {
        page(a)
            && b.strip_prefix('共')
                .and_then(|r| r.strip_suffix('页'))
                .is_some_and(digits)
    });
    let dashed = ['-', '—', '–'].iter().any(|d| {
        k.strip_prefix(*d)
            .and_then(|r| r.strip_suffix(*d))
            .is_some_and(digits)
    });
    let title = k.contains("绩效目标")
        && k.chars().count() < 60
        && !k.contains([',', '。', ';', '、'])
        && (k.ends_with('表') || (k.ends_with(')') && k.contains("表(")));
    let money = matches!(
        k.as_str(),
        "单位:万元" | "单位:元" | "金额单位:万元" | "金额单位:元"
    );
    page(&k) || page_of || dashed || title || money
}

/// A comparison alone: `≥`, `>=`, `＝`.
pub(crate) fn is_operator(t: &str) -> bool {
    crate::ingest::excel::is_operator(t)
}

/// A target value as printed in a value cell: a number with an optional
/// comparison and unit (`≥95%`, `>=20平方米`, `10辆`, `2023.07-2024.01`).
/// Template placeholders (`≥**个`) are not values.
pub(crate) fn value_like(t: &str) -> bool {
    let k = vocab::key(t);
    if k.contains("**") || k.is_empty() {
        return false;
    }
    let body = strip_operator(&k);
    body.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The text after a leading comparison (`≥`, `>=`, `不低于`), or all of it.
pub(crate) fn strip_operator(k: &str) -> &str {
    const OPS: &[&str] = &[
        ">=",
        "<=",
        "≥",
        "≤",
        "≧",
        "≦",
        ">",
        "<",
        "=",
        "不低于",
        "不少于",
        "不高于",
        "不超过",
        "不大于",
        "不小于",
        "大于",
        "小于",
        "等于",
        "达到",
        "约",
    ];
    OPS.iter()
        .find_map(|o| k.strip_prefix(o))
        .map_or(k, str::trim_start)
}

/// How well a cell's text fits a column: positive where it belongs there,
/// negative where it certainly does not. Used to place the cells of a row
/// whose leading cells were merged into the rows above, or whose trailing
/// empty cells were dropped.
pub(crate) fn fit(role: Option<Role>, t: &str) -> i32 {
    let t = t.trim();
    if t.is_empty() {
        return 0;
    }
    let level = vocab::is_level_word(t);
    let category = vocab::is_category_word(t);
    let op = is_operator(t);
    let amount = vocab::parse_amount(t).ok().flatten().is_some();
    let value = value_like(t);
    match role {
        Some(Role::Level) => {
            if level {
                3
            } else {
                -3
            }
        }
        Some(Role::Category) => {
            if category {
                3
            } else if level || op || amount {
                -3
            } else {
                -1
            }
        }
        Some(Role::Name) => {
            if level || category || op {
                -3
            } else if amount {
                -2
            } else {
                0
            }
        }
        Some(Role::Annual | Role::Cycle | Role::HalfYear) => {
            if value {
                2
            } else if level || category {
                -3
            } else {
                0
            }
        }
        Some(Role::Operator) => {
            if op {
                3
            } else {
                -3
            }
        }
        Some(Role::Nature) => {
            if op || vocab::direction(t).is_some() || vocab::value_kind(t).is_some() {
                3
            } else {
                -1
            }
        }
        Some(Role::Direction | Role::ValueKind) => {
            if vocab::direction(t).is_some() || vocab::value_kind(t).is_some() {
                3
            } else {
                -1
            }
        }
        Some(Role::Measure) => {
            if t.chars().any(|c| c.is_ascii_digit()) || t.chars().count() > 6 {
                -2
            } else {
                1
            }
        }
        Some(Role::Weight) => {
            if amount {
                2
            } else {
                -2
            }
        }
        Some(Role::Total | Role::Fiscal | Role::Special | Role::Other) => {
            if amount {
                2
            } else {
                -2
            }
        }
        Some(Role::Project | Role::Unit | Role::Goal) => {
            if level || category || op {
                -3
            } else if amount {
                -2
            } else {
                0
            }
        }
        Some(Role::SelfEval) => {
            if value {
                -1
            } else {
                0
            }
        }
        Some(Role::Indicators) => {
            if level || category {
                -1
            } else {
                0
            }
        }
        Some(Role::Remark) | None => 0,
    }
}

/// The first column of a row of `cells` under heads of `roles` (see [`align`]).
#[cfg(test)]
pub(crate) fn place(cells: &[Piece], roles: &[Option<Role>]) -> usize {
    align(cells, roles).first().copied().unwrap_or(0)
}

/// Whether a column's cell may be missing from a row because it was merged
/// into the rows above (a group's 一级/二级, a project's unit, name, amounts
/// and goal), or its head is unknown.
fn mergeable(role: Option<Role>) -> bool {
    matches!(
        role,
        None | Some(
            Role::Level
                | Role::Category
                | Role::Project
                | Role::Unit
                | Role::Goal
                | Role::Total
                | Role::Fiscal
                | Role::Special
                | Role::Other
        )
    )
}

/// The column of each of a row's `cells` under heads of `roles`, in order:
/// the placement that fits the cells best (see [`fit`]). A flattened HTML
/// table leaves out a cell merged into the rows above wherever it stands
/// (a group's 二级 between two blocks of 三级 and 指标值, not only at the
/// start), and drops the empty cells at a row's end; leaving out another
/// column costs. Of equal placements, the one furthest right.
pub(crate) fn align(cells: &[Piece], roles: &[Option<Role>]) -> Vec<usize> {
    let n = cells.len();
    let width = roles.len();
    if n >= width {
        return (0..n).collect();
    }
    const NONE: i32 = i32::MIN / 4;
    let role = |j: usize| roles.get(j).copied().flatten();
    // Columns before the row's first cell cost nothing (its leading empty
    // cells were dropped too); one left out between its cells must have been
    // merged into the rows above.
    let skip = |i: usize, j: usize| {
        if i == 0 || mergeable(role(j)) { 0 } else { -2 }
    };
    // best[i][j]: the best score of cells i.. in columns j.. (row-major).
    let idx = |i: usize, j: usize| i * (width + 1) + j;
    let mut best = vec![NONE; (n + 1) * (width + 1)];
    for j in 0..=width {
        if let Some(b) = best.get_mut(idx(n, j)) {
            *b = 0; // the row's end: its trailing empty cells were dropped
        }
    }
    let at = |best: &Vec<i32>, i: usize, j: usize| best.get(idx(i, j)).copied().unwrap_or(NONE);
    for i in (0..n).rev() {
        for j in (0..width).rev() {
            let text = cells.get(i).map_or("", |c| c.text.as_str());
            let here = at(&best, i + 1, j + 1);
            let take = if here == NONE {
                NONE
            } else {
                here + fit(role(j), text)
            };
            let rest = at(&best, i, j + 1);
            let leave = if rest == NONE {
                NONE
            } else {
                rest + skip(i, j)
            };
            if let Some(b) = best.get_mut(idx(i, j)) {
                *b = take.max(leave);
            }
        }
    }
    // Walk the choices, leaving a column out wherever that is as good (the
    // rightmost placement of equals).
    let mut cols = Vec::with_capacity(n);
    let (mut i, mut j) = (0, 0);
    while i < n && j < width {
        let rest = at(&best, i, j + 1);
        if rest != NONE && rest + skip(i, j) == at(&best, i, j) {
            j += 1;
        } else {
            cols.push(j);
            i += 1;
            j += 1;
        }
    }
    if cols.len() == n {
        cols
    } else {
        (0..n).collect()
    }
}

/// Pushes a row of pieces at the given columns; empty pieces are kept out.
pub(crate) fn push_at(grid: &mut Grid, cols: &[usize], pieces: &[Piece]) {
    let line = pieces.first().map_or(0, |p| p.line);
    let cells: Vec<Cell> = pieces
        .iter()
        .zip(cols)
        .filter(|(p, _)| !p.text.trim().is_empty())
        .map(|(p, &c)| {
            let col = u32::try_from(c).unwrap_or(u32::MAX);
            Cell::new(0, col, p.text.trim(), Position::Line(p.line))
        })
        .collect();
    grid.push_row(cells, Position::Line(line));
}

/// Pushes a row of pieces starting at column `start`; empty pieces are kept
/// out of the grid (readers do not care), their columns still counted.
pub(crate) fn push(grid: &mut Grid, start: usize, pieces: &[Piece]) {
    let line = pieces.first().map_or(0, |p| p.line);
    let cells: Vec<Cell> = pieces
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.text.trim().is_empty())
        .map(|(i, p)| {
            let col = u32::try_from(start + i).unwrap_or(u32::MAX);
            Cell::new(0, col, p.text.trim(), Position::Line(p.line))
        })
        .collect();
    grid.push_row(cells, Position::Line(line));
}

/// Whether a cell is a label of a key-value head (项目名称, 主管部门, 资金总额 …).
pub(crate) fn is_head_label(t: &str) -> bool {
    let k = label_key(t);
    // A note in brackets inside a label (`主管部门(单位)名称`) is not part of
    // it; a text that begins with brackets (`(2022年度)项目名称`, a wrapped
    // line before the label) is not a label.
    let bare = if k.starts_with('(') {
        k.clone()
    } else {
        vocab::without_brackets(&k)
    };
    [
        vocab::PROJECT_LABELS,
        vocab::DEPARTMENT_LABELS,
        vocab::UNIT_LABELS,
        vocab::AMOUNT_LABELS,
        vocab::OTHER_HEAD_LABELS,
    ]
    .iter()
    .any(|l| l.contains(&k.as_str()) || l.contains(&bare.as_str()))
}

fn label_key(t: &str) -> String {
    let k = vocab::key(t);
    let k = k.trim_start_matches("其中:").trim_end_matches([':', '：']);
    header::split_money_unit(k).0
}

/// Cells of a key-value head, one per line, into rows: a label starts a row
/// and the cells after it are its values. A label wrapped over two cells
/// (`主管部门` / `及编码`) is joined.
pub(crate) fn head_rows(cells: &[Piece]) -> Vec<Vec<Piece>> {
    let mut rows: Vec<Vec<Piece>> = Vec::new();
    let mut i = 0;
    while let Some(c) = cells.get(i) {
        let joined = cells
            .get(i + 1)
            .map(|n| format!("{}{}", c.text.trim(), n.text.trim()));
        if let Some(j) = joined.filter(|j| is_head_label(j) && !c.text.trim().is_empty()) {
            rows.push(vec![Piece::new(j, c.line)]);
            i += 2;
            continue;
        }
        if is_head_label(&c.text) || rows.is_empty() {
            rows.push(vec![c.clone()]);
        } else if let Some(r) = rows.last_mut() {
            r.push(c.clone());
        }
        i += 1;
    }
    rows
}

/// A document's title line: the first line that names a target table.
pub(crate) fn title_of(text: &str) -> Option<String> {
    // A page's metadata (`标 题: | …`, `标 题 … 文 号`) names it too; the
    // cell or line that is the title alone is preferred.
    let pieces = text
        .lines()
        .take(80)
        .flat_map(|l| l.split('|'))
        .map(str::trim)
        .filter(|p| {
            let k = vocab::key(p);
            k.contains("绩效") && (k.contains("表") || k.contains("公示") || k.contains("公开"))
        });
    let mut first = None;
    for p in pieces {
        let k = vocab::key(p);
        if !k.contains("标题") && !k.contains("文号") {
            return Some(p.to_string());
        }
        first.get_or_insert(p);
    }
    first.map(str::to_string)
}

/// Whether the text's title calls it an evaluation or self-evaluation table:
/// it reports or scores results, it sets no targets.
pub(crate) fn is_evaluation_document(text: &str) -> bool {
    text.lines().take(20).any(|l| {
        let k = vocab::key(l);
        k.contains("评价指标表")
            || k.contains("自评表")
            || k.contains("评价表")
            || k.contains("自评报告")
            || k.contains("评价报告")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(ts: &[&str]) -> Vec<Piece> {
        ts.iter().map(|t| Piece::new(*t, 1)).collect()
    }

    #[test]
    fn rows_placed_by_what_their_cells_hold() {
        let heads = [
            "绩效指标",
            "一級目標",
            "二級指標",
            "三級指標",
            "指標值",
            "實際完成值",
            "未達到指標值原因",
        ];
        let roles: Vec<_> = heads.iter().map(|h| role(h)).collect();
        assert!(is_long_head(&roles));
        // Leading cell merged above, trailing empty cells dropped.
        assert_eq!(
            place(
                &pieces(&["產出指標", "數量指標", "应受助学生数", "100%"]),
                &roles
            ),
            1
        );
        assert_eq!(place(&pieces(&["免学费应受助学生数", "100%"]), &roles), 3);
        let heads = [
            "单位名称",
            "项目名称",
            "预算数",
            "年度目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "权重",
            "指标方向性",
        ];
        let roles: Vec<_> = heads.iter().map(|h| role(h)).collect();
        let row = pieces(&[
            "产出指标",
            "时效指标",
            "维持时效",
            "≥",
            "1",
            "年",
            "20",
            "正向指标",
        ]);
        assert_eq!(place(&row, &roles), 4);
        let row = pieces(&[
            "基层组织活动经费",
            "660,000.00",
            "包括办公经费",
            "满意度指标",
            "服务对象满意度指标",
            "辖区内群众满意度",
            "≥",
            "95",
            "%",
            "10",
            "正向指标",
        ]);
        assert_eq!(place(&row, &roles), 1);
    }

    #[test]
    fn cells_merged_above_may_be_missing_between_two_blocks() {
        // 一级 | 二级 | 三级 | 指标值 | 二级 | 三级 | 指标值 (中期 | 年度 blocks): a
        // row under both blocks' merged 二级 prints four cells.
        let heads = [
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "二级指标",
            "三级指标",
            "指标值",
        ];
        let roles: Vec<_> = heads.iter().map(|h| role(h)).collect();
        let row = pieces(&["巡查河道长度", "≥120公里", "巡查河道长度", "≥40公里"]);
        assert_eq!(align(&row, &roles), vec![2, 3, 5, 6]);
        // A row with its own 二级 in the second block is contiguous.
        let row = pieces(&["河道保洁率", "≥95%", "质量指标", "河道保洁率", "≥95%"]);
        assert_eq!(align(&row, &roles), vec![2, 3, 4, 5, 6]);
        // A name column is not left out between cells: no merged name.
        let heads = ["三级指标", "指标值", "权重"];
        let roles: Vec<_> = heads.iter().map(|h| role(h)).collect();
        assert_eq!(align(&pieces(&["完成率", "100%"]), &roles), vec![0, 1]);
    }

    #[test]
    fn values_and_placeholders() {
        assert!(value_like(">=20平方米"));
        assert!(value_like("≥95%"));
        assert!(value_like("10辆"));
        assert!(value_like("2023.07-2024.01"));
        assert!(!value_like("≥**个"));
        assert!(!value_like("优良"));
        assert!(!value_like("(盖章)"));
    }

    #[test]
    fn key_value_heads() {
        let rows = head_rows(&pieces(&[
            "项目名称",
            "教育系统基础设施建设和设备购置",
            "主管部门",
            "及编码",
            "[015001]武汉市青山区教育局",
            "实施单位",
            "武汉市青山区教育局",
        ]));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][0].text, "主管部门及编码");
        assert_eq!(rows[1][1].text, "[015001]武汉市青山区教育局");
    }

    #[test]
    fn ends_of_tables() {
        assert!(is_field_line("备注：以上数据为预估"));
        assert!(is_field_line("责任科室: 规划财务科"));
        assert!(is_field_line("录入：张三"));
        // Near misses: a framework word or a value label before the colon,
        // no value after it, a long sentence, a time.
        assert!(!is_field_line("产出指标：数量指标"));
        assert!(!is_field_line("年度指标值：≥95%"));
        assert!(!is_field_line("质量指标："));
        assert!(!is_field_line("社会效益指标:带动周边农户增收"));
        assert!(!is_field_line("按照全县统一部署开展秸秆禁烧巡查工作：共计"));
        assert!(!is_field_line("10:30"));
        assert!(is_table_end("附件:"));
        assert!(is_table_end("财政部门支出股室初审意见 (盖章)"));
        assert!(is_table_end("扫一扫在手机打开当前页"));
        assert!(!is_table_end("服务对象满意度指标"));
        assert!(is_project_label("项目名称：特种设备安全监管经费"));
        assert!(is_project_label("项目名称"));
        assert!(is_page_furniture("第 1 页"));
        assert!(is_page_furniture("第 1 页，共 2 页"));
        assert!(is_page_furniture("第3页共5页"));
        assert!(!is_page_furniture("第3页共5页内容"));
        assert!(is_page_furniture("— 2 —"));
        assert!(is_page_furniture("项目支出绩效目标表"));
        assert!(is_page_furniture("单位：万元"));
        assert!(!is_page_furniture("第1批次"));
        assert!(!is_page_furniture("≥1页"));
        assert!(is_sign_off("陕西省汉滨区财政局", Some("2022年6月8日")));
        assert!(is_sign_off("某县财政局", Some("2022-06-08")));
        assert!(!is_sign_off("维修养护任务完成时间", Some("2022年12月31日")));
        assert!(!is_full_date("2021年12月"));
        assert!(is_sign_off("某县财政局", Some("二〇二二年六月八日")));
        // A date alone may be the last row's value (a deadline): not furniture.
        assert!(!is_sign_off("2022年6月8日", None));
        assert!(!is_full_date("十二月"));
        assert!(!is_full_date("2022年12月底前"));
        assert!(!is_full_date("2023.07-2024.01"));
        assert!(is_project_label("专项名称:"));
        assert!(!is_project_label("项目名称变更率"));
        assert!(is_project_label("项目名称（代码）：[001]某项目"));
    }
}

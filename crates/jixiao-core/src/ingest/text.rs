//! The parser for text extracted from PDF tables of the seed's layout.
//!
//! It reads lines in three steps:
//!
//! - [`lines`] turns text into numbered lines on any line end (LF, CRLF, lone
//!   CR) and splits them at form feeds, marking where a page starts;
//! - the head (title, 部门名称, 单位, column heads) is read, and every line of it
//!   is remembered: repeated on a later page, it is page furniture. Furniture
//!   (those lines, page numbers, and the title and column-head patterns) is
//!   removed wherever it falls, even inside a project name, a goal or an
//!   indicator list, so the text on both sides joins as if the page break were
//!   not there;
//! - the row parser walks the remaining lines as a small state machine:
//!   - an indented line starts a project; its name may wrap over several lines
//!     (blank lines inside) until a line ends in amounts;
//!   - a line that is not indented and ends in amounts is a unit, or the grand
//!     total (`合计`);
//!   - the lines after a project's amounts are its goal and indicator list,
//!     split by [`indicator::split_block`].
//!
//! What cannot be placed becomes a reject with its line; a file that is another
//! kind of table (a self-evaluation) yields no units, which the caller reports
//! as not a target table; a file that ends inside a project is said to be cut.

use rust_decimal::Decimal;
use std::collections::HashSet;
use std::str::FromStr;

use super::indicator::{self, Joined};
use crate::model::{Amounts, Document, MoneyUnit, Project, Unit, WarningKind};

/// How to place source amounts when the text extraction dropped empty cells
/// (`950.00 950.00`: one source figure, but which column?).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DroppedCells {
    /// Keep 总计, leave the source columns empty and say why (the default:
    /// the text alone cannot tell).
    #[default]
    Unknown,
    /// Assume the figures printed fill the leftmost source columns
    /// (财政拨款 first): true of most tables, but an assumption.
    Leftmost,
}

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub dropped_cells: DroppedCells,
}

/// One line of input with its 1-based number.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub no: usize,
    pub text: &'a str,
    /// A form feed (page break) comes right before this line.
    pub page_start: bool,
}

/// Splits text into numbered lines on LF, CRLF or a lone CR. A form feed (page
/// break) also ends a line; the piece after it keeps the line's number and is
/// marked `page_start`; pieces left blank by a form feed are dropped.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    // About one line per 50 bytes of these tables: one allocation, mostly.
    let mut out = Vec::with_capacity((text.len() / 48 + 1).min(1 << 16));
    let b = text.as_bytes();
    let mut no = 0;
    let mut start = 0;
    let mut page_break = false;
    while start < b.len() {
        no += 1;
        // Line ends and form feeds are ASCII: byte offsets found here are
        // char boundaries.
        let rest = b.get(start..).unwrap_or_default();
        let (end, next) = match memchr::memchr2(b'\n', b'\r', rest) {
            Some(i) => {
                let crlf = rest.get(i..i + 2) == Some(b"\r\n".as_slice());
                (start + i, start + i + if crlf { 2 } else { 1 })
            }
            None => (b.len(), b.len()),
        };
        let line = text.get(start..end).unwrap_or_default();
        if memchr::memchr(b'\x0c', line.as_bytes()).is_some() {
            for (k, piece) in line.split('\x0c').enumerate() {
                page_break |= k > 0;
                if piece.trim().is_empty() {
                    continue;
                }
                out.push(Line {
                    no,
                    text: piece,
                    page_start: page_break,
                });
                page_break = false;
            }
        } else {
            out.push(Line {
                no,
                text: line,
                page_start: page_break,
            });
            page_break = false;
        }
        start = next;
    }
    out
}

/// `s` without whitespace: furniture is compared so, since extraction spaces
/// the same heading differently from page to page.
/// Whether `s` holds a Unicode whitespace character, in one pass over the
/// bytes: ASCII spaces, U+0085/U+00A0 (C2 ..), U+1680 (E1 9A 80),
/// U+2000–200A/2028/2029/202F (E2 80 ..), U+205F (E2 81 9F), U+3000 (E3 80 80).
/// Called for every line several times: no char decoding.
fn has_whitespace(s: &str) -> bool {
    let b = s.as_bytes();
    // Each byte is tested with the two after it, all with operations that do
    // not branch, so that the loop vectorises: this runs over every line.
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let ws = |a: u8, x: u8, y: u8| {
        (a == b' ')
            | (a.wrapping_sub(9) < 5)
            | ((a == 0xC2) & ((x == 0x85) | (x == 0xA0)))
            | ((a == 0xE1) & (x == 0x9A) & (y == 0x80))
            | ((a == 0xE2)
                & (((x == 0x80)
                    & ((y.wrapping_sub(0x80) <= 0x0A) | (y == 0xA8) | (y == 0xA9) | (y == 0xAF)))
                    | ((x == 0x81) & (y == 0x9F))))
            | ((a == 0xE3) & (x == 0x80) & (y == 0x80))
    };
    let (b1, b2) = (
        b.get(1..).unwrap_or_default(),
        b.get(2..).unwrap_or_default(),
    );
    let body = b
        .iter()
        .zip(b1)
        .zip(b2)
        .fold(false, |acc, ((&a, &x), &y)| acc | ws(a, x, y));
    // The last two bytes, which have fewer than two after them.
    let n = b.len();
    body || (n >= 2 && ws(at(n - 2), at(n - 1), 0)) || (n >= 1 && ws(at(n - 1), 0, 0))
}

/// Whether the char starting at byte `i` of `b` (a char boundary) is Unicode
/// whitespace, from its bytes alone (see [`has_whitespace`]).
fn whitespace_at(b: &[u8], i: usize) -> bool {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match at(0) {
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => true,
        0xC2 => matches!(at(1), 0x85 | 0xA0),
        0xE1 => at(1) == 0x9A && at(2) == 0x80,
        0xE2 => match (at(1), at(2)) {
            (0x80, x) => matches!(x, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
            (0x81, 0x9F) => true,
            _ => false,
        },
        0xE3 => at(1) == 0x80 && at(2) == 0x80,
        _ => false,
    }
}

/// `s.trim()`, returning at once when neither end is whitespace: called for
/// every line and field, and std's trim decodes both ends with a predicate.
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let Some(&last) = b.last() else {
        return s;
    };
    // The start of the last char: back over at most three continuation bytes.
    let mut k = b.len() - 1;
    if last >= 0x80 {
        while k > 0 && b.len() - k < 4 && b.get(k).is_some_and(|&x| x & 0xC0 == 0x80) {
            k -= 1;
        }
    }
    if whitespace_at(b, 0) || whitespace_at(b, k) {
        s.trim()
    } else {
        s
    }
}

/// `s` without whitespace; borrowed when there is none (most lines of
/// Chinese text), so the per-line furniture tests allocate nothing.
fn squeeze(s: &str) -> std::borrow::Cow<'_, str> {
    if has_whitespace(s) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn digits(x: &str) -> bool {
    !x.is_empty() && x.chars().all(|c| c.is_ascii_digit())
}

/// True for page numbers that cannot be anything else: `- 3 -`, `—12—`,
/// `第 3 页`, `第3页 共5页`, `共5页 第3页`, `第3页/共5页`.
fn is_page_number(s: &str) -> bool {
    // Every form below has 页 or a dash around the number: most lines have neither.
    if !s.contains('页') && !s.trim_start().starts_with(['-', '—', '－', '–']) {
        return false;
    }
    is_page_number_sq(&squeeze(s))
}

/// [`is_page_number`] of a line already squeezed.
fn is_page_number_sq(s: &str) -> bool {
    for dash in ['-', '—', '－', '–'] {
        if let Some(inner) = s.strip_prefix(dash).and_then(|x| x.strip_suffix(dash)) {
            return digits(inner);
        }
    }
    let page = |x: &str| {
        x.strip_prefix('第')
            .and_then(|x| x.strip_suffix('页'))
            .is_some_and(digits)
    };
    let of = |x: &str| {
        x.strip_prefix('共')
            .and_then(|x| x.strip_suffix('页'))
            .is_some_and(digits)
    };
    let parts: Vec<&str> = s
        .split_inclusive('页')
        .map(|p| p.trim_matches(['/', '，', ',', '、']))
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [p] => page(p),
        [a, b] => (page(a) && of(b)) || (of(a) && page(b)),
        _ => false,
    }
}

/// A bare `3` or `3/5` alone on a line: a page number only at a page break,
/// since elsewhere it may be an indicator's number wrapped away from its `、`.
/// Three digits at most: a longer number is a year in a wrapped name.
fn is_bare_page_number(s: &str) -> bool {
    is_bare_page_number_sq(&squeeze(s))
}

/// [`is_bare_page_number`] of a line already squeezed.
fn is_bare_page_number_sq(s: &str) -> bool {
    let short = |x: &str| digits(x) && x.len() <= 3;
    match s.split_once('/') {
        Some((a, b)) => short(a) && short(b),
        None => short(s),
    }
}

pub(crate) fn is_title(s: &str) -> bool {
    s.contains("绩效目标") && s.contains('表') && !s.contains('；') && s.chars().count() < 60
}

/// A title repeated on a later page: a short line about 绩效目标 that ends
/// with `表`, or with `表（…）`, and is no sentence.
#[cfg(test)]
fn is_title_line(s: &str) -> bool {
    is_title_line_sq(&squeeze(s))
}

/// [`is_title_line`] of a line already squeezed.
fn is_title_line_sq(s: &str) -> bool {
    if !is_title(s) || s.contains(['，', '。', ',', ';', '、']) {
        return false;
    }
    s.ends_with('表')
        || ((s.ends_with('）') || s.ends_with(')')) && (s.contains("表（") || s.contains("表(")))
}

fn is_column_heads(s: &str) -> bool {
    is_column_heads_sq(&squeeze(s))
}

/// [`is_column_heads`] of a line already squeezed.
fn is_column_heads_sq(s: &str) -> bool {
    s.starts_with("项目名称")
        && (s.contains("总计") || s.contains("绩效指标") || s.contains("绩效目标"))
}

/// Words of the column-head line, for heads that wrap over two lines.
const HEAD_WORDS: &[&str] = &[
    "项目名称",
    "资金使用单位",
    "单位名称",
    "总计",
    "财政拨款",
    "财政专户拨款",
    "财政专户管理资金",
    "其他资金",
    "单位资金",
    "资金来源",
    "绩效目标",
    "绩效指标",
];

/// The first characters of [`HEAD_WORDS`].
const HEAD_FIRST_CHARS: &[char] = &['项', '资', '单', '总', '财', '其', '绩'];

/// A line made of two or more column-head words only (`其他资金 绩效目标 绩效指标`),
/// or one in brackets (`（资金使用单位）`).
fn is_head_words(s: &str) -> bool {
    // One unbracketed word is never a head line: skip the copy below.
    if !s.contains(char::is_whitespace) && !s.trim().starts_with(['（', '(']) {
        return false;
    }
    let spaced: String = s
        .chars()
        .map(|c| {
            if matches!(c, '（' | '）' | '(' | ')' | '【' | '】' | '[' | ']') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let bracketed = s.trim().starts_with(['（', '(']) && s.trim().ends_with(['）', ')']);
    !words.is_empty()
        && words.iter().all(|w| HEAD_WORDS.contains(w))
        && (words.len() >= 2 || bracketed)
}

/// `单位：万元` (or `金额单位：元`) alone on a line.
#[cfg(test)]
fn is_money_unit_line(s: &str) -> bool {
    is_money_unit_line_sq(&squeeze(s))
}

/// [`is_money_unit_line`] of a line already squeezed.
fn is_money_unit_line_sq(s: &str) -> bool {
    money_unit(s).is_some() && s.chars().count() <= 10
}

/// `部门名称：…` (anywhere in the line: it may share it with 单位), or a line that
/// starts `单位名称：`, `编制单位：`, `预算单位：`.
fn is_department_line(s: &str) -> bool {
    let s = s.trim();
    field_after(s, "部门名称").is_some()
        || ["单位名称", "编制单位", "预算单位"]
            .iter()
            .any(|k| s.starts_with(k) && field_after(s, k).is_some())
}

fn is_indented(s: &str) -> bool {
    s.starts_with([' ', '\t', '\u{3000}'])
}

/// No heading, page number or column-head line is longer: longer lines are
/// text, and the furniture tests (which copy the line) skip them.
const MAX_FURNITURE_BYTES: usize = 512;

/// What the head taught: the lines printed above the column heads, which a
/// multi-page PDF repeats at the top of every page.
#[derive(Debug, Default)]
struct Furniture {
    /// Head lines, squeezed.
    seen: HashSet<String>,
    /// The first character of each head line, for [`Furniture::may_be_furniture`].
    first_chars: Vec<char>,
}

/// Words that [`Furniture::may_be_furniture`] looks for, with prebuilt
/// searchers (building one per line showed in profiles).
static FURNITURE_MARKS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 6]> =
    std::sync::LazyLock::new(|| {
        ["页", "部门名称", "位", "：", "绩", "表"].map(memchr::memmem::Finder::new)
    });

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// Page furniture, whatever its position.
    Furniture,
    /// A bare number: furniture at a page break, text elsewhere.
    Bare,
    Content,
}

impl Furniture {
    fn kind(&self, l: &Line<'_>) -> Kind {
        let s = trim(l.text);
        if s.is_empty() {
            return Kind::Blank;
        }
        if s.len() > MAX_FURNITURE_BYTES {
            return Kind::Content;
        }
        if !self.may_be_furniture(s) {
            return Kind::Content;
        }
        // Squeezed once for all the tests below.
        let sq = squeeze(s);
        let sq = sq.as_ref();
        if is_bare_page_number_sq(sq) {
            return Kind::Bare;
        }
        if is_page_number(sq)
            || self.seen.contains(sq)
            || is_column_heads_sq(sq)
            || is_head_words(s)
            || is_money_unit_line_sq(sq)
            || is_department_line(s)
            || is_title_line_sq(sq)
        {
            return Kind::Furniture;
        }
        Kind::Content
    }

    /// False when no test of [`Furniture::kind`] can hold for the trimmed,
    /// non-empty line `s`, found without copying or decoding the line. Most
    /// lines are text, and this is the whole cost of classifying them.
    fn may_be_furniture(&self, s: &str) -> bool {
        // Each test of `kind` needs a mark that spacing inside the line
        // (`部 门 名 称`, which the tests squeeze away) cannot hide: its first
        // character, or characters that squeezing keeps.
        let Some(first) = s.chars().next() else {
            return false;
        };
        let bare = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_digit() || c == '/' || c.is_whitespace())
        };
        if (first.is_ascii_digit() && bare(s)) // `3`, `3 / 5`
            || matches!(first, '-' | '—' | '－' | '–') // `—3—`
            || matches!(first, '（' | '）' | '(' | ')' | '【' | '】' | '[' | ']') // `（资金使用单位）`
            || self.first_chars.contains(&first) // a head line again
            || HEAD_FIRST_CHARS.contains(&first) // column heads
            || matches!(first, '编' | '预')
        // `编制单位：`, `预算单位：`
        {
            return true;
        }
        let has = |k: usize| {
            FURNITURE_MARKS
                .get(k)
                .is_some_and(|f| f.find(s.as_bytes()).is_some())
        };
        has(0) // 页: page numbers
            || has(1) // 部门名称 (compared unsqueezed)
            || (has(2) && (has(3) || s.contains(':'))) // 单位：万元
            || (has(4) && has(5)) // a title: 绩效目标…表
    }

    /// Remembers a head line (trimmed, non-empty) as furniture.
    fn learn(&mut self, s: &str) {
        if let Some(c) = s.chars().next()
            && !self.first_chars.contains(&c)
        {
            self.first_chars.push(c);
        }
        self.seen.insert(squeeze(s).into_owned());
    }

    /// The lines of `body` that are not page furniture, in order.
    fn strip<'a>(&self, body: &[Line<'a>]) -> Vec<Line<'a>> {
        let kinds: Vec<Kind> = body.iter().map(|l| self.kind(l)).collect();
        let mut keep: Vec<bool> = kinds.iter().map(|k| *k == Kind::Content).collect();
        let mut i = 0;
        while i < kinds.len() {
            if kinds.get(i) != Some(&Kind::Bare) {
                i += 1;
                continue;
            }
            // The run of non-content lines around this bare number.
            let mut a = i;
            while a > 0 && kinds.get(a - 1).is_some_and(|k| *k != Kind::Content) {
                a -= 1;
            }
            let mut b = i;
            while kinds.get(b + 1).is_some_and(|k| *k != Kind::Content) {
                b += 1;
            }
            let prev = a.checked_sub(1).and_then(|p| body.get(p));
            let next = body.get(b + 1);
            // The page break sits in the run or on the line after it; the
            // end of the file is one too (the last page's number).
            let at_break = next.is_none_or(|n| n.page_start)
                || body
                    .get(a..=b)
                    .is_some_and(|r| r.iter().any(|l| l.page_start));
            // Still text when it is an indicator's number wrapped away from
            // its `、` (`…发布。` / `4` / `、2-效益指标`).
            let prev_end = prev.and_then(|l| l.text.trim_end().chars().next_back());
            let next_start = next.and_then(|l| l.text.trim_start().chars().next());
            let fragment = matches!(prev_end, Some('。' | '.')) && next_start == Some('、');
            let mut first = true;
            for (k, slot) in keep.iter_mut().enumerate().take(b + 1).skip(a) {
                if kinds.get(k) == Some(&Kind::Bare) {
                    *slot = !at_break || (fragment && first);
                    first = false;
                }
            }
            i = b + 1;
        }
        body.iter()
            .zip(keep)
            .filter_map(|(l, k)| k.then_some(*l))
            .collect()
    }
}

/// Non-blank lines looked at for the column heads before giving up on them.
const HEAD_WINDOW: usize = 15;

/// Reads the head (title, 部门名称, 单位, column heads) into `doc`; returns
/// where the body starts and the furniture the head teaches.
fn read_head(doc: &mut Document, all: &[Line<'_>]) -> (usize, Furniture) {
    let mut heads_at = None;
    for (k, l) in all
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.text.trim().is_empty())
        .take(HEAD_WINDOW)
    {
        if l.text.len() <= MAX_FURNITURE_BYTES && is_column_heads(l.text) {
            heads_at = Some(k);
            break;
        }
        if is_page_number(l.text) || is_bare_page_number(l.text) {
            continue;
        }
        if !split_amounts(l.text).1.is_empty() {
            break; // a row: this table prints no column heads
        }
    }
    let end = match heads_at {
        Some(h) => {
            // Heads may wrap: `（资金使用单位）` or more head words below.
            let mut e = h + 1;
            while all.get(e).is_some_and(|l| {
                let s = l.text.trim();
                s.is_empty() || is_head_words(s) || is_page_number(s)
            }) {
                e += 1;
            }
            e
        }
        None => {
            // No heads: the head is the title, 部门名称 and 单位 lines on top.
            let mut e = 0;
            while all.get(e).is_some_and(|l| {
                let s = l.text.trim();
                s.is_empty()
                    || is_page_number(s)
                    || is_title(s)
                    || field_after(s, "部门名称").is_some()
                    || money_unit(s).is_some()
            }) {
                e += 1;
            }
            doc.warn(
                all.get(e).map_or(0, |l| l.no),
                "no column-head line (项目名称 … 总计 …) found",
            );
            e
        }
    };
    let mut furniture = Furniture::default();
    for l in all.get(..end).unwrap_or_default() {
        let s = l.text.trim();
        if s.is_empty() {
            continue;
        }
        if doc.title.is_none() && is_title(s) {
            doc.title = Some(s.to_string());
        }
        if doc.department.is_none()
            && let Some(d) = field_after(s, "部门名称")
        {
            doc.department = Some(d.split("单位").next().unwrap_or(d).trim().to_string());
        }
        if let Some(u) = money_unit(s) {
            doc.money_unit = u;
        }
        // Page numbers differ from page to page; a bare one elsewhere is text.
        if !is_page_number(s) && !is_bare_page_number(s) {
            furniture.learn(s);
        }
    }
    (end, furniture)
}

/// Why a document that yields no rows is not a target table, and where that
/// shows: the caller refuses such a file as a whole (`IngestError::NotATable`).
/// `None` when the document has rows.
pub fn not_a_table(doc: &Document) -> Option<(usize, String)> {
    if !doc.units.is_empty() || doc.grand_total.is_some() {
        return None;
    }
    let kind = doc
        .rejects
        .iter()
        .find(|r| r.reason == SELF_EVALUATION || r.reason == CSV_FILE);
    Some(match (kind, doc.rejects.first()) {
        (Some(r), _) => (r.line, r.reason.clone()),
        (None, Some(r)) => (r.line, NO_ROWS.to_string()),
        (None, None) => (1, NO_ROWS.to_string()),
    })
}

const SELF_EVALUATION: &str = "a self-evaluation table (绩效自评表: 实际完成值, 得分, 偏差原因), which reports results, not targets";
const CSV_FILE: &str =
    "a comma-separated (CSV) file in which no performance-target table was found";
/// The refusal of a text in which no reader found a row.
pub const NO_ROWS: &str = "no 合计, unit or project rows found (expected a 项目支出绩效目标表)";

/// Non-blank lines searched for the marks of another kind of table.
const KIND_WINDOW: usize = 40;

/// Characters one of which every mark of a self-evaluation table holds.
static KIND_MARKS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
    std::sync::LazyLock::new(|| ["自", "实", "得"].map(memchr::memmem::Finder::new));

/// The first line showing that this is not a target table: a self-evaluation
/// table (绩效自评表) reports 实际完成值, 得分 and 偏差原因 beside the targets.
/// Returns (line, text, reason).
fn other_kind(all: &[Line<'_>]) -> Option<(usize, String, String)> {
    all.iter()
        .filter(|l| !l.text.trim().is_empty())
        .take(KIND_WINDOW)
        .find_map(|l| {
            // Every mark below holds 自, 实 or 得, which squeezing keeps:
            // a line without them is looked at no further.
            let b = l.text.as_bytes();
            if l.text.len() > MAX_FURNITURE_BYTES || !KIND_MARKS.iter().any(|f| f.find(b).is_some())
            {
                return None;
            }
            let s = squeeze(l.text);
            // Goal sentences may mention a self-evaluation; heads and titles
            // are no sentences.
            if s.contains(['，', '。', ',']) {
                return None;
            }
            let title = s.contains("自评") && s.contains('表') && s.chars().count() < 60;
            let columns = s.contains("实际完成值")
                || s.contains("实际完成情况")
                || (s.contains("得分") && (s.contains("偏差原因") || s.contains("分值")));
            (title || columns)
                .then(|| (l.no, l.text.trim().to_string(), SELF_EVALUATION.to_string()))
        })
}

/// The first line of a comma-separated file: most of its records split by
/// commas into the same number of fields, as a sheet's export pads them (a
/// text that merely holds commas, prose or glued cells, is not one). Such a
/// file reaches this refusal only when the delimited reader placed no row.
fn looks_like_csv(text: &str, all: &[Line<'_>]) -> Option<usize> {
    crate::textgrid::delimited::is_csv(text).then(|| {
        all.iter()
            .find(|l| !l.text.trim().is_empty())
            .map_or(1, |l| l.no)
    })
}

const MAX_INT_DIGITS: usize = 15;
const MAX_FRAC_DIGITS: usize = 8;

/// A trailing amount: `950.00`, `1,234.50`, `-3.00`, `９５０．００`, or `-`/`—`
/// for an empty cell printed as a dash.
fn amount_token(tok: &str) -> Option<Option<Decimal>> {
    if matches!(tok, "-" | "—" | "－") {
        return Some(None);
    }
    if !tok.is_ascii()
        && !tok
            .chars()
            .all(|c| matches!(c, '０'..='９' | '．' | '，' | '－') || c.is_ascii())
    {
        return None;
    }
    let t: std::borrow::Cow<'_, str> = if tok.is_ascii() {
        std::borrow::Cow::Borrowed(tok)
    } else {
        std::borrow::Cow::Owned(
            tok.chars()
                .map(|c| match c {
                    '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    '．' => '.',
                    '，' => ',',
                    '－' => '-',
                    c => c,
                })
                .collect(),
        )
    };
    let body = t.strip_prefix('-').unwrap_or(&t);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    // Thousands separators only between groups of three digits.
    let mut groups = int.split(',');
    let lead_ok = groups
        .next()
        .is_some_and(|g| digits(g) && (g.len() <= 3 || !int.contains(',')));
    let groups_ok = groups.all(|g| g.len() == 3 && digits(g));
    if !lead_ok || !groups_ok || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    // No budget line reaches 10^15 (元) or prints more than 8 decimals; the
    // bound keeps every sum of amounts far inside Decimal's range.
    let int_digits = int.chars().filter(char::is_ascii_digit).count();
    if int_digits > MAX_INT_DIGITS || frac.is_some_and(|f| f.len() > MAX_FRAC_DIGITS) {
        return None;
    }
    Decimal::from_str(&t.replace(',', "")).ok().map(Some)
}

/// Splits a row into its name and its trailing amounts (at most four: 总计 and
/// the three sources). A trailing number without a decimal point after a name
/// (`项目 2024`) is part of the name, not an amount.
fn split_amounts(s: &str) -> (&str, Vec<Option<Decimal>>) {
    // Both ends are trimmed in every result.
    let s = trim(s);
    // Every amount token ends in a digit or a dash: most lines of text are out
    // at once.
    let ends_like_amount = s
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || matches!(c, '０'..='９' | '-' | '—' | '－'));
    if !ends_like_amount {
        return (s, Vec::new());
    }
    let mut name_end = s.len();
    let mut found: Vec<Option<Decimal>> = Vec::new();
    let mut has_point = false;
    while found.len() < 4 {
        let head = s.get(..name_end).unwrap_or_default().trim_end();
        // No amount token is longer than this (15 digits, separators, 8
        // decimals, all full-width at worst): a line of text ending in a digit
        // is not scanned back to its start.
        const MAX_TOKEN_BYTES: usize = 3 * 32;
        let floor = floor_char_boundary(head, head.len().saturating_sub(MAX_TOKEN_BYTES + 4));
        let start = match head
            .get(floor..)
            .unwrap_or_default()
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
        {
            Some((i, c)) => floor + i + c.len_utf8(),
            None if floor == 0 => 0,
            None => break,
        };
        let tok = head.get(start..).unwrap_or_default();
        if tok.is_empty() {
            break;
        }
        match amount_token(tok) {
            Some(v) => {
                has_point |= tok.contains(['.', '．']);
                found.push(v);
                name_end = start;
            }
            None => break,
        }
    }
    found.reverse();
    let name = s.get(..name_end).unwrap_or_default().trim();
    // Without a decimal point, numbers are amounts only as a row of two or more
    // standing alone (`950 950` in a 元 table); a lone `7` or `项目 2024` is a
    // wrapped name.
    if !found.is_empty() && !has_point && (!name.is_empty() || found.len() < 2) {
        return (s, Vec::new());
    }
    (name, found)
}

/// The largest char boundary of `s` not after `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Places the printed figures in the four amount columns; returns the amounts
/// and, when they do not add up, a warning.
fn assign_amounts(
    figures: &[Option<Decimal>],
    unit: MoneyUnit,
    policy: DroppedCells,
) -> (Amounts, Option<String>) {
    let conv = |d: Option<Decimal>| d.map(|v| unit.to_wanyuan(v));
    let total = conv(figures.first().copied().flatten());
    let sources: Vec<Option<Decimal>> = figures.iter().skip(1).map(|d| conv(*d)).collect();
    let printed: Decimal = sources.iter().flatten().copied().sum();
    let source = |i: usize| sources.get(i).copied().flatten();
    let mut a = Amounts {
        total,
        ..Amounts::default()
    };
    match (sources.len(), policy) {
        (3, _) => {
            a.fiscal = source(0);
            a.special = source(1);
            a.other = source(2);
        }
        (0, _) => {}
        (_, DroppedCells::Leftmost) => {
            a.fiscal = source(0);
            a.special = source(1);
        }
        (n, DroppedCells::Unknown) => {
            a.note = Some(format!(
                "{n} of 3 source figures printed ({}); empty cells were dropped by the text extraction, so their columns are unknown",
                sources
                    .iter()
                    .map(|d| d.map_or("-".to_string(), |v| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    // Amounts are bounded by `amount_token`, so these sums cannot overflow.
    let warning = total.filter(|t| *t != printed).map(|total| {
        format!(
            "sources sum to {printed} but 总计 is {total} (difference {})",
            total - printed
        )
    });
    (a, warning)
}

/// A project whose header (name, amounts) is complete, collecting its block.
struct OpenProject {
    name: String,
    amounts: Amounts,
    line: usize,
    block: Joined,
}

/// Reason suffix for what the end of the file cuts.
const CUT: &str = "the file ends here: truncated?";

/// Parses one table of the seed's layout. Never fails: what cannot be placed
/// goes to `Document::rejects` with its line and the reason. A table of
/// another kind gets one reject and no units.
pub fn parse(source: &str, text: &str, opts: &TextOptions) -> Document {
    let mut doc = Document::new(source);
    let all = lines(text);
    if let Some((line, text, reason)) = other_kind(&all) {
        doc.reject(line, text, reason);
        return doc;
    }
    let (body_start, furniture) = read_head(&mut doc, &all);
    let body = furniture.strip(all.get(body_start..).unwrap_or_default());

    let mut pending: Option<(usize, String)> = None; // project name still wrapping
    let mut open: Option<OpenProject> = None;
    const MAX_NAME_LINES: usize = 8;
    let mut pending_lines = 0;
    let mut closed_items = 0usize;

    for l in &body {
        let s = trim(l.text);
        if s.is_empty() {
            continue;
        }
        let (name, figures) = split_amounts(l.text);
        if let Some((start, mut acc)) = pending.take() {
            if !figures.is_empty() {
                acc.push_str(name);
                open = Some(open_project(&mut doc, acc, start, &figures, opts));
                continue;
            }
            if is_indented(l.text) || pending_lines >= MAX_NAME_LINES {
                doc.reject(start, acc, "project name without amounts");
            } else {
                acc.push_str(s);
                pending_lines += 1;
                pending = Some((start, acc));
                continue;
            }
        }
        if is_indented(l.text) {
            close_project(&mut doc, open.take(), false, &mut closed_items);
            if figures.is_empty() || name.is_empty() {
                if name.is_empty() {
                    doc.reject(l.no, s, "amounts without a project name");
                } else {
                    pending = Some((l.no, name.to_string()));
                    pending_lines = 1;
                }
            } else {
                open = Some(open_project(
                    &mut doc,
                    name.to_string(),
                    l.no,
                    &figures,
                    opts,
                ));
            }
            continue;
        }
        if !figures.is_empty() && !name.is_empty() && !looks_like_sentence(name) {
            close_project(&mut doc, open.take(), false, &mut closed_items);
            let (amounts, warning) = assign_amounts(&figures, doc.money_unit, opts.dropped_cells);
            if let Some(w) = warning {
                doc.warn_as(WarningKind::Sum, l.no, format!("{name}: {w}"));
            }
            if is_total_row(name) {
                if doc.grand_total.is_some() {
                    doc.reject(l.no, s, "a second 合计 row");
                } else {
                    doc.grand_total = Some(amounts);
                    doc.grand_total_line = Some(l.no);
                }
            } else {
                doc.units.push(Unit {
                    name: name.to_string(),
                    amounts: Some(amounts),
                    projects: Vec::new(),
                    line: l.no,
                });
            }
            continue;
        }
        match open.as_mut() {
            Some(p) => p.block.push_line(l.no, l.text),
            None => doc.reject(l.no, s, "text outside any project"),
        }
    }

    // The end of the file: what it cuts short is said, not completed.
    if let Some((start, acc)) = pending {
        doc.reject(
            start,
            acc,
            format!("project name without amounts at the end of the file ({CUT})"),
        );
    } else if open.is_none() {
        let last_line = body.last().map_or(0, |l| l.no);
        match doc.units.last() {
            Some(u) if u.projects.is_empty() && u.amounts.is_some() => {
                let (line, name) = (u.line, u.name.clone());
                doc.reject(
                    line,
                    name,
                    format!("unit row without projects at the end of the file ({CUT})"),
                );
            }
            None if doc.grand_total.is_some() => doc.reject(
                doc.grand_total_line.unwrap_or(last_line),
                "合计",
                format!("no unit or project after the 合计 row ({CUT})"),
            ),
            _ => {}
        }
    }
    close_project(&mut doc, open, true, &mut closed_items);

    // Bytes the decoder could not read (a damaged UTF-8 file) are shown as
    // U+FFFD in the lines they were on; those lines need a reader's eye.
    // One search of the whole text first: such files are rare.
    let damaged = text.contains('\u{fffd}');
    for l in all
        .iter()
        .filter(|l| damaged && l.text.contains('\u{fffd}'))
    {
        doc.reject(
            l.no,
            l.text.trim(),
            "undecodable bytes on this line (shown as �); the text around them may be wrong",
        );
    }
    if doc.units.is_empty()
        && doc.grand_total.is_none()
        && let Some(line) = looks_like_csv(text, &all)
    {
        // First, so that the caller's "not a target table" names it.
        doc.rejects.insert(
            0,
            crate::model::Reject {
                source: doc.source.clone(),
                line,
                text: String::new(),
                reason: CSV_FILE.into(),
                kind: crate::model::RejectKind::File,
                pos: crate::model::Position::Line(line),
            },
        );
    }
    doc
}

/// `合计` or `总计`, spaced or not, without copying the name.
fn is_total_row(name: &str) -> bool {
    let mut chars = name.chars().filter(|c| !c.is_whitespace());
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some('合' | '总'), Some('计'), None)
    )
}

fn open_project(
    doc: &mut Document,
    name: String,
    line: usize,
    figures: &[Option<Decimal>],
    opts: &TextOptions,
) -> OpenProject {
    let (amounts, warning) = assign_amounts(figures, doc.money_unit, opts.dropped_cells);
    if let Some(w) = warning {
        doc.warn_as(WarningKind::Sum, line, format!("{name}: {w}"));
    }
    OpenProject {
        name: indicator::normalize_text(&name),
        amounts,
        line,
        block: Joined::default(),
    }
}

/// Files a finished project under the current unit. `at_eof`: the end of the
/// file closed it, so a list that stops short was cut, not finished.
/// `closed_items` counts list items closed by `。` so far in the document.
fn close_project(
    doc: &mut Document,
    open: Option<OpenProject>,
    at_eof: bool,
    closed_items: &mut usize,
) {
    let Some(p) = open else { return };
    let mut block = indicator::split_block(&p.block);
    *closed_items += block.closed;
    let last = block.last.take();
    let bad_count = block.bad.len();
    for (k, bad) in block.bad.into_iter().enumerate() {
        let cut = at_eof && k + 1 == bad_count && last.as_ref().is_some_and(|l| !l.parsed);
        doc.reject(
            bad.line,
            bad.text,
            format!(
                "indicator of 「{}」 not parsed: {}{}",
                p.name,
                bad.reason,
                if cut {
                    format!(" ({CUT})")
                } else {
                    String::new()
                }
            ),
        );
        // Its kind says what it is: an indicator, or one cut by the file's end.
        if let Some(r) = doc.rejects.last_mut() {
            r.kind = if cut {
                crate::model::RejectKind::Truncated
            } else {
                crate::model::RejectKind::Indicator
            };
        }
    }
    if at_eof {
        match &last {
            // A list whose items end in `。` and whose last item does not was
            // cut inside that item: its last value may be cut too, so it is
            // reported, not kept.
            Some(l) if l.parsed && !l.closed && *closed_items > 0 => {
                block.indicators.pop();
                doc.reject(
                    l.line,
                    l.text.clone(),
                    format!(
                        "indicator of 「{}」 not kept: it has no closing 。 like the others ({CUT})",
                        p.name
                    ),
                );
            }
            Some(_) => {}
            None if p.block.is_empty() => doc.reject(
                p.line,
                p.name.clone(),
                format!("project without goal or indicators at the end of the file ({CUT})"),
            ),
            None => match indicator::open_list_start(&block.goal) {
                // The first indicator started but the file ends inside it: it
                // is reported, and the goal keeps only the goal.
                Some(at) => {
                    let cut = block.goal.split_off(at);
                    let line = p
                        .block
                        .line_at(p.block.text.len().saturating_sub(cut.len()));
                    doc.reject(
                        line,
                        cut,
                        format!("indicator 1 of 「{}」 is cut off ({CUT})", p.name),
                    );
                }
                None => doc.reject(
                    p.block.last_line(),
                    tail_chars(&block.goal, 40),
                    format!(
                        "the goal of 「{}」 ends without indicators at the end of the file ({CUT})",
                        p.name
                    ),
                ),
            },
        }
    } else if block.indicators.is_empty() {
        doc.warn(p.line, format!("{}: no indicators found", p.name));
    }
    if doc.units.is_empty() {
        // Projects listed without a unit row: they belong to the department.
        doc.units.push(Unit {
            name: doc.department.clone().unwrap_or_default(),
            amounts: None,
            projects: Vec::new(),
            line: p.line,
        });
    }
    if let Some(unit) = doc.units.last_mut() {
        unit.projects.push(Project {
            name: p.name,
            amounts: p.amounts,
            goal: block.goal,
            indicators: block.indicators,
            line: p.line,
        });
    }
}

/// The last `n` characters of `s`, for quoting where a text stops.
fn tail_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    s.chars().skip(count.saturating_sub(n)).collect()
}

/// `部门名称：X` → `X` (full- or half-width colon).
pub(crate) fn field_after<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    let i = s.find(key)?;
    let rest = s.get(i + key.len()..)?.trim_start();
    rest.strip_prefix(['：', ':']).map(str::trim)
}

pub(crate) fn money_unit(s: &str) -> Option<MoneyUnit> {
    let i = s.rfind("单位")?;
    let rest = s.get(i + "单位".len()..)?.trim_start();
    let v = rest.strip_prefix(['：', ':'])?.trim_start();
    if v.starts_with("万元") {
        Some(MoneyUnit::Wanyuan)
    } else if v.starts_with('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    }
}

/// Goal text that happens to end in a number is not a unit row.
fn looks_like_sentence(s: &str) -> bool {
    s.contains(['，', '。', '；', ',', ';']) || s.chars().count() > 60
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn trim_agrees_with_std(s in "[ \\t\\u{3000}\\u{a0}\\u{2003}\\u{85}a项、。≥·\\u{10000}]{0,8}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }
    }

    #[test]
    fn head_first_chars_are_the_head_words_first_chars() {
        let mut firsts: Vec<char> = HEAD_WORDS.iter().filter_map(|w| w.chars().next()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let mut listed = HEAD_FIRST_CHARS.to_vec();
        listed.sort_unstable();
        assert_eq!(firsts, listed);
    }

    #[test]
    fn whitespace_scan_agrees_with_char_is_whitespace() {
        let all: Vec<char> = (0u32..0x3100).filter_map(char::from_u32).collect();
        for c in all {
            // In the middle, at either end, and alone (the scan's tail).
            for s in [
                format!("项{c}目"),
                format!("{c}项"),
                format!("项{c}"),
                c.to_string(),
            ] {
                assert_eq!(
                    has_whitespace(&s),
                    c.is_whitespace(),
                    "U+{:04X} in {s:?}",
                    c as u32
                );
            }
        }
    }

    const HEAD: &str = "项目支出绩效目标表（含转移支付项目）\n\n部门名称：某局 单位：万元\n\n项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标\n\n";
    const BODY: &str = "合计 10.00 10.00\n\n某局 10.00 10.00\n\n    某某\n专项经费 10.00 10.00\n\n做好理\n论研究工作。\n\n1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；\n年度指标值:100%。2、2-效益指标；22-社会效益；事故数\n量；实施周期指标值:0；年度指标值:0。3、2-效益指标；22-社会效\n益；标准；实施周期指标值:发布；年度指标值:发布。4\n、2-效益指标；24-可持续影响；审核完成率；实施周期指标值:100%；\n年度指标值:100%。\n";

    fn table() -> String {
        format!("{HEAD}{BODY}")
    }

    fn parse_str(s: &str) -> Document {
        parse("t.txt", s, &TextOptions::default())
    }

    /// Everything about a parse that must not depend on line numbers.
    fn shape(d: &Document) -> Vec<String> {
        let mut out = vec![format!(
            "{:?} {:?} {:?} {:?}",
            d.title,
            d.department,
            d.grand_total.as_ref().map(|a| a.total),
            d.rejects
        )];
        for (u, p) in d.projects() {
            out.push(format!(
                "{} / {} {} {}",
                u.name,
                p.name,
                p.amounts.total.unwrap_or_default(),
                p.goal
            ));
            for i in &p.indicators {
                out.push(format!(
                    "{} {} {} {} {:?} {:?}",
                    i.seq, i.level, i.category, i.name, i.cycle_value, i.annual_value
                ));
            }
        }
        out
    }

    #[test]
    fn lines_accept_every_line_end_and_split_at_form_feeds() {
        let l = lines("a\r\nb\rc\nd\x0ce\n\x0c\nf\x0c");
        let t: Vec<_> = l.iter().map(|l| (l.no, l.text, l.page_start)).collect();
        assert_eq!(
            t,
            vec![
                (1, "a", false),
                (2, "b", false),
                (3, "c", false),
                (4, "d", false),
                (4, "e", true),
                (6, "f", true),
            ]
        );
        let l = lines("\x0c项目");
        assert_eq!((l[0].text, l[0].page_start), ("项目", true));
        assert!(lines("").is_empty());
    }

    #[test]
    fn page_numbers() {
        for p in [
            "- 3 -",
            "第 3 页",
            "第3页 共5页",
            "共5页 第3页",
            "第3页/共5页",
            "—12—",
            "－ 7 －",
        ] {
            assert!(is_page_number(p), "{p}");
        }
        for p in ["4", "、2-效益指标", "第一是", "2023-2024", "第3页面", "-"] {
            assert!(!is_page_number(p), "{p}");
        }
        for p in ["3", " 12 ", "3/5"] {
            assert!(is_bare_page_number(p), "{p}");
        }
        for p in ["2024", "3.5", "a/5"] {
            assert!(!is_bare_page_number(p), "{p}");
        }
    }

    #[test]
    fn furniture_patterns() {
        assert!(is_title_line("项目支出绩效目标表(含转移支付项目)"));
        assert!(is_title_line("2024年 部门项目支出绩效目标表"));
        assert!(!is_title_line("按照绩效目标表要求，开展工作"));
        assert!(!is_title_line("绩效目标表格开发项目"));
        assert!(is_head_words("其他资金 绩效目标 绩效指标"));
        assert!(is_head_words("（资金使用单位）"));
        assert!(!is_head_words("其他资金"));
        assert!(!is_head_words("绩效目标 开展调研"));
        assert!(is_money_unit_line("单位：万元"));
        assert!(is_money_unit_line("金额单位: 元"));
        assert!(is_department_line("部门名称:某局"));
        assert!(is_column_heads("项目名称(资金使用单位) 总计 财政拨款"));
    }

    #[test]
    fn the_small_table_parses() {
        let d = parse_str(&table());
        assert!(d.rejects.is_empty(), "{:?}", d.rejects);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(
            d.title.as_deref(),
            Some("项目支出绩效目标表（含转移支付项目）")
        );
        assert_eq!(d.department.as_deref(), Some("某局"));
        assert_eq!(d.project_count(), 1);
        assert_eq!(d.indicator_count(), 4);
        let (_, p) = d.projects().next().unwrap();
        assert_eq!(p.name, "某某专项经费");
        assert_eq!(p.goal, "做好理论研究工作。");
    }

    /// A page break as pdftotext writes one: the page number at the foot, a form
    /// feed, then the title, 部门名称 and column heads again.
    fn page_break(number: &str) -> String {
        format!("\n{number}\n\x0c{HEAD}")
    }

    #[test]
    fn page_breaks_anywhere_join_as_if_absent() {
        let clean = shape(&parse_str(&table()));
        let body_lines: Vec<&str> = BODY.split_inclusive('\n').collect();
        for number in ["- 2 -", "第 2 页", "第2页 共3页", "2", "2/3", ""] {
            for cut in 1..body_lines.len() {
                let (a, b) = body_lines.split_at(cut);
                let text = format!("{HEAD}{}{}{}", a.concat(), page_break(number), b.concat());
                let d = parse_str(&text);
                assert_eq!(
                    shape(&d),
                    clean,
                    "page number {number:?} after body line {cut}"
                );
            }
        }
        // A form feed inside a line, with no furniture at all, splits it.
        let text = table().replace("年度指标值:100%。2、", "年度指标值:100%。\x0c2、");
        assert_eq!(shape(&parse_str(&text)), clean);
    }

    #[test]
    fn bare_numbers_away_from_breaks_stay_text() {
        // "4" alone on its line, then "、2-效益指标": an indicator's number.
        let text = table().replace("发布。4\n、", "发布。\n4\n、");
        assert_eq!(shape(&parse_str(&text)), shape(&parse_str(&table())));
        // Even right before a page break.
        let text = table().replace(
            "发布。4\n、",
            &format!("发布。\n4{}、", page_break("- 2 -")),
        );
        assert_eq!(shape(&parse_str(&text)), shape(&parse_str(&table())));
        // A bare page number after the "4" at a line end is furniture.
        let text = table().replace("发布。4\n、", &format!("发布。4{}、", page_break("7")));
        assert_eq!(shape(&parse_str(&text)), shape(&parse_str(&table())));
    }

    #[test]
    fn heads_wrapped_over_two_lines_are_furniture_too() {
        let head = "项目支出绩效目标表\n部门名称：某局\n单位：万元\n项目名称 总计 财政拨款 财政专户拨款\n（资金使用单位）\n其他资金 绩效目标 绩效指标\n";
        let text = format!("附件3\n{head}{BODY}");
        let d = parse_str(&text);
        assert!(d.rejects.is_empty(), "{:?}", d.rejects);
        assert_eq!(d.indicator_count(), 4);
        let repeated = text.replace("做好理\n", &format!("做好理\n\x0c附件3\n{head}"));
        assert_eq!(shape(&parse_str(&repeated)), shape(&d));
    }

    #[test]
    fn self_evaluation_tables_are_refused() {
        let text = "项目支出绩效自评表\n（2023年度）\n项目名称 专项经费\n一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n合计 10.00 10.00\n";
        let d = parse_str(text);
        assert!(d.units.is_empty() && d.grand_total.is_none());
        assert_eq!(d.rejects.len(), 1);
        assert_eq!(d.rejects[0].line, 1);
        assert!(d.rejects[0].reason.contains("self-evaluation"));
        let text = format!("{HEAD}一级指标 二级指标 三级指标 指标值 实际完成值\n{BODY}");
        let d = parse_str(&text);
        assert!(d.units.is_empty());
        assert_eq!(d.rejects[0].line, 7);
        // A goal that mentions a self-evaluation is still a target table.
        let text = table().replace("做好理\n", "开展绩效自评，形成绩效自评表。做好理\n");
        assert_eq!(parse_str(&text).indicator_count(), 4);
    }

    #[test]
    fn csv_is_named_as_such() {
        let d = parse_str("项目名称,总计,财政拨款\n专项经费,10.00,10.00\n其他经费,5.00,5.00\n");
        assert!(d.units.is_empty());
        assert_eq!(d.rejects[0].line, 1);
        assert!(d.rejects[0].reason.contains("CSV"), "{:?}", d.rejects);
        assert_eq!(not_a_table(&d), Some((1, CSV_FILE.to_string())));
    }

    #[test]
    fn not_a_table_says_why_and_where() {
        assert_eq!(not_a_table(&parse_str(&table())), None);
        let d = parse_str("说明\n项目支出绩效自评表\n");
        assert_eq!(not_a_table(&d), Some((2, SELF_EVALUATION.to_string())));
        let d = parse_str("\n\nMeeting notes\n");
        assert_eq!(not_a_table(&d), Some((3, NO_ROWS.to_string())));
    }

    #[test]
    fn a_cut_file_keeps_what_is_whole_and_says_where_it_stops() {
        let full = table();
        // Cut inside indicator 4's values: three kept, the fourth reported.
        let at = full
            .find("实施周期指标值:100%；\n年度指标值:100%。\n")
            .unwrap();
        let d = parse_str(&full[..at + "实施周期指标值:10".len()]);
        assert_eq!(d.indicator_count(), 3);
        assert_eq!(d.rejects.len(), 1, "{:?}", d.rejects);
        assert!(
            d.rejects[0].text.starts_with("4、2-效益指标"),
            "{:?}",
            d.rejects
        );
        assert!(d.rejects[0].reason.contains("truncated"), "{:?}", d.rejects);
        assert_eq!(d.rejects[0].line, 20);
        // Cut inside the last value: a complete-looking "10" is not invented.
        let end = full.rfind("100%。").unwrap();
        let d = parse_str(&full[..end + 2]);
        assert_eq!(d.indicator_count(), 3);
        assert!(
            d.rejects[0].reason.contains("no closing 。"),
            "{:?}",
            d.rejects
        );
        // Cut right after the next indicator's number.
        let d = parse_str(&full[..full.find("4\n、").unwrap() + 1]);
        assert_eq!(d.indicator_count(), 3);
        assert_eq!(d.rejects[0].text, "4");
        // Cut inside the first indicator: the goal stays the goal.
        let at = full.find("课题完成率").unwrap();
        let d = parse_str(&full[..at]);
        assert_eq!(d.indicator_count(), 0);
        assert_eq!(d.rejects.len(), 1, "{:?}", d.rejects);
        assert_eq!(d.rejects[0].line, 17);
        assert_eq!(d.rejects[0].text, "1、1-产出指标；11-数量指标；");
        assert!(d.rejects[0].reason.contains("truncated"), "{:?}", d.rejects);
        assert_eq!(d.projects().next().unwrap().1.goal, "做好理论研究工作。");
        // Cut after the amounts, in the goal, in the name, after a unit.
        for (cut, needle) in [
            ("专项经费 10.00 10.00\n", "without goal or indicators"),
            ("做好理\n", "ends without indicators"),
            ("    某某\n", "project name without amounts"),
            ("某局 10.00 10.00\n", "unit row without projects"),
            ("合计 10.00 10.00\n", "no unit or project"),
        ] {
            let d = parse_str(&full[..full.find(cut).unwrap() + cut.len()]);
            assert_eq!(d.rejects.len(), 1, "{cut}: {:?}", d.rejects);
            assert!(
                d.rejects[0].reason.contains(needle),
                "{cut}: {:?}",
                d.rejects
            );
            assert!(d.rejects[0].reason.contains("truncated"), "{cut}");
        }
    }

    #[test]
    fn replacement_characters_are_rejected_with_their_line() {
        let text = table().replace("做好理\n", "做好\u{fffd}理\n");
        let d = parse_str(&text);
        assert_eq!(d.indicator_count(), 4);
        assert_eq!(d.rejects.len(), 1);
        assert_eq!(d.rejects[0].line, 14);
    }

    #[test]
    fn amounts_split_from_names() {
        let (n, f) = split_amounts("    专项工作经费 42.00 42.00");
        assert_eq!(n, "专项工作经费");
        assert_eq!(
            f,
            vec![Some(Decimal::new(4200, 2)), Some(Decimal::new(4200, 2))]
        );
        let (n, f) = split_amounts("330.15 330.15");
        assert_eq!(n, "");
        assert_eq!(f.len(), 2);
        let (n, f) = split_amounts("    广州市来穗服务管理局2024");
        assert_eq!(n, "广州市来穗服务管理局2024");
        assert!(f.is_empty());
        let (n, f) = split_amounts("工程 1,234.50 1,000.00 - 234.50");
        assert_eq!(n, "工程");
        assert_eq!(
            f,
            vec![
                Some(Decimal::new(123450, 2)),
                Some(Decimal::new(100000, 2)),
                None,
                Some(Decimal::new(23450, 2))
            ]
        );
        let (n, f) = split_amounts("工程 １，２３４．５０\t-3.00");
        assert_eq!(n, "工程");
        assert_eq!(
            f,
            vec![Some(Decimal::new(123450, 2)), Some(Decimal::new(-300, 2))]
        );
        for not_amount in [
            "12,34.00",
            "1.2.3",
            ".5",
            "99999999999999999999999999999999.00",
        ] {
            assert_eq!(amount_token(not_amount), None, "{not_amount}");
        }
    }

    #[test]
    fn yuan_converts_exactly() {
        let (a, w) = assign_amounts(
            &[
                Some(Decimal::new(95_000_000, 2)),
                Some(Decimal::new(95_000_000, 2)),
            ],
            MoneyUnit::Yuan,
            DroppedCells::Leftmost,
        );
        assert_eq!(a.total.unwrap_or_default().to_string(), "95.000000");
        assert_eq!(a.fiscal, Some(Decimal::new(95_000_000, 6)));
        assert!(w.is_none());
    }

    #[test]
    fn unknown_columns_are_said_not_guessed() {
        let f = [Some(Decimal::new(95000, 2)), Some(Decimal::new(95000, 2))];
        let (a, w) = assign_amounts(&f, MoneyUnit::Wanyuan, DroppedCells::Unknown);
        assert_eq!(a.fiscal, None);
        assert!(a.note.is_some());
        assert!(w.is_none());
        let f = [Some(Decimal::new(100, 0)), Some(Decimal::new(60, 0))];
        let (_, w) = assign_amounts(&f, MoneyUnit::Wanyuan, DroppedCells::Unknown);
        assert_eq!(
            w.as_deref(),
            Some("sources sum to 60 but 总计 is 100 (difference 40)")
        );
    }
}

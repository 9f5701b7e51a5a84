//! The numbered indicator list of a project (`1、1-产出指标；11-数量指标；…。2、…`)
//! and the normalisation of target values.
//!
//! The list arrives as lines joined with nothing between them (Chinese has no
//! spaces between words, and the PDF wraps anywhere, even inside a number), so
//! it is parsed from a [`Joined`] text that remembers which line each byte
//! came from.
//!
//! Every search here is bounded so that a block of garbage costs linear time:
//! the parser runs unattended over whatever files it is given.

use super::text::trim;
use crate::model::Indicator;

/// Lines joined into one text, remembering where each line starts.
#[derive(Debug, Default, Clone)]
pub struct Joined {
    pub text: String,
    /// (byte offset in `text`, 1-based source line), ascending.
    marks: Vec<(usize, usize)>,
}

impl Joined {
    /// Appends a line (trimmed) with nothing between it and the previous one.
    pub fn push_line(&mut self, line: usize, s: &str) {
        let s = trim(s);
        if s.is_empty() {
            return;
        }
        self.marks.push((self.text.len(), line));
        self.text.push_str(s);
    }

    /// The source line holding byte `offset`.
    pub fn line_at(&self, offset: usize) -> usize {
        let i = self.marks.partition_point(|&(o, _)| o <= offset);
        i.checked_sub(1)
            .and_then(|i| self.marks.get(i))
            .or(self.marks.first())
            .map_or(0, |m| m.1)
    }

    pub fn first_line(&self) -> usize {
        self.marks.first().map_or(0, |m| m.1)
    }

    /// The source line of the last byte.
    pub fn last_line(&self) -> usize {
        self.marks.last().map_or(0, |m| m.1)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// An indicator that could not be parsed: where it starts, its text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadIndicator {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// The last item of an indicator list, as printed: what a reader needs to
/// tell a complete list from one cut off by the end of a truncated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastItem {
    pub line: usize,
    pub text: String,
    /// A `。` closes it.
    pub closed: bool,
    /// It is the last of `Block::indicators` (else the last of `Block::bad`).
    pub parsed: bool,
}

/// What a project's text block holds after the amounts.
#[derive(Debug, Default)]
pub struct Block {
    pub goal: String,
    pub indicators: Vec<Indicator>,
    pub bad: Vec<BadIndicator>,
    /// How many items of the list a `。` closes: a list printed that way whose
    /// last item is open was cut short.
    pub closed: usize,
    /// The list's last item, if there is a list.
    pub last: Option<LastItem>,
}

/// At most this many `1、` are tried as the start of the list: a goal never
/// numbers more, and garbage must not cost quadratic time.
const MAX_START_CANDIDATES: usize = 64;
/// Bytes of text looked at to decide whether a `1、` starts a list; a real
/// indicator is a few hundred.
const START_WINDOW: usize = 4096;
/// Once a `n、` followed by a level is found, how much further a `n、` after
/// a closing `。` (the better boundary) is looked for.
const BOUNDARY_LOOKAHEAD: usize = 2048;

/// Splits a project's block into its goal paragraph and its indicator list.
///
/// The list starts at the first `1、` from which a well-formed indicator parses;
/// a `1、` inside the goal (`具体包括：1、开展…`) does not fool it.
pub fn split_block(j: &Joined) -> Block {
    let t = j.text.as_str();
    let mut start = None;
    // A `1、` followed by a level whose item does not parse (damaged text)
    // still starts the list: its items are indicators or rejects, never
    // goal text.
    let mut damaged_start = None;
    for pos in marker_positions(t, 1).take(MAX_START_CANDIDATES) {
        let Some((_, body_start)) = seq_marker_at(t, pos, 1) else {
            continue;
        };
        if damaged_start.is_none() && t.get(body_start..).is_some_and(looks_like_list_item) {
            damaged_start = Some(pos);
        }
        let window_end = floor_boundary(t, body_start.saturating_add(START_WINDOW));
        let end = next_boundary(t, body_start, 2, Some(window_end)).map_or(window_end, |b| b.0);
        let body = t.get(body_start..end).unwrap_or_default();
        if parse_body(trim_item(body)).is_ok_and(|p| p.plausible_level()) {
            start = Some(pos);
            break;
        }
    }
    let mut seq = 1u32;
    let mut lost_head = None;
    let start = match start.or(damaged_start) {
        Some(s) => s,
        None => match late_start(t) {
            // The list's first items are gone (a deleted line): it starts at
            // `n、`; what is left of the items before is a reject.
            Some((s, n)) => {
                seq = n;
                let before = t.get(..s).unwrap_or_default();
                let cut = before
                    .trim_end()
                    .trim_end_matches('。')
                    .rfind('。')
                    .map_or(0, |i| i + '。'.len_utf8());
                let cut = floor_boundary(t, cut);
                lost_head = Some(BadIndicator {
                    line: j.line_at(cut),
                    text: t.get(cut..s).unwrap_or_default().trim().to_string(),
                    reason: format!(
                        "indicator(s) 1 to {} missing: the list starts at {n}、 (a line lost or damaged?)",
                        n - 1
                    ),
                });
                s
            }
            None => {
                return Block {
                    goal: t.to_string(),
                    ..Block::default()
                };
            }
        },
    };
    let mut block = Block {
        goal: t.get(..start).unwrap_or_default().to_string(),
        ..Block::default()
    };
    if let Some(b) = lost_head {
        let goal_len = block.goal.len().saturating_sub(b.text.len());
        let goal_len = floor_boundary(&block.goal, goal_len);
        block.goal.truncate(goal_len);
        let kept = block.goal.trim_end().len();
        block.goal.truncate(kept);
        block.bad.push(b);
    }
    let mut pos = start;
    let mut last_item: Option<(usize, std::ops::Range<usize>, bool, bool)> = None;
    while let Some((_, body_start)) = seq_marker_at(t, pos, seq) {
        let next = next_boundary(t, body_start, seq.saturating_add(1), None);
        let mut end = next.map_or(t.len(), |b| b.0);
        // After the list's last item, text that is no part of it (a number cut
        // from the next item by a truncated file, a note, a stray page number)
        // is reported on its own, not glued into the last value.
        let mut trailing = None;
        if next.is_none()
            && let Some(cut) = t.get(body_start..end).and_then(trailing_text)
        {
            trailing = Some(body_start + cut);
            end = body_start + cut;
        }
        let raw = t.get(pos..end).unwrap_or_default();
        let body = trim_item(t.get(body_start..end).unwrap_or_default());
        let line = j.line_at(pos);
        let closed = raw.trim_end().ends_with(['。', '.']);
        block.closed += usize::from(closed);
        let parsed = match parse_body(body) {
            Ok(p) => {
                block.indicators.push(Indicator {
                    seq,
                    level_code: p.level_code,
                    level: p.level,
                    category_code: p.category_code,
                    category: p.category,
                    name: p.name,
                    cycle_value: p.cycle_value,
                    annual_value: p.annual_value,
                    line,
                    pos: crate::model::Position::Line(line),
                    ..Indicator::default()
                });
                true
            }
            Err(reason) => {
                block.bad.push(BadIndicator {
                    line,
                    text: raw.to_string(),
                    reason,
                });
                false
            }
        };
        // Copied out once, after the loop: only the last item's text is kept.
        last_item = Some((line, pos..end, closed, parsed));
        if let Some(tail_at) = trailing {
            let text = t.get(tail_at..).unwrap_or_default().trim().to_string();
            let line = j.line_at(tail_at);
            block.bad.push(BadIndicator {
                line,
                text: text.clone(),
                reason: "text after the last indicator's closing 。, part of no indicator".into(),
            });
            last_item = None;
            block.last = Some(LastItem {
                line,
                text,
                closed: false,
                parsed: false,
            });
        }
        match next {
            Some((b, _)) => {
                pos = b;
                seq = seq.saturating_add(1);
            }
            None => break,
        }
    }
    if let Some((line, range, closed, parsed)) = last_item {
        block.last = Some(LastItem {
            line,
            text: t.get(range).unwrap_or_default().to_string(),
            closed,
            parsed,
        });
    }
    block
}

/// Where, in text that holds no complete list, a list starts whose first item
/// never ends (a file cut inside indicator 1): the last `1、` followed by a level.
pub fn open_list_start(text: &str) -> Option<usize> {
    marker_positions(text, 1)
        .filter(|&p| {
            seq_marker_at(text, p, 1)
                .and_then(|(_, body)| text.get(body..))
                .is_some_and(looks_like_level)
        })
        .last()
}

/// An item's body without the `。` closing it.
fn trim_item(body: &str) -> &str {
    body.trim_end_matches(|c: char| c == '。' || c.is_whitespace())
}

/// In the last item's body, the offset where text after its closing `。` starts,
/// if there is such text and it holds no value (a table that separates its
/// values with `。` keeps them).
fn trailing_text(body: &str) -> Option<usize> {
    let stop = body.find('。')?;
    let after = stop + '。'.len_utf8();
    let rest = body.get(after..)?;
    let skipped = rest.len()
        - rest
            .trim_start_matches(|c: char| c == '。' || c.is_whitespace())
            .len();
    let tail = rest.get(skipped..)?;
    (!tail.is_empty() && !tail.contains("指标值")).then_some(after + skipped)
}

/// The largest char boundary of `t` not after `i`.
fn floor_boundary(t: &str, i: usize) -> usize {
    let mut i = i.min(t.len());
    while i > 0 && !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// If `t[pos..]` is the marker of indicator `n` (`n、`, spaces allowed), returns
/// (marker start, body start).
fn seq_marker_at(t: &str, pos: usize, n: u32) -> Option<(usize, usize)> {
    let rest = t.get(pos..)?;
    let mut buf = [0u8; 10];
    let after_digits = rest.strip_prefix(decimal(n, &mut buf))?;
    if t.get(..pos)?
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    let trimmed = after_digits.trim_start();
    let after = trimmed.strip_prefix('、')?;
    Some((pos, t.len() - after.len()))
}

/// Byte positions where the marker of indicator `n` starts.
fn marker_positions(t: &str, n: u32) -> impl Iterator<Item = usize> + '_ {
    let digits = n.to_string();
    let finder = memchr::memmem::Finder::new(digits.as_bytes()).into_owned();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = finder.find(t.get(from..)?.as_bytes()) {
            let pos = from + i;
            from = pos + digits.len();
            if seq_marker_at(t, pos, n).is_some() {
                return Some(pos);
            }
        }
        None
    })
}

/// Finds where indicator `n` begins after `from` (and before `limit`): a `n、`
/// that follows the `。` closing the previous indicator, or failing that, a
/// `n、` followed by a level (`2-效益指标`, `产出指标`). Returns (marker start,
/// body start).
fn next_boundary(t: &str, from: usize, n: u32, limit: Option<usize>) -> Option<(usize, usize)> {
    let mut buf = [0u8; 10];
    let digits = decimal(n, &mut buf);
    let mut end = limit.map_or(t.len(), |l| floor_boundary(t, l));
    let mut at = from;
    let mut fallback: Option<(usize, usize)> = None;
    while at < end {
        let found = t
            .as_bytes()
            .get(at..end)
            .and_then(|r| memchr::memmem::find(r, digits.as_bytes()));
        let Some(i) = found else {
            break;
        };
        let abs = at + i;
        at = abs + digits.len(); // ASCII digits: still a char boundary
        let Some((_, body)) = seq_marker_at(t, abs, n) else {
            continue;
        };
        let before = t.get(..abs).unwrap_or_default().trim_end();
        if before.ends_with('。') || before.ends_with('.') {
            return Some((abs, body));
        }
        if fallback.is_none() && t.get(body..).is_some_and(looks_like_level) {
            fallback = Some((abs, body));
            // A better boundary is looked for only a little further: the
            // digits of `n` recur in every later number, and scanning them all
            // for each indicator would cost quadratic time.
            end = end.min(floor_boundary(t, abs.saturating_add(BOUNDARY_LOOKAHEAD)));
        }
    }
    fallback
}

/// `n` in decimal digits, written into `buf`: markers are looked for once per
/// indicator, and a `String` each time showed in profiles.
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    std::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or_default()
}

/// The first `n、` (n ≥ 2) that starts a list item: where a list whose
/// first items were lost begins. Returns (marker start, n).
fn late_start(t: &str) -> Option<(usize, u32)> {
    let b = t.as_bytes();
    memchr::memmem::find_iter(b, "、".as_bytes())
        .take(MAX_START_CANDIDATES * 4)
        .find_map(|i| {
            let head = t.get(..i)?.trim_end();
            let digits = head.bytes().rev().take_while(u8::is_ascii_digit).count();
            let start = head.len().checked_sub(digits)?;
            let n: u32 = head.get(start..)?.parse().ok()?;
            if n < 2 {
                return None;
            }
            let (_, body) = seq_marker_at(t, start, n)?;
            t.get(body..)
                .is_some_and(looks_like_list_item)
                .then_some((start, n))
        })
}

/// A level printed with its code and the next field's code
/// (`1-产出指标；11-`): the start of a list item even when the item's
/// later fields are damaged; a goal's `1、开展…` does not look like it.
fn looks_like_list_item(s: &str) -> bool {
    let head: String = s.trim_start().chars().take(24).collect();
    let fields = split_fields(&head);
    let level = split_code(fields.first().copied().unwrap_or_default());
    let category = split_code(fields.get(1).copied().unwrap_or_default());
    fields.len() >= 2
        && (level.0.is_some() || level.1.ends_with("指标"))
        && (category.0.is_some() || category.1.contains("指标") || category.1.contains("效益"))
}

fn looks_like_level(s: &str) -> bool {
    let head: String = s.trim_start().chars().take(8).collect();
    let code = head
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .count();
    (code > 0 && head.chars().nth(code).is_some_and(is_dash)) || head.contains("指标")
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '－' | '—' | '–')
}

/// The fields of one indicator.
#[derive(Debug, PartialEq, Eq)]
struct Parts {
    level_code: Option<String>,
    level: String,
    category_code: Option<String>,
    category: String,
    name: String,
    cycle_value: Option<String>,
    annual_value: Option<String>,
}

impl Parts {
    /// A level as tables print it (`1-产出指标`, `产出指标(40-50)分`), not a
    /// goal sentence that happens to be numbered.
    fn plausible_level(&self) -> bool {
        let short = self.level.chars().count() <= 20 && self.category.chars().count() <= 20;
        let clean = !self.level.contains(['、', '。']) && !self.category.contains(['、', '。']);
        short && clean && (self.level_code.is_some() || self.level.contains("指标"))
    }
}

/// Value keys as printed, and whether each is the cycle (true) or annual (false) value.
const VALUE_KEYS: &[(&str, bool)] = &[
    ("实施周期指标值", true),
    ("长期指标值", true),
    ("年度指标值", false),
    ("全年指标值", false),
    ("指标值", false),
];

/// Parses `1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；年度指标值:100%`.
fn parse_body(body: &str) -> Result<Parts, String> {
    let fields = split_fields(body);
    let first_value = fields.iter().position(|f| value_field(f).is_some());
    let Some(vi) = first_value else {
        return compact(body)
            .ok_or_else(|| "no 指标值 (expected 实施周期指标值: or 年度指标值:)".to_string());
    };
    if vi < 3 {
        return Err(format!(
            "expected 一级指标；二级指标；三级指标 before the values, found {} field(s)",
            vi
        ));
    }
    let (level_code, level) = split_code(fields.first().copied().unwrap_or_default());
    let (category_code, category) = split_code(fields.get(1).copied().unwrap_or_default());
    let name = match fields.get(2..vi).unwrap_or_default() {
        [one] => clean_text(one),
        more => clean_text(&more.join("；")),
    };
    if level.is_empty() || category.is_empty() || name.is_empty() {
        return Err("empty 一级指标, 二级指标 or 三级指标".into());
    }
    fused(&level, &category, fields.get(2..vi).unwrap_or_default())?;
    let mut cycle_value = None;
    let mut annual_value = None;
    for f in fields.get(vi..).unwrap_or_default() {
        if f.is_empty() {
            continue;
        }
        // A value holding a closing `。` and then text that is not the next
        // value (`发布。4年度指标值:100%`) holds the remains of the next
        // indicator, its `n、` lost.
        if let Some((_, v)) = value_field(f) {
            let body = v.trim_end_matches(['。', '.']);
            let foreign = body.match_indices('。').any(|(i, _)| {
                let rest = trim(body.get(i + '。'.len_utf8()..).unwrap_or_default());
                !VALUE_KEYS.iter().any(|(k, _)| rest.starts_with(k))
            });
            if foreign {
                return Err(format!(
                    "the value 「{v}」 holds the text of another indicator (a line lost or damaged?)"
                ));
            }
        }
        match value_field(f) {
            Some((true, v)) if cycle_value.is_none() => cycle_value = Some(normalize_value(v)),
            Some((false, v)) if annual_value.is_none() => annual_value = Some(normalize_value(v)),
            Some(_) => return Err(format!("value given twice: {f}")),
            None => return Err(format!("unexpected text after the values: {f}")),
        }
    }
    Ok(Parts {
        level_code,
        level,
        category_code,
        category,
        name,
        cycle_value,
        annual_value,
    })
}

/// An item written compactly: `产出指标-数量指标-资助学生人数：≥12000人次`
/// (level, category and name joined by dashes, slashes or semicolons, the
/// value after a colon). Only where the first two parts are a level and a
/// category the vocabulary knows; anything else stays a reject.
fn compact(body: &str) -> Option<Parts> {
    let body = trim(body).trim_end_matches(['；', ';', '。', '.']);
    let colon = body.find([':', '：'])?;
    let head = body.get(..colon)?;
    let value = trim(body.get(colon..)?.trim_start_matches([':', '：']));
    let mut parts = head
        .splitn(3, ['-', '—', '－', '/', '／', '；', ';', '|'])
        .map(trim);
    let (level_code, level) = split_code(parts.next()?);
    let (category_code, category) = split_code(parts.next()?);
    let name = clean_text(parts.next()?);
    let known = crate::vocab::is_level_word(&level) && crate::vocab::is_category_word(&category);
    if !known || name.is_empty() || value.is_empty() {
        return None;
    }
    Some(Parts {
        level_code,
        level,
        category_code,
        category,
        name,
        cycle_value: None,
        annual_value: Some(normalize_value(value)),
    })
}

/// Refuses fields that hold the start of another indicator: a list whose
/// next `n、` was lost (a deleted or damaged line) reads two indicators as
/// one, e.g. category `社会效、2-效益指标` and name `24-可持续影响；审核完成率`.
/// Such an item is a reject, never one indicator fused from two.
fn fused(level: &str, category: &str, names: &[&str]) -> Result<(), String> {
    // `、` followed by a level code (`、2-`) or a level name.
    let holds_item = |f: &str| {
        f.match_indices('、').any(|(i, _)| {
            f.get(i + '、'.len_utf8()..)
                .is_some_and(|rest| looks_like_level(rest) && !rest.trim_start().is_empty())
        })
    };
    if holds_item(level) || holds_item(category) || level.contains('。') || category.contains('。')
    {
        return Err(format!(
            "一级指标 「{level}」 or 二级指标 「{category}」 holds the start of another indicator (a line lost or damaged?)"
        ));
    }
    // A name field after the first that is a coded level or category
    // (`24-可持续影响`): the fields of a second indicator.
    for f in names.iter().skip(1) {
        let (code, rest) = split_code(f);
        if code.is_some_and(|c| c.len() <= 2) && !rest.is_empty() && rest.chars().count() <= 12 {
            return Err(format!(
                "三级指标 holds 「{f}」, a coded 一级/二级指标 of another indicator (a line lost or damaged?)"
            ));
        }
    }
    // The seed's layout prints 三级指标 as one field: more fields between
    // 二级指标 and the values are the remains of a lost boundary
    // (`验收通过率；实益；发放率` when a line was lost).
    if names.len() > 1 {
        return Err(format!(
            "三级指标 spans {} fields 「{}」: the remains of more than one indicator? (a line lost or damaged?)",
            names.len(),
            names.join("；")
        ));
    }
    if names.iter().any(|f| holds_item(f)) {
        return Err(
            "三级指标 holds the start of another indicator (a line lost or damaged?)".into(),
        );
    }
    Ok(())
}

/// `body` split at `；` and `;`, each field trimmed. A byte search (`；` is
/// EF BC 9B): splitting by a char set decodes every char.
fn split_fields(body: &str) -> Vec<&str> {
    let b = body.as_bytes();
    let mut out = Vec::with_capacity(8);
    let mut from = 0;
    for i in memchr::memchr2_iter(b';', 0xEF, b) {
        let width = if b.get(i) == Some(&b';') {
            1
        } else if b.get(i..i + 3) == Some("；".as_bytes()) {
            3
        } else {
            continue;
        };
        out.push(trim(body.get(from..i).unwrap_or_default()));
        from = i + width;
    }
    out.push(trim(body.get(from..).unwrap_or_default()));
    out
}

/// `实施周期指标值:≥90%` → (true, `≥90%`). Spaces inside the key, from
/// extraction (`年度指 标值`), do not matter.
fn value_field(f: &str) -> Option<(bool, &str)> {
    // `：` is EF BC 9A: a byte search, then a check of the ones that are not it.
    let colon = memchr::memchr2_iter(b':', 0xEF, f.as_bytes())
        .find(|&i| f.get(i..).is_some_and(|r| r.starts_with([':', '：'])))?;
    let raw = f.get(..colon)?;
    // Every key ends in 值: most fields (names, levels) are out at once.
    if !trim(raw).ends_with('值') {
        return None;
    }
    let cycle = |key: &str| VALUE_KEYS.iter().find(|(k, _)| *k == key).map(|&(_, c)| c);
    // Spaces from extraction (`年度指 标值`) do not matter: a key is compared
    // without them, and copied for that only when it is not a key as it is.
    let cycle = match cycle(raw) {
        Some(c) => c,
        None => cycle(
            &raw.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>(),
        )?,
    };
    let after = f.get(colon..)?;
    let v = after.strip_prefix([':', '：'])?;
    Some((cycle, trim(v)))
}

/// `11-数量指标` → (Some("11"), "数量指标"); spaces inside the code from
/// extraction (`1 1-数量指标`) are dropped and full-width digits read; no code
/// → (None, text).
pub(crate) fn split_code(f: &str) -> (Option<String>, String) {
    let f = trim(f);
    // The code is the digits (and stray spaces) before the first dash: only
    // the start of the field is looked at.
    let code_len: usize = f
        .chars()
        .take_while(|&c| ascii_digit(c).is_some() || c.is_whitespace())
        .map(char::len_utf8)
        .sum();
    let code = f.get(..code_len).unwrap_or_default();
    if let Some(rest) = f.get(code_len..).and_then(|r| r.strip_prefix(is_dash))
        && !trim(code).is_empty()
    {
        let code: String = if code.bytes().all(|c| c.is_ascii_digit()) {
            code.to_string()
        } else {
            code.chars().filter_map(ascii_digit).collect()
        };
        return (Some(code), collapse_cjk_spaces(trim(rest)));
    }
    // `1.产出指标`, `1.1数量指标`: a dotted code, before a framework word only
    // (a name may begin with a figure: `1.5米宽道路`).
    let dotted: usize = f
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .map(char::len_utf8)
        .sum();
    if let (Some(code), Some(rest)) = (f.get(..dotted), f.get(dotted..))
        && code.contains('.')
        && code.starts_with(|c: char| c.is_ascii_digit())
        && (crate::vocab::level(rest).is_some() || crate::vocab::category(rest).is_some())
    {
        return (
            Some(code.trim_end_matches('.').to_string()),
            collapse_cjk_spaces(trim(rest)),
        );
    }
    // `01 产出指标`, `0101数量指标`: a code of digits alone (a space at
    // most after it), before a framework word only.
    let digits: usize = f
        .chars()
        .take_while(char::is_ascii_digit)
        .map(char::len_utf8)
        .sum();
    if digits > 0
        && let (Some(code), Some(rest)) = (f.get(..digits), f.get(digits..).map(trim))
        && (crate::vocab::level(rest).is_some() || crate::vocab::category(rest).is_some())
    {
        return (Some(code.to_string()), collapse_cjk_spaces(rest));
    }
    // `一、产出指标`, `（一）数量指标`: an outline's numeral, before a
    // framework word only.
    const NUMERALS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let inner = f.trim_start_matches(['(', '（']);
    let after = inner.trim_start_matches(NUMERALS);
    if after.len() != inner.len()
        && let Some(numeral) = inner.get(..inner.len() - after.len())
        && let Some(rest) = after.strip_prefix(['、', '.', '．']).or_else(|| {
            (inner.len() != f.len())
                .then(|| after.strip_prefix([')', '）']))
                .flatten()
        })
        && (crate::vocab::level(rest).is_some() || crate::vocab::category(rest).is_some())
    {
        return (Some(numeral.to_string()), collapse_cjk_spaces(trim(rest)));
    }
    (None, collapse_cjk_spaces(f))
}

/// A name cell that also holds its target, split: the name, and the
/// value under its period (`实施期目标值：` is the cycle's; any other value
/// label, or none, the year's).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct NameValue {
    pub name: String,
    pub annual: Option<String>,
    pub cycle: Option<String>,
}

/// Which value a label before a colon in a name cell heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Annual,
    Cycle,
}

/// The words a value label ends in, and the periods that may come before
/// them (`年度目标值`, `实施期指标值`, `标准值`, `目标`): the vocabulary's value
/// heads and their shorter forms.
const VALUE_BASES: &[&str] = &["目标值", "指标值", "标准值", "目标"];
const PERIODS: &[(&str, Period)] = &[
    ("", Period::Annual),
    ("年度", Period::Annual),
    ("全年", Period::Annual),
    ("当年", Period::Annual),
    ("本年", Period::Annual),
    ("本年度", Period::Annual),
    ("预期", Period::Annual),
    ("绩效", Period::Annual),
    ("指标", Period::Annual),
    ("实施期", Period::Cycle),
    ("实施周期", Period::Cycle),
    ("周期", Period::Cycle),
    ("中期", Period::Cycle),
    ("长期", Period::Cycle),
    ("中长期", Period::Cycle),
    ("总体", Period::Cycle),
];

/// What value a label heads (`目标值`, `年度指标值`, `实施期目标值`), if it
/// is one; a 半年 label or any other word is none.
fn value_label(label: &str) -> Option<Period> {
    let k = crate::ingest::excel::header::squeeze(label);
    let k = k.trim_matches(['*', '※']);
    VALUE_BASES.iter().find_map(|base| {
        let prefix = k.strip_suffix(base)?;
        PERIODS
            .iter()
            .find(|(p, _)| *p == prefix)
            .map(|(_, period)| *period)
    })
}

/// Separators between a name and a label after it.
fn is_separator(c: char) -> bool {
    matches!(c, '，' | ',' | '；' | ';' | '、' | '。') || c.is_whitespace()
}

/// The label that ends `before` (the text up to a colon): the word after the
/// last separator, when it is a value label. Its period and where it starts.
fn label_before_colon(before: &str) -> Option<(Period, usize)> {
    let (at, sep) = before.char_indices().rfind(|(_, c)| is_separator(*c))?;
    let start = at + sep.len_utf8();
    value_label(before.get(start..)?).map(|p| (p, start))
}

/// A name cell that holds a labelled target as well: `名称，目标值：≥95%`,
/// `名称（目标值：≥95%）`, `名称 指标值:95%`, `名称，实施期目标值：≥10，年度目标值：≥5`.
/// `bare`, for a table with no value column: also `名称：≥95%`, a figure
/// after the colon (never `覆盖率：城区`, a name with a colon in it).
/// `None` when the cell holds no target, or two for one period.
pub(crate) fn split_labelled_value(cell: &str, bare: bool) -> Option<NameValue> {
    let t = trim(cell);
    let end_trim = |s: &str| {
        s.trim_end_matches(|c: char| is_separator(c) || c == ':' || c == '：')
            .trim()
            .to_string()
    };
    // `名称（目标值：≥95%）`: a label and value in a closing bracket.
    if let Some(body) = t.strip_suffix(['）', ')'])
        && let Some(open) = body.rfind(['（', '('])
        && let (Some(name), Some(inner)) = (body.get(..open), body.get(open..))
        && let Some(inner) = inner.get(inner.chars().next()?.len_utf8()..)
        && let Some((label, value)) = inner.split_once([':', '：'])
        && let Some(p) = value_label(label)
    {
        let (name, value) = (end_trim(name), normalize_value(&end_trim(value)));
        if name.is_empty() || value.is_empty() {
            return None;
        }
        let mut out = NameValue {
            name,
            ..NameValue::default()
        };
        *match p {
            Period::Annual => &mut out.annual,
            Period::Cycle => &mut out.cycle,
        } = Some(value);
        return Some(out);
    }
    // Labelled values after the name, each `label：value`.
    let mut labels: Vec<(Period, usize, usize)> = Vec::new(); // period, label start, value start
    for (i, c) in t.char_indices().filter(|(_, c)| matches!(c, ':' | '：')) {
        let from = labels.last().map_or(0, |l| l.2);
        let Some(before) = t.get(from..i) else {
            continue;
        };
        if let Some((p, start)) = label_before_colon(before) {
            labels.push((p, from + start, i + c.len_utf8()));
        }
    }
    if let Some(first) = labels.first() {
        let name = end_trim(t.get(..first.1)?);
        if name.is_empty() {
            return None;
        }
        let mut out = NameValue {
            name,
            ..NameValue::default()
        };
        for (k, (p, _, from)) in labels.iter().enumerate() {
            let to = labels.get(k + 1).map_or(t.len(), |n| n.1);
            let value = normalize_value(&end_trim(t.get(*from..to)?));
            let slot = match p {
                Period::Annual => &mut out.annual,
                Period::Cycle => &mut out.cycle,
            };
            if value.is_empty() || slot.is_some() {
                return None; // two targets for one period: which is meant?
            }
            *slot = Some(value);
        }
        return Some(out);
    }
    // `名称：≥95%` in a table without a value column: a figure after the
    // one colon.
    if !bare {
        return None;
    }
    let (name, value) = t.split_once([':', '：'])?;
    let (name, value) = (end_trim(name), end_trim(value));
    let clean = crate::textgrid::value_like(&value)
        && !value.contains([':', '：', '，', ',', '；', ';'])
        && !name.contains(['，', ',', '；', ';'])
        && value_label(&name).is_none()
        && !crate::textgrid::is_head_label(&name);
    (clean && !name.is_empty()).then(|| NameValue {
        name,
        annual: Some(normalize_value(&value)),
        cycle: None,
    })
}

/// A name cell that lists its indicators each with its target in closing
/// brackets: `名称（≥95%）；名称（稳步提高）` — one indicator per item. Every
/// item must end in a bracket holding a clean target (a figure with its
/// comparison and unit, a date, or a qualitative target word such as
/// `稳步提高`): a bracket holding anything else (`（县级配套）`, `（含设备）`)
/// is the name's own note, and then the whole cell is no list. `single`
/// allows a cell of one item (a table without a value column); a table
/// with one reads a lone bracket as a note.
pub(crate) fn split_bracketed_values(cell: &str, single: bool) -> Option<Vec<NameValue>> {
    let items: Vec<&str> = split_fields(trim(cell).trim_end_matches(['；', ';', '。']))
        .into_iter()
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() || (items.len() == 1 && !single) {
        return None;
    }
    items.iter().map(|i| bracketed_value(i)).collect()
}

/// `名称（≥95%）`: the name and the clean target in its closing bracket.
fn bracketed_value(item: &str) -> Option<NameValue> {
    let body = item.trim().strip_suffix(['）', ')'])?;
    let open = body.rfind(['（', '('])?;
    let name = trim(body.get(..open)?);
    let inner = body.get(open..)?;
    let value = trim(inner.get(inner.chars().next()?.len_utf8()..)?);
    let qualitative = || {
        crate::vocab::QUALITATIVE_VALUES
            .iter()
            .any(|w| value.ends_with(w))
            && value.chars().count() <= 6
    };
    let clean = (crate::textgrid::value_like(value) || qualitative())
        && !value.contains(['（', '(', ':', '：', '，', ',']);
    // A name holding a separator or a bracket of its own is not one name;
    // nor is a value (`≥5个`), though a name may start with an age
    // (`0-6岁儿童…`).
    let cjk = name
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let one_name = cjk >= 2
        && !name.contains(['，', ',', '（', '(', '）', ')', ':', '：'])
        && !name.starts_with(['≥', '≤', '>', '<', '＞', '＜', '=', '＝', '≧', '≦']);
    (clean && one_name).then(|| NameValue {
        name: name.to_string(),
        annual: Some(normalize_value(value)),
        cycle: None,
    })
}

/// An ASCII or full-width digit as ASCII.
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

/// Unifies only cosmetic variants in a target value: `≧`/`>=`→`≥`,
/// `≦`/`<=`→`≤`, full-width digits, letters and signs, `％`, full-width colon;
/// drops spaces that extraction put inside a number (`9 0%`).
pub fn normalize_value(v: &str) -> String {
    let v = trim(v);
    // Most values need none of the changes below: one copy, as printed.
    let plain = !v
        .chars()
        .any(|c| matches!(c, ' ' | '>' | '<' | '≧' | '≦' | '\u{3000}' | '！'..='～'));
    if plain {
        return v.to_string();
    }
    let mapped: String = v
        .chars()
        .map(|c| match c {
            '≧' => '≥',
            '≦' => '≤',
            '％' => '%',
            '：' => ':',
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '．' => '.',
            '／' => '/',
            '\u{3000}' => ' ',
            // Full-width ASCII block (digits, letters, signs) to ASCII.
            c @ '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    // Each step only where it has something to do.
    let joined = if mapped.contains(['>', '<']) {
        join_comparisons(&mapped)
    } else {
        mapped
    };
    if joined.contains(' ') {
        drop_spaces_in_numbers(&joined)
    } else {
        joined
    }
}

/// `>=` and `<=` (spaces allowed between) as the one sign `≥`/`≤`: the same
/// comparison, written so that values compare equal across tables.
fn join_comparisons(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '>' | '<') {
            let rest = chars.clone().skip_while(|x| *x == ' ');
            if rest.clone().next() == Some('=') {
                // Consume the spaces and the `=`.
                while chars.next_if(|x| *x == ' ').is_some() {}
                chars.next();
                out.push(if c == '>' { '≥' } else { '≤' });
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Keeps text as printed except for spaces next to digits, which in a target value
/// are extraction noise (`9 0%`, `≥ 90%`, `1 份`).
fn drop_spaces_in_numbers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    // The next non-space character after each position, found right to left
    // so that long runs of spaces cost linear time.
    let mut next_non_space = vec![None; chars.len()];
    let mut seen = None;
    for (slot, &c) in next_non_space.iter_mut().zip(&chars).rev() {
        *slot = seen;
        if c != ' ' {
            seen = Some(c);
        }
    }
    let near_number =
        |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit() || x == '.' || x == '%');
    let near_op = |x: Option<char>| x.is_some_and(|x| matches!(x, '≥' | '≤' | '>' | '<' | '='));
    let mut out = String::with_capacity(s.len());
    for (&c, &next) in chars.iter().zip(&next_non_space) {
        if c == ' ' {
            let prev = out.chars().next_back();
            if (near_number(prev) || near_op(prev))
                && (near_number(next) || !next.is_some_and(|n| n.is_ascii()))
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A name as stored: [`normalize_text`], then [`collapse_cjk_spaces`]; one
/// copy when there is no space to fold (most names).
pub fn clean_text(s: &str) -> String {
    let s = trim(s);
    if !s.chars().any(char::is_whitespace) {
        return s.to_string();
    }
    collapse_cjk_spaces(&normalize_text(s))
}

/// Names and other free text: trimmed, with full-width spaces folded.
pub fn normalize_text(s: &str) -> String {
    s.trim().replace('\u{3000}', " ")
}

/// Drops spaces between two non-ASCII characters (`产出 指标`): Chinese puts
/// none between words, so there they are extraction noise; spaces between
/// Latin words or digits stay.
pub fn collapse_cjk_spaces(s: &str) -> String {
    if !s.chars().any(char::is_whitespace) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            // The whole run at once, so that long runs cost linear time.
            let mut run = String::from(c);
            while let Some(x) = chars.next_if(|x| x.is_whitespace()) {
                run.push(x);
            }
            let prev_wide = out.chars().next_back().is_some_and(|p| !p.is_ascii());
            let next_wide = chars.peek().is_some_and(|n| !n.is_ascii());
            if !(prev_wide && next_wide) {
                out.push_str(&run);
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bare_digit_code_before_a_framework_word_is_split_off() {
        assert_eq!(
            split_code("02 效益指标"),
            (Some("02".into()), "效益指标".into())
        );
        assert_eq!(
            split_code("0301满意度指标"),
            (Some("0301".into()), "满意度指标".into())
        );
        // Near misses: a name that begins with a figure keeps it.
        assert_eq!(
            split_code("12345热线办结率"),
            (None, "12345热线办结率".into())
        );
        assert_eq!(split_code("3 座桥梁"), (None, "3 座桥梁".into()));
    }

    #[test]
    fn a_target_labelled_inside_a_name_cell_is_split_off() {
        let split = |t: &str, bare: bool| {
            split_labelled_value(t, bare).map(|v| (v.name, v.cycle, v.annual))
        };
        let annual = |n: &str, v: &str| Some((n.to_string(), None, Some(v.to_string())));
        assert_eq!(
            split("改厕户数，目标值：≥300户", false),
            annual("改厕户数", "≥300户")
        );
        assert_eq!(
            split("改厕户数（年度指标值：≥300户）", false),
            annual("改厕户数", "≥300户")
        );
        assert_eq!(
            split("群众满意度 指标值:>=90%", false),
            annual("群众满意度", "≥90%")
        );
        assert_eq!(
            split("道路通畅，目标：持续保持", false),
            annual("道路通畅", "持续保持")
        );
        assert_eq!(
            split(
                "修缮面积，实施期目标值：≥2万平方米；年度目标值：≥8000平方米。",
                false
            ),
            Some((
                "修缮面积".to_string(),
                Some("≥2万平方米".to_string()),
                Some("≥8000平方米".to_string())
            ))
        );
        // Unlabelled, only where the table has no value column at all.
        assert_eq!(
            split("补贴兑付率：100%", true),
            annual("补贴兑付率", "100%")
        );
        assert_eq!(split("补贴兑付率：100%", false), None);
        // Names with a colon or brackets in them, and targets of another kind.
        assert_eq!(split("覆盖率：城区", true), None);
        assert_eq!(split("服务覆盖率（城区）", true), None);
        assert_eq!(split("服务覆盖率（注：含城区）", true), None);
        assert_eq!(split("发放进度，半年目标值：50%", true), None);
        assert_eq!(split("项目名称：2024年农房改造", true), None);
        assert_eq!(split("绿化面积，目标值：1亩，指标值：2亩", false), None);
        assert_eq!(split("目标值：95%", true), None);
    }

    #[test]
    fn outline_and_dotted_codes_before_framework_words() {
        assert_eq!(
            split_code("二、效益指标"),
            (Some("二".into()), "效益指标".into())
        );
        assert_eq!(
            split_code("（三）时效指标"),
            (Some("三".into()), "时效指标".into())
        );
        assert_eq!(
            split_code("2.1经济效益指标"),
            (Some("2.1".into()), "经济效益指标".into())
        );
        // Not before a framework word: the text as it is.
        assert_eq!(split_code("一、开展培训"), (None, "一、开展培训".into()));
        assert_eq!(split_code("1.5米宽道路"), (None, "1.5米宽道路".into()));
    }

    #[test]
    fn a_list_of_names_with_bracketed_targets() {
        let nv = |n: &str, v: &str| NameValue {
            name: n.into(),
            annual: Some(v.into()),
            cycle: None,
        };
        assert_eq!(
            split_bracketed_values(
                "新建村级卫生室数量(≥12个); 乡镇医生培训合格率（100%）；",
                false
            ),
            Some(vec![
                nv("新建村级卫生室数量", "≥12个"),
                nv("乡镇医生培训合格率", "100%")
            ])
        );
        assert_eq!(
            split_bracketed_values(
                "群众就医便利程度（明显提升）；项目完工时间（2025年6月前）",
                false
            ),
            Some(vec![
                nv("群众就医便利程度", "明显提升"),
                nv("项目完工时间", "2025年6月前")
            ])
        );
        // One item only where the table has no value column.
        assert_eq!(split_bracketed_values("设备购置台数（≥30台）", false), None);
        assert_eq!(
            split_bracketed_values("设备购置台数（≥30台）", true),
            Some(vec![nv("设备购置台数", "≥30台")])
        );
        // Near misses: a bracket that is the name's note, one item without
        // a bracket, a bracket holding a sentence.
        assert_eq!(
            split_bracketed_values("校舍维修面积（含附属设施）", true),
            None
        );
        assert_eq!(
            split_bracketed_values("培训人次（≥200人）；课程满意度较高", true),
            None
        );
        assert_eq!(
            split_bracketed_values("覆盖率（城区达到90%，农村80%）", true),
            None
        );
        assert_eq!(split_bracketed_values("（≥5个）", true), None);
        assert_eq!(split_bracketed_values("≥5个（≥5个）", true), None);
        assert_eq!(
            split_bracketed_values("3-6岁幼儿入园率（≥85%）", true),
            Some(vec![nv("3-6岁幼儿入园率", "≥85%")])
        );
    }

    #[test]
    fn compact_items_with_dashes_and_a_colon() {
        let p = parse_body("产出指标-数量指标-培训乡村教师人数：≥8500人；").unwrap();
        assert_eq!(
            (p.level.as_str(), p.category.as_str(), p.name.as_str()),
            ("产出指标", "数量指标", "培训乡村教师人数")
        );
        assert_eq!(p.annual_value.as_deref(), Some("≥8500人"));
        assert_eq!(p.cycle_value, None);
        let p = parse_body("效益指标/社会效益指标/群众就医负担：明显减轻").unwrap();
        assert_eq!(p.name, "群众就医负担");
        assert_eq!(p.annual_value.as_deref(), Some("明显减轻"));
        // Not the framework's words: a goal sentence with a colon stays out.
        assert!(parse_body("目标一-完成培训-全年：8500人").is_err());
    }

    use super::*;

    fn joined(lines: &[&str]) -> Joined {
        let mut j = Joined::default();
        for (i, l) in lines.iter().enumerate() {
            j.push_line(i + 1, l);
        }
        j
    }

    #[test]
    fn wrapped_list_with_number_split_from_its_mark() {
        // From the seed: "4" at a line end, "、2-效益指标" on the next.
        let j = joined(&[
            "目标。",
            "1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:100%；",
            "年度指标值:100%。2、2-效益指标；22-社会效益；信息泄露事故数",
            "量；实施周期指标值:0；年度指标值:0。3、2-效益指标；22-社会效",
            "益；综合网格地方标准；实施周期指标值:发布；年度指标值:发布。4",
            "、2-效益指标；24-可持续影响；审核完成率；实施周期指标值:100%；",
            "年度指标值:100%。",
        ]);
        let b = split_block(&j);
        assert_eq!(b.goal, "目标。");
        assert!(b.bad.is_empty(), "{:?}", b.bad);
        assert_eq!(b.indicators.len(), 4);
        let i2 = &b.indicators[1];
        assert_eq!(i2.name, "信息泄露事故数量");
        assert_eq!(i2.line, 3);
        assert_eq!(b.indicators[3].seq, 4);
        assert_eq!(b.indicators[3].line, 5);
        assert_eq!(b.indicators[3].category_code.as_deref(), Some("24"));
        assert_eq!(b.indicators[3].category, "可持续影响");
        assert_eq!(b.indicators[2].annual_value.as_deref(), Some("发布"));
        assert_eq!(b.closed, 4);
        let last = b.last.unwrap();
        assert!(last.closed && last.parsed);
        assert_eq!(last.line, 5);
    }

    #[test]
    fn goal_with_its_own_numbering_is_not_the_list() {
        let j = joined(&[
            "具体包括：1、开展调研；2、编写报告。",
            "1、产出指标；数量指标；报告数量；指标值:≧ 2份",
        ]);
        let b = split_block(&j);
        assert_eq!(b.goal, "具体包括：1、开展调研；2、编写报告。");
        assert_eq!(b.indicators.len(), 1);
        assert_eq!(b.indicators[0].level_code, None);
        assert_eq!(b.indicators[0].annual_value.as_deref(), Some("≥2份"));
        assert_eq!(b.indicators[0].cycle_value, None);
        // Not closed by 。: the caller decides whether that means a cut.
        assert!(!b.last.unwrap().closed);
    }

    #[test]
    fn broken_indicator_is_reported_not_invented() {
        let j = joined(&[
            "1、1-产出指标；11-数量指标；验收率；实施周期指标值:100%；年度指标值:100%。2、2-效益指标；22-社会",
        ]);
        let b = split_block(&j);
        assert_eq!(b.indicators.len(), 1);
        assert_eq!(b.bad.len(), 1);
        assert!(b.bad[0].text.starts_with("2、2-效益指标"));
        let last = b.last.unwrap();
        assert!(!last.parsed && !last.closed);
    }

    #[test]
    fn text_after_the_last_indicator_is_not_glued_to_its_value() {
        // A file cut right after the next indicator's number.
        let j = joined(&[
            "1、1-产出指标；11-数量指标；验收率；实施周期指标值:100%；年度指标值:发布。4",
        ]);
        let b = split_block(&j);
        assert_eq!(b.indicators.len(), 1);
        assert_eq!(b.indicators[0].annual_value.as_deref(), Some("发布"));
        assert_eq!(b.bad.len(), 1);
        assert_eq!(b.bad[0].text, "4");
        assert!(!b.last.unwrap().parsed);
        // Values separated by 。 are kept together.
        let j = joined(&["1、产出指标；数量指标；验收率；实施周期指标值:100%。年度指标值:90%。"]);
        let b = split_block(&j);
        assert!(b.bad.is_empty(), "{:?}", b.bad);
        assert_eq!(b.indicators.len(), 1);
    }

    #[test]
    fn values_unify_cosmetic_variants_only() {
        assert_eq!(normalize_value("≧95%"), "≥95%");
        assert_eq!(normalize_value("≦２"), "≤2");
        assert_eq!(normalize_value("９０％"), "90%");
        assert_eq!(normalize_value("9 0%"), "90%");
        assert_eq!(normalize_value(">=20平方米"), "≥20平方米");
        assert_eq!(normalize_value("<= 475元/亩"), "≤475元/亩");
        assert_eq!(normalize_value("＞＝ 9 0 ％"), "≥90%");
        assert_eq!(normalize_value("> 5"), ">5");
        assert_eq!(normalize_value("=10个"), "=10个");
        assert_eq!(normalize_value("≥1份/季度"), "≥1份/季度");
        assert_eq!(normalize_value("发布"), "发布");
        assert_eq!(normalize_value("不低于90%"), "不低于90%");
        assert_eq!(normalize_value("2023.07-2024.01"), "2023.07-2024.01");
    }

    #[test]
    fn codes_split_and_spaces_inside_codes_dropped() {
        assert_eq!(
            split_code("1 1-数量指标"),
            (Some("11".into()), "数量指标".into())
        );
        assert_eq!(split_code("产出指标"), (None, "产出指标".into()));
        assert_eq!(
            split_code("3-满意度指标"),
            (Some("3".into()), "满意度指标".into())
        );
        assert_eq!(
            split_code("１２－质量 指标"),
            (Some("12".into()), "质量指标".into())
        );
        assert_eq!(
            split_code("产出指标(40-50)分"),
            (None, "产出指标(40-50)分".into())
        );
    }

    #[test]
    fn punctuation_variants_parse_alike() {
        let canonical =
            "1、1-产出指标；11-数量指标；课题完成率；实施周期指标值:≥90%；年度指标值:100%。";
        let variants = [
            "1、1-产出指标;11-数量指标;课题完成率;实施周期指标值：≥90%;年度指标值：100%。",
            "1 、1 -产出指标； 1 1-数量指标；课题 完成率；实施周期指标值 : >= 9 0%；年度指 标值：１００％。",
            "1、１－产出指标；１１－数量指标；课题完成率；实施周期指标值:≧90％；年度指标值:100%。",
        ];
        let expected = split_block(&joined(&[canonical])).indicators;
        assert_eq!(expected.len(), 1);
        for v in variants {
            let b = split_block(&joined(&[v]));
            assert!(b.bad.is_empty(), "{v}: {:?}", b.bad);
            assert_eq!(b.indicators, expected, "{v}");
        }
    }

    #[test]
    fn garbage_costs_linear_time() {
        // Quadratic scans would take minutes on these.
        let many_starts = "1、".repeat(50_000);
        let b = split_block(&joined(&[&many_starts]));
        assert!(b.indicators.is_empty());
        let spaces = format!("1{}0", " ".repeat(200_000));
        assert_eq!(normalize_value(&spaces), "10");
        assert_eq!(
            collapse_cjk_spaces(&format!("产{}出", " ".repeat(200_000))),
            "产出"
        );
        let list: String = (1..=3000)
            .map(|i| format!("{i}、产出指标；数量指标；名称{i}；指标值:发布"))
            .collect();
        let b = split_block(&joined(&[&list]));
        assert_eq!(b.indicators.len(), 3000);
    }

    #[test]
    fn line_at_never_panics() {
        let j = Joined::default();
        assert_eq!(j.line_at(0), 0);
        let j = joined(&["ab", "cd"]);
        assert_eq!((j.line_at(0), j.line_at(2), j.line_at(99)), (1, 2, 2));
        assert_eq!(j.last_line(), 2);
    }
}

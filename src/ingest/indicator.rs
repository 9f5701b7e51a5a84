//! The numbered indicator list of a project (`1、1-产出指标；11-数量指标；…。2、…`)
//! and the normalisation of target values.
//!
//! The list arrives as lines joined with nothing between them (Chinese has no
//! spaces between words, and the PDF wraps anywhere, even inside a number), so
//! it is parsed from a [`Joined`] text that remembers which line each byte
//! came from.

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
        let s = s.trim();
        if s.is_empty() {
            return;
        }
        self.marks.push((self.text.len(), line));
        self.text.push_str(s);
    }

    /// The source line holding byte `offset`.
    pub fn line_at(&self, offset: usize) -> usize {
        match self.marks.partition_point(|&(o, _)| o <= offset) {
            0 => self.marks.first().map_or(0, |m| m.1),
            i => self.marks[i - 1].1,
        }
    }

    pub fn first_line(&self) -> usize {
        self.marks.first().map_or(0, |m| m.1)
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

/// What a project's text block holds after the amounts.
#[derive(Debug, Default)]
pub struct Block {
    pub goal: String,
    pub indicators: Vec<Indicator>,
    pub bad: Vec<BadIndicator>,
}

/// Splits a project's block into its goal paragraph and its indicator list.
///
/// The list starts at the first `1、` from which a well-formed indicator parses;
/// a `1、` inside the goal (`具体包括：1、开展…`) does not fool it.
pub fn split_block(j: &Joined) -> Block {
    let t = j.text.as_str();
    let mut start = None;
    for pos in marker_positions(t, 1) {
        let (_, body_start) = match seq_marker_at(t, pos, 1) {
            Some(x) => x,
            None => continue,
        };
        let end = next_boundary(t, body_start, 2).map_or(t.len(), |b| b.0);
        if parse_body(&t[body_start..end]).is_ok_and(|p| p.plausible_level()) {
            start = Some(pos);
            break;
        }
    }
    let Some(start) = start else {
        return Block {
            goal: t.to_string(),
            ..Block::default()
        };
    };
    let mut block = Block {
        goal: t[..start].to_string(),
        ..Block::default()
    };
    let mut pos = start;
    let mut seq = 1u32;
    loop {
        let Some((_, body_start)) = seq_marker_at(t, pos, seq) else {
            break;
        };
        let next = next_boundary(t, body_start, seq + 1);
        let end = next.map_or(t.len(), |b| b.0);
        let raw = &t[pos..end];
        let body = t[body_start..end].trim_end_matches(|c: char| c == '。' || c.is_whitespace());
        match parse_body(body) {
            Ok(p) => block.indicators.push(Indicator {
                seq,
                level_code: p.level_code,
                level: p.level,
                category_code: p.category_code,
                category: p.category,
                name: p.name,
                cycle_value: p.cycle_value,
                annual_value: p.annual_value,
                line: j.line_at(pos),
            }),
            Err(reason) => block.bad.push(BadIndicator {
                line: j.line_at(pos),
                text: raw.to_string(),
                reason,
            }),
        }
        match next {
            Some((b, _)) => {
                pos = b;
                seq += 1;
            }
            None => break,
        }
    }
    block
}

/// If `t[pos..]` is the marker of indicator `n` (`n、`, spaces allowed), returns
/// (marker start, body start).
fn seq_marker_at(t: &str, pos: usize, n: u32) -> Option<(usize, usize)> {
    let rest = t.get(pos..)?;
    let digits = n.to_string();
    let after_digits = rest.strip_prefix(digits.as_str())?;
    if pos > 0
        && t[..pos]
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

/// Byte positions where the number `n` starts, not preceded by a digit.
fn marker_positions(t: &str, n: u32) -> impl Iterator<Item = usize> + '_ {
    let digits = n.to_string();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = t.get(from..)?.find(digits.as_str()) {
            let pos = from + i;
            from = pos + digits.len();
            if seq_marker_at(t, pos, n).is_some() {
                return Some(pos);
            }
        }
        None
    })
}

/// Finds where indicator `n` begins after `from`: a `n、` that follows the
/// `。` closing the previous indicator, or failing that, a `n、` followed by a
/// level (`2-效益指标`, `产出指标`). Returns (marker start, body start).
fn next_boundary(t: &str, from: usize, n: u32) -> Option<(usize, usize)> {
    let rest = t.get(from..)?;
    let mut fallback = None;
    for pos in marker_positions(rest, n) {
        let abs = from + pos;
        let Some((_, body)) = seq_marker_at(t, abs, n) else {
            continue;
        };
        let before = t[..abs].trim_end();
        if before.ends_with('。') || before.ends_with('.') {
            return Some((abs, body));
        }
        if fallback.is_none() && looks_like_level(&t[body..]) {
            fallback = Some((abs, body));
        }
    }
    fallback
}

fn looks_like_level(s: &str) -> bool {
    let s = s.trim_start();
    let head: String = s.chars().take(8).collect();
    let code = head
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .count();
    (code > 0 && head.chars().nth(code) == Some('-')) || head.contains("指标")
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
    let fields: Vec<&str> = body.split(['；', ';']).map(str::trim).collect();
    let first_value = fields.iter().position(|f| value_field(f).is_some());
    let Some(vi) = first_value else {
        return Err("no 指标值 (expected 实施周期指标值: or 年度指标值:)".into());
    };
    if vi < 3 {
        return Err(format!(
            "expected 一级指标；二级指标；三级指标 before the values, found {} field(s)",
            vi
        ));
    }
    let (level_code, level) = split_code(fields[0]);
    let (category_code, category) = split_code(fields[1]);
    let name = fields[2..vi].join("；");
    if level.is_empty() || category.is_empty() || name.is_empty() {
        return Err("empty 一级指标, 二级指标 or 三级指标".into());
    }
    let mut cycle_value = None;
    let mut annual_value = None;
    for f in &fields[vi..] {
        if f.is_empty() {
            continue;
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
        level: level.to_string(),
        category_code,
        category: category.to_string(),
        name: normalize_text(&name),
        cycle_value,
        annual_value,
    })
}

/// `实施周期指标值:≥90%` → (true, `≥90%`).
fn value_field(f: &str) -> Option<(bool, &str)> {
    for &(key, cycle) in VALUE_KEYS {
        if let Some(rest) = f.strip_prefix(key) {
            let rest = rest.trim_start();
            if let Some(v) = rest.strip_prefix([':', '：']) {
                return Some((cycle, v.trim()));
            }
        }
    }
    None
}

/// `11-数量指标` → (Some("11"), "数量指标"); spaces inside the code from
/// extraction (`1 1-数量指标`) are dropped; no code → (None, text).
fn split_code(f: &str) -> (Option<String>, &str) {
    let f = f.trim();
    if let Some(dash) = f.find(['-', '－']) {
        let code = &f[..dash];
        if !code.trim().is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace())
        {
            let code: String = code.chars().filter(char::is_ascii_digit).collect();
            let rest = &f[dash..];
            let rest = rest
                .strip_prefix('-')
                .or_else(|| rest.strip_prefix('－'))
                .unwrap_or(rest);
            return (Some(code), rest.trim());
        }
    }
    (None, f)
}

/// Unifies only cosmetic variants in a target value: `≧`→`≥`, `≦`→`≤`,
/// full-width digits, letters and signs, `％`, full-width colon; drops spaces
/// that extraction put inside a number (`9 0%`).
pub fn normalize_value(v: &str) -> String {
    let mapped: String = v
        .trim()
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
    drop_spaces_in_numbers(&mapped)
}

/// Keeps text as printed except for spaces next to digits, which in a target value
/// are extraction noise (`9 0%`, `≥ 90%`, `1 份`).
fn drop_spaces_in_numbers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().next_back();
            let next = chars
                .get(i + 1..)
                .and_then(|r| r.iter().find(|c| **c != ' '));
            let near_number =
                |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit() || x == '.' || x == '%');
            let near_op =
                |x: Option<char>| x.is_some_and(|x| matches!(x, '≥' | '≤' | '>' | '<' | '='));
            if (near_number(prev) || near_op(prev))
                && (near_number(next.copied()) || !next.is_some_and(|n| n.is_ascii()))
            {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Names and other free text: trimmed, with full-width spaces folded.
pub fn normalize_text(s: &str) -> String {
    s.trim().replace('\u{3000}', " ")
}

#[cfg(test)]
mod tests {
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
    }

    #[test]
    fn values_unify_cosmetic_variants_only() {
        assert_eq!(normalize_value("≧95%"), "≥95%");
        assert_eq!(normalize_value("≦２"), "≤2");
        assert_eq!(normalize_value("９０％"), "90%");
        assert_eq!(normalize_value("9 0%"), "90%");
        assert_eq!(normalize_value(">=20平方米"), ">=20平方米");
        assert_eq!(normalize_value("≥1份/季度"), "≥1份/季度");
        assert_eq!(normalize_value("发布"), "发布");
        assert_eq!(normalize_value("2023.07-2024.01"), "2023.07-2024.01");
    }

    #[test]
    fn codes_split_and_spaces_inside_codes_dropped() {
        assert_eq!(split_code("1 1-数量指标"), (Some("11".into()), "数量指标"));
        assert_eq!(split_code("产出指标"), (None, "产出指标"));
        assert_eq!(split_code("3-满意度指标"), (Some("3".into()), "满意度指标"));
    }
}

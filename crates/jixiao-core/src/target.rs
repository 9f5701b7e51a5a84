//! Indicator targets as numbers: `≥90%` → (≥, 90, %), `不少于5个` → (≥, 5, 个),
//! `5个工作日以内` → (≤, 5, 个工作日). Text targets (`发布`, `优良`, `稳步提高`)
//! stay text.

use std::str::FromStr;

use rust_decimal::Decimal;

/// The comparison a target states. A bare number (`100%`, `0`, `1份`) is
/// [`Op::Eq`]: the table does not say which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }

    /// +1 when a larger number is the stricter target, -1 when a smaller
    /// one is, 0 when the op does not say.
    fn direction(self) -> i8 {
        match self {
            Op::Ge | Op::Gt => 1,
            Op::Le | Op::Lt => -1,
            Op::Eq => 0,
        }
    }
}

/// A parsed target value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Number {
        op: Op,
        number: Decimal,
        /// What follows the number: `%`, `份/季度`, `万`, `个工作日`; may be empty.
        unit: String,
    },
    /// Not a comparison with a number: kept as written (trimmed).
    Text(String),
}

/// Word forms of the comparisons, longest first so that `大于等于` wins
/// over `大于`.
const WORD_OPS: &[(&str, Op)] = &[
    ("大于或等于", Op::Ge),
    ("大于等于", Op::Ge),
    ("小于或等于", Op::Le),
    ("小于等于", Op::Le),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不小于", Op::Ge),
    ("不高于", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("不超过", Op::Le),
    ("不超出", Op::Le),
    ("至少", Op::Ge),
    ("至多", Op::Le),
    ("最多", Op::Le),
    ("大于", Op::Gt),
    ("高于", Op::Gt),
    ("多于", Op::Gt),
    ("超过", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("少于", Op::Lt),
    ("等于", Op::Eq),
    ("达到", Op::Eq),
    (">=", Op::Ge),
    ("=>", Op::Ge),
    ("≥", Op::Ge),
    ("≧", Op::Ge),
    ("<=", Op::Le),
    ("=<", Op::Le),
    ("≤", Op::Le),
    ("≦", Op::Le),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
];

/// Trailing words that state the comparison after the unit (`90%以上`).
const SUFFIX_OPS: &[(&str, Op)] = &[
    ("及以上", Op::Ge),
    ("或以上", Op::Ge),
    ("以上", Op::Ge),
    ("及以下", Op::Le),
    ("或以下", Op::Le),
    ("以下", Op::Le),
    ("以内", Op::Le),
    ("之内", Op::Le),
];

/// Characters that cannot be part of a unit: a value holding them is a
/// sentence or a range, not a number with a unit.
fn bad_unit_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ',' | ';' | '。' | '、' | '-' | '*' | '~' | '.')
}

/// Parses one target value; `None` when it is empty.
pub fn parse_target(value: &str) -> Option<Target> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(parse_number(trimmed).unwrap_or_else(|| Target::Text(trimmed.to_string())))
}

/// Whether a value prints its comparison (`≥90%`, `=10个`, `不少于5个`,
/// `90%以上`) rather than a bare number (`100%`, `0`), which [`parse_target`]
/// reads as [`Op::Eq`]: a reviewer asks which way a bare number is meant.
pub fn states_op(value: &str) -> bool {
    let s = normalize(value);
    WORD_OPS.iter().any(|(w, _)| s.starts_with(w)) || SUFFIX_OPS.iter().any(|(w, _)| s.contains(w))
}

/// The value without its leading comparison, normalized (`≧ %` → `%`,
/// `不少于个` → `个`): what is left when a value is only an operator and a unit.
pub fn without_op(value: &str) -> String {
    let s = normalize(value);
    for (w, _) in WORD_OPS {
        if let Some(r) = s.strip_prefix(w) {
            return r.to_string();
        }
    }
    s
}

fn parse_number(value: &str) -> Option<Target> {
    let s = normalize(value);
    let mut rest = s.as_str();
    let mut op = None;
    for (word, o) in WORD_OPS {
        if let Some(r) = rest.strip_prefix(word) {
            op = Some(*o);
            rest = r;
            break;
        }
    }
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(rest.len(), |(i, _)| i);
    let (digits, mut unit) = rest.split_at(end);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let number = Decimal::from_str(digits).ok()?;
    if number.normalize().scale() > crate::vocab::MAX_NUMBER_FRAC_DIGITS {
        return None;
    }
    // `（含）` marks an inclusive bound, which `≥`/`≤` already are.
    let stripped;
    if unit.contains("(含)") {
        stripped = unit.replace("(含)", "");
        unit = stripped.as_str();
    }
    let mut suffix_op = None;
    for (word, o) in SUFFIX_OPS {
        if let Some(u) = unit.strip_suffix(word) {
            suffix_op = Some(*o);
            unit = u;
            break;
        }
    }
    if unit.chars().any(bad_unit_char) {
        return None;
    }
    let op = match (op, suffix_op) {
        (Some(Op::Eq) | None, Some(s)) => s,
        (Some(o), _) => o,
        (None, None) => Op::Eq,
    };
    Some(Target::Number {
        op,
        number: number.normalize(),
        unit: unit.to_string(),
    })
}

/// ASCII forms of full-width characters, no whitespace (`968.191 8` is one
/// number split by extraction), no thousands separators.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '﹪' => '%',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .peekable();
    // One pass (every indicator's target is parsed): a comma between two
    // digits is a thousands separator.
    let mut after_digit = false;
    while let Some(c) = chars.next() {
        if c == ',' && after_digit && chars.peek().is_some_and(char::is_ascii_digit) {
            continue;
        }
        after_digit = c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// How a target moved from one year to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Stricter: a higher `≥` bound, a lower `≤` bound.
    Raised,
    /// Looser: the quietly lowered promise.
    Lowered,
    Unchanged,
    /// Different, but which way cannot be told from the values alone: a
    /// bare number changed (`95%` → `97%`: a rate or a count of incidents?),
    /// the unit changed, or a text target changed.
    Changed,
    /// The indicator is new this year.
    Added,
    /// The indicator was there last year and is gone.
    Dropped,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Raised => "raised",
            Change::Lowered => "lowered",
            Change::Unchanged => "unchanged",
            Change::Changed => "changed",
            Change::Added => "added",
            Change::Dropped => "dropped",
        }
    }
}

/// Judges a target's move from `old` to `new`, from op and number.
pub fn judge(old: Option<&Target>, new: Option<&Target>) -> Change {
    let (old, new) = match (old, new) {
        (None, None) => return Change::Unchanged,
        (None, Some(_)) => return Change::Added,
        (Some(_), None) => return Change::Dropped,
        (Some(o), Some(n)) => (o, n),
    };
    match (old, new) {
        (Target::Text(a), Target::Text(b)) => {
            if normalize(a) == normalize(b) {
                Change::Unchanged
            } else {
                Change::Changed
            }
        }
        (
            Target::Number {
                op: o1,
                number: n1,
                unit: u1,
            },
            Target::Number {
                op: o2,
                number: n2,
                unit: u2,
            },
        ) => {
            if u1 != u2 {
                return Change::Changed;
            }
            if o1 == o2 && n1 == n2 {
                return Change::Unchanged;
            }
            let (d1, d2) = (o1.direction(), o2.direction());
            // A bare number beside a bound takes the bound's direction;
            // opposite bounds cannot be ordered.
            let dir = match (d1, d2) {
                (0, 0) => return Change::Changed,
                (0, d) | (d, 0) => d,
                (a, b) if a == b => a,
                _ => return Change::Changed,
            };
            let by_number = n2.cmp(n1);
            let step = match by_number {
                std::cmp::Ordering::Greater => dir,
                std::cmp::Ordering::Less => -dir,
                std::cmp::Ordering::Equal => {
                    // Same number: only `>` against `≥` (or `<` against `≤`)
                    // is a stricter or looser bound.
                    let strict = |o: &Op| matches!(o, Op::Gt | Op::Lt);
                    match (d1 != 0 && d2 != 0, strict(o1), strict(o2)) {
                        (true, false, true) => 1,
                        (true, true, false) => -1,
                        _ => return Change::Changed,
                    }
                }
            };
            if step > 0 {
                Change::Raised
            } else {
                Change::Lowered
            }
        }
        _ => Change::Changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(op: Op, n: &str, unit: &str) -> Option<Target> {
        Some(Target::Number {
            op,
            number: Decimal::from_str(n).unwrap(),
            unit: unit.to_string(),
        })
    }

    fn text(s: &str) -> Option<Target> {
        Some(Target::Text(s.to_string()))
    }

    #[test]
    fn parses_ops_numbers_and_units() {
        let p = parse_target;
        assert_eq!(p(">=90%"), num(Op::Ge, "90", "%"));
        assert_eq!(p("≥90%"), num(Op::Ge, "90", "%"));
        assert_eq!(p("≧95%"), num(Op::Ge, "95", "%"));
        assert_eq!(p("≦2"), num(Op::Le, "2", ""));
        assert_eq!(p("不低于90%"), num(Op::Ge, "90", "%"));
        assert_eq!(p("不少于5个"), num(Op::Ge, "5", "个"));
        assert_eq!(p("90%以上"), num(Op::Ge, "90", "%"));
        assert_eq!(p("95%（含）以上"), num(Op::Ge, "95", "%"));
        assert_eq!(p("≤5个工作日"), num(Op::Le, "5", "个工作日"));
        assert_eq!(p("5个工作日以内"), num(Op::Le, "5", "个工作日"));
        assert_eq!(p("≥1份/季度"), num(Op::Ge, "1", "份/季度"));
        assert_eq!(p("≥100条/年"), num(Op::Ge, "100", "条/年"));
        assert_eq!(p("≥15万"), num(Op::Ge, "15", "万"));
        assert_eq!(p("＞80％"), num(Op::Gt, "80", "%"));
        assert_eq!(p("<=475元/亩"), num(Op::Le, "475", "元/亩"));
        assert_eq!(p("=10个"), num(Op::Eq, "10", "个"));
        assert_eq!(p("100%"), num(Op::Eq, "100", "%"));
        assert_eq!(p("0"), num(Op::Eq, "0", ""));
        assert_eq!(p("1份"), num(Op::Eq, "1", "份"));
        assert_eq!(p("968.191 8"), num(Op::Eq, "968.1918", ""));
        assert_eq!(p("1,000元"), num(Op::Eq, "1000", "元"));
        assert_eq!(p("1,234,567元"), num(Op::Eq, "1234567", "元"));
        assert_eq!(p("１，０００ 人次"), num(Op::Eq, "1000", "人次"));
        assert_eq!(p("1,,2个"), text("1,,2个"));
        assert_eq!(p("≥95%(含)"), num(Op::Ge, "95", "%"));
        assert_eq!(p("≥ 90.50 %"), num(Op::Ge, "90.5", "%"));
        assert_eq!(p("发布"), text("发布"));
        assert_eq!(p("优良"), text("优良"));
        assert_eq!(p("稳步提高"), text("稳步提高"));
        assert_eq!(p("≥**个"), text("≥**个"));
        assert_eq!(p("2023.07-2024.01"), text("2023.07-2024.01"));
        assert_eq!(p("90-95%"), text("90-95%"));
        assert_eq!(p("1份，按时提交"), text("1份，按时提交"));
        assert_eq!(p("  "), None);
        // Eight decimals are held exactly in the outputs' decimals; a ninth
        // would need rounding there, so the value stays text.
        assert_eq!(p("0.00000001"), num(Op::Eq, "0.00000001", ""));
        assert_eq!(p("≤0.000000015毫克"), text("≤0.000000015毫克"));
    }

    #[test]
    fn tells_a_stated_comparison_from_a_bare_number() {
        assert!(states_op("≥90%"));
        assert!(states_op("=10个"));
        assert!(states_op("不少于5个"));
        assert!(states_op("95%（含）以上"));
        assert!(states_op(" ＞80％"));
        assert!(!states_op("100%"));
        assert!(!states_op("0"));
        assert!(!states_op("1份"));
        assert_eq!(without_op("≧ %"), "%");
        assert_eq!(without_op("不少于 个"), "个");
        assert_eq!(without_op("公里"), "公里");
    }

    #[test]
    fn judges_moves_from_op_and_number() {
        let j = |a: &str, b: &str| judge(parse_target(a).as_ref(), parse_target(b).as_ref());
        assert_eq!(j("≥85%", "≥90%"), Change::Raised);
        assert_eq!(j("≥90%", "≥85%"), Change::Lowered);
        assert_eq!(j("≤2", "≤3"), Change::Lowered);
        assert_eq!(j("≦2", "≤1"), Change::Raised);
        assert_eq!(j("≧90%", "≥90%"), Change::Unchanged);
        assert_eq!(j("不低于90%", "≥90.0%"), Change::Unchanged);
        assert_eq!(j("≥90%", ">90%"), Change::Raised);
        assert_eq!(j("95%", "≥96%"), Change::Raised);
        assert_eq!(j("95%", "97%"), Change::Changed);
        assert_eq!(j("≥95%", "≤95%"), Change::Changed);
        assert_eq!(j("≥100条/年", "≥100条"), Change::Changed);
        assert_eq!(j("发布", "发布"), Change::Unchanged);
        assert_eq!(j("发布", "优良"), Change::Changed);
        assert_eq!(j("发布", "1份"), Change::Changed);
        assert_eq!(judge(None, parse_target("1份").as_ref()), Change::Added);
        assert_eq!(judge(parse_target("1份").as_ref(), None), Change::Dropped);
    }
}

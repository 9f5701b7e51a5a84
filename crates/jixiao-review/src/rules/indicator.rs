//! Indicator rules (R21–R45): a name, a value, its unit, operator and
//! kind, judged on the parsed target and the framework's names.

use jixiao_core::target::{self, Change, Op, Target};
use jixiao_core::vocab::{self, Level};
use rust_decimal::Decimal;

use super::Note;
use crate::Severity;
use crate::context::{Ind, Kind, Table};

// ---- Word tests over the vocabulary's lists (on `vocab::key` forms).

/// A run of placeholder characters (`**`, `××`, `XX`, `__`).
pub(crate) fn has_placeholder(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        if vocab::PLACEHOLDER_CHARS.contains(&c) {
            run += 1;
            if run >= vocab::PLACEHOLDER_RUN {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn is_share_unit(unit: &str) -> bool {
    vocab::SHARE_UNITS.contains(&unit)
}

/// A name of a share (合格率), not of a frequency or an efficiency (频率).
fn is_rate_name(name: &str) -> bool {
    name.ends_with(vocab::RATE_SUFFIX) && !vocab::NON_SHARE_RATES.iter().any(|w| name.ends_with(w))
}

fn is_count_name(name: &str) -> bool {
    vocab::COUNT_NAME_SUFFIXES.iter().any(|w| name.ends_with(w))
}

/// Something a smaller number is better for (事故数, 投诉量), and not its handling (投诉办结率).
pub(crate) fn is_adverse(name: &str) -> bool {
    vocab::ADVERSE_WORDS.iter().any(|w| name.contains(w))
        && !vocab::HANDLING_WORDS.iter().any(|w| name.contains(w))
}

/// A share a larger number is better for (合格率, 满意度); `adverse` is the
/// name's [`is_adverse`].
fn is_favourable(name: &str, adverse: bool) -> bool {
    !adverse && vocab::FAVOURABLE_RATES.iter().any(|w| name.ends_with(w))
}

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

fn has_digit(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
}

/// A value that is only an operator, or an operator and a unit (`≧ %`, `公里`).
fn only_op_or_unit(raw: &str) -> bool {
    let rest = target::without_op(raw);
    rest.is_empty() || vocab::MEASURE_UNITS.contains(&rest.as_str())
}

/// A vague trend as the whole value (`稳步提高`, `持续改善`): no number.
fn is_trend(text: &str) -> bool {
    let k = vocab::key(text);
    !has_digit(&k) && has_any(&k, vocab::TREND_WORDS)
}

/// A value on a grade scale: a grade word once its affixes (`良好以上`,
/// `按时完成`) are dropped.
fn is_grade(text: &str) -> bool {
    let mut k = target::without_op(&vocab::key(text));
    // Affixes stack (`基本全部完成`): drop until none is left, a bounded number of times.
    for _ in 0..4 {
        if k.is_empty() || vocab::GRADE_WORDS.contains(&k.as_str()) {
            return true;
        }
        let before = k.len();
        for a in vocab::GRADE_AFFIXES {
            if let Some(r) = k.strip_prefix(a) {
                k = r.to_string();
            }
            if let Some(r) = k.strip_suffix(a) {
                k = r.to_string();
            }
        }
        if k.len() == before {
            break;
        }
    }
    k.is_empty() || vocab::GRADE_WORDS.contains(&k.as_str())
}

// ---- The rules.

/// R21: the name is empty, a framework label (`数量指标`, `社会效益`) or
/// only a numbering (`指标1:`, `（一）`).
pub(super) fn r21(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let k = &i.name_key;
    if k.is_empty() {
        return Note::say("指标名称为空".into());
    }
    // No framework label is longer than 16 characters: longer names are not one.
    if k.chars().nth(16).is_none() && (vocab::is_level_word(k) || vocab::is_category_word(k)) {
        return Note::say(format!("指标名称“{}”仅为指标层级名称", i.ind.name));
    }
    let numbering_only = k
        .replace("指标", "")
        .replace("三级", "")
        .chars()
        .all(|c| c.is_ascii_digit() || "一二三四五六七八九十第项:、.()-_#".contains(c));
    if numbering_only {
        return Note::say(format!("指标名称“{}”仅为编号", i.ind.name));
    }
    None
}

/// R22: a template's placeholder left in the value (`must`) or in the name
/// (`should`: `（≥**人）` kept from the template beside a real value).
pub(super) fn r22(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let values = [i.ind.annual_value.as_deref(), i.ind.cycle_value.as_deref()];
    if values.iter().flatten().any(|v| has_placeholder(v)) {
        return Note::plain();
    }
    if has_placeholder(&i.ind.name) {
        return Some(Note {
            message: Some(format!("指标名称“{}”留有模板占位符", i.ind.name)),
            severity: Some(Severity::Should),
        });
    }
    None
}

/// R24: a number or a target inside the name: an operator before a digit
/// (`≥90`), a percentage (`达标率100%`), or a count and its unit at the end
/// (`新建水泥路1条`), but not a year (`2024年`), an ordinal (`第3批`) or a
/// leading code (`12345热线`).
pub(super) fn r24(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let k = &i.name_key;
    let chars: Vec<char> = k.chars().collect();
    let op_digit = chars
        .windows(2)
        .any(|w| matches!(w, [a, b] if "≥≤≧≦<>=".contains(*a) && b.is_ascii_digit()));
    let pct = chars
        .windows(2)
        .any(|w| matches!(w, [a, '%'] if a.is_ascii_digit()));
    // A count at the end: digits, then one or two characters of a unit.
    let tail_count = {
        let unit_len = chars
            .iter()
            .rev()
            .take_while(|c| !c.is_ascii_digit())
            .count();
        let digits = chars
            .iter()
            .rev()
            .skip(unit_len)
            .take_while(|c| c.is_ascii_digit() || **c == '.')
            .count();
        let before = chars.len().checked_sub(unit_len + digits + 1);
        let ordinal = before.and_then(|b| chars.get(b)) == Some(&'第');
        let unit: String = chars.iter().rev().take(unit_len).rev().collect();
        (1..=2).contains(&unit_len)
            && digits > 0
            && digits < chars.len()
            && !ordinal
            && !matches!(
                unit.as_str(),
                "年" | "月" | "日" | "号" | "期" | "批" | "级" | "类" | "季度"
            )
            && !unit.contains(['(', ')'])
    };
    (op_digit || pct || tail_count).then(Note::default)
}

/// R25: a satisfaction measure (…满意…) outside the 满意度 level.
pub(super) fn r25(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let lvl = i.level?;
    (i.name_key.contains(vocab::SATISFACTION_WORD) && lvl != Level::Satisfaction).then(|| Note {
        message: Some(format!(
            "满意度类指标“{}”列在{}下，应归入满意度指标",
            i.ind.name,
            lvl.name()
        )),
        severity: None,
    })
}

/// R27: budget execution or fund flow (预算执行率, 资金到位率) as a performance measure.
pub(super) fn r27(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let w = vocab::PROCESS_MEASURES
        .iter()
        .find(|w| i.name_key.contains(*w))?;
    Note::say(format!(
        "“{w}”属预算执行、资金拨付等过程指标，不宜作为绩效目标"
    ))
}

/// R28: a 数量 indicator given as a share (`课题完成率 100%` under 数量).
pub(super) fn r28(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (_, _, unit) = i.number()?;
    (i.is_category("数量指标") && is_share_unit(unit)).then(Note::default)
}

/// R29: a cost indicator that is no amount: a share, or qualitative. Only
/// the output cost (成本指标 under 产出) and 经济成本 are amounts by nature;
/// 社会成本 and 生态环境成本 may be described.
pub(super) fn r29(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let economic = i.is_category("成本指标")
        || i.is_category("经济成本指标")
        || (i.level == Some(Level::Cost) && i.category.is_none());
    if !economic {
        return None;
    }
    match i.target()? {
        Target::Number { unit, .. } if is_share_unit(unit) => Note::plain(),
        Target::Text(t) if !has_placeholder(t) && !only_op_or_unit(t) => Note::plain(),
        _ => None,
    }
}

/// Whether a value states a time: a time unit (`≤5个工作日`), a date or a
/// time word in a text (`2024年12月底前`), a frequency (`1次/月`), or a
/// share under a timeliness name (`及时率 ≥95%`, `计划完成率`, `当年下达率`).
fn states_time(i: &Ind<'_>) -> Option<bool> {
    Some(match i.target()? {
        Target::Number { unit, .. } => {
            // A frequency (`1次/月`) is a time requirement too.
            has_any(unit, vocab::TIME_WORDS)
                || (is_share_unit(unit) && has_any(&i.name_key, vocab::TIMELINESS_WORDS))
        }
        Target::Text(t) => {
            let k = vocab::key(t);
            has_digit(&k) || has_any(&k, vocab::TIME_WORDS)
        }
    })
}

/// R30: a 时效 indicator with no time in its value.
pub(super) fn r30(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    (i.is_category("时效指标") && !states_time(i)?).then(Note::default)
}

/// R32: no value at all, or a value that is only a unit or an operator
/// (`公里`, `≧ %`). A table with both columns and only one empty is R44's.
pub(super) fn r32(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let blank = |v: Option<&str>| v.is_none_or(|v| v.trim().is_empty());
    let (a, c) = (i.ind.annual_value.as_deref(), i.ind.cycle_value.as_deref());
    if blank(a) && blank(c) {
        return Note::say("指标值为空".into());
    }
    let bad = [a, c]
        .into_iter()
        .flatten()
        .filter(|v| !v.trim().is_empty())
        .find(|v| only_op_or_unit(v))?;
    Note::say(format!(
        "指标值“{}”仅有单位或符号，缺少目标数值",
        bad.trim()
    ))
}

/// R33: a number with no unit (`0`, `≦2`), unless the name carries its
/// unit in brackets (`培训人数（人）`). A share's name without `%` is R35's.
pub(super) fn r33(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (_, _, unit) = i.number()?;
    let unit_in_name = i.name_key.ends_with(')');
    (unit.is_empty() && !unit_in_name && !is_rate_name(&i.name_key)).then(Note::default)
}

/// R34: a bare magnitude (`≥15万`: ten thousand what?) or a per-unit without
/// its numerator (`≤475/株`).
pub(super) fn r34(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (_, _, unit) = i.number()?;
    if vocab::MAGNITUDES.contains(&unit) {
        return Note::say(format!(
            "计量单位“{unit}”只是数量级，应写明计量对象（如万份、万人次）"
        ));
    }
    if unit.starts_with('/') {
        return Note::say(format!("计量单位“{unit}”缺少分子（如元{unit}）"));
    }
    None
}

/// R35: the unit contradicts the name: a share (…率) not in % (or ‰,
/// 百分点), or a count (…人数, …次数) in %.
pub(super) fn r35(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (_, _, unit) = i.number()?;
    let k = &i.name_key;
    if is_rate_name(k) && !is_share_unit(unit) && !unit_names_share(unit) {
        let shown = if unit.is_empty() { "无单位" } else { unit };
        return Note::say(format!(
            "比率类指标“{}”的单位为“{shown}”，应为%",
            i.ind.name
        ));
    }
    if is_count_name(k) && is_share_unit(unit) {
        return Note::say(format!("数量类指标“{}”以%计，应为具体数量单位", i.ind.name));
    }
    None
}

/// A unit that is a share with more words (`个百分点`, `%以上`).
fn unit_names_share(unit: &str) -> bool {
    unit.contains('%') || unit.contains("百分点") || unit.contains('‰')
}

/// R36: a share above 100% (`292%`), or at least 100% (`≥100%`, which only
/// 100% meets). Growth may pass 100% (`增长率 150%`).
pub(super) fn r36(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (op, n, unit) = i.number()?;
    if unit != "%" {
        return None;
    }
    let hundred = Decimal::from(100);
    let growth = has_any(&i.name_key, vocab::GROWTH_WORDS);
    if n > hundred && !growth {
        return Note::say(format!("比率目标值{}%超过100%", n));
    }
    if n == hundred && matches!(op, Op::Ge | Op::Gt) {
        return Note::say(format!("“{}100%”无法超额，宜写为=100%", op.symbol()));
    }
    None
}

/// R37: a vague trend as the value (`稳步提高`, `持续改善`, `有所增强`).
pub(super) fn r37(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let t = i.text()?;
    (is_trend(t) && !has_placeholder(t)).then(Note::default)
}

/// R38: a qualitative value on no grade scale. Dates, trends (R37),
/// placeholders (R22) and bare units (R32) are judged by their own rules.
pub(super) fn r38(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let t = i.text()?;
    let k = vocab::key(t);
    let other = has_digit(&k)
        || has_placeholder(t)
        || is_trend(t)
        || only_op_or_unit(t)
        || has_any(&k, vocab::TIME_WORDS);
    (!other && !is_grade(t)).then(Note::default)
}

/// R39: 指标值类型 as printed contradicts the value: 定量 with no number,
/// 定性 with one.
pub(super) fn r39(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    match (i.printed_kind?, i.target()?) {
        (Kind::Quantitative, Target::Text(_)) => {
            Note::say("指标值类型为定量，但指标值不是数值".into())
        }
        (Kind::Qualitative, Target::Number { .. }) => {
            Note::say("指标值类型为定性，但指标值是数值".into())
        }
        _ => None,
    }
}

/// R40: a number with no operator (`100%`): more, less, or exactly? Not
/// asked where the table prints a direction (正向/反向), nor of a zero.
pub(super) fn r40(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (_, n, _) = i.number()?;
    // A bare zero has one reading (none at all).
    if n.is_zero() || i.ind.direction.is_some() {
        return None;
    }
    (!target::states_op(i.value_text())).then(Note::default)
}

/// R41: the operator contradicts the printed direction (反向 with ≥) or the
/// name's meaning (≤ on 合格率/满意度, ≥ on 事故/投诉).
pub(super) fn r41(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (op, _, unit) = i.number()?;
    let up = matches!(op, Op::Ge | Op::Gt);
    let down = matches!(op, Op::Le | Op::Lt);
    match i.ind.direction.as_deref().and_then(vocab::direction) {
        Some("反向") if up => return Note::say(format!("反向指标使用“{}”", op.symbol())),
        Some("正向") if down => return Note::say(format!("正向指标使用“{}”", op.symbol())),
        Some(_) => return None,
        None => {}
    }
    let k = &i.name_key;
    if up && i.adverse {
        return Note::say(format!(
            "“{}”越少越好，不宜使用“{}”",
            i.ind.name,
            op.symbol()
        ));
    }
    if down && is_share_unit(unit) && is_favourable(k, i.adverse) {
        return Note::say(format!(
            "“{}”越高越好，不宜使用“{}”",
            i.ind.name,
            op.symbol()
        ));
    }
    None
}

/// R42: zero as the target of a cost or of a count of outputs (an adverse
/// count, `安全事故0起`, is meant to be zero).
pub(super) fn r42(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let (op, n, _) = i.number()?;
    if !n.is_zero() {
        return None;
    }
    if i.is_cost() {
        return Note::say("成本指标目标值为0".into());
    }
    let count = i.is_category("数量指标") && !i.adverse;
    (count && !matches!(op, Op::Le | Op::Lt)).then(|| Note {
        message: Some("数量指标目标值为0".into()),
        severity: None,
    })
}

/// Separators between targets in one cell.
const TARGET_SEPARATORS: &[char] = &['；', ';', '，', ',', '、', '\n', '和', '及', '与'];

/// R43: several targets in one cell (`≥10个；≥90%`): two or more of its
/// parts read as numbers with a unit or operator.
pub(super) fn r43(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let t = i.text()?;
    let numbers = t
        .split(TARGET_SEPARATORS)
        .filter_map(target::parse_target)
        .filter(|p| matches!(p, Target::Number { .. }))
        .count();
    (numbers >= 2).then(Note::default)
}

/// R44: where the table has both columns: one of them empty; an annual
/// count above the whole cycle's; an annual share looser than the cycle's.
pub(super) fn r44(t: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    if !t.has_cycle {
        return None;
    }
    let blank = |v: Option<&str>| v.is_none_or(|v| v.trim().is_empty());
    let (a, c) = (i.ind.annual_value.as_deref(), i.ind.cycle_value.as_deref());
    match (blank(c), blank(a)) {
        (true, true) => return None,
        (true, false) => return Note::say("实施周期指标值为空".into()),
        (false, true) => return Note::say("年度指标值为空".into()),
        _ => {}
    }
    let (
        Some(Target::Number {
            op: oc,
            number: nc,
            unit: uc,
        }),
        Some(Target::Number {
            op: oa,
            number: na,
            unit: ua,
        }),
    ) = (&i.cycle, &i.annual)
    else {
        return None;
    };
    if uc != ua {
        return None;
    }
    let at_least = |o: &Op| matches!(o, Op::Ge | Op::Gt | Op::Eq);
    if !is_share_unit(ua) && !ua.contains('/') && at_least(oc) && at_least(oa) && na > nc {
        return Note::say(format!("年度指标值{na}{ua}大于实施周期指标值{nc}{uc}"));
    }
    if is_share_unit(ua) && target::judge(i.cycle.as_ref(), i.annual.as_ref()) == Change::Lowered {
        return Note::say("年度指标值低于实施周期指标值".into());
    }
    None
}

/// R45: a satisfaction target outside 60–100% or not in %.
pub(super) fn r45(_: &Table<'_>, i: &Ind<'_>) -> Option<Note> {
    let sat = i.level == Some(Level::Satisfaction) || i.name_key.contains(vocab::SATISFACTION_WORD);
    if !sat || i.adverse {
        return None;
    }
    let (_, n, unit) = i.number()?;
    if unit.is_empty() {
        return Note::say("满意度目标值缺少%".into());
    }
    if unit != "%" {
        return Note::say(format!("满意度目标值单位为“{unit}”，应以%表示"));
    }
    let (lo, hi) = vocab::SATISFACTION_RANGE;
    if n < Decimal::from(lo) || n > Decimal::from(hi) {
        return Note::say(format!("满意度目标值{n}%不在{lo}%–{hi}%之间"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_runs() {
        assert!(has_placeholder("≥**个"));
        assert!(has_placeholder("××村"));
        assert!(has_placeholder("XX项目"));
        assert!(has_placeholder("___"));
        assert!(!has_placeholder("*注"));
        assert!(!has_placeholder("X光机"));
    }

    #[test]
    fn grades_drop_their_affixes() {
        assert!(is_grade("良好"));
        assert!(is_grade("良好以上"));
        assert!(is_grade("按时完成"));
        assert!(is_grade("基本全部完成"));
        assert!(is_grade("是"));
        assert!(!is_grade("保障单位正常运转"));
    }

    #[test]
    fn adverse_names_unless_handled() {
        assert!(is_adverse("安全事故发生数"));
        assert!(is_adverse("有效投诉量"));
        assert!(!is_adverse("投诉办结率"));
        assert!(!is_adverse("事故隐患整改率"));
        assert!(is_favourable("验收合格率", is_adverse("验收合格率")));
        assert!(!is_favourable("产品不合格率", is_adverse("产品不合格率")));
    }
}

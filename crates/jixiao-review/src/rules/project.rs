//! Project rules: money that reconciles (R02), a complete framework
//! (R05–R10), enough indicators and enough of them quantitative (R11, R12,
//! settings), no repeated names (R13), calibrated values (R14), weights
//! that add up (R15).

use std::collections::HashMap;

use jixiao_core::target::Target;
use jixiao_core::vocab::{self, Level};
use rust_decimal::Decimal;

use super::Hit;
use crate::Anchor;
use crate::context::{Kind, Proj, Table};

fn at(p: &Proj<'_>) -> Anchor {
    Anchor::Project {
        unit: p.unit_index,
        project: p.index,
    }
}

fn at_ind(p: &Proj<'_>, i: usize) -> Anchor {
    Anchor::Indicator {
        unit: p.unit_index,
        project: p.index,
        indicator: i,
    }
}

/// Amounts as the table prints them (4 decimals at most after 元 → 万元).
fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// R02: the project's 总计 equals its sources; its unit's total equals its
/// projects' (judged once, at the unit's first project); 合计 equals the
/// units' (judged once, at the table's first project). Only figures the
/// table prints are compared: an empty source column is not a zero.
pub(super) fn r02(t: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let a = &p.project.amounts;
    let any_source = a.fiscal.is_some() || a.special.is_some() || a.other.is_some();
    if let Some(total) = a.total
        && any_source
        && a.sources_known()
        && a.sources_sum() != total
    {
        out.push(Hit::at(at(p)).say(format!(
            "项目金额不平：总计{}，各资金来源合计{}",
            show(total),
            show(a.sources_sum())
        )));
    }
    if p.index == 0
        && let Some(total) = p.unit.amounts.as_ref().and_then(|a| a.total)
    {
        let sum: Option<Decimal> = p.unit.projects.iter().map(|q| q.amounts.total).sum();
        if let Some(sum) = sum
            && sum != total
        {
            out.push(Hit::at(Anchor::Unit { unit: p.unit_index }).say(format!(
                "单位“{}”金额{}与所属项目合计{}不一致",
                p.unit.name,
                show(total),
                show(sum)
            )));
        }
    }
    let first = t.projects.first().map(|f| (f.unit_index, f.index));
    if first == Some((p.unit_index, p.index))
        && let Some(total) = t.doc.grand_total.as_ref().and_then(|a| a.total)
    {
        // A unit's figure is its row's, else its projects' sum.
        let sum: Option<Decimal> = t
            .doc
            .units
            .iter()
            .map(|u| {
                u.amounts
                    .as_ref()
                    .and_then(|a| a.total)
                    .or_else(|| u.projects.iter().map(|q| q.amounts.total).sum())
            })
            .sum();
        if let Some(sum) = sum
            && sum != total
        {
            out.push(Hit::at(Anchor::Table).say(format!(
                "合计{}与各单位合计{}不一致",
                show(total),
                show(sum)
            )));
        }
    }
}

/// R05: a project with no indicator.
pub(super) fn r05(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    if p.inds.is_empty() {
        out.push(Hit::at(at(p)));
    }
}

/// Whether the project has an indicator of this framework level.
fn has_level(p: &Proj<'_>, l: Level) -> bool {
    p.inds.iter().any(|i| i.level == Some(l))
}

/// The framework rules judge only projects whose levels are known: a table
/// printed without levels does not say what is missing.
fn framework_judged(p: &Proj<'_>) -> bool {
    !p.inds.is_empty() && p.has_known_levels()
}

/// R06: no 产出 indicator.
pub(super) fn r06(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    if framework_judged(p) && !has_level(p, Level::Output) {
        out.push(Hit::at(at(p)));
    }
}

/// R07: no 效益 indicator.
pub(super) fn r07(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    if framework_judged(p) && !has_level(p, Level::Effect) {
        out.push(Hit::at(at(p)));
    }
}

/// R08: no 满意度 indicator. The framework maps 服务对象满意度 printed under
/// 效益 (older templates) to the 满意度 level, so both forms count.
pub(super) fn r08(t: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    if framework_judged(p) && !has_level(p, Level::Satisfaction) {
        let msg = if t.template.satisfaction_under_effect {
            "缺少满意度指标（本模板在效益指标下设服务对象满意度）"
        } else {
            "缺少满意度指标"
        };
        out.push(Hit::at(at(p)).say(msg.to_string()));
    }
}

/// R09: no cost indicator, judged by the template (see
/// [`crate::Template::cost_required`]): the 成本 level under the 2021
/// framework, 成本指标 under 产出 (or a 成本 level) under an older one.
pub(super) fn r09(t: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let Some(sev) = t.template.cost_required() else {
        return;
    };
    if !framework_judged(p) || p.inds.iter().any(|i| i.is_cost()) {
        return;
    }
    let msg = match t.template.family {
        crate::Family::CostLevel => "缺少成本指标（本模板成本为一级指标）",
        crate::Family::Legacy => "缺少成本指标（2021年起提倡设置成本指标；本表沿用旧模板，供参考）",
    };
    out.push(Hit::at(at(p)).say(msg.to_string()).severity(sev));
}

/// R10: 产出 without 数量 or without 质量.
pub(super) fn r10(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let output: Vec<_> = p
        .inds
        .iter()
        .filter(|i| i.level == Some(Level::Output))
        .collect();
    if output.is_empty() || output.iter().all(|i| i.category.is_none()) {
        return;
    }
    let has = |c: &str| output.iter().any(|i| i.is_category(c));
    let missing: Vec<&str> = [("数量指标", "数量"), ("质量指标", "质量")]
        .iter()
        .filter(|(c, _)| !has(c))
        .map(|(_, w)| *w)
        .collect();
    if !missing.is_empty() {
        out.push(Hit::at(at(p)).say(format!(
            "产出指标缺少{}指标，应同时涵盖数量和质量",
            missing.join("、")
        )));
    }
}

/// R11: fewer indicators than the configured number.
pub(super) fn r11(_: &Table<'_>, p: &Proj<'_>, n: Option<f64>, out: &mut Vec<Hit>) {
    let Some(n) = n else { return };
    if (p.inds.len() as f64) < n {
        out.push(Hit::at(at(p)).say(format!("绩效指标{}个，少于{}个", p.inds.len(), n)));
    }
}

/// R12: a smaller share of quantitative indicators than the configured percent.
pub(super) fn r12(_: &Table<'_>, p: &Proj<'_>, pct: Option<f64>, out: &mut Vec<Hit>) {
    let Some(pct) = pct else { return };
    if p.inds.is_empty() {
        return;
    }
    let quant = p
        .inds
        .iter()
        .filter(|i| i.kind == Some(Kind::Quantitative))
        .count();
    let share = 100.0 * quant as f64 / p.inds.len() as f64;
    if share < pct {
        out.push(Hit::at(at(p)).say(format!(
            "定量指标{}/{}（{:.0}%），低于{}%",
            quant,
            p.inds.len(),
            share,
            pct
        )));
    }
}

/// R13: the same name twice in a project, pointed at its second use.
pub(super) fn r13(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for i in &p.inds {
        if i.name_key.is_empty() {
            continue;
        }
        if seen.insert(i.name_key.as_str(), ()).is_some() {
            out.push(
                Hit::at(at_ind(p, i.index)).say(format!("指标名称“{}”在本项目中重复", i.ind.name)),
            );
        }
    }
}

/// Fewest indicators with a value before R14 judges a project.
const R14_MIN: usize = 4;
/// The share (in fifths) of one value that makes R14 trip: four in five.
const R14_FIFTHS: usize = 4;

/// R14: most indicators carry the same target (all `100%`).
pub(super) fn r14(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let targets: Vec<&Target> = p.inds.iter().filter_map(|i| i.target()).collect();
    if targets.len() < R14_MIN {
        return;
    }
    let mut best: Option<(&Target, usize)> = None;
    for t in &targets {
        let n = targets.iter().filter(|u| *u == t).count();
        if best.is_none_or(|(_, b)| n > b) {
            best = Some((t, n));
        }
    }
    if let Some((t, n)) = best
        && n * 5 >= targets.len() * R14_FIFTHS
    {
        let shown = match t {
            Target::Number { op, number, unit } => {
                let op = if *op == jixiao_core::target::Op::Eq {
                    ""
                } else {
                    op.symbol()
                };
                format!("{op}{number}{unit}")
            }
            Target::Text(s) => s.clone(),
        };
        out.push(Hit::at(at(p)).say(format!(
            "{}个指标中{}个取值均为“{}”，目标值疑未测算",
            targets.len(),
            n,
            shown
        )));
    }
}

/// A level's weight printed in its label (`产出指标(50分)`, `效益指标（30）`);
/// a score range (`(40-50)分`) is no single weight.
fn level_weight(printed: &str) -> Option<Decimal> {
    let open = printed.find(['(', '（'])?;
    let inner = printed.get(open..)?;
    let inner = inner.trim_start_matches(['(', '（']);
    let close = inner.find([')', '）'])?;
    let body = inner.get(..close)?.trim().trim_end_matches('分').trim();
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    body.parse().ok()
}

/// R15: where weights are printed: each positive, all or none given, a
/// total of 100 (or 90 with 预算执行率 weighed outside the table), and each
/// level's printed weight equal to its indicators' sum.
pub(super) fn r15(_: &Table<'_>, p: &Proj<'_>, _: Option<f64>, out: &mut Vec<Hit>) {
    let weighted: Vec<_> = p.inds.iter().filter(|i| i.ind.weight.is_some()).collect();
    if weighted.is_empty() {
        return;
    }
    for i in &weighted {
        if let Some(w) = i.ind.weight
            && w <= Decimal::ZERO
        {
            out.push(Hit::at(at_ind(p, i.index)).say(format!("权重{w}，应为正数")));
        }
    }
    if weighted.len() < p.inds.len() {
        out.push(Hit::at(at(p)).say(format!(
            "{}个指标中{}个未填权重",
            p.inds.len(),
            p.inds.len() - weighted.len()
        )));
        return;
    }
    let total: Decimal = weighted.iter().filter_map(|i| i.ind.weight).sum();
    let process_inside = p.inds.iter().any(|i| {
        vocab::PROCESS_MEASURES
            .iter()
            .any(|w| i.name_key.contains(w))
    });
    let ok = total == Decimal::from(100) || (!process_inside && total == Decimal::from(90));
    if !ok {
        out.push(Hit::at(at(p)).say(format!(
            "权重合计{}，应为100（预算执行率另计时为90）",
            total.normalize()
        )));
    }
    // Each printed level weight against its indicators' sum, in print order.
    let mut levels: Vec<(&str, Decimal, Decimal)> = Vec::new();
    for i in &p.inds {
        let Some(lw) = level_weight(&i.ind.level) else {
            continue;
        };
        let w = i.ind.weight.unwrap_or_default();
        match levels.iter_mut().find(|(l, _, _)| *l == i.ind.level) {
            Some(entry) => entry.2 += w,
            None => levels.push((i.ind.level.as_str(), lw, w)),
        }
    }
    for (l, lw, sum) in levels {
        if lw != sum {
            out.push(Hit::at(at(p)).say(format!(
                "“{l}”权重{}与其下指标权重之和{}不一致",
                lw.normalize(),
                sum.normalize()
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::level_weight;
    use rust_decimal::Decimal;

    #[test]
    fn reads_a_level_weight_but_not_a_range() {
        assert_eq!(level_weight("产出指标(50分)"), Some(Decimal::from(50)));
        assert_eq!(level_weight("效益指标（30）"), Some(Decimal::from(30)));
        assert_eq!(level_weight("产出指标(40-50)分"), None);
        assert_eq!(level_weight("产出指标"), None);
        assert_eq!(level_weight("产出指标(共性)"), None);
    }
}

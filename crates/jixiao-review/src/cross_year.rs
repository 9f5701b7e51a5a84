//! R47 across two years of one project: a target lowered while the
//! project's money rose, or every target unchanged while the money doubled.
//! Which projects pair across years is the caller's (the aggregate stage
//! pairs them); indicators pair by their name's key.

use jixiao_core::model::{MoneyUnit, Project};
use jixiao_core::target::{Change, judge};
use jixiao_core::vocab;
use rust_decimal::Decimal;
use serde::Serialize;

/// One R47 note on this year's project: at an indicator, or at the project
/// (`indicator` is `None`) when every paired target stayed put.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossYearNote {
    /// Index into this year's `Project::indicators`.
    pub indicator: Option<usize>,
    pub message: String,
}

/// R47 for a project and its previous year's, each with its table's money unit.
pub fn cross_year(
    prev: &Project,
    prev_money: MoneyUnit,
    cur: &Project,
    cur_money: MoneyUnit,
) -> Vec<CrossYearNote> {
    let (Some(a), Some(b)) = (prev.amounts.total, cur.amounts.total) else {
        return Vec::new();
    };
    let (a, b) = (prev_money.to_wanyuan(a), cur_money.to_wanyuan(b));
    if b <= a {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut paired = 0;
    let mut unchanged = 0;
    for (idx, i) in cur.indicators.iter().enumerate() {
        let k = vocab::key(&i.name);
        let Some(old) = prev.indicators.iter().find(|o| vocab::key(&o.name) == k) else {
            continue;
        };
        paired += 1;
        match judge(old.target().as_ref(), i.target().as_ref()) {
            Change::Lowered => out.push(CrossYearNote {
                indicator: Some(idx),
                message: format!(
                    "资金由{}万元增至{}万元，目标值却由“{}”下调为“{}”",
                    a.normalize(),
                    b.normalize(),
                    old.annual_value.as_deref().unwrap_or(""),
                    i.annual_value.as_deref().unwrap_or("")
                ),
            }),
            Change::Unchanged => unchanged += 1,
            _ => {}
        }
    }
    if paired > 0 && unchanged == paired && b >= a * Decimal::from(2) {
        out.push(CrossYearNote {
            indicator: None,
            message: format!(
                "资金由{}万元增至{}万元（翻倍），目标值均未调整",
                a.normalize(),
                b.normalize()
            ),
        });
    }
    out
}

//! Reconciliation: projects sum to their unit, units to the grand total.
//! (Each row's sources against its own total are checked where the row is
//! read, since only the reader sees the printed figures.)

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Document, Warning};

/// One sum compared against the total printed in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SumCheck {
    /// What was summed, e.g. `unit 广州市来穗人员服务中心: 1 projects`.
    pub what: String,
    /// Line of the printed total.
    pub line: usize,
    /// The total the document prints.
    pub printed: Decimal,
    /// The sum of the parts.
    pub summed: Decimal,
}

impl SumCheck {
    pub fn ok(&self) -> bool {
        self.printed == self.summed
    }
}

/// Every sum check of a document, in document order.
pub fn reconcile(doc: &Document) -> Vec<SumCheck> {
    let mut checks = Vec::new();
    // A sum is checked only where the table prints every figure in it: a
    // project without amounts leaves its unit's sum unknown, not zero.
    let projects_sum = |u: &jixiao_core::model::Unit| -> Option<Decimal> {
        u.projects.iter().map(|p| p.amounts.total).sum()
    };
    for u in &doc.units {
        if let Some(printed) = u.amounts.as_ref().and_then(|a| a.total)
            && let Some(summed) = projects_sum(u)
        {
            checks.push(SumCheck {
                what: format!("unit {}: sum of its {} projects", u.name, u.projects.len()),
                line: u.line,
                printed,
                summed,
            });
        }
    }
    if let Some(printed) = doc.grand_total.as_ref().and_then(|g| g.total) {
        // Units without a printed total contribute their projects.
        let summed: Option<Decimal> = doc
            .units
            .iter()
            .map(|u| match &u.amounts {
                Some(a) => a.total,
                None => projects_sum(u),
            })
            .sum();
        if let Some(summed) = summed {
            checks.push(SumCheck {
                what: format!("合计: sum of its {} units", doc.units.len()),
                line: doc.grand_total_line.unwrap_or(0),
                printed,
                summed,
            });
        }
    }
    checks
}

/// Warnings for the sums that do not reconcile, naming the row and the difference.
pub fn reconcile_warnings(doc: &Document) -> Vec<Warning> {
    reconcile(doc)
        .into_iter()
        .filter(|c| !c.ok())
        .map(|c| Warning {
            source: doc.source.clone(),
            line: c.line,
            message: format!(
                "{} is {} but the table prints {} (difference {})",
                c.what,
                c.summed,
                c.printed,
                c.printed - c.summed
            ),
            kind: jixiao_core::model::WarningKind::Sum,
            pos: jixiao_core::model::Position::Line(c.line),
        })
        .collect()
}

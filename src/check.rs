//! Reconciliation: projects sum to their unit, units to the grand total.
//! A pipeline's check stage runs it over the [`Totals`] its ingest stage kept.
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

/// The printed totals of a document and the sums of their parts: what
/// reconciliation compares. Taken while the document is read (the document
/// itself is gone by the time a pipeline's check stage runs); a few figures
/// per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub source: String,
    pub units: Vec<UnitTotals>,
    /// The 合计 the document prints, and its line.
    pub grand_total: Option<Decimal>,
    pub grand_total_line: usize,
}

/// One unit's printed total and the sum of its projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitTotals {
    pub name: String,
    pub line: usize,
    /// `None` when the unit row prints no amounts at all.
    pub printed: Option<Option<Decimal>>,
    pub projects: usize,
    /// `None` when a project prints no total: the sum is unknown, not zero.
    pub projects_sum: Option<Decimal>,
}

impl Totals {
    pub fn of(doc: &Document) -> Self {
        Totals {
            source: doc.source.clone(),
            units: doc
                .units
                .iter()
                .map(|u| UnitTotals {
                    name: u.name.clone(),
                    line: u.line,
                    printed: u.amounts.as_ref().map(|a| a.total),
                    projects: u.projects.len(),
                    projects_sum: u.projects.iter().map(|p| p.amounts.total).sum(),
                })
                .collect(),
            grand_total: doc.grand_total.as_ref().and_then(|g| g.total),
            grand_total_line: doc.grand_total_line.unwrap_or(0),
        }
    }

    /// Every sum check, in document order: projects to their unit, units to 合计.
    pub fn reconcile(&self) -> Vec<SumCheck> {
        let mut checks = Vec::new();
        // A sum is checked only where the table prints every figure in it: a
        // project without amounts leaves its unit's sum unknown, not zero.
        for u in &self.units {
            if let Some(Some(printed)) = u.printed
                && let Some(summed) = u.projects_sum
            {
                checks.push(SumCheck {
                    what: format!("unit {}: sum of its {} projects", u.name, u.projects),
                    line: u.line,
                    printed,
                    summed,
                });
            }
        }
        if let Some(printed) = self.grand_total {
            // Units without a printed total contribute their projects.
            let summed: Option<Decimal> = self
                .units
                .iter()
                .map(|u| match u.printed {
                    Some(total) => total,
                    None => u.projects_sum,
                })
                .sum();
            if let Some(summed) = summed {
                checks.push(SumCheck {
                    what: format!("合计: sum of its {} units", self.units.len()),
                    line: self.grand_total_line,
                    printed,
                    summed,
                });
            }
        }
        checks
    }

    /// Warnings for the sums that do not reconcile, naming the row and the difference.
    pub fn warnings(&self) -> Vec<Warning> {
        self.reconcile()
            .into_iter()
            .filter(|c| !c.ok())
            .map(|c| Warning {
                source: self.source.clone(),
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
}

/// Every sum check of a document, in document order.
pub fn reconcile(doc: &Document) -> Vec<SumCheck> {
    Totals::of(doc).reconcile()
}

/// Warnings for the sums that do not reconcile, naming the row and the difference.
pub fn reconcile_warnings(doc: &Document) -> Vec<Warning> {
    Totals::of(doc).warnings()
}

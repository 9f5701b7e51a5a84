//! Which template a table follows, decided from its own levels and its
//! budget year: the 2021 guide (财预〔2021〕101号) makes 成本指标 a level of
//! its own; older templates put 成本 under 产出 and, in some provinces,
//! 满意度 under 效益. R08 and R09 are judged against it, and every finding
//! names it.

use jixiao_core::model::Document;
use jixiao_core::vocab::{self, Level};
use serde::Serialize;

use crate::Severity;

/// The year the 2021 guide's cost level starts to be expected.
pub const COST_LEVEL_FROM: i32 = 2021;

/// The template family a table's levels show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    /// 成本指标 printed as a level (the 2021 guide's framework).
    CostLevel,
    /// 产出/效益/满意度 with 成本 under 产出 (财预〔2015〕88号's era).
    Legacy,
}

/// The template a table was judged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    pub family: Family,
    pub year: Option<i32>,
    /// 满意度 printed under 效益 (older Hunan templates).
    pub satisfaction_under_effect: bool,
    /// A department-wide table (部门整体支出绩效目标表): no projects.
    pub department_wide: bool,
}

impl Template {
    /// Reads the family off the table's levels: a printed 成本 level means
    /// the 2021 framework, whatever the year; otherwise the older one.
    pub fn of(doc: &Document) -> Self {
        let mut cost_level = false;
        let mut sat_under_effect = false;
        for (_, p) in doc.projects() {
            for i in &p.indicators {
                let printed = vocab::level(&i.level);
                cost_level |= printed == Some(Level::Cost);
                sat_under_effect |= printed == Some(Level::Effect)
                    && vocab::category(&i.category).map(|c| c.level) == Some(Level::Satisfaction);
            }
        }
        Template::with(doc, cost_level, sat_under_effect)
    }

    /// The template given what the levels show (the review reads them once).
    pub(crate) fn with(doc: &Document, cost_level: bool, sat_under_effect: bool) -> Self {
        let any = doc.project_count() > 0;
        let unnamed = doc.projects().any(|(_, p)| p.name.trim().is_empty());
        let title_wide = doc.title.as_deref().is_some_and(|t| t.contains("整体"));
        Template {
            family: if cost_level {
                Family::CostLevel
            } else {
                Family::Legacy
            },
            year: doc.year,
            satisfaction_under_effect: sat_under_effect,
            department_wide: title_wide || (any && unnamed),
        }
    }

    /// How firmly R09 (a cost indicator) applies: `should` under the cost
    /// level's template; a `hint` for an older template used from 2021 on
    /// (the guide is "for reference and trial", and the older template has
    /// no cost level to fill); not at all before 2021 or when the year is
    /// not known.
    pub fn cost_required(&self) -> Option<Severity> {
        match (self.family, self.year) {
            (Family::CostLevel, _) => Some(Severity::Should),
            (Family::Legacy, Some(y)) if y >= COST_LEVEL_FROM => Some(Severity::Hint),
            _ => None,
        }
    }

    /// The template's name, as findings print it.
    pub fn label(&self) -> String {
        let mut s = String::from(match self.family {
            Family::CostLevel => "2021版模板（成本为一级指标）",
            Family::Legacy => "旧版模板（成本在产出下）",
        });
        if self.satisfaction_under_effect {
            s.push_str("，满意度在效益下");
        }
        if self.department_wide {
            s.push_str("，部门整体");
        }
        if let Some(y) = self.year {
            s.push_str(&format!("，{y}年"));
        }
        s
    }
}

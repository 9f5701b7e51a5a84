//! jixiao-review: the budget office's target review (绩效目标审核) as a rule
//! set over jixiao's document model.
//!
//! Every year each finance office reviews its departments' 绩效目标表 by eye
//! and returns the weak ones. Once a table is rows, most of its checks are
//! mechanical: this crate holds them as small named rules (R01…R45 of
//! `REVIEW.md`), each with its scope, default severity, the message a
//! reviewer would write and the document it rests on. [`review`] runs the
//! rules a [`Config`] switches on over one [`Document`] and returns
//! [`Finding`]s; [`grade_projects`] turns them into the grades of
//! 财预〔2015〕88号 (优/良/中/差) by a documented, configurable scoring.
//!
//! Rules judge parsed values (the core's [`jixiao_core::target::Target`],
//! `value_kind`, the framework's names), never raw strings where a parsed
//! form exists; their word lists live in [`jixiao_core::vocab`]. A review
//! never changes a document.

use jixiao_core::model::{Document, Position};
use serde::{Deserialize, Serialize};

pub mod config;
mod context;
pub mod cross_year;
pub mod grade;
pub mod rules;
pub mod template;

pub use config::{Config, ConfigError, RuleSettings, Setting, Switch};
pub use cross_year::cross_year;
pub use grade::{Grade, ProjectGrade, Scoring, grade_projects};
pub use rules::{RULES, RuleInfo, rule};
pub use template::{Family, Template};

/// How firmly a reviewer returns a finding: `must` is revised before the
/// budget goes on, `should` is asked for, `hint` is pointed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Should,
    Must,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Should => "should",
            Severity::Must => "must",
        }
    }

    /// The reviewer's word for it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Hint => "提示",
            Severity::Should => "建议修改",
            Severity::Must => "必须修改",
        }
    }
}

/// What a rule looks at: the whole table, one project, or one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Table,
    Project,
    Indicator,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Table => "table",
            Scope::Project => "project",
            Scope::Indicator => "indicator",
        }
    }
}

/// Where in the document a finding points: indexes into
/// `Document::units`, `Unit::projects` and `Project::indicators`, so that a
/// caller can join findings to its rows (a column of finding ids per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Anchor {
    Table,
    Unit {
        unit: usize,
    },
    Project {
        unit: usize,
        project: usize,
    },
    Indicator {
        unit: usize,
        project: usize,
        indicator: usize,
    },
}

impl Anchor {
    /// Document order: the table first, then each unit, its projects and
    /// their indicators as printed.
    fn order(&self) -> (usize, usize, usize, usize) {
        match *self {
            Anchor::Table => (0, 0, 0, 0),
            Anchor::Unit { unit } => (1 + unit, 0, 0, 0),
            Anchor::Project { unit, project } => (1 + unit, 1 + project, 0, 0),
            Anchor::Indicator {
                unit,
                project,
                indicator,
            } => (1 + unit, 1 + project, 1 + indicator, 0),
        }
    }

    /// The unit and project indexes, where the anchor is inside a project.
    pub fn project(&self) -> Option<(usize, usize)> {
        match *self {
            Anchor::Project { unit, project } | Anchor::Indicator { unit, project, .. } => {
                Some((unit, project))
            }
            _ => None,
        }
    }
}

/// One review finding: which rule, how firm, where, and what to tell the
/// unit. Fields are plain text so that any output can write them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `R01` … `R47`.
    pub rule: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// The template the table was judged against (`旧版模板（成本在产出下），2024年`).
    pub template: String,
    pub source: String,
    pub department: String,
    pub unit: String,
    pub project: String,
    pub level: String,
    pub category: String,
    pub name: String,
    /// The value the finding is about (annual, else cycle; both for R44).
    pub value: String,
    /// What a reviewer would write back (Chinese).
    pub message: String,
    /// 1-based line (text), row (workbook) or page (PDF); 0 when unknown.
    pub line: usize,
    /// Where it sits in full, so that a reviewer can open the document there.
    pub pos: Position,
    pub at: Anchor,
}

/// Reviews one document: every rule `config` switches on, in document
/// order. Never fails and never changes the document.
///
/// A table that is not a target table (R01: an evaluation or a
/// self-evaluation) gets R01 alone: its rows are not targets to review.
pub fn review(doc: &Document, config: &Config) -> Vec<Finding> {
    let table = context::Table::of(doc);
    let mut out = Vec::new();
    rules::run(&table, config, &mut out);
    out.sort_by_key(|f| (f.at.order(), f.rule));
    out
}

#[cfg(test)]
mod tests;

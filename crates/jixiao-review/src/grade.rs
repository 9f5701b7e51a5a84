//! A suggested grade per project, in the four grades of 财预〔2015〕88号
//! (优/良/中/差; 差 does not go on to budgeting).
//!
//! The scoring, every number a setting (`[grade]`):
//!
//! - a project starts at 100 and loses `must` (20), `should` (5) or `hint`
//!   (1) points per finding of its own or of its indicators;
//! - one rule counts at most `per_rule` (3) times per project, so that one
//!   habit repeated down a long list does not sink a project alone;
//! - the score then gives 优 from `excellent` (90), 良 from `good` (75), 中
//!   from `pass` (60), else 差;
//! - a project with a must-finding is at best 中: it goes back for revision
//!   whatever its score.
//!
//! Table findings (R01, R03's copies are a project's) count for no project.

use std::collections::HashMap;

use jixiao_core::model::Document;
use serde::{Deserialize, Serialize};

use crate::{Finding, Severity};

/// The four grades of 财预〔2015〕88号.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Grade {
    /// 差: returned, not budgeted.
    Poor,
    /// 中: revised before budgeting.
    Fair,
    /// 良.
    Good,
    /// 优.
    Excellent,
}

impl Grade {
    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

/// The scoring's numbers (see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scoring {
    pub must: u32,
    pub should: u32,
    pub hint: u32,
    pub per_rule: u32,
    pub excellent: u32,
    pub good: u32,
    pub pass: u32,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            must: 20,
            should: 5,
            hint: 1,
            per_rule: 3,
            excellent: 90,
            good: 75,
            pass: 60,
        }
    }
}

impl Scoring {
    fn points(&self, s: Severity) -> u32 {
        match s {
            Severity::Must => self.must,
            Severity::Should => self.should,
            Severity::Hint => self.hint,
        }
    }

    /// The score (0–100) and grade of one project's findings.
    pub fn grade<'a>(&self, findings: impl IntoIterator<Item = &'a Finding>) -> (u32, Grade) {
        let mut per_rule: HashMap<&str, u32> = HashMap::new();
        let mut lost: u32 = 0;
        let mut any_must = false;
        for f in findings {
            let n = per_rule.entry(f.rule).or_insert(0);
            *n += 1;
            any_must |= f.severity == Severity::Must;
            if *n <= self.per_rule {
                lost = lost.saturating_add(self.points(f.severity));
            }
        }
        let score = 100u32.saturating_sub(lost);
        let mut grade = if score >= self.excellent {
            Grade::Excellent
        } else if score >= self.good {
            Grade::Good
        } else if score >= self.pass {
            Grade::Fair
        } else {
            Grade::Poor
        };
        if any_must {
            grade = grade.min(Grade::Fair);
        }
        (score, grade)
    }
}

/// One project's counts and suggested grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectGrade {
    pub source: String,
    pub department: String,
    pub unit: String,
    pub project: String,
    pub indicators: usize,
    pub must: usize,
    pub should: usize,
    pub hint: usize,
    pub score: u32,
    pub grade: Grade,
    /// 1-based line (text), row (workbook) or page of the project.
    pub line: usize,
}

/// Every project of `doc` with its findings' counts and grade, in document
/// order (projects without findings included: they grade 优).
pub fn grade_projects(
    doc: &Document,
    findings: &[Finding],
    scoring: &Scoring,
) -> Vec<ProjectGrade> {
    let mut out = Vec::new();
    let mut by_project: HashMap<(usize, usize), Vec<&Finding>> = HashMap::new();
    for f in findings {
        if let Some(k) = f.at.project() {
            by_project.entry(k).or_default().push(f);
        }
    }
    for (ui, u) in doc.units.iter().enumerate() {
        for (pi, p) in u.projects.iter().enumerate() {
            let mine = by_project.remove(&(ui, pi)).unwrap_or_default();
            let count = |s: Severity| mine.iter().filter(|f| f.severity == s).count();
            let (score, grade) = scoring.grade(mine.iter().copied());
            out.push(ProjectGrade {
                source: doc.source.clone(),
                department: doc.department.clone().unwrap_or_default(),
                unit: u.name.clone(),
                project: p.name.clone(),
                indicators: p.indicators.len(),
                must: count(Severity::Must),
                should: count(Severity::Should),
                hint: count(Severity::Hint),
                score,
                grade,
                line: p.line,
            });
        }
    }
    out
}

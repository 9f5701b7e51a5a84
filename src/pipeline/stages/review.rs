//! `review`: the budget office's target review (绩效目标审核), the rules of
//! `jixiao-review` over every document read. Documents are not kept to the
//! end of a run, so ingest reviews each chunk as it is read (when a review
//! stage follows) and this stage tables what it found: `review`, one row per
//! finding, and `review_projects`, each project's counts and suggested
//! grade. Findings are data: they never change the indicator rows, and they
//! change the exit code only when `fail_on` asks.
//!
//! ```toml
//! [[stages]]
//! type = "review"
//! fail_on = "must"          # exit 1 on a must-finding (default: never)
//! [stages.rules]
//! R37 = "off"
//! R11 = 8                   # rules that need a number are off until given one
//! [stages.grade]
//! should = 8
//! ```

use std::any::Any;

use polars::prelude::{Column, DataFrame, PolarsResult};
use serde::Deserialize;

use super::{BuildContext, Findings, Stage, StageConfig, Wiring};
use crate::model::Document;
use crate::pipeline::run::{CheckResult, PlanState, RunError, RunState};
use crate::pipeline::table::Table;
use jixiao_review::{Finding, ProjectGrade, RuleSettings, Scoring, Severity};

/// `review`: which rules, how firmly, how projects are graded.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Rules switched off, given another severity, or given their number
    /// (`R37 = "off"`, `R05 = "hint"`, `R11 = 8`).
    #[serde(default)]
    pub rules: RuleSettings,
    /// The grading's numbers (see `jixiao_review::grade`).
    #[serde(default)]
    pub grade: Scoring,
    /// Make the run exit 1 when a finding this firm or firmer is found.
    pub fail_on: Option<Severity>,
}

impl ReviewConfig {
    /// The rule crate's configuration.
    pub fn review_config(&self) -> jixiao_review::Config {
        jixiao_review::Config {
            rules: self.rules.clone(),
            grade: self.grade,
        }
    }
}

/// What ingest found, chunk by chunk, for the review stage: each chunk's
/// findings made columns at once (the findings themselves do not outlive
/// their chunk: hundreds of thousands on a corpus), and what `fail_on`
/// needs (counts and first examples by severity).
#[derive(Debug, Default)]
pub struct ReviewRows {
    findings: Vec<DataFrame>,
    projects: Vec<DataFrame>,
    /// Findings per severity (hint, should, must).
    counts: [usize; 3],
    /// The first findings of each severity, for messages.
    examples: Vec<(Severity, String)>,
    /// A chunk whose tables could not be made (jixiao's fault).
    error: Option<polars::prelude::PolarsError>,
}

/// Examples kept per severity for the `fail_on` check's message.
const EXAMPLES: usize = 5;

impl ReviewRows {
    /// Reviews a chunk of documents on every core, in document order.
    pub fn add(&mut self, docs: &[Document], config: &jixiao_review::Config) {
        use rayon::prelude::*;
        let done: Vec<_> = docs
            .par_iter()
            .map(|d| {
                let f = jixiao_review::review(d, config);
                let g = jixiao_review::grade_projects(d, &f, &config.grade);
                (d.year, f, g)
            })
            .collect();
        let mut findings = Vec::new();
        let mut projects = Vec::new();
        for (year, f, g) in done {
            findings.extend(f.into_iter().map(|f| (year, f)));
            projects.extend(g.into_iter().map(|g| (year, g)));
        }
        for (_, f) in &findings {
            let k = f.severity as usize;
            if let Some(n) = self.counts.get_mut(k) {
                *n += 1;
                if *n <= EXAMPLES {
                    self.examples.push((
                        f.severity,
                        format!("{}:{}: {} {}", f.source, f.line, f.rule, f.message),
                    ));
                }
            }
        }
        match (findings_table(&findings), projects_table(&projects)) {
            (Ok(f), Ok(p)) => {
                self.findings.push(f);
                self.projects.push(p);
            }
            (Err(e), _) | (_, Err(e)) => {
                self.error.get_or_insert(e);
            }
        }
    }
}

/// The chunks' frames one under another (`empty` where there is none).
fn stack(parts: Vec<DataFrame>, empty: PolarsResult<DataFrame>) -> PolarsResult<DataFrame> {
    let mut parts = parts.into_iter();
    let Some(mut all) = parts.next() else {
        return empty;
    };
    for p in parts {
        all.vstack_mut_owned(p)?;
    }
    Ok(all)
}

impl StageConfig for ReviewConfig {
    fn type_name(&self) -> &'static str {
        "review"
    }

    fn validate(&self, _name: &str, w: &mut Wiring, found: &mut Findings) {
        if !w.seen.contains("flatten") {
            found.add("", "review needs a flatten stage before it");
        }
        if w.seen.contains("review") {
            found.add("", "only one review stage per pipeline");
        }
        w.tables
            .extend(["review".to_string(), "review_projects".to_string()]);
    }

    fn build(&self, b: &BuildContext<'_>) -> Result<Box<dyn Stage>, RunError> {
        Ok(Box::new(Review {
            name: b.name.to_string(),
            fail_on: self.fail_on,
        }))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

pub struct Review {
    name: String,
    fail_on: Option<Severity>,
}

impl Stage for Review {
    fn plan(&self, pl: &mut PlanState) -> Result<(), RunError> {
        pl.add_table(
            "review",
            findings_table(&[]).map(|d| d.schema().as_ref().clone()),
        );
        pl.add_table(
            "review_projects",
            projects_table(&[]).map(|d| d.schema().as_ref().clone()),
        );
        Ok(())
    }

    fn run(&self, st: &mut RunState<'_>) -> Result<(), RunError> {
        let rows = std::mem::take(&mut st.review);
        if let Some(level) = self.fail_on {
            let failures = rows.counts.iter().skip(level as usize).sum();
            // Firmest first.
            let mut examples: Vec<&(Severity, String)> =
                rows.examples.iter().filter(|(s, _)| *s >= level).collect();
            examples.sort_by(|a, b| b.0.cmp(&a.0));
            st.checks.push(CheckResult {
                stage: self.name.clone(),
                check: format!("review fail_on {}", level.as_str()),
                severity: "error",
                failures,
                examples: examples
                    .into_iter()
                    .take(EXAMPLES)
                    .map(|(_, m)| m.clone())
                    .collect(),
            });
        }
        let internal = || super::internal(format!("stage \"{}\": review tables", self.name));
        if let Some(e) = rows.error {
            return Err(internal()(e));
        }
        let f = stack(rows.findings, findings_table(&[])).map_err(internal())?;
        let p = stack(rows.projects, projects_table(&[])).map_err(internal())?;
        st.tables.push(("review".into(), Table::Mem(f)));
        st.tables.push(("review_projects".into(), Table::Mem(p)));
        Ok(())
    }
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn line_u32(l: usize) -> Option<u32> {
    (l > 0).then(|| u32::try_from(l).ok()).flatten()
}

/// The `review` table: one row per finding, with its row's place.
pub fn findings_table(rows: &[(Option<i32>, Finding)]) -> PolarsResult<DataFrame> {
    // Columns borrow the findings' text (hundreds of thousands of rows on a
    // corpus): no copy but polars' own.
    let text = |f: fn(&Finding) -> &str| -> Column {
        let v: Vec<Option<&str>> = rows.iter().map(|(_, x)| opt(f(x))).collect();
        Column::new("".into(), v)
    };
    let named = |c: Column, name: &str| c.with_name(name.into());
    let cols = vec![
        named(text(|f| f.rule), "rule"),
        named(text(|f| f.severity.as_str()), "severity"),
        named(text(|f| f.scope.as_str()), "scope"),
        Column::new(
            "year".into(),
            rows.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
        ),
        named(text(|f| &f.department), "department"),
        named(text(|f| &f.unit), "unit"),
        named(text(|f| &f.project), "project"),
        named(text(|f| &f.level), "level"),
        named(text(|f| &f.category), "category"),
        named(text(|f| &f.name), "name"),
        named(text(|f| &f.value), "value"),
        named(text(|f| &f.message), "message"),
        named(text(|f| &f.template), "template"),
        named(text(|f| &f.source), "source"),
        Column::new(
            "line".into(),
            rows.iter()
                .map(|(_, f)| line_u32(f.line))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "sheet".into(),
            rows.iter().map(|(_, f)| f.pos.sheet()).collect::<Vec<_>>(),
        ),
        Column::new(
            "cell".into(),
            rows.iter().map(|(_, f)| f.pos.cell()).collect::<Vec<_>>(),
        ),
        Column::new(
            "page".into(),
            rows.iter().map(|(_, f)| f.pos.page()).collect::<Vec<_>>(),
        ),
        Column::new(
            "bbox".into(),
            rows.iter().map(|(_, f)| f.pos.bbox()).collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new_infer_height(cols)
}

/// The `review_projects` table: one row per project.
pub fn projects_table(rows: &[(Option<i32>, ProjectGrade)]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&ProjectGrade) -> &str| -> Vec<Option<&str>> {
        rows.iter().map(|(_, g)| opt(f(g))).collect()
    };
    let count = |f: fn(&ProjectGrade) -> usize| -> Vec<u32> {
        rows.iter()
            .map(|(_, g)| u32::try_from(f(g)).unwrap_or(u32::MAX))
            .collect()
    };
    let cols = vec![
        Column::new("source".into(), text(|g| &g.source)),
        Column::new(
            "year".into(),
            rows.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
        ),
        Column::new("department".into(), text(|g| &g.department)),
        Column::new("unit".into(), text(|g| &g.unit)),
        Column::new("project".into(), text(|g| &g.project)),
        Column::new("indicators".into(), count(|g| g.indicators)),
        Column::new("must".into(), count(|g| g.must)),
        Column::new("should".into(), count(|g| g.should)),
        Column::new("hint".into(), count(|g| g.hint)),
        Column::new(
            "score".into(),
            rows.iter().map(|(_, g)| g.score).collect::<Vec<_>>(),
        ),
        Column::new(
            "grade".into(),
            rows.iter()
                .map(|(_, g)| g.grade.label())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "line".into(),
            rows.iter()
                .map(|(_, g)| line_u32(g.line))
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new_infer_height(cols)
}

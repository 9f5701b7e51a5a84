//! What the rules look at, computed once per document: each indicator's
//! parsed targets and framework names, each project's indicators, the
//! template the table follows.

use jixiao_core::model::{Document, Indicator, Project, Unit};
use jixiao_core::target::{Target, parse_target};
use jixiao_core::vocab::{self, Level};

use crate::template::Template;

/// 定量 or 定性, as printed or as the parsed target says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Quantitative,
    Qualitative,
}

/// One indicator with what the rules ask of it.
pub(crate) struct Ind<'a> {
    pub ind: &'a Indicator,
    pub index: usize,
    /// The annual (or only) value, parsed.
    pub annual: Option<Target>,
    /// The cycle (实施周期/长期) value, parsed.
    pub cycle: Option<Target>,
    /// The framework's level and category, where the mapping is certain.
    pub level: Option<Level>,
    pub category: Option<&'static str>,
    /// The name as matched: Simplified, no spaces.
    pub name_key: String,
    /// 定量/定性: printed, else 定量 when the target is a number.
    pub kind: Option<Kind>,
    /// 定量/定性 as printed only.
    pub printed_kind: Option<Kind>,
    pub labels: Labels,
    /// The name measures something a smaller number is better for (事故数).
    pub adverse: bool,
}

fn kind_of(s: &str) -> Option<Kind> {
    match vocab::value_kind(s) {
        Some("定量") => Some(Kind::Quantitative),
        Some("定性") => Some(Kind::Qualitative),
        _ => None,
    }
}

/// What a printed (level, category) pair means: the framework's names, the
/// printed level, and whether it is the evaluation framework's. A table
/// prints a handful of pairs over many rows: each is looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Labels {
    pub level: Option<Level>,
    pub category: Option<&'static str>,
    /// The level as printed (a 成本 level, a 效益 level holding 满意度).
    pub printed_level: Option<Level>,
    /// The printed category's own level (满意度 for 服务对象满意度).
    pub printed_category_level: Option<Level>,
    /// 决策/过程 or an evaluation category (项目立项).
    pub evaluation: bool,
}

impl Labels {
    fn of(level: &str, category: &str) -> Self {
        let (lvl, cat) = vocab::framework(level, category);
        Labels {
            level: lvl.and_then(vocab::level),
            category: cat,
            printed_level: vocab::level(level),
            printed_category_level: vocab::category(category).map(|c| c.level),
            evaluation: vocab::is_evaluation_level(level)
                || vocab::is_evaluation_category(category),
        }
    }
}

/// The labels of the pairs seen so far in a document.
#[derive(Default)]
struct LabelCache<'a> {
    seen: Vec<(&'a str, &'a str, Labels)>,
}

impl<'a> LabelCache<'a> {
    fn get(&mut self, level: &'a str, category: &'a str) -> Labels {
        if let Some((_, _, l)) = self
            .seen
            .iter()
            .find(|(a, b, _)| *a == level && *b == category)
        {
            return *l;
        }
        let l = Labels::of(level, category);
        self.seen.push((level, category, l));
        l
    }
}

impl<'a> Ind<'a> {
    fn of(ind: &'a Indicator, index: usize, labels: Labels) -> Self {
        let annual = ind.annual_value.as_deref().and_then(parse_target);
        let cycle = ind.cycle_value.as_deref().and_then(parse_target);
        let (lvl, cat) = (labels.level, labels.category);
        let target = annual.as_ref().or(cycle.as_ref());
        let kind = ind.value_kind_with(target).and_then(kind_of);
        let printed_kind = ind.value_kind.as_deref().and_then(kind_of);
        let name_key = vocab::key(&ind.name);
        Ind {
            ind,
            index,
            level: lvl,
            category: cat,
            labels,
            adverse: crate::rules::is_adverse(&name_key),
            name_key,
            kind,
            printed_kind,
            annual,
            cycle,
        }
    }

    /// The target rules judge: the annual value, or the only one printed.
    pub fn target(&self) -> Option<&Target> {
        self.annual.as_ref().or(self.cycle.as_ref())
    }

    /// The raw text of [`Ind::target`].
    pub fn value_text(&self) -> &str {
        let annual = self
            .ind
            .annual_value
            .as_deref()
            .filter(|v| !v.trim().is_empty());
        annual.or(self.ind.cycle_value.as_deref()).unwrap_or("")
    }

    /// The number, operator and unit, when the target is a number.
    pub fn number(&self) -> Option<(jixiao_core::target::Op, rust_decimal::Decimal, &str)> {
        match self.target() {
            Some(Target::Number { op, number, unit }) => Some((*op, *number, unit.as_str())),
            _ => None,
        }
    }

    /// The text, when the target is not a number.
    pub fn text(&self) -> Option<&str> {
        match self.target() {
            Some(Target::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    pub fn is_category(&self, name: &str) -> bool {
        self.category == Some(name)
    }

    /// A cost indicator: 成本指标 under 产出 (older templates), or the 成本 level.
    pub fn is_cost(&self) -> bool {
        self.is_category("成本指标") || self.level == Some(Level::Cost)
    }
}

/// One project with its indicators.
pub(crate) struct Proj<'a> {
    pub unit_index: usize,
    pub index: usize,
    pub unit: &'a Unit,
    pub project: &'a Project,
    pub inds: Vec<Ind<'a>>,
}

impl Proj<'_> {
    /// A department-wide table's indicators sit in a project without a name:
    /// project rules do not apply to it.
    pub fn is_department_wide(&self) -> bool {
        self.project.name.trim().is_empty()
    }

    /// Whether any indicator's level is known: without one, the framework
    /// rules (R06–R10) cannot say what is missing.
    pub fn has_known_levels(&self) -> bool {
        self.inds.iter().any(|i| i.level.is_some())
    }
}

/// The document with its projects, indicators and template.
pub(crate) struct Table<'a> {
    pub doc: &'a Document,
    pub template: Template,
    pub projects: Vec<Proj<'a>>,
    /// The table prints a cycle (实施周期/长期) column beside the annual one.
    pub has_cycle: bool,
}

impl<'a> Table<'a> {
    pub fn of(doc: &'a Document) -> Self {
        let mut projects = Vec::new();
        let mut cache = LabelCache::default();
        for (ui, unit) in doc.units.iter().enumerate() {
            for (pi, project) in unit.projects.iter().enumerate() {
                let inds = project
                    .indicators
                    .iter()
                    .enumerate()
                    .map(|(i, ind)| Ind::of(ind, i, cache.get(&ind.level, &ind.category)))
                    .collect();
                projects.push(Proj {
                    unit_index: ui,
                    index: pi,
                    unit,
                    project,
                    inds,
                });
            }
        }
        let has_cycle = projects.iter().flat_map(|p| &p.inds).any(|i| {
            i.ind
                .cycle_value
                .as_deref()
                .is_some_and(|v| !v.trim().is_empty())
        });
        let labels = cache.seen.iter().map(|(_, _, l)| l);
        let cost_level = labels.clone().any(|l| l.printed_level == Some(Level::Cost));
        let sat_under_effect = labels.clone().any(|l| {
            l.printed_level == Some(Level::Effect)
                && l.printed_category_level == Some(Level::Satisfaction)
        });
        Table {
            doc,
            template: Template::with(doc, cost_level, sat_under_effect),
            projects,
            has_cycle,
        }
    }

    pub fn indicators(&self) -> impl Iterator<Item = (&Proj<'a>, &Ind<'a>)> {
        self.projects
            .iter()
            .flat_map(|p| p.inds.iter().map(move |i| (p, i)))
    }
}

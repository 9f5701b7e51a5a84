//! The rules of `REVIEW.md`, one small function each, registered in
//! [`RULES`] with their id, scope, default severity, message and basis.
//!
//! Basis abbreviations: N-2018 中发〔2018〕34号; N-2015 财预〔2015〕88号;
//! N-2021 财预〔2021〕101号; N-2020 财预〔2020〕10号; N-2011 财预〔2011〕285号;
//! L the review points of city and county finance offices; C the save-time
//! checks of a budget system's performance module.

use crate::config::{Config, Effective};
use crate::context::{Ind, Proj, Table};
use crate::{Anchor, Finding, Scope, Severity};

mod indicator;
mod project;
mod table;

pub(crate) use indicator::is_adverse;

/// What a rule found: where, and what to say when the rule's own message
/// is not enough. `severity` lowers or raises the rule's default for this
/// finding (a template that does not require it); a severity set in the
/// configuration wins over it.
pub(crate) struct Hit {
    pub at: Anchor,
    pub message: Option<String>,
    pub severity: Option<Severity>,
}

impl Hit {
    pub fn at(at: Anchor) -> Self {
        Hit {
            at,
            message: None,
            severity: None,
        }
    }

    pub fn say(mut self, message: String) -> Self {
        self.message = Some(message);
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = Some(s);
        self
    }
}

/// What an indicator rule returns: its own message and severity, if any.
#[derive(Default)]
pub(crate) struct Note {
    pub message: Option<String>,
    pub severity: Option<Severity>,
}

impl Note {
    pub fn plain() -> Option<Note> {
        Some(Note::default())
    }

    pub fn say(message: String) -> Option<Note> {
        Some(Note {
            message: Some(message),
            severity: None,
        })
    }
}

pub(crate) type TableFn = fn(&Table<'_>, &mut Vec<Hit>);
pub(crate) type ProjectFn = fn(&Table<'_>, &Proj<'_>, Option<f64>, &mut Vec<Hit>);
pub(crate) type IndicatorFn = fn(&Table<'_>, &Ind<'_>) -> Option<Note>;

/// How a rule is run.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    Table(TableFn),
    /// Skipped for a department-wide table's unnamed project.
    Project(ProjectFn),
    Indicator(IndicatorFn),
    /// Judged elsewhere (R47 needs two years: see [`crate::cross_year`]).
    Elsewhere,
}

/// One rule of the review.
pub struct RuleInfo {
    /// `R01` … `R47`, as `REVIEW.md` numbers them.
    pub id: &'static str,
    pub scope: Scope,
    /// The severity it has unless the configuration says otherwise.
    pub default: Severity,
    /// For a rule that needs a number (R11, R12): the range it accepts. Such
    /// a rule is off until given one.
    pub number: Option<(f64, f64)>,
    /// The reviewer's message (Chinese).
    pub message: &'static str,
    /// What the rule rests on (see the module's abbreviations).
    pub basis: &'static str,
    pub(crate) check: Check,
}

impl std::fmt::Debug for RuleInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleInfo")
            .field("id", &self.id)
            .field("scope", &self.scope)
            .field("default", &self.default)
            .finish_non_exhaustive()
    }
}

use Check::{Elsewhere, Indicator as I, Project as P, Table as T};
use Severity::{Hint, Must, Should};

macro_rules! rule {
    ($id:literal, $scope:ident, $sev:ident, $num:expr, $check:expr, $msg:literal, $basis:literal) => {
        RuleInfo {
            id: $id,
            scope: Scope::$scope,
            default: $sev,
            number: $num,
            message: $msg,
            basis: $basis,
            check: $check,
        }
    };
}

/// Every rule, in `REVIEW.md`'s order of ids.
pub static RULES: &[RuleInfo] = &[
    rule!(
        "R01",
        Table,
        Must,
        None,
        T(table::r01),
        "该表不是绩效目标表（评价或自评框架），不按目标审核",
        "N-2020: 决策/过程 and 实际完成值/得分 belong to evaluation, not targets"
    ),
    rule!(
        "R02",
        Project,
        Must,
        None,
        P(project::r02),
        "金额不平：总计应等于各资金来源之和",
        "DOMAIN: 总计 = 财政拨款 + 财政专户拨款 + 其他资金; C"
    ),
    rule!(
        "R03",
        Table,
        Hint,
        None,
        T(table::r03),
        "多个项目的指标清单完全相同，疑为照搬",
        "N-2015 相关性; L"
    ),
    rule!(
        "R05",
        Project,
        Must,
        None,
        P(project::r05),
        "项目未设绩效指标",
        "N-2015 完整性"
    ),
    rule!(
        "R06",
        Project,
        Must,
        None,
        P(project::r06),
        "缺少产出指标",
        "N-2018; N-2015 完整性"
    ),
    rule!(
        "R07",
        Project,
        Must,
        None,
        P(project::r07),
        "缺少效益指标",
        "N-2018; N-2015 完整性"
    ),
    rule!(
        "R08",
        Project,
        Should,
        None,
        P(project::r08),
        "缺少满意度指标",
        "N-2018 服务对象满意度; L 框架完整"
    ),
    rule!(
        "R09",
        Project,
        Should,
        None,
        P(project::r09),
        "缺少成本指标",
        "N-2018 成本; N-2021 成本为一级指标"
    ),
    rule!(
        "R10",
        Project,
        Should,
        None,
        P(project::r10),
        "产出指标应同时涵盖数量和质量",
        "N-2015 完整性; L"
    ),
    rule!(
        "R11",
        Project,
        Should,
        Some((1.0, 1000.0)),
        P(project::r11),
        "绩效指标过少",
        "L (no stored source gives a number: a setting)"
    ),
    rule!(
        "R12",
        Project,
        Should,
        Some((0.0, 100.0)),
        P(project::r12),
        "定量指标占比过低",
        "N-2011 能量化的尽量量化 (the share is a setting)"
    ),
    rule!(
        "R13",
        Project,
        Should,
        None,
        P(project::r13),
        "同一项目中指标名称重复",
        "L 指标准确"
    ),
    rule!(
        "R14",
        Project,
        Hint,
        None,
        P(project::r14),
        "多数指标取值相同，目标值疑未测算",
        "N-2015 适当性"
    ),
    rule!(
        "R15",
        Project,
        Must,
        None,
        P(project::r15),
        "权重设置不规范",
        "C 权重合计100（或90）并逐级汇总; N-2020"
    ),
    rule!(
        "R21",
        Indicator,
        Must,
        None,
        I(indicator::r21),
        "指标名称为空或仅为层级名、编号",
        "L 指标准确; C"
    ),
    rule!(
        "R22",
        Indicator,
        Must,
        None,
        I(indicator::r22),
        "指标值留有模板占位符（**、××）",
        "C 指标值不得含*、_、-"
    ),
    rule!(
        "R24",
        Indicator,
        Hint,
        None,
        I(indicator::r24),
        "指标名称中含有数值或目标，应移至指标值",
        "L 指标名称与指标值分列"
    ),
    rule!(
        "R25",
        Indicator,
        Should,
        None,
        I(indicator::r25),
        "满意度类指标应归入满意度指标",
        "N-2018; N-2015 框架"
    ),
    rule!(
        "R27",
        Indicator,
        Hint,
        None,
        I(indicator::r27),
        "预算执行、资金到位等过程指标不宜作为产出或效益指标",
        "N-2020 (预算执行率 is scored apart); L"
    ),
    rule!(
        "R28",
        Indicator,
        Hint,
        None,
        I(indicator::r28),
        "数量指标以百分比表示，宜改为具体数量",
        "L 指标性质准确"
    ),
    rule!(
        "R29",
        Indicator,
        Should,
        None,
        I(indicator::r29),
        "成本指标应为金额（如万元、元/人），不宜用百分比或定性表述",
        "N-2021 成本指标; L"
    ),
    rule!(
        "R30",
        Indicator,
        Should,
        None,
        I(indicator::r30),
        "时效指标未体现时间要求（日期、期限或及时率）",
        "L 指标性质准确"
    ),
    rule!(
        "R32",
        Indicator,
        Must,
        None,
        I(indicator::r32),
        "年度指标值为空或仅有单位、符号",
        "C 周期值和年度值均须填写"
    ),
    rule!(
        "R33",
        Indicator,
        Should,
        None,
        I(indicator::r33),
        "定量指标值缺少计量单位",
        "C 定量指标须填计量单位; L"
    ),
    rule!(
        "R34",
        Indicator,
        Should,
        None,
        I(indicator::r34),
        "计量单位不完整",
        "L 计量单位准确"
    ),
    rule!(
        "R35",
        Indicator,
        Should,
        None,
        I(indicator::r35),
        "计量单位与指标名称不符",
        "L 计量单位准确"
    ),
    rule!(
        "R36",
        Indicator,
        Should,
        None,
        I(indicator::r36),
        "比率类指标值超过100%",
        "L 目标值准确"
    ),
    rule!(
        "R37",
        Indicator,
        Should,
        None,
        I(indicator::r37),
        "指标值为“提高”“改善”等趋势性表述，无法考核",
        "N-2011 能量化的尽量量化; L"
    ),
    rule!(
        "R38",
        Indicator,
        Hint,
        None,
        I(indicator::r38),
        "定性指标值宜采用分级表述（好/较好/一般/较差/差，或是/否）",
        "N-2011 定性分级"
    ),
    rule!(
        "R39",
        Indicator,
        Should,
        None,
        I(indicator::r39),
        "指标值类型与指标值不符",
        "C; L 指标性质准确"
    ),
    rule!(
        "R40",
        Indicator,
        Hint,
        None,
        I(indicator::r40),
        "定量指标值未标明≥、≤或=，考核方向不明",
        "L 指标方向准确"
    ),
    rule!(
        "R41",
        Indicator,
        Should,
        None,
        I(indicator::r41),
        "比较符号与指标方向或含义相反",
        "L 指标方向准确"
    ),
    rule!(
        "R42",
        Indicator,
        Should,
        None,
        I(indicator::r42),
        "成本或数量指标的目标值为0",
        "L 目标值准确"
    ),
    rule!(
        "R43",
        Indicator,
        Hint,
        None,
        I(indicator::r43),
        "一个指标值中含多个目标，宜拆分为多个指标",
        "L 一指标一值"
    ),
    rule!(
        "R44",
        Indicator,
        Should,
        None,
        I(indicator::r44),
        "实施周期指标值与年度指标值不衔接",
        "C 周期值和年度值均须填写; L"
    ),
    rule!(
        "R45",
        Indicator,
        Hint,
        None,
        I(indicator::r45),
        "满意度目标值宜在60%–100%之间并以百分比表示",
        "L; N-2020 满意度"
    ),
    rule!(
        "R47",
        Project,
        Hint,
        None,
        Elsewhere,
        "目标值下调而资金增加（或资金翻倍而目标未变）",
        "N-2015 适当性 (needs two years)"
    ),
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// Runs every rule `config` switches on over `t`, appending findings.
pub(crate) fn run(t: &Table<'_>, config: &Config, out: &mut Vec<Finding>) {
    let on: Vec<(&RuleInfo, Effective)> = RULES
        .iter()
        .filter_map(|r| config.effective(r).map(|e| (r, e)))
        .collect();
    let mut hits = Vec::new();
    // R01 first: a table that is not a target table is not reviewed further.
    if let Some((r01, e)) = on.iter().find(|(r, _)| r.id == "R01")
        && let Check::Table(f) = r01.check
    {
        f(t, &mut hits);
        if !hits.is_empty() {
            emit(t, r01, e, hits, out);
            return;
        }
    }
    for (r, e) in &on {
        let mut hits = Vec::new();
        match r.check {
            Check::Table(f) if r.id != "R01" => f(t, &mut hits),
            Check::Project(f) => {
                for p in t.projects.iter().filter(|p| !p.is_department_wide()) {
                    f(t, p, e.value, &mut hits);
                }
            }
            Check::Indicator(f) => {
                for (p, i) in t.indicators() {
                    if let Some(n) = f(t, i) {
                        hits.push(Hit {
                            at: Anchor::Indicator {
                                unit: p.unit_index,
                                project: p.index,
                                indicator: i.index,
                            },
                            message: n.message,
                            severity: n.severity,
                        });
                    }
                }
            }
            _ => {}
        }
        emit(t, r, e, hits, out);
    }
}

/// Findings from a rule's hits, with the names and place of what they point at.
fn emit(t: &Table<'_>, r: &RuleInfo, e: &Effective, hits: Vec<Hit>, out: &mut Vec<Finding>) {
    if hits.is_empty() {
        return;
    }
    let doc = t.doc;
    let template = t.template.label();
    for h in hits {
        let severity = e.forced.or(h.severity).unwrap_or(e.default);
        let mut f = Finding {
            rule: r.id,
            severity,
            scope: r.scope,
            template: template.clone(),
            source: doc.source.clone(),
            department: doc.department.clone().unwrap_or_default(),
            unit: String::new(),
            project: String::new(),
            level: String::new(),
            category: String::new(),
            name: String::new(),
            value: String::new(),
            message: h.message.unwrap_or_else(|| r.message.to_string()),
            line: 0,
            pos: Default::default(),
            at: h.at,
        };
        match h.at {
            Anchor::Table => {
                f.line = doc.grand_total_line.unwrap_or(0);
            }
            Anchor::Unit { unit } => {
                if let Some(u) = doc.units.get(unit) {
                    f.unit = u.name.clone();
                    f.line = u.line;
                }
            }
            Anchor::Project { unit, project } | Anchor::Indicator { unit, project, .. } => {
                let u = doc.units.get(unit);
                let p = u.and_then(|u| u.projects.get(project));
                if let (Some(u), Some(p)) = (u, p) {
                    f.unit = u.name.clone();
                    f.project = p.name.clone();
                    f.line = p.line;
                    f.pos = project_pos(p);
                    if f.line == 0 {
                        f.line = f.pos.line();
                    }
                }
                if let Anchor::Indicator { indicator, .. } = h.at
                    && let Some(i) = p.and_then(|p| p.indicators.get(indicator))
                {
                    f.level = i.level.clone();
                    f.category = i.category.clone();
                    f.name = i.name.clone();
                    f.value = indicator_value(i, r.id);
                    f.line = i.line;
                    f.pos = i.pos.clone();
                }
            }
        }
        out.push(f);
    }
}

/// Where a project starts: its line in a text, else its first indicator's
/// cell or box (a project row of a workbook or PDF carries no position).
fn project_pos(p: &jixiao_core::model::Project) -> jixiao_core::model::Position {
    use jixiao_core::model::Position;
    match p.indicators.first().map(|i| &i.pos) {
        Some(pos @ (Position::Cell { .. } | Position::Pdf { .. })) => pos.clone(),
        _ if p.line > 0 => Position::Line(p.line),
        _ => Position::Unknown,
    }
}

/// The value a finding shows: both columns for R44, else the annual (or only) one.
fn indicator_value(i: &jixiao_core::model::Indicator, rule: &str) -> String {
    let annual = i.annual_value.as_deref().unwrap_or("").trim();
    let cycle = i.cycle_value.as_deref().unwrap_or("").trim();
    if rule == "R44" {
        return format!("{cycle} / {annual}");
    }
    if annual.is_empty() { cycle } else { annual }.to_string()
}

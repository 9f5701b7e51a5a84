//! Recognising a table by its column heads, not by positions: synonyms,
//! full- and half-width punctuation, money units in the heads, and heads
//! split over two rows (a merged 资金来源 group above 总计 | 财政拨款 | …).

use super::grid::{Grid, GridRow};
use crate::model::MoneyUnit;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Project,
    Unit,
    Total,
    Fiscal,
    Special,
    Other,
    Goal,
    /// The numbered indicator text of the wide layout (`1、1-产出指标；…`).
    Indicators,
    Level,
    Category,
    Name,
    Cycle,
    Annual,
    /// A comparison (`≥`) in its own column, before the value.
    Operator,
    /// A unit of measure (`%`, `个`) in its own column, after the value.
    Measure,
    /// A column only a self-evaluation table (绩效自评表) has: 实际完成值, 得分, 偏差原因.
    SelfEval,
    /// 权重 or 分值.
    Weight,
    /// 指标方向 / 指标方向性: 正向/反向.
    Direction,
    /// 指标性质: an operator in some templates, a direction in others.
    Nature,
    /// 指标值类型: 定量/定性 (never a value).
    ValueKind,
    /// 备注, 绩效标准, 指标解释: text beside the value, never the value.
    Remark,
    /// 半年 values beside 全年: not kept.
    HalfYear,
}

const ROLES: usize = 22;

impl Role {
    fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Project => "项目名称",
            Role::Unit => "资金使用单位",
            Role::Total => "总计",
            Role::Fiscal => "财政拨款",
            Role::Special => "财政专户拨款",
            Role::Other => "其他资金",
            Role::Goal => "绩效目标",
            Role::Indicators => "绩效指标",
            Role::Level => "一级指标",
            Role::Category => "二级指标",
            Role::Name => "三级指标",
            Role::Cycle => "实施周期指标值",
            Role::Annual => "年度指标值",
            Role::Operator => "运算符",
            Role::Measure => "计量单位",
            Role::SelfEval => "实际完成值",
            Role::Weight => "权重",
            Role::Direction => "指标方向",
            Role::Nature => "指标性质",
            Role::ValueKind => "指标值类型",
            Role::Remark => "备注",
            Role::HalfYear => "半年指标值",
        }
    }
}

/// A head cell's text with whitespace removed and full-width brackets and
/// colons made half-width, so `项目名称（资金使用单位）` and `项目名称(资金使用单位)` compare equal.
pub(crate) fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '【' | '[' => '(',
            '】' | ']' => ')',
            c => c,
        })
        .collect()
}

/// A money unit written in a head (`金额(万元)`, `总计（单位：元）`), and the
/// head without it.
pub(crate) fn split_money_unit(h: &str) -> (String, Option<MoneyUnit>) {
    if let Some(open) = h.rfind('(') {
        let inner = h[open + 1..].trim_end_matches(')');
        let inner = inner
            .strip_prefix("单位:")
            .or_else(|| inner.strip_prefix("金额单位:"))
            .unwrap_or(inner);
        let unit = match inner {
            "万元" => Some(MoneyUnit::Wanyuan),
            "元" => Some(MoneyUnit::Yuan),
            _ => None,
        };
        if unit.is_some() {
            return (h[..open].to_string(), unit);
        }
    }
    (h.to_string(), None)
}

/// The role of a head, after [`squeeze`]: the synonyms tables use.
pub(crate) fn role_of(head: &str) -> Option<Role> {
    use Role::*;
    // Traditional forms, pinyin of mirror pages and score ranges folded.
    let (h, _) = split_money_unit(&crate::vocab::key(&crate::vocab::drop_translation(head)));
    let h = h.trim_end_matches(':').trim_matches(['*', '※']);
    if h.is_empty() {
        return None;
    }
    // A sentence that mentions heads (`填报说明：一级指标分值合计100分；…`,
    // a note merged across the table) heads nothing.
    let note = h
        .split_once(':')
        .is_some_and(|(_, after)| !after.is_empty() && !after.ends_with(')'));
    if note || h.contains(['；', ';', '。']) {
        return None;
    }
    // 指标值类型 holds 定量/定性: checked before 指标值, which it contains.
    if crate::vocab::VALUE_KIND_HEADS.contains(&h) {
        return Some(ValueKind);
    }
    if crate::vocab::WEIGHT_HEADS.contains(&h) || h.starts_with("权重") {
        return Some(Weight);
    }
    if h == "指标性质" {
        return Some(Nature);
    }
    if crate::vocab::DIRECTION_HEADS.contains(&h) {
        return Some(Direction);
    }
    if crate::vocab::REMARK_HEADS.contains(&h)
        || (h.chars().count() <= 10
            && !h.contains("指标值")
            && crate::vocab::REMARK_HEAD_ENDS
                .iter()
                .any(|e| h.ends_with(e))
            && crate::vocab::REMARK_HEAD_WORDS
                .iter()
                .any(|w| h.contains(w)))
    {
        return Some(Remark);
    }
    if h.contains("实际完成")
        || h.contains("得分")
        || h.contains("偏差")
        || h.ends_with("原因")
        || h == "完成值"
        || h == "实际值"
    {
        return Some(SelfEval);
    }
    if h.contains("一级指标") || matches!(h, "一级目标" | "一级") {
        return Some(Level);
    }
    if h.contains("二级指标") || matches!(h, "二级目标" | "二级") {
        return Some(Category);
    }
    if h.contains("三级指标")
        || super::pairs::is_numbered_name(h)
        || matches!(h, "三级目标" | "三级")
        || crate::vocab::NAME_SYNONYM_HEADS.contains(&h)
    {
        return Some(Name);
    }
    if h.contains("指标值") || h.contains("目标值") {
        if h.contains("半年") {
            return Some(HalfYear); // 半年 beside 全年: only the year's target is kept.
        }
        // 中期 (a three-year plan's target beside the year's) is a cycle value
        // too; 中长期 and 长期 both contain 长期.
        if h.contains("周期") || h.contains("长期") || h.contains("实施期") || h.contains("中期")
        {
            return Some(Cycle);
        }
        return Some(Annual);
    }
    if crate::vocab::INDICATOR_LIST_HEADS.contains(&h) {
        return Some(Indicators);
    }
    if h.contains("绩效目标") || crate::vocab::GOAL_HEADS.contains(&h) {
        return Some(Goal);
    }
    if h.contains("项目名称") || crate::vocab::PROJECT_SHORT_HEADS.contains(&h) {
        return Some(Project);
    }
    if crate::vocab::UNIT_HEADS.contains(&h) {
        return Some(Unit);
    }
    if h.contains("财政专户") {
        return Some(Special);
    }
    if h.starts_with("财政拨款") || crate::vocab::FISCAL_HEADS.contains(&h) {
        return Some(Fiscal);
    }
    if h.starts_with("其他资金") || crate::vocab::OTHER_SOURCE_HEADS.contains(&h) {
        return Some(Other);
    }
    if crate::vocab::TOTAL_HEADS.contains(&h) {
        return Some(Total);
    }
    if crate::vocab::OPERATOR_HEADS.contains(&h) || h.ends_with("符号") || h.ends_with("运算符")
    {
        return Some(Operator);
    }
    if crate::vocab::MEASURE_HEADS.contains(&h) {
        return Some(Measure);
    }
    None
}

/// A head naming a period's target (`年度目标`, `中期目标`, `实施期目标`):
/// the period it names, if the head is that and nothing more. Alone it
/// may be a goal's text column (`年度目标` left of the indicators); only
/// its place in a row tells ([`roles_in_row`]).
fn period_target(head: &str) -> Option<Role> {
    let (h, _) = split_money_unit(&crate::vocab::key(&crate::vocab::drop_translation(head)));
    let period = h.trim_end_matches(':').strip_suffix("目标")?;
    // A year may lead (`2025年度目标`).
    let period = period.trim_start_matches(|c: char| c.is_ascii_digit());
    const CYCLE: &[&str] = &[
        "中期",
        "长期",
        "中长期",
        "实施期",
        "周期",
        "实施周期",
        "项目周期",
        "整体",
    ];
    const YEAR: &[&str] = &["年度", "当年", "当年度", "全年", "本年", "本年度"];
    if CYCLE.contains(&period) {
        Some(Role::Cycle)
    } else if YEAR.contains(&period) {
        Some(Role::Annual)
    } else {
        None
    }
}

/// The roles of one head row's cells, in order, made certain by the row
/// they stand in: the roles [`role_of`] gives each head alone (`roles`),
/// with the heads' texts beside them. A period's target right of the
/// names (`三级指标 | 中期目标 | 年度目标`) heads a value column where the
/// row has no other: left of the names, or beside an 指标值 column, it
/// stays what it is alone (a goal's text).
pub(crate) fn roles_in_row(texts: &[&str], roles: &mut [Option<Role>]) {
    let Some(name) = roles.iter().position(|r| *r == Some(Role::Name)) else {
        return;
    };
    let valued = roles
        .iter()
        .any(|r| matches!(r, Some(Role::Annual | Role::Cycle | Role::HalfYear)));
    if valued {
        return;
    }
    for (t, r) in texts.iter().zip(roles.iter_mut()).skip(name + 1) {
        if matches!(r, None | Some(Role::Goal))
            && let Some(p) = period_target(t)
        {
            *r = Some(p);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The seed's table as cells: one row per unit or project, indicators as
    /// numbered text in one cell.
    Wide,
    /// One indicator per row (the national 申报表 style).
    Long,
}

/// Which column holds which role (the first one, when a head repeats).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cols([Option<u32>; ROLES]);

impl Cols {
    pub fn get(&self, r: Role) -> Option<u32> {
        self.0.get(r.index()).copied().flatten()
    }

    /// The columns that have a role.
    pub fn columns(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().flatten().copied()
    }

    pub fn set(&mut self, r: Role, col: u32) {
        if let Some(slot) = self.0.get_mut(r.index()) {
            *slot = Some(col);
        }
    }

    fn set_if_absent(&mut self, r: Role, col: u32) {
        if let Some(slot) = self.0.get_mut(r.index()) {
            slot.get_or_insert(col);
        }
    }

    pub(crate) fn has(&self, r: Role) -> bool {
        self.get(r).is_some()
    }

    /// Each column with a role, by column, with the role's label.
    pub fn labelled(&self) -> Vec<(u32, &'static str)> {
        let mut out: Vec<(u32, &'static str)> = ALL_ROLES
            .iter()
            .filter_map(|r| self.get(*r).map(|c| (c, r.label())))
            .collect();
        out.sort_unstable();
        out
    }
}

/// Every role, in [`Role::index`] order.
const ALL_ROLES: [Role; ROLES] = [
    Role::Project,
    Role::Unit,
    Role::Total,
    Role::Fiscal,
    Role::Special,
    Role::Other,
    Role::Goal,
    Role::Indicators,
    Role::Level,
    Role::Category,
    Role::Name,
    Role::Cycle,
    Role::Annual,
    Role::Operator,
    Role::Measure,
    Role::SelfEval,
    Role::Weight,
    Role::Direction,
    Role::Nature,
    Role::ValueKind,
    Role::Remark,
    Role::HalfYear,
];

/// A recognised head.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub layout: Layout,
    pub cols: Cols,
    /// Index into `Grid::rows` of the first head row.
    pub first: usize,
    /// Index into `Grid::rows` of the first body row.
    pub body: usize,
    /// A money unit written in the heads.
    pub money_unit: Option<MoneyUnit>,
    /// A wide regional table's regions (区域绩效目标表): the columns under
    /// the value head, one per county, town or village, with their names.
    pub regions: Vec<(u32, String)>,
    /// Value columns with their own operator and unit columns.
    pub blocks: Vec<ValueBlock>,
}

/// A value head over its own operator, number and unit columns
/// (`长期指标值` over `符号 | 数值 | 单位`, then `年度指标值` over the same):
/// each value joins the operator and unit of its own block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueBlock {
    pub role: Role,
    pub number: u32,
    pub operator: Option<u32>,
    pub measure: Option<u32>,
}

/// The value blocks of a head of two rows: a value head merged over two or
/// more columns whose lower cells hold an operator or a unit head, and one
/// other column (the number).
fn value_blocks(upper: &GridRow<'_>, lower: &GridRow<'_>) -> Vec<ValueBlock> {
    let up = row_roles(upper);
    let low = row_roles(lower);
    let mut out = Vec::new();
    // Columns an upper cell stands over: its own, its merged copies, and
    // those right of it that print nothing above (a merge not expanded).
    let printed: Vec<u32> = upper
        .cells
        .iter()
        .filter(|c| !c.filled && !c.val.text().trim().is_empty())
        .map(|c| c.col)
        .collect();
    for role in [Role::Cycle, Role::Annual, Role::HalfYear] {
        let Some(start) = up
            .iter()
            .filter(|(_, r, _)| *r == Some(role))
            .map(|(c, _, _)| *c)
            .min()
        else {
            continue;
        };
        let end = printed.iter().copied().filter(|c| *c > start).min();
        let span: Vec<u32> = low
            .iter()
            .map(|(c, _, _)| *c)
            .chain(lower.cells.iter().map(|c| c.col))
            .filter(|c| *c >= start && end.is_none_or(|e| *c < e))
            .collect::<std::collections::BTreeSet<u32>>()
            .into_iter()
            .collect();
        if span.len() < 2 {
            continue;
        }
        let under = |want: Role| {
            low.iter()
                .find(|(c, r, _)| span.contains(c) && *r == Some(want))
                .map(|(c, _, _)| *c)
        };
        let (operator, measure) = (under(Role::Operator), under(Role::Measure));
        if operator.is_none() && measure.is_none() {
            continue;
        }
        let rest: Vec<u32> = span
            .iter()
            .copied()
            .filter(|c| Some(*c) != operator && Some(*c) != measure)
            .collect();
        if let [number] = rest.as_slice() {
            out.push(ValueBlock {
                role,
                number: *number,
                operator,
                measure,
            });
        }
    }
    out
}

/// The roles of one row's cells (numbers have none).
fn row_roles(row: &GridRow<'_>) -> Vec<(u32, Option<Role>, String)> {
    let mut out: Vec<(u32, Option<Role>, String)> = row
        .cells
        .iter()
        .filter(|c| !c.val.is_number())
        .map(|c| {
            let h = squeeze(&c.val.text());
            (c.col, role_of(&h), h)
        })
        .collect();
    let texts: Vec<&str> = out.iter().map(|(_, _, t)| t.as_str()).collect();
    let mut roles: Vec<Option<Role>> = out.iter().map(|(_, r, _)| *r).collect();
    roles_in_row(&texts, &mut roles);
    for ((_, r, _), fixed) in out.iter_mut().zip(roles) {
        *r = fixed;
    }
    out
}

/// Whether the row below a head row continues it (the lower half of a
/// two-row head): no numbers, and every cell either a head or a copy of the
/// head above it (a merged cell spanning both rows).
fn continues(upper: &GridRow<'_>, lower: &GridRow<'_>) -> bool {
    if lower.idx != upper.idx + 1 || lower.cells.iter().any(|c| c.val.is_number()) {
        return false;
    }
    // A head is labels: a sentence or a number above means the upper row is data.
    let sentence = |t: &str| t.contains(['。', '，', '；']) || t.chars().count() > 30;
    if upper
        .cells
        .iter()
        .any(|c| c.val.is_number() || sentence(&c.val.text()))
    {
        return false;
    }
    let roles = row_roles(lower);
    let mut heads = 0;
    for (col, role, text) in &roles {
        let same_as_above = upper
            .get(*col)
            .is_some_and(|u| squeeze(&u.val.text()) == *text);
        // A short word under a value head's merge (`数值` between 符号 and
        // 单位 under 年度指标值) is that block's number column, where the
        // row heads operator or unit columns.
        let blocks = roles
            .iter()
            .any(|(_, r, _)| matches!(r, Some(Role::Operator | Role::Measure)));
        let under_value = || {
            blocks
                && text.chars().count() <= 4
                && upper
                    .cells
                    .iter()
                    .filter(|u| u.col <= *col && !u.val.text().trim().is_empty())
                    .max_by_key(|u| u.col)
                    .is_some_and(|u| {
                        matches!(
                            role_of(&squeeze(&u.val.text())),
                            Some(Role::Annual | Role::Cycle | Role::HalfYear)
                        )
                    })
        };
        if role.is_some() && !same_as_above {
            heads += 1;
        } else if !same_as_above && !under_value() {
            return false;
        }
    }
    // Two heads at least: a lone 合计 (a role word) under the head is data.
    heads >= 2
}

/// The layout the roles make, if any.
fn layout_of(cols: &Cols) -> Option<Layout> {
    let values = has_values(cols);
    if values && (cols.has(Role::Name) || (cols.has(Role::Level) && cols.has(Role::Indicators))) {
        return Some(Layout::Long);
    }
    if cols.has(Role::Project) && cols.has(Role::Indicators) {
        return Some(Layout::Wide);
    }
    None
}

/// Roles of a head made of `upper` and, if given, the `lower` row beneath it:
/// the lower row's head wins in its column (it is the more specific one).
fn combine(upper: &GridRow<'_>, lower: Option<&GridRow<'_>>) -> (Cols, Option<MoneyUnit>) {
    let mut cols = Cols::default();
    let mut unit = None;
    let mut lower_roles = lower.map(row_roles).unwrap_or_default();
    let upper_roles = row_roles(upper);
    // A label cut over the two rows (`一级` over `指标`, `指标值` over
    // `中长期`): the words joined name the column, not the lower half alone
    // (`指标` alone would head the names). Short words only: a title above
    // a head is no half of its labels.
    let short = |t: &str| t.chars().count() <= 6;
    for (col, role, text) in lower_roles.iter_mut() {
        // The lower half names nothing by itself, or only generically.
        if role.is_some() && !matches!(text.as_str(), "指标" | "名称" | "内容") {
            continue;
        }
        let joined = upper_roles
            .iter()
            .find(|(c, _, t)| c == col && !t.is_empty() && t != text && short(t) && short(text))
            .and_then(|(_, _, up)| role_of(&format!("{up}{text}")));
        if let Some(j) = joined {
            *role = Some(j);
        }
    }
    for (col, role, text) in lower_roles.iter().chain(upper_roles.iter()) {
        if let (_, Some(u)) = split_money_unit(text) {
            unit.get_or_insert(u);
        }
        let Some(role) = role else { continue };
        let taken_below = lower_roles
            .iter()
            .any(|(c, r, _)| c == col && r.is_some() && r != &Some(*role));
        if !taken_below {
            cols.set_if_absent(*role, *col);
        }
    }
    // Two sets of indicator columns (长期 and 年度): the year's names and
    // categories are the ones read, as its values are.
    for (col, role, text) in lower_roles.iter().chain(upper_roles.iter()) {
        if let Some(r @ (Role::Name | Role::Category)) = role
            && text.contains("年度")
            && cols.get(*r).is_some_and(|c| c != *col)
            && let Some(slot) = cols.0.get_mut(r.index())
        {
            *slot = Some(*col);
        }
    }
    side_by_side(&mut cols, lower_roles.iter().chain(upper_roles.iter()));
    (cols, unit)
}

/// Two blocks of indicator columns side by side, each with its own 指标值
/// (中期 | 年度, 实施周期 | 当年度) and no head saying which is which: the
/// first block is the period's (the cycle value), the last the year's, whose
/// names and categories are read.
fn side_by_side<'a>(cols: &mut Cols, roles: impl Iterator<Item = &'a (u32, Option<Role>, String)>) {
    let roles: Vec<_> = roles.collect();
    let at = |r: Role| -> Vec<u32> {
        let mut v: Vec<u32> = roles
            .iter()
            .filter(|(_, x, _)| *x == Some(r))
            .map(|(c, _, _)| *c)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let annual = at(Role::Annual);
    let (Some(&first), Some(&last)) = (annual.first(), annual.last()) else {
        return;
    };
    if first == last || cols.has(Role::Cycle) {
        return;
    }
    // Each block names its indicators: a name column between the two values.
    let names = at(Role::Name);
    if !names.iter().any(|&c| c > first && c < last) {
        return;
    }
    // A second 一级 column between them: two tables side by side, not the
    // periods of one.
    if at(Role::Level).iter().any(|&c| c > first && c < last) {
        return;
    }
    cols.set(Role::Cycle, first);
    cols.set(Role::Annual, last);
    for r in [Role::Name, Role::Category] {
        if let Some(&c) = at(r).iter().rev().find(|&&c| c > first && c < last) {
            cols.set(r, c);
        }
    }
}

/// A head with a name column and no value column, over a level or a
/// category column, whose name cells carry their targets
/// (`名称，目标值：≥95%`, `名称（≥95%）；名称（≥90%）`): the long layout, its
/// values read from the names.
fn values_in_names(grid: &Grid<'_>, cols: &Cols, body: usize) -> bool {
    let Some(name) = cols.get(Role::Name) else {
        return false;
    };
    if cols.has(Role::Annual)
        || cols.has(Role::Cycle)
        || !(cols.has(Role::Level) || cols.has(Role::Category))
    {
        return false;
    }
    let (mut all, mut split) = (0usize, 0usize);
    for r in grid.rows.iter().skip(body).take(CONTENT_ROWS) {
        let Some(c) = r.get(name).filter(|c| !c.filled) else {
            continue;
        };
        all += 1;
        let t = super::cells::joined_text(&c.val);
        if crate::ingest::indicator::split_labelled_value(&t, true).is_some()
            || crate::ingest::indicator::split_bracketed_values(&t, true).is_some()
        {
            split += 1;
        }
    }
    split >= 2 && split * 4 >= all * 3
}

/// Rows below a head looked at to tell a column's content.
const CONTENT_ROWS: usize = 60;

/// `产出指标-数量指标`, `产出指标>数量指标`, `效益指标→社会效益指标`: a
/// level and a category printed in one cell, joined by a dash, a slash, an
/// arrow or a separator dot (a run of them, `->`, `——`, with spaces
/// around). Read only where the word before the joiner is a level of the
/// framework and the word after it a category: a joiner between other
/// words is a name's own punctuation.
pub(crate) fn level_and_category(t: &str) -> Option<(String, String)> {
    let (l, c) = t.split_once(is_level_joiner)?;
    let (l, c) = (
        l.trim(),
        c.trim_start_matches(|ch: char| ch.is_whitespace() || is_level_joiner(ch))
            .trim(),
    );
    (crate::vocab::level(l).is_some() && crate::vocab::category(c).is_some())
        .then(|| (l.to_string(), c.to_string()))
}

/// A character that joins a level to its category in one cell.
fn is_level_joiner(ch: char) -> bool {
    matches!(
        ch,
        '-' | '—'
            | '－'
            | '–'
            | '/'
            | '／'
            | '>'
            | '＞'
            | '→'
            | '›'
            | '»'
            | '〉'
            | '·'
            | '•'
            | '・'
            | '、'
            | '|'
            | '｜'
            | '\\'
            | '＼'
    )
}

/// A head without a 一级 column whose words the vocabulary does not know
/// (`指标类别`, or `指标类型` that elsewhere heads 定量/定性): the column left
/// of the names whose cells are the framework's levels (or `一级-二级` in
/// one cell) is the 一级 column. Content decides where the head does not.
fn levels_by_content(grid: &Grid<'_>, body: usize, cols: &mut Cols) {
    if cols.has(Role::Level) {
        return;
    }
    let Some(name) = cols.get(Role::Name) else {
        return;
    };
    let rows = grid.rows.iter().skip(body).take(CONTENT_ROWS);
    let mut counts: std::collections::BTreeMap<u32, (usize, usize)> = Default::default();
    for r in rows {
        for c in r.cells.iter().filter(|c| !c.filled && c.col < name) {
            let t = c.val.text();
            let t = t.trim();
            // An empty cell is a merged group's rest, neither for nor against.
            if t.is_empty() {
                continue;
            }
            let e = counts.entry(c.col).or_default();
            e.1 += 1;
            if crate::vocab::level(t).is_some() || level_and_category(t).is_some() {
                e.0 += 1;
            }
        }
    }
    let found = counts
        .iter()
        .find(|(_, (levels, all))| *levels >= 2 && levels * 10 >= all * 8)
        .map(|(c, _)| *c);
    if let Some(col) = found {
        content_decides(cols, col, Role::Level);
    } else if !cols.has(Role::Category) {
        categories_by_content(grid, body, cols, name);
    }
}

/// The column's head role, if any, was a guess the content overrules.
fn content_decides(cols: &mut Cols, col: u32, role: Role) {
    for slot in cols.0.iter_mut() {
        if *slot == Some(col) {
            *slot = None;
        }
    }
    cols.set(role, col);
}

/// A head with neither a 一级 nor a 二级 column, whose only label column
/// left of the names (`绩效指标`, `指标类别`, a blank head) holds the
/// framework's categories (数量指标, 社会效益指标 …): it is the 二级
/// column, and no row prints a level. Only where most of its cells are
/// categories and none a level alone (成本指标 and 满意度指标, which are
/// both, count as categories): a column mixing levels and categories is
/// not told apart here.
fn categories_by_content(grid: &Grid<'_>, body: usize, cols: &mut Cols, name: u32) {
    let label_cols: Vec<u32> = {
        let mut v: Vec<u32> = grid
            .rows
            .iter()
            .skip(body)
            .take(CONTENT_ROWS)
            .flat_map(|r| r.cells.iter())
            .filter(|c| c.col < name && !c.val.text().trim().is_empty())
            .map(|c| c.col)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // One label column only: with two, which is which is a level question.
    let [col] = label_cols.as_slice() else {
        return;
    };
    let (mut categories, mut levels, mut all) = (0usize, 0usize, 0usize);
    for r in grid.rows.iter().skip(body).take(CONTENT_ROWS) {
        for c in r.cells.iter().filter(|c| !c.filled && c.col == *col) {
            let t = c.val.text();
            let t = t.trim();
            if t.is_empty() {
                continue;
            }
            all += 1;
            let category = crate::vocab::category(t).is_some();
            if crate::vocab::level(t).is_some() && !category {
                levels += 1;
            } else if category {
                categories += 1;
            }
        }
    }
    if categories >= 2 && levels == 0 && categories * 10 >= all * 8 {
        content_decides(cols, *col, Role::Category);
    }
}

/// Whether a row under a head row continues its labels downwards: no
/// figure, no framework word, no value, only short words.
fn head_tail_row(upper: &GridRow<'_>, row: &GridRow<'_>) -> bool {
    row.idx == upper.idx + 1
        && !row.cells.is_empty()
        && row.cells.iter().all(|c| {
            let t = c.val.text();
            let t = t.trim();
            !c.val.is_number()
                && t.chars().count() <= 6
                && !crate::vocab::is_level_word(t)
                && !crate::vocab::is_category_word(t)
                && !crate::textgrid::value_like(t)
        })
}

/// The roles of a head at row `i` whose labels run down into the one or two
/// rows below it, each column's words joined top to bottom (a merged cell's
/// copy below it not repeated), with how many rows it adds; `None` when no
/// row below continues it or the joined labels make no table head.
fn stacked(grid: &Grid<'_>, i: usize) -> Option<(Cols, usize)> {
    let top = grid.rows.get(i)?;
    // Labels only: short words, no figure (a title or a key-value line is not).
    if top
        .cells
        .iter()
        .any(|c| c.val.is_number() || c.val.text().trim().chars().count() > 10)
    {
        return None;
    }
    let mut rows = vec![top];
    while rows.len() < 3 {
        let last = rows.last().copied()?;
        match grid.rows.get(i + rows.len()) {
            // A row that is a head by itself is not the tail of another.
            Some(r) if head_tail_row(last, r) && layout_of(&combine(r, None).0).is_none() => {
                rows.push(r)
            }
            _ => break,
        }
    }
    if rows.len() < 2 {
        return None;
    }
    let mut texts: std::collections::BTreeMap<u32, String> = Default::default();
    for r in &rows {
        for c in r.cells.iter().filter(|c| !c.val.is_number()) {
            let t = squeeze(&c.val.text());
            let joined = texts.entry(c.col).or_default();
            if !joined.ends_with(t.as_str()) {
                joined.push_str(&t);
            }
        }
    }
    let mut cols = Cols::default();
    let mut any = false;
    for (col, t) in &texts {
        let (h, _) = split_money_unit(t);
        if let Some(r) = role_of(&h) {
            cols.set_if_absent(r, *col);
            any = true;
        }
    }
    (any && layout_of(&cols) == Some(Layout::Long) && cols.has(Role::Name))
        .then_some((cols, rows.len() - 1))
}

/// How far down a sheet its head may start (after a title, a department
/// line and a key-value block).
const HEAD_SEARCH_ROWS: usize = 60;

/// Finds the head of the first table in the sheet, or says why there is none.
pub(crate) fn find(grid: &Grid<'_>) -> Result<Header, String> {
    let mut self_eval = false;
    let mut adjustment = false;
    for i in 0..grid.rows.len().min(HEAD_SEARCH_ROWS) {
        let Some(upper) = grid.rows.get(i) else {
            break;
        };
        let lower = grid.rows.get(i + 1).filter(|l| continues(upper, l));
        let (mut cols, unit) = combine(upper, lower);
        let blocks = lower.map(|l| value_blocks(upper, l)).unwrap_or_default();
        for b in &blocks {
            cols.set(b.role, b.number);
        }
        if let Some(l) = lower {
            let alone = combine(l, None).0;
            if layout_of(&alone).is_some() && alone.0 == cols.0 {
                // The row below is the whole head by itself (heads merged
                // over both rows and filled down, or a label row such as
                // 年度绩效目标 above it): it is the head.
                continue;
            }
        }
        // A head whose labels run down two or three rows (`一级` over `指标`,
        // `指标值` over `中长期` over `目标值`): each column's words joined.
        let mut stacked_rows = 0;
        if lower.is_none()
            && let Some((c, k)) = stacked(grid, i)
            && c.0 != cols.0
        {
            cols = c;
            stacked_rows = k;
        }
        let body = i + 1 + usize::from(lower.is_some()) + stacked_rows;
        let mut named_regions = Vec::new();
        if layout_of(&cols).is_none() && lower.is_none() && stacked_rows == 0 {
            let below: Vec<&GridRow<'_>> =
                grid.rows.iter().skip(i + 1).take(CONTENT_ROWS).collect();
            named_regions = region_heads(&row_roles(upper), &cols, &below);
            if let Some((col, _)) = named_regions.first() {
                cols.set(Role::Annual, *col);
            }
        }
        // Values in the names' cells: a head of one row (a row above with
        // roles is a key-value line, not the upper half of this head).
        let Some(layout) = layout_of(&cols).or_else(|| {
            (lower.is_none() && values_in_names(grid, &cols, body)).then_some(Layout::Long)
        }) else {
            continue;
        };
        if cols.has(Role::SelfEval)
            && results_filled(grid, &cols, i + 1 + usize::from(lower.is_some()))
        {
            self_eval = true;
            continue;
        }
        // A target beside the target it replaces (原目标值 | 调整后目标值): a
        // request to adjust targets, not the targets a budget publishes.
        if [Some(upper), lower]
            .into_iter()
            .flatten()
            .flat_map(|r| r.cells.iter())
            .any(|c| crate::vocab::is_adjustment_head(&squeeze(&c.val.text())))
        {
            adjustment = true;
            continue;
        }
        if layout == Layout::Long && !cols.has(Role::Name) {
            // 一级 | 二级 | 绩效指标 | 指标值: the 绩效指标 column names the indicator.
            if let Some(c) = cols.get(Role::Indicators) {
                cols.set_if_absent(Role::Name, c);
            }
        }
        if layout == Layout::Long {
            levels_by_content(grid, body, &mut cols);
        }
        let under = named_regions.is_empty() && layout == Layout::Long;
        let regions = if under {
            regions(grid.rows.get(body), &cols)
        } else {
            named_regions
        };
        return Ok(Header {
            layout,
            cols,
            first: i,
            body: body + usize::from(under && !regions.is_empty()),
            money_unit: unit,
            regions,
            blocks,
        });
    }
    if self_eval {
        return Err(
            "a self-evaluation table (绩效自评表: 实际完成值, 得分, 偏差原因): it reports results, not targets"
                .into(),
        );
    }
    if adjustment {
        return Err(
            "a target adjustment request (绩效目标调整申请表: 原目标值 beside 调整后目标值): it asks for targets, it does not publish them"
                .into(),
        );
    }
    if let Some(h) = (!adjustment).then(|| headless(grid)).flatten() {
        return Ok(h);
    }
    if grid.rows.is_empty() {
        return Err("empty".into());
    }
    Err(
        "no head row with 项目名称 and 绩效指标 (wide), or 三级指标/指标名称 and 指标值 (long)"
            .into(),
    )
}

/// A table printed without a head row its words name (column letters, a
/// head lost above a page break, none at all): content decides. The first
/// row whose first cells are a level of the framework and a category of
/// that level, followed by a name and a value, fixes the columns: level,
/// category, the next text as the name, the row's last cell as the value.
/// Not where a row above holds two or more heads (a head the readers did
/// not take, such as an evaluation table's: its rows are no targets).
fn headless(grid: &Grid<'_>) -> Option<Header> {
    for (i, row) in grid.rows.iter().enumerate().take(HEAD_SEARCH_ROWS) {
        // Distinct roles: a title merged across the row is one cell.
        let mut heads: Vec<Role> = row_roles(row)
            .into_iter()
            .filter_map(|(_, r, _)| r)
            .collect();
        heads.sort_unstable_by_key(|r| *r as u8);
        heads.dedup();
        if heads.len() >= 2 {
            return None;
        }
        let cells: Vec<(u32, String)> = row
            .cells
            .iter()
            .map(|c| (c.col, super::cells::joined_text(&c.val)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        let [(lc, level), (cc, category), (nc, name), .., (vc, value)] = cells.as_slice() else {
            continue;
        };
        let fits = crate::vocab::level(level)
            .is_some_and(|l| crate::vocab::category(category).is_some_and(|c| c.level == l));
        if !fits
            || crate::vocab::is_level_word(name)
            || crate::vocab::is_category_word(name)
            || !crate::textgrid::value_like(value)
        {
            continue;
        }
        let mut cols = Cols::default();
        cols.set(Role::Level, *lc);
        cols.set(Role::Category, *cc);
        cols.set(Role::Name, *nc);
        cols.set(Role::Annual, *vc);
        return Some(Header {
            layout: Layout::Long,
            cols,
            first: i,
            body: i,
            money_unit: None,
            regions: Vec::new(),
            blocks: Vec::new(),
        });
    }
    None
}

/// The regions of a wide regional table: a row right under the head whose
/// cells all stand from the value column on, two or more, each a name (no
/// head, no value, no framework word). Empty for any other table.
fn regions(row: Option<&GridRow<'_>>, cols: &Cols) -> Vec<(u32, String)> {
    let (Some(row), Some(value)) = (row, cols.get(Role::Annual)) else {
        return Vec::new();
    };
    let names: Vec<(u32, String)> = row
        .cells
        .iter()
        .filter(|c| !c.filled)
        .map(|c| (c.col, super::cells::joined_text(&c.val).trim().to_string()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let is_name = |(col, t): &(u32, String)| *col >= value && region_name(t);
    if names.len() >= 2 && names.iter().all(is_name) {
        names
    } else {
        Vec::new()
    }
}

/// Whether a cell can name a region over a value column: short, and no head
/// word, value, amount or framework word.
fn region_name(t: &str) -> bool {
    t.chars().count() <= 20
        && role_of(&squeeze(t)).is_none()
        && !crate::textgrid::value_like(t)
        && !crate::vocab::is_level_word(t)
        && !crate::vocab::is_category_word(t)
        && crate::vocab::parse_amount(t).ok().flatten().is_none()
}

/// A wide regional table whose region names head the value columns
/// themselves (`一级指标 | 二级指标 | 三级指标 | 甲县 | 乙县`, no 指标值 head
/// over them): two or more cells right of the names, each a region name,
/// and a value under one of them in the rows below. Empty for any other head.
pub(crate) fn region_heads(
    heads: &[(u32, Option<Role>, String)],
    cols: &Cols,
    below: &[&GridRow<'_>],
) -> Vec<(u32, String)> {
    let framed = cols.has(Role::Level) || cols.has(Role::Category);
    let (true, Some(name), false) = (framed, cols.get(Role::Name), has_values(cols)) else {
        return Vec::new();
    };
    let right: Vec<(u32, String)> = heads
        .iter()
        .filter(|(c, _, t)| *c > name && !t.is_empty())
        .map(|(c, _, t)| (*c, t.clone()))
        .collect();
    if right.len() < 2 || !right.iter().all(|(_, t)| region_name(t)) {
        return Vec::new();
    }
    let valued = below.iter().any(|r| {
        r.cells.iter().any(|c| {
            right.iter().any(|(col, _)| *col == c.col)
                && (c.val.is_number() || crate::textgrid::value_like(&c.val.text()))
        })
    });
    if valued { right } else { Vec::new() }
}

fn has_values(cols: &Cols) -> bool {
    cols.has(Role::Annual) || cols.has(Role::Cycle)
}

/// Rows below a head looked at to tell a self-evaluation table from a target
/// table printed on a template whose result columns are left empty.
const RESULT_SEARCH_ROWS: usize = 200;

/// Whether the result columns (实际完成值, 得分, 偏差原因) hold anything in the
/// rows below the head: a self-evaluation table fills them; a target table
/// on the same template (乐昌's 实际完成值 / 未达到指标值原因) leaves them empty.
fn results_filled(grid: &Grid<'_>, cols: &Cols, body: usize) -> bool {
    // Columns headed as results, whichever of them the role kept.
    let Some(first) = cols.get(Role::SelfEval) else {
        return false;
    };
    let value_cols: Vec<u32> = [Role::Annual, Role::Cycle, Role::Name]
        .iter()
        .filter_map(|r| cols.get(*r))
        .collect();
    let last_value = value_cols.iter().copied().max().unwrap_or(0);
    grid.rows
        .iter()
        .skip(body)
        .take(RESULT_SEARCH_ROWS)
        .any(|row| {
            row.cells
                .iter()
                .any(|c| !c.filled && c.col >= first && c.col > last_value)
        })
}

/// Whether a body row repeats the head (a table printed page by page into one sheet).
pub(crate) fn is_head_again(row: &GridRow<'_>, header: &Header) -> bool {
    // Cheap test first, as every body row is asked: a repeated head has a
    // head in the column of the indicator names (long) or texts (wide).
    let key = match header.layout {
        Layout::Long => Role::Name,
        Layout::Wide => Role::Indicators,
    };
    let Some(cell) = header.cols.get(key).and_then(|c| row.get(c)) else {
        return false;
    };
    let t = cell.val.text();
    if t.chars().count() > 30 || role_of(&squeeze(&t)).is_none() {
        return false;
    }
    let (cols, _) = combine(row, None);
    layout_of(&cols) == Some(header.layout)
        || (cols.0.iter().flatten().count() >= 3 && !row.cells.iter().any(|c| c.val.is_number()))
}

#[cfg(test)]
mod tests {
    use super::super::grid::Val;
    use super::*;

    fn role(s: &str) -> Option<Role> {
        role_of(&squeeze(s))
    }

    #[test]
    fn heads_that_explain_or_judge_a_target_are_remarks_never_values() {
        for h in [
            "评(计)分方法",
            "评（扣）分方法",
            "扣分标准",
            "考核标准",
            "佐证材料",
            "数据来源",
            "目标值确定依据",
        ] {
            assert_eq!(role(h), Some(Role::Remark), "{h}");
        }
        // Indicator names and money heads with those last words.
        assert_eq!(role("资助标准"), None);
        assert_eq!(role("补助标准"), None);
        assert_eq!(role("资金来源"), None);
        // Near misses: the value's own heads, and long sentences.
        assert_eq!(role("指标值"), Some(Role::Annual));
        assert_ne!(role("年度指标值（按标准）"), Some(Role::Remark));
        assert_eq!(role("按照国家规定的统一补助标准"), None);
    }

    #[test]
    fn level_and_category_joined_by_any_joiner() {
        let pair = |l: &str, c: &str| Some((l.to_string(), c.to_string()));
        assert_eq!(
            level_and_category("效益指标＞社会效益指标"),
            pair("效益指标", "社会效益指标")
        );
        assert_eq!(
            level_and_category("产出指标 -> 时效指标"),
            pair("产出指标", "时效指标")
        );
        assert_eq!(
            level_and_category("成本指标→经济成本指标"),
            pair("成本指标", "经济成本指标")
        );
        assert_eq!(
            level_and_category("产出指标·质量指标"),
            pair("产出指标", "质量指标")
        );
        assert_eq!(
            level_and_category("效益指标、经济效益指标"),
            pair("效益指标", "经济效益指标")
        );
        assert_eq!(
            level_and_category("产出指标——数量指标"),
            pair("产出指标", "数量指标")
        );
        // Near misses: a joiner between words that are not both the
        // framework's, or the pair the wrong way round.
        assert_eq!(level_and_category("培训人次>500人"), None);
        assert_eq!(level_and_category("数量指标>产出指标"), None);
        assert_eq!(level_and_category("产出指标>新建校舍面积"), None);
        assert_eq!(level_and_category("产出指标>"), None);
    }

    #[test]
    fn synonyms_and_widths() {
        assert_eq!(role("项目名称（资金使用单位）"), Some(Role::Project));
        assert_eq!(role("项目名称(资金使用单位)"), Some(Role::Project));
        assert_eq!(role(" 总 计 "), Some(Role::Total));
        assert_eq!(role("金额（万元）"), Some(Role::Total));
        assert_eq!(role("财政拨款"), Some(Role::Fiscal));
        assert_eq!(role("财政专户拨款"), Some(Role::Special));
        assert_eq!(role("财政专户管理资金"), Some(Role::Special));
        assert_eq!(role("其他资金"), Some(Role::Other));
        assert_eq!(role("年度绩效目标"), Some(Role::Goal));
        assert_eq!(role("绩效指标"), Some(Role::Indicators));
        assert_eq!(role("一级指标"), Some(Role::Level));
        assert_eq!(role("二级指标"), Some(Role::Category));
        assert_eq!(role("三级指标"), Some(Role::Name));
        assert_eq!(role("指标名称"), Some(Role::Name));
        assert_eq!(role("指标内容"), Some(Role::Name));
        assert_eq!(role("指标值"), Some(Role::Annual));
        assert_eq!(role("年度指标值"), Some(Role::Annual));
        assert_eq!(role("全年指标值"), Some(Role::Annual));
        assert_eq!(role("半年指标值"), Some(Role::HalfYear));
        assert_eq!(role("半年(程) 指标值"), Some(Role::HalfYear));
        assert_eq!(role("全年(程) 指标值"), Some(Role::Annual));
        assert_eq!(role("指标值类型"), Some(Role::ValueKind));
        assert_eq!(role("指标方向性"), Some(Role::Direction));
        assert_eq!(role("指标性质"), Some(Role::Nature));
        assert_eq!(role("一級目標"), Some(Role::Level));
        assert_eq!(role("三級指標(biāo)"), Some(Role::Name));
        assert_eq!(role("绩效标准"), Some(Role::Remark));
        assert_eq!(role("实施周期指标值"), Some(Role::Cycle));
        assert_eq!(role("长期指标值"), Some(Role::Cycle));
        assert_eq!(role("中期指标值"), Some(Role::Cycle));
        assert_eq!(role("实际完成值"), Some(Role::SelfEval));
        assert_eq!(role("得分"), Some(Role::SelfEval));
        assert_eq!(role("未達到指標值原因"), Some(Role::SelfEval));
        assert_eq!(role("权重"), Some(Role::Weight));
        assert_eq!(role("分值"), Some(Role::Weight));
        assert_eq!(role("资金来源"), None);
    }

    fn grid(rows: &[&[&'static str]]) -> Grid<'static> {
        let mut b = super::super::grid::GridBuilder::new(1000);
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in row.iter().enumerate() {
                if !t.is_empty() {
                    b.push(r as u32, c as u32, Val::Text((*t).into())).unwrap();
                }
            }
        }
        b.build()
    }

    #[test]
    fn two_row_heads_with_and_without_filled_merges() {
        let upper: &[&str] = &[
            "项目名称（资金使用单位）",
            "资金来源（万元）",
            "",
            "绩效目标",
            "绩效指标",
        ];
        // .ods: merged cells come back empty below their label.
        let g = grid(&[
            &["项目支出绩效目标表"],
            upper,
            &["", "总计", "财政拨款", "", ""],
            &["合计"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!((h.layout, h.first, h.body), (Layout::Wide, 1, 3));
        assert_eq!(h.cols.get(Role::Project), Some(0));
        assert_eq!(h.cols.get(Role::Total), Some(1));
        assert_eq!(h.cols.get(Role::Fiscal), Some(2));
        assert_eq!(h.cols.get(Role::Indicators), Some(4));
        assert_eq!(h.money_unit, Some(MoneyUnit::Wanyuan));
        // .xlsx/.xls: merged labels filled into the lower row.
        let filled: &[&str] = &[
            "项目名称（资金使用单位）",
            "总计",
            "财政拨款",
            "绩效目标",
            "绩效指标",
        ];
        let g = grid(&[upper, filled, &["合计"]]);
        let h = find(&g).unwrap();
        assert_eq!((h.layout, h.body), (Layout::Wide, 2));
        assert_eq!(h.cols.get(Role::Project), Some(0));
        assert_eq!(h.cols.get(Role::Fiscal), Some(2));
    }

    #[test]
    fn a_label_row_above_a_head_is_not_part_of_it() {
        let g = grid(&[
            &["年度绩效目标", "", "完成档案数字化"],
            &["一级指标", "二级指标", "三级指标", "指标值"],
            &["产出指标", "数量指标", "数字化档案", "1万卷"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!((h.layout, h.first, h.body), (Layout::Long, 1, 2));
        assert_eq!(h.cols.get(Role::Goal), None);
    }

    #[test]
    fn period_targets_right_of_the_names_head_values() {
        let texts = ["一级指标", "三级指标", "实施期目标", "2024年度目标", "说明"];
        let mut roles: Vec<_> = texts.iter().map(|t| role(t)).collect();
        roles_in_row(&texts, &mut roles);
        assert_eq!(roles.get(2), Some(&Some(Role::Cycle)));
        assert_eq!(roles.get(3), Some(&Some(Role::Annual)));
        // Left of the names: the goal's text of a project row.
        let texts = ["项目名称", "年度目标", "二级指标", "指标名称", "指标值"];
        let mut roles: Vec<_> = texts.iter().map(|t| role(t)).collect();
        roles_in_row(&texts, &mut roles);
        assert_eq!(roles.get(1), Some(&Some(Role::Goal)));
        // Beside an 指标值 column the row has its values already.
        let texts = ["二级指标", "指标名称", "指标值", "年度目标"];
        let mut roles: Vec<_> = texts.iter().map(|t| role(t)).collect();
        roles_in_row(&texts, &mut roles);
        assert_eq!(roles.get(3), Some(&Some(Role::Goal)));
        // A goal that only begins with a period is no value head.
        let texts = ["二级指标", "指标名称", "年度绩效目标"];
        let mut roles: Vec<_> = texts.iter().map(|t| role(t)).collect();
        roles_in_row(&texts, &mut roles);
        assert_eq!(roles.get(2), Some(&Some(Role::Goal)));
        // Through the sheet's head finder too.
        let g = grid(&[
            &["二级指标", "指标名称", "长期目标", "当年目标"],
            &["质量指标", "设备完好率", "≥98%", "≥96%"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!(h.cols.get(Role::Cycle), Some(2));
        assert_eq!(h.cols.get(Role::Annual), Some(3));
    }

    #[test]
    fn a_lone_label_column_of_categories_is_the_category_column() {
        let g = grid(&[
            &["指标分类", "指标名称", "指标值"],
            &["数量指标", "培训人次", "≥300人次"],
            &["", "发放手册", "≥500册"],
            &["时效指标", "完成时限", "2023年10月底前"],
            &["经济效益指标", "带动增收", "≥2%"],
            &["满意度指标", "学员满意度", "≥90%"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!(h.cols.get(Role::Category), Some(0));
        assert_eq!(h.cols.get(Role::Level), None);
        // Levels and categories mixed in the one column: not told apart.
        let g = grid(&[
            &["指标分类", "指标名称", "指标值"],
            &["产出指标", "", ""],
            &["数量指标", "培训人次", "≥300人次"],
            &["效益指标", "", ""],
            &["经济效益指标", "带动增收", "≥2%"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!(h.cols.get(Role::Category), None);
        // Two label columns: which is which is not the content's to say here.
        let g = grid(&[
            &["类别", "分类", "指标名称", "指标值"],
            &["甲类", "数量指标", "培训人次", "≥300人次"],
            &["", "质量指标", "合格率", "100%"],
        ]);
        let h = find(&g).unwrap();
        assert_eq!(h.cols.get(Role::Category), None);
    }

    #[test]
    fn money_units_in_heads() {
        assert_eq!(
            split_money_unit(&squeeze("金额（元）")),
            ("金额".to_string(), Some(MoneyUnit::Yuan))
        );
        assert_eq!(
            split_money_unit(&squeeze("资金来源(单位：万元)")),
            ("资金来源".to_string(), Some(MoneyUnit::Wanyuan))
        );
        assert_eq!(split_money_unit("项目名称(资金使用单位)").1, None);
    }
}

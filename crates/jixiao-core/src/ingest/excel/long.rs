//! The long layout: one indicator per row (the national 申报表 style).
//! 资金使用单位, 项目名称, amounts, 绩效目标, 一级指标 and 二级指标 are often
//! written only on the first row of their group (or merged over it); they
//! carry down until a new value appears.

use super::cells;
use super::grid::{Grid, GridRow};
use super::header::{self, Role};
use super::rows::Sheet;
use crate::ingest::indicator::{collapse_cjk_spaces, normalize_value};
use crate::model::{Amounts, Indicator, Project, Unit};

/// What a key-value block above the head says (a one-project 申报表:
/// `项目名称 | X`, `年度绩效目标 | …`).
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub project: Option<String>,
    pub unit: Option<String>,
    pub goal: Option<String>,
    /// The row holding the project name, and its amounts if given.
    pub project_row: Option<usize>,
    /// A project label (项目名称) printed above the head, with or without its
    /// value: the table has a project frame, so a row outside it is not read.
    pub project_label: bool,
    pub amounts: Option<Amounts>,
}

struct Open {
    name: String,
    unit: Option<String>,
    amounts: Option<Amounts>,
    goal: String,
    indicators: Vec<Indicator>,
    line: usize,
    level: Option<(Option<String>, String)>,
    category: Option<(Option<String>, String)>,
    /// The first indicator whose level was implied by its category (its
    /// label printed lower, in the middle of its group), while it lasts.
    implied: Option<usize>,
    /// Opened for indicators that no project frame holds: its rows need a
    /// value to be read (a text whose cells lost their rows gives names alone).
    frameless: bool,
}

pub(crate) fn parse(grid: &Grid<'_>, s: &mut Sheet<'_>, fields: Fields) {
    if s.header.regions.is_empty() {
        parse_table(grid, s, fields);
        return;
    }
    // A wide regional table: one pass per region, its column the value and
    // its name the unit (one row per indicator and region).
    let regions = s.header.regions.clone();
    let mut fields = Some(fields);
    for (col, region) in regions {
        let mut head = s.header.clone();
        head.regions.clear();
        head.cols.set(Role::Annual, col);
        let mut one = Sheet {
            name: s.name,
            header: &head,
            money: s.money,
            doc: std::mem::replace(&mut s.doc, crate::model::Document::new("")),
            turned: s.turned,
        };
        let mut f = fields.take().unwrap_or_default();
        let again = Fields {
            project: f.project.clone(),
            goal: f.goal.clone(),
            project_row: f.project_row,
            project_label: f.project_label,
            ..Fields::default()
        };
        f.unit = Some(region);
        parse_table(grid, &mut one, f);
        s.doc = one.doc;
        fields = Some(again);
    }
}

fn parse_table(grid: &Grid<'_>, s: &mut Sheet<'_>, fields: Fields) {
    let mut unit: Option<String> = fields.unit.clone();
    let mut open: Option<Open> = None;
    // An amount printed above the indicators before any project opened.
    let mut pending_amounts: Option<Amounts> = None;
    let mut fields = Some(fields);
    // A name column that holds target values (`100%`, `≥10人`) in some rows:
    // the text lost its rows' order. Without a project frame to hold them,
    // such a table's rows are not read as indicators.
    let scrambled = grid
        .rows
        .get(s.header.body..)
        .unwrap_or_default()
        .iter()
        .any(|r| {
            let t = s.text(r, Role::Name);
            // `100%`, `≥10人/年`: a value, a unit at most; not `12315投诉举报办结率`.
            crate::textgrid::value_like(&t)
                && t.chars()
                    .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                    .count()
                    <= 3
        });
    for row in grid.rows.get(s.header.body..).unwrap_or_default() {
        if cells::is_note_row(row) {
            // Notes end the table: nothing below them is data. A filling
            // note right under the head (填报说明) comes before the data.
            let read_any = open.as_ref().is_some_and(|o| !o.indicators.is_empty())
                || s.doc.indicator_count() > 0;
            if read_any {
                break;
            }
            continue;
        }
        if header::is_head_again(row, s.header) {
            continue;
        }
        let line = row.line();
        // A head block inside the table (the next form's 项目名称, 主管部门,
        // 资金, 总体目标, printed one form after another): never an
        // indicator. Its project label opens that project.
        if let Some((label, value)) = head_block_row(row, s) {
            if crate::textgrid::is_project_label(&label) && !value.is_empty() {
                close(s, open.take());
                fields = None;
                open = Some(Open {
                    name: value,
                    unit: unit.clone(),
                    amounts: None,
                    goal: String::new(),
                    indicators: Vec::new(),
                    line,
                    level: None,
                    category: None,
                    frameless: false,
                    implied: None,
                });
            } else if let Some(o) = open.as_mut()
                && o.indicators.is_empty()
                && o.goal.is_empty()
                && crate::vocab::is_goal_label(&label)
            {
                o.goal = value;
            }
            continue;
        }
        let project = s.text(row, Role::Project);
        // A code printed before a unit's name (`820001-…`) is kept apart.
        let unit_text = super::strip_code(&s.text(row, Role::Unit));
        let name = s.text(row, Role::Name);

        // An allocation printed above the indicators (`资金总额 | 320.00`, a
        // wide regional table's 下达资金 per region): the project's amount,
        // never an indicator; a part of it (`其中：中央资金`) is not placed.
        let before_indicators = open
            .as_ref()
            .is_none_or(|o| o.indicators.is_empty() && o.level.is_none() && o.category.is_none());
        if before_indicators
            && project.is_empty()
            && let Some((label, amount)) = money_row(row, s)
        {
            let slot = match open.as_mut() {
                Some(o) => &mut o.amounts,
                None => &mut pending_amounts,
            };
            if slot.is_none() && !label.starts_with("其中") {
                *slot = Some(Amounts {
                    total: Some(amount),
                    ..Amounts::default()
                });
            } else {
                s.doc.warn(
                    line,
                    format!("「{label}」 {amount} 万元: a part of the amount above it, not kept"),
                );
            }
            continue;
        }

        if cells::is_grand_total(&project)
            || (project.is_empty() && cells::is_grand_total(&unit_text))
        {
            close(s, open.take());
            let a = s.amounts(row, "合计");
            let text = if project.is_empty() {
                unit_text
            } else {
                project
            };
            s.set_grand_total(row, a, &text);
            continue;
        }

        // A new unit: a unit cell of its own with a new name.
        let new_unit = !unit_text.is_empty() && unit.as_deref() != Some(unit_text.as_str());
        if new_unit {
            close(s, open.take());
            unit = Some(unit_text.clone());
        }
        // A unit's subtotal row: amounts and a unit, no project, no indicator.
        if project.is_empty() && name.is_empty() && !unit_text.is_empty() && s.has_own_amounts(row)
        {
            close(s, open.take());
            let a = s.amounts(row, &unit_text);
            ensure_unit(s, &unit_text, line);
            if let Some(u) = s.doc.units.last_mut() {
                u.amounts = a;
            }
            continue;
        }

        let new_project =
            !project.is_empty() && (new_unit || open.as_ref().is_none_or(|o| o.name != project));
        if new_project {
            close(s, open.take());
            open = Some(Open {
                name: project.clone(),
                unit: unit.clone(),
                amounts: None,
                goal: String::new(),
                indicators: Vec::new(),
                line,
                level: None,
                category: None,
                frameless: false,
                implied: None,
            });
        } else if open.is_none()
            && let Some(f) = fields.take().filter(|f| f.project.is_some())
        {
            // A one-project form: the project is named above the head.
            open = Some(Open {
                name: f.project.unwrap_or_default(),
                unit: unit.clone(),
                amounts: f.amounts.or(pending_amounts.take()),
                goal: f.goal.unwrap_or_default(),
                indicators: Vec::new(),
                line: f.project_row.unwrap_or(line),
                level: None,
                category: None,
                frameless: false,
                implied: None,
            });
        } else if open.is_none()
            && !name.is_empty()
            && !scrambled
            && !fields.as_ref().is_some_and(|f| f.project_label)
        {
            // Indicators first: a table with no project frame (a department-wide
            // 整体 table, a blank project cell, a table after a notice) gives
            // its indicators under an unnamed project.
            let f = fields.take().unwrap_or_default();
            open = Some(Open {
                name: String::new(),
                unit: unit.clone(),
                amounts: f.amounts.or(pending_amounts.take()),
                goal: f.goal.unwrap_or_default(),
                indicators: Vec::new(),
                line,
                level: None,
                category: None,
                frameless: true,
                implied: None,
            });
        }
        let Some(o) = open.as_mut() else {
            if !name.is_empty() {
                let col = s.header.cols.get(Role::Name).unwrap_or(0);
                let addr = s.addr(row, col);
                s.doc.reject(
                    line,
                    name,
                    format!("{addr}: indicator outside any project (no 项目名称 above it)"),
                );
            }
            continue;
        };
        if o.amounts.is_none() && s.has_own_amounts(row) {
            let what = o.name.clone();
            let a = s.amounts(row, &what);
            if let Some(o) = open.as_mut() {
                o.amounts = a;
            }
        }
        let Some(o) = open.as_mut() else { continue };
        if o.goal.is_empty() {
            o.goal = s.text(row, Role::Goal);
        }
        if is_banner(row, s) {
            let addr = s.addr(row, s.header.cols.get(Role::Name).unwrap_or(0));
            s.doc.reject(
                line,
                name,
                format!("{addr}: one merged cell across the name and the value columns (a title or banner line), not an indicator"),
            );
            continue;
        }
        read_indicator(row, s, o, &name);
    }
    close(s, open.take());
}

/// A line one merged cell spans from the name column to the value column
/// (the next form's title between forms): its value cell is a copy of the
/// same text the name holds, so it is no name beside its target.
fn is_banner(row: &GridRow<'_>, s: &Sheet<'_>) -> bool {
    let Some(name) = s.cell(row, Role::Name) else {
        return false;
    };
    let copied = [Role::Annual, Role::Cycle]
        .iter()
        .filter_map(|r| s.cell(row, *r))
        .any(|v| v.filled && cells::joined_text(&v.val) == cells::joined_text(&name.val));
    let one_text = row
        .cells
        .iter()
        .all(|c| cells::joined_text(&c.val) == cells::joined_text(&name.val));
    copied && one_text
}

/// Whether a name starts with a level and a category in one
/// (`产出指标-数量指标…`, `效益指标/社会效益指标…`) and goes on.
fn glued_labels(name: &str) -> bool {
    name.char_indices().skip(4).take(24).any(|(i, _)| {
        name.get(..i)
            .and_then(super::header::level_and_category)
            .is_some()
    })
}

/// `(label, amount in 万元)` of a row that prints an amount under a money
/// label in its label cells (`资金总额`, `下达资金`, `其中：中央资金`; merged
/// over the 一级 to 三级 columns or in the first of them) and an amount
/// alone in its value cell.
fn money_row(row: &GridRow<'_>, s: &Sheet<'_>) -> Option<(String, rust_decimal::Decimal)> {
    let labels: Vec<String> = [Role::Level, Role::Category, Role::Name]
        .iter()
        .map(|r| s.text(row, *r))
        .filter(|t| !t.trim().is_empty())
        .collect();
    let label = labels.first()?.trim().to_string();
    if labels.iter().any(|t| t.trim() != label) || !crate::vocab::is_money_label(&label) {
        return None;
    }
    let value = s.text(row, Role::Annual);
    let amount = crate::vocab::parse_amount(&value).ok().flatten()?;
    Some((label, s.money.to_wanyuan(amount)))
}

/// `(label, value)` of a row whose first cell is a key-value head's label
/// (项目名称, 主管部门, 资金情况, 总体目标 …): the value is the next cell's text.
fn head_block_row(row: &GridRow<'_>, s: &Sheet<'_>) -> Option<(String, String)> {
    // A merged label column's copy (年度绩效目标 merged down beside the
    // indicator rows) is no label on a row that prints a level or category
    // of the framework: only a cell written there is.
    let framework = [Role::Level, Role::Category].iter().any(|r| {
        let t = s.text(row, *r);
        crate::vocab::level(&t).is_some() || crate::vocab::category(&t).is_some()
    });
    if framework
        && row
            .cells
            .iter()
            .find(|c| !cells::joined_text(&c.val).trim().is_empty())
            .is_some_and(|c| c.filled)
    {
        return None;
    }
    let mut texts = row
        .cells
        .iter()
        .map(|c| cells::joined_text(&c.val))
        .filter(|t| !t.trim().is_empty());
    let label = texts.next()?;
    // The label and its value in one cell (`项目名称：X`): the next form's
    // head printed as a line of text.
    if let Some((k, v)) = label.split_once([':', '：'])
        && crate::textgrid::is_head_label(k)
        && !v.trim().is_empty()
    {
        return Some((k.trim().to_string(), v.trim().to_string()));
    }
    if !crate::textgrid::is_head_label(&label) {
        return None;
    }
    let value = texts.next().unwrap_or_default();
    Some((label, value.trim().to_string()))
}

/// The level and category carried down, and the indicator of this row if it has one.
fn read_indicator(row: &GridRow<'_>, s: &mut Sheet<'_>, o: &mut Open, name: &str) {
    let mut level = s.text(row, Role::Level);
    // A page's field (`备注：无`) in the 一级 or 二级 cell is no label of
    // the framework: the row is a reject, and nothing carries down from it.
    for role in [Role::Level, Role::Category] {
        let t = s.text(row, role);
        if crate::textgrid::is_field_line(&t) {
            let addr = s.addr(row, s.header.cols.get(role).unwrap_or(0));
            let text = if name.is_empty() {
                t
            } else {
                format!("{t} {name}")
            };
            s.doc.reject(
                row.line(),
                text,
                format!(
                    "{addr}: a field (label：value) where the {} would stand",
                    role.label()
                ),
            );
            return;
        }
    }
    // `产出指标-数量指标`: both in the 一级 cell, when the row prints no 二级.
    let mut joined_category = None;
    if let Some((l, c)) = super::header::level_and_category(&level)
        && s.text(row, Role::Category).is_empty()
    {
        level = l;
        joined_category = Some(c);
    }
    // A score range alone (`(40-50)分`) is the rest of a level wrapped over two cells.
    if !crate::vocab::key(&level).is_empty() {
        let (code, text) = cells::split_code(&level);
        let text = level_name(&text);
        // 二级 belongs to its 一级: a new 一级 starts afresh, unless it is
        // printed in the middle of its group (the centre of a merged cell)
        // below rows whose level was implied by their category: then it is
        // their level, and the category read before it stays.
        let printed = crate::vocab::level(&text);
        let implied_same = printed.is_some()
            && (o.level.is_none()
                || (o.implied.is_some()
                    && o.level.as_ref().and_then(|l| crate::vocab::level(&l.1)) == printed));
        let fits = o
            .category
            .as_ref()
            .is_some_and(|c| crate::vocab::category(&c.1).map(|c| c.level) == printed);
        if o.level.as_ref().is_none_or(|l| l.1 != text) && !(implied_same && fits) {
            o.category = None;
        }
        if let Some(from) = o.implied.take() {
            if implied_same && fits {
                // Rows that took their level from their category's place in
                // the framework take the printed one, which confirms it.
                let framework = printed.map(crate::vocab::Level::name).unwrap_or_default();
                for i in o.indicators.iter_mut().skip(from) {
                    if i.level == framework {
                        i.level.clone_from(&text);
                        i.level_code.clone_from(&code);
                    }
                }
            } else {
                unconfirmed(s, o, from);
            }
        }
        o.level = Some((code, text));
    }
    let category = joined_category.unwrap_or_else(|| s.text(row, Role::Category));
    if !category.is_empty() {
        let (code, text) = cells::split_code(&category);
        // `经济效益` / `指标`: a category wrapped over two cells is joined.
        let joined = o
            .category
            .as_ref()
            .map(|c| format!("{}{}", c.1, text))
            .filter(|j| {
                !crate::vocab::is_category_word(&text)
                    && crate::vocab::category(j).is_some()
                    && crate::vocab::key(j) != crate::vocab::key(&text)
            });
        match joined {
            Some(j) => {
                // The row above, whose category this cell continues, too.
                if let (Some(c), Some(last)) = (o.category.as_ref(), o.indicators.last_mut())
                    && last.category == c.1
                {
                    last.category.clone_from(&j);
                }
                if let Some(c) = o.category.as_mut() {
                    c.1 = j;
                }
            }
            _ => o.category = Some((code, level_name(&text))),
        }
    }
    // A category printed under a level the framework does not put it under
    // (社会效益 carried under 产出): the level's label may be printed lower,
    // in the middle of its group. The category's own level holds, until a
    // printed level confirms it (or the rows become rejects).
    if !category.is_empty()
        && o.implied.is_none()
        && let (Some(l), Some(c)) = (
            o.level.as_ref().and_then(|l| crate::vocab::level(&l.1)),
            o.category
                .as_ref()
                .and_then(|c| crate::vocab::category(&c.1)),
        )
    {
        let cost = l == crate::vocab::Level::Cost && c.name == "成本指标";
        let older =
            l == crate::vocab::Level::Effect && c.level == crate::vocab::Level::Satisfaction;
        if l != c.level && !cost && !older {
            o.level = Some((None, c.level.name().to_string()));
            o.implied = Some(o.indicators.len());
        }
    }
    // Several indicators in one row, each on its own line of the name cell
    // and of the value cell (cells typed with line breaks): the k-th name
    // takes the k-th value.
    if let Some(items) = stacked(row, s) {
        for (name, cycle, annual) in items {
            push_indicator(row, s, o, &name, cycle, annual, true);
        }
        return;
    }
    let mut cycle = value(row, s, Role::Cycle);
    let mut annual = value(row, s, Role::Annual);
    // A placeholder (`≥**`) is a value cell too, though it reads as none.
    let mut value_cell = [Role::Annual, Role::Cycle]
        .iter()
        .any(|r| s.cell(row, *r).is_some());
    // No value cell: the name's own cell may hold its target
    // (`名称，目标值：≥95%`); unlabelled (`名称：≥95%`) only in a table with
    // no value column at all.
    let bare =
        s.header.cols.get(Role::Annual).is_none() && s.header.cols.get(Role::Cycle).is_none();
    let split = (!value_cell)
        .then(|| crate::ingest::indicator::split_labelled_value(name, bare))
        .flatten();
    // `名称（≥95%）；名称（稳步提高）`: several indicators in one name cell,
    // each with its target in brackets; one alone only with no value column.
    let list = (split.is_none() && !value_cell)
        .then(|| crate::ingest::indicator::split_bracketed_values(name, bare))
        .flatten();
    if let Some(items) = list {
        for v in items {
            push_indicator(row, s, o, &v.name, v.cycle, v.annual, true);
        }
        return;
    }
    // A table that prints its targets inside the names has no value cell:
    // a name without one there is no indicator (a note in brackets, a list
    // that did not split).
    if bare && split.is_none() && !name.is_empty() {
        let addr = s.addr(row, s.header.cols.get(Role::Name).unwrap_or(0));
        s.doc.reject(
            row.line(),
            name.to_string(),
            format!("{addr}: no target in the name's cell, in a table without a value column"),
        );
        return;
    }
    let name = match &split {
        Some(v) => {
            cycle.clone_from(&v.cycle);
            annual.clone_from(&v.annual);
            value_cell = true;
            v.name.as_str()
        }
        None => name,
    };
    push_indicator(row, s, o, name, cycle, annual, value_cell);
}

/// One line of a stacked row: name, cycle value, annual value.
type Stacked = (String, Option<String>, Option<String>);

/// `(name, cycle, annual)` of each line when the row's name cell and value
/// cells hold the same number (two or more) of lines: indicators stacked in
/// one row. Not where the values take an operator or unit from columns of
/// their own (those would have to hold as many lines too), nor where a line
/// reads as the rest of a wrapped text (it opens with a bracket or a
/// punctuation mark).
fn stacked(row: &GridRow<'_>, s: &Sheet<'_>) -> Option<Vec<Stacked>> {
    if !s.header.blocks.is_empty()
        || [Role::Operator, Role::Measure]
            .iter()
            .any(|r| s.cell(row, *r).is_some())
    {
        return None;
    }
    let lines = |role: Role| -> Option<Vec<String>> {
        let c = s.cell(row, role)?;
        let text = c.val.text();
        let v: Vec<String> = text
            .lines()
            .map(|l| crate::ingest::indicator::normalize_text(l.trim()))
            .filter(|l| !l.is_empty())
            .collect();
        let continued = v.iter().any(|l| {
            l.starts_with(|ch: char| {
                matches!(
                    ch,
                    '(' | '（' | '、' | '，' | ',' | '。' | '；' | ';' | '：' | ':' | ')' | '）'
                )
            })
        });
        (!continued).then_some(v)
    };
    let names = lines(Role::Name)?;
    let n = names.len();
    if n < 2 {
        return None;
    }
    let annual = match s.cell(row, Role::Annual) {
        Some(_) => Some(lines(Role::Annual).filter(|v| v.len() == n)?),
        None => None,
    };
    let cycle = match s.cell(row, Role::Cycle) {
        Some(_) => Some(lines(Role::Cycle).filter(|v| v.len() == n)?),
        None => None,
    };
    if annual.is_none() && cycle.is_none() {
        return None;
    }
    let at = |v: &Option<Vec<String>>, k: usize| v.as_ref().and_then(|v| v.get(k).cloned());
    Some(
        names
            .into_iter()
            .enumerate()
            .map(|(k, name)| (name, at(&cycle, k), at(&annual, k)))
            .collect(),
    )
}

/// The indicator `name` of this row with its values, under the level and
/// category carried down; a reject where they do not prove it one.
fn push_indicator(
    row: &GridRow<'_>,
    s: &mut Sheet<'_>,
    o: &mut Open,
    name: &str,
    cycle: Option<String>,
    annual: Option<String>,
    value_cell: bool,
) {
    let line = row.line();
    if name.is_empty() {
        if cycle.is_some() || annual.is_some() {
            let col = s.header.cols.get(Role::Name).unwrap_or(0);
            let addr = s.addr(row, col);
            s.doc.reject(
                line,
                annual.or(cycle).unwrap_or_default(),
                format!(
                    "{addr}: 指标值 without a 三级指标 (indicator name) in 「{}」",
                    o.name
                ),
            );
        }
        return; // a group row (一级 or 二级 alone) only sets what carries down
    }
    // `产出指标-数量指标城乡低保人数`: the labels glued to the name, a split
    // the text's columns did not make; which part is the name is a guess.
    // `≥9600人≥3200人…`: values where the name stands (a text whose columns
    // ran together); no name starts with a comparison.
    let misplaced = if glued_labels(name) {
        Some("a level and category run into the name (the columns were not told apart)")
    } else if name
        .trim_start()
        .starts_with(['≥', '≤', '>', '<', '＞', '＜', '=', '＝', '≧', '≦'])
    {
        Some("a value where the name should be (the columns were not told apart)")
    } else if o.level.is_none()
        && o.category.is_none()
        && (s.header.cols.has(Role::Level) || s.header.cols.has(Role::Category))
        && crate::vocab::holds_framework_label(name)
    {
        Some(
            "a level or category in the name column and none in their own (the columns were not told apart)",
        )
    } else {
        None
    };
    if let Some(why) = misplaced {
        s.doc.reject(
            line,
            name.to_string(),
            format!(
                "{}: {why}",
                s.addr(row, s.header.cols.get(Role::Name).unwrap_or(0))
            ),
        );
        return;
    }
    // Without a project frame, the row must prove itself: a value cell, and
    // a level or category of the target framework (an evaluation table's
    // 绩效目标 or a text's stray words are not).
    let framework = o
        .level
        .as_ref()
        .is_some_and(|l| crate::vocab::level(&l.1).is_some())
        || o.category
            .as_ref()
            .is_some_and(|c| crate::vocab::category(&c.1).is_some());
    if o.frameless && !(value_cell && framework) {
        let why = if value_cell {
            "no level or category of the framework"
        } else {
            "a name with no value"
        };
        s.doc.reject(
            line,
            name.to_string(),
            format!(
                "{}: {why} in a table without a project frame: not read as an indicator",
                s.addr(row, s.header.cols.get(Role::Name).unwrap_or(0))
            ),
        );
        return;
    }
    let missing = |role: Role| {
        let col = s.header.cols.get(role).unwrap_or(0);
        format!(
            "{}: {} is empty and nothing above it in 「{}」 carries down",
            s.addr(row, col),
            role.label(),
            o.name
        )
    };
    // A table without a 一级 (or 二级) column writes none: the field stays
    // empty, never inferred.
    let absent = |role: Role| {
        s.header
            .cols
            .get(role)
            .is_none()
            .then(|| (None, String::new()))
    };
    // No 一级 printed yet (it stands lower, in the middle of its group): the
    // framework's level of a known category, replaced by the printed one when
    // it comes.
    let implied = s.header.cols.get(Role::Level).and_then(|_| {
        let c = crate::vocab::category(&o.category.as_ref()?.1)?;
        Some((None, c.level.name().to_string()))
    });
    let level = match o.level.clone().or_else(|| absent(Role::Level)) {
        Some(l) => Some(l),
        None => {
            if implied.is_some() && o.implied.is_none() {
                o.implied = Some(o.indicators.len());
            }
            implied
        }
    };
    let category = o.category.clone().or_else(|| absent(Role::Category));
    let (Some(level), Some(category)) = (level, category) else {
        let reason = if o.level.is_none() {
            missing(Role::Level)
        } else {
            missing(Role::Category)
        };
        s.doc.reject(line, name, reason);
        return;
    };
    let seq = u32::try_from(o.indicators.len() + 1).unwrap_or(u32::MAX);
    o.indicators.push(Indicator {
        seq,
        level_code: level.0,
        level: level.1,
        category_code: category.0,
        category: category.1,
        name: collapse_cjk_spaces(name),
        cycle_value: cycle,
        annual_value: annual,
        value_kind: extra(row, s, crate::vocab::value_kind),
        direction: extra(row, s, crate::vocab::direction),
        weight: weight(row, s),
        line,
        pos: crate::model::Position::Line(line),
    });
}

/// A level or category as the framework is compared: spaces removed, score
/// ranges dropped (`产出指标(40-50)分` → `产出指标`), text otherwise as printed.
fn level_name(text: &str) -> String {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let ascii = squeezed.replace('（', "(").replace('）', ")");
    let dropped = crate::vocab::drop_score_range(&ascii);
    if dropped.is_empty() || dropped == ascii {
        crate::vocab::drop_annotation(&squeezed)
    } else {
        crate::vocab::drop_annotation(&dropped)
    }
}

/// 定量/定性 or 正向/反向 from the columns that may hold them (指标值类型,
/// 指标方向, 指标性质), read by what the cell says.
fn extra(
    row: &GridRow<'_>,
    s: &Sheet<'_>,
    word: fn(&str) -> Option<&'static str>,
) -> Option<String> {
    [Role::ValueKind, Role::Direction, Role::Nature]
        .iter()
        .filter_map(|r| s.cell(row, *r))
        .find_map(|c| word(&cells::joined_text(&c.val)))
        .map(str::to_string)
}

/// 权重 or 分值, when it is a number.
fn weight(row: &GridRow<'_>, s: &Sheet<'_>) -> Option<rust_decimal::Decimal> {
    let c = s.cell(row, Role::Weight)?;
    let t = cells::joined_text(&c.val);
    let t = t.trim_end_matches('分').trim_end_matches('%');
    crate::vocab::parse_amount(t).ok().flatten()
}

/// A value cell, with an operator (`≥`) and a unit of measure (`%`) from
/// their own columns when the table splits them out.
fn value(row: &GridRow<'_>, s: &Sheet<'_>, role: Role) -> Option<String> {
    let v = s.cell(row, role)?;
    let mut out = cells::joined_text(&v.val);
    // A value block's own operator and unit columns (长期 | 年度 each with
    // 符号 | 数值 | 单位), else the table's.
    let block = s.header.blocks.iter().find(|b| b.role == role);
    let own = |col: Option<u32>| {
        col.and_then(|c| row.get(c))
            .map(|c| cells::joined_text(&c.val))
    };
    let op_cell = match block {
        Some(b) => own(b.operator),
        None => s
            .cell(row, Role::Operator)
            .map(|c| cells::joined_text(&c.val)),
    };
    let measure_cell = match block {
        Some(b) => own(b.measure),
        None => s
            .cell(row, Role::Measure)
            .map(|m| cells::joined_text(&m.val)),
    };
    // The operator's own column, or 指标性质 when it holds an operator.
    let op = op_cell
        .or_else(|| {
            s.cell(row, Role::Nature)
                .map(|c| cells::joined_text(&c.val))
                .filter(|t| is_operator(t))
        })
        .or_else(|| {
            // A comparison alone in the cell just before the value, under a
            // head the vocabulary does not know: the value's operator.
            let col = v.col.checked_sub(1)?;
            (s.header.cols.get(Role::Operator).is_none())
                .then(|| row.get(col))
                .flatten()
                .map(|c| cells::joined_text(&c.val))
                .filter(|t| is_operator(t))
        });
    if let Some(op) = op
        && !out.starts_with(op.as_str())
    {
        out.insert_str(0, &op);
    }
    if let Some(m) = measure_cell {
        // A unit of measure is never a figure: a number there is a score
        // or weight pushed one column over.
        if !out.ends_with(m.as_str())
            && !m.chars().any(|c| c.is_ascii_digit())
            && out.chars().last().is_some_and(|c| c.is_ascii_digit())
        {
            out.push_str(&m);
        }
    }
    // `≥**%`: a template's placeholder left unfilled is no target.
    if out.contains("**") || out.contains("＊＊") {
        return None;
    }
    let v = normalize_value(&out);
    (!v.is_empty()).then_some(v)
}

/// A comparison written alone in a cell: `≥`, `>=`, `＝`.
pub(crate) fn is_operator(t: &str) -> bool {
    matches!(
        crate::vocab::key(t).as_str(),
        "≥" | "≤" | ">" | "<" | "=" | "≧" | "≦" | ">=" | "<=" | "≠"
    )
}

fn ensure_unit(s: &mut Sheet<'_>, name: &str, line: usize) {
    if s.doc.units.last().is_none_or(|u| u.name != name) {
        s.doc.units.push(Unit {
            name: name.to_string(),
            amounts: None,
            projects: Vec::new(),
            line,
        });
    }
}

/// Rows whose level was implied by their category and that no printed
/// level confirmed: rejects, never guesses.
fn unconfirmed(s: &mut Sheet<'_>, o: &mut Open, from: usize) {
    for i in o.indicators.drain(from.min(o.indicators.len())..) {
        s.doc.reject(
            i.line,
            format!("{} {} {}", i.category, i.name, i.annual_value.unwrap_or_default()),
            format!(
                "line {}: 一级指标 not printed for this row, and no 一级 below it in its group confirms the level its 二级 implies ({})",
                i.line, i.level
            ),
        );
    }
}

fn close(s: &mut Sheet<'_>, open: Option<Open>) {
    let Some(mut o) = open else { return };
    if let Some(from) = o.implied.take() {
        unconfirmed(s, &mut o, from);
    }
    // `820-马踏镇部门 | 8,827,620.53`: a coded name with an amount and nothing
    // else is a department's or unit's subtotal above its units, not a project.
    if o.indicators.is_empty() && o.goal.is_empty() && super::strip_code(&o.name) != o.name {
        s.doc.warn(
            o.line,
            format!(
                "「{}」: a subtotal row (a coded name and an amount, no indicator), not read as a project",
                o.name
            ),
        );
        return;
    }
    if let Some(u) = &o.unit {
        ensure_unit(s, u, o.line);
    }
    if o.indicators.is_empty() {
        s.doc
            .warn(o.line, format!("{}: no indicators found", o.name));
    }
    let amounts = o.amounts.unwrap_or_else(|| Amounts {
        note: Some(if s.header.cols.get(Role::Total).is_some() {
            "no amounts in the project's rows".into()
        } else {
            "the table has no amount columns".into()
        }),
        ..Amounts::default()
    });
    s.push_project(Project {
        name: o.name,
        amounts,
        goal: o.goal,
        indicators: o.indicators,
        line: o.line,
    });
}

#[cfg(test)]
mod tests {
    use crate::grid::{Cell, Grid, GridSource};
    use crate::ingest::excel::read_grid;
    use crate::model::Position;

    /// (level, category, name) of every indicator read.
    fn levels(doc: &crate::model::Document) -> Vec<(&str, &str, &str)> {
        doc.projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| (i.level.as_str(), i.category.as_str(), i.name.as_str()))
            .collect()
    }

    fn grid(rows: &[&[(u32, &str)]]) -> Grid {
        let mut g = Grid::new("t.txt", "", GridSource::Workbook);
        for (r, row) in rows.iter().enumerate() {
            let cells = row
                .iter()
                .map(|(c, t)| Cell::new(0, *c, *t, Position::Line(r + 1)))
                .collect();
            g.push_row(cells, Position::Line(r + 1));
        }
        g
    }

    fn projects_of(g: &Grid) -> Vec<(String, String)> {
        let doc = read_grid(g).unwrap().doc;
        doc.projects()
            .flat_map(|(_, p)| {
                p.indicators
                    .iter()
                    .map(move |i| (p.name.clone(), i.name.clone()))
            })
            .collect()
    }

    #[test]
    fn names_and_values_on_matching_lines_of_their_cells_are_several_indicators() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "城区绿道建设")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "新建绿道\n改造驿站"),
                (3, "≥12公里\r\n4个"),
            ],
            &[(1, "质量指标"), (2, "绿化成活率"), (3, "≥95%")],
        ]);
        let v = |n: &str, a: &str| (n.to_string(), None, Some(a.to_string()));
        assert_eq!(
            values(&read_grid(&g).unwrap().doc),
            [
                v("新建绿道", "≥12公里"),
                v("改造驿站", "4个"),
                v("绿化成活率", "≥95%")
            ]
        );
    }

    #[test]
    fn a_wrapped_name_beside_a_value_of_other_lines_stays_one_indicator() {
        // Near misses: a name typed over two lines beside a one-line value; a
        // value's second line that is a note in brackets.
        let g = grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "满意度指标"),
                (1, "服务对象满意度指标"),
                (2, "周边居民对绿道\n建设的满意度"),
                (3, "≥90%"),
            ],
            &[
                (0, "产出指标"),
                (1, "时效指标"),
                (2, "开工时间\n完工时间"),
                (3, "2024年3月\n（以批复为准）"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let names: Vec<String> = values(&doc).into_iter().map(|(n, ..)| n).collect();
        assert_eq!(names, ["周边居民对绿道建设的满意度", "开工时间完工时间"]);
    }

    #[test]
    fn a_table_without_a_head_row_is_read_by_its_content() {
        // Column letters where the head should be; labels on the group's
        // first row; the project from the key-value line above.
        let g = grid(&[
            &[(0, "项目名称"), (1, "农村饮水安全巩固提升")],
            &[(0, "甲"), (1, "乙"), (2, "丙"), (3, "丁")],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "新建集中供水工程"),
                (3, "≥12处"),
            ],
            &[(2, "改造供水管网"), (3, "≥80公里")],
            &[(1, "质量指标"), (2, "水质达标率"), (3, "≥95%")],
            &[
                (0, "满意度指标"),
                (1, "服务对象满意度指标"),
                (2, "受益群众满意度"),
                (3, "≥90%"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        assert_eq!(
            levels(&doc),
            [
                ("产出指标", "数量指标", "新建集中供水工程"),
                ("产出指标", "数量指标", "改造供水管网"),
                ("产出指标", "质量指标", "水质达标率"),
                ("满意度指标", "服务对象满意度指标", "受益群众满意度"),
            ]
        );
        assert_eq!(
            projects_of(&g).first().map(|p| p.0.as_str()),
            Some("农村饮水安全巩固提升")
        );
    }

    #[test]
    fn a_target_adjustment_request_is_no_target_table() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "老旧小区改造")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "调整前指标值"),
                (4, "调整后指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "改造小区"),
                (3, "≥20个"),
                (4, "≥16个"),
            ],
        ]);
        let err = read_grid(&g).err().unwrap_or_default();
        assert!(err.contains("adjustment request"), "{err}");
        // Near miss: a target table whose names speak of adjustment.
        let g = grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "原址改造户数"),
                (3, "≥50户"),
            ],
            &[
                (0, "产出指标"),
                (1, "质量指标"),
                (2, "调整后验收合格率"),
                (3, "100%"),
            ],
        ]);
        assert_eq!(read_grid(&g).unwrap().doc.projects().count(), 1);
    }

    #[test]
    fn rows_under_a_head_the_readers_do_not_take_are_not_read_by_content() {
        // Near misses: an evaluation table's head (分值, 得分) above rows that
        // begin with a level and a category; a level whose category belongs
        // to another level.
        let g = grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "分值"),
                (4, "得分"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "完成率"),
                (3, "10"),
                (4, "9"),
            ],
        ]);
        assert!(read_grid(&g).is_err());
        let g = grid(&[
            &[
                (0, "产出指标"),
                (1, "社会效益指标"),
                (2, "受益人数"),
                (3, "≥100人"),
            ],
            &[(0, "效益指标"), (1, "数量指标"), (2, "覆盖率"), (3, "≥90%")],
        ]);
        assert!(read_grid(&g).is_err());
    }

    #[test]
    fn a_project_label_and_its_name_in_one_cell_opens_the_next_form() {
        let head: &[(u32, &str)] = &[
            (0, "一级指标"),
            (1, "二级指标"),
            (2, "三级指标"),
            (3, "指标值"),
        ];
        let g = grid(&[
            &[(0, "项目名称:老旧管网改造")],
            head,
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "改造管网长度"),
                (3, "≥5公里"),
            ],
            &[(0, "项目名称：公厕提升")],
            head,
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "新建公厕"),
                (3, "3座"),
            ],
        ]);
        assert_eq!(
            projects_of(&g),
            [
                ("老旧管网改造".to_string(), "改造管网长度".to_string()),
                ("公厕提升".to_string(), "新建公厕".to_string()),
            ]
        );
    }

    #[test]
    fn a_field_that_is_no_head_label_opens_no_project() {
        // Near miss: `工作内容：…` in the first column is no project's label.
        let g = grid(&[
            &[(0, "项目名称：河道清淤")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "清淤河道"),
                (3, "8条"),
            ],
            &[(0, "工作内容：清淤疏浚")],
            &[
                (0, "产出指标"),
                (1, "时效指标"),
                (2, "完工时间"),
                (3, "汛期前"),
            ],
        ]);
        let got = projects_of(&g);
        assert!(got.iter().all(|(p, _)| p == "河道清淤"), "{got:?}");
    }

    /// A grid whose cells may span: (column, rowspan, colspan, text).
    fn spanned(rows: &[&[(u32, u32, u32, &str)]]) -> Grid {
        let mut g = Grid::new("t.xlsx", "S", GridSource::Workbook);
        for (r, row) in rows.iter().enumerate() {
            let cells = row
                .iter()
                .map(|(c, rs, cs, t)| {
                    let mut cell = Cell::new(r as u32, *c, *t, Position::Line(r + 1));
                    cell.rowspan = *rs;
                    cell.colspan = *cs;
                    cell
                })
                .collect();
            g.push_row(cells, Position::Line(r + 1));
        }
        g
    }

    #[test]
    fn a_merged_label_column_beside_the_indicators_hides_none_of_them() {
        // 绩效目标 merged down the first column over the goal, the head and
        // the indicator rows; a title merged across the sheet before the
        // next form is a reject, never an indicator.
        let g = spanned(&[
            &[(0, 1, 1, "项目名称"), (1, 1, 4, "乡镇污水处理")],
            &[(0, 4, 1, "绩效目标"), (1, 1, 4, "处理污水3万吨")],
            &[
                (1, 1, 1, "一级指标"),
                (2, 1, 1, "二级指标"),
                (3, 1, 1, "三级指标"),
                (4, 1, 1, "指标值"),
            ],
            &[
                (1, 2, 1, "产出指标"),
                (2, 1, 1, "数量指标"),
                (3, 1, 1, "处理量"),
                (4, 1, 1, "3万吨"),
            ],
            &[
                (2, 1, 1, "质量指标"),
                (3, 1, 1, "达标率"),
                (4, 1, 1, "100%"),
            ],
            &[(0, 1, 5, "某县项目绩效目标表")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let names: Vec<_> = doc
            .projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["处理量", "达标率"]);
        assert_eq!(doc.rejects.len(), 1, "{:?}", doc.rejects);
    }

    #[test]
    fn a_merged_goal_label_over_a_goal_row_stays_a_head_block() {
        // Near miss: the label's copy stands where a level would, beside a
        // goal's text, not a framework label: the row is the head block's.
        let g = spanned(&[
            &[(0, 1, 1, "项目名称"), (1, 1, 3, "桥梁检测")],
            &[(0, 2, 1, "总体目标"), (1, 1, 3, "实施期目标")],
            &[(1, 1, 3, "完成全县桥梁定期检测")],
            &[
                (0, 1, 1, "一级指标"),
                (1, 1, 1, "二级指标"),
                (2, 1, 1, "三级指标"),
                (3, 1, 1, "指标值"),
            ],
            &[
                (0, 1, 1, "产出指标"),
                (1, 1, 1, "数量指标"),
                (2, 1, 1, "检测桥梁"),
                (3, 1, 1, "40座"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let names: Vec<_> = doc
            .projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| i.name.as_str())
            .collect();
        assert_eq!(names, ["检测桥梁"]);
    }

    #[test]
    fn regions_heading_the_value_columns_give_a_row_per_indicator_and_region() {
        let g = grid(&[
            &[(0, "某市2026年城乡环境整治资金区域绩效目标表")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "东城街道"),
                (4, "西湖镇"),
            ],
            // An allocation over the label columns, then a part of it.
            &[
                (0, "资金合计"),
                (1, "资金合计"),
                (2, "资金合计"),
                (3, "45.5"),
                (4, "30"),
            ],
            &[(0, "其中：省级资金"), (3, "20"), (4, "10")],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "整治村庄数"),
                (3, "≥6个"),
                (4, "≥4个"),
            ],
            &[
                (1, "时效指标"),
                (2, "完工时间"),
                (3, "10月底前"),
                (4, "11月底前"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let rows: Vec<_> = doc
            .projects()
            .flat_map(|(u, p)| p.indicators.iter().map(move |i| (u.name.as_str(), i)))
            .map(|(u, i)| (u, i.name.as_str(), i.annual_value.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            rows,
            [
                ("东城街道", "整治村庄数", "≥6个"),
                ("东城街道", "完工时间", "10月底前"),
                ("西湖镇", "整治村庄数", "≥4个"),
                ("西湖镇", "完工时间", "11月底前"),
            ]
        );
        let totals: Vec<_> = doc.projects().map(|(_, p)| p.amounts.total).collect();
        assert_eq!(
            totals,
            [Some("45.5".parse().unwrap()), Some("30".parse().unwrap())]
        );
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        // The part is not kept, and says so.
        assert_eq!(doc.warnings.len(), 2, "{:?}", doc.warnings);
    }

    #[test]
    fn unknown_heads_after_the_names_without_values_below_are_no_regions() {
        // A table of remarks by column (no value under the unknown heads).
        let g = grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "责任科室"),
                (4, "牵头人"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "整治村庄数"),
                (3, "村建科"),
                (4, "王某"),
            ],
        ]);
        assert!(read_grid(&g).is_err());
    }

    #[test]
    fn values_or_labels_run_into_the_name_are_rejects() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "河道保洁")],
            &[(0, "指标类别"), (1, "指标名称"), (2, "指标值")],
            &[(0, "产出指标"), (1, "保洁河道长度"), (2, "≥40公里")],
            &[(1, "效益指标/生态效益指标河道水质"), (2, "")],
            &[(1, "≥40公里≥95%"), (2, "")],
            &[(0, "满意度指标"), (1, "沿岸居民满意度"), (2, "≥90%")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        assert_eq!(
            levels(&doc),
            [
                ("产出指标", "", "保洁河道长度"),
                ("满意度指标", "", "沿岸居民满意度")
            ]
        );
        assert_eq!(doc.rejects.len(), 2, "{:?}", doc.rejects);
    }

    #[test]
    fn a_framework_label_in_the_name_column_with_none_in_its_own_is_a_reject() {
        // The label columns' cells were shifted into the names (a scan read
        // as text): which part is the name is a guess. (A table without
        // label columns may name an indicator 满意度.)
        let g = grid(&[
            &[(0, "项目名称"), (1, "乡村道路硬化")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[(2, "质量指标"), (3, "≥98%")],
            &[(2, "验收合格率进度指标完工时间"), (3, "10月")],
            &[
                (0, "成本指标"),
                (1, "社会成本"),
                (2, "社会成本指标"),
                (3, "无"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        // Under printed labels a name may be a framework word.
        assert_eq!(levels(&doc), [("成本指标", "社会成本", "社会成本指标")]);
        assert_eq!(doc.rejects.len(), 2, "{:?}", doc.rejects);
    }

    #[test]
    fn labels_cut_over_two_head_rows_are_joined() {
        // `一级` over `指标`: the 一级 column, not a second name column.
        let g = grid(&[
            &[(0, "项目名称"), (1, "残疾人康复服务")],
            &[(0, "一级"), (1, "二级"), (2, "三级指标"), (3, "指标值")],
            &[(0, "指标"), (1, "指标")],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "康复服务人数"),
                (3, "≥800人"),
            ],
            &[(1, "时效指标"), (2, "服务完成时间"), (3, "12月底前")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        assert_eq!(
            levels(&doc),
            [
                ("产出指标", "数量指标", "康复服务人数"),
                ("产出指标", "时效指标", "服务完成时间")
            ]
        );
    }

    #[test]
    fn a_filling_note_merged_under_the_head_is_neither_head_nor_end() {
        // The note mentions head words and is merged across (its copies
        // filled into every column); the data comes after it.
        let note = "填报要求：二级指标不少于3项，定量指标须写明单位。";
        let mut g = grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[(0, note)],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "改造农户厕所"),
                (3, "≥600户"),
            ],
            &[(1, "质量指标"), (2, "验收合格率"), (3, "≥95%")],
        ]);
        g.rows[1].cells[0].colspan = 4;
        let doc = read_grid(&g).unwrap().doc;
        assert_eq!(
            levels(&doc),
            [
                ("产出指标", "数量指标", "改造农户厕所"),
                ("产出指标", "质量指标", "验收合格率")
            ]
        );
    }

    #[test]
    fn each_value_block_joins_its_own_operator_and_unit() {
        // 实施期 and 年度, each over 比较符 | 值 | 计量单位 (the merge not
        // expanded: nothing printed above the block's other columns).
        let g = grid(&[
            &[(0, "项目名称"), (1, "河湖长制")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "实施期指标值"),
                (6, "年度指标值"),
            ],
            &[
                (3, "比较符"),
                (4, "值"),
                (5, "计量单位"),
                (6, "比较符"),
                (7, "值"),
                (8, "计量单位"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "巡河次数"),
                (3, "≥"),
                (4, "300"),
                (5, "次"),
                (6, "≥"),
                (7, "100"),
                (8, "次"),
            ],
            &[
                (1, "质量指标"),
                (2, "水质达标率"),
                (3, "="),
                (4, "100"),
                (5, "%"),
                (6, "≥"),
                (7, "95"),
                (8, "%"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let got: Vec<_> = doc
            .projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| (i.cycle_value.as_deref(), i.annual_value.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Some("≥300次"), Some("≥100次")),
                (Some("=100%"), Some("≥95%"))
            ]
        );
    }

    #[test]
    fn value_kind_beside_the_value_is_not_the_value() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "档案数字化")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值类型"),
                (4, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "数字化档案"),
                (3, "定量"),
                (4, "≥1万卷"),
            ],
            &[(1, "质量指标"), (2, "档案完整"), (3, "定性"), (4, "完整")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let ind: Vec<_> = doc.projects().flat_map(|(_, p)| &p.indicators).collect();
        assert_eq!(ind.len(), 2);
        assert_eq!(ind[0].annual_value.as_deref(), Some("≥1万卷"));
        assert_eq!(ind[0].value_kind.as_deref(), Some("定量"));
        assert_eq!(ind[1].annual_value.as_deref(), Some("完整"));
        assert_eq!(ind[1].value_kind.as_deref(), Some("定性"));
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
    }

    #[test]
    fn placeholders_are_no_values_and_department_wide_tables_have_no_project() {
        let g = grid(&[
            &[(0, "部门整体支出绩效目标表")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "培训人次(≥**人次)"),
                (3, "≥**人次"),
            ],
            &[(1, "质量指标"), (2, "合格率"), (3, "≥95%")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let ind: Vec<_> = doc.projects().flat_map(|(_, p)| &p.indicators).collect();
        assert_eq!(ind.len(), 2);
        assert_eq!(ind[0].name, "培训人次(≥**人次)");
        assert_eq!(ind[0].annual_value, None);
        assert_eq!(ind[1].annual_value.as_deref(), Some("≥95%"));
        assert_eq!(doc.projects().next().unwrap().1.name, "");
    }

    #[test]
    fn a_level_printed_in_the_middle_of_its_group_holds_for_the_whole_group() {
        // 一级 merged over five rows, its text at the centre (the third row).
        let g = grid(&[
            &[(0, "项目名称"), (1, "河道保洁")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[(1, "数量指标"), (2, "保洁河道长度"), (3, "≥120公里")],
            &[(2, "清运垃圾量"), (3, "≥300吨")],
            &[(0, "产出"), (2, "打捞水面漂浮物"), (3, "≥50吨")],
            &[(1, "质量指标"), (2, "保洁达标率"), (3, "≥95%")],
            &[(1, "时效指标"), (2, "完成时间"), (3, "2024年12月底前")],
            &[
                (0, "满意度指标"),
                (1, "服务对象满意度指标"),
                (2, "沿河群众满意度"),
                (3, "≥90%"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let ind: Vec<_> = doc.projects().flat_map(|(_, p)| &p.indicators).collect();
        let got: Vec<(&str, &str, &str)> = ind
            .iter()
            .map(|i| (i.level.as_str(), i.category.as_str(), i.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("产出", "数量指标", "保洁河道长度"),
                ("产出", "数量指标", "清运垃圾量"),
                ("产出", "数量指标", "打捞水面漂浮物"),
                ("产出", "质量指标", "保洁达标率"),
                ("产出", "时效指标", "完成时间"),
                ("满意度指标", "服务对象满意度指标", "沿河群众满意度"),
            ]
        );
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
    }

    #[test]
    fn a_later_level_printed_in_its_group_is_kept_only_where_it_confirms() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "城乡供水")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "新建水厂"),
                (3, "2座"),
            ],
            // 效益指标 printed at the centre of its two rows.
            &[(1, "社会效益指标"), (2, "受益人口"), (3, "≥3万人")],
            &[(0, "效益指标"), (2, "水质达标率"), (3, "≥95%")],
            // No level printed for this group at all: not confirmed.
            &[(1, "经济成本指标"), (2, "吨水制水成本"), (3, "≤2.1元")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let got = levels(&doc);
        assert_eq!(
            got,
            [
                ("产出指标", "数量指标", "新建水厂"),
                ("效益指标", "社会效益指标", "受益人口"),
                ("效益指标", "社会效益指标", "水质达标率"),
            ]
        );
        assert_eq!(doc.rejects.len(), 1);
        assert!(
            doc.rejects[0].text.contains("吨水制水成本"),
            "{:?}",
            doc.rejects
        );
    }

    #[test]
    fn a_level_column_under_an_unknown_head_is_told_by_its_cells() {
        // 指标类别 is no head the vocabulary knows; its cells are the
        // framework's levels, or level and category in one cell.
        let g = grid(&[
            &[(0, "项目名称"), (1, "城乡低保")],
            &[(0, "指标类别"), (1, "指标名称"), (2, "年度目标值")],
            &[(0, "产出指标-数量指标"), (1, "保障人数"), (2, "≥3200人")],
            &[(0, "产出指标-时效指标"), (1, "按月发放率"), (2, "100%")],
            &[
                (0, "满意度指标/服务对象满意度指标"),
                (1, "对象满意度"),
                (2, "≥90%"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let got = levels(&doc);
        assert_eq!(
            got,
            [
                ("产出指标", "数量指标", "保障人数"),
                ("产出指标", "时效指标", "按月发放率"),
                ("满意度指标", "服务对象满意度指标", "对象满意度"),
            ]
        );
    }

    #[test]
    fn a_table_without_level_columns_leaves_them_empty() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "档案数字化")],
            &[(0, "二级指标"), (1, "指标名称"), (2, "指标值")],
            &[(0, "数量指标"), (1, "数字化档案"), (2, "1万卷")],
            &[(1, "档案目录"), (2, "2000条")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        let ind: Vec<_> = doc.projects().flat_map(|(_, p)| &p.indicators).collect();
        assert_eq!(ind.len(), 2);
        assert_eq!(ind[1].level, "");
        assert_eq!(ind[1].category, "数量指标");
        assert_eq!(ind[1].annual_value.as_deref(), Some("2000条"));
    }

    #[test]
    fn labels_with_their_values_in_one_cell() {
        let g = grid(&[
            &[(0, "项目名称：档案数字化"), (1, "实施单位:[001]市档案馆")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "数字化档案"),
                (3, "1万卷"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let (u, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "档案数字化");
        assert_eq!(u.name, "市档案馆");
    }

    #[test]
    fn a_table_without_amount_columns_has_no_amounts() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "档案数字化")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "数字化档案"),
                (3, "1万卷"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "档案数字化");
        assert_eq!(p.amounts.total, None);
        assert_eq!(p.amounts.fiscal, None);
        assert_eq!(p.amounts.special, None);
        assert_eq!(p.amounts.other, None);
        assert_eq!(doc.grand_total, None);
    }

    #[test]
    fn a_group_head_merged_over_the_levels_is_not_a_label() {
        let mut g = grid(&[
            &[
                (0, "项目名称"),
                (1, "金额（万元）"),
                (2, "绩效指标"),
                (5, "指标值"),
            ],
            &[(2, "一级指标"), (3, "二级指标"), (4, "三级指标")],
            &[
                (0, "档案数字化"),
                (1, "10.00"),
                (2, "产出指标"),
                (3, "数量指标"),
                (4, "数字化档案"),
                (5, "1万卷"),
            ],
            &[(3, "质量指标"), (4, "合格率"), (5, "100%")],
        ]);
        // 项目名称, 金额 and 指标值 span both head rows; 绩效指标 spans three columns.
        for c in &mut g.rows[0].cells {
            match c.col {
                2 => c.colspan = 3,
                _ => c.rowspan = 2,
            }
        }
        let doc = read_grid(&g).unwrap().doc;
        assert!(doc.rejects.is_empty(), "{:?}", doc.rejects);
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "档案数字化");
        assert_eq!(p.amounts.total, Some("10.00".parse().unwrap()));
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(p.indicators[1].category, "质量指标");
        assert_eq!(p.indicators[1].level, "产出指标");
    }

    #[test]
    fn operator_value_and_unit_columns_join_and_weights_and_directions_are_read() {
        let g = grid(&[
            &[(0, "项目名称"), (1, "村组干部报酬")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标性质"),
                (4, "指标值"),
                (5, "度量单位"),
                (6, "权重"),
                (7, "指标方向性"),
            ],
            &[
                (0, "产出指标"),
                (1, "质量指标"),
                (2, "按时发放"),
                (3, "≥"),
                (4, "1"),
                (5, "人/年"),
                (6, "10"),
                (7, "正向指标"),
            ],
            // A category wrapped over two cells, and a score range in a level.
            &[(0, "效益指标(30分)"), (1, "经济效益")],
            &[
                (1, "指标"),
                (2, "集体经济"),
                (3, "="),
                (4, "95"),
                (5, "%"),
                (6, "20"),
                (7, "反向指标"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let ind: Vec<_> = doc.projects().flat_map(|(_, p)| &p.indicators).collect();
        assert_eq!(ind.len(), 2);
        assert_eq!(ind[0].annual_value.as_deref(), Some("≥1人/年"));
        assert_eq!(ind[0].weight, Some("10".parse().unwrap()));
        assert_eq!(ind[0].direction.as_deref(), Some("正向"));
        assert_eq!(ind[1].level, "效益指标");
        assert_eq!(ind[1].category, "经济效益指标");
        assert_eq!(ind[1].annual_value.as_deref(), Some("=95%"));
        assert_eq!(ind[1].direction.as_deref(), Some("反向"));
    }

    /// (name, cycle, annual) of every indicator read.
    fn values(doc: &crate::model::Document) -> Vec<(String, Option<String>, Option<String>)> {
        doc.projects()
            .flat_map(|(_, p)| &p.indicators)
            .map(|i| {
                (
                    i.name.clone(),
                    i.cycle_value.clone(),
                    i.annual_value.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn targets_printed_in_the_names_cells_are_split_off() {
        // No value column: labelled and unlabelled targets in the names.
        let g = grid(&[
            &[(0, "项目名称 乡镇卫生院设备购置")],
            &[(0, "一级指标"), (1, "二级指标"), (2, "指标名称")],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "购置设备台数（年度目标值：≥40台）"),
            ],
            &[(1, "质量指标"), (2, "设备验收合格率：100%")],
            &[
                (0, "效益指标"),
                (1, "社会效益指标"),
                (2, "基层诊疗能力 指标值:明显提升"),
            ],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        let a = |n: &str, v: &str| (n.to_string(), None, Some(v.to_string()));
        assert_eq!(
            values(&doc),
            [
                a("购置设备台数", "≥40台"),
                a("设备验收合格率", "100%"),
                a("基层诊疗能力", "明显提升"),
            ]
        );
        assert_eq!(doc.projects().next().unwrap().1.name, "乡镇卫生院设备购置");
        // With a value column, only an empty value cell lets the name speak,
        // and only with a label.
        let g = grid(&[
            &[(0, "项目名称"), (1, "乡镇卫生院设备购置")],
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "购置设备台数"),
                (3, "≥40台"),
            ],
            &[(1, "质量指标"), (2, "验收合格率，目标值：100%")],
            &[(1, "时效指标"), (2, "完成时间：2025年6月")],
            &[(1, "成本指标"), (2, "单台成本：≤8万元"), (3, "≤7万元")],
        ]);
        let doc = read_grid(&g).unwrap().doc;
        assert_eq!(
            values(&doc),
            [
                a("购置设备台数", "≥40台"),
                a("验收合格率", "100%"),
                ("完成时间：2025年6月".to_string(), None, None),
                a("单台成本：≤8万元", "≤7万元"),
            ]
        );
    }

    #[test]
    fn names_with_colons_are_no_values_and_make_no_table() {
        // A head without a value column whose names merely hold colons.
        let g = grid(&[
            &[(0, "一级指标"), (1, "二级指标"), (2, "三级指标")],
            &[(0, "产出指标"), (1, "数量指标"), (2, "服务覆盖范围：城区")],
            &[(1, "质量指标"), (2, "服务标准：按国家规范")],
            &[(1, "时效指标"), (2, "完成时限")],
        ]);
        assert!(read_grid(&g).is_err());
    }

    #[test]
    fn a_pipe_text_whose_name_column_carries_the_targets() {
        // Head of the three levels alone: the long reader decides by content.
        let text = "某区2023年部门项目绩效目标\n\
                    项目名称：社区养老服务补贴\n\
                    一级 | 二级 | 指标名称\n\
                    产出指标 | 数量指标 | 助餐服务人次；年度目标值：≥1.5万人次\n\
                    | 时效指标 | 补贴发放及时率；年度目标值：100%\n\
                    满意度指标 | 服务对象满意度指标 | 老年人满意度；年度目标值：≥90%\n";
        let got: Vec<(String, Option<String>)> = crate::textgrid::pipe::tables("t.txt", text)
            .iter()
            .flat_map(crate::textgrid::read_indicators)
            .map(|i| (i.name, i.annual_value))
            .collect();
        assert_eq!(
            got,
            [
                ("助餐服务人次".to_string(), Some("≥1.5万人次".to_string())),
                ("补贴发放及时率".to_string(), Some("100%".to_string())),
                ("老年人满意度".to_string(), Some("≥90%".to_string())),
            ]
        );
    }

    #[test]
    fn a_name_cell_listing_several_names_with_bracketed_targets() {
        let text = "某镇2024年项目绩效目标\n\
                    项目名称：农村人居环境整治\n\
                    一级指标 | 二级指标 | 三级指标（目标值）\n\
                    产出指标 | 数量指标 | 改造户用厕所（≥300户）；新建垃圾收集点（≥20个）\n\
                    | 时效指标 | 工程完工时间（2024年11月底前）\n\
                    效益指标 | 生态效益指标 | 村容村貌（明显改善）；污水处理设施（含管网）\n\
                    满意度指标 | 服务对象满意度指标 | 村民满意度（≥90%）\n";
        let t = crate::textgrid::pipe::tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let got: Vec<(String, Option<String>)> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| (i.name.clone(), i.annual_value.clone()))
            .collect();
        let pair = |n: &str, v: &str| (n.to_string(), Some(v.to_string()));
        assert_eq!(
            got,
            [
                pair("改造户用厕所", "≥300户"),
                pair("新建垃圾收集点", "≥20个"),
                pair("工程完工时间", "2024年11月底前"),
                pair("村民满意度", "≥90%"),
            ]
        );
        // A list with an item whose bracket is a note is no list: a reject.
        assert!(doc.rejects.iter().any(|r| r.text.contains("污水处理设施")));
    }

    #[test]
    fn a_field_in_the_level_column_is_a_reject_not_a_level() {
        let text = "项目名称：河道保洁经费\n\
                    一级指标 | 二级指标 | 三级指标 | 指标值\n\
                    产出指标 | 数量指标 | 保洁河道长度 | ≥45公里\n\
                    审核状态：已审 | 质量指标 | 保洁达标率 | ≥95%\n\
                    | 时效指标 | 保洁完成时间 | 2023年12月\n";
        let t = crate::textgrid::pipe::tables("t.txt", text);
        let doc = crate::ingest::excel::read_grid(&t[0].grid).unwrap().doc;
        let got: Vec<(String, String)> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter())
            .map(|i| (i.level.clone(), i.name.clone()))
            .collect();
        let pair = |l: &str, n: &str| (l.to_string(), n.to_string());
        assert_eq!(
            got,
            [
                pair("产出指标", "保洁河道长度"),
                pair("产出指标", "保洁完成时间")
            ]
        );
        assert!(doc.rejects.iter().any(|r| r.text.contains("保洁达标率")));
    }
}

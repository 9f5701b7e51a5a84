//! One field per line: each indicator a record of `label：value` lines whose
//! labels are the long table's column heads (a mobile view of a disclosure
//! page, a form copied out field by field):
//!
//! `指标1` / `一级指标：产出指标` / `二级指标：数量指标` / `三级指标：X` / `指标值：≥90%`
//!
//! after a key-value head (`项目名称：X`, `主管部门：…`). The labels become
//! the grid's head row (in the order they first appear) and every record a
//! row under it. A record ends where a label it already holds comes again, or
//! at a blank line, or at a line that is no field (a record's number,
//! `指标2`) before the next record's fields; a line that is no field right
//! under a field, not followed by the next record, is that field's wrapped
//! tail. A new `项目名称` after records opens the next project.
//! The last record of a text cut short (no line end after it, or a field the
//! other records have missing) is a reject, never a row.

use super::{
    Piece, TextTable, is_head_label, is_page_furniture, is_project_label, is_table_end, push,
};
use crate::grid::GridSource;
use crate::ingest::excel::header::{self, Role};

/// `label：value` (full-width or ASCII colon): the label and the value, both
/// trimmed. The label must not be empty.
pub(crate) fn split_label(line: &str) -> Option<(&str, &str)> {
    let at = line.find([':', '：'])?;
    let label = line.get(..at)?.trim();
    let colon = line.get(at..)?.chars().next()?;
    let value = line.get(at + colon.len_utf8()..)?.trim();
    (!label.is_empty()).then_some((label, value))
}

/// The role of a record's label, when it names an indicator's column (not a
/// project's head: 项目名称, 资金, 绩效目标 are head labels).
fn field_role(label: &str) -> Option<Role> {
    let r = header::role_of(&header::squeeze(label))?;
    matches!(
        r,
        Role::Level
            | Role::Category
            | Role::Name
            | Role::Annual
            | Role::Cycle
            | Role::HalfYear
            | Role::Operator
            | Role::Measure
            | Role::Weight
            | Role::Direction
            | Role::Nature
            | Role::ValueKind
            | Role::Remark
            | Role::SelfEval
    )
    .then_some(r)
}

/// One field: its role, printed label, value and line.
#[derive(Debug, Clone)]
struct Field {
    role: Role,
    label: String,
    value: Piece,
}

/// One project's part of the text: its head rows and its records.
#[derive(Debug, Default)]
struct Section {
    head: Vec<Vec<Piece>>,
    records: Vec<Vec<Field>>,
}

/// Where the text ends: its last non-blank line (1-based) and whether no
/// line end follows it.
#[derive(Debug, Clone, Copy)]
struct Cut {
    last_line: usize,
    open_end: bool,
}

/// Whether a role holds a target value.
fn is_value(r: Role) -> bool {
    matches!(r, Role::Annual | Role::Cycle | Role::HalfYear)
}

/// The tables of a text of one-field-per-line records.
pub fn tables(source: &str, text: &str) -> Vec<TextTable> {
    let lines: Vec<&str> = text.lines().collect();
    // A field line: (role, label, value).
    let field = |l: &str| -> Option<(Role, String, String)> {
        let (label, value) = split_label(l)?;
        Some((field_role(label)?, label.to_string(), value.to_string()))
    };
    let mut sections: Vec<Section> = vec![Section::default()];
    let mut open: Vec<Field> = Vec::new();
    // The text's last line, and whether a line end follows it (an excerpt
    // cut short has none).
    let last_line = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let cut = Cut {
        last_line,
        open_end: !text.ends_with('\n'),
    };
    let close = |sections: &mut Vec<Section>, open: &mut Vec<Field>| {
        if open.is_empty() {
            return;
        }
        if let Some(s) = sections.last_mut() {
            s.records.push(std::mem::take(open));
        }
    };
    let mut ended = false;
    for (i, raw) in lines.iter().enumerate() {
        let n = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            close(&mut sections, &mut open);
            continue;
        }
        if let Some((role, label, value)) = field(l) {
            if open.iter().any(|f| f.role == role) {
                close(&mut sections, &mut open);
            }
            open.push(Field {
                role,
                label,
                value: Piece::new(value, n),
            });
            continue;
        }
        let has_records = sections.last().is_some_and(|s| !s.records.is_empty());
        if is_project_label(l) && (has_records || !open.is_empty()) {
            close(&mut sections, &mut open);
            sections.push(Section::default());
        }
        if is_table_end(l) && (has_records || !open.is_empty()) {
            ended = true;
            break;
        }
        // The wrapped tail of the field above, unless the next line opens
        // another record (a field the record already holds): then this line
        // is that record's number.
        let tail = open.last().is_some_and(|_| {
            let next = lines
                .iter()
                .skip(i + 1)
                .map(|x| x.trim())
                .take_while(|x| !x.is_empty())
                .next()
                .and_then(field);
            !next.is_some_and(|(r, _, _)| open.iter().any(|f| f.role == r))
        });
        if tail && !is_head_label(label_part(l)) {
            if let Some(last) = open.last_mut() {
                last.value.text.push_str(l);
            }
            continue;
        }
        close(&mut sections, &mut open);
        // A key-value head line before the records of its project.
        if let Some(s) = sections.last_mut()
            && s.records.is_empty()
        {
            if let Some((label, value)) = split_label(l)
                && is_head_label(label)
            {
                s.head
                    .push(vec![Piece::new(label, n), Piece::new(value, n)]);
            } else if is_head_label(l) || (is_page_furniture(l) && l.contains(['：', ':'])) {
                s.head.push(vec![Piece::new(l, n)]);
            }
        }
    }
    if !ended {
        close(&mut sections, &mut open);
    }
    sections
        .iter()
        .filter_map(|s| section_table(source, s, cut))
        .collect()
}

fn label_part(l: &str) -> &str {
    split_label(l).map_or(l, |(a, _)| a)
}

/// One project's grid: its head rows, the records' labels as the head row,
/// a row per record.
fn section_table(source: &str, s: &Section, cut: Cut) -> Option<TextTable> {
    // Records that are indicators: a name and a target value (a cut record
    // may lack its value).
    let records: Vec<&Vec<Field>> = s
        .records
        .iter()
        .filter(|r| r.iter().any(|f| f.role == Role::Name))
        .collect();
    let complete = records
        .iter()
        .filter(|r| r.iter().any(|f| is_value(f.role)))
        .count();
    if complete == 0 {
        return None;
    }
    // The columns: each role once, in the order first printed.
    let mut cols: Vec<(Role, String)> = Vec::new();
    for f in records.iter().copied().flatten() {
        if !cols.iter().any(|(r, _)| *r == f.role) {
            cols.push((f.role, f.label.clone()));
        }
    }
    let mut t = TextTable::new(source, GridSource::CellLines);
    for h in &s.head {
        push(&mut t.grid, 0, h);
    }
    let first = records
        .first()
        .and_then(|r| r.first())
        .map_or(0, |f| f.value.line);
    let heads: Vec<Piece> = cols
        .iter()
        .map(|(_, label)| Piece::new(label.as_str(), first))
        .collect();
    push(&mut t.grid, 0, &heads);
    let last_index = records.len().saturating_sub(1);
    for (k, r) in records.iter().enumerate() {
        let line = r.first().map_or(0, |f| f.value.line);
        let end = r.last().map_or(0, |f| f.value.line);
        // Roles every other record of the section has.
        let lacks = cols.iter().any(|(role, _)| {
            !r.iter().any(|f| f.role == *role)
                && records
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .all(|(_, o)| o.iter().any(|f| f.role == *role))
                && records.len() > 1
        });
        let cut_here = k == last_index && end == cut.last_line && (cut.open_end || lacks);
        if cut_here {
            let text: Vec<String> = r
                .iter()
                .map(|f| format!("{}:{}", f.label, f.value.text))
                .collect();
            t.rejects.push((
                line,
                text.join(" "),
                "the text ends inside this row (an excerpt cut short)".into(),
            ));
            continue;
        }
        let cells: Vec<Piece> = cols
            .iter()
            .map(|(role, _)| {
                r.iter()
                    .find(|f| f.role == *role)
                    .map_or_else(|| Piece::new("", line), |f| f.value.clone())
            })
            .collect();
        push(&mut t.grid, 0, &cells);
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::excel::read_grid;

    #[test]
    fn records_of_fields_after_a_head_two_projects() {
        let text = "昆明市某局2023年项目支出绩效目标公开\n\
项目名称：农村饮水安全巩固提升\n\
主管部门：某市水务局\n\
\n\
第1项\n\
一级指标：产出指标\n\
二级指标：数量指标\n\
指标名称：新建集中供水工程\n\
实施周期指标值：≥40处\n\
年度指标值：≥12处\n\
权重：10\n\
第2项\n\
一级指标：效益指标\n\
二级指标：社会效益指标\n\
指标名称：受益农村人口\n\
实施周期指标值：≥6万人\n\
年度指标值：≥2万人\n\
权重：10\n\
\n\
项目名称：水库移民后期扶持\n\
主管部门：某市水务局\n\
第1项\n\
一级指标：满意度指标\n\
二级指标：服务对象满意度指标\n\
指标名称：移民群众满意度\n\
年度指标值：≥85%\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 2);
        let doc = read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "农村饮水安全巩固提升");
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(p.indicators[0].level, "产出指标");
        assert_eq!(p.indicators[0].category, "数量指标");
        assert_eq!(p.indicators[0].name, "新建集中供水工程");
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("≥12处"));
        assert_eq!(p.indicators[0].cycle_value.as_deref(), Some("≥40处"));
        assert_eq!(p.indicators[1].name, "受益农村人口");
        let doc = read_grid(&t[1].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.name, "水库移民后期扶持");
        assert_eq!(p.indicators.len(), 1);
        assert_eq!(p.indicators[0].annual_value.as_deref(), Some("≥85%"));
    }

    #[test]
    fn a_text_cut_inside_its_last_record() {
        // Cut before the value, with a line end.
        let text = "项目名称：森林防火\n\
一级指标：产出指标\n\
二级指标：时效指标\n\
三级指标：火情处置时限\n\
指标值：≤2小时\n\
\n\
一级指标：效益指标\n\
二级指标：生态效益指标\n\
三级指标：森林覆盖\n";
        let t = tables("t.txt", text);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].rejects.len(), 1);
        assert!(t[0].rejects[0].2.contains("ends inside"));
        assert_eq!(t[0].rejects[0].0, 7);
        let doc = read_grid(&t[0].grid).unwrap().doc;
        assert_eq!(doc.indicator_count(), 1);
        // Cut inside the value: no line end after it.
        let text = "项目名称：森林防火\n\
一级指标：产出指标\n\
二级指标：时效指标\n\
三级指标：火情处置时限\n\
指标值：≤2小时\n\
\n\
一级指标：满意度指标\n\
二级指标：服务对象满意度指标\n\
三级指标：林农满意度\n\
指标值：≥8";
        let t = tables("t.txt", text);
        assert_eq!(t[0].rejects.len(), 1);
        let doc = read_grid(&t[0].grid).unwrap().doc;
        assert_eq!(doc.indicator_count(), 1);
    }

    #[test]
    fn a_wrapped_value_joins_its_field() {
        let text = "项目名称：城市照明维护\n\
一级指标：产出指标\n\
二级指标：质量指标\n\
三级指标：路灯亮灯率\n\
指标值：主干道≥98%，\n\
次干道≥95%\n\
\n\
一级指标：产出指标\n\
二级指标：数量指标\n\
三级指标：维护路灯\n\
指标值：≥1.2万盏\n";
        let t = tables("t.txt", text);
        let doc = read_grid(&t[0].grid).unwrap().doc;
        let (_, p) = doc.projects().next().unwrap();
        assert_eq!(p.indicators.len(), 2);
        assert_eq!(
            p.indicators[0].annual_value.as_deref(),
            Some("主干道≥98%,次干道≥95%")
        );
    }

    #[test]
    fn a_head_alone_is_no_table() {
        let text = "项目名称：某项目\n主管部门：某局\n年度绩效目标：完成任务。\n";
        assert!(tables("t.txt", text).is_empty());
    }
}

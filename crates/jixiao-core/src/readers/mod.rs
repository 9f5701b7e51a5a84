//! The registry of text readers: the seed's layout first (the fast path,
//! [`crate::ingest::text::parse`]), then the readers of the other flattenings,
//! each of which builds grids ([`crate::textgrid`]) and reads them with the
//! long-table reader that workbooks use ([`crate::ingest::excel::read_grid`]).

use crate::ingest::excel::read_grid;
use crate::ingest::text::{self, TextOptions};
use crate::model::{Document, Position, Reject, RejectKind};
use crate::reader::{Fit, Input, Reader};
use crate::textgrid::{self, TextTable};
use crate::vocab;

/// Largest text the grid readers look at: web pages and excerpts are small;
/// a bigger file is the seed's layout or nothing.
pub const MAX_GRID_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// The seed's layout (Guangzhou's 项目支出绩效目标表 as PDF text).
pub struct SeedText;

impl Reader for SeedText {
    fn name(&self) -> &'static str {
        "seed-text"
    }

    fn fits(&self, input: &Input<'_>) -> Option<Fit> {
        let Input::Text { source, text } = input else {
            return None;
        };
        let doc = text::parse(source, text, &TextOptions::default());
        let n = doc.indicator_count();
        (n > 0).then(|| Fit::new(90, format!("{n} numbered indicators in the seed's layout")))
    }

    fn read(&self, input: &Input<'_>) -> Vec<Document> {
        let Input::Text { source, text } = input else {
            return Vec::new();
        };
        let mut doc = text::parse(source, text, &TextOptions::default());
        doc.reader = Some(self.name().into());
        vec![doc]
    }
}

/// A reader that builds grids from a text flattening and reads them.
pub struct TextGrid {
    name: &'static str,
    why: &'static str,
    build: fn(&str, &str) -> Vec<TextTable>,
}

impl TextGrid {
    /// The tables this reader finds in a text, none for an evaluation table.
    pub fn tables(&self, source: &str, text: &str) -> Vec<TextTable> {
        if text.len() > MAX_GRID_TEXT_BYTES || textgrid::is_evaluation_document(text) {
            return Vec::new();
        }
        (self.build)(source, text)
    }

    fn documents(&self, source: &str, text: &str) -> Vec<Document> {
        let title = textgrid::title_of(text);
        self.tables(source, text)
            .into_iter()
            .filter_map(|t| {
                let mut doc = read_grid(&t.grid).ok()?.doc;
                drop_misplaced(&mut doc, source);
                for (line, text, reason) in t.rejects {
                    let kind = if reason.contains("ends inside") {
                        RejectKind::Truncated
                    } else {
                        RejectKind::Indicator
                    };
                    doc.rejects.push(Reject {
                        source: source.to_string(),
                        line,
                        text,
                        reason,
                        kind,
                        pos: Position::Line(line),
                    });
                }
                if doc.title.is_none() {
                    doc.title.clone_from(&title);
                }
                // Indicators with no project frame, under a title that
                // names the project: that project.
                if let Some(named) = doc.title.as_deref().and_then(vocab::project_in_title) {
                    for p in doc.units.iter_mut().flat_map(|u| u.projects.iter_mut()) {
                        if p.name.is_empty() && !p.indicators.is_empty() {
                            p.name.clone_from(&named);
                        }
                    }
                }
                doc.reader = Some(self.name.to_string());
                Some(doc)
            })
            .collect()
    }
}

/// Why an indicator a grid reader read cannot be a row of the table: its
/// name or value cell holds what only another column holds (a direction,
/// a column head), or a lone character (a wrapped cell's
/// tail). A text whose cells lost their order (plain `pdftotext` of a ruled
/// table prints a column's cells apart from their rows) gives such rows;
/// they are rejects, never data.
fn misplaced(i: &crate::model::Indicator) -> Option<&'static str> {
    let name = i.name.trim();
    let value = i.annual_value.as_deref().unwrap_or("").trim();
    if vocab::direction(name).is_some() || vocab::direction(value).is_some() {
        return Some(
            "a direction (正向/反向指标) in the name or value cell: the row's cells are out of place",
        );
    }
    // A name may begin like a head (`绩效目标合理性`) or repeat its
    // category (`服务对象满意度`): only the value is checked for heads.
    if textgrid::role(value).is_some() {
        return Some("a column head in the value cell: the row's cells are out of place");
    }
    // A category under a level the framework does not put it under (时效
    // under 满意度): a level carried down past its group.
    if let (Some(l), Some(c)) = (vocab::level(&i.level), vocab::category(&i.category)) {
        let cost = c.name == "成本指标" && l == vocab::Level::Cost;
        if !cost && vocab::framework(&i.level, &i.category).1.is_none() {
            return Some(
                "a category the framework does not put under this level: the row's cells are out of place",
            );
        }
    }
    // `新建公办幼儿园数≥100所` / `量`: the value sits in the name and a
    // wrapped name's last character in the value cell.
    let target_in_name = ["≥", "≤", ">=", "<=", "≧", "≦"].iter().any(|op| {
        name.split(op)
            .skip(1)
            .any(|r| r.trim_start().starts_with(|c: char| c.is_ascii_digit()))
    });
    if target_in_name && value.chars().count() == 1 && !value.chars().any(|c| c.is_ascii_digit()) {
        return Some(
            "a target inside the name and one character in the value cell: the row's cells are out of place",
        );
    }
    if name.chars().count() < 2 {
        return Some(
            "a one-character name, the tail of a wrapped cell: the row's cells are out of place",
        );
    }
    None
}

/// Moves the misplaced indicators of a document to its rejects.
fn drop_misplaced(doc: &mut Document, source: &str) {
    let mut rejects = Vec::new();
    for u in &mut doc.units {
        for p in &mut u.projects {
            p.indicators.retain(|i| match misplaced(i) {
                Some(reason) => {
                    rejects.push(Reject {
                        source: source.to_string(),
                        line: i.line,
                        text: format!(
                            "{} {} {} {}",
                            i.level,
                            i.category,
                            i.name,
                            i.annual_value.as_deref().unwrap_or("")
                        )
                        .trim()
                        .to_string(),
                        reason: reason.to_string(),
                        kind: RejectKind::Indicator,
                        pos: i.pos.clone(),
                    });
                    false
                }
                None => true,
            });
        }
    }
    doc.rejects.extend(rejects);
}

impl Reader for TextGrid {
    fn name(&self) -> &'static str {
        self.name
    }

    fn fits(&self, input: &Input<'_>) -> Option<Fit> {
        let Input::Text { source, text } = input else {
            return None;
        };
        let n: usize = self
            .documents(source, text)
            .iter()
            .map(Document::indicator_count)
            .sum();
        // More indicators read is the better fit; below the seed's layout.
        (n > 0).then(|| {
            Fit::new(
                u8::try_from(n.min(80)).unwrap_or(80),
                format!("{n} indicators in {}", self.why),
            )
        })
    }

    fn read(&self, input: &Input<'_>) -> Vec<Document> {
        let Input::Text { source, text } = input else {
            return Vec::new();
        };
        self.documents(source, text)
    }
}

static SEED: SeedText = SeedText;
static PIPE: TextGrid = TextGrid {
    name: "pipe-text",
    why: "a pipe table (| a | b |)",
    build: textgrid::pipe::tables,
};
static CELLS: TextGrid = TextGrid {
    name: "cell-lines",
    why: "one cell per line",
    build: textgrid::cells::tables,
};
static SPACED: TextGrid = TextGrid {
    name: "spaced-text",
    why: "space-separated rows",
    build: textgrid::spaced::tables,
};
static GLUED: TextGrid = TextGrid {
    name: "glued-text",
    why: "cells run together",
    build: textgrid::glued::tables,
};
static PROSE: TextGrid = TextGrid {
    name: "prose",
    why: "prose sections (一、产出指标 …)",
    build: textgrid::glued::prose,
};

static LAYOUT: TextGrid = TextGrid {
    name: "layout-text",
    why: "columns at fixed offsets, cells wrapped over lines (pdftotext -layout)",
    build: textgrid::layout::tables,
};

static BOXED: TextGrid = TextGrid {
    name: "ruled-text",
    why: "a table ruled with box-drawing or +---+ lines",
    build: textgrid::boxed::tables,
};

static DELIMITED: TextGrid = TextGrid {
    name: "delimited-text",
    why: "comma- or tab-separated fields (CSV, cells pasted from a sheet)",
    build: textgrid::delimited::tables,
};

static PIVOT: TextGrid = TextGrid {
    name: "pivot-text",
    why: "indicators as column heads, one row per unit",
    build: textgrid::pivot::tables,
};

static FIELDS: TextGrid = TextGrid {
    name: "field-lines",
    why: "one `label：value` field per line, a record per indicator",
    build: textgrid::fields::tables,
};

static SEPARATED: TextGrid = TextGrid {
    name: "separated-text",
    why: "rows and cells split by other characters than line breaks and `|` (tabs inside `|` rows, rows run together on one line)",
    build: textgrid::separated::tables,
};

static INDENT: TextGrid = TextGrid {
    name: "indented-text",
    why: "levels, categories and `name  value` lines told apart by indentation",
    build: textgrid::indent::tables,
};

static TEXT_READERS: [&dyn Reader; 13] = [
    &SEED, &BOXED, &DELIMITED, &PIPE, &CELLS, &SPACED, &GLUED, &PROSE, &PIVOT, &LAYOUT, &FIELDS,
    &INDENT, &SEPARATED,
];
static GRID_READERS: [&TextGrid; 12] = [
    &BOXED, &DELIMITED, &PIPE, &CELLS, &SPACED, &GLUED, &PROSE, &PIVOT, &LAYOUT, &FIELDS, &INDENT,
    &SEPARATED,
];

/// The text readers, the seed's layout first.
pub fn text_readers() -> &'static [&'static dyn Reader] {
    &TEXT_READERS
}

/// What the grid readers make of a text that the seed's layout did not fit.
#[derive(Debug)]
pub enum GridReading {
    /// The documents of the reader that placed the most indicators, merged
    /// into one (units appended).
    Read(Document),
    /// Rows found but none placed: the reader that rejected the most rows,
    /// how many, and its first reject by line (a refusal should say so, not
    /// "no rows found").
    Unplaced {
        rows: usize,
        reader: &'static str,
        first: Reject,
    },
    /// No reader found a row.
    Nothing,
}

/// Reads a text with the grid reader that fits it best (see [`choose`]).
pub fn read_text_grids(source: &str, text: &str) -> GridReading {
    match choose(source, text) {
        Choice {
            placed: Some((_, docs)),
            ..
        } => GridReading::Read(merge(docs)),
        Choice {
            unplaced: Some((rows, reader, first)),
            ..
        } => GridReading::Unplaced {
            rows,
            reader,
            first,
        },
        _ => GridReading::Nothing,
    }
}

/// The grid readers' verdict on a text, from one pass over them.
struct Choice {
    /// The reader that placed the most indicators, with its documents.
    placed: Option<(&'static TextGrid, Vec<Document>)>,
    /// Among readers that placed none, the one that rejected the most rows.
    unplaced: Option<(usize, &'static str, Reject)>,
}

/// The one place that decides which grid reader reads a text, for reading
/// and for `inspect --grid` alike: a column layout's own reader when it
/// places any row (its rows span several lines, which other readers would
/// count as rows), else the reader that places the most indicators (the
/// earlier on a tie).
fn choose(source: &str, text: &str) -> Choice {
    // Walls and rules drawn in the text place cells better than offsets do.
    if textgrid::layout::is_layout(text) && !textgrid::boxed::is_boxed(text) {
        let docs = LAYOUT.documents(source, text);
        if docs.iter().map(Document::indicator_count).sum::<usize>() > 0 {
            return Choice {
                placed: Some((&LAYOUT, docs)),
                unplaced: None,
            };
        }
    }
    let mut placed: Option<(usize, &'static TextGrid, Vec<Document>)> = None;
    let mut unplaced: Option<(usize, &'static str, Reject)> = None;
    for r in GRID_READERS {
        let docs = r.documents(source, text);
        let n: usize = docs.iter().map(Document::indicator_count).sum();
        if n > 0 {
            if placed.as_ref().is_none_or(|(b, _, _)| n > *b) {
                placed = Some((n, r, docs));
            }
            continue;
        }
        let rejects = docs.iter().map(|d| d.rejects.len()).sum::<usize>();
        let first = docs.iter().flat_map(|d| &d.rejects).min_by_key(|x| x.line);
        if let Some(first) = first
            && unplaced.as_ref().is_none_or(|b| rejects > b.0)
        {
            unplaced = Some((rejects, r.name, first.clone()));
        }
    }
    Choice {
        placed: placed.map(|(_, r, docs)| (r, docs)),
        unplaced,
    }
}

/// Several tables of one file as one document: the first's head, every
/// table's units, rejects and warnings.
fn merge(docs: Vec<Document>) -> Document {
    let mut it = docs.into_iter();
    let Some(mut doc) = it.next() else {
        return Document::new("");
    };
    for d in it {
        doc.units.extend(d.units);
        doc.rejects.extend(d.rejects);
        doc.warnings.extend(d.warnings);
        doc.title = doc.title.or(d.title);
        doc.department = doc.department.or(d.department);
    }
    doc
}

/// The grids the best grid reader builds from a text, as `Grid::render`
/// prints them (what `inspect --grid` shows); `None` when no reader builds one.
pub fn inspect_grid(source: &str, text: &str) -> Option<String> {
    let (r, _) = choose(source, text).placed?;
    let out: Vec<String> = r
        .tables(source, text)
        .iter()
        .map(|t| {
            format!(
                "reader: {}\n{}{}",
                r.name,
                roles_line(&t.grid),
                t.grid.render()
            )
        })
        .collect();
    Some(out.join("\n"))
}

/// `columns (head at row N): c0 一级指标 | c1 二级指标 | …`: the role the
/// readers give each column of a grid, so a user sees why a table was read
/// as it was; empty when no head is found.
pub fn roles_line(g: &crate::grid::Grid) -> String {
    match crate::ingest::excel::column_roles(g) {
        Some((first, cols)) => {
            let cols: Vec<String> = cols.iter().map(|(c, l)| format!("c{c} {l}")).collect();
            format!("columns (head at row {first}): {}\n", cols.join(" | "))
        }
        None => String::new(),
    }
}

/// What a reader's name means, for `inspect`'s `layout:` line and the run
/// summary: the layout it reads.
pub fn describe(reader: &str) -> &'static str {
    match reader {
        "seed-text" => {
            "numbered indicator lists inside each project's block, as Guangzhou prints them"
        }
        "wide-grid" => "one row per project, its indicators listed inside one cell",
        "long-grid" => "one indicator a row under 一级/二级/三级 column heads",
        _ => GRID_READERS
            .iter()
            .find(|r| r.name == reader)
            .map_or("", |r| r.why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Indicator;

    fn ind(level: &str, category: &str, name: &str, value: &str) -> Indicator {
        Indicator {
            level: level.into(),
            category: category.into(),
            name: name.into(),
            annual_value: Some(value.into()),
            ..Indicator::default()
        }
    }

    #[test]
    fn rows_out_of_place_are_told_apart() {
        // Rows read from plain pdftotext of guangxi_shuili_2023 and
        // henan_jiaoyu_2022 (tests/fixtures/pdftext/raw/*_plain.txt).
        assert!(misplaced(&ind("成本指标", "经济成本指标", "反向指标", "")).is_some());
        assert!(
            misplaced(&ind(
                "成本指标",
                "经济成本指标",
                "单处工程维修养护补助标准≤8万元",
                "指标方向"
            ))
            .is_some()
        );
        assert!(
            misplaced(&ind(
                "满意度指标",
                "时效指标",
                "维修养护任务完成时间",
                "2023年12月"
            ))
            .is_some()
        );
        assert!(misplaced(&ind("满意度指标", "可持续影响指标", "标", "")).is_some());
        assert!(
            misplaced(&ind(
                "产出指标",
                "数量指标",
                "新建、改扩建公办幼儿园数≥100所",
                "量"
            ))
            .is_some()
        );
        // Real rows (realdocs and holdout truths).
        assert!(misplaced(&ind("满意度", "服务对象满意度", "服务对象满意度", "≥90%")).is_none());
        assert!(misplaced(&ind("决策", "绩效目标", "绩效目标合理性", "合理")).is_none());
        assert!(
            misplaced(&ind(
                "效益指标",
                "社会公众或服务对象满意度指标",
                "群众满意度",
                "≥90%"
            ))
            .is_none()
        );
        assert!(misplaced(&ind("成本指标", "成本指标", "项目建设成本", "≤65万元")).is_none());
        assert!(
            misplaced(&ind(
                "产出指标",
                "质量指标",
                "*贫困地区旅游基础设施建设质量达标率100%",
                ">=98%"
            ))
            .is_none()
        );
    }
}

//! The document model: what a performance-target table says, independent of
//! where it came from (PDF text, a workbook) and of where it goes.

use rust_decimal::Decimal;
use serde::Serialize;

/// The money unit printed in the table head (`单位：万元`). Output is always in 万元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MoneyUnit {
    /// 万元, ten thousand yuan: the unit of the output.
    Wanyuan,
    /// 元: converted exactly to 万元 (divided by 10,000, no rounding).
    Yuan,
}

impl MoneyUnit {
    /// Converts an amount in this unit to 万元, exactly.
    pub fn to_wanyuan(self, v: Decimal) -> Decimal {
        match self {
            MoneyUnit::Wanyuan => v,
            // Dividing by 10^4 only shifts the scale: exact for every Decimal we parse.
            MoneyUnit::Yuan => {
                let mut d = v;
                match d.set_scale(v.scale() + 4) {
                    Ok(()) => d,
                    Err(_) => v / Decimal::from(10_000),
                }
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Wanyuan => "万元",
            MoneyUnit::Yuan => "元",
        }
    }
}

/// The four amount columns of a row. `total` is 总计; the sources are 财政拨款,
/// 财政专户拨款 and 其他资金. A source is `None` when the document leaves it empty
/// or when its position could not be decided (see [`Amounts::note`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Amounts {
    pub total: Option<Decimal>,
    pub fiscal: Option<Decimal>,
    pub special: Option<Decimal>,
    pub other: Option<Decimal>,
    /// Why the source columns are not all known, when they are not.
    pub note: Option<String>,
}

impl Amounts {
    /// Sum of the source columns that are known.
    pub fn sources_sum(&self) -> Decimal {
        [self.fiscal, self.special, self.other]
            .iter()
            .flatten()
            .copied()
            .sum()
    }

    /// True when every source column is known (possibly empty = zero).
    pub fn sources_known(&self) -> bool {
        self.note.is_none()
    }
}

/// A place in an input: a text line or a sheet cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The input's file name (as given, not canonicalised).
    pub source: String,
    /// 1-based line (text) or row (sheet).
    pub line: usize,
    /// For workbooks: `Sheet1!C7`.
    pub cell: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cell {
            Some(c) => write!(f, "{}:{}", self.source, c),
            None => write!(f, "{}:{}", self.source, self.line),
        }
    }
}

/// Where something sits in its input: a text line, a workbook cell, or a box on
/// a PDF page. Every indicator, project, reject and warning carries one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub enum Position {
    /// Not known (built in memory, or a whole-file fault).
    #[default]
    Unknown,
    /// A 1-based line of a text input.
    Line(usize),
    /// A workbook cell: sheet name, 1-based row, 0-based column.
    Cell { sheet: String, row: u32, col: u32 },
    /// A 1-based PDF page and a box on it in whole points from the top-left
    /// corner: x0, top, x1, bottom.
    Pdf { page: u32, bbox: [u32; 4] },
}

impl Position {
    /// The line (text), row (workbook) or page (PDF) number; 0 when unknown.
    pub fn line(&self) -> usize {
        match self {
            Position::Unknown => 0,
            Position::Line(l) => *l,
            Position::Cell { row, .. } => *row as usize,
            Position::Pdf { page, .. } => *page as usize,
        }
    }

    pub fn sheet(&self) -> Option<&str> {
        match self {
            Position::Cell { sheet, .. } => Some(sheet),
            _ => None,
        }
    }

    /// The cell's address, `C7`.
    pub fn cell(&self) -> Option<String> {
        match self {
            Position::Cell { row, col, .. } => Some(format!("{}{}", column_name(*col), row)),
            _ => None,
        }
    }

    pub fn page(&self) -> Option<u32> {
        match self {
            Position::Pdf { page, .. } => Some(*page),
            _ => None,
        }
    }

    /// The PDF box as `x0,top,x1,bottom` in points.
    pub fn bbox(&self) -> Option<String> {
        match self {
            Position::Pdf {
                bbox: [a, b, c, d], ..
            } => Some(format!("{a},{b},{c},{d}")),
            _ => None,
        }
    }
}

impl std::fmt::Display for Position {
    /// `line 12`, `Sheet1!C7`, `page 3 (72,100,300,118)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Unknown => Ok(()),
            Position::Line(l) => write!(f, "line {l}"),
            Position::Cell { sheet, row, col } => write!(f, "{sheet}!{}{row}", column_name(*col)),
            Position::Pdf {
                page,
                bbox: [a, b, c, d],
            } => write!(f, "page {page} ({a},{b},{c},{d})"),
        }
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(char::from(b'A' + r));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// One performance indicator (绩效指标).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Indicator {
    /// Order within the project (the number before `、`).
    pub seq: u32,
    pub level_code: Option<String>,
    /// 一级指标, e.g. 产出指标.
    pub level: String,
    pub category_code: Option<String>,
    /// 二级指标, e.g. 数量指标.
    pub category: String,
    /// 三级指标: the indicator's name.
    pub name: String,
    /// 实施周期指标值 (or 长期指标值), if the table has one.
    pub cycle_value: Option<String>,
    /// 年度指标值 (or the single 指标值; 全年 beside 半年).
    pub annual_value: Option<String>,
    /// 指标值类型 as printed (定量/定性); see [`Indicator::value_kind`].
    pub value_kind: Option<String>,
    /// 指标方向 (正向/反向), where the table prints one.
    pub direction: Option<String>,
    /// 权重 or 分值.
    pub weight: Option<Decimal>,
    /// 1-based line (text), row (workbook) or page (PDF) where the indicator starts.
    pub line: usize,
    /// Where the indicator starts, in full.
    pub pos: Position,
}

impl Indicator {
    /// The parsed target of the annual value, or of the only value printed.
    pub fn target(&self) -> Option<crate::target::Target> {
        self.annual_value
            .as_deref()
            .or(self.cycle_value.as_deref())
            .and_then(crate::target::parse_target)
    }

    /// 定量/定性 as printed, else 定量 when the target parsed as a number.
    pub fn value_kind(&self) -> Option<String> {
        self.value_kind_with(self.target().as_ref())
            .map(str::to_string)
    }

    /// [`Indicator::value_kind`] given the indicator's [`Indicator::target`],
    /// for a caller that has parsed it already.
    pub fn value_kind_with(&self, target: Option<&crate::target::Target>) -> Option<&str> {
        match &self.value_kind {
            Some(k) => Some(k),
            None => matches!(target, Some(crate::target::Target::Number { .. })).then_some("定量"),
        }
    }
}

/// A project (项目) with its money, goal and indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Project {
    pub name: String,
    pub amounts: Amounts,
    /// 绩效目标, lines joined.
    pub goal: String,
    pub indicators: Vec<Indicator>,
    /// 1-based line of the project's first name line.
    pub line: usize,
}

/// A fund-using unit (资金使用单位) and its projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub name: String,
    /// `None` for the implicit unit of a table that lists projects without unit rows.
    pub amounts: Option<Amounts>,
    pub projects: Vec<Project>,
    pub line: usize,
}

/// A piece of input the parser could not place. Never dropped: it is reported
/// and written to the rejects output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    pub source: String,
    pub line: usize,
    pub text: String,
    pub reason: String,
    pub kind: RejectKind,
    pub pos: Position,
}

/// What kind of thing could not be placed: lets a user filter rejects
/// without parsing their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum RejectKind {
    /// A line or cell that fits no part of the table.
    #[default]
    Unplaced,
    /// An indicator whose fields do not parse.
    Indicator,
    /// An amount that is not a number, or whose column cannot be decided.
    Amount,
    /// The input ends inside a row.
    Truncated,
    /// A cell with content outside the recognised table.
    OutsideTable,
    /// A whole file that could not be read or holds no target table.
    File,
    /// A document that repeats another one.
    Duplicate,
}

impl RejectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::Unplaced => "unplaced",
            RejectKind::Indicator => "indicator",
            RejectKind::Amount => "amount",
            RejectKind::Truncated => "truncated",
            RejectKind::OutsideTable => "outside-table",
            RejectKind::File => "file",
            RejectKind::Duplicate => "duplicate",
        }
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum WarningKind {
    /// A parser's remark: text it kept aside, a guess it did not make.
    #[default]
    Parse,
    /// A sum that does not reconcile.
    Sum,
    /// Amount columns that could not be told apart.
    Amounts,
    /// A document that repeats another.
    Duplicate,
}

impl WarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Parse => "parse",
            WarningKind::Sum => "sum",
            WarningKind::Amounts => "amounts",
            WarningKind::Duplicate => "duplicate",
        }
    }
}

/// Something worth a reader's attention that does not stop the data from being used
/// (a sum that does not reconcile, an ambiguous amount column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub source: String,
    pub line: usize,
    pub message: String,
    pub kind: WarningKind,
    pub pos: Position,
}

/// One parsed performance-target table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The input file name, as given.
    pub source: String,
    /// The encoding the text was decoded from (`UTF-8`, `GB18030`, …).
    pub encoding: String,
    pub title: Option<String>,
    /// 部门名称.
    pub department: Option<String>,
    pub money_unit: MoneyUnit,
    /// The budget year: not printed in the seed's layout; set from the command
    /// line, the pipeline, or the file name.
    pub year: Option<i32>,
    /// The 合计 row.
    pub grand_total: Option<Amounts>,
    pub grand_total_line: Option<usize>,
    pub units: Vec<Unit>,
    pub rejects: Vec<Reject>,
    pub warnings: Vec<Warning>,
    /// The reader that read the document (`seed-text`, `pipe-grid`, …), where known.
    pub reader: Option<String>,
}

impl Document {
    pub fn new(source: impl Into<String>) -> Self {
        Document {
            source: source.into(),
            encoding: "UTF-8".into(),
            title: None,
            department: None,
            money_unit: MoneyUnit::Wanyuan,
            year: None,
            grand_total: None,
            grand_total_line: None,
            units: Vec::new(),
            rejects: Vec::new(),
            warnings: Vec::new(),
            reader: None,
        }
    }

    pub fn projects(&self) -> impl Iterator<Item = (&Unit, &Project)> {
        self.units
            .iter()
            .flat_map(|u| u.projects.iter().map(move |p| (u, p)))
    }

    pub fn project_count(&self) -> usize {
        self.units.iter().map(|u| u.projects.len()).sum()
    }

    pub fn indicator_count(&self) -> usize {
        self.projects().map(|(_, p)| p.indicators.len()).sum()
    }

    pub fn reject(&mut self, line: usize, text: impl Into<String>, reason: impl Into<String>) {
        self.rejects.push(Reject {
            source: self.source.clone(),
            line,
            text: text.into(),
            reason: reason.into(),
            kind: RejectKind::Unplaced,
            pos: Position::Line(line),
        });
    }

    pub fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warn_as(WarningKind::Parse, line, message);
    }

    /// A remark of the given kind (a row whose figures do not add up is a
    /// `Sum`: the check stage's `reconcile` judges it, not `warnings`).
    pub fn warn_as(&mut self, kind: WarningKind, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            source: self.source.clone(),
            line,
            message: message.into(),
            kind,
            pos: Position::Line(line),
        });
    }
}

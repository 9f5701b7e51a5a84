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
    pub total: Decimal,
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

/// One performance indicator (绩效指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// 年度指标值 (or the single 指标值).
    pub annual_value: Option<String>,
    /// 1-based line where the indicator starts.
    pub line: usize,
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
}

/// Something worth a reader's attention that does not stop the data from being used
/// (a sum that does not reconcile, an ambiguous amount column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub source: String,
    pub line: usize,
    pub message: String,
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

    pub(crate) fn reject(
        &mut self,
        line: usize,
        text: impl Into<String>,
        reason: impl Into<String>,
    ) {
        self.rejects.push(Reject {
            source: self.source.clone(),
            line,
            text: text.into(),
            reason: reason.into(),
        });
    }

    pub(crate) fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            source: self.source.clone(),
            line,
            message: message.into(),
        });
    }
}

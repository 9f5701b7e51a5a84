//! Flatten: documents to the canonical tables, one row per indicator
//! (`indicators`) and one per project (`projects`), as polars `DataFrame`s.

use polars::prelude::*;
use rust_decimal::Decimal;

use crate::model::{Amounts, Document, Reject, Warning};
use crate::schema::{INDICATOR_COLUMNS, PROJECT_COLUMNS, REJECT_COLUMNS, WARNING_COLUMNS};
use jixiao_core::target::Target;

/// Builds a Decimal column exactly: scale is the largest scale among the values
/// (at least 2, cents); precision 18 (stored as INT64 in Parquet) unless a value
/// needs more.
pub fn decimal_column(name: &str, values: &[Option<Decimal>]) -> PolarsResult<Column> {
    let runs: Vec<(Option<Decimal>, usize)> = values.iter().map(|v| (*v, 1)).collect();
    decimal_column_runs(name, &runs)
}

/// A Decimal column of figures that are not money (a target's number, a
/// weight): scale as printed, no cents added.
fn exact_decimal_column(name: &str, values: &[Option<Decimal>]) -> PolarsResult<Column> {
    let runs: Vec<(Option<Decimal>, usize)> = values.iter().map(|v| (*v, 1)).collect();
    decimal_column_scaled(name, &runs, 0)
}

/// [`decimal_column`] of values given as runs (`(value, rows)`): a project's
/// amounts repeat on each of its indicators, and are converted once.
pub fn decimal_column_runs(name: &str, runs: &[(Option<Decimal>, usize)]) -> PolarsResult<Column> {
    decimal_column_scaled(name, runs, 2)
}

fn decimal_column_scaled(
    name: &str,
    runs: &[(Option<Decimal>, usize)],
    min_scale: u32,
) -> PolarsResult<Column> {
    let scale = runs
        .iter()
        .filter_map(|(v, _)| v.as_ref())
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(0)
        .max(min_scale);
    let mut max_abs: u128 = 0;
    let mut mantissas = Vec::with_capacity(runs.iter().map(|(_, n)| n).sum());
    for (v, n) in runs {
        let m = match v {
            Some(d) => {
                let m = rescale(*d, scale).ok_or_else(|| {
                    polars_err!(ComputeError: "{name}: {d} does not fit a decimal of scale {scale}")
                })?;
                max_abs = max_abs.max(m.unsigned_abs());
                Some(m)
            }
            None => None,
        };
        mantissas.extend(std::iter::repeat_n(m, *n));
    }
    let precision = if max_abs < 10u128.pow(18) { 18 } else { 38 };
    let ca = Int128Chunked::from_iter_options(name.into(), mantissas.into_iter());
    Ok(ca
        .into_decimal(precision, scale as usize)?
        .into_series()
        .into_column())
}

/// The mantissa of `d` at `scale` (`42.5`, 2 → `4250`), if it fits exactly.
fn rescale(d: Decimal, scale: u32) -> Option<i128> {
    let d = d.normalize();
    let up = scale.checked_sub(d.scale())?;
    d.mantissa().checked_mul(10i128.checked_pow(up)?)
}

/// Strings are borrowed from the documents: no copy per row before polars
/// builds its own buffers.
fn str_column(name: &str, values: Vec<Option<&str>>) -> Column {
    Column::new(name.into(), values)
}

/// A string column built in Arrow's own buffers. A value repeated over a
/// project's rows (its name, unit, department, file) is stored once and
/// pointed at from every row: a project name is copied once, not once per
/// indicator.
struct StrCol(polars_arrow::array::MutablePlString);

impl StrCol {
    fn with_capacity(n: usize) -> Self {
        StrCol(polars_arrow::array::MutablePlString::with_capacity(n))
    }

    fn push(&mut self, v: Option<&str>) {
        self.0.push(v);
    }

    fn repeat(&mut self, v: Option<&str>, n: usize) {
        self.0.extend_constant(n, v);
    }

    fn finish(self, name: &str) -> Column {
        StringChunked::with_chunk(name.into(), self.0.freeze()).into_column()
    }
}

/// Column vectors of the `indicators` table.
struct IndicatorRows {
    year: Vec<Option<i32>>,
    department: StrCol,
    unit: StrCol,
    project: StrCol,
    /// Runs of (amount, rows): one per project.
    amounts: [Vec<(Option<Decimal>, usize)>; 4],
    seq: Vec<u32>,
    level_code: StrCol,
    level: StrCol,
    category_code: StrCol,
    category: StrCol,
    name: StrCol,
    cycle_value: StrCol,
    annual_value: StrCol,
    target_op: StrCol,
    target_number: Vec<Option<Decimal>>,
    target_unit: StrCol,
    value_kind: StrCol,
    direction: StrCol,
    weight: Vec<Option<Decimal>>,
    framework_level: StrCol,
    framework_category: StrCol,
    source: StrCol,
    line: Vec<u32>,
}

impl IndicatorRows {
    /// Every column sized for `n` rows: no growing while pushing.
    fn with_capacity(n: usize) -> Self {
        IndicatorRows {
            year: Vec::with_capacity(n),
            department: StrCol::with_capacity(n),
            unit: StrCol::with_capacity(n),
            project: StrCol::with_capacity(n),
            amounts: Default::default(),
            seq: Vec::with_capacity(n),
            level_code: StrCol::with_capacity(n),
            level: StrCol::with_capacity(n),
            category_code: StrCol::with_capacity(n),
            category: StrCol::with_capacity(n),
            name: StrCol::with_capacity(n),
            cycle_value: StrCol::with_capacity(n),
            annual_value: StrCol::with_capacity(n),
            target_op: StrCol::with_capacity(n),
            target_number: Vec::with_capacity(n),
            target_unit: StrCol::with_capacity(n),
            value_kind: StrCol::with_capacity(n),
            direction: StrCol::with_capacity(n),
            weight: Vec::with_capacity(n),
            framework_level: StrCol::with_capacity(n),
            framework_category: StrCol::with_capacity(n),
            source: StrCol::with_capacity(n),
            line: Vec::with_capacity(n),
        }
    }
}

fn push_amounts(cols: &mut [Vec<Option<Decimal>>; 4], a: &Amounts) {
    cols[0].push(a.total);
    cols[1].push(a.fiscal);
    cols[2].push(a.special);
    cols[3].push(a.other);
}

/// A project's amounts as runs of `n` rows.
fn repeat_amounts(cols: &mut [Vec<(Option<Decimal>, usize)>; 4], a: &Amounts, n: usize) {
    let values = [a.total, a.fiscal, a.special, a.other];
    for (col, v) in cols.iter_mut().zip(values) {
        col.push((v, n));
    }
}

const AMOUNT_COLUMNS: [&str; 4] = ["amount", "amount_fiscal", "amount_special", "amount_other"];

fn amount_columns(cols: [Vec<Option<Decimal>>; 4]) -> PolarsResult<Vec<Column>> {
    AMOUNT_COLUMNS
        .iter()
        .zip(cols.iter())
        .map(|(n, v)| decimal_column(n, v))
        .collect()
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// The national framework's names of printed levels and categories
/// ([`jixiao_core::vocab::framework`]), each pair worked out once: a chunk
/// prints a few dozen pairs over thousands of rows, and working the names
/// out for every row was a third of flattening.
#[derive(Default)]
struct Frameworks<'a> {
    known: PlHashMap<(&'a str, &'a str), FrameworkNames>,
}

/// A framework level and category name, where they are certain.
type FrameworkNames = (Option<&'static str>, Option<&'static str>);

impl<'a> Frameworks<'a> {
    fn of(&mut self, level: &'a str, category: &'a str) -> FrameworkNames {
        *self
            .known
            .entry((level, category))
            .or_insert_with(|| jixiao_core::vocab::framework(level, category))
    }
}

/// One row per indicator, in document order.
pub fn indicators(docs: &[Document]) -> PolarsResult<DataFrame> {
    let mut r = IndicatorRows::with_capacity(docs.iter().map(Document::indicator_count).sum());
    let mut frameworks = Frameworks::default();
    for doc in docs {
        for (unit, p) in doc.projects() {
            let n = p.indicators.len();
            r.year.extend(std::iter::repeat_n(doc.year, n));
            r.department.repeat(doc.department.as_deref(), n);
            r.unit.repeat(Some(&unit.name), n);
            r.project.repeat(Some(&p.name), n);
            repeat_amounts(&mut r.amounts, &p.amounts, n);
            r.source.repeat(Some(&doc.source), n);
            for ind in &p.indicators {
                r.seq.push(ind.seq);
                r.level_code.push(ind.level_code.as_deref());
                r.level.push(Some(&ind.level));
                r.category_code.push(ind.category_code.as_deref());
                r.category.push(Some(&ind.category));
                r.name.push(Some(&ind.name));
                r.cycle_value.push(ind.cycle_value.as_deref());
                r.annual_value.push(ind.annual_value.as_deref());
                let target = ind.target();
                match &target {
                    Some(Target::Number { op, number, unit }) => {
                        r.target_op.push(Some(op.symbol()));
                        r.target_number.push(Some(*number));
                        r.target_unit
                            .push((!unit.is_empty()).then_some(unit.as_str()));
                    }
                    _ => {
                        r.target_op.push(None);
                        r.target_number.push(None);
                        r.target_unit.push(None);
                    }
                }
                r.value_kind.push(ind.value_kind_with(target.as_ref()));
                r.direction.push(ind.direction.as_deref());
                r.weight.push(ind.weight);
                let (fl, fc) = frameworks.of(&ind.level, &ind.category);
                r.framework_level.push(fl);
                r.framework_category.push(fc);
                r.line.push(line_u32(ind.line));
            }
        }
    }
    let mut cols = vec![
        Column::new("year".into(), r.year),
        r.department.finish("department"),
        r.unit.finish("unit"),
        r.project.finish("project"),
    ];
    for (name, runs) in AMOUNT_COLUMNS.iter().zip(&r.amounts) {
        cols.push(decimal_column_runs(name, runs)?);
    }
    cols.extend([
        Column::new("seq".into(), r.seq),
        r.level_code.finish("level_code"),
        r.level.finish("level"),
        r.category_code.finish("category_code"),
        r.category.finish("category"),
        r.name.finish("name"),
        r.cycle_value.finish("cycle_value"),
        r.annual_value.finish("annual_value"),
        r.target_op.finish("target_op"),
        exact_decimal_column("target_number", &r.target_number)?,
        r.target_unit.finish("target_unit"),
        r.value_kind.finish("value_kind"),
        r.direction.finish("direction"),
        exact_decimal_column("weight", &r.weight)?,
        r.framework_level.finish("framework_level"),
        r.framework_category.finish("framework_category"),
        r.source.finish("source"),
        Column::new("line".into(), r.line),
    ]);
    debug_assert_eq!(cols.len(), INDICATOR_COLUMNS.len());
    DataFrame::new_infer_height(cols)
}

/// One row per project, in document order.
pub fn projects(docs: &[Document]) -> PolarsResult<DataFrame> {
    let n: usize = docs.iter().map(Document::project_count).sum();
    let mut year = Vec::with_capacity(n);
    let mut department = Vec::with_capacity(n);
    let mut unit = Vec::with_capacity(n);
    let mut project = Vec::with_capacity(n);
    let mut amounts: [Vec<Option<Decimal>>; 4] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut note = Vec::with_capacity(n);
    let mut goal = Vec::with_capacity(n);
    let mut count = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut line = Vec::with_capacity(n);
    for doc in docs {
        for (u, p) in doc.projects() {
            year.push(doc.year);
            department.push(doc.department.as_deref());
            unit.push(Some(u.name.as_str()));
            project.push(Some(p.name.as_str()));
            push_amounts(&mut amounts, &p.amounts);
            note.push(p.amounts.note.as_deref());
            goal.push(Some(p.goal.as_str()));
            count.push(u32::try_from(p.indicators.len()).unwrap_or(u32::MAX));
            source.push(Some(doc.source.as_str()));
            line.push(line_u32(p.line));
        }
    }
    let mut cols = vec![
        Column::new("year".into(), year),
        str_column("department", department),
        str_column("unit", unit),
        str_column("project", project),
    ];
    cols.extend(amount_columns(amounts)?);
    cols.extend([
        str_column("amount_note", note),
        str_column("goal", goal),
        Column::new("indicator_count".into(), count),
        str_column("source", source),
        Column::new("line".into(), line),
    ]);
    debug_assert_eq!(cols.len(), PROJECT_COLUMNS.len());
    DataFrame::new_infer_height(cols)
}

/// The rejects table: what could not be placed, with file, line and reason.
pub fn rejects<'a>(rejects: impl IntoIterator<Item = &'a Reject>) -> PolarsResult<DataFrame> {
    let mut source = Vec::new();
    let mut line = Vec::new();
    let mut sheet = Vec::new();
    let mut cell = Vec::new();
    let mut page = Vec::new();
    let mut bbox = Vec::new();
    let mut kind = Vec::new();
    let mut text = Vec::new();
    let mut reason = Vec::new();
    for r in rejects {
        source.push(Some(r.source.as_str()));
        line.push(line_u32(r.line));
        sheet.push(r.pos.sheet());
        cell.push(r.pos.cell());
        page.push(r.pos.page());
        bbox.push(r.pos.bbox());
        kind.push(Some(r.kind.as_str()));
        text.push(Some(r.text.as_str()));
        reason.push(Some(r.reason.as_str()));
    }
    let cols = vec![
        str_column("source", source),
        Column::new("line".into(), line),
        str_column("text", text),
        str_column("reason", reason),
        str_column("kind", kind),
        str_column("sheet", sheet),
        Column::new("cell".into(), cell),
        Column::new("page".into(), page),
        Column::new("bbox".into(), bbox),
    ];
    debug_assert_eq!(cols.len(), REJECT_COLUMNS.len());
    DataFrame::new_infer_height(cols)
}

/// The warnings of reading as a table (the Python package's `warnings`):
/// file, line, message, kind (`parse`, `sum`, `amounts`, `duplicate`) and
/// the position's parts, as in `rejects`.
pub fn warnings<'a>(warnings: impl IntoIterator<Item = &'a Warning>) -> PolarsResult<DataFrame> {
    let mut source = Vec::new();
    let mut line = Vec::new();
    let mut message = Vec::new();
    let mut kind = Vec::new();
    let mut sheet = Vec::new();
    let mut cell = Vec::new();
    let mut page = Vec::new();
    let mut bbox = Vec::new();
    for w in warnings {
        source.push(Some(w.source.as_str()));
        line.push(line_u32(w.line));
        message.push(Some(w.message.as_str()));
        kind.push(Some(w.kind.as_str()));
        sheet.push(w.pos.sheet());
        cell.push(w.pos.cell());
        page.push(w.pos.page());
        bbox.push(w.pos.bbox());
    }
    let cols = vec![
        str_column("source", source),
        Column::new("line".into(), line),
        str_column("message", message),
        str_column("kind", kind),
        str_column("sheet", sheet),
        Column::new("cell".into(), cell),
        Column::new("page".into(), page),
        Column::new("bbox".into(), bbox),
    ];
    debug_assert_eq!(cols.len(), WARNING_COLUMNS.len());
    DataFrame::new_infer_height(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framework_names_are_those_of_the_national_framework_whatever_came_before() {
        let mut f = Frameworks::default();
        let output = (Some("产出指标"), Some("数量指标"));
        // The older template's 满意度 category under 效益: its level is 满意度.
        let satisfaction = (Some("满意度指标"), Some("服务对象满意度指标"));
        // An evaluation table's level has no framework names.
        let evaluation = (None, None);
        for _ in 0..2 {
            assert_eq!(f.of("产出指标", "数量指标"), output);
            assert_eq!(f.of("效益指标", "服务对象满意度指标"), satisfaction);
            assert_eq!(f.of("决策", "项目立项"), evaluation);
            assert_eq!(f.of("产出指标", "数量指标"), output);
        }
        assert_eq!(f.known.len(), 3);
    }

    #[test]
    fn decimal_column_keeps_cents_and_widens_scale() {
        let c = decimal_column(
            "amount",
            &[
                Some(Decimal::new(95000, 2)),
                Some(Decimal::new(7, 0)),
                None,
                Some(Decimal::new(1234, 4)),
            ],
        )
        .unwrap();
        assert_eq!(c.dtype(), &DataType::Decimal(18, 4));
        assert_eq!(c.get(0).unwrap(), AnyValue::Decimal(9_500_000, 18, 4));
        assert_eq!(c.get(1).unwrap(), AnyValue::Decimal(70_000, 18, 4));
        assert_eq!(c.get(2).unwrap(), AnyValue::Null);
        assert_eq!(c.get(3).unwrap(), AnyValue::Decimal(1234, 18, 4));
    }
}

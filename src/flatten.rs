//! Flatten: documents to the canonical tables, one row per indicator
//! (`indicators`) and one per project (`projects`), as polars `DataFrame`s.

use polars::prelude::*;
use rust_decimal::Decimal;

use crate::model::{Amounts, Document, Reject};
use crate::schema::{INDICATOR_COLUMNS, PROJECT_COLUMNS, REJECT_COLUMNS};

/// Builds a Decimal column exactly: scale is the largest scale among the values
/// (at least 2, cents); precision 18 (stored as INT64 in Parquet) unless a value
/// needs more.
pub fn decimal_column(name: &str, values: &[Option<Decimal>]) -> PolarsResult<Column> {
    let scale = values
        .iter()
        .flatten()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(0)
        .max(2);
    let mut max_abs: u128 = 0;
    let mut mantissas = Vec::with_capacity(values.len());
    for v in values {
        mantissas.push(match v {
            Some(d) => {
                let m = rescale(*d, scale).ok_or_else(|| {
                    polars_err!(ComputeError: "{name}: {d} does not fit a decimal of scale {scale}")
                })?;
                max_abs = max_abs.max(m.unsigned_abs());
                Some(m)
            }
            None => None,
        });
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

/// Column vectors of the `indicators` table.
struct IndicatorRows<'a> {
    year: Vec<Option<i32>>,
    department: Vec<Option<&'a str>>,
    unit: Vec<Option<&'a str>>,
    project: Vec<Option<&'a str>>,
    amounts: [Vec<Option<Decimal>>; 4],
    seq: Vec<u32>,
    level_code: Vec<Option<&'a str>>,
    level: Vec<Option<&'a str>>,
    category_code: Vec<Option<&'a str>>,
    category: Vec<Option<&'a str>>,
    name: Vec<Option<&'a str>>,
    cycle_value: Vec<Option<&'a str>>,
    annual_value: Vec<Option<&'a str>>,
    source: Vec<Option<&'a str>>,
    line: Vec<u32>,
}

impl IndicatorRows<'_> {
    /// Every column sized for `n` rows: no growing while pushing.
    fn with_capacity(n: usize) -> Self {
        IndicatorRows {
            year: Vec::with_capacity(n),
            department: Vec::with_capacity(n),
            unit: Vec::with_capacity(n),
            project: Vec::with_capacity(n),
            amounts: [
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            ],
            seq: Vec::with_capacity(n),
            level_code: Vec::with_capacity(n),
            level: Vec::with_capacity(n),
            category_code: Vec::with_capacity(n),
            category: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            cycle_value: Vec::with_capacity(n),
            annual_value: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
        }
    }
}

fn push_amounts(cols: &mut [Vec<Option<Decimal>>; 4], a: &Amounts) {
    cols[0].push(Some(a.total));
    cols[1].push(a.fiscal);
    cols[2].push(a.special);
    cols[3].push(a.other);
}

fn amount_columns(cols: [Vec<Option<Decimal>>; 4]) -> PolarsResult<Vec<Column>> {
    let names = ["amount", "amount_fiscal", "amount_special", "amount_other"];
    names
        .iter()
        .zip(cols.iter())
        .map(|(n, v)| decimal_column(n, v))
        .collect()
}

fn line_u32(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// One row per indicator, in document order.
pub fn indicators(docs: &[Document]) -> PolarsResult<DataFrame> {
    let mut r = IndicatorRows::with_capacity(docs.iter().map(Document::indicator_count).sum());
    for doc in docs {
        for (unit, p) in doc.projects() {
            for ind in &p.indicators {
                r.year.push(doc.year);
                r.department.push(doc.department.as_deref());
                r.unit.push(Some(&unit.name));
                r.project.push(Some(&p.name));
                push_amounts(&mut r.amounts, &p.amounts);
                r.seq.push(ind.seq);
                r.level_code.push(ind.level_code.as_deref());
                r.level.push(Some(&ind.level));
                r.category_code.push(ind.category_code.as_deref());
                r.category.push(Some(&ind.category));
                r.name.push(Some(&ind.name));
                r.cycle_value.push(ind.cycle_value.as_deref());
                r.annual_value.push(ind.annual_value.as_deref());
                r.source.push(Some(&doc.source));
                r.line.push(line_u32(ind.line));
            }
        }
    }
    let mut cols = vec![
        Column::new("year".into(), r.year),
        str_column("department", r.department),
        str_column("unit", r.unit),
        str_column("project", r.project),
    ];
    cols.extend(amount_columns(r.amounts)?);
    cols.extend([
        Column::new("seq".into(), r.seq),
        str_column("level_code", r.level_code),
        str_column("level", r.level),
        str_column("category_code", r.category_code),
        str_column("category", r.category),
        str_column("name", r.name),
        str_column("cycle_value", r.cycle_value),
        str_column("annual_value", r.annual_value),
        str_column("source", r.source),
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
    let mut text = Vec::new();
    let mut reason = Vec::new();
    for r in rejects {
        source.push(Some(r.source.as_str()));
        line.push(line_u32(r.line));
        text.push(Some(r.text.as_str()));
        reason.push(Some(r.reason.as_str()));
    }
    let cols = vec![
        str_column("source", source),
        Column::new("line".into(), line),
        str_column("text", text),
        str_column("reason", reason),
    ];
    debug_assert_eq!(cols.len(), REJECT_COLUMNS.len());
    DataFrame::new_infer_height(cols)
}

#[cfg(test)]
mod tests {
    use super::*;

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

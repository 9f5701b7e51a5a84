//! Reading the flattened tables' columns into plain vectors for the parts of
//! the comparison polars has no words for (series matching, target parsing).

use polars::prelude::*;

use super::AggregateError;

pub(crate) fn column<'a>(
    df: &'a DataFrame,
    table: &'static str,
    name: &str,
) -> Result<&'a Column, AggregateError> {
    df.column(name).map_err(|_| missing(table, name))
}

pub(crate) fn require(
    df: &DataFrame,
    table: &'static str,
    names: &[&str],
) -> Result<(), AggregateError> {
    names
        .iter()
        .try_for_each(|n| column(df, table, n).map(|_| ()))
}

pub(crate) fn bad(table: &'static str, name: &str, e: PolarsError) -> AggregateError {
    AggregateError::BadColumn {
        table,
        column: name.to_string(),
        message: e.to_string(),
    }
}

/// A column as strings; an absent column is all nulls unless `required`.
pub(crate) fn strings(
    df: &DataFrame,
    table: &'static str,
    name: &str,
    required: bool,
) -> Result<Vec<Option<String>>, AggregateError> {
    let col = match df.column(name) {
        Ok(c) => c,
        Err(_) if !required => return Ok(vec![None; df.height()]),
        Err(_) => return Err(missing(table, name)),
    };
    let cast = col
        .cast(&DataType::String)
        .map_err(|e| bad(table, name, e))?;
    let ca = cast.str().map_err(|e| bad(table, name, e))?;
    Ok(ca.iter().map(|v| v.map(str::to_string)).collect())
}

/// A text column of the table, `None` when it is absent (and not
/// `required`) or all null.
fn text_column<'a>(
    df: &'a DataFrame,
    table: &'static str,
    name: &str,
    required: bool,
) -> Result<Option<&'a StringChunked>, AggregateError> {
    let col = match df.column(name) {
        Ok(c) => c,
        Err(_) if !required => return Ok(None),
        Err(_) => return Err(missing(table, name)),
    };
    match col.dtype() {
        DataType::Null => Ok(None),
        _ => col.str().map(Some).map_err(|e| bad(table, name, e)),
    }
}

/// A string column's values borrowed from the table: the indicators table
/// has a million rows per 200 MB of input, and a copy of each string is what
/// made the reports' memory grow with the corpus. The flattened tables'
/// text columns are always strings; an all-null column has no values.
pub(crate) fn strs<'a>(
    df: &'a DataFrame,
    table: &'static str,
    name: &str,
    required: bool,
) -> Result<Vec<Option<&'a str>>, AggregateError> {
    Ok(match text_column(df, table, name, required)? {
        Some(ca) => ca.iter().collect(),
        None => vec![None; df.height()],
    })
}

/// A string column as one chunk (an absent or all-null column: all null),
/// to gather rows from by index: a gather copies the strings' views, not
/// the strings.
pub(crate) fn str_column(
    df: &DataFrame,
    table: &'static str,
    name: &str,
    required: bool,
) -> Result<StringChunked, AggregateError> {
    Ok(match text_column(df, table, name, required)? {
        Some(ca) => ca.rechunk().into_owned(),
        None => StringChunked::full_null(name.into(), df.height()),
    })
}

fn missing(table: &'static str, name: &str) -> AggregateError {
    AggregateError::MissingColumn {
        table,
        column: name.to_string(),
    }
}

/// A column as integers; an absent column is all nulls unless `required`.
pub(crate) fn ints(
    df: &DataFrame,
    table: &'static str,
    name: &str,
    required: bool,
) -> Result<Vec<Option<i64>>, AggregateError> {
    let col = match df.column(name) {
        Ok(c) => c,
        Err(_) if !required => return Ok(vec![None; df.height()]),
        Err(_) => return Err(missing(table, name)),
    };
    let cast = col
        .cast(&DataType::Int64)
        .map_err(|e| bad(table, name, e))?;
    let ca = cast.i64().map_err(|e| bad(table, name, e))?;
    Ok(ca.iter().collect())
}

/// The budget years of a table's rows; every row must have one, since rows
/// without a year cannot be placed in a comparison.
pub(crate) fn years(df: &DataFrame, table: &'static str) -> Result<Vec<i32>, AggregateError> {
    let sources = strs(df, table, "source", false)?;
    ints(df, table, "year", true)?
        .into_iter()
        .enumerate()
        .map(|(row, y)| {
            y.and_then(|y| i32::try_from(y).ok())
                .ok_or_else(|| AggregateError::MissingYear {
                    table,
                    row: row + 1,
                    source_name: sources[row].unwrap_or_default().to_string(),
                })
        })
        .collect()
}

/// The scale of a Decimal money column (2, cents, when it is not Decimal).
pub(crate) fn money_scale(
    df: &DataFrame,
    table: &'static str,
    name: &str,
) -> Result<Option<usize>, AggregateError> {
    match df.column(name) {
        Err(_) => Ok(None),
        Ok(c) => match c.dtype() {
            DataType::Decimal(_, s) => Ok(Some(*s)),
            dt if dt.is_integer() => Ok(Some(0)),
            DataType::Null => Ok(Some(2)),
            other => Err(AggregateError::BadColumn {
                table,
                column: name.to_string(),
                message: format!(
                    "money must be Decimal (or integer), not {other}: floats cannot be summed exactly"
                ),
            }),
        },
    }
}

//! CSV out: UTF-8, RFC 4180 quoting, an optional BOM so Excel and WPS read the
//! Chinese correctly, amounts printed exactly.
//!
//! A CSV meant for a spreadsheet (the BOM on) is also written so that it cannot
//! run anything there: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is a formula to Excel (OWASP "CSV injection"), so it gets a
//! leading `'`, which Excel shows as nothing and reads as "this is text".
//! Input text reaches these cells (names, values, and rejected lines as
//! printed), so the guard is not hypothetical. Only text columns are guarded:
//! amounts such as `-3.00` are Decimal columns and stay numbers.

use std::path::Path;

use polars::prelude::*;

use super::{Batches, EmitError, atomic_write, cell_text, write_all};

/// CSV options.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    /// Start with a UTF-8 BOM (for Excel/WPS); off for machine readers.
    pub bom: bool,
}

impl Default for CsvOptions {
    /// Excel-facing: BOM on, formulas guarded.
    fn default() -> Self {
        CsvOptions { bom: true }
    }
}

impl CsvOptions {
    /// Whether text cells are guarded against formula injection: a CSV with the
    /// BOM is one for Excel and WPS; one without is for machine readers, which
    /// must get the text exactly as it was.
    pub fn guards_formulas(&self) -> bool {
        self.bom
    }
}

/// Writes `table` to `path` atomically, batch by batch; returns the number of data rows.
pub fn write_csv(path: &Path, table: &dyn Batches, opts: CsvOptions) -> Result<usize, EmitError> {
    let guard = opts.guards_formulas();
    let schema = table.schema().map_err(|e| EmitError::format(path, e))?;
    let mut rows = 0;
    atomic_write(path, |w| {
        if opts.bom {
            write_all(w, path, "\u{feff}".as_bytes())?;
        }
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        let fail = |e: csv::Error| EmitError::format(path, e);
        csv.write_record(schema.iter_names().map(|n| n.as_str()))
            .map_err(fail)?;
        // One record and one scratch string for the whole table: text cells
        // are written from the column's own bytes, other cells through the
        // scratch, so a cell costs no allocation.
        let mut record = csv::ByteRecord::with_capacity(1024, schema.len());
        let mut scratch = String::new();
        table
            .for_each_batch(&mut |df| {
                // One pass per column iterator: no per-cell chunk lookup.
                let cols: Vec<Series> = df
                    .columns()
                    .iter()
                    .map(|c| c.as_materialized_series().rechunk())
                    .collect();
                let mut iters: Vec<_> = cols.iter().map(|s| s.iter()).collect();
                for _ in 0..df.height() {
                    record.clear();
                    for it in iters.iter_mut() {
                        match it.next().unwrap_or(AnyValue::Null) {
                            AnyValue::Null => record.push_field(b""),
                            AnyValue::String(t) if !(guard && needs_guard(t)) => {
                                record.push_field(t.as_bytes())
                            }
                            AnyValue::String(t) => {
                                scratch.clear();
                                push_guarded(&mut scratch, t);
                                record.push_field(scratch.as_bytes());
                            }
                            AnyValue::Int32(i) => push_int(&mut record, &mut scratch, i),
                            AnyValue::UInt32(i) => push_int(&mut record, &mut scratch, i),
                            AnyValue::Int64(i) => push_int(&mut record, &mut scratch, i),
                            AnyValue::Decimal(m, _, scale) => {
                                scratch.clear();
                                super::push_decimal(&mut scratch, m, scale);
                                record.push_field(scratch.as_bytes());
                            }
                            v => {
                                let is_text = matches!(v, AnyValue::StringOwned(_));
                                let text = cell_text(&v);
                                let text = if guard && is_text {
                                    guard_formula(text)
                                } else {
                                    text
                                };
                                record.push_field(text.as_bytes());
                            }
                        }
                    }
                    csv.write_byte_record(&record)
                        .map_err(|e| polars_err!(ComputeError: "{e}"))?;
                }
                rows += df.height();
                Ok(())
            })
            .map_err(|e| EmitError::format(path, e))?;
        csv.flush().map_err(|e| EmitError::format(path, e))?;
        Ok(())
    })?;
    Ok(rows)
}

/// An integer cell, in plain digits (polars' own formatting of an
/// `AnyValue` is for display, and slow).
fn push_int(record: &mut csv::ByteRecord, scratch: &mut String, i: impl std::fmt::Display) {
    use std::fmt::Write as _;
    scratch.clear();
    // Writing to a String cannot fail.
    let _ = write!(scratch, "{i}");
    record.push_field(scratch.as_bytes());
}

/// `=HYPERLINK(…)` → `'=HYPERLINK(…)`, `=100%` → `＝100%`; text that a spreadsheet would not run is unchanged. A
/// signed plain number held as text (`-5%`, `+3`) is data a spreadsheet reads
/// as a number, never as a formula, so it is left as printed.
pub fn guard_formula(text: String) -> String {
    if needs_guard(&text) {
        let mut out = String::with_capacity(text.len() + 3);
        push_guarded(&mut out, &text);
        out
    } else {
        text
    }
}

/// Appends `text` defused: a comparison target (`=`, `=100%`, `=11个`: `=`
/// alone or before a digit) gets the full-width `＝`, which no spreadsheet
/// reads as a formula and which reads as the same comparison to a person
/// (a leading `'` would show as a stray character in Excel); anything else
/// gets a leading `'`.
fn push_guarded(out: &mut String, text: &str) {
    match text.strip_prefix('=') {
        Some(rest) if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) => {
            out.push('＝');
            out.push_str(rest);
        }
        _ => {
            out.push('\'');
            out.push_str(text);
        }
    }
}

/// Whether [`guard_formula`] changes `text`.
fn needs_guard(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '\n'))
        && !is_signed_number(text)
}

/// `-5`, `+3.50`, `-12%`: a sign, digits, an optional fraction and percent.
fn is_signed_number(s: &str) -> bool {
    let Some(body) = s.strip_prefix(['-', '+']) else {
        return false;
    };
    let body = body.strip_suffix('%').unwrap_or(body);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_numbers_kept() {
        for (cell, out) in [
            ("=1+1", "＝1+1"),
            ("=", "＝"),
            ("=100%", "＝100%"),
            ("=11个", "＝11个"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("- 3 -", "'- 3 -"),
            ("-5%", "-5%"),
            ("+3.50", "+3.50"),
            ("-3.00", "-3.00"),
            ("≥90%", "≥90%"),
            ("课题完成率", "课题完成率"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(guard_formula(cell.to_string()), out, "{cell:?}");
        }
    }

    #[test]
    fn only_text_columns_and_only_for_excel() {
        let dir = tempfile::tempdir().unwrap();
        let df = df!(
            "name" => ["=1+1", "ok"],
            "value" => ["-5%", "@x"],
        )
        .unwrap();
        // Amounts are Decimal columns: a negative one is a number, not a formula.
        let amount = crate::flatten::decimal_column(
            "amount",
            &[
                Some(rust_decimal::Decimal::new(-300, 2)),
                Some(rust_decimal::Decimal::new(4200, 2)),
            ],
        )
        .unwrap();
        let mut df = df;
        df.with_column(amount).unwrap();
        let path = dir.path().join("x.csv");
        write_csv(&path, &df, CsvOptions::default()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "\u{feff}name,value,amount\r\n＝1+1,-5%,-3.00\r\nok,'@x,42.00\r\n"
        );
        write_csv(&path, &df, CsvOptions { bom: false }).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "name,value,amount\r\n=1+1,-5%,-3.00\r\nok,@x,42.00\r\n"
        );
    }
}

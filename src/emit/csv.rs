//! CSV out: UTF-8, RFC 4180 quoting, an optional BOM so Excel and WPS read the
//! Chinese correctly, amounts printed exactly.

use std::path::Path;

use polars::prelude::*;

use super::{EmitError, atomic_write, cell_text, write_all};

/// CSV options.
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    /// Start with a UTF-8 BOM (for Excel/WPS); off for machine readers.
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { bom: true }
    }
}

/// Writes `df` to `path` atomically; returns the number of data rows.
pub fn write_csv(path: &Path, df: &DataFrame, opts: CsvOptions) -> Result<usize, EmitError> {
    atomic_write(path, |w| {
        if opts.bom {
            write_all(w, path, "\u{feff}".as_bytes())?;
        }
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(w);
        let fail = |e: csv::Error| EmitError::format(path, e);
        csv.write_record(df.columns().iter().map(|c| c.name().as_str()))
            .map_err(fail)?;
        let mut record: Vec<String> = Vec::with_capacity(df.width());
        for i in 0..df.height() {
            record.clear();
            for c in df.columns() {
                let v = c.get(i).map_err(|e| EmitError::format(path, e))?;
                record.push(cell_text(&v));
            }
            csv.write_record(&record).map_err(fail)?;
        }
        csv.flush().map_err(|e| EmitError::format(path, e))?;
        Ok(())
    })?;
    Ok(df.height())
}

//! Emitters: tables out as CSV, Parquet and XLSX. They know tables
//! (polars `DataFrame`s with the canonical column names) and nothing of parsing.

pub mod csv;
pub mod parquet;
pub mod xlsx;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::{AnyValue, DataFrame, PolarsResult, Schema};

/// A table an emitter can write batch by batch: a `DataFrame`, or a large
/// table kept on disk by the pipeline.
pub trait Batches {
    /// The schema every batch has.
    fn schema(&self) -> PolarsResult<Schema>;
    /// Calls `f` with each batch, in order.
    fn for_each_batch(&self, f: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>)
    -> PolarsResult<()>;
    /// The Parquet files that hold the table, in order, each written by
    /// [`parquet::writer`] with the table's schema, if it is so kept: a
    /// Parquet output copies their row groups rather than encode them again.
    fn parquet_files(&self) -> Option<Vec<PathBuf>> {
        None
    }
}

impl Batches for DataFrame {
    fn schema(&self) -> PolarsResult<Schema> {
        Ok(DataFrame::schema(self).as_ref().clone())
    }
    fn for_each_batch(
        &self,
        f: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>,
    ) -> PolarsResult<()> {
        f(self)
    }
}

/// An output could not be written. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

impl EmitError {
    pub fn format(path: &Path, message: impl std::fmt::Display) -> Self {
        EmitError::Format {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }
    fn io(path: &Path, source: std::io::Error) -> Self {
        EmitError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes `path` atomically: the content goes to a temporary file beside it,
/// which is renamed over `path` only when `write` succeeded. A failed run leaves
/// the previous output untouched.
pub fn atomic_write<F>(path: &Path, write: F) -> Result<(), EmitError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), EmitError>,
{
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| EmitError::io(path, e))?;
        // Large writes: a table of hundreds of megabytes in 8 KiB writes
        // spent more time in system calls than in formatting.
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        let file = w
            .into_inner()
            .map_err(|e| EmitError::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| EmitError::io(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| EmitError::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Formats a cell for text outputs (CSV, widths): decimals exactly, never in
/// exponent form; nulls as the empty string.
pub fn cell_text(v: &AnyValue<'_>) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Decimal(m, _p, s) => decimal_text(*m, *s),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::Float64(f) => float_text(*f),
        AnyValue::Float32(f) => float_text(f64::from(*f)),
        other => other.to_string(),
    }
}

/// The f64 nearest to `mantissa × 10^-scale`: the exact decimal text parsed
/// by the (correctly rounding) float parser. No range limits, unlike a detour
/// through rust_decimal (96-bit mantissa, scale ≤ 28).
pub fn decimal_f64(mantissa: i128, scale: usize) -> f64 {
    decimal_text(mantissa, scale)
        .parse::<f64>()
        .unwrap_or(f64::NAN)
}

/// `mantissa × 10^-scale` printed exactly (`95000`, 2 → `950.00`).
pub fn decimal_text(mantissa: i128, scale: usize) -> String {
    let mut out = String::new();
    push_decimal(&mut out, mantissa, scale);
    out
}

/// [`decimal_text`] appended to `out`, without allocating when `out` has room.
pub fn push_decimal(out: &mut String, mantissa: i128, scale: usize) {
    use std::fmt::Write as _;
    if mantissa < 0 {
        out.push('-');
    }
    let start = out.len();
    // Writing to a String cannot fail.
    let _ = write!(out, "{}", mantissa.unsigned_abs());
    let digits = out.len() - start;
    if scale == 0 {
        return;
    }
    if digits <= scale {
        let zeros = "0".repeat(scale - digits);
        out.insert_str(start, &format!("0.{zeros}"));
    } else {
        out.insert(out.len() - scale, '.');
    }
}

/// Floats (shares, percentages) in plain notation: `Display` for f64 never
/// uses an exponent.
fn float_text(f: f64) -> String {
    if f.is_finite() {
        format!("{f}")
    } else {
        String::new()
    }
}

/// Writes `buf` through a writer, mapping errors to the output path.
pub(crate) fn write_all(w: &mut impl Write, path: &Path, buf: &[u8]) -> Result<(), EmitError> {
    w.write_all(buf).map_err(|e| EmitError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_print_exactly() {
        assert_eq!(decimal_text(95000, 2), "950.00");
        assert_eq!(decimal_text(5, 2), "0.05");
        assert_eq!(decimal_text(-33015, 2), "-330.15");
        assert_eq!(decimal_text(123456, 6), "0.123456");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(decimal_text(0, 2), "0.00");
        assert_eq!(decimal_text(-7, 0), "-7");
        let mut s = String::from("x");
        push_decimal(&mut s, 95000, 2);
        assert_eq!(s, "x950.00");
    }
}

//! jixiao from Python: `jixiao.read` and `jixiao.read_many` give the CLI's
//! tables (`indicators`, `projects`, `rejects`, `warnings`) as Arrow tables.
//!
//! Nothing here reads or flattens a row: files go through the main crate's
//! batch ingest (the CLI's own, with its per-file failures, duplicate
//! documents and settling) and its `flatten`, and the polars frames it
//! makes are handed to Python through the Arrow C stream interface
//! (`__arrow_c_stream__`), buffer by buffer, without a copy.

use std::path::{Path, PathBuf};

use jixiao::check;
use jixiao::flatten;
use jixiao::pipeline::batch::{self, Batch, FileFailure};
use jixiao_core::ingest::{DroppedCells, IngestOptions, TextOptions};
use polars::prelude::*;
use polars_arrow::array::{Array, StructArray};
use polars_arrow::datatypes::{ArrowDataType, Field as ArrowField};
use polars_arrow::ffi;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyCapsule, PyDict, PyList, PyString, PyTuple};

pyo3::create_exception!(
    jixiao,
    ReadError,
    PyException,
    "A file that could not be read: not a performance-target table, damaged, \
     of an unknown year. `file` names it, `line` is the line (text) or row \
     (workbook) at fault or None, `reason` is the message."
);

/// One of the tables, as Arrow: hand it to `pyarrow.table`,
/// `polars.DataFrame`, DuckDB, or pandas (through pyarrow). Its buffers are
/// shared with the consumer, not copied.
#[pyclass(frozen, module = "jixiao", name = "Table")]
struct Table {
    name: &'static str,
    df: DataFrame,
}

/// The Arrow type of a frame's rows (a struct of its columns) and each
/// batch of them, as the C stream interface wants them.
fn arrow_batches(df: &DataFrame) -> (ArrowDataType, Vec<Box<dyn Array>>) {
    let level = CompatLevel::newest();
    let fields: Vec<ArrowField> = df.schema().to_arrow(level).iter_values().cloned().collect();
    let dtype = ArrowDataType::Struct(fields);
    let mut df = df.clone();
    // Batches need their columns chunked alike (a no-op for flatten's frames).
    df.align_chunks();
    let mut batches: Vec<Box<dyn Array>> = df
        .iter_chunks(level, false)
        .filter(|b| !b.is_empty())
        .map(|b| {
            let len = b.len();
            Box::new(StructArray::new(dtype.clone(), len, b.into_arrays(), None)) as Box<dyn Array>
        })
        .collect();
    // An empty table still sends one (empty) batch: a stream of none is
    // valid Arrow, but one batch is what every consumer is tested with.
    if batches.is_empty() {
        batches.push(Box::new(StructArray::new_empty(dtype.clone())));
    }
    (dtype, batches)
}

#[pymethods]
impl Table {
    /// The Arrow PyCapsule stream interface: the table's batches, shared.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The interface lets a producer keep its own types; consumers cast.
        let _ = requested_schema;
        let (dtype, batches) = arrow_batches(&self.df);
        let stream = ffi::export_iterator(
            Box::new(batches.into_iter().map(Ok)),
            ArrowField::new("".into(), dtype, false),
        );
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The Arrow PyCapsule schema interface: the table's columns and types.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let (dtype, _) = arrow_batches(&self.df.clear());
        let schema = ffi::export_field_to_c(&ArrowField::new("".into(), dtype, false));
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// The number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.df.height()
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    }

    /// The table's name: `indicators`, `projects`, `rejects` or `warnings`.
    #[getter]
    fn name(&self) -> &'static str {
        self.name
    }

    fn __len__(&self) -> usize {
        self.df.height()
    }

    fn __repr__(&self) -> String {
        format!(
            "<jixiao.Table {}: {} rows × {} columns>",
            self.name,
            self.df.height(),
            self.df.width()
        )
    }

    /// This table as a `pyarrow.Table` (needs pyarrow).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("pyarrow")?.getattr("table")?.call1((slf,))
    }

    /// This table as a `polars.DataFrame` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("polars")?.getattr("DataFrame")?.call1((slf,))
    }

    /// This table as a `pandas.DataFrame` (needs pyarrow and pandas);
    /// decimals arrive as `decimal.Decimal`, never floats.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        Self::to_arrow(slf)?.call_method0("to_pandas")
    }
}

/// What `read` and `read_many` give: the four tables and the counts.
#[pyclass(frozen, module = "jixiao", name = "Result")]
struct ReadResult {
    /// One row per indicator (三级指标).
    #[pyo3(get)]
    indicators: Py<Table>,
    /// One row per project.
    #[pyo3(get)]
    projects: Py<Table>,
    /// What could not be placed, and files that could not be read.
    #[pyo3(get)]
    rejects: Py<Table>,
    /// The readers' remarks, sums that do not reconcile, repeated documents.
    #[pyo3(get)]
    warnings: Py<Table>,
    /// Files read (including failed and repeated ones).
    #[pyo3(get)]
    files: usize,
    /// Files that gave no document (each a row of `rejects`).
    #[pyo3(get)]
    files_failed: usize,
    /// Documents dropped because they repeat an earlier file.
    #[pyo3(get)]
    duplicates: usize,
}

#[pymethods]
impl ReadResult {
    fn __repr__(&self) -> String {
        format!(
            "<jixiao.Result: {} file(s), {} failed; {} indicators, {} projects, {} rejects, {} warnings>",
            self.files,
            self.files_failed,
            self.indicators.get().df.height(),
            self.projects.get().df.height(),
            self.rejects.get().df.height(),
            self.warnings.get().df.height(),
        )
    }

    /// `(indicators, projects, rejects, warnings)`.
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = PyTuple::new(
            py,
            [
                self.indicators.clone_ref(py),
                self.projects.clone_ref(py),
                self.rejects.clone_ref(py),
                self.warnings.clone_ref(py),
            ],
        )?;
        t.try_iter().map(Bound::into_any)
    }
}

/// The four frames of a batch, and its counts.
struct Tables {
    indicators: DataFrame,
    projects: DataFrame,
    rejects: DataFrame,
    warnings: DataFrame,
    files: usize,
    files_failed: usize,
    duplicates: usize,
}

/// The tables of a batch, as the CLI makes them. A document that cannot be
/// tabled (a figure too large for a decimal) becomes its file's reject, as
/// in the CLI's ingest stage.
fn tables(mut b: Batch) -> PolarsResult<Tables> {
    if flatten::indicators(&b.docs).is_err() || flatten::projects(&b.docs).is_err() {
        let docs = std::mem::take(&mut b.docs);
        for d in docs {
            let one = std::slice::from_ref(&d);
            match flatten::indicators(one).and_then(|_| flatten::projects(one)) {
                Ok(_) => b.docs.push(d),
                Err(e) => b.failed.push(FileFailure {
                    path: PathBuf::from(&d.source),
                    line: 0,
                    reason: format!("{}: cannot be tabled: {e}", d.source),
                }),
            }
        }
    }
    let (summary, mut warnings, rejects) = b.outcome();
    // `convert` and `run` reconcile every document's sums and report the
    // differences as warnings: so does this.
    warnings.extend(b.docs.iter().flat_map(check::reconcile_warnings));
    Ok(Tables {
        indicators: flatten::indicators(&b.docs)?,
        projects: flatten::projects(&b.docs)?,
        rejects: flatten::rejects(&rejects)?,
        warnings: flatten::warnings(&warnings)?,
        files: summary.files,
        files_failed: summary.files_failed,
        duplicates: summary.duplicates,
    })
}

/// How a failed file is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnError {
    Raise,
    Reject,
}

fn on_error(s: &str) -> PyResult<OnError> {
    match s {
        "raise" => Ok(OnError::Raise),
        "reject" => Ok(OnError::Reject),
        _ => Err(PyValueError::new_err(format!(
            "on_error must be \"raise\" or \"reject\", not {s:?}"
        ))),
    }
}

fn options(year: Option<i32>, dropped_cells: &str) -> PyResult<IngestOptions> {
    let dropped_cells = match dropped_cells {
        "unknown" => DroppedCells::Unknown,
        "leftmost" => DroppedCells::Leftmost,
        s => {
            return Err(PyValueError::new_err(format!(
                "dropped_cells must be \"unknown\" or \"leftmost\", not {s:?}"
            )));
        }
    };
    if let Some(y) = year
        && !(1990..=2100).contains(&y)
    {
        return Err(PyValueError::new_err(format!(
            "year {y} is out of range 1990..2100"
        )));
    }
    Ok(IngestOptions {
        text: TextOptions { dropped_cells },
        year,
        ..IngestOptions::default()
    })
}

/// A failure as it leaves Rust, before it is a Python exception.
enum Failure {
    File(FileFailure),
    Usage(String),
    Internal(String),
}

fn read_error(py: Python<'_>, file: Option<&str>, line: usize, reason: &str) -> PyErr {
    let err = ReadError::new_err(reason.to_string());
    let v = err.value(py);
    // Setting attributes on a fresh exception cannot fail in practice.
    let _ = v.setattr("file", file);
    let _ = v.setattr("line", (line > 0).then_some(line));
    let _ = v.setattr("reason", reason);
    err
}

impl Failure {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Failure::File(f) => {
                let name = jixiao_core::ingest::display_name(&f.path);
                read_error(py, Some(&name), f.line, &f.reason)
            }
            Failure::Usage(m) => PyValueError::new_err(m),
            Failure::Internal(m) => read_error(py, None, 0, &format!("internal error: {m}")),
        }
    }
}

/// Runs `f` with a panic caught: bad bytes never end the interpreter.
fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let m = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".into());
        Err(Failure::Internal(m))
    })
}

/// Reads `paths` on `pool` as the CLI's ingest does, then tables them.
fn read_paths(
    paths: &[PathBuf],
    refused: Vec<FileFailure>,
    opts: &IngestOptions,
    on_error: OnError,
    pool: Option<&rayon::ThreadPool>,
    hide: Option<&Path>,
) -> Result<Tables, Failure> {
    let opts_for = |_: &Path| Ok(opts.clone());
    let run = || batch::ingest_each(paths, &opts_for, false, &|| {});
    let mut b = match pool {
        Some(p) => p.install(run),
        None => run(),
    };
    b.failed.splice(0..0, refused);
    finish(b, on_error, hide)
}

/// A batch's tables, or its first failure with `on_error="raise"`. `hide`:
/// the temporary folder a file was read from, left out of the messages.
fn finish(mut b: Batch, on_error: OnError, hide: Option<&Path>) -> Result<Tables, Failure> {
    if let Some(dir) = hide {
        // Bytes were read from a temporary file: its folder is no part of
        // what the user gave, the file name is.
        let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
        for f in &mut b.failed {
            f.reason = f.reason.replace(&prefix, "");
        }
    }
    batch::Seen::default().dedup(&mut b);
    if on_error == OnError::Raise
        && let Some(f) = b.failed.first()
    {
        return Err(Failure::File(f.clone()));
    }
    tables(b).map_err(|e| Failure::Internal(e.to_string()))
}

fn result(py: Python<'_>, t: Tables) -> PyResult<ReadResult> {
    let table = |name, df| Py::new(py, Table { name, df });
    Ok(ReadResult {
        indicators: table("indicators", t.indicators)?,
        projects: table("projects", t.projects)?,
        rejects: table("rejects", t.rejects)?,
        warnings: table("warnings", t.warnings)?,
        files: t.files,
        files_failed: t.files_failed,
        duplicates: t.duplicates,
    })
}

/// A file name for bytes given without one, from their first bytes.
fn sniffed_name(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"%PDF") {
        "input.pdf"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "input.xlsx"
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        "input.xls"
    } else {
        "input.txt"
    }
}

/// Reads one file (a path) or one file's content (bytes) into the CLI's tables.
///
/// `name` is the file name of bytes: it decides how they are read (by its
/// extension: .pdf, .xlsx/.xls/.ods, else text), is the year's first source
/// (a 20xx in it) and is the `source` column. `year` overrides the year;
/// `dropped_cells` is the CLI's `--dropped-cells` (`"unknown"` or
/// `"leftmost"`). With `on_error="raise"` (the default) a file that cannot
/// be read raises `ReadError`; with `"reject"` it is a row of `rejects`, as
/// in the CLI's runs.
#[pyfunction]
#[pyo3(signature = (path_or_bytes, *, name=None, year=None, dropped_cells="unknown", on_error="raise"))]
fn read(
    py: Python<'_>,
    path_or_bytes: &Bound<'_, PyAny>,
    name: Option<&str>,
    year: Option<i32>,
    dropped_cells: &str,
    on_error: &str,
) -> PyResult<ReadResult> {
    let opts = options(year, dropped_cells)?;
    let mode = self::on_error(on_error)?;
    let bytes: Option<Vec<u8>> = if let Ok(b) = path_or_bytes.cast::<PyBytes>() {
        Some(b.as_bytes().to_vec())
    } else if let Ok(b) = path_or_bytes.cast::<PyByteArray>() {
        Some(b.to_vec())
    } else if path_or_bytes.hasattr("__fspath__")? || path_or_bytes.is_instance_of::<PyString>() {
        None
    } else if path_or_bytes.hasattr("tobytes")? {
        // memoryview, numpy arrays of bytes
        Some(
            path_or_bytes
                .call_method0("tobytes")?
                .extract::<Vec<u8>>()?,
        )
    } else {
        return Err(PyTypeError::new_err(format!(
            "read() takes a path (str or os.PathLike) or bytes, not {}",
            path_or_bytes.get_type().name()?
        )));
    };
    let tables = match bytes {
        None => {
            let path: PathBuf = path_or_bytes.extract()?;
            if name.is_some() {
                return Err(PyValueError::new_err(
                    "name= is for bytes; a path is known by its own file name",
                ));
            }
            py.detach(|| guarded(|| read_paths(&[path], Vec::new(), &opts, mode, None, None)))
        }
        Some(bytes) => {
            let file_name = match name {
                Some(n) => Path::new(n)
                    .file_name()
                    .map(|f| f.to_os_string())
                    .ok_or_else(|| {
                        PyValueError::new_err(format!("name {n:?} holds no file name"))
                    })?,
                None => sniffed_name(&bytes).into(),
            };
            py.detach(|| {
                guarded(|| {
                    // Text and PDFs are read in memory, under the name given.
                    let named = PathBuf::from(&file_name);
                    if !jixiao_core::ingest::is_workbook(&named, &opts) {
                        return finish(batch::ingest_bytes(&named, bytes, &opts), mode, None);
                    }
                    // Workbook readers read files: the bytes are one, in a
                    // folder of their own, under the name they were given.
                    let dir = tempfile::Builder::new()
                        .prefix("jixiao-")
                        .tempdir()
                        .map_err(|e| Failure::Internal(format!("temporary folder: {e}")))?;
                    let path = dir.path().join(&file_name);
                    std::fs::write(&path, &bytes)
                        .map_err(|e| Failure::Internal(format!("temporary file: {e}")))?;
                    read_paths(&[path], Vec::new(), &opts, mode, None, Some(dir.path()))
                })
            })
        }
    };
    result(py, tables.map_err(|f| f.into_py(py))?)
}

/// Reads many files in parallel, as `jixiao run` does: `paths` is a file, a
/// folder (read recursively), a glob, or a list of them. The GIL is released
/// while they are read; `threads` cores are used (default: all).
///
/// Files that cannot be read are rows of `rejects` (`on_error="reject"`, the
/// default) or raise `ReadError` (`"raise"`); a document that repeats an
/// earlier one is counted once, with a warning. A path that does not exist
/// raises `FileNotFoundError`, a glob that matches nothing `ValueError`.
#[pyfunction]
#[pyo3(signature = (paths, threads=None, *, year=None, dropped_cells="unknown", on_error="reject"))]
fn read_many(
    py: Python<'_>,
    paths: &Bound<'_, PyAny>,
    threads: Option<usize>,
    year: Option<i32>,
    dropped_cells: &str,
    on_error: &str,
) -> PyResult<ReadResult> {
    let opts = options(year, dropped_cells)?;
    let mode = self::on_error(on_error)?;
    let inputs: Vec<PathBuf> =
        if paths.is_instance_of::<PyString>() || paths.hasattr("__fspath__")? {
            vec![paths.extract()?]
        } else if let Ok(list) = paths.cast::<PyList>() {
            list.extract()?
        } else {
            paths
                .try_iter()?
                .map(|p| p?.extract())
                .collect::<PyResult<_>>()?
        };
    // A path that is not there is Python's own error (a glob may match nothing).
    if let Some(missing) = inputs.iter().find(|p| {
        !p.to_string_lossy().contains(['*', '?', '[']) && std::fs::symlink_metadata(p).is_err()
    }) {
        return Err(pyo3::exceptions::PyFileNotFoundError::new_err((
            2,
            "no such file or folder",
            missing.display().to_string(),
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .thread_name(|i| format!("jixiao-read-{i}"))
        .build()
        .map_err(|e| PyValueError::new_err(format!("threads: {e}")))?;
    let tables = py.detach(|| {
        guarded(|| {
            let found = batch::resolve_inputs(&inputs, &[]).map_err(Failure::Usage)?;
            read_paths(&found.files, found.refused, &opts, mode, Some(&pool), None)
        })
    });
    result(py, tables.map_err(|f| f.into_py(py))?)
}

/// The column names of each table, as `{table: [columns]}`.
#[pyfunction]
fn columns<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("indicators", jixiao::schema::INDICATOR_COLUMNS)?;
    d.set_item("projects", jixiao::schema::PROJECT_COLUMNS)?;
    d.set_item("rejects", jixiao::schema::REJECT_COLUMNS)?;
    d.set_item("warnings", jixiao::schema::WARNING_COLUMNS)?;
    Ok(d)
}

/// An empty table of `name` (`indicators`, `projects`, `rejects`,
/// `warnings`): its columns and types, as `pyarrow.schema(jixiao.empty(name))`
/// gives them (a decimal's scale is a file's own: the smallest here).
#[pyfunction(name = "empty")]
fn empty_table(py: Python<'_>, name: &str) -> PyResult<Py<Table>> {
    let (name, df) = match name {
        "indicators" => ("indicators", flatten::indicators(&[])),
        "projects" => ("projects", flatten::projects(&[])),
        "rejects" => ("rejects", flatten::rejects(&[])),
        "warnings" => ("warnings", flatten::warnings(&[])),
        n => {
            return Err(PyValueError::new_err(format!(
                "no table {n:?}: indicators, projects, rejects or warnings"
            )));
        }
    };
    let df = df.map_err(|e| PyValueError::new_err(e.to_string()))?;
    Py::new(py, Table { name, df })
}

#[pymodule]
fn _jixiao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(read_many, m)?)?;
    m.add_function(wrap_pyfunction!(columns, m)?)?;
    m.add_function(wrap_pyfunction!(empty_table, m)?)?;
    m.add_class::<Table>()?;
    m.add_class::<ReadResult>()?;
    m.add("ReadError", m.py().get_type::<ReadError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

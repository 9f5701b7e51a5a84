//! Ingest: files in, [`Document`]s out. Text extracted from PDFs is parsed by
//! [`text`]; workbooks (.xlsx, .xls, .ods) are read by [`excel`] into the same model.

pub mod decode;
pub mod excel;
pub mod indicator;
pub mod text;

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use crate::model::Document;
use crate::readers::GridReading;
pub use text::{DroppedCells, TextOptions};

/// Largest input accepted, so one runaway file cannot exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// A file that could not be read at all. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{}: {source}", .source.line())]
    Decode {
        path: PathBuf,
        #[source]
        source: decode::DecodeError,
    },
    #[error("{path}: {size} bytes is over the {limit}-byte limit for one input")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "{path}: the budget year is unknown: neither the file name nor the title holds a 20xx year; give it with --year 2024 (or `year = 2024` in the pipeline's ingest stage)"
    )]
    NoYear { path: PathBuf },
    #[error("{path}: cannot read the workbook: {reason}")]
    Workbook { path: PathBuf, reason: String },
    #[error("{path}: no sheet named 「{sheet}」; the workbook has: {}", present.join(", "))]
    NoSuchSheet {
        path: PathBuf,
        sheet: String,
        present: Vec<String>,
    },
    #[error(
        "{path}: not a performance-target table: no sheet holds one; sheets looked at: {}",
        if looked_at.is_empty() { "none".to_string() } else { looked_at.join("; ") }
    )]
    NoTableInWorkbook {
        path: PathBuf,
        looked_at: Vec<String>,
    },
    #[error("{path}: cannot read the PDF: {reason}")]
    Pdf { path: PathBuf, reason: String },
    #[error("{path}: no performance-target table in {pages} pages")]
    NoTableInPdf { path: PathBuf, pages: usize },
    #[error("{path}: page {page} has no text layer (a scan); run OCR first")]
    ScannedPdf { path: PathBuf, page: u32 },
    #[error("{path}:{line}: not a performance-target table: {reason}")]
    NotATable {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl IngestError {
    pub fn path(&self) -> &Path {
        match self {
            IngestError::Io { path, .. }
            | IngestError::Decode { path, .. }
            | IngestError::TooLarge { path, .. }
            | IngestError::NoYear { path }
            | IngestError::NotATable { path, .. }
            | IngestError::Workbook { path, .. }
            | IngestError::NoSuchSheet { path, .. }
            | IngestError::NoTableInWorkbook { path, .. }
            | IngestError::Pdf { path, .. }
            | IngestError::NoTableInPdf { path, .. }
            | IngestError::ScannedPdf { path, .. } => path,
        }
    }

    /// The line the fault is on, when there is one.
    pub fn line(&self) -> usize {
        match self {
            IngestError::NotATable { line, .. } => *line,
            IngestError::Decode { source, .. } => source.line(),
            _ => 0,
        }
    }
}

/// How files are read.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub text: TextOptions,
    /// Force an encoding instead of detecting it.
    pub encoding: Option<&'static Encoding>,
    /// The budget year; when `None`, a 20xx year in the file name.
    pub year: Option<i32>,
    /// Workbook sheets to read; empty reads every sheet holding a table.
    /// A named sheet that does not exist is an error, never a fallback.
    pub sheets: Vec<String>,
    /// Take the year from the document's title before the file name.
    pub prefer_document_year: bool,
    /// Read every file as this kind instead of by extension.
    pub kind: Option<InputKind>,
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Text extracted from a PDF.
    Text,
    /// A workbook: .xlsx, .xls, .ods.
    Excel,
    /// A PDF (its tables read by [`crate::pdf`]).
    Pdf,
}

/// Reads and parses one file by its kind: text (PDF-extracted) unless its
/// extension names a workbook.
pub fn ingest_file(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    if opts.kind == Some(InputKind::Pdf) || (opts.kind.is_none() && crate::pdf::is_pdf_path(path)) {
        return crate::pdf::ingest_pdf(path, opts);
    }
    let workbook = match opts.kind {
        Some(InputKind::Excel) => true,
        Some(InputKind::Text | InputKind::Pdf) => false,
        None => excel::is_workbook_path(path),
    };
    if workbook {
        excel::ingest_workbook(path, opts)
    } else {
        ingest_text_file(path, opts)
    }
}

/// True when `path` is read as a workbook (by `opts.kind`, else by its
/// extension), as [`ingest_file`] decides.
pub fn is_workbook(path: &Path, opts: &IngestOptions) -> bool {
    match opts.kind {
        Some(InputKind::Excel) => true,
        Some(InputKind::Text | InputKind::Pdf) => false,
        None => !crate::pdf::is_pdf_path(path) && excel::is_workbook_path(path),
    }
}

/// Reads a file's content held in memory as [`ingest_file`] reads the file
/// at `path` (its name decides the kind and may hold the year; nothing is
/// read from disk). Not for workbooks ([`is_workbook`]): their readers read
/// files, and one given here is an error.
pub fn ingest_bytes(
    path: &Path,
    bytes: Vec<u8>,
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    if is_workbook(path, opts) {
        return Err(IngestError::Workbook {
            path: path.to_path_buf(),
            reason: "a workbook is read from a file, not from memory".into(),
        });
    }
    if opts.kind == Some(InputKind::Pdf) || (opts.kind.is_none() && crate::pdf::is_pdf_path(path)) {
        return crate::pdf::ingest_pdf_bytes(path, &bytes, opts);
    }
    ingest_text_bytes(path, bytes, opts)
}

/// Reads and parses one text file.
pub fn ingest_text_file(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    // One open and one fstat per file: an archive is tens of thousands.
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    // Through `take`: File's own read_to_end would stat the file again, and
    // the bound holds even if the file grew since.
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, MAX_INPUT_BYTES + 1),
        &mut bytes,
    )
    .map_err(io)?;
    ingest_text_bytes(path, bytes, opts)
}

/// Parses one text file's content, read already; `path` names it (its
/// file name is the source and may hold the year).
pub fn ingest_text_bytes(
    path: &Path,
    bytes: Vec<u8>,
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    let decoded =
        decode::decode_owned(bytes, opts.encoding).map_err(|source| IngestError::Decode {
            path: path.to_path_buf(),
            source,
        })?;
    let source = display_name(path);
    // The seed's layout first, as fast as ever; other layouts only when it
    // reads no indicator (a file of several tables is merged into one
    // document for now, units appended).
    let mut doc = text::parse(&source, &decoded.text, &opts.text);
    let mut unplaced = None;
    if doc.indicator_count() > 0 {
        doc.reader = Some("seed-text".into());
    } else {
        match crate::readers::read_text_grids(&source, &decoded.text) {
            GridReading::Read(d) => doc = d,
            GridReading::Unplaced {
                rows,
                reader,
                first,
            } => unplaced = Some((rows, reader, first)),
            GridReading::Nothing => {}
        }
    }
    doc.encoding = decoded.encoding.to_string();
    doc.year = Some(resolve_year(path, opts, doc.title.as_deref())?);
    if let Some((mut line, mut reason)) = text::not_a_table(&doc) {
        // "No rows found" is wrong when a grid reader did find rows but
        // placed none: say that instead, with the first row's reason.
        if reason == text::NO_ROWS
            && let Some((n, reader, first)) = unplaced
        {
            line = first.line;
            reason = format!(
                "{n} rows of a {reader} table found, none placed (first: {})",
                first.reason
            );
        }
        return Err(IngestError::NotATable {
            path: path.to_path_buf(),
            line,
            reason,
        });
    }
    Ok(doc)
}

/// The budget year of a file: `opts.year`, else a 20xx year in the file name,
/// else one in the document's title (`2024年项目支出绩效目标表`); with
/// `prefer_document_year`, the title comes before the file name.
pub fn resolve_year(
    path: &Path,
    opts: &IngestOptions,
    title: Option<&str>,
) -> Result<i32, IngestError> {
    let from_name = || year_from_name(&display_name(path));
    let from_title = || title.and_then(year_from_title);
    let year = if opts.prefer_document_year {
        opts.year.or_else(from_title).or_else(from_name)
    } else {
        opts.year.or_else(from_name).or_else(from_title)
    };
    year.ok_or_else(|| IngestError::NoYear {
        path: path.to_path_buf(),
    })
}

/// `2024年项目支出绩效目标表` → 2024: a 20xx year followed by 年 (or 年度).
pub fn year_from_title(title: &str) -> Option<i32> {
    let chars: Vec<char> = title.chars().collect();
    chars.windows(5).find_map(|w| {
        let (digits, rest) = w.split_at_checked(4)?;
        let digits: String = digits.iter().collect();
        (rest.first() == Some(&'年')
            && digits.starts_with("20")
            && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
    })
}

/// The grids the readers see in a file, rendered as `inspect --grid` prints
/// them: a PDF's tables, or the grid a text layout's reader builds. `None`
/// for the seed's text layout (it has no grid: indicator lists inside blocks)
/// and for workbooks (their sheets are the grid: open them).
pub fn inspect_grids(path: &Path, opts: &IngestOptions) -> Result<Option<String>, IngestError> {
    let pdf =
        opts.kind == Some(InputKind::Pdf) || (opts.kind.is_none() && crate::pdf::is_pdf_path(path));
    if pdf {
        let grids = crate::pdf::read_grids(path)?;
        let out: Vec<String> = grids
            .iter()
            .map(|g| format!("{}{}", crate::readers::roles_line(g), g.render()))
            .collect();
        return Ok((!out.is_empty()).then(|| out.join("\n")));
    }
    let workbook = match opts.kind {
        Some(InputKind::Excel) => true,
        Some(_) => false,
        None => excel::is_workbook_path(path),
    };
    if workbook {
        return Ok(None);
    }
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let decoded =
        decode::decode_owned(bytes, opts.encoding).map_err(|source| IngestError::Decode {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(crate::readers::inspect_grid(
        &display_name(path),
        &decoded.text,
    ))
}

/// The name a file is known by in outputs: its file name.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A budget year in a file name: the first `20xx` not inside a longer number.
pub fn year_from_name(name: &str) -> Option<i32> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3)).find_map(|i| {
        let &[a, z, c, d] = b.get(i..i + 4)? else {
            return None;
        };
        let before = i.checked_sub(1).and_then(|j| b.get(j)).copied();
        let after = b.get(i + 4).copied();
        (a == b'2'
            && z == b'0'
            && c.is_ascii_digit()
            && d.is_ascii_digit()
            && !before.is_some_and(|x| x.is_ascii_digit())
            && !after.is_some_and(|x| x.is_ascii_digit()))
        .then(|| i32::from(c - b'0') * 10 + i32::from(d - b'0') + 2000)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_from_titles() {
        assert_eq!(year_from_title("2024年项目支出绩效目标表"), Some(2024));
        assert_eq!(year_from_title("广州市2023年度部门预算"), Some(2023));
        assert_eq!(
            year_from_title("项目支出绩效目标表（含转移支付项目）"),
            None
        );
        assert_eq!(year_from_title("1999年"), None);
    }

    #[test]
    fn years_from_file_names() {
        assert_eq!(year_from_name("laisui_2024.txt"), Some(2024));
        assert_eq!(year_from_name("2023年广州.txt"), Some(2023));
        assert_eq!(year_from_name("000_236624cf1865c8cf.txt"), None);
        assert_eq!(year_from_name("x120245.txt"), None);
    }
}

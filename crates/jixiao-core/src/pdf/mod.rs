//! PDF input: the tables as departments publish them, read with the
//! `pdfplumber` crate (characters with boxes, rules, a table finder).
//!
//! Each page's ruled tables (or, on a page without rules, a table found by
//! the text's alignment) become cells with their spans ([`layout`]); a table
//! continued over several pages becomes one [`Grid`] ([`stitch`]), which the
//! workbook readers read ([`excel::read_grid`]) as they read a sheet. Tables
//! no reader recognises (a disclosure's 收支总表, 三公经费 …) are skipped
//! without a word; a PDF holding none is refused. Fonts whose codes
//! pdfplumber 0.4.1 misreads (predefined UCS-2 CMaps) are decoded here
//! ([`fonts`]). Before the library sees a file, what it may cost is
//! checked ([`preflight`]): decoded stream sizes, a page tree that loops,
//! objects per page, content streams cut short.
//!
//! [`Grid`]: crate::grid::Grid

mod aligned;
mod fonts;
mod layout;
mod preflight;
mod stitch;
mod undecoded;

use std::path::Path;

use pdfplumber::{Char, Pdf};

use crate::ingest::{
    IngestError, IngestOptions, MAX_INPUT_BYTES, display_name, excel, resolve_year,
};
use crate::model::{Document, Position, Reject, RejectKind};

/// True when the file's extension is `.pdf` (any case).
pub fn is_pdf_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// Reads a PDF as [`crate::ingest::ingest_file`] does: its target tables,
/// and the budget year (`opts.year`, the file name or the title).
pub fn ingest_pdf(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    let mut doc = read_pdf(path)?;
    doc.year = Some(resolve_year(path, opts, doc.title.as_deref())?);
    Ok(doc)
}

/// Reads the performance-target tables of a PDF into one document (year
/// not set). A PDF with none is an error, as is a scan, a PDF whose text
/// cannot be decoded, and a damaged file.
pub fn read_pdf(path: &Path) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_PDF_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_PDF_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    read_pdf_bytes(&display_name(path), &bytes).map_err(|f| f.at(path))
}

/// Largest PDF read. The file's bytes and lopdf's copy of its objects are
/// in memory together (about twice the file at the peak), so a PDF gets a
/// lower limit than other inputs: at 400 MiB the peak stays under 1 GB.
pub const MAX_PDF_BYTES: u64 = if MAX_INPUT_BYTES < 400 * 1024 * 1024 {
    MAX_INPUT_BYTES
} else {
    400 * 1024 * 1024
};

/// Why a PDF gave no document; [`Fault::at`] names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Not a readable PDF (damaged, truncated, encrypted, or the PDF library failed on it).
    Unreadable(String),
    /// Pages read, no target table among them.
    NoTable { pages: usize },
    /// A page with images and no text, and no table found elsewhere.
    Scan { page: u32 },
}

impl Fault {
    pub fn at(self, path: &Path) -> IngestError {
        let path = path.to_path_buf();
        match self {
            Fault::Unreadable(reason) => IngestError::Pdf { path, reason },
            Fault::NoTable { pages } => IngestError::NoTableInPdf { path, pages },
            Fault::Scan { page } => IngestError::ScannedPdf { path, page },
        }
    }
}

/// The grids a PDF's tables make, one per table (continued pages joined),
/// before any reader sees them: what `inspect --grid` prints.
pub fn read_grids(path: &Path) -> Result<Vec<crate::grid::Grid>, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let source = display_name(path);
    let (pages, _) = read_pages(&source, &bytes).map_err(|f| f.at(path))?;
    Ok(stitch::runs(&pages)
        .iter()
        .map(|r| stitch::grid(&source, r))
        .collect())
}

/// What one page gave.
enum PageRead {
    /// The page's tables and lines, and the columns of an unruled table.
    Content(layout::PageContent, Option<aligned::Columns>),
    /// Images and no text.
    Scan,
    /// Text that decodes to replacement or private-use characters.
    Garbled(String),
    Failed(String),
}

/// Reads a PDF held in memory; `source` is its file name in outputs. The PDF
/// library runs under `catch_unwind`: a panic inside it on hostile bytes is
/// this file's error, never the end of the run.
pub fn read_pdf_bytes(source: &str, bytes: &[u8]) -> Result<Document, Fault> {
    let (pages, seen) = read_pages(source, bytes)?;
    let PagesSeen {
        count: n,
        rejects,
        scans,
        failed,
    } = seen;
    let mut docs = Vec::new();
    for run in stitch::runs(&pages) {
        let g = stitch::grid(source, &run);
        if let Ok(t) = excel::read_grid(&g)
            && t.doc.indicator_count() > 0
        {
            docs.push((g.name.clone(), t.doc));
        }
    }
    if docs.is_empty()
        && let Some(doc) = read_as_text(source, &pages)
    {
        docs.push(("text".into(), doc));
    }
    if docs.is_empty() {
        if let Some(&page) = scans.first() {
            return Err(Fault::Scan { page });
        }
        if let Some(r) = rejects.first().filter(|_| pages.is_empty()) {
            return Err(Fault::Unreadable(r.reason.clone()));
        }
        if !failed.is_empty() && pages.is_empty() {
            return Err(Fault::Unreadable(failed.join("; ")));
        }
        if !failed.is_empty() {
            // The table may be on the pages not read: say so, not "no table".
            return Err(Fault::Unreadable(format!(
                "no performance-target table in the {} pages read, and {}",
                pages.len(),
                failed.join("; ")
            )));
        }
        return Err(Fault::NoTable { pages: n });
    }
    let mut doc = merge(source, docs);
    doc.rejects.extend(rejects);
    // Rows whose fonts did not decode (a page of few such characters is
    // read): rejects with their page, never data.
    undecoded::withdraw(&mut doc);
    Ok(doc)
}

/// Largest text of a PDF's pages read again by the text readers.
const MAX_TEXT_FALLBACK_BYTES: usize = 2 * 1024 * 1024;

/// A PDF whose tables hold no target table (a table drawn without rules,
/// text in columns): its pages as text at fixed offsets, read by the text
/// readers; positions put back as the pages' boxes.
fn read_as_text(source: &str, pages: &[layout::PageContent]) -> Option<Document> {
    let mut text = String::new();
    let mut places: Vec<Position> = Vec::new();
    for p in pages {
        for l in &p.layout {
            text.push_str(&l.text);
            text.push('\n');
            places.push(stitch_pos(p.number, &l.bbox));
        }
        // A long document with no table of targets (a budget disclosure, a
        // report) is not searched line by line: the bound keeps it quick.
        if text.len() > MAX_TEXT_FALLBACK_BYTES {
            return None;
        }
    }
    let crate::readers::GridReading::Read(mut doc) = crate::readers::read_text_grids(source, &text)
    else {
        return None;
    };
    if doc.indicator_count() == 0 {
        return None;
    }
    let at = |line: usize| {
        line.checked_sub(1)
            .and_then(|i| places.get(i))
            .cloned()
            .unwrap_or_default()
    };
    for u in &mut doc.units {
        for p in &mut u.projects {
            for i in &mut p.indicators {
                i.pos = at(i.line);
            }
        }
    }
    for r in &mut doc.rejects {
        r.pos = at(r.line);
    }
    for w in &mut doc.warnings {
        w.pos = at(w.line);
    }
    Some(doc)
}

fn stitch_pos(page: u32, b: &pdfplumber::BBox) -> Position {
    let r = |v: f64| v.round().clamp(0.0, f64::from(u32::MAX)) as u32;
    Position::Pdf {
        page,
        bbox: [r(b.x0), r(b.top), r(b.x1), r(b.bottom)],
    }
}

/// What reading the pages found besides their content.
struct PagesSeen {
    count: usize,
    rejects: Vec<Reject>,
    scans: Vec<u32>,
    failed: Vec<String>,
}

fn read_pages(source: &str, bytes: &[u8]) -> Result<(Vec<layout::PageContent>, PagesSeen), Fault> {
    // Limits first (streams, page tree, objects per page): the library
    // below has none it enforces.
    let plan = guarded(|| preflight::check(bytes))
        .and_then(|r| r)
        .map_err(Fault::Unreadable)?;
    let pdf = guarded(|| Pdf::open_bytes(bytes, None).map_err(|e| e.to_string()))
        .and_then(|r| r)
        .map_err(|e| Fault::Unreadable(format!("not a readable PDF: {e}")))?;
    let n = pdf.page_count();
    let fixer = fonts::Fixer::new(plan.doc);
    let mut pages = Vec::with_capacity(n);
    let mut trouble = Vec::new();
    let mut scans = Vec::new();
    // The columns of the last unruled page: the next one keeps them if its
    // own are the same (a table printed without rules over several pages).
    let mut columns: Option<aligned::Columns> = None;
    for i in 0..n {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let read = match plan.skip.get(&i) {
            Some(why) => PageRead::Failed(why.clone()),
            None => guarded(|| read_page(&pdf, &fixer, i, number, columns.as_ref()))
                .unwrap_or_else(PageRead::Failed),
        };
        let read = match read {
            PageRead::Content(c, cols) => {
                columns = cols;
                PageRead::Content(c, None)
            }
            other => {
                columns = None;
                other
            }
        };
        match read {
            PageRead::Content(c, _) => pages.push(c),
            PageRead::Scan => {
                scans.push(number);
                trouble.push((number, Trouble::Scan, String::new()));
            }
            PageRead::Garbled(why) => trouble.push((number, Trouble::Garbled, why)),
            PageRead::Failed(why) => trouble.push((number, Trouble::Failed, why)),
        }
    }
    // A run of pages with the same trouble is one reject with its count
    // (a file of ten thousand pages over a limit is not ten thousand rows).
    let mut runs: Vec<(u32, u32, Trouble, String)> = Vec::new();
    for (page, kind, why) in trouble {
        match runs.last_mut() {
            Some((_, last, k, w)) if *last + 1 == page && *k == kind && *w == why => *last = page,
            _ => runs.push((page, page, kind, why)),
        }
    }
    let mut rejects = Vec::new();
    let mut failed = Vec::new();
    for (first, last, kind, why) in runs {
        let pages = if first == last {
            format!("page {first}")
        } else {
            format!("pages {first}–{last} ({} pages)", last - first + 1)
        };
        let reason = match kind {
            Trouble::Scan if first == last => {
                format!("{pages} has no text layer (a scan); run OCR first")
            }
            Trouble::Scan => format!("{pages} have no text layer (scans); run OCR first"),
            Trouble::Garbled => format!("{pages}: {why}; not read"),
            Trouble::Failed => {
                failed.push(format!("{pages}: {why}"));
                format!("{pages} cannot be read: {why}")
            }
        };
        rejects.push(Reject {
            source: source.to_string(),
            line: first as usize,
            text: String::new(),
            reason,
            kind: RejectKind::File,
            pos: Position::Pdf {
                page: first,
                bbox: [0; 4],
            },
        });
    }
    Ok((
        pages,
        PagesSeen {
            count: n,
            rejects,
            scans,
            failed,
        },
    ))
}

/// What kept a page from being read, for [`read_pages`]' runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trouble {
    Scan,
    Garbled,
    Failed,
}

/// Runs third-party code on untrusted bytes, turning a panic into an error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        format!("the PDF library failed on this file ({what})")
    })
}

fn read_page(
    pdf: &Pdf,
    fixer: &fonts::Fixer,
    i: usize,
    number: u32,
    columns: Option<&aligned::Columns>,
) -> PageRead {
    let page = match pdf.page(i) {
        Ok(p) => p,
        Err(e) => return PageRead::Failed(e.to_string()),
    };
    let mut chars: Vec<Char> = page.chars().to_vec();
    if let Err(why) = fixer.mend(i, &page, &mut chars) {
        return PageRead::Garbled(why);
    }
    // Blank glyphs carry no text, and glyphs outside the page are clipped
    // away (a merged cell's text drawn above the top of a continued page).
    let (w, h) = (page.width(), page.height());
    chars.retain(|c| {
        let (x, y) = (
            (c.bbox.x0 + c.bbox.x1) / 2.0,
            (c.bbox.top + c.bbox.bottom) / 2.0,
        );
        !c.text.trim().is_empty() && (0.0..=w).contains(&x) && (0.0..=h).contains(&y)
    });
    if chars.is_empty() {
        return if page.images().is_empty() {
            PageRead::Content(
                layout::PageContent {
                    number,
                    ..Default::default()
                },
                None,
            )
        } else {
            PageRead::Scan
        };
    }
    if let Some(why) = garbled(&chars) {
        return PageRead::Garbled(why);
    }
    let (content, cols) = layout::analyse(
        number,
        page.width(),
        page.height(),
        &chars,
        page.edges(),
        columns,
    );
    PageRead::Content(content, cols)
}

/// Why a page's text is not text: replacement characters (U+FFFD),
/// private-use code points or `(cid:N)` placeholders, where a font has no
/// usable map to Unicode.
fn garbled(chars: &[Char]) -> Option<String> {
    let bad = chars
        .iter()
        .filter(|c| c.text.starts_with("(cid:") || c.text.chars().any(undecoded::undecoded_char))
        .count();
    // A page with a few is read (its rows holding them become rejects,
    // [`undecoded::withdraw`]); a page of them is not.
    (bad * 10 > chars.len() || bad > 50).then(|| {
        format!(
            "{bad} of {} characters come out as replacement or private-use characters (a font without a usable Unicode map)",
            chars.len()
        )
    })
}

/// One document from the tables of a PDF, in page order; a unit that goes on
/// in the next table (a form per project of the same unit) stays one unit.
fn merge(source: &str, docs: Vec<(String, Document)>) -> Document {
    let mut out = Document::new(source);
    let mut names = Vec::new();
    for (name, d) in docs {
        names.push(name);
        out.title = out.title.or(d.title);
        out.reader = out.reader.or(d.reader);
        out.department = out.department.or(d.department);
        out.money_unit = d.money_unit;
        if out.grand_total.is_none() {
            out.grand_total = d.grand_total;
            out.grand_total_line = d.grand_total_line;
        }
        for u in d.units {
            match out.units.last_mut() {
                Some(last) if last.name == u.name && u.amounts.is_none() => {
                    last.projects.extend(u.projects)
                }
                _ => out.units.push(u),
            }
        }
        out.rejects.extend(d.rejects);
        out.warnings.extend(d.warnings);
    }
    // `pdf, pages 1-4`; a PDF of many forms: `pdf, 10 tables, page 1 to page 5`.
    out.encoding = match (names.first(), names.last()) {
        (Some(a), Some(b)) if names.len() > 3 => {
            format!("pdf, {} tables, {a} to {b}", names.len())
        }
        _ => format!("pdf, {}", names.join(", ")),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pdfplumber::BBox;

    fn ch(text: &str) -> Char {
        Char {
            text: text.into(),
            bbox: BBox::new(0.0, 0.0, 10.0, 10.0),
            fontname: "F".into(),
            size: 10.0,
            advance: 1000.0,
            doctop: 0.0,
            upright: true,
            direction: pdfplumber::TextDirection::default(),
            stroking_color: None,
            non_stroking_color: None,
            ctm: [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            char_code: 0,
            mcid: None,
            tag: None,
        }
    }

    #[test]
    fn pages_of_replacement_or_private_use_characters_are_not_text() {
        let good: Vec<Char> = "项目名称专项工作经费"
            .chars()
            .map(|c| ch(&c.to_string()))
            .collect();
        assert_eq!(garbled(&good), None);
        let mut one_bad = good.clone();
        one_bad.push(ch("\u{E001}"));
        assert_eq!(
            garbled(&one_bad),
            None,
            "a stray private-use symbol is tolerated"
        );
        let pua: Vec<Char> = (0xE000..0xE020u32)
            .filter_map(char::from_u32)
            .map(|c| ch(&c.to_string()))
            .collect();
        let why = garbled(&pua).unwrap();
        assert!(why.contains("32 of 32 characters"), "{why}");
        let fffd: Vec<Char> = (0..20)
            .map(|_| ch("\u{FFFD}"))
            .chain(good.clone())
            .collect();
        assert!(garbled(&fffd).is_some());
        let cid: Vec<Char> = (0..20).map(|i| ch(&format!("(cid:{i})"))).collect();
        assert!(garbled(&cid).is_some());
    }
}

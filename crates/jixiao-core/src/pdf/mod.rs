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

/// [`ingest_pdf`] of a PDF's bytes, read already; `path` names it.
pub fn ingest_pdf_bytes(
    path: &Path,
    bytes: &[u8],
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES,
        });
    }
    let mut doc = read_pdf_bytes(&display_name(path), bytes).map_err(|f| f.at(path))?;
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
    let runs = stitch::runs(&pages);
    let grids: Vec<crate::grid::Grid> = runs.iter().map(|r| stitch::grid(source, r)).collect();
    for (i, (run, g)) in runs.iter().zip(&grids).enumerate() {
        if let Ok(t) = excel::read_grid(g)
            && t.doc.indicator_count() > 0
        {
            // A key-value table drawn just above (项目名称 | X | 主管部门 | Y)
            // names the project the indicator table itself does not.
            let before = i
                .checked_sub(1)
                .and_then(|j| Some((runs.get(j)?, grids.get(j)?)))
                .filter(|(prev, _)| follows(prev, run));
            let mut doc = match before {
                Some((_, head)) if !names_a_project(&t.doc) => {
                    with_head_block(head, g, &t.doc).unwrap_or(t.doc)
                }
                _ => t.doc,
            };
            name_by_title(&mut doc);
            docs.push((g.name.clone(), doc));
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

/// Whether a table begins right under the run before it: on the same page
/// or at the top of the next, with no title line between them (a title
/// starts another form).
fn follows(prev: &stitch::Run, run: &stitch::Run) -> bool {
    let page = prev.last_page();
    (run.first_page() == page || run.first_page() == page.saturating_add(1))
        && !run.above.iter().any(|(_, l)| is_table_title(&l.text))
}

/// A table's title (`项目支出预算表`, `绩效目标表（2024年度）`): a short
/// line, no sentence, ending with 表 or with 表 and a note in brackets.
fn is_table_title(t: &str) -> bool {
    let k = crate::vocab::key(t);
    let k = match k.rfind('(') {
        Some(i) if k.ends_with(')') => k.get(..i).unwrap_or(&k),
        _ => &k,
    };
    k.ends_with('表') && k.chars().count() <= 40 && !k.contains(['，', '。', ',', ';', '；'])
}

/// Indicators with no project frame under a title that names the project
/// (`2024年农村饮水工程维修养护项目绩效目标表`): that project, as the text
/// readers do.
fn name_by_title(doc: &mut Document) {
    if names_a_project(doc) {
        return;
    }
    let Some(named) = doc
        .title
        .as_deref()
        .and_then(crate::vocab::project_in_title)
    else {
        return;
    };
    for p in doc.units.iter_mut().flat_map(|u| u.projects.iter_mut()) {
        if !p.indicators.is_empty() {
            p.name.clone_from(&named);
        }
    }
}

/// True when some project of the document has a name.
fn names_a_project(doc: &Document) -> bool {
    doc.units
        .iter()
        .flat_map(|u| &u.projects)
        .any(|p| !p.name.trim().is_empty())
}

/// The indicator table read with the key-value table above it (`head`) as
/// its head block: kept when the head block names the project and the
/// indicators read are the same as without it. A head block that reads
/// indicators or has column heads of its own (another table, a
/// self-evaluation's head), or whose title calls it an evaluation, names
/// nothing here.
fn with_head_block(
    head: &crate::grid::Grid,
    table: &crate::grid::Grid,
    alone: &Document,
) -> Option<Document> {
    if excel::read_grid(head).is_ok_and(|t| t.doc.indicator_count() > 0)
        || excel::column_roles(head).is_some()
    {
        return None;
    }
    let text: String = head.rows.iter().map(|r| r.joined() + "\n").collect();
    if crate::textgrid::is_evaluation_document(&text) {
        return None;
    }
    let mut joined = head.clone();
    for r in &table.rows {
        joined.push_row(r.cells.clone(), r.pos.clone());
    }
    joined.name.clone_from(&table.name);
    let doc = excel::read_grid(&joined).ok()?.doc;
    let rows = |d: &Document| -> Vec<_> {
        d.units
            .iter()
            .flat_map(|u| &u.projects)
            .flat_map(|p| &p.indicators)
            .map(|i| {
                (
                    i.level.clone(),
                    i.category.clone(),
                    i.name.clone(),
                    i.cycle_value.clone(),
                    i.annual_value.clone(),
                )
            })
            .collect()
    };
    (names_a_project(&doc) && rows(&doc) == rows(alone)).then_some(doc)
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

    /// A PDF grid of rows of `(column, text)` cells.
    fn pdf_grid(rows: &[&[(u32, &str)]]) -> crate::grid::Grid {
        let mut g = crate::grid::Grid::new("t.pdf", "page 1", crate::grid::GridSource::Pdf);
        for (r, row) in rows.iter().enumerate() {
            let pos = Position::Pdf {
                page: 1,
                bbox: [0, u32::try_from(r).unwrap() * 20, 500, 20],
            };
            let cells = row
                .iter()
                .map(|(c, t)| crate::grid::Cell::new(0, *c, *t, pos.clone()))
                .collect();
            g.push_row(cells, pos);
        }
        g
    }

    fn indicator_table() -> crate::grid::Grid {
        pdf_grid(&[
            &[
                (0, "一级指标"),
                (1, "二级指标"),
                (2, "三级指标"),
                (3, "指标值"),
            ],
            &[
                (0, "产出指标"),
                (1, "数量指标"),
                (2, "补贴发放人数"),
                (3, "≥520人"),
            ],
            &[
                (0, "产出指标"),
                (1, "时效指标"),
                (2, "补贴按月发放"),
                (3, "每月10日前"),
            ],
            &[
                (0, "满意度指标"),
                (1, "服务对象满意度指标"),
                (2, "老年人满意度"),
                (3, "≥92%"),
            ],
        ])
    }

    fn project_names(d: &Document) -> Vec<String> {
        d.units
            .iter()
            .flat_map(|u| &u.projects)
            .map(|p| p.name.clone())
            .collect()
    }

    #[test]
    fn a_key_value_table_above_names_the_project_of_the_table_below() {
        let table = indicator_table();
        let alone = excel::read_grid(&table).unwrap().doc;
        assert_eq!(alone.indicator_count(), 3);
        assert!(!names_a_project(&alone));
        let head = pdf_grid(&[
            &[(0, "绩效目标申报表")],
            &[
                (0, "项目名称"),
                (1, "社区居家养老服务补贴"),
                (2, "项目负责人"),
                (3, "周某"),
            ],
            &[
                (0, "主管部门"),
                (1, "某区民政局"),
                (2, "实施期限"),
                (3, "一年"),
            ],
        ]);
        let doc = with_head_block(&head, &table, &alone).unwrap();
        assert_eq!(
            project_names(&doc),
            vec!["社区居家养老服务补贴".to_string()]
        );
        assert_eq!(doc.indicator_count(), 3);
    }

    #[test]
    fn a_head_block_of_another_kind_of_table_names_nothing() {
        let table = indicator_table();
        let alone = excel::read_grid(&table).unwrap().doc;
        // A self-evaluation's head block.
        let eval = pdf_grid(&[
            &[(0, "项目支出绩效自评表")],
            &[(0, "项目名称"), (1, "社区居家养老服务补贴")],
        ]);
        assert!(with_head_block(&eval, &table, &alone).is_none());
        // A list of projects with column heads: no head block of one table.
        let list = pdf_grid(&[
            &[(0, "序号"), (1, "项目名称"), (2, "预算金额")],
            &[(0, "1"), (1, "社区居家养老服务补贴"), (2, "120.00")],
        ]);
        assert!(with_head_block(&list, &table, &alone).is_none());
        // A head block without a project label: nothing to give.
        let plain = pdf_grid(&[&[(0, "主管部门"), (1, "某区民政局")]]);
        assert!(with_head_block(&plain, &table, &alone).is_none());
    }

    #[test]
    fn a_title_that_names_the_project_names_an_unnamed_table() {
        let mut rows: Vec<&[(u32, &str)]> = vec![&[(0, "2025年村级公益事业奖补资金绩效目标表")]];
        let table = indicator_table();
        let body: Vec<Vec<(u32, &str)>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| (c.col, c.text.as_str())).collect())
            .collect();
        rows.extend(body.iter().map(Vec::as_slice));
        let mut doc = excel::read_grid(&pdf_grid(&rows)).unwrap().doc;
        name_by_title(&mut doc);
        assert_eq!(
            project_names(&doc),
            vec!["村级公益事业奖补资金".to_string()]
        );
        // Near miss: a title of a table's kind names no project.
        let mut generic: Vec<&[(u32, &str)]> = vec![&[(0, "项目支出绩效目标表")]];
        generic.extend(body.iter().map(Vec::as_slice));
        let mut doc = excel::read_grid(&pdf_grid(&generic)).unwrap().doc;
        name_by_title(&mut doc);
        assert_eq!(project_names(&doc), vec![String::new()]);
    }

    #[test]
    fn table_titles_between_tables() {
        for t in [
            "项目支出预算表",
            "绩效目标表（2025年度）",
            "部门整体支出绩效目标表",
        ] {
            assert!(is_table_title(t), "{t}");
        }
        for t in [
            "二、绩效指标",
            "单位：万元",
            "本表填列说明：各单位据实填报表格。",
        ] {
            assert!(!is_table_title(t), "{t}");
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

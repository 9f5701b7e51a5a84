//! What a PDF may cost, measured with lopdf before pdfplumber opens it.
//!
//! pdfplumber 0.4.1 loads with lopdf's unbounded loader and decodes every
//! stream it needs without a limit, follows `/Parent` links for inherited
//! page attributes without noticing a loop, and counts a page's objects
//! only after it has built them. So a file of a few hundred bytes can hang
//! a run, and one of a few kilobytes can take gigabytes. Here the file is
//! loaded once with a bound on each decoded stream, and:
//!
//! - every stream that the library may decode (all but images, whose data
//!   it does not read) must decode to at most [`MAX_STREAM_BYTES`]: else the
//!   file is refused, naming the object and the limit;
//! - every page's chain of `/Parent` links must end: a loop refuses the file;
//! - each page's content is decoded and its drawing operators counted, each
//!   form as often as it is drawn: a page over [`MAX_PAGE_OBJECTS`] is not
//!   read (a reject naming it);
//! - a page whose content stream is damaged (Flate data cut or corrupt,
//!   which lopdf would hand over silently as the part it could read) is not
//!   read either: a cut content can print `10` for `100%`.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use flate2::{Decompress, FlushDecompress, Status};
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId, Stream};

/// Largest decoded stream (a page's content, a form, a font, an object
/// stream), and largest decoded content of one page. Real ones are far
/// smaller: table pages a few hundred KB, a CJK font with every glyph ~20 MB.
pub const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Most objects one page may draw (glyphs, path segments, images; a form
/// counted each time it is drawn): the default that pdfplumber documents
/// (`max_objects_per_page`) but does not enforce. Each costs the library
/// and the layout about a kilobyte.
pub const MAX_PAGE_OBJECTS: u64 = 100_000;
/// Most objects all pages of one file may draw: ten thousand pages of a
/// dense table (real ones draw 500 to 9,000 a page), and about 40 seconds
/// of the library's time. Pages after the budget is spent are not read.
pub const MAX_FILE_OBJECTS: u64 = 10_000_000;
/// Deepest chain of `/Parent` links followed, and of forms drawn in forms
/// (pdfplumber itself stops forms at 10).
const MAX_DEPTH: usize = 64;
const MAX_FORM_DEPTH: usize = 12;

/// What the check found that does not refuse the whole file.
#[derive(Default)]
pub(super) struct Plan {
    /// Pages (0-based) not to give to the library, and why.
    pub skip: HashMap<usize, String>,
    /// The loaded document, kept for the font fixer when it may need it.
    pub doc: Option<Document>,
}

/// Checks `bytes` before the PDF library sees them. `Err` refuses the file
/// with a reason; a file lopdf cannot load at all is left to the library's
/// own error (it holds nothing that could be decoded or followed).
pub(super) fn check(bytes: &[u8]) -> Result<Plan, String> {
    let opts = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        filter: Some(bound_stream),
        ..LoadOptions::default()
    };
    let mut doc = match Document::load_mem_with_options(bytes, opts) {
        Ok(d) => d,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(too_big("an object or cross-reference stream"));
        }
        Err(e) => {
            // pdfplumber repairs a wrong startxref or a cut xref table and
            // then loads with lopdf unbounded: such a file is not read, as
            // its streams and page tree cannot be checked first.
            return Err(format!("not a readable PDF: {e}"));
        }
    };
    // lopdf loads an encrypted file without the filter; the library
    // decrypts with the empty password, and so is it checked here.
    let encrypted = doc.is_encrypted();
    if encrypted && doc.decrypt("").is_err() {
        // The library asks for a password and reads no page.
        return Ok(Plan::default());
    }
    for (id, obj) in &doc.objects {
        let over = match obj {
            Object::Name(n) => n == OVER_LIMIT,
            // An object stream over lopdf's limit is dropped without a
            // word when the file is encrypted; the library would inflate it.
            Object::Stream(s) => {
                (encrypted || s.dict.has_type(b"ObjStm"))
                    && !is_image(s)
                    && matches!(decode(s), Err(Trouble::TooBig))
            }
            _ => false,
        };
        if over {
            return Err(too_big(&format!("object {} {}", id.0, id.1)));
        }
    }
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    let mut skip = HashMap::new();
    let mut counter = Counter {
        doc: &doc,
        forms: HashMap::new(),
        open: HashSet::new(),
        fonts: HashMap::new(),
        damage: None,
    };
    let mut spent: u64 = 0;
    for (i, &page) in pages.iter().enumerate() {
        let number = i + 1;
        let chain = parents(&doc, page).map_err(|why| format!("page {number}: {why}"))?;
        if spent > MAX_FILE_OBJECTS {
            skip.insert(
                i,
                format!(
                    "the file's pages up to it draw more than {MAX_FILE_OBJECTS} objects, the limit for one file"
                ),
            );
            continue;
        }
        if let Some(why) = misspelt_key(&doc, page) {
            skip.insert(i, why);
            continue;
        }
        match counter.page(page, &chain) {
            Ok(n) if n <= MAX_PAGE_OBJECTS && spent.saturating_add(n) > MAX_FILE_OBJECTS => {
                spent = spent.saturating_add(n);
                skip.insert(
                    i,
                    format!(
                        "the file's pages up to it draw more than {MAX_FILE_OBJECTS} objects, the limit for one file"
                    ),
                );
            }
            Ok(n) if n > MAX_PAGE_OBJECTS => {
                skip.insert(
                    i,
                    format!(
                        "more than {MAX_PAGE_OBJECTS} objects drawn (glyphs, lines, \
                         rectangles; a form counted each time it is drawn), the limit for one page"
                    ),
                );
            }
            Ok(n) => spent = spent.saturating_add(n),
            Err(why) => {
                skip.insert(i, why);
            }
        }
    }
    drop(counter);
    // The font fixer reads the same document (only a file that may hold a
    // UCS-2 font keeps it: the CMap name is plain text unless the fonts sit
    // in compressed object streams).
    let fixer_may_need = memchr::memmem::find(bytes, b"UCS2").is_some()
        || memchr::memmem::find(bytes, b"UTF16").is_some()
        || memchr::memmem::find(bytes, b"/ObjStm").is_some();
    Ok(Plan {
        skip,
        doc: fixer_may_need.then_some(doc),
    })
}

/// What [`bound_stream`] leaves in place of a stream over the limit.
const OVER_LIMIT: &[u8] = b"jixiao.preflight.stream-over-limit";

/// lopdf's load filter, run on each object as it is read and before an
/// object stream is inflated: a stream (not an image) that decodes to more
/// than [`MAX_STREAM_BYTES`] is replaced by a marker, found after the load.
/// (lopdf drops an object stream over its own limit without a word, and
/// pdfplumber's loader, which has none, would then inflate it whole.)
fn bound_stream(id: ObjectId, obj: &mut Object) -> Option<(ObjectId, Object)> {
    // lopdf keeps the object as changed in place at the top level (the
    // returned one is dropped there), and the returned one for the objects
    // of an object stream, which are never streams.
    if let Object::Stream(s) = obj {
        if !is_image(s) && matches!(decode(s), Err(Trouble::TooBig)) {
            *obj = Object::Name(OVER_LIMIT.to_vec());
        }
        return Some((id, Object::Null));
    }
    Some((id, obj.clone()))
}

fn too_big(what: &str) -> String {
    format!(
        "{what} decodes to more than {} MiB, the limit for one stream (a decompression bomb or a damaged file)",
        MAX_STREAM_BYTES / (1024 * 1024)
    )
}

fn is_image(s: &Stream) -> bool {
    matches!(s.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Image")
}

/// The page's ancestors by their `/Parent` links, nearest first; `Err` when
/// they loop (the library would follow them for ever) or run too deep.
fn parents(doc: &Document, page: ObjectId) -> Result<Vec<ObjectId>, String> {
    let mut seen = HashSet::from([page]);
    let mut chain = Vec::new();
    let mut at = page;
    while let Ok(dict) = doc.get_dictionary(at)
        && let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference)
    {
        if !seen.insert(parent) {
            return Err(format!(
                "the page tree loops (object {} {} is its own ancestor)",
                parent.0, parent.1
            ));
        }
        if chain.len() >= MAX_DEPTH {
            return Err(format!("the page tree is deeper than {MAX_DEPTH} levels"));
        }
        chain.push(parent);
        at = parent;
    }
    Ok(chain)
}

/// The keys a page dictionary may hold (PDF 2.0, table 31).
const PAGE_KEYS: &[&[u8]] = &[
    b"Type",
    b"Parent",
    b"LastModified",
    b"Resources",
    b"MediaBox",
    b"CropBox",
    b"BleedBox",
    b"TrimBox",
    b"ArtBox",
    b"BoxColorInfo",
    b"Contents",
    b"Rotate",
    b"Group",
    b"Thumb",
    b"B",
    b"Dur",
    b"Trans",
    b"Annots",
    b"AA",
    b"Metadata",
    b"PieceInfo",
    b"StructParents",
    b"ID",
    b"PZ",
    b"SeparationInfo",
    b"Tabs",
    b"TemplateInstantiated",
    b"PresSteps",
    b"UserUnit",
    b"VP",
    b"AF",
    b"OutputIntents",
    b"DPart",
];

/// A page whose dictionary lacks a key it needs and holds one a byte away
/// from it (`/Conrents` for `/Contents`): a damaged file, whose page the
/// library would read as blank or without its fonts, quietly.
fn misspelt_key(doc: &Document, page: ObjectId) -> Option<String> {
    let dict = doc.get_dictionary(page).ok()?;
    let needed: [&[u8]; 3] = [b"Contents", b"Resources", b"MediaBox"];
    for (key, _) in dict.iter() {
        let key: &[u8] = key;
        if PAGE_KEYS.contains(&key) {
            continue;
        }
        let Some(near) = needed.iter().find(|want| {
            dict.get(want).is_err()
                && want.len() == key.len()
                && want.iter().zip(key).filter(|(a, b)| a != b).count() == 1
        }) else {
            continue;
        };
        return Some(format!(
            "its dictionary holds /{} where /{} is missing (a damaged file); the page would be read without it",
            String::from_utf8_lossy(key),
            String::from_utf8_lossy(near)
        ));
    }
    None
}

/// Why a stream's data could not be had.
#[derive(Debug, PartialEq, Eq)]
enum Trouble {
    TooBig,
    /// Flate data cut short or corrupt before its end.
    Damaged(String),
    /// A filter decoded elsewhere or not at all (the library fails the same way).
    Other,
}

/// A stream's decoded bytes, at most [`MAX_STREAM_BYTES`]. Flate, ASCII85
/// and ASCIIHex are decoded here, so that data cut short or corrupt is known
/// as such (lopdf hands over what it could read); other filters by lopdf.
fn decode(s: &Stream) -> Result<Cow<'_, [u8]>, Trouble> {
    let Ok(filters) = s.filters() else {
        // No /Filter: the bytes as stored.
        return if s.content.len() > MAX_STREAM_BYTES {
            Err(Trouble::TooBig)
        } else {
            Ok(Cow::Borrowed(&s.content))
        };
    };
    let mut data: Cow<'_, [u8]> = Cow::Borrowed(&s.content);
    for f in &filters {
        let f: &[u8] = f;
        data = Cow::Owned(match f {
            b"FlateDecode" | b"Fl" => inflate(&data, MAX_STREAM_BYTES)?,
            b"ASCII85Decode" | b"A85" => ascii85(&data)?,
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data)?,
            _ => {
                return match s.decompressed_content_with_limit(MAX_STREAM_BYTES) {
                    Ok(d) => Ok(Cow::Owned(d)),
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) => Err(Trouble::TooBig),
                    Err(_) => Err(Trouble::Other),
                };
            }
        });
    }
    Ok(data)
}

/// Inflates zlib data up to `limit` bytes. Data that stops before the end
/// of its last block, or whose checksum does not match what it decoded to,
/// is damaged (lopdf keeps the part before the fault). A bad zlib header
/// with nothing decoded is tried as raw deflate, as lopdf does.
fn inflate(input: &[u8], limit: usize) -> Result<Vec<u8>, Trouble> {
    match inflate_as(input, true, limit) {
        Err((Trouble::Damaged(why), 0)) => {
            let raw = input.get(2..).unwrap_or_default();
            inflate_as(raw, false, limit).map_err(|(e, _)| match e {
                Trouble::Damaged(_) => Trouble::Damaged(why),
                other => other,
            })
        }
        other => other.map_err(|(e, _)| e),
    }
}

/// Inflates, or says why not and how many bytes came out first.
fn inflate_as(input: &[u8], zlib: bool, limit: usize) -> Result<Vec<u8>, (Trouble, u64)> {
    const STEP: usize = 256 * 1024;
    if input.is_empty() {
        // An empty stream that names a filter: nothing drawn, as lopdf reads it.
        return Ok(Vec::new());
    }
    let mut d = Decompress::new(zlib);
    let mut out: Vec<u8> =
        Vec::with_capacity(input.len().saturating_mul(4).min(limit.saturating_add(1)));
    loop {
        if out.len() > limit {
            return Err((Trouble::TooBig, d.total_out()));
        }
        if out.capacity() - out.len() < STEP {
            out.reserve(
                STEP.min(limit.saturating_add(1).saturating_sub(out.len()))
                    .max(1),
            );
        }
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let rest = input.get(consumed..).unwrap_or_default();
        let before = (d.total_in(), d.total_out());
        match d.decompress_vec(rest, &mut out, FlushDecompress::Finish) {
            Ok(Status::StreamEnd) => return Ok(out),
            Ok(_) => {
                let stalled = (d.total_in(), d.total_out()) == before;
                if stalled && out.capacity() > out.len() {
                    let why = format!(
                        "its compressed data ends after {} bytes, before the end of the stream",
                        d.total_in()
                    );
                    return Err((Trouble::Damaged(why), d.total_out()));
                }
            }
            Err(e) => {
                let why = format!(
                    "its compressed data is corrupt after {} bytes ({e})",
                    d.total_in()
                );
                return Err((Trouble::Damaged(why), d.total_out()));
            }
        }
    }
}

/// ASCII85 (`<~` optional, `~>` the end); a byte outside its alphabet is damage.
fn ascii85(input: &[u8]) -> Result<Vec<u8>, Trouble> {
    let body = input.strip_prefix(b"<~").unwrap_or(input);
    let end = memchr::memmem::find(body, b"~>").unwrap_or(body.len());
    let body = body.get(..end).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() / 5 * 4 + 4);
    let mut group: [u32; 5] = [0; 5];
    let mut n = 0usize;
    let flush = |group: &[u32; 5], n: usize, out: &mut Vec<u8>| {
        let mut padded = *group;
        for g in padded.iter_mut().skip(n) {
            *g = 84;
        }
        let v = padded.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
        let bytes = u32::try_from(v).unwrap_or(u32::MAX).to_be_bytes();
        out.extend(bytes.iter().take(n.saturating_sub(1)));
        v <= u64::from(u32::MAX)
    };
    for &c in body {
        match c {
            b'!'..=b'u' => {
                if let Some(slot) = group.get_mut(n) {
                    *slot = u32::from(c - b'!');
                }
                n += 1;
                if n == 5 {
                    if !flush(&group, 5, &mut out) {
                        return Err(Trouble::Damaged("its ASCII85 data is corrupt".into()));
                    }
                    n = 0;
                }
            }
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            c if c.is_ascii_whitespace() || c == 0 => {}
            _ => {
                return Err(Trouble::Damaged(format!(
                    "its ASCII85 data holds the byte {c:#04x}"
                )));
            }
        }
        if out.len() > MAX_STREAM_BYTES {
            return Err(Trouble::TooBig);
        }
    }
    if n == 1 || (n > 1 && !flush(&group, n, &mut out)) {
        return Err(Trouble::Damaged(
            "its ASCII85 data ends inside a group".into(),
        ));
    }
    Ok(out)
}

/// ASCIIHex (`>` the end); a byte that is not a hex digit is damage.
fn ascii_hex(input: &[u8]) -> Result<Vec<u8>, Trouble> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high: Option<u8> = None;
    for &c in input {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'>' => break,
            c if c.is_ascii_whitespace() || c == 0 => continue,
            _ => {
                return Err(Trouble::Damaged(format!(
                    "its hexadecimal data holds the byte {c:#04x}"
                )));
            }
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    if out.len() > MAX_STREAM_BYTES {
        return Err(Trouble::TooBig);
    }
    Ok(out)
}

/// Counts the objects pages draw, each form once (then by reference).
struct Counter<'a> {
    doc: &'a Document,
    forms: HashMap<ObjectId, u64>,
    /// Forms being counted: one drawn inside itself is a loop.
    open: HashSet<ObjectId>,
    /// Font streams (programs, ToUnicode and encoding CMaps) checked, with
    /// why one is damaged.
    fonts: HashMap<ObjectId, Option<String>>,
    /// The first damage the current page's forms and fonts showed.
    damage: Option<String>,
}

impl Counter<'_> {
    /// The page's objects, or why its content cannot be read.
    fn page(&mut self, page: ObjectId, chain: &[ObjectId]) -> Result<u64, String> {
        let doc = self.doc;
        let Ok(dict) = doc.get_dictionary(page) else {
            return Ok(0);
        };
        let resources = std::iter::once(&page)
            .chain(chain)
            .filter_map(|id| doc.get_dictionary(*id).ok())
            .find_map(|d| d.get(b"Resources").ok())
            .and_then(|r| deref_dict(doc, r));
        let streams: Vec<(ObjectId, &Stream)> = match dict.get(b"Contents") {
            Ok(Object::Reference(id)) => match doc.get_object(*id) {
                Ok(Object::Stream(s)) => vec![(*id, s)],
                Ok(Object::Array(a)) => refs_to_streams(doc, a)?,
                _ => return Err(unreadable(*id)),
            },
            Ok(Object::Array(a)) => refs_to_streams(doc, a)?,
            _ => Vec::new(),
        };
        self.damage = self.fonts_damage(resources);
        let mut total: u64 = 0;
        let mut bytes: usize = 0;
        for (id, s) in streams {
            if let Ok(Object::Reference(len)) = s.dict.get(b"Length")
                && doc.get_object(*len).and_then(Object::as_i64).is_err()
            {
                // lopdf then reads the stream as empty: a blank page.
                return Err(format!(
                    "the length of its content stream (object {} {}) is in object {} {}, which cannot be read (a damaged file); the page would be blank",
                    id.0, id.1, len.0, len.1
                ));
            }
            let data = match decode(s) {
                Ok(d) => d,
                Err(Trouble::TooBig) => {
                    return Err(format!(
                        "its content decodes to more than {} MiB",
                        MAX_STREAM_BYTES / (1024 * 1024)
                    ));
                }
                Err(Trouble::Damaged(why)) => {
                    return Err(format!(
                        "its content stream (object {} {}) is damaged: {why}; the page would be incomplete",
                        id.0, id.1
                    ));
                }
                Err(Trouble::Other) => continue,
            };
            bytes = bytes.saturating_add(data.len());
            if bytes > MAX_STREAM_BYTES {
                return Err(format!(
                    "its content decodes to more than {} MiB",
                    MAX_STREAM_BYTES / (1024 * 1024)
                ));
            }
            total = total.saturating_add(self.ops(&data, resources, 0));
            if total > MAX_PAGE_OBJECTS {
                break;
            }
        }
        match self.damage.take() {
            Some(why) => Err(why),
            None => Ok(total),
        }
    }

    /// Why a font of `resources` cannot be trusted: a stream the library
    /// reads text or glyph places from (the ToUnicode map, an embedded
    /// CMap, the program where the font lists no widths) whose data is cut
    /// short or corrupt.
    fn fonts_damage(&mut self, resources: Option<&Dictionary>) -> Option<String> {
        let doc = self.doc;
        let fonts = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|f| deref_dict(doc, f))?;
        for (name, font) in fonts.iter() {
            let Some(font) = deref_dict(doc, font) else {
                continue;
            };
            let descendants = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(|d| match d {
                    Object::Reference(id) => doc.get_object(*id).ok(),
                    other => Some(other),
                })
                .and_then(|d| d.as_array().ok())
                .map(|a| {
                    a.iter()
                        .filter_map(|d| deref_dict(doc, d))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let mut refs = Vec::new();
            for key in [&b"ToUnicode"[..], b"Encoding"] {
                refs.extend(font.get(key).ok().and_then(|o| o.as_reference().ok()));
            }
            // The program of a simple font is read for its widths when the
            // font lists none, and a Type 1 program for its encoding when
            // the font names none; a CID font's widths are in its dict.
            if descendants.is_empty()
                && let Some(desc) = font
                    .get(b"FontDescriptor")
                    .ok()
                    .and_then(|d| deref_dict(doc, d))
            {
                let mut keys: Vec<&[u8]> = Vec::new();
                if font.get(b"Widths").is_err() {
                    keys.extend([&b"FontFile2"[..], b"FontFile3"]);
                }
                if font.get(b"Widths").is_err() || font.get(b"Encoding").is_err() {
                    keys.push(b"FontFile");
                }
                for key in keys {
                    refs.extend(desc.get(key).ok().and_then(|o| o.as_reference().ok()));
                }
            }
            for id in refs {
                let why = self
                    .fonts
                    .entry(id)
                    .or_insert_with(|| match doc.get_object(id) {
                        Ok(Object::Stream(s)) => match decode(s) {
                            Err(Trouble::Damaged(why)) => Some(why),
                            _ => None,
                        },
                        _ => None,
                    });
                if let Some(why) = why {
                    return Some(format!(
                        "its font /{} (object {} {}) is damaged: {why}; its text would be wrong",
                        String::from_utf8_lossy(name),
                        id.0,
                        id.1
                    ));
                }
            }
        }
        None
    }

    /// Objects a content stream draws; `Do` of a form adds the form's.
    fn ops(&mut self, content: &[u8], resources: Option<&Dictionary>, depth: usize) -> u64 {
        count_ops(content, |name| self.draw(name, resources, depth))
    }

    fn draw(&mut self, name: &[u8], resources: Option<&Dictionary>, depth: usize) -> u64 {
        let doc = self.doc;
        let Some(id) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| deref_dict(doc, x))
            .and_then(|x| x.get(name).ok())
            .and_then(|o| o.as_reference().ok())
        else {
            return 0;
        };
        let Ok(Object::Stream(s)) = doc.get_object(id) else {
            return 0;
        };
        if !matches!(s.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Form") {
            return 1;
        }
        if let Some(&n) = self.forms.get(&id) {
            return n;
        }
        if depth >= MAX_FORM_DEPTH {
            return 0;
        }
        if !self.open.insert(id) {
            // A form drawn inside itself: the library redraws it ten deep.
            return u64::MAX;
        }
        let own = s
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| deref_dict(doc, r))
            .or(resources);
        if self.damage.is_none() {
            self.damage = self.fonts_damage(own);
        }
        let n = match decode(s) {
            Ok(data) => self.ops(&data, own, depth + 1),
            Err(Trouble::TooBig) => u64::MAX,
            Err(Trouble::Damaged(why)) => {
                self.damage.get_or_insert_with(|| {
                    format!(
                        "the form it draws (object {} {}) is damaged: {why}; the page would be incomplete",
                        id.0, id.1
                    )
                });
                0
            }
            Err(Trouble::Other) => 0,
        };
        self.open.remove(&id);
        self.forms.insert(id, n);
        n
    }
}

/// The content streams an array names; one that is missing or not a stream
/// (its object damaged past reading) makes the page incomplete.
fn refs_to_streams<'a>(
    doc: &'a Document,
    a: &[Object],
) -> Result<Vec<(ObjectId, &'a Stream)>, String> {
    a.iter()
        .filter_map(|o| o.as_reference().ok())
        .map(|id| match doc.get_object(id) {
            Ok(Object::Stream(s)) => Ok((id, s)),
            _ => Err(unreadable(id)),
        })
        .collect()
}

fn unreadable(id: ObjectId) -> String {
    format!(
        "its content stream (object {} {}) is missing or cannot be parsed (a damaged file); the page would be blank",
        id.0, id.1
    )
}

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d),
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        _ => None,
    }
}

/// Counts what a content stream draws, without building its operations:
/// one per path segment or rectangle, one per byte of shown strings (a
/// glyph takes one or two), one per inline image or shading, and for `Do`
/// what `draw` says the named object holds. Stops adding once past the
/// page limit.
fn count_ops(content: &[u8], mut draw: impl FnMut(&[u8]) -> u64) -> u64 {
    let mut total: u64 = 0;
    let mut shown: u64 = 0;
    let mut last_name: &[u8] = &[];
    let mut i = 0;
    let at = |i: usize| content.get(i).copied();
    while let Some(b) = at(i) {
        if total > MAX_PAGE_OBJECTS {
            break;
        }
        match b {
            b'%' => {
                while at(i).is_some_and(|c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            b'(' => {
                let mut depth = 0usize;
                let start = i;
                while let Some(c) = at(i) {
                    match c {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                shown = shown.saturating_add(i.saturating_sub(start + 1) as u64);
                i += 1;
            }
            b'<' if at(i + 1) == Some(b'<') => i += 2,
            b'<' => {
                let start = i;
                while at(i).is_some_and(|c| c != b'>') {
                    i += 1;
                }
                shown = shown.saturating_add((i.saturating_sub(start + 1) / 2) as u64);
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                i += 1;
                while at(i).is_some_and(regular) {
                    i += 1;
                }
                last_name = content.get(start..i).unwrap_or_default();
            }
            c if !regular(c) => i += 1,
            _ => {
                let start = i;
                while at(i).is_some_and(regular) {
                    i += 1;
                }
                let word = content.get(start..i).unwrap_or_default();
                let add = match word {
                    b"re" | b"m" | b"l" | b"c" | b"v" | b"y" | b"sh" => 1,
                    b"Tj" | b"TJ" | b"'" | b"\"" => shown,
                    b"Do" => draw(last_name),
                    b"BI" => {
                        // Skip the image data: from ID to a whitespace-led EI.
                        while let Some(c) = at(i) {
                            if c.is_ascii_whitespace()
                                && at(i + 1) == Some(b'E')
                                && at(i + 2) == Some(b'I')
                                && at(i + 3).is_none_or(|c| !regular(c))
                                && content
                                    .get(start..i)
                                    .is_some_and(|s| memchr::memmem::find(s, b"ID").is_some())
                            {
                                i += 3;
                                break;
                            }
                            i += 1;
                        }
                        1
                    }
                    _ => 0,
                };
                if word
                    .first()
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'\'' || *c == b'"')
                {
                    shown = 0;
                }
                total = total.saturating_add(add);
            }
        }
    }
    total
}

/// Not whitespace nor a delimiter: part of a name, number or operator.
fn regular(c: u8) -> bool {
    !matches!(
        c,
        b'\0'
            | b'\t'
            | b'\n'
            | b'\x0c'
            | b'\r'
            | b' '
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'/'
            | b'%'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_counted_not_built() {
        let page = b"BT /F1 12 Tf (abc) Tj [(de) 3 (f)] TJ ET 0 0 10 10 re f 1 1 m 2 2 l S";
        assert_eq!(count_ops(page, |_| 0), 3 + 3 + 1 + 2);
        let forms = b"/X Do /Y Do % a comment (not a string) re\n";
        assert_eq!(count_ops(forms, |n| if n == b"X" { 7 } else { 1 }), 8);
        let hex = b"<00410042> Tj <</K 1>> BDC";
        assert_eq!(count_ops(hex, |_| 0), 4);
        let inline = b"BI /W 4 /H 1 ID re re re re\nEI 0 0 1 1 re";
        assert_eq!(count_ops(inline, |_| 0), 2);
        let nested = b"(a(b)c\\)) Tj";
        assert_eq!(count_ops(nested, |_| 0), 7);
    }

    #[test]
    fn flate_cut_short_is_damage_not_a_shorter_page() {
        use std::io::Write;
        let text = b"BT (one hundred per cent) Tj ET ".repeat(200);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&text).unwrap();
        let whole = z.finish().unwrap();
        assert_eq!(inflate(&whole, 1 << 20).unwrap(), text);
        let cut = whole.get(..whole.len() / 2).unwrap();
        assert!(matches!(inflate(cut, 1 << 20), Err(Trouble::Damaged(_))));
        let mut bad_sum = whole.clone();
        if let Some(b) = bad_sum.last_mut() {
            *b ^= 0xff;
        }
        assert!(
            matches!(inflate(&bad_sum, 1 << 20), Err(Trouble::Damaged(_))),
            "a checksum that does not match: a byte changed somewhere"
        );
        assert_eq!(inflate(&whole, 100), Err(Trouble::TooBig));
    }
}

//! Mends the text of fonts pdfplumber 0.4.1 misreads.
//!
//! Budget systems (Java back ends, reportlab) print 申报表 forms in the
//! non-embedded STSong-Light font with the predefined CMap `UniGB-UCS2-H`
//! and no ToUnicode map: every character code is two bytes, the UCS-2 (BMP
//! Unicode) value itself. pdfplumber-parse 0.4.1 maps the UCS-2 CMaps to a
//! legacy multi-byte encoding (GBK for UniGB, Big5 for UniCNS, EUC-KR for
//! UniKS) and decodes the codes with it: a code whose high byte is below
//! 0x81 (`目` U+76EE, every digit) splits into two one-byte characters, the
//! rest become unrelated GBK characters, and the text is garbage.
//!
//! Here, for each font of a page whose /Encoding is such a predefined
//! UCS-2 or UTF-16 CMap (`Uni…-UCS2-H/V`, `Uni…-UTF16-H/V`) and which has no
//! /ToUnicode, the page's content is interpreted through lopdf (the PDF
//! library pdfplumber is built on): text state and matrices are followed,
//! the shown strings of that font are decoded as UTF-16BE, each character is
//! placed from the font's widths (/W, /DW), and those characters replace
//! pdfplumber's for that font. Other fonts are left to pdfplumber.
//!
//! The fix for pdfplumber-parse itself: in `cjk_encoding::encoding_for_cmap`
//! the `Uni*-UCS2` and `Uni*-UTF16` names must not map to a legacy encoding;
//! codes of those CMaps are fixed two-byte (UTF-16 surrogate pairs four)
//! and their Unicode value is the code, so `show_string_cid` with a
//! `char_code → char::from_u32` decoder is right, and widths are looked up
//! by CID through the CMap (for Adobe-GB1, U+0020–U+007E are CIDs 1–95).

use std::collections::{BTreeMap, HashMap};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use pdfplumber::{BBox, Char, Page, TextDirection};

/// Most decompressed bytes of one page's content read for the fix.
const MAX_CONTENT: usize = 64 * 1024 * 1024;
/// Form XObjects nested deeper than this are not followed.
const MAX_DEPTH: u32 = 8;

/// The lopdf view of a PDF, loaded only when the file may hold a font to mend.
pub(crate) struct Fixer {
    doc: Option<Document>,
    pages: Vec<ObjectId>,
}

/// A font whose codes are decoded here.
#[derive(Debug, Clone)]
struct Ucs2Font {
    /// The name pdfplumber gives its characters.
    name: String,
    dw: f64,
    widths: HashMap<u32, f64>,
    /// Adobe-GB1 and the other orderings put U+0020–U+007E at CIDs 1–95.
    ascii_cids: bool,
    ascent: f64,
    descent: f64,
}

impl Fixer {
    /// `doc`: the file as lopdf loaded it when it may hold such a font.
    pub fn new(doc: Option<Document>) -> Fixer {
        let pages = doc
            .as_ref()
            .map(|d| d.get_pages().into_values().collect())
            .unwrap_or_default();
        Fixer { doc, pages }
    }

    /// Replaces, in `chars`, the characters of the page's UCS-2 fonts with
    /// ones decoded from the content. `Err` when such a font's text cannot
    /// be decoded.
    pub fn mend(&self, index: usize, page: &Page, chars: &mut Vec<Char>) -> Result<(), String> {
        let (Some(doc), Some(&page_id)) = (self.doc.as_ref(), self.pages.get(index)) else {
            return Ok(());
        };
        let res = page_resources(doc, page_id);
        let fonts = fonts_of(doc, &res);
        if fonts.is_empty() {
            return Ok(());
        }
        let content = doc
            .get_page_content_with_limit(page_id, MAX_CONTENT)
            .map_err(|e| format!("the page's content cannot be read ({e})"))?;
        let media = page.media_box();
        let geometry = pdfplumber_parse::PageGeometry::new(media, None, page.rotation());
        let mut out = Vec::new();
        let mut walker = Walker {
            doc,
            geometry: &geometry,
            out: &mut out,
        };
        // The page's own fonts by resource name; a form's come with the form.
        let mut own = BTreeMap::new();
        for d in &res {
            for (k, v) in ucs2_fonts(doc, d) {
                own.entry(k).or_insert(v);
            }
        }
        walker.run(&content, &res, &own, IDENTITY, 0);
        let names: Vec<&str> = fonts.values().map(|f| f.name.as_str()).collect();
        let before = chars.len();
        chars.retain(|c| !names.contains(&c.fontname.as_str()));
        if out.is_empty() && chars.len() < before {
            // pdfplumber drew text in the font that the walk did not find:
            // better no page than its garbled text.
            return Err(format!(
                "the text in {} (a UCS-2 encoded font without a Unicode map) could not be decoded",
                names.join(", ")
            ));
        }
        chars.extend(out);
        Ok(())
    }
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` (a applied first).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    let [a0, a1, a2, a3, a4, a5] = *a;
    let [b0, b1, b2, b3, b4, b5] = *b;
    [
        a0 * b0 + a1 * b2,
        a0 * b1 + a1 * b3,
        a2 * b0 + a3 * b2,
        a2 * b1 + a3 * b3,
        a4 * b0 + a5 * b2 + b4,
        a4 * b1 + a5 * b3 + b5,
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    let [a, b, c, d, e, f] = *m;
    (a * x + c * y + e, b * x + d * y + f)
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    d.get(key)
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| match o {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        })
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn name_of(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    d.get(key)
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// The fonts of a resource dictionary that need mending, by resource name.
fn ucs2_fonts(doc: &Document, resources: &Dictionary) -> BTreeMap<Vec<u8>, Ucs2Font> {
    let mut out = BTreeMap::new();
    let Some(fonts) = dict(doc, resources, b"Font") else {
        return out;
    };
    for (key, f) in fonts.iter() {
        let Some(font) = resolve(doc, f).as_dict().ok() else {
            continue;
        };
        if let Some(u) = ucs2_font(doc, font) {
            out.insert(key.clone(), u);
        }
    }
    out
}

fn ucs2_font(doc: &Document, font: &Dictionary) -> Option<Ucs2Font> {
    if name_of(doc, font, b"Subtype").as_deref() != Some("Type0") || font.has(b"ToUnicode") {
        return None;
    }
    let enc = name_of(doc, font, b"Encoding")?;
    let base = enc.strip_suffix("-H").or_else(|| enc.strip_suffix("-V"))?;
    if !(base.starts_with("Uni") && (base.ends_with("-UCS2") || base.ends_with("-UTF16"))) {
        return None;
    }
    let descendant = font
        .get(b"DescendantFonts")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
        .and_then(|a| a.first())
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_dict().ok())?;
    let descriptor = dict(doc, descendant, b"FontDescriptor");
    // pdfplumber names the characters after the descriptor's FontName (as
    // pdfminer does), falling back to the BaseFont.
    let name = descriptor
        .and_then(|d| name_of(doc, d, b"FontName"))
        .or_else(|| name_of(doc, descendant, b"BaseFont"))
        .or_else(|| name_of(doc, font, b"BaseFont"))
        .unwrap_or_else(|| "unknown".into());
    let metric = |key: &[u8], default: f64| {
        descriptor
            .and_then(|d| d.get(key).ok())
            .map(|o| resolve(doc, o))
            .and_then(num)
            .filter(|v| v.abs() > 0.0 && v.abs() < 2000.0)
            .unwrap_or(default)
    };
    let dw = descendant
        .get(b"DW")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(num)
        .unwrap_or(1000.0);
    Some(Ucs2Font {
        name,
        dw,
        widths: widths(doc, descendant),
        ascii_cids: true,
        ascent: metric(b"Ascent", 880.0),
        descent: metric(b"Descent", -120.0),
    })
}

/// The /W array: `c [w1 w2 …]` and `c_first c_last w`.
fn widths(doc: &Document, descendant: &Dictionary) -> HashMap<u32, f64> {
    let mut out = HashMap::new();
    let Some(w) = descendant
        .get(b"W")
        .ok()
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_array().ok())
    else {
        return out;
    };
    let mut it = w.iter().map(|o| resolve(doc, o)).peekable();
    while let Some(first) = it.next() {
        let Some(first) = num(first).filter(|v| *v >= 0.0) else {
            break;
        };
        let first = first as u32;
        match it.next() {
            Some(Object::Array(list)) => {
                for (i, o) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = num(resolve(doc, o)) {
                        out.insert(first.saturating_add(i as u32), v);
                    }
                }
            }
            Some(last) => {
                let (Some(last), Some(v)) = (num(last), it.next().and_then(num)) else {
                    break;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(65_536));
                for c in first..=last {
                    out.insert(c, v);
                }
            }
            None => break,
        }
    }
    out
}

/// The page's resource dictionaries (its own first, then inherited).
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((own, inherited)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
    dicts.extend(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    dicts
}

/// The UCS-2 fonts of resource dictionaries, by resource name; also those of
/// the forms they hold, so that a page drawing its text in a form is seen.
fn fonts_of(doc: &Document, dicts: &[&Dictionary]) -> BTreeMap<Vec<u8>, Ucs2Font> {
    let mut out = BTreeMap::new();
    for d in dicts {
        for (k, v) in ucs2_fonts(doc, d) {
            out.entry(k).or_insert(v);
        }
        if let Some(x) = dict(doc, d, b"XObject") {
            for (_, o) in x.iter().take(1000) {
                if let Some(r) = resolve(doc, o)
                    .as_stream()
                    .ok()
                    .and_then(|s| dict(doc, &s.dict, b"Resources"))
                {
                    for (k, v) in ucs2_fonts(doc, r) {
                        out.entry(k).or_insert(v);
                    }
                }
            }
        }
    }
    out
}

/// Follows a content stream's text and graphics state, emitting the
/// characters of the UCS-2 fonts.
struct Walker<'a> {
    doc: &'a Document,
    geometry: &'a pdfplumber_parse::PageGeometry,
    out: &'a mut Vec<Char>,
}

#[derive(Clone)]
struct TextState {
    font: Option<Vec<u8>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

impl<'a> Walker<'a> {
    fn run(
        &mut self,
        content: &[u8],
        res: &[&'a Dictionary],
        fonts: &BTreeMap<Vec<u8>, Ucs2Font>,
        ctm0: Matrix,
        depth: u32,
    ) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut ctm = ctm0;
        let mut stack: Vec<(Matrix, TextState)> = Vec::new();
        let mut ts = TextState {
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in &content.operations {
            let n = |i: usize| op.operands.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push((ctm, ts.clone())),
                "Q" => {
                    if let Some((c, t)) = stack.pop() {
                        ctm = c;
                        ts = t;
                    }
                }
                "cm" => ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &ctm),
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    ts.font = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .map(<[u8]>::to_vec);
                    ts.size = n(1);
                }
                "Tc" => ts.char_space = n(0),
                "Tw" => ts.word_space = n(0),
                "Tz" => ts.scale = n(0) / 100.0,
                "TL" => ts.leading = n(0),
                "Ts" => ts.rise = n(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    ts.leading = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator == "\"" {
                        ts.word_space = n(0);
                        ts.char_space = n(1);
                    }
                    if op.operator != "Tj" {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(s, _)) = op.operands.last() {
                        self.show(s, &ts, fonts, &mut tm, &ctm);
                    }
                }
                "TJ" => {
                    let Some(Object::Array(items)) = op.operands.first() else {
                        continue;
                    };
                    for item in items {
                        match item {
                            Object::String(s, _) => self.show(s, &ts, fonts, &mut tm, &ctm),
                            other => {
                                let adj = num(other).unwrap_or(0.0);
                                let tx = -adj / 1000.0 * ts.size * ts.scale;
                                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                            }
                        }
                    }
                }
                "Do" if depth < MAX_DEPTH => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.form(name, &ctm, res, fonts, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// A form XObject named in the current resources: its own resources
    /// (else the caller's) and matrix.
    fn form(
        &mut self,
        name: &[u8],
        ctm: &Matrix,
        res: &[&'a Dictionary],
        fonts: &BTreeMap<Vec<u8>, Ucs2Font>,
        depth: u32,
    ) {
        let doc = self.doc;
        let Some(stream) = res
            .iter()
            .filter_map(|r| dict(doc, r, b"XObject"))
            .find_map(|x| x.get(name).ok())
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_stream().ok())
        else {
            return;
        };
        if stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            != Some(b"Form".as_slice())
        {
            return;
        }
        let m = stream
            .dict
            .get(b"Matrix")
            .ok()
            .map(|o| resolve(doc, o))
            .and_then(|o| o.as_array().ok())
            .map(|a| {
                let v = |i: usize| a.get(i).and_then(num);
                [
                    v(0).unwrap_or(1.0),
                    v(1).unwrap_or(0.0),
                    v(2).unwrap_or(0.0),
                    v(3).unwrap_or(1.0),
                    v(4).unwrap_or(0.0),
                    v(5).unwrap_or(0.0),
                ]
            })
            .unwrap_or(IDENTITY);
        let own = dict(doc, &stream.dict, b"Resources");
        let mut fonts = fonts.clone();
        if let Some(r) = own {
            fonts.extend(ucs2_fonts(doc, r));
        }
        let content = if stream.dict.has(b"Filter") {
            match stream.decompressed_content_with_limit(MAX_CONTENT) {
                Ok(c) => c,
                Err(_) => return,
            }
        } else {
            stream.content.clone()
        };
        let res: Vec<&'a Dictionary> = match own {
            Some(r) => vec![r],
            None => res.to_vec(),
        };
        self.run(&content, &res, &fonts, mul(&m, ctm), depth + 1);
    }

    fn show(
        &mut self,
        bytes: &[u8],
        ts: &TextState,
        fonts: &BTreeMap<Vec<u8>, Ucs2Font>,
        tm: &mut Matrix,
        ctm: &Matrix,
    ) {
        let Some(font) = ts.font.as_ref().and_then(|f| fonts.get(f)) else {
            return;
        };
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|p| {
                u16::from_be_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        for ch in char::decode_utf16(units.iter().copied()) {
            let ch = ch.unwrap_or('\u{FFFD}');
            let code = ch as u32;
            let cid = if font.ascii_cids && (0x20..=0x7E).contains(&code) {
                Some(code - 0x1F)
            } else {
                None
            };
            let w = cid
                .and_then(|c| font.widths.get(&c).copied())
                .unwrap_or(if code < 0x80 { 500.0 } else { font.dw });
            let trm = mul(
                &[ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise],
                &mul(tm, ctm),
            );
            let corners = [
                apply(&trm, 0.0, font.descent / 1000.0),
                apply(&trm, w / 1000.0, font.descent / 1000.0),
                apply(&trm, 0.0, font.ascent / 1000.0),
                apply(&trm, w / 1000.0, font.ascent / 1000.0),
            ];
            let pts: Vec<(f64, f64)> = corners
                .iter()
                .map(|&(x, y)| self.geometry.normalize_point(x, y))
                .collect();
            let fold = |f: fn(f64, f64) -> f64, init: f64, pick: fn(&(f64, f64)) -> f64| {
                pts.iter().map(pick).fold(init, f)
            };
            let bbox = BBox::new(
                fold(f64::min, f64::INFINITY, |p| p.0),
                fold(f64::min, f64::INFINITY, |p| p.1),
                fold(f64::max, f64::NEG_INFINITY, |p| p.0),
                fold(f64::max, f64::NEG_INFINITY, |p| p.1),
            );
            if self.out.len() < 2_000_000 && bbox.x0.is_finite() && bbox.top.is_finite() {
                let [a, b, c, d, _, _] = trm;
                self.out.push(Char {
                    text: ch.to_string(),
                    bbox,
                    fontname: font.name.clone(),
                    size: (c * c + d * d).sqrt(),
                    advance: w,
                    doctop: bbox.top,
                    upright: b.abs() < 1e-6 && c.abs() < 1e-6 && a > 0.0,
                    direction: TextDirection::default(),
                    stroking_color: None,
                    non_stroking_color: None,
                    ctm: trm,
                    char_code: code,
                    mcid: None,
                    tag: None,
                });
            }
            let space = if code == 32 { ts.word_space } else { 0.0 };
            let tx = (w / 1000.0 * ts.size + ts.char_space + space) * ts.scale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_in_pdf_order() {
        let t = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let s = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // Translate then scale: (1,1) → (11,21) → (22,42).
        assert_eq!(apply(&mul(&t, &s), 1.0, 1.0), (22.0, 42.0));
    }
}

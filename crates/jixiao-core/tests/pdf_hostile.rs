//! Hostile and damaged PDFs (issue 32, cases 6, 8 and 9): a file of a few
//! hundred bytes must not hang a run, one of a few kilobytes must not take
//! gigabytes, and damage is a reject naming the page, never quiet.
//!
//! The fixtures in tests/fixtures/pdf/hostile/ are written by
//! make_hostile_pdfs.py there (plain Python, no packages); the damaged
//! tables are made here from laisui_2024_long.pdf with lopdf. Peak memory
//! is measured outside the tests (`/usr/bin/time -v`), not here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use jixiao_core::ingest::IngestError;
use jixiao_core::model::{Document, Position};
use jixiao_core::pdf;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/pdf")
        .join(name)
}

/// Reads `name` on its own thread: a file that hangs fails the test after
/// `secs` instead of hanging it (the thread is left behind).
fn read_within(name: &str, secs: u64) -> Result<Document, IngestError> {
    let path = fixture(name);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(pdf::read_pdf(&path));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("{name}: not read within {secs} s"))
}

#[test]
fn a_page_tree_that_loops_is_an_error_at_once() {
    let e = read_within("hostile/parent_loop.pdf", 20).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("parent_loop.pdf"), "{msg}");
    assert!(msg.contains("page tree loops"), "{msg}");
    // A /Pages node among its own kids: lopdf's walk stops; no page, no hang.
    assert!(read_within("hostile/kids_loop.pdf", 20).is_err());
}

#[test]
fn flate_bombs_are_refused_naming_file_and_limit() {
    for name in ["hostile/flate_bomb.pdf", "hostile/objstm_bomb.pdf"] {
        let e = read_within(name, 60).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, IngestError::Pdf { .. }), "{msg}");
        assert!(msg.contains(name.trim_start_matches("hostile/")), "{msg}");
        assert!(msg.contains("more than 64 MiB"), "{msg}");
    }
}

#[test]
fn pages_drawing_too_much_are_refused_naming_page_and_limit() {
    // A million rectangles drawn directly, and a million drawn by a form
    // that draws a form a thousand times, a thousand times.
    for name in ["hostile/rects.pdf", "hostile/forms_fanout.pdf"] {
        let e = read_within(name, 60).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("page 1 cannot be read"), "{msg}");
        assert!(msg.contains("more than 100000 objects"), "{msg}");
    }
}

#[test]
fn a_run_of_pages_over_the_limit_is_one_reject_with_its_count() {
    let e = read_within("hostile/fanout_pages.pdf", 60).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("pages 1–50 (50 pages) cannot be read"),
        "{msg}"
    );
    assert_eq!(msg.matches("cannot be read").count(), 1, "{msg}");
}

/// laisui_2024_long.pdf with `change` applied to the content stream of
/// page `page` (1-based), saved again.
fn damaged_long(page: u32, change: impl Fn(&mut lopdf::Stream)) -> Vec<u8> {
    let mut doc = lopdf::Document::load(fixture("laisui_2024_long.pdf")).unwrap();
    let id = doc.get_pages()[&page];
    let content = doc.get_page_contents(id)[0];
    change(
        doc.get_object_mut(content)
            .unwrap()
            .as_stream_mut()
            .unwrap(),
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn page_rejects(doc: &Document) -> Vec<(u32, String)> {
    doc.rejects
        .iter()
        .filter_map(|r| match r.pos {
            Position::Pdf { page, .. } => Some((page, r.reason.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_content_stream_cut_short_is_a_reject_of_its_page_and_the_rest_is_read() {
    let whole = pdf::read_pdf_bytes(
        "long.pdf",
        &std::fs::read(fixture("laisui_2024_long.pdf")).unwrap(),
    )
    .unwrap();
    assert_eq!(whole.indicator_count(), 42);
    // Half of page 2's compressed content: lopdf would give the first half
    // of the page, quietly.
    let bytes = damaged_long(2, |s| {
        let half = s.content.len() / 2;
        s.content.truncate(half);
        s.dict.set("Length", half as i64);
    });
    let doc = pdf::read_pdf_bytes("long.pdf", &bytes).unwrap();
    let rejects = page_rejects(&doc);
    assert!(
        rejects.iter().any(|(p, why)| *p == 2
            && why.contains("page 2 cannot be read")
            && why.contains("damaged")),
        "{rejects:?}"
    );
    let n = doc.indicator_count();
    assert!(n > 0 && n < 42, "the other pages are read: {n}");
}

#[test]
fn a_page_the_library_fails_on_is_a_reject_naming_it() {
    // Page 3's /Contents is a number, neither a stream nor an array.
    let mut doc = lopdf::Document::load(fixture("laisui_2024_long.pdf")).unwrap();
    let id = doc.get_pages()[&3];
    doc.get_dictionary_mut(id)
        .unwrap()
        .set("Contents", lopdf::Object::Integer(5));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let doc = match pdf::read_pdf_bytes("long.pdf", &bytes) {
        Ok(doc) => doc,
        Err(f) => panic!("the other pages hold the table: {f:?}"),
    };
    let rejects = page_rejects(&doc);
    assert!(
        rejects
            .iter()
            .any(|(p, why)| *p == 3 && why.contains("page 3 cannot be read")),
        "{rejects:?}"
    );
    let n = doc.indicator_count();
    assert!(n > 0 && n < 42, "{n}");
}

#[test]
fn rows_in_characters_without_a_unicode_map_are_rejects_with_their_page() {
    // The ToUnicode map of the table's font sends 率 (U+7387) to a
    // private-use code point, as a damaged or careless map does: the rows
    // holding 率 (完成率, 合格率 …) must not be written with U+E000 in them.
    let mut doc = lopdf::Document::load(fixture("laisui_2024_long.pdf")).unwrap();
    let mut changed = 0;
    for obj in doc.objects.values_mut() {
        if let lopdf::Object::Stream(s) = obj
            && let Ok(text) = s.decompressed_content()
            && text.windows(6).any(|w| w == b"<7387>")
        {
            let text = String::from_utf8_lossy(&text).replace("<7387>", "<E000>");
            s.dict.remove(b"Filter");
            s.set_plain_content(text.into_bytes());
            changed += 1;
        }
    }
    assert_eq!(changed, 1, "one font maps 率");
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let doc = pdf::read_pdf_bytes("long.pdf", &bytes).unwrap();
    let n = doc.indicator_count();
    assert!(n > 0 && n < 42, "{n}");
    for (_, p) in doc.projects() {
        for i in &p.indicators {
            let row = format!("{} {:?} {:?}", i.name, i.cycle_value, i.annual_value);
            assert!(!row.contains('\u{E000}'), "written as data: {row}");
        }
    }
    let undecoded: Vec<_> = doc
        .rejects
        .iter()
        .filter(|r| r.reason.contains("undecoded characters"))
        .collect();
    assert!(!undecoded.is_empty(), "{:?}", doc.rejects);
    for r in &undecoded {
        assert!(matches!(r.pos, Position::Pdf { page: 1..=4, .. }), "{r:?}");
    }
    // Every row left out is counted in a reject: one per row, or one per
    // project with the number of its rows.
    let counted: usize = undecoded
        .iter()
        .map(|r| {
            r.reason
                .split(" indicators")
                .next()
                .and_then(|head| head.split_whitespace().last())
                .and_then(|w| w.parse::<usize>().ok())
                .unwrap_or(1)
        })
        .sum();
    assert_eq!(n + counted, 42, "{undecoded:?}");
}

#[test]
fn a_page_whose_contents_key_is_damaged_is_a_reject_not_a_blank_page() {
    // One byte changed in page 2's dictionary: /Contents becomes /Conrents,
    // and the page would be read as blank, its rows missing without a word.
    let mut doc = lopdf::Document::load(fixture("laisui_2024_long.pdf")).unwrap();
    let id = doc.get_pages()[&2];
    let page = doc.get_dictionary_mut(id).unwrap();
    let contents = page.remove(b"Contents").unwrap();
    page.set("Conrents", contents);
    // A producer's own key beside the standard ones is no damage.
    doc.get_dictionary_mut(doc.get_pages()[&1])
        .unwrap()
        .set("PTEX.PageNumber", 1);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let doc = pdf::read_pdf_bytes("long.pdf", &bytes).unwrap();
    let rejects = page_rejects(&doc);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0].0, 2);
    assert!(
        rejects[0]
            .1
            .contains("/Conrents where /Contents is missing"),
        "{rejects:?}"
    );
    let n = doc.indicator_count();
    assert!(n > 0 && n < 42, "{n}");
}

#[test]
fn a_pdf_over_its_size_limit_is_refused_before_it_is_read() {
    // A sparse file: its size is claimed, no byte is written or read.
    let path = std::env::temp_dir().join(format!("jixiao_pdf_limit_{}.pdf", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(pdf::MAX_PDF_BYTES + 1).unwrap();
    drop(f);
    let e = pdf::read_pdf(&path);
    let _ = std::fs::remove_file(&path);
    let e = e.unwrap_err();
    assert!(
        matches!(e, IngestError::TooLarge { limit, .. } if limit == pdf::MAX_PDF_BYTES),
        "{e}"
    );
}

#[test]
fn a_content_stream_whose_length_cannot_be_read_is_a_reject_not_a_blank_page() {
    // One byte changed in the object that holds the length of page 2's
    // content (`6 0 obj` no longer parses): lopdf reads the stream as empty.
    let mut bytes = std::fs::read(fixture("laisui_2024_long.pdf")).unwrap();
    let at = bytes
        .windows(8)
        .position(|w| w == b"\n6 0 obj")
        .expect("the length object of page 2's content");
    bytes[at + 4] = 0xc3;
    let doc = pdf::read_pdf_bytes("long.pdf", &bytes).unwrap();
    let rejects = page_rejects(&doc);
    assert!(
        rejects
            .iter()
            .any(|(p, why)| *p == 2 && why.contains("cannot be read (a damaged file)")),
        "{rejects:?}"
    );
    let n = doc.indicator_count();
    assert!(n > 0 && n < 42, "{n}");
}

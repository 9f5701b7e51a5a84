//! Any bytes as a PDF through jixiao-core's PDF reader (pdfplumber, the
//! UCS-2 font mend through lopdf, table stitching, the workbook readers):
//! no panic escapes `read_pdf_bytes`, and every indicator found names a
//! page that exists. Seed the corpus with tests/fixtures/pdf/*.pdf.
//!
//! The reader runs the PDF library under `catch_unwind` (pdfplumber-parse
//! 0.4.1 overflows in its tokenizer on some strings when overflow checks
//! are on, as in fuzz builds): libfuzzer-sys's panic hook would abort on
//! such a caught panic, so a silent hook is set instead; a panic that does
//! escape still ends in fuzz_target!'s abort, a crash.
#![no_main]

use jixiao_core::pdf::read_pdf_bytes;
use libfuzzer_sys::fuzz_target;

static QUIET: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    if let Ok(doc) = read_pdf_bytes("fuzz.pdf", data) {
        for (_, p) in doc.projects() {
            for i in &p.indicators {
                assert!(i.pos.page().is_some_and(|n| n >= 1));
            }
        }
    }
});

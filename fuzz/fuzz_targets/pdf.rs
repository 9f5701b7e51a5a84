//! Any bytes as a PDF through jixiao-core's PDF reader (pdfplumber, the
//! UCS-2 font mend through lopdf, table stitching, the workbook readers):
//! never a panic or abort, and every indicator found names a page that
//! exists. Seed the corpus with tests/fixtures/pdf/*.pdf.
#![no_main]

use jixiao_core::pdf::read_pdf_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = read_pdf_bytes("fuzz.pdf", data) {
        for (_, p) in doc.projects() {
            for i in &p.indicators {
                assert!(i.pos.page().is_some_and(|n| n >= 1));
            }
        }
    }
});

//! Reads PDFs with jixiao-core's PDF reader and prints, per file, the
//! indicator rows, projects, rejects and seconds; `--pages` adds the page
//! count (a second parse, so bench/pdf.sh leaves it off); `--grid` prints
//! the grids the tables make. For bench/pdf.sh (no polars in the timing) and
//! for looking at a PDF.
//!
//!     cargo run --release -p jixiao-core --example pdf_rows -- [--pages|--grid] FILE.pdf…
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::path::Path;
use std::time::Instant;

fn main() {
    let mut grid = false;
    let mut count_pages = false;
    let mut status = 0;
    for a in std::env::args().skip(1) {
        if a == "--grid" {
            grid = true;
            continue;
        }
        if a == "--pages" {
            count_pages = true;
            continue;
        }
        let path = Path::new(&a);
        if grid {
            match jixiao_core::pdf::read_grids(path) {
                Ok(gs) => {
                    for g in gs {
                        println!("== {} {}\n{}", g.source, g.name, g.render());
                    }
                }
                Err(e) => {
                    eprintln!("{e}");
                    status = 1;
                }
            }
            continue;
        }
        let pages = if count_pages {
            pdfplumber_pages(path).to_string()
        } else {
            "-".into()
        };
        let t = Instant::now();
        match jixiao_core::pdf::read_pdf(path) {
            Ok(doc) => println!(
                "{a}\tpages {pages}\trows {}\tprojects {}\trejects {}\tseconds {:.4}",
                doc.indicator_count(),
                doc.project_count(),
                doc.rejects.len(),
                t.elapsed().as_secs_f64()
            ),
            Err(e) => {
                println!(
                    "{a}\tpages {pages}\trows 0\terror {e}\tseconds {:.4}",
                    t.elapsed().as_secs_f64()
                );
                status = 1;
            }
        }
    }
    std::process::exit(status);
}

/// The page count, read apart from the timed work's result.
fn pdfplumber_pages(path: &Path) -> usize {
    std::fs::read(path)
        .ok()
        .and_then(|b| pdfplumber::Pdf::open_bytes(&b, None).ok())
        .map_or(0, |p| p.page_count())
}

//! `grids FILE`: prints the grid each text builder makes of FILE, and what
//! the long reader reads from it (a debugging aid beside `inspect --grid`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use jixiao_core::ingest::excel::read_grid;
use jixiao_core::textgrid;

/// A text builder: source name and text to tables.
type Build = fn(&str, &str) -> Vec<textgrid::TextTable>;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: grids FILE");
        return;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return;
        }
    };
    let builders: [(&str, Build); 8] = [
        ("delimited", textgrid::delimited::tables),
        ("pipe", textgrid::pipe::tables),
        ("cells", textgrid::cells::tables),
        ("spaced", textgrid::spaced::tables),
        ("glued", textgrid::glued::tables),
        ("prose", textgrid::glued::prose),
        ("pivot", textgrid::pivot::tables),
        ("layout", textgrid::layout::tables),
    ];
    for (name, build) in builders {
        for t in build(&path, &text) {
            println!("== {name}\n{}", t.grid.render());
            println!("{}", jixiao_core::readers::roles_line(&t.grid));
            for r in &t.rejects {
                println!("reject {r:?}");
            }
            match read_grid(&t.grid) {
                Ok(s) => {
                    for (_, p) in s.doc.projects() {
                        for i in &p.indicators {
                            println!(
                                "  {} | {} | {} | {} | {:?} | {:?}",
                                p.name, i.level, i.category, i.name, i.cycle_value, i.annual_value
                            );
                        }
                    }
                    for r in &s.doc.rejects {
                        println!("  reject {}: {} ({})", r.line, r.text, r.reason);
                    }
                }
                Err(e) => println!("  not read: {e}"),
            }
        }
    }
}

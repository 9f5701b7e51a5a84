//! What `inspect` shows of a document: department, year, units, projects,
//! reconciliation, and anything the parser could not place. The library
//! renders it; the command only prints it.

use std::fmt::Write;
use std::path::Path;

use crate::check;
use crate::ingest::{self, IngestError, IngestOptions};
use crate::model::Document;

/// An amount for the terminal: `-` where the table prints none.
fn show(d: Option<rust_decimal::Decimal>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

/// The outline of one document, as `jixiao inspect` prints it.
pub fn outline(doc: &Document) -> String {
    let mut o = String::new();
    let dash = "-".to_string();
    let _ = writeln!(o, "file:        {} ({})", doc.source, doc.encoding);
    if let Some(r) = &doc.reader {
        let _ = writeln!(
            o,
            "layout:      {r} ({})",
            jixiao_core::readers::describe(r)
        );
    }
    let _ = writeln!(o, "title:       {}", doc.title.as_ref().unwrap_or(&dash));
    let _ = writeln!(
        o,
        "department:  {}",
        doc.department.as_ref().unwrap_or(&dash)
    );
    let _ = writeln!(
        o,
        "year:        {}",
        doc.year.map_or_else(|| dash.clone(), |y| y.to_string())
    );
    let _ = writeln!(
        o,
        "money unit:  {} (output in 万元)",
        doc.money_unit.label()
    );
    match (&doc.grand_total, doc.grand_total_line) {
        (Some(g), Some(l)) => {
            let _ = writeln!(o, "合计:        {} (line {l})", show(g.total));
        }
        _ => {
            let _ = writeln!(o, "合计:        not found");
        }
    }
    let _ = writeln!(
        o,
        "contents:    {} unit(s), {} project(s), {} indicator(s)",
        doc.units.len(),
        doc.project_count(),
        doc.indicator_count()
    );
    for u in &doc.units {
        let total = u
            .amounts
            .as_ref()
            .map_or_else(|| dash.clone(), |a| show(a.total));
        let _ = writeln!(o, "\nunit {} {} (line {})", u.name, total, u.line);
        for p in &u.projects {
            let _ = writeln!(
                o,
                "  line {:>4}  {:>12}  {:>2} indicator(s)  {}",
                p.line,
                show(p.amounts.total),
                p.indicators.len(),
                p.name
            );
        }
    }
    let _ = writeln!(o, "\nreconciliation:");
    for c in check::reconcile(doc) {
        let _ = writeln!(
            o,
            "  {} line {}: {} = printed {}{}",
            if c.ok() { "ok      " } else { "MISMATCH" },
            c.line,
            c.what,
            c.printed,
            if c.ok() {
                String::new()
            } else {
                format!(
                    " but sums to {} (difference {})",
                    c.summed,
                    c.printed - c.summed
                )
            }
        );
    }
    let noted = doc
        .projects()
        .filter(|(_, p)| p.amounts.note.is_some())
        .count();
    if noted > 0 {
        let _ = writeln!(
            o,
            "  note: {noted} project(s) print fewer source figures than columns; source columns left empty (--dropped-cells leftmost to assume 财政拨款 first)"
        );
    }
    if !doc.warnings.is_empty() {
        let _ = writeln!(o, "\nwarnings:");
        for w in &doc.warnings {
            let _ = writeln!(o, "  line {}: {}", w.line, w.message);
        }
    }
    if doc.rejects.is_empty() {
        let _ = writeln!(o, "\nunplaced text: none");
    } else {
        let _ = writeln!(o, "\nunplaced text ({}):", doc.rejects.len());
        for r in &doc.rejects {
            let _ = writeln!(o, "  line {}: {} — {}", r.line, r.reason, r.text);
        }
    }
    o
}

/// The grid of cells the reader that read `path` built, or why there is none.
pub fn grid(path: &Path, opts: &IngestOptions) -> Result<String, IngestError> {
    Ok(ingest::inspect_grids(path, opts)?.unwrap_or_else(|| {
        "(none: the seed's text layout has no grid, its indicators are lists inside each \
         project's block; a workbook's sheets are its grid)\n"
            .to_string()
    }))
}

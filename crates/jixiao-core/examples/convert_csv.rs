//! A fast loop without polars: `convert_csv convert FILE --year Y -o OUT.csv`
//! reads FILE with `jixiao_core::ingest::ingest_file` and writes one row per
//! indicator (`project,level,category,name,cycle_value,annual_value`), the
//! interface `../shared/realdocs/score.py` calls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use std::io::Write;
use std::path::PathBuf;

use jixiao_core::ingest::{IngestOptions, ingest_file};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut year: Option<i32> = None;
    let mut it = args.iter().skip_while(|a| *a == "convert");
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => out = it.next().map(PathBuf::from),
            "--year" => year = it.next().and_then(|y| y.parse().ok()),
            s if s.starts_with('-') => {
                it.next();
            }
            s => file = Some(PathBuf::from(s)),
        }
    }
    let (Some(file), Some(out)) = (file, out) else {
        eprintln!("usage: convert_csv convert FILE --year Y -o OUT.csv");
        return std::process::ExitCode::from(2);
    };
    let opts = IngestOptions {
        year,
        ..IngestOptions::default()
    };
    let doc = match ingest_file(&file, &opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(1);
        }
    };
    let mut csv = String::from("project,unit,level,category,name,cycle_value,annual_value\n");
    for (u, p) in doc.projects() {
        for i in &p.indicators {
            let row = [
                p.name.as_str(),
                u.name.as_str(),
                i.level.as_str(),
                i.category.as_str(),
                i.name.as_str(),
                i.cycle_value.as_deref().unwrap_or(""),
                i.annual_value.as_deref().unwrap_or(""),
            ];
            let row: Vec<String> = row.iter().map(|s| field(s)).collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
    }
    let written = std::fs::File::create(&out).and_then(|mut f| f.write_all(csv.as_bytes()));
    if let Err(e) = written {
        eprintln!("{}: {e}", out.display());
        return std::process::ExitCode::from(1);
    }
    eprintln!(
        "{}: reader {}, {} indicators, {} rejects; title {:?}, department {:?}, year {:?}, units {:?}",
        file.display(),
        doc.reader.as_deref().unwrap_or("-"),
        doc.indicator_count(),
        doc.rejects.len(),
        doc.title,
        doc.department,
        doc.year,
        doc.units
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
    );
    if std::env::var_os("JIXIAO_REJECTS").is_some() {
        for r in &doc.rejects {
            eprintln!("  reject {}: {} ({})", r.line, r.text, r.reason);
        }
        for w in &doc.warnings {
            eprintln!("  warning {}: {}", w.line, w.message);
        }
    }
    std::process::ExitCode::SUCCESS
}

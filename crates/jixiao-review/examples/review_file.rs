//! A fast loop without polars: `review_file FILE… [--year Y]` reads each
//! file with `jixiao_core::ingest::ingest_file`, reviews it with the default
//! rules and prints one tab-separated line per finding, then one per project
//! with its counts and grade.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a tool: a panic is a failed run

use jixiao_core::ingest::{IngestOptions, ingest_file};
use jixiao_review::{Config, grade_projects, review};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut files = Vec::new();
    let mut year = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--year" => year = it.next().and_then(|y| y.parse().ok()),
            s => files.push(s.to_string()),
        }
    }
    let config = Config::default();
    let mut failed = false;
    let timing = std::env::var_os("REVIEW_TIMING").is_some();
    let (mut t_read, mut t_review, mut t_grade, mut n_findings) = (
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        0usize,
    );
    for file in files {
        let opts = IngestOptions {
            year,
            ..IngestOptions::default()
        };
        let started = std::time::Instant::now();
        let doc = match ingest_file(std::path::Path::new(&file), &opts) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{file}: {e}");
                failed = true;
                continue;
            }
        };
        if std::env::var_os("REVIEW_ROWS").is_some() {
            for (_, p) in doc.projects() {
                for i in &p.indicators {
                    eprintln!(
                        "ROW\t{}\t{}\t{}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}",
                        i.level,
                        i.category,
                        i.name,
                        i.cycle_value,
                        i.annual_value,
                        i.weight,
                        i.direction,
                        i.value_kind
                    );
                }
            }
        }
        t_read += started.elapsed();
        let started = std::time::Instant::now();
        let findings = review(&doc, &config);
        t_review += started.elapsed();
        n_findings += findings.len();
        if timing {
            let started = std::time::Instant::now();
            let _ = grade_projects(&doc, &findings, &config.grade);
            t_grade += started.elapsed();
            continue;
        }
        for f in &findings {
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                f.rule,
                f.severity.as_str(),
                f.source,
                f.line,
                f.project,
                f.category,
                f.name,
                f.value,
                f.message
            );
        }
        for g in grade_projects(&doc, &findings, &config.grade) {
            println!(
                "GRADE\t{}\t{}\tmust {}\tshould {}\thint {}\t{}\t{}",
                g.source,
                g.project,
                g.must,
                g.should,
                g.hint,
                g.score,
                g.grade.label()
            );
        }
        if let Some(f) = findings.first() {
            eprintln!(
                "{file}: {} findings, judged against {}",
                findings.len(),
                f.template
            );
        }
    }
    if timing {
        eprintln!("read {t_read:?}, review {t_review:?}, grade {t_grade:?}, {n_findings} findings");
    }
    if failed {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}

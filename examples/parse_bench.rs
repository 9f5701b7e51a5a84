//! Times the stages of a text conversion separately, on one thread: decode,
//! parse, flatten, over files already in memory, in chunks as `run` takes
//! them. A tool for finding where time goes (`make bench` times whole runs).
//!
//! cargo run --release --example parse_bench -- /tmp/jixiao-bench/corpus-main-200mb

use std::time::{Duration, Instant};

use jixiao::ingest::{decode, text};

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: parse_bench FOLDER")?;
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "txt") {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, std::fs::read(&p)?));
        }
    }
    files.sort();
    let mb = files.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let opts = text::TextOptions::default();
    let (mut decode_t, mut parse_t, mut flatten_t) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut rows = 0;
    for chunk in files.chunks(500) {
        let t = Instant::now();
        let texts: Vec<String> = chunk
            .iter()
            .map(|(_, b)| decode::decode_owned(b.clone(), None).map(|d| d.text))
            .collect::<Result<_, _>>()?;
        decode_t += t.elapsed();
        let t = Instant::now();
        let docs: Vec<_> = chunk
            .iter()
            .zip(&texts)
            .map(|((name, _), s)| text::parse(name, s, &opts))
            .collect();
        parse_t += t.elapsed();
        rows += docs.iter().map(|d| d.indicator_count()).sum::<usize>();
        let t = Instant::now();
        let i = jixiao::flatten::indicators(&docs)?;
        let p = jixiao::flatten::projects(&docs)?;
        std::hint::black_box((i, p));
        flatten_t += t.elapsed();
    }
    println!(
        "{mb:.1} MB, {} files, {rows} indicators (one thread)",
        files.len()
    );
    for (stage, t) in [
        ("decode", decode_t),
        ("parse", parse_t),
        ("flatten", flatten_t),
    ] {
        let s = t.as_secs_f64();
        println!(
            "{stage:8} {s:6.2} s  {:7.1} MB/s  {:9.0} rows/s",
            mb / s,
            rows as f64 / s
        );
    }
    Ok(())
}

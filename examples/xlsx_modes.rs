//! Measures the XLSX writer's memory modes: `xlsx_modes low|constant IN.parquet OUT.xlsx`
//! writes the Parquet table as one workbook (run it under /usr/bin/time for
//! the peak RSS). Used for the choice of mode (README, bench).
use std::path::Path;

use jixiao::emit::xlsx::{Memory, XlsxOptions, write_xlsx_with};
use polars::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, input, output] = args.as_slice() else {
        return Err("usage: xlsx_modes low|constant IN.parquet OUT.xlsx".into());
    };
    let memory = match mode.as_str() {
        "low" => Memory::Low,
        "constant" => Memory::Constant,
        // The table read, nothing written: the baseline of the two.
        "none" => {
            let df = ParquetReader::new(std::fs::File::open(input)?).finish()?;
            println!("none: {} rows read", df.height());
            return Ok(());
        }
        _ => return Err(format!("mode {mode}: low or constant").into()),
    };
    let mut df = ParquetReader::new(std::fs::File::open(input)?).finish()?;
    if let Some(n) = std::env::var("ROWS").ok().and_then(|n| n.parse().ok()) {
        df = df.slice(0, n);
    }
    let started = std::time::Instant::now();
    let sheet = jixiao::aggregate::sheet("indicators", &df, df.height())?;
    let stats = write_xlsx_with(
        Path::new(output),
        &[sheet],
        &[],
        &XlsxOptions {
            memory,
            ..XlsxOptions::default()
        },
    )?;
    println!(
        "{mode}: {} rows, sheets {:?}, {:.1} s, {} bytes",
        stats.rows,
        stats.sheets,
        started.elapsed().as_secs_f64(),
        std::fs::metadata(output)?.len()
    );
    Ok(())
}

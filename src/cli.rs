//! Command line: `convert`, `inspect`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use polars::prelude::DataFrame;

use jixiao::check;
use jixiao::emit::{self, csv::CsvOptions};
use jixiao::flatten;
use jixiao::ingest::{self, DroppedCells, IngestOptions, TextOptions, decode};
use jixiao::model::Document;
use jixiao::pipeline::batch::{self, Batch};
use jixiao::pipeline::{self, RunOptions, RunReport};

/// Exit codes, documented in `--help` and the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const DATA: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const OUTPUT: u8 = 3;
}

const AFTER_HELP: &str = "\
Examples:
  jixiao convert samples/laisui_2024.txt -o out/indicators.csv
  jixiao convert samples/excel -o out/all.xlsx
  jixiao convert table.txt --year 2024 --table projects -o projects.parquet
  jixiao inspect samples/laisui_2024.txt

Exit codes:
  0  success
  1  data problems: a reject (text that could not be placed, a file that could
     not be read), or with --strict a sum that does not reconcile
  2  usage or configuration error
  3  an output could not be written (earlier outputs are left intact)";

#[derive(Parser)]
#[command(
    name = "jixiao",
    version,
    about = "Convert Chinese budget performance-target tables (项目支出绩效目标表) into data: one row per indicator.",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert tables to CSV, Parquet or XLSX (format from the output's extension).
    #[command(after_help = "\
Examples:
  jixiao convert samples/laisui_2024.txt -o indicators.csv
  jixiao convert samples/laisui_2024.txt --table projects -o projects.parquet
  jixiao convert a_2023.txt b_2024.txt -o all.xlsx        # both tables as sheets
  jixiao convert table.txt --year 2024 --no-bom -o rows.csv
  jixiao convert 2024年部门预算.pdf -o indicators.csv      # the target table inside a PDF

Rows that cannot be parsed go to OUT.rejects.csv (file, line, text, reason, kind, position).
Exit codes: 0 success, 1 data problems, 2 usage error, 3 output not written.")]
    Convert(ConvertArgs),
    /// Show what a table holds before trusting it: department, year, units,
    /// projects, reconciliation, and anything the parser could not place.
    #[command(after_help = "\
Examples:
  jixiao inspect samples/laisui_2024.txt
  jixiao inspect --grid tests/fixtures/realdocs/raw/xiangtan_huanwei_2023_wupaoche_perf_target_apply.txt

Exit codes: 0 clean, 1 rejects found, 2 usage error.")]
    Inspect(InspectArgs),
    /// Run a pipeline file (stages: ingest, flatten, check, sql, emit).
    #[command(after_help = "\
Examples:
  jixiao run pipelines/default.toml
  jixiao run pipelines/default.toml --input archive/2024 --out out/2024
  jixiao run pipelines/default.toml --set read.year=2024 --set emit.bom=false
  jixiao run pipelines/default.toml --dry-run
  jixiao run pipelines/default.toml --report run.json --quiet     # for schedulers
  jixiao run pipelines/dataset.toml --shard 2/8                   # machine 2 of 8

Exit codes: 0 all good, 1 rejects or failed error-severity checks,
2 the pipeline or the command line is wrong, 3 an output could not be written.")]
    Run(RunArgs),
    /// Check pipeline files without running them; every error names file, line,
    /// column and the key at fault.
    #[command(after_help = "\
Example:
  jixiao validate pipelines/*.toml

Exit codes: 0 all valid, 2 at least one file is not.")]
    Validate(ValidateArgs),
    /// Generate a synthetic corpus of the seed's layout (for benchmarks and scale tests).
    #[command(after_help = "\
Example:
  jixiao gen --docs 1000 --seed 1 --out /tmp/corpus     # prints the expected counts

Deterministic: the same --seed and --docs write the same files.")]
    Gen(GenArgs),
}

#[derive(clap::Args)]
struct GenArgs {
    /// Number of documents.
    #[arg(long, default_value_t = 100)]
    docs: u64,
    /// Seed number naming the corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after about this many megabytes (instead of --docs).
    #[arg(long, value_name = "MB")]
    megabytes: Option<u64>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The pipeline file (TOML).
    pipeline: PathBuf,
    /// Replace the ingest stage's inputs (files, folders, globs); repeatable.
    #[arg(long = "input", value_name = "PATH")]
    inputs: Vec<PathBuf>,
    /// Replace every emit stage's output folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Override a stage option: STAGE.KEY=VALUE (value in TOML syntax); repeatable.
    #[arg(long = "set", value_name = "STAGE.KEY=VALUE")]
    set: Vec<String>,
    /// Resolve inputs, years and outputs, print the plan, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Stop at the first file that cannot be read.
    #[arg(long)]
    fail_fast: bool,
    /// Convert only share I of N of the inputs (0-based, e.g. 0/4 … 3/4), so N
    /// machines fill one partitioned dataset together.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Write the run summary as JSON to this file.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Print nothing but errors (no summary, no progress bar).
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every warning and check detail.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(clap::Args)]
struct ValidateArgs {
    /// Pipeline files.
    #[arg(required = true)]
    pipelines: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum TableChoice {
    Indicators,
    Projects,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum DroppedChoice {
    /// Leave source columns empty when the text dropped empty cells (say why).
    Unknown,
    /// Assume printed source figures fill 财政拨款, 财政专户拨款, 其他资金 from the left.
    Leftmost,
}

#[derive(clap::Args)]
struct ReadArgs {
    /// Budget year of the inputs (default: a 20xx year in each file name).
    #[arg(long, value_parser = clap::value_parser!(i32).range(1990..=2100))]
    year: Option<i32>,
    /// Read inputs in this encoding instead of detecting it (utf-8, gb18030, gbk, utf-16le …).
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Where a row prints fewer source figures than columns, how to place them.
    #[arg(long, value_enum, default_value = "unknown")]
    dropped_cells: DroppedChoice,
    /// Workbook sheet to read (repeatable; default: every sheet holding a table).
    #[arg(long = "sheet", value_name = "NAME")]
    sheets: Vec<String>,
}

#[derive(clap::Args)]
struct ConvertArgs {
    /// Input files, folders or globs: PDFs, workbooks (.xlsx/.xls/.ods) or text
    /// (from a PDF-to-text tool or a web page), in any province's layout.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output file: .csv, .parquet or .xlsx.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Which table for .csv and .parquet (an .xlsx gets both as sheets).
    #[arg(long, value_enum, default_value = "indicators")]
    table: TableChoice,
    /// Write CSV without the UTF-8 BOM (for machine readers; Excel needs the BOM).
    #[arg(long)]
    no_bom: bool,
    /// Exit 1 when a sum does not reconcile, not only on rejects.
    #[arg(long)]
    strict: bool,
    /// Print every warning, not only the first ones.
    #[arg(short, long)]
    verbose: bool,
    /// Print nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(clap::Args)]
struct InspectArgs {
    /// The input file.
    input: PathBuf,
    /// Also print the grid of cells the reader built (rows of cells with their
    /// positions and spans): why a table was read as it was.
    #[arg(long)]
    grid: bool,
    #[command(flatten)]
    read: ReadArgs,
}

/// A failure with its exit code.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

fn usage(e: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code: exit::USAGE,
        error: e.into(),
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let result = match cli.command {
        Command::Convert(a) => convert(a),
        Command::Inspect(a) => inspect(a),
        Command::Run(a) => run_pipeline(a),
        Command::Validate(a) => validate(a),
        Command::Gen(a) => generate(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("error: {}", chain_text(&f.error));
            ExitCode::from(f.code)
        }
    }
}

/// Writes to stdout; a closed pipe (`jixiao inspect f | head`) ends the
/// program quietly with exit 0, as other CLI tools do.
fn out(text: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(i32::from(exit::OUTPUT));
    }
}

macro_rules! outln {
    ($($arg:tt)*) => { out(&format!("{}\n", format!($($arg)*))) };
}

/// The error and its causes, each cause once (our error types already print
/// their source in their own message).
fn chain_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
}

fn ingest_options(r: &ReadArgs) -> Result<IngestOptions, Failure> {
    let encoding = match &r.encoding {
        Some(label) => Some(decode::encoding_for_label(label).ok_or_else(|| {
            usage(anyhow::anyhow!(
                "--encoding {label}: unknown encoding; try utf-8, gb18030, gbk, utf-16le, utf-16be"
            ))
        })?),
        None => None,
    };
    Ok(IngestOptions {
        text: TextOptions {
            dropped_cells: match r.dropped_cells {
                DroppedChoice::Unknown => DroppedCells::Unknown,
                DroppedChoice::Leftmost => DroppedCells::Leftmost,
            },
        },
        encoding,
        year: r.year,
        sheets: r.sheets.clone(),
        ..IngestOptions::default()
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
    Xlsx,
}

fn format_of(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    Ok(match ext.as_str() {
        "csv" => Format::Csv,
        "parquet" | "pq" => Format::Parquet,
        "xlsx" => Format::Xlsx,
        _ => bail!(
            "{}: cannot tell the output format from the extension; use .csv, .parquet or .xlsx",
            path.display()
        ),
    })
}

fn convert(a: ConvertArgs) -> Result<u8, Failure> {
    let started = Instant::now();
    let format = format_of(&a.output).map_err(usage)?;
    let opts = ingest_options(&a.read)?;
    // The output file and its rejects are never read as inputs.
    let own = [a.output.clone(), sibling(&a.output, "rejects.csv")];
    let inputs = batch::resolve_inputs(&a.inputs, &own).map_err(|e| usage(anyhow::anyhow!(e)))?;
    if inputs.files.is_empty() && inputs.refused.is_empty() {
        return Err(usage(anyhow::anyhow!("no input files found")));
    }
    let dir = a
        .output
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // One writer at a time in the output folder; leftovers of killed runs go.
    let _lock = jixiao::pipeline::run::lock_dir(dir, "all").map_err(|e| Failure {
        code: exit::OUTPUT,
        error: e.into(),
    })?;
    let names: Vec<String> = own
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    jixiao::pipeline::run::clean_temp_files(dir, &names);

    let mut batch = batch::ingest_all(&inputs.files, &opts, &|| {});
    batch.failed.extend(inputs.refused.iter().cloned());
    batch::Seen::default().dedup(&mut batch);
    let both = |docs: &[Document]| {
        flatten::indicators(docs).and_then(|i| flatten::projects(docs).map(|p| (i, p)))
    };
    let tables = match both(&batch.docs) {
        Ok(t) => Ok(t),
        Err(_) => {
            // A document that cannot be tabled is its file's reject.
            let unfit = batch::isolate_unfit(&mut batch);
            batch.failed.extend(unfit);
            both(&batch.docs)
        }
    };
    let rejects = batch.rejects();
    let out_err = |error: anyhow::Error| Failure {
        code: exit::OUTPUT,
        error,
    };
    let data_err = |e: polars::prelude::PolarsError| Failure {
        code: exit::OUTPUT,
        error: anyhow::anyhow!("building tables: {e}"),
    };
    let (indicators, projects) = tables.map_err(data_err)?;
    let reject_df = flatten::rejects(&rejects).map_err(data_err)?;
    let csv_opts = CsvOptions { bom: !a.no_bom };
    let chosen: &DataFrame = match a.table {
        TableChoice::Indicators => &indicators,
        TableChoice::Projects => &projects,
    };
    match format {
        Format::Csv => emit::csv::write_csv(&a.output, chosen, csv_opts).map(|_| ()),
        Format::Parquet => emit::parquet::write_parquet(&a.output, chosen).map(|_| ()),
        Format::Xlsx => {
            let mut frames: Vec<(&str, &DataFrame)> =
                vec![("indicators", &indicators), ("projects", &projects)];
            if !rejects.is_empty() {
                frames.push(("rejects", &reject_df));
            }
            let sheets = frames
                .iter()
                .map(|(n, df)| jixiao::aggregate::sheet(n, *df, df.height()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(data_err)?;
            emit::xlsx::write_xlsx(&a.output, &sheets, &[]).map(|_| ())
        }
    }
    .map_err(|e| out_err(e.into()))?;
    let rejects_path = sibling(&a.output, "rejects.csv");
    if !rejects.is_empty() {
        emit::csv::write_csv(&rejects_path, &reject_df, csv_opts).map_err(|e| out_err(e.into()))?;
    } else if rejects_path.exists() {
        // A stale rejects file from an earlier run would mislead.
        std::fs::remove_file(&rejects_path)
            .with_context(|| format!("{}: cannot remove stale rejects", rejects_path.display()))
            .map_err(out_err)?;
    }

    let warnings = batch.warnings();
    if !a.quiet {
        print_summary(&batch, &a.output, &rejects_path, a.verbose, started);
    }
    Ok(
        if !rejects.is_empty() || (a.strict && !warnings.is_empty()) {
            exit::DATA
        } else {
            exit::OK
        },
    )
}

/// `out/x.csv` + `rejects.csv` → `out/x.rejects.csv`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!("{stem}.{suffix}"))
}

const SHOWN_WARNINGS: usize = 20;

fn print_summary(
    batch: &Batch,
    output: &Path,
    rejects_path: &Path,
    verbose: bool,
    started: Instant,
) {
    let (s, warnings, rejects) = batch.outcome();
    eprintln!(
        "{} file(s): {} unit(s), {} project(s), {} indicator(s) → {}",
        s.files,
        s.units,
        s.projects,
        s.indicators,
        output.display()
    );
    if s.duplicates > 0 {
        eprintln!(
            "{} document(s) repeat another and were counted once (see the warnings)",
            s.duplicates
        );
    }
    if !s.readers.is_empty() {
        eprintln!("read as: {}", s.readers_line());
    }
    for d in batch.docs.iter().filter(|d| d.encoding != "UTF-8") {
        eprintln!("note: {}: read as {}", d.source, d.encoding);
    }
    for d in &batch.docs {
        let noted = d
            .projects()
            .filter(|(_, p)| p.amounts.note.is_some())
            .count();
        if noted > 0 {
            eprintln!(
                "note: {}: {noted} project(s) print fewer source figures than the three source columns (the text dropped empty cells); their source columns are left empty, see amount_note (--dropped-cells leftmost assumes 财政拨款 first)",
                d.source
            );
        }
    }
    let shown = if verbose {
        warnings.len()
    } else {
        SHOWN_WARNINGS
    };
    for w in warnings.iter().take(shown) {
        eprintln!("warning: {}:{}: {}", w.source, w.line, w.message);
    }
    if warnings.len() > shown {
        eprintln!("… {} more warning(s); -v shows all", warnings.len() - shown);
    }
    for r in rejects.iter().take(shown) {
        eprintln!("reject: {}:{}: {}", r.source, r.line, r.reason);
    }
    if !rejects.is_empty() {
        eprintln!(
            "{} reject(s) written to {}",
            rejects.len(),
            rejects_path.display()
        );
    }
    eprintln!(
        "done: {} reject(s), {} warning(s) in {:.2}s",
        s.rejects,
        s.warnings,
        started.elapsed().as_secs_f64()
    );
}

fn inspect(a: InspectArgs) -> Result<u8, Failure> {
    let opts = ingest_options(&a.read)?;
    let doc = match batch::ingest_path(&a.input, &opts) {
        Ok(d) => d,
        Err(e @ ingest::IngestError::NoYear { .. }) => return Err(usage(e)),
        Err(e) => {
            return Err(Failure {
                code: exit::DATA,
                error: e.into(),
            });
        }
    };
    let mut out_text = render_inspect(&doc);
    if a.grid {
        let grids = ingest::inspect_grids(&a.input, &opts).map_err(|e| Failure {
            code: exit::DATA,
            error: e.into(),
        })?;
        out_text.push_str("\ngrid:\n");
        out_text.push_str(&grids.unwrap_or_else(|| {
            "(none: the seed's text layout has no grid, its indicators are lists inside each \
             project's block; a workbook's sheets are its grid)\n"
                .to_string()
        }));
    }
    out(&out_text);
    Ok(if doc.rejects.is_empty() {
        exit::OK
    } else {
        exit::DATA
    })
}

fn render_inspect(doc: &Document) -> String {
    use std::fmt::Write;
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

fn validate(a: ValidateArgs) -> Result<u8, Failure> {
    let mut bad = 0;
    for p in &a.pipelines {
        match pipeline::load(p, &[]) {
            Ok(pl) => outln!(
                "{}: ok ({} stages: {})",
                p.display(),
                pl.stages.len(),
                stage_list(&pl)
            ),
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} pipeline file(s) invalid", a.pipelines.len());
        Ok(exit::USAGE)
    } else {
        Ok(exit::OK)
    }
}

fn parse_shard(s: &str) -> std::result::Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("\"{s}\": expected I/N, e.g. 0/4"))?;
    let i: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("\"{s}\": I is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("\"{s}\": N is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!("\"{s}\": need 0 <= I < N"));
    }
    Ok((i, n))
}

fn stage_list(p: &pipeline::Pipeline) -> String {
    p.stages
        .iter()
        .map(|s| format!("{}:{}", s.name, s.stage.type_name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn run_pipeline(a: RunArgs) -> Result<u8, Failure> {
    let p = pipeline::load(&a.pipeline, &a.set).map_err(usage)?;
    let opts = RunOptions {
        inputs: a.inputs.clone(),
        out: a.out.clone(),
        fail_fast: a.fail_fast,
        shard: a.shard,
    };
    if a.dry_run {
        let plan = pipeline::run::plan(&p, &opts).map_err(|e| Failure {
            code: e.exit_code(),
            error: e.into(),
        })?;
        outln!(
            "pipeline {} ({}): {}",
            p.name,
            p.path.display(),
            stage_list(&p)
        );
        outln!("inputs ({}):", plan.inputs.len());
        for (path, year) in &plan.inputs {
            let y = match year {
                Ok(Some(y)) => y.to_string(),
                Ok(None) => "from the title when read (a file without one is rejected; or set year in the ingest stage, --set STAGE.year=2024)".into(),
                Err(e) => format!("unknown: {e}"),
            };
            outln!("  {}  year {y}", path.display());
        }
        outln!("outputs:");
        for o in &plan.outputs {
            outln!("  {}", o.display());
        }
        outln!("(dry run: nothing read or written)");
        return Ok(exit::OK);
    }
    let show_progress = !a.quiet && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(5),
    );
    if !show_progress {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} files {wide_bar} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let on_start = |n: usize| bar.set_length(n as u64);
    let on_file = || bar.inc(1);
    let result = pipeline::run::run(&p, &opts, &on_start, &on_file);
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            if let Some(path) = &a.report {
                let _ = write_report_json(
                    path,
                    &serde_json::json!({
                        "pipeline": p.name, "error": e.to_string(), "exit_code": e.exit_code()
                    }),
                );
            }
            return Err(Failure {
                code: e.exit_code(),
                error: e.into(),
            });
        }
    };
    if !a.quiet {
        print_run_summary(&report, a.verbose);
    }
    if let Some(path) = &a.report {
        write_report_json(path, &report).map_err(|error| Failure {
            code: exit::OUTPUT,
            error,
        })?;
    }
    Ok(report.exit_code)
}

fn write_report_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).context("serialising the report")?;
    emit::atomic_write(path, |w| {
        std::io::Write::write_all(w, &json).map_err(|e| emit::EmitError::format(path, e))
    })?;
    Ok(())
}

fn print_run_summary(r: &RunReport, verbose: bool) {
    let s = &r.summary;
    let shown = if verbose { usize::MAX } else { SHOWN_WARNINGS };
    for w in r.warning_messages.iter().take(shown) {
        eprintln!("warning: {w}");
    }
    if r.warning_messages.len() > shown {
        eprintln!(
            "… {} more warning(s); -v shows all",
            r.warning_messages.len() - shown
        );
    }
    for n in &r.notes {
        eprintln!("note: {n}");
    }
    if s.duplicates > 0 {
        eprintln!(
            "{} document(s) repeat another and were counted once (see the warnings)",
            s.duplicates
        );
    }
    if !s.readers.is_empty() {
        eprintln!("read as: {}", s.readers_line());
    }
    for c in &r.checks {
        if c.failures > 0 || verbose {
            eprintln!(
                "check {} [{}]: {} ({} failure(s)){}",
                c.check,
                c.severity,
                if c.failures == 0 { "ok" } else { "FAILED" },
                c.failures,
                if c.examples.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.examples.join("; "))
                }
            );
        }
    }
    eprintln!(
        "{}: {} file(s) ({} failed), {} project(s), {} indicator(s), {} reject(s), {} warning(s), {} output file(s) in {:.2}s",
        r.pipeline,
        s.files,
        s.files_failed,
        s.projects,
        s.indicators,
        s.rejects,
        s.warnings,
        r.outputs.len(),
        r.seconds
    );
    if verbose {
        for o in &r.outputs {
            eprintln!("  wrote {}", o.display());
        }
        let stages: Vec<String> = r
            .stage_seconds
            .iter()
            .map(|(name, secs)| format!("{name} {secs:.2}s"))
            .collect();
        eprintln!("  stages: {}", stages.join(", "));
    }
}

fn generate(a: GenArgs) -> Result<u8, Failure> {
    let out_err = |error: anyhow::Error| Failure {
        code: exit::OUTPUT,
        error,
    };
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("{}: cannot create folder", a.out.display()))
        .map_err(out_err)?;
    let limit = a.megabytes.map(|m| m * 1_000_000);
    let (mut docs, mut bytes, mut projects, mut indicators) = (0u64, 0u64, 0usize, 0usize);
    let mut total = rust_decimal::Decimal::ZERO;
    let mut i = 0;
    loop {
        let done = match limit {
            Some(l) => bytes >= l,
            None => i >= a.docs,
        };
        if done {
            break;
        }
        let g = jixiao::corpus::document(a.seed, i);
        let path = a.out.join(&g.file_name);
        std::fs::write(&path, &g.text)
            .with_context(|| format!("{}: cannot write", path.display()))
            .map_err(out_err)?;
        docs += 1;
        bytes += g.text.len() as u64;
        projects += g.projects;
        indicators += g.indicators;
        total += g.total;
        i += 1;
    }
    outln!(
        "{docs} documents, {:.1} MB, {projects} projects, {indicators} indicators, 合计 {total} 万元 in {}",
        bytes as f64 / 1e6,
        a.out.display()
    );
    Ok(exit::OK)
}

/// An amount for the terminal: `-` where the table prints none.
fn show(d: Option<rust_decimal::Decimal>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}

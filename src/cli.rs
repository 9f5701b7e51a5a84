//! Command line: `convert`, `inspect`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use jixiao::emit;
use jixiao::ingest::{self, DroppedCells, IngestOptions, TextOptions, decode};
use jixiao::pipeline::batch;
use jixiao::pipeline::config::Format;
use jixiao::pipeline::stages::emit::rejects_beside;
use jixiao::pipeline::{self, Outcome, RunError, RunOptions, RunReport};

const AFTER_HELP: &str = "\
Examples:
  jixiao convert samples/laisui_2024.txt -o out/indicators.csv
  jixiao convert samples/excel -o out/all.xlsx
  jixiao convert table.txt --year 2024 --table projects -o projects.parquet
  jixiao inspect samples/laisui_2024.txt
  jixiao review samples/laisui_2024.txt -o out/review.xlsx

Exit codes:
  0  success
  1  data problems: a reject (text that could not be placed, a file that could
     not be read), or with --strict a sum that does not reconcile
  2  usage or configuration error
  3  an output could not be written (earlier outputs are left intact)
  4  internal error: a fault of jixiao or a library under it (a bug; the
     message names the cause)";

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
Exit codes: 0 success, 1 data problems, 2 usage error, 3 output not written,
4 internal error.")]
    Convert(ConvertArgs),
    /// Review targets as a budget office does (绩效目标审核): findings per
    /// indicator and project, with a suggested grade (优/良/中/差) per project.
    #[command(after_help = "\
Examples:
  jixiao review samples/laisui_2024.txt -o out/review.xlsx   # 审核意见 and 项目审核汇总 sheets
  jixiao review tables/ --year 2024 -o review.csv            # one row per finding

The rules are those of REVIEW.md (R01–R45); a pipeline's review stage can switch
them off or change their severity ([stages.rules] R37 = \"off\").
Findings never fail the command: exit codes are convert's (0 success, 1 rejects,
2 usage error, 3 output not written, 4 internal error).")]
    Review(ReviewArgs),
    /// Show what a table holds before trusting it: department, year, units,
    /// projects, reconciliation, and anything the parser could not place.
    #[command(after_help = "\
Examples:
  jixiao inspect samples/laisui_2024.txt
  jixiao inspect --grid tests/fixtures/realdocs/raw/xiangtan_huanwei_2023_wupaoche_perf_target_apply.txt

Exit codes: 0 clean, 1 rejects found, 2 usage error, 4 internal error.")]
    Inspect(InspectArgs),
    /// Run a pipeline file (stages: ingest, flatten, check, review, aggregate, sql, emit).
    #[command(after_help = "\
Examples:
  jixiao run pipelines/default.toml
  jixiao run pipelines/default.toml --input archive/2024 --out out/2024
  jixiao run pipelines/default.toml --set read.year=2024 --set emit.bom=false
  jixiao run pipelines/default.toml --dry-run
  jixiao run pipelines/default.toml --report run.json --quiet     # for schedulers
  jixiao run pipelines/dataset.toml --shard 2/8                   # machine 2 of 8

Exit codes: 0 all good, 1 rejects or failed error-severity checks,
2 the pipeline or the command line is wrong, 3 an output could not be written,
4 internal error (the message names the cause).")]
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
struct ReviewArgs {
    /// Input files, folders or globs, as for convert.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output file: .xlsx (findings, project grades, indicators and projects
    /// as sheets), or .csv / .parquet (the findings).
    #[arg(short, long, value_name = "OUT", default_value = "review.xlsx")]
    output: PathBuf,
    /// Write CSV without the UTF-8 BOM.
    #[arg(long)]
    no_bom: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
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

/// A failure with its outcome (the exit code).
struct Failure {
    code: Outcome,
    error: anyhow::Error,
}

fn usage(e: impl Into<anyhow::Error>) -> Failure {
    Failure {
        code: Outcome::Usage,
        error: e.into(),
    }
}

fn run_failure(e: RunError) -> Failure {
    Failure {
        code: e.outcome(),
        error: e.into(),
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and errors to stderr (exit 2).
            let _ = e.print();
            return exit_code(if e.use_stderr() {
                Outcome::Usage
            } else {
                Outcome::Ok
            });
        }
    };
    let result = match cli.command {
        Command::Convert(a) => convert(a),
        Command::Review(a) => review(a),
        Command::Inspect(a) => inspect(a),
        Command::Run(a) => run_pipeline(a),
        Command::Validate(a) => validate(a),
        Command::Gen(a) => generate(a),
    };
    match result {
        Ok(code) => exit_code(code),
        Err(f) => {
            eprintln!("error: {}", chain_text(&f.error));
            exit_code(f.code)
        }
    }
}

/// The one place an outcome becomes the process's exit code.
fn exit_code(o: Outcome) -> ExitCode {
    ExitCode::from(o.code())
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
        std::process::exit(i32::from(Outcome::Output.code()));
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

fn convert(a: ConvertArgs) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let format = format_of(&a.output).map_err(usage)?;
    // The options are checked as convert's own, with its flags' names.
    ingest_options(&a.read)?;
    let p = convert_pipeline(&a, format);
    let opts = RunOptions {
        inputs: a.inputs.clone(),
        ..RunOptions::default()
    };
    let report = pipeline::run::run(&p, &opts, &|_| {}, &|| {}).map_err(run_failure)?;
    if !a.quiet {
        print_summary(&report, &a.output, a.verbose, started);
    }
    Ok(report.outcome)
}

/// `convert` as a pipeline: ingest, flatten, check, emit to the one output
/// file, run by the same runner as `run` (so it streams and stages alike).
fn convert_pipeline(a: &ConvertArgs, format: Format) -> pipeline::Pipeline {
    use jixiao::pipeline::config::{
        CheckConfig, EmitConfig, FileTarget, FlattenConfig, IngestConfig, Severity, StageDef,
        YearRule,
    };
    use std::sync::Arc;
    let stage = |name: &str, stage: Arc<dyn jixiao::pipeline::stages::StageConfig>| StageDef {
        name: name.to_string(),
        stage,
        line: 0,
    };
    // --strict: a sum that does not reconcile, or any other warning, fails.
    let strict = if a.strict {
        Severity::Error
    } else {
        Severity::Off
    };
    pipeline::Pipeline {
        path: PathBuf::from("convert"),
        name: "convert".into(),
        description: None,
        stages: vec![
            stage(
                "read",
                Arc::new(IngestConfig {
                    inputs: a.inputs.clone(),
                    year: a.read.year.map_or(YearRule::FileName, YearRule::Fixed),
                    year_pattern: None,
                    encoding: a.read.encoding.clone(),
                    dropped_cells: match a.read.dropped_cells {
                        DroppedChoice::Unknown => DroppedCells::Unknown,
                        DroppedChoice::Leftmost => DroppedCells::Leftmost,
                    },
                    fail_fast: false,
                    kind: None,
                    sheets: a.read.sheets.clone(),
                }),
            ),
            stage("flatten", Arc::new(FlattenConfig {})),
            stage(
                "check",
                Arc::new(CheckConfig {
                    // The sums are always reconciled and reported as warnings.
                    reconcile: if a.strict {
                        Severity::Error
                    } else {
                        Severity::Warn
                    },
                    warnings: strict,
                    columns: Vec::new(),
                }),
            ),
            stage(
                "emit",
                Arc::new(EmitConfig {
                    out: a.output.parent().map(Path::to_path_buf).unwrap_or_default(),
                    formats: vec![format],
                    bom: !a.no_bom,
                    tables: vec!["indicators".into(), "projects".into()],
                    partition_by: None,
                    xlsx_compression: None,
                    file: Some(FileTarget {
                        path: a.output.clone(),
                        format,
                        table: match a.table {
                            TableChoice::Indicators => "indicators".into(),
                            TableChoice::Projects => "projects".into(),
                        },
                    }),
                }),
            ),
        ],
    }
}

fn review(a: ReviewArgs) -> Result<Outcome, Failure> {
    let started = Instant::now();
    let format = format_of(&a.output).map_err(usage)?;
    ingest_options(&a.read)?;
    let p = review_pipeline(&a, format);
    let opts = RunOptions {
        inputs: a.inputs.clone(),
        ..RunOptions::default()
    };
    let report = pipeline::run::run(&p, &opts, &|_| {}, &|| {}).map_err(run_failure)?;
    if !a.quiet {
        print_summary(&report, &a.output, false, started);
        let n = |t: &str| report.tables.get(t).copied().unwrap_or(0);
        eprintln!(
            "review: {} finding(s) on {} project(s) → {}",
            n("review"),
            n("review_projects"),
            a.output.display()
        );
    }
    Ok(report.outcome)
}

/// `review` as a pipeline: ingest, flatten, review with the default rules,
/// emit to the one output file (findings first).
fn review_pipeline(a: &ReviewArgs, format: Format) -> pipeline::Pipeline {
    use jixiao::pipeline::config::{
        EmitConfig, FileTarget, FlattenConfig, IngestConfig, ReviewConfig, StageDef, YearRule,
    };
    use std::sync::Arc;
    let stage = |name: &str, stage: Arc<dyn jixiao::pipeline::stages::StageConfig>| StageDef {
        name: name.to_string(),
        stage,
        line: 0,
    };
    pipeline::Pipeline {
        path: PathBuf::from("review"),
        name: "review".into(),
        description: None,
        stages: vec![
            stage(
                "read",
                Arc::new(IngestConfig {
                    inputs: a.inputs.clone(),
                    year: a.read.year.map_or(YearRule::FileName, YearRule::Fixed),
                    year_pattern: None,
                    encoding: a.read.encoding.clone(),
                    dropped_cells: match a.read.dropped_cells {
                        DroppedChoice::Unknown => DroppedCells::Unknown,
                        DroppedChoice::Leftmost => DroppedCells::Leftmost,
                    },
                    fail_fast: false,
                    kind: None,
                    sheets: a.read.sheets.clone(),
                }),
            ),
            stage("flatten", Arc::new(FlattenConfig {})),
            stage("review", Arc::new(ReviewConfig::default())),
            stage(
                "emit",
                Arc::new(EmitConfig {
                    out: a.output.parent().map(Path::to_path_buf).unwrap_or_default(),
                    formats: vec![format],
                    bom: !a.no_bom,
                    tables: vec![
                        "review".into(),
                        "review_projects".into(),
                        "indicators".into(),
                        "projects".into(),
                    ],
                    partition_by: None,
                    xlsx_compression: None,
                    file: Some(FileTarget {
                        path: a.output.clone(),
                        format,
                        table: "review".into(),
                    }),
                }),
            ),
        ],
    }
}

const SHOWN_WARNINGS: usize = 20;

fn print_summary(r: &RunReport, output: &Path, verbose: bool, started: Instant) {
    let s = &r.summary;
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
    print_file_notes(r);
    let warnings = &r.warning_messages;
    let shown = if verbose {
        warnings.len()
    } else {
        SHOWN_WARNINGS
    };
    for w in warnings.iter().take(shown) {
        eprintln!("warning: {w}");
    }
    if warnings.len() > shown {
        eprintln!("… {} more warning(s); -v shows all", warnings.len() - shown);
    }
    for m in r.reject_messages.iter().take(shown) {
        eprintln!("reject: {m}");
    }
    if !r.reject_messages.is_empty() {
        eprintln!(
            "{} reject(s) written to {}",
            r.reject_messages.len(),
            rejects_beside(output).display()
        );
    }
    eprintln!(
        "done: {} reject(s), {} warning(s) in {:.2}s",
        s.rejects,
        s.warnings,
        started.elapsed().as_secs_f64()
    );
}

fn inspect(a: InspectArgs) -> Result<Outcome, Failure> {
    let opts = ingest_options(&a.read)?;
    let doc = match batch::ingest_path(&a.input, &opts) {
        Ok(d) => d,
        Err(e @ ingest::IngestError::NoYear { .. }) => return Err(usage(e)),
        Err(e) => {
            return Err(Failure {
                code: Outcome::Data,
                error: e.into(),
            });
        }
    };
    let mut out_text = jixiao::outline::outline(&doc);
    if a.grid {
        let grid = jixiao::outline::grid(&a.input, &opts).map_err(|e| Failure {
            code: Outcome::Data,
            error: e.into(),
        })?;
        out_text.push_str("\ngrid:\n");
        out_text.push_str(&grid);
    }
    out(&out_text);
    Ok(if doc.rejects.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Data
    })
}

fn validate(a: ValidateArgs) -> Result<Outcome, Failure> {
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
        Ok(Outcome::Usage)
    } else {
        Ok(Outcome::Ok)
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

fn run_pipeline(a: RunArgs) -> Result<Outcome, Failure> {
    let p = pipeline::load(&a.pipeline, &a.set).map_err(usage)?;
    let opts = RunOptions {
        inputs: a.inputs.clone(),
        out: a.out.clone(),
        fail_fast: a.fail_fast,
        shard: a.shard,
    };
    if a.dry_run {
        let plan = pipeline::run::plan(&p, &opts).map_err(run_failure)?;
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
            match &o.when {
                Some(when) => outln!("  {}  ({when})", o.path.display()),
                None => outln!("  {}", o.path.display()),
            }
        }
        outln!("(dry run: nothing read or written)");
        return Ok(Outcome::Ok);
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
            return Err(run_failure(e));
        }
    };
    if !a.quiet {
        print_run_summary(&report, a.verbose);
    }
    if let Some(path) = &a.report {
        write_report_json(path, &report).map_err(|error| Failure {
            code: Outcome::Output,
            error,
        })?;
    }
    Ok(report.outcome)
}

fn write_report_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value).context("serialising the report")?;
    emit::atomic_write(path, |w| {
        std::io::Write::write_all(w, &json).map_err(|e| emit::EmitError::format(path, e))
    })?;
    Ok(())
}

/// Files read in another encoding, files whose text dropped empty cells.
fn print_file_notes(r: &RunReport) {
    for n in r.encoding_notes.lines().chain(r.dropped_notes.lines()) {
        eprintln!("note: {n}");
    }
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
    print_file_notes(r);
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

fn generate(a: GenArgs) -> Result<Outcome, Failure> {
    let out_err = |error: anyhow::Error| Failure {
        code: Outcome::Output,
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
    Ok(Outcome::Ok)
}

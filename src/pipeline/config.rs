//! Pipeline files: TOML, a list of named stages wired in order.
//!
//! Each stage is a struct with unknown keys refused, chosen by its `type`
//! (as in vector). Every error names the file, line and column and the key at
//! fault: `pipelines/x.toml:14:12: stages[2].formats[0]: unknown variant "xlxs",
//! expected one of csv, parquet, xlsx`.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::ingest::DroppedCells;

/// A pipeline that failed to load or validate.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One or more findings, each `file:line:col: key: message`.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Finding>),
}

/// One problem in a pipeline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The key at fault, e.g. `stages[2].formats`.
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// A loaded, validated pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub path: PathBuf,
    /// Names the XLSX workbook (`OUT/<name>.xlsx`); defaults to the file stem.
    pub name: String,
    pub description: Option<String>,
    pub stages: Vec<StageDef>,
}

/// A stage with its name and where it is defined.
#[derive(Debug, Clone)]
pub struct StageDef {
    pub name: String,
    pub stage: Stage,
    pub line: usize,
}

/// The stage types.
#[derive(Debug, Clone)]
pub enum Stage {
    Ingest(IngestStage),
    Flatten(FlattenStage),
    Check(CheckStage),
    Aggregate(AggregateStage),
    Sql(SqlStage),
    Emit(EmitStage),
}

impl Stage {
    pub fn type_name(&self) -> &'static str {
        match self {
            Stage::Ingest(_) => "ingest",
            Stage::Flatten(_) => "flatten",
            Stage::Check(_) => "check",
            Stage::Aggregate(_) => "aggregate",
            Stage::Sql(_) => "sql",
            Stage::Emit(_) => "emit",
        }
    }
}

pub const STAGE_TYPES: &[&str] = &["ingest", "flatten", "check", "aggregate", "sql", "emit"];

/// `ingest`: which files, how to read them, where the year comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestStage {
    /// Files, folders (read recursively) or globs; relative to the working directory.
    pub inputs: Vec<PathBuf>,
    /// `file-name` (default: a 20xx year in the file name, else the title),
    /// `document` (the title's `2024年`, else the file name), a fixed year
    /// (`2024`), or `pattern` with `year_pattern`.
    #[serde(default)]
    pub year: YearRule,
    /// With `year = "pattern"`: a regular expression whose first group is the year.
    pub year_pattern: Option<String>,
    /// Force an encoding (`gb18030`, `utf-8`, …) instead of detecting it.
    pub encoding: Option<String>,
    /// How to place source amounts when the text dropped empty cells.
    #[serde(default)]
    pub dropped_cells: DroppedCells,
    /// Stop at the first file that cannot be read.
    #[serde(default)]
    pub fail_fast: bool,
    /// `text` or `excel` for every file; default: by extension.
    pub kind: Option<crate::ingest::InputKind>,
    /// Workbook sheets to read; empty = every sheet holding a table. A named
    /// sheet that does not exist is an error for that file.
    #[serde(default)]
    pub sheets: Vec<String>,
}

/// Where each file's budget year comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum YearRule {
    #[default]
    FileName,
    Document,
    Pattern,
    Fixed(i32),
}

impl<'de> Deserialize<'de> for YearRule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YearRule;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"a year such as 2024, "file-name", "document" or "pattern""#)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<YearRule, E> {
                match i32::try_from(v) {
                    Ok(y) if (1990..=2100).contains(&y) => Ok(YearRule::Fixed(y)),
                    _ => Err(E::custom(format!("year {v} is out of range 1990..2100"))),
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<YearRule, E> {
                match v {
                    "file-name" => Ok(YearRule::FileName),
                    "document" => Ok(YearRule::Document),
                    "pattern" => Ok(YearRule::Pattern),
                    _ => Err(E::custom(format!(
                        r#"unknown year rule "{v}"; expected a year such as 2024, "file-name", "document" or "pattern""#
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `flatten`: builds the `indicators` and `projects` tables (no options).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlattenStage {}

/// How bad a failed check is: `warn` reports it, `error` also makes the run exit 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Off,
    #[default]
    Warn,
    Error,
}

/// `check`: reconciliation and column tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckStage {
    /// Sums: sources to their total, projects to their unit, units to 合计.
    #[serde(default)]
    pub reconcile: Severity,
    /// Column tests, as in dbt.
    #[serde(default)]
    pub columns: Vec<ColumnCheck>,
}

/// A column test: `not_null`, `unique` or `accepted_values`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnCheck {
    #[serde(default = "default_table")]
    pub table: String,
    pub column: String,
    pub test: ColumnTest,
    /// For `accepted_values`.
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub severity: Severity,
}

fn default_table() -> String {
    "indicators".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnTest {
    NotNull,
    Unique,
    AcceptedValues,
}

/// `aggregate`: the cross-year reports (`summary_by_year`, `project_trend`,
/// `indicator_mix`, `target_changes`) from `indicators` and `projects`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateStage {
    /// Which reports; empty = all.
    #[serde(default)]
    pub reports: Vec<String>,
    /// Departments the workbook's chart of yearly totals shows (the
    /// largest; default 12). The `summary_by_year` sheet has them all.
    #[serde(default)]
    pub chart_departments: Option<usize>,
    /// Rows of both tables reported at a time (whole departments; default
    /// 100,000): the reports' memory is about 1 KB a row of a batch.
    #[serde(default)]
    pub batch_rows: Option<usize>,
}

/// `sql`: a polars SQL query over the tables so far; the result is a new
/// table named after the stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqlStage {
    pub query: String,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Parquet,
    Xlsx,
}

/// `emit`: writes tables to the output folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmitStage {
    /// Output folder (created if missing).
    pub out: PathBuf,
    #[serde(default = "all_formats")]
    pub formats: Vec<Format>,
    /// UTF-8 BOM at the start of each CSV (for Excel and WPS).
    #[serde(default = "yes")]
    pub bom: bool,
    /// Which tables; empty = all tables produced so far.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Write Parquet as a Hive-partitioned dataset by this column
    /// (`OUT/<table>/year=2024/part-<hash>.parquet`); only `year`.
    pub partition_by: Option<String>,
}

fn all_formats() -> Vec<Format> {
    vec![Format::Csv, Format::Parquet, Format::Xlsx]
}

fn yes() -> bool {
    true
}

/// A name usable as a file name inside the output folder: it cannot climb out.
fn safe_file_stem(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars().count() <= 100
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    findings: Vec<Finding>,
}

impl Ctx<'_> {
    fn find(
        &mut self,
        span: Option<Range<usize>>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        let (line, column) = span.map_or((1, 1), |s| line_col(self.text, s.start));
        self.findings.push(Finding {
            path: self.path.to_path_buf(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        });
    }
}

/// Loads and validates a pipeline file. `overrides` are `stage.key=value`
/// settings from the command line, applied before validation.
pub fn load(path: &Path, overrides: &[String]) -> Result<Pipeline, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = apply_overrides(path, &text, overrides)?;
    parse(path, &text)
}

/// Applies `stage.key=value` overrides to the TOML text (value parsed as TOML,
/// else taken as a string).
fn apply_overrides(path: &Path, text: &str, overrides: &[String]) -> Result<String, ConfigError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let bad = |key: &str, message: String| {
        ConfigError::Invalid(vec![Finding {
            path: PathBuf::from("--set"),
            line: 0,
            column: 0,
            key: key.to_string(),
            message: format!("{message} (in {})", path.display()),
        }])
    };
    let mut doc: toml_edit::DocumentMut = match text.parse() {
        Ok(d) => d,
        // Report the file's own syntax error through the normal path.
        Err(_) => return Ok(text.to_string()),
    };
    for o in overrides {
        let Some((lhs, value)) = o.split_once('=') else {
            return Err(bad(o, "expected stage.key=value".into()));
        };
        let Some((stage, key)) = lhs.trim().split_once('.') else {
            return Err(bad(lhs, "expected stage.key=value".into()));
        };
        let value: toml_edit::Value = value
            .trim()
            .parse()
            .unwrap_or_else(|_| toml_edit::Value::from(value.trim()));
        let Some(stages) = doc
            .get_mut("stages")
            .and_then(|s| s.as_array_of_tables_mut())
        else {
            return Err(bad(lhs, "the pipeline has no [[stages]]".into()));
        };
        // A stage without a name is named after its type.
        let name_of = |t: &toml_edit::Table| {
            t.get("name")
                .or_else(|| t.get("type"))
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string()
        };
        let names: Vec<String> = stages.iter().map(name_of).collect();
        let Some(table) = stages.iter_mut().find(|t| name_of(t) == stage) else {
            return Err(bad(
                lhs,
                format!("no stage named \"{stage}\"; stages: {}", names.join(", ")),
            ));
        };
        table[key.trim()] = toml_edit::Item::Value(value);
    }
    Ok(doc.to_string())
}

/// Parses and validates pipeline text.
pub fn parse(path: &Path, text: &str) -> Result<Pipeline, ConfigError> {
    let mut ctx = Ctx {
        path,
        text,
        findings: Vec::new(),
    };
    let root = match DeTable::parse(text) {
        Ok(r) => r,
        Err(e) => {
            ctx.find(e.span(), "", e.message().to_string());
            return Err(ConfigError::Invalid(ctx.findings));
        }
    };
    let mut name = None;
    let mut description = None;
    let mut stages_value = None;
    for (k, v) in root.get_ref() {
        match k.get_ref().as_ref() {
            "name" => match v.get_ref().as_str() {
                Some(s) => name = Some(s.to_string()),
                None => ctx.find(Some(v.span()), "name", "expected a string"),
            },
            "description" => description = v.get_ref().as_str().map(str::to_string),
            "stages" => stages_value = Some(v),
            other => ctx.find(
                Some(k.span()),
                other,
                "unknown key; expected one of name, description, stages",
            ),
        }
    }
    let name = name.unwrap_or_else(|| {
        path.file_stem().map_or_else(
            || "jixiao".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    if !safe_file_stem(&name) {
        ctx.find(None, "name", format!("\"{name}\" cannot name the workbook file: use letters, digits, _ and - (no / \\ or leading .)"));
    }
    let mut stages = Vec::new();
    match stages_value.map(|v| (v, v.get_ref().as_array())) {
        None => ctx.find(None, "stages", "no stages: add [[stages]] tables"),
        Some((v, None)) => ctx.find(
            Some(v.span()),
            "stages",
            "expected an array of tables ([[stages]])",
        ),
        Some((_, Some(arr))) => {
            for (i, item) in arr.iter().enumerate() {
                if let Some(s) = stage(&mut ctx, i, item) {
                    stages.push(s);
                }
            }
        }
    }
    wiring(&mut ctx, &stages);
    if !ctx.findings.is_empty() {
        return Err(ConfigError::Invalid(ctx.findings));
    }
    Ok(Pipeline {
        path: path.to_path_buf(),
        name,
        description,
        stages,
    })
}

fn stage(ctx: &mut Ctx<'_>, i: usize, item: &Spanned<DeValue<'_>>) -> Option<StageDef> {
    let key = format!("stages[{i}]");
    let Some(table) = item.get_ref().as_table() else {
        ctx.find(Some(item.span()), key, "expected a table");
        return None;
    };
    let line = line_col(ctx.text, item.span().start).0;
    let mut rest = DeTable::default();
    let mut type_name: Option<(String, Range<usize>)> = None;
    let mut name = None;
    for (k, v) in table {
        match k.get_ref().as_ref() {
            "type" => type_name = v.get_ref().as_str().map(|s| (s.to_string(), v.span())),
            "name" => name = v.get_ref().as_str().map(str::to_string),
            _ => {
                rest.insert(k.clone(), v.clone());
            }
        }
    }
    let Some((type_name, type_span)) = type_name else {
        ctx.find(
            Some(item.span()),
            format!("{key}.type"),
            format!(
                "missing stage type; expected one of {}",
                STAGE_TYPES.join(", ")
            ),
        );
        return None;
    };
    let span = item.span();
    let value = Spanned::new(span.clone(), DeValue::Table(rest));
    let stage = match type_name.as_str() {
        "ingest" => typed(ctx, &key, value).map(Stage::Ingest),
        "flatten" => typed(ctx, &key, value).map(Stage::Flatten),
        "check" => typed(ctx, &key, value).map(Stage::Check),
        "aggregate" => typed(ctx, &key, value).map(Stage::Aggregate),
        "sql" => typed(ctx, &key, value).map(Stage::Sql),
        "emit" => typed(ctx, &key, value).map(Stage::Emit),
        other => {
            ctx.find(
                Some(type_span),
                format!("{key}.type"),
                format!(
                    "unknown stage type \"{other}\"; expected one of {}",
                    STAGE_TYPES.join(", ")
                ),
            );
            None
        }
    }?;
    if let Stage::Ingest(s) = &stage {
        if s.year == YearRule::Pattern {
            match s.year_pattern.as_deref().map(regex::Regex::new) {
                None => ctx.find(
                    Some(span.clone()),
                    format!("{key}.year_pattern"),
                    "year = \"pattern\" needs year_pattern",
                ),
                Some(Err(e)) => ctx.find(
                    Some(span.clone()),
                    format!("{key}.year_pattern"),
                    format!("bad regular expression: {e}"),
                ),
                Some(Ok(re)) if re.captures_len() < 2 => ctx.find(
                    Some(span.clone()),
                    format!("{key}.year_pattern"),
                    "the pattern needs a group (…) around the year",
                ),
                Some(Ok(_)) => {}
            }
        }
        if let Some(label) = &s.encoding {
            if crate::ingest::decode::encoding_for_label(label).is_none() {
                ctx.find(
                    Some(span.clone()),
                    format!("{key}.encoding"),
                    format!("unknown encoding \"{label}\""),
                );
            }
        }
    }
    let name = name.unwrap_or_else(|| stage.type_name().to_string());
    Some(StageDef { name, stage, line })
}

/// Deserializes one stage's table, turning serde's error into a finding with
/// the key path and position.
fn typed<T: serde::de::DeserializeOwned>(
    ctx: &mut Ctx<'_>,
    key: &str,
    value: Spanned<DeValue<'_>>,
) -> Option<T> {
    let fallback = value.span();
    let de = ValueDeserializer::from(value);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Some(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let full_key = if path == "." || path.is_empty() {
                key.to_string()
            } else {
                format!("{key}.{path}")
            };
            let message = inner.message().replace('`', "\"");
            ctx.find(inner.span().or(Some(fallback)), full_key, message);
            None
        }
    }
}

/// Stage order and names: ingest first and once, flatten after it, tables
/// named uniquely, emit tables that exist.
fn wiring(ctx: &mut Ctx<'_>, stages: &[StageDef]) {
    let mut names = BTreeSet::new();
    let mut tables: BTreeSet<String> = BTreeSet::new();
    let mut seen_ingest = false;
    let mut seen_flatten = false;
    for (i, s) in stages.iter().enumerate() {
        let key = format!("stages[{i}]");
        let at = |ctx: &mut Ctx<'_>, k: String, m: String| {
            ctx.findings.push(Finding {
                path: ctx.path.to_path_buf(),
                line: s.line,
                column: 1,
                key: k,
                message: m,
            })
        };
        if !names.insert(s.name.clone()) {
            at(
                ctx,
                format!("{key}.name"),
                format!("a second stage named \"{}\"", s.name),
            );
        }
        if matches!(s.stage, Stage::Sql(_)) && !is_identifier(&s.name) {
            at(
                ctx,
                format!("{key}.name"),
                format!(
                    "\"{}\" cannot name a table: use letters, digits and _ (it becomes a file name and an SQL table name)",
                    s.name
                ),
            );
        }
        match &s.stage {
            Stage::Ingest(_) => {
                if seen_ingest {
                    at(ctx, key, "only one ingest stage per pipeline".into());
                }
                seen_ingest = true;
                tables.insert("rejects".into());
            }
            Stage::Flatten(_) => {
                if !seen_ingest {
                    at(ctx, key, "flatten needs an ingest stage before it".into());
                }
                seen_flatten = true;
                tables.extend(["indicators".to_string(), "projects".to_string()]);
            }
            Stage::Check(c) => {
                if !seen_flatten {
                    at(
                        ctx,
                        key.clone(),
                        "check needs a flatten stage before it".into(),
                    );
                }
                for (j, col) in c.columns.iter().enumerate() {
                    if !tables.contains(&col.table) {
                        at(
                            ctx,
                            format!("{key}.columns[{j}].table"),
                            format!("no table \"{}\" at this point", col.table),
                        );
                    }
                    if col.test == ColumnTest::AcceptedValues && col.values.is_empty() {
                        at(
                            ctx,
                            format!("{key}.columns[{j}].values"),
                            "accepted_values needs values".into(),
                        );
                    }
                }
            }
            Stage::Aggregate(a) => {
                if !seen_flatten {
                    at(
                        ctx,
                        key.clone(),
                        "aggregate needs a flatten stage before it".into(),
                    );
                }
                let all = crate::aggregate::REPORT_TABLES;
                for (j, r) in a.reports.iter().enumerate() {
                    if !all.contains(&r.as_str()) {
                        at(
                            ctx,
                            format!("{key}.reports[{j}]"),
                            format!("unknown report \"{r}\"; expected one of {}", all.join(", ")),
                        );
                    }
                }
                for r in all
                    .iter()
                    .filter(|r| a.reports.is_empty() || a.reports.iter().any(|x| x == *r))
                {
                    tables.insert((*r).to_string());
                }
            }
            Stage::Sql(q) => {
                if let Some(f) = file_function(&q.query) {
                    at(
                        ctx,
                        format!("{key}.query"),
                        format!(
                            "{f}(…) reads files from the host; an sql stage sees only the run's tables ({})",
                            tables.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
                if !seen_flatten {
                    at(
                        ctx,
                        key.clone(),
                        "sql needs a flatten stage before it".into(),
                    );
                }
                if tables.contains(&s.name) {
                    at(
                        ctx,
                        format!("{key}.name"),
                        format!(
                            "table \"{}\" already exists; name the sql stage after its new table",
                            s.name
                        ),
                    );
                }
                tables.insert(s.name.clone());
            }
            Stage::Emit(e) => {
                for (j, t) in e.tables.iter().enumerate() {
                    if !tables.contains(t) {
                        let known: Vec<_> = tables.iter().cloned().collect();
                        at(
                            ctx,
                            format!("{key}.tables[{j}]"),
                            format!(
                                "no table \"{t}\" at this point; tables: {}",
                                known.join(", ")
                            ),
                        );
                    }
                }
                if let Some(k) = &e.partition_by {
                    if k != "year" {
                        at(
                            ctx,
                            format!("{key}.partition_by"),
                            format!(
                                "cannot partition by \"{k}\"; only \"year\" (an ASCII key every engine reads)"
                            ),
                        );
                    }
                    if !e.formats.contains(&Format::Parquet) {
                        at(
                            ctx,
                            format!("{key}.partition_by"),
                            "partition_by applies to parquet, which formats does not list".into(),
                        );
                    }
                }
                if e.formats.is_empty() {
                    at(
                        ctx,
                        format!("{key}.formats"),
                        "no formats; expected some of csv, parquet, xlsx".into(),
                    );
                }
            }
        }
    }
    if !seen_ingest {
        ctx.find(None, "stages", "no ingest stage");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "demo"

[[stages]]
name = "read"
type = "ingest"
inputs = ["samples"]

[[stages]]
type = "flatten"

[[stages]]
name = "per_level"
type = "sql"
query = "select level, count(*) as n from indicators group by level"

[[stages]]
type = "emit"
out = "out"
formats = ["csv", "xlsx"]
"#;

    #[test]
    fn a_good_pipeline_loads() {
        let p = parse(Path::new("p.toml"), GOOD).unwrap();
        assert_eq!(p.name, "demo");
        let kinds: Vec<_> = p
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.stage.type_name()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("read", "ingest"),
                ("flatten", "flatten"),
                ("per_level", "sql"),
                ("emit", "emit")
            ]
        );
        assert_eq!(p.stages[3].line, 17);
    }

    #[test]
    fn a_misspelt_format_names_line_column_and_key() {
        let bad = GOOD.replace(
            r#"formats = ["csv", "xlsx"]"#,
            r#"formats = ["csv", "xlxs"]"#,
        );
        let e = parse(Path::new("p.toml"), &bad).unwrap_err().to_string();
        assert_eq!(
            e,
            r#"p.toml:20:19: stages[3].formats[1]: unknown variant "xlxs", expected one of "csv", "parquet", "xlsx""#
        );
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let bad = GOOD.replace(
            "inputs = [\"samples\"]",
            "inputs = [\"samples\"]\nyaer = 2024",
        );
        let e = parse(Path::new("p.toml"), &bad).unwrap_err().to_string();
        assert!(e.starts_with("p.toml:8:1: stages[0]"), "{e}");
        assert!(e.contains("unknown field \"yaer\""), "{e}");
    }

    #[test]
    fn overrides_apply_to_named_stages() {
        let t = apply_overrides(
            Path::new("p.toml"),
            GOOD,
            &["emit.bom=false".into(), "read.year=2023".into()],
        )
        .unwrap();
        let p = parse(Path::new("p.toml"), &t).unwrap();
        let Stage::Emit(e) = &p.stages[3].stage else {
            panic!()
        };
        assert!(!e.bom);
        let Stage::Ingest(i) = &p.stages[0].stage else {
            panic!()
        };
        assert_eq!(i.year, YearRule::Fixed(2023));
        let err = apply_overrides(Path::new("p.toml"), GOOD, &["nosuch.x=1".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no stage named \"nosuch\""), "{err}");
    }
}

/// The first function of `query` that reads files (polars SQL's `read_csv`,
/// `read_parquet`, `read_ipc`, `read_json`, and any other `read_…`/`scan_…`),
/// outside string literals and comments: a pipeline's query must see only
/// the run's tables, never the host's files.
pub fn file_function(query: &str) -> Option<String> {
    let b = query.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            // A literal or quoted name: skip to its end ('' escapes).
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let word = query[start..i].to_ascii_lowercase();
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let called = b.get(j) == Some(&b'(');
            if called && (word.starts_with("read_") || word.starts_with("scan_")) {
                return Some(word);
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod file_function_tests {
    use super::file_function;

    #[test]
    fn file_reading_functions_are_found_outside_literals() {
        assert_eq!(
            file_function("SELECT * FROM read_parquet('/etc/*.parquet')").as_deref(),
            Some("read_parquet")
        );
        assert_eq!(
            file_function("select * from READ_CSV ('x.csv')").as_deref(),
            Some("read_csv")
        );
        assert_eq!(
            file_function("SELECT 'read_csv(' AS s FROM indicators"),
            None
        );
        assert_eq!(
            file_function("SELECT read_count FROM t -- read_csv(x)"),
            None
        );
        assert_eq!(
            file_function("SELECT level, COUNT(*) FROM indicators GROUP BY level"),
            None
        );
    }
}

//! Pipeline files: TOML, a list of named stages wired in order.
//!
//! Each stage is a struct with unknown keys refused, chosen by its `type`
//! (as in vector). Every error names the file, line and column and the key at
//! fault: `pipelines/x.toml:14:12: stages[2].formats[0]: unknown variant "xlxs",
//! expected one of csv, parquet, xlsx`.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::stages::{Findings, REGISTRY, StageConfig, Wiring};

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
    /// The stage's options; its type says which (see [`StageDef::config`]).
    pub stage: Arc<dyn StageConfig>,
    pub line: usize,
}

impl StageDef {
    /// The stage's options as its own type, e.g. `def.config::<EmitConfig>()`.
    pub fn config<T: StageConfig>(&self) -> Option<&T> {
        self.stage.as_any().downcast_ref::<T>()
    }
}

pub use super::stages::aggregate::AggregateConfig;
pub use super::stages::check::{CheckConfig, ColumnCheck, ColumnTest, Severity};
pub use super::stages::emit::{EmitConfig, FileTarget, Format};
pub use super::stages::flatten::FlattenConfig;
pub use super::stages::ingest::{IngestConfig, YearRule};
pub use super::stages::review::ReviewConfig;
pub use super::stages::sql::SqlConfig;

/// The stage type names, from the registry.
pub fn stage_types() -> Vec<&'static str> {
    REGISTRY.iter().map(|t| t.name).collect()
}

/// Reads one stage's table as its type's options.
pub type ParseFn = fn(&mut Ctx<'_>, &str, Spanned<DeValue<'_>>) -> Option<Arc<dyn StageConfig>>;

/// The [`ParseFn`] of a stage type.
pub fn parse_as<T: StageConfig + serde::de::DeserializeOwned>(
    ctx: &mut Ctx<'_>,
    key: &str,
    value: Spanned<DeValue<'_>>,
) -> Option<Arc<dyn StageConfig>> {
    typed::<T>(ctx, key, value).map(|t| Arc::new(t) as Arc<dyn StageConfig>)
}

/// A name usable as a file name inside the output folder: it cannot climb out.
fn safe_file_stem(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars().count() <= 100
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub(crate) fn is_identifier(s: &str) -> bool {
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

/// A pipeline file being read, and its findings so far.
pub struct Ctx<'a> {
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
                stage_types().join(", ")
            ),
        );
        return None;
    };
    let span = item.span();
    let value = Spanned::new(span.clone(), DeValue::Table(rest));
    let Some(kind) = REGISTRY.iter().find(|t| t.name == type_name) else {
        ctx.find(
            Some(type_span),
            format!("{key}.type"),
            format!(
                "unknown stage type \"{type_name}\"; expected one of {}",
                stage_types().join(", ")
            ),
        );
        return None;
    };
    let stage = (kind.parse)(ctx, &key, value)?;
    let mut found = Findings::new(&key);
    stage.check_options(&mut found);
    for (k, m) in found.found {
        ctx.find(Some(span.clone()), k, m);
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

/// Stage order and names: names unique, an ingest stage; each stage type
/// checks what it needs before it and says what it produces.
fn wiring(ctx: &mut Ctx<'_>, stages: &[StageDef]) {
    let mut names = BTreeSet::new();
    let mut w = Wiring::default();
    for (i, s) in stages.iter().enumerate() {
        let key = format!("stages[{i}]");
        let mut found = Findings::new(&key);
        if !names.insert(s.name.clone()) {
            found.add(".name", format!("a second stage named \"{}\"", s.name));
        }
        s.stage.validate(&s.name, &mut w, &mut found);
        w.seen.insert(s.stage.type_name());
        for (k, message) in found.found {
            ctx.findings.push(Finding {
                path: ctx.path.to_path_buf(),
                line: s.line,
                column: 1,
                key: k,
                message,
            });
        }
    }
    if !w.seen.contains("ingest") {
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
        let e = p.stages[3].config::<EmitConfig>().unwrap();
        assert!(!e.bom);
        let i = p.stages[0].config::<IngestConfig>().unwrap();
        assert_eq!(i.year, YearRule::Fixed(2023));
        let err = apply_overrides(Path::new("p.toml"), GOOD, &["nosuch.x=1".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no stage named \"nosuch\""), "{err}");
    }
}

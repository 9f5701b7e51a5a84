//! The `--dry-run` plan is the run's own: for the shipped pipelines, every
//! file a real run writes is in the plan, and everything the plan says is
//! always written is there.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// One line of the plan's outputs: a path (maybe with `*` for values known
/// only when the files are read) and, for files written only sometimes, when.
#[derive(Debug)]
struct Planned {
    path: String,
    when: Option<String>,
}

fn jixiao_in_root(args: &[&str]) -> std::process::Output {
    bin()
        .current_dir(root())
        .args(args)
        .output()
        .expect("the jixiao binary runs")
}

fn plan(args: &[&str]) -> Vec<Planned> {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.push("--dry-run");
    let o = jixiao_in_root(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "outputs:")
        .expect("an outputs section");
    let end = lines
        .iter()
        .position(|l| l.starts_with("(dry run"))
        .expect("the closing line");
    lines[start + 1..end]
        .iter()
        .map(|l| {
            let l = l.strip_prefix("  ").expect("indented");
            match l.split_once("  (") {
                Some((p, when)) => Planned {
                    path: p.to_string(),
                    when: Some(when.trim_end_matches(')').to_string()),
                },
                None => Planned {
                    path: l.to_string(),
                    when: None,
                },
            }
        })
        .collect()
}

/// Every file under `dir`, but the folder's lock files.
fn files(dir: &Path) -> Vec<String> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    let mut names: Vec<String> = out
        .into_iter()
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".jixiao.lock")
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `a/year=*/part-all.parquet` matches `a/year=2024/part-all.parquet`: a `*`
/// stands for one or more characters inside one path component.
fn matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let f: Vec<&str> = path.split('/').collect();
    p.len() == f.len()
        && p.iter().zip(&f).all(|(p, f)| match p.split_once('*') {
            None => p == f,
            Some((before, after)) => {
                f.len() > before.len() + after.len() && f.starts_with(before) && f.ends_with(after)
            }
        })
}

/// Runs the pipeline with `args` and checks the files it added against the
/// plan (a shard shares its folder with the others' files). Returns the plan
/// and every file in the folder, for further checks.
fn plan_matches_run(args: &[&str]) -> (Vec<Planned>, Vec<String>) {
    let planned = plan(args);
    let out = args[args.iter().position(|a| *a == "--out").unwrap() + 1];
    let before = if Path::new(out).exists() {
        files(Path::new(out))
    } else {
        Vec::new()
    };
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.push("--quiet");
    let o = jixiao_in_root(&all);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let written = files(Path::new(out));
    for f in written.iter().filter(|f| !before.contains(f)) {
        let n = planned.iter().filter(|p| matches(&p.path, f)).count();
        assert_eq!(n, 1, "{f} is matched by {n} plan lines: {planned:#?}");
    }
    for p in planned.iter().filter(|p| p.when.is_none()) {
        assert!(
            written.iter().any(|f| matches(&p.path, f)),
            "planned {} but not written; written: {written:#?}",
            p.path
        );
    }
    (planned, written)
}

#[test]
fn the_default_pipeline_writes_what_its_plan_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (planned, written) =
        plan_matches_run(&["pipelines/default.toml", "--out", out.to_str().unwrap()]);
    // No pattern and nothing conditional: the plan is the file list itself.
    assert!(
        planned
            .iter()
            .all(|p| p.when.is_none() && !p.path.contains('*'))
    );
    assert_eq!(planned.len(), written.len());
    assert!(written.contains(&out.join("jixiao.xlsx").to_string_lossy().into_owned()));
    assert!(
        written.contains(
            &out.join("indicators_per_level.csv")
                .to_string_lossy()
                .into_owned()
        )
    );
}

#[test]
fn the_yoy_pipeline_writes_what_its_plan_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (planned, written) =
        plan_matches_run(&["pipelines/yoy.toml", "--out", out.to_str().unwrap()]);
    assert_eq!(planned.len(), written.len());
    for report in [
        "summary_by_year",
        "project_trend",
        "indicator_mix",
        "target_changes",
    ] {
        let csv = out
            .join(format!("{report}.csv"))
            .to_string_lossy()
            .into_owned();
        assert!(planned.iter().any(|p| p.path == csv), "{csv}");
    }
}

#[test]
fn a_sharded_dataset_writes_what_its_plan_says() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    let o = out.to_str().unwrap();
    let (planned, written) =
        plan_matches_run(&["pipelines/dataset.toml", "--shard", "0/2", "--out", o]);
    let ind = out.join("indicators");
    let pattern = ind.join("year=*").join("part-0-of-2.parquet");
    assert!(
        planned.iter().any(|p| p.path == pattern.to_string_lossy()),
        "{planned:#?}"
    );
    assert!(
        planned
            .iter()
            .any(|p| p.path == out.join("rejects.shard-0-of-2.csv").to_string_lossy())
    );
    // The samples are of 2023, 2024 and 2025: shard 0 of 2 wrote some of them.
    assert!(
        written
            .iter()
            .any(|f| matches(&pattern.to_string_lossy(), f))
    );
    // One shard of two: the dataset is not complete yet.
    let success = ind.join("_SUCCESS");
    let s = planned
        .iter()
        .find(|p| p.path == success.to_string_lossy())
        .expect("_SUCCESS is planned");
    assert_eq!(s.when.as_deref(), Some("once all 2 shards are done"));
    assert!(!success.exists());

    // The other shard completes it, and writes what its plan says.
    let (_, written) = plan_matches_run(&["pipelines/dataset.toml", "--shard", "1/2", "--out", o]);
    assert!(success.exists());
    // Both shards' parts: each year's file was one shard's.
    let mut years: Vec<&str> = written
        .iter()
        .filter(|f| f.ends_with(".parquet") && f.contains("/indicators/year="))
        .filter_map(|f| f.split("/year=").nth(1)?.split('/').next())
        .collect();
    years.sort();
    assert_eq!(years, ["2023", "2024", "2025"], "{written:#?}");
}

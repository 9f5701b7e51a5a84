//! `convert` is a pipeline run by the same runner as `run`: the same bytes
//! as the pipeline that writes the same table, and it cleans up only what
//! is its own in the folder it writes into (the user's folder).

mod common;

use std::path::Path;

use common::*;

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn convert_writes_what_the_same_pipeline_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c");
    std::fs::create_dir_all(&out).unwrap();
    let samples = root().join("samples");
    let inputs = [
        samples.join("laisui_2023.txt"),
        samples.join("laisui_2024.txt"),
    ];
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        format!(
            r#"[[stages]]
name = "read"
type = "ingest"
inputs = ["{}", "{}"]
[[stages]]
type = "flatten"
[[stages]]
type = "emit"
out = "{}"
formats = ["csv", "parquet"]
tables = ["projects"]
"#,
            inputs[0].display(),
            inputs[1].display(),
            dir.path().join("run").display()
        ),
    )
    .unwrap();
    let o = run(&["run", p.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for ext in ["csv", "parquet"] {
        let target = out.join(format!("projects.{ext}"));
        let o = run(&[
            "convert",
            inputs[0].to_str().unwrap(),
            inputs[1].to_str().unwrap(),
            "--table",
            "projects",
            "-o",
            target.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(&target).unwrap(),
            std::fs::read(dir.path().join("run").join(format!("projects.{ext}"))).unwrap(),
            "{ext}"
        );
    }
    // Nothing else: no rejects file (there are none), no staging or work
    // folder, no lock file.
    assert_eq!(files_in(&out), ["projects.csv", "projects.parquet"]);
}

#[test]
fn convert_removes_only_its_own_leftovers_and_a_stale_rejects_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    // A killed convert's temporary file of x.csv, another program's file
    // that looks alike, and the rejects of an earlier run of x.csv.
    std::fs::write(out.join(".x.csv.4242.tmp"), b"x").unwrap();
    std::fs::write(out.join(".notes.txt.17.tmp"), b"mine").unwrap();
    std::fs::write(out.join("x.rejects.csv"), b"old").unwrap();
    let target = out.join("x.csv");
    let o = run(&[
        "convert",
        sample("laisui_2024.txt").to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(out), [".notes.txt.17.tmp", "x.csv"]);
    let (_, rows) = read_csv(&target, true);
    assert_eq!(rows.len(), 42);
}

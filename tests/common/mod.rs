//! Helpers shared by the integration tests: run the real binary, read its CSV.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    root().join("samples").join(name)
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the jixiao binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Reads a CSV written by jixiao: checks for and strips the BOM if `bom`.
pub fn read_csv(path: &Path, bom: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).expect("csv exists");
    let body = if bom {
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "{}: no BOM",
            path.display()
        );
        &bytes[3..]
    } else {
        assert!(
            !bytes.starts_with("\u{feff}".as_bytes()),
            "{}: unexpected BOM",
            path.display()
        );
        &bytes[..]
    };
    let mut r = csv::ReaderBuilder::new().from_reader(body);
    let headers = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect();
    (headers, rows)
}

/// Writes a pipeline file `p.toml` into `dir`.
pub fn write_pipeline(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(&p, body).unwrap();
    p
}

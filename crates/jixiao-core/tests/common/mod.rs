//! Helpers shared by the fixture tests (realdocs, holdout): the hand-typed
//! truth CSVs, score.py's normalisation, and the check of a raw file's rows
//! against its truth.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use jixiao_core::ingest::{IngestError, IngestOptions, ingest_file};
use jixiao_core::vocab::simplified_char;

/// A folder of a fixture set (`realdocs`, `holdout`): `raw`, `truth`, `adjacent`.
pub fn dir(set: &str, sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(set)
        .join(sub)
}

/// A CSV line's fields (RFC 4180 quoting).
pub fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[derive(Debug)]
pub struct Row {
    pub project: String,
    pub level: String,
    pub category: String,
    pub name: String,
    pub cycle: String,
    pub annual: String,
    pub complete: bool,
}

pub fn truth(set: &str, stem: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(dir(set, "truth").join(format!("{stem}.csv"))).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = fields(l);
            Row {
                project: f[0].clone(),
                level: f[1].clone(),
                category: f[2].clone(),
                name: f[3].clone(),
                cycle: f[4].clone(),
                annual: f[5].clone(),
                complete: f[6] == "yes",
            }
        })
        .collect()
}

/// score.py's `norm`.
pub fn norm(s: &str) -> String {
    // Pinyin runs of mirror pages: `(xué)`.
    let mut no_pinyin = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('(') {
        no_pinyin.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let letters: usize = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń".contains(*c))
            .map(char::len_utf8)
            .sum();
        if letters > 0 {
            rest = &after[letters..];
            rest = rest.strip_prefix(')').unwrap_or(rest);
        } else {
            no_pinyin.push('(');
            rest = after;
        }
    }
    no_pinyin.push_str(rest);
    let mapped: String = no_pinyin
        .chars()
        .map(simplified_char)
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '；' => ';',
            '，' => ',',
            '％' => '%',
            '＞' => '>',
            '＜' => '<',
            '＝' => '=',
            '≧' => '≥',
            '≦' => '≤',
            '／' => '/',
            '　' => ' ',
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .collect();
    let mapped = mapped.replace(">=", "≥").replace("<=", "≤");
    let squeezed: String = mapped.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.trim_start_matches(['★', '*']).to_string()
}

pub fn year_of(stem: &str) -> i32 {
    jixiao_core::ingest::year_from_name(stem).unwrap_or(2024)
}

/// Reads a raw file of a fixture set, checks it against its truth, returns
/// the reader's name (`None` when the file is refused as no target table).
pub fn check(set: &str, stem: &str) -> Option<String> {
    check_file(set, stem, "txt")
}

/// [`check`] for a raw file of any kind (`txt`, `xlsx`, `pdf` …). A truth
/// row's project is matched against the row's project or unit (a wide
/// regional table's region).
pub fn check_file(set: &str, stem: &str, ext: &str) -> Option<String> {
    let path = dir(set, "raw").join(format!("{stem}.{ext}"));
    let opts = IngestOptions {
        year: Some(year_of(stem)),
        ..IngestOptions::default()
    };
    let truth = truth(set, stem);
    let doc = match ingest_file(&path, &opts) {
        Ok(d) => d,
        Err(e)
            if matches!(e, IngestError::NotATable { .. })
                || e.to_string().contains("not a performance-target table")
                || e.to_string().contains("no performance-target table") =>
        {
            assert!(
                truth.iter().all(|r| !r.complete),
                "{stem}: refused, but the truth has complete rows"
            );
            return None;
        }
        Err(e) => panic!("{stem}: {e}"),
    };
    let out: Vec<((String, String), [String; 5])> = doc
        .projects()
        .flat_map(|(u, p)| {
            p.indicators.iter().map(move |i| {
                (
                    (norm(&p.name), norm(&u.name)),
                    [
                        norm(&i.level),
                        norm(&i.category),
                        norm(&i.name),
                        norm(i.annual_value.as_deref().unwrap_or("")),
                        norm(i.cycle_value.as_deref().unwrap_or("")),
                    ],
                )
            })
        })
        .collect();
    for t in truth.iter().filter(|t| t.complete) {
        let key = [
            norm(&t.level),
            norm(&t.category),
            norm(&t.name),
            norm(&t.annual),
            norm(&t.cycle),
        ];
        let hit = out.iter().any(|(p, k)| {
            // The truth leaves the level empty where the document writes none.
            let same = if t.level.is_empty() {
                k[1..] == key[1..]
            } else {
                *k == key
            };
            same && (t.project.is_empty() || p.0 == norm(&t.project) || p.1 == norm(&t.project))
        });
        assert!(hit, "{stem}: missing {t:?}\nread: {out:#?}");
    }
    let names: Vec<String> = truth.iter().map(|t| norm(&t.name)).collect();
    for (_, k) in &out {
        assert!(names.contains(&k[2]), "{stem}: invented row {k:?}");
    }
    doc.reader.clone()
}

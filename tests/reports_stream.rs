//! The reports made a batch of departments at a time equal the reports made
//! of the whole tables at once, row for row and in order, and their sums are
//! exact: each department's yearly total is the sum of the 合计 its
//! documents print (the generator's figures, not the code's).

use std::collections::{BTreeMap, HashMap};

use jixiao::aggregate::{self, StreamOptions};
use jixiao::corpus;
use jixiao::emit::cell_text;
use jixiao::flatten;
use jixiao::ingest::text;
use polars::prelude::*;
use rust_decimal::Decimal;

/// Documents of a generated corpus (several years per department, so series
/// form), flattened; with each document's generator figures (its 合计) and
/// the department it names.
fn corpus(docs: u64) -> (DataFrame, DataFrame, Vec<(corpus::Generated, String)>) {
    let mut generated = Vec::new();
    let mut parsed = Vec::new();
    for i in 0..docs {
        let g = corpus::document(11, i);
        let mut d = text::parse(&g.file_name, &g.text, &Default::default());
        assert!(d.rejects.is_empty(), "{}: {:?}", g.file_name, d.rejects);
        d.year = Some(g.year);
        generated.push((g, d.department.clone().unwrap()));
        parsed.push(d);
    }
    (
        flatten::indicators(&parsed).unwrap(),
        flatten::projects(&parsed).unwrap(),
        generated,
    )
}

/// The rows of the first `n` sources lose their department: they are their
/// own batch, first in series order and last where departments sort.
fn without_department(df: &DataFrame, sources: &[String]) -> DataFrame {
    let list = Series::new("s".into(), sources);
    df.clone()
        .lazy()
        .with_column(
            when(col("source").is_in(lit(list).implode(false), false))
                .then(lit(NULL).cast(DataType::String))
                .otherwise(col("department"))
                .alias("department"),
        )
        .collect()
        .unwrap()
}

/// Streams the reports in batches of `batch_rows`; each report's parts
/// concatenated in order, decimals cast to `like`'s (exact: a part's
/// scale is never wider than the whole report's).
fn streamed(
    ind: &DataFrame,
    proj: &DataFrame,
    batch_rows: usize,
    like: &HashMap<String, DataFrame>,
) -> (HashMap<String, DataFrame>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let opts = StreamOptions {
        batch_rows,
        work_dir: dir.path().to_path_buf(),
        reports: Vec::new(),
        chart_departments: 12,
        between_batches: None,
    };
    let mut parts: BTreeMap<(&'static str, i64), Vec<DataFrame>> = BTreeMap::new();
    let mut pushes = 0;
    aggregate::stream(ind, proj, &opts, &mut |report, part, df| {
        pushes += 1;
        parts.entry((report, part)).or_default().push(df);
        Ok(())
    })
    .unwrap();
    // The batches' files are gone once read.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let mut out: HashMap<String, DataFrame> = HashMap::new();
    for ((report, _), dfs) in parts {
        let schema = like[report].schema().clone();
        for df in dfs {
            let df = df
                .lazy()
                .with_columns(
                    schema
                        .iter()
                        .map(|(n, t)| col(n.as_str()).strict_cast(t.clone()))
                        .collect::<Vec<_>>(),
                )
                .collect()
                .unwrap();
            match out.get_mut(report) {
                Some(o) => {
                    o.vstack_mut(&df).unwrap();
                }
                None => {
                    out.insert(report.to_string(), df);
                }
            }
        }
    }
    (out, pushes)
}

#[test]
fn batches_of_departments_make_the_reports_of_the_whole() {
    let (ind, proj, generated) = corpus(500);
    let orphans: Vec<String> = generated
        .iter()
        .take(3)
        .map(|(g, _)| g.file_name.clone())
        .collect();
    let ind = without_department(&ind, &orphans);
    let proj = without_department(&proj, &orphans);
    let whole: HashMap<String, DataFrame> = aggregate::reports(&ind, &proj)
        .unwrap()
        .into_iter()
        .collect();
    assert!(whole["target_changes"].height() > 1000, "series must form");
    for batch_rows in [1, 700, 50_000, usize::MAX] {
        let (parts, pushes) = streamed(&ind, &proj, batch_rows, &whole);
        if batch_rows == 1 {
            assert!(pushes > 100, "one department a batch: {pushes} parts");
        }
        for name in aggregate::REPORT_TABLES {
            let (a, b) = (&whole[*name], &parts[*name]);
            assert_eq!(a.schema(), b.schema(), "{name}, batches of {batch_rows}");
            assert!(
                a.equals_missing(b),
                "{name}, batches of {batch_rows}: rows differ\n{a}\n{b}"
            );
        }
    }
}

#[test]
fn sums_over_many_batches_are_exact() {
    let (ind, proj, generated) = corpus(400);
    let whole: HashMap<String, DataFrame> = aggregate::reports(&ind, &proj)
        .unwrap()
        .into_iter()
        .collect();
    let (parts, _) = streamed(&ind, &proj, 1, &whole);
    let summary = &parts["summary_by_year"];
    // The 合计 each document prints, by year and department.
    let mut printed: BTreeMap<(i32, String), Decimal> = BTreeMap::new();
    for (g, dept) in &generated {
        *printed.entry((g.year, dept.clone())).or_default() += g.total;
    }
    let names: Vec<&str> = summary
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(
        names[..7],
        [
            "year",
            "department",
            "scope",
            "unit",
            "projects",
            "indicators",
            "amount"
        ]
    );
    let mut reported: BTreeMap<(i32, String), Decimal> = BTreeMap::new();
    for i in 0..summary.height() {
        let row = summary.get_row(i).unwrap();
        let text = |c: usize| cell_text(&row.0[c]);
        if text(2) != "department" {
            continue;
        }
        let year: i32 = text(0).parse().unwrap();
        let amount: Decimal = text(6).parse().unwrap();
        assert!(
            reported.insert((year, text(1)), amount).is_none(),
            "one department row per year"
        );
    }
    assert_eq!(reported.len(), printed.len());
    for (key, total) in &printed {
        assert_eq!(reported.get(key), Some(total), "{key:?}");
    }
}

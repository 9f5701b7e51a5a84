//! Damage never loses indicators silently (issue 15, case 5): the seed's text
//! with a line deleted, doubled or garbled yields either its 42 indicators or
//! rejects that say what was not read; never an indicator fused from two.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test

use jixiao_core::ingest::text::{TextOptions, parse};
use jixiao_core::model::Document;
use proptest::prelude::*;

/// The seed, from the core crate or from the workspace root (the root's
/// `tests/unattended.rs` includes this file, so `make test` runs it).
fn seed() -> String {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let at_root = here.join("samples/laisui_2024.txt");
    let path = if at_root.exists() {
        at_root
    } else {
        here.join("../../samples/laisui_2024.txt")
    };
    std::fs::read_to_string(path).expect("the seed")
}

fn parse_text(text: &str) -> Document {
    parse("laisui_2024.txt", text, &TextOptions::default())
}

/// A coded level or category (`2-效益指标`, `22-社会效益`) right after `at`.
fn coded_after(f: &str, at: &str) -> bool {
    f.match_indices(at).any(|(i, _)| {
        let rest = &f[i + at.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        (1..=2).contains(&digits) && rest[digits..].starts_with('-')
    })
}

/// No indicator holds the start of another in its fields: a `、` or `；`
/// followed by a coded level or category, or a `。`.
fn assert_unfused(d: &Document, what: &str) {
    for (_, p) in d.projects() {
        for i in &p.indicators {
            for f in [&i.level, &i.category] {
                assert!(
                    !coded_after(f, "、") && !f.contains('。'),
                    "{what}: fused {i:?}"
                );
            }
            assert!(
                !coded_after(&i.name, "；") && !coded_after(&i.name, "、"),
                "{what}: fused name {i:?}"
            );
        }
    }
}

fn without_line(text: &str, n: usize) -> String {
    text.lines()
        .enumerate()
        .filter(|(i, _)| i + 1 != n)
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

#[test]
fn deleting_line_28_gives_a_reject_not_a_fused_indicator() {
    let d = parse_text(&without_line(&seed(), 28));
    assert_unfused(&d, "line 28 deleted");
    // Indicators 3 and 4 of 专项工作经费 lost their boundary: neither is
    // an indicator, and the text is a reject starting at line 27.
    assert_eq!(d.indicator_count(), 40, "{:?}", d.rejects);
    assert!(
        d.rejects
            .iter()
            .any(|r| r.line == 27 && r.text.starts_with("3、2-效益指标")),
        "{:?}",
        d.rejects
    );
}

#[test]
fn a_garbled_first_indicator_keeps_the_others_out_of_the_goal() {
    // `xx` appended to the line of indicator 1 of 专项工作经费 (line 25).
    let text: String = seed()
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == 25 {
                format!("{l}xx\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let d = parse_text(&text);
    let (_, p) = d.projects().next().expect("a project");
    assert_eq!(p.name, "专项工作经费");
    assert!(!p.goal.contains("指标"), "goal: {}", p.goal);
    assert_eq!(p.indicators.len(), 3, "{:?}", d.rejects);
    assert_eq!(d.indicator_count(), 41);
    assert!(d.rejects.iter().any(|r| r.line == 25), "{:?}", d.rejects);
}

/// One line of the seed deleted, doubled, or with text appended or cut.
fn mutate(text: &str, line: usize, op: u8, junk: &str) -> String {
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        if i + 1 != line {
            out.push_str(l);
            out.push('\n');
            continue;
        }
        match op % 4 {
            0 => {}
            1 => {
                out.push_str(l);
                out.push('\n');
                out.push_str(l);
                out.push('\n');
            }
            2 => {
                out.push_str(l);
                out.push_str(junk);
                out.push('\n');
            }
            _ => {
                let half: String = l.chars().take(l.chars().count() / 2).collect();
                out.push_str(&half);
                out.push('\n');
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Fewer than 42 indicators means a reject says why; none is fused.
    #[test]
    fn damage_is_never_silent(line in 1usize..260, op in 0u8..4, junk in "[a-z0-9、；。]{1,4}") {
        let text = mutate(&seed(), line, op, &junk);
        let d = parse_text(&text);
        assert_unfused(&d, &format!("line {line} op {op} junk {junk:?}"));
        if d.indicator_count() < 42 {
            prop_assert!(
                !d.rejects.is_empty(),
                "line {} op {} junk {:?}: {} indicators and no reject",
                line, op, junk, d.indicator_count()
            );
        }
    }
}

//! Real-world files (issue 7): the seed in every encoding, line end, pagination
//! and punctuation it meets in the wild gives the same 42 rows as the clean seed;
//! every kind of bad input gets a clear message with file and line, exit code 1,
//! what could be read kept, and never a panic; the Excel-facing CSV cannot run
//! formulas. Run by the real binary, except the property tests, which call the
//! parser directly to try thousands of inputs in seconds.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use proptest::prelude::*;

use jixiao::ingest::{decode, text};
use jixiao::model::Document;

const SEED_NAME: &str = "laisui_2024.txt";
/// Column of the `line` field in the indicators CSV.
const LINE_COL: usize = 25;

fn seed() -> String {
    std::fs::read_to_string(sample(SEED_NAME)).expect("the seed is readable")
}

fn seed_lines() -> Vec<String> {
    seed().lines().map(str::to_string).collect()
}

/// A converted file: the run and, when written, the rows and the rejects.
struct Converted {
    out: Output,
    rows: Vec<Vec<String>>,
    rejects: Vec<Vec<String>>,
    stderr: String,
}

/// Writes `bytes` as `dir/name`, converts it (`extra` arguments after the
/// input) and reads what was written.
fn convert_bytes(dir: &Path, name: &str, bytes: &[u8], extra: &[&str]) -> Converted {
    let input = dir.join(name);
    std::fs::write(&input, bytes).unwrap();
    convert_paths(dir, &[input], extra)
}

fn convert_paths(dir: &Path, inputs: &[PathBuf], extra: &[&str]) -> Converted {
    let out_path = dir.join("out.csv");
    let mut args: Vec<&str> = vec!["convert"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(["-o", out_path.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let out = run(&args);
    let stderr = stderr(&out);
    assert_no_panic(&out, &stderr);
    let bom = !extra.contains(&"--no-bom");
    let rows = if out_path.exists() {
        read_csv(&out_path, bom).1
    } else {
        Vec::new()
    };
    let rejects_path = dir.join("out.rejects.csv");
    let rejects = if rejects_path.exists() {
        read_csv(&rejects_path, bom).1
    } else {
        Vec::new()
    };
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&rejects_path);
    Converted {
        out,
        rows,
        rejects,
        stderr,
    }
}

fn assert_no_panic(out: &Output, stderr: &str) {
    assert_ne!(out.status.code(), Some(101), "panicked: {stderr}");
    assert!(out.status.code().is_some(), "killed by a signal: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The 42 rows of the clean seed.
fn baseline() -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let c = convert_bytes(dir.path(), SEED_NAME, seed().as_bytes(), &[]);
    assert_eq!(c.out.status.code(), Some(0), "{}", c.stderr);
    assert_eq!(c.rows.len(), 42);
    c.rows
}

/// Asserts `rows` are the baseline's, field by field, with each baseline line
/// number mapped by `line` (insertions move the lines after them).
fn assert_same_rows(what: &str, rows: &[Vec<String>], line: impl Fn(usize) -> usize) {
    let base = baseline();
    assert_eq!(rows.len(), base.len(), "{what}: row count");
    for (k, (got, want)) in rows.iter().zip(&base).enumerate() {
        let mut want = want.clone();
        let l: usize = want[LINE_COL].parse().unwrap();
        want[LINE_COL] = line(l).to_string();
        assert_eq!(got, &want, "{what}: row {}", k + 1);
    }
}

fn encode_utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn every_encoding_and_line_end_gives_the_same_rows() {
    let text = seed();
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let mut bom8 = "\u{feff}".as_bytes().to_vec();
    bom8.extend_from_slice(text.as_bytes());
    let crlf = text.replace('\n', "\r\n");
    let cr = text.replace('\n', "\r");
    let cases: Vec<(&str, Vec<u8>, &[&str], &str)> = vec![
        ("GB18030", gb.to_vec(), &[], "gb18030"),
        ("GBK forced", gb.to_vec(), &["--encoding", "gbk"], "GBK"),
        (
            "UTF-16LE with BOM",
            encode_utf16(&text, true, true),
            &[],
            "UTF-16LE",
        ),
        (
            "UTF-16BE with BOM",
            encode_utf16(&text, false, true),
            &[],
            "UTF-16BE",
        ),
        (
            "UTF-16LE without BOM",
            encode_utf16(&text, true, false),
            &[],
            "UTF-16LE",
        ),
        ("UTF-8 with BOM", bom8, &[], "UTF-8"),
        ("CRLF", crlf.clone().into_bytes(), &[], "UTF-8"),
        ("lone CR", cr.into_bytes(), &[], "UTF-8"),
        (
            "GB18030 + CRLF",
            encoding_rs::GB18030.encode(&crlf).0.to_vec(),
            &[],
            "gb18030",
        ),
        (
            "UTF-16LE + CRLF",
            encode_utf16(&crlf, true, true),
            &[],
            "UTF-16LE",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes, extra, encoding) in cases {
        let c = convert_bytes(dir.path(), SEED_NAME, &bytes, extra);
        assert_eq!(c.out.status.code(), Some(0), "{what}: {}", c.stderr);
        assert!(c.rejects.is_empty(), "{what}: {:?}", c.rejects);
        assert_same_rows(what, &c.rows, |l| l);
        // The encoding used is said.
        let input = dir.path().join(SEED_NAME);
        let mut args = vec!["inspect", input.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = run(&args);
        let shown = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(&o));
        assert!(
            shown.contains(&format!("({encoding})")),
            "{what}: inspect shows {shown}"
        );
        assert!(
            shown.contains("2 unit(s), 10 project(s), 42 indicator(s)"),
            "{what}"
        );
    }
}

/// The lines pdftotext writes at a page break: the page number at the foot, a
/// form feed, then the page's head again (the seed's lines 2 to 7: title,
/// 部门名称 … 单位, column heads, with their blank lines).
fn page_break(number: &str) -> Vec<String> {
    let head = seed_lines();
    let mut out = vec![String::new(), number.to_string()];
    out.push(format!("\x0c{}", head[1]));
    out.extend(head[2..7].iter().cloned());
    out
}

/// The seed with `page_break(number)` inserted after each given line (1-based),
/// and the map from a seed line to its line in the result.
fn with_page_breaks(after: &[(usize, &str)]) -> (String, impl Fn(usize) -> usize + use<>) {
    let lines = seed_lines();
    let mut out: Vec<String> = Vec::new();
    let mut shifts: Vec<(usize, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        out.push(l.clone());
        for &(at, number) in after {
            if at == i + 1 {
                let block = page_break(number);
                shifts.push((at, block.len()));
                out.extend(block);
            }
        }
    }
    let map = move |l: usize| {
        l + shifts
            .iter()
            .filter(|(at, _)| l > *at)
            .map(|(_, n)| n)
            .sum::<usize>()
    };
    (out.join("\n") + "\n", map)
}

/// The three awkward places: inside the wrapped name of project 5 (after
/// `    广州市来穗人员服务管理局`, line 99), inside the goal of project 4 (line 78),
/// and inside the indicator list of project 1 between `4` and `、2-效益指标`
/// (line 28).
const AWKWARD: [usize; 3] = [99, 78, 28];

#[test]
fn page_breaks_in_three_awkward_places_give_the_same_rows() {
    let lines = seed_lines();
    assert!(lines[98].trim() == "广州市来穗人员服务管理局" && lines[99].starts_with("2023年"));
    assert!(lines[27].ends_with("发布。4") && lines[28].starts_with("、2-效益指标"));
    let dir = tempfile::tempdir().unwrap();
    let styles = [
        ["- 2 -", "第 3 页", "第4页 共9页"],
        ["2", "3", "4"], // bare page numbers: furniture only at a break
        ["", "", ""],    // no page number at all
    ];
    for numbers in styles {
        let after: Vec<(usize, &str)> = AWKWARD.iter().copied().zip(numbers).collect();
        let (text, map) = with_page_breaks(&after);
        let c = convert_bytes(dir.path(), SEED_NAME, text.as_bytes(), &[]);
        assert_eq!(c.out.status.code(), Some(0), "{numbers:?}: {}", c.stderr);
        assert!(c.rejects.is_empty(), "{numbers:?}: {:?}", c.rejects);
        assert_same_rows(&format!("page numbers {numbers:?}"), &c.rows, &map);
        // The wrapped name and the goal are whole too.
        let p = convert_bytes(
            dir.path(),
            SEED_NAME,
            text.as_bytes(),
            &["--table", "projects"],
        );
        assert_eq!(p.rows.len(), 10);
        assert_eq!(
            p.rows[4][3],
            "广州市来穗人员服务管理局2023年广州市来穗人员服务管理信息系统升级改造项目"
        );
        assert!(
            p.rows[3][9].contains("积极践行“创新、协调、绿色、开放、共享”发展理念，开展来穗人员关爱活动、来穗人员融合大学堂、融合服务月活动"),
            "{}",
            p.rows[3][9]
        );
    }
    // Everything at once: UTF-16, CRLF, page breaks.
    let (text, map) = with_page_breaks(&[(28, "- 2 -"), (78, "3"), (99, "第4页")]);
    let bytes = encode_utf16(&text.replace('\n', "\r\n"), true, true);
    let c = convert_bytes(dir.path(), SEED_NAME, &bytes, &[]);
    assert_eq!(c.out.status.code(), Some(0), "{}", c.stderr);
    assert_same_rows("UTF-16 + CRLF + page breaks", &c.rows, map);
}

/// The seed with its punctuation varied the ways real tables vary it.
fn mixed_punctuation() -> String {
    let mut lines = seed_lines();
    let swap = |s: &str, pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .fold(s.to_string(), |acc, (a, b)| acc.replace(a, b))
    };
    for (i, l) in lines.iter_mut().enumerate() {
        let n = i + 1;
        *l = match n {
            2 | 6 => swap(l, &[("（", "("), ("）", ")")]),
            4 => swap(l, &[("：", ":")]),
            // Project 1: half-width semicolons and full-width colons.
            25..=30 => swap(l, &[("；", ";"), (":", "：")]),
            // Project 2: >= and <= for ≥ and ≦, spaces inside codes and numbers.
            39..=44 => swap(
                l,
                &[
                    ("≥", ">="),
                    ("≦", "<="),
                    ("11-数量指标", "1 1-数量指标"),
                    (":≥", ": ≥"),
                    ("90%；年度", "9 0%；年度"),
                ],
            ),
            // Project 3: ≧ for ≥, full-width percent.
            62..=69 => swap(l, &[("≧", "≥"), ("%", "％")]),
            // Goals: half-width commas.
            14..=23 | 75..=83 => swap(l, &[("，", ",")]),
            _ => l.clone(),
        };
    }
    lines.join("\n") + "\n"
}

#[test]
fn mixed_punctuation_gives_the_same_rows() {
    let text = mixed_punctuation();
    assert!(text.contains("部门名称:") && text.contains(">=90%") && text.contains("1 1-数量指标"));
    assert!(text.contains("年度指标值：100%") && text.contains("<=2") && text.contains("9 0%"));
    let dir = tempfile::tempdir().unwrap();
    let c = convert_bytes(dir.path(), SEED_NAME, text.as_bytes(), &[]);
    assert_eq!(c.out.status.code(), Some(0), "{}", c.stderr);
    assert!(c.rejects.is_empty(), "{:?}", c.rejects);
    assert_same_rows("mixed punctuation", &c.rows, |l| l);
}

/// Asserts a bad input was refused as documented: exit 1, a message naming the
/// file and line on stderr, one reject row for the file at that line.
fn assert_refused(c: &Converted, name: &str, line: usize, words: &str) {
    assert_eq!(c.out.status.code(), Some(1), "{name}: {}", c.stderr);
    let at = format!("{name}:{line}");
    assert!(
        c.stderr.contains(&format!("reject: {at}")),
        "{name}: {}",
        c.stderr
    );
    assert!(
        c.stderr.contains(words),
        "{name}: expected {words:?} in {}",
        c.stderr
    );
    let ours: Vec<&Vec<String>> = c.rejects.iter().filter(|r| r[0] == name).collect();
    assert_eq!(ours.len(), 1, "{name}: {:?}", c.rejects);
    assert_eq!(ours[0][1], line.to_string(), "{name}: {:?}", ours[0]);
    assert!(ours[0][3].contains(words), "{name}: {:?}", ours[0]);
}

/// A small self-evaluation table (绩效自评表) as PDF text: it has targets, but
/// reports results beside them.
const SELF_EVALUATION: &str = "\
项目支出绩效自评表
（2023年度）

项目名称 专项工作经费
主管部门 广州市来穗人员服务管理局 实施单位 广州市来穗人员服务管理局
项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额 42.00 42.00 41.50 10 98.8% 9.9
年度总体目标 预期目标 实际完成情况
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
产出指标 数量指标 课题完成率 100% 100% 20 20
";

#[test]
fn bad_inputs_are_refused_with_file_and_line_and_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let c = convert_bytes(d, "empty_2024.txt", b"", &[]);
    assert_refused(&c, "empty_2024.txt", 1, "the file is empty");
    let c = convert_bytes(d, "blank_2024.txt", b"\r\n  \n\x0c\n", &[]);
    assert_refused(&c, "blank_2024.txt", 1, "the file is empty");

    // Random bytes (a fixed generator, so the test is repeatable).
    let mut x: u64 = 0x2024_0707;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect();
    let c = convert_bytes(d, "noise_2024.txt", &noise, &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert!(c.stderr.contains("reject: noise_2024.txt:"), "{}", c.stderr);
    assert!(
        c.stderr.contains("not a text file") || c.stderr.contains("not valid"),
        "{}",
        c.stderr
    );

    // A self-evaluation table: refused as not a target table, at the line that shows it.
    let c = convert_bytes(d, "ziping_2023.txt", SELF_EVALUATION.as_bytes(), &[]);
    assert_refused(&c, "ziping_2023.txt", 1, "not a performance-target table");
    let disguised = SELF_EVALUATION.replace("项目支出绩效自评表", "项目支出绩效表");
    let c = convert_bytes(d, "ziping2_2023.txt", disguised.as_bytes(), &[]);
    assert_refused(&c, "ziping2_2023.txt", 6, "not a performance-target table");

    // A CSV export.
    let csv = "项目名称,总计,财政拨款,绩效目标\n专项工作经费,42.00,42.00,提高管理水平\n";
    let c = convert_bytes(d, "export_2024.csv", csv.as_bytes(), &[]);
    assert_refused(&c, "export_2024.csv", 1, "not a performance-target table");

    // A PDF given as text.
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n\x00\x9c\xff\x10\nendstream\n%%EOF\n";
    let c = convert_bytes(d, "table_2024.txt", pdf, &[]);
    assert_refused(&c, "table_2024.txt", 1, "this is a PDF");

    // A workbook given as text.
    let c = convert_bytes(d, "book_2024.txt", b"PK\x03\x04\x14\x00\x06\x00", &[]);
    assert_refused(&c, "book_2024.txt", 1, "ZIP");

    // Text that is no table at all.
    let c = convert_bytes(d, "notes_2024.txt", b"Meeting notes\nnothing here\n", &[]);
    assert_refused(&c, "notes_2024.txt", 1, "not a performance-target table");
}

#[test]
fn a_truncated_file_keeps_what_is_whole_and_reports_the_cut() {
    let text = seed();
    let dir = tempfile::tempdir().unwrap();
    let base = baseline();

    // Cut inside the last project's indicator 2, in the middle of a character.
    let at = text.find("验收通过率；实\n施周期").unwrap() + "验收通过率；".len() + 1;
    assert!(!text.is_char_boundary(at));
    let c = convert_bytes(dir.path(), SEED_NAME, &text.as_bytes()[..at], &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert_eq!(c.rows, base[..40], "everything before the cut is kept");
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(c.rejects[0][0], SEED_NAME);
    assert_eq!(c.rejects[0][1], "224");
    assert!(c.rejects[0][2].starts_with("2、1-产出指标；12-质量指标；验收通过率"));
    assert!(c.rejects[0][3].contains("truncated"), "{:?}", c.rejects[0]);
    assert!(
        c.stderr.contains("reject: laisui_2024.txt:224"),
        "{}",
        c.stderr
    );

    // Cut inside the very last value: `年度指标值:10` is not invented as a value.
    let at = text.rfind("100%。").unwrap() + 2;
    let c = convert_bytes(dir.path(), SEED_NAME, &text.as_bytes()[..at], &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert_eq!(c.rows, base[..41]);
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(c.rejects[0][1], "225");
    assert!(c.rejects[0][3].contains("truncated"), "{:?}", c.rejects[0]);

    // Cut inside a project name: the projects before are kept.
    let at = text.find("信息系统升级改造项目").unwrap();
    let c = convert_bytes(dir.path(), SEED_NAME, &text.as_bytes()[..at], &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert_eq!(c.rows, base[..21]);
    assert_eq!(c.rejects[0][1], "99");
    assert!(c.rejects[0][3].contains("project name without amounts"));
}

#[test]
fn a_damaged_byte_costs_its_line_only() {
    let mut bytes = seed().into_bytes();
    // Corrupt the first byte of line 80's first character.
    let at = seed()
        .match_indices('\n')
        .nth(78)
        .map(|(i, _)| i + 1)
        .unwrap();
    bytes[at] = 0xFF;
    let dir = tempfile::tempdir().unwrap();
    let c = convert_bytes(dir.path(), SEED_NAME, &bytes, &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert_eq!(c.rows.len(), 42, "the rows are all there");
    assert_eq!(c.rejects.len(), 1, "{:?}", c.rejects);
    assert_eq!(c.rejects[0][1], "80");
    assert!(
        c.rejects[0][3].contains("undecodable"),
        "{:?}",
        c.rejects[0]
    );
}

#[test]
fn one_bad_file_never_stops_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join(SEED_NAME);
    std::fs::write(&good, seed()).unwrap();
    let empty = dir.path().join("empty_2024.txt");
    std::fs::write(&empty, "").unwrap();
    let pdf = dir.path().join("scan_2024.txt");
    std::fs::write(&pdf, b"%PDF-1.4\n\x00\x01").unwrap();
    let c = convert_paths(dir.path(), &[empty, good, pdf], &[]);
    assert_eq!(c.out.status.code(), Some(1), "{}", c.stderr);
    assert_same_rows("good file among bad", &c.rows, |l| l);
    let files: Vec<&str> = c.rejects.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(files, ["empty_2024.txt", "scan_2024.txt"]);
}

#[test]
fn the_excel_facing_csv_runs_no_formulas() {
    let text = seed()
        .replace("课题完成率", "=HYPERLINK(\"http://evil\",\"x\")")
        .replace("物管服务覆盖率", "@SUM(A1)")
        .replace("有效投诉\n量", "-2+3+cmd|' /C calc'!A0");
    let dir = tempfile::tempdir().unwrap();
    let c = convert_bytes(dir.path(), SEED_NAME, text.as_bytes(), &[]);
    assert_eq!(c.out.status.code(), Some(0), "{}", c.stderr);
    let names: Vec<&str> = c.rows.iter().map(|r| r[13].as_str()).collect();
    assert_eq!(names[0], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(names[4], "'@SUM(A1)");
    assert_eq!(names[5], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(names[1], "信息泄露事故数量");
    // For machine readers (no BOM) the text is exactly as printed.
    let c = convert_bytes(dir.path(), SEED_NAME, text.as_bytes(), &["--no-bom"]);
    assert_eq!(c.rows[0][13], "=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(c.rows[5][13], "-2+3+cmd|' /C calc'!A0");
}

#[test]
fn pathological_inputs_cost_linear_time() {
    // Each of these took quadratic time somewhere in a naive parser; together
    // they are about 12 MB and must parse in seconds, not hours.
    let head = seed_lines()[..8].join("\n");
    let inputs = [
        // One project whose block is a million list starts that never parse.
        format!("{head}\n    项目 1.00 1.00\n{}", "1、".repeat(1_000_000)),
        // A list of 100,000 indicators without closing 。.
        format!(
            "{head}\n    项目 1.00 1.00\n{}",
            (1..=100_000)
                .map(|i| format!("{i}、产出指标；数量指标；名称；指标值:发布"))
                .collect::<String>()
        ),
        // 500,000 bare numbers and page breaks.
        format!("{head}\n{}", "3\n\x0c4\n".repeat(500_000)),
        // A 2 MB line of spaces inside a value, and one inside a row.
        format!(
            "{head}\n    项目 1.00 1.00\n1、产出指标；数量指标；名称；指标值:1{}0\n    x{}1.00",
            " ".repeat(2_000_000),
            " ".repeat(2_000_000)
        ),
    ];
    let started = std::time::Instant::now();
    for (k, s) in inputs.iter().enumerate() {
        let t = std::time::Instant::now();
        let _ = parse(s);
        eprintln!("input {k}: {:?}", t.elapsed());
    }
    let took = started.elapsed();
    assert!(took.as_secs() < 10, "{took:?}");
}

// ---------------------------------------------------------------------------
// Property tests: the parser itself, on thousands of generated inputs.

/// What a parse must give whatever the line numbers: names, amounts, goals and
/// every indicator field but its line.
fn shape(d: &Document) -> Vec<String> {
    let mut out = vec![format!(
        "{:?} {:?} {:?} rejects={}",
        d.title,
        d.department,
        d.grand_total.as_ref().map(|a| a.total),
        d.rejects.len()
    )];
    for (u, p) in d.projects() {
        out.push(format!(
            "{} / {} {} {}",
            u.name,
            p.name,
            p.amounts.total.unwrap_or_default(),
            p.goal
        ));
        for i in &p.indicators {
            out.push(format!(
                "{} {:?} {} {:?} {} {} {:?} {:?}",
                i.seq,
                i.level_code,
                i.level,
                i.category_code,
                i.category,
                i.name,
                i.cycle_value,
                i.annual_value
            ));
        }
    }
    out
}

fn parse(s: &str) -> Document {
    text::parse(SEED_NAME, s, &text::TextOptions::default())
}

/// Line ranges of the seed's indicator lists (1-based, inclusive).
const LISTS: [(usize, usize); 10] = [
    (25, 30),
    (39, 44),
    (62, 69),
    (85, 97),
    (116, 121),
    (137, 143),
    (150, 152),
    (169, 174),
    (207, 212),
    (223, 226),
];

/// Byte offsets inside the seed's indicator lists, at character boundaries.
fn list_offsets(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let mut out = Vec::new();
    for &(a, b) in &LISTS {
        let (from, to) = (starts[a - 1], starts[b] - 1);
        out.extend(
            text[from..to]
                .char_indices()
                .map(|(i, _)| from + i)
                .chain([to]),
        );
    }
    out
}

/// Junk that real extraction leaves: furniture, control characters, numbers,
/// punctuation, and fragments of the table's own vocabulary.
fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\x0c".to_string()),
        Just("\n- 3 -\n".to_string()),
        Just("\n第3页 共5页\n".to_string()),
        Just("\n\x0c项目支出绩效目标表（含转移支付项目）\n".to_string()),
        Just(
            "\n项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标\n"
                .to_string()
        ),
        Just("\n    ".to_string()),
        Just(" 1.00 -".to_string()),
        Just("合计 950.00 950.00\n".to_string()),
        Just("1、1-产出指标；11-数量指标；".to_string()),
        Just("实施周期指标值:".to_string()),
        Just("。2、".to_string()),
        Just("\r".to_string()),
        Just("\u{fffd}".to_string()),
        "[\\PC]{0,12}",
        "[0-9 .,;:；：、。\\-]{0,8}",
    ]
}

/// Where and what to insert or delete.
#[derive(Debug, Clone)]
enum Edit {
    Insert(prop::sample::Index, String),
    Delete(prop::sample::Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<prop::sample::Index>(), junk()).prop_map(|(i, s)| Edit::Insert(i, s)),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Edit::Delete(i, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        match e {
            Edit::Insert(i, junk) => s.insert_str(*i.get(&bounds), junk),
            Edit::Delete(i, n) => {
                let k = i.index(bounds.len());
                let end = bounds[(k + n).min(bounds.len() - 1)];
                s.replace_range(bounds[k]..end, "");
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 600,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random bytes: decoding and parsing never panic.
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(d) = decode::decode(&bytes, None) {
            let _ = parse(&d.text);
        }
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }

    /// The seed with random deletions and insertions of furniture and junk:
    /// never a panic, and every line the parse names exists.
    #[test]
    fn mutated_seed_never_panics(edits in prop::collection::vec(edit(), 1..8)) {
        let s = apply(&seed(), &edits);
        let d = parse(&s);
        let last = text::lines(&s).last().map_or(0, |l| l.no).max(1);
        for r in &d.rejects {
            prop_assert!(r.line <= last, "reject at line {} of {}", r.line, last);
        }
        for (_, p) in d.projects() {
            for i in &p.indicators {
                prop_assert!(i.line >= 1 && i.line <= last);
            }
        }
        prop_assert!(d.indicator_count() <= 42 + edits.len() * 2);
    }

    /// Line breaks inserted anywhere inside the indicator lists change nothing
    /// but line numbers.
    #[test]
    fn line_breaks_inside_lists_change_nothing(
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
        ends in prop::collection::vec(prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("\n\n")], 6),
    ) {
        let text = seed();
        let offsets = list_offsets(&text);
        let mut at: Vec<usize> = picks.iter().map(|p| *p.get(&offsets)).collect();
        at.sort_unstable();
        at.dedup();
        let mut s = text.clone();
        for (k, &i) in at.iter().enumerate().rev() {
            s.insert_str(i, ends[k]);
        }
        let d = parse(&s);
        prop_assert_eq!(shape(&d), shape(&parse(&text)));
        prop_assert_eq!(d.indicator_count(), 42);
    }

    /// A page break (with any page-number style) after any line changes nothing
    /// but line numbers.
    #[test]
    fn page_breaks_after_any_line_change_nothing(
        after in prop::collection::vec(1usize..228, 1..4),
        number in prop_oneof![
            Just("- 7 -"), Just("第 7 页"), Just("第7页 共9页"), Just("7"), Just("7/9"), Just("")
        ],
    ) {
        let text = seed();
        let marks: Vec<(usize, &str)> = after.iter().map(|&a| (a, number)).collect();
        let (s, _) = with_page_breaks(&marks);
        let d = parse(&s);
        prop_assert_eq!(shape(&d), shape(&parse(&text)));
    }
}

//! Text a PDF's fonts did not turn into characters: `(cid:N)` placeholders
//! (a code with no Unicode map), U+FFFD, private-use code points and
//! control characters. A page made mostly of them is refused whole
//! (`garbled` in the parent module); here the rows that still hold some are
//! taken out of the document as rejects, so that a damaged or mapless
//! font never writes `(cid:129)公出…` as data.

use crate::model::{Document, Indicator, Position, Reject, RejectKind};

/// True when `s` holds text that was not decoded.
pub(super) fn undecoded(s: &str) -> bool {
    s.contains("(cid:") || s.chars().any(undecoded_char)
}

pub(super) fn undecoded_char(ch: char) -> bool {
    matches!(ch as u32, 0xFFFD | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
        || (ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
}

const WHY: &str = "undecoded characters ((cid:N), U+FFFD or private-use: a font without a usable Unicode map, or a damaged one)";

fn fields(i: &Indicator) -> impl Iterator<Item = &str> {
    [&i.level, &i.category, &i.name]
        .into_iter()
        .map(String::as_str)
        .chain(
            [&i.cycle_value, &i.annual_value, &i.value_kind, &i.direction]
                .into_iter()
                .filter_map(|v| v.as_deref()),
        )
}

fn row_text(i: &Indicator) -> String {
    fields(i)
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Moves every indicator, project and unit whose printed text holds
/// undecoded characters into the rejects: a row by itself, a project or
/// unit with the count of the indicators it held (one reject, not one per
/// row). A 部门名称 that holds them is left empty, with a reject.
pub(super) fn withdraw(doc: &mut Document) {
    let source = doc.source.clone();
    let reject = |line: usize, text: String, reason: String, kind, pos| Reject {
        source: source.clone(),
        line,
        text,
        reason,
        kind,
        pos,
    };
    let mut out = Vec::new();
    if let Some(d) = doc.department.take_if(|d| undecoded(d)) {
        out.push(reject(
            0,
            d,
            format!("部门名称 has {WHY}; left empty"),
            RejectKind::Unplaced,
            Position::default(),
        ));
    }
    let page_of = |line: usize| Position::Pdf {
        page: u32::try_from(line).unwrap_or(u32::MAX),
        bbox: [0; 4],
    };
    for u in &mut doc.units {
        let unit_bad = undecoded(&u.name);
        for p in &mut u.projects {
            if unit_bad || undecoded(&p.name) || undecoded(&p.goal) {
                let what = if unit_bad {
                    "its unit's name"
                } else if undecoded(&p.name) {
                    "its name"
                } else {
                    "its 绩效目标"
                };
                let pos = p
                    .indicators
                    .first()
                    .map_or_else(|| page_of(p.line), |i| i.pos.clone());
                // A PDF's reject names its page (a project's own line is
                // the row of its stitched table).
                let line = match pos {
                    Position::Pdf { page, .. } => page as usize,
                    _ => p.line,
                };
                out.push(reject(
                    line,
                    format!("{} / {}", u.name, p.name),
                    format!(
                        "project: {what} has {WHY}; the project and its {} indicators not read",
                        p.indicators.len()
                    ),
                    RejectKind::Unplaced,
                    pos,
                ));
                p.name.clear();
                p.indicators.clear();
                continue;
            }
            let (bad, good): (Vec<Indicator>, Vec<Indicator>) = std::mem::take(&mut p.indicators)
                .into_iter()
                .partition(|i| fields(i).any(undecoded));
            p.indicators = good;
            match bad.as_slice() {
                [] => {}
                [one] => out.push(reject(
                    one.line,
                    row_text(one),
                    format!("indicator of 「{}」 has {WHY}; not read", p.name),
                    RejectKind::Indicator,
                    one.pos.clone(),
                )),
                [first, .., last] => out.push(reject(
                    first.line,
                    row_text(first),
                    format!(
                        "{} indicators of 「{}」 ({}) have {WHY}; not read (the first shown)",
                        bad.len(),
                        p.name,
                        if first.line == last.line {
                            format!("page {}", first.line)
                        } else {
                            format!("pages {} to {}", first.line, last.line)
                        }
                    ),
                    RejectKind::Indicator,
                    first.pos.clone(),
                )),
            }
        }
        // Projects withdrawn above were marked by an empty name.
        u.projects
            .retain(|p| !p.name.is_empty() || !p.indicators.is_empty());
    }
    doc.units.retain(|u| !undecoded(&u.name));
    doc.rejects.extend(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Amounts, Project, Unit};

    fn ind(name: &str, value: &str, page: usize) -> Indicator {
        Indicator {
            seq: 1,
            level_code: None,
            level: "效益指标".into(),
            category_code: None,
            category: "生态效益".into(),
            name: name.into(),
            cycle_value: None,
            annual_value: Some(value.into()),
            value_kind: None,
            direction: None,
            weight: None,
            line: page,
            pos: Position::Pdf {
                page: page as u32,
                bbox: [1, 2, 3, 4],
            },
        }
    }

    fn project(name: &str, indicators: Vec<Indicator>) -> Project {
        Project {
            name: name.into(),
            amounts: Amounts::default(),
            goal: String::new(),
            indicators,
            line: 1,
        }
    }

    #[test]
    fn rows_with_undecoded_text_become_rejects_with_their_page() {
        let mut doc = Document::new("x.pdf");
        doc.units.push(Unit {
            name: "某县水务局".into(),
            amounts: None,
            projects: vec![
                project(
                    "河道清淤工程",
                    vec![
                        ind("清淤河道长度", "≥12公里", 1),
                        ind("(cid:129)水质达标率", "≥95%", 2),
                        ind("群众满意度", "≥9\u{FFFD}%", 2),
                        ind("堤防加固", "\u{E012}3处", 3),
                    ],
                ),
                project("水\u{E001}站运维", vec![ind("运行天数", "365天", 3)]),
                project("灌区节水改造", vec![ind("节水量", "≥200万立方米", 4)]),
            ],
            line: 1,
        });
        withdraw(&mut doc);
        let names: Vec<&str> = doc
            .projects()
            .flat_map(|(_, p)| p.indicators.iter().map(|i| i.name.as_str()))
            .collect();
        assert_eq!(names, ["清淤河道长度", "节水量"]);
        assert_eq!(doc.rejects.len(), 2, "{:?}", doc.rejects);
        let rows = &doc.rejects[0];
        assert!(
            rows.reason
                .starts_with("3 indicators of 「河道清淤工程」 (pages 2 to 3)"),
            "{}",
            rows.reason
        );
        assert_eq!(
            rows.pos,
            Position::Pdf {
                page: 2,
                bbox: [1, 2, 3, 4]
            }
        );
        let project = &doc.rejects[1];
        assert!(
            project
                .reason
                .contains("the project and its 1 indicators not read"),
            "{}",
            project.reason
        );
        assert_eq!(doc.project_count(), 2);
    }

    #[test]
    fn decoded_text_is_left_alone() {
        for s in ["≥95%", "①②", "（万元）", "a\tb", "√", "㎡"] {
            assert!(!undecoded(s), "{s}");
        }
        for s in ["(cid:3)", "\u{FFFD}", "\u{F0B7}", "\u{1}"] {
            assert!(undecoded(s), "{s:?}");
        }
    }
}

//! Table rules: is this a target table (R01), are indicator lists copied
//! from project to project (R03).

use jixiao_core::vocab;

use super::Hit;
use crate::Anchor;
use crate::context::Table;

/// R01: evaluation levels (决策/过程), evaluation categories (项目立项,
/// 资金管理) or a self-evaluation's title mean the rows report or score
/// results; they are not targets to review. (Result columns such as
/// 实际完成值/得分 are refused by the readers before a document exists.)
pub(super) fn r01(t: &Table<'_>, out: &mut Vec<Hit>) {
    let title = t.doc.title.as_deref().map(vocab::key).unwrap_or_default();
    if let Some(w) = vocab::RESULT_TITLE_WORDS
        .iter()
        .find(|w| title.contains(*w))
    {
        out.push(
            Hit::at(Anchor::Table).say(format!("标题含“{w}”，该表为评价或自评表，不是绩效目标表")),
        );
        return;
    }
    let evaluation = t.indicators().find(|(_, i)| i.labels.evaluation);
    if let Some((_, i)) = evaluation {
        let word = if vocab::is_evaluation_level(&i.ind.level) {
            &i.ind.level
        } else {
            &i.ind.category
        };
        out.push(Hit::at(Anchor::Table).say(format!(
            "指标采用评价框架（“{word}”，决策/过程），不是绩效目标框架（产出/效益/满意度），不按目标审核"
        )));
    }
}

/// Fewest indicators a list must have before a copy is worth pointing out.
const R03_MIN_INDICATORS: usize = 3;

/// R03: a project whose indicator names, in order, repeat an earlier
/// project's: a list copied rather than set for the project.
pub(super) fn r03(t: &Table<'_>, out: &mut Vec<Hit>) {
    let mut seen: Vec<(Vec<&str>, &str)> = Vec::new();
    for p in &t.projects {
        if p.inds.len() < R03_MIN_INDICATORS || p.is_department_wide() {
            continue;
        }
        let names: Vec<&str> = p.inds.iter().map(|i| i.name_key.as_str()).collect();
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == names) {
            out.push(
                Hit::at(Anchor::Project {
                    unit: p.unit_index,
                    project: p.index,
                })
                .say(format!(
                    "指标清单与项目“{first}”完全相同，疑为照搬，请结合本项目设置"
                )),
            );
        } else {
            seen.push((names, p.project.name.as_str()));
        }
    }
}

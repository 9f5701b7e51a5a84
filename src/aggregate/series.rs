//! Project series: the same project followed across budget years.
//!
//! Within a department, each project of a year is linked to at most one
//! project of the department's previous year in the data: first by name
//! (width and whitespace variants unified), then by [`project_key`] where
//! the years in the names fit ([`year_fit`](super::key::year_fit)). When several projects share a
//! key (two 信息化运维 contracts in one year), the best-fitting pairs are
//! taken first, so a contract stays with itself and a successor contract
//! does not take its place. Linked projects form one series.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hash;

use super::key::{name_years, normalize_name, project_key};

/// Which rule linked a project to the previous year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchRule {
    /// The same name.
    ExactName,
    /// The same key, one candidate on each side.
    Key,
    /// The same key shared by several projects; paired by the closest years
    /// in the names.
    KeyNearestYears,
}

impl MatchRule {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchRule::ExactName => "exact_name",
            MatchRule::Key => "key",
            MatchRule::KeyNearestYears => "key_nearest_years",
        }
    }
}

/// A project as the matching sees it.
#[derive(Debug, Clone)]
pub struct ProjectRef {
    pub year: i32,
    pub department: Option<String>,
    pub unit: Option<String>,
    pub name: String,
}

/// The outcome of [`assign`], indexed like its input.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// Each project's series, numbered from 0 in order of first appearance
    /// (departments sorted, then years, then input order).
    pub series: Vec<usize>,
    /// Each project's link to the previous year's project, with the rule.
    pub link: Vec<Option<(usize, MatchRule)>>,
    pub keys: Vec<String>,
    pub series_count: usize,
    /// Each department's budget years in the data, ascending.
    pub department_years: BTreeMap<Option<String>, Vec<i32>>,
}

/// Links projects across years and numbers the series.
pub fn assign(projects: &[ProjectRef]) -> Assignment {
    // A project recurs every year under the same name and unit: its key,
    // normalised name and name years are worked out once.
    type Place<'p> = (&'p str, Option<&'p str>, Option<&'p str>);
    let mut known: HashMap<Place<'_>, usize> = HashMap::new();
    let mut worked: Vec<(String, String, Vec<i32>)> = Vec::new();
    let mut of = Vec::with_capacity(projects.len());
    for p in projects {
        let place = (p.name.as_str(), p.department.as_deref(), p.unit.as_deref());
        let k = *known.entry(place).or_insert_with(|| {
            let orgs: Vec<&str> = [p.department.as_deref(), p.unit.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            worked.push((
                project_key(&p.name, &orgs),
                normalize_name(&p.name),
                name_years(&p.name),
            ));
            worked.len() - 1
        });
        of.push(k);
    }
    let keys: Vec<String> = of.iter().map(|&k| worked[k].0.clone()).collect();
    let names: Vec<String> = of.iter().map(|&k| worked[k].1.clone()).collect();
    let years: Vec<Vec<i32>> = of.iter().map(|&k| worked[k].2.clone()).collect();

    let mut by_dept: BTreeMap<Option<String>, BTreeMap<i32, Vec<usize>>> = BTreeMap::new();
    for (i, p) in projects.iter().enumerate() {
        by_dept
            .entry(p.department.clone())
            .or_default()
            .entry(p.year)
            .or_default()
            .push(i);
    }

    let ctx = Ctx {
        projects,
        keys: &keys,
        names: &names,
        years: &years,
    };
    let mut link = vec![None; projects.len()];
    for per_year in by_dept.values() {
        let ys: Vec<(&i32, &Vec<usize>)> = per_year.iter().collect();
        for w in ys.windows(2) {
            let gap = w[1].0 - w[0].0;
            ctx.link_years(w[0].1, w[1].1, gap, &mut link);
        }
    }

    let mut series = vec![usize::MAX; projects.len()];
    let mut series_count = 0;
    for per_year in by_dept.values() {
        for rows in per_year.values() {
            for &r in rows {
                series[r] = match link[r] {
                    Some((p, _)) if series[p] != usize::MAX => series[p],
                    _ => {
                        series_count += 1;
                        series_count - 1
                    }
                };
            }
        }
    }
    let department_years = by_dept
        .into_iter()
        .map(|(d, ys)| (d, ys.into_keys().collect()))
        .collect();
    Assignment {
        series,
        link,
        keys,
        series_count,
        department_years,
    }
}

struct Ctx<'a> {
    projects: &'a [ProjectRef],
    keys: &'a [String],
    names: &'a [String],
    years: &'a [Vec<i32>],
}

impl Ctx<'_> {
    fn unit(&self, row: usize, same_unit: bool) -> Option<&str> {
        if same_unit {
            self.projects[row].unit.as_deref()
        } else {
            None
        }
    }

    /// Links the projects of one year (`cur`) to those of the previous one.
    ///
    /// Every round pairs through hash buckets, in document order, so that a
    /// department-year of many thousand same-named projects (merged tables, a
    /// generated corpus) stays linear.
    fn link_years(
        &self,
        prev: &[usize],
        cur: &[usize],
        gap: i32,
        link: &mut [Option<(usize, MatchRule)>],
    ) {
        let mut used = Used {
            prev: vec![false; prev.len()],
            cur: vec![false; cur.len()],
        };
        let all_prev: Vec<usize> = (0..prev.len()).collect();
        let all_cur: Vec<usize> = (0..cur.len()).collect();

        // By name: the same unit first, so that two units' 工作经费 stay apart.
        for same_unit in [true, false] {
            used.pair(
                &all_prev,
                &all_cur,
                |pi| {
                    Some((
                        self.names[prev[pi]].as_str(),
                        self.unit(prev[pi], same_unit),
                    ))
                },
                |ci| Some((self.names[cur[ci]].as_str(), self.unit(cur[ci], same_unit))),
                |pi, ci| link[cur[ci]] = Some((prev[pi], MatchRule::ExactName)),
            );
        }

        // By key, among what is left.
        let mut groups: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (pi, &p) in prev.iter().enumerate() {
            if !used.prev[pi] {
                groups.entry(&self.keys[p]).or_default().0.push(pi);
            }
        }
        for (ci, &c) in cur.iter().enumerate() {
            if !used.cur[ci] {
                groups.entry(&self.keys[c]).or_default().1.push(ci);
            }
        }
        for (ps, cs) in groups.values() {
            if ps.is_empty() || cs.is_empty() {
                continue;
            }
            let rule = if ps.len() == 1 && cs.len() == 1 {
                MatchRule::Key
            } else {
                MatchRule::KeyNearestYears
            };
            let years = |row: usize| self.years[row].as_slice();
            // The best fit first (see `year_fit`), within it the same unit.
            for same_unit in [true, false] {
                // 0: the same years.
                used.pair(
                    ps,
                    cs,
                    |pi| Some((years(prev[pi]).to_vec(), self.unit(prev[pi], same_unit))),
                    |ci| Some((years(cur[ci]).to_vec(), self.unit(cur[ci], same_unit))),
                    |pi, ci| link[cur[ci]] = Some((prev[pi], rule)),
                );
            }
            for same_unit in [true, false] {
                // 1: every year moved on by the gap.
                used.pair(
                    ps,
                    cs,
                    |pi| {
                        let ys = years(prev[pi]);
                        (!ys.is_empty()).then(|| {
                            let moved: Vec<i32> = ys.iter().map(|y| y + gap).collect();
                            (moved, self.unit(prev[pi], same_unit))
                        })
                    },
                    |ci| {
                        let ys = years(cur[ci]);
                        (!ys.is_empty()).then(|| (ys.to_vec(), self.unit(cur[ci], same_unit)))
                    },
                    |pi, ci| link[cur[ci]] = Some((prev[pi], rule)),
                );
            }
            for same_unit in [true, false] {
                // 2: years on one side only.
                used.pair(
                    ps,
                    cs,
                    |pi| Some((years(prev[pi]).is_empty(), self.unit(prev[pi], same_unit))),
                    |ci| Some((!years(cur[ci]).is_empty(), self.unit(cur[ci], same_unit))),
                    |pi, ci| link[cur[ci]] = Some((prev[pi], rule)),
                );
            }
        }
    }
}

/// Which projects of the two years are already linked.
struct Used {
    prev: Vec<bool>,
    cur: Vec<bool>,
}

impl Used {
    /// Pairs each unused `ps` (in order) with the first unused `cs` of the
    /// same bucket key; `None` keys take no part.
    fn pair<K: Hash + Eq>(
        &mut self,
        ps: &[usize],
        cs: &[usize],
        prev_key: impl Fn(usize) -> Option<K>,
        cur_key: impl Fn(usize) -> Option<K>,
        mut linked: impl FnMut(usize, usize),
    ) {
        // polars' fast hasher: the keys are our own strings, not an attacker's.
        let mut buckets: polars::prelude::PlHashMap<K, VecDeque<usize>> =
            polars::prelude::PlHashMap::default();
        for &ci in cs {
            if !self.cur[ci]
                && let Some(k) = cur_key(ci)
            {
                buckets.entry(k).or_default().push_back(ci);
            }
        }
        if buckets.is_empty() {
            return;
        }
        for &pi in ps {
            if self.prev[pi] {
                continue;
            }
            let Some(queue) = prev_key(pi).and_then(|k| buckets.get_mut(&k)) else {
                continue;
            };
            while let Some(ci) = queue.pop_front() {
                if !self.cur[ci] {
                    self.prev[pi] = true;
                    self.cur[ci] = true;
                    linked(pi, ci);
                    break;
                }
            }
        }
    }
}

/// A series' status over its department's years in the data: `continuing`
/// (present in the first and the last year), `new` (absent from the first,
/// present in the last), `ended` (present in the first, absent from the
/// last), `one-off` (in neither: only in years between). `None` when the
/// department has a single year: there is nothing to compare.
pub fn status(present: &[i32], department_years: &[i32]) -> Option<&'static str> {
    if department_years.len() < 2 {
        return None;
    }
    let first = department_years.first()?;
    let last = department_years.last()?;
    Some(match (present.contains(first), present.contains(last)) {
        (true, true) => "continuing",
        (false, true) => "new",
        (true, false) => "ended",
        (false, false) => "one-off",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(year: i32, unit: &str, name: &str) -> ProjectRef {
        ProjectRef {
            year,
            department: Some("广州市来穗人员服务管理局".into()),
            unit: Some(unit.into()),
            name: name.into(),
        }
    }

    #[test]
    fn contracts_stay_with_themselves() {
        let d = "广州市来穗人员服务管理局";
        let rows = vec![
            p(2024, d, &format!("{d}2023-2024年信息化运维项目")),
            p(2024, d, &format!("{d}2024-2025年信息化运维项目")),
            p(2025, d, &format!("{d}2025-2026年信息化运维项目")),
            p(2025, d, &format!("{d}2024—2025年度信息化运维项目")),
        ];
        let a = assign(&rows);
        assert_eq!(a.link[3], Some((1, MatchRule::KeyNearestYears)));
        assert_eq!(a.link[2], None, "a successor contract is a new series");
        assert_eq!(a.series, vec![0, 1, 2, 1]);
    }

    #[test]
    fn same_name_prefers_same_unit_and_renewed_names_follow() {
        let rows = vec![
            p(2023, "甲", "工作经费"),
            p(2023, "乙", "工作经费"),
            p(2023, "甲", "2023年政务信息化建设项目"),
            p(2024, "乙", "工作经费"),
            p(2024, "甲", "工作经费"),
            p(2024, "甲", "2024年政务信息化建设项目"),
        ];
        let a = assign(&rows);
        assert_eq!(a.link[3], Some((1, MatchRule::ExactName)));
        assert_eq!(a.link[4], Some((0, MatchRule::ExactName)));
        assert_eq!(a.link[5], Some((2, MatchRule::Key)));
        assert_eq!(a.series_count, 3);
    }

    #[test]
    fn many_same_names_link_in_order_and_fast() {
        let n = 20_000;
        let mut rows: Vec<ProjectRef> = (0..n).map(|_| p(2023, "甲", "工作经费")).collect();
        rows.extend((0..n).map(|_| p(2024, "甲", "2024年工作经费")));
        rows.extend((0..n).map(|_| p(2025, "甲", "2025年工作经费")));
        let start = std::time::Instant::now();
        let a = assign(&rows);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        assert_eq!(a.series_count, n);
        assert_eq!(a.link[n], Some((0, MatchRule::KeyNearestYears)));
        assert_eq!(
            a.link[3 * n - 1],
            Some((2 * n - 1, MatchRule::KeyNearestYears))
        );
    }

    #[test]
    fn statuses() {
        let ys = [2023, 2024, 2025];
        assert_eq!(status(&[2023, 2024, 2025], &ys), Some("continuing"));
        assert_eq!(status(&[2024, 2025], &ys), Some("new"));
        assert_eq!(status(&[2023], &ys), Some("ended"));
        assert_eq!(status(&[2024], &ys), Some("one-off"));
        assert_eq!(status(&[2024], &[2024]), None);
    }
}

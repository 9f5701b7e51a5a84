//! Project keys: what stays of a project's name from one budget year to the
//! next. Names carry the budget or contract years (`2023-2024年信息化运维项目`,
//! then `2024-2025年…`) and sometimes the department as a prefix, spelt
//! differently from year to year (`广州市来穗服务管理局2024年…` beside
//! `广州市来穗人员服务管理局2023年…`).

/// Suffixes that end the name of a government body. A name prefix ending in
/// one of these, directly before a year token, is taken for the department.
const ORG_SUFFIXES: &[&str] = &[
    "局",
    "委员会",
    "委",
    "办公室",
    "办",
    "厅",
    "中心",
    "院",
    "政府",
    "署",
    "站",
    "所",
];

/// Longest department prefix (in characters) the fuzzy rule strips.
const MAX_PREFIX_CHARS: usize = 30;

/// One year mention in a name: `2024年` → `[2024]`, `2023-2024年度` →
/// `[2023, 2024]`; `start..end` in chars of the normalised name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearToken {
    pub start: usize,
    pub end: usize,
    pub years: Vec<i32>,
}

/// Unifies width and whitespace variants so that names written twice compare
/// equal: full-width ASCII forms become ASCII, dash and tilde variants become
/// `-`, whitespace goes (Chinese joins words without spaces, and PDF
/// extraction inserts stray ones).
pub fn normalize_name(name: &str) -> String {
    name.chars()
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn fold_char(c: char) -> char {
    let c = match c {
        // Full-width forms of ASCII sit at a fixed offset.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    match c {
        '—' | '–' | '―' | '‐' | '‑' | '‒' | '−' | '─' | '~' | '〜' | '﹣' => '-',
        _ => c,
    }
}

/// The year tokens of a normalised name: a 19xx/20xx year followed by `年`,
/// or a range of two years (`2023-2024`, `2023年-2024年`, `2023至2024年度`).
/// A bare four-digit number is not a year (`2000万`, `2024版`).
pub fn year_tokens(normalized: &str) -> Vec<YearToken> {
    let chars: Vec<char> = normalized.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(y1) = year_at(&chars, i) else {
            i += 1;
            continue;
        };
        let mut j = i + 4;
        let mut nian = false;
        if chars.get(j) == Some(&'年') {
            nian = true;
            j += 1;
        }
        let mut years = vec![y1];
        if matches!(chars.get(j), Some('-' | '至' | '到'))
            && let Some(y2) = year_at(&chars, j + 1)
        {
            years.push(y2);
            j += 5;
            nian = false;
            if chars.get(j) == Some(&'年') {
                nian = true;
                j += 1;
            }
        }
        if nian && chars.get(j) == Some(&'度') {
            j += 1;
        }
        if nian || years.len() == 2 {
            out.push(YearToken {
                start: i,
                end: j,
                years,
            });
            i = j;
        } else {
            i += 4;
        }
    }
    out
}

/// A 19xx/20xx year written at `i`, not part of a longer number.
fn year_at(chars: &[char], i: usize) -> Option<i32> {
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let digits = chars.get(i..i + 4)?;
    if !digits.iter().all(char::is_ascii_digit) {
        return None;
    }
    if chars.get(i + 4).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let s: String = digits.iter().collect();
    let y: i32 = s.parse().ok()?;
    (1900..2100).contains(&y).then_some(y)
}

/// Every year mentioned in `name`, in order.
pub fn name_years(name: &str) -> Vec<i32> {
    year_tokens(&normalize_name(name))
        .into_iter()
        .flat_map(|t| t.years)
        .collect()
}

/// The key of a project series: the name without year tokens, without a
/// leading department or unit name, without punctuation; width and
/// whitespace variants unified.
///
/// `orgs` are the department and unit the project is listed under. A prefix
/// is also stripped when it is spelt differently from them, provided it ends
/// like a body's name (`…局`, `…中心`), sits directly before a year token, and
/// starts like one of `orgs` (the place name): `广州市来穗服务管理局2024年政务
/// 信息化建设项目` under `广州市来穗人员服务管理局` → `政务信息化建设项目`.
pub fn project_key(name: &str, orgs: &[&str]) -> String {
    let norm = normalize_name(name);
    let orgs: Vec<String> = orgs
        .iter()
        .map(|o| normalize_name(o))
        .filter(|o| !o.is_empty())
        .collect();
    let stripped = strip_org_prefix(&norm, &orgs);
    let tokens = year_tokens(&stripped);
    let chars: Vec<char> = stripped.chars().collect();
    let mut key = String::with_capacity(stripped.len());
    let mut next = tokens.iter().peekable();
    let mut i = 0;
    while i < chars.len() {
        if let Some(t) = next.peek()
            && t.start == i
        {
            i = t.end;
            next.next();
            continue;
        }
        if chars[i].is_alphanumeric() {
            key.push(chars[i]);
        }
        i += 1;
    }
    if key.is_empty() {
        // A name that is nothing but a year and a prefix: keep it whole rather
        // than give every such project the same empty key.
        return norm.chars().filter(|c| c.is_alphanumeric()).collect();
    }
    key
}

fn strip_org_prefix(norm: &str, orgs: &[String]) -> String {
    let mut s = norm.to_string();
    // A name can repeat the department and then the unit.
    for _ in 0..3 {
        let before = s.len();
        if let Some(rest) = orgs
            .iter()
            .filter_map(|o| s.strip_prefix(o.as_str()))
            .find(|rest| !rest.is_empty())
        {
            s = rest.to_string();
        } else if let Some(rest) = fuzzy_prefix(&s, orgs) {
            s = rest;
        }
        if s.len() == before {
            break;
        }
    }
    s
}

fn fuzzy_prefix(s: &str, orgs: &[String]) -> Option<String> {
    let first = year_tokens(s).into_iter().next()?;
    if first.start == 0 || first.start > MAX_PREFIX_CHARS {
        return None;
    }
    let prefix: String = s.chars().take(first.start).collect();
    if !ORG_SUFFIXES.iter().any(|suf| prefix.ends_with(suf)) {
        return None;
    }
    let head: String = prefix.chars().take(2).collect();
    if head.chars().count() < 2 || !orgs.iter().any(|o| o.starts_with(&head)) {
        return None;
    }
    Some(s.chars().skip(first.start).collect())
}

/// How well the years in two names fit one series across a step of `gap`
/// budget years; lower is better, `None` is no fit.
///
/// - 0: the same years, or none on either side (the same project, or a
///   multi-year contract in a later budget year);
/// - 1: every year moved on by exactly `gap` (a name renewed each year:
///   `2024年政务信息化建设项目` → `2025年…`);
/// - 2: years on one side only;
/// - `None`: any other move, such as `2022-2023年` → `2024-2025年`: a
///   different contract, not the same series.
pub fn year_fit(prev: &[i32], cur: &[i32], gap: i32) -> Option<u8> {
    if prev == cur {
        return Some(0);
    }
    if prev.is_empty() || cur.is_empty() {
        return Some(2);
    }
    if prev.len() == cur.len() && prev.iter().zip(cur).all(|(p, c)| c - p == gap) {
        return Some(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPT: &str = "广州市来穗人员服务管理局";

    #[test]
    fn keys_drop_years_prefixes_and_punctuation() {
        let k = |n: &str| project_key(n, &[DEPT, DEPT]);
        assert_eq!(
            k("广州市来穗人员服务管理局2023-2024年信息化运维项目"),
            "信息化运维项目"
        );
        assert_eq!(
            k("广州市来穗人员服务管理局2024—2025年度信息化运维项目"),
            "信息化运维项目"
        );
        assert_eq!(
            k("广州市来穗人员服务管理局 2023年－2024年 信息化运维项目"),
            "信息化运维项目"
        );
        assert_eq!(
            k("广州市来穗服务管理局2024年政务信息化建设项目"),
            "政务信息化建设项目"
        );
        assert_eq!(k("（２０２５年）政务信息化建设项目"), "政务信息化建设项目");
        assert_eq!(k("2023至2024年度政务信息化建设项目"), "政务信息化建设项目");
        assert_eq!(
            k("广州市来穗人员服务管理局2023年广州市来穗人员服务管理信息系统升级改造项目"),
            "广州市来穗人员服务管理信息系统升级改造项目"
        );
        assert_eq!(k("专项工作经费"), "专项工作经费");
        assert_eq!(k("“5G”网络建设项目"), "5G网络建设项目");
        assert_eq!(k("2000万元以上补助项目"), "2000万元以上补助项目");
        assert_eq!(k("2024年度"), "2024年度");
        // A body that does not start like the department is part of the name.
        assert_eq!(k("数据中心2024年扩容项目"), "数据中心扩容项目");
        // Without orgs, only exact prefixes could go: none here.
        assert_eq!(
            project_key("广州市来穗服务管理局2024年政务信息化建设项目", &[]),
            "广州市来穗服务管理局政务信息化建设项目"
        );
    }

    #[test]
    fn year_tokens_and_fit() {
        assert_eq!(name_years("2023-2024年信息化运维项目"), vec![2023, 2024]);
        assert_eq!(name_years("2024—2025年度信息化运维项目"), vec![2024, 2025]);
        assert_eq!(name_years("2024年政务信息化建设项目"), vec![2024]);
        assert_eq!(name_years("12024年"), Vec::<i32>::new());
        assert_eq!(name_years("2024版规划"), Vec::<i32>::new());
        assert_eq!(year_fit(&[2024, 2025], &[2024, 2025], 1), Some(0));
        assert_eq!(year_fit(&[2024], &[2025], 1), Some(1));
        assert_eq!(year_fit(&[2023, 2024], &[2024, 2025], 1), Some(1));
        assert_eq!(year_fit(&[], &[2025], 1), Some(2));
        assert_eq!(year_fit(&[2022, 2023], &[2024, 2025], 1), None);
        assert_eq!(year_fit(&[2023], &[2025], 2), Some(1));
    }
}

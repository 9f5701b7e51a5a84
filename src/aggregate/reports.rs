//! The cross-year reports. Money is summed by polars, lazily, after widening
//! the decimal precision to 38 digits (polars does not widen on sum, and a
//! Decimal(18, 2) total can overflow); matching and target judging are plain
//! Rust over the columns, since they are string work polars has no words for.

use polars::prelude::*;
use rust_decimal::Decimal;

use super::AggregateError;
use super::input::{bad, ints, money_scale, require, str_column, strings, strs, years};
use super::key::normalize_name;
use super::series::{Assignment, ProjectRef, assign, status};
use super::target::{Change, Target, judge, parse_target};

/// The money columns of the flattened tables, in output order.
const AMOUNTS: [&str; 4] = ["amount", "amount_fiscal", "amount_special", "amount_other"];

/// Precision of every money sum: the widest polars Decimal.
const WIDE_PRECISION: usize = 38;

/// Digits kept in shares and percentage changes (0.1234 = 12.34%).
const RATIO_DIGITS: u32 = 4;

fn polars_err(report: &'static str) -> impl Fn(PolarsError) -> AggregateError {
    move |source| AggregateError::Polars { report, source }
}

fn null_of(dtype: DataType) -> Expr {
    lit(NULL).cast(dtype)
}

/// Joins on possibly-null keys (a table without a department name still
/// has its rows matched).
fn left_join_args() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left);
    args.nulls_equal = true;
    args
}

fn sort_nulls_last(n: usize) -> SortMultipleOptions {
    SortMultipleOptions::default()
        .with_nulls_last(true)
        .with_maintain_order(true)
        .with_order_descending_multi(vec![false; n])
}

/// The year, department and unit columns with fixed dtypes, so that frames
/// from any source (a SQL stage, Parquet) group and join alike.
fn keyed(df: &DataFrame, extra: &[&str]) -> LazyFrame {
    let mut exprs = vec![
        col("year").cast(DataType::Int32),
        string_or_null(df, "department"),
        string_or_null(df, "unit"),
    ];
    exprs.extend(extra.iter().map(|c| col(*c)));
    df.clone().lazy().select(exprs)
}

fn string_or_null(df: &DataFrame, name: &str) -> Expr {
    if df.column(name).is_ok() {
        col(name).cast(DataType::String)
    } else {
        null_of(DataType::String).alias(name)
    }
}

/// Exact sums of the money columns: each widened to Decimal(38, s) first. A
/// source column with any null in the group sums to null: an unknown figure
/// makes the total unknown, not smaller.
fn money_sums(df: &DataFrame, table: &'static str) -> Result<Vec<Expr>, AggregateError> {
    let mut out = Vec::with_capacity(AMOUNTS.len());
    for name in AMOUNTS {
        let expr = match money_scale(df, table, name)? {
            None => null_of(DataType::Decimal(WIDE_PRECISION, 2)),
            Some(scale) => {
                let wide = DataType::Decimal(WIDE_PRECISION, scale);
                when(col(name).null_count().gt(lit(0)))
                    .then(null_of(wide.clone()))
                    .otherwise(col(name).cast(wide).sum())
            }
        };
        out.push(expr.alias(name));
    }
    Ok(out)
}

/// The money columns the table has.
fn present_amounts(df: &DataFrame) -> Vec<&'static str> {
    AMOUNTS
        .into_iter()
        .filter(|n| df.column(n).is_ok())
        .collect()
}

/// `summary_by_year`: per year and department, one row for the whole
/// department (`scope` = `department`, `unit` empty) and one per unit
/// (`scope` = `unit`): project and indicator counts and the four amounts.
pub fn summary_by_year(
    indicators: &DataFrame,
    projects: &DataFrame,
) -> Result<DataFrame, AggregateError> {
    require(projects, "projects", &["year", "project", "amount"])?;
    require(indicators, "indicators", &["year"])?;
    let err = polars_err("summary_by_year");
    let sums = money_sums(projects, "projects")?;
    let p = keyed(projects, &present_amounts(projects));
    let ind = keyed(indicators, &[]);

    let counts = |by: &[&str]| {
        let by: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
        let mut aggs = vec![len().alias("projects")];
        aggs.extend(sums.iter().cloned());
        p.clone().group_by(by.clone()).agg(aggs).join(
            ind.clone()
                .group_by(by.clone())
                .agg([len().alias("indicators")]),
            by.clone(),
            by,
            left_join_args(),
        )
    };
    let order: Vec<Expr> = [
        "year",
        "department",
        "scope",
        "unit",
        "projects",
        "indicators",
    ]
    .iter()
    .chain(AMOUNTS.iter())
    .map(|c| col(*c))
    .collect();
    let fill = col("indicators")
        .fill_null(lit(0))
        .cast(IDX_DTYPE)
        .alias("indicators");
    let departments = counts(&["year", "department"])
        .with_columns([
            lit("department").alias("scope"),
            null_of(DataType::String).alias("unit"),
            fill.clone(),
        ])
        .select(order.clone());
    let units = counts(&["year", "department", "unit"])
        .with_columns([lit("unit").alias("scope"), fill])
        .select(order);
    concat([departments, units], UnionArgs::default())
        .map_err(&err)?
        .sort(["department", "year", "scope", "unit"], sort_nulls_last(4))
        .collect()
        .map_err(&err)
}

/// `indicator_mix`: per year and department, the indicators of each level
/// (一级) and category (二级), with their share of the year's indicators.
pub fn indicator_mix(indicators: &DataFrame) -> Result<DataFrame, AggregateError> {
    require(indicators, "indicators", &["year", "level", "category"])?;
    let err = polars_err("indicator_mix");
    let ind = indicators.clone().lazy().select([
        col("year").cast(DataType::Int32),
        string_or_null(indicators, "department"),
        col("level").cast(DataType::String),
        col("category").cast(DataType::String),
        string_or_null(indicators, "level_code"),
        string_or_null(indicators, "category_code"),
    ]);
    let totals = ind
        .clone()
        .group_by([col("year"), col("department")])
        .agg([len().alias("__total")]);
    ind.group_by([
        col("year"),
        col("department"),
        col("level"),
        col("category"),
    ])
    .agg([
        len().alias("indicators"),
        // Codes order the levels as the framework does (产出, 效益, 满意度).
        col("level_code").min().alias("__level_code"),
        col("category_code").min().alias("__category_code"),
    ])
    .join(
        totals,
        [col("year"), col("department")],
        [col("year"), col("department")],
        left_join_args(),
    )
    .with_column(
        (col("indicators").cast(DataType::Float64) / col("__total").cast(DataType::Float64))
            .round(RATIO_DIGITS, RoundMode::default())
            .alias("indicator_share"),
    )
    .sort(
        [
            "department",
            "year",
            "__level_code",
            "__category_code",
            "level",
            "category",
        ],
        sort_nulls_last(6),
    )
    .select([
        col("year"),
        col("department"),
        col("level"),
        col("category"),
        col("indicators"),
        col("indicator_share"),
    ])
    .collect()
    .map_err(err)
}

/// The projects table linked into series.
pub(crate) struct Linked {
    refs: Vec<ProjectRef>,
    sources: Vec<Option<String>>,
    lines: Vec<Option<i64>>,
    a: Assignment,
    /// Series numbered before these projects' (earlier departments' when
    /// the reports are made a batch of departments at a time).
    offset: usize,
    /// Every budget year of the comparison (all departments'), when the
    /// projects here are a batch of them.
    all_years: Option<Vec<i32>>,
}

impl Linked {
    pub(crate) fn new(projects: &DataFrame) -> Result<Self, AggregateError> {
        Self::batch(projects, 0, None)
    }

    /// The projects of a batch of whole departments: series numbered from
    /// `offset`, the year columns of the reports those of `all_years`.
    pub(crate) fn batch(
        projects: &DataFrame,
        offset: usize,
        all_years: Option<Vec<i32>>,
    ) -> Result<Self, AggregateError> {
        require(projects, "projects", &["year", "project"])?;
        let ys = years(projects, "projects")?;
        let departments = strings(projects, "projects", "department", false)?;
        let units = strings(projects, "projects", "unit", false)?;
        let names = strings(projects, "projects", "project", true)?;
        let refs: Vec<ProjectRef> = ys
            .into_iter()
            .zip(departments)
            .zip(units)
            .zip(names)
            .map(|(((year, department), unit), name)| ProjectRef {
                year,
                department,
                unit,
                name: name.unwrap_or_default(),
            })
            .collect();
        let a = assign(&refs);
        Ok(Linked {
            sources: strings(projects, "projects", "source", false)?,
            lines: ints(projects, "projects", "line", false)?,
            refs,
            a,
            offset,
            all_years,
        })
    }

    /// Series numbered so far, these projects' included.
    pub(crate) fn series_end(&self) -> usize {
        self.offset + self.a.series_count
    }

    fn series_id(&self, s: usize) -> u32 {
        u32::try_from(self.offset + s + 1).unwrap_or(u32::MAX)
    }

    /// Each series' projects, in year order.
    fn members(&self) -> Vec<Vec<usize>> {
        let mut m = vec![Vec::new(); self.a.series_count];
        for (row, &s) in self.a.series.iter().enumerate() {
            if let Some(v) = m.get_mut(s) {
                v.push(row);
            }
        }
        for v in &mut m {
            v.sort_by_key(|&r| self.refs[r].year);
        }
        m
    }

    fn years(&self) -> Vec<i32> {
        if let Some(all) = &self.all_years {
            return all.clone();
        }
        let mut ys: Vec<i32> = self.refs.iter().map(|r| r.year).collect();
        ys.sort_unstable();
        ys.dedup();
        ys
    }

    fn department_years(&self, row: usize) -> &[i32] {
        self.a
            .department_years
            .get(&self.refs[row].department)
            .map_or(&[], Vec::as_slice)
    }
}

/// `project_trend`: one row per project series, with its amount in each year
/// (`amount_<year>`), and for each year after the first the change from the
/// year before (`change_<year>`, 万元; a project absent from one of the two
/// years counts as 0 there), the change as a ratio of the year before
/// (`pct_<year>`; empty when that was absent or 0) and the rule that linked
/// the project to the year before (`match_<year>`). Changes are empty where
/// the department has no table for one of the two years.
pub fn project_trend(projects: &DataFrame) -> Result<DataFrame, AggregateError> {
    let linked = Linked::new(projects)?;
    trend(projects, &linked)
}

pub(crate) fn trend(projects: &DataFrame, linked: &Linked) -> Result<DataFrame, AggregateError> {
    require(projects, "projects", &["amount"])?;
    let err = polars_err("project_trend");
    let scale = money_scale(projects, "projects", "amount")?.unwrap_or(2);
    let wide = DataType::Decimal(WIDE_PRECISION, scale);
    let members = linked.members();
    let years = linked.years();

    // The series' descriptive columns, from its latest project.
    let n = members.len();
    let mut ids = Vec::with_capacity(n);
    let mut department = Vec::with_capacity(n);
    let mut unit = Vec::with_capacity(n);
    let mut key = Vec::with_capacity(n);
    let mut name = Vec::with_capacity(n);
    let mut first_year = Vec::with_capacity(n);
    let mut last_year = Vec::with_capacity(n);
    let mut state = Vec::with_capacity(n);
    let mut matches: Vec<Vec<Option<&'static str>>> = vec![Vec::with_capacity(n); years.len()];
    let mut comparable: Vec<Vec<bool>> = vec![Vec::with_capacity(n); years.len()];
    for (s, rows) in members.iter().enumerate() {
        let (Some(&first), Some(&last)) = (rows.first(), rows.last()) else {
            continue;
        };
        let latest = &linked.refs[last];
        ids.push(linked.series_id(s));
        department.push(latest.department.clone());
        unit.push(latest.unit.clone());
        key.push(linked.a.keys[last].clone());
        name.push(latest.name.clone());
        first_year.push(linked.refs[first].year);
        last_year.push(latest.year);
        let present: Vec<i32> = rows.iter().map(|&r| linked.refs[r].year).collect();
        let dept_years = linked.department_years(last);
        state.push(status(&present, dept_years));
        for (i, y) in years.iter().enumerate() {
            let rule = rows
                .iter()
                .find(|&&r| linked.refs[r].year == *y)
                .and_then(|&r| linked.a.link[r])
                .map(|(_, rule)| rule.as_str());
            matches[i].push(rule);
            let both = i > 0 && dept_years.contains(y) && dept_years.contains(&years[i - 1]);
            comparable[i].push(both);
        }
    }
    let mut cols = vec![
        Column::new("series_id".into(), ids),
        Column::new("department".into(), department),
        Column::new("unit".into(), unit),
        Column::new("project_key".into(), key),
        Column::new("project".into(), name),
        Column::new("first_year".into(), first_year),
        Column::new("last_year".into(), last_year),
        Column::new("status".into(), state),
    ];
    for (i, y) in years.iter().enumerate().skip(1) {
        cols.push(Column::new(format!("match_{y}").into(), matches[i].clone()));
        cols.push(Column::new(
            format!("__cmp_{y}").into(),
            comparable[i].clone(),
        ));
    }
    let series = DataFrame::new_infer_height(cols).map_err(&err)?;

    // Amounts per series and year, summed exactly.
    let mut amounts = projects.select(["year", "amount"]).map_err(&err)?;
    let membership: Vec<u32> = linked
        .a
        .series
        .iter()
        .map(|&s| linked.series_id(s))
        .collect();
    amounts
        .with_column(Column::new("series_id".into(), membership))
        .map_err(&err)?;
    let amounts = amounts
        .lazy()
        .group_by([col("series_id"), col("year").cast(DataType::Int32)])
        .agg([col("amount").cast(wide.clone()).sum().alias("amount")]);

    let mut lf = series.lazy();
    for y in &years {
        lf = lf.join(
            amounts
                .clone()
                .filter(col("year").eq(lit(*y)))
                .select([col("series_id"), col("amount").alias(format!("amount_{y}"))]),
            [col("series_id")],
            [col("series_id")],
            left_join_args(),
        );
    }
    let zero = || lit(0).cast(wide.clone());
    let mut select = vec![
        col("series_id"),
        col("department"),
        col("unit"),
        col("project_key"),
        col("project"),
        col("first_year"),
        col("last_year"),
        col("status"),
    ];
    select.extend(years.iter().map(|y| col(format!("amount_{y}"))));
    let mut changes = Vec::new();
    let mut ratios = Vec::new();
    for w in years.windows(2) {
        let (y0, y1) = (w[0], w[1]);
        let a0 = col(format!("amount_{y0}"));
        let a1 = col(format!("amount_{y1}"));
        let cmp = col(format!("__cmp_{y1}"));
        changes.push(
            when(
                cmp.clone()
                    .and(a0.clone().is_not_null().or(a1.clone().is_not_null())),
            )
            .then(a1.fill_null(zero()) - a0.clone().fill_null(zero()))
            .otherwise(null_of(wide.clone()))
            .alias(format!("change_{y1}")),
        );
        // The exact change, then one division in f64: the ratio is as near
        // the true one as f64 allows (130.15 / 200 rounds to 0.6508).
        let f0 = a0.clone().cast(DataType::Float64);
        let df = col(format!("change_{y1}")).cast(DataType::Float64);
        ratios.push(
            when(cmp.and(a0.is_not_null()).and(f0.clone().neq(lit(0.0))))
                // + 0.0 turns the -0.0 that rounding can leave into 0.
                .then((df / f0).round(RATIO_DIGITS, RoundMode::default()) + lit(0.0))
                .otherwise(null_of(DataType::Float64))
                .alias(format!("pct_{y1}")),
        );
        select.extend([
            col(format!("change_{y1}")),
            col(format!("pct_{y1}")),
            col(format!("match_{y1}")),
        ]);
    }
    lf.with_columns(changes)
        .with_columns(ratios)
        .select(select)
        .sort(["series_id"], SortMultipleOptions::default())
        .collect()
        .map_err(err)
}

/// The indicators table's rows, each tied to its project row; strings
/// borrowed from the table.
struct IndicatorRows<'a> {
    name: Vec<Option<&'a str>>,
    value: Vec<Option<&'a str>>,
    /// Where each row's compared value is in [`IndicatorRows::values`]: its
    /// annual value, or its cycle value where the annual one is blank.
    value_at: Vec<IdxSize>,
    /// The annual values, then the cycle values, as one chunk.
    values: StringChunked,
    /// Indicator rows of each project row, in table order.
    by_project: Vec<Vec<usize>>,
}

/// Where a project row is: year, department, unit, name, source.
type Place<'p> = (
    i32,
    Option<&'p str>,
    Option<&'p str>,
    &'p str,
    Option<&'p str>,
);

/// The project rows at a place: their line and row number.
type Candidates = Vec<(Option<i64>, usize)>;

/// Whether two places are equal; the strings of consecutive rows of a
/// work file are often the very same bytes, which is tested first.
fn same_place(a: &Place<'_>, b: &Place<'_>) -> bool {
    fn same(x: &str, y: &str) -> bool {
        (x.len() == y.len() && std::ptr::eq(x.as_ptr(), y.as_ptr())) || x == y
    }
    let opt = |x: Option<&str>, y: Option<&str>| match (x, y) {
        (Some(x), Some(y)) => same(x, y),
        (None, None) => true,
        _ => false,
    };
    a.0 == b.0 && same(a.3, b.3) && opt(a.4, b.4) && opt(a.1, b.1) && opt(a.2, b.2)
}

/// A row number as a gather index (beyond the index type: an index no
/// column has, so the gather fails rather than picks a wrong row).
fn idx(row: usize) -> IdxSize {
    IdxSize::try_from(row).unwrap_or(IdxSize::MAX)
}

impl<'a> IndicatorRows<'a> {
    fn new(indicators: &'a DataFrame, linked: &Linked) -> Result<Self, AggregateError> {
        const T: &str = "indicators";
        require(indicators, T, &["year", "project", "name"])?;
        let ys = years(indicators, T)?;
        let department = strs(indicators, T, "department", false)?;
        let unit = strs(indicators, T, "unit", false)?;
        let project = strs(indicators, T, "project", true)?;
        let source = strs(indicators, T, "source", false)?;
        let line = ints(indicators, T, "line", false)?;
        let annual = strs(indicators, T, "annual_value", false)?;
        let cycle = strs(indicators, T, "cycle_value", false)?;

        // A project is known by its table (source), unit and name; when a
        // table lists the same name twice, the indicator belongs to the
        // nearest project above it.
        let mut places: PlHashMap<Place<'_>, Candidates> =
            PlHashMap::with_capacity(linked.refs.len());
        for (row, r) in linked.refs.iter().enumerate() {
            places
                .entry((
                    r.year,
                    r.department.as_deref(),
                    r.unit.as_deref(),
                    r.name.as_str(),
                    linked.sources[row].as_deref(),
                ))
                .or_default()
                .push((linked.lines[row], row));
        }
        let mut by_project = vec![Vec::new(); linked.refs.len()];
        // Rows come project by project: a place is looked up only when it
        // differs from the row's before (hashing five strings a row was a
        // twentieth of the reports' time).
        let mut last: Option<(Place<'_>, Option<&Candidates>)> = None;
        for i in 0..ys.len() {
            let place = (
                ys[i],
                department[i],
                unit[i],
                project[i].unwrap_or_default(),
                source[i],
            );
            let candidates = match last {
                Some((p, c)) if same_place(&p, &place) => c,
                _ => {
                    let c = places.get(&place);
                    last = Some((place, c));
                    c
                }
            };
            let Some(candidates) = candidates else {
                continue;
            };
            let owner = candidates
                .iter()
                .filter(|(l, _)| matches!((l, line[i]), (Some(pl), Some(il)) if pl <= &il))
                .max_by_key(|(l, _)| *l)
                .or_else(|| candidates.first())
                .map(|&(_, row)| row);
            if let Some(row) = owner {
                by_project[row].push(i);
            }
        }
        let rows = annual.len();
        let (value, value_at) = annual
            .into_iter()
            .zip(cycle)
            .enumerate()
            .map(|(i, (a, c))| match a {
                Some(s) if !s.trim().is_empty() => (a, idx(i)),
                _ => (c, idx(rows + i)),
            })
            .unzip();
        let mut values = str_column(indicators, T, "annual_value", false)?;
        values
            .append(&str_column(indicators, T, "cycle_value", false)?)
            .map_err(|e| bad(T, "cycle_value", e))?;
        Ok(IndicatorRows {
            name: strs(indicators, T, "name", true)?,
            value,
            value_at,
            values: values.rechunk().into_owned(),
            by_project,
        })
    }
}

/// The rows of `target_changes` as row numbers into the tables: its string
/// columns are gathered from theirs (sharing their strings), not copied.
struct ChangeRows {
    series_id: Vec<u32>,
    prev_year: Vec<i32>,
    year: Vec<i32>,
    /// The project rows compared.
    prev_project: Vec<IdxSize>,
    project: Vec<IdxSize>,
    /// The indicator row whose level, category and name are shown.
    shown: Vec<IdxSize>,
    /// The indicator rows compared (their targets are parsed once).
    prev_row: Vec<Option<usize>>,
    row: Vec<Option<usize>>,
    change: Vec<&'static str>,
}

impl ChangeRows {
    /// Room for `n` rows: the vectors are not grown row by row.
    fn with_capacity(n: usize) -> Self {
        ChangeRows {
            series_id: Vec::with_capacity(n),
            prev_year: Vec::with_capacity(n),
            year: Vec::with_capacity(n),
            prev_project: Vec::with_capacity(n),
            project: Vec::with_capacity(n),
            shown: Vec::with_capacity(n),
            prev_row: Vec::with_capacity(n),
            row: Vec::with_capacity(n),
            change: Vec::with_capacity(n),
        }
    }
}

/// `target_changes`: for every project linked to the previous year's, each
/// indicator matched by name (width and whitespace variants unified), with
/// the annual target of both years (the cycle target where a table gives no
/// annual one), parsed, and the judgement: `raised`, `lowered`, `unchanged`,
/// `changed` (which way cannot be told), `added`, `dropped`.
pub fn target_changes(
    indicators: &DataFrame,
    projects: &DataFrame,
) -> Result<DataFrame, AggregateError> {
    let linked = Linked::new(projects)?;
    changes(indicators, &linked)
}

pub(crate) fn changes(
    indicators: &DataFrame,
    linked: &Linked,
) -> Result<DataFrame, AggregateError> {
    let err = polars_err("target_changes");
    let ind = IndicatorRows::new(indicators, linked)?;
    let mut links: Vec<(i32, usize, usize, usize)> = linked
        .a
        .link
        .iter()
        .enumerate()
        .filter_map(|(cur, l)| {
            l.map(|(prev, _)| (linked.refs[cur].year, linked.a.series[cur], cur, prev))
        })
        .collect();
    links.sort_unstable();

    // An indicator is compared in its own year and in the next: its name
    // is normalised and its target parsed once, when first needed.
    let rows = ind.name.len();
    let mut names: Vec<Option<Option<String>>> = vec![None; rows];
    let mut parsed: Vec<Option<Option<Target>>> = vec![None; rows];
    // A pair of projects gives a row per indicator of the later one, and
    // one per indicator of the earlier one left unmatched: at most both.
    let most: usize = links
        .iter()
        .map(|&(_, _, cur, prev)| ind.by_project[cur].len() + ind.by_project[prev].len())
        .sum();
    let mut out = ChangeRows::with_capacity(most);
    // Reused from pair to pair.
    let mut old_used: Vec<bool> = Vec::new();
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    for (year, series, cur, prev) in links {
        let olds = &ind.by_project[prev];
        for &i in olds.iter().chain(&ind.by_project[cur]) {
            names[i].get_or_insert_with(|| ind.name[i].map(normalize_name));
        }
        old_used.clear();
        old_used.resize(olds.len(), false);
        pairs.clear();
        for &n in &ind.by_project[cur] {
            let name = &names[n];
            let found = olds
                .iter()
                .enumerate()
                .position(|(k, &o)| !old_used[k] && names[o] == *name);
            if let Some(k) = found {
                old_used[k] = true;
            }
            pairs.push((found.map(|k| olds[k]), Some(n)));
        }
        pairs.extend(
            olds.iter()
                .zip(&old_used)
                .filter(|(_, used)| !**used)
                .map(|(&o, _)| (Some(o), None)),
        );
        for &(old, new) in &pairs {
            let Some(shown) = new.or(old) else { continue };
            for i in [old, new].into_iter().flatten() {
                parsed[i].get_or_insert_with(|| ind.value[i].and_then(parse_target));
            }
            let target_of = |i: Option<usize>| i.and_then(|i| parsed[i].as_ref()?.as_ref());
            let change = match (old, new) {
                (None, _) => Change::Added,
                (_, None) => Change::Dropped,
                _ => judge(target_of(old), target_of(new)),
            };
            out.series_id.push(linked.series_id(series));
            out.prev_year.push(linked.refs[prev].year);
            out.year.push(year);
            out.prev_project.push(idx(prev));
            out.project.push(idx(cur));
            out.shown.push(idx(shown));
            out.prev_row.push(old);
            out.row.push(new);
            out.change.push(change.as_str());
        }
    }
    let target_at = |i: &Option<usize>| i.and_then(|i| parsed[i].as_ref()?.as_ref());
    let prev_targets: Vec<Option<&Target>> = out.prev_row.iter().map(target_at).collect();
    let targets: Vec<Option<&Target>> = out.row.iter().map(target_at).collect();
    let (prev_op, prev_number, prev_unit) = target_columns("prev_target", &prev_targets)?;
    let (op, number, unit) = target_columns("target", &targets)?;

    // The projects' strings, once a project row, gathered a change row.
    let refs = &linked.refs;
    let department =
        StringChunked::from_iter_options("".into(), refs.iter().map(|r| r.department.as_deref()));
    let key = StringChunked::from_iter_values("".into(), linked.a.keys.iter().map(String::as_str));
    let project = StringChunked::from_iter_values("".into(), refs.iter().map(|r| r.name.as_str()));
    let gather = |from: &StringChunked, name: &str, at: &IdxCa| -> Result<Column, AggregateError> {
        Ok(from
            .take(at)
            .map_err(&err)?
            .with_name(name.into())
            .into_column())
    };
    let at = |rows: Vec<IdxSize>| IdxCa::from_vec("".into(), rows);
    let value_at = |rows: &[Option<usize>]| {
        IdxCa::from_iter_options("".into(), rows.iter().map(|r| r.map(|i| ind.value_at[i])))
    };
    let (cur_at, prev_at, shown_at) = (at(out.project), at(out.prev_project), at(out.shown));
    let shown_of = |name: &str, required: bool| -> Result<Column, AggregateError> {
        gather(
            &str_column(indicators, "indicators", name, required)?,
            name,
            &shown_at,
        )
    };
    DataFrame::new_infer_height(vec![
        Column::new("series_id".into(), out.series_id),
        gather(&department, "department", &cur_at)?,
        gather(&key, "project_key", &cur_at)?,
        Column::new("prev_year".into(), out.prev_year),
        Column::new("year".into(), out.year),
        gather(&project, "prev_project", &prev_at)?,
        gather(&project, "project", &cur_at)?,
        shown_of("level", false)?,
        shown_of("category", false)?,
        shown_of("name", true)?,
        gather(&ind.values, "prev_annual_value", &value_at(&out.prev_row))?,
        gather(&ind.values, "annual_value", &value_at(&out.row))?,
        prev_op,
        prev_number,
        prev_unit,
        op,
        number,
        unit,
        Column::new("change".into(), out.change),
    ])
    .map_err(err)
}

/// `<prefix>_op`, `<prefix>_number` (Decimal) and `<prefix>_unit` columns
/// of parsed targets; all null for text targets.
fn target_columns(
    prefix: &str,
    targets: &[Option<&Target>],
) -> Result<(Column, Column, Column), AggregateError> {
    let mut ops = Vec::with_capacity(targets.len());
    let mut numbers = Vec::with_capacity(targets.len());
    let mut units = Vec::with_capacity(targets.len());
    for t in targets {
        match t {
            Some(Target::Number { op, number, unit }) => {
                ops.push(Some(op.symbol()));
                numbers.push(Some(*number));
                units.push(Some(unit.as_str()));
            }
            _ => {
                ops.push(None);
                numbers.push(None);
                units.push(None);
            }
        }
    }
    Ok((
        Column::new(format!("{prefix}_op").into(), ops),
        number_column(&format!("{prefix}_number"), &numbers)?,
        Column::new(format!("{prefix}_unit").into(), units),
    ))
}

/// A Decimal column at the largest scale among the values (0 when all are
/// whole: `90`, not `90.00`), precision 38.
fn number_column(name: &str, values: &[Option<Decimal>]) -> Result<Column, AggregateError> {
    let values: Vec<Option<Decimal>> = values.iter().map(|v| v.map(|d| d.normalize())).collect();
    let scale = values
        .iter()
        .flatten()
        .map(Decimal::scale)
        .max()
        .unwrap_or(0);
    let mantissas = values.iter().map(|v| {
        v.and_then(|d| {
            let up = scale.checked_sub(d.scale())?;
            d.mantissa().checked_mul(10i128.checked_pow(up)?)
        })
    });
    let ca = Int128Chunked::from_iter_options(name.into(), mantissas);
    ca.into_decimal(WIDE_PRECISION, scale as usize)
        .map(|c| c.into_series().into_column())
        .map_err(|source| AggregateError::Polars {
            report: "target_changes",
            source,
        })
}

/// The indicators table with its targets parsed: `cycle_op`, `cycle_number`,
/// `cycle_unit`, `annual_op`, `annual_number`, `annual_unit` appended (null
/// for text targets such as `发布`).
pub fn with_targets(indicators: &DataFrame) -> Result<DataFrame, AggregateError> {
    let mut df = indicators.clone();
    for (value, prefix) in [("cycle_value", "cycle"), ("annual_value", "annual")] {
        let parsed: Vec<Option<Target>> = strs(indicators, "indicators", value, false)?
            .into_iter()
            .map(|v| v.and_then(parse_target))
            .collect();
        let parsed: Vec<Option<&Target>> = parsed.iter().map(Option::as_ref).collect();
        let (op, number, unit) = target_columns(prefix, &parsed)?;
        for c in [op, number, unit] {
            df.with_column(c).map_err(polars_err("with_targets"))?;
        }
    }
    Ok(df)
}

/// Every report, sharing one series assignment.
pub(crate) fn all(
    indicators: &DataFrame,
    projects: &DataFrame,
) -> Result<Vec<(String, DataFrame)>, AggregateError> {
    let linked = Linked::new(projects)?;
    Ok(vec![
        (
            "summary_by_year".into(),
            summary_by_year(indicators, projects)?,
        ),
        ("project_trend".into(), trend(projects, &linked)?),
        ("indicator_mix".into(), indicator_mix(indicators)?),
        ("target_changes".into(), changes(indicators, &linked)?),
    ])
}

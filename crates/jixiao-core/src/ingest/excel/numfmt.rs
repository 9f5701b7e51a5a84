//! Numbers as a workbook shows them: a cell's number format applied to its
//! value (`0.95` under `0%` is `95%`, `125000` under `"≥"#,##0"亩"` is
//! `≥125,000亩`, a date serial under `yyyy"年"m"月"` is `2025年12月`).
//!
//! Only the codes tables use are rendered: sections split on `;`, quoted and
//! escaped literals, one run of `0`/`#` placeholders with `,` grouping and
//! decimals, `%`, `General`, `@`, and dates of years, months, days, hours,
//! minutes and seconds. Anything else (conditions, fractions, exponents,
//! month names, `[DBNum1]` numerals) is not rendered: the caller keeps the
//! plain number, never a figure the format would not show.

use std::borrow::Cow;

use calamine::{Data, DataRef};
use rust_decimal::{Decimal, RoundingStrategy};

use super::grid::Val;

/// Longest text a format may render: a literal longer than any cell shows
/// is a hostile file, not a table, and the plain number is kept.
const MAX_SHOWN: usize = 256;

/// A parsed number format: up to four sections (positive; negative; zero;
/// text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NumFmt {
    sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Section {
    tokens: Vec<Tok>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(String),
    Num(NumSpec),
    Percent,
    General,
    Text,
    Date(DatePart),
}

/// One run of digit placeholders: `#,##0.00`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct NumSpec {
    /// Least integer digits shown (the `0`s before the point).
    min_int: usize,
    group: bool,
    /// Decimals always shown (`0`s after the point).
    min_dec: u32,
    /// Decimals shown at most (`0`s and `#`s after the point).
    max_dec: u32,
    point: bool,
    /// Trailing commas: each divides by 1,000.
    scale: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DatePart {
    Year2,
    Year4,
    Month(usize),
    Day(usize),
    Hour(usize),
    Minute(usize),
    Second(usize),
}

/// Parses a format code; `None` for `General` alone and for codes this
/// module does not render.
pub(crate) fn parse(code: &str) -> Option<NumFmt> {
    if code.trim().eq_ignore_ascii_case("general") || code.len() > MAX_SHOWN * 4 {
        return None;
    }
    let mut sections = vec![Section::default()];
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        let sec = sections.last_mut()?;
        match c {
            ';' => {
                if sections.len() >= 4 {
                    return None;
                }
                sections.push(Section::default());
            }
            '"' => {
                let mut lit = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        ch => lit.push(ch),
                    }
                }
                sec.lit(&lit);
            }
            '\\' | '!' => {
                let ch = chars.next()?;
                sec.lit(ch.encode_utf8(&mut [0; 4]));
            }
            // Padding to a character's width, repeating a character: dropped.
            '_' | '*' => {
                chars.next()?;
            }
            '[' => {
                let mut inner = String::new();
                loop {
                    match chars.next()? {
                        ']' => break,
                        ch => inner.push(ch),
                    }
                }
                bracket(&inner, sec)?;
            }
            '0' | '#' | '.' | ',' => {
                let mut run = String::from(c);
                while let Some(&n) = chars.peek() {
                    if matches!(n, '0' | '#' | '.' | ',') {
                        run.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if run.chars().all(|ch| matches!(ch, '.' | ',')) {
                    // A point or comma alone is shown as written.
                    sec.lit(&run);
                } else {
                    sec.tokens.push(Tok::Num(num_spec(&run)?));
                }
            }
            '%' => sec.tokens.push(Tok::Percent),
            '@' => sec.tokens.push(Tok::Text),
            'G' | 'g' => {
                let rest: String = chars.by_ref().take(6).collect();
                if !rest.eq_ignore_ascii_case("eneral") {
                    return None;
                }
                sec.tokens.push(Tok::General);
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                let mut n = 1;
                while chars.peek().is_some_and(|p| p.eq_ignore_ascii_case(&c)) {
                    chars.next();
                    n += 1;
                }
                let part = match c.to_ascii_lowercase() {
                    'y' if n <= 2 => DatePart::Year2,
                    'y' => DatePart::Year4,
                    'm' if n <= 2 => DatePart::Month(n),
                    'd' if n <= 2 => DatePart::Day(n),
                    'h' if n <= 2 => DatePart::Hour(n),
                    's' if n <= 2 => DatePart::Second(n),
                    // Month and weekday names, and anything longer.
                    _ => return None,
                };
                sec.tokens.push(Tok::Date(part));
            }
            // Other letters are codes (AM/PM, E+, B1, e): not rendered.
            c if c.is_ascii_alphabetic() => return None,
            // Fractions (`# ?/?`); a slash between date parts is shown.
            '?' => return None,
            '/' if sec.has(|t| matches!(t, Tok::Num(_))) => return None,
            c => sec.lit(c.encode_utf8(&mut [0; 4])),
        }
    }
    for sec in &mut sections {
        sec.minutes();
        let nums = sec
            .tokens
            .iter()
            .filter(|t| matches!(t, Tok::Num(_)))
            .count();
        let dates = sec.tokens.iter().any(|t| matches!(t, Tok::Date(_)));
        let general = sec.tokens.iter().any(|t| matches!(t, Tok::General));
        // Two runs of digits (`000-0000`), digits beside a date or General:
        // not a code tables use.
        if nums > 1 || (nums == 1 && (dates || general)) || (dates && general) {
            return None;
        }
    }
    Some(NumFmt { sections })
}

impl Section {
    fn lit(&mut self, s: &str) {
        match self.tokens.last_mut() {
            Some(Tok::Lit(l)) => l.push_str(s),
            _ => self.tokens.push(Tok::Lit(s.to_string())),
        }
    }

    /// `m` after an hour or before a second is minutes.
    fn minutes(&mut self) {
        let dates: Vec<usize> = self
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, Tok::Date(_)))
            .map(|(i, _)| i)
            .collect();
        for (k, &i) in dates.iter().enumerate() {
            let prev = k
                .checked_sub(1)
                .and_then(|p| dates.get(p))
                .and_then(|&p| self.tokens.get(p));
            let next = dates.get(k + 1).and_then(|&n| self.tokens.get(n));
            let after_hour = matches!(prev, Some(Tok::Date(DatePart::Hour(_))));
            let before_second = matches!(next, Some(Tok::Date(DatePart::Second(_))));
            if let Some(Tok::Date(DatePart::Month(n))) = self.tokens.get_mut(i)
                && (after_hour || before_second)
            {
                let n = *n;
                if let Some(t) = self.tokens.get_mut(i) {
                    *t = Tok::Date(DatePart::Minute(n));
                }
            }
        }
    }

    fn has(&self, f: impl Fn(&Tok) -> bool) -> bool {
        self.tokens.iter().any(f)
    }
}

/// A bracketed code: colours and locales are dropped, a currency symbol
/// (`[$¥-804]`) is kept; conditions, elapsed time and `[DBNum1]` are not
/// rendered.
fn bracket(inner: &str, sec: &mut Section) -> Option<()> {
    if let Some(cur) = inner.strip_prefix('$') {
        let sym = cur.split('-').next().unwrap_or_default();
        sec.lit(sym);
        return Some(());
    }
    let lower = inner.to_ascii_lowercase();
    let colour = matches!(
        lower.as_str(),
        "black" | "blue" | "cyan" | "green" | "magenta" | "red" | "white" | "yellow"
    ) || lower
        .strip_prefix("color")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    colour.then_some(())
}

fn num_spec(run: &str) -> Option<NumSpec> {
    let (int, dec) = match run.split_once('.') {
        Some((i, d)) => (i, Some(d)),
        None => (run, None),
    };
    if dec.is_some_and(|d| d.contains(['.', ','])) {
        return None;
    }
    // Commas after the last integer placeholder scale by thousands
    // (`#,##0,` shows thousands); between placeholders they group.
    let body = int.trim_end_matches(',');
    let scale = int.len() - body.len();
    let d = dec.unwrap_or_default();
    Some(NumSpec {
        min_int: body.chars().filter(|&c| c == '0').count(),
        group: body.contains(','),
        min_dec: u32::try_from(d.chars().take_while(|&c| c == '0').count()).ok()?,
        max_dec: u32::try_from(d.len()).ok()?,
        point: dec.is_some(),
        scale: u32::try_from(scale).ok()?,
    })
}

/// A date and time: year, month, day, hour, minute, second.
pub(crate) type Ymdhms = (u16, u8, u8, u8, u8, u8);

impl NumFmt {
    /// True when the format shows a date or time.
    pub fn is_date(&self) -> bool {
        self.sections
            .first()
            .is_some_and(|s| s.has(|t| matches!(t, Tok::Date(_))))
    }

    /// `v` as the format shows it; `None` when it cannot be rendered.
    pub fn number(&self, v: f64) -> Option<String> {
        if !v.is_finite() {
            return None;
        }
        let (sec, v, minus) = self.pick(v)?;
        if sec.has(|t| matches!(t, Tok::Date(_) | Tok::Text)) {
            return None;
        }
        let exact = Decimal::from_f64_retain(v)?.round_sf(15)?;
        let pct = sec.tokens.iter().filter(|t| **t == Tok::Percent).count();
        let mut d = exact;
        for _ in 0..pct {
            d = d.checked_mul(Decimal::ONE_HUNDRED)?;
        }
        let mut out = String::new();
        let mut nonzero = true;
        for t in &sec.tokens {
            match t {
                Tok::Lit(l) => out.push_str(l),
                Tok::Percent => out.push('%'),
                Tok::General => out.push_str(&d.round_dp(10).normalize().to_string()),
                Tok::Num(spec) => {
                    let (s, nz) = digits(d, spec)?;
                    nonzero = nz;
                    out.push_str(&s);
                }
                Tok::Text | Tok::Date(_) => return None,
            }
            if out.len() > MAX_SHOWN {
                return None;
            }
        }
        if minus && nonzero {
            out.insert(0, '-');
        }
        (!out.is_empty()).then_some(out)
    }

    /// A date and time as the format shows it.
    pub fn date(&self, at: Ymdhms) -> Option<String> {
        let sec = self.sections.first()?;
        let (y, mo, d, h, mi, s) = at;
        let mut out = String::new();
        let two = |n: u8, w: usize| {
            if w >= 2 {
                format!("{n:02}")
            } else {
                n.to_string()
            }
        };
        for t in &sec.tokens {
            match t {
                Tok::Lit(l) => out.push_str(l),
                Tok::Date(DatePart::Year4) => out.push_str(&format!("{y:04}")),
                Tok::Date(DatePart::Year2) => out.push_str(&format!("{:02}", y % 100)),
                Tok::Date(DatePart::Month(w)) => out.push_str(&two(mo, *w)),
                Tok::Date(DatePart::Day(w)) => out.push_str(&two(d, *w)),
                Tok::Date(DatePart::Hour(w)) => out.push_str(&two(h, *w)),
                Tok::Date(DatePart::Minute(w)) => out.push_str(&two(mi, *w)),
                Tok::Date(DatePart::Second(w)) => out.push_str(&two(s, *w)),
                _ => return None,
            }
            if out.len() > MAX_SHOWN {
                return None;
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Text as the format's text section shows it (`"≥"@`); `None` when the
    /// format has none.
    pub fn text(&self, s: &str) -> Option<String> {
        let sec = match self.sections.as_slice() {
            [_, _, _, t] => t,
            [one] if one.has(|t| *t == Tok::Text) => one,
            _ => return None,
        };
        let mut out = String::new();
        for t in &sec.tokens {
            match t {
                Tok::Lit(l) => out.push_str(l),
                Tok::Text => out.push_str(s),
                _ => return None,
            }
        }
        (out != s && out.len() <= MAX_SHOWN + s.len()).then_some(out)
    }

    /// The section for `v`, the value it formats, and whether a minus sign
    /// goes in front (a value below zero in a format of one section).
    fn pick(&self, v: f64) -> Option<(&Section, f64, bool)> {
        let s = &self.sections;
        match s.as_slice() {
            [] => None,
            [one] => Some((one, v.abs(), v < 0.0)),
            [_, neg, ..] if v < 0.0 => Some((neg, v.abs(), false)),
            [_, _, zero, ..] if v == 0.0 => Some((zero, 0.0, false)),
            [pos, ..] => Some((pos, v, false)),
        }
    }
}

/// `d` under one run of placeholders; whether it shows a digit other than
/// zero.
fn digits(d: Decimal, spec: &NumSpec) -> Option<(String, bool)> {
    let mut d = d;
    for _ in 0..spec.scale {
        d = d.checked_div(Decimal::ONE_THOUSAND)?;
    }
    let r = d.round_dp_with_strategy(spec.max_dec, RoundingStrategy::MidpointAwayFromZero);
    let text = r.abs().to_string();
    let (int, dec) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (text, String::new()),
    };
    let nonzero = !r.is_zero();
    let mut int = if int == "0" { String::new() } else { int };
    while int.len() < spec.min_int {
        int.insert(0, '0');
    }
    if spec.group {
        int = group(&int);
    }
    let mut dec: String = dec.chars().take(spec.max_dec as usize).collect();
    while dec.len() < spec.max_dec as usize {
        dec.push('0');
    }
    while dec.len() > spec.min_dec as usize && dec.ends_with('0') {
        dec.pop();
    }
    let mut out = int;
    if spec.point {
        out.push('.');
        out.push_str(&dec);
    }
    Some((out, nonzero))
}

/// `1234567` → `1,234,567`.
fn group(int: &str) -> String {
    let n = int.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The format of each style of a workbook's palette (calamine reads
/// `xl/styles.xml`: its `numFmts` and the `numFmtId` of each `cellXfs`
/// entry), `None` for General and for codes not rendered.
pub(crate) fn palette(styles: &[calamine::Style]) -> Vec<Option<NumFmt>> {
    styles
        .iter()
        .map(|st| {
            let nf = st.number_format.as_ref()?;
            // The short date and the CJK dates are the locale's: calamine
            // gives the US code or none, Excel in China shows these.
            let code = nf
                .format_id
                .and_then(crate::vocab::builtin_date_format)
                .unwrap_or(nf.format_code.as_str());
            parse(code)
        })
        .collect()
}

/// A cell as its format `f` shows it; `None` keeps calamine's value.
pub(crate) fn shown<'a>(d: &DataRef<'a>, f: &NumFmt) -> Option<Val<'a>> {
    match d {
        DataRef::Float(v) => Some(Val::Shown(*v, f.number(*v)?.into())),
        DataRef::Int(i) => {
            let v = *i as f64;
            Some(Val::Shown(v, f.number(v)?.into()))
        }
        // A date stays `Other`, as dates without a format are.
        DataRef::DateTime(x) if x.is_datetime() && f.is_date() => {
            let (y, mo, d, h, mi, s, _) = x.to_ymd_hms_milli();
            Some(Val::Other(f.date((y, mo, d, h, mi, s))?))
        }
        DataRef::SharedString(s) if !s.trim().is_empty() => Some(Val::Text(Cow::Owned(f.text(s)?))),
        DataRef::String(s) if !s.trim().is_empty() => Some(Val::Text(Cow::Owned(f.text(s)?))),
        _ => None,
    }
}

/// A cell calamine read into a range (.xls) as its format `f` shows it;
/// `None` keeps calamine's value.
pub(crate) fn shown_data<'a>(d: &'a Data, f: &NumFmt) -> Option<Val<'a>> {
    match d {
        Data::Float(v) => Some(Val::Shown(*v, f.number(*v)?.into())),
        Data::Int(i) => {
            let v = *i as f64;
            Some(Val::Shown(v, f.number(v)?.into()))
        }
        Data::DateTime(x) if x.is_datetime() && f.is_date() => {
            let (y, mo, d, h, mi, s, _) = x.to_ymd_hms_milli();
            Some(Val::Other(f.date((y, mo, d, h, mi, s))?))
        }
        Data::String(s) if !s.trim().is_empty() => Some(Val::Text(Cow::Owned(f.text(s)?))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(code: &str, v: f64) -> Option<String> {
        parse(code).and_then(|f| f.number(v))
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn built_in_number_formats() {
        assert_eq!(num("0", 12.5), s("13"));
        assert_eq!(num("0.00", 4.56789), s("4.57"));
        assert_eq!(num("#,##0", 1234567.0), s("1,234,567"));
        assert_eq!(num("#,##0.00", 1234.5), s("1,234.50"));
        assert_eq!(num("0%", 0.95), s("95%"));
        assert_eq!(num("0.00%", 0.9512), s("95.12%"));
        assert_eq!(num("@", 5.0), None);
        assert!(parse("General").is_none());
    }

    #[test]
    fn literals_and_operators() {
        assert_eq!(num("\"≥\"0%", 1.0), s("≥100%"));
        assert_eq!(num("\"≥\"#,##0\"亩\"", 125000.0), s("≥125,000亩"));
        assert_eq!(num("0.0\"亿立方米\"", 3.2), s("3.2亿立方米"));
        assert_eq!(num("\"≤\"#,##0\"元/亩\"", 800.0), s("≤800元/亩"));
        assert_eq!(num("\\≥0", 3.0), s("≥3"));
        assert_eq!(num("0个", 12.0), s("12个"));
        assert_eq!(num("General\"分\"", 12.5), s("12.5分"));
        assert_eq!(num("[$¥-804]#,##0.00", 12.0), s("¥12.00"));
        assert_eq!(num("[Red]0.0", 2.0), s("2.0"));
        assert_eq!(num("_(* #,##0_)", 1500.0), s("1,500"));
    }

    #[test]
    fn rounding_is_what_excel_shows() {
        assert_eq!(num("0.0%", 0.955), s("95.5%"));
        assert_eq!(num("0.0", 0.25), s("0.3"));
        assert_eq!(num("0", 2.5), s("3"));
        assert_eq!(num("0.00", 1.005), s("1.01"));
        assert_eq!(num("#,##0.00", 0.1 + 0.2), s("0.30"));
        assert_eq!(num("0.##", 1.5), s("1.5"));
        assert_eq!(num("0.0#", 1.0), s("1.0"));
        assert_eq!(num("#.00", 0.5), s(".50"));
        assert_eq!(num("#,##0,\"千\"", 1234567.0), s("1,235千"));
    }

    #[test]
    fn negative_and_zero_sections() {
        assert_eq!(num("0.0", -2.25), s("-2.3"));
        assert_eq!(num("\"≥\"0%", -0.5), s("-≥50%"));
        assert_eq!(num("#,##0.00;(#,##0.00)", -1234.5), s("(1,234.50)"));
        assert_eq!(num("#,##0.00;[Red]-#,##0.00", -3.0), s("-3.00"));
        assert_eq!(num("0;-0;\"-\"", 0.0), s("-"));
        assert_eq!(num("0;-0;\"-\"", 7.0), s("7"));
        assert_eq!(num("0.0", -0.01), s("0.0"));
        assert_eq!(num("0", 0.0), s("0"));
        assert_eq!(num("0%", 0.0), s("0%"));
        // Nothing shown: the plain number is kept.
        assert_eq!(num("#", 0.0), None);
    }

    #[test]
    fn codes_not_rendered_keep_the_number() {
        for code in [
            "0.00E+00",
            "# ?/?",
            "[>=100]0;0.0",
            "[DBNum1]0",
            "[h]:mm:ss",
            "h:mm AM/PM",
            "mmm-yy",
            "000-0000",
            "\"unclosed",
        ] {
            assert_eq!(num(code, 1.5), None, "{code}");
        }
        assert_eq!(num("0.0", f64::NAN), None);
        let long = format!("0\"{}\"", "x".repeat(400));
        assert_eq!(num(&long, 1.0), None);
    }

    #[test]
    fn dates() {
        let d = |code: &str, at: Ymdhms| parse(code).and_then(|f| f.date(at));
        let at = (2025, 12, 1, 9, 5, 7);
        assert_eq!(d("yyyy\"年\"m\"月\"", at), s("2025年12月"));
        assert_eq!(d("yyyy\"年\"m\"月\"d\"日前\"", at), s("2025年12月1日前"));
        assert_eq!(d("yyyy年m月d日", at), s("2025年12月1日"));
        assert_eq!(d("yyyy-mm-dd h:mm:ss", at), s("2025-12-01 9:05:07"));
        assert_eq!(d("yyyy/m/d", at), s("2025/12/1"));
        assert_eq!(d("yy.mm", at), s("25.12"));
        assert!(parse("yyyy\"年\"m\"月\"").is_some_and(|f| f.is_date()));
        assert!(parse("0%").is_some_and(|f| !f.is_date()));
        assert_eq!(num("yyyy\"年\"", 45992.0), None);
    }

    #[test]
    fn text_sections() {
        let t = |code: &str, v: &str| parse(code).and_then(|f| f.text(v));
        assert_eq!(t("\"≥\"@", "95%"), s("≥95%"));
        assert_eq!(t("@", "95%"), None);
        assert_eq!(t("0;-0;0;\"[\"@\"]\"", "a"), s("[a]"));
        assert_eq!(t("0.0", "a"), None);
    }
}

//! A corpus generator: realistic documents of the seed's layout, deterministic
//! from a seed number, for benchmarks and tests at scale.
//!
//! Departments, years, units, projects, amounts, indicator counts and line
//! widths vary, so line breaks fall in new places (inside words and numbers).
//! The generator knows what it wrote: [`Generated`] carries the exact counts
//! and money totals a correct parser must find.

use std::fmt::Write as _;

use rust_decimal::Decimal;

/// SplitMix64: tiny and fixed forever, so a seed number names the same corpus
/// in every version (a general-purpose RNG crate does not promise that).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next_u64() % xs.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.range(1, 100) <= percent
    }
}

const CITIES: &[&str] = &[
    "广州市",
    "深圳市",
    "佛山市",
    "东莞市",
    "珠海市",
    "惠州市",
    "江门市",
    "肇庆市",
    "韶关市",
    "湛江市",
];
const BUREAUS: &[&str] = &[
    "来穗人员服务管理局",
    "教育局",
    "卫生健康委员会",
    "交通运输局",
    "生态环境局",
    "民政局",
    "文化广电旅游局",
    "农业农村局",
    "水务局",
    "司法局",
    "科学技术局",
    "人力资源和社会保障局",
    "市场监督管理局",
    "应急管理局",
];
const SUB_UNITS: &[&str] = &[
    "服务中心",
    "信息中心",
    "监测站",
    "研究院",
    "执法支队",
    "档案馆",
    "培训中心",
];
const WORKS: &[&str] = &[
    "专项工作经费",
    "业务用房物业管理费",
    "信息化运维项目",
    "政务信息化建设项目",
    "网格化服务管理项目",
    "宣传教育专项",
    "设备购置项目",
    "课题研究经费",
    "安全生产检查专项",
    "人才培训项目",
    "数据资源建设项目",
    "公共服务购买项目",
    "应急物资储备项目",
    "环境监测专项",
    "档案数字化项目",
];
const GOAL_PARTS: &[&str] = &[
    "通过开展项目，提高管理水平，做好理论研究工作，为单位科学决策提供支撑。",
    "加强日常运维保障，确保业务系统稳定运行，提升服务效能。",
    "优化服务流程，推进数据共享，减少办事成本，让群众少跑腿。",
    "完善制度建设，强化监督检查，防范化解各类风险。",
    "开展宣传活动，提高社会公众知晓率和参与度。",
    "按照省市有关要求，积极践行新发展理念，推动工作高质量发展。",
];
/// (level code, level, category code, category)
const CATEGORIES: &[(u32, &str, u32, &str)] = &[
    (1, "产出指标", 11, "数量指标"),
    (1, "产出指标", 12, "质量指标"),
    (1, "产出指标", 13, "时效指标"),
    (1, "产出指标", 14, "成本指标"),
    (2, "效益指标", 21, "经济效益"),
    (2, "效益指标", 22, "社会效益"),
    (2, "效益指标", 23, "生态效益"),
    (2, "效益指标", 24, "可持续影响"),
    (3, "满意度指标", 31, "服务对象满意度"),
];
const NAMES: &[&str] = &[
    "课题完成率",
    "信息泄露事故数量",
    "验收合格率",
    "服务覆盖率",
    "有效投诉量",
    "评价满意度",
    "运维月报完成率",
    "培训人次",
    "发布信息数量",
    "系统可用率",
    "按时完成率",
    "资金支出进度",
    "检查覆盖率",
    "群众满意率",
];
const VALUES: &[(&str, &str)] = &[
    ("100%", "100%"),
    ("≥90%", "≥90%"),
    ("≧95%", "≧95%"),
    ("≦2", "≦2"),
    ("0", "0"),
    ("1份", "1份"),
    ("≥1份/季度", "≥1份/季度"),
    ("≥100条/年", "≥100条"),
    ("≥15万", "≥15万"),
    ("发布", "发布"),
    ("≤5个工作日", "≤5个工作日"),
    ("≥85%", "≥85%"),
];

/// What one generated document holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    pub text: String,
    pub file_name: String,
    pub year: i32,
    pub units: usize,
    pub projects: usize,
    pub indicators: usize,
    /// The 合计 in 万元.
    pub total: Decimal,
}

/// Wraps `s` into lines of `width` characters, breaking anywhere.
fn wrap_into(out: &mut String, s: &str, width: usize) {
    let mut n = 0;
    for c in s.chars() {
        if n == width {
            out.push('\n');
            n = 0;
        }
        out.push(c);
        n += 1;
    }
    out.push('\n');
}

fn money(rng: &mut Rng) -> Decimal {
    // 0.50 … 999.99 万元, cents everywhere.
    Decimal::new(rng.range(50, 99_999) as i64, 2)
}

/// Generates document number `i` of the corpus named by `seed`.
pub fn document(seed: u64, i: u64) -> Generated {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i));
    let city = rng.pick(CITIES);
    let bureau = rng.pick(BUREAUS);
    let dept = format!("{city}{bureau}");
    let year = rng.range(2019, 2025) as i32;
    let width = rng.range(18, 40) as usize;
    let n_units = rng.range(1, 3) as usize;

    struct P {
        name: String,
        amount: Decimal,
        goal: String,
        indicators: Vec<String>,
    }
    let mut units: Vec<(String, Vec<P>)> = Vec::new();
    let mut n_ind = 0;
    for u in 0..n_units {
        let uname = if u == 0 {
            dept.clone()
        } else {
            format!(
                "{city}{}{}",
                bureau.chars().take(2).collect::<String>(),
                rng.pick(SUB_UNITS)
            )
        };
        let n_proj = rng.range(3, 14) as usize;
        let mut ps = Vec::new();
        for k in 0..n_proj {
            let work = rng.pick(WORKS);
            let name = match rng.range(0, 3) {
                0 => format!("{dept}{}-{}年{work}", year - 1, year),
                1 => format!("{year}年{work}{k}"),
                _ => format!("{work}{k}"),
            };
            let goal: String = (0..rng.range(1, 4))
                .map(|_| *rng.pick(GOAL_PARTS))
                .collect();
            let mut inds = Vec::new();
            for seq in 1..=rng.range(1, 9) {
                let (lc, l, cc, c) = *rng.pick(CATEGORIES);
                let name = rng.pick(NAMES);
                let (cv, av) = rng.pick(VALUES);
                inds.push(format!(
                    "{seq}、{lc}-{l}；{cc}-{c}；{name}；实施周期指标值:{cv}；年度指标值:{av}。"
                ));
            }
            n_ind += inds.len();
            ps.push(P {
                name,
                amount: money(&mut rng),
                goal,
                indicators: inds,
            });
        }
        units.push((uname, ps));
    }

    let mut t = String::with_capacity(64 * 1024);
    t.push_str("\n项目支出绩效目标表（含转移支付项目）\n\n");
    let _ = writeln!(t, "部门名称：{dept} 单位：万元\n");
    t.push_str(
        "项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标\n\n",
    );
    let unit_totals: Vec<Decimal> = units
        .iter()
        .map(|(_, ps)| ps.iter().map(|p| p.amount).sum())
        .collect();
    let total: Decimal = unit_totals.iter().copied().sum();
    let _ = writeln!(t, "合计 {total} {total}\n");
    let mut n_proj = 0;
    for ((uname, ps), ut) in units.iter().zip(&unit_totals) {
        let _ = writeln!(t, "{uname} {ut} {ut}\n");
        for p in ps {
            n_proj += 1;
            let amounts = format!("{} {}", p.amount, p.amount);
            let chars: Vec<char> = p.name.chars().collect();
            if chars.len() + 4 <= width || rng.chance(30) {
                let _ = writeln!(t, "    {} {amounts}\n", p.name);
            } else {
                // The name wraps; the amounts stand on a line of their own.
                let first: String = chars.iter().take(width.saturating_sub(4).max(4)).collect();
                let rest: String = chars.iter().skip(first.chars().count()).collect();
                let _ = writeln!(t, "    {first}");
                if rng.chance(30) {
                    t.push('\n');
                }
                wrap_into(&mut t, &rest, width);
                let _ = writeln!(t, "\n{amounts}\n");
            }
            wrap_into(&mut t, &p.goal, width);
            t.push('\n');
            wrap_into(&mut t, &p.indicators.concat(), width);
            t.push('\n');
        }
    }
    let slug = format!("{:05}", i);
    Generated {
        text: t,
        file_name: format!("gen_{slug}_{year}.txt"),
        year,
        units: n_units,
        projects: n_proj,
        indicators: n_ind,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic() {
        assert_eq!(document(7, 3), document(7, 3));
        assert_ne!(document(7, 3).text, document(7, 4).text);
    }

    #[test]
    fn generated_documents_parse_to_what_was_written() {
        for i in 0..40 {
            let g = document(42, i);
            let doc = crate::ingest::text::parse(&g.file_name, &g.text, &Default::default());
            assert!(
                doc.rejects.is_empty(),
                "doc {i}: {:?}\n{}",
                doc.rejects,
                g.text
            );
            assert_eq!(doc.units.len(), g.units, "doc {i}");
            assert_eq!(doc.project_count(), g.projects, "doc {i}");
            assert_eq!(doc.indicator_count(), g.indicators, "doc {i}\n{}", g.text);
            assert_eq!(
                doc.grand_total.as_ref().map(|a| a.total),
                Some(Some(g.total))
            );
            assert!(
                crate::check::reconcile_warnings(&doc).is_empty(),
                "doc {i}: {:?}",
                crate::check::reconcile_warnings(&doc)
            );
        }
    }
}

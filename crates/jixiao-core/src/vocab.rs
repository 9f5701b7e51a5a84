//! The vocabulary of the tables, as data, in one place: the national
//! framework's level and category names (Simplified and Traditional) and how
//! printed names map onto them, header words and their synonyms, total-row
//! words, department and unit labels, money units, and the one amount parser.
//!
//! Every reader asks here; none keeps a copy.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::model::MoneyUnit;

/// Traditional forms of the characters the vocabulary uses, folded to
/// Simplified before matching. Text is written as printed; only matching folds.
const TRAD: &[(char, char)] = &[
    ('產', '产'),
    ('標', '标'),
    ('數', '数'),
    ('質', '质'),
    ('時', '时'),
    ('經', '经'),
    ('濟', '济'),
    ('會', '会'),
    ('態', '态'),
    ('續', '续'),
    ('響', '响'),
    ('務', '务'),
    ('對', '对'),
    ('滿', '满'),
    ('級', '级'),
    ('實', '实'),
    ('際', '际'),
    ('項', '项'),
    ('績', '绩'),
    ('資', '资'),
    ('額', '额'),
    ('預', '预'),
    ('單', '单'),
    ('門', '门'),
    ('稱', '称'),
    ('總', '总'),
    ('計', '计'),
    ('財', '财'),
    ('撥', '拨'),
    ('專', '专'),
    ('戶', '户'),
    ('週', '周'),
    ('類', '类'),
    ('權', '权'),
    ('長', '长'),
    ('環', '环'),
    ('內', '内'),
    ('業', '业'),
    ('價', '价'),
    ('與', '与'),
    ('據', '据'),
    ('設', '设'),
    ('體', '体'),
    ('區', '区'),
    ('縣', '县'),
    ('費', '费'),
    ('補', '补'),
    ('貼', '贴'),
    ('達', '达'),
    ('應', '应'),
    ('衆', '众'),
    ('眾', '众'),
    ('異', '异'),
    ('評', '评'),
    ('億', '亿'),
    ('萬', '万'),
    ('圓', '圆'),
    ('愛', '爱'),
    ('開', '开'),
    ('發', '发'),
    ('動', '动'),
    ('們', '们'),
    ('種', '种'),
    ('場', '场'),
    ('構', '构'),
    ('規', '规'),
    ('範', '范'),
    ('護', '护'),
    ('衛', '卫'),
    ('醫', '医'),
    ('療', '疗'),
    ('學', '学'),
    ('義', '义'),
    ('職', '职'),
    ('綜', '综'),
    ('維', '维'),
    ('運', '运'),
    ('為', '为'),
    ('後', '后'),
    ('來', '来'),
    ('個', '个'),
    ('説', '说'),
    ('說', '说'),
    ('國', '国'),
    ('廳', '厅'),
    ('關', '关'),
    ('廣', '广'),
    ('東', '东'),
    ('況', '况'),
    ('準', '准'),
    ('蓋', '盖'),
    ('條', '条'),
    ('驗', '验'),
    ('檢', '检'),
    ('證', '证'),
    ('調', '调'),
    ('覽', '览'),
    ('狀', '状'),
    ('農', '农'),
    ('貧', '贫'),
    ('難', '难'),
    ('獲', '获'),
    ('當', '当'),
    ('員', '员'),
    ('網', '网'),
    ('線', '线'),
    ('電', '电'),
    ('話', '话'),
    ('聯', '联'),
    ('繫', '系'),
    ('係', '系'),
    ('礎', '础'),
    ('備', '备'),
    ('購', '购'),
    ('辦', '办'),
    ('執', '执'),
    ('進', '进'),
    ('間', '间'),
    ('訓', '训'),
    ('練', '练'),
    ('傳', '传'),
    ('統', '统'),
    ('劃', '划'),
    ('畫', '画'),
    ('現', '现'),
    ('術', '术'),
    ('樂', '乐'),
    ('獎', '奖'),
    ('勵', '励'),
    ('層', '层'),
    ('舉', '举'),
    ('轉', '转'),
    ('營', '营'),
    ('編', '编'),
    ('碼', '码'),
    ('審', '审'),
    ('見', '见'),
    ('簽', '签'),
    ('負', '负'),
    ('責', '责'),
    ('報', '报'),
    ('讓', '让'),
    ('書', '书'),
    ('課', '课'),
    ('師', '师'),
    ('將', '将'),
    ('從', '从'),
    ('覺', '觉'),
    ('確', '确'),
    ('認', '认'),
    ('這', '这'),
    ('並', '并'),
    ('於', '于'),
    ('無', '无'),
    ('幣', '币'),
    ('錢', '钱'),
    ('銀', '银'),
    ('寫', '写'),
    ('屬', '属'),
    ('齊', '齐'),
    ('勞', '劳'),
    ('雙', '双'),
    ('優', '优'),
    ('顯', '显'),
    ('幫', '帮'),
    ('險', '险'),
    ('貸', '贷'),
    ('導', '导'),
    ('領', '领'),
    ('議', '议'),
    ('選', '选'),
    ('擇', '择'),
    // The other characters of these tables' common words (places, units,
    // departments, indicator names), folded as OpenCC's t2s does.
    ('佔', '占'),
    ('倉', '仓'),
    ('兌', '兑'),
    ('兒', '儿'),
    ('兩', '两'),
    ('別', '别'),
    ('則', '则'),
    ('協', '协'),
    ('參', '参'),
    ('吳', '吴'),
    ('問', '问'),
    ('嚴', '严'),
    ('圍', '围'),
    ('園', '园'),
    ('圖', '图'),
    ('團', '团'),
    ('塵', '尘'),
    ('壓', '压'),
    ('壩', '坝'),
    ('壽', '寿'),
    ('夠', '够'),
    ('寧', '宁'),
    ('寬', '宽'),
    ('寶', '宝'),
    ('崗', '岗'),
    ('嶽', '岳'),
    ('帶', '带'),
    ('幹', '干'),
    ('廁', '厕'),
    ('強', '强'),
    ('復', '复'),
    ('徹', '彻'),
    ('慶', '庆'),
    ('掃', '扫'),
    ('掛', '挂'),
    ('採', '采'),
    ('揮', '挥'),
    ('擔', '担'),
    ('擴', '扩'),
    ('斷', '断'),
    ('曬', '晒'),
    ('棟', '栋'),
    ('極', '极'),
    ('樣', '样'),
    ('橋', '桥'),
    ('機', '机'),
    ('檔', '档'),
    ('歲', '岁'),
    ('歷', '历'),
    ('歸', '归'),
    ('氣', '气'),
    ('決', '决'),
    ('減', '减'),
    ('測', '测'),
    ('溫', '温'),
    ('滯', '滞'),
    ('漢', '汉'),
    ('漣', '涟'),
    ('潤', '润'),
    ('濱', '滨'),
    ('熱', '热'),
    ('爐', '炉'),
    ('爲', '为'),
    ('畝', '亩'),
    ('監', '监'),
    ('積', '积'),
    ('穩', '稳'),
    ('節', '节'),
    ('籌', '筹'),
    ('籤', '签'),
    ('糞', '粪'),
    ('糧', '粮'),
    ('紀', '纪'),
    ('約', '约'),
    ('終', '终'),
    ('組', '组'),
    ('結', '结'),
    ('給', '给'),
    ('綠', '绿'),
    ('緊', '紧'),
    ('織', '织'),
    ('繕', '缮'),
    ('繞', '绕'),
    ('羣', '群'),
    ('肅', '肃'),
    ('脫', '脱'),
    ('臨', '临'),
    ('臺', '台'),
    ('興', '兴'),
    ('華', '华'),
    ('藥', '药'),
    ('蘇', '苏'),
    ('蘊', '蕴'),
    ('處', '处'),
    ('號', '号'),
    ('裏', '里'),
    ('觀', '观'),
    ('訴', '诉'),
    ('診', '诊'),
    ('該', '该'),
    ('請', '请'),
    ('論', '论'),
    ('謀', '谋'),
    ('講', '讲'),
    ('謝', '谢'),
    ('識', '识'),
    ('讀', '读'),
    ('貫', '贯'),
    ('買', '买'),
    ('賽', '赛'),
    ('車', '车'),
    ('軍', '军'),
    ('較', '较'),
    ('載', '载'),
    ('輕', '轻'),
    ('輛', '辆'),
    ('輯', '辑'),
    ('輸', '输'),
    ('轄', '辖'),
    ('連', '连'),
    ('遊', '游'),
    ('過', '过'),
    ('適', '适'),
    ('遷', '迁'),
    ('鄉', '乡'),
    ('釋', '释'),
    ('銜', '衔'),
    ('鋒', '锋'),
    ('鋼', '钢'),
    ('鍋', '锅'),
    ('鍾', '钟'),
    ('鎮', '镇'),
    ('鐵', '铁'),
    ('閉', '闭'),
    ('閱', '阅'),
    ('陝', '陕'),
    ('陳', '陈'),
    ('陽', '阳'),
    ('隊', '队'),
    ('隱', '隐'),
    ('雞', '鸡'),
    ('雲', '云'),
    ('霧', '雾'),
    ('靚', '靓'),
    ('鞏', '巩'),
    ('頁', '页'),
    ('順', '顺'),
    ('題', '题'),
    ('風', '风'),
    ('飲', '饮'),
    ('養', '养'),
    ('館', '馆'),
    ('馬', '马'),
    ('驛', '驿'),
    ('麗', '丽'),
    ('黃', '黄'),
    ('點', '点'),
    ('黨', '党'),
    ('齡', '龄'),
];

/// One character folded to Simplified where the vocabulary knows it.
pub fn simplified_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    // Sorted once: every key of every cell asks, over whole files. Most
    // characters are no Traditional key: a bit per character of the
    // Traditional keys' range answers those without a search.
    struct Table {
        sorted: Vec<(char, char)>,
        low: u32,
        bits: Vec<u64>,
    }
    static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| {
        let mut sorted = TRAD.to_vec();
        sorted.sort_unstable();
        sorted.dedup_by_key(|(t, _)| *t);
        let low = sorted.first().map_or(0, |(t, _)| u32::from(*t));
        let high = sorted.last().map_or(0, |(t, _)| u32::from(*t));
        let mut bits = vec![0u64; ((high - low) / 64 + 1) as usize];
        for (t, _) in &sorted {
            let k = u32::from(*t) - low;
            if let Some(w) = bits.get_mut((k / 64) as usize) {
                *w |= 1 << (k % 64);
            }
        }
        Table { sorted, low, bits }
    });
    let t = &*TABLE;
    let Some(k) = u32::from(c).checked_sub(t.low) else {
        return c;
    };
    if t.bits
        .get((k / 64) as usize)
        .is_none_or(|w| w & (1 << (k % 64)) == 0)
    {
        return c;
    }
    t.sorted
        .binary_search_by_key(&c, |(t, _)| *t)
        .ok()
        .and_then(|i| t.sorted.get(i))
        .map_or(c, |(_, s)| *s)
}

/// The key a printed label is matched by: Traditional folded to Simplified,
/// full-width ASCII folded, whitespace removed, score ranges dropped
/// (`产出指标(40-50)分` → `产出指标`), and parentheses made ASCII.
pub fn key(s: &str) -> String {
    let folded: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{200b}')
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '【' | '〔' => '(',
            '】' | '〕' => ')',
            c => simplified_char(c),
        })
        .collect();
    drop_score_range(&drop_pinyin(&folded))
}

/// A head or label printed in two languages (`计量单位 Unit`, `金额 Amount（万元）`,
/// `一级指标 Level 1`, squeezed `计量单位Unit`): the Chinese words without the
/// English after them. A Latin run is a translation when it follows Chinese
/// text, starts with a capital letter, holds a word (a lower-case letter:
/// `指标ID` keeps its ID) and ends the text or stands before a bracket; `PM2.5浓度`, `达标率(PM2.5)`, `监测点位 pH值`
/// and `开展 GIS 测绘` are kept. For heads and labels only.
pub fn drop_translation(s: &str) -> std::borrow::Cow<'_, str> {
    let is_latin = |c: char| {
        c.is_ascii_alphanumeric() || c.is_whitespace() || matches!(c, '-' | '/' | '&' | '.' | '\'')
    };
    let mut before: Option<char> = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_uppercase()
            && before
                .is_some_and(|b| (!b.is_ascii() && b.is_alphabetic()) || matches!(b, ')' | '）'))
        {
            let rest = s.get(i..).unwrap_or_default();
            let end = rest.find(|c: char| !is_latin(c)).unwrap_or(rest.len());
            let (latin, tail) = rest.split_at(end);
            let letters = latin.chars().filter(char::is_ascii_alphabetic).count();
            // A word (`Unit`, `Level 1`), not an abbreviation that is part
            // of the head (`指标ID`, `COD`, `GDP`).
            let word = latin.chars().any(|c| c.is_ascii_lowercase());
            if letters >= 2 && word && (tail.is_empty() || tail.starts_with(['(', '（', '[', '【']))
            {
                let zh = s.get(..i).unwrap_or_default().trim_end();
                return std::borrow::Cow::Owned(format!("{zh}{tail}"));
            }
            return std::borrow::Cow::Borrowed(s);
        }
        if !c.is_whitespace() {
            before = Some(c);
        }
    }
    std::borrow::Cow::Borrowed(s)
}

/// Mirror pages inject pinyin after characters (`績效指標(biāo)`): runs of Latin
/// letters (with tone marks) in parentheses are dropped from a key. Only a
/// key: text is written as printed.
pub fn drop_pinyin(s: &str) -> String {
    if !s.contains('(') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let inner_end = from.find(')');
        let inner = inner_end.and_then(|e| from.get(1..e)).unwrap_or_default();
        let pinyin = !inner.is_empty()
            && inner.chars().count() <= 7
            && inner.chars().all(is_pinyin_letter)
            && inner
                .chars()
                .any(|c| !c.is_ascii() || c.is_ascii_lowercase());
        match (pinyin, inner_end) {
            (true, Some(e)) => rest = from.get(e + 1..).unwrap_or_default(),
            _ => {
                out.push('(');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń".contains(c)
}

/// `产出指标(40-50)分` → `产出指标`; `成本指标(0-20)分` → `成本指标`;
/// `年度绩效目标(90分)` → `年度绩效目标`; `产出指标(50分)` → `产出指标`.
pub fn drop_score_range(s: &str) -> String {
    let mut out = s.to_string();
    // Repeat: a label can carry a range and a bare 分 both.
    while let Some(open) = out.rfind('(') {
        let Some(close_rel) = out.get(open..).and_then(|t| t.find(')')) else {
            break;
        };
        let close = open + close_rel;
        let inner = out.get(open + 1..close).unwrap_or_default();
        let after = out.get(close + 1..).unwrap_or_default();
        let inner_num = inner.trim_end_matches('分');
        let is_range = !inner_num.is_empty()
            && inner_num
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '~' | '—' | '.' | '－'))
            && (inner.ends_with('分') || after.starts_with('分'));
        if !is_range || !(after.is_empty() || after == "分") {
            break;
        }
        out.truncate(open);
    }
    out
}

/// A label with a note in brackets (`数量指标(必填硬性指标)`, `产出指标（共性）`)
/// as the framework word it annotates; any other text unchanged.
pub fn drop_annotation(s: &str) -> String {
    if !s.contains(['(', '（']) {
        return s.to_string();
    }
    let bare = without_brackets(s);
    let bare = bare.trim();
    if !bare.is_empty() && (level(bare).is_some() || category(bare).is_some()) {
        bare.to_string()
    } else {
        s.to_string()
    }
}

/// The text without its bracketed parts (half- or full-width):
/// `主管部门(单位)名称` → `主管部门名称`.
pub fn without_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A level (一级指标) of the national framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Output,
    Effect,
    Satisfaction,
    Cost,
}

impl Level {
    /// The framework's name, as the standard columns write it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Output => "产出指标",
            Level::Effect => "效益指标",
            Level::Satisfaction => "满意度指标",
            Level::Cost => "成本指标",
        }
    }
}

/// A category (二级指标) of the national framework and its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Category {
    pub name: &'static str,
    pub level: Level,
}

/// The framework's categories with the printed forms that certainly mean
/// them (matched on [`key`], with or without the 指标/目标 suffix).
const CATEGORIES: &[(&str, Level, &[&str])] = &[
    ("数量指标", Level::Output, &["数量"]),
    ("质量指标", Level::Output, &["质量"]),
    ("时效指标", Level::Output, &["时效", "进度", "进度指标"]),
    ("成本指标", Level::Output, &["成本"]),
    ("经济效益指标", Level::Effect, &["经济效益"]),
    ("社会效益指标", Level::Effect, &["社会效益"]),
    (
        "生态效益指标",
        Level::Effect,
        &[
            "生态效益",
            "环境效益",
            "生态环境效益",
            "生态环境效益指标",
            "环境效益指标",
        ],
    ),
    (
        "可持续影响指标",
        Level::Effect,
        &["可持续影响", "可持续发展"],
    ),
    (
        "服务对象满意度指标",
        Level::Satisfaction,
        &[
            "服务对象满意度",
            "社会公众或服务对象满意度",
            "社会公众或服务对象满意度指标",
            "社会公众满意度",
            "社会公众满意度指标",
            "满意度",
        ],
    ),
    ("经济成本指标", Level::Cost, &["经济成本"]),
    ("社会成本指标", Level::Cost, &["社会成本"]),
    (
        "生态环境成本指标",
        Level::Cost,
        &[
            "生态环境成本",
            "环境成本",
            "生态成本",
            "环境成本指标",
            "生态成本指标",
        ],
    ),
];

const LEVELS: &[(Level, &[&str])] = &[
    // 项目完成指标 / 项目效益指标: the levels of older Sichuan templates.
    (
        Level::Output,
        &["产出指标", "产出", "产出目标", "项目完成指标"],
    ),
    (
        Level::Effect,
        &["效益指标", "效益", "效益目标", "效果指标", "项目效益指标"],
    ),
    (
        Level::Satisfaction,
        &["满意度指标", "满意度", "满意度目标", "服务对象满意度指标"],
    ),
    (Level::Cost, &["成本指标", "成本", "成本目标"]),
];

/// Evaluation-framework levels (决策/过程 of 绩效评价): real, but with no
/// certain place in the target framework.
const EVALUATION_LEVELS: &[&str] = &["决策", "决策指标", "过程", "过程指标", "管理", "管理指标"];

/// Second-level names of the evaluation framework (财预〔2020〕10号 共性指标框架):
/// 决策 (项目立项, 绩效目标, 资金投入), 过程 (资金管理, 组织实施), 产出 and 效益
/// in their evaluation wording. Real categories with no target-framework name.
const EVALUATION_CATEGORIES: &[&str] = &[
    "项目立项",
    "绩效目标",
    "资金投入",
    "资金管理",
    "组织实施",
    "产出数量",
    "产出质量",
    "产出时效",
    "产出成本",
    "项目效益",
    "实施效益",
];

/// True for a category of the evaluation framework (项目立项, 资金投入, …).
pub fn is_evaluation_category(printed: &str) -> bool {
    let k = key(printed);
    EVALUATION_CATEGORIES.contains(&strip_code(&k))
}

/// A printed level, target framework or evaluation framework.
pub fn is_level_word(printed: &str) -> bool {
    level(printed).is_some() || is_evaluation_level(printed)
}

/// A printed category, target framework or evaluation framework.
pub fn is_category_word(printed: &str) -> bool {
    category(printed).is_some() || is_evaluation_category(printed)
}

/// Level names as they are printed glued to text (`产出指标数量指标…`): only
/// forms with their 指标/目标 suffix, longest first, so that a name beginning
/// with 数量 is not split.
pub const GLUED_LEVELS: &[&str] = &[
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "产出目标",
    "效益目标",
    "满意度目标",
    "成本目标",
];

/// Category names printed glued to text, longest first.
pub const GLUED_CATEGORIES: &[&str] = &[
    "社会公众或服务对象满意度指标",
    "服务对象满意度指标",
    "社会公众满意度指标",
    "生态环境成本指标",
    "生态环境效益指标",
    "可持续影响指标",
    "可持续发展指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "环境效益指标",
    "经济成本指标",
    "社会成本指标",
    "社会效益目标",
    "经济效益目标",
    "生态效益目标",
    "满意度指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "进度指标",
];

/// Whether a name cell holds a framework label: is one (`质量指标`, `产出`)
/// or has one with its suffix inside (`…准确率时效指标补贴…`). Names do
/// (`社会成本指标` under 成本指标) where the label columns print theirs.
pub fn holds_framework_label(name: &str) -> bool {
    level(name).is_some()
        || category(name).is_some()
        || GLUED_LEVELS
            .iter()
            .chain(GLUED_CATEGORIES)
            .any(|w| name.contains(w))
}

/// Qualitative target values that end an indicator printed with no
/// separator (`义务教育优质均衡发展情况稳步提高`), longest first.
pub const QUALITATIVE_VALUES: &[&str] = &[
    // Longer phrases first: a degree word and a verb of improvement, the
    // forms qualitative targets take (`稳步提高`, `逐步完善`, `健全完善`).
    "进一步完善",
    "进一步健全",
    "健全完善",
    "逐步完善",
    "不断完善",
    "持续完善",
    "逐步健全",
    "不断健全",
    "明显增强",
    "显著增强",
    "持续增强",
    "不断增强",
    "有效提高",
    "有效提升",
    "稳步提高",
    "稳步提升",
    "逐步提高",
    "逐步提升",
    "有所提高",
    "有所提升",
    "明显提高",
    "明显提升",
    "显著提高",
    "显著提升",
    "持续改善",
    "明显改善",
    "有效改善",
    "巩固提高",
    "持续提升",
    "持续提高",
    "不断提高",
    "进一步提高",
    "提高",
    "提升",
    "改善",
];

fn strip_suffix(k: &str) -> &str {
    k.strip_suffix("指标")
        .or_else(|| k.strip_suffix("目标"))
        .unwrap_or(k)
}

/// A printed level name, if it certainly names a framework level.
pub fn level(printed: &str) -> Option<Level> {
    let k = key(printed);
    let k = strip_code(&k);
    let find = |k: &str| {
        LEVELS
            .iter()
            .find(|(_, names)| names.contains(&k))
            .map(|(l, _)| *l)
    };
    // A note in brackets (`产出指标(共性指标)`) does not change the label.
    find(k).or_else(|| unbracketed(k).and_then(|b| find(&b)))
}

/// The text without its bracketed notes, when it has any and something is left.
fn unbracketed(k: &str) -> Option<String> {
    if !k.contains('(') {
        return None;
    }
    Some(without_brackets(k)).filter(|b| !b.is_empty())
}

/// True for an evaluation-framework level (决策, 过程): a real level with no
/// certain framework name.
pub fn is_evaluation_level(printed: &str) -> bool {
    let k = key(printed);
    EVALUATION_LEVELS.contains(&strip_code(&k))
}

/// A printed category name, if it certainly names a framework category. The
/// printed level settles `成本指标`: under 成本 (the level), the cost
/// categories; under 产出, the output cost category.
pub fn category(printed: &str) -> Option<Category> {
    let k = key(printed);
    let k = strip_code(&k);
    let find = |k: &str| {
        let bare = strip_suffix(k);
        CATEGORIES
            .iter()
            .find(|(name, _, alts)| {
                *name == k
                    || strip_suffix(name) == bare
                    || alts.iter().any(|a| *a == k || *a == bare)
            })
            .map(|(name, level, _)| Category {
                name,
                level: *level,
            })
    };
    // A note in brackets (`数量指标(必填硬性指标)`) does not change the label.
    find(k).or_else(|| unbracketed(k).and_then(|b| find(&b)))
}

/// `1-产出指标` → `产出指标`, `11-数量指标` → `数量指标`, `一、产出指标` → `产出指标`.
fn strip_code(k: &str) -> &str {
    let t = k.trim_start_matches(|c: char| c.is_ascii_digit());
    if t.len() != k.len()
        && let Some(r) = t.strip_prefix(['-', '.', '、', '_'])
    {
        return r;
    }
    let t = k.trim_start_matches(['一', '二', '三', '四', '五', '六', '七', '八', '九', '十']);
    if t.len() != k.len()
        && let Some(r) = t.strip_prefix(['、', '.'])
    {
        return r;
    }
    k
}

/// The framework's names for a printed level and category, where the mapping
/// is certain; `(None, None)` for evaluation tables (决策/过程).
///
/// The category decides the level when it is known (older Hunan templates put
/// 社会公众或服务对象满意度指标 under 效益指标: its framework level is 满意度指标),
/// except that a printed 成本 level keeps the cost categories under it.
pub fn framework(
    printed_level: &str,
    printed_category: &str,
) -> (Option<&'static str>, Option<&'static str>) {
    if is_evaluation_level(printed_level) {
        return (None, None);
    }
    let lvl = level(printed_level);
    let cat = category(printed_category).map(|c| {
        // 成本指标 as a category under the 成本 level is not the output one.
        if c.name == "成本指标" && lvl == Some(Level::Cost) {
            None
        } else {
            Some(c)
        }
    });
    match cat {
        Some(Some(c)) => {
            // A category printed under a contradicting level (其他 than the
            // older 满意度-under-效益 template) is not certain.
            let ok = match lvl {
                None => true,
                Some(l) if l == c.level => true,
                Some(Level::Effect) if c.level == Level::Satisfaction => true,
                Some(Level::Cost) if c.level == Level::Output && c.name == "成本指标" => true,
                _ => false,
            };
            if ok {
                (Some(c.level.name()), Some(c.name))
            } else {
                (lvl.map(Level::name), None)
            }
        }
        _ => (lvl.map(Level::name), None),
    }
}

/// Words of a 合计/总计 row.
pub const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "总合计"];

/// True when a name is a total row's (spaces ignored).
pub fn is_total(name: &str) -> bool {
    let k = key(name);
    TOTAL_WORDS.contains(&k.as_str())
}

/// Labels that introduce the publishing department.
pub const DEPARTMENT_LABELS: &[&str] = &[
    "部门名称",
    "主管部门",
    "预算部门",
    "部门(单位)名称",
    "主管部门及代码",
    "主管部门名称",
    "预算单位",
    "主管部门及编码",
    "项目主管部门",
    "业务主管部门",
    "中央主管部门",
    "省级主管部门",
    "市级主管部门",
    "县级主管部门",
    "区级主管部门",
];

/// Labels that introduce the unit that spends the money.
pub const UNIT_LABELS: &[&str] = &[
    "实施单位",
    "资金使用单位",
    "项目实施单位",
    "预算单位名称",
    "项目执行单位",
    "执行单位",
];

/// Labels that introduce the project.
pub const PROJECT_LABELS: &[&str] = &[
    "项目名称",
    "专项名称",
    "项目(专项)名称",
    "专项(项目)名称",
    "专项资金名称",
    "项目支出名称",
];

/// Labels of a one-project form's amounts, as printed in key-value heads.
pub const AMOUNT_LABELS: &[&str] = &[
    "年度资金总额",
    "资金总额",
    "项目资金总额",
    "当年资金总额",
    "项目总预算",
    "当年年度预算",
    "年度金额",
];

/// Other labels of key-value heads: not read, but they end the value before them.
pub const OTHER_HEAD_LABELS: &[&str] = &[
    "项目负责人",
    "项目负责人及电话",
    "联系电话",
    "项目属性",
    "项目类型",
    "项目分类",
    "项目级次",
    "项目起止时间",
    "实施期限",
    "实施周期",
    "项目期限",
    "执行期限",
    "建设周期",
    "开始时间",
    "完成时间",
    "财政部门",
    "市级财政部门",
    "省级财政部门",
    "县级财政部门",
    "区级财政部门",
    "资金情况",
    "资金来源",
    "其中:财政拨款",
    "财政拨款",
    "其他资金",
    "上级资金",
    "其中:上级资金",
    "总体目标",
    "年度目标",
    "中期目标",
    "实施期绩效目标",
    "本年度绩效目标",
    "年度绩效目标",
    "项目资金",
    "项目审批",
    "项目概述",
];

/// True for a key-value head's label of a goal (总体目标, 年度绩效目标).
pub fn is_goal_label(printed: &str) -> bool {
    let k = key(printed);
    let k = k.trim_end_matches(':');
    k.ends_with("目标") && OTHER_HEAD_LABELS.contains(&k)
}

/// The project a notice's or a table's title names (`关于2025年城镇老旧小区改造项目绩效目标的公示`
/// → `城镇老旧小区改造项目`): the words before 绩效目标 that end as a project's
/// or a fund's name does, without the leading 关于 and budget year.
pub fn project_in_title(title: &str) -> Option<String> {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let (before, _) = t.split_once("绩效目标")?;
    let before = before
        .trim_end_matches("预算")
        .trim_end_matches("支出")
        .trim_end_matches("预算");
    let before = before.strip_prefix("关于").unwrap_or(before);
    // The budget year and the department before it are not the project's.
    let before = match before.find('年') {
        Some(i)
            if before.get(..i).is_some_and(|y| {
                y.chars().rev().take(4).filter(char::is_ascii_digit).count() == 4
            }) =>
        {
            before.get(i + '年'.len_utf8()..)?.trim_start_matches('度')
        }
        _ => before,
    };
    let ends = ["项目", "专项资金", "资金", "经费"];
    let named = ends.iter().any(|e| before.ends_with(e))
        && before.chars().count() >= 4
        && before.chars().count() <= 40
        && !before.contains(['，', ',', '。', '；']);
    named.then(|| before.to_string())
}

/// English words of the glosses bilingual forms print beside their labels
/// (`项目名称 Project Name`, `主管部门 Competent Department`), lower case.
const GLOSS_WORDS: &[&str] = &[
    "project",
    "projects",
    "name",
    "title",
    "of",
    "the",
    "and",
    "in",
    "charge",
    "person",
    "department",
    "competent",
    "unit",
    "implementing",
    "agency",
    "organization",
    "amount",
    "budget",
    "total",
    "fund",
    "funds",
    "funding",
    "fiscal",
    "year",
    "annual",
    "period",
    "implementation",
    "target",
    "targets",
    "goal",
    "goals",
    "objective",
    "objectives",
    "overall",
    "performance",
    "level",
    "indicator",
    "indicators",
    "value",
    "code",
    "direction",
    "operator",
    "score",
    "scoring",
    "source",
    "remark",
    "remarks",
    "contact",
    "phone",
    "type",
    "category",
];

/// True for a text made only of gloss words (`Project`, `Project Name`): an
/// English label, never a label's value.
pub fn is_gloss(text: &str) -> bool {
    let mut words = text
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '&' | ':' | '：' | '.'))
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| {
            w.chars().all(|c| c.is_ascii_alphabetic())
                && GLOSS_WORDS.contains(&w.to_ascii_lowercase().as_str())
        })
}

/// A label without the English gloss printed beside it (`项目名称 Project
/// Name` → `项目名称`, `金额 Amount（万元）` → `金额（万元）`): runs of Latin
/// words that are all gloss words are dropped; other Latin text stays.
pub fn strip_gloss(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    // Whether the run was a gloss, dropped.
    let flush = |run: &mut String, out: &mut String| {
        let gloss = is_gloss(run);
        if !gloss {
            out.push_str(run);
        }
        run.clear();
        gloss
    };
    for c in text.chars() {
        if c.is_ascii_alphabetic() || (c == ' ' && !run.is_empty()) {
            run.push(c);
        } else {
            // `项目名称 Project：X`: the label's colon follows the label.
            if flush(&mut run, &mut out) && matches!(c, ':' | '：') {
                out.truncate(out.trim_end().len());
            }
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out.trim().to_string()
}

/// Words of sheet names that say what a sheet holds or where it stands in a
/// workbook (`汇总`, `附表3`, `填报说明`), never which project it is.
const SHEET_KIND_WORDS: &[&str] = &[
    "汇总",
    "目录",
    "封面",
    "说明",
    "附件",
    "附表",
    "附录",
    "模板",
    "样表",
    "样例",
    "示例",
    "填报",
    "清单",
    "明细",
    "合计",
    "总计",
    "统计",
    "数据",
    "参数",
    "字典",
    "下拉",
    "备注",
    "整体",
    "绩效",
    "指标",
    "目标",
    "预算",
    "决算",
    "工作表",
    "sheet",
    "Sheet",
    "SHEET",
];

/// The project a sheet's name gives, for a sheet holding one project's table
/// and no 项目名称: a name of at least four ideographs (an ordinal before it
/// dropped, `1.`, `（一）`) that is not a word of what a sheet holds
/// (`汇总`, `附表3`, `绩效目标表`), a table's or a list's name (ending with
/// 表, 单…), an office's name (a sheet per unit: `某某区教育局`), nor a
/// framework label. `None` when the name may stand for something else.
pub fn project_in_sheet_name(name: &str) -> Option<String> {
    let t = name.trim();
    // An ordinal before the name: `1.`, `2、`, `03-`, `（一）`, `(2)`.
    let t = t.trim_start_matches(|c: char| c.is_ascii_digit());
    let t = t.trim_start_matches(['.', '、', '-', '_', '．', ' ']);
    let ordinal = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let t = t
        .strip_prefix(['(', '（'])
        .and_then(|rest| {
            let inner = rest.chars().take_while(|c| ordinal(*c)).count();
            let after = rest.chars().skip(inner).collect::<String>();
            let after = after.strip_prefix([')', '）'])?.to_string();
            (inner > 0).then_some(after)
        })
        .unwrap_or_else(|| t.to_string());
    let t = t.trim();
    let k = key(t);
    let ideographs = k
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let generic = SHEET_KIND_WORDS.iter().any(|w| k.contains(w))
        || k.starts_with('第')
        || ["表", "单", "册", "书", "录", "页"]
            .iter()
            .any(|e| k.ends_with(e))
        || is_level_word(&k)
        || is_category_word(&k)
        || k.contains(['，', '。', ',', ';', '；', ':'])
        || crate::textgrid::is_organisation(&k);
    (ideographs >= 4 && k.chars().count() <= 40 && !generic).then(|| t.to_string())
}

/// Heads of columns that explain or judge a target (notes, standards, sources): not values.
pub const REMARK_HEADS: &[&str] = &[
    "备注",
    "绩效标准",
    "指标解释",
    "指标说明",
    "评分标准",
    "评(扣)分标准",
    "计分方法",
    "说明",
    "确定依据",
    "指标值确定依据",
    "指标值设定依据",
    "指标值说明",
    "数据来源",
];

/// Last words of heads that explain or judge a target (`评(计)分方法`,
/// `扣分标准`, `佐证材料`, `目标值确定依据`): a short head ending so and
/// holding a judging word ([`REMARK_HEAD_WORDS`]) is a remark column, never
/// a value. Alone they are not enough: `资助标准` names an indicator,
/// `资金来源` a money column.
pub const REMARK_HEAD_ENDS: &[&str] = &["方法", "标准", "依据", "材料"];
/// A head of a target adjustment request (绩效目标调整申请表): the target
/// before (`原目标值`, `调整前指标值`) or after (`调整后目标值`) an adjustment.
pub fn is_adjustment_head(head: &str) -> bool {
    let k = key(head);
    let target = k.ends_with("目标值") || k.ends_with("指标值");
    target && (k.starts_with("原") || k.starts_with("调整前") || k.starts_with("调整后"))
}

/// Words of scoring and evidence that make such a head a remark.
pub const REMARK_HEAD_WORDS: &[&str] = &["分", "评", "考核", "佐证", "证明", "确定", "设定"];
/// Further heads of the indicator names' column.
pub const NAME_SYNONYM_HEADS: &[&str] = &[
    "指标名称",
    "指标内容",
    "具体指标",
    "绩效指标名称",
    "指标",
    "指标项",
];
/// Heads of a column holding a project's indicators as one text.
pub const INDICATOR_LIST_HEADS: &[&str] = &["绩效指标", "绩效指标内容", "项目绩效指标"];
/// Heads of the goal (绩效目标) text beside a project.
pub const GOAL_HEADS: &[&str] = &["年度目标", "总体目标", "项目目标", "实施目标"];
/// Short heads of the project column.
pub const PROJECT_SHORT_HEADS: &[&str] = &["项目", "项目名"];
/// Heads of the spending unit's column.
pub const UNIT_HEADS: &[&str] = &[
    "资金使用单位",
    "单位名称",
    "预算单位",
    "预算单位名称",
    "实施单位",
    "项目单位",
    "项目实施单位",
    "用款单位",
];
/// Heads of the fiscal-appropriation amount column (besides 财政拨款…).
pub const FISCAL_HEADS: &[&str] = &[
    "一般公共预算",
    "一般公共预算拨款",
    "一般公共预算资金",
    "财政资金",
    "本年财政拨款",
];
/// Heads of the other-sources amount column (besides 其他资金…).
pub const OTHER_SOURCE_HEADS: &[&str] = &["其他", "其他收入", "其他来源"];
/// Heads of the total amount column.
pub const TOTAL_HEADS: &[&str] = &[
    "总计",
    "合计",
    "金额",
    "资金总额",
    "项目金额",
    "预算金额",
    "年度资金总额",
    "金额合计",
    "资金合计",
    "项目资金",
    "预算数",
    "总额",
    "项目总额",
    "申报金额",
];
/// Heads of the comparison column (besides …符号, …运算符).
pub const OPERATOR_HEADS: &[&str] = &["比较符", "比较方式", "运算方式", "计算方式"];
/// Heads of the unit-of-measure column.
pub const MEASURE_HEADS: &[&str] = &["计量单位", "度量单位", "指标单位", "单位", "指标值单位"];

/// Header words of indicator columns, by role.
pub const LEVEL_HEADS: &[&str] = &["一级指标", "一级目标", "一级"];
pub const CATEGORY_HEADS: &[&str] = &["二级指标", "二级目标", "二级"];
pub const NAME_HEADS: &[&str] = &[
    "三级指标",
    "三级目标",
    "三级",
    "指标名称",
    "指标内容",
    "绩效指标名称",
];
pub const VALUE_HEADS: &[&str] = &[
    "指标值",
    "年度指标值",
    "目标值",
    "绩效指标值",
    "指标目标值",
    "全年指标值",
    "年度目标值",
];
pub const CYCLE_VALUE_HEADS: &[&str] = &[
    "实施周期指标值",
    "长期指标值",
    "中长期指标值",
    "中期指标值",
    "总体指标值",
];
pub const WEIGHT_HEADS: &[&str] = &["权重", "分值", "指标权重", "权重(%)", "分值(分)"];
pub const DIRECTION_HEADS: &[&str] = &["指标方向", "指标方向性", "指标性质"];
pub const VALUE_KIND_HEADS: &[&str] = &["指标值类型", "指标类型", "值类型"];
/// Columns of self-evaluation tables: results, not targets.
pub const RESULT_HEADS: &[&str] = &[
    "实际完成值",
    "全年实际值",
    "实际值",
    "得分",
    "偏差原因",
    "完成值",
];

/// 正向/反向 from a cell that holds a direction word, else `None` (指标性质
/// sometimes holds an operator instead).
pub fn direction(cell: &str) -> Option<&'static str> {
    let k = key(cell);
    match k.as_str() {
        "正向" | "正向指标" | "正" => Some("正向"),
        "反向" | "反向指标" | "反" => Some("反向"),
        _ => None,
    }
}

/// 定量/定性 from a cell that holds one.
pub fn value_kind(cell: &str) -> Option<&'static str> {
    let k = key(cell);
    match k.as_str() {
        "定量" | "定量指标" => Some("定量"),
        "定性" | "定性指标" => Some("定性"),
        _ => None,
    }
}

/// The money unit of a `单位：万元` / `单位:元` / `金额单位：万元` line or cell.
pub fn money_unit(s: &str) -> Option<MoneyUnit> {
    let k = key(s);
    let after = k
        .find("单位")
        .and_then(|i| k.get(i + "单位".len()..))
        .map(|t| t.trim_start_matches([':', '：']))?;
    if after.starts_with("万元") {
        Some(MoneyUnit::Wanyuan)
    } else if after.starts_with('元') {
        Some(MoneyUnit::Yuan)
    } else {
        None
    }
}

/// Most integer digits an amount may have: no budget line reaches 10^15 (元).
pub const MAX_AMOUNT_INT_DIGITS: usize = 15;
/// The date formats a Chinese Excel shows for the built-in number-format
/// ids whose code the file leaves to the locale (ECMA-376 lists 27-36 and
/// 50-58 as locale-defined; 14 and 22 are the short date and date-time).
pub fn builtin_date_format(id: u32) -> Option<&'static str> {
    Some(match id {
        14 => "yyyy/m/d",
        22 => "yyyy/m/d h:mm",
        27 | 36 | 50 | 52 | 57 => "yyyy\"年\"m\"月\"",
        28 | 29 | 51 | 53 | 54 | 58 => "m\"月\"d\"日\"",
        30 => "m-d-yy",
        31 => "yyyy\"年\"m\"月\"d\"日\"",
        32 => "h\"时\"mm\"分\"",
        33 => "h\"时\"mm\"分\"ss\"秒\"",
        _ => return None,
    })
}

/// Whether a row label names an amount of money (`资金总额`, `下达资金`,
/// `年度预算金额`, `其中：中央资金`, `项目经费`) rather than an indicator: the
/// money words at its end, and no framework word.
pub fn is_money_label(t: &str) -> bool {
    let k = key(t);
    let k = k
        .strip_prefix("其中:")
        .or_else(|| k.strip_prefix("其中"))
        .unwrap_or(&k);
    const ENDS: &[&str] = &[
        "资金",
        "金额",
        "经费",
        "总额",
        "合计",
        "总计",
        "拨款",
        "资金数",
    ];
    !k.is_empty()
        && k.chars().count() <= 12
        && ENDS.iter().any(|e| k.ends_with(e))
        && !is_level_word(k)
        && !is_category_word(k)
}

/// Most decimal places an amount may print.
pub const MAX_AMOUNT_FRAC_DIGITS: usize = 8;

/// Most decimal places of a target's number: the outputs hold it exactly in
/// a decimal of this scale (a longer figure stays text, never rounded).
pub const MAX_NUMBER_FRAC_DIGITS: u32 = 8;

/// Why a cell is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{0}」 is not an amount")]
pub struct NotAnAmount(pub String);

/// The one amount parser: `950.00`, `1,234.50`, `3,309,840.00`, `-3.00`,
/// `９５０．００`, `+5`; `Ok(None)` for an empty cell printed as `-`, `—`,
/// `/`, `无` or nothing. Thousands separators only between groups of three
/// digits (`12,34.00` is refused); spaces and NBSPs are dropped. Exact:
/// never through a float.
pub fn parse_amount(s: &str) -> Result<Option<Decimal>, NotAnAmount> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            c => c,
        })
        .collect();
    if t.is_empty() || matches!(t.as_str(), "-" | "—" | "——" | "--" | "/" | "无" | "－") {
        return Ok(None);
    }
    let bad = || NotAnAmount(s.trim().to_string());
    let body = t.strip_prefix(['-', '+']).unwrap_or(&t);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let mut groups = int.split(',');
    let lead_ok = groups
        .next()
        .is_some_and(|g| all_digits(g) && (g.len() <= 3 || !int.contains(',')));
    let groups_ok = groups.all(|g| g.len() == 3 && all_digits(g));
    if !lead_ok || !groups_ok || frac.is_some_and(|f| !all_digits(f)) {
        return Err(bad());
    }
    let int_digits = int.bytes().filter(u8::is_ascii_digit).count();
    if int_digits > MAX_AMOUNT_INT_DIGITS || frac.is_some_and(|f| f.len() > MAX_AMOUNT_FRAC_DIGITS)
    {
        return Err(bad());
    }
    let plain = t.trim_start_matches('+').replace(',', "");
    Decimal::from_str(&plain).map(Some).map_err(|_| bad())
}

// ---- The reviewer's words (绩效目标审核): lists the review rules match on,
// kept here beside the framework's names so that no rule holds its own.
// All are matched on [`key`] (Simplified, no spaces).

/// Verbs and degree words of a vague trend (`稳步提高`, `持续改善`, `有所
/// 增强`): a value made of them promises a direction, not a target.
pub const TREND_WORDS: &[&str] = &[
    "提高", "提升", "改善", "增强", "完善", "健全", "加强", "增加", "减少", "降低", "下降", "优化",
    "巩固", "加快", "促进", "有所", "明显", "显著",
];

/// Grade words of a qualitative scale (好/较好/一般/较差/差, 优/良/中/差,
/// 是/否) and the states a qualitative target may name (合格, 完成, 发布).
pub const GRADE_WORDS: &[&str] = &[
    "好",
    "较好",
    "很好",
    "一般",
    "较差",
    "差",
    "优",
    "良",
    "中",
    "优秀",
    "良好",
    "优良",
    "合格",
    "不合格",
    "达标",
    "是",
    "否",
    "有",
    "无",
    "高",
    "较高",
    "低",
    "较低",
    "完成",
    "发布",
    "达到",
    "符合",
    "满足",
    "正常",
    "通过",
    "有效",
    "满意",
    "及时",
    "准确",
    "齐全",
    "到位",
    "实现",
];

/// Words a grade is printed with (`良好以上`, `全部完成`, `按时完成`): dropped
/// before a value is looked up in [`GRADE_WORDS`].
pub const GRADE_AFFIXES: &[&str] = &[
    "及以上",
    "以上",
    "等级",
    "标准",
    "要求",
    "级",
    "基本",
    "全部",
    "全面",
    "按时",
    "按期",
    "如期",
    "已",
    "均",
    "非常",
    "比较",
];

/// Budget execution and fund-flow measures: process, not performance
/// (预算执行率, 资金到位率, 支付率).
pub const PROCESS_MEASURES: &[&str] = &[
    "预算执行率",
    "资金执行率",
    "资金到位率",
    "资金拨付率",
    "资金支付率",
    "资金使用率",
    "资金支出率",
    "预算支出率",
    "支出进度",
    "支付进度",
    "拨付进度",
    "支付率",
    "执行进度",
];

/// Characters a template's blank is printed with (`≥**个`, `××`, `XX`,
/// `___`): a run of [`PLACEHOLDER_RUN`] of them is a placeholder left.
pub const PLACEHOLDER_CHARS: &[char] = &['*', '＊', '×', 'X', 'x', 'Ｘ', 'ｘ', '_', '＿'];
/// How many placeholder characters in a row make a blank (one `*` may be a footnote mark).
pub const PLACEHOLDER_RUN: usize = 2;

/// Words of time in a value or a unit (a date, a deadline, a period).
pub const TIME_WORDS: &[&str] = &[
    "年",
    "月",
    "日",
    "天",
    "周",
    "季度",
    "小时",
    "分钟",
    "工作日",
    "时限",
    "期限",
    "之前",
    "以前",
    "以内",
    "之内",
    "前",
    "底",
    "当期",
    "按时",
    "按期",
    "如期",
    "及时",
];

/// Words of a timeliness measure in a name (`及时率`, `完成时间`): a share
/// under such a name is a time target.
pub const TIMELINESS_WORDS: &[&str] = &[
    "及时", "按时", "按期", "如期", "准时", "时效", "时限", "时间", "期限", "进度", "周期", "工期",
    "计划", "当年", "年内", "当期",
];

/// Units of measure a value may print alone (`公里`, `%`, `个`): a value that
/// is only one of them (or an operator and one) has lost its number.
pub const MEASURE_UNITS: &[&str] = &[
    "%",
    "‰",
    "个",
    "人",
    "人次",
    "次",
    "件",
    "项",
    "份",
    "元",
    "万元",
    "亿元",
    "公里",
    "千米",
    "米",
    "平方米",
    "立方米",
    "亩",
    "公顷",
    "吨",
    "户",
    "家",
    "所",
    "台",
    "套",
    "条",
    "座",
    "篇",
    "天",
    "日",
    "月",
    "年",
    "个工作日",
    "工作日",
    "小时",
    "场",
    "期",
    "批",
    "辆",
    "张",
    "册",
    "本",
    "株",
    "棵",
    "头",
    "只",
    "处",
    "间",
    "名",
    "班",
    "课时",
    "学时",
    "万",
    "千",
    "百",
    "km",
    "m",
    "m2",
    "m³",
    "㎡",
    "kg",
];

/// Units that are a share (a rate's units).
pub const SHARE_UNITS: &[&str] = &["%", "‰", "百分点", "个百分点"];

/// The suffix of a share's name (合格率, 覆盖率).
pub const RATE_SUFFIX: &str = "率";

/// Names ending in 率 that are not shares: a frequency or an efficiency.
pub const NON_SHARE_RATES: &[&str] = &["频率", "效率", "功率", "速率", "汇率", "利率", "税率"];

/// Name endings of a count (人数, 次数): a count is not a share.
pub const COUNT_NAME_SUFFIXES: &[&str] = &[
    "人数", "个数", "次数", "户数", "件数", "家数", "台数", "套数", "座数", "场次", "人次", "数量",
];

/// Bare magnitudes: a unit that is only one (`15万`) lacks the thing counted.
pub const MAGNITUDES: &[&str] = &["十", "百", "千", "万", "十万", "百万", "千万", "亿", "万亿"];

/// Words of growth: a share of growth may pass 100% (`增长率 150%`).
pub const GROWTH_WORDS: &[&str] = &[
    "增长",
    "增幅",
    "增加",
    "增速",
    "提高",
    "提升",
    "比上年",
    "同比",
    "环比",
    "倍",
];

/// What a smaller number is better for (事故, 投诉): a `≥` on one contradicts its meaning.
pub const ADVERSE_WORDS: &[&str] = &[
    "事故",
    "投诉",
    "差错",
    "违规",
    "违纪",
    "违法",
    "失误",
    "死亡",
    "伤亡",
    "超标",
    "损失",
    "逾期",
    "延误",
    "返工",
    "不合格",
    "上访",
    "故障",
    "误差",
    "缺陷",
    "流失",
    "辍学",
    "漏报",
    "错报",
    "泄露",
    "泄漏",
    "火灾",
    "发案",
    "偏差",
];

/// Words that turn an adverse subject into something to do (投诉办结率,
/// 事故隐患整改率, 事故下降率): the measure is then a favourable one.
pub const HANDLING_WORDS: &[&str] = &[
    "处理", "处置", "办结", "解决", "整改", "查处", "化解", "回复", "受理", "排查", "下降", "降低",
    "减少", "控制", "防范", "预防", "消除", "压降", "调处", "结案", "追回", "减幅",
];

/// Shares a larger number is better for: a `≤` on one contradicts its meaning.
pub const FAVOURABLE_RATES: &[&str] = &[
    "合格率",
    "满意度",
    "满意率",
    "达标率",
    "完成率",
    "覆盖率",
    "及时率",
    "准确率",
    "知晓率",
    "通过率",
    "优良率",
    "完好率",
    "入学率",
    "普及率",
    "达成率",
    "验收率",
    "办结率",
    "到位率",
];

/// The word of a satisfaction measure (满意度, 满意率).
pub const SATISFACTION_WORD: &str = "满意";

/// The band a satisfaction target sits in, in percent.
pub const SATISFACTION_RANGE: (u32, u32) = (60, 100);

/// Title words of a self-evaluation or evaluation table (绩效自评表,
/// 绩效评价表): results, not targets.
pub const RESULT_TITLE_WORDS: &[&str] = &["自评", "评价表", "评价报告"];

#[cfg(test)]
mod tests {

    #[test]
    fn translations_after_chinese_heads_are_dropped() {
        for (printed, zh) in [
            ("计量单位 Unit", "计量单位"),
            ("一级指标 Level 1", "一级指标"),
            ("金额 Amount（万元）", "金额（万元）"),
            ("评(计)分方法 Scoring", "评(计)分方法"),
            ("项目名称 Project Name", "项目名称"),
            ("计量单位Unit", "计量单位"),
            ("符号Operator", "符号"),
        ] {
            assert_eq!(drop_translation(printed), zh, "{printed}");
        }
        // Kept: Latin that is part of the words, or no Chinese before it.
        for kept in [
            "PM2.5浓度",
            "达标率(PM2.5)",
            "COD排放量 ≤50",
            "空气质量 优良",
            "覆盖率 ≥95%",
            "Project Name",
            "监测点位 pH值",
            "开展 GIS 测绘",
            "指标ID",
            "上级ID",
            "排放量COD",
        ] {
            assert_eq!(drop_translation(kept), kept, "{kept}");
        }
    }

    #[test]
    fn every_traditional_key_folds_and_other_characters_stay() {
        for (t, simp) in TRAD {
            let got = simplified_char(*t);
            assert!(
                TRAD.iter().any(|(k, v)| k == t && *v == got),
                "{t} gave {got}, expected {simp}"
            );
        }
        for c in ['项', '目', 'a', '０', '𠀀', '\u{4DFF}', '\u{FFFF}'] {
            assert_eq!(simplified_char(c), c);
        }
        assert_eq!(key("產出指標"), "产出指标");
    }

    #[test]
    fn english_glosses_beside_labels() {
        assert_eq!(strip_gloss("项目名称 Project Name"), "项目名称");
        assert_eq!(strip_gloss("主管部门 Competent Department"), "主管部门");
        assert_eq!(strip_gloss("项目名称 Project：X"), "项目名称：X");
        assert_eq!(
            strip_gloss("资金总额 Total Funds（万元）"),
            "资金总额 （万元）"
        );
        assert!(is_gloss("Project"));
        assert!(is_gloss("Name of Project"));
        // Near misses: Latin text that is no gloss stays (a value, a code).
        assert_eq!(strip_gloss("5G基站建设 Phase II"), "5G基站建设 Phase II");
        assert!(!is_gloss("Smart City Phase II"));
        assert!(!is_gloss("GDP"));
        assert!(!is_gloss(""));
    }

    #[test]
    fn projects_named_by_sheet_names() {
        for (sheet, project) in [
            ("城乡居民医疗救助", "城乡居民医疗救助"),
            ("2.老旧小区改造补助", "老旧小区改造补助"),
            ("（三）高标准农田建设", "高标准农田建设"),
            ("农村公路养护资金", "农村公路养护资金"),
        ] {
            assert_eq!(
                project_in_sheet_name(sheet).as_deref(),
                Some(project),
                "{sheet}"
            );
        }
        for sheet in [
            "Sheet2",
            "汇总",
            "项目汇总",
            "附表3",
            "绩效目标表",
            "项目支出绩效目标表",
            "填报说明",
            "目录",
            "项目一",
            "第二部分",
            "某县卫生健康局",
            "城关镇人民政府",
            "产出指标",
            "满意度",
            "部门整体",
            "Performance Targets",
            "项目清单",
        ] {
            assert_eq!(project_in_sheet_name(sheet), None, "{sheet}");
        }
    }

    #[test]
    fn projects_named_in_titles() {
        assert_eq!(
            project_in_title("关于2024年农村饮水安全维修养护项目绩效目标的公示").as_deref(),
            Some("农村饮水安全维修养护项目")
        );
        assert_eq!(
            project_in_title("某县水利局2023年度小型水库除险加固资金绩效目标表").as_deref(),
            Some("小型水库除险加固资金")
        );
        // A table's kind, a department-wide table: no project.
        assert_eq!(project_in_title("项目支出绩效目标表"), None);
        assert_eq!(project_in_title("2025年部门整体支出绩效目标表"), None);
    }

    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        Some(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("950.00"), Ok(d("950.00")));
        assert_eq!(parse_amount(" 3,309,840.00 "), Ok(d("3309840.00")));
        assert_eq!(parse_amount("９５０．００"), Ok(d("950.00")));
        assert_eq!(parse_amount("-3.00"), Ok(d("-3.00")));
        assert_eq!(parse_amount("+5"), Ok(d("5")));
        assert_eq!(parse_amount("无"), Ok(None));
        assert_eq!(parse_amount("—"), Ok(None));
        assert_eq!(parse_amount(""), Ok(None));
        assert!(parse_amount("12,34.00").is_err());
        assert!(parse_amount("1.2.3").is_err());
        assert!(parse_amount("abc").is_err());
        assert!(parse_amount("1234567890123456").is_err());
    }

    #[test]
    fn framework_names() {
        assert_eq!(
            framework("产出指标", "数量指标"),
            (Some("产出指标"), Some("数量指标"))
        );
        assert_eq!(
            framework("1-产出指标", "11-数量指标"),
            (Some("产出指标"), Some("数量指标"))
        );
        assert_eq!(
            framework("效益指标", "社会效益"),
            (Some("效益指标"), Some("社会效益指标"))
        );
        assert_eq!(
            framework("效益指标", "环境效益指标"),
            (Some("效益指标"), Some("生态效益指标"))
        );
        assert_eq!(
            framework("效益指标", "社会公众或服务对象满意度指标"),
            (Some("满意度指标"), Some("服务对象满意度指标"))
        );
        assert_eq!(
            framework("成本指标(0-20)分", "经济成本指标"),
            (Some("成本指标"), Some("经济成本指标"))
        );
        assert_eq!(
            framework("产出指标", "成本指标"),
            (Some("产出指标"), Some("成本指标"))
        );
        assert_eq!(framework("成本指标", "成本指标"), (Some("成本指标"), None));
        assert_eq!(framework("决策", "项目立项"), (None, None));
        assert_eq!(
            framework("產出指標", "數量指標"),
            (Some("产出指标"), Some("数量指标"))
        );
        assert_eq!(
            framework("效益指标", "社会效益目标"),
            (Some("效益指标"), Some("社会效益指标"))
        );
        assert_eq!(
            framework("", "质量指标"),
            (Some("产出指标"), Some("质量指标"))
        );
        assert_eq!(
            framework("满意度指标", "数量指标"),
            (Some("满意度指标"), None)
        );
    }

    #[test]
    fn keys_drop_scores_and_spaces() {
        assert_eq!(key("产 出 指 标"), "产出指标");
        assert_eq!(key("产出指标(40-50)分"), "产出指标");
        assert_eq!(key("成本指标（0-20）分"), "成本指标");
        assert_eq!(key("年度绩效目标(90分)"), "年度绩效目标");
        assert_eq!(key("一級目標"), "一级目标");
        assert_eq!(key("指标(≥**个)"), "指标(≥**个)");
    }

    #[test]
    fn money_units() {
        assert_eq!(money_unit("单位：万元"), Some(MoneyUnit::Wanyuan));
        assert_eq!(money_unit("金额单位: 元"), Some(MoneyUnit::Yuan));
        assert_eq!(money_unit("单位名称"), None);
    }
}

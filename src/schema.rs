//! Column names of the canonical tables and their Chinese labels.
//!
//! English snake_case names are the schema (CSV headers, Parquet fields, SQL);
//! the Chinese labels are what analysts see in the XLSX.

/// Columns of the `indicators` table, in output order.
pub const INDICATOR_COLUMNS: &[&str] = &[
    "year",
    "department",
    "unit",
    "project",
    "amount",
    "amount_fiscal",
    "amount_special",
    "amount_other",
    "seq",
    "level_code",
    "level",
    "category_code",
    "category",
    "name",
    "cycle_value",
    "annual_value",
    "target_op",
    "target_number",
    "target_unit",
    "value_kind",
    "direction",
    "weight",
    "framework_level",
    "framework_category",
    "source",
    "line",
];

/// Columns of the `projects` table, in output order.
pub const PROJECT_COLUMNS: &[&str] = &[
    "year",
    "department",
    "unit",
    "project",
    "amount",
    "amount_fiscal",
    "amount_special",
    "amount_other",
    "amount_note",
    "goal",
    "indicator_count",
    "source",
    "line",
];

/// Columns of the `rejects` table: the first four as before positions had
/// columns of their own, then the kind and the position's parts.
pub const REJECT_COLUMNS: &[&str] = &[
    "source", "line", "text", "reason", "kind", "sheet", "cell", "page", "bbox",
];

/// Columns of the `warnings` table (the Python package's): as `rejects`,
/// a message in place of the text and reason.
pub const WARNING_COLUMNS: &[&str] = &[
    "source", "line", "message", "kind", "sheet", "cell", "page", "bbox",
];

/// The Chinese label for a column, or `None` for columns without one (their
/// English name is shown instead).
pub fn label_zh(column: &str) -> Option<&'static str> {
    Some(match column {
        "year" => "年度",
        "department" => "部门",
        "unit" => "单位",
        "project" => "项目名称",
        "amount" => "金额（万元）",
        "amount_fiscal" => "财政拨款（万元）",
        "amount_special" => "财政专户拨款（万元）",
        "amount_other" => "其他资金（万元）",
        "amount_note" => "金额说明",
        "seq" => "序号",
        "level_code" => "一级指标代码",
        "level" => "一级指标",
        "category_code" => "二级指标代码",
        "category" => "二级指标",
        "name" => "三级指标",
        "cycle_value" => "实施周期指标值",
        "annual_value" => "年度指标值",
        "target_op" => "目标比较符",
        "target_number" => "目标数值",
        "target_unit" => "目标单位",
        "value_kind" => "指标值类型",
        "direction" => "指标方向",
        "weight" => "权重",
        "framework_level" => "标准一级指标",
        "framework_category" => "标准二级指标",
        "sheet" => "工作表",
        "cell" => "单元格",
        "page" => "页码",
        "bbox" => "位置框",
        "kind" => "类别",
        "goal" => "绩效目标",
        "indicator_count" => "指标数",
        "source" => "来源文件",
        "line" => "行号",
        "text" => "原文",
        "reason" => "原因",
        "projects" => "项目数",
        "indicators" => "指标数",
        "count" => "数量",
        "rule" => "规则",
        "severity" => "审核结论",
        "scope" => "范围",
        "value" => "指标值",
        "message" => "审核意见",
        "template" => "审核模板",
        "must" => "必须修改",
        "should" => "建议修改",
        "hint" => "提示",
        "score" => "得分",
        "grade" => "建议等级",
        _ => return None,
    })
}

/// The sheet label for a table, used as XLSX sheet name.
pub fn table_label_zh(table: &str) -> Option<&'static str> {
    Some(match table {
        "indicators" => "绩效指标",
        "projects" => "项目",
        "rejects" => "未能解析",
        "review" => "审核意见",
        "review_projects" => "项目审核汇总",
        _ => return None,
    })
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The message table of the explanations (dx-messages-private.h says why
 * there is one) and the function that fills a template's slots. Slot
 * names are looked up among a handful of arguments by a linear scan: a
 * sentence has at most eight, and sentences are made only when someone
 * reads them.
 */
#include "decide/dx-messages-private.h"

#include <string.h>

static const DxMessage messages[] = {
    /* ORDER DxMsg (dx-messages-private.h), which starts in ORDER DxReasonCode */
    { "invalid_field", "field row column detail",
      "「{field}」填写有误（第 {row} 行第 {column} 列）：{detail}",
      "“{field}” is invalid (row {row}, column {column}): {detail}" },
    { "duplicate_app_id", "app_id",
      "申报编号 {app_id} 已使用，不重复受理",
      "application number {app_id} was already used; not accepted twice" },
    { "unknown_policy", "policy",
      "未找到申报事项「{policy}」对应的政策",
      "no policy “{policy}” in the rules" },
    { "outside_window", "submitted from to",
      "申报日期 {submitted} 不在受理期（{from} 至 {to}）内",
      "submitted on {submitted}, outside the application window ({from} to {to})" },
    { "clause_failed", "clause detail",
      "不满足「{clause}」：{detail}",
      "fails “{clause}”: {detail}" },
    { "missing_field", "field",
      "缺少「{field}」，请补正后重新申报",
      "“{field}” is missing; supply it and apply again" },
    { "eval_error", "what error column",
      "「{what}」无法计算：{error}（表达式第 {column} 列）",
      "“{what}” cannot be computed: {error} (expression column {column})" },
    { "once_only", "policy",
      "「{policy}」每户限享受一次，该企业已享受",
      "“{policy}” is granted once per enterprise, and this enterprise already had it" },
    { "award_zero", "award",
      "测算奖励为 {award}，不予奖励",
      "the award computes to {award}: nothing to grant" },
    { "capped", "computed cap",
      "测算 {computed}，按单项上限 {cap} 核定",
      "computed {computed}, capped at the policy's cap of {cap}" },
    { "policy_enterprise_cap", "policy cap before granted",
      "「{policy}」单户累计上限 {cap}，已享受 {before}，本次核定 {granted}",
      "“{policy}” pays one enterprise at most {cap} in total; it already had {before}; granted {granted}" },
    { "group_highest", "group other",
      "与 {other} 同属「{group}」，按就高原则不重复享受",
      "in the same group “{group}” as {other}: only the highest award is paid" },
    { "group_topup", "group before granted",
      "同属「{group}」已享受 {before}，按就高原则补差 {granted}",
      "already holds {before} in group “{group}”: pays the difference, {granted}" },
    { "group_stack_cap", "group cap before granted",
      "「{group}」合计上限 {cap}，已享受 {before}，本次核定 {granted}",
      "group “{group}” is capped at {cap} in total; already {before}; granted {granted}" },
    { "fund_enterprise_cap", "cap before granted",
      "本资金单户上限 {cap}，已安排 {before}，本次核定 {granted}",
      "this fund pays one enterprise at most {cap}; already arranged {before}; granted {granted}" },
    { "rationed", "bureau requested available ratio",
      "{bureau}额度不足：本轮申请合计 {requested}，可用 {available}，按比例核减为 {ratio}",
      "the {bureau} envelope is short: this round requests {requested}, {available} is available, "
      "so every request is paid {ratio} of its amount" },
    { "unfunded", "bureau",
      "{bureau}额度已安排完毕，列入排队",
      "the {bureau} envelope is used up: queued" },
    { "award_fixed", "award", "按定额核定奖励 {award}", "fixed award of {award}" },
    { "award_table", "award", "按档位表核定奖励 {award}", "award by table row: {award}" },
    { "award_rate", "award", "按比例测算奖励 {award}", "award by rate: {award}" },
    { "award_per", "award", "按基数加递增测算奖励 {award}", "award by base plus steps: {award}" },
    { "award_marginal", "award", "按分段累进测算奖励 {award}", "award by marginal rates: {award}" },
    { "award_formula", "award", "按公式测算奖励 {award}", "award by formula: {award}" },
    /* format duixian/2 */
    { "rank_out", "place label value top",
      "择优排名第 {place} 名（按「{label}」{value}），本轮择优前 {top} 名",
      "ranked {place} (by “{label}” {value}); this round selects the top {top}" },
    { "requirement_failed", "line of requirement detail",
      "第 {line}/{of} 期拨付条件「{requirement}」不满足：{detail}；本期及以后各期不再拨付",
      "installment {line}/{of}: condition “{requirement}” fails: {detail}; this and later installments are not paid" },
    { "requirement_missing", "line of fields",
      "第 {line}/{of} 期拨付条件所需「{fields}」缺失，暂缓拨付",
      "installment {line}/{of} is held: “{fields}” missing for its conditions" },
    { "commitment_breached", "commitment from to detail cancelled refund",
      "违反承诺「{commitment}」（承诺期 {from} 至 {to}）：{detail}；停止拨付 {cancelled}，应退回 {refund}",
      "commitment “{commitment}” broken (period {from} to {to}): {detail}; {cancelled} not paid, {refund} to be refunded" },
    { "commitment_missing", "commitment fields",
      "承诺「{commitment}」所需「{fields}」缺失，本次未复核",
      "commitment “{commitment}” not reviewed: “{fields}” missing" },
    { "clawed_back", "date reason cancelled refund",
      "已于 {date} 追回，原因：{reason}；停止拨付 {cancelled}，应退回 {refund}",
      "clawed back on {date}: {reason}; {cancelled} not paid, {refund} to be refunded" },

    /* the other forms of some reasons: a row that could not be read, a
     * field without a column, without a row */
    { "invalid_row", "row detail",
      "第 {row} 行格式有误：{detail}",
      "row {row} is malformed: {detail}" },
    { "invalid_field_row", "field row detail",
      "「{field}」填写有误（第 {row} 行）：{detail}",
      "“{field}” is invalid (row {row}): {detail}" },
    { "invalid_field_bare", "field detail",
      "「{field}」填写有误：{detail}",
      "“{field}” is invalid: {detail}" },
    { "window_open", "", "不限", "open" },
    { "eval_what_award", "", "奖励金额", "award" },
    { "eval_what_cap", "", "奖励上限", "cap" },
    { "rationed_in_order", "bureau requested available order granted",
      "{bureau}额度不足：本轮申请合计 {requested}，可用 {available}，按{order}顺序安排，本次安排 {granted}",
      "the {bureau} envelope is short: this round requests {requested}, {available} is available; "
      "served in order of {order}, this one gets {granted}" },
    { "order_fcfs", "", "申报先后", "submission" },
    { "order_priority", "", "优先级", "priority" },
    { "param_from", "label value from", "{label} {value}（{from} 起）", "{label} {value} (from {from})" },
    { "param_set", "label value", "{label} {value}（试算设定）", "{label} {value} (set for this what-if)" },
    { "received_policy", "key amount", "已获「{key}」奖励 {amount}", "already received {amount} under policy “{key}”" },
    { "received_group", "key amount", "已获「{key}」合计 {amount}", "already received {amount} in group “{key}”" },
    { "read_sep", "", "；", "; " },
    { "read_wrap", "what", "（{what}）", " ({what})" },
    { "param_no_value", "param day",
      "参数「{param}」在 {day} 尚无取值，无法计算",
      "parameter “{param}” has no value on {day}" },
    { "no_approval_date", "", "（无核定日期）", "(no approval date)" },
    { "rank_eval_error", "label error",
      "择优排序指标「{label}」无法计算：{error}",
      "the ranking metric “{label}” cannot be computed: {error}" },
    { "requirement_failed_one", "line of requirement detail",
      "第 {line}/{of} 期拨付条件「{requirement}」不满足：{detail}；本期不再拨付",
      "installment {line}/{of}: condition “{requirement}” fails: {detail}; this installment is not paid" },
    { "requirement_forfeit_rest", "line of by",
      "第 {line}/{of} 期不再拨付：第 {by}/{of} 期拨付条件不满足",
      "installment {line}/{of} is not paid: the conditions of installment {by}/{of} failed" },
    { "requirement_no_row", "line of",
      "第 {line}/{of} 期暂缓拨付：核查数据中没有该企业",
      "installment {line}/{of} is held: the checks have no row for this enterprise" },
    { "requirement_eval_error", "line of requirement error",
      "第 {line}/{of} 期拨付条件「{requirement}」无法计算：{error}，暂缓拨付",
      "installment {line}/{of} is held: condition “{requirement}” cannot be computed: {error}" },
    { "commitment_eval_error", "commitment error",
      "承诺「{commitment}」无法计算：{error}，本次未复核",
      "commitment “{commitment}” not reviewed: it cannot be computed: {error}" },

    /* ORDER DxStatus */
    { "status_approved", "", "予以兑现", "approved" },
    { "status_reduced", "", "核减兑现", "approved, reduced" },
    { "status_rejected", "", "不予兑现", "rejected" },
    { "status_incomplete", "", "材料不全，待补正", "incomplete: supply the missing data" },
    { "status_invalid", "", "申报信息有误", "invalid" },
    { "status_duplicate", "", "重复申报", "duplicate" },
    { "status_unfunded", "", "额度不足，排队", "unfunded: queued" },
    { "status_error", "", "无法计算", "error" },

    /* ORDER DxReasonCode: short names, for a chart's label or a spreadsheet's cell */
    { "label_invalid_field", "", "申报信息有误", "invalid data" },
    { "label_duplicate_app_id", "", "重复申报", "duplicate application" },
    { "label_unknown_policy", "", "未知申报事项", "unknown policy" },
    { "label_outside_window", "", "不在受理期内", "outside the window" },
    { "label_clause_failed", "", "不满足申报条件", "a condition not met" },
    { "label_missing_field", "", "材料不全", "data missing" },
    { "label_eval_error", "", "无法计算", "cannot be computed" },
    { "label_once_only", "", "每户限享受一次", "once per enterprise" },
    { "label_award_zero", "", "测算奖励为零", "award of zero" },
    { "label_capped", "", "按单项上限核定", "cut to the cap" },
    { "label_policy_enterprise_cap", "", "政策单户累计上限", "policy's per-enterprise cap" },
    { "label_group_highest", "", "就高不重复", "highest of a group" },
    { "label_group_topup", "", "就高补差", "top-up in a group" },
    { "label_group_stack_cap", "", "合计封顶", "group's total cap" },
    { "label_fund_enterprise_cap", "", "资金单户上限", "fund's per-enterprise cap" },
    { "label_rationed", "", "额度不足按比例核减", "rationed" },
    { "label_unfunded", "", "额度用尽排队", "unfunded" },
    { "label_award_fixed", "", "按定额核定", "fixed amount" },
    { "label_award_table", "", "按档位表核定", "table row" },
    { "label_award_rate", "", "按比例测算", "rate" },
    { "label_award_per", "", "按基数加递增测算", "amount per unit" },
    { "label_award_marginal", "", "按分段累进测算", "marginal brackets" },
    { "label_award_formula", "", "按公式测算", "formula" },
    { "label_rank_out", "", "择优未入选", "not ranked high enough" },
    { "label_requirement_failed", "", "拨付条件不满足", "payment condition not met" },
    { "label_requirement_missing", "", "拨付条件待核", "payment condition unknown" },
    { "label_commitment_breached", "", "违反承诺", "commitment breached" },
    { "label_commitment_missing", "", "承诺待核", "commitment unknown" },
    { "label_clawed_back", "", "已追回", "clawed back" },

    /* a failed clause: the Chinese operators are words where English has
     * a sign, and carry their own spacing */
    { "clause_compare", "field actual op required",
      "{field}为 {actual}，要求{op} {required}",
      "{field} is {actual}, required{op} {required}" },
    { "clause_flag", "field actual required",
      "{field}为 {actual}，要求为 {required}",
      "{field} is {actual}, required {required}" },
    { "clause_value", "field value", "{field}为 {value}", "{field} is {value}" },
    { "op_eq", "", "为", " =" },
    { "op_ne", "", "不为", " ≠" },
    { "op_lt", "", " <", " <" },
    { "op_le", "", " ≤", " ≤" },
    { "op_gt", "", " >", " >" },
    { "op_ge", "", " ≥", " ≥" },
    { "op_in", "", "属于", " in" },
    { "op_not_in", "", "不属于", " not in" },
    { "yes", "", "是", "yes" },
    { "no", "", "否", "no" },
    { "list_sep", "", "，", ", " },

    /* explain: the head */
    { "head_application", "app_id", "申报编号  {app_id}", "application  {app_id}" },
    { "head_row", "row", "（第 {row} 行）", " (row {row})" },
    { "head_enterprise", "enterprise", "\n企业      {enterprise}\n", "\nenterprise   {enterprise}\n" },
    { "head_policy", "id name bureau", "政策      {id} {name}（{bureau}）\n", "policy       {id} {name} ({bureau})\n" },
    { "head_basis", "basis", "依据      {basis}\n", "basis        {basis}\n" },
    { "head_policy_unknown", "policy", "政策      {policy}（未找到）\n", "policy       {policy} (unknown)\n" },
    { "head_result", "status_name status computed granted",
      "结果      {status_name}（{status}）：测算 {computed}，核定 {granted}\n",
      "result       {status_name} ({status}): computed {computed}, granted {granted}\n" },
    { "section_reasons", "", "\n审核意见\n", "\nReasons\n" },
    { "none", "", "  （无）\n", "  (none)\n" },

    /* explain: the clauses */
    { "section_eligibility", "", "\n资格条件\n", "\nEligibility\n" },
    { "clauses_no_data", "",
      "  （未提供申报数据，不列实际值；未满足的条件见审核意见）\n",
      "  (application data not given: actual values not shown; failed clauses are in the reasons)\n" },
    { "clause_field_missing", "expr", "{expr}（有字段缺失）", "{expr} (a field is missing)" },

    /* explain: the award's form */
    { "section_computation", "", "\n测算过程\n", "\nComputation\n" },
    { "no_award", "", "  未测算奖励（见审核意见）\n", "  no award was computed (see the reasons)\n" },
    { "step_fixed", "award", "  1. 定额奖励：{award}\n", "  1. fixed award: {award}\n" },
    { "step_rate", "base rate award",
      "  1. 按比例：{base} × {rate} = {award}（四舍五入到分）\n",
      "  1. by rate: {base} × {rate} = {award} (rounded half up to the fen)\n" },
    { "step_table", "base", "  1. 按档位表，依据 {base}：\n", "  1. by table, on {base}:\n" },
    { "step_table_row", "mark from value applies",
      "     {mark} {from} 以上（含） → {value}{applies}\n",
      "     {mark} from {from} (inclusive) → {value}{applies}\n" },
    { "step_table_applies", "", "  ← 适用", "  ← applies" },
    { "step_table_below", "", "     未达到最低档\n", "     below the lowest row\n" },
    { "step_table_award", "award", "     奖励 {award}\n", "     award {award}\n" },
    { "step_per", "x base from unit amount steps award",
      "  1. 基数加递增：{x}；基数 {base}，起点 {from} 起每满 {unit} 增加 {amount}：{steps} 个增量\n"
      "     {base} + {steps} × {amount} = {award}\n",
      "  1. base plus steps: {x}; base {base}, from {from} every full {unit} adds {amount}: {steps} steps\n"
      "     {base} + {steps} × {amount} = {award}\n" },
    { "step_per_expr", "x expr award", "  1. 基数加递增：{x}；{expr} = {award}\n", "  1. base plus steps: {x}; {expr} = {award}\n" },
    { "step_marginal", "base", "  1. 分段累进，依据 {base}：\n", "  1. marginal rates, on {base}:\n" },
    { "step_marginal_slice", "from slice rate part",
      "     {from} 以上部分 {slice} × {rate} = {part}\n",
      "     above {from}: {slice} × {rate} = {part}\n" },
    { "step_marginal_row", "from rate", "     {from} 以上部分 × {rate}\n", "     above {from}: × {rate}\n" },
    { "step_marginal_total", "award", "     合计 {award}（四舍五入到分）\n", "     total {award} (rounded half up to the fen)\n" },
    { "step_formula", "expr", "  1. 按公式 {expr}", "  1. by formula {expr}" },
    { "step_formula_where", "", "，其中 ", ", where " },
    { "step_formula_missing", "field", "{field} 缺失", "{field} missing" },
    { "step_formula_result", "award", "\n     = {award}（四舍五入到分）\n", "\n     = {award} (rounded half up to the fen)\n" },

    /* explain: steps 5-9, numbered on from the award's step */
    { "step_fund_share", "n share amount charged",
      "  {n}. 本资金承担 {share}：{amount} × {share} = {charged}\n",
      "  {n}. this fund pays {share}: {amount} × {share} = {charged}\n" },
    { "step_capped", "n cap computed",
      "  {n}. 单项上限 {cap}：{computed} → {cap}\n",
      "  {n}. policy cap {cap}: {computed} → {cap}\n" },
    { "step_policy_enterprise_cap", "n cap before granted",
      "  {n}. 政策单户累计上限 {cap}，已享受 {before}：核定 {granted}\n",
      "  {n}. policy cap per enterprise {cap}, already received {before}: {granted}\n" },
    { "step_group_highest", "n group other",
      "  {n}. 「{group}」就高不重复，就高适用 {other}：本项 0元\n",
      "  {n}. group “{group}” pays only the highest award ({other}): 0 here\n" },
    { "step_group_topup", "n group before award granted",
      "  {n}. 「{group}」已享受 {before}，补差：{award} − {before} = {granted}\n",
      "  {n}. group “{group}”: already holds {before}, pays the difference: {award} − {before} = {granted}\n" },
    { "step_group_stack_cap", "n group cap before granted",
      "  {n}. 「{group}」合计上限 {cap}，已享受 {before}：核定 {granted}\n",
      "  {n}. group “{group}” cap {cap}, already {before}: {granted}\n" },
    { "step_fund_enterprise_cap", "n cap before granted",
      "  {n}. 本资金单户上限 {cap}，已安排 {before}：核定 {granted}\n",
      "  {n}. the fund's cap per enterprise {cap}, already arranged {before}: {granted}\n" },
    { "step_rationed", "n bureau available requested ratio charged granted factor",
      "  {n}. {bureau}额度按比例核减：可用 {available} ÷ 申请合计 {requested} = {ratio}；{charged} × {ratio} → {granted}"
      "（按分取整，余数按最大余额分配）\n"
      "     实际比例（核定 ÷ 申请）{factor}\n",
      "  {n}. {bureau} envelope rationed pro rata: available {available} ÷ requested {requested} = {ratio}; "
      "{charged} × {ratio} → {granted} (floored to the fen, leftover fen to the largest remainders)\n"
      "     actual factor (granted ÷ requested) {factor}\n" },
    { "step_rationed_in_order", "n bureau charged granted factor",
      "  {n}. {bureau}额度不足，按顺序安排：申请 {charged}，安排 {granted}（{factor}）\n",
      "  {n}. {bureau} envelope short, served in order: requested {charged}, granted {granted} ({factor})\n" },
    { "step_unfunded", "n bureau",
      "  {n}. {bureau}额度已安排完毕：0元，列入排队\n",
      "  {n}. {bureau} envelope used up: 0, queued\n" },
    { "step_computed_granted", "computed granted factor",
      "  测算 {computed}，核定 {granted}，为测算的 {factor}\n",
      "  computed {computed}, granted {granted}: {factor} of computed\n" },
    { "step_granted", "granted", "  核定 {granted}\n", "  granted {granted}\n" },

    /* explain: installments */
    { "section_installments", "", "\n分期拨付（规则）\n", "\nInstallments (rule)\n" },
    { "installment_rest", "", "余额", "the rest" },
    { "installment_approval", "n what", "  第 {n} 期 {what}，核定时拨付\n", "  {n}. {what} at approval\n" },
    { "installment_date", "n what date", "  第 {n} 期 {what}，于 {date} 拨付\n", "  {n}. {what} on {date}\n" },
    { "installment_after_months", "n what months",
      "  第 {n} 期 {what}，核定后 {months} 个月拨付\n",
      "  {n}. {what} {months} months after approval\n" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(messages) == DX_MSG_N);

const DxMessage *
dx_msg_get(DxMsg id)
{
    g_return_val_if_fail((guint)id < DX_MSG_N, NULL);
    return &messages[id];
}

const char *
dx_msg_text(DxMsg id, gboolean en)
{
    g_return_val_if_fail((guint)id < DX_MSG_N, "");
    return en ? messages[id].en : messages[id].zh;
}

/* Decimal digits by hand rather than printf: a locale with digit grouping
 * must not put separators into row numbers. */
static void
msg_append_int(GString *out, int64_t v)
{
    char buf[24];
    size_t n = sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        buf[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[--n] = '-';
    g_string_append_len(out, buf + n, (gssize)(sizeof buf - n));
}

void
dx_msg_append(GString *out, DxMsg id, gboolean en, const DxMsgArg *args, guint n_args)
{
    const char *p, *open;

    g_return_if_fail(out != NULL && (guint)id < DX_MSG_N);
    p = en ? messages[id].en : messages[id].zh;
    while ((open = strchr(p, '{')) != NULL) {
        const char *close = strchr(open, '}');
        gsize len;
        guint k;

        if (close == NULL)
            break;
        g_string_append_len(out, p, open - p);
        len = (gsize)(close - open - 1);
        for (k = 0; k < n_args; k++) {
            if (strlen(args[k].name) == len && memcmp(args[k].name, open + 1, len) == 0)
                break;
        }
        if (k == n_args)
            g_critical("message %s: no value for slot {%.*s}", messages[id].name, (int)len, open + 1);
        else if (args[k].s != NULL)
            g_string_append(out, args[k].s);
        else
            msg_append_int(out, args[k].i);
        p = close + 1;
    }
    g_string_append(out, p);
}

char *
dx_msg_dup(DxMsg id, gboolean en, const DxMsgArg *args, guint n_args)
{
    GString *out = g_string_new(NULL);

    dx_msg_append(out, id, en, args, n_args);
    return g_string_free(out, FALSE);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Property tests for rounds (docs/rules.md §4-§6, §8): many random small scenarios,
 * each a generated ruleset (2 envelopes, 4-6 policies with caps, a
 * `highest` and a `stack` group, fund shares, once, policy per-enterprise
 * caps, installments, one of the three shortfall rules, sometimes a fund
 * per-enterprise cap), a generated history file, and a set of applications
 * with unique app_ids split at a random point into two rounds on one ledger
 * (sometimes a third round re-running all of them). Deterministic: the
 * scenarios come from g_rand seeded with DX_PROPERTY_SEED + i
 * (default 20220630), i < DX_PROPERTY_SCENARIOS (default 600); a failure
 * names its seed.
 *
 * Every round is run dry with its rows as generated, dry with its rows
 * shuffled, then for real; checked:
 * - decisions.csv, schedule.csv and summary.json are byte-identical in the
 *   three runs (input order does not matter; a dry run is exactly the real
 *   run, and leaves the ledger as it was);
 * - per envelope: Σ granted ≤ R = max(total − ledger charged, 0), and
 *   Σ granted = R whenever a decision there is rationed or unfunded (for
 *   pro_rata, priority and fcfs alike); the ledger's charge grows by Σ
 *   granted; summary.json agrees with the decisions (envelopes, statuses,
 *   policies, totals);
 * - statuses agree with the amounts (approved: granted = computed > 0;
 *   reduced: 0 < granted < computed; unfunded: computed > 0, granted 0;
 *   every other status: granted 0) and with the reasons (unfunded ⇔ the
 *   reason unfunded; rationed only with 0 < granted);
 * - schedule lines: amount > 0, `installment` ≤ `of` = the policy's number
 *   of installments, batch_id = date + bureau, future ⇔ date > 2022-12-31,
 *   and the lines of each decision sum to its grant (none for a grant of 0);
 * - caps, over all rounds of the scenario, history included where the
 *   spec says so: the fund per-enterprise cap on granted fen (history
 *   excluded); the policy per-enterprise cap and the stack group cap in
 *   award units (granted × 100 / share% is a lower bound of the award the
 *   ledger counts, as every amount is whole 元 and shares are 100/80/50/25%);
 *   `once` (at most one grant per enterprise and policy, none if history has
 *   it); `highest` (at most one grant per enterprise per round, and the
 *   holdings never exceed max(history, the largest award));
 * - a third round of already-granted app_ids: each of them is a duplicate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "duixian/duixian.h"

#define N_ENT 6
#define MAX_POL 6
#define PERIOD_TO "2022-12-31"
#define L 400 /* lcm of 100, 80, 50, 25: award units × L stay integral */

static const char *const bureau_keys[2] = { "commerce", "finance" };
static const char *const shortfalls[3] = { "pro_rata", "priority", "fcfs" };

typedef struct {
    char id[8];
    int bureau;             /* index into bureau_keys */
    int award_kind;         /* 0: x, 1: fixed, 2: table on x */
    int64_t fixed_yuan;
    int64_t cap_yuan;       /* -1: none */
    int share;              /* percent: 100, 80, 50, 25 */
    int group;              /* -1: none, 0: gh (highest), 1: gs (stack) */
    gboolean once;
    int64_t pcap_yuan;      /* -1: none */
    int priority;
    int inst_kind;          /* 0 none, 1 3 shares, 2 2 shares at a date, 3 amount+rest, 4 amounts */
} Pol;

typedef struct {
    int ent;
    const char *policy;     /* a policy id or "OLD" */
    int group;              /* -1, 0, 1 */
    int64_t fen;
} Hist;

typedef struct {
    guint32 seed;
    int shortfall;
    int64_t env_yuan[2];
    int64_t fund_cap_yuan;  /* -1: none */
    int64_t gs_cap_yuan;    /* -1: no cap */
    guint n_pol;
    Pol pol[MAX_POL];
    GArray *hist;           /* of Hist */
} Spec;

/* Cumulative state of one scenario (all rounds so far). */
typedef struct {
    int64_t ent_granted[N_ENT];                /* fen, for the fund cap */
    int64_t pol_granted_units[N_ENT][MAX_POL]; /* Σ granted × 100 × L / share */
    guint pol_count[N_ENT][MAX_POL];           /* grants > 0 */
    int64_t group_units[N_ENT][2];             /* Σ granted × 100 × L / share, per group */
    int64_t gh_max_award_l[N_ENT];             /* max step-4 award × L in gh */
    int64_t charged[2];                        /* what the ledger should hold per envelope */
    GHashTable *granted_apps;                  /* app_ids granted so far */
} State;

static guint n_rounds_run, n_decisions_seen, n_lines_seen, n_short_envelopes;
static guint reason_seen[DX_REASON_AWARD_FORMULA + 1]; /* in real rounds */

/* ------------------------------------------------------------------ generation */

static int64_t
rnd(GRand *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)g_rand_int_range(r, 0, (gint32)(hi - lo + 1));
}

static int
ent_index(const char *id)
{
    return id[0] == 'E' ? atoi(id + 1) - 1 : -1;
}

static int
pol_index(const Spec *s, const char *id)
{
    for (guint p = 0; p < s->n_pol; p++) {
        if (strcmp(s->pol[p].id, id) == 0)
            return (int)p;
    }
    return -1;
}

static void
gen_spec(Spec *s, GRand *r)
{
    static const int shares[] = { 100, 100, 80, 50, 25 };

    s->shortfall = (int)rnd(r, 0, 2);
    for (int e = 0; e < 2; e++)
        s->env_yuan[e] = rnd(r, 5, 120) * 10000;
    s->fund_cap_yuan = rnd(r, 0, 2) == 0 ? -1 : rnd(r, 10, 40) * 10000;
    s->gs_cap_yuan = rnd(r, 0, 3) == 0 ? -1 : rnd(r, 5, 40) * 10000;
    s->n_pol = (guint)rnd(r, 4, MAX_POL);
    for (guint p = 0; p < s->n_pol; p++) {
        Pol *q = &s->pol[p];

        g_snprintf(q->id, sizeof q->id, "P%u", p + 1);
        q->bureau = (int)rnd(r, 0, 1);
        q->award_kind = (int)rnd(r, 0, 2);
        q->fixed_yuan = rnd(r, 1, 30) * 10000;
        q->cap_yuan = rnd(r, 0, 2) == 0 ? rnd(r, 3, 20) * 10000 : -1;
        q->share = shares[rnd(r, 0, G_N_ELEMENTS(shares) - 1)];
        q->group = (int)rnd(r, -1, 1);
        q->once = rnd(r, 0, 3) == 0;
        q->pcap_yuan = rnd(r, 0, 2) == 0 ? rnd(r, 5, 40) * 10000 : -1;
        q->priority = rnd(r, 0, 2) == 0 ? (int)rnd(r, -1, 3) : 0;
        q->inst_kind = (int)rnd(r, 0, 4);
    }
    /* at least one policy in each group, so both modes are exercised */
    s->pol[0].group = 0;
    s->pol[1].group = 0;
    s->pol[2].group = 1;
    s->pol[3].group = 1;

    s->hist = g_array_new(FALSE, TRUE, sizeof(Hist));
    for (int i = 0, n = (int)rnd(r, 0, 6); i < n; i++) {
        Hist h;

        h.ent = (int)rnd(r, 0, N_ENT - 1);
        h.fen = rnd(r, 1, 30) * 1000000;    /* whole 万元 */
        if (rnd(r, 0, 2) == 0) {
            h.policy = "OLD";
            h.group = (int)rnd(r, -1, 1);
        } else {
            int p = (int)rnd(r, 0, (int64_t)s->n_pol - 1);

            h.policy = s->pol[p].id;
            h.group = s->pol[p].group;
        }
        g_array_append_val(s->hist, h);
    }
}

static const char *const group_keys[2] = { "gh", "gs" };

static char *
spec_yaml(const Spec *s)
{
    GString *y = g_string_new(NULL);

    g_string_append_printf(y,
                           "format: duixian/1\n"
                           "fund:\n"
                           "  id: PROP/%u\n"
                           "  name: 随机\n"
                           "  total: %" G_GINT64_FORMAT "元\n"
                           "  period: {from: 2022-01-01, to: " PERIOD_TO "}\n"
                           "  envelopes: {commerce: %" G_GINT64_FORMAT "元, finance: %" G_GINT64_FORMAT "元}\n",
                           s->seed, s->env_yuan[0] + s->env_yuan[1], s->env_yuan[0], s->env_yuan[1]);
    if (s->fund_cap_yuan >= 0)
        g_string_append_printf(y, "  per_enterprise_cap: %" G_GINT64_FORMAT "元\n", s->fund_cap_yuan);
    g_string_append_printf(y, "  shortfall: %s\n", shortfalls[s->shortfall]);
    g_string_append(y, "bureaus: {commerce: 区商务局, finance: 区金融局}\n"
                       "fields:\n  x: {type: money, label: 金额}\n"
                       "groups:\n  gh: {name: 就高, mode: highest}\n");
    if (s->gs_cap_yuan >= 0)
        g_string_append_printf(y, "  gs: {name: 叠加封顶, mode: stack, cap: %" G_GINT64_FORMAT "元}\n", s->gs_cap_yuan);
    else
        g_string_append(y, "  gs: {mode: stack}\n");
    g_string_append(y, "policies:\n");
    for (guint p = 0; p < s->n_pol; p++) {
        const Pol *q = &s->pol[p];

        g_string_append_printf(y, "  - id: %s\n    name: 政策%u\n    bureau: %s\n    basis: 随机第%u条\n", q->id, p + 1,
                               bureau_keys[q->bureau], p + 1);
        switch (q->award_kind) {
        case 0:
            g_string_append(y, "    award: x\n");
            break;
        case 1:
            g_string_append_printf(y, "    award: {fixed: %" G_GINT64_FORMAT "元}\n", q->fixed_yuan);
            break;
        default:
            g_string_append(y, "    award: {table: x, rows: [[1元, 2万元], [5万元, 6万元], [10万元, 15万元]]}\n");
            break;
        }
        if (q->cap_yuan >= 0)
            g_string_append_printf(y, "    cap: %" G_GINT64_FORMAT "元\n", q->cap_yuan);
        if (q->share != 100)
            g_string_append_printf(y, "    fund_share: %d%%\n", q->share);
        if (q->group >= 0)
            g_string_append_printf(y, "    group: %s\n", group_keys[q->group]);
        if (q->once)
            g_string_append(y, "    once: true\n");
        if (q->pcap_yuan >= 0)
            g_string_append_printf(y, "    per_enterprise_cap: %" G_GINT64_FORMAT "元\n", q->pcap_yuan);
        if (q->priority != 0)
            g_string_append_printf(y, "    priority: %d\n", q->priority);
        switch (q->inst_kind) {
        case 1:
            g_string_append(y, "    installments:\n"
                               "      - {share: 50%, at: approval}\n"
                               "      - {share: 30%, after: 12 months}\n"
                               "      - {share: 20%, after: 25 months}\n");
            break;
        case 2:
            g_string_append(y, "    installments:\n"
                               "      - {share: 33.33%, at: 2022-01-15}\n"
                               "      - {share: 66.67%, after: 1 month}\n");
            break;
        case 3:
            g_string_append(y, "    installments:\n"
                               "      - {amount: 1.5万元, at: approval}\n"
                               "      - {amount: 0.01元, after: 2 months}\n"
                               "      - {rest: true, after: 6 months}\n");
            break;
        case 4:
            g_string_append(y, "    installments:\n"
                               "      - {amount: 5000元, at: approval}\n"
                               "      - {amount: 5000元, after: 13 months}\n");
            break;
        default:
            break;
        }
    }
    return g_string_free(y, FALSE);
}

static guint
pol_n_installments(const Pol *q)
{
    static const guint n[] = { 1, 3, 2, 3, 2 };

    return n[q->inst_kind];
}

static char *
history_csv(const Spec *s)
{
    GString *h = g_string_new("enterprise_id,policy_id,group,amount_fen,date\n");

    for (guint i = 0; i < s->hist->len; i++) {
        const Hist *x = &g_array_index(s->hist, Hist, i);

        g_string_append_printf(h, "E%d,%s,%s,%" G_GINT64_FORMAT ",2021-%02u-01\n", x->ent + 1, x->policy,
                               x->group >= 0 ? group_keys[x->group] : "", x->fen, i % 12 + 1);
    }
    return g_string_free(h, FALSE);
}

/* One application row (without the trailing newline). */
static char *
gen_row(const Spec *s, GRand *r, guint index)
{
    const char *policy = "";
    g_autofree char *x = NULL;
    int k = (int)rnd(r, 0, 99);

    if (rnd(r, 0, 4) > 0)
        policy = s->pol[rnd(r, 0, (int64_t)s->n_pol - 1)].id;
    if (k < 4)
        x = g_strdup("");                 /* incomplete where x is needed */
    else if (k < 6)
        x = g_strdup("12.345元");         /* invalid */
    else if (k < 10)
        x = g_strdup("0元");
    else
        x = g_strdup_printf("%" G_GINT64_FORMAT "元", rnd(r, 1, 250) * 1000);
    return g_strdup_printf("A%s%04u,E%d,%s,2022-0%d-0%d,%s", index % 2 ? "-" : "", index,
                           (int)rnd(r, 1, N_ENT), policy, (int)rnd(r, 1, 3), (int)rnd(r, 1, 4), x);
}

static char *
rows_csv(GPtrArray *rows, guint from, guint to)
{
    GString *c = g_string_new("app_id,enterprise_id,policy,submitted_on,x\n");

    for (guint i = from; i < to; i++) {
        g_string_append(c, g_ptr_array_index(rows, i));
        g_string_append_c(c, '\n');
    }
    return g_string_free(c, FALSE);
}

static char *
shuffled_csv(GPtrArray *rows, guint from, guint to, GRand *r)
{
    g_autoptr(GPtrArray) copy = g_ptr_array_new();

    for (guint i = from; i < to; i++)
        g_ptr_array_add(copy, g_ptr_array_index(rows, i));
    for (guint i = copy->len; i > 1; i--) {
        guint j = (guint)g_rand_int_range(r, 0, (gint32)i);
        gpointer t = copy->pdata[i - 1];

        copy->pdata[i - 1] = copy->pdata[j];
        copy->pdata[j] = t;
    }
    return rows_csv(copy, 0, copy->len);
}

/* ------------------------------------------------------------------ running */

typedef struct {
    char *decisions, *schedule, *summary;
} Out;

static void
out_clear(Out *o)
{
    g_clear_pointer(&o->decisions, g_free);
    g_clear_pointer(&o->schedule, g_free);
    g_clear_pointer(&o->summary, g_free);
}

/* Runs one round; returns it (to inspect) with @out filled. */
static DxRound *
run(const Spec *s, DxRuleset *rs, DxLedger *ledger, const char *csv, const char *hist_path, const char *date,
    gboolean dry, Out *out)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxBatch) batch = dx_batch_new(rs);
    DxRound *r = dx_round_new(rs, date, &error);

    assert_non_null(r);
    if (!dx_batch_add_csv_data(batch, csv, -1, "apps.csv", NULL, &error))
        fail_msg("seed %u: %s", s->seed, error->message);
    if (!dx_round_add_history_file(r, hist_path, &error))
        fail_msg("seed %u: %s", s->seed, error->message);
    dx_round_set_ledger(r, ledger);
    dx_round_set_dry_run(r, dry);
    if (!dx_round_run(r, batch, &error))
        fail_msg("seed %u: %s", s->seed, error->message);
    out->decisions = dx_decision_list_dup_csv(dx_round_get_decisions(r));
    out->schedule = dx_round_dup_schedule_csv(r);
    out->summary = dx_round_dup_summary_json(r);
    n_rounds_run++;
    return r;
}

static gboolean
has_reason(const DxDecision *d, DxReasonCode code)
{
    for (size_t i = 0; i < dx_decision_get_n_reasons(d); i++) {
        if (dx_decision_get_reason_code(d, i) == code)
            return TRUE;
    }
    return FALSE;
}

static int64_t
hist_sum(const Spec *s, int ent, const char *policy, int group)
{
    int64_t sum = 0;

    for (guint i = 0; i < s->hist->len; i++) {
        const Hist *h = &g_array_index(s->hist, Hist, i);

        if (h->ent == ent && (policy == NULL || strcmp(h->policy, policy) == 0) && (group < 0 || h->group == group))
            sum += h->fen;
    }
    return sum;
}

static void G_GNUC_PRINTF(3, 4)
check_failed(guint32 seed, guint round_no, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fail_msg("seed %u round %u: %s", seed, round_no, msg);
}

/* Needs `s` (const Spec *) and `round_no` in scope. */
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            check_failed(s->seed, round_no, __VA_ARGS__);                                           \
    } while (0)

/* Checks one real round (decisions, schedule, summary) and folds it into @st. */
static void
check_round(const Spec *s, guint round_no, const char *date, DxRound *r, const Out *o, DxLedger *ledger,
            State *st)
{
    DxDecisionList *list = dx_round_get_decisions(r);
    size_t n = dx_decision_list_get_n_items(list);
    int64_t env_granted[2] = { 0, 0 }, R[2];
    gboolean env_short[2] = { FALSE, FALSE };
    size_t status_count[8] = { 0 };
    size_t applied[MAX_POL] = { 0 }, approved[MAX_POL] = { 0 };
    int64_t pol_granted[MAX_POL] = { 0 }, total = 0;
    guint gh_grants[N_ENT] = { 0 };
    g_autoptr(GHashTable) lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autofree char *fund_id = g_strdup_printf("PROP/%u", s->seed);
    int64_t requested[2];
    GString *expect;

    for (int e = 0; e < 2; e++)
        R[e] = MAX(s->env_yuan[e] * 100 - st->charged[e], 0);

    for (size_t i = 0; i < n; i++) {
        const DxDecision *d = dx_decision_list_get_item(list, i);
        DxStatus status = dx_decision_get_status(d);
        int64_t computed = dx_decision_get_computed_fen(d), granted = dx_decision_get_granted_fen(d);
        const char *app = dx_decision_get_app_id(d);
        int p = pol_index(s, dx_decision_get_policy_id(d));
        int ent = ent_index(dx_decision_get_enterprise_id(d));

        n_decisions_seen++;
        status_count[status]++;
        for (size_t k = 0; k < dx_decision_get_n_reasons(d); k++) {
            DxReasonCode code = dx_decision_get_reason_code(d, k);

            if ((size_t)code < G_N_ELEMENTS(reason_seen))
                reason_seen[code]++;
        }
        total += granted;
        CHECK(granted >= 0 && granted <= MAX(computed, 0), "%s: granted %" G_GINT64_FORMAT " > computed", app, granted);
        switch (status) {
        case DX_STATUS_APPROVED:
            CHECK(granted == computed && granted > 0, "%s approved with %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                  app, granted, computed);
            break;
        case DX_STATUS_REDUCED:
            CHECK(granted > 0 && granted < computed, "%s reduced with %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                  app, granted, computed);
            break;
        case DX_STATUS_UNFUNDED:
            CHECK(granted == 0 && computed > 0, "%s unfunded with computed %" G_GINT64_FORMAT, app, computed);
            break;
        default:
            CHECK(granted == 0, "%s %s but granted", app, dx_status_to_string(status));
            break;
        }
        CHECK((status == DX_STATUS_UNFUNDED) == has_reason(d, DX_REASON_UNFUNDED), "%s: unfunded reason/status",
              app);
        CHECK(!has_reason(d, DX_REASON_RATIONED) || granted > 0, "%s: rationed to 0", app);
        if (st->granted_apps != NULL && g_hash_table_contains(st->granted_apps, app))
            CHECK(status == DX_STATUS_DUPLICATE, "%s granted earlier but %s", app,
                  dx_status_to_string(status));
        if (p < 0) {
            CHECK(granted == 0, "%s: grant without a policy", app);
            continue;
        }
        applied[p]++;
        approved[p] += status == DX_STATUS_APPROVED || status == DX_STATUS_REDUCED;
        pol_granted[p] += granted;
        {
            const Pol *q = &s->pol[p];
            int env = q->bureau;

            env_granted[env] += granted;
            if (has_reason(d, DX_REASON_RATIONED) || status == DX_STATUS_UNFUNDED)
                env_short[env] = TRUE;
            if (q->group == 0 && computed > 0 && ent >= 0)
                st->gh_max_award_l[ent] = MAX(st->gh_max_award_l[ent], computed * 100 * (L / q->share));
            if (granted > 0) {
                g_autofree char *key = g_strdup_printf("%s\x1f%s", app, q->id);
                int64_t *sum = g_new0(int64_t, 1);

                CHECK(ent >= 0, "%s: odd enterprise", app);
                *sum = granted;
                CHECK(!g_hash_table_contains(lines, key), "%s/%s granted twice", app, q->id);
                g_hash_table_insert(lines, g_steal_pointer(&key), sum);
                st->ent_granted[ent] += granted;
                st->pol_granted_units[ent][p] += granted * 100 * (L / q->share);
                st->pol_count[ent][p]++;
                if (q->group >= 0)
                    st->group_units[ent][q->group] += granted * 100 * (L / q->share);
                if (q->group == 0)
                    gh_grants[ent]++;
            }
        }
    }

    /* envelopes (§6 step 9) and the ledger */
    for (int e = 0; e < 2; e++) {
        g_autofree char *needle = g_strdup_printf("\"%s\": {\"charged_before\": ", bureau_keys[e]);
        const char *at = strstr(o->summary, needle);
        long long cb = -1, gr = -1, rem = -1, req = -1, tot = -1;

        CHECK(env_granted[e] <= R[e], "%s granted %" G_GINT64_FORMAT " > R %" G_GINT64_FORMAT, bureau_keys[e], env_granted[e], R[e]);
        if (env_short[e]) {
            n_short_envelopes++;
            CHECK(env_granted[e] == R[e], "%s short but granted %" G_GINT64_FORMAT " < R %" G_GINT64_FORMAT, bureau_keys[e], env_granted[e], R[e]);
        }
        CHECK(at != NULL, "summary lacks envelope %s", bureau_keys[e]);
        CHECK(sscanf(at + strlen(needle), "%lld, \"granted\": %lld, \"remaining\": %lld, \"requested\": %lld, \"total\": %lld}",
                     &cb, &gr, &rem, &req, &tot) == 5,
              "summary envelope line %s", bureau_keys[e]);
        CHECK(cb == st->charged[e] && gr == env_granted[e] && tot == s->env_yuan[e] * 100 && rem == tot - cb - gr,
              "summary envelope %s: %lld %lld %lld %lld", bureau_keys[e], cb, gr, rem, tot);
        CHECK(env_short[e] ? req > R[e] : req == gr, "summary %s requested %lld", bureau_keys[e], req);
        requested[e] = req;
        st->charged[e] += env_granted[e];
        CHECK(dx_ledger_get_charged_fen(ledger, fund_id, bureau_keys[e]) == st->charged[e], "ledger %s charge",
              bureau_keys[e]);
        CHECK(st->charged[e] <= s->env_yuan[e] * 100, "%s over its envelope", bureau_keys[e]);
    }

    /* summary.json byte for byte, from the decisions */
    expect = g_string_new(NULL);
    g_string_append_printf(expect, "{\n  \"approval_date\": \"%s\",\n  \"decisions\": %zu,\n  \"envelopes\": {\n",
                           date, n);
    for (int e = 0; e < 2; e++)
        g_string_append_printf(expect,
                               "    \"%s\": {\"charged_before\": %" G_GINT64_FORMAT ", \"granted\": %" G_GINT64_FORMAT
                               ", \"remaining\": %" G_GINT64_FORMAT ", \"requested\": %" G_GINT64_FORMAT
                               ", \"total\": %" G_GINT64_FORMAT "}%s\n",
                               bureau_keys[e], st->charged[e] - env_granted[e], env_granted[e],
                               s->env_yuan[e] * 100 - st->charged[e], requested[e], s->env_yuan[e] * 100,
                               e == 0 ? "," : "");
    g_string_append_printf(expect, "  },\n  \"format\": \"duixian/1\",\n  \"fund\": \"%s\",\n  \"granted_fen\": %" G_GINT64_FORMAT
                                   ",\n  \"policies\": {\n",
                           fund_id, total);
    for (guint p = 0; p < s->n_pol; p++)    /* P1..P6 sort as generated */
        g_string_append_printf(expect, "    \"%s\": {\"applied\": %zu, \"approved\": %zu, \"granted_fen\": %" G_GINT64_FORMAT "}%s\n",
                               s->pol[p].id, applied[p], approved[p], pol_granted[p], p + 1 < s->n_pol ? "," : "");
    g_string_append_printf(expect,
                           "  },\n  \"shortfall\": \"%s\",\n  \"status_counts\": {\"approved\": %zu, \"duplicate\": %zu, "
                           "\"error\": %zu, \"incomplete\": %zu, \"invalid\": %zu, \"reduced\": %zu, \"rejected\": %zu, "
                           "\"unfunded\": %zu}\n}\n",
                           shortfalls[s->shortfall], status_count[DX_STATUS_APPROVED], status_count[DX_STATUS_DUPLICATE],
                           status_count[DX_STATUS_ERROR], status_count[DX_STATUS_INCOMPLETE],
                           status_count[DX_STATUS_INVALID], status_count[DX_STATUS_REDUCED],
                           status_count[DX_STATUS_REJECTED], status_count[DX_STATUS_UNFUNDED]);
    if (strcmp(expect->str, o->summary) != 0)
        fail_msg("seed %u round %u: summary.json\n--- expected\n%s--- got\n%s", s->seed, round_no,
                 expect->str, o->summary);
    g_string_free(expect, TRUE);

    /* schedule (§5.2, §6 step 10): lines sum to the grant */
    for (size_t i = 0; i < dx_round_get_n_schedule_lines(r); i++) {
        const DxScheduleLine *l = dx_round_get_schedule_line(r, i);
        g_autofree char *key = g_strdup_printf("%s\x1f%s", dx_schedule_line_get_app_id(l),
                                               dx_schedule_line_get_policy_id(l));
        int64_t *left = g_hash_table_lookup(lines, key);
        int p = pol_index(s, dx_schedule_line_get_policy_id(l));
        const char *ldate = dx_schedule_line_get_date(l);
        g_autofree char *batch = NULL;

        n_lines_seen++;
        CHECK(left != NULL && p >= 0, "schedule line for %s without a grant", key);
        batch = g_strdup_printf("%.4s%.2s%.2s-%s", ldate, ldate + 5, ldate + 8, bureau_keys[s->pol[p].bureau]);
        CHECK(dx_schedule_line_get_amount_fen(l) > 0, "0-fen line");
        CHECK(dx_schedule_line_get_of(l) == pol_n_installments(&s->pol[p]) &&
                  dx_schedule_line_get_installment(l) >= 1 &&
                  dx_schedule_line_get_installment(l) <= dx_schedule_line_get_of(l),
              "installment %u of %u for %s", dx_schedule_line_get_installment(l),
              dx_schedule_line_get_of(l), s->pol[p].id);
        CHECK(strcmp(dx_schedule_line_get_batch_id(l), batch) == 0, "batch id %s", dx_schedule_line_get_batch_id(l));
        CHECK(strcmp(dx_schedule_line_get_bureau(l), bureau_keys[s->pol[p].bureau]) == 0, "bureau");
        CHECK(!dx_schedule_line_get_future(l) == (strcmp(ldate, PERIOD_TO) <= 0), "future flag on %s", ldate);
        CHECK(strcmp(ldate, date) >= 0, "line dated %s before approval", ldate);
        *left -= dx_schedule_line_get_amount_fen(l);
    }
    {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, lines);
        while (g_hash_table_iter_next(&it, &k, &v))
            CHECK(*(int64_t *)v == 0, "lines of %s sum to grant − %" G_GINT64_FORMAT, (char *)k, *(int64_t *)v);
    }

    /* caps over all rounds so far */
    for (int e = 0; e < N_ENT; e++) {
        CHECK(gh_grants[e] <= 1, "E%d has %u grants in the highest group", e + 1, gh_grants[e]);
        if (s->fund_cap_yuan >= 0)
            CHECK(st->ent_granted[e] <= s->fund_cap_yuan * 100, "E%d over the fund cap: %" G_GINT64_FORMAT, e + 1, st->ent_granted[e]);
        for (guint p = 0; p < s->n_pol; p++) {
            const Pol *q = &s->pol[p];
            int64_t h = hist_sum(s, e, q->id, -1);

            if (q->pcap_yuan >= 0)
                CHECK(st->pol_granted_units[e][p] == 0 || h * L + st->pol_granted_units[e][p] <= q->pcap_yuan * 100 * L,
                      "E%d over %s's per-enterprise cap", e + 1, q->id);
            if (q->once)
                CHECK(st->pol_count[e][p] <= (h > 0 ? 0u : 1u), "E%d got once-policy %s %u times", e + 1, q->id, st->pol_count[e][p]);
        }
        if (s->gs_cap_yuan >= 0)
            CHECK(st->group_units[e][1] == 0 || hist_sum(s, e, NULL, 1) * L + st->group_units[e][1] <= s->gs_cap_yuan * 100 * L,
                  "E%d over the stack cap", e + 1);
        {
            int64_t h = hist_sum(s, e, NULL, 0) * L;

            CHECK(h + st->group_units[e][0] <= MAX(h, st->gh_max_award_l[e]), "E%d holds more than its largest award in gh",
                  e + 1);
        }
    }
    if (st->granted_apps != NULL) {
        for (size_t i = 0; i < n; i++) {
            const DxDecision *d = dx_decision_list_get_item(list, i);

            if (dx_decision_get_granted_fen(d) > 0)
                g_hash_table_add(st->granted_apps, g_strdup(dx_decision_get_app_id(d)));
        }
    }
}

static void
run_scenario(guint32 seed, const char *tmp)
{
    Spec spec = { .seed = seed };
    Spec *s = &spec;
    GRand *r = g_rand_new_with_seed(seed);
    g_autofree char *yaml = NULL, *hist = NULL;
    g_autofree char *hist_path = g_build_filename(tmp, "history.csv", NULL);
    g_autofree char *ledger_path = g_strdup_printf("%s/ledger-%u.db", tmp, seed);
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(g_free);
    DxLedger *ledger;
    State st = { 0 };
    guint n_rows, split, n_rounds;

    gen_spec(s, r);
    yaml = spec_yaml(s);
    rs = dx_ruleset_load_data(yaml, -1, "generated.yaml", NULL, &error);
    if (rs == NULL)
        fail_msg("seed %u: generated ruleset does not load: %s\n%s", seed, error->message, yaml);
    hist = history_csv(s);
    assert_true(g_file_set_contents(hist_path, hist, -1, NULL));
    n_rows = (guint)rnd(r, 2, 16);
    for (guint i = 0; i < n_rows; i++)
        g_ptr_array_add(rows, gen_row(s, r, i));
    split = (guint)rnd(r, 0, n_rows);
    n_rounds = rnd(r, 0, 3) == 0 ? 3 : 2;
    st.granted_apps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    ledger = dx_ledger_open(ledger_path, &error);
    if (ledger == NULL)
        fail_msg("%s", error->message);
    for (guint round_no = 1; round_no <= n_rounds; round_no++) {
        guint from = round_no == 2 ? split : 0, to = round_no == 1 ? split : n_rows;
        const char *date = round_no == 1 ? "2022-06-30" : round_no == 2 ? "2022-09-30" : "2022-11-30";
        g_autofree char *csv = rows_csv(rows, from, to);
        g_autofree char *shuffled = shuffled_csv(rows, from, to, r);
        g_autofree char *head = dx_ledger_dup_head_hash(ledger);
        g_autofree char *head2 = NULL;
        g_autoptr(DxRound) dry1 = NULL, dry2 = NULL, real = NULL;
        Out o1 = { 0 }, o2 = { 0 }, o3 = { 0 };

        dry1 = run(s, rs, ledger, csv, hist_path, date, TRUE, &o1);
        dry2 = run(s, rs, ledger, shuffled, hist_path, date, TRUE, &o2);
        head2 = dx_ledger_dup_head_hash(ledger);
        CHECK(strcmp(head, head2) == 0, "a dry run wrote to the ledger");
        if (strcmp(o1.decisions, o2.decisions) != 0 || strcmp(o1.schedule, o2.schedule) != 0 ||
            strcmp(o1.summary, o2.summary) != 0)
            fail_msg("seed %u round %u: results depend on input order\n--- rows\n%s--- shuffled\n%s--- decisions\n%s--- "
                     "shuffled decisions\n%s",
                     seed, round_no, csv, shuffled, o1.decisions, o2.decisions);
        real = run(s, rs, ledger, csv, hist_path, date, FALSE, &o3);
        if (strcmp(o1.decisions, o3.decisions) != 0 || strcmp(o1.schedule, o3.schedule) != 0 ||
            strcmp(o1.summary, o3.summary) != 0)
            fail_msg("seed %u round %u: the real run differs from the dry run\n%s%s%s---\n%s%s%s", seed, round_no,
                     o1.decisions, o1.schedule, o1.summary, o3.decisions, o3.schedule, o3.summary);
        check_round(s, round_no, date, real, &o3, ledger, &st);
        out_clear(&o1);
        out_clear(&o2);
        out_clear(&o3);
    }
    if (dx_ledger_get_n_rounds(ledger) != n_rounds)
        fail_msg("seed %u: the ledger has %zu rounds, not %u", seed, dx_ledger_get_n_rounds(ledger), n_rounds);
    dx_ledger_free(ledger);
    g_unlink(ledger_path);
    g_hash_table_unref(st.granted_apps);
    g_array_unref(s->hist);
    g_rand_free(r);
}

static void
test_round_properties(void **state)
{
    const char *n_env = g_getenv("DX_PROPERTY_SCENARIOS");
    const char *seed_env = g_getenv("DX_PROPERTY_SEED");
    guint n = n_env != NULL ? (guint)g_ascii_strtoull(n_env, NULL, 10) : 600;
    guint32 base = seed_env != NULL ? (guint32)g_ascii_strtoull(seed_env, NULL, 10) : 20220630u;
    char *tmp = g_dir_make_tmp("dx-round-prop-XXXXXX", NULL);

    (void)state;
    assert_non_null(tmp);
    for (guint i = 0; i < n; i++)
        run_scenario(base + i, tmp);
    {
        g_autofree char *h = g_build_filename(tmp, "history.csv", NULL);

        g_unlink(h);
    }
    g_rmdir(tmp);
    g_free(tmp);
    print_message("# %u scenarios, %u rounds run (%u real), %u decisions, %u schedule lines, %u short envelopes\n", n,
                  n_rounds_run, n_rounds_run / 3, n_decisions_seen, n_lines_seen, n_short_envelopes);
    {
        GString *line = g_string_new("# reasons seen:");

        for (guint c = 0; c < G_N_ELEMENTS(reason_seen); c++)
            g_string_append_printf(line, " %s=%u", dx_reason_code_to_string((DxReasonCode)c), reason_seen[c]);
        print_message("%s\n", line->str);
        g_string_free(line, TRUE);
    }
    if (n >= 200) {
        /* the generator reaches every step-7-to-9 path */
        static const DxReasonCode must[] = {
            DX_REASON_DUPLICATE_APP_ID, DX_REASON_INVALID_FIELD, DX_REASON_MISSING_FIELD, DX_REASON_ONCE_ONLY,
            DX_REASON_AWARD_ZERO, DX_REASON_CAPPED, DX_REASON_POLICY_ENTERPRISE_CAP, DX_REASON_GROUP_HIGHEST,
            DX_REASON_GROUP_TOPUP, DX_REASON_GROUP_STACK_CAP, DX_REASON_FUND_ENTERPRISE_CAP, DX_REASON_RATIONED,
            DX_REASON_UNFUNDED,
        };

        assert_true(n_short_envelopes > 0);
        for (guint c = 0; c < G_N_ELEMENTS(must); c++) {
            if (reason_seen[must[c]] == 0)
                fail_msg("no decision had reason %s", dx_reason_code_to_string(must[c]));
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_properties),
    };
    return cmocka_run_group_tests_name("round-properties", tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fitting a parameter to the fund (duixian fit, dx-fit.h): the value of a
 * money, number or integer parameter at which the demand on an envelope
 * (or on the whole fund) is as large as possible without exceeding the
 * budget. Values are whole multiples k × step, so the search is over the
 * integer k and exact: every probe loads the rules with the setting
 * NAME=k×step (dx_load_options_add_override(), written as a rules literal)
 * and runs the round on the same applications, held in memory as the CSV
 * bytes. The demand is monotone in most parameters (a rate, a cap) but not
 * in all (a threshold in a clause), so the search finds the direction from
 * two probes, gallops to bracket the budget, bisects, and checks every
 * pair of neighbouring probes on the way: a pair that goes against the
 * direction clears dx_fit_get_monotone().
 */
#include "duixian/duixian.h"
#include "base/dx-num-private.h"
#include "base/dx-money-private.h"
#include "rules/dx-ruleset-private.h"

#include <string.h>

typedef struct {
    int64_t k;
    int64_t demand_fen;
    char *value;                 /* the rules literal of k × step */
} FitProbe;

struct _DxFit {
    char *rules_path;
    char *param;
    char approval_date[16];
    DxFieldType type;
    gboolean percent;            /* a number written with % (as its step) */
    DxRat step;                  /* > 0: fen for money, 1 for integers */
    char *step_text;
    gint envelope;               /* -1: the whole fund */
    int64_t budget_fen;
    gboolean has_budget;
    GArray *probes;              /* FitProbe, sorted by k */
    char *data;                  /* the applications file, read once */
    gsize len;
    char *apps_name;
    const DxLoadOptions *apps_options;
    gint direction;              /* +1: demand grows with the value, -1: falls */
    gboolean monotone;
    gssize result;               /* index into probes, or -1 */
};

static void
probe_clear(gpointer p)
{
    g_free(((FitProbe *)p)->value);
}

/* A non-negative rational as a decimal literal, exactly (@r's denominator
 * divides a power of ten: every value here is k × a decimal step). */
static char *
fit_decimal(DxRat r)
{
    dx_i128 den = 1;
    int digits = 0;
    GString *out = g_string_new(NULL);
    dx_i128 whole, frac;

    while ((den % r.den) != 0 && digits < 30) {
        den *= 10;
        digits++;
    }
    whole = r.num / r.den;
    frac = (r.num % r.den) * (den / r.den);
    g_string_append_printf(out, "%" G_GINT64_FORMAT, (gint64)whole);
    if (digits > 0 && frac != 0) {
        char buf[40];
        int n = digits;

        for (int i = digits - 1; i >= 0; i--) {
            buf[i] = (char)('0' + (int)(frac % 10));
            frac /= 10;
        }
        while (n > 0 && buf[n - 1] == '0')
            n--;
        g_string_append_c(out, '.');
        g_string_append_len(out, buf, n);
    }
    return g_string_free(out, FALSE);
}

/* k × step as the rules would write it: 1.23%, 12.5万元, 123.45元, 12. */
static char *
fit_literal(const DxFit *self, int64_t k)
{
    DxRat v, hundred = dx_rat_int(100);
    g_autofree char *d = NULL;

    dx_rat_mul(dx_rat_int(k), self->step, &v);
    if (self->type == DX_FIELD_MONEY) {
        int64_t fen = (int64_t)v.num;

        if (fen != 0 && fen % DX_FEN_PER_WAN == 0)
            return g_strdup_printf("%" G_GINT64_FORMAT "万元", fen / DX_FEN_PER_WAN);
        dx_rat_make(fen, DX_FEN_PER_YUAN, &v);
        d = fit_decimal(v);
        return g_strdup_printf("%s元", d);
    }
    if (self->percent) {
        dx_rat_mul(v, hundred, &v);
        d = fit_decimal(v);
        return g_strdup_printf("%s%%", d);
    }
    return fit_decimal(v);
}

DxFit *
dx_fit_new(const char *rules_path, const char *param, const char *approval_date, GError **error)
{
    g_autoptr(DxRuleset) rs = NULL;
    DxFit *self;
    gint32 day;
    gint index = -1;

    g_return_val_if_fail(rules_path != NULL && param != NULL && approval_date != NULL, NULL);
    if (!dx_date_parse(approval_date, strlen(approval_date), &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "approval date “%s” is not a real calendar date YYYY-MM-DD", approval_date);
        return NULL;
    }
    rs = dx_ruleset_load_file(rules_path, NULL, error);
    if (rs == NULL)
        return NULL;
    for (guint i = 0; i < rs->n_params; i++) {
        if (strcmp(rs->params[i].name, param) == 0)
            index = (gint)i;
    }
    if (index < 0 || rs->params[index].ftype == DX_FIELD_TEXT || rs->params[index].ftype == DX_FIELD_DATE ||
        rs->params[index].ftype == DX_FIELD_BOOL) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    index < 0 ? "%s has no parameter “%s” (duixian check lists them)"
                              : "%s: parameter “%s” is not money, a number or an integer: it cannot be fitted",
                    rules_path, param);
        return NULL;
    }
    self = g_new0(DxFit, 1);
    self->rules_path = g_strdup(rules_path);
    self->param = g_strdup(param);
    dx_date_format(day, self->approval_date);
    self->type = rs->params[index].ftype;
    /* a number parameter written as a percent is fitted in 0.01% */
    self->percent = self->type == DX_FIELD_NUMBER && rs->params[index].values[0].elem != 0;
    if (self->type == DX_FIELD_MONEY || self->type == DX_FIELD_INTEGER)
        self->step = dx_rat_int(1);
    else
        dx_rat_make(1, self->percent ? 10000 : 1000, &self->step);
    self->step_text = fit_literal(self, 1);
    self->envelope = -1;
    self->probes = g_array_new(FALSE, TRUE, sizeof(FitProbe));
    g_array_set_clear_func(self->probes, probe_clear);
    self->monotone = TRUE;
    self->result = -1;
    return self;
}

void
dx_fit_free(DxFit *self)
{
    if (self == NULL)
        return;
    g_free(self->rules_path);
    g_free(self->param);
    g_free(self->step_text);
    g_array_unref(self->probes);
    g_free(self->data);
    g_free(self->apps_name);
    g_free(self);
}

gboolean
dx_fit_set_step(DxFit *self, const char *step, GError **error)
{
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(DxRuleset) rs = NULL;
    g_autofree char *setting = g_strdup_printf("%s=%s", self->param, step);
    const DxParam *p = NULL;

    g_return_val_if_fail(self != NULL && step != NULL, FALSE);
    /* the step is checked as a value of the parameter would be */
    if (!dx_load_options_add_override(opts, setting, error) ||
        (rs = dx_ruleset_load_file(self->rules_path, opts, error)) == NULL)
        return FALSE;
    for (guint i = 0; i < rs->n_params; i++) {
        if (strcmp(rs->params[i].name, self->param) == 0)
            p = &rs->params[i];
    }
    if (p == NULL || dx_rat_sign(p->values[0].u.r) <= 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "--step %s: the step must be above 0", step);
        return FALSE;
    }
    self->step = p->values[0].u.r;
    self->percent = self->type == DX_FIELD_NUMBER && p->values[0].elem != 0;
    g_free(self->step_text);
    self->step_text = fit_literal(self, 1);
    return TRUE;
}

gboolean
dx_fit_set_envelope(DxFit *self, const char *key, GError **error)
{
    g_autoptr(DxRuleset) rs = dx_ruleset_load_file(self->rules_path, NULL, error);

    g_return_val_if_fail(self != NULL && key != NULL, FALSE);
    if (rs == NULL)
        return FALSE;
    for (guint e = 0; e < rs->n_envelopes; e++) {
        if (strcmp(rs->envelopes[e].key, key) == 0) {
            self->envelope = (gint)e;
            self->budget_fen = rs->envelopes[e].total_fen;
            self->has_budget = TRUE;
            return TRUE;
        }
    }
    g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "%s has no envelope “%s”", self->rules_path, key);
    return FALSE;
}

void
dx_fit_set_budget_fen(DxFit *self, int64_t budget_fen)
{
    g_return_if_fail(self != NULL && budget_fen >= 0);
    self->envelope = -1;
    self->budget_fen = budget_fen;
    self->has_budget = TRUE;
}

/* The demand with the parameter at k × step; kept among the probes. */
static gboolean
fit_probe(DxFit *self, int64_t k, int64_t *demand, GError **error)
{
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autofree char *value = NULL, *setting = NULL;
    FitProbe pr = { k, 0, NULL };
    guint at = 0;

    for (guint i = 0; i < self->probes->len; i++) {
        const FitProbe *q = &g_array_index(self->probes, FitProbe, i);

        if (q->k == k) {
            *demand = q->demand_fen;
            return TRUE;
        }
        if (q->k < k)
            at = i + 1;
    }
    value = fit_literal(self, k);
    setting = g_strdup_printf("%s=%s", self->param, value);
    if (!dx_load_options_add_override(opts, setting, error) ||
        (rs = dx_ruleset_load_file(self->rules_path, opts, error)) == NULL ||
        (round = dx_round_new(rs, self->approval_date, error)) == NULL)
        return FALSE;
    batch = dx_batch_new(rs);
    if (!dx_batch_add_csv_data(batch, self->data, (gssize)self->len, self->apps_name, self->apps_options, error) ||
        !dx_round_run(round, batch, error))
        return FALSE;
    for (guint e = 0; e < rs->n_envelopes; e++) {
        if (self->envelope < 0 || (gint)e == self->envelope)
            pr.demand_fen += dx_round_get_envelope_requested_fen(round, e);
    }
    pr.value = g_steal_pointer(&value);
    g_array_insert_val(self->probes, at, pr);
    /* neighbours against the direction: the demand is not monotone */
    if (self->direction != 0) {
        for (guint i = 1; i < self->probes->len; i++) {
            const FitProbe *a = &g_array_index(self->probes, FitProbe, i - 1), *b = a + 1;

            if ((self->direction > 0 && a->demand_fen > b->demand_fen) ||
                (self->direction < 0 && a->demand_fen < b->demand_fen))
                self->monotone = FALSE;
        }
    }
    *demand = pr.demand_fen;
    return TRUE;
}

static gssize
probe_index(const DxFit *self, int64_t k)
{
    for (guint i = 0; i < self->probes->len; i++) {
        if (g_array_index(self->probes, FitProbe, i).k == k)
            return (gssize)i;
    }
    return -1;
}

gboolean
dx_fit_run(DxFit *self, const char *apps_path, const DxLoadOptions *apps_options, GError **error)
{
    /* 2^40 steps: beyond every useful rate; money stops at the spec's
     * largest amount, 10^13 元 (a setting beyond it would not load) */
    const int64_t k_max = self->type == DX_FIELD_MONEY ? (int64_t)(DX_MONEY_MAX_FEN / self->step.num) : (int64_t)1 << 40;
    int64_t lo = 0, hi = 1, d_lo, d_hi, d;

    g_return_val_if_fail(self != NULL && apps_path != NULL && self->data == NULL, FALSE);
    if (!self->has_budget) {
        g_set_error_literal(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "give an envelope or a budget to fit to");
        return FALSE;
    }
    if (!g_file_get_contents(apps_path, &self->data, &self->len, NULL)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot be read", apps_path);
        return FALSE;
    }
    self->apps_name = g_strdup(apps_path);
    self->apps_options = apps_options;
    if (!fit_probe(self, 0, &d_lo, error))
        return FALSE;
    /* the direction: the first value whose demand differs from 0's */
    for (hi = 1;; hi *= 2) {
        if (!fit_probe(self, hi, &d_hi, error))
            return FALSE;
        if (d_hi != d_lo || hi > k_max / 2)
            break;
    }
    self->direction = d_hi >= d_lo ? 1 : -1;
    if (d_hi == d_lo) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "the demand does not depend on %s (%" G_GINT64_FORMAT " fen from 0 to %s): nothing to fit",
                    self->param, d_lo, g_array_index(self->probes, FitProbe, self->probes->len - 1).value);
        return FALSE;
    }
    /* Within the budget is the low side of k when the demand grows with the
     * value (the result is the largest k within it) and the high side when
     * it falls (the smallest k within it). lo stays on the side of k = 0,
     * hi beyond it: gallop hi up until it crosses, then bisect. */
    if (self->direction > 0 && d_lo > self->budget_fen) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "even %s=0 asks %" G_GINT64_FORMAT " fen, more than the budget of %" G_GINT64_FORMAT " fen",
                    self->param, d_lo, self->budget_fen);
        return FALSE;
    }
    if (self->direction < 0 && d_lo <= self->budget_fen) {
        self->result = probe_index(self, 0);
        return TRUE;
    }
#define FIT_LOW_SIDE(d) (((d) <= self->budget_fen) == (self->direction > 0))
    lo = 0;
    while (FIT_LOW_SIDE(d_hi)) {
        lo = hi;
        if (hi > k_max / 2) {
            g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID, "the demand stays %s the budget up to %s=%s%s",
                        self->direction > 0 ? "within" : "above", self->param,
                        g_array_index(self->probes, FitProbe, probe_index(self, hi)).value,
                        self->monotone ? ": no limit to fit" : ": no limit to fit (and it is not monotone in the parameter)");
            return FALSE;
        }
        hi *= 2;
        if (!fit_probe(self, hi, &d_hi, error))
            return FALSE;
    }
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (!fit_probe(self, mid, &d, error))
            return FALSE;
        if (FIT_LOW_SIDE(d))
            lo = mid;
        else
            hi = mid;
    }
#undef FIT_LOW_SIDE
    self->result = probe_index(self, self->direction > 0 ? lo : hi);
    /* the neighbours, for the table around the result */
    {
        int64_t k = g_array_index(self->probes, FitProbe, self->result).k;

        for (int64_t j = k - 2; j <= k + 2; j++) {
            if (j >= 0 && !fit_probe(self, j, &d, error))
                return FALSE;
        }
        self->result = probe_index(self, k);
    }
    return TRUE;
}

#define FIT_RESULT(self) (&g_array_index((self)->probes, FitProbe, (self)->result))

const char *
dx_fit_get_value(DxFit *self)
{
    g_return_val_if_fail(self != NULL && self->result >= 0, NULL);
    return FIT_RESULT(self)->value;
}

const char *
dx_fit_get_step(DxFit *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->step_text;
}

int64_t
dx_fit_get_demand_fen(DxFit *self)
{
    g_return_val_if_fail(self != NULL && self->result >= 0, 0);
    return FIT_RESULT(self)->demand_fen;
}

int64_t
dx_fit_get_budget_fen(DxFit *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->budget_fen;
}

gboolean
dx_fit_get_monotone(DxFit *self)
{
    g_return_val_if_fail(self != NULL, FALSE);
    return self->monotone;
}

size_t
dx_fit_get_n_probes(DxFit *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->probes->len;
}

const char *
dx_fit_get_probe(DxFit *self, size_t index, int64_t *demand_fen)
{
    const FitProbe *p;

    g_return_val_if_fail(self != NULL && index < self->probes->len, NULL);
    p = &g_array_index(self->probes, FitProbe, index);
    if (demand_fen != NULL)
        *demand_fen = p->demand_fen;
    return p->value;
}

gssize
dx_fit_get_result_index(DxFit *self)
{
    g_return_val_if_fail(self != NULL, -1);
    return self->result;
}

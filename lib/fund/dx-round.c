/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * DxRound: a whole round (docs/rules.md §6 steps 1-10, §8). The order of work:
 *   1. history files are read when added (a bad row stops the round before
 *      anything is decided);
 *   2. with a ledger, BEGIN IMMEDIATE, then what earlier rounds granted is
 *      read into the prior book, so no other process can commit against the
 *      same envelopes until this round commits or rolls back;
 *   3. steps 1-9 over the batch's decisions, then output order, then step
 *      10's schedule;
 *   4. with a ledger and not a dry run: the round header and every decision
 *      (in chunked entries), in the same transaction, then COMMIT. Any failure rolls
 *      back: a failed round writes nothing to the ledger.
 */
#include "duixian/duixian.h"
#include "decide/dx-batch-private.h"
#include "input/dx-history-private.h"
#include "ledger/dx-ledger-private.h"
#include "fund/dx-round-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

struct _DxRound {
    DxRuleset *rs;                /* (owned ref) */
    gint32 approval_day;
    char approval_date[16];
    DxLedger *ledger;             /* borrowed */
    gboolean dry_run;
    gint64 as_of_round;           /* > 0: decide as that round was decided (a replay) */
    DxPriorBook *book;
    GPtrArray *history_hashes;    /* hex SHA-256 of each history file */
    gboolean ran;
    DxDecisionList *list;
    GArray *schedule;             /* DxScheduleLine, schedule.csv order */
    GStringChunk *strings;
    DxEnvelopeUse *use;           /* per envelope */
    char *input_sha256;
    gint64 round_id;
    gboolean pending;             /* decided and sealed in the open transaction, not yet committed */
};

DxRound *
dx_round_new(DxRuleset *ruleset, const char *approval_date, GError **error)
{
    DxRound *self;
    gint32 day;

    g_return_val_if_fail(ruleset != NULL, NULL);
    g_return_val_if_fail(approval_date != NULL, NULL);
    if (!dx_date_parse(approval_date, strlen(approval_date), &day)) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "approval date “%s” is not a real calendar date YYYY-MM-DD", approval_date);
        return NULL;
    }
    self = g_new0(DxRound, 1);
    self->rs = dx_ruleset_ref(ruleset);
    self->approval_day = day;
    dx_date_format(day, self->approval_date);
    self->book = dx_prior_book_new();
    self->history_hashes = g_ptr_array_new_with_free_func(g_free);
    self->strings = g_string_chunk_new(4096);
    self->use = g_new0(DxEnvelopeUse, ruleset->n_envelopes);
    return self;
}

void
dx_round_free(DxRound *self)
{
    if (self == NULL)
        return;
    dx_round_abort(self);   /* a round decided but never committed leaves the ledger as it was */
    dx_prior_book_free(self->book);
    g_ptr_array_unref(self->history_hashes);
    if (self->schedule != NULL)
        g_array_unref(self->schedule);
    dx_decision_list_unref(self->list);
    g_string_chunk_free(self->strings);
    g_free(self->use);
    g_free(self->input_sha256);
    dx_ruleset_unref(self->rs);
    g_free(self);
}

void
dx_round_set_ledger(DxRound *self, DxLedger *ledger)
{
    g_return_if_fail(self != NULL && !self->ran);
    self->ledger = ledger;
}

void
dx_round_set_dry_run(DxRound *self, gboolean dry_run)
{
    g_return_if_fail(self != NULL && !self->ran);
    self->dry_run = dry_run;
}

gboolean
dx_round_add_history_file(DxRound *self, const char *path, GError **error)
{
    char *sha = NULL;

    g_return_val_if_fail(self != NULL && path != NULL, FALSE);
    g_return_val_if_fail(!self->ran, FALSE);
    if (!dx_history_load_file(path, self->book, &sha, error))
        return FALSE;
    g_ptr_array_add(self->history_hashes, sha);
    return TRUE;
}

/* ---- steps 1, 3, 6 against the prior book ---- */

static void
round_prior(const char *enterprise_id, guint policy, DxPrior *out, gpointer user_data)
{
    DxRound *self = user_data;
    gboolean taken = FALSE;

    dx_prior_book_get_policy(self->book, enterprise_id, self->rs->policies[policy].id, &out->received_fen, &taken);
    out->taken = taken;
}

static gboolean
round_paid(const char *app_id, gpointer user_data)
{
    DxRound *self = user_data;

    return dx_prior_book_has_paid_app(self->book, app_id);
}

/* ---- the ledger ---- */

/* The round header's params (keys sorted; envelopes in the rules' order).
 * charged_before_fen and requested_fen are summary.json's envelope fields
 * that the decisions cannot give back, kept so that
 * dx_ledger_export_round() re-creates summary.json byte for byte. */
static char *
round_params_json(DxRound *self)
{
    const DxRuleset *rs = self->rs;
    GString *out = g_string_new("{\"charged_before_fen\":{");

    for (guint e = 0; e < rs->n_envelopes; e++)
        g_string_append_printf(out, "%s\"%s\":%" G_GINT64_FORMAT, e > 0 ? "," : "", rs->envelopes[e].key,
                               self->use[e].charged_before_fen);
    g_string_append(out, "},\"dry_run\":false,\"envelopes\":{");
    for (guint e = 0; e < rs->n_envelopes; e++)
        g_string_append_printf(out, "%s\"%s\":%" G_GINT64_FORMAT, e > 0 ? "," : "", rs->envelopes[e].key,
                               rs->envelopes[e].total_fen);
    g_string_append(out, "},\"history_sha256\":[");
    for (guint i = 0; i < self->history_hashes->len; i++)
        g_string_append_printf(out, "%s\"%s\"", i > 0 ? "," : "", (char *)g_ptr_array_index(self->history_hashes, i));
    g_string_append(out, "],\"requested_fen\":{");
    for (guint e = 0; e < rs->n_envelopes; e++)
        g_string_append_printf(out, "%s\"%s\":%" G_GINT64_FORMAT, e > 0 ? "," : "", rs->envelopes[e].key,
                               self->use[e].requested_fen);
    g_string_append_printf(out, "},\"shortfall\":\"%s\",\"total_fen\":%" G_GINT64_FORMAT "}",
                           dx_ruleset_get_shortfall(rs), rs->fund_total_fen);
    return g_string_free(out, FALSE);
}

static gboolean
round_commit(DxRound *self, GError **error)
{
    const DxRuleset *rs = self->rs;
    g_autofree char *params = round_params_json(self);
    g_autoptr(GString) reasons = g_string_new(NULL);
    g_autoptr(GString) sched = g_string_new(NULL);
    DxLedgerRoundInfo info = { 0 };
    int64_t granted = 0;

    for (guint k = 0; k < self->list->decisions->len; k++)
        granted += g_array_index(self->list->decisions, DxDecision, k).granted_fen;
    info.fund_id = rs->fund_id;
    info.approval_date = self->approval_date;
    info.ruleset_sha256 = rs->sha256;
    info.input_sha256 = self->input_sha256;
    info.params_json = params;
    info.n_decisions = self->list->decisions->len;
    info.granted_fen = granted;
    if (!dx_ledger_add_round(self->ledger, &info, &self->round_id, error))
        return FALSE;
    for (guint k = 0; k < self->list->decisions->len; k++) {
        const DxDecision *d = &g_array_index(self->list->decisions, DxDecision, k);
        const DxPolicy *pol = d->policy >= 0 ? &rs->policies[d->policy] : NULL;
        DxLedgerDecisionInfo di = { 0 };

        g_string_truncate(reasons, 0);
        for (guint32 r = 0; r < d->n_reasons; r++) {
            if (r > 0)
                g_string_append_c(reasons, ';');
            g_string_append(reasons, dx_reason_code_to_string(dx_decision_get_reason_code(d, r)));
        }
        dx_schedule_describe(rs, d, self->approval_day, sched);
        di.app_id = d->app_id;
        di.enterprise_id = d->enterprise_id;
        di.policy_id = dx_decision_get_policy_id(d);
        di.bureau = dx_decision_get_bureau(d);
        di.envelope = pol != NULL ? rs->envelopes[rs->bureaus[pol->bureau].envelope].key : "";
        di.group_key = pol != NULL && pol->group >= 0 ? rs->groups[pol->group].key : "";
        di.status = dx_status_to_string(d->status);
        di.reasons = reasons->str;
        /* what later rounds see for once, caps and groups: the award after step 7 */
        di.award_fen = d->granted_fen > 0 ? d->amount_fen : 0;
        di.granted_fen = d->granted_fen;
        di.computed_fen = dx_decision_computed_fen(rs, d);
        di.schedule = sched->str;
        if (!dx_ledger_add_decision(self->ledger, self->round_id, &di, error))
            return FALSE;
    }
    /* every entry written: from here the ledger's head is the round's */
    return dx_ledger_seal_round(self->ledger, error);
}

gboolean
dx_round_decide(DxRound *self, DxBatch *batch, GError **error)
{
    g_autofree guint *order = NULL;
    guint n_order = 0;

    g_return_val_if_fail(self != NULL && batch != NULL, FALSE);
    g_return_val_if_fail(!self->ran, FALSE);
    g_return_val_if_fail(batch->rs == self->rs, FALSE);
    g_return_val_if_fail(!batch->finished, FALSE);

    if (self->ledger != NULL && !self->dry_run && self->as_of_round == 0 && dx_ruleset_get_n_overrides(self->rs) > 0) {
        g_set_error(error, DX_ERROR, DX_ERROR_VALUE_INVALID,
                    "the ruleset has what-if settings (%s …): run it without a ledger or as a dry run, "
                    "it cannot be committed", dx_ruleset_get_override(self->rs, 0));
        return FALSE;
    }
    if (self->as_of_round > 0 && self->ledger == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_LEDGER, "replaying round %" G_GINT64_FORMAT " needs its ledger",
                    self->as_of_round);
        return FALSE;
    }
    self->input_sha256 = g_strdup(dx_batch_get_input_sha256(batch));
    self->list = dx_batch_steal_list(batch);
    if (self->ledger != NULL) {
        if (!dx_ledger_begin_round(self->ledger, error))
            return FALSE;
        if (!dx_ledger_load_prior(self->ledger, self->rs->fund_id, self->book, self->as_of_round, error)) {
            dx_ledger_abort_round(self->ledger);
            return FALSE;
        }
    }
    {
        DxDecideEnv env = { self->book, self->approval_day };

        order = dx_decide_batch_steps(self->list, round_prior, round_paid, self, &env, &n_order);   /* steps 1, 3, 6 */
    }
    dx_allocate_groups(self->list, order, n_order, self->book);                         /* step 7 */
    dx_allocate_fund_cap(self->list, order, n_order, self->book);                       /* step 8 */
    dx_allocate_envelopes(self->list, self->book, self->use);                           /* step 9 */
    dx_allocate_settle(self->list);
    dx_decision_list_seal(self->list);
    self->schedule = dx_schedule_build(self->list, self->approval_day, self->strings);  /* step 10 */
    self->ran = TRUE;
    if (self->ledger != NULL) {
        if (self->dry_run || self->as_of_round > 0) {
            dx_ledger_abort_round(self->ledger);
        } else if (!round_commit(self, error)) {
            dx_ledger_abort_round(self->ledger);
            self->round_id = 0;
            return FALSE;
        } else {
            self->pending = TRUE;
        }
    }
    return TRUE;
}

gboolean
dx_round_commit(DxRound *self, GError **error)
{
    g_return_val_if_fail(self != NULL && self->ran, FALSE);
    if (!self->pending)
        return TRUE;
    self->pending = FALSE;
    if (!dx_ledger_commit_round(self->ledger, error)) {
        self->round_id = 0;
        return FALSE;
    }
    return TRUE;
}

void
dx_round_abort(DxRound *self)
{
    g_return_if_fail(self != NULL);
    if (!self->pending)
        return;
    self->pending = FALSE;
    dx_ledger_abort_round(self->ledger);
    self->round_id = 0;
}

gboolean
dx_round_run(DxRound *self, DxBatch *batch, GError **error)
{
    g_return_val_if_fail(self != NULL && batch != NULL, FALSE);
    return dx_round_decide(self, batch, error) && dx_round_commit(self, error);
}

void
dx_round_set_as_of_round(DxRound *self, int64_t round_id)
{
    g_return_if_fail(self != NULL && !self->ran);
    self->as_of_round = round_id > 0 ? round_id : 0;
}

DxDecisionList *
dx_round_get_decisions(DxRound *self)
{
    g_return_val_if_fail(self != NULL && self->ran, NULL);
    return self->list;
}

size_t
dx_round_get_n_schedule_lines(DxRound *self)
{
    g_return_val_if_fail(self != NULL && self->ran, 0);
    return self->schedule->len;
}

const DxScheduleLine *
dx_round_get_schedule_line(DxRound *self, size_t index)
{
    g_return_val_if_fail(self != NULL && self->ran && index < self->schedule->len, NULL);
    return &g_array_index(self->schedule, DxScheduleLine, index);
}

int64_t
dx_round_get_round_id(DxRound *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->round_id;
}

int64_t
dx_round_get_envelope_remaining_fen(DxRound *self, size_t index)
{
    const DxEnvelopeUse *u;

    g_return_val_if_fail(self != NULL && self->ran, 0);
    g_return_val_if_fail(index < self->rs->n_envelopes, 0);
    u = &self->use[index];
    /* as dx_summary_json() writes `remaining` */
    return u->total_fen - u->charged_before_fen - u->granted_fen;
}

int64_t
dx_round_get_envelope_requested_fen(DxRound *self, size_t index)
{
    g_return_val_if_fail(self != NULL && self->ran, 0);
    g_return_val_if_fail(index < self->rs->n_envelopes, 0);
    return self->use[index].requested_fen;
}

char *
dx_round_dup_schedule_csv(DxRound *self)
{
    g_return_val_if_fail(self != NULL && self->ran, NULL);
    return dx_schedule_to_csv(self->schedule);
}

char *
dx_round_dup_summary_json(DxRound *self)
{
    const DxRuleset *rs;
    size_t status_counts[8] = { 0 };
    g_autofree size_t *applied = NULL, *approved = NULL;
    g_autofree int64_t *pol_granted = NULL;
    int64_t granted = 0;

    g_return_val_if_fail(self != NULL && self->ran, NULL);
    rs = self->rs;
    applied = g_new0(size_t, MAX(rs->n_policies, 1));
    approved = g_new0(size_t, MAX(rs->n_policies, 1));
    pol_granted = g_new0(int64_t, MAX(rs->n_policies, 1));
    for (guint k = 0; k < self->list->decisions->len; k++) {
        const DxDecision *d = &g_array_index(self->list->decisions, DxDecision, k);

        status_counts[d->status]++;
        granted += d->granted_fen;
        if (d->policy < 0)
            continue;
        applied[d->policy]++;
        approved[d->policy] += d->status == DX_STATUS_APPROVED || d->status == DX_STATUS_REDUCED;
        pol_granted[d->policy] += d->granted_fen;
    }
    return dx_summary_json(rs, self->approval_date, self->list->decisions->len, status_counts, applied, approved,
                           pol_granted, granted, self->use);
}

/* Writes @text to @dir/@name through a temporary file and a rename. */
static gboolean
round_write_file(const char *dir, const char *name, const char *text, GError **error)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) local = NULL;

    if (!g_file_set_contents(path, text, -1, &local)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s", local->message);
        return FALSE;
    }
    return TRUE;
}

gboolean
dx_round_write_outputs(DxRound *self, const char *dir, GError **error)
{
    g_autofree char *summary = NULL;
    g_autofree char *dpath = NULL;

    g_return_val_if_fail(self != NULL && self->ran, FALSE);
    g_return_val_if_fail(dir != NULL, FALSE);
    dpath = g_build_filename(dir, "decisions.csv", NULL);
    if (!dx_decision_list_write_csv(self->list, dpath, error))
        return FALSE;
    {
        g_autofree char *spath = g_build_filename(dir, "schedule.csv", NULL);

        if (!dx_schedule_write_csv(self->schedule, spath, error))
            return FALSE;
    }
    summary = dx_round_dup_summary_json(self);
    return round_write_file(dir, "summary.json", summary, error);
}

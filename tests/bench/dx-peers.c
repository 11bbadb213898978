/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dx-peers: runs the peer benchmark's workload (tests/bench/peers/gen.py)
 * through duixian and writes what its engines write, so the outputs can be
 * compared byte for byte with the Python reference (tests/bench/peers/ref.py):
 *
 *   dx-peers RULES APPS.csv OUT.csv [--threads N] [--block ROWS]
 *
 * OUT.csv is "app_id,eligible,award_fen": a header line, then one line per
 * application in INPUT order (decisions come out of a batch in app_id
 * order; each is put back in place by its source line,
 * dx_decision_get_row()). `eligible` is 1 when the application passed
 * its policy's window and clauses (approved, reduced, or rejected only
 * because the award came to 0 fen); `award_fen` is the granted amount
 * (capped; 0 when not eligible). Every row must name its policy, as the
 * peers' rows do, so each row gives exactly one decision.
 *
 * Default: the whole file is one batch (dx_batch_add_csv_file), so every
 * batch-wide step of docs/rules.md §6 applies (duplicates, once, caps); memory
 * grows with the number of decisions kept. --block ROWS streams instead:
 * every ROWS rows are decided as a batch of their own and written out, so
 * memory stays flat whatever N. That is the same result only for a
 * ruleset without batch-wide steps across applications (no `once`,
 * per-enterprise caps or groups, as rules/bench-peers-20.yaml) and
 * distinct app_ids; dx-peers checks the ruleset cannot tell (it fails if
 * app_ids are not strictly increasing, which rules out duplicates
 * without remembering them). Prints one line to stderr like the peers.
 *
 * Public API only: this is what a user of the library would write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <duixian/duixian.h>

typedef struct {
    FILE *out;
    char *last_id;               /* --block: the previous app_id, to check order */
    guint64 n, n_eligible;
    GPtrArray *order;            /* scratch: decisions of one batch in input order */
} Peers;

static int
cmp_row(const void *pa, const void *pb)
{
    uint64_t a = dx_decision_get_row(*(const DxDecision *const *)pa);
    uint64_t b = dx_decision_get_row(*(const DxDecision *const *)pb);

    return (a > b) - (a < b);
}

/* Writes the decisions of one batch in input order. */
static gboolean
peers_write(Peers *p, DxDecisionList *list, gboolean check_order, GError **error)
{
    size_t n = dx_decision_list_get_n_items(list);
    gboolean sorted = TRUE;

    /* app_id order is input order when ids are generated in order: then
     * the list is written as it is, with no array of a million pointers */
    for (size_t i = 1; i < n && sorted; i++) {
        const DxDecision *a = dx_decision_list_get_item(list, i - 1), *b = dx_decision_list_get_item(list, i);

        sorted = cmp_row(&a, &b) < 0;
    }
    g_ptr_array_set_size(p->order, 0);
    for (size_t i = 0; i < n && !sorted; i++)
        g_ptr_array_add(p->order, (gpointer)dx_decision_list_get_item(list, i));
    if (!sorted)
        qsort(p->order->pdata, n, sizeof(gpointer), cmp_row);
    for (size_t i = 0; i < n; i++) {
        const DxDecision *d = sorted ? dx_decision_list_get_item(list, i) : p->order->pdata[i];
        DxStatus st = dx_decision_get_status(d);
        const char *id = dx_decision_get_app_id(d);
        gboolean eligible = st == DX_STATUS_APPROVED || st == DX_STATUS_REDUCED ||
                            (st == DX_STATUS_REJECTED && dx_decision_get_n_reasons(d) > 0 &&
                             dx_decision_get_reason_code(d, 0) == DX_REASON_AWARD_ZERO);

        if (i > 0 && !sorted && dx_decision_get_row(d) == dx_decision_get_row(p->order->pdata[i - 1])) {
            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "line %" G_GUINT64_FORMAT
                        ": more than one decision (a row without its policy?)", dx_decision_get_row(d));
            return FALSE;
        }
        if (st == DX_STATUS_INVALID || st == DX_STATUS_DUPLICATE || st == DX_STATUS_ERROR ||
            st == DX_STATUS_INCOMPLETE) {
            g_autofree char *json = dx_decision_dup_json(d);

            g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID, "line %" G_GUINT64_FORMAT ": %s: %s",
                        dx_decision_get_row(d), dx_status_to_string(st), json);
            return FALSE;
        }
        if (check_order) {
            if (p->last_id != NULL && strcmp(p->last_id, id) >= 0) {
                g_set_error(error, DX_ERROR, DX_ERROR_INPUT_INVALID,
                            "--block needs strictly increasing app_ids: %s after %s", id, p->last_id);
                return FALSE;
            }
            g_free(p->last_id);
            p->last_id = g_strdup(id);
        }
        fprintf(p->out, "%s,%d,%" G_GINT64_FORMAT "\n", id, eligible ? 1 : 0,
                eligible ? dx_decision_get_granted_fen(d) : (gint64)0);
        p->n++;
        p->n_eligible += eligible;
    }
    return TRUE;
}

static DxBatch *
peers_batch(DxRuleset *rs, guint threads)
{
    DxBatch *b = dx_batch_new(rs);

    dx_batch_set_hash_input(b, FALSE);   /* nothing records the input's hash here */

    dx_batch_set_threads(b, threads);
    return b;
}

/* Whole file, one batch. */
static gboolean
peers_whole(Peers *p, DxRuleset *rs, const char *apps, guint threads, double *eval_s, GError **error)
{
    g_autoptr(DxBatch) b = peers_batch(rs, threads);
    g_autoptr(DxDecisionList) list = NULL;
    gint64 t0 = g_get_monotonic_time();

    if (!dx_batch_add_csv_file(b, apps, NULL, error))
        return FALSE;
    list = dx_batch_decide(b);
    *eval_s = (g_get_monotonic_time() - t0) / 1e6;
    return peers_write(p, list, FALSE, error);
}

/* Streamed: every @block rows are a batch of their own. Records are cut at
 * line ends outside quotes. */
static gboolean
peers_blocks(Peers *p, DxRuleset *rs, const char *apps, guint threads, guint64 block, double *eval_s,
             GError **error)
{
    FILE *in = fopen(apps, "rb");
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *line = NULL;
    size_t cap = 0;
    gsize header_len = 0;
    guint64 rows = 0;
    gboolean in_quotes = FALSE, ok = TRUE, eof = FALSE;
    gint64 spent = 0;

    if (in == NULL) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot open", apps);
        return FALSE;
    }
    while (ok && !eof) {
        ssize_t len = getline(&line, &cap, in);

        eof = len < 0;
        if (!eof) {
            g_string_append_len(text, line, len);
            for (ssize_t i = 0; i < len; i++)
                in_quotes ^= line[i] == '"';
            if (in_quotes)
                continue;
            if (header_len == 0) {
                header_len = text->len;
                continue;
            }
            if (++rows % block != 0)
                continue;
        }
        if (text->len > header_len) {
            g_autoptr(DxBatch) b = peers_batch(rs, threads);
            g_autoptr(DxDecisionList) list = NULL;
            gint64 t0 = g_get_monotonic_time();

            ok = dx_batch_add_csv_data(b, text->str, (gssize)text->len, apps, NULL, error);
            if (ok) {
                list = dx_batch_decide(b);
                spent += g_get_monotonic_time() - t0;
                ok = peers_write(p, list, TRUE, error);
            }
            /* keep the header; later blocks' lines count from 2 again, which
             * is fine: order within a block is all that is needed */
            g_string_truncate(text, header_len);
        }
    }
    fclose(in);
    *eval_s = spent / 1e6;
    return ok;
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxRuleset) rs = NULL;
    Peers p = { 0 };
    guint threads = 1;
    guint64 block = 0;
    const char *pos[3];
    int n_pos = 0;
    double eval_s = 0;
    gint64 t0 = g_get_monotonic_time();
    gboolean ok;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = (guint)atoi(argv[++i]);
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc)
            block = g_ascii_strtoull(argv[++i], NULL, 10);
        else if (n_pos < 3 && argv[i][0] != '-')
            pos[n_pos++] = argv[i];
        else
            n_pos = 99;
    }
    if (n_pos != 3) {
        fprintf(stderr, "usage: dx-peers RULES APPS.csv OUT.csv [--threads N] [--block ROWS]\n");
        return 2;
    }
    rs = dx_ruleset_load_file(pos[0], NULL, &error);
    if (rs == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    p.out = fopen(pos[2], "wb");
    if (p.out == NULL) {
        fprintf(stderr, "%s: cannot write\n", pos[2]);
        return 1;
    }
    setvbuf(p.out, NULL, _IOFBF, 1 << 20);
    p.order = g_ptr_array_new();
    fputs("app_id,eligible,award_fen\n", p.out);
    ok = block > 0 ? peers_blocks(&p, rs, pos[1], threads, block, &eval_s, &error)
                   : peers_whole(&p, rs, pos[1], threads, &eval_s, &error);
    if (fclose(p.out) != 0 && ok) {
        g_set_error(&error, DX_ERROR, DX_ERROR_IO, "%s: write failed", pos[2]);
        ok = FALSE;
    }
    g_ptr_array_unref(p.order);
    g_free(p.last_id);
    if (!ok) {
        fprintf(stderr, "dx-peers: %s\n", error->message);
        return 1;
    }
    fprintf(stderr,
            "engine=duixian n=%" G_GUINT64_FORMAT " eligible=%" G_GUINT64_FORMAT
            " read_decide_s=%.3f total_s=%.3f threads=%u block=%" G_GUINT64_FORMAT "\n",
            p.n, p.n_eligible, eval_s, (g_get_monotonic_time() - t0) / 1e6, threads, block);
    return 0;
}

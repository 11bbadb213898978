/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian replay LEDGER --round N RULES APPS [--history FILE]... [--out DIR]:
 * the as-of replay (docs/rules.md §10, docs/cli.md). Re-runs a committed
 * round from its inputs, against what the ledger held before that round,
 * on the approval date the ledger recorded, and compares the three files
 * with the round as committed (dx_ledger_export_round()). Prints
 * "identical" and exits 0, or lists every difference and exits 7. The
 * inputs' SHA-256 are compared with those recorded too, so "the same
 * rules, applications and history" is checked, not assumed.
 */
#include "dx-cli-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static const char *const replay_files[] = { "decisions.csv", "schedule.csv", "summary.json" };

/* The recorded history hashes: the strings of "history_sha256":[…] in the
 * round's params JSON, which dx-round.c writes without spaces. */
static GPtrArray *
replay_recorded_history(const char *params)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *p = params != NULL ? strstr(params, "\"history_sha256\":[") : NULL;

    if (p == NULL)
        return out;
    p += strlen("\"history_sha256\":[");
    while (*p == '"') {
        const char *end = strchr(p + 1, '"');

        if (end == NULL)
            break;
        g_ptr_array_add(out, g_strndup(p + 1, (gsize)(end - p - 1)));
        p = end + 1;
        if (*p == ',')
            p++;
    }
    return out;
}

static char *
replay_file_sha256(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, error))
        return NULL;
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
}

/* One line of the comparison table: "what  same as recorded" or the two
 * values. Returns TRUE when they are the same. */
static gboolean
replay_same(const char *what, const char *recorded, const char *given)
{
    gboolean same = g_strcmp0(recorded, given) == 0;

    if (same && given != NULL)
        printf("%-14s same as recorded (sha256 %.12s…)\n", what, given);
    else if (same)
        printf("%-14s same as recorded (none)\n", what);
    else
        printf("%-14s DIFFERENT: recorded sha256 %s, given %s\n", what, recorded != NULL ? recorded : "(none)",
               given != NULL ? given : "(none)");
    return same;
}

static int
replay_cmp_keys(const char *const *a, const char *const *b)
{
    return strcmp(*a, *b);
}

/* decisions.csv: rows keyed by app_id and policy_id (columns 1 and 3),
 * each differing key listed with both versions; at most @limit listed. */
static guint
replay_diff_decisions(char **rec, char **rep, guint limit)
{
    g_autoptr(GHashTable) recorded = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint n = 0;

    for (guint i = 1; rec[i] != NULL; i++) {
        g_auto(GStrv) c = g_strsplit(rec[i], ",", 4);

        if (c[0] != NULL && c[1] != NULL && c[2] != NULL) {
            char *key = g_strconcat(c[0], " ", c[2], NULL);

            g_hash_table_insert(recorded, key, rec[i]);
            g_hash_table_add(keys, key);
        }
    }
    for (guint i = 1; rep[i] != NULL; i++) {
        g_auto(GStrv) c = g_strsplit(rep[i], ",", 4);
        g_autofree char *key = NULL;
        const char *was;

        if (c[0] == NULL || c[1] == NULL || c[2] == NULL)
            continue;
        key = g_strconcat(c[0], " ", c[2], NULL);
        was = g_hash_table_lookup(recorded, key);
        if (was == NULL || strcmp(was, rep[i]) != 0) {
            if (n++ < limit)
                printf("  %s\n    recorded  %s\n    replayed  %s\n", key, was != NULL ? was : "(none)", rep[i]);
        }
        g_hash_table_remove(recorded, key);
    }
    {
        /* the recorded decisions the replay did not make, in key order */
        g_autoptr(GPtrArray) left = g_ptr_array_new();
        GHashTableIter it;
        gpointer k;

        g_hash_table_iter_init(&it, recorded);
        while (g_hash_table_iter_next(&it, &k, NULL))
            g_ptr_array_add(left, k);
        g_ptr_array_sort(left, (GCompareFunc)replay_cmp_keys);
        for (guint i = 0; i < left->len; i++) {
            const char *key = g_ptr_array_index(left, i);

            if (n++ < limit)
                printf("  %s\n    recorded  %s\n    replayed  (none)\n", key,
                       (const char *)g_hash_table_lookup(recorded, key));
        }
    }
    return n;
}

/* Compares @name in the two directories; prints the outcome. */
static gboolean
replay_compare(const char *name, const char *recorded_dir, const char *replayed_dir)
{
    g_autofree char *a = g_build_filename(recorded_dir, name, NULL), *b = g_build_filename(replayed_dir, name, NULL);
    g_autofree char *ta = NULL, *tb = NULL;
    g_auto(GStrv) la = NULL, lb = NULL;

    if (!g_file_get_contents(a, &ta, NULL, NULL) || !g_file_get_contents(b, &tb, NULL, NULL)) {
        printf("%-14s cannot be read\n", name);
        return FALSE;
    }
    la = g_strsplit(ta, "\n", -1);
    lb = g_strsplit(tb, "\n", -1);
    if (strcmp(ta, tb) == 0) {
        guint n = g_strv_length(la);

        if (strcmp(name, "decisions.csv") == 0)
            printf("%-14s identical (%u decisions)\n", name, n >= 2 ? n - 2 : 0);
        else
            printf("%-14s identical\n", name);
        return TRUE;
    }
    if (strcmp(name, "decisions.csv") == 0) {
        guint n;

        printf("%-14s DIFFERENT:\n", name);
        n = replay_diff_decisions(la, lb, 20);
        printf("  %u decision%s differ%s%s\n", n, n == 1 ? "" : "s", n == 1 ? "s" : "", n > 20 ? " (the first 20 shown)" : "");
        return FALSE;
    }
    for (guint i = 0; la[i] != NULL || lb[i] != NULL; i++) {
        if (la[i] == NULL || lb[i] == NULL || strcmp(la[i], lb[i]) != 0) {
            printf("%-14s DIFFERENT from line %u:\n    recorded  %s\n    replayed  %s\n", name, i + 1,
                   la[i] != NULL ? la[i] : "(end)", lb[i] != NULL ? lb[i] : "(end)");
            break;
        }
    }
    return FALSE;
}

static void
replay_remove_dir(const char *dir)
{
    for (guint i = 0; i < G_N_ELEMENTS(replay_files); i++) {
        g_autofree char *f = g_build_filename(dir, replay_files[i], NULL);

        g_unlink(f);
    }
    g_rmdir(dir);
}

static int
cmd_replay(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *round_s = NULL, *out = NULL, *encoding = NULL;
    g_auto(GStrv) history = NULL;
    const GOptionEntry entries[] = {
        { "round", 0, 0, G_OPTION_ARG_FILENAME, &round_s, N_("The committed round to replay (see duixian ledger FILE)"), "N" },
        { "history", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &history, N_("The round's history files (repeatable)"), "FILE" },
        { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Keep the replayed files in DIR"), "DIR" },
        { "encoding", 0, 0, G_OPTION_ARG_FILENAME, &encoding, N_("The input's encoding (default auto)"), "auto|utf8|gb18030" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxRuleset) rs = NULL;
    g_autoptr(DxBatch) batch = NULL;
    g_autoptr(DxRound) round = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) recorded_history = NULL;
    g_autofree char *date = NULL, *rules_sha = NULL, *input_sha = NULL, *params = NULL, *name = NULL;
    g_autofree char *recorded_dir = NULL, *replayed_dir = NULL;
    gboolean same = TRUE;
    guint64 id = 0;
    gssize index = -1;
    guint n_history;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (encoding != NULL && !dx_cli_parse_encoding(encoding, opts))
        return dx_cli_usage_error(cmd, _("--encoding is auto, utf8 or gb18030"));
    if (round_s == NULL || !g_ascii_string_to_unsigned(round_s, 10, 1, G_MAXINT64, &id, NULL))
        return dx_cli_usage_error(cmd, _("replay needs --round N, a round id (see duixian ledger FILE)"));
    if (argc != 4)
        return dx_cli_usage_error(cmd, _("replay takes LEDGER --round N RULES APPS"));

    ledger = dx_ledger_open(argv[1], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    name = dx_ledger_location_display(argv[1]);   /* never a password */
    for (size_t i = 0; i < dx_ledger_get_n_rounds(ledger); i++) {
        if (dx_ledger_get_round_id(ledger, i) == (int64_t)id)
            index = (gssize)i;
    }
    if (index < 0)
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no round %s (duixian ledger FILE lists them)"), name, round_s);
    date = dx_ledger_dup_round_field(ledger, (size_t)index, "approval_date");
    rules_sha = dx_ledger_dup_round_field(ledger, (size_t)index, "ruleset_sha256");
    input_sha = dx_ledger_dup_round_field(ledger, (size_t)index, "input_sha256");
    params = dx_ledger_dup_round_field(ledger, (size_t)index, "params");
    recorded_history = replay_recorded_history(params);

    rs = dx_cli_load_rules(argv[2]);
    if (rs == NULL)
        return DX_EXIT_RULES;
    round = dx_round_new(rs, date, &error);
    if (round == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    printf("replay of round %s of %s, approval date %s\n", round_s, name, date);
    if (!replay_same("rules", rules_sha, dx_ruleset_get_sha256(rs))) {
        /* dx_ledger_export_round() needs the round's own rules (names,
         * envelopes, groups): other rules can be run, not compared */
        puts("the round's files can be re-created only with the rules it ran with: not compared");
        puts("DIFFERENT");
        return DX_EXIT_DIFFERENT;
    }
    n_history = history != NULL ? g_strv_length(history) : 0;
    for (guint h = 0; h < n_history; h++) {
        g_autofree char *sha = replay_file_sha256(history[h], &error);
        g_autofree char *what = g_strdup_printf("history %u", h + 1);

        if (sha == NULL || !dx_round_add_history_file(round, history[h], &error))
            return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
        same &= replay_same(what, h < recorded_history->len ? g_ptr_array_index(recorded_history, h) : NULL, sha);
    }
    for (guint h = n_history; h < recorded_history->len; h++) {
        g_autofree char *what = g_strdup_printf("history %u", h + 1);

        same &= replay_same(what, g_ptr_array_index(recorded_history, h), NULL);
    }
    batch = dx_batch_new(rs);
    dx_batch_set_hash_input(batch, TRUE);
    if (!dx_cli_read_apps(batch, argv[3], opts, &error))
        return dx_cli_fail(DX_EXIT_INPUT, "%s", error->message);
    same &= replay_same("applications", input_sha, dx_batch_get_input_sha256(batch));

    dx_round_set_ledger(round, ledger);
    dx_round_set_as_of_round(round, (int64_t)id);
    if (!dx_round_run(round, batch, &error))
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    replayed_dir = out != NULL ? g_strdup(out) : g_dir_make_tmp("duixian-replay-XXXXXX", NULL);
    recorded_dir = g_dir_make_tmp("duixian-recorded-XXXXXX", NULL);
    if (replayed_dir == NULL || recorded_dir == NULL || g_mkdir_with_parents(replayed_dir, 0755) != 0)
        rc = dx_cli_fail(DX_EXIT_OUTPUT, "%s: %s", replayed_dir != NULL ? replayed_dir : "temporary directory",
                         g_strerror(errno));
    else if (!dx_round_write_outputs(round, replayed_dir, &error))
        rc = dx_cli_fail(DX_EXIT_OUTPUT, "%s", error->message);
    else if (!dx_ledger_export_round(ledger, rs, (int64_t)id, recorded_dir, &error))
        rc = dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_IO) ? DX_EXIT_OUTPUT : DX_EXIT_LEDGER, "%s",
                         error->message);
    if (rc == DX_CLI_CONTINUE) {
        for (guint i = 0; i < G_N_ELEMENTS(replay_files); i++)
            same &= replay_compare(replay_files[i], recorded_dir, replayed_dir);
        puts(same ? "identical" : "DIFFERENT");
        rc = same ? DX_EXIT_OK : DX_EXIT_DIFFERENT;
    }
    if (recorded_dir != NULL)
        replay_remove_dir(recorded_dir);
    if (out == NULL && replayed_dir != NULL)
        replay_remove_dir(replayed_dir);
    return rc;
}

const DxCliCommand dx_cli_replay = {
    "replay", "LEDGER RULES APPS", N_("re-run a committed round from its inputs; say identical or list the differences"),
    "usage: duixian replay LEDGER --round N RULES APPS [--history FILE]... [--out DIR]\n"
    "                      [--encoding auto|utf8|gb18030]\n",
    N_("The as-of replay: round N of LEDGER is decided again from RULES, APPS and\n"
    "the --history files, on the approval date the ledger recorded and against\n"
    "only what the ledger held before that round (earlier rounds and\n"
    "revocations). The inputs' SHA-256 are compared with those recorded, then\n"
    "decisions.csv, schedule.csv and summary.json with the round as committed.\n"
    "Prints \"identical\" (exit 0) or every difference (exit 7). Nothing is\n"
    "written to the ledger; --out DIR keeps the replayed files."),
    "examples:\n"
    "  duixian replay out/ledger.db --round 1 rules/wuchang-2022.yaml examples/applications-2022.csv\n"
    "  duixian replay out/ledger.db --round=3 rules/wuchang-2022.yaml apps.csv --history=2021.csv --out=check\n",
    cmd_replay,
};

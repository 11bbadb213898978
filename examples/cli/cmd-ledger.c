/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * duixian ledger FILE [--date D] [--format text|csv|json]: per envelope
 * the total, the net charged and what remains, and where the granted
 * money is (docs/rules.md §15: paid, scheduled due and future, held,
 * forfeited, cancelled, refunds due and received); the refunds still
 * outstanding; the rounds; the head hash.
 * duixian ledger copy SRC DST: the ledger moved to another store (SQLite
 * file or PostgreSQL server), its head unchanged.
 */
#include "dx-cli-private.h"

#include <stdio.h>
#include <string.h>

/* One envelope's money as the columns of the text table, in 万元. */
static void
ledger_text_money(const DxEnvelopeMoney *e)
{
    const int64_t v[] = { e->granted_fen, e->paid_fen, e->scheduled_due_fen, e->scheduled_future_fen, e->held_fen,
                          e->forfeited_fen, e->cancelled_fen, e->refund_due_fen, e->refund_received_fen };

    printf("%-10s", e->key);
    for (guint i = 0; i < G_N_ELEMENTS(v); i++) {
        g_autofree char *w = dx_money_format_wan(v[i]);

        printf(" %14s", w);
    }
    putchar('\n');
}

static void
ledger_json_money(GString *json, const DxEnvelopeMoney *e)
{
    g_string_append_printf(json,
                           "{\"cancelled_fen\": %" G_GINT64_FORMAT ", \"charged_fen\": %" G_GINT64_FORMAT
                           ", \"forfeited_fen\": %" G_GINT64_FORMAT ", \"granted_fen\": %" G_GINT64_FORMAT
                           ", \"held_fen\": %" G_GINT64_FORMAT ", \"key\": ",
                           e->cancelled_fen, e->net_charged_fen, e->forfeited_fen, e->granted_fen, e->held_fen);
    dx_cli_json_string(json, e->key);
    g_string_append_printf(json,
                           ", \"paid_fen\": %" G_GINT64_FORMAT ", \"refund_due_fen\": %" G_GINT64_FORMAT
                           ", \"refund_received_fen\": %" G_GINT64_FORMAT ", \"remaining_fen\": %" G_GINT64_FORMAT
                           ", \"scheduled_due_fen\": %" G_GINT64_FORMAT ", \"scheduled_future_fen\": %" G_GINT64_FORMAT
                           ", \"total_fen\": %" G_GINT64_FORMAT "}",
                           e->paid_fen, e->refund_due_fen, e->refund_received_fen, e->remaining_fen,
                           e->scheduled_due_fen, e->scheduled_future_fen, e->total_fen);
}

/* ledger copy SRC DST */
static int
ledger_copy(char **argv)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxLedger) ledger = NULL;
    g_autofree char *dst = dx_ledger_location_display(argv[3]);
    g_autofree char *head = NULL;
    uint64_t n = 0;

    if (!dx_cli_ledger_exists(argv[2]))
        return dx_cli_fail(DX_EXIT_LEDGER, _("%s: no such ledger"), argv[2]);
    if (!dx_ledger_copy(argv[2], argv[3], &n, &error))
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? DX_EXIT_CORRUPT : DX_EXIT_LEDGER,
                           "%s", error->message);
    ledger = dx_ledger_open_readonly(argv[3], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    head = dx_ledger_dup_head_hash(ledger);
    printf("copied %llu entries to %s, head %s\n", (unsigned long long)n, dst, head);
    return DX_EXIT_OK;
}

static int
cmd_ledger(const DxCliCommand *cmd, int argc, char **argv)
{
    g_autofree char *format = NULL, *date = NULL;
    const GOptionEntry entries[] = {
        { "format", 0, 0, G_OPTION_ARG_FILENAME, &format, N_("What to print (default text)"), "text|csv|json" },
        { "date", 0, 0, G_OPTION_ARG_FILENAME, &date,
          N_("Show the money as of this date: what is due by it, what the latest payment run held (default today)"),
          "YYYY-MM-DD" },
        { NULL, 0, 0, 0, NULL, NULL, NULL }
    };
    g_autoptr(DxLedger) ledger = NULL;
    g_autoptr(DxLedgerView) view = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *head = NULL, *today = NULL;
    g_autoptr(GString) json = g_string_new(NULL);
    gboolean text, csv;
    size_t n, n_env, n_ref;
    int rc = dx_cli_parse(cmd, entries, &argc, &argv);

    if (rc != DX_CLI_CONTINUE)
        return rc;
    if (argc >= 2 && strcmp(argv[1], "copy") == 0 && !g_file_test(argv[1], G_FILE_TEST_EXISTS)) {
        if (argc != 4 || format != NULL)
            return dx_cli_usage_error(cmd, _("ledger copy takes two arguments: SRC DST"));
        return ledger_copy(argv);
    }
    if (argc != 2)
        return dx_cli_usage_error(cmd, _("ledger takes one argument: FILE"));
    if (format != NULL && !dx_cli_one_of(format, "text", "csv", "json", NULL))
        return dx_cli_usage_error(cmd, _("ledger: --format is text, csv or json"));
    if (date == NULL) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();

        today = g_date_time_format(now, "%Y-%m-%d");
    }
    text = format == NULL || strcmp(format, "text") == 0;
    csv = format != NULL && strcmp(format, "csv") == 0;
    ledger = dx_ledger_open_readonly(argv[1], &error);
    if (ledger == NULL)
        return dx_cli_fail(DX_EXIT_LEDGER, "%s", error->message);
    view = dx_ledger_view_new(ledger, date != NULL ? date : today, &error);
    if (view == NULL && g_error_matches(error, DX_ERROR, DX_ERROR_VALUE_INVALID))
        return dx_cli_usage_error(cmd, "%s", error->message);
    if (view == NULL)
        return dx_cli_fail(g_error_matches(error, DX_ERROR, DX_ERROR_LEDGER_CORRUPT) ? DX_EXIT_CORRUPT : DX_EXIT_LEDGER,
                           "%s", error->message);
    n = dx_ledger_get_n_rounds(ledger);
    n_env = dx_ledger_view_get_n_envelopes(view);
    n_ref = dx_ledger_view_get_n_refunds(view);
    head = dx_ledger_dup_head_hash(ledger);
    if (csv)
        puts("envelope,total_fen,charged_fen,remaining_fen,granted_fen,paid_fen,scheduled_due_fen,"
             "scheduled_future_fen,held_fen,forfeited_fen,cancelled_fen,refund_due_fen,refund_received_fen");
    g_string_append(json, "{\"date\": ");
    dx_cli_json_string(json, date != NULL ? date : today);
    g_string_append(json, ",\n \"envelopes\": [");
    if (text && n > 0)
        printf("fund %s, as of %s\n%-10s %16s %16s %16s\n", dx_ledger_view_get_fund_id(view),
               date != NULL ? date : today, "envelope", "total 万元", "charged 万元", "remaining 万元");
    for (size_t i = 0; i < n_env; i++) {
        const DxEnvelopeMoney *e = dx_ledger_view_get_envelope(view, i);
        g_autofree char *t = dx_money_format_wan(e->total_fen);
        g_autofree char *c = dx_money_format_wan(e->net_charged_fen);
        g_autofree char *r = dx_money_format_wan(e->remaining_fen);

        if (text)
            printf("%-10s %16s %16s %16s\n", e->key, t, c, r);
        else if (csv)
            printf("%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                   ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                   ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n",
                   e->key, e->total_fen, e->net_charged_fen, e->remaining_fen, e->granted_fen, e->paid_fen,
                   e->scheduled_due_fen, e->scheduled_future_fen, e->held_fen, e->forfeited_fen, e->cancelled_fen,
                   e->refund_due_fen, e->refund_received_fen);
        g_string_append(json, i > 0 ? ",\n  " : "\n  ");
        ledger_json_money(json, e);
    }
    if (text && n_env > 0) {
        /* §15's view: where each envelope's granted money is now */
        printf("%-10s %14s %14s %14s %14s %14s %14s %14s %14s %14s\n", "(万元)", "granted", "paid", "due",
               "future", "held", "forfeited", "cancelled", "refund due", "refunded");
        for (size_t i = 0; i < n_env; i++)
            ledger_text_money(dx_ledger_view_get_envelope(view, i));
    }
    if (text && n_ref > 0)
        printf("refunds outstanding\n");
    g_string_append(json, "],\n \"fund\": ");
    dx_cli_json_string(json, dx_ledger_view_get_fund_id(view));
    g_string_append_printf(json, ", \"head\": \"%s\",\n \"refunds_outstanding\": [", head);
    for (size_t i = 0; i < n_ref; i++) {
        const DxRefundOutstanding *r = dx_ledger_view_get_refund(view, i);
        g_autofree char *due = dx_money_format_wan(r->due_fen);
        g_autofree char *got = dx_money_format_wan(r->received_fen);
        g_autofree char *left = dx_money_format_wan(r->due_fen - r->received_fen);

        if (text)
            printf("  %s %s %s %s clawed back %s: due %s万元, received %s万元, still due %s万元\n", r->app_id,
                   r->enterprise_id, r->policy_id, r->bureau, r->date, due, got, left);
        g_string_append(json, i > 0 ? ",\n  {\"app_id\": " : "\n  {\"app_id\": ");
        dx_cli_json_string(json, r->app_id);
        g_string_append(json, ", \"bureau\": ");
        dx_cli_json_string(json, r->bureau);
        g_string_append_printf(json, ", \"date\": \"%s\", \"due_fen\": %" G_GINT64_FORMAT ", \"enterprise_id\": ",
                               r->date, r->due_fen);
        dx_cli_json_string(json, r->enterprise_id);
        g_string_append(json, ", \"policy_id\": ");
        dx_cli_json_string(json, r->policy_id);
        g_string_append_printf(json, ", \"received_fen\": %" G_GINT64_FORMAT "}", r->received_fen);
    }
    g_string_append(json, "],\n \"rounds\": [");
    if (text)
        printf("%zu round%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        g_autofree char *created = dx_ledger_dup_round_field(ledger, i, "created_at");
        g_autofree char *approval = dx_ledger_dup_round_field(ledger, i, "approval_date");
        g_autofree char *g = dx_money_format(dx_ledger_get_round_granted_fen(ledger, i));

        if (text)
            printf("  round %-6" G_GINT64_FORMAT " created %s  approval %s  %" G_GUINT64_FORMAT " decisions  granted %s\n",
                   dx_ledger_get_round_id(ledger, i), created, approval, dx_ledger_get_round_n_decisions(ledger, i), g);
        g_string_append_printf(json, "%s\n  {\"approval_date\": \"%s\", \"created_at\": \"%s\", \"decisions\": %" G_GUINT64_FORMAT
                                     ", \"granted_fen\": %" G_GINT64_FORMAT ", \"round_id\": %" G_GINT64_FORMAT "}",
                               i > 0 ? "," : "", approval, created, dx_ledger_get_round_n_decisions(ledger, i),
                               dx_ledger_get_round_granted_fen(ledger, i), dx_ledger_get_round_id(ledger, i));
    }
    g_string_append(json, "]}");
    if (text)
        printf("head %s\n", head);
    else if (!csv)
        puts(json->str);
    return DX_EXIT_OK;
}

const DxCliCommand dx_cli_ledger = {
    "ledger", "FILE", N_("per envelope: total, charged, remaining, paid, held, refunds; the rounds; the head hash"),
    "usage: duixian ledger FILE [--date YYYY-MM-DD] [--format text|csv|json]\n"
    "       duixian ledger copy SRC DST\n",
    N_("Per envelope: total, net charged (granted less forfeited, cancelled and refunds\n"
    "received) and remaining; then granted, paid, scheduled (due by --date and later),\n"
    "held by the latest payment run, forfeited, cancelled, refunds due and received,\n"
    "in 万元; the refunds outstanding; the rounds; the head hash. ledger copy SRC DST\n"
    "copies a ledger between stores (a file, or a PostgreSQL server:\n"
    "postgresql://USER@HOST/DB), its head unchanged."),
    "examples:\n"
    "  duixian ledger out/ledger.db\n"
    "  duixian ledger out/ledger.db --date 2023-06-30\n"
    "  duixian ledger out/ledger.db --format csv\n"
    "  duixian ledger copy out/ledger.db postgresql://duixian@db.example/fund\n",
    cmd_ledger,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The history file (docs/rules.md §6): awards from outside this fund, one per row
 * of a UTF-8 CSV with exactly the header
 *
 *   enterprise_id,policy_id,group,amount_fen,date
 *
 * A bad row stops the round before anything is decided, so the load is
 * all or nothing: every row is checked and kept aside first, and only a
 * file without a single bad row reaches the DxPriorBook. Cells are trimmed
 * of ASCII blanks like application cells, so " E1" here matches "E1"
 * there. The date is checked but not used: nothing in version 1 of the
 * rules depends on when a history award was made.
 */
#include "duixian/dx-error.h"
#include "base/dx-cell-private.h"
#include "input/dx-csv-private.h"
#include "input/dx-history-private.h"
#include "base/dx-num-private.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

/* ORDER: the columns of the header, in file order. */
static const char *const history_columns[] = { "enterprise_id", "policy_id", "group", "amount_fen", "date" };
enum { HISTORY_N_COLUMNS = G_N_ELEMENTS(history_columns) };

typedef struct {
    const char *enterprise_id, *policy_id, *group;   /* in the loader's string chunk */
    int64_t amount_fen;
} HistoryRow;

static gboolean
history_fail(GError **error, DxCsvReader *reader, guint col, const char *column, const char *message)
{
    g_set_error(error, DX_ERROR, DX_ERROR_HISTORY_INVALID, "%s:%" G_GUINT64_FORMAT ":%u: %s: %s",
                dx_csv_reader_get_name(reader), dx_csv_reader_get_line(reader), col, column, message);
    return FALSE;
}

/* "“<cell>” <what>", the cell left out when long: a message is one line */
static char *
history_quote(const char *s, gsize len, const char *what)
{
    if (len == 0)
        return g_strdup("empty");
    if (len > 40 || memchr(s, '\n', len) != NULL || memchr(s, '\r', len) != NULL)
        return g_strdup_printf("the value %s", what);
    return g_strdup_printf("“%.*s” %s", (int)len, s, what);
}

/* amount_fen: ASCII digits only, at most DX_MONEY_MAX_FEN. */
static gboolean
history_parse_amount(const char *s, gsize len, int64_t *out)
{
    int64_t v = 0;

    if (len == 0)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return FALSE;
        v = v * 10 + (s[i] - '0');
        if (v > DX_MONEY_MAX_FEN)   /* checked every digit, so v * 10 never overflows */
            return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean
history_check_header(DxCsvReader *reader, char **cells, guint n_cells, GError **error)
{
    guint col = 0;
    const char *problem = dx_csv_reader_get_record_problem(reader, &col);

    if (problem != NULL)
        return history_fail(error, reader, col, "header", problem);
    for (guint i = 0; i < MAX(n_cells, (guint)HISTORY_N_COLUMNS); i++) {
        if (i < n_cells && i < HISTORY_N_COLUMNS && strcmp(cells[i], history_columns[i]) == 0)
            continue;
        return history_fail(error, reader, i + 1, "header",
                            "expected exactly enterprise_id,policy_id,group,amount_fen,date");
    }
    return TRUE;
}

/* Checks one data row and appends it to @rows; the strings go to @chunk. */
static gboolean
history_read_row(DxCsvReader *reader, char **cells, guint n_cells, GStringChunk *chunk, GArray *rows,
                 GError **error)
{
    HistoryRow row = { 0 };
    const char *text[HISTORY_N_COLUMNS];
    gsize len[HISTORY_N_COLUMNS];
    gint32 days;
    guint col = 0;
    const char *problem = dx_csv_reader_get_record_problem(reader, &col);

    if (problem != NULL)
        return history_fail(error, reader, col,
                            col >= 1 && col <= HISTORY_N_COLUMNS ? history_columns[col - 1] : "row", problem);
    if (n_cells != HISTORY_N_COLUMNS) {
        g_autofree char *msg = g_strdup_printf("the row has %u cells, the header %u", n_cells,
                                               (guint)HISTORY_N_COLUMNS);

        /* point at the first missing or extra cell */
        return history_fail(error, reader, MIN(n_cells, (guint)HISTORY_N_COLUMNS) + 1, "row", msg);
    }
    for (guint i = 0; i < HISTORY_N_COLUMNS; i++) {
        len[i] = strlen(cells[i]);
        text[i] = dx_cell_trim(cells[i], &len[i]);
    }
    if (len[0] == 0)
        return history_fail(error, reader, 1, history_columns[0], "empty");
    if (len[1] == 0)
        return history_fail(error, reader, 2, history_columns[1], "empty");
    if (!history_parse_amount(text[3], len[3], &row.amount_fen)) {
        g_autofree char *msg = history_quote(text[3], len[3], "is not a whole number of fen from 0 to 10^15"
                                                              " (digits only)");
        return history_fail(error, reader, 4, history_columns[3], msg);
    }
    if (!dx_date_parse(text[4], len[4], &days)) {
        g_autofree char *msg = history_quote(text[4], len[4], "is not a date YYYY-MM-DD");
        return history_fail(error, reader, 5, history_columns[4], msg);
    }

    row.enterprise_id = g_string_chunk_insert_len(chunk, text[0], (gssize)len[0]);
    row.policy_id = g_string_chunk_insert_len(chunk, text[1], (gssize)len[1]);
    row.group = g_string_chunk_insert_len(chunk, text[2], (gssize)len[2]);
    g_array_append_val(rows, row);
    return TRUE;
}

static char *
history_sha256_file(const char *path, GError **error)
{
    g_autoptr(GChecksum) sha = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guchar *buf = g_malloc(64 * 1024);
    FILE *f = g_fopen(path, "rb");
    size_t n;

    if (f == NULL) {
        int saved = errno;
        g_autofree char *display = g_filename_display_name(path);

        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot open: %s", display, g_strerror(saved));
        return NULL;
    }
    while ((n = fread(buf, 1, 64 * 1024, f)) > 0)
        g_checksum_update(sha, buf, (gssize)n);
    if (ferror(f)) {
        g_autofree char *display = g_filename_display_name(path);

        fclose(f);
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: read error", display);
        return NULL;
    }
    fclose(f);
    return g_strdup(g_checksum_get_string(sha));
}

gboolean
dx_history_load_file(const char *path, DxPriorBook *book, char **sha256_out, GError **error)
{
    g_autoptr(DxCsvReader) reader = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(GArray) rows = NULL;
    g_autofree char *sha256 = NULL;
    GStringChunk *chunk = NULL;
    char **cells = NULL;
    guint n_cells = 0;
    gboolean ok = FALSE;

    g_return_val_if_fail(path != NULL, FALSE);
    g_return_val_if_fail(book != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    /* UTF-8 only (docs/rules.md §6): a GB18030 history file is a bad file, not one to guess at */
    reader = dx_csv_reader_new_file(path, DX_ENCODING_UTF8, NULL, error);
    if (reader == NULL)
        return FALSE;
    if (!dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        if (local == NULL)
            g_set_error(&local, DX_ERROR, DX_ERROR_HISTORY_INVALID, "%s:1:1: header: empty file",
                        dx_csv_reader_get_name(reader));
        goto out;
    }
    if (!history_check_header(reader, cells, n_cells, &local))
        goto out;

    rows = g_array_new(FALSE, FALSE, sizeof(HistoryRow));
    chunk = g_string_chunk_new(4096);
    while (dx_csv_reader_next(reader, &cells, &n_cells, &local)) {
        if (!history_read_row(reader, cells, n_cells, chunk, rows, &local))
            goto out;
    }
    if (local != NULL)
        goto out;
    if (sha256_out != NULL && (sha256 = history_sha256_file(path, &local)) == NULL)
        goto out;

    for (guint i = 0; i < rows->len; i++) {
        const HistoryRow *r = &g_array_index(rows, HistoryRow, i);

        /* award units, not charged to this fund, counts for `once` */
        dx_prior_book_add_award(book, r->enterprise_id, r->policy_id, r->group, r->amount_fen, 0, +1);
    }
    if (sha256_out != NULL)
        *sha256_out = g_steal_pointer(&sha256);
    ok = TRUE;
out:
    if (chunk != NULL)
        g_string_chunk_free(chunk);
    if (local != NULL) {
        /* the reader's fatal errors (unterminated quote, bad bytes, a record
         * over the limit) are bad rows too; only I/O stays I/O */
        if (local->domain == DX_ERROR && local->code != DX_ERROR_IO)
            local->code = DX_ERROR_HISTORY_INVALID;
        g_propagate_error(error, g_steal_pointer(&local));
    }
    return ok;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Taken lines (dx-csv-private.h): between records the batch takes the
 * whole lines of the reader's current block that are certainly one record
 * each, and its workers split them on their own threads, in place, with
 * the same cells, line numbers and record problems dx_csv_reader_next()
 * would give. A line that is not certainly one record (a quoted cell goes
 * on past its end, it is over a limit, it goes on into the next block) is
 * left to dx_csv_reader_next(), so the two never disagree on a record.
 */
#include <string.h>

#include <glib.h>

#include "duixian/dx-types.h"
#include "input/dx-csv-reader-private.h"

/* TRUE if a record that starts at @p ends at @p + @len, a line end: no
 * quoted cell is left open there (the state machine of csv_feed() in
 * dx-csv.c, reduced to what decides that). */
static gboolean
csv_line_closes_record(const char *p, gsize len)
{
    DxCsvState st = DX_CSV_FIELD_START;

    if (memchr(p, '"', len) == NULL)
        return TRUE;
    for (gsize i = 0; i < len; i++) {
        char c = p[i];

        switch (st) {
        case DX_CSV_FIELD_START:
            st = c == '"' ? DX_CSV_QUOTED : c == ',' ? DX_CSV_FIELD_START : DX_CSV_UNQUOTED;
            break;
        case DX_CSV_UNQUOTED:
            if (c == ',')
                st = DX_CSV_FIELD_START;
            break;
        case DX_CSV_QUOTED:
            if (c == '"')
                st = DX_CSV_QUOTE_IN_QUOTED;
            break;
        case DX_CSV_QUOTE_IN_QUOTED:
            st = c == '"' ? DX_CSV_QUOTED : c == ',' ? DX_CSV_FIELD_START : DX_CSV_UNQUOTED;
            break;
        case DX_CSV_RECORD_START:
        default:
            g_assert_not_reached();
        }
    }
    return st != DX_CSV_QUOTED;
}

gsize
dx_csv_reader_take_lines(DxCsvReader *self, GString *out, guint64 *first_line, guint *n_records)
{
    const char *start, *p, *end;
    guint64 lines = 0;
    guint records = 0;

    g_return_val_if_fail(self != NULL && out != NULL && first_line != NULL && n_records != NULL, 0);

    *first_line = self->line;
    *n_records = 0;
    if (self->fatal != NULL || self->state != DX_CSV_RECORD_START || self->blk_pos >= self->blk_len)
        return 0;   /* (no block yet: blk may be NULL) */
    start = p = self->blk + self->blk_pos;
    end = self->blk + self->blk_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));
        gsize len;

        if (nl == NULL)
            break;   /* the line goes on in the next block: next() reads it */
        len = (gsize)(nl - p);
        /* Only lines that are certainly one whole record each, within the
         * limits (at most len + 1 cells): a quoted cell may not go on
         * past the line end. Inside quotes a '\r' is data. */
        if (!csv_line_closes_record(p, len))
            break;
        if (len > 0 && p[len - 1] == '\r')
            len--;
        if (len > self->max_record_bytes || len + 1 > self->max_columns)
            break;
        records += len > 0;
        lines++;
        p = nl + 1;
    }
    g_string_append_len(out, start, p - start);
    self->blk_pos += (gsize)(p - start);
    self->line += lines;
    self->col = 0;
    self->record_number += records;
    *n_records = records;
    return (gsize)(p - start);
}

/* csv_split_line() for a line with quotes: each cell unquoted in place
 * (the text only gets shorter), with the rules of csv_feed() in dx-csv.c:
 * a quote opens a quoted cell only at its start, "" inside is one ", text after the
 * closing quote is kept and is the record's problem. */
static guint
csv_split_quoted(char *line, gsize len, char **cells, DxEncoding encoding, const char **problem, guint *bad_col)
{
    const char *in = line, *end = line + len;
    char *out = line;
    guint n = 0;

    for (;;) {
        char *start = out;
        const char *why = NULL;

        if (in < end && *in == '"') {
            for (in++; in < end; in++) {   /* the line closes every quote it opens */
                if (*in == '"') {
                    if (in + 1 < end && in[1] == '"') {
                        *out++ = '"';
                        in++;
                        continue;
                    }
                    in++;
                    break;
                }
                *out++ = *in;
            }
            if (in < end && *in != ',')
                why = "text after closing quote";
        }
        while (in < end && *in != ',')
            *out++ = *in++;
        if (why == NULL)
            why = dx_csv_cell_problem(start, (gsize)(out - start), encoding);
        if (*problem == NULL && why != NULL) {
            *problem = why;
            *bad_col = n + 1;
        }
        cells[n++] = start;
        if (in == end) {
            *out = '\0';
            break;
        }
        in++;   /* the ',' */
        *out++ = '\0';
    }
    cells[n] = NULL;
    return n;
}

/* Splits one taken line (@len bytes without its line end; line[len] is
 * overwritten) into NUL-terminated cells, in place; @cells has room for
 * @len + 2 pointers. Returns the number of cells. */
static guint
csv_split_line(char *line, gsize len, char **cells, DxEncoding encoding, const char **problem, guint *bad_col)
{
    char *p = line, *end = line + len;
    guint n = 0;

    *problem = NULL;
    *bad_col = 0;
    if (memchr(line, '"', len) != NULL)
        return csv_split_quoted(line, len, cells, encoding, problem, bad_col);
    for (;;) {
        char *comma = memchr(p, ',', (gsize)(end - p));
        char *cell_end = comma != NULL ? comma : end;

        if (*problem == NULL && (*problem = dx_csv_cell_problem(p, (gsize)(cell_end - p), encoding)) != NULL)
            *bad_col = n + 1;
        *cell_end = '\0';
        cells[n++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    cells[n] = NULL;
    return n;
}

void
dx_csv_taken_init(DxCsvTaken *t, char *lines, gsize len, guint64 first_line, DxEncoding encoding,
                  GPtrArray *scratch)
{
    t->p = lines;
    t->end = lines + len;
    t->line = first_line;
    t->encoding = encoding;
    t->cells = scratch;
}

gboolean
dx_csv_taken_next(DxCsvTaken *t, char ***cells, guint *n_cells, guint64 *line, const char **problem,
                  guint *bad_col)
{
    while (t->p < t->end) {
        char *p = t->p, *nl = memchr(p, '\n', (gsize)(t->end - p));   /* every taken line has its end */
        gsize len;

        g_assert(nl != NULL);
        len = (gsize)(nl - p);
        if (len > 0 && p[len - 1] == '\r')
            len--;
        t->p = nl + 1;
        *line = t->line++;
        if (len == 0)
            continue;   /* a blank line: no record, as in dx_csv_reader_next() */
        g_ptr_array_set_size(t->cells, (guint)len + 2);
        *cells = (char **)t->cells->pdata;
        *n_cells = csv_split_line(p, len, *cells, t->encoding, problem, bad_col);
        return TRUE;
    }
    return FALSE;
}


/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The streaming CSV reader declared in dx-csv-private.h: RFC 4180 records
 * (comma, '"' quoting with '""' escapes, quoted commas and newlines, LF or
 * CRLF line ends, optional final line end), decoded to UTF-8 on the fly.
 *
 * This file is the record reader: a byte-at-a-time state machine over the
 * blocks of UTF-8 that dx-csv-decode.c hands it, into a record buffer.
 * Whole lines for other threads are dx-csv-taken.c's.
 *
 * Invariants:
 * - Nothing but one raw chunk, one decoded block and the current record is
 *   ever held: the record buffer never exceeds max_record_bytes plus one NUL
 *   per cell, and the cell arrays never exceed max_columns (+1) entries, so
 *   a hostile line fails before it costs memory.
 * - Buffers are reused from record to record; they only grow when a longer
 *   or wider record arrives, so steady-state reading does not allocate.
 * - Every position in a message is 1-based "line:col" where line counts
 *   '\n' in the decoded text and col counts characters (code points), not
 *   bytes, because that is what an editor shows. Where the input is not
 *   valid UTF-8, each byte that is not a UTF-8 continuation byte counts as
 *   one column.
 * - Once a fatal error happens it is kept and returned again by every later
 *   call, so a caller that keeps calling cannot read past the damage.
 *
 * Deliberately not done here: trimming, header handling, type conversion,
 * and deciding what a ragged row means (dx-cell.c and the batch do that).
 * A lone '\r' not followed by '\n' is data, not a line end: RFC 4180 only
 * knows CRLF, and splitting on it would silently change the record count.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "input/dx-csv-reader-private.h"

/* ------------------------------------------------------------------ construction */

static DxCsvReader *
csv_reader_alloc(const char *name, DxEncoding encoding, const DxCsvLimits *limits)
{
    DxCsvReader *self = g_new0(DxCsvReader, 1);

    self->name = g_strdup(name);
    self->encoding = encoding;
    /* 0 in a limits field means "the default", so callers can set one field. */
    self->max_record_bytes = DX_CSV_DEFAULT_MAX_RECORD_BYTES;
    self->max_columns = DX_CSV_DEFAULT_MAX_COLUMNS;
    if (limits != NULL && limits->max_record_bytes > 0)
        self->max_record_bytes = limits->max_record_bytes;
    if (limits != NULL && limits->max_columns > 0)
        self->max_columns = limits->max_columns;
    self->fd = -1;
    self->cd = DX_CSV_NO_ICONV;
    self->raw = g_malloc(DX_CSV_CHUNK);
    self->at_file_start = TRUE;
    self->line = 1;
    self->state = DX_CSV_RECORD_START;
    return self;
}


DxCsvReader *
dx_csv_reader_new_file(const char *path, DxEncoding encoding, const DxCsvLimits *limits,
                       GError **error)
{
    g_autoptr(DxCsvReader) self = NULL;
    g_autofree char *display = NULL;
    struct stat st;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    display = g_filename_display_name(path);
    self = csv_reader_alloc(display, encoding, limits);
    self->fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (self->fd < 0) {
        int saved = errno;

        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: cannot open: %s", display,
                    g_strerror(saved));
        return NULL;
    }
    if (fstat(self->fd, &st) == 0 && S_ISREG(st.st_mode))
        self->bytes_total = (guint64)st.st_size;
    if (!dx_csv_decode_start(self, error))
        return NULL;
    return g_steal_pointer(&self);
}

DxCsvReader *
dx_csv_reader_new_data(const char *name, const char *data, gsize len, DxEncoding encoding,
                       const DxCsvLimits *limits, GError **error)
{
    g_autoptr(DxCsvReader) self = NULL;

    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    self = csv_reader_alloc(name != NULL ? name : "<data>", encoding, limits);
    self->data = data;
    self->data_len = len;
    self->bytes_total = len;
    if (!dx_csv_decode_start(self, error))
        return NULL;
    return g_steal_pointer(&self);
}

void
dx_csv_reader_free(DxCsvReader *self)
{
    if (self == NULL)
        return;
    if (self->fd >= 0)
        g_close(self->fd, NULL);
    if (self->cd != DX_CSV_NO_ICONV)
        g_iconv_close(self->cd);
    g_clear_error(&self->fatal);
    g_free(self->name);
    g_free(self->raw);
    g_free(self->decoded);
    g_free(self->rec);
    g_free(self->cell_start);
    g_free(self->cells);
    g_free(self);
}

/* ------------------------------------------------------------------ records */

static inline void
csv_push(DxCsvReader *self, char c)
{
    if (G_UNLIKELY(self->rec_len == self->rec_alloc)) {
        /* Every stored byte was counted in rec_bytes except the NUL after
         * each cell, so rec_len never exceeds this cap: doubling must not
         * overshoot it either, or a long record would cost twice the limit. */
        gsize cap = self->max_record_bytes + self->max_columns;

        self->rec_alloc = MAX(MIN(MAX(self->rec_alloc * 2, 256), cap), self->rec_len + 1);
        self->rec = g_realloc(self->rec, self->rec_alloc);
    }
    self->rec[self->rec_len++] = c;
}

static void
csv_note_problem(DxCsvReader *self, const char *msg, guint cell)
{
    if (self->problem == NULL) {   /* the first problem names the row well enough */
        self->problem = msg;
        self->problem_cell = cell;
    }
}

/* Opens cell number n_cells + 1, which starts at line:col. */
static gboolean
csv_cell_begin(DxCsvReader *self, guint64 line, guint64 col, GError **error)
{
    if (self->n_cells == self->max_columns)
        return dx_csv_fail(self, error, DX_ERROR_LIMIT, line, col,
                           "record has more than %u cells", self->max_columns);
    if (self->n_cells == self->cells_alloc) {
        /* Doubling, but never past the limit: a huge line costs at most
         * max_columns slots before it fails above. */
        guint n = MIN(MAX(self->cells_alloc * 2, 16u), self->max_columns);

        self->cell_start = g_renew(gsize, self->cell_start, n);
        self->cells = g_renew(char *, self->cells, (gsize)n + 1);
        self->cells_alloc = n;
    }
    self->cell_start[self->n_cells++] = self->rec_len;
    return TRUE;
}

/* Closes the current cell and checks it for non-fatal problems. */
static void
csv_cell_end(DxCsvReader *self)
{
    gsize start = self->cell_start[self->n_cells - 1];
    gsize len = self->rec_len - start;

    /* rec is still NULL when the first cell of the first record is empty */
    if (self->problem == NULL && len > 0) {
        const char *why = dx_csv_cell_problem(self->rec + start, len, self->encoding);

        if (why != NULL)
            csv_note_problem(self, why, self->n_cells);
    }
    csv_push(self, '\0');
}

/* Feeds one character that is not a line end outside quotes. */
static gboolean
csv_feed(DxCsvReader *self, char c, GError **error)
{
    if (self->state == DX_CSV_RECORD_START) {
        self->rec_line = self->line;
        self->rec_col = self->col;
        self->state = DX_CSV_FIELD_START;
        if (!csv_cell_begin(self, self->line, self->col, error))
            return FALSE;
    }
    /* The limit counts decoded bytes from the record's first character to
     * its line end (quotes, separators and quoted newlines included, the
     * final line end not), which also bounds the record buffer. */
    if (++self->rec_bytes > self->max_record_bytes)
        return dx_csv_fail(self, error, DX_ERROR_LIMIT, self->rec_line, self->rec_col,
                           "record longer than %" G_GSIZE_FORMAT " bytes", self->max_record_bytes);

    switch (self->state) {
    case DX_CSV_FIELD_START:
        if (c == '"') {
            self->state = DX_CSV_QUOTED;
            self->quote_line = self->line;
            self->quote_col = self->col;
            break;
        }
        self->state = DX_CSV_UNQUOTED;
        G_GNUC_FALLTHROUGH;
    case DX_CSV_UNQUOTED:
        if (c == ',') {
            csv_cell_end(self);
            self->state = DX_CSV_FIELD_START;
            return csv_cell_begin(self, self->line, self->col + 1, error);
        }
        csv_push(self, c);   /* a '"' inside an unquoted cell is kept verbatim */
        break;
    case DX_CSV_QUOTED:
        if (c == '"')
            self->state = DX_CSV_QUOTE_IN_QUOTED;
        else
            csv_push(self, c);
        break;
    case DX_CSV_QUOTE_IN_QUOTED:
        if (c == '"') {
            csv_push(self, '"');
            self->state = DX_CSV_QUOTED;
        } else if (c == ',') {
            csv_cell_end(self);
            self->state = DX_CSV_FIELD_START;
            return csv_cell_begin(self, self->line, self->col + 1, error);
        } else {
            /* "ab"c: keep going as if unquoted so the row can still be named. */
            csv_note_problem(self, "text after closing quote", self->n_cells);
            csv_push(self, c);
            self->state = DX_CSV_UNQUOTED;
        }
        break;
    case DX_CSV_RECORD_START:
    default:
        g_assert_not_reached();
    }
    return TRUE;
}

/* A line end outside quotes: TRUE if it completes a record. */
static gboolean
csv_line_end(DxCsvReader *self)
{
    if (self->state == DX_CSV_RECORD_START)
        return FALSE;   /* a blank line: no record */
    csv_cell_end(self);
    self->state = DX_CSV_RECORD_START;
    return TRUE;
}

static void
csv_record_reset(DxCsvReader *self)
{
    self->rec_len = 0;
    self->rec_bytes = 0;
    self->n_cells = 0;
    self->problem = NULL;
    self->problem_cell = 0;
    self->state = DX_CSV_RECORD_START;
}

static void
csv_record_publish(DxCsvReader *self, char ***cells, guint *n_cells)
{
    /* Pointers are made only now because rec may move while it grows. */
    for (guint i = 0; i < self->n_cells; i++)
        self->cells[i] = self->rec + self->cell_start[i];
    self->cells[self->n_cells] = NULL;
    self->record_number++;
    *cells = self->cells;
    *n_cells = self->n_cells;
}

gboolean
dx_csv_reader_next(DxCsvReader *self, char ***cells, guint *n_cells, GError **error)
{
    gboolean cr_pending = FALSE;   /* a '\r' outside quotes, waiting to see a '\n' */

    g_return_val_if_fail(self != NULL, FALSE);
    g_return_val_if_fail(cells != NULL && n_cells != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    *cells = NULL;
    *n_cells = 0;
    if (self->fatal != NULL) {
        g_propagate_error(error, g_error_copy(self->fatal));
        return FALSE;
    }
    csv_record_reset(self);

    for (;;) {
        guchar c;

        if (self->blk_pos == self->blk_len) {
            if (!dx_csv_decode_fetch(self, error))
                return FALSE;
            if (self->blk_len == 0)
                break;
            continue;   /* the block may hold nothing but a stripped BOM */
        }
        /* Fast path: inside an unquoted cell, everything up to the next
         * comma or line end is data. Copy such a run in one go instead of
         * one byte at a time (most of a large file is this). The per-byte
         * path below still handles every state change, the record limit
         * and the exact error positions. */
        if (self->state == DX_CSV_UNQUOTED && !cr_pending) {
            const char *p = self->blk + self->blk_pos, *end = self->blk + self->blk_len, *q = p;
            guint64 chars = 0;
            gsize run;

            while (q < end && *q != ',' && *q != '\n' && *q != '\r') {
                chars += (*(const guchar *)q & 0xC0) != 0x80;
                q++;
            }
            run = (gsize)(q - p);
            if (run > 0 && self->rec_bytes + run <= self->max_record_bytes) {
                if (self->rec_len + run >= self->rec_alloc) {
                    gsize cap = self->max_record_bytes + self->max_columns;

                    self->rec_alloc = MAX(MIN(MAX(self->rec_alloc * 2, self->rec_len + run + 256), cap),
                                          self->rec_len + run + 1);
                    self->rec = g_realloc(self->rec, self->rec_alloc);
                }
                memcpy(self->rec + self->rec_len, p, run);
                self->rec_len += run;
                self->rec_bytes += run;
                self->col += chars;
                self->blk_pos += run;
                continue;
            }
        }
        c = (guchar)self->blk[self->blk_pos++];
        if ((c & 0xC0) != 0x80)
            self->col++;

        if (cr_pending) {
            cr_pending = FALSE;
            if (c == '\n') {
                self->line++;
                self->col = 0;
                if (csv_line_end(self))
                    goto record;
                continue;
            }
            /* A lone '\r' is data (see the top of the file). */
            if (!csv_feed(self, '\r', error))
                return FALSE;
        }
        if (c == '\r' && self->state != DX_CSV_QUOTED) {
            cr_pending = TRUE;
            continue;
        }
        if (c == '\n' && self->state != DX_CSV_QUOTED) {
            self->line++;
            self->col = 0;
            if (csv_line_end(self))
                goto record;
            continue;
        }
        if (!csv_feed(self, (char)c, error))
            return FALSE;
        if (c == '\n') {   /* inside quotes: still a new physical line */
            self->line++;
            self->col = 0;
        }
    }

    /* End of input. A trailing '\r' is taken as a line end cut short. */
    if (self->state == DX_CSV_QUOTED)
        return dx_csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->quote_line, self->quote_col,
                           "quoted cell is not closed before the end of the input");
    if (!csv_line_end(self))
        return FALSE;   /* nothing left: the normal end, error unset */

record:
    csv_record_publish(self, cells, n_cells);
    return TRUE;
}
/* ------------------------------------------------------------------ accessors */

const char *
dx_csv_reader_get_record_problem(DxCsvReader *self, guint *column)
{
    g_return_val_if_fail(self != NULL, NULL);

    if (column != NULL)
        *column = self->problem != NULL ? self->problem_cell : 0;
    return self->problem;
}

guint64
dx_csv_reader_get_line(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->rec_line;
}

guint64
dx_csv_reader_get_record_number(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->record_number;
}

DxEncoding
dx_csv_reader_get_encoding(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, DX_ENCODING_UTF8);
    return self->encoding;
}

guint64
dx_csv_reader_get_bytes_read(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, 0);
    /* UTF-8 blocks are the raw bytes, so the exact position is known; a
     * GB18030 block counts whole once handed out (progress, not offsets). */
    if (self->encoding == DX_ENCODING_UTF8)
        return self->blk_raw_start + self->blk_pos;
    return self->blk_raw_start + self->blk_raw_len;
}

guint64
dx_csv_reader_get_bytes_total(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, 0);
    return self->bytes_total;
}

const char *
dx_csv_reader_get_name(const DxCsvReader *self)
{
    g_return_val_if_fail(self != NULL, NULL);
    return self->name;
}


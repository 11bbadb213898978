/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The streaming CSV reader declared in dx-csv-private.h: RFC 4180 records
 * (comma, '"' quoting with '""' escapes, quoted commas and newlines, LF or
 * CRLF line ends, optional final line end), decoded to UTF-8 on the fly.
 *
 * Data flows source -> raw buffer (one 64 KiB chunk) -> decoder -> block ->
 * byte-at-a-time state machine -> record buffer. In UTF-8 mode the block is
 * the raw buffer itself; in GB18030 mode GIConv converts the raw buffer into
 * a separate block, keeping an incomplete multibyte tail for the next chunk.
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
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "input/dx-csv-private.h"

/* One read from the source. Also the window AUTO detection looks at. */
#define CSV_CHUNK ((gsize)64 * 1024)
/* GB18030 -> UTF-8 grows at most 3/2 (two bytes become three), so one
 * chunk always fits in one block and the first block holds a whole BOM. */
#define CSV_DECODED_SIZE (2 * CSV_CHUNK)

#define CSV_NO_ICONV ((GIConv)-1)

typedef enum {
    CSV_RECORD_START,   /* nothing of the record seen yet (blank lines skip here) */
    CSV_FIELD_START,    /* at the start of a cell, after a ',' or the first char */
    CSV_UNQUOTED,       /* inside an unquoted cell */
    CSV_QUOTED,         /* inside a quoted cell */
    CSV_QUOTE_IN_QUOTED /* a '"' inside a quoted cell: closing quote or "" escape */
} CsvState;

struct _DxCsvReader {
    char *name;                 /* for messages */
    DxEncoding encoding;        /* UTF8 or GB18030, never AUTO */
    gsize max_record_bytes;
    guint max_columns;

    /* Source: exactly one of fd (>= 0) or data. */
    int fd;
    const char *data;           /* (nullable) borrowed */
    gsize data_len, data_pos;
    gboolean src_eof;           /* the source has nothing more */
    guint64 bytes_total;

    /* Raw bytes read but not yet decoded are raw[raw_pos, raw_len). */
    char *raw;                  /* CSV_CHUNK bytes */
    gsize raw_pos, raw_len;

    /* GB18030 only. */
    GIConv cd;
    char *decoded;              /* CSV_DECODED_SIZE bytes */

    /* The block the state machine reads: blk[blk_pos, blk_len). */
    const char *blk;
    gsize blk_pos, blk_len;
    guint64 blk_raw_start;      /* raw offset of the first byte behind blk */
    guint64 blk_raw_len;        /* raw bytes behind blk */
    gboolean at_file_start;     /* no block handed out yet: strip a BOM */

    /* Position of the last character seen (col 0: none yet on this line). */
    guint64 line, col;

    /* The current record: cells are NUL-terminated runs in rec. */
    char *rec;
    gsize rec_len, rec_alloc;
    gsize rec_bytes;            /* decoded bytes of the record, for the limit */
    gsize *cell_start;          /* offsets into rec */
    char **cells;               /* handed out; NULL-terminated */
    guint n_cells, cells_alloc;
    guint64 rec_line, rec_col;
    guint64 quote_line, quote_col;
    guint64 record_number;
    CsvState state;

    const char *problem;        /* static string, or NULL */
    guint problem_cell;

    GError *fatal;              /* (owned) (nullable) sticky */
};

/* ------------------------------------------------------------------ errors */

/* Records a fatal error at line:col, keeps a copy for later calls. */
G_GNUC_PRINTF(6, 7) static gboolean
csv_fail(DxCsvReader *self, GError **error, DxError code, guint64 line, guint64 col,
         const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_clear_error(&self->fatal);
    self->fatal = g_error_new(DX_ERROR, code, "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s",
                              self->name, line, col, msg);
    g_propagate_error(error, g_error_copy(self->fatal));
    return FALSE;
}

/* ------------------------------------------------------------------ UTF-8 */

/* Offset of the first byte that is not part of valid UTF-8, or @len.
 * NUL bytes are reported separately, so they do not count as invalid here
 * (g_utf8_validate_len() would stop at them). */
static gsize
csv_utf8_first_invalid(const char *p, gsize len)
{
    gsize off = 0;

    while (off < len) {
        const char *end = NULL;

        if (g_utf8_validate_len(p + off, len - off, &end))
            return len;
        off = (gsize)(end - p);
        if (p[off] != '\0')
            return off;
        off++;
    }
    return len;
}

/* TRUE if @p[0..n) is the start of a valid multibyte sequence cut short,
 * i.e. what a chunk boundary leaves behind, not bad data. */
static gboolean
csv_utf8_is_cut_sequence(const guchar *p, gsize n)
{
    gsize need;
    guchar lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */

    if (n == 0)
        return FALSE;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        need = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        need = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        need = 4;
    else
        return FALSE;
    if (n >= need)
        return FALSE;
    /* The same second-byte rules as g_utf8_validate: no overlongs, no
     * surrogates, nothing above U+10FFFF. */
    if (p[0] == 0xE0)
        lo = 0xA0;
    else if (p[0] == 0xED)
        hi = 0x9F;
    else if (p[0] == 0xF0)
        lo = 0x90;
    else if (p[0] == 0xF4)
        hi = 0x8F;
    if (n > 1 && (p[1] < lo || p[1] > hi))
        return FALSE;
    for (gsize i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return FALSE;
    return TRUE;
}

/* ------------------------------------------------------------------ source */

/* Fills @buf with up to @want bytes, short only at the end of input. */
static gboolean
csv_source_read(DxCsvReader *self, char *buf, gsize want, gsize *got, GError **error)
{
    gsize n = 0;

    if (self->fd < 0) {
        n = MIN(want, self->data_len - self->data_pos);
        if (n > 0)
            memcpy(buf, self->data + self->data_pos, n);
        self->data_pos += n;
    } else {
        /* Loop so that a short read (pipe, signal) does not look like EOF and
         * so that the first read really is a whole chunk for AUTO detection. */
        while (n < want && !self->src_eof) {
            ssize_t r = read(self->fd, buf + n, want - n);

            if (r < 0) {
                int saved = errno;

                if (saved == EINTR)
                    continue;
                *got = n;
                g_set_error(error, DX_ERROR, DX_ERROR_IO, "read error: %s", g_strerror(saved));
                return FALSE;
            }
            if (r == 0)
                self->src_eof = TRUE;
            n += (gsize)r;
        }
    }
    if (n < want)
        self->src_eof = TRUE;
    *got = n;
    return TRUE;
}

/* Moves the undecoded tail to the front of raw and reads behind it. */
static gboolean
csv_refill_raw(DxCsvReader *self, GError **error)
{
    gsize tail = self->raw_len - self->raw_pos;
    gsize got = 0;

    if (tail > 0 && self->raw_pos > 0)
        memmove(self->raw, self->raw + self->raw_pos, tail);
    self->raw_pos = 0;
    self->raw_len = tail;
    if (self->src_eof)
        return TRUE;
    if (!csv_source_read(self, self->raw + tail, CSV_CHUNK - tail, &got, error))
        return FALSE;
    self->raw_len += got;
    return TRUE;
}

/* ------------------------------------------------------------------ decoding */

/* Makes the next decoded block current; blk_len == 0 means end of input.
 * Fatal problems (read errors, undecodable GB18030) are reported at the
 * character after the last one the state machine saw, which is exactly
 * where decoding stopped because blocks are consumed fully before this. */
static gboolean
csv_fetch(DxCsvReader *self, GError **error)
{
    self->blk_raw_start += self->blk_raw_len;
    self->blk_raw_len = 0;
    self->blk_pos = self->blk_len = 0;

    if (self->encoding == DX_ENCODING_UTF8) {
        g_autoptr(GError) local = NULL;

        if (self->raw_pos == self->raw_len && !csv_refill_raw(self, &local))
            return csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
                            local->message);
        self->blk = self->raw + self->raw_pos;
        self->blk_len = self->raw_len - self->raw_pos;
        self->blk_raw_len = self->blk_len;
        self->raw_pos = self->raw_len;
    } else {
        for (;;) {
            gsize in_left = self->raw_len - self->raw_pos;
            gchar *in, *out;
            gsize out_left = CSV_DECODED_SIZE, r;
            int saved;

            if (in_left == 0) {
                g_autoptr(GError) local = NULL;

                if (!csv_refill_raw(self, &local))
                    return csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
                                    local->message);
                in_left = self->raw_len;
                if (in_left == 0)
                    break;   /* end of input */
            }
            in = self->raw + self->raw_pos;
            out = self->decoded;
            r = g_iconv(self->cd, &in, &in_left, &out, &out_left);
            saved = errno;
            self->blk_raw_len += (guint64)(in - (self->raw + self->raw_pos));
            self->raw_pos = (gsize)(in - self->raw);
            self->blk = self->decoded;
            self->blk_len = CSV_DECODED_SIZE - out_left;
            /* Return what was decoded first; a bad sequence is met again, with
             * nothing decoded before it, on the next call. */
            if (self->blk_len > 0)
                break;
            if (r != (gsize)-1)
                continue;
            if (saved == EINVAL && !self->src_eof) {
                /* A multibyte sequence cut by the chunk end: read the rest. */
                g_autoptr(GError) local = NULL;

                if (!csv_refill_raw(self, &local))
                    return csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
                                    local->message);
                continue;
            }
            if (saved == EINVAL)
                return csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->line, self->col + 1,
                                "GB18030 sequence cut short by the end of the input");
            return csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->line, self->col + 1,
                            "byte 0x%02X is not valid GB18030",
                            (guint)(guchar)self->raw[self->raw_pos]);
        }
    }

    if (self->at_file_start && self->blk_len > 0) {
        self->at_file_start = FALSE;
        if (self->blk_len >= 3 && memcmp(self->blk, "\xEF\xBB\xBF", 3) == 0)
            self->blk_pos = 3;
    }
    return TRUE;
}

/* Chooses UTF-8 or GB18030 from the first chunk (already in raw). */
static DxEncoding
csv_detect(DxCsvReader *self)
{
    const char *p = self->raw;
    gsize len = self->raw_len, bad;
    GIConv cd;
    g_autofree char *scratch = NULL;
    gchar *in, *out;
    gsize in_left, out_left, r;
    int saved;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        return DX_ENCODING_UTF8;
    bad = csv_utf8_first_invalid(p, len);
    if (bad == len)
        return DX_ENCODING_UTF8;
    /* The chunk end may cut a valid character; only the bytes before it count. */
    if (!self->src_eof && len - bad < 4 &&
        csv_utf8_is_cut_sequence((const guchar *)p + bad, len - bad))
        return DX_ENCODING_UTF8;

    cd = g_iconv_open("UTF-8", "GB18030");
    if (cd == CSV_NO_ICONV)
        return DX_ENCODING_UTF8;
    scratch = g_malloc(CSV_DECODED_SIZE);
    in = (gchar *)p;
    in_left = len;
    out = scratch;
    out_left = CSV_DECODED_SIZE;
    r = g_iconv(cd, &in, &in_left, &out, &out_left);
    saved = errno;
    g_iconv_close(cd);
    if (r != (gsize)-1 || (saved == EINVAL && !self->src_eof))
        return DX_ENCODING_GB18030;
    return DX_ENCODING_UTF8;   /* bad bytes become per-record problems */
}

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
    self->cd = CSV_NO_ICONV;
    self->raw = g_malloc(CSV_CHUNK);
    self->at_file_start = TRUE;
    self->line = 1;
    self->state = CSV_RECORD_START;
    return self;
}

/* Reads the first chunk, settles the encoding and opens the converter. */
static gboolean
csv_reader_start(DxCsvReader *self, GError **error)
{
    g_autoptr(GError) local = NULL;

    if (!csv_refill_raw(self, &local)) {
        g_set_error(error, DX_ERROR, DX_ERROR_IO, "%s: %s", self->name, local->message);
        return FALSE;
    }
    if (self->encoding != DX_ENCODING_UTF8 && self->encoding != DX_ENCODING_GB18030)
        self->encoding = csv_detect(self);
    if (self->encoding == DX_ENCODING_GB18030) {
        self->cd = g_iconv_open("UTF-8", "GB18030");
        if (self->cd == CSV_NO_ICONV) {
            g_set_error(error, DX_ERROR, DX_ERROR_FAILED,
                        "%s: this system cannot convert GB18030 to UTF-8", self->name);
            return FALSE;
        }
        self->decoded = g_malloc(CSV_DECODED_SIZE);
    }
    return TRUE;
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
    if (!csv_reader_start(self, error))
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
    if (!csv_reader_start(self, error))
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
    if (self->cd != CSV_NO_ICONV)
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
        return csv_fail(self, error, DX_ERROR_LIMIT, line, col,
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

const char *
dx_csv_cell_problem(const char *p, gsize len, DxEncoding encoding)
{
    const char *q = p, *end = p + len;

    if (len == 0)
        return NULL;
    if (memchr(p, '\0', len) != NULL)
        return "NUL byte";
    if (encoding == DX_ENCODING_UTF8 && csv_utf8_first_invalid(p, len) < len)
        return "invalid UTF-8";
    /* A BOM at the very start was stripped before parsing; any other
     * U+FEFF is usually two files pasted together. */
    while ((q = memchr(q, 0xEF, (gsize)(end - q))) != NULL) {
        if (end - q >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0)
            return "byte-order mark inside the data";
        q++;
    }
    return NULL;
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
    if (self->state == CSV_RECORD_START) {
        self->rec_line = self->line;
        self->rec_col = self->col;
        self->state = CSV_FIELD_START;
        if (!csv_cell_begin(self, self->line, self->col, error))
            return FALSE;
    }
    /* The limit counts decoded bytes from the record's first character to
     * its line end (quotes, separators and quoted newlines included, the
     * final line end not), which also bounds the record buffer. */
    if (++self->rec_bytes > self->max_record_bytes)
        return csv_fail(self, error, DX_ERROR_LIMIT, self->rec_line, self->rec_col,
                        "record longer than %" G_GSIZE_FORMAT " bytes", self->max_record_bytes);

    switch (self->state) {
    case CSV_FIELD_START:
        if (c == '"') {
            self->state = CSV_QUOTED;
            self->quote_line = self->line;
            self->quote_col = self->col;
            break;
        }
        self->state = CSV_UNQUOTED;
        G_GNUC_FALLTHROUGH;
    case CSV_UNQUOTED:
        if (c == ',') {
            csv_cell_end(self);
            self->state = CSV_FIELD_START;
            return csv_cell_begin(self, self->line, self->col + 1, error);
        }
        csv_push(self, c);   /* a '"' inside an unquoted cell is kept verbatim */
        break;
    case CSV_QUOTED:
        if (c == '"')
            self->state = CSV_QUOTE_IN_QUOTED;
        else
            csv_push(self, c);
        break;
    case CSV_QUOTE_IN_QUOTED:
        if (c == '"') {
            csv_push(self, '"');
            self->state = CSV_QUOTED;
        } else if (c == ',') {
            csv_cell_end(self);
            self->state = CSV_FIELD_START;
            return csv_cell_begin(self, self->line, self->col + 1, error);
        } else {
            /* "ab"c: keep going as if unquoted so the row can still be named. */
            csv_note_problem(self, "text after closing quote", self->n_cells);
            csv_push(self, c);
            self->state = CSV_UNQUOTED;
        }
        break;
    case CSV_RECORD_START:
    default:
        g_assert_not_reached();
    }
    return TRUE;
}

/* A line end outside quotes: TRUE if it completes a record. */
static gboolean
csv_line_end(DxCsvReader *self)
{
    if (self->state == CSV_RECORD_START)
        return FALSE;   /* a blank line: no record */
    csv_cell_end(self);
    self->state = CSV_RECORD_START;
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
    self->state = CSV_RECORD_START;
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
            if (!csv_fetch(self, error))
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
        if (self->state == CSV_UNQUOTED && !cr_pending) {
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
        if (c == '\r' && self->state != CSV_QUOTED) {
            cr_pending = TRUE;
            continue;
        }
        if (c == '\n' && self->state != CSV_QUOTED) {
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
    if (self->state == CSV_QUOTED)
        return csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->quote_line, self->quote_col,
                        "quoted cell is not closed before the end of the input");
    if (!csv_line_end(self))
        return FALSE;   /* nothing left: the normal end, error unset */

record:
    csv_record_publish(self, cells, n_cells);
    return TRUE;
}

/* TRUE if a record that starts at @p ends at @p + @len, a line end: no
 * quoted cell is left open there (the state machine of csv_feed(),
 * reduced to what decides that). */
static gboolean
csv_line_closes_record(const char *p, gsize len)
{
    CsvState st = CSV_FIELD_START;

    if (memchr(p, '"', len) == NULL)
        return TRUE;
    for (gsize i = 0; i < len; i++) {
        char c = p[i];

        switch (st) {
        case CSV_FIELD_START:
            st = c == '"' ? CSV_QUOTED : c == ',' ? CSV_FIELD_START : CSV_UNQUOTED;
            break;
        case CSV_UNQUOTED:
            if (c == ',')
                st = CSV_FIELD_START;
            break;
        case CSV_QUOTED:
            if (c == '"')
                st = CSV_QUOTE_IN_QUOTED;
            break;
        case CSV_QUOTE_IN_QUOTED:
            st = c == '"' ? CSV_QUOTED : c == ',' ? CSV_FIELD_START : CSV_UNQUOTED;
            break;
        case CSV_RECORD_START:
        default:
            g_assert_not_reached();
        }
    }
    return st != CSV_QUOTED;
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
    if (self->fatal != NULL || self->state != CSV_RECORD_START || self->blk_pos >= self->blk_len)
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
 * (the text only gets shorter), with csv_feed()'s rules: a quote opens a
 * quoted cell only at its start, "" inside is one ", text after the
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

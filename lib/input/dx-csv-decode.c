/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CSV reader's decoding (see dx-csv-reader-private.h): it reads the
 * source, settles the encoding and hands the record state machine of
 * dx-csv.c one block of UTF-8 at a time, a BOM at the start stripped.
 *
 * Data flows source -> raw buffer (one 64 KiB chunk) -> decoder -> block.
 * In UTF-8 mode the block is the raw buffer itself; in GB18030 mode GIConv
 * converts the raw buffer into a separate block, keeping an incomplete
 * multibyte tail for the next chunk. AUTO looks at the first chunk only:
 * valid UTF-8 (or a UTF-8 BOM) is UTF-8, what GB18030 decodes is GB18030,
 * anything else stays UTF-8 so that bad bytes become per-record problems.
 *
 * Also here, because it is about bytes and encodings, not records: the
 * non-fatal problem of one cell (NUL byte, invalid UTF-8, a BOM inside).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "input/dx-csv-reader-private.h"

/* ------------------------------------------------------------------ errors */

gboolean
dx_csv_fail(DxCsvReader *self, GError **error, DxError code, guint64 line, guint64 col,
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
utf8_first_invalid(const char *p, gsize len)
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
utf8_is_cut_sequence(const guchar *p, gsize n)
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
    if (!csv_source_read(self, self->raw + tail, DX_CSV_CHUNK - tail, &got, error))
        return FALSE;
    self->raw_len += got;
    return TRUE;
}

/* ------------------------------------------------------------------ decoding */

/* Makes the next decoded block current; blk_len == 0 means end of input.
 * Fatal problems (read errors, undecodable GB18030) are reported at the
 * character after the last one the state machine saw, which is exactly
 * where decoding stopped because blocks are consumed fully before this. */
gboolean
dx_csv_decode_fetch(DxCsvReader *self, GError **error)
{
    self->blk_raw_start += self->blk_raw_len;
    self->blk_raw_len = 0;
    self->blk_pos = self->blk_len = 0;

    if (self->encoding == DX_ENCODING_UTF8) {
        g_autoptr(GError) local = NULL;

        if (self->raw_pos == self->raw_len && !csv_refill_raw(self, &local))
            return dx_csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
                               local->message);
        self->blk = self->raw + self->raw_pos;
        self->blk_len = self->raw_len - self->raw_pos;
        self->blk_raw_len = self->blk_len;
        self->raw_pos = self->raw_len;
    } else {
        for (;;) {
            gsize in_left = self->raw_len - self->raw_pos;
            gchar *in, *out;
            gsize out_left = DX_CSV_DECODED_SIZE, r;
            int saved;

            if (in_left == 0) {
                g_autoptr(GError) local = NULL;

                if (!csv_refill_raw(self, &local))
                    return dx_csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
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
            self->blk_len = DX_CSV_DECODED_SIZE - out_left;
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
                    return dx_csv_fail(self, error, DX_ERROR_IO, self->line, self->col + 1, "%s",
                                       local->message);
                continue;
            }
            if (saved == EINVAL)
                return dx_csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->line, self->col + 1,
                                   "GB18030 sequence cut short by the end of the input");
            return dx_csv_fail(self, error, DX_ERROR_INPUT_INVALID, self->line, self->col + 1,
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
    bad = utf8_first_invalid(p, len);
    if (bad == len)
        return DX_ENCODING_UTF8;
    /* The chunk end may cut a valid character; only the bytes before it count. */
    if (!self->src_eof && len - bad < 4 &&
        utf8_is_cut_sequence((const guchar *)p + bad, len - bad))
        return DX_ENCODING_UTF8;

    cd = g_iconv_open("UTF-8", "GB18030");
    if (cd == DX_CSV_NO_ICONV)
        return DX_ENCODING_UTF8;
    scratch = g_malloc(DX_CSV_DECODED_SIZE);
    in = (gchar *)p;
    in_left = len;
    out = scratch;
    out_left = DX_CSV_DECODED_SIZE;
    r = g_iconv(cd, &in, &in_left, &out, &out_left);
    saved = errno;
    g_iconv_close(cd);
    if (r != (gsize)-1 || (saved == EINVAL && !self->src_eof))
        return DX_ENCODING_GB18030;
    return DX_ENCODING_UTF8;   /* bad bytes become per-record problems */
}

/* Reads the first chunk, settles the encoding and opens the converter. */
gboolean
dx_csv_decode_start(DxCsvReader *self, GError **error)
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
        if (self->cd == DX_CSV_NO_ICONV) {
            g_set_error(error, DX_ERROR, DX_ERROR_FAILED,
                        "%s: this system cannot convert GB18030 to UTF-8", self->name);
            return FALSE;
        }
        self->decoded = g_malloc(DX_CSV_DECODED_SIZE);
    }
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
    if (encoding == DX_ENCODING_UTF8 && utf8_first_invalid(p, len) < len)
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


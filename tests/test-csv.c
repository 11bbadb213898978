/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests for the streaming CSV reader (lib/input/dx-csv.c): RFC 4180 quoting, line
 * ends, blank lines, BOMs, per-record problems, fatal errors with their
 * line:col, limits, GB18030 decoding across chunk boundaries, and streaming
 * a large file. Chunk-boundary cases are built around the reader's 64 KiB
 * read size, which is an implementation detail these tests pin on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>    /* cmocka.h needs these four first */
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "duixian/dx-types.h"
#include "duixian/dx-error.h"
#include "input/dx-csv-private.h"
#include "dx-test-helpers.h"

#define CHUNK (64 * 1024)

/* ------------------------------------------------------------------ helpers */

/* Appends @s with '\r' and '\n' made visible, so expectations stay on one line. */
static void
append_escaped(GString *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\n')
            g_string_append(out, "\\n");
        else if (*s == '\r')
            g_string_append(out, "\\r");
        else
            g_string_append_c(out, *s);
    }
}

/* Reads every record as "<line>:cell|cell\n". Returns NULL (and @error) on a fatal error. */
static char *
render_all(DxCsvReader *reader, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);
    char **cells = NULL;
    guint n = 0;

    while (dx_csv_reader_next(reader, &cells, &n, error)) {
        g_string_append_printf(out, "%" G_GUINT64_FORMAT ":", dx_csv_reader_get_line(reader));
        for (guint i = 0; i < n; i++) {
            if (i > 0)
                g_string_append_c(out, '|');
            append_escaped(out, cells[i]);
        }
        g_string_append_c(out, '\n');
    }
    if (error != NULL && *error != NULL)
        return NULL;
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static DxCsvReader *
reader_for(const char *text, gssize len, DxEncoding enc, const DxCsvLimits *limits)
{
    g_autoptr(GError) error = NULL;
    DxCsvReader *reader = dx_csv_reader_new_data("t.csv", text, len < 0 ? strlen(text) : (gsize)len,
                                                 enc, limits, &error);

    assert_null(error);
    assert_non_null(reader);
    return reader;
}

/* Reads one record and checks it is there. */
static char **
next_ok(DxCsvReader *reader, guint *n)
{
    g_autoptr(GError) error = NULL;
    char **cells = NULL;

    assert_true(dx_csv_reader_next(reader, &cells, n, &error));
    assert_null(error);
    assert_non_null(cells);
    return cells;
}

/* Expects the end of input: FALSE with no error. */
static void
expect_end(DxCsvReader *reader)
{
    g_autoptr(GError) error = NULL;
    char **cells = NULL;
    guint n = 0;

    assert_false(dx_csv_reader_next(reader, &cells, &n, &error));
    assert_null(error);
}

/* Reads until a fatal error and checks its code and "name:line:col:" prefix. */
static void
expect_fatal(DxCsvReader *reader, gint code, const char *prefix)
{
    g_autoptr(GError) error = NULL;
    char **cells = NULL;
    guint n = 0;

    while (dx_csv_reader_next(reader, &cells, &n, &error))
        ;
    assert_non_null(error);
    assert_true(g_error_matches(error, DX_ERROR, code));
    if (!g_str_has_prefix(error->message, prefix))
        fail_msg("message \"%s\" does not start with \"%s\"", error->message, prefix);
}

static char *
write_temp(const char *data, gsize len)
{
    g_autoptr(GError) error = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("dx-csv-XXXXXX.csv", &path, &error);

    assert_null(error);
    assert_true(fd >= 0);
    assert_true(g_close(fd, NULL));
    assert_true(g_file_set_contents(path, data, (gssize)len, &error));
    assert_null(error);
    return path;
}

/* ------------------------------------------------------------------ syntax */

static void
test_csv_syntax_table(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n" },
        { "\"a,b\",c\n", "1:a,b|c\n" },                                  /* quoted comma */
        { "x,\"l1\nl2\"\ny,z\n", "1:x|l1\\nl2\n3:y|z\n" },                /* quoted newline */
        { "\"he said \"\"hi\"\"\",2\n", "1:he said \"hi\"|2\n" },         /* "" escape */
        { "\"\"\"\"\n", "1:\"\n" },
        { "a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n" },                           /* CRLF */
        { "\"a\r\nb\",c\r\n", "1:a\\r\\nb|c\n" },                         /* CRLF kept in quotes */
        { "a,b\nc,d", "1:a|b\n2:c|d\n" },                                 /* no final newline */
        { "a,\"b\"", "1:a|b\n" },
        { "a\r\nb", "1:a\n2:b\n" },
        { "\n\na,b\n\n\r\nc\n\n", "3:a|b\n6:c\n" },                       /* blank lines */
        { "a,,\n,\n", "1:a||\n2:|\n" },                                   /* empty cells */
        { "\"\"\n", "1:\n" },                                             /* one empty quoted cell */
        { " a , b \n", "1: a | b \n" },                                   /* verbatim, untrimmed */
        { "ab\"c,d\n", "1:ab\"c|d\n" },                                   /* quote inside unquoted */
        { "a\rb,c\n", "1:a\\rb|c\n" },                                    /* lone CR is data */
        { "a,b\r", "1:a|b\n" },                                           /* CR at the very end */
        { "a,b,c\nd\ne,f\n", "1:a|b|c\n2:d\n3:e|f\n" },                   /* ragged rows */
        { "", "" },
        { "\n\r\n\n", "" },
        { "\xEF\xBB\xBFid,x\n1,2\n", "1:id|x\n2:1|2\n" },                 /* BOM stripped */
        { "\xEF\xBB\xBF\n\nid\n", "3:id\n" },
        { "\xEF\xBB\xBF", "" },                                         /* nothing but a BOM */
    };
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxCsvReader) reader = reader_for(cases[i].in, -1, DX_ENCODING_AUTO, NULL);
        g_autoptr(GError) error = NULL;
        g_autofree char *got = render_all(reader, &error);

        assert_null(error);
        if (g_strcmp0(got, cases[i].out) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].out);
        assert_int_equal(dx_csv_reader_get_encoding(reader), DX_ENCODING_UTF8);
    }
}

static void
test_csv_ragged_rows_keep_their_width(void **state)
{
    g_autoptr(DxCsvReader) reader = reader_for("a,b,c\nd\ne,f,g,h\n", -1, DX_ENCODING_UTF8, NULL);
    char **cells;
    guint n = 0;
    (void)state;

    cells = next_ok(reader, &n);
    assert_int_equal(n, 3);
    cells = next_ok(reader, &n);
    assert_int_equal(n, 1);
    assert_string_equal(cells[0], "d");
    assert_null(cells[1]);   /* NULL-terminated as well */
    cells = next_ok(reader, &n);
    assert_int_equal(n, 4);
    assert_string_equal(cells[3], "h");
    expect_end(reader);
}

static void
test_csv_line_and_record_numbers(void **state)
{
    static const char in[] = "h1,h2\n\"a\nb\nc\",d\ne,\"f\r\ng\"\n\nlast,x";
    static const guint64 lines[] = { 1, 2, 5, 8 };
    g_autoptr(DxCsvReader) reader = reader_for(in, -1, DX_ENCODING_UTF8, NULL);
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(lines); i++) {
        guint n = 0;

        next_ok(reader, &n);
        assert_int_equal(dx_csv_reader_get_line(reader), lines[i]);
        assert_int_equal(dx_csv_reader_get_record_number(reader), i + 1);
    }
    expect_end(reader);
    expect_end(reader);   /* the end is sticky */
    assert_int_equal(dx_csv_reader_get_bytes_read(reader), strlen(in));
    assert_int_equal(dx_csv_reader_get_bytes_total(reader), strlen(in));
}

static void
test_csv_every_prefix_parses_or_fails_cleanly(void **state)
{
    static const char in[] = "\xEF\xBB\xBF" "a,\"b,\"\"c\"\"\r\nd\",e\r\n\r\n\"x\"y,\"\",z\n";
    (void)state;

    for (gsize len = 0; len <= strlen(in); len++) {
        g_autoptr(DxCsvReader) reader = reader_for(in, (gssize)len, DX_ENCODING_AUTO, NULL);
        g_autoptr(GError) error = NULL;
        g_autofree char *got = render_all(reader, &error);

        if (got == NULL)
            assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
    }
}

static void
test_csv_buffers_are_reused(void **state)
{
    g_autoptr(DxCsvReader) reader = reader_for("aa,bb\ncc,dd\nee,ff\n", -1, DX_ENCODING_UTF8, NULL);
    char **first, **second;
    char *first_cell;
    guint n = 0;
    (void)state;

    first = next_ok(reader, &n);
    first_cell = first[0];
    second = next_ok(reader, &n);
    assert_ptr_equal(first, second);
    assert_ptr_equal(first_cell, second[0]);
    assert_string_equal(second[1], "dd");
}

/* ------------------------------------------------------------------ record problems */

static void
test_csv_record_problems(void **state)
{
    static const struct {
        const char *in;
        gsize len;
        DxEncoding enc;
        const char *problem;   /* of the second record */
        guint column;
        const char *cell;      /* that cell's best-effort text, or NULL to skip */
    } cases[] = {
        { "id,x,y\n1,ok,\xC3\x28\n2,a,b\n", 0, DX_ENCODING_UTF8, "invalid UTF-8", 3, "\xC3(" },
        { "id,x,y\n1,\"\xFF\",z\n2,a,b\n", 0, DX_ENCODING_AUTO, "invalid UTF-8", 2, NULL },
        { "id,x\n1,a\0b\n2,a\n", 15, DX_ENCODING_UTF8, "NUL byte", 2, "a" },
        { "id,x\n\xEF\xBB\xBF" "1,a\n2,a\n", 0, DX_ENCODING_UTF8,
          "byte-order mark inside the data", 1, "\xEF\xBB\xBF" "1" },
        { "id,x\n1,b\xEF\xBB\xBF\n2,a\n", 0, DX_ENCODING_AUTO,
          "byte-order mark inside the data", 2, NULL },
        { "id,x\n\"ab\"c,d\n2,a\n", 0, DX_ENCODING_UTF8, "text after closing quote", 1, "abc" },
        { "id,x\n1,\"ab\" \n2,a\n", 0, DX_ENCODING_UTF8, "text after closing quote", 2, "ab " },
    };
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(DxCsvReader) reader =
            reader_for(cases[i].in, cases[i].len > 0 ? (gssize)cases[i].len : -1, cases[i].enc, NULL);
        const char *problem;
        guint column = 99, n = 0;
        char **cells;

        next_ok(reader, &n);
        assert_null(dx_csv_reader_get_record_problem(reader, &column));
        cells = next_ok(reader, &n);
        problem = dx_csv_reader_get_record_problem(reader, &column);
        if (g_strcmp0(problem, cases[i].problem) != 0)
            fail_msg("case %zu: problem \"%s\", want \"%s\"", i, problem, cases[i].problem);
        assert_int_equal(column, cases[i].column);
        assert_int_equal(dx_csv_reader_get_line(reader), 2);
        if (cases[i].cell != NULL)
            assert_string_equal(cells[cases[i].column - 1], cases[i].cell);
        /* The problem is the record's, not the file's: the next one is clean. */
        next_ok(reader, &n);
        assert_null(dx_csv_reader_get_record_problem(reader, &column));
        assert_int_equal(dx_csv_reader_get_record_number(reader), 3);
        assert_int_equal(dx_csv_reader_get_encoding(reader), DX_ENCODING_UTF8);
        expect_end(reader);
    }
}

/* ------------------------------------------------------------------ fatal errors */

static void
test_csv_unterminated_quote_is_fatal(void **state)
{
    g_autoptr(DxCsvReader) reader = reader_for("a,b\nc,\"open\nmore\n", -1, DX_ENCODING_UTF8, NULL);
    g_autoptr(GError) error = NULL;
    char **cells = NULL;
    guint n = 0;
    (void)state;

    next_ok(reader, &n);
    expect_fatal(reader, DX_ERROR_INPUT_INVALID, "t.csv:2:3: ");
    /* Sticky: later calls fail the same way. */
    assert_false(dx_csv_reader_next(reader, &cells, &n, &error));
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_INPUT_INVALID));
    assert_true(g_str_has_prefix(error->message, "t.csv:2:3: "));
}

static void
test_csv_unterminated_quote_column_counts_characters(void **state)
{
    /* "é" is two bytes but one column. */
    g_autoptr(DxCsvReader) reader = reader_for("\xC3\xA9\xC3\xA9,\"x\n", -1, DX_ENCODING_UTF8, NULL);
    (void)state;

    expect_fatal(reader, DX_ERROR_INPUT_INVALID, "t.csv:1:4: ");
}

static void
test_csv_too_many_columns(void **state)
{
    /* A million cells: must fail at cell 4097 without building the rest. */
    const gsize cols = 1000000;
    g_autofree char *line = g_malloc(2 * cols);
    g_autoptr(DxCsvReader) reader = NULL;
    (void)state;

    for (gsize i = 0; i < cols; i++) {
        line[2 * i] = 'a';
        line[2 * i + 1] = ',';
    }
    line[2 * cols - 1] = '\n';
    reader = reader_for(line, (gssize)(2 * cols), DX_ENCODING_AUTO, NULL);
    expect_fatal(reader, DX_ERROR_LIMIT, "t.csv:1:8193: ");
    assert_true(dx_csv_reader_get_bytes_read(reader) < 2 * CHUNK);
}

static void
test_csv_too_many_columns_custom_limit(void **state)
{
    const DxCsvLimits limits = { .max_record_bytes = 0, .max_columns = 3 };
    g_autoptr(DxCsvReader) reader = reader_for("a,b,c\nd,e,f,g\n", -1, DX_ENCODING_UTF8, &limits);
    guint n = 0;
    (void)state;

    next_ok(reader, &n);
    assert_int_equal(n, 3);
    expect_fatal(reader, DX_ERROR_LIMIT, "t.csv:2:7: ");
}

static void
test_csv_record_too_long(void **state)
{
    const DxCsvLimits limits = { .max_record_bytes = 10, .max_columns = 0 };
    g_autoptr(DxCsvReader) reader =
        reader_for("0123456789\r\n\n\"012345\n789\"\n", -1, DX_ENCODING_UTF8, &limits);
    guint n = 0;
    (void)state;

    next_ok(reader, &n);   /* exactly the limit: the line end does not count */
    expect_fatal(reader, DX_ERROR_LIMIT, "t.csv:3:1: ");
}

static void
test_csv_record_too_long_default(void **state)
{
    const gsize max = DX_CSV_DEFAULT_MAX_RECORD_BYTES;
    g_autofree char *data = g_malloc(2 * max + 4);
    g_autoptr(DxCsvReader) reader = NULL;
    guint n = 0;
    char **cells;
    (void)state;

    /* One record of exactly the limit, then one a byte over. */
    memset(data, 'x', max);
    data[max] = '\n';
    memset(data + max + 1, 'y', max + 1);
    data[2 * max + 2] = '\n';
    reader = reader_for(data, (gssize)(2 * max + 3), DX_ENCODING_UTF8, NULL);
    cells = next_ok(reader, &n);
    assert_int_equal(strlen(cells[0]), max);
    expect_fatal(reader, DX_ERROR_LIMIT, "t.csv:2:1: ");
}

static void
test_csv_missing_file(void **state)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(DxCsvReader) reader =
        dx_csv_reader_new_file("/nonexistent/dx-csv.csv", DX_ENCODING_AUTO, NULL, &error);
    (void)state;

    assert_null(reader);
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
    assert_true(g_str_has_prefix(error->message, "/nonexistent/dx-csv.csv: "));
}

static void
test_csv_read_error(void **state)
{
    /* A directory opens but cannot be read: the first chunk is read at once. */
    g_autoptr(GError) error = NULL;
    g_autoptr(DxCsvReader) reader =
        dx_csv_reader_new_file(g_get_tmp_dir(), DX_ENCODING_AUTO, NULL, &error);
    (void)state;

    assert_null(reader);
    assert_true(g_error_matches(error, DX_ERROR, DX_ERROR_IO));
}

/* ------------------------------------------------------------------ GB18030 */

static void
check_gb18030_fixture(DxCsvReader *reader)
{
    char **cells;
    guint n = 0;

    assert_int_equal(dx_csv_reader_get_encoding(reader), DX_ENCODING_GB18030);
    cells = next_ok(reader, &n);
    assert_int_equal(n, 3);
    assert_string_equal(cells[0], "app_id");
    assert_string_equal(cells[1], "企业名称");
    assert_string_equal(cells[2], "金额");
    cells = next_ok(reader, &n);
    assert_string_equal(cells[1], "深圳市华强科技有限公司");
    assert_string_equal(cells[2], "1,200,000.00");
    cells = next_ok(reader, &n);
    assert_string_equal(cells[1], "广州市\"白云\"制造有限公司");
    cells = next_ok(reader, &n);
    assert_string_equal(cells[0], "A003");
    assert_string_equal(cells[1], "杭州西湖软件股份有限公司");
    assert_null(dx_csv_reader_get_record_problem(reader, NULL));
    assert_int_equal(dx_csv_reader_get_line(reader), 4);
    expect_end(reader);
    assert_int_equal(dx_csv_reader_get_bytes_read(reader), dx_csv_reader_get_bytes_total(reader));
}

static void
test_csv_gb18030_file(void **state)
{
    g_autofree char *path = dx_test_data_path("csv", "gb18030.csv");
    static const DxEncoding encs[] = { DX_ENCODING_GB18030, DX_ENCODING_AUTO };
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(encs); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(DxCsvReader) reader = dx_csv_reader_new_file(path, encs[i], NULL, &error);

        assert_null(error);
        assert_non_null(reader);
        check_gb18030_fixture(reader);
    }
}

static void
test_csv_gb18030_read_as_utf8_has_problems(void **state)
{
    g_autofree char *path = dx_test_data_path("csv", "gb18030.csv");
    g_autoptr(GError) error = NULL;
    g_autoptr(DxCsvReader) reader = dx_csv_reader_new_file(path, DX_ENCODING_UTF8, NULL, &error);
    guint column = 0, n = 0;
    (void)state;

    assert_non_null(reader);
    next_ok(reader, &n);
    assert_string_equal(dx_csv_reader_get_record_problem(reader, &column), "invalid UTF-8");
    assert_int_equal(column, 2);
}

static void
test_csv_gb18030_undecodable_is_fatal(void **state)
{
    g_autoptr(DxCsvReader) reader = reader_for("a,b\nc,\xFF\n", -1, DX_ENCODING_GB18030, NULL);
    g_autoptr(DxCsvReader) cut = reader_for("a,b\nc,\xC6", -1, DX_ENCODING_GB18030, NULL);
    guint n = 0;
    (void)state;

    next_ok(reader, &n);
    expect_fatal(reader, DX_ERROR_INPUT_INVALID, "t.csv:2:3: ");
    next_ok(cut, &n);
    expect_fatal(cut, DX_ERROR_INPUT_INVALID, "t.csv:2:3: ");
}

/* GB18030 bytes with the first byte of @ch at CHUNK - @cut, i.e. the chunk
 * boundary falls @cut bytes into it. Header in Chinese so AUTO detects it. */
static char *
make_gb18030_split(const char *ch, gsize cut, gsize *len, char **expected_cell)
{
    static const char head[] = "编号,说明\n1,\"";
    g_autoptr(GError) error = NULL;
    g_autofree char *gb_head = g_convert(head, -1, "GB18030", "UTF-8", NULL, NULL, &error);
    g_autofree char *pad = NULL;
    g_autofree char *utf8 = NULL;
    gsize pad_len;
    char *gb;

    assert_null(error);
    pad_len = CHUNK - cut - strlen(gb_head);
    pad = g_strnfill(pad_len, 'a');
    *expected_cell = g_strconcat(pad, ch, "尾\"\"巴", NULL);
    utf8 = g_strconcat(head, pad, ch, "尾\"\"\"\"巴\"\n2,ok\n", NULL);
    gb = g_convert(utf8, -1, "GB18030", "UTF-8", NULL, len, &error);
    assert_null(error);
    return gb;
}

static void
check_gb18030_split(DxCsvReader *reader, const char *expected)
{
    char **cells;
    guint n = 0;

    assert_int_equal(dx_csv_reader_get_encoding(reader), DX_ENCODING_GB18030);
    next_ok(reader, &n);
    cells = next_ok(reader, &n);
    assert_int_equal(n, 2);
    assert_string_equal(cells[1], expected);
    assert_null(dx_csv_reader_get_record_problem(reader, NULL));
    cells = next_ok(reader, &n);
    assert_string_equal(cells[1], "ok");
    assert_int_equal(dx_csv_reader_get_line(reader), 3);
    expect_end(reader);
}

static void
test_csv_gb18030_split_across_chunks(void **state)
{
    static const struct {
        const char *ch;   /* UTF-8 */
        gsize cut;
    } cases[] = {
        { "企", 1 },        /* two bytes C6 F3 */
        { "😀", 1 },        /* four bytes 94 39 FC 36 */
        { "😀", 2 },
        { "😀", 3 },
        { "\xC2\x80", 2 },  /* U+0080: four bytes 81 30 81 30 */
    };
    static const DxEncoding encs[] = { DX_ENCODING_GB18030, DX_ENCODING_AUTO };
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *expected = NULL;
        gsize len = 0;
        g_autofree char *gb = make_gb18030_split(cases[i].ch, cases[i].cut, &len, &expected);
        g_autofree char *path = write_temp(gb, len);

        for (gsize e = 0; e < G_N_ELEMENTS(encs); e++) {
            g_autoptr(GError) error = NULL;
            g_autoptr(DxCsvReader) from_file = dx_csv_reader_new_file(path, encs[e], NULL, &error);
            g_autoptr(DxCsvReader) from_data = reader_for(gb, (gssize)len, encs[e], NULL);

            assert_null(error);
            check_gb18030_split(from_file, expected);
            check_gb18030_split(from_data, expected);
        }
        g_unlink(path);
    }
}

/* AUTO must not take a UTF-8 character cut by the first chunk's end for
 * bad data (E4 BC alone would pass as GB18030). */
static void
test_csv_auto_utf8_cut_at_first_chunk(void **state)
{
    static const char head[] = "id,text\n1,";
    (void)state;

    for (gsize cut = 1; cut <= 2; cut++) {
        gsize pad_len = CHUNK - cut - strlen(head);
        g_autofree char *pad = g_strnfill(pad_len, 'a');
        g_autofree char *in = g_strconcat(head, pad, "企业\n", NULL);
        g_autofree char *want = g_strconcat(pad, "企业", NULL);
        g_autoptr(DxCsvReader) reader = reader_for(in, -1, DX_ENCODING_AUTO, NULL);
        char **cells;
        guint n = 0;

        assert_int_equal(dx_csv_reader_get_encoding(reader), DX_ENCODING_UTF8);
        next_ok(reader, &n);
        cells = next_ok(reader, &n);
        assert_string_equal(cells[1], want);
        assert_null(dx_csv_reader_get_record_problem(reader, NULL));
        expect_end(reader);
    }
}

/* ------------------------------------------------------------------ streaming */

static void
test_csv_record_spanning_chunks(void **state)
{
    /* A quoted cell with newlines that starts in the first chunk and ends in the third. */
    g_autoptr(GString) in = g_string_new("h\n\"");
    g_autoptr(GString) want = g_string_new(NULL);
    g_autoptr(DxCsvReader) reader = NULL;
    char **cells;
    guint n = 0;
    (void)state;

    for (guint i = 0; i < 20000; i++)
        g_string_append_printf(want, "row %u, \"q\"\n", i);
    for (const char *p = want->str; *p != '\0'; p++) {
        g_string_append_c(in, *p);
        if (*p == '"')
            g_string_append_c(in, '"');
    }
    g_string_append(in, "\"\nnext\n");
    assert_true(in->len > 2 * CHUNK);
    reader = reader_for(in->str, (gssize)in->len, DX_ENCODING_AUTO, NULL);
    next_ok(reader, &n);
    cells = next_ok(reader, &n);
    assert_int_equal(n, 1);
    assert_string_equal(cells[0], want->str);
    assert_int_equal(dx_csv_reader_get_line(reader), 2);
    cells = next_ok(reader, &n);
    assert_string_equal(cells[0], "next");
    assert_int_equal(dx_csv_reader_get_line(reader), 2 + 20000 + 1);
    expect_end(reader);
}

static void
test_csv_stream_large_file(void **state)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    g_autoptr(DxCsvReader) reader = NULL;
    int fd = g_file_open_tmp("dx-csv-big-XXXXXX.csv", &path, &error);
    FILE *f;
    guint64 written = 0, prev_read = 0, records = 0;
    guint rows = 0;
    char **cells = NULL;
    guint n = 0;
    (void)state;

    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    written += (guint64)fprintf(f, "\xEF\xBB\xBF" "app_id,name,note,amount\r\n");
    while (written < 5u * 1024 * 1024) {
        written += (guint64)fprintf(f, "A%06u,\"Company %u, Ltd\",\"two\r\nlines\",%u.00\r\n",
                                    rows, rows, rows * 7);
        rows++;
    }
    assert_int_equal(fclose(f), 0);

    reader = dx_csv_reader_new_file(path, DX_ENCODING_AUTO, NULL, &error);
    assert_null(error);
    assert_int_equal(dx_csv_reader_get_bytes_total(reader), written);
    assert_int_equal(dx_csv_reader_get_bytes_read(reader), 0);
    while (dx_csv_reader_next(reader, &cells, &n, &error)) {
        guint64 now = dx_csv_reader_get_bytes_read(reader);

        assert_int_equal(n, 4);
        assert_true(now >= prev_read);
        prev_read = now;
        if (records > 0) {
            char want[16];

            g_snprintf(want, sizeof want, "A%06u", (guint)(records - 1));
            assert_string_equal(cells[0], want);
            assert_string_equal(cells[2], "two\r\nlines");
            assert_int_equal(dx_csv_reader_get_line(reader), 2 * records);
        } else {
            assert_string_equal(cells[0], "app_id");
        }
        records++;
        assert_int_equal(dx_csv_reader_get_record_number(reader), records);
    }
    assert_null(error);
    assert_int_equal(records, (guint64)rows + 1);
    assert_int_equal(dx_csv_reader_get_bytes_read(reader), written);
    g_unlink(path);
}

/* ------------------------------------------------------------------ whole lines for other threads */

static void
render_record(GString *out, guint64 line, char **cells, guint n, const char *problem, guint column)
{
    g_string_append_printf(out, "%" G_GUINT64_FORMAT ":", line);
    for (guint i = 0; i < n; i++) {
        if (i > 0)
            g_string_append_c(out, '|');
        append_escaped(out, cells[i]);
    }
    if (problem != NULL)
        g_string_append_printf(out, " [%s @%u]", problem, column);
    g_string_append_c(out, '\n');
}

/* Every record with its line and problem; with @take, whole lines are taken
 * (dx_csv_reader_take_lines) and split (DxCsvTaken) wherever the
 * reader lets them be, the rest read with dx_csv_reader_next(). Appends the
 * final record number and how many records went each way. */
static char *
render_split(DxCsvReader *reader, gboolean take, guint *n_taken)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(GString) lines = g_string_new(NULL);
    g_autoptr(GPtrArray) scratch = g_ptr_array_new();
    g_autoptr(GError) error = NULL;
    char **cells = NULL;
    guint n = 0, column = 0;

    *n_taken = 0;
    for (;;) {
        guint64 first, line;
        guint records;

        while (take && dx_csv_reader_take_lines(reader, lines, &first, &records) > 0) {
            DxCsvTaken t;
            const char *problem;
            guint seen = 0;

            dx_csv_taken_init(&t, lines->str, lines->len, first, dx_csv_reader_get_encoding(reader), scratch);
            while (dx_csv_taken_next(&t, &cells, &n, &line, &problem, &column)) {
                render_record(out, line, cells, n, problem, column);
                seen++;
            }
            assert_int_equal(seen, records);
            *n_taken += records;
            g_string_truncate(lines, 0);
        }
        if (!dx_csv_reader_next(reader, &cells, &n, &error))
            break;
        {
            const char *problem = dx_csv_reader_get_record_problem(reader, &column);

            render_record(out, dx_csv_reader_get_line(reader), cells, n, problem, column);
        }
    }
    if (error != NULL)
        g_string_append_printf(out, "fatal: %s\n", error->message);
    g_string_append_printf(out, "records: %" G_GUINT64_FORMAT "\n", dx_csv_reader_get_record_number(reader));
    return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Splitting taken lines elsewhere gives exactly the records, lines,
 * problems and errors of reading them one by one: on the syntax cases, on
 * every kind of per-record problem, and on a large mixed file whose lines
 * cross the 64 KiB reads, in UTF-8 and in GB18030. */
static void
test_csv_taken_lines_read_the_same(void **state)
{
    static const struct {
        const char *in;
        gsize len;
    } small[] = {
        { "", 0 }, { "\t", 0 }, { "a,b,c\n1,2,3\n", 0 }, { "x,\"l1\nl2\"\ny,z\nq,r\n", 0 }, { "a,b\r\nc,d\r\ne\r\n", 0 },
        { "\n\na,b\n\n\r\nc\n\n", 0 }, { "a,,\n,\n", 0 }, { " a , b \n", 0 }, { "ab\"c,d\ne,f\n", 0 },
        { "a\rb,c\nd\r\r\n", 0 }, { "a,b\r", 0 }, { "a,b,c\nd\ne,f\n", 0 }, { "\xEF\xBB\xBFid,x\n1,2\n", 0 },
        { "id,x,y\n1,ok,\xC3\x28\n2,a,b\n", 0 }, { "id,x\n1,a\0b\n2,a\n", 15 },
        { "id,x\n\xEF\xBB\xBF" "1,a\n2,a\n", 0 }, { "id,x\n1,b\xEF\xBB\xBF,\xFF\n2,a\n", 0 },
        { "id\n1,\"x\n", 0 },   /* unterminated quote after taken lines */
        /* quoted cells within one line are taken too, and unquoted as the reader does */
        { "a,b\n\"a\"\"b\",c\n\"ab\"c,d\n\"a,b\",c\n\"\",x\nx,\"\"\n", 0 },
        { "a,b\n\"a\"\r\n\"a\"\r\r\nq,\"b\r\"\nr,s\n", 0 },
        { "a,b\n\"he said \"\"hi\"\"\",2\n\"\"\"\",x\n\"ab\" ,x\na\"b,c\n\"a\"b\"c\",d\n", 0 },
        { "a,b\n\"x\xEF\xBB\xBF\",y\n\"\xFF\",z\n\"ok\",\"\xC3\x28\"\n", 0 },
        { "a,b\n\"x\0y\",z\n1,2\n", 16 },
        { "a,b\n\"l1\nl2\",c\nd,\"e\"\n\"f\",\"g\nh\"\ni,j\n", 0 },
        { "a,b\n\"open\r\nstill\",x\r\ny,\"z\"\r\n", 0 },
        { "a,b\n\"never closed,x\ny,z\n", 0 },
    };
    g_autoptr(GString) big = g_string_new("app_id,企业名称,amount\n");
    g_autofree char *gb = NULL;
    gsize gb_len = 0;
    guint taken = 0;
    (void)state;

    for (gsize i = 0; i < G_N_ELEMENTS(small); i++) {
        gsize len = small[i].len > 0 ? small[i].len : strlen(small[i].in);
        g_autoptr(DxCsvReader) one = reader_for(small[i].in, (gssize)len, DX_ENCODING_AUTO, NULL);
        g_autoptr(DxCsvReader) two = reader_for(small[i].in, (gssize)len, DX_ENCODING_AUTO, NULL);
        g_autofree char *want = render_split(one, FALSE, &taken);
        g_autofree char *got = render_split(two, TRUE, &taken);

        if (strcmp(want, got) != 0)
            fail_msg("case %zu: taken lines give\n%s\nrecord by record gives\n%s", i, got, want);
    }
    for (guint i = 0; i < 20000; i++) {
        switch (i % 97) {
        case 0: g_string_append(big, "\n"); break;                                     /* blank */
        case 1: g_string_append(big, "\r\n"); break;                                  /* blank, CRLF */
        case 2: g_string_append_printf(big, "Q%u,\"武汉,\n有限公司\",1\n", i); break;   /* quoted */
        case 3: g_string_append_printf(big, "L%u,%0*u,2\n", i, 5000, i); break;        /* over 4096 cells' worth */
        case 4: g_string_append_printf(big, "C%u,行\r里,3\r\n", i); break;
        case 5: g_string_append_printf(big, "R%u,short\n", i); break;                 /* ragged */
        case 6: g_string_append_printf(big, "B%u,\xEF\xBB\xBF,4\n", i); break;       /* BOM inside */
        case 7: g_string_append_printf(big, "E%u,\"x\"\"y\" z,5\n", i); break;       /* "" and text after the quote */
        case 8: g_string_append_printf(big, "M%u,\"多\r\n行\",6\r\n", i); break;   /* quoted line end */
        default:
            if (i % 3 == 0)   /* as Excel writes money with thousands separators */
                g_string_append_printf(big, "A%05u,武昌区企业%u,\"%u,%03u万元\"\n", i, i, i % 1000, i % 997);
            else
                g_string_append_printf(big, "A%05u,武昌区企业%u,%u.%02u万元\n", i, i, i * 7, i % 100);
            break;
        }
    }
    g_string_append(big, "Z,last,9");   /* no final line end */
    {
        g_autoptr(DxCsvReader) one = reader_for(big->str, (gssize)big->len, DX_ENCODING_UTF8, NULL);
        g_autoptr(DxCsvReader) two = reader_for(big->str, (gssize)big->len, DX_ENCODING_UTF8, NULL);
        g_autofree char *want = render_split(one, FALSE, &taken);
        g_autofree char *got = render_split(two, TRUE, &taken);

        assert_string_equal(got, want);
        assert_true(taken > 18500);   /* all but the few that cannot went the other way, quoted or not */
    }
    gb = g_convert(big->str, (gssize)big->len, "GB18030", "UTF-8", NULL, &gb_len, NULL);
    assert_non_null(gb);
    {
        g_autoptr(DxCsvReader) one = reader_for(gb, (gssize)gb_len, DX_ENCODING_AUTO, NULL);
        g_autoptr(DxCsvReader) two = reader_for(gb, (gssize)gb_len, DX_ENCODING_AUTO, NULL);
        g_autofree char *want = render_split(one, FALSE, &taken);
        g_autofree char *got = render_split(two, TRUE, &taken);

        assert_int_equal(dx_csv_reader_get_encoding(two), DX_ENCODING_GB18030);
        assert_string_equal(got, want);
        assert_true(taken > 18500);
    }
    {
        /* a small column limit: lines that could be too wide are read one by one */
        DxCsvLimits limits = { 0, 3 };
        g_autoptr(DxCsvReader) one = reader_for("a,b\nc,d,e,f\ng\n", -1, DX_ENCODING_UTF8, &limits);
        g_autoptr(DxCsvReader) two = reader_for("a,b\nc,d,e,f\ng\n", -1, DX_ENCODING_UTF8, &limits);
        g_autofree char *want = render_split(one, FALSE, &taken);
        g_autofree char *got = render_split(two, TRUE, &taken);

        assert_string_equal(got, want);
        assert_non_null(strstr(got, "fatal: t.csv:2:"));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_syntax_table),
        cmocka_unit_test(test_csv_ragged_rows_keep_their_width),
        cmocka_unit_test(test_csv_line_and_record_numbers),
        cmocka_unit_test(test_csv_every_prefix_parses_or_fails_cleanly),
        cmocka_unit_test(test_csv_buffers_are_reused),
        cmocka_unit_test(test_csv_record_problems),
        cmocka_unit_test(test_csv_unterminated_quote_is_fatal),
        cmocka_unit_test(test_csv_unterminated_quote_column_counts_characters),
        cmocka_unit_test(test_csv_too_many_columns),
        cmocka_unit_test(test_csv_too_many_columns_custom_limit),
        cmocka_unit_test(test_csv_record_too_long),
        cmocka_unit_test(test_csv_record_too_long_default),
        cmocka_unit_test(test_csv_missing_file),
        cmocka_unit_test(test_csv_read_error),
        cmocka_unit_test(test_csv_gb18030_file),
        cmocka_unit_test(test_csv_gb18030_read_as_utf8_has_problems),
        cmocka_unit_test(test_csv_gb18030_undecodable_is_fatal),
        cmocka_unit_test(test_csv_gb18030_split_across_chunks),
        cmocka_unit_test(test_csv_auto_utf8_cut_at_first_chunk),
        cmocka_unit_test(test_csv_record_spanning_chunks),
        cmocka_unit_test(test_csv_stream_large_file),
        cmocka_unit_test(test_csv_taken_lines_read_the_same),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}

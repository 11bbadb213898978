/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libyaml's syntax errors in our words: "found character that cannot
 * start any token" says nothing to the staff who wrote the file, so each
 * problem libyaml reports is mapped to what is wrong and how to fix it.
 * Also the loader's other message helpers that need no libyaml: where a
 * reader error's byte offset is, which byte a mark points at, a key as a
 * message quotes it. Kept apart from dx-yaml-loader.c (the only includer
 * of <yaml.h>), which they would make too long to hold in mind.
 */
#include "rules/dx-yaml-private.h"

#include <string.h>

/* libyaml's problems in words bureau staff can act on, each with the fix.
 * @at is the byte the problem points at (0 at the end of the input). The
 * context (where the unclosed thing opened) is appended by the caller.
 * NULL: no better words, libyaml's own are used. */
const char *
dx_yaml_problem_words(const char *problem, const char *context, char at)
{
    static const struct {
        const char *problem, *context_prefix, *words;
    } table[] = {
        { "found a tab character that violates indentation", NULL, "a tab in the indentation: use spaces, not a tab" },
        { "found a tab character where an indentation space is expected", NULL,
          "a tab in the indentation: use spaces, not a tab" },
        { "did not find expected ',' or ']'", NULL, "a [ list is not closed: write , between its items and ] at its end" },
        { "did not find expected ',' or '}'", NULL, "a { map is not closed: write , between its entries and } at its end" },
        { "mapping values are not allowed in this context", NULL,
          "a “: ” where no key can start: check the indentation, or quote a value that holds “: ”" },
        { "found unexpected end of stream", "while scanning a quoted scalar",
          "the file ends inside a quoted value: close the quote" },
        { "found unexpected end of stream", NULL, "the file ends in the middle of a value" },
        { "did not find expected key", NULL,
          "a line is not indented like the keys around it: indent each key of one map by the same number of spaces" },
        { "could not find expected ':'", NULL, "a key without “:”: write key: value" },
        { "block sequence entries are not allowed in this context", NULL,
          "a “- ” list item where a value was expected: check the indentation" },
        { "did not find expected <document start>", NULL,
          "text after the document: a rules file is one YAML document (check the indentation)" },
        { "found unknown escape character", NULL,
          "an unknown \\ escape in a double-quoted value: use single quotes, or write \\\\ for a backslash" },
        { "found invalid Unicode character escape code", NULL,
          "a \\u escape that is no character: use single quotes, or write the character itself" },
        { "did not find expected node content", NULL, "a value is missing here" },
        { "did not find expected '-' indicator", NULL,
          "expected another “- ” list item here: a list and a map cannot share one level of indentation" },
        { "found unexpected ':'", NULL, "an unexpected “:”: quote a value that holds “:”" },
    };

    if (strcmp(problem, "found character that cannot start any token") == 0) {
        if (at == '\t')
            return "a tab: YAML indents with spaces, use spaces, not a tab";
        if (at == '@' || at == '`')
            return "@ and ` cannot start a plain value: put the value in quotes";
        if (at == '%')
            return "% cannot start a plain value: put the value in quotes";
        return "a character that cannot start a value: put the value in quotes";
    }
    for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
        if (strcmp(problem, table[i].problem) != 0)
            continue;
        if (table[i].context_prefix != NULL &&
            (context == NULL || !g_str_has_prefix(context, table[i].context_prefix)))
            continue;
        return table[i].words;
    }
    return NULL;
}

/* "the list opened at 12:6" rather than libyaml's "while parsing a flow
 * sequence at 12:6": which thing, in the words of the file. */
const char *
dx_yaml_context_words(const char *context)
{
    if (context == NULL)
        return NULL;
    if (strstr(context, "flow sequence") != NULL)
        return "the [ opened";
    if (strstr(context, "flow mapping") != NULL)
        return "the { opened";
    if (strstr(context, "quoted scalar") != NULL)
        return "the quote opened";
    if (strstr(context, "block mapping") != NULL)
        return "the map that starts";
    if (strstr(context, "block collection") != NULL || strstr(context, "block sequence") != NULL)
        return "the list that starts";
    return NULL;
}


/* libyaml's reader errors (bad UTF-8, control characters) carry a byte
 * offset but no mark, so count lines and characters up to it ourselves,
 * with libyaml's line breaks (CR LF, CR, LF, NEL, LS, PS). The offset may
 * point into the character being decoded (at its bad trailing octet); only
 * characters that end before it are counted, so the column names the
 * character that failed. */
void
dx_yaml_offset_to_line_col(const char *data, gsize len, gsize offset, guint *line, guint *col)
{
    const guchar *s = (const guchar *)data;
    gsize l = 0, c = 0, i = 0;

    offset = MIN(offset, len);
    while (i < offset) {
        gsize width = s[i] < 0xC0 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;

        if (i + width > offset)
            break;
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= len || s[i + 1] != '\n')) ||
            (s[i] == 0xC2 && s[i + 1] == 0x85) ||
            (s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)))
            l++, c = 0;
        else if (s[i] != '\r')
            c++;
        i += width;
    }
    *line = (guint)MIN(l + 1, G_MAXUINT);
    *col = (guint)MIN(c + 1, G_MAXUINT);
}

/* A key (or tag) as it appears in a message: one line, quoted, at most
 * DX_YAML_KEY_QUOTE_CHARS characters. Non-ASCII text stays readable. */
char *
dx_yaml_quote_key(const char *text)
{
    static const char exceptions[] =
        "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
        "\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
        "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
        "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf"
        "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf"
        "\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf"
        "\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef"
        "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff";
    glong n = g_utf8_strlen(text, -1);
    g_autofree char *cut = g_utf8_substring(text, 0, MIN(n, DX_YAML_KEY_QUOTE_CHARS));
    g_autofree char *escaped = g_strescape(cut, exceptions);

    return g_strdup_printf("\"%s\"%s", escaped, n > DX_YAML_KEY_QUOTE_CHARS ? "..." : "");
}

/* The byte at 0-based @line and @column (in characters, as libyaml's
 * marks count), or 0 past the end. */
char
dx_yaml_char_at(const char *data, gsize len, size_t line, size_t column)
{
    const char *p = data, *end = data + len;

    for (size_t l = 0; l < line && p < end; p++) {
        if (*p == '\n')
            l++;
    }
    for (size_t c = 0; c < column && p < end; c++)
        p = g_utf8_next_char(p);
    return p < end ? *p : '\0';
}


/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Calendar dates as days since 1970-01-01 in the proleptic Gregorian
 * calendar (Howard Hinnant's civil-from-days algorithms), strict
 * YYYY-MM-DD parsing, and month arithmetic that clamps the day to the
 * month's end (docs/rules.md §5.2: 01-31 + 1 month -> 02-28 or 02-29).
 */
#include "base/dx-num-private.h"

#include <stdio.h>

static gboolean
date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_days_in_month(int y, int m)
{
    static const guint8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

gboolean
dx_date_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

gint32
dx_date_from_ymd(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
dx_date_to_ymd(gint32 days, int *y, int *m, int *d)
{
    int z = days + 719468, era, doe, yoe, doy, mp;

    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

gboolean
dx_date_parse(const char *s, gsize len, gint32 *out_days)
{
    int v[3] = { 0, 0, 0 };
    static const int widths[3] = { 4, 2, 2 };
    gsize pos = 0;

    if (len != 10)
        return FALSE;
    for (int part = 0; part < 3; part++) {
        for (int i = 0; i < widths[part]; i++, pos++) {
            if (s[pos] < '0' || s[pos] > '9')
                return FALSE;
            v[part] = v[part] * 10 + (s[pos] - '0');
        }
        if (part < 2 && s[pos++] != '-')
            return FALSE;
    }
    if (!dx_date_valid_ymd(v[0], v[1], v[2]))
        return FALSE;
    *out_days = dx_date_from_ymd(v[0], v[1], v[2]);
    return TRUE;
}

gint32
dx_date_add_months(gint32 days, int n)
{
    int y, m, d, total;

    dx_date_to_ymd(days, &y, &m, &d);
    total = y * 12 + (m - 1) + n;
    y = total >= 0 ? total / 12 : -((-total + 11) / 12);
    m = total - y * 12 + 1;
    d = MIN(d, date_days_in_month(y, m));
    return dx_date_from_ymd(y, m, d);
}

int
dx_date_months_between(gint32 d1, gint32 d2)
{
    int y1, m1, dd1, y2, m2, dd2, n;

    dx_date_to_ymd(d1, &y1, &m1, &dd1);
    dx_date_to_ymd(d2, &y2, &m2, &dd2);
    n = (y2 - y1) * 12 + (m2 - m1);
    /* add_months is monotone in n, so step to the largest n that fits */
    while (dx_date_add_months(d1, n) > d2)
        n--;
    while (dx_date_add_months(d1, n + 1) <= d2)
        n++;
    return n;
}

int
dx_date_years_between(gint32 d1, gint32 d2)
{
    int months = dx_date_months_between(d1, d2);

    return months >= 0 ? months / 12 : -((-months + 11) / 12);
}

void
dx_date_format(gint32 days, char buf[16])
{
    int y, m, d;

    /* digits by hand: this runs for every schedule line */
    dx_date_to_ymd(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        g_snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
        return;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Building this file is the test: the public header must compile alone
 * under strict C11 (-pedantic -Werror), and link against the library. */
#include <duixian/duixian.h>

int
main(void)
{
    int64_t fen = 0;

    return dx_money_parse("1.2亿", &fen, NULL) && fen == 12000000000LL ? 0 : 1;
}

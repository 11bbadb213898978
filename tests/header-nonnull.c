/* SPDX-License-Identifier: LGPL-2.1-or-later
 * Compiled only (tests/meson.build): a caller that passes a literal NULL
 * where a public declaration says G_GNUC_NON_NULL must get -Wnonnull, so
 * this file must NOT compile with -Werror=nonnull. */
#include <duixian/duixian.h>

int
main(void)
{
    return dx_batch_new(NULL) != NULL;
}

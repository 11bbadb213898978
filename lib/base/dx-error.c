/* SPDX-License-Identifier: LGPL-2.1-or-later
 * The DX_ERROR domain. */
#include "duixian/duixian.h"

G_DEFINE_QUARK(dx-error-quark, dx_error)

// SPDX-License-Identifier: LGPL-2.1-or-later
// The public header compiles as C++ and its symbols link with C linkage.
#include <duixian/duixian.h>

int
main()
{
    g_autoptr(DxLoadOptions) opts = dx_load_options_new();
    return opts != nullptr ? 0 : 1;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later — placeholder, being written */
typedef int dx_placeholder_dx_application;

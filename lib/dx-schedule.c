/* SPDX-License-Identifier: LGPL-2.1-or-later — being written */
typedef int dx_placeholder_schedule;

/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libduixian: exact, explained, repeatable policy fulfilment (政策兑现).
 * The one header to include: #include <duixian/duixian.h>
 * (pkg-config --cflags --libs duixian).
 */
#pragma once

#define DX_INSIDE
#include <duixian/dx-types.h>
#include <duixian/dx-version.h>
#include <duixian/dx-error.h>
#include <duixian/dx-money.h>
#include <duixian/dx-options.h>
#include <duixian/dx-ruleset.h>
#include <duixian/dx-application.h>
#include <duixian/dx-decision.h>
#include <duixian/dx-batch.h>
#include <duixian/dx-ledger.h>
#include <duixian/dx-round.h>
#include <duixian/dx-schedule.h>
#include <duixian/dx-report.h>
#include <duixian/dx-fit.h>
#include <duixian/dx-register.h>
#include <duixian/dx-compare.h>
#include <duixian/dx-rule-tests.h>
#include <duixian/dx-payrun.h>
#include <duixian/dx-clawback.h>
#include <duixian/dx-review.h>
#undef DX_INSIDE

#!/usr/bin/env node
// SPDX-License-Identifier: LGPL-2.1-or-later
// json-rules-engine (npm json-rules-engine 7.3.1, plain JavaScript) on the peer
// workload, its rules built from policies.json.
//
//   node jre.js IN.jsonl OUT.csv [--policies FILE]
//
// json-rules-engine decides conditions and fires events; it does no arithmetic.
// So each policy gets an Engine of its own (the application's policy_id picks
// it, as a user would dispatch) holding
//   - a rule "eligible": the eligibility tree as all/any conditions, with the
//     built-in operators and two date operators added here;
//   - for a policy with brackets, a rule per bracket (min <= field < next min)
//     whose event carries the bracket's amount or rate;
// and the award (the product, the division, half-up rounding, the cap) is
// plain JavaScript on the events, exact in BigInt; it counts in eval_s.
// One `await engine.run(app)` at a time.
'use strict';
const { Engine } = require('json-rules-engine');
const io = require('./io');

const USAGE = 'usage: node jre.js IN.jsonl OUT.csv [--policies FILE]';
const OPS = { '==': 'equal', '!=': 'notEqual', '<': 'lessThan', '<=': 'lessThanInclusive',
              '>': 'greaterThan', '>=': 'greaterThanInclusive', in: 'in', not_in: 'notIn' };
// the numeric operators would parseFloat an ISO date; ISO days compare as text
const DATE_OPS = { '<': 'dayBefore', '<=': 'dayOnOrBefore', '>': 'dayAfter', '>=': 'dayOnOrAfter', '==': 'equal' };

function conditions(node, fields) {
  if (node.all) return { all: node.all.map((c) => conditions(c, fields)) };
  if (node.any) return { any: node.any.map((c) => conditions(c, fields)) };
  const [fact, op, v] = node;
  const type = fields[fact].type;
  if (type === 'date') return { fact, operator: DATE_OPS[op], value: v };
  return { fact, operator: OPS[op], value: type === 'decimal' ? Number(v) : v };
}

function engineFor(p, fields) {
  const e = new Engine([], { allowUndefinedFacts: false });
  e.addOperator('dayBefore', (a, b) => a < b);
  e.addOperator('dayOnOrBefore', (a, b) => a <= b);
  e.addOperator('dayAfter', (a, b) => a > b);
  e.addOperator('dayOnOrAfter', (a, b) => a >= b);
  e.addRule({ name: 'eligible', conditions: conditions(p.when, fields), event: { type: 'eligible' } });
  const a = p.award;
  const field = a.steps || a.rate_steps;
  const rows = a.rows || a.rates;
  if (rows) {
    const num = (x) => (fields[field].type === 'decimal' ? Number(x) : x);
    rows.forEach(([min, x], i) => {
      const band = [{ fact: field, operator: 'greaterThanInclusive', value: num(min) }];
      if (i + 1 < rows.length) band.push({ fact: field, operator: 'lessThan', value: num(rows[i + 1][0]) });
      e.addRule({ name: `bracket ${i}`, conditions: { all: band }, event: { type: 'bracket', params: { x: String(x) } } });
    });
  }
  return e;
}

// (app, bracket value text or null) -> the award in fen, rounded and capped, a BigInt
function awardFor(p) {
  const a = p.award;
  const cap = BigInt(p.cap_fen);
  const capped = (x) => (x < cap ? x : cap);
  if ('fixed' in a) {
    const v = capped(BigInt(a.fixed));
    return () => v;
  }
  if ('steps' in a) return (app, x) => (x === null ? 0n : capped(BigInt(x)));
  const k = io.times(io.exact(a.fen), [1n, BigInt(a.divide || 1)]);
  return (app, x) => {
    if ('rate_steps' in a && x === null) return 0n;
    let v = k;
    for (const f of a.product) v = io.times(v, io.exact(app[f]));
    if (x !== null) v = io.times(v, io.exact(x));
    return capped(io.roundHalfUp(v));
  };
}

async function main() {
  const o = io.args(USAGE, { policies: '' });
  const spec = io.policies(o.policies);
  const byId = new Map(spec.policies.map((p) => [p.id, { engine: engineFor(p, spec.fields), award: awardFor(p) }]));
  const apps = io.readApps(o.in);
  const results = new Array(apps.length);
  const t0 = io.now();
  for (let i = 0; i < apps.length; i++) {
    const app = apps[i];
    const p = byId.get(app.policy_id);
    if (!p) {
      results[i] = [false, 0];
      continue;
    }
    const { events } = await p.engine.run(app);
    let eligible = false;
    let x = null;
    for (const ev of events) {
      if (ev.type === 'eligible') eligible = true;
      else if (ev.type === 'bracket') x = ev.params.x;
    }
    results[i] = [eligible, eligible ? p.award(app, x) : 0];
  }
  const evalS = io.now() - t0;
  io.writeResults(o.out, apps, results);
  io.report('jre', apps, results, evalS);
}

main().catch((e) => { process.stderr.write(`jre.js: ${e.stack || e}\n`); process.exit(1); });

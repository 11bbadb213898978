// SPDX-License-Identifier: LGPL-2.1-or-later
// What zen.js and jre.js share: the command line, reading the JSONL workload,
// writing "app_id,eligible,award_fen", the stderr line, and exact decimals.
'use strict';
const fs = require('fs');
const path = require('path');

const T0 = process.hrtime.bigint() - BigInt(Math.round(process.uptime() * 1e9));   // process start
const now = () => Number(process.hrtime.bigint() - T0) / 1e9;

// argv: [IN.jsonl, OUT.csv] plus --name VALUE options with defaults in `opts`.
function args(usage, opts) {
  const pos = [];
  const got = { ...opts };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const k = a.slice(2);
      if (!(k in opts) || i + 1 >= argv.length) fail(usage);
      got[k] = typeof opts[k] === 'number' ? Number(argv[++i]) : argv[++i];
    } else pos.push(a);
  }
  if (pos.length !== 2) fail(usage);
  got.in = pos[0];
  got.out = pos[1];
  return got;
}

function fail(msg) {
  process.stderr.write(msg + '\n');
  process.exit(2);
}

function policies(file) {
  return JSON.parse(fs.readFileSync(file || path.join(__dirname, 'policies.json'), 'utf8'));
}

function readApps(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}

// results: [eligible (bool), award_fen (number or bigint)] per application, in order.
function writeResults(file, apps, results) {
  const lines = ['app_id,eligible,award_fen'];
  for (let i = 0; i < apps.length; i++) {
    const [ok, fen] = results[i];
    lines.push(`${apps[i].app_id},${ok ? 1 : 0},${ok ? fen : 0}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function report(engine, apps, results, evalS, extra) {
  const eligible = results.reduce((s, r) => s + (r[0] ? 1 : 0), 0);
  process.stderr.write(`engine=${engine} n=${apps.length} eligible=${eligible} eval_s=${evalS.toFixed(3)} ` +
    `total_s=${now().toFixed(3)} eval_apps_per_s=${Math.round(apps.length / evalS)}${extra ? ' ' + extra : ''}\n`);
}

// ---- exact decimals: a value is [numerator, denominator] in BigInt ------
// A JSON number of the workload has at most 4 decimals and round-trips
// through its double: String(x) gives back the decimal text it was written as.
function exact(x) {
  let s = typeof x === 'string' ? x : String(x);
  if (/e/i.test(s)) throw new Error('exponent in a workload number: ' + s);
  const neg = s[0] === '-';
  if (neg) s = s.slice(1);
  const dot = s.indexOf('.');
  const digits = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  const den = dot < 0 ? 1n : 10n ** BigInt(s.length - dot - 1);
  return [neg ? -BigInt(digits) : BigInt(digits), den];
}
const times = (a, b) => [a[0] * b[0], a[1] * b[1]];
// x >= 0: the nearest integer, halves up
const roundHalfUp = ([n, d]) => (2n * n + d) / (2n * d);

module.exports = { args, fail, policies, readApps, writeResults, report, now, exact, times, roundHalfUp };

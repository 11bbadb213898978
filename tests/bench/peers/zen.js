#!/usr/bin/env node
// SPDX-License-Identifier: LGPL-2.1-or-later
// GoRules Zen (npm @gorules/zen-engine 0.54.0: a Rust engine behind N-API) on
// the peer workload, its rules built from policies.json.
//
//   node zen.js IN.jsonl OUT.csv [--batch K] [--inflight F] [--policies FILE] [--dump FILE]
//
// Per application (default): one JDM graph,
//   input -> switch on policy_id -> [decision table of the brackets, hit "first",
//   for a policy with steps] -> expression node {eligible, award_fen} -> output,
// and one evaluate(app) per application, F (default 256) in flight: evaluate()
// runs on the package's native worker pool.
// --batch K: one decision table in loop mode over `apps` (rows: policy_id,
// eligibility, bracket -> eligible, award_fen), so one evaluate({apps}) decides
// K applications inside the engine; F (default 2) calls in flight.
//
// Zen's numbers are decimals (a JS double goes in as its shortest decimal
// text) and round() rounds half away from zero, so with the division last the
// awards in fen are exact. Dates compare through date().
'use strict';
const fs = require('fs');
const { ZenEngine } = require('@gorules/zen-engine');
const io = require('./io');

const USAGE = 'usage: node zen.js IN.jsonl OUT.csv [--batch K] [--inflight F] [--policies FILE] [--dump FILE]';
const OPS = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function literal(v, type) {
  if (Array.isArray(v)) return '[' + v.map((x) => literal(x, type)).join(', ') + ']';
  if (typeof v === 'boolean') return String(v);
  if (type === 'date') return `date('${v}')`;
  if (typeof v === 'string' && type === 'text') {
    if (/['\\]/.test(v)) throw new Error('cannot quote ' + v);
    return `'${v}'`;
  }
  return String(v);   // integers, and decimals written as strings
}

function condition(node, fields) {
  if (node.all) return '(' + node.all.map((c) => condition(c, fields)).join(' and ') + ')';
  if (node.any) return '(' + node.any.map((c) => condition(c, fields)).join(' or ') + ')';
  const [field, op, v] = node;
  const type = fields[field].type;
  const lhs = type === 'date' ? `date(${field})` : field;
  if (op === 'in') return `(${lhs} in ${literal(v, type)})`;
  if (op === 'not_in') return `not (${lhs} in ${literal(v, type)})`;
  return `(${lhs} ${OPS[op]} ${literal(v, type)})`;
}

// The award in fen before the cap; `step` is the bracket's amount or rate.
function formula(award, step) {
  if ('fixed' in award) return String(award.fixed);
  if ('steps' in award) return step;
  const parts = [award.fen, ...award.product];
  if ('rate_steps' in award) parts.push(step);
  return `round(${parts.join(' * ')}${award.divide ? ' / ' + award.divide : ''})`;
}

// Brackets, highest first: [[unary cell, amount or rate], ...]
function brackets(award) {
  const rows = award.rows || award.rates;
  if (!rows) return null;
  return rows.map(([min, x]) => [`>= ${min}`, String(x)]).reverse();
}

const node = (id, type, content) => ({ id, name: id, type, position: { x: 0, y: 0 }, ...(content && { content }) });

function graphPerApp(spec) {
  const nodes = [node('request', 'inputNode'), node('response', 'outputNode')];
  const edges = [];
  const link = (from, to, handle) => edges.push({ id: `e${edges.length}`, sourceId: from, targetId: to, type: 'edge',
                                                   ...(handle && { sourceHandle: handle }) });
  const statements = [];
  for (const p of spec.policies) {
    const route = `is-${p.id}`;
    statements.push({ id: route, condition: `policy_id == '${p.id}'` });
    const steps = brackets(p.award);
    const award = formula(p.award, 'step');
    nodes.push(node(`decide-${p.id}`, 'expressionNode', {
      expressions: [
        { id: `${p.id}-e`, key: 'eligible', value: condition(p.when, spec.fields) },
        { id: `${p.id}-a`, key: 'award_fen', value: `$.eligible ? min([${award}, ${p.cap_fen}]) : 0` },
      ],
      passThrough: false, inputField: null, outputPath: null, executionMode: 'single',
    }));
    if (steps) {
      const field = p.award.steps || p.award.rate_steps;
      nodes.push(node(`steps-${p.id}`, 'decisionTableNode', {
        hitPolicy: 'first',
        inputs: [{ id: 'v', name: field, field }],
        outputs: [{ id: 's', name: 'step', field: 'step' }],
        rules: [...steps.map(([cell, x], i) => ({ _id: `${p.id}-s${i}`, v: cell, s: x })),
                { _id: `${p.id}-none`, v: '', s: '0' }],
        passThrough: true, inputField: null, outputPath: null, executionMode: 'single',
      }));
      link('route', `steps-${p.id}`, route);
      link(`steps-${p.id}`, `decide-${p.id}`);
    } else {
      link('route', `decide-${p.id}`, route);
    }
    link(`decide-${p.id}`, 'response');
  }
  statements.push({ id: 'is-other', condition: '' });   // a policy_id of no policy: not eligible
  nodes.push(node('other', 'expressionNode', {
    expressions: [{ id: 'o-e', key: 'eligible', value: 'false' }, { id: 'o-a', key: 'award_fen', value: '0' }],
    passThrough: false, inputField: null, outputPath: null, executionMode: 'single',
  }));
  link('route', 'other', 'is-other');
  link('other', 'response');
  nodes.push(node('route', 'switchNode', { hitPolicy: 'first', statements }));
  link('request', 'route');
  return { nodes, edges };
}

function graphBatch(spec) {
  const rules = [];
  for (const p of spec.policies) {
    const when = condition(p.when, spec.fields);
    const field = p.award.steps || p.award.rate_steps;
    const steps = brackets(p.award) || [['', null]];
    steps.forEach(([cell, x], i) => rules.push({
      _id: `${p.id}-${i}`, pid: `'${p.id}'`, ok: when, step: field && cell ? `${field} ${cell}` : '',
      e: 'true', a: `min([${formula(p.award, x)}, ${p.cap_fen}])`,
    }));
    rules.push({ _id: `${p.id}-no`, pid: `'${p.id}'`, ok: '', step: '', e: 'false', a: '0' });
  }
  rules.push({ _id: 'other', pid: '', ok: '', step: '', e: 'false', a: '0' });
  return {
    nodes: [
      node('request', 'inputNode'),
      node('decide', 'decisionTableNode', {
        hitPolicy: 'first',
        inputs: [{ id: 'pid', name: 'policy_id', field: 'policy_id' }, { id: 'ok', name: 'eligible when' },
                 { id: 'step', name: 'bracket' }],
        outputs: [{ id: 'e', name: 'eligible', field: 'eligible' }, { id: 'a', name: 'award_fen', field: 'award_fen' }],
        rules,
        passThrough: false, inputField: 'apps', outputPath: 'results', executionMode: 'loop',
      }),
      node('response', 'outputNode'),
    ],
    edges: [{ id: 'e0', sourceId: 'request', targetId: 'decide', type: 'edge' },
            { id: 'e1', sourceId: 'decide', targetId: 'response', type: 'edge' }],
  };
}

async function pool(count, inflight, job) {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker));
}

async function main() {
  const o = io.args(USAGE, { batch: 0, inflight: 0, policies: '', dump: '' });
  const spec = io.policies(o.policies);
  const graph = o.batch > 0 ? graphBatch(spec) : graphPerApp(spec);
  if (o.dump) fs.writeFileSync(o.dump, JSON.stringify(graph, null, 1) + '\n');
  const decision = new ZenEngine().createDecision(graph);
  const apps = io.readApps(o.in);
  const results = new Array(apps.length);
  const inflight = o.inflight || (o.batch > 0 ? 2 : 256);
  const t0 = io.now();
  if (o.batch > 0) {
    const k = o.batch;
    await pool(Math.ceil(apps.length / k), inflight, async (b) => {
      const { result } = await decision.evaluate({ apps: apps.slice(b * k, (b + 1) * k) });
      result.results.forEach((r, i) => { results[b * k + i] = [r.eligible, r.award_fen]; });
    });
  } else {
    await pool(apps.length, inflight, async (i) => {
      const { result } = await decision.evaluate(apps[i]);
      results[i] = [result.eligible, result.award_fen];
    });
  }
  const evalS = io.now() - t0;
  io.writeResults(o.out, apps, results);
  io.report(o.batch > 0 ? 'zen-batch' : 'zen', apps, results, evalS,
            `batch=${o.batch} inflight=${inflight}`);
}

main().catch((e) => { process.stderr.write(`zen.js: ${e.stack || e}\n`); process.exit(1); });

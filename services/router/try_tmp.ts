import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import { DivisionOfWorkSchema, defaultDivisionOfWork } from '@psa/common/division-of-work';
import { recognise, normalise } from './src/domain/recognise.ts';
const d = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
const cases: [string, string, string?][] = JSON.parse(require('node:fs').readFileSync('/tmp/cases.json','utf8'));
for (const [s, b, from] of cases) {
  const r = recognise({ subject: s, body: b, senderEmail: from ?? 'jo@acme.example', channel: 'email' }, d.workloads);
  console.log(`${s.padEnd(60).slice(0,60)} -> ${r.workload} ${r.confidence} | ${r.runnerUp?.workload} ${r.runnerUp?.confidence} | ${r.matched.join(', ')} | ${r.candidates.filter(c=>['purchasing-budget','security-exception','strategic-project'].includes(c.workload)).map(c=>c.workload+':'+c.strength).join(' ')}`);
}
// duplicates
for (const w of d.workloads) { const seen = new Map(); for (const t of [...w.recognise.keywords, ...w.recognise.phrases]) { const k = normalise(t.term).join(' '); if (seen.has(k)) console.log('DUP', w.id, t.term, seen.get(k)); seen.set(k, t.term);} }

// Development report: compiles every C# expression of both shared corpora with the expression
// engine and prints how many compile, and the load-time diagnostics by frequency.
//   node scripts/expr-corpus.ts [--list CODE]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileExpression } from '../src/expr/compile.ts';
import { parsePolicy } from '../src/policy/parse.ts';
import { type PolicyElement, type PolicyValue, walk } from '../src/policy/tree.ts';

const dirs = ['../shared/apim-policy-corpus', '../shared/mcp-apim-policies'];
const list = process.argv.indexOf('--list') > 0 ? process.argv[process.argv.indexOf('--list') + 1] : undefined;
function* files(dir: string): Generator<string> {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.xml$/i.test(n)) yield p;
  }
}
const values = (e: PolicyElement): PolicyValue[] => [...e.attributes.map((a) => a.value), ...e.children.flatMap((c) => (c.kind === 'text' ? [c.value] : []))];
let total = 0;
let ok = 0;
const byCode = new Map<string, number>();
const byMessage = new Map<string, number>();
for (const dir of dirs) {
  for (const f of files(dir)) {
    const doc = parsePolicy(f, readFileSync(f, 'utf8')).document;
    if (!doc) continue;
    for (const root of doc.roots) {
      for (const el of walk(root)) {
        for (const v of values(el)) {
          if (v.kind !== 'expression') continue;
          total++;
          const r = compileExpression(v.source);
          if (r.compiled) ok++;
          for (const d of r.diagnostics) {
            byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
            const key = `${d.code} ${d.message.replace(/'[^']*' is not a member/, (m) => m)}`;
            byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
            if (list && d.code === list) console.log(`${f}: ${d.message}\n    ${v.source.text.slice(0, 300).replace(/\n/g, ' ')}`);
          }
        }
      }
    }
  }
}
console.log(`expressions: ${total}, compiled: ${ok} (${((100 * ok) / total).toFixed(1)} %)`);
for (const [m, n] of [...byMessage].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(String(n).padStart(5), m.slice(0, 160));

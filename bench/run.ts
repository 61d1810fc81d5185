import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs every benchmark module in bench/ (each exports `default async function run()` that prints
 * its own lines, with ratios to a same-run baseline, and returns its numbers), then writes them
 * all to bench/results/latest.json. `npm run bench -- compile` runs only the named modules.
 */
const only = process.argv.slice(2);
const modules = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'generate.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };
for (const name of modules) {
  console.log(`## ${name}`);
  const mod = (await import(`./${name}.ts`)) as { default?: () => Promise<Record<string, unknown>> };
  if (typeof mod.default !== 'function') continue;
  results[name] = await mod.default();
}
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('results written to bench/results/latest.json');

/**
 * docs/emulator-support.md, generated from the element schemas so the page cannot drift from
 * what `policy check` reports (test/policy/emulator-support.test.ts keeps it current).
 */
import { CATEGORY_ORDER, policySchemas } from './index.ts';
import type { EmulatorGap, PolicySchema } from './schema.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s}\``;

function gapConstruct(p: PolicySchema, gap: EmulatorGap): string {
  if (gap.attribute) return code(`<${p.name} ${gap.attribute}${gap.value !== undefined ? `="${gap.value}"` : ''}>`);
  return code(`<${p.name}><${gap.child}>`);
}

export function emulatorSupportMarkdown(): string {
  const count = (status: string) => policySchemas.filter((p) => p.emulator.status === status).length;
  const lines: string[] = [
    '# Emulator support',
    '',
    '<!-- Generated from src/policy/elements by test/policy/emulator-support.test.ts; run the test with UPDATE_GOLDEN=1 to regenerate. Do not edit by hand. -->',
    '',
    'Which APIM policies the local emulator (`policy run`, `test`, `serve`) executes, and why the others are not.',
    '`mcp-apim policy check` reports the same data where a document uses it: **MA4016** (warning) for an element',
    'or a use of one that the emulator does not run, **MA4017** (note) for an element it runs only in part.',
    'The runtime refuses a document that uses an unsupported policy (it has no handler for it). The known gaps',
    'of supported policies are not refused by the runtime yet: it runs them differently from APIM, as listed.',
    `\`npm run corpus\` counts them over the shared corpora.`,
    '',
    `${policySchemas.length} policies are declared: ${count('supported')} supported, ${count('partial')} partial, ${count('unsupported')} unsupported.`,
    'Document structure (`<policies>`, the four sections, `<fragment>`) and `<choose>`\'s `<when>`/`<otherwise>` are supported.',
    '',
  ];
  for (const category of CATEGORY_ORDER) {
    const members = policySchemas.filter((p) => p.category === category);
    if (members.length === 0) continue;
    lines.push(`## ${category}`, '', '| Policy | Emulator | Sections | Reason or known gaps |', '|---|---|---|---|');
    for (const p of members) {
      const notes = [p.emulator.reason, ...(p.emulator.gaps ?? []).map((g) => `${gapConstruct(p, g)}: ${g.reason}`)].filter((n): n is string => n !== undefined);
      lines.push(`| [${code(p.name)}](https://learn.microsoft.com/azure/api-management/${p.reference}) | ${p.emulator.status} | ${p.sections.join(', ')} | ${cell(notes.join('; ') || '—')} |`);
    }
    lines.push('');
  }

  const gaps = policySchemas.flatMap((p) => (p.emulator.gaps ?? []).map((g) => ({ p, g })));
  lines.push('## Known gaps of supported policies', '', 'Using one of these makes `policy check` warn (MA4016); the runtime would run it differently from APIM.', '');
  for (const { p, g } of gaps) lines.push(`- ${gapConstruct(p, g)} — ${g.reason}.`);
  lines.push('');

  lines.push(
    '## C# expressions',
    '',
    'Every expression is compiled when a document is loaded (and by `policy check`). What the expression engine does not run is',
    'reported there, with line and column, and the runtime refuses the document: **MA5004** a C# construct outside the subset',
    'APIM policies use, **MA5011** / **MA5012** a type or static member outside the allow-list the engine implements, **MA5500**',
    'an instance member its .NET library does not implement (for example `Encrypt`/`Decrypt` on byte arrays, the XML types,',
    'or the `Authorization` object of get-authorization-context). `npm run corpus` lists the ones the shared corpora use, by frequency.',
    '',
  );

  const seen = policySchemas.flatMap((p) => (p.alsoSeenIn ?? []).map((s) => ({ p, s })));
  const sku = policySchemas.filter((p) => (p.unavailableOn ?? []).length > 0);
  lines.push(
    '## Deploy-time facts the checker also uses',
    '',
    'Policies not available on some tiers (MA4013 with `--sku`):',
    '',
    ...sku.map((p) => `- ${code(p.name)}: not on ${p.unavailableOn!.join(', ')}.`),
    '',
    'Sections the reference does not list, but where deployed Microsoft samples use the policy (MA4019 warning instead of the MA4008 error):',
    '',
    ...seen.map(({ p, s }) => `- ${code(p.name)} in ${code(s.section)}: ${s.evidence}.`),
    '',
    'Sources: the APIM policy reference (learn.microsoft.com, one page per policy, linked above) and the per-policy XSDs',
    'that the VS Code API Management extension ships (`microsoft/vscode-apimanagement`, `resources/policySchemas`).',
    '',
  );
  return lines.join('\n');
}

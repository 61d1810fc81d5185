/**
 * JUnit XML for Azure Pipelines' PublishTestResults@2 (testResultsFormat: JUnit): one testsuite
 * per traffic file, one testcase per exchange, failures with the unmet expectations and the
 * policy trace.
 */
import type { ExchangeResult } from './replay.ts';

const escape = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(results: readonly ExchangeResult[]): string {
  const files = [...new Set(results.map((r) => r.file))];
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="mcp-apim test" tests="${results.length}" failures="${results.filter((r) => !r.passed).length}">`];
  for (const file of files) {
    const cases = results.filter((r) => r.file === file);
    lines.push(`  <testsuite name="${escape(file)}" tests="${cases.length}" failures="${cases.filter((r) => !r.passed).length}" errors="0" skipped="0">`);
    for (const r of cases) {
      const head = `    <testcase classname="${escape(file)}" name="${escape(r.name)}" file="${escape(file)}" line="${r.line}"`;
      if (r.passed) {
        lines.push(`${head} />`);
        continue;
      }
      const detail = [...r.failures, '', `${r.request.method} ${r.request.path} → ${r.status}${r.forwarded ? ' (forwarded)' : ''}`, 'trace:', ...r.trace.map((t) => `  ${t.scope}/${t.section} ${t.policy}: ${t.message}`)].join('\n');
      lines.push(`${head}>`, `      <failure message="${escape(r.failures.join('; '))}" type="expectation">${escape(detail)}</failure>`, '    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

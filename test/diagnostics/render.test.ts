import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { renderDiagnostic } from '../../src/diagnostics/render.ts';
import { LineIndex } from '../../src/diagnostics/span.ts';

describe('renderDiagnostic', () => {
  const text = 'a: 1\nroles:\n  MCP.Read:\n    allow: [nope]\n';
  const index = new LineIndex('cfg.yaml', text);
  it('prints file:line:col, severity, code, message and a code frame with a caret', () => {
    const offset = text.indexOf('nope');
    const d = diagnostic('MA9003', 'bad thing', index.span(offset, offset + 4));
    const out = renderDiagnostic(d, new Map([['cfg.yaml', text]]));
    assert.equal(out, ['cfg.yaml:4:13: error MA9003: bad thing', '3 |   MCP.Read:', '4 |     allow: [nope]', '  |             ^^^^'].join('\n'));
  });
  it('maps offsets to 1-based lines and columns', () => {
    assert.deepEqual(index.position(0), { line: 1, column: 1 });
    assert.deepEqual(index.position(5), { line: 2, column: 1 });
    assert.equal(index.lineText(3), '  MCP.Read:');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogParts } from '../../src/diagnostics/catalog/index.ts';

const ranges: Record<string, string> = {
  configCodes: 'MA1', planCodes: 'MA2', emitCodes: 'MA3', policyCodes: 'MA4', exprCodes: 'MA5',
  runtimeCodes: 'MA6', trafficCodes: 'MA7', azureCodes: 'MA8', cliCodes: 'MA9',
};

describe('diagnostic catalog', () => {
  it('keeps every code in its area range, well-formed and unique', () => {
    const seen = new Set<string>();
    for (const [part, codes] of Object.entries(catalogParts)) {
      const prefix = ranges[part];
      assert.ok(prefix, `catalog part ${part} has no range`);
      for (const [code, entry] of Object.entries(codes)) {
        assert.match(code, /^MA\d{4}$/, `${code} is not MA + four digits`);
        assert.ok(code.startsWith(prefix), `${code} in ${part} is outside ${prefix}xxx`);
        assert.ok(!seen.has(code), `${code} is defined twice`);
        seen.add(code);
        assert.ok(entry.summary.length > 10 && entry.summary.endsWith('.'), `${code} needs a one-sentence summary`);
      }
    }
  });
});

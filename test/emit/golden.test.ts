import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileConfig } from '../../src/emit/compile.ts';
import { loadFromDisk } from '../support/config.ts';
import { assertGoldenDirectory } from '../support/golden.ts';

describe('compile output of the bundled example', () => {
  const config = loadFromDisk('fixtures/example/mcp-gateway.yaml');
  const result = compileConfig(config);

  it('compiles with no errors', () => {
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('matches the golden files (test/golden/example)', () => {
    assertGoldenDirectory('test/golden/example', result.files);
  });

  it('is deterministic', () => {
    assert.deepEqual(compileConfig(loadFromDisk('fixtures/example/mcp-gateway.yaml')).files, result.files);
  });

  it('writes LF line ends only and no timestamps', () => {
    for (const [path, content] of Object.entries(result.files)) {
      assert.ok(!content.includes('\r'), `${path} has CR`);
      assert.ok(!/20\d\d-\d\d-\d\dT\d\d:\d\d/.test(content), `${path} looks timestamped`);
    }
  });
});

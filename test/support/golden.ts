import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Golden files are rewritten only when UPDATE_GOLDEN=1 is set explicitly. */
export const updating = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/**
 * Compares a set of generated files with the golden directory: same file set (a golden file that
 * nothing generates fails, so stale goldens cannot linger) and byte-identical contents.
 */
export function assertGoldenDirectory(goldenDir: string, files: Readonly<Record<string, string>>): void {
  if (updating) {
    rmSync(goldenDir, { recursive: true, force: true });
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(goldenDir, path)), { recursive: true });
      writeFileSync(join(goldenDir, path), content);
    }
    return;
  }
  const existing = listFiles(goldenDir).map((f) => relative(goldenDir, f).split('\\').join('/')).sort();
  assert.deepEqual(existing, Object.keys(files).sort(), `golden files in ${goldenDir} differ from what is generated (run with UPDATE_GOLDEN=1 to accept a deliberate change)`);
  for (const [path, content] of Object.entries(files)) {
    assert.equal(content, readFileSync(join(goldenDir, path), 'utf8'), `${path} differs from its golden file (UPDATE_GOLDEN=1 to accept)`);
  }
}

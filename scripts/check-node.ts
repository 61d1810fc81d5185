// The repository pins Node 24 (the `node` devDependency) for its own scripts and tests.
// `npm test` runs this first so a run on another Node is loud instead of silently different.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(`mcp-apim tests expect the pinned Node 24, got ${process.version} (${process.execPath}). Run through npm so node_modules/.bin/node is used.`);
  process.exit(2);
}
console.log(`node ${process.version} (${process.execPath})`);

#!/usr/bin/env node
// Entry point. In a checkout (Node >= 22.18 strips types) run the TypeScript sources directly;
// an installed package runs the compiled dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const useSource = existsSync(fileURLToPath(source)) && process.features?.typescript;
const entry = useSource ? source.href : new URL('../dist/cli/main.js', import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// `node scripts/run-ts.js <file.ts> [args…]`: runs a TypeScript file with tsx (no build step),
// passing the arguments, the environment and the exit code through. Used by `npm run bench:turns`.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-ts.js <file.ts> [args…]');
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const target = path.resolve(process.cwd(), file);
const env = { ...process.env, DOTENV_CONFIG_QUIET: 'true' };
// cwd = the project root, so `--import tsx` resolves to this project's devDependency.
const child = spawn(process.execPath, ['--import', 'tsx', target, ...args], { cwd: root, env, stdio: 'inherit' });

// Ctrl-C reaches the child through the terminal's process group; other signals are relayed.
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
process.on('SIGINT', () => undefined);

child.on('error', (err) => {
  console.error(`run-ts: could not start node: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});

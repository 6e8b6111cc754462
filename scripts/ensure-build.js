// Builds dist/ with the TypeScript compiler when it is missing or older than any source file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const SOURCES = ['app', 'bots', 'dialogs', 'services', 'models', 'console'];

function newestSource(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

module.exports = function ensureBuild(entry) {
  const target = path.join(root, 'dist', entry);
  const builtAt = fs.existsSync(target) ? fs.statSync(target).mtimeMs : 0;
  const sourceAt = Math.max(...SOURCES.map((d) => newestSource(path.join(root, d))));
  if (builtAt >= sourceAt) return target;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write('dist/ está desactualizado y TypeScript no está instalado: ejecute "npm install" o "npm run build".\n');
    process.exit(1);
  }
  process.stderr.write('Compilando (npm run build)…\n');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return target;
};

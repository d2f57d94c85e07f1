#!/usr/bin/env node
// Compiles every workspace package's src/ to dist/ with SWC (decorator metadata for Nest).
// Type checking is separate: `pnpm typecheck`. Usage: node scripts/build.mjs [package-dir ...]
import { transformFile } from '@swc/core';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

async function packageDirs() {
  const dirs = [];
  for (const parent of ['apps', 'packages', 'packages/integrations']) {
    for (const entry of await readdir(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'integrations') dirs.push(join(parent, entry.name));
    }
  }
  return dirs;
}

async function* sourceFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.spec.ts')) yield path;
  }
}

async function buildPackage(pkgDir) {
  const src = join(root, pkgDir, 'src');
  const out = join(root, pkgDir, 'dist');
  await rm(out, { recursive: true, force: true });
  const jobs = [];
  for await (const file of sourceFiles(src)) {
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
    jobs.push(
      transformFile(file, { ...swcrc, swcrc: false, filename: file, sourceFileName: relative(dirname(target), file) }).then(async ({ code, map }) => {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
        if (map) await writeFile(`${target}.map`, map);
      }),
    );
  }
  await Promise.all(jobs);
  return jobs.length;
}

const requested = process.argv.slice(2);
const dirs = requested.length ? requested : await packageDirs();
const started = Date.now();
let files = 0;
for (const dir of dirs) files += await buildPackage(dir);
console.log(`built ${files} files in ${dirs.length} packages (${Date.now() - started} ms)`);

// Compiles the server once into dist/ (esbuild: one bundle, packages left to node_modules), so
// `npm start` runs plain JavaScript. With --if-stale it compiles only when a source is newer than
// the output, which costs a directory walk when nothing changed.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Three directories below the root, as app/server/http is: the sources that find the root (static
// files, headers) go up three levels from import.meta.url, which is the bundle's path once built.
const OUT_DIR = path.join(ROOT, 'dist/app/server');
const OUTPUT = path.join(OUT_DIR, 'main.js');
const SOURCES = ['app/server', 'admin/api', 'migrations'];
const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build-server.mjs'];

/** Newest modification time among the inputs, counting directories, so a removed file counts too. */
async function newestInput() {
  let newest = 0;
  /** @param {string} dir */
  async function walk(dir) {
    const info = await stat(dir);
    newest = Math.max(newest, info.mtimeMs);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, (await stat(full)).mtimeMs);
    }
  }
  for (const dir of SOURCES) await walk(path.join(ROOT, dir));
  for (const file of INPUTS) newest = Math.max(newest, (await stat(path.join(ROOT, file)).catch(() => ({ mtimeMs: 0 }))).mtimeMs);
  return newest;
}

async function isStale() {
  const built = await stat(OUTPUT).catch(() => null);
  return !built || built.mtimeMs < (await newestInput());
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  // Chunk names change with their content: last build's chunks must not linger beside the new ones.
  await rm(OUT_DIR, { recursive: true, force: true });
  await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { main: 'app/server/main.ts', 'migrate-cli': 'app/server/db/migrate-cli.ts' },
    outdir: OUT_DIR,
    bundle: true,
    // Kafka, Redis and Clerk are imported only when configured: their code stays in chunks of its own.
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (!process.argv.includes('--if-stale') || (await isStale())) {
  const started = performance.now();
  await build();
  process.stderr.write(`compiled the server into dist/ in ${Math.round(performance.now() - started)} ms\n`);
}

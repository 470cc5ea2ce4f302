// Regenerates shared/generated/ from proto/ with proto-loader-gen-types, then adds the
// `.js` extensions that ES-module resolution needs. `--check` fails when the result differs
// from what is committed (run by `make test`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, cpSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const target = join(root, 'shared/generated');
const check = process.argv.includes('--check');
const out = mkdtempSync(join(tmpdir(), 'dlrs-gen-'));
const protos = readdirSync(join(root, 'proto/dlrs/v1')).filter((f) => f.endsWith('.proto')).map((f) => `dlrs/v1/${f}`);

execFileSync(join(root, 'node_modules/.bin/proto-loader-gen-types'), [
  '--grpcLib=@grpc/grpc-js', '--longs=Number', '--enums=String', '--defaults', '--oneofs',
  '--includeComments', `--includeDirs=${join(root, 'proto')}`, `--outDir=${out}`, ...protos,
], { stdio: 'inherit' });

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
for (const file of walk(out)) {
  // Relative imports get `.js`; the absolute source path becomes repository-relative so the output is the same in every clone.
  const text = readFileSync(file, 'utf8')
    .replace(/(from '\.{1,2}\/[^']*?)(?<!\.js)'/g, "$1.js'")
    .replaceAll(`Original file: ${join(root, 'proto')}/`, 'Original file: proto/');
  writeFileSync(file, text);
}

if (check) {
  const differ = [];
  const gen = new Set(walk(out).map((f) => relative(out, f)));
  let have = new Set();
  try { have = new Set(walk(target).map((f) => relative(target, f))); } catch { /* nothing generated yet */ }
  for (const f of new Set([...gen, ...have])) {
    if (!gen.has(f) || !have.has(f) || readFileSync(join(out, f), 'utf8') !== readFileSync(join(target, f), 'utf8')) differ.push(f);
  }
  rmSync(out, { recursive: true, force: true });
  if (differ.length) {
    console.error(`shared/generated is out of date with proto/ (${differ.slice(0, 5).join(', ')}): run \`npm run gen\` and commit.`);
    process.exit(1);
  }
  console.log('shared/generated is current.');
} else {
  rmSync(target, { recursive: true, force: true });
  cpSync(out, target, { recursive: true });
  rmSync(out, { recursive: true, force: true });
  console.log(`generated ${walk(target).length} files in shared/generated`);
}

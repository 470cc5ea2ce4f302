// `make loadtest-local`: starts the serving path of the tests (test/fixtures/serving-stack.ts:
// a bundle trained on synthetic:tiny, two retrieval shards, ranking and the gateway, in this
// process), runs `dlrs bench load --config FILE [options] ADDRESS` in a child process for each
// file, and stops everything. Usage: local-topology.ts [bench load options] FILE...
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServingStack } from '../../test/fixtures/serving-stack.js';

const DLRS = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));

/** Runs `dlrs bench load` in its own process (own event loop and core); resolves its exit code. */
function benchLoad(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DLRS, 'bench', 'load', ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

const files = process.argv.slice(2).filter((a) => a.endsWith('.json'));
const options = process.argv.slice(2).filter((a) => !a.endsWith('.json'));
if (files.length === 0) {
  console.error('usage: local-topology.ts [dlrs bench load options] GHZ_CONFIG.json...');
  process.exit(2);
}
console.log('training a tiny bundle and starting two retrieval shards, ranking and the gateway ...');
const topology = await startServingStack({ shards: 1 });
console.log(`gateway at ${topology.address} (model ${topology.bundle.manifest.modelVersion})\n`);
let failed = 0;
try {
  for (const file of files) {
    if ((await benchLoad(['--config', file, ...options, topology.address])) !== 0) failed++;
    console.log('');
  }
} finally {
  await topology.stop();
}
process.exitCode = failed === 0 ? 0 : 1;

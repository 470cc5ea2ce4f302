// The Python client of examples/python, with stubs generated from proto/ by its
// generate.sh, against the real services (tiny bundle, two shards, ranking, gateway) with
// an API token configured.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';
import { skipForMissingTool } from '../../shared/testing/index.js';

/** Debian's interpreter: the one that sees python3-grpcio (a pyenv python3 on PATH does not). */
const PYTHON = '/usr/bin/python3';
const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/python/', import.meta.url));
const TOKEN = 'python-client-test-token';
const USER = 'py-user';
/** The client's default k, and the one past any server maximum it sends to show an error. */
const K = 5;
const INVALID_K = 1_000_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking the event loop (the services run in this process). */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Why /usr/bin/python3 cannot run the client, or undefined when it can. */
function pythonGrpcMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, google.protobuf'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} is absent (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} lacks grpc/protobuf (apt-get install python3-grpcio): ${probe.stderr.trim().split('\n').at(-1) ?? ''}`;
  return undefined;
}

/** The items of one printed answer line, `... : id id id`. */
const itemsOf = (line: string): string[] => line.slice(line.lastIndexOf(': ') + 2).split(' ').filter((id) => id !== '');

describe('the Python client (examples/python) against the real services', function () {
  this.timeout(60_000);
  let work: string | undefined;
  let generated: string;
  let stack: ServingStack | undefined;
  let seen: string[];

  before(async function () {
    const missing = pythonGrpcMissing();
    if (missing !== undefined) skipForMissingTool(this, missing);
    work = await mkdtemp(join(tmpdir(), 'dlrs-python-client-'));
    generated = join(work, 'generated');
    const generation = await run('sh', [join(EXAMPLE_DIR, 'generate.sh'), generated], { ...process.env, PYTHON });
    if (generation.code !== 0 && generation.stderr.includes('needs grpcio-tools')) skipForMissingTool(this, 'no Python gRPC code generator (apt-get install protobuf-compiler protobuf-compiler-grpc)');
    assert.equal(generation.code, 0, generation.stderr);
    const tokensFile = join(work, 'tokens');
    await writeFile(tokensFile, `${TOKEN}\n`);
    stack = await startServingStack({ gatewayEnv: { DLRS_API_TOKENS_FILE: tokensFile } });
    seen = stack.bundle.items.slice(0, 3).map((item) => item.id);
  });

  after(async () => {
    await stack?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const client = (args: string[]) => run(PYTHON, [join(EXAMPLE_DIR, 'recommend.py'), ...args], { ...process.env, PYTHONPATH: generated });

  it('records events, recommends by user and by context, and matches stream answers to their request ids', async () => {
    const like = stack!.bundle.items[3].features;
    const likeFeatures = JSON.stringify({ category: like.category, tags: like.tags });
    const { code, stdout, stderr } = await client([stack!.address, '--token', TOKEN, '--user', USER, '--items', seen.join(','), '--k', String(K), '--like-features', likeFeatures]);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    const lines = stdout.split('\n');
    const line = (prefix: string): string => {
      const found = lines.find((l) => l.startsWith(prefix));
      assert.ok(found, `no line "${prefix}..." in\n${stdout}`);
      return found;
    };
    assert.equal(line('RecordInteractions'), `RecordInteractions user=${USER}: accepted=3 duplicates=0`);

    const catalog = new Set(stack!.bundle.items.map((item) => item.id));
    const version = stack!.bundle.manifest.modelVersion;
    assert.equal(line(`Recommend user_id=${USER}:`), `Recommend user_id=${USER}: ${K} items model=${version} degraded=no`);
    const byUser = lines.slice(lines.indexOf(line(`Recommend user_id=${USER}:`)) + 1, lines.indexOf(line('Recommend context='))).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(byUser.map(([rank]) => rank), ['1', '2', '3', '4', '5']);
    const byUserIds = byUser.map(([, id]) => id);
    assert.ok(byUserIds.every((id) => catalog.has(id) && !seen.includes(id)), `catalog items, the recorded ones excluded: ${byUserIds.join(' ')}`);
    assert.equal(line('Recommend context='), `Recommend context=${seen.join(',')}: ${K} items model=${version} degraded=no`);
    assert.equal(line(`SimilarItems item_ids=${seen[0]}:`), `SimilarItems item_ids=${seen[0]}: ${K} items model=${version} degraded=no`);
    assert.equal(line(`SimilarItems item_ids=${seen[0]} user_id=${USER}:`), `SimilarItems item_ids=${seen[0]} user_id=${USER}: ${K} items model=${version} degraded=no`);

    const answers = new Map(
      lines.filter((l) => l.startsWith('  answer request_id=')).map((l) => [/request_id=(\S+)/.exec(l)![1], l] as const),
    );
    const byFeatures = line('SimilarItems features=');
    assert.match(byFeatures, new RegExp(`: ${K} items model=${version} degraded=no$`));
    const byFeaturesIds = lines.slice(lines.indexOf(byFeatures) + 1, lines.indexOf(byFeatures) + 1 + K).map((l) => l.trim().split(/\s+/)[1]);
    assert.ok(byFeaturesIds.every((id) => catalog.has(id)), `catalog items: ${byFeaturesIds.join(' ')}`);

    assert.deepEqual([...answers.keys()].sort(), ['by-context', 'by-user', 'excluding', 'similar', 'too-many']);
    const similarOnStream = itemsOf(answers.get('similar')!);
    assert.equal(similarOnStream.length, K);
    assert.ok(!similarOnStream.includes(seen[0]), 'the query item is not among its neighbours');
    // Each answer carries its own request's k (by-context asks one more): a swapped answer would not.
    assert.deepEqual(itemsOf(answers.get('by-user')!), byUserIds, 'the same request on the stream as unary');
    assert.match(answers.get('by-context')!, new RegExp(`k=${K + 1}: ${K + 1} items model=${version} degraded=no`));
    const excluding = itemsOf(answers.get('excluding')!);
    assert.equal(excluding.length, K);
    assert.ok(excluding.every((id) => catalog.has(id) && !byUserIds.includes(id)), `the excluded items stay out: ${excluding.join(' ')}`);
    assert.match(answers.get('too-many')!, new RegExp(`k=${INVALID_K}: error INVALID_ARGUMENT field=k: k: must be between 1 and \\d+, got ${INVALID_K}$`));
    assert.match(line(`Recommend k=${INVALID_K}:`), new RegExp(`error INVALID_ARGUMENT: k: must be between 1 and \\d+, got ${INVALID_K}$`));
  });

  it('is refused without the API token', async () => {
    const { code, stdout, stderr } = await client([stack!.address, '--items', seen.join(',')]);
    assert.equal(code, 1, stdout);
    assert.match(stderr, /^failed: UNAUTHENTICATED: /m);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../shared/bundle/index.js';
import { runKubernetesRollout } from './kubernetes-rollout-command.js';

describe('dlrs k8s-rollout command line', () => {
  let root: string;
  const errors: string[] = [];
  const print = console.error;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-k8s-cli-'));
    errors.length = 0;
    console.error = (line: string): void => void errors.push(line);
  });
  afterEach(async () => {
    console.error = print;
    await rm(root, { recursive: true, force: true });
  });

  it('refuses bad usage with exit code 2, naming the flag', async () => {
    assert.equal(await runKubernetesRollout([]), 2);
    assert.match(errors[0], /expected exactly one BUNDLE/);
    assert.equal(await runKubernetesRollout(['/bundles/x', '--workloads', 'pod/dlrs-ranking']), 2);
    assert.match(errors[1], /--workloads: 'pod\/dlrs-ranking' is not deployment\/NAME or statefulset\/NAME/);
    assert.equal(await runKubernetesRollout(['/bundles/x', '--workload-timeout-ms', '-1']), 2);
  });

  it('verifies the bundle before it asks the cluster, and says when it is not in a pod', async () => {
    assert.equal(await runKubernetesRollout([join(root, 'absent')], { env: {} }), 1);
    assert.match(errors[0], /manifest\.json: missing or unreadable/);
    const bundle = join(root, 'b');
    await writeBundle(bundle, {
      userNet: Uint8Array.from([1]),
      itemNet: Uint8Array.from([2]),
      rankNet: Uint8Array.from([3]),
      items: [],
      manifest: { dataset: 'test', featureSpec: { features: [], itemIds: ['<oov>'], bagLength: 4, eventWeights: {} }, dim: 4, metric: 'ip', bagLength: 4, onnxOpset: 17, training: {}, metrics: {} },
    });
    assert.equal(await runKubernetesRollout([bundle], { env: {} }), 1);
    assert.match(errors[1], /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
  });
});

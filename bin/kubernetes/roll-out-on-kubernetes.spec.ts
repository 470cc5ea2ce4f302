// Against a fake Kubernetes API server: an HTTPS server started here with a certificate made
// here, because no cluster can run where these tests run. It answers the few calls the rollout
// makes the way the API server does (merge patches, generations, rolling status), checks the
// bearer token and the content type, and records every call.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipForMissingTool } from '../../shared/testing/index.js';
import { opensslAvailable, selfSigned } from '../../test/fixtures/self-signed-certificate.js';
import { KubernetesApi, KubernetesApiError } from './kubernetes-api.js';
import { BUNDLE_ANNOTATION, notRolledOut, rollOutOnKubernetes } from './roll-out-on-kubernetes.js';
import type { KubernetesRolloutOptions, Workload } from './roll-out-on-kubernetes.js';

const TOKEN = 'service-account-token';
const NAMESPACE = 'dlrs';
/** The ConfigMap as kustomize names it: the generator's name and a content hash. */
const BUNDLE_CONFIGMAP = 'dlrs-bundle-7c8kh5m2bt';
const WORKLOADS: Workload[] = [
  { kind: 'StatefulSet', name: 'dlrs-retrieval' },
  { kind: 'Deployment', name: 'dlrs-ranking' },
  { kind: 'Deployment', name: 'dlrs-gateway' },
];

type Json = Record<string, unknown>;

/** A workload as the fake API server keeps it: a pod-template change rolls it within two GETs (never while `stuck` names its bundle). */
interface FakeWorkload {
  generation: number;
  annotation: string | undefined;
  /** GETs left until the current generation has rolled. */
  rolling: number;
}

class FakeApiServer {
  readonly calls: string[] = [];
  readonly configMap: Record<string, string> = { DLRS_BUNDLE: '/bundles/old' };
  readonly workloads = new Map<string, FakeWorkload>(WORKLOADS.map((w) => [w.name, { generation: 1, annotation: undefined, rolling: 0 }]));
  /** A workload whose pods never become available on this bundle (they fail to load it). */
  stuck: { name: string; bundle: string } | undefined;
  /** Answer 403 to patches of the ConfigMap, as a Role without `patch` would. */
  forbidConfigMapPatch = false;
  private server: Server | undefined;

  async start(cert: string, key: string): Promise<number> {
    this.server = createServer({ cert, key }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return (this.server?.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length === 0 ? undefined : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
    const path = req.url ?? '';
    this.calls.push(`${req.method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`);
    const answer = (status: number, object: Json): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(object));
    };
    const status = (code: number, reason: string, message: string): void => answer(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, 'Unauthorized', 'Unauthorized');
    if (req.method === 'PATCH' && req.headers['content-type'] !== 'application/merge-patch+json') return status(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format');
    if (path === `/api/v1/namespaces/${NAMESPACE}/configmaps/${BUNDLE_CONFIGMAP}`) {
      if (req.method === 'PATCH') {
        if (this.forbidConfigMapPatch) return status(403, 'Forbidden', `configmaps "${BUNDLE_CONFIGMAP}" is forbidden: User "system:serviceaccount:dlrs:dlrs-retrain" cannot patch resource "configmaps"`);
        Object.assign(this.configMap, (body?.data ?? {}) as Record<string, string>);
      }
      return answer(200, { kind: 'ConfigMap', metadata: { name: BUNDLE_CONFIGMAP }, data: this.configMap });
    }
    const match = /^\/apis\/apps\/v1\/namespaces\/dlrs\/(deployments|statefulsets)\/([a-z-]+)$/.exec(path);
    const workload = match === null ? undefined : this.workloads.get(match[2]);
    if (match === null || workload === undefined) return status(404, 'NotFound', `${path} not found`);
    if (req.method === 'PATCH') {
      const annotations = ((((body?.spec as Json | undefined)?.template as Json | undefined)?.metadata as Json | undefined)?.annotations ?? {}) as Record<string, string>;
      if (annotations[BUNDLE_ANNOTATION] !== workload.annotation) {
        workload.annotation = annotations[BUNDLE_ANNOTATION];
        workload.generation++;
        workload.rolling = 2;
      }
    }
    const stuck = this.stuck?.name === match[2] && this.stuck.bundle === workload.annotation;
    const done = !stuck && workload.rolling === 0;
    if (req.method === 'GET' && workload.rolling > 0) workload.rolling--;
    const replicas = 2;
    const rolled = { observedGeneration: workload.generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, currentRevision: `r${workload.generation}`, updateRevision: `r${workload.generation}` };
    const midway = { observedGeneration: workload.generation, replicas: replicas + 1, updatedReplicas: 1, readyReplicas: replicas, availableReplicas: replicas, currentRevision: `r${workload.generation - 1}`, updateRevision: `r${workload.generation}` };
    return answer(200, {
      kind: match[1] === 'deployments' ? 'Deployment' : 'StatefulSet',
      metadata: { name: match[2], generation: workload.generation },
      spec: {
        replicas,
        template: {
          metadata: { annotations: workload.annotation === undefined ? {} : { [BUNDLE_ANNOTATION]: workload.annotation } },
          spec: { containers: [{ name: 'main', envFrom: [{ configMapRef: { name: 'dlrs-config-9f2hb6k4dc' } }, { configMapRef: { name: BUNDLE_CONFIGMAP } }] }] },
        },
      },
      status: done ? rolled : midway,
    });
  }
}

describe('dlrs k8s-rollout against a fake Kubernetes API server (HTTPS, self-signed CA; no cluster runs here)', () => {
  let dir: string;
  let cert: { certPath: string; keyPath: string };
  let fake: FakeApiServer;
  let api: KubernetesApi;
  let serviceAccount: string;
  let env: NodeJS.ProcessEnv;
  const lines: string[] = [];
  const options = (): KubernetesRolloutOptions => ({ namespace: NAMESPACE, configMap: 'dlrs-bundle', key: 'DLRS_BUNDLE', workloads: WORKLOADS, workloadTimeoutMs: 5000, pollMs: 1, log: (line) => lines.push(line) });

  before(async function () {
    if (!opensslAvailable()) skipForMissingTool(this, 'openssl is not installed to generate the fake API server certificate (apt-get install openssl)');
    dir = await mkdtemp(join(tmpdir(), 'dlrs-k8s-'));
    cert = selfSigned(dir, 'apiserver');
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fake = new FakeApiServer();
    const port = await fake.start(await readFile(cert.certPath, 'utf8'), await readFile(cert.keyPath, 'utf8'));
    // The service account as the kubelet mounts it.
    serviceAccount = join(dir, `serviceaccount-${port}`);
    await mkdir(serviceAccount);
    await writeFile(join(serviceAccount, 'token'), `${TOKEN}\n`);
    await writeFile(join(serviceAccount, 'ca.crt'), await readFile(cert.certPath));
    await writeFile(join(serviceAccount, 'namespace'), NAMESPACE);
    env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) };
    const inCluster = await KubernetesApi.inCluster(env, serviceAccount);
    assert.equal(inCluster.namespace, NAMESPACE);
    api = inCluster.api;
    lines.length = 0;
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('points the ConfigMap at the bundle, then rolls retrieval, ranking and the gateway one after the other', async () => {
    const outcome = await rollOutOnKubernetes(api, '/bundles/new', options());
    assert.deepEqual(outcome, { ok: true, from: '/bundles/old', serving: '/bundles/new' });
    assert.equal(fake.configMap.DLRS_BUNDLE, '/bundles/new');
    for (const w of WORKLOADS) assert.equal(fake.workloads.get(w.name)?.annotation, '/bundles/new');
    const patches = fake.calls.filter((c) => c.startsWith('PATCH'));
    assert.deepEqual(
      patches.map((c) => c.split(' ')[1]),
      [`/api/v1/namespaces/dlrs/configmaps/${BUNDLE_CONFIGMAP}`, '/apis/apps/v1/namespaces/dlrs/statefulsets/dlrs-retrieval', '/apis/apps/v1/namespaces/dlrs/deployments/dlrs-ranking', '/apis/apps/v1/namespaces/dlrs/deployments/dlrs-gateway'],
    );
    assert.equal(patches[0].split(' ')[2], '{"data":{"DLRS_BUNDLE":"/bundles/new"}}');
    assert.equal(patches[1].split(' ')[2], '{"spec":{"template":{"metadata":{"annotations":{"dlrs/bundle":"/bundles/new"}}}}}');
    // Each tier is patched only after the one before has rolled: a GET of it that found it midway, then one that found it done.
    const at = (call: string): number => fake.calls.indexOf(call);
    const retrievalGets = fake.calls.map((c, i) => [c, i] as const).filter(([c]) => c === 'GET /apis/apps/v1/namespaces/dlrs/statefulsets/dlrs-retrieval');
    assert.ok(retrievalGets.length >= 2, 'retrieval was watched until rolled');
    assert.ok(retrievalGets.every(([, i]) => i < at(patches[2])), 'ranking is patched after retrieval rolled');
    assert.deepEqual(lines.slice(-3), ['StatefulSet dlrs-retrieval: rolled to /bundles/new', 'Deployment dlrs-ranking: rolled to /bundles/new', 'Deployment dlrs-gateway: rolled to /bundles/new']);
  });

  it('puts the previous bundle back everywhere when a tier does not roll in time', async () => {
    fake.stuck = { name: 'dlrs-gateway', bundle: '/bundles/new' };
    const outcome = await rollOutOnKubernetes(api, '/bundles/new', { ...options(), workloadTimeoutMs: 200 });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.serving, '/bundles/old');
    assert.match(outcome.problem ?? '', /^Deployment dlrs-gateway did not roll within 200 ms: 1 of 2 replicas updated$/);
    assert.equal(fake.configMap.DLRS_BUNDLE, '/bundles/old');
    for (const w of WORKLOADS) assert.equal(fake.workloads.get(w.name)?.annotation, '/bundles/old', `${w.name} rolled back`);
    assert.equal(lines.at(-1), 'Deployment dlrs-gateway: rolled to /bundles/old');
  });

  it("reports the API's refusal (RBAC) with its status and message", async () => {
    fake.forbidConfigMapPatch = true;
    await assert.rejects(rollOutOnKubernetes(api, '/bundles/new', options()), (err: unknown) => {
      assert.ok(err instanceof KubernetesApiError);
      assert.equal(err.status, 403);
      assert.equal(err.message.split(' is forbidden')[0], `PATCH /api/v1/namespaces/dlrs/configmaps/${BUNDLE_CONFIGMAP}: 403 configmaps "${BUNDLE_CONFIGMAP}"`);
      return true;
    });
    assert.equal(fake.configMap.DLRS_BUNDLE, '/bundles/old');
  });

  it('finds the ConfigMap under its generated name, and names the workload that reads none', async () => {
    await assert.rejects(rollOutOnKubernetes(api, '/bundles/new', { ...options(), configMap: 'dlrs-other' }), /^Error: StatefulSet dlrs-retrieval reads no ConfigMap dlrs-other \(envFrom: dlrs-config-9f2hb6k4dc, dlrs-bundle-7c8kh5m2bt\)$/);
    assert.deepEqual(fake.calls.filter((c) => c.startsWith('PATCH')), [], 'nothing changed');
  });

  it('sends the mounted token and trusts only the mounted CA', async () => {
    await writeFile(join(serviceAccount, 'token'), 'another-token');
    const wrongToken = (await KubernetesApi.inCluster(env, serviceAccount)).api;
    await assert.rejects(wrongToken.get(`/api/v1/namespaces/dlrs/configmaps/${BUNDLE_CONFIGMAP}`), (err: unknown) => err instanceof KubernetesApiError && err.status === 401);
    await writeFile(join(serviceAccount, 'token'), TOKEN);
    const other = selfSigned(dir, 'other-ca');
    await writeFile(join(serviceAccount, 'ca.crt'), await readFile(other.certPath));
    const wrongCa = (await KubernetesApi.inCluster(env, serviceAccount)).api;
    await assert.rejects(wrongCa.get(`/api/v1/namespaces/dlrs/configmaps/${BUNDLE_CONFIGMAP}`), /self[- ]signed certificate|unable to verify/);
    await assert.rejects(KubernetesApi.inCluster({}, serviceAccount), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set/);
    await assert.rejects(KubernetesApi.inCluster(env, join(dir, 'absent')), /token: not readable/);
  });
});

describe('notRolledOut', () => {
  const deployment: Workload = { kind: 'Deployment', name: 'd' };
  it('waits for the new generation, every replica updated and available and no old one left', () => {
    const spec = { replicas: 3 };
    assert.equal(notRolledOut(deployment, { metadata: { generation: 4 }, spec, status: { observedGeneration: 3 } }), 'the new generation is not observed yet');
    assert.equal(notRolledOut(deployment, { metadata: { generation: 4 }, spec, status: { observedGeneration: 4, replicas: 4, updatedReplicas: 3, availableReplicas: 3 } }), '1 old replicas left');
    assert.equal(notRolledOut(deployment, { metadata: { generation: 4 }, spec, status: { observedGeneration: 4, replicas: 3, updatedReplicas: 3, availableReplicas: 2 } }), '2 of 3 updated replicas available');
    assert.equal(notRolledOut(deployment, { metadata: { generation: 4 }, spec, status: { observedGeneration: 4, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } }), undefined);
  });
  it('a StatefulSet has rolled once its update revision is current and every replica ready', () => {
    const sts: Workload = { kind: 'StatefulSet', name: 's' };
    const status = { observedGeneration: 2, updatedReplicas: 2, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' };
    assert.equal(notRolledOut(sts, { metadata: { generation: 2 }, spec: { replicas: 2 }, status }), 'revision a still current, b wanted');
    assert.equal(notRolledOut(sts, { metadata: { generation: 2 }, spec: { replicas: 2 }, status: { ...status, currentRevision: 'b' } }), undefined);
  });
});

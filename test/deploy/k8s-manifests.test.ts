// Renders every overlay of deploy/k8s and checks the result without a cluster: each object
// against the Kubernetes schemas (kubernetes-models), then the cross-references a cluster
// would only reveal at run time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { renderKustomization } from './kustomize-render.js';
import type { K8sObject } from './kustomize-render.js';
import { configMapData, envValue, find, findGenerated, ingressAllowed, podTemplates, resolvePort, selects, templateOf } from './k8s-model.js';
import type { Container, LabelSelector, PodTemplate } from './k8s-model.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const OVERLAYS = ['cpu', 'gpu', 'dev'];

interface Validatable {
  validate(): void;
}

/** The schema class of every kind the manifests may contain. */
const MODELS: Record<string, new (data: never) => Validatable> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

/** The dlrs workloads: the pods running the dlrs image (not the collector). */
const DLRS_SERVICES = [
  { kind: 'Deployment', name: 'dlrs-gateway' },
  { kind: 'Deployment', name: 'dlrs-ranking' },
  { kind: 'StatefulSet', name: 'dlrs-retrieval' },
];

function dlrsContainer(template: PodTemplate): Container {
  assert.equal(template.spec.containers.length, 1, `${template.owner.metadata.name}: one container`);
  return template.spec.containers[0];
}

function readmeEnvContract(): Set<string> {
  const readme = readFileSync(`${DEPLOY}README.md`, 'utf8');
  return new Set([...readme.matchAll(/^\| `((?:DLRS|OTEL)_[A-Z_]+)` \|/gm)].map((m) => m[1]));
}

for (const overlay of OVERLAYS) {
  describe(`deploy/k8s overlay ${overlay}`, function () {
    let objects: K8sObject[];
    before(function () {
      objects = renderKustomization(`${DEPLOY}k8s/overlays/${overlay}`);
    });

    it('renders the expected objects, each valid against the Kubernetes schema of its kind', function () {
      const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`));
      for (const expected of [
        'Deployment/dlrs-gateway', 'Service/dlrs-gateway', 'HorizontalPodAutoscaler/dlrs-gateway', 'PodDisruptionBudget/dlrs-gateway',
        'Deployment/dlrs-ranking', 'Service/dlrs-ranking', 'HorizontalPodAutoscaler/dlrs-ranking',
        'StatefulSet/dlrs-retrieval', 'Service/dlrs-retrieval', 'PodDisruptionBudget/dlrs-retrieval',
        'Job/dlrs-train', 'CronJob/dlrs-retrain', 'ConfigMap/dlrs-bundle', 'ConfigMap/otel-collector-config', 'Deployment/otel-collector',
      ]) {
        assert.ok(names.has(expected), `${expected} is rendered`);
      }
      for (const object of objects) {
        const Model = MODELS[`${object.apiVersion}/${object.kind}`];
        assert.ok(Model, `${object.apiVersion} ${object.kind} has a schema model here`);
        assert.doesNotThrow(() => new Model(object as never).validate(), `${object.kind} ${object.metadata.name}`);
        assert.equal(object.metadata.namespace, overlay === 'dev' ? 'dlrs-dev' : 'dlrs', `${object.kind} ${object.metadata.name} namespace`);
      }
      const names2 = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      assert.equal(new Set(names2).size, names2.length, 'no duplicate objects');
    });

    it('workload selectors match their own pod templates; Services, PDBs and HPAs reach a workload', function () {
      const templates = podTemplates(objects);
      for (const t of templates) {
        const selector = (t.owner.spec as { selector?: LabelSelector }).selector;
        if (t.owner.kind === 'Deployment' || t.owner.kind === 'StatefulSet') assert.ok(selects(selector, t.labels), `${t.owner.metadata.name}: selector matches template`);
      }
      for (const service of objects.filter((o) => o.kind === 'Service')) {
        const spec = service.spec as { selector: Record<string, string>; ports: { name: string; port: number; targetPort: number | string }[] };
        const matched = templates.filter((t) => selects(spec.selector, t.labels));
        assert.ok(matched.length > 0, `Service ${service.metadata.name} selects a pod template`);
        for (const t of matched) {
          for (const port of spec.ports) {
            assert.ok(t.spec.containers.some((c) => resolvePort(c, port.targetPort) !== undefined), `Service ${service.metadata.name} port ${port.name}: targetPort ${port.targetPort} exists in ${t.owner.metadata.name}`);
          }
        }
      }
      for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
        const selector = (pdb.spec as { selector: LabelSelector }).selector;
        assert.ok(templates.some((t) => selects(selector, t.labels)), `PDB ${pdb.metadata.name} selects pods`);
      }
      for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
        const spec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
        find(objects, spec.scaleTargetRef.kind, spec.scaleTargetRef.name);
        assert.ok(spec.minReplicas <= spec.maxReplicas, `HPA ${hpa.metadata.name}: min <= max`);
        const template = templateOf(objects, spec.scaleTargetRef.kind, spec.scaleTargetRef.name);
        // Utilization targets are relative to requests: without a CPU request the HPA cannot scale.
        assert.ok(template.spec.containers.every((c) => c.resources?.requests?.cpu !== undefined), `HPA ${hpa.metadata.name}: target requests CPU`);
      }
    });

    it('every referenced ConfigMap, Secret (and key), PVC and volume exists', function () {
      for (const t of podTemplates(objects)) {
        const where = t.owner.metadata.name;
        const volumeNames = new Set([...(t.spec.volumes ?? []).map((v) => v.name), ...t.claimTemplates]);
        for (const volume of t.spec.volumes ?? []) {
          if (volume.configMap) find(objects, 'ConfigMap', volume.configMap.name);
          if (volume.secret) find(objects, 'Secret', volume.secret.secretName);
          if (volume.persistentVolumeClaim) find(objects, 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName);
        }
        for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
          for (const mount of c.volumeMounts ?? []) assert.ok(volumeNames.has(mount.name), `${where}/${c.name}: volume ${mount.name} is declared`);
          for (const source of c.envFrom ?? []) {
            if (source.configMapRef) find(objects, 'ConfigMap', source.configMapRef.name);
            if (source.secretRef) find(objects, 'Secret', source.secretRef.name);
          }
          for (const env of c.env ?? []) {
            assert.equal([env.value, env.valueFrom].filter((x) => x !== undefined).length, 1, `${where}/${c.name} env ${env.name}: exactly one of value, valueFrom`);
            const cmRef = env.valueFrom?.configMapKeyRef;
            if (cmRef) assert.ok(cmRef.key in configMapData(objects, cmRef.name), `${where}: ConfigMap ${cmRef.name} has key ${cmRef.key}`);
            const secretRef = env.valueFrom?.secretKeyRef;
            if (secretRef) {
              const secret = find(objects, 'Secret', secretRef.name) as K8sObject & { data?: object; stringData?: object };
              assert.ok(secretRef.key in { ...secret.data, ...secret.stringData }, `${where}: Secret ${secretRef.name} has key ${secretRef.key}`);
            }
          }
        }
      }
    });

    it('runs every pod non-root with a read-only root filesystem, no privilege escalation, no capabilities, bounded resources', function () {
      for (const t of podTemplates(objects)) {
        const where = t.owner.metadata.name;
        assert.equal(t.spec.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
        assert.ok((t.spec.securityContext?.runAsUser ?? 0) > 0, `${where}: runAsUser is not root`);
        assert.equal(t.spec.automountServiceAccountToken, false, `${where}: no service account token`);
        for (const c of t.spec.containers) {
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}/${c.name}: allowPrivilegeEscalation`);
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}/${c.name}: readOnlyRootFilesystem`);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}/${c.name}: drop ALL`);
          for (const resource of ['cpu', 'memory']) {
            assert.ok(c.resources?.requests?.[resource] !== undefined, `${where}/${c.name}: ${resource} request`);
            assert.ok(c.resources?.limits?.[resource] !== undefined, `${where}/${c.name}: ${resource} limit`);
          }
        }
      }
    });

    it('probes the gRPC health service on the port the server listens on, and annotates the metrics port', function () {
      for (const { kind, name } of DLRS_SERVICES) {
        const t = templateOf(objects, kind, name);
        const c = dlrsContainer(t);
        const grpc = resolvePort(c, 'grpc');
        assert.ok(grpc, `${name}: a port named grpc`);
        assert.equal(envValue(objects, c, 'DLRS_PORT'), String(grpc.containerPort), `${name}: DLRS_PORT is the grpc port`);
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
          assert.equal(probe?.grpc?.port, grpc.containerPort, `${name}: native gRPC probe on the grpc port`);
        }
        const metrics = resolvePort(c, 'metrics');
        assert.ok(metrics, `${name}: a port named metrics`);
        assert.equal(envValue(objects, c, 'DLRS_METRICS_PORT'), String(metrics.containerPort), `${name}: DLRS_METRICS_PORT`);
        assert.equal(t.annotations['prometheus.io/scrape'], 'true', `${name}: scrape annotation`);
        assert.equal(t.annotations['prometheus.io/port'], String(metrics.containerPort), `${name}: scrape port annotation`);
        assert.equal(t.annotations['prometheus.io/path'], '/metrics', `${name}: scrape path annotation`);
        const shutdownMs = Number(envValue(objects, c, 'DLRS_SHUTDOWN_TIMEOUT_MS'));
        assert.ok(shutdownMs > 0 && shutdownMs < (t.spec.terminationGracePeriodSeconds ?? 30) * 1000, `${name}: the drain ends before SIGKILL`);
        assert.deepEqual(c.args?.slice(0, 2), ['serve', name.replace('dlrs-', '')], `${name}: command`);
        assert.match(envValue(objects, c, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? '', /^http:\/\/otel-collector:4317$/, `${name}: OTLP endpoint`);
      }
      const collector = find(objects, 'Service', 'otel-collector').spec as { ports: { port: number }[] };
      assert.ok(collector.ports.some((p) => p.port === 4317), 'the collector Service serves OTLP/gRPC on 4317');
    });

    it('wires the gateway to ranking and to one retrieval address per shard, index = pod ordinal', function () {
      const gateway = dlrsContainer(templateOf(objects, 'Deployment', 'dlrs-gateway'));
      const sts = find(objects, 'StatefulSet', 'dlrs-retrieval').spec as { replicas: number; serviceName: string };
      const retrieval = dlrsContainer(templateOf(objects, 'StatefulSet', 'dlrs-retrieval'));
      const headless = find(objects, 'Service', sts.serviceName).spec as { clusterIP?: string; ports: { port: number }[] };
      assert.equal(headless.clusterIP, 'None', 'the StatefulSet governing Service is headless');
      assert.equal(envValue(objects, retrieval, 'DLRS_SHARD_COUNT'), String(sts.replicas), 'DLRS_SHARD_COUNT = replicas');
      const index = retrieval.env?.find((e) => e.name === 'DLRS_SHARD_INDEX');
      assert.equal(index?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
      const addresses = (envValue(objects, gateway, 'DLRS_RETRIEVAL_ADDRESSES') ?? '').split(',');
      assert.deepEqual(addresses, Array.from({ length: sts.replicas }, (_, i) => `dlrs-retrieval-${i}.${sts.serviceName}:${headless.ports[0].port}`));
      const ranking = find(objects, 'Service', 'dlrs-ranking').spec as { clusterIP?: string; ports: { port: number }[] };
      assert.equal(ranking.clusterIP, 'None', 'ranking is headless so that the gateway balances per request');
      assert.equal(envValue(objects, gateway, 'DLRS_RANKING_ADDRESS'), `dns:///dlrs-ranking:${ranking.ports[0].port}`);
      const dataDir = envValue(objects, retrieval, 'DLRS_DATA_DIR');
      assert.ok(retrieval.volumeMounts?.some((m) => m.name === 'data' && m.mountPath === dataDir), 'the shard data dir is the claim-template volume');
      const store = envValue(objects, gateway, 'DLRS_PROFILE_STORE');
      assert.ok(store === 'embedded' || store === 'redis', `DLRS_PROFILE_STORE ${store}`);
      if (store === 'embedded') {
        const replicas = (find(objects, 'Deployment', 'dlrs-gateway').spec as { replicas?: number }).replicas;
        assert.ok(replicas === undefined || replicas === 1, 'an embedded store needs a single gateway');
        assert.equal((find(objects, 'HorizontalPodAutoscaler', 'dlrs-gateway').spec as { maxReplicas: number }).maxReplicas, 1, 'an embedded store: the HPA never adds a gateway');
      }
      for (const name of ['dlrs-gateway', 'dlrs-ranking']) {
        assert.equal((find(objects, 'Deployment', name).spec as { replicas?: number }).replicas, undefined, `${name}: replicas left to the HPA`);
      }
    });

    it('serves the bundle named in ConfigMap dlrs-bundle from the bundles volume the trainer writes', function () {
      const bundle = findGenerated(objects, 'ConfigMap', 'dlrs-bundle');
      assert.ok(bundle && /-[a-z0-9]{10}$/.test(bundle.metadata.name), 'dlrs-bundle carries a content-hash name suffix');
      for (const { kind, name } of DLRS_SERVICES) {
        const t = templateOf(objects, kind, name);
        const c = dlrsContainer(t);
        const path = envValue(objects, c, 'DLRS_BUNDLE') ?? '';
        const mount = c.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
        assert.ok(mount?.readOnly, `${name}: DLRS_BUNDLE ${path} is under a read-only mount`);
        const claim = t.spec.volumes?.find((v) => v.name === mount.name)?.persistentVolumeClaim?.claimName;
        assert.equal(claim, 'dlrs-bundles', `${name}: bundles volume`);
        assert.ok(c.envFrom?.some((s) => s.configMapRef?.name === bundle.metadata.name), `${name}: reads ${bundle.metadata.name}`);
      }
      for (const kind of ['Job', 'CronJob']) {
        const t = templateOf(objects, kind, kind === 'Job' ? 'dlrs-train' : 'dlrs-retrain');
        const c = t.spec.containers[0];
        const out = c.args?.[c.args.indexOf('--out') + 1] ?? '';
        const mount = c.volumeMounts?.find((m) => out.startsWith(`${m.mountPath}/`));
        assert.ok(mount && !mount.readOnly, `${kind}: --out ${out} is on a writable mount`);
        assert.equal(t.spec.volumes?.find((v) => v.name === mount.name)?.persistentVolumeClaim?.claimName, 'dlrs-bundles', `${kind}: writes the bundles volume`);
        assert.equal(c.args?.[0], 'train');
        assert.ok(c.args?.includes('--data'), `${kind}: --data`);
      }
      const initial = `/bundles/${find(objects, 'Job', 'dlrs-train').metadata.name}`;
      assert.equal(configMapData(objects, bundle.metadata.name).DLRS_BUNDLE, initial, 'the first rollout serves what the initial Job writes');
    });

    it(`requests a GPU ${overlay === 'gpu' ? 'for ranking only, with the CUDA image and providers' : 'nowhere'}`, function () {
      for (const t of podTemplates(objects)) {
        for (const c of t.spec.containers) {
          const gpus = c.resources?.limits?.['nvidia.com/gpu'];
          const isRanking = t.owner.metadata.name === 'dlrs-ranking';
          if (overlay === 'gpu' && isRanking) {
            assert.equal(Number(gpus), 1, 'ranking limits nvidia.com/gpu: 1');
            assert.equal(envValue(objects, c, 'DLRS_PROVIDERS'), 'cuda,cpu');
            assert.match(c.image, /cuda12$/, 'ranking runs the CUDA image');
            assert.ok(Object.keys(t.spec.nodeSelector ?? {}).length > 0, 'ranking has a GPU node selector');
            assert.ok(t.spec.tolerations?.some((tol) => tol.key === 'nvidia.com/gpu'), 'ranking tolerates the GPU taint');
          } else {
            assert.equal(gpus, undefined, `${t.owner.metadata.name}/${c.name}: no GPU`);
            assert.equal(c.resources?.requests?.['nvidia.com/gpu'], undefined, `${t.owner.metadata.name}/${c.name}: no GPU request`);
            assert.doesNotMatch(c.image, /cuda/, `${t.owner.metadata.name}/${c.name}: CPU image`);
            if (isRanking) assert.equal(envValue(objects, c, 'DLRS_PROVIDERS'), 'cpu');
          }
        }
      }
    });

    it('lets only the gateway be reached from outside; ranking and retrieval only from the gateway', function () {
      const gateway = templateOf(objects, 'Deployment', 'dlrs-gateway');
      const ranking = templateOf(objects, 'Deployment', 'dlrs-ranking');
      const retrieval = templateOf(objects, 'StatefulSet', 'dlrs-retrieval');
      const trainer = templateOf(objects, 'Job', 'dlrs-train');
      const collector = templateOf(objects, 'Deployment', 'otel-collector');
      const external = { kind: 'external' } as const;
      const fromPod = (t: PodTemplate) => ({ kind: 'pod', podLabels: t.labels }) as const;
      const prometheus = { kind: 'namespace', namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { app: 'prometheus' } } as const;
      const otherNamespace = { kind: 'namespace', namespaceLabels: { 'kubernetes.io/metadata.name': 'default' }, podLabels: gateway.labels } as const;
      for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
        const selector = (policy.spec as { podSelector: LabelSelector }).podSelector;
        assert.ok(podTemplates(objects).some((t) => selects(selector, t.labels)), `${policy.metadata.name} selects pods`);
      }
      assert.ok(ingressAllowed(objects, gateway, 50051, external), 'clients reach the gateway');
      for (const internal of [ranking, retrieval]) {
        const name = internal.owner.metadata.name;
        assert.ok(ingressAllowed(objects, internal, 50051, fromPod(gateway)), `the gateway reaches ${name}`);
        assert.ok(!ingressAllowed(objects, internal, 50051, external), `outside traffic does not reach ${name}`);
        assert.ok(!ingressAllowed(objects, internal, 50051, otherNamespace), `a look-alike pod of another namespace does not reach ${name}`);
        for (const other of [ranking, retrieval, trainer]) {
          assert.ok(!ingressAllowed(objects, internal, 50051, fromPod(other)), `${other.owner.metadata.name} does not reach ${name}`);
        }
        assert.ok(ingressAllowed(objects, internal, 9464, prometheus), `Prometheus scrapes ${name}`);
        assert.ok(!ingressAllowed(objects, internal, 9464, external), `outside traffic does not reach ${name} metrics`);
      }
      assert.ok(ingressAllowed(objects, gateway, 9464, prometheus), 'Prometheus scrapes the gateway');
      assert.ok(!ingressAllowed(objects, gateway, 9464, external), 'gateway metrics are not public');
      assert.ok(!ingressAllowed(objects, trainer, 9464, external), 'nothing reaches the trainer');
      assert.ok(ingressAllowed(objects, collector, 4317, fromPod(ranking)), 'services reach the collector');
      assert.ok(!ingressAllowed(objects, collector, 4317, external), 'the collector is not public');
      const gatewayService = find(objects, 'Service', 'dlrs-gateway').spec as { type?: string };
      for (const service of objects.filter((o) => o.kind === 'Service' && o.metadata.name !== 'dlrs-gateway')) {
        assert.ok(!['LoadBalancer', 'NodePort'].includes((service.spec as { type?: string }).type ?? 'ClusterIP'), `${service.metadata.name} is not exposed`);
      }
      assert.equal(gatewayService.type ?? 'ClusterIP', overlay === 'dev' ? 'ClusterIP' : 'LoadBalancer');
    });

    it('uses only the environment variables of the contract in deploy/README.md', function () {
      const contract = readmeEnvContract();
      for (const t of podTemplates(objects)) {
        for (const c of t.spec.containers) {
          const names = [...(c.env ?? []).map((e) => e.name), ...(c.envFrom ?? []).flatMap((s) => (s.configMapRef ? Object.keys(configMapData(objects, s.configMapRef.name)) : []))];
          for (const name of names.filter((n) => n.startsWith('DLRS_'))) assert.ok(contract.has(name), `${t.owner.metadata.name}: ${name} is in the README's contract`);
        }
      }
    });
  });
}

describe('deploy/k8s rollouts', function () {
  it('a new DLRS_BUNDLE renames the bundle ConfigMap, which changes every service pod template', async function () {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/dlrs-rollout-`);
    try {
      const overlay = readFileSync(`${DEPLOY}k8s/overlays/cpu/kustomization.yaml`, 'utf8')
        .replace('../../base', `${DEPLOY}k8s/base`)
        .replace('DLRS_BUNDLE=/bundles/dlrs-train', 'DLRS_BUNDLE=/bundles/dlrs-retrain-29000000');
      assert.match(overlay, /dlrs-retrain-29000000/);
      writeFileSync(`${dir}/kustomization.yaml`, overlay);
      const before = renderKustomization(`${DEPLOY}k8s/overlays/cpu`);
      const after = renderKustomization(dir);
      for (const { kind, name } of DLRS_SERVICES) {
        assert.notDeepEqual(templateOf(after, kind, name).owner.spec, templateOf(before, kind, name).owner.spec, `${name} rolls`);
      }
      assert.deepEqual(find(after, 'Deployment', 'otel-collector').spec, find(before, 'Deployment', 'otel-collector').spec, 'the collector does not roll');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

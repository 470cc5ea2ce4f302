// Renders every overlay of deploy/k8s and checks the result without a cluster: each object
// against the Kubernetes schemas (kubernetes-models), then the cross-references a cluster
// would only reveal at run time, then that the deployment is closed by default (and that
// each closed-by-default check does report a deliberately opened render).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { renderKustomization } from './kustomize-render.js';
import type { K8sObject } from './kustomize-render.js';
import { sizeBytesField } from '../../shared/config/index.js';
import { DEFAULT_MAX_TOTAL_BYTES } from '../../shared/interaction-log/index.js';
import { closedByDefaultProblems, redisUrlHasPassword } from './closed-by-default-problems.js';
import { configMapData, egressAllowed, envValue, find, findGenerated, ingressAllowed, podTemplates, resolvePort, secretFileAt, selects, templateOf } from './k8s-model.js';
import type { Container, LabelSelector, PodTemplate, Probe, TrafficPeer } from './k8s-model.js';
import { DEV_OVERLAY, exposurePolicyOf, k8sOverlays, OVERLAYS_DIR } from './k8s-overlays.js';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));

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
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
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

/** A Secret the user creates with a `kubectl create secret` command of deploy/README.md. */
interface DocumentedSecret {
  keys: Set<string>;
  /** The values of its --from-literal keys, quotes removed. */
  literals: Map<string, string>;
}

/** The Secrets deploy/README.md tells the user to create, by name. */
function readmeSecrets(): Map<string, DocumentedSecret> {
  const readme = readFileSync(`${DEPLOY}README.md`, 'utf8').replace(/\\\n\s*/g, ' ');
  const secrets = new Map<string, DocumentedSecret>();
  for (const [, type, name, rest] of readme.matchAll(/kubectl (?:-n \S+ )?create secret (generic|tls) (\S+)([^\n]*)/g)) {
    const secret: DocumentedSecret = { keys: new Set(type === 'tls' ? ['tls.crt', 'tls.key'] : []), literals: new Map() };
    for (const [, kind, value] of rest.matchAll(/--from-(literal|file)=((?:[^\s"']|"[^"]*"|'[^']*')+)/g)) {
      const eq = value.indexOf('=');
      const key = kind === 'literal' || eq > 0 ? value.slice(0, eq) : value.slice(value.lastIndexOf('/') + 1);
      secret.keys.add(key);
      if (kind === 'literal') secret.literals.set(key, value.slice(eq + 1).replace(/^["']|["']$/g, ''));
    }
    secrets.set(name, secret);
  }
  return secrets;
}

/** The keys of a Secret the pods use: the user creates it with a command of the README (none is committed). */
function secretKeys(name: string): Set<string> {
  const documented = readmeSecrets().get(name);
  assert.ok(documented, `Secret ${name} is not created by a command of deploy/README.md`);
  return documented.keys;
}

/** Bytes of a Kubernetes quantity such as 2Gi or 500M (the forms a sizeLimit takes here). */
function quantityBytes(quantity: string): number {
  const units: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  const match = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`quantity ${quantity} is outside the forms these checks read`);
  return Number(match[1]) * units[match[2] ?? ''];
}

/**
 * What lets the gateway's data volume (the interaction log; the embedded profile store) grow
 * unbounded or past its limit: no sizeLimit, or a log retention total that does not fit under it.
 */
function dataVolumeProblems(objects: K8sObject[]): string[] {
  const t = templateOf(objects, 'Deployment', 'dlrs-gateway');
  const c = dlrsContainer(t);
  const dataDir = envValue(objects, c, 'DLRS_DATA_DIR');
  const volume = t.spec.volumes?.find((v) => v.name === c.volumeMounts?.find((m) => m.mountPath === dataDir)?.name);
  if (volume?.emptyDir === undefined) return [`DLRS_DATA_DIR=${dataDir} is not an emptyDir volume`];
  if (volume.emptyDir.sizeLimit === undefined) return [`the data volume ${volume.name} has no sizeLimit`];
  const limitBytes = quantityBytes(volume.emptyDir.sizeLimit);
  // Unset, the gateway keeps its default total.
  const retained = envValue(objects, c, 'DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES') ?? `${DEFAULT_MAX_TOTAL_BYTES}`;
  const retainedBytes = sizeBytesField().parse(retained);
  // 0 is "no bound"; the profile store shares the volume, so the log may not fill all of it.
  return retainedBytes > 0 && retainedBytes < limitBytes ? [] : [`DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES=${retained} does not fit under the data volume's sizeLimit ${volume.emptyDir.sizeLimit}`];
}

for (const overlay of k8sOverlays()) {
  describe(`deploy/k8s overlay ${overlay}`, function () {
    let objects: K8sObject[];
    before(function () {
      objects = renderKustomization(`${OVERLAYS_DIR}${overlay}`);
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
        assert.equal(object.metadata.namespace, overlay === DEV_OVERLAY ? 'dlrs-dev' : 'dlrs', `${object.kind} ${object.metadata.name} namespace`);
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

    it('every referenced ConfigMap, Secret (and key), PVC and volume exists (a Secret: created by a command of deploy/README.md)', function () {
      for (const t of podTemplates(objects)) {
        const where = t.owner.metadata.name;
        const volumeNames = new Set([...(t.spec.volumes ?? []).map((v) => v.name), ...t.claimTemplates]);
        for (const volume of t.spec.volumes ?? []) {
          if (volume.configMap) find(objects, 'ConfigMap', volume.configMap.name);
          if (volume.secret) secretKeys(volume.secret.secretName);
          if (volume.persistentVolumeClaim) find(objects, 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName);
        }
        for (const c of [...t.spec.containers, ...(t.spec.initContainers ?? [])]) {
          for (const mount of c.volumeMounts ?? []) assert.ok(volumeNames.has(mount.name), `${where}/${c.name}: volume ${mount.name} is declared`);
          for (const source of c.envFrom ?? []) {
            if (source.configMapRef) find(objects, 'ConfigMap', source.configMapRef.name);
            if (source.secretRef) secretKeys(source.secretRef.name);
          }
          for (const env of c.env ?? []) {
            assert.equal([env.value, env.valueFrom].filter((x) => x !== undefined).length, 1, `${where}/${c.name} env ${env.name}: exactly one of value, valueFrom`);
            const cmRef = env.valueFrom?.configMapKeyRef;
            if (cmRef) assert.ok(cmRef.key in configMapData(objects, cmRef.name), `${where}: ConfigMap ${cmRef.name} has key ${cmRef.key}`);
            const secretRef = env.valueFrom?.secretKeyRef;
            if (secretRef) assert.ok(secretKeys(secretRef.name).has(secretRef.key), `${where}: Secret ${secretRef.name} has key ${secretRef.key}`);
            // A path variable naming a file of a mounted Secret: the Secret has that key.
            const file = env.value === undefined ? undefined : secretFileAt(t.spec, c, env.value);
            if (file) assert.ok(secretKeys(file.secretName).has(file.key), `${where}: ${env.name}=${env.value}: Secret ${file.secretName} has key ${file.key}`);
          }
        }
      }
    });

    it('runs every pod non-root with a read-only root filesystem, no privilege escalation, no capabilities, bounded resources', function () {
      for (const t of podTemplates(objects)) {
        const where = t.owner.metadata.name;
        assert.equal(t.spec.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
        assert.ok((t.spec.securityContext?.runAsUser ?? 0) > 0, `${where}: runAsUser is not root`);
        // The retrain CronJob's rollout calls the Kubernetes API (checked below); no other pod has a token.
        assert.equal(t.spec.automountServiceAccountToken, where === 'dlrs-retrain', `${where}: ${where === 'dlrs-retrain' ? 'its' : 'no'} service account token`);
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

    it('probes the gRPC health service on a plaintext gRPC port, else /readyz and /healthz on the metrics port; annotates the metrics port', function () {
      for (const { kind, name } of DLRS_SERVICES) {
        const t = templateOf(objects, kind, name);
        const c = dlrsContainer(t);
        const grpc = resolvePort(c, 'grpc');
        assert.ok(grpc, `${name}: a port named grpc`);
        assert.equal(envValue(objects, c, 'DLRS_PORT'), String(grpc.containerPort), `${name}: DLRS_PORT is the grpc port`);
        const metrics = resolvePort(c, 'metrics');
        assert.ok(metrics, `${name}: a port named metrics`);
        // The kubelet's gRPC probe has no TLS: against a TLS port it would always fail.
        const tls = envValue(objects, c, 'DLRS_TLS_CERT_PATH') !== undefined;
        const probes: [string, Probe | undefined, string][] = [['readiness', c.readinessProbe, '/readyz'], ['startup', c.startupProbe, '/readyz'], ['liveness', c.livenessProbe, '/healthz']];
        for (const [which, probe, path] of probes) {
          assert.ok(probe, `${name}: a ${which} probe`);
          if (probe.grpc) {
            assert.ok(!tls, `${name}: ${which} probe is gRPC (plaintext) but the gRPC port serves TLS`);
            assert.equal(probe.grpc.port, grpc.containerPort, `${name}: ${which}: native gRPC probe on the grpc port`);
          } else {
            assert.ok(probe.httpGet, `${name}: ${which} probe is gRPC or HTTP`);
            assert.equal(resolvePort(c, probe.httpGet.port)?.containerPort, metrics.containerPort, `${name}: ${which}: HTTP probe on the metrics port`);
            assert.equal(probe.httpGet.path, path, `${name}: ${which} probe path`);
          }
        }
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
        assert.equal(c.args?.[0], kind === 'Job' ? 'train' : 'retrain');
        assert.ok(c.args?.includes(kind === 'Job' ? '--data' : '--log'), `${kind}: ${kind === 'Job' ? '--data' : '--log'}`);
      }
      // The retrain CronJob reads the log folder every gateway replica writes, and compares with the bundle they serve.
      const retrain = templateOf(objects, 'CronJob', 'dlrs-retrain');
      const rc = retrain.spec.containers[0];
      const logDir = rc.args?.[rc.args.indexOf('--log') + 1] ?? '';
      const logMount = rc.volumeMounts?.find((m) => m.mountPath === logDir);
      assert.ok(logMount?.readOnly, `CronJob: --log ${logDir} is a read-only mount`);
      const logClaim = retrain.spec.volumes?.find((v) => v.name === logMount.name)?.persistentVolumeClaim?.claimName;
      const gw = dlrsContainer(templateOf(objects, 'Deployment', 'dlrs-gateway'));
      const gwLog = `${envValue(objects, gw, 'DLRS_DATA_DIR') ?? ''}/interactions`;
      const gwMount = gw.volumeMounts?.find((m) => m.mountPath === gwLog);
      assert.ok(gwMount && !gwMount.readOnly, `the gateway writes ${gwLog} on its own mount`);
      assert.equal(templateOf(objects, 'Deployment', 'dlrs-gateway').spec.volumes?.find((v) => v.name === gwMount.name)?.persistentVolumeClaim?.claimName, logClaim, 'the CronJob reads the volume the gateways write the log to');
      assert.equal(rc.env?.find((e) => e.name === 'DLRS_SERVING_BUNDLE')?.valueFrom?.configMapKeyRef?.key, 'DLRS_BUNDLE', 'compared with the bundle the services serve');
      // A retried pod has its Job's name, so its --out: retrain hands on the decision it finds there; --keep-bundles bounds /bundles.
      assert.equal(rc.env?.find((e) => e.name === 'DLRS_RUN_ID')?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['batch.kubernetes.io/job-name']");
      assert.ok(Number(rc.args?.[rc.args.indexOf('--keep-bundles') + 1]) >= 2, 'CronJob: --keep-bundles N >= 2 (dlrs rollback needs the promoted bundle before the newest)');
      const initial = `/bundles/${find(objects, 'Job', 'dlrs-train').metadata.name}`;
      assert.equal(configMapData(objects, bundle.metadata.name).DLRS_BUNDLE, initial, 'the first rollout serves what the initial Job writes');
    });

    it('on promotion, the retrain CronJob rolls out through the API with a token allowed only get and patch on the bundle ConfigMap and the tiers', function () {
      const retrain = templateOf(objects, 'CronJob', 'dlrs-retrain');
      const account = (retrain.spec as { serviceAccountName?: string }).serviceAccountName ?? 'default';
      assert.equal(account, 'dlrs-retrain', 'its own service account');
      assert.equal((find(objects, 'ServiceAccount', account) as { automountServiceAccountToken?: boolean }).automountServiceAccountToken, false, 'the account mounts no token elsewhere');
      for (const t of podTemplates(objects).filter((p) => p.owner.metadata.name !== 'dlrs-retrain')) {
        assert.notEqual((t.spec as { serviceAccountName?: string }).serviceAccountName, account, `${t.owner.metadata.name} does not use ${account}`);
      }
      const bindings = objects.filter((o) => o.kind === 'RoleBinding' && (o.subjects as { kind: string; name: string; namespace?: string }[]).some((x) => x.kind === 'ServiceAccount' && x.name === account));
      assert.equal(bindings.length, 1, `one RoleBinding of ${account}`);
      const subject = (bindings[0].subjects as { name: string; namespace?: string }[])[0];
      assert.equal(subject.namespace, bindings[0].metadata.namespace, 'the subject is the account of this namespace');
      const roleRef = bindings[0].roleRef as { kind: string; name: string };
      assert.equal(roleRef.kind, 'Role', 'a namespaced Role, no ClusterRole');
      const rules = (find(objects, 'Role', roleRef.name).rules as { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[]).map((r) => ({ ...r, resourceNames: [...(r.resourceNames ?? [])].sort() }));
      const bundle = findGenerated(objects, 'ConfigMap', 'dlrs-bundle');
      assert.ok(bundle !== undefined, 'ConfigMap dlrs-bundle');
      assert.deepEqual(rules, [
        { apiGroups: [''], resources: ['configmaps'], resourceNames: [bundle.metadata.name], verbs: ['get', 'patch'] },
        { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['dlrs-gateway', 'dlrs-ranking'], verbs: ['get', 'patch'] },
        { apiGroups: ['apps'], resources: ['statefulsets'], resourceNames: ['dlrs-retrieval'], verbs: ['get', 'patch'] },
      ]);
      // The tiers it rolls read the ConfigMap the Role names.
      for (const { kind, name } of DLRS_SERVICES) assert.ok(dlrsContainer(templateOf(objects, kind, name)).envFrom?.some((e) => e.configMapRef?.name === bundle.metadata.name), `${name} reads ${bundle.metadata.name}`);
      const script = retrain.spec.containers[0].command?.join(' ') ?? '';
      assert.match(script, /exec node bin\/dlrs\.js k8s-rollout "\/bundles\/\$DLRS_RUN_ID"/, 'promotion (exit 0) rolls out the bundle it wrote');
      assert.ok(retrain.spec.containers[0].env?.some((e) => e.name === 'DLRS_RUN_ID'), 'DLRS_RUN_ID is set');
      // The API server and nothing else out: HTTPS ports only.
      const external: TrafficPeer = { kind: 'external' };
      const tcp = (port: number) => ({ port, protocol: 'TCP' }) as const;
      assert.ok(egressAllowed(objects, retrain, external, tcp(443)) && egressAllowed(objects, retrain, external, tcp(6443)), 'the CronJob reaches the API server');
      assert.ok(!egressAllowed(objects, retrain, external, tcp(80)), 'and no other port');
      assert.ok(!egressAllowed(objects, retrain, { kind: 'pod', podLabels: templateOf(objects, 'Deployment', 'dlrs-ranking').labels }, tcp(50051)), 'nor a tier');
      for (const t of podTemplates(objects).filter((p) => p.owner.metadata.name !== 'dlrs-retrain' && p.owner.metadata.name !== 'otel-collector')) {
        assert.ok(!egressAllowed(objects, t, external, tcp(6443)), `${t.owner.metadata.name} does not reach the API server`);
      }
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
      const gatewayType = (find(objects, 'Service', 'dlrs-gateway').spec as { type?: string }).type ?? 'ClusterIP';
      assert.equal(gatewayType, overlay === 'public-lb' ? 'LoadBalancer' : 'ClusterIP', 'the gateway Service is ClusterIP but in the opt-in LoadBalancer overlay');
      assert.equal(objects.some((o) => o.kind === 'Ingress'), overlay === 'ingress', 'an Ingress only in the opt-in ingress overlay');
    });

    it('lets pods open only the connections the topology needs (default-deny egress)', function () {
      const gateway = templateOf(objects, 'Deployment', 'dlrs-gateway');
      const ranking = templateOf(objects, 'Deployment', 'dlrs-ranking');
      const retrieval = templateOf(objects, 'StatefulSet', 'dlrs-retrieval');
      const trainer = templateOf(objects, 'Job', 'dlrs-train');
      const collector = templateOf(objects, 'Deployment', 'otel-collector');
      const pod = (t: PodTemplate): TrafficPeer => ({ kind: 'pod', podLabels: t.labels });
      const dns: TrafficPeer = { kind: 'namespace', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } };
      const external: TrafficPeer = { kind: 'external' };
      const tcp = (port: number) => ({ port, protocol: 'TCP' }) as const;
      for (const t of [gateway, ranking, retrieval, trainer, collector]) {
        const name = t.owner.metadata.name;
        assert.ok(egressAllowed(objects, t, dns, { port: 53, protocol: 'UDP' }) && egressAllowed(objects, t, dns, tcp(53)), `${name} resolves names`);
        assert.ok(!egressAllowed(objects, t, external, { port: 53, protocol: 'UDP' }), `${name} asks no outside DNS server`);
        assert.ok(!egressAllowed(objects, t, external, tcp(80)), `${name} opens no outside HTTP connection`);
        assert.ok(!egressAllowed(objects, t, pod(gateway), tcp(50051)), `${name} does not call the gateway`);
      }
      for (const tier of [ranking, retrieval]) {
        assert.ok(egressAllowed(objects, gateway, pod(tier), tcp(50051)), `the gateway calls ${tier.owner.metadata.name}`);
        assert.ok(!egressAllowed(objects, gateway, pod(tier), tcp(9464)), `the gateway does not reach ${tier.owner.metadata.name}'s metrics`);
        for (const other of [ranking, retrieval, trainer, collector]) assert.ok(!egressAllowed(objects, other, pod(tier), tcp(50051)), `${other.owner.metadata.name} does not call ${tier.owner.metadata.name}`);
        assert.ok(!egressAllowed(objects, tier, external, tcp(443)), `${tier.owner.metadata.name} sends nothing out`);
        assert.ok(!egressAllowed(objects, tier, external, tcp(6379)), `${tier.owner.metadata.name} does not reach Redis`);
      }
      for (const t of [gateway, ranking, retrieval]) assert.ok(egressAllowed(objects, t, pod(collector), tcp(4317)), `${t.owner.metadata.name} exports OTLP to the collector`);
      assert.ok(egressAllowed(objects, gateway, external, tcp(6379)), 'the gateway reaches Redis');
      assert.ok(!egressAllowed(objects, gateway, external, tcp(443)), 'the gateway sends nothing else out');
      assert.ok(!egressAllowed(objects, trainer, external, tcp(443)), 'the trainer sends nothing out');
      assert.ok(egressAllowed(objects, collector, external, tcp(4317)), 'the collector exports to its backend');
      assert.ok(!egressAllowed(objects, collector, pod(ranking), tcp(50051)), 'the collector calls no tier');
    });

    it('bounds the gateway data volume with a sizeLimit the retained interaction log fits under', function () {
      assert.deepEqual(dataVolumeProblems(objects), []);
    });

    it(`is closed by default${overlay === DEV_OVERLAY ? ' but for the open, labelled dev gateway' : ''}`, function () {
      assert.deepEqual(closedByDefaultProblems(objects, exposurePolicyOf(overlay)), []);
      // The gateway refuses to start without a token file unless anonymous callers are allowed.
      const gateway = dlrsContainer(templateOf(objects, 'Deployment', 'dlrs-gateway'));
      const tokens = envValue(objects, gateway, 'DLRS_API_TOKENS_FILE');
      const anonymous = envValue(objects, gateway, 'DLRS_ALLOW_ANONYMOUS');
      if (overlay === DEV_OVERLAY) assert.deepEqual([tokens, anonymous], [undefined, 'true'], 'dev: anonymous callers instead of a token file');
      else assert.ok(tokens !== undefined && anonymous === undefined, 'a token file, no anonymous callers');
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

describe('deploy/k8s closed by default: each check reports a deliberately opened render', function () {
  const renders = new Map<string, K8sObject[]>();
  /** The problems of `overlay`'s render after `open` has changed a copy of it. */
  function problemsAfter(overlay: string, open: (objects: K8sObject[]) => void): string[] {
    if (!renders.has(overlay)) renders.set(overlay, renderKustomization(`${OVERLAYS_DIR}${overlay}`));
    const objects = structuredClone(renders.get(overlay) as K8sObject[]);
    open(objects);
    return closedByDefaultProblems(objects, exposurePolicyOf(overlay));
  }
  const containerOf = (objects: K8sObject[], kind: string, name: string): Container => dlrsContainer(templateOf(objects, kind, name));
  const gateway = (objects: K8sObject[]): Container => containerOf(objects, 'Deployment', 'dlrs-gateway');
  const withoutEnv = (container: Container, name: string): void => {
    container.env = container.env?.filter((e) => e.name !== name);
  };
  const setEnv = (container: Container, name: string, value: string): void => {
    withoutEnv(container, name);
    container.env?.push({ name, value });
  };
  function assertReports(problems: string[], pattern: RegExp): void {
    assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`);
  }

  it('the unbroken renders have no problem (so each report below comes from its break)', function () {
    for (const overlay of ['cpu', 'public-lb', 'ingress', DEV_OVERLAY]) assert.deepEqual(problemsAfter(overlay, () => undefined), [], overlay);
  });

  it('a gateway without API tokens, or allowing anonymous callers', function () {
    assertReports(problemsAfter('cpu', (o) => withoutEnv(gateway(o), 'DLRS_API_TOKENS_FILE')), /^dlrs-gateway: DLRS_API_TOKENS_FILE is not set$/);
    assertReports(problemsAfter('public-lb', (o) => setEnv(gateway(o), 'DLRS_API_TOKENS_FILE', '/var/lib/dlrs/tokens')), /DLRS_API_TOKENS_FILE=\/var\/lib\/dlrs\/tokens is not a file of a mounted Secret/);
    for (const value of ['true', 'yes', 'nonsense']) {
      assertReports(problemsAfter('gpu', (o) => setEnv(gateway(o), 'DLRS_ALLOW_ANONYMOUS', value)), new RegExp(`DLRS_ALLOW_ANONYMOUS=${value} lets callers without a token in`));
    }
    assert.deepEqual(problemsAfter('cpu', (o) => setEnv(gateway(o), 'DLRS_ALLOW_ANONYMOUS', 'false')), [], 'an explicit false is closed');
  });

  it('a gateway without TLS (no certificate, no key, or not from a Secret)', function () {
    assertReports(problemsAfter('cpu', (o) => withoutEnv(gateway(o), 'DLRS_TLS_KEY_PATH')), /^dlrs-gateway: DLRS_TLS_KEY_PATH is not set$/);
    assertReports(problemsAfter('ingress', (o) => withoutEnv(gateway(o), 'DLRS_TLS_CERT_PATH')), /^dlrs-gateway: DLRS_TLS_CERT_PATH is not set$/);
    const withoutTlsVolume = problemsAfter('cpu', (o) => {
      const t = templateOf(o, 'Deployment', 'dlrs-gateway');
      t.spec.volumes = t.spec.volumes?.filter((v) => v.name !== 'tls');
    });
    assertReports(withoutTlsVolume, /DLRS_TLS_CERT_PATH=\/etc\/dlrs\/tls\/tls.crt is not a file of a mounted Secret/);
    assertReports(withoutTlsVolume, /DLRS_TLS_KEY_PATH=.* is not a file of a mounted Secret/);
  });

  it('a gateway Service of type LoadBalancer or NodePort, or an Ingress, outside the opt-in overlays', function () {
    const exposeAs = (type: string) => (o: K8sObject[]) => {
      (find(o, 'Service', 'dlrs-gateway').spec as { type?: string }).type = type;
    };
    assertReports(problemsAfter('cpu', exposeAs('LoadBalancer')), /^Service dlrs-gateway is of type LoadBalancer outside the opt-in exposure overlays$/);
    assertReports(problemsAfter('gpu', exposeAs('NodePort')), /^Service dlrs-gateway is of type NodePort/);
    assertReports(problemsAfter(DEV_OVERLAY, exposeAs('LoadBalancer')), /^Service dlrs-gateway is of type LoadBalancer/);
    assertReports(problemsAfter('public-lb', (o) => ((find(o, 'Service', 'dlrs-ranking').spec as { type?: string }).type = 'LoadBalancer')), /^Service dlrs-ranking is of type LoadBalancer/);
    const ingress = find(renderKustomization(`${OVERLAYS_DIR}ingress`), 'Ingress', 'dlrs-gateway');
    assertReports(problemsAfter('cpu', (o) => o.push(structuredClone(ingress))), /^Ingress dlrs-gateway exposes the cluster outside the opt-in exposure overlays$/);
    assertReports(problemsAfter('cpu', (o) => templateOf(o, 'Deployment', 'dlrs-gateway').spec.containers[0].ports?.push({ name: 'direct', containerPort: 50051, hostPort: 50051 })), /hostPort bypasses the Service/);
  });

  it('an Ingress of the opt-in overlay without TLS, or not speaking gRPC over TLS to the gateway', function () {
    const ingressSpec = (o: K8sObject[]) => find(o, 'Ingress', 'dlrs-gateway').spec as { tls?: unknown[]; rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
    assertReports(problemsAfter('ingress', (o) => delete ingressSpec(o).tls), /^Ingress dlrs-gateway: host dlrs.example.com is served without TLS$/);
    assertReports(problemsAfter('ingress', (o) => (find(o, 'Ingress', 'dlrs-gateway').metadata.annotations = {})), /backend protocol is not GRPCS/);
    assertReports(problemsAfter('ingress', (o) => (ingressSpec(o).rules[0].http.paths[0].backend.service.name = 'otel-collector')), /a path leads to otel-collector, not the gateway/);
  });

  it('Redis without a password, or its URL outside a Secret, or any committed Secret', function () {
    assertReports(problemsAfter('cpu', (o) => setEnv(gateway(o), 'DLRS_REDIS_URL', 'redis://redis:6379/0')), /^dlrs-gateway: DLRS_REDIS_URL is not read from a Secret and Redis has no password$/);
    const committed = problemsAfter('gpu', (o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dlrs-redis', namespace: 'dlrs' }, stringData: { url: 'redis://redis:6379/0' } }));
    assertReports(committed, /^Secret dlrs-redis: the Redis URL has no password$/);
    assertReports(committed, /^Secret dlrs-redis is committed with values/);
    const encoded = Buffer.from('rediss://redis:6380/0').toString('base64');
    assertReports(problemsAfter('cpu', (o) => o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dlrs-redis' }, data: { url: encoded } })), /the Redis URL has no password/);
    assert.ok(redisUrlHasPassword('redis://:s3cret@redis:6379/0') && redisUrlHasPassword('rediss://dlrs:s3cret@redis:6380'), 'password forms');
    assert.ok(!redisUrlHasPassword('redis://dlrs@redis:6379/0') && !redisUrlHasPassword('redis://redis:6379/0'), 'no password');
  });

  it('no default-deny egress (or ingress) NetworkPolicy', function () {
    const removeDefaultDeny = (name: string) => (o: K8sObject[]) => o.splice(o.findIndex((x) => x.kind === 'NetworkPolicy' && x.metadata.name === name), 1);
    assertReports(problemsAfter('cpu', removeDefaultDeny('dlrs-default-deny-egress')), /^no default-deny egress NetworkPolicy/);
    assertReports(problemsAfter(DEV_OVERLAY, removeDefaultDeny('dlrs-default-deny-ingress')), /^no default-deny ingress NetworkPolicy/);
    assertReports(problemsAfter('cpu', (o) => ((find(o, 'NetworkPolicy', 'dlrs-default-deny-egress').spec as { egress?: unknown[] }).egress = [{}])), /^no default-deny egress NetworkPolicy/);
  });

  it('a tier or the gateway without the internal admin token, or a tier without a bundle root', function () {
    assertReports(problemsAfter('cpu', (o) => withoutEnv(containerOf(o, 'StatefulSet', 'dlrs-retrieval'), 'DLRS_INTERNAL_TOKEN_FILE')), /^dlrs-retrieval: DLRS_INTERNAL_TOKEN_FILE is not set$/);
    assertReports(problemsAfter(DEV_OVERLAY, (o) => withoutEnv(gateway(o), 'DLRS_INTERNAL_TOKEN_FILE')), /^dlrs-gateway: DLRS_INTERNAL_TOKEN_FILE is not set$/);
    const otherSecret = (o: K8sObject[]) => {
      const volume = templateOf(o, 'Deployment', 'dlrs-ranking').spec.volumes?.find((v) => v.name === 'internal-token');
      if (volume?.secret) volume.secret.secretName = 'dlrs-ranking-token';
    };
    assertReports(problemsAfter('gpu', otherSecret), /^the gateway and the tiers read the internal token from different Secret keys: dlrs-internal-token\/token, dlrs-ranking-token\/token$/);
    assertReports(problemsAfter('cpu', (o) => withoutEnv(containerOf(o, 'Deployment', 'dlrs-ranking'), 'DLRS_BUNDLE_ROOT')), /^dlrs-ranking: DLRS_BUNDLE_ROOT is not set/);
    assertReports(problemsAfter('cpu', (o) => setEnv(containerOf(o, 'Deployment', 'dlrs-ranking'), 'DLRS_BUNDLE_ROOT', '/data')), /^dlrs-ranking: DLRS_BUNDLE=\/bundles\/dlrs-train is outside DLRS_BUNDLE_ROOT=\/data$/);
  });
});

describe('deploy/k8s data volume bound: the check reports a broken render', function () {
  it('no sizeLimit, or a retained log total of 0 (unbounded) or beyond the limit', function () {
    const objects = renderKustomization(`${OVERLAYS_DIR}cpu`);
    const broken = (edit: (t: PodTemplate, c: Container) => void): string[] => {
      const copy = structuredClone(objects);
      const t = templateOf(copy, 'Deployment', 'dlrs-gateway');
      edit(t, dlrsContainer(t));
      return dataVolumeProblems(copy);
    };
    const setRetained = (value: string | undefined) => (_: PodTemplate, c: Container) => {
      c.env = c.env?.filter((e) => e.name !== 'DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES');
      if (value !== undefined) c.env?.push({ name: 'DLRS_INTERACTION_LOG_MAX_TOTAL_BYTES', value });
    };
    assert.deepEqual(broken(setRetained('1GiB')), [], 'a total under the limit fits');
    assert.match(broken(setRetained('4GiB')).join(), /MAX_TOTAL_BYTES=4GiB does not fit under the data volume's sizeLimit 3Gi/);
    assert.deepEqual(broken(setRetained(undefined)), [], "unset, the gateway's default total (2 GiB) fits under 3Gi");
    assert.match(broken((t) => { const v = t.spec.volumes?.find((v) => v.name === 'data'); if (v?.emptyDir) v.emptyDir.sizeLimit = '2Gi'; }).join(), /does not fit under the data volume's sizeLimit 2Gi/, 'the default total does not fit under 2Gi');
    assert.match(broken(setRetained('0')).join(), /MAX_TOTAL_BYTES=0 does not fit/);
    assert.match(broken((t) => delete t.spec.volumes?.find((v) => v.name === 'data')?.emptyDir?.sizeLimit).join(), /the data volume data has no sizeLimit/);
  });
});

describe('deploy/README.md secrets', function () {
  it('documents a Redis URL with a password, and a strong random internal token', function () {
    const secrets = readmeSecrets();
    const url = secrets.get('dlrs-redis')?.literals.get('url');
    assert.ok(url !== undefined && redisUrlHasPassword(url), `the dlrs-redis command carries a password: ${url}`);
    assert.match(secrets.get('dlrs-internal-token')?.literals.get('token') ?? '', /^\$\(openssl rand -hex 32\)$/);
  });

  it('its cert-manager Certificate writes the Secret the gateway mounts, for the names the Ingress checks', function () {
    const readme = readFileSync(`${DEPLOY}README.md`, 'utf8');
    const certificates = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .flatMap((m) => parseAllDocuments(m[1]).map((d) => d.toJS() as K8sObject & { spec?: { secretName?: string; dnsNames?: string[] } }))
      .filter((o) => o?.kind === 'Certificate');
    const objects = renderKustomization(`${OVERLAYS_DIR}ingress`);
    const gatewayTls = templateOf(objects, 'Deployment', 'dlrs-gateway').spec.volumes?.find((v) => v.name === 'tls')?.secret?.secretName;
    const forGateway = certificates.find((c) => c.spec?.secretName === gatewayTls);
    assert.ok(forGateway, `a Certificate example writes Secret ${gatewayTls}`);
    const verifiedName = find(objects, 'Ingress', 'dlrs-gateway').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-ssl-name'];
    assert.ok(verifiedName !== undefined && forGateway.spec?.dnsNames?.includes(verifiedName), `its dnsNames include ${verifiedName}`);
    const ingressTls = (find(objects, 'Ingress', 'dlrs-gateway').spec as { tls: { secretName: string }[] }).tls[0].secretName;
    assert.ok(certificates.some((c) => c.spec?.secretName === ingressTls), `a Certificate example writes Secret ${ingressTls}`);
  });
});

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

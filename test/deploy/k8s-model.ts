// Read-side functions over rendered Kubernetes objects for the deploy checks: typed views of
// workloads and containers, env resolution through ConfigMaps, label selection, and an
// evaluator of NetworkPolicy ingress rules.
import type { K8sObject } from './kustomize-render.js';

/** A container port. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** An env entry of a container. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

/** A gRPC or HTTP probe. */
export interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { port: number | string; path?: string };
}

/** The container fields the checks read. */
export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: ContainerPort[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

/** A volume of a pod. */
export interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: Record<string, unknown>;
}

/** The pod spec fields the checks read. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; operator?: string; effect?: string }[];
}

/** A pod template of a workload, with the workload it belongs to. */
export interface PodTemplate {
  owner: K8sObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
  /** Names of the StatefulSet's volumeClaimTemplates (volumes too, for mounts). */
  claimTemplates: string[];
}

/** A label selector (matchLabels only: the manifests use no matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}

type Fields = Record<string, unknown>;

function field<T>(object: unknown, ...path: string[]): T | undefined {
  let cursor: unknown = object;
  for (const key of path) {
    if (typeof cursor !== 'object' || cursor === null) return undefined;
    cursor = (cursor as Fields)[key];
  }
  return cursor as T | undefined;
}

/** The pod templates of the workloads among `objects`. */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects.flatMap((owner) => {
    const template =
      owner.kind === 'CronJob' ? field<Fields>(owner, 'spec', 'jobTemplate', 'spec', 'template') : ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(owner.kind) ? field<Fields>(owner, 'spec', 'template') : undefined;
    if (!template) return [];
    const claims = field<{ metadata: { name: string } }[]>(owner, 'spec', 'volumeClaimTemplates') ?? [];
    return [
      {
        owner,
        labels: field<Record<string, string>>(template, 'metadata', 'labels') ?? {},
        annotations: field<Record<string, string>>(template, 'metadata', 'annotations') ?? {},
        spec: template.spec as PodSpec,
        claimTemplates: claims.map((c) => c.metadata.name),
      },
    ];
  });
}

/** The object of that kind and name, or a thrown error naming what is missing. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** The ConfigMap whose generated name is `base` plus kustomize's hash suffix (or exactly `base`). */
export function findGenerated(objects: K8sObject[], kind: string, base: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && (o.metadata.name === base || new RegExp(`^${base}-[a-z0-9]{10}$`).test(o.metadata.name)));
}

/** The pod template of the named workload. */
export function templateOf(objects: K8sObject[], kind: string, name: string): PodTemplate {
  const template = podTemplates(objects).find((t) => t.owner.kind === kind && t.owner.metadata.name === name);
  if (!template) throw new Error(`no pod template in ${kind} ${name}`);
  return template;
}

/** True when every label of the selector is on `labels` (an empty selector selects all). */
export function selects(selector: LabelSelector | Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const matchLabels = selector && 'matchLabels' in selector ? (selector.matchLabels as Record<string, string> | undefined) : (selector as Record<string, string> | undefined);
  if (selector && 'matchExpressions' in selector && selector.matchExpressions !== undefined) throw new Error('matchExpressions are not evaluated by these checks');
  return Object.entries(matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The value a container sees for an env variable: its own env entry first, else the last
 * envFrom ConfigMap that has the key (Kubernetes' precedence); undefined when unset or not
 * a literal/ConfigMap value.
 */
export function envValue(objects: K8sObject[], container: Container, name: string): string | undefined {
  const entry = container.env?.find((e) => e.name === name);
  if (entry) {
    if (entry.value !== undefined) return entry.value;
    const ref = entry.valueFrom?.configMapKeyRef;
    if (!ref) return undefined;
    return configMapData(objects, ref.name)[ref.key];
  }
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) value = configMapData(objects, source.configMapRef.name)[name] ?? value;
  }
  return value;
}

/** The data of the named ConfigMap (throws when it does not exist). */
export function configMapData(objects: K8sObject[], name: string): Record<string, string> {
  return (find(objects, 'ConfigMap', name).data ?? {}) as Record<string, string>;
}

/** Container ports resolved by name or number. */
export function resolvePort(container: Container, port: number | string): ContainerPort | undefined {
  return container.ports?.find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

/** Where a connection comes from, for NetworkPolicy evaluation. */
export type TrafficSource =
  | { kind: 'pod'; podLabels: Record<string, string> }
  | { kind: 'namespace'; namespaceLabels: Record<string, string>; podLabels: Record<string, string> }
  | { kind: 'external' };

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface IngressRule {
  from?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/**
 * Whether a NetworkPolicy-enforcing cluster admits a TCP connection from `source` to `port`
 * of a pod of `target` (same namespace as the policies): isolated when any policy with
 * policyType Ingress selects the pod, then admitted when any rule of those allows it.
 */
export function ingressAllowed(objects: K8sObject[], target: PodTemplate, port: number, source: TrafficSource): boolean {
  const policies = objects.filter(
    (o) => o.kind === 'NetworkPolicy' && (field<string[]>(o, 'spec', 'policyTypes') ?? ['Ingress']).includes('Ingress') && selects(field<LabelSelector>(o, 'spec', 'podSelector'), target.labels),
  );
  if (policies.length === 0) return true;
  const portMatches = (rule: IngressRule): boolean =>
    rule.ports === undefined ||
    rule.ports.some((p) => {
      if (p.protocol !== undefined && p.protocol !== 'TCP') return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'number') return p.port === port;
      return target.spec.containers.some((c) => resolvePort(c, p.port as string)?.containerPort === port);
    });
  const peerMatches = (peer: PolicyPeer): boolean => {
    if (peer.ipBlock) return source.kind === 'external';
    if (peer.namespaceSelector) {
      // A namespaceSelector alone admits every pod of the selected namespaces.
      if (source.kind !== 'namespace' || !selects(peer.namespaceSelector, source.namespaceLabels)) return false;
      return peer.podSelector === undefined || selects(peer.podSelector, source.podLabels);
    }
    // A podSelector alone: pods of the policy's own namespace.
    return source.kind === 'pod' && selects(peer.podSelector, source.podLabels);
  };
  return policies.some((policy) =>
    (field<IngressRule[]>(policy, 'spec', 'ingress') ?? []).some((rule) => portMatches(rule) && (rule.from === undefined || rule.from.some(peerMatches))),
  );
}

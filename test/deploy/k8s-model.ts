// Read-side functions over rendered Kubernetes objects for the deploy checks: typed views of
// workloads and containers, env resolution through ConfigMaps, files of mounted Secrets, label
// selection, and an evaluator of NetworkPolicy ingress and egress rules.
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
  command?: string[];
  args?: string[];
  ports?: (ContainerPort & { hostPort?: number })[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}

/** A volume of a pod. */
export interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string; items?: { key: string; path: string }[]; defaultMode?: number };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: { sizeLimit?: string; medium?: string };
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
  hostNetwork?: boolean;
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

/** A Secret key, as a container sees it in a file. */
export interface SecretFile {
  secretName: string;
  key: string;
}

/**
 * The Secret key a container reads at `path`: the file of a secret volume mounted (whole, no
 * subPath) at the path's directory. Undefined when the path is not such a file.
 */
export function secretFileAt(spec: PodSpec, container: Container, path: string): SecretFile | undefined {
  const slash = path.lastIndexOf('/');
  const directory = path.slice(0, slash);
  const file = path.slice(slash + 1);
  const mount = container.volumeMounts?.find((m) => m.mountPath.replace(/\/+$/, '') === directory && m.subPath === undefined);
  const secret = spec.volumes?.find((v) => v.name === mount?.name)?.secret;
  if (!secret) return undefined;
  if (secret.items === undefined) return { secretName: secret.secretName, key: file };
  const item = secret.items.find((i) => i.path === file);
  return item && { secretName: secret.secretName, key: item.key };
}

/** One end of a connection, for NetworkPolicy evaluation (the policies' namespace is the pods'). */
export type TrafficPeer =
  | { kind: 'pod'; podLabels: Record<string, string> }
  | { kind: 'namespace'; namespaceLabels: Record<string, string>; podLabels: Record<string, string> }
  | { kind: 'external' };

/** A connection's destination port. */
export interface TrafficPort {
  port: number;
  protocol: 'TCP' | 'UDP';
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

type Direction = 'Ingress' | 'Egress';

/**
 * Whether the policies admit `peer` in `direction` for the pod of `subject`: isolated in that
 * direction when any policy of that policyType selects the pod, then admitted when any rule
 * of those allows it. `namedPort` resolves a port name of a rule (undefined: not evaluable).
 */
function admitted(objects: K8sObject[], direction: Direction, subject: PodTemplate, peer: TrafficPeer, port: TrafficPort, namedPort: (name: string) => number | undefined): boolean {
  const policyTypes = (policy: K8sObject): string[] => field<string[]>(policy, 'spec', 'policyTypes') ?? (field(policy, 'spec', 'egress') === undefined ? ['Ingress'] : ['Ingress', 'Egress']);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && policyTypes(o).includes(direction) && selects(field<LabelSelector>(o, 'spec', 'podSelector'), subject.labels));
  if (policies.length === 0) return true;
  const portMatches = (rule: PolicyRule): boolean =>
    rule.ports === undefined ||
    rule.ports.some((p) => {
      if ((p.protocol ?? 'TCP') !== port.protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'number') return p.port === port.port;
      const resolved = namedPort(p.port);
      if (resolved === undefined) throw new Error(`named port '${p.port}' in an ${direction.toLowerCase()} rule is not evaluated by these checks`);
      return resolved === port.port;
    });
  const peerMatches = (rulePeer: PolicyPeer): boolean => {
    if (rulePeer.ipBlock) return peer.kind === 'external';
    if (rulePeer.namespaceSelector) {
      // A namespaceSelector alone admits every pod of the selected namespaces.
      if (peer.kind !== 'namespace' || !selects(rulePeer.namespaceSelector, peer.namespaceLabels)) return false;
      return rulePeer.podSelector === undefined || selects(rulePeer.podSelector, peer.podLabels);
    }
    // A podSelector alone: pods of the policy's own namespace.
    return peer.kind === 'pod' && selects(rulePeer.podSelector, peer.podLabels);
  };
  const rules = (policy: K8sObject): PolicyRule[] => field<PolicyRule[]>(policy, 'spec', direction === 'Ingress' ? 'ingress' : 'egress') ?? [];
  return policies.some((policy) =>
    rules(policy).some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      return portMatches(rule) && (peers === undefined || peers.some(peerMatches));
    }),
  );
}

/**
 * Whether a NetworkPolicy-enforcing cluster admits a TCP connection from `source` to `port`
 * of a pod of `target` (named ports resolve on the target's containers).
 */
export function ingressAllowed(objects: K8sObject[], target: PodTemplate, port: number, source: TrafficPeer): boolean {
  // A name no container of the target declares matches no port (-1).
  const namedPort = (name: string): number => target.spec.containers.map((c) => resolvePort(c, name)?.containerPort).find((p) => p !== undefined) ?? -1;
  return admitted(objects, 'Ingress', target, source, { port, protocol: 'TCP' }, namedPort);
}

/**
 * Whether a NetworkPolicy-enforcing cluster lets a pod of `source` open a connection to
 * `port` of `destination` (egress rules with named ports are not evaluated: they throw).
 */
export function egressAllowed(objects: K8sObject[], source: PodTemplate, destination: TrafficPeer, port: TrafficPort): boolean {
  return admitted(objects, 'Egress', source, destination, port, () => undefined);
}

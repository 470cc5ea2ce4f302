// Promotion on Kubernetes: point ConfigMap dlrs-bundle at the new bundle, roll the tiers to it one after the other, step back on failure.
import type { ApiObject, KubernetesApi } from './kubernetes-api.js';

/** A workload whose pods read the bundle ConfigMap (envFrom): rolled by a change of its pod template. */
export interface Workload {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
}

/**
 * The pod-template annotation naming the bundle: changing it starts the workload's rolling
 * update, whose new pods read the ConfigMap's new DLRS_BUNDLE at start (an env value is read
 * once). It also shows in `kubectl describe` which bundle the pods were rolled to.
 */
export const BUNDLE_ANNOTATION = 'dlrs/bundle';

export interface KubernetesRolloutOptions {
  readonly namespace: string;
  /** The ConfigMap the tiers read DLRS_BUNDLE from, as the manifests name it (kustomize adds a hash suffix). */
  readonly configMap: string;
  readonly key: string;
  /** In rollout order: retrieval, ranking, gateway (version fencing keeps answers unmixed meanwhile). */
  readonly workloads: readonly Workload[];
  /** How long one workload may take to roll (its new pods load the bundle before they are ready). */
  readonly workloadTimeoutMs: number;
  readonly pollMs: number;
  readonly log: (line: string) => void;
}

export interface KubernetesRolloutOutcome {
  readonly ok: boolean;
  /** The ConfigMap's bundle before. */
  readonly from: string;
  /** The bundle the ConfigMap names now. */
  readonly serving: string;
  readonly problem?: string;
}

/**
 * Sets `key` of the ConfigMap to `bundle`, then annotates each workload's pod template with
 * it and waits until the workload has rolled (as `kubectl rollout status` judges: the new
 * generation observed, every replica updated and available, none of the old revision left).
 * When a workload does not roll in time or a call fails, the ConfigMap gets the previous
 * bundle back and every workload is rolled to it the same way.
 */
export async function rollOutOnKubernetes(api: KubernetesApi, bundle: string, options: KubernetesRolloutOptions): Promise<KubernetesRolloutOutcome> {
  const configMap = await configMapNameOf(api, options);
  const configMapPath = `/api/v1/namespaces/${options.namespace}/configmaps/${configMap}`;
  const data = (await api.get(configMapPath)).data as Record<string, string> | undefined;
  const from = data?.[options.key];
  if (from === undefined) throw new Error(`ConfigMap ${configMap} has no ${options.key}`);
  const rollTo = async (target: string): Promise<void> => {
    await api.mergePatch(configMapPath, { data: { [options.key]: target } });
    options.log(`ConfigMap ${configMap}: ${options.key}=${target}`);
    for (const workload of options.workloads) {
      await api.mergePatch(workloadPath(options.namespace, workload), { spec: { template: { metadata: { annotations: { [BUNDLE_ANNOTATION]: target } } } } });
      await waitRolledOut(api, options.namespace, workload, options);
      options.log(`${workload.kind} ${workload.name}: rolled to ${target}`);
    }
  };
  try {
    await rollTo(bundle);
    return { ok: true, from, serving: bundle };
  } catch (err) {
    const problem = err instanceof Error ? err.message : String(err);
    options.log(`rollout of ${bundle} failed: ${problem}; rolling back to ${from}`);
    await rollTo(from);
    return { ok: false, from, serving: from, problem };
  }
}

/**
 * The ConfigMap's name in the cluster: kustomize's generator appends a content hash to
 * `options.configMap`, so the first workload's pod template (envFrom) says which it is.
 */
async function configMapNameOf(api: KubernetesApi, options: KubernetesRolloutOptions): Promise<string> {
  const first = options.workloads[0];
  if (first === undefined) throw new Error('no workload to roll');
  const template = ((await api.get(workloadPath(options.namespace, first))).spec as { template?: { spec?: { containers?: { envFrom?: { configMapRef?: { name?: string } }[] }[] } } } | undefined)?.template;
  const names = (template?.spec?.containers ?? []).flatMap((c) => (c.envFrom ?? []).map((e) => e.configMapRef?.name ?? ''));
  const generated = new RegExp(`^${options.configMap}(-[a-z0-9]{10})?$`);
  const found = names.find((name) => generated.test(name));
  if (found === undefined) throw new Error(`${first.kind} ${first.name} reads no ConfigMap ${options.configMap} (envFrom: ${names.join(', ') || 'none'})`);
  return found;
}

function workloadPath(namespace: string, workload: Workload): string {
  return `/apis/apps/v1/namespaces/${namespace}/${workload.kind === 'Deployment' ? 'deployments' : 'statefulsets'}/${workload.name}`;
}

async function waitRolledOut(api: KubernetesApi, namespace: string, workload: Workload, options: KubernetesRolloutOptions): Promise<void> {
  const until = Date.now() + options.workloadTimeoutMs;
  for (;;) {
    const pending = notRolledOut(workload, await api.get(workloadPath(namespace, workload)));
    if (pending === undefined) return;
    if (Date.now() > until) throw new Error(`${workload.kind} ${workload.name} did not roll within ${options.workloadTimeoutMs} ms: ${pending}`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

/** What the workload still waits for, or undefined once rolled. */
export function notRolledOut(workload: Workload, object: ApiObject): string | undefined {
  const metadata = (object.metadata ?? {}) as { generation?: number };
  const spec = (object.spec ?? {}) as { replicas?: number };
  const status = (object.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number; currentRevision?: string; updateRevision?: string };
  const wanted = spec.replicas ?? 1;
  if ((status.observedGeneration ?? 0) < (metadata.generation ?? 0)) return 'the new generation is not observed yet';
  const updated = status.updatedReplicas ?? 0;
  if (updated < wanted) return `${updated} of ${wanted} replicas updated`;
  if (workload.kind === 'Deployment') {
    if ((status.replicas ?? 0) > updated) return `${(status.replicas ?? 0) - updated} old replicas left`;
    if ((status.availableReplicas ?? 0) < updated) return `${status.availableReplicas ?? 0} of ${updated} updated replicas available`;
    return undefined;
  }
  if ((status.readyReplicas ?? 0) < wanted) return `${status.readyReplicas ?? 0} of ${wanted} replicas ready`;
  if (status.currentRevision !== status.updateRevision) return `revision ${status.currentRevision ?? '?'} still current, ${status.updateRevision ?? '?'} wanted`;
  return undefined;
}

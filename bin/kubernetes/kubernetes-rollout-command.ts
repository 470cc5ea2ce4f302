import { parseArgs } from 'node:util';
import { readBundle } from '../../shared/bundle/index.js';
import { KubernetesApi } from './kubernetes-api.js';
import { rollOutOnKubernetes } from './roll-out-on-kubernetes.js';
import type { Workload } from './roll-out-on-kubernetes.js';

const DEFAULT_WORKLOADS = 'statefulset/dlrs-retrieval,deployment/dlrs-ranking,deployment/dlrs-gateway';

const USAGE = `Usage: dlrs k8s-rollout BUNDLE [options]

In a pod of the cluster, with its service account: verifies BUNDLE, sets DLRS_BUNDLE of the
bundle ConfigMap to it, then rolls each workload to it in order (a pod-template annotation,
dlrs/bundle, starts its rolling update; the next waits until it has rolled). A workload that
does not roll in time, or a refused API call, puts the previous bundle back the same way.
Exit code 0: rolled out, 1: rolled back (or failed), 2: usage.
  --configmap NAME           the ConfigMap the tiers read DLRS_BUNDLE from (default dlrs-bundle)
  --workloads KIND/NAME,…    in rollout order (default ${DEFAULT_WORKLOADS})
  --workload-timeout-ms N    how long one workload may take to roll (default 900000)`;

class UsageError extends Error {}

/** `dlrs k8s-rollout BUNDLE`: returns the process exit code. `env` is where the pod's API server address is read. */
export async function runKubernetesRollout(argv: string[], { env = process.env }: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { configmap: { type: 'string' }, workloads: { type: 'string' }, 'workload-timeout-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('expected exactly one BUNDLE');
    const timeoutMs = Number(values['workload-timeout-ms'] ?? 900_000);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--workload-timeout-ms ${values['workload-timeout-ms']}: expected a positive number`);
    const workloads = (values.workloads ?? DEFAULT_WORKLOADS).split(',').map(parseWorkload);
    const bundle = positionals[0];
    // A bundle the tiers would refuse is found here, before any of them restarts.
    const { manifest } = await readBundle(bundle);
    const { api, namespace } = await KubernetesApi.inCluster(env);
    console.log(`rolling out ${bundle} (model ${manifest.modelVersion}) in namespace ${namespace}`);
    const outcome = await rollOutOnKubernetes(api, bundle, { namespace, configMap: values.configmap ?? 'dlrs-bundle', key: 'DLRS_BUNDLE', workloads, workloadTimeoutMs: timeoutMs, pollMs: 2000, log: (line) => console.log(line) });
    console.log(outcome.ok ? `rolled out: ${outcome.serving}` : `rolled back: ${outcome.serving} (${outcome.problem})`);
    return outcome.ok ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      console.error(`dlrs k8s-rollout: ${message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`dlrs k8s-rollout: ${message}`);
    return 1;
  }
}

function parseWorkload(text: string): Workload {
  const [kind, name, ...rest] = text.split('/');
  const kinds: Record<string, Workload['kind']> = { deployment: 'Deployment', statefulset: 'StatefulSet' };
  const parsed = kinds[kind?.toLowerCase() ?? ''];
  if (parsed === undefined || name === undefined || name === '' || rest.length > 0) throw new UsageError(`--workloads: '${text}' is not deployment/NAME or statefulset/NAME`);
  return { kind: parsed, name };
}

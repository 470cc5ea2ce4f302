import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readRegistry, rollbackTarget } from '../../services/trainer/retrain/model-registry.js';
import { DEFAULT_PROBE_TOLERANCE } from './compare-probe-answer.js';
import { rollOutBundle } from './roll-out-bundle.js';
import type { RolloutTargets } from './roll-out-bundle.js';

const TIER_OPTIONS = `  --ranking ADDR --retrieval ADDR[,ADDR…] --gateway ADDR   the tiers (every retrieval shard)
  --probe-users A,B,…          users whose answers must name the new version, whole and non-empty
  --internal-token-file FILE   admin token (default $DLRS_INTERNAL_TOKEN_FILE; its first token)
  --api-token-file FILE        API token with the read scope, for the probes (default $DLRS_API_TOKENS_FILE)
  --settle-ms N                how long health and probes may take (default 30000)
  --probe-min-overlap X        share of each reference answer's items (the bundle's probes.json) the served
                               answer must hold (default ${DEFAULT_PROBE_TOLERANCE.minOverlap}; the shards' search is approximate)
  --probe-score-tolerance X    largest |Δp| on an item both hold (default ${DEFAULT_PROBE_TOLERANCE.scoreTolerance})`;

const ROLLOUT_USAGE = `Usage: dlrs rollout BUNDLE --ranking ADDR --retrieval ADDR[,…] --gateway ADDR [options]

Loads BUNDLE on every retrieval shard, then ranking (LoadModel), waits for health, probes the
gateway (the probe users, and the bundle's probe requests against its reference answers) and,
on any failure, loads the bundle that served before on every tier. BUNDLE must be readable
here as well as on the tiers: it is verified and its probes read before any tier is asked. Exit code 0:
rolled out, 1: rolled back (or failed), 2: usage.
${TIER_OPTIONS}`;

const ROLLBACK_USAGE = `Usage: dlrs rollback --registry FILE --ranking ADDR --retrieval ADDR[,…] --gateway ADDR [options]

Rolls out the promoted registry entry before the newest promoted one.
${TIER_OPTIONS}`;

const OPTIONS = {
  ranking: { type: 'string' },
  retrieval: { type: 'string' },
  gateway: { type: 'string' },
  'probe-users': { type: 'string' },
  'internal-token-file': { type: 'string' },
  'api-token-file': { type: 'string' },
  'settle-ms': { type: 'string' },
  'probe-min-overlap': { type: 'string' },
  'probe-score-tolerance': { type: 'string' },
  registry: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `dlrs rollout BUNDLE`: returns the process exit code. */
export async function runRollout(argv: string[]): Promise<number> {
  return run('rollout', ROLLOUT_USAGE, argv, async (positionals) => {
    if (positionals.length !== 1) throw new UsageError('expected exactly one BUNDLE');
    return positionals[0];
  });
}

/** `dlrs rollback`: rolls out the previous promoted registry entry. */
export async function runRollback(argv: string[]): Promise<number> {
  return run('rollback', ROLLBACK_USAGE, argv, async (_positionals, registry) => {
    if (registry === undefined) throw new UsageError('--registry is required');
    const target = rollbackTarget(await readRegistry(registry));
    if (target === undefined) throw new Error(`registry ${registry} has no promoted entry before the newest one`);
    return target.bundle;
  });
}

class UsageError extends Error {}

async function run(name: string, usage: string, argv: string[], bundleOf: (positionals: string[], registry: string | undefined) => Promise<string>): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help === true) {
      console.log(usage);
      return 0;
    }
    if (values.ranking === undefined || values.retrieval === undefined || values.gateway === undefined) throw new UsageError('--ranking, --retrieval and --gateway are required');
    const settleMs = Number(values['settle-ms'] ?? 30_000);
    if (!Number.isFinite(settleMs) || settleMs <= 0) throw new UsageError(`--settle-ms ${values['settle-ms']}: expected a positive number`);
    const minOverlap = Number(values['probe-min-overlap'] ?? DEFAULT_PROBE_TOLERANCE.minOverlap);
    if (!(minOverlap >= 0 && minOverlap <= 1)) throw new UsageError(`--probe-min-overlap ${values['probe-min-overlap']}: expected a number from 0 to 1`);
    const scoreTolerance = Number(values['probe-score-tolerance'] ?? DEFAULT_PROBE_TOLERANCE.scoreTolerance);
    if (!(scoreTolerance >= 0)) throw new UsageError(`--probe-score-tolerance ${values['probe-score-tolerance']}: expected a non-negative number`);
    const bundle = await bundleOf(positionals, values.registry);
    const targets: RolloutTargets = {
      ranking: values.ranking,
      retrieval: values.retrieval.split(','),
      gateway: values.gateway,
      internalToken: await firstToken(values['internal-token-file'] ?? process.env.DLRS_INTERNAL_TOKEN_FILE, '--internal-token-file'),
      apiToken: await firstToken(values['api-token-file'] ?? process.env.DLRS_API_TOKENS_FILE, '--api-token-file'),
    };
    const probeUsers = values['probe-users'] === undefined ? [] : values['probe-users'].split(',');
    const outcome = await rollOutBundle(bundle, targets, { probeUsers, tolerance: { minOverlap, scoreTolerance }, loadDeadlineMs: 120_000, settleMs, log: (line) => console.log(line) });
    console.log(outcome.ok ? `rolled out: ${outcome.serving} serving` : `rolled back: ${outcome.serving} serving (${outcome.problem})`);
    return outcome.ok ? 0 : 1;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err)) {
      console.error(`dlrs ${name}: ${message}\n\n${usage}`);
      return 2;
    }
    console.error(`dlrs ${name}: ${message}`);
    return 1;
  }
}

/** The first token of a token file (lines "TOKEN [scopes]", # comments). */
async function firstToken(path: string | undefined, flag: string): Promise<string> {
  if (path === undefined) throw new UsageError(`${flag} (or its environment variable) is required: the admin methods are closed without a token`);
  const line = (await readFile(path, 'utf8')).split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (line === undefined) throw new Error(`${flag} ${path}: no token in the file`);
  return line.split(/\s+/)[0];
}

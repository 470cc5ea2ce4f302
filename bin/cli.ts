// The `dlrs` command: a table of subcommands, each loaded only when used, so that
// telemetry can start before a server imports gRPC.

interface Command {
  summary: string;
  run: (argv: string[]) => Promise<number>;
}

/**
 * A `serve` command: tracing starts before the service module (and with it gRPC) is loaded,
 * and is flushed when the process ends.
 */
function serve(name: string, summary: string, load: () => Promise<(argv: string[]) => Promise<number>>): Command {
  return {
    summary,
    run: async (argv) => {
      if (argv.includes('--help') || argv.includes('-h')) return (await load())(argv);
      const [{ startTelemetry }, { createLogger }] = await Promise.all([import('../shared/telemetry/index.js'), import('../shared/logging/index.js')]);
      const telemetry = startTelemetry({ serviceName: `dlrs-${name}`, logger: createLogger({ base: { service: name } }) });
      process.once('exit', () => void telemetry.shutdown());
      return (await load())(argv);
    },
  };
}

const COMMANDS: Record<string, Command> = {
  'serve gateway': serve('gateway', 'Serve the public Recommender API (dlrs.v1.Recommender)', async () => (await import('../services/gateway/index.js')).runGateway),
  'serve retrieval': serve('retrieval', 'Serve one retrieval shard: USearch index over ItemNet embeddings (dlrs.v1.Retrieval)', async () => (await import('../services/retrieval/index.js')).runRetrieval),
  'serve ranking': serve('ranking', 'Serve UserNet and RankNet with micro-batching (dlrs.v1.Ranking)', async () => (await import('../services/ranking/index.js')).runRanking),
  train: {
    summary: 'Train UserNet, ItemNet and RankNet and write an ONNX model bundle',
    run: async (argv) => (await import('../services/trainer/train-command.js')).runTrain(argv),
  },
  retrain: {
    summary: 'Retrain from the interaction log, compare with the serving model on the newest window, record the decision',
    run: async (argv) => (await import('../services/trainer/retrain-command.js')).runRetrain(argv),
  },
  'report online': {
    summary: 'Online metrics from the interaction log: per model version, click-through and any-event share of impressed items',
    run: async (argv) => (await import('../services/trainer/online-report-command.js')).runOnlineReport(argv),
  },
  rollout: {
    summary: 'Load a bundle on every tier (shards, then ranking), probe it through the gateway, roll back on failure',
    run: async (argv) => (await import('./rollout/rollout-command.js')).runRollout(argv),
  },
  'k8s-rollout': {
    summary: 'In the cluster: point ConfigMap dlrs-bundle at a bundle and roll the tiers to it in order, back on failure',
    run: async (argv) => (await import('./kubernetes/kubernetes-rollout-command.js')).runKubernetesRollout(argv),
  },
  rollback: {
    summary: 'Roll out the previous promoted model of the registry',
    run: async (argv) => (await import('./rollout/rollout-command.js')).runRollback(argv),
  },
  'bench load': {
    summary: 'Load-test a dlrs service from a ghz configuration (closed or open loop, HDR percentiles)',
    run: async (argv) => (await import('../bench/load/bench-load-command.js')).runBenchLoad(argv),
  },
  demo: {
    summary: 'Train, start two retrieval shards, ranking and the gateway on localhost, and show them at work',
    run: async (argv) => (await import('./demo/run-demo.js')).runDemo(argv),
  },
  eval: {
    summary: 'Evaluate models against the baselines on a temporal split and write a report',
    run: async (argv) => (await import('../services/trainer/eval-command.js')).runEval(argv),
  },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  return [
    'dlrs — a deep-learning recommender system served over gRPC',
    '',
    'Usage: dlrs <command> [options]     (dlrs <command> --help for its options)',
    '',
    'Commands:',
    ...rows,
    '',
    'Configuration comes from DLRS_* environment variables and an optional DLRS_CONFIG_FILE (JSON or YAML).',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    console.log(usage());
    return 0;
  }
  const twoWord = second !== undefined ? COMMANDS[`${first} ${second}`] : undefined;
  if (twoWord) return twoWord.run(rest);
  const command = COMMANDS[first];
  if (!command) {
    console.error(`dlrs: unknown command '${argv.join(' ')}'.\n\n${usage()}`);
    return 2;
  }
  return command.run(second === undefined ? rest : [second, ...rest]);
}

process.exitCode = await main(process.argv.slice(2));

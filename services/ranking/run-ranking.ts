import { parseArgs } from 'node:util';
import { ConfigError, applyV8HeapSettings, misspelledVariables, processEnv } from '../../shared/config/index.js';
import { installSignalHandlers } from '../../shared/grpc/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { describeBundle } from './model/bundle-description.js';
import { loadRankingConfig, rankingConfigDefinition } from './config.js';
import { startRankingServer } from './server.js';

const USAGE = `Usage: dlrs serve ranking --bundle DIR

Serves UserNet and RankNet of a model bundle over gRPC (dlrs.v1.Ranking) with dynamic
micro-batching on onnxruntime worker threads. Settings come from DLRS_* variables
(port, workers, providers, batching limits); --bundle overrides DLRS_BUNDLE.`;

/** `dlrs serve ranking`: runs the ranking server until SIGTERM/SIGINT; resolves the exit code of a failed start. */
export async function runRanking(argv: string[]): Promise<number> {
  let bundle: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { bundle: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    bundle = values.bundle;
  } catch (error) {
    console.error(`dlrs serve ranking: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadRankingConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`dlrs serve ranking: ${error.message}`);
    return 2;
  }
  const bundlePath = bundle ?? config.bundle;
  if (bundlePath === undefined) {
    console.error(`dlrs serve ranking: no model bundle: pass --bundle DIR or set DLRS_BUNDLE\n\n${USAGE}`);
    return 2;
  }
  applyV8HeapSettings(config);
  const logger = createLogger({ level: config.logLevel, base: { service: 'ranking' } });
  for (const warning of misspelledVariables(rankingConfigDefinition, processEnv())) logger.warn(warning);
  try {
    const ranking = await startRankingServer({ config, logger, bundlePath, describe: (dir) => describeBundle(dir, { itemTable: config.itemTable }) });
    installSignalHandlers(ranking.server, { logger, onShutdown: () => ranking.close('stop signal') });
    return 0;
  } catch (error) {
    logger.fatal({ err: error, bundlePath }, 'the ranking service could not start');
    return 1;
  }
}

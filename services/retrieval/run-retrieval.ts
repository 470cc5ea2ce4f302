import { parseArgs } from 'node:util';
import { ConfigError, applyV8HeapSettings, misspelledVariables, processEnv } from '../../shared/config/index.js';
import { installSignalHandlers } from '../../shared/grpc/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { RETRIEVAL_CONFIG, loadRetrievalConfig } from './config.js';
import { openBundleModel } from './model/open-bundle-model.js';
import { startRetrievalServer } from './server.js';

const USAGE = `Usage: dlrs serve retrieval --bundle DIR [--shard i/S] --data-dir DIR

Serves one shard of the catalog (dlrs.v1.Retrieval): item i belongs to shard
fnv1a32(utf8(id)) mod S. The data directory holds the shard's write-ahead log
and snapshots; a restart recovers from it. The flags override DLRS_BUNDLE,
DLRS_SHARD_INDEX + DLRS_SHARD_COUNT and DLRS_DATA_DIR. More settings:
DLRS_PORT, DLRS_INDEX_QUANTIZATION (f32|f16|i8), DLRS_INDEX_CONNECTIVITY,
DLRS_INDEX_EXPANSION_ADD, DLRS_INDEX_EXPANSION_SEARCH, DLRS_SEARCH_MAX_K,
DLRS_SNAPSHOT_AFTER_RECORDS, DLRS_WAL_REPAIR (off|drop-damaged), … (services/retrieval/config.ts).`;

/**
 * `dlrs serve retrieval`: loads the configuration (flags over DLRS_* variables),
 * opens the bundle, serves until SIGTERM/SIGINT. Resolves with the exit code:
 * 0 after a clean shutdown, 1 when start-up failed, 2 for bad configuration.
 */
export async function runRetrieval(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({ args: argv, options: { bundle: { type: 'string' }, shard: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean' } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadRetrievalConfig({ bundle: flags.bundle, shard: flags.shard, dataDir: flags['data-dir'] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  applyV8HeapSettings(config);
  const logger = createLogger({ level: config.logLevel, base: { service: 'retrieval', shard: `${config.shard.index}/${config.shard.count}` } });
  for (const warning of misspelledVariables(RETRIEVAL_CONFIG, processEnv())) logger.warn(warning);
  const openModel = (bundlePath: string) => openBundleModel(bundlePath, { batchRows: config.embedBatchRows });
  try {
    const model = await openModel(config.bundle);
    const handle = await startRetrievalServer({ config, model, openModel, logger });
    const stopped = new Promise<number>((resolve) => {
      installSignalHandlers({ shutdown: (reason) => handle.close(reason) }, { logger, exit: resolve });
    });
    logger.info({ port: handle.port, metricsPort: handle.metricsPort, modelVersion: model.modelVersion }, 'retrieval listening');
    await handle.ready.catch(async (error: unknown) => {
      await handle.close('start-up failed');
      throw error;
    });
    return await stopped;
  } catch (error) {
    logger.fatal({ err: error }, 'retrieval failed to start');
    return 1;
  }
}

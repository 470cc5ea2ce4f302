import { parseArgs } from 'node:util';
import { readBundle } from '../../shared/bundle/index.js';
import { ConfigError, applyV8HeapSettings, misspelledVariables, processEnv } from '../../shared/config/index.js';
import { installSignalHandlers } from '../../shared/grpc/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import { gatewayConfigDefinition, loadGatewayConfig } from './gateway-config.js';
import { startGateway } from './start-gateway.js';

const USAGE = `Usage: dlrs serve gateway --bundle DIR

Serves the public dlrs.v1.Recommender API: recommendations (unary, streaming, live sessions),
event ingestion into the user profiles, catalog writes routed to the retrieval shards. It
reaches ranking and every retrieval shard over gRPC. Settings come from DLRS_*
variables (addresses of the tiers, profile store, data folder, limits, API tokens);
--bundle (the model the tiers serve, for its feature spec) overrides DLRS_BUNDLE.`;

/** `dlrs serve gateway`: runs the gateway until SIGTERM/SIGINT; resolves the exit code of a failed start. */
export async function runGateway(argv: string[]): Promise<number> {
  let bundleFlag: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { bundle: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    bundleFlag = values.bundle;
  } catch (error) {
    console.error(`dlrs serve gateway: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadGatewayConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`dlrs serve gateway: ${error.message}`);
    return 2;
  }
  const bundlePath = bundleFlag ?? config.bundle;
  if (bundlePath === undefined) {
    console.error(`dlrs serve gateway: no model bundle: pass --bundle DIR or set DLRS_BUNDLE\n\n${USAGE}`);
    return 2;
  }
  applyV8HeapSettings(config);
  const logger = createLogger({ level: config.logLevel, base: { service: 'gateway' } });
  for (const warning of misspelledVariables(gatewayConfigDefinition, processEnv())) logger.warn(warning);
  try {
    const { manifest } = await readBundle(bundlePath);
    const gateway = await startGateway(config, { spec: manifest.featureSpec, shardOf }, logger);
    logger.info({ bundlePath, modelVersion: manifest.modelVersion }, 'gateway uses the feature spec of the bundle');
    installSignalHandlers(gateway.server, { logger, onShutdown: () => gateway.stop('stop signal') });
    return 0;
  } catch (error) {
    logger.fatal({ err: error, bundlePath }, 'the gateway could not start');
    return 1;
  }
}

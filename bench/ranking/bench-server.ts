// The ranking server as a benchmark target, in its own process: RankNet with the contract's
// architecture (random weights) or a bundle's, configured by DLRS_* variables.
// Started by service-load.ts over IPC: it answers 'stats' with the event-loop delay and the process CPU time
// (all threads) since the last 'stats'.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createLogger } from '../../shared/logging/index.js';
import { loadRankingConfig } from '../../services/ranking/config.js';
import { startRankingServer } from '../../services/ranking/server.js';
import { tinyDescription, writeTinyModels } from '../../services/ranking/testing/tiny-serving.js';
import { benchRankNet } from './bench-model.js';

/** The event-loop delay histogram's resolution: fine enough for a 5 ms goal. */
const EVENT_LOOP_RESOLUTION_MS = 1;

const { values } = parseArgs({ options: { bundle: { type: 'string' }, dim: { type: 'string', default: '64' } } });
const dim = Number(values.dim);
const rankNet = benchRankNet(values.bundle, dim);
const tiny = writeTinyModels(dim);
const description = { ...tinyDescription(tiny, dim, 1), rankNet: rankNet.path, modelVersion: 'bench' };
const config = loadRankingConfig();
const ranking = await startRankingServer({ config, logger: createLogger({ level: 'warn' }), bundlePath: tiny.dir, describe: async () => description });
const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
delay.enable();

let cpuMark = process.cpuUsage();
process.on('message', (message: string) => {
  if (message === 'stats') {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    process.send?.({ eventLoopP99Ms: delay.percentile(99) / 1e6, eventLoopMaxMs: delay.max / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 });
    delay.reset();
  } else if (message === 'stop') {
    void ranking.close('benchmark done').then(() => {
      tiny.remove();
      rankNet.remove();
      process.exit(0);
    });
  }
});
process.send?.({ port: ranking.port });

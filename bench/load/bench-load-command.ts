import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generatedUserRequests } from './generated-users.js';
import { parseGoDurationMs } from './go-duration.js';
import { messagesOf, parseGhzConfig, readDataFile, readGhzConfig, resolveLoadConfig } from './load-config.js';
import type { LoadSettings } from './load-config.js';
import { formatLoadResult } from './load-report.js';
import { runLoad } from './load-runner.js';

/** Without a configuration file: the public API on the port the images and ghz configurations use. */
const DEFAULT_CALL = 'dlrs.v1.Recommender.Recommend';
const DEFAULT_HOST = '127.0.0.1:50051';
/** Generated requests ask what `make bench-scale` asks: 10 items out of 300 candidates. */
const DEFAULT_K = 10;
const DEFAULT_CANDIDATES = 300;

const USAGE = `Usage: dlrs bench load [--config GHZ.json] [options] [HOST:PORT]

A gRPC load generator for the dlrs API that reads ghz configuration files (deploy/ghz/).
Unary and bidirectional-streaming methods; on a stream method one call is one stream
carrying all request messages, as in ghz. Options override the file; HOST:PORT overrides
its host. ghz options outside the implemented subset are refused.

  --config FILE        a ghz JSON configuration
  --call NAME          package.Service.Method            (default ${DEFAULT_CALL})
  --concurrency N      closed loop: calls in flight; open loop: the cap on calls in flight
  --connections N      gRPC connections the calls are spread over
  --rps N              open loop: N calls/s on a fixed timeline, latency counted from the
                       due time (no coordinated omission); without it, a closed loop
  --duration D         send for D (Go duration: 10s, 1m); overrides --total
  --total N            calls to make
  --warmup D           leave calls due in the first D out of the statistics
  --skip-first N       leave the first N calls out of the statistics
  --timeout D          deadline of each call (each stream)
  --connect-timeout D  how long to wait for the connections before the run
  --metadata JSON      metadata sent with every call, e.g. '{"authorization":"Bearer T"}'
  --data JSON          request data: a proto3 JSON message or an array of them
  --data-file FILE     the same from a file; strings may hold ghz placeholders such as
                       {{.RequestNumber}}, {{.WorkerID}}, {{.UUID}}, {{randomInt 1 611}}
  --users N            generated Recommend requests for users 1..N instead of data
  --user-prefix P      ... with user ids P1..PN
  --k N, --candidates N   ... asking for k items out of N candidates (${DEFAULT_K}, ${DEFAULT_CANDIDATES})
  --skip-decode        do not decode unary answers (cheaper; no count of degraded answers)
  --json FILE          also write the result as JSON
`;

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
  return n;
}

function durationFlag(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseGoDurationMs(value, `--${name}`);
}

/** `dlrs bench load`: runs one load and prints its summary; resolves the exit code. */
export async function runBenchLoad(argv: string[]): Promise<number> {
  let settings: LoadSettings[];
  let jsonPath: string | undefined;
  let configPath: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        call: { type: 'string' },
        concurrency: { type: 'string', short: 'c' },
        connections: { type: 'string' },
        rps: { type: 'string', short: 'r' },
        duration: { type: 'string', short: 'z' },
        total: { type: 'string', short: 'n' },
        warmup: { type: 'string' },
        'skip-first': { type: 'string' },
        timeout: { type: 'string', short: 't' },
        'connect-timeout': { type: 'string' },
        metadata: { type: 'string', short: 'm' },
        data: { type: 'string', short: 'd' },
        'data-file': { type: 'string', short: 'D' },
        users: { type: 'string' },
        'user-prefix': { type: 'string' },
        k: { type: 'string' },
        candidates: { type: 'string' },
        json: { type: 'string' },
        'skip-decode': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length > 1) throw new Error(`one HOST:PORT at most, got ${positionals.join(' ')}`);
    if ([values.data, values['data-file'], values.users].filter((v) => v !== undefined).length > 1) throw new Error('give one of --data, --data-file, --users');
    jsonPath = values.json;
    const users = integerFlag('users', values.users);
    const flags: LoadSettings = {
      call: values.call,
      host: positionals[0],
      concurrency: integerFlag('concurrency', values.concurrency),
      connections: integerFlag('connections', values.connections),
      rps: integerFlag('rps', values.rps),
      durationMs: durationFlag('duration', values.duration),
      total: integerFlag('total', values.total),
      warmupMs: durationFlag('warmup', values.warmup),
      skipFirst: integerFlag('skip-first', values['skip-first']),
      timeoutMs: durationFlag('timeout', values.timeout),
      connectTimeoutMs: durationFlag('connect-timeout', values['connect-timeout']),
      decodeAnswers: values['skip-decode'] === true ? false : undefined,
      metadata: values.metadata === undefined ? undefined : parseGhzConfig({ metadata: JSON.parse(values.metadata) }, '--metadata').metadata,
      messages:
        values.data !== undefined
          ? messagesOf('--data', JSON.parse(values.data))
          : values['data-file'] !== undefined
            ? readDataFile('--data-file', values['data-file'])
            : users !== undefined
              ? generatedUserRequests({ users, prefix: values['user-prefix'] ?? '', k: integerFlag('k', values.k) ?? DEFAULT_K, candidates: integerFlag('candidates', values.candidates) ?? DEFAULT_CANDIDATES })
              : undefined,
    };
    if (values.rps !== undefined && flags.rps === 0) throw new Error('--rps must be above 0');
    // A duration on the command line replaces the file's total, and a total its duration.
    if (flags.durationMs !== undefined) flags.total = undefined;
    settings = [{ call: DEFAULT_CALL, host: DEFAULT_HOST }, flags];
    configPath = values.config;
  } catch (error) {
    console.error(`dlrs bench load: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    if (configPath !== undefined) {
      const fromFile = readGhzConfig(configPath);
      if (settings[1].total !== undefined) fromFile.durationMs = undefined;
      settings.splice(1, 0, fromFile);
    }
    config = resolveLoadConfig(...settings);
  } catch (error) {
    console.error(`dlrs bench load: ${(error as Error).message}`);
    return 2;
  }
  try {
    const result = await runLoad(config);
    console.log(formatLoadResult(result));
    if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    if (result.calls > 0) return 0;
    console.error(`dlrs bench load: no call was measured: the warm-up (skipFirst ${config.skipFirst}, warmup ${config.warmupMs} ms) took the whole run`);
    return 1;
  } catch (error) {
    console.error(`dlrs bench load: ${(error as Error).message}`);
    return 1;
  }
}

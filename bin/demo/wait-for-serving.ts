import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import type { Client, ClientUnaryCall, ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { OWN_CONNECTION } from '../../shared/grpc/index.js';
import { describeExit } from './child-process.js';
import type { DlrsProcess } from './child-process.js';

/** Often enough that a ready service is noticed at once, rarely enough to cost nothing. */
const POLL_INTERVAL_MS = 250;
/** One health check; a live server answers in microseconds. */
const CHECK_DEADLINE_MS = 1000;

/** The grpc.health.v1 client, typed as far as the demo uses it. */
export interface HealthClient extends Client {
  Check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response?: { status: string }) => void): ClientUnaryCall;
}

type HealthClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options: typeof OWN_CONNECTION) => HealthClient;

let HealthClientClass: HealthClientConstructor | undefined;

function healthClientClass(): HealthClientConstructor {
  if (HealthClientClass === undefined) {
    const loaded = loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String })) as unknown as {
      grpc: { health: { v1: { Health: HealthClientConstructor } } };
    };
    HealthClientClass = loaded.grpc.health.v1.Health;
  }
  return HealthClientClass;
}

/** A grpc.health.v1 client of the server at `address` (plaintext); close it when done. */
export function createHealthClient(address: string): HealthClient {
  return new (healthClientClass())(address, credentials.createInsecure(), OWN_CONNECTION);
}

/** The server's overall health (service ""): SERVING, NOT_SERVING, … or `unreachable (why)`. */
export function checkHealth(client: HealthClient): Promise<string> {
  return new Promise((resolve) => {
    client.Check({ service: '' }, { deadline: Date.now() + CHECK_DEADLINE_MS }, (error, response) => {
      resolve(error !== null ? `unreachable (${error.details || error.message})` : (response?.status ?? 'UNKNOWN'));
    });
  });
}

/** A service that did not become SERVING: the message names it and quotes its last log lines. */
export class StartupError extends Error {
  constructor(process: DlrsProcess, what: string) {
    const tail = process.lastLines().map((line) => `    | ${line}`);
    super([`${process.name} ${what}. Its last log lines:`, ...(tail.length > 0 ? tail : ['    | (no output)'])].join('\n'));
    this.name = 'StartupError';
  }
}

/**
 * Polls grpc.health.v1.Health/Check on `address` until it says SERVING. Rejects with a
 * {@link StartupError} when the process ends first, when `timeoutMs` passes, or when `signal` aborts.
 */
export async function waitForServing(process: DlrsProcess, address: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const startedMs = Date.now();
  const client = createHealthClient(address);
  try {
    for (;;) {
      if (options.signal?.aborted === true) throw new StartupError(process, 'was still starting when the demo was interrupted');
      if (process.hasExited) throw new StartupError(process, `ended before it was serving (${describeExit(await process.exited)})`);
      const lastStatus = await checkHealth(client);
      if (lastStatus === 'SERVING') return;
      if (Date.now() - startedMs > options.timeoutMs) throw new StartupError(process, `was not SERVING after ${options.timeoutMs / 1000} s (health: ${lastStatus})`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  } finally {
    client.close();
  }
}

/**
 * The port `process`'s gRPC server bound (see {@link DlrsProcess.grpcPort}). Rejects with a
 * {@link StartupError} when the process ends first, when `timeoutMs` passes, or when `signal` aborts.
 */
export async function waitForPort(process: DlrsProcess, options: { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const stop = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let onStop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(new StartupError(process, options.signal?.aborted === true ? 'was still starting when the demo was interrupted' : `was not listening after ${options.timeoutMs / 1000} s`));
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
  });
  try {
    return await Promise.race([process.grpcPort.catch(async () => Promise.reject(new StartupError(process, `ended before it listened (${describeExit(await process.exited)})`))), stopped]);
  } finally {
    if (onStop !== undefined) stop.removeEventListener('abort', onStop);
  }
}

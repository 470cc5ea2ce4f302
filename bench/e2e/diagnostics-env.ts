// The environment that makes every `dlrs serve` process of a benchmark record diagnostics:
// a V8 CPU profile or a sampled allocation profile written when it exits (cpu-profile-preload.ts,
// heap-profile-preload.ts), event-loop delay and GC
// pauses written on each SIGUSR2 (pause-log-preload.ts), extra Node flags. SIGUSR2 also
// restarts the CPU recording, so a benchmark can leave the start-up out.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DlrsProcess } from '../../bin/demo/child-process.js';

const PROFILE_PRELOAD = fileURLToPath(new URL('./cpu-profile-preload.ts', import.meta.url));
const HEAP_PROFILE_PRELOAD = fileURLToPath(new URL('./heap-profile-preload.ts', import.meta.url));
const PAUSE_LOG_PRELOAD = fileURLToPath(new URL('./pause-log-preload.ts', import.meta.url));

/** What to record; each absent part is left out. */
export interface Diagnostics {
  /** Folder of the CPU profiles. */
  cpuProfileDir?: string;
  /** Folder of the sampled allocation profiles (.heapprofile, written at exit). */
  heapProfileDir?: string;
  /** Folder of the pause logs (one JSON line per SIGUSR2 per process). */
  pauseLogDir?: string;
  /** Node/V8 flags added to every service, e.g. `--max-semi-space-size=64`. */
  nodeOptions?: string;
}

/** Variables for the services; empty when nothing is asked for. */
export function diagnosticsEnv({ cpuProfileDir, heapProfileDir, pauseLogDir, nodeOptions }: Diagnostics): Record<string, string> {
  const env: Record<string, string> = {};
  const options: string[] = [];
  if (cpuProfileDir !== undefined) {
    options.push(`--import ${PROFILE_PRELOAD}`);
    env.DLRS_BENCH_CPU_PROF_DIR = resolve(cpuProfileDir);
  }
  if (heapProfileDir !== undefined) {
    options.push(`--import ${HEAP_PROFILE_PRELOAD}`);
    env.DLRS_BENCH_HEAP_PROF_DIR = resolve(heapProfileDir);
  }
  if (pauseLogDir !== undefined) {
    options.push(`--import ${PAUSE_LOG_PRELOAD}`);
    env.DLRS_BENCH_PAUSE_LOG_DIR = resolve(pauseLogDir);
  }
  if (nodeOptions !== undefined) options.push(nodeOptions);
  // The preloads are TypeScript: tsx must load first.
  if (options.length > 0) env.NODE_OPTIONS = ['--import tsx', ...options].join(' ');
  return env;
}

/** SIGUSR2 to every process: CPU and allocation recordings start afresh, pause logs write a line. */
export function signalDiagnostics(processes: readonly DlrsProcess[]): void {
  for (const p of processes) if (p.pid !== undefined) process.kill(p.pid, 'SIGUSR2');
}

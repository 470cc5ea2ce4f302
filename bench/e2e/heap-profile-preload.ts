// Preloaded into each service (NODE_OPTIONS=--import) by benchmarks that look for what
// allocates: samples allocations through the inspector, objects the GC already freed included
// (what makes scavenges frequent), and writes a .heapprofile into DLRS_BENCH_HEAP_PROF_DIR when
// the process exits. SIGUSR2 starts the sampling afresh, so a benchmark can leave the start-up out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Bytes between samples: 32 KiB, fine enough for per-request allocations of a few kB. */
const SAMPLING_INTERVAL_BYTES = 32 * 1024;

const dir = process.env.DLRS_BENCH_HEAP_PROF_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  const start = (): void =>
    session.post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
  session.post('HeapProfiler.enable');
  start();
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.stopSampling');
    start();
  });
  // A same-thread inspector session answers synchronously, so the profile is written within 'exit'.
  process.once('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error !== null) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.argv.slice(2, 4).join('-')}-${process.pid}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}

// Preloaded into each service (NODE_OPTIONS=--import): records a V8 CPU profile through the
// inspector and writes it when the process exits, because Node 20 refuses --cpu-prof in
// NODE_OPTIONS. The folder comes from DLRS_BENCH_CPU_PROF_DIR. SIGUSR2 starts the recording
// afresh, so that the benchmark can leave the start-up (module loading, index build) out.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Sampling interval in µs: V8's default for --cpu-prof (1 ms would miss short handlers). */
const SAMPLING_INTERVAL_US = 1000;

const dir = process.env.DLRS_BENCH_CPU_PROF_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop');
    session.post('Profiler.start');
  });
  // A same-thread inspector session answers synchronously, so the profile is written within 'exit'.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error !== null) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.argv.slice(2, 4).join('-')}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

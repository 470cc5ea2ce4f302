import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SERVER_SCRIPT = fileURLToPath(new URL('../fixtures/serve-echo.ts', import.meta.url));

describe('installSignalHandlers', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`shuts down gracefully and exits 0 on ${signal}`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      const listening = new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('signal handlers installed')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${output}`)));
      });
      await listening;
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill(signal);
      const [code, killedBy] = await exited;
      assert.equal(killedBy, null, output);
      assert.equal(code, 0, output);
      const lines = output.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; signal?: string });
      assert.ok(lines.some((line) => line.msg === 'stop signal received' && line.signal === signal));
      assert.ok(lines.some((line) => line.msg === 'shut down'));
    });
  }
});

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Enough of a process's last lines to see why it failed, short enough to read on a terminal. */
const TAIL_LINES = 15;
/** Time a service gets to drain after SIGTERM; the demo sets its shutdown timeout below this. */
export const DEFAULT_STOP_GRACE_MS = 5000;

/**
 * The command line entry: bin/dlrs.js from the sources (it registers tsx), the compiled
 * dist/bin/cli.js otherwise (dist holds no dlrs.js).
 */
const CLI_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dlrs.js' : '../cli.js', import.meta.url));

/** How a child process ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link startDlrsProcess}. */
export interface DlrsProcessOptions {
  /** Shown in messages, e.g. `retrieval 0/2`. */
  name: string;
  /** The dlrs arguments, e.g. `['serve', 'ranking', '--bundle', dir]`. */
  args: string[];
  /** Added to the demo's own environment. */
  env?: Record<string, string>;
  /** Every output line is appended here. */
  logFile?: string;
  /** Called with each output line as it arrives (progress relays). */
  onLine?: (line: string) => void;
}

/** What the shared gRPC server logs once bound, with the port it got (DLRS_PORT=0: the one the kernel chose). */
const LISTENING_MESSAGE = 'gRPC server listening';

/** Every child still running, killed when the demo's process exits whatever the reason. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLeftoversOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** A `dlrs` child process with its output captured: a log file and the last lines in memory. */
export class DlrsProcess {
  readonly name: string;
  /** Resolves when the process has ended. */
  readonly exited: Promise<ChildExit>;
  /**
   * The port its gRPC server bound, read from its log line; rejects when the process ends first.
   * A service started with DLRS_PORT=0 binds a port no other program holds, so there is no race
   * between choosing a port and binding it.
   */
  readonly grpcPort: Promise<number>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private exit: ChildExit | undefined;

  constructor(options: DlrsProcessOptions) {
    killLeftoversOnExit();
    this.name = options.name;
    this.child = spawn(process.execPath, [CLI_ENTRY, ...options.args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    let listened: ((port: number) => void) | undefined;
    const listening = new Promise<number>((resolve) => (listened = resolve));
    const log: WriteStream | undefined = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
    const streamsClosed = [this.child.stdout, this.child.stderr].map((stream) => {
      if (stream === null) return Promise.resolve();
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        log?.write(`${line}\n`);
        if (listened !== undefined && line.includes(LISTENING_MESSAGE)) {
          const port = portOf(line);
          if (port !== undefined) {
            listened(port);
            listened = undefined;
          }
        }
        options.onLine?.(line);
      });
      return new Promise<void>((resolve) => lines.once('close', resolve));
    });
    const ended = new Promise<ChildExit>((resolve) => {
      this.child.once('error', (error) => {
        this.tail.push(`could not start: ${error.message}`);
        resolve({ code: null, signal: null });
      });
      this.child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    // The exit is reported after the last output line, so that a failure's reason is in the tail.
    this.exited = Promise.all([ended, ...streamsClosed]).then(async ([exit]) => {
      running.delete(this.child);
      this.exit = exit;
      if (log !== undefined) await new Promise<void>((resolve) => log.end(resolve));
      return exit;
    });
    this.grpcPort = Promise.race([
      listening,
      this.exited.then((exit): never => {
        throw new Error(`${this.name} ended before its gRPC server listened (${describeExit(exit)})`);
      }),
    ]);
    // Awaited by whoever needs the port; a process that ends first is reported by its exit as well.
    this.grpcPort.catch(() => undefined);
  }

  /** The process id, undefined when it could not start. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has ended. */
  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** The last lines of output, pino JSON lines shortened to level, message and error. */
  lastLines(): string[] {
    return this.tail.map(readableLogLine);
  }

  /** Sends `signal` at once (the drills' kill -9); resolves with how the process ended. */
  kill(signal: NodeJS.Signals): Promise<ChildExit> {
    if (this.exit === undefined) this.child.kill(signal);
    return this.exited;
  }

  /** SIGTERM, then SIGKILL when it has not ended within `graceMs`; resolves with how it ended. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<ChildExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const first = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** Starts `dlrs <args>` as a child process of the demo. */
export function startDlrsProcess(options: DlrsProcessOptions): DlrsProcess {
  return new DlrsProcess(options);
}

/** Describes how a process ended, e.g. `exit code 1` or `signal SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}

/** The port of a gRPC server's listening log line (pino JSON), undefined when it names none. */
function portOf(line: string): number | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === LISTENING_MESSAGE && typeof entry.port === 'number' && entry.port > 0 ? entry.port : undefined;
  } catch {
    return undefined;
  }
}

function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown; err?: { message?: unknown } };
    if (typeof entry.msg !== 'string') return line;
    const error = typeof entry.err?.message === 'string' ? `: ${entry.err.message}` : '';
    return `${String(entry.level ?? '')} ${entry.msg}${error}`.trim();
  } catch {
    return line;
  }
}

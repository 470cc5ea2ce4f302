import type { DurableFile, DurableFs, FileStat, OpenFlags } from './durable-fs.js';
import { nodeDurableFs } from './node-durable-fs.js';

/** The operations a {@link FaultRule} can hit; file-handle operations are matched by the path the file was opened with. */
export type FaultOp = 'open' | 'write' | 'read' | 'sync' | 'datasync' | 'truncate' | 'close' | 'readFile' | 'readdir' | 'stat' | 'mkdir' | 'rename' | 'rm';

/** The errors a failing disk gives. */
export type FaultCode = 'ENOSPC' | 'EIO' | 'EACCES';

/** Which calls a fault hits, and what it does to them. */
export interface FaultRule {
  op: FaultOp;
  /** A string matches the paths that contain it; omitted, every path matches. A rename matches on either path. */
  path?: string | RegExp;
  /** The first matching call hit, 1-based (default 1: the next one). */
  nth?: number;
  /** How many matching calls in a row are hit from the nth on (default: all of them, until removed). */
  times?: number;
  /** Fail the call with this error, doing nothing. */
  error?: FaultCode;
  /** For 'write': write at most this many bytes of those asked, and report how many were written. */
  shortWriteBytes?: number;
}

/** An injected fault: how often it hit, and a way to lift it (for example: space returns). */
export interface Fault {
  readonly hits: number;
  remove(): void;
}

const FAULT_TEXT: Readonly<Record<FaultCode, { errno: number; text: string }>> = {
  ENOSPC: { errno: -28, text: 'no space left on device' },
  EIO: { errno: -5, text: 'i/o error' },
  EACCES: { errno: -13, text: 'permission denied' },
};

interface ActiveFault {
  rule: FaultRule;
  matched: number;
  hits: number;
}

/**
 * A {@link DurableFs} for tests: passes every call to `inner` (the real file
 * system by default) except those hit by an injected {@link FaultRule}, which
 * fail as a full or failing disk would, or write short.
 */
export class FaultyDurableFs implements DurableFs {
  private faults: ActiveFault[] = [];

  constructor(private readonly inner: DurableFs = nodeDurableFs) {}

  /** Adds a fault; rules are tried in the order they were injected and the first that hits decides. */
  inject(rule: FaultRule): Fault {
    if ((rule.error === undefined) === (rule.shortWriteBytes === undefined)) throw new Error('a fault rule needs exactly one of error and shortWriteBytes');
    if (rule.shortWriteBytes !== undefined && (rule.op !== 'write' || !Number.isInteger(rule.shortWriteBytes) || rule.shortWriteBytes < 0)) {
      throw new Error('shortWriteBytes applies to op write and must be an integer ≥ 0');
    }
    const active: ActiveFault = { rule, matched: 0, hits: 0 };
    this.faults.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.faults = this.faults.filter((fault) => fault !== active);
      },
    };
  }

  /** Lifts every fault. */
  clearFaults(): void {
    this.faults = [];
  }

  async open(path: string, flags: OpenFlags): Promise<DurableFile> {
    this.check('open', [path]);
    return new FaultyDurableFile(await this.inner.open(path, flags), (op, paths) => this.check(op, paths));
  }

  readFile(path: string): Promise<Buffer> {
    return this.run('readFile', [path], () => this.inner.readFile(path));
  }

  readdir(path: string): Promise<string[]> {
    return this.run('readdir', [path], () => this.inner.readdir(path));
  }

  stat(path: string): Promise<FileStat> {
    return this.run('stat', [path], () => this.inner.stat(path));
  }

  mkdir(path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.run('mkdir', [path], () => this.inner.mkdir(path, options));
  }

  rename(fromPath: string, toPath: string): Promise<void> {
    return this.run('rename', [fromPath, toPath], () => this.inner.rename(fromPath, toPath));
  }

  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void> {
    return this.run('rm', [path], () => this.inner.rm(path, options));
  }

  truncate(path: string, lengthBytes: number): Promise<void> {
    return this.run('truncate', [path], () => this.inner.truncate(path, lengthBytes));
  }

  /** The rule that hits this call, if any (counting the call against every matching rule). */
  private hit(op: FaultOp, paths: readonly string[]): FaultRule | undefined {
    let hitting: FaultRule | undefined;
    for (const fault of this.faults) {
      const { rule } = fault;
      if (rule.op !== op || !paths.some((path) => matches(rule.path, path))) continue;
      fault.matched++;
      const first = rule.nth ?? 1;
      const inRange = fault.matched >= first && fault.matched < first + (rule.times ?? Infinity);
      if (inRange && hitting === undefined) {
        fault.hits++;
        hitting = rule;
      }
    }
    return hitting;
  }

  /** Throws the error of the rule that hits this call, if any; returns a short-write rule that hits it. */
  private check(op: FaultOp, paths: readonly string[]): FaultRule | undefined {
    const rule = this.hit(op, paths);
    if (rule?.error !== undefined) throw faultError(rule.error, op, paths[0]);
    return rule;
  }

  private async run<T>(op: FaultOp, paths: readonly string[], call: () => Promise<T>): Promise<T> {
    this.check(op, paths);
    return call();
  }
}

type CheckFault = (op: FaultOp, paths: readonly string[]) => FaultRule | undefined;

class FaultyDurableFile implements DurableFile {
  constructor(
    private readonly inner: DurableFile,
    private readonly check: CheckFault,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async write(data: Uint8Array, position?: number): Promise<number> {
    const rule = this.check('write', [this.path]);
    // A short write puts part of the data on disk, as a nearly full disk does.
    if (rule?.shortWriteBytes !== undefined) return this.inner.write(data.subarray(0, Math.min(rule.shortWriteBytes, data.byteLength)), position);
    return this.inner.write(data, position);
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    this.check('read', [this.path]);
    return this.inner.read(buffer, position);
  }

  async sync(): Promise<void> {
    this.check('sync', [this.path]);
    return this.inner.sync();
  }

  async datasync(): Promise<void> {
    this.check('datasync', [this.path]);
    return this.inner.datasync();
  }

  async truncate(lengthBytes: number): Promise<void> {
    this.check('truncate', [this.path]);
    return this.inner.truncate(lengthBytes);
  }

  stat(): Promise<FileStat> {
    return this.inner.stat();
  }

  async close(): Promise<void> {
    try {
      this.check('close', [this.path]);
    } finally {
      // The descriptor is released even when close reports an error, as close(2) does.
      await this.inner.close();
    }
  }
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

function faultError(code: FaultCode, op: FaultOp, path: string): NodeJS.ErrnoException {
  const { errno, text } = FAULT_TEXT[code];
  return Object.assign(new Error(`${code}: ${text}, ${op} '${path}'`), { code, errno, syscall: op, path });
}

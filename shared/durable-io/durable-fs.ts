/** How a file is opened; the meanings of node:fs ('a' appends at the end whatever position is given). */
export type OpenFlags = 'r' | 'r+' | 'w' | 'wx' | 'a';

/** What {@link DurableFs.stat} reports. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** An open file. Errors are Node's (an `Error` with `code` such as ENOSPC, EIO or EACCES). */
export interface DurableFile {
  /** The path it was opened with. */
  readonly path: string;
  /**
   * Writes `data` at byte `position` (at the end for a file opened with 'a', or
   * when `position` is omitted); resolves with the bytes written, which may be
   * fewer than asked (see {@link writeAll}).
   */
  write(data: Uint8Array, position?: number): Promise<number>;
  /** Reads into `buffer` from byte `position`; resolves with the bytes read (0 at the end). */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** fsync: data and metadata reach the disk. */
  sync(): Promise<void>;
  /** fdatasync: data (and the size) reach the disk. */
  datasync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  stat(): Promise<FileStat>;
  close(): Promise<void>;
}

/**
 * The file operations the durable stores use, so that tests can put a
 * failing disk under them ({@link FaultyDurableFs}); {@link nodeDurableFs}
 * is the real one.
 */
export interface DurableFs {
  open(path: string, flags: OpenFlags): Promise<DurableFile>;
  readFile(path: string): Promise<Buffer>;
  /** The names in a directory. */
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<FileStat>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  rename(fromPath: string, toPath: string): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  truncate(path: string, lengthBytes: number): Promise<void>;
}

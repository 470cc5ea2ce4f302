import { mkdir, open, readdir, readFile, rename, rm, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { DurableFile, DurableFs, FileStat, OpenFlags } from './durable-fs.js';

/** The real file system, over node:fs/promises. */
export const nodeDurableFs: DurableFs = Object.freeze({
  async open(path: string, flags: OpenFlags): Promise<DurableFile> {
    return new NodeDurableFile(path, await open(path, flags));
  },
  readFile: (path: string) => readFile(path),
  readdir: (path: string) => readdir(path),
  stat: async (path: string) => fileStat(await stat(path)),
  async mkdir(path: string, options?: { recursive?: boolean }): Promise<void> {
    await mkdir(path, options);
  },
  rename: (fromPath: string, toPath: string) => rename(fromPath, toPath),
  rm: (path: string, options?: { recursive?: boolean; force?: boolean }) => rm(path, options),
  truncate: (path: string, lengthBytes: number) => truncate(path, lengthBytes),
});

class NodeDurableFile implements DurableFile {
  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  async write(data: Uint8Array, position?: number): Promise<number> {
    return (await this.handle.write(data, 0, data.byteLength, position ?? null)).bytesWritten;
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    return (await this.handle.read(buffer, 0, buffer.byteLength, position)).bytesRead;
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  truncate(lengthBytes: number): Promise<void> {
    return this.handle.truncate(lengthBytes);
  }

  async stat(): Promise<FileStat> {
    return fileStat(await this.handle.stat());
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function fileStat(stats: Stats): FileStat {
  return { size: stats.size, mtimeMs: stats.mtimeMs, isFile: stats.isFile(), isDirectory: stats.isDirectory() };
}

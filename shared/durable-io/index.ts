export type { DurableFile, DurableFs, FileStat, OpenFlags } from './durable-fs.js';
export { nodeDurableFs } from './node-durable-fs.js';
export { FaultyDurableFs } from './faulty-durable-fs.js';
export type { Fault, FaultCode, FaultOp, FaultRule } from './faulty-durable-fs.js';
export { writeAll } from './write-all.js';
export { syncDirectory } from './sync-directory.js';

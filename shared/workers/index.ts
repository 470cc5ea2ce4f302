export { spawnWorker } from './spawn-worker.js';

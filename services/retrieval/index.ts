export { runRetrieval } from './run-retrieval.js';

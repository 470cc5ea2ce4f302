export { TokenTable } from './token-table.js';
export type { TokenEntry } from './token-table.js';
export { parseTokenFile, firstTokenOf } from './parse-token-file.js';
export type { TokenFileFormat } from './parse-token-file.js';
export { watchTokenFile, DEFAULT_TOKEN_FILE_POLL_MS } from './token-file-watcher.js';
export type { TokenFileWatcher, TokenFileWatcherOptions } from './token-file-watcher.js';
export { AUTHORIZATION_METADATA_KEY, bearerTokenOf, bearerValue } from './bearer-token.js';

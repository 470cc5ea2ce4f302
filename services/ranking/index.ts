export { runRanking } from './run-ranking.js';
export { startRankingServer } from './server.js';
export type { RankingServer, RankingServerOptions, BundleDescriber } from './server.js';
export { describeBundle } from './model/bundle-description.js';
export { loadRankingConfig, rankingConfigDefinition, servingSettings } from './config.js';
export type { RankingConfig } from './config.js';

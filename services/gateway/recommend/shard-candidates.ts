/**
 * Why 4: items are spread over the shards by a hash, so how many of the overall best C
 * candidates lie on one shard follows Binomial(C, 1/S); its mean plus four standard
 * deviations is exceeded with probability about 3e-5 per shard and request, and even then
 * only the last few of the C candidates, the ones RankNet is least likely to lift into the
 * top k, are missed.
 */
export const SHARD_CANDIDATE_MARGIN_SD = 4;

/**
 * How many candidates to ask each of `shards` shards for so that their merge still holds
 * the best `candidates` overall (all of them with one shard). Asking every shard for all
 * C would make each search as deep as C and ship S times C embeddings to the gateway, for
 * candidates that mostly lose the merge: with 300 candidates and 2 shards, 185 each.
 */
export function candidatesPerShard(candidates: number, shards: number): number {
  if (shards <= 1) return candidates;
  const p = 1 / shards;
  const mean = candidates * p;
  const sd = Math.sqrt(candidates * p * (1 - p));
  return Math.min(candidates, Math.ceil(mean + SHARD_CANDIDATE_MARGIN_SD * sd));
}

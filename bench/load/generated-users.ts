/** What generated Recommend requests ask for. */
export interface GeneratedUsers {
  /** Distinct users, asked for in turn. */
  users: number;
  /** User ids are `${prefix}${1..users}`: MovieLens ids with no prefix, synthetic datasets' with `u`. */
  prefix: string;
  k: number;
  candidates: number;
}

/**
 * Recommend requests (proto3 JSON of dlrs.v1.RecommendRequest) for `users` users, one each, with
 * unique request ids so that they can share a stream.
 */
export function generatedUserRequests({ users, prefix, k, candidates }: GeneratedUsers): Record<string, unknown>[] {
  return Array.from({ length: users }, (_, i) => ({ requestId: `g${i}`, userId: `${prefix}${i + 1}`, k, candidates }));
}

/** One interaction of a probe's anonymous user, as `RecommendRequest.context` carries it. */
export interface ProbeInteraction {
  readonly itemId: string;
  readonly eventType: string;
  readonly timestampMs: number;
}

/** One item of a reference answer: RankNet's score p, as a Recommend answer carries it. */
export interface ProbeAnswerItem {
  readonly itemId: string;
  readonly score: number;
}

/** A probe request and the answer the bundle's own networks give it. */
export interface BundleProbe {
  /** The anonymous user's interactions, oldest first. */
  readonly interactions: readonly ProbeInteraction[];
  /** Best first, at most `k` items; the interactions' items are excluded, as the gateway excludes seen items. */
  readonly answer: readonly ProbeAnswerItem[];
}

/** `probes.json`: requests a rollout sends through the gateway, with the answers the bundle must give. */
export interface BundleProbes {
  /** Items per answer (the requests' `k`). */
  readonly k: number;
  /** Retrieval candidates RankNet reorders (the requests' `candidates`). */
  readonly candidates: number;
  readonly probes: readonly BundleProbe[];
}

/** Parses `probes.json`; `fail` gets what is wrong with it. */
export function parseBundleProbes(text: string, fail: (what: string) => never): BundleProbes {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  const record = (value: unknown, where: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${where}: expected an object`);
  const list = (value: unknown, where: string): unknown[] => (Array.isArray(value) ? value : fail(`${where}: expected an array`));
  const count = (value: unknown, where: string): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fail(`${where}: expected a positive integer`));
  const nonEmpty = (value: unknown, where: string): string => (typeof value === 'string' && value !== '' ? value : fail(`${where}: expected a non-empty string`));
  const finite = (value: unknown, where: string): number => (typeof value === 'number' && Number.isFinite(value) ? value : fail(`${where}: expected a finite number`));
  const top = record(raw, 'probes.json');
  const k = count(top.k, 'k');
  const candidates = count(top.candidates, 'candidates');
  const probes = list(top.probes, 'probes').map((p, i): BundleProbe => {
    const probe = record(p, `probes[${i}]`);
    const interactions = list(probe.interactions, `probes[${i}].interactions`).map((x, j): ProbeInteraction => {
      const where = `probes[${i}].interactions[${j}]`;
      const e = record(x, where);
      return { itemId: nonEmpty(e.itemId, `${where}.itemId`), eventType: typeof e.eventType === 'string' ? e.eventType : fail(`${where}.eventType: expected a string`), timestampMs: finite(e.timestampMs, `${where}.timestampMs`) };
    });
    const answer = list(probe.answer, `probes[${i}].answer`).map((x, j): ProbeAnswerItem => {
      const where = `probes[${i}].answer[${j}]`;
      const a = record(x, where);
      return { itemId: nonEmpty(a.itemId, `${where}.itemId`), score: finite(a.score, `${where}.score`) };
    });
    if (interactions.length === 0) fail(`probes[${i}].interactions: expected at least one`);
    if (answer.length > k) fail(`probes[${i}].answer: ${answer.length} items, more than k ${k}`);
    return { interactions, answer };
  });
  return { k, candidates, probes };
}

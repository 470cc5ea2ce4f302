// Ranking's own cost of one Rank request up to the batch tensors, in-process: the protobuf
// decode of the request, its checks (parseRankRequest) and the copy of the candidates' e_i and
// b_i into the batch (writeCandidates), with every embedding shipped against candidates by
// bundle row read from an item table of the bench-scale size. Each request names other random
// rows, so the table's rows are not in cache (as under load).
//   node --import tsx bench/ranking/rank-request-cost.ts [--items 100000] [--dim 64] [--candidates 300] [--shipped 2] [--requests 5000] [--rounds 3]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import { NO_BUNDLE_ROW, bundleRowsBytes, loadProtos } from '../../shared/proto/index.js';
import { ItemTable } from '../../services/ranking/model/item-table.js';
import { parseRankRequest, writeCandidates } from '../../services/ranking/wire/rank-request.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '64' },
    candidates: { type: 'string', default: '300' },
    // Candidates upserted since the bundle: shipped even on the by-row path.
    shipped: { type: 'string', default: '2' },
    requests: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
  },
});
const [items, dim, candidates, shippedCount, requests, rounds] = [values.items, values.dim, values.candidates, values.shipped, values.requests, values.rounds].map(Number);
/** Distinct requests cycled, each with its own random rows. */
const DISTINCT = 256;

const randomFloats = (length: number): Float32Array => Float32Array.from({ length }, () => Math.random() * 2 - 1);
const bytes = (floats: Float32Array): Buffer => Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
const table = new ItemTable(dim, randomFloats(items * dim), randomFloats(items));
const rank = loadProtos().grpcObject.dlrs.v1.Ranking.service.Rank;
const base = { requestId: 'r', modelVersion: 'v1', dim, userEmbedding: bytes(randomFloats(dim)), userBias: 0.1, topK: 10, timeoutMs: 100 };

/** The wire bytes of DISTINCT requests of one kind. */
function wireRequests(byRow: boolean): Buffer[] {
  return Array.from({ length: DISTINCT }, () => {
    const rows = Array.from({ length: candidates }, (_, i) => (i < shippedCount ? NO_BUNDLE_ROW : Math.floor(Math.random() * items)));
    if (!byRow) return rank.requestSerialize({ ...base, itemEmbeddings: bytes(randomFloats(candidates * dim)), itemBiases: bytes(randomFloats(candidates)) });
    return rank.requestSerialize({ ...base, itemEmbeddings: bytes(randomFloats(shippedCount * dim)), itemBiases: bytes(randomFloats(shippedCount)), bundleRows: bundleRowsBytes(rows) });
  });
}

const eI = new Float32Array(candidates * dim);
const bI = new Float32Array(candidates);
/** µs per request of each step, summed over `requests` requests. */
function measure(wire: Buffer[]): { decodeUs: number; parseUs: number; writeUs: number } {
  let [decodeMs, parseMs, writeMs] = [0, 0, 0];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const request = rank.requestDeserialize(wire[i % DISTINCT]) as RankRequest__Output;
    const t1 = performance.now();
    const parsed = parseRankRequest(request, dim, candidates, table);
    const t2 = performance.now();
    writeCandidates(parsed.rows, parsed.candidates, dim, eI, bI, 0);
    const t3 = performance.now();
    decodeMs += t1 - t0;
    parseMs += t2 - t1;
    writeMs += t3 - t2;
  }
  const perRequest = (ms: number): number => (ms * 1000) / requests;
  return { decodeUs: perRequest(decodeMs), parseUs: perRequest(parseMs), writeUs: perRequest(writeMs) };
}

const kinds = { shipped: wireRequests(false), 'by row': wireRequests(true) };
console.log(`Rank request to batch tensors, in-process: ${candidates} candidates (${shippedCount} shipped on the by-row path), d = ${dim}, a ${items}-row table, ${requests} requests per figure`);
console.log(`wire bytes per request: shipped ${kinds.shipped[0].length}, by row ${kinds['by row'][0].length}`);
console.log('round  kind      decode µs  parse µs  write µs  total µs  load average');
for (let round = 1; round <= rounds; round++) {
  for (const [kind, wire] of Object.entries(kinds)) {
    measure(wire); // warm
    const { decodeUs, parseUs, writeUs } = measure(wire);
    const cells = [decodeUs, parseUs, writeUs, decodeUs + parseUs + writeUs].map((us) => us.toFixed(1).padStart(8));
    console.log(`${String(round).padStart(5)}  ${kind.padEnd(8)} ${cells.join('  ')}  ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  }
}

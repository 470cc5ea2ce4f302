/**
 * Micro-benchmark of the user-profile path every Recommend takes in ranking: decode an
 * EmbedUsers message, read its profiles (profileFromMessage) and write UserNet input rows
 * (writeProfileRow) into a reused batch. Prints CPU and JS-heap allocation per profile.
 *
 *   npx tsx bench/features/profile-path.ts --bundle DIR [--profiles 256] [--profile-events 5] [--seconds 5]
 */
import { parseArgs } from 'node:util';
import { readBundle } from '../../shared/bundle/index.js';
import { createUserBatch, profileFromMessage, writeProfileRow } from '../../shared/features/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { benchProfiles } from '../ranking/bench-profiles.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    profiles: { type: 'string', default: '256' },
    'profile-events': { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
  },
});
if (values.bundle === undefined) throw new Error('--bundle DIR is required');
const profileCount = Number(values.profiles);
const events = Number(values['profile-events']);
const seconds = Number(values.seconds);

const spec = (await readBundle(values.bundle)).manifest.featureSpec;
const messages = await benchProfiles(values.bundle, profileCount, { min: events, max: events });
const method = loadProtos().grpcObject.dlrs.v1.Ranking.service.EmbedUsers;
// One request per profile, as a Recommend sends it.
const wire = messages.map((profile) => method.requestSerialize({ profiles: [profile] }));
const decoded = wire.map((bytes) => method.requestDeserialize(bytes).profiles[0]);
const batch = createUserBatch(spec, 1);
// One scratch per model, as ranking's feature-user-encoder keeps it.
const scratch = spec.features.flatMap((feature) => (feature.kind === 'continuous' ? [] : [new Float64Array(feature.vocabulary.length)]));

/** Runs `step` over all profiles repeatedly for `seconds`; CPU µs and heap bytes per profile. */
function measure(label: string, step: (i: number) => void): void {
  for (let i = 0; i < profileCount * 20; i++) step(i % profileCount); // warm-up
  let calls = 0;
  let allocated = 0;
  let measuredCalls = 0;
  const cpu = process.cpuUsage();
  const endMs = Date.now() + seconds * 1000;
  while (Date.now() < endMs) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < profileCount; i++) step(i);
    const after = process.memoryUsage().heapUsed;
    calls += profileCount;
    // A scavenge inside the chunk hides its allocation: only chunks without one count.
    if (after >= before) {
      allocated += after - before;
      measuredCalls += profileCount;
    }
  }
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / calls;
  console.log(`${label}: ${cpuUs.toFixed(2)} µs CPU/profile, ${(allocated / Math.max(1, measuredCalls)).toFixed(0)} B heap/profile (${calls} profiles)`);
}

measure('read+write (profileFromMessage + writeProfileRow)', (i) => writeProfileRow(batch, 0, profileFromMessage(decoded[i], spec), scratch));
measure('decode+read+write (requestDeserialize + both)', (i) => writeProfileRow(batch, 0, profileFromMessage(method.requestDeserialize(wire[i]).profiles[0], spec), scratch));

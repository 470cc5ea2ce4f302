import { DlrsError } from '../../../shared/errors/index.js';
import type { FeatureSpec, UserBatch } from '../../../shared/features/index.js';
import { createUserBatch, profileFromMessage, userBatchTensors, writeProfileRow } from '../../../shared/features/index.js';
import type { UserProfile__Output } from '../../../shared/generated/dlrs/v1/UserProfile.js';
import type { TensorShape } from '../inference/inference-messages.js';
import type { UserEncoder } from './user-net-runner.js';

/** The user's demographic or context attributes: the feature spec has no user features, so any is unknown. */
function checkNoAttributes(profile: UserProfile__Output, field: string): void {
  const name = Object.keys(profile.attributes)[0];
  if (name !== undefined) throw new DlrsError('INVALID_ARGUMENT', `unknown user feature '${name}' (this model has none)`, { field: `${field}.attributes` });
}

/**
 * The UserEncoder of a model: wire profiles validated against its feature spec (unknown
 * features are INVALID_ARGUMENT naming the field) when the request arrives, and written by the
 * shared feature encoder (the trainer's own path, `writeProfileRow`) straight into the batch's
 * UserNet inputs when it runs: no tensors per request, one scratch per model.
 */
export function featureUserEncoder(spec: FeatureSpec): UserEncoder {
  // The inputs' names, types and widths, as the shared encoder lays out a batch.
  const template = userBatchTensors(createUserBatch(spec, 1), 1);
  // docs/model-contract.md: one user_dist_<f> per categorical and multi feature, in spec order (UserBatch.dist's order).
  const distNames = spec.features.filter((feature) => feature.kind !== 'continuous').map((feature) => `user_dist_${feature.name}`);
  const scratch = spec.features.flatMap((feature) => (feature.kind === 'continuous' ? [] : [new Float64Array(feature.vocabulary.length)]));
  const view = <T extends Float32Array | Int32Array>(views: Readonly<Record<string, Float32Array | Int32Array>>, name: string, type: new () => T): T => {
    const found = views[name];
    if (!(found instanceof type)) throw new Error(`user_net input ${name} is missing or has another type`);
    return found;
  };
  return {
    inputs: (rows) => Object.fromEntries(Object.entries(template).map(([name, tensor]): [string, TensorShape] => [name, { type: tensor.type, dims: [rows, ...tensor.dims.slice(1)] }])),
    read(profiles) {
      const read = profiles.map((profile, k) => {
        checkNoAttributes(profile, `profiles[${k}]`);
        return profileFromMessage(profile, spec, `profiles[${k}]`);
      });
      return {
        count: read.length,
        write(views, start) {
          const batch: UserBatch = {
            spec,
            capacity: start + read.length,
            dist: distNames.map((name) => view(views, name, Float32Array)),
            cont: template.user_cont === undefined ? undefined : view(views, 'user_cont', Float32Array),
            bagIds: view(views, 'user_bag_ids', Int32Array),
            bagWeights: view(views, 'user_bag_weights', Float32Array),
          };
          read.forEach((profile, k) => writeProfileRow(batch, start + k, profile, scratch));
        },
      };
    },
  };
}

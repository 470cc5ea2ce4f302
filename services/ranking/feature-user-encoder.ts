import { DlrsError } from '../../shared/errors/index.js';
import type { FeatureSpec } from '../../shared/features/index.js';
import { encodeUsers, profileFromMessage } from '../../shared/features/index.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import type { UserEncoder } from './loaded-model.js';

/** The user's demographic or context attributes: the feature spec has no user features, so any is unknown. */
function checkNoAttributes(profile: UserProfile__Output, field: string): void {
  const name = Object.keys(profile.attributes)[0];
  if (name !== undefined) throw new DlrsError('INVALID_ARGUMENT', `unknown user feature '${name}' (this model has none)`, { field: `${field}.attributes` });
}

/**
 * The UserEncoder of a model: wire profiles validated against its feature spec (unknown
 * features are INVALID_ARGUMENT naming the field) and encoded by the shared feature encoder,
 * the trainer's own path.
 */
export function featureUserEncoder(spec: FeatureSpec): UserEncoder {
  return (profiles) =>
    encodeUsers(
      spec,
      profiles.map((profile, k) => {
        checkNoAttributes(profile, `profiles[${k}]`);
        return profileFromMessage(profile, spec, `profiles[${k}]`);
      }),
    );
}

import type { FeatureSpec } from '../../shared/features/index.js';
import { encodeUsers } from '../../shared/features/index.js';
import type { UserEncoder } from './loaded-model.js';
import { profileFromProto } from './profile-from-proto.js';

/** The UserEncoder of a model: wire profiles checked against its feature spec, encoded by the shared feature encoder. */
export function featureUserEncoder(spec: FeatureSpec): UserEncoder {
  return (profiles) => encodeUsers(spec, profiles.map((profile, k) => profileFromProto(spec, profile, `profiles[${k}]`)));
}

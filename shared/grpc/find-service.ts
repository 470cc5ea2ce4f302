import type { ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';

/** The service definition of a fully qualified service name (`dlrs.v1.Ranking`) in loaded package definitions. */
export function findService(packageDefinitions: readonly PackageDefinition[], fullName: string): ServiceDefinition {
  for (const packageDefinition of packageDefinitions) {
    const entry = packageDefinition[fullName];
    // Message and enum entries carry a `format`; service entries are maps of methods.
    if (entry !== undefined && !('format' in entry)) return entry as ServiceDefinition;
  }
  throw new Error(`service ${fullName} is not in the loaded proto files`);
}

/** The fully qualified name of a service, read from its methods' paths. */
export function serviceNameOf(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (first === undefined) throw new Error('a service without methods cannot be served');
  return first.path.replace(/^\//, '').split('/')[0];
}

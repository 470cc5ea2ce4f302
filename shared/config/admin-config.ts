import { booleanField, configField, filePathField } from './config-fields.js';

/** A comma-separated list of certificate subject alternative names (`gateway.dlrs.svc`, `spiffe://…`). */
function sanListField() {
  return configField('a comma-separated list of certificate subject alternative names', (raw) => {
    const list = typeof raw === 'string' ? raw.split(',').map((part) => part.trim()) : raw;
    if (!Array.isArray(list) || list.length === 0) return undefined;
    return list.every((name) => typeof name === 'string' && /^[^\s,]+$/.test(name)) ? (list as string[]) : undefined;
  });
}

/**
 * Who may call the admin methods of an internal tier (LoadModel, Snapshot, item writes), and
 * where LoadModel may read bundles. Closed by default: with neither an internal token nor an
 * allow-list of client certificates, admin calls are refused unless allowInsecureAdmin.
 */
export function adminConfigShape() {
  return {
    /** Internal tokens, one per line (the first is the one clients present); re-read on change and SIGHUP. */
    internalTokenFile: filePathField({ mustExist: true }).optional(),
    /** Client certificates (mutual TLS) whose SAN is listed may call admin methods without a token. */
    adminClientSans: sanListField().optional(),
    /** Let anyone who reaches the port call admin methods (local experiments only); logged as a warning. */
    allowInsecureAdmin: booleanField().default(false),
    /** LoadModel reads bundles only under this directory (realpath); default: the directory of the served bundle. */
    bundleRoot: filePathField({ mustExist: true }).optional(),
  };
}

/** The typed admin settings, as {@link adminConfigShape} produces them after loading. */
export interface AdminConfig {
  readonly internalTokenFile?: string | undefined;
  readonly adminClientSans?: readonly string[] | undefined;
  readonly allowInsecureAdmin: boolean;
  readonly bundleRoot?: string | undefined;
  /** With mutual TLS on, the CA client certificates must chain to. */
  readonly tlsCaPath?: string | undefined;
}

/** Settings that contradict each other, named by their variables. */
export function adminConfigProblems(config: AdminConfig): string[] {
  const problems: string[] = [];
  if (config.adminClientSans !== undefined && config.tlsCaPath === undefined) {
    problems.push('DLRS_ADMIN_CLIENT_SANS needs DLRS_TLS_CA_PATH: client certificates are only verified with mutual TLS');
  }
  return problems;
}

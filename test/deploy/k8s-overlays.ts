// The overlays of deploy/k8s: every directory under overlays/ is rendered and checked, and
// what each may open is decided here, by name, not by the overlay itself.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExposurePolicy } from './closed-by-default-problems.js';

export const OVERLAYS_DIR = fileURLToPath(new URL('../../deploy/k8s/overlays/', import.meta.url));

/** The one-node development overlay: anonymous callers and plaintext allowed, never exposed. */
export const DEV_OVERLAY = 'dev';

/** The opt-in overlays that expose the gateway outside the cluster (TLS and tokens still required). */
const EXPOSING_OVERLAYS = ['public-lb', 'ingress'];

/** The names of the overlay directories, sorted. */
export function k8sOverlays(): string[] {
  return readdirSync(OVERLAYS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** What the overlay may open. */
export function exposurePolicyOf(overlay: string): ExposurePolicy {
  return { allowOpenGateway: overlay === DEV_OVERLAY, allowPublicExposure: EXPOSING_OVERLAYS.includes(overlay) };
}

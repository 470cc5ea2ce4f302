import type { Logger } from '../../../shared/logging/index.js';
import type { SessionReport } from './inference-messages.js';

/** Logs which provider each network's session got, and the providers that fell back; `worker` is a worker's index or `inline`. */
export function logSessionReports(logger: Logger, worker: number | 'inline', reports: Record<string, SessionReport>, models: Record<string, string | Uint8Array>): void {
  for (const [network, report] of Object.entries(reports)) {
    for (const failed of report.failures) {
      logger.warn({ worker, network, provider: failed.provider, fallback: report.provider, cause: failed.message }, 'execution provider unavailable; falling back');
    }
    const model = models[network];
    logger.info({ worker, network, provider: report.provider, model: typeof model === 'string' ? model : `${model.byteLength} bytes` }, 'inference session ready');
  }
}

import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { DlrsError } from '../../../shared/errors/index.js';
import { isUnsampled } from '../../../shared/telemetry/index.js';
import type { CallBudget } from './ports.js';
import { StageSignal } from './stage-signal.js';

/** Fractions of a request's time budget, cumulative by stage end; the rest answers the caller. */
export interface StageShares {
  embed: number;
  search: number;
  rank: number;
}

/**
 * UserNet is one small batch (a fifth of the budget); search fans out to every shard and
 * walks HNSW graphs (two fifths); RankNet scores a few hundred candidates (three tenths);
 * a tenth is left to merge, log and answer. A stage that finishes early leaves its rest
 * to the next, because each stage ends at a cumulative share.
 */
export const DEFAULT_STAGE_SHARES: StageShares = Object.freeze({ embed: 0.2, search: 0.4, rank: 0.3 });

/** Tracer of the gateway's stage spans. */
const TRACER_NAME = 'dlrs-gateway';

/**
 * Runs one stage's downstream call with its own budget: the call is cancelled when the
 * caller's signal aborts or `deadlineMs` passes, and the promise rejects at that moment
 * even if the callee ignores cancellation, so a stage never overruns its share. The stage
 * is a span (`gateway <stage>`), parent of the unary client calls made inside it, unless the
 * request's trace is unsampled (then no span would be recorded anyway).
 */
export function runStage<T>(stage: string, deadlineMs: number, callerSignal: AbortSignal, call: (budget: CallBudget) => Promise<T>, nowMs: number): Promise<T> {
  if (isUnsampled(context.active())) return withinBudget(stage, deadlineMs, callerSignal, call, nowMs);
  return trace.getTracer(TRACER_NAME).startActiveSpan(`gateway ${stage}`, async (span) => {
    try {
      return await withinBudget(stage, deadlineMs, callerSignal, call, nowMs);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

function withinBudget<T>(stage: string, deadlineMs: number, callerSignal: AbortSignal, call: (budget: CallBudget) => Promise<T>, nowMs: number): Promise<T> {
  if (callerSignal.aborted) return Promise.reject(new DlrsError('CANCELLED', 'the request was cancelled'));
  const signal = new StageSignal();
  return new Promise<T>((resolve, reject) => {
    // Whichever comes first settles the stage: the answer, the caller's abort, or the stage deadline.
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
      return true;
    };
    const stop = (error: DlrsError): void => {
      if (!finish()) return;
      signal.abort(error);
      reject(error);
    };
    const onCallerAbort = (): void => stop(new DlrsError('CANCELLED', 'the request was cancelled'));
    const timer = setTimeout(() => stop(new DlrsError('DEADLINE_EXCEEDED', `no answer from ${stage} within its share of the deadline`)), Math.max(0, deadlineMs - nowMs));
    callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    let answered: Promise<T>;
    try {
      answered = call({ deadlineMs, signal });
    } catch (error) {
      if (finish()) reject(error);
      return;
    }
    answered.then(
      (answer) => {
        if (finish()) resolve(answer);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

import { Client, Metadata, credentials, status as grpcStatus } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadProtos } from '../../shared/proto/index.js';
import { compileRequest } from './request-template.js';
import type { CallTemplateContext } from './request-template.js';

/** The name of a gRPC status code (`OK`, `UNAVAILABLE`, ...). */
export function statusName(code: number): string {
  return grpcStatus[code] ?? `CODE_${code}`;
}

/** One call's outcome, handed to the runner's callback. */
export interface CallOutcome {
  status: string;
  /** Answers received on a stream (0 for a unary call). */
  streamMessages: number;
  /** Stream answers that carried an error status instead of a result, by status name. */
  messageErrors: Map<string, number> | undefined;
  /** Answers flagged degraded, by their reasons joined with '+' (dlrs' RecommendResponse); undefined when none or not inspected. */
  degraded: Map<string, number> | undefined;
}

/** Sends calls of one method; `start` invokes `done` exactly once per call. */
export interface CallTarget {
  streaming: boolean;
  start(client: Client, context: CallTemplateContext, deadlineMs: number, done: (outcome: CallOutcome) => void): void;
}

type AnyMethod = MethodDefinition<object, object>;

/** Finds `package.Service.Method` among the dlrs protos. */
export function findMethod(call: string): AnyMethod {
  const dot = call.lastIndexOf('.');
  const service = loadProtos().packageDefinition[call.slice(0, dot)] as Record<string, AnyMethod | undefined> | undefined;
  const method = service?.[call.slice(dot + 1)];
  if (typeof method?.path !== 'string') throw new Error(`call '${call}' is not a method of proto/dlrs/v1 (package.Service.Method, e.g. dlrs.v1.Recommender.Recommend)`);
  if (method.requestStream !== method.responseStream) throw new Error(`call '${call}': only unary and bidirectional-streaming methods are implemented`);
  return method;
}

/** Opens `count` clients, each on its own connection (grpc-js would otherwise share one subchannel). */
export function openClients(host: string, count: number): Client[] {
  return Array.from({ length: count }, () => new Client(host, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
}

/** Resolves when every client is connected; rejects after `timeoutMs`. */
export async function waitForClients(clients: readonly Client[], host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    clients.map(
      (client) => new Promise<void>((resolve, reject) => client.waitForReady(deadline, (error) => (error ? reject(new Error(`no connection to ${host} within ${timeoutMs} ms: ${error.message}`)) : resolve()))),
    ),
  );
}

const identity = (buffer: Buffer): Buffer => buffer;

function increment(counts: Map<string, number> | undefined, key: string): Map<string, number> {
  const map = counts ?? new Map<string, number>();
  map.set(key, (map.get(key) ?? 0) + 1);
  return map;
}

interface AnswerShape {
  /** A stream answer's failure (dlrs' ErrorStatus). */
  error?: { code?: unknown } | null;
  /** A stream answer's result. */
  response?: AnswerShape | null;
  degraded?: unknown;
  degradedReasons?: unknown;
}

/** Notes what a decoded answer says about itself: an error carried on a stream, a degraded result. */
function inspectAnswer(answer: unknown, outcome: CallOutcome): void {
  const shape = answer as AnswerShape | null;
  const code = shape?.error?.code;
  if (typeof code === 'number' && code !== 0) outcome.messageErrors = increment(outcome.messageErrors, statusName(code));
  const result = shape?.response ?? shape;
  if (result?.degraded === true) {
    const reasons = Array.isArray(result.degradedReasons) && result.degradedReasons.length > 0 ? result.degradedReasons.join('+') : 'UNSPECIFIED';
    outcome.degraded = increment(outcome.degraded, reasons);
  }
}

/**
 * Prepares calls of `call` with `messages`. Requests without template placeholders are
 * serialised once, before the run. Answers are decoded to count the degraded ones and the
 * errors a stream carries; with `decodeAnswers` false, unary answers are not decoded at all
 * (the status is in the trailers), so a call costs the generator little more than grpc-js' own work.
 */
export function createCallTarget(call: string, messages: readonly unknown[], metadataPairs: Readonly<Record<string, string>>, decodeAnswers = true): CallTarget {
  const method = findMethod(call);
  const templateMethod = {
    fullyQualifiedName: call,
    inputName: (method.requestType.type as { name?: string }).name ?? '',
    outputName: (method.responseType.type as { name?: string }).name ?? '',
    clientStreaming: method.requestStream,
    serverStreaming: method.responseStream,
  };
  const builders = messages.map((m) => compileRequest(m, templateMethod));
  const fixed = messages.map((m, i) => (builders[i]({ requestNumber: 0, workerId: 0 }) === m ? method.requestSerialize(m as object) : undefined));
  const encode = (i: number, context: CallTemplateContext): Buffer => fixed[i] ?? method.requestSerialize(builders[i](context) as object);
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(metadataPairs)) metadata.set(key, value);

  if (!method.requestStream) {
    const unaryDeserialize = decodeAnswers ? method.responseDeserialize : identity;
    return {
      streaming: false,
      start(client, context, deadlineMs, done) {
        const request = encode(context.requestNumber % messages.length, context);
        client.makeUnaryRequest(method.path, identity, unaryDeserialize, request, metadata, { deadline: deadlineMs }, (error, answer) => {
          const outcome: CallOutcome = { status: error ? statusName(error.code) : 'OK', streamMessages: 0, messageErrors: undefined, degraded: undefined };
          if (decodeAnswers && answer !== undefined) inspectAnswer(answer, outcome);
          done(outcome);
        });
      },
    };
  }
  return {
    streaming: true,
    start(client, context, deadlineMs, done) {
      const stream = client.makeBidiStreamRequest(method.path, identity, method.responseDeserialize, metadata, { deadline: deadlineMs });
      const outcome: CallOutcome = { status: 'UNKNOWN', streamMessages: 0, messageErrors: undefined, degraded: undefined };
      stream.on('data', (message: unknown) => {
        outcome.streamMessages++;
        inspectAnswer(message, outcome);
      });
      // The outcome is complete once the status has arrived and the answers are drained ('end',
      // or 'error', which repeats a failed status and must not go unhandled).
      let code: number | undefined;
      let drained = false;
      let finished = false;
      const finish = () => {
        if (finished || code === undefined || !drained) return;
        finished = true;
        outcome.status = statusName(code);
        done(outcome);
      };
      stream.on('end', () => ((drained = true), finish()));
      stream.on('error', () => ((drained = true), finish()));
      stream.on('status', (s: { code: number }) => ((code = s.code), finish()));
      for (let i = 0; i < messages.length; i++) stream.write(encode(i, context));
      stream.end();
    },
  };
}

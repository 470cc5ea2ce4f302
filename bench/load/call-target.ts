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

/** The error status a streamed answer may carry in place of a result (dlrs' `ErrorStatus`). */
function messageErrorCode(message: unknown): number | undefined {
  const error = (message as { error?: { code?: unknown } | null } | null)?.error;
  return typeof error?.code === 'number' && error.code !== 0 ? error.code : undefined;
}

/**
 * Prepares calls of `call` with `messages`. Requests without template placeholders are
 * serialised once, before the run, and unary answers are never decoded (the status is in the
 * trailers), so a call costs the generator little more than grpc-js' own work. Stream answers
 * are decoded to count the errors they carry.
 */
export function createCallTarget(call: string, messages: readonly unknown[], metadataPairs: Readonly<Record<string, string>>): CallTarget {
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
    return {
      streaming: false,
      start(client, context, deadlineMs, done) {
        const request = encode(context.requestNumber % messages.length, context);
        client.makeUnaryRequest(method.path, identity, identity, request, metadata, { deadline: deadlineMs }, (error) => {
          done({ status: error ? statusName(error.code) : 'OK', streamMessages: 0, messageErrors: undefined });
        });
      },
    };
  }
  return {
    streaming: true,
    start(client, context, deadlineMs, done) {
      const stream = client.makeBidiStreamRequest(method.path, identity, method.responseDeserialize, metadata, { deadline: deadlineMs });
      let received = 0;
      let messageErrors: Map<string, number> | undefined;
      stream.on('data', (message: unknown) => {
        received++;
        const code = messageErrorCode(message);
        if (code !== undefined) {
          messageErrors ??= new Map();
          const name = statusName(code);
          messageErrors.set(name, (messageErrors.get(name) ?? 0) + 1);
        }
      });
      // The outcome is complete once the status has arrived and the answers are drained ('end',
      // or 'error', which repeats a failed status and must not go unhandled).
      let code: number | undefined;
      let drained = false;
      let finished = false;
      const finish = () => {
        if (finished || code === undefined || !drained) return;
        finished = true;
        done({ status: statusName(code), streamMessages: received, messageErrors });
      };
      stream.on('end', () => ((drained = true), finish()));
      stream.on('error', () => ((drained = true), finish()));
      stream.on('status', (s: { code: number }) => ((code = s.code), finish()));
      for (let i = 0; i < messages.length; i++) stream.write(encode(i, context));
      stream.end();
    },
  };
}

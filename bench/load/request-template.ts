import { randomInt, randomUUID } from 'node:crypto';

/** What a ghz template placeholder can refer to for one call. */
export interface CallTemplateContext {
  /** The call's number in the run, from 0. */
  requestNumber: number;
  /** The closed-loop worker (or open-loop slot) that sends it, from 0. */
  workerId: number;
}

/** The call's method, for the placeholders that name it. */
export interface TemplateMethod {
  /** e.g. `dlrs.v1.Recommender.Recommend`. */
  fullyQualifiedName: string;
  inputName: string;
  outputName: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
}

/** Builds one request message (a JSON value) for a call. */
export type RequestBuilder = (context: CallTemplateContext) => unknown;

type Render = (context: CallTemplateContext) => string;

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The placeholders of ghz's call template data and functions that dlrs bench load renders. */
export const SUPPORTED_PLACEHOLDERS = [
  '.RequestNumber', '.WorkerID', '.UUID', 'newUUID', '.Timestamp', '.TimestampUnix', '.TimestampUnixMilli', '.TimestampUnixNano',
  '.FullyQualifiedName', '.MethodName', '.ServiceName', '.InputName', '.OutputName', '.IsClientStreaming', '.IsServerStreaming',
  'randomInt MIN MAX', 'randomString N',
];

function placeholder(expression: string, method: TemplateMethod): Render {
  const [name, ...args] = expression.trim().split(/\s+/);
  const dot = method.fullyQualifiedName.lastIndexOf('.');
  const constant = (value: string): Render => () => value;
  const integerArgs = (count: number): number[] => {
    const numbers = args.map(Number);
    if (args.length !== count || !numbers.every(Number.isSafeInteger)) throw new Error(`template '{{${expression}}}': ${name} takes ${count} integer argument(s)`);
    return numbers;
  };
  switch (name) {
    case '.RequestNumber': return (c) => String(c.requestNumber);
    case '.WorkerID': return (c) => String(c.workerId);
    case '.UUID': case 'newUUID': return () => randomUUID();
    case '.Timestamp': return () => new Date().toISOString();
    case '.TimestampUnix': return () => String(Math.floor(Date.now() / 1000));
    case '.TimestampUnixMilli': return () => String(Date.now());
    case '.TimestampUnixNano': return () => (BigInt(Date.now()) * 1_000_000n).toString();
    case '.FullyQualifiedName': return constant(method.fullyQualifiedName);
    case '.MethodName': return constant(method.fullyQualifiedName.slice(dot + 1));
    case '.ServiceName': return constant(method.fullyQualifiedName.slice(0, dot));
    case '.InputName': return constant(method.inputName);
    case '.OutputName': return constant(method.outputName);
    case '.IsClientStreaming': return constant(String(method.clientStreaming));
    case '.IsServerStreaming': return constant(String(method.serverStreaming));
    case 'randomInt': {
      const [min, max] = integerArgs(2);
      if (max <= min) throw new Error(`template '{{${expression}}}': randomInt needs MIN < MAX`);
      return () => String(randomInt(min, max));
    }
    case 'randomString': {
      const [length] = integerArgs(1);
      return () => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
    }
    default:
      throw new Error(`template '{{${expression}}}' is not supported (supported: ${SUPPORTED_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`);
  }
}

/** Compiles a string with `{{...}}` placeholders; undefined when it has none. */
function compileString(text: string, method: TemplateMethod): Render | undefined {
  if (!text.includes('{{')) return undefined;
  const parts: Render[] = [];
  let rest = text;
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error(`template '${text}': '{{' without '}}'`);
    const literal = rest.slice(0, open);
    if (literal !== '') parts.push(() => literal);
    parts.push(placeholder(rest.slice(open + 2, close), method));
    rest = rest.slice(close + 2);
  }
  if (rest !== '') parts.push(() => rest);
  return parts.length === 1 ? parts[0] : (c) => parts.map((p) => p(c)).join('');
}

/** Compiles a JSON value; undefined when nothing in it is templated (it is then sent as is). */
function compileValue(value: unknown, method: TemplateMethod): RequestBuilder | undefined {
  if (typeof value === 'string') return compileString(value, method);
  if (Array.isArray(value)) {
    const elements = value.map((v) => compileValue(v, method));
    if (elements.every((e) => e === undefined)) return undefined;
    return (c) => value.map((v, i) => (elements[i] === undefined ? v : elements[i](c)));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, v, compileValue(v, method)] as const);
    if (entries.every(([, , e]) => e === undefined)) return undefined;
    return (c) => Object.fromEntries(entries.map(([k, v, e]) => [k, e === undefined ? v : e(c)]));
  }
  return undefined;
}

/**
 * Compiles a request message with ghz's template placeholders in its string values. A message
 * without placeholders is built once and the same object is sent on every call, so the load
 * generator allocates nothing per request for it.
 */
export function compileRequest(message: unknown, method: TemplateMethod): RequestBuilder {
  const builder = compileValue(message, method);
  return builder ?? (() => message);
}

// The few Kubernetes API calls a rollout needs, over HTTPS with the pod's service-account token: no client library.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';

/** Where a pod finds its service-account token, the cluster CA and its namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A JSON object as the API answers it. */
export type ApiObject = Record<string, unknown>;

/** How to reach the API server and as whom. */
export interface KubernetesApiOptions {
  /** `https://host:port`. */
  readonly server: string;
  readonly token: string;
  /** PEM of the CA that signed the API server's certificate. */
  readonly ca: string;
  /** Each call's bound. */
  readonly timeoutMs: number;
}

/** An answer other than 2xx: the status and the API's own message (a `Status` object's). */
export class KubernetesApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET and JSON merge-patch on API paths. */
export class KubernetesApi {
  constructor(private readonly options: KubernetesApiOptions) {}

  /**
   * In a pod: the API server from KUBERNETES_SERVICE_HOST/PORT, the token, CA and namespace
   * from the mounted service account (`dir`).
   */
  static async inCluster(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR, timeoutMs = 10_000): Promise<{ api: KubernetesApi; namespace: string }> {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (host === undefined || host === '' || port === undefined || port === '') throw new Error('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: not running in a Kubernetes pod');
    const read = async (file: string): Promise<string> => {
      try {
        return (await readFile(join(dir, file), 'utf8')).trim();
      } catch (err) {
        throw new Error(`${join(dir, file)}: not readable (is a service-account token mounted? automountServiceAccountToken: true)`, { cause: err });
      }
    };
    const [token, ca, namespace] = await Promise.all([read('token'), read('ca.crt'), read('namespace')]);
    // An IPv6 service address needs brackets in a URL.
    const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return { api: new KubernetesApi({ server, token, ca, timeoutMs }), namespace };
  }

  get(path: string): Promise<ApiObject> {
    return this.call('GET', path);
  }

  /** RFC 7386 merge patch: maps merge, `null` deletes, lists are replaced. */
  mergePatch(path: string, patch: ApiObject): Promise<ApiObject> {
    return this.call('PATCH', path, patch);
  }

  private call(method: string, path: string, body?: ApiObject): Promise<ApiObject> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.options.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.options.ca,
          timeout: this.options.timeoutMs,
          headers: {
            authorization: `Bearer ${this.options.token}`,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/merge-patch+json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              const message = typeof parsed === 'object' && parsed !== null && typeof (parsed as ApiObject).message === 'string' ? String((parsed as ApiObject).message) : `HTTP ${status}`;
              reject(new KubernetesApiError(status, `${method} ${url.pathname}: ${status} ${message}`));
            } else if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
              reject(new Error(`${method} ${url.pathname}: the answer is not a JSON object`));
            } else {
              resolve(parsed as ApiObject);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

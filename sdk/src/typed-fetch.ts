import { errorFromResponse, send } from './errors';

/**
 * A thin fetch wrapper typed by an openapi-typescript `paths` interface: the path, its
 * parameters, its JSON body and its answer all come from the OpenAPI document. It answers the
 * success body and throws OrgbridgeError on anything else.
 */

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

type AnyOperation = { parameters?: unknown; requestBody?: unknown; responses: unknown };

/** The paths that have `method` (openapi-typescript writes `method?: never` for the others). */
export type PathsWith<Paths, M extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends { [K in M]: AnyOperation } ? P : never;
}[keyof Paths] &
  string;

export type OperationOf<Paths, P extends keyof Paths, M extends HttpMethod> = Paths[P] extends { [K in M]: infer O } ? O : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Parameters the client fills in itself (the tenant of every tenant-scoped path). */
export type ImplicitPathParams = 'tenant';

type PathPart<O> = O extends { parameters: { path: infer X } }
  ? [Exclude<keyof X, ImplicitPathParams>] extends [never]
    ? {}
    : { path: Simplify<Omit<X, ImplicitPathParams> & Partial<Pick<X, Extract<keyof X, ImplicitPathParams>>>> }
  : {};
type QueryPart<O> = O extends { parameters: { query?: infer Q } } ? ([NonNullable<Q>] extends [never] ? {} : { query?: NonNullable<Q> }) : {};
type BodyOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type BodyPart<O> = O extends { requestBody: infer R } // required
  ? [BodyOf<R>] extends [never] ? {} : { body: BodyOf<R> }
  : O extends { requestBody?: infer R } // optional, or `?: never` when there is none
    ? [BodyOf<NonNullable<R>>] extends [never] ? {} : { body?: BodyOf<NonNullable<R>> }
    : {};

/** What a call takes besides the path: `{path, query, body}` as the operation defines them. */
export type RequestOptions<O> = Simplify<PathPart<O> & QueryPart<O> & BodyPart<O> & { headers?: Record<string, string>; signal?: AbortSignal }>;

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
/** The options argument, optional when nothing in it is required. */
export type OptionsArg<O> = [RequiredKeys<RequestOptions<O>>] extends [never] ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | '2XX';
type ContentOf<R> = R extends { content: { 'application/json': infer C } } ? C : R extends { content: { [type: string]: infer C } } ? C : undefined;
/** The JSON body of the operation's 2xx answers (undefined for 204). */
export type SuccessOf<O> = O extends { responses: infer R } ? { [S in keyof R & SuccessStatus]: ContentOf<R[S]> }[keyof R & SuccessStatus] : never;

type Call<Paths, M extends HttpMethod> = <P extends PathsWith<Paths, M>>(path: P, ...options: OptionsArg<OperationOf<Paths, P, M>>) => Promise<SuccessOf<OperationOf<Paths, P, M>>>;

export interface TypedClient<Paths> {
  GET: Call<Paths, 'get'>;
  POST: Call<Paths, 'post'>;
  PUT: Call<Paths, 'put'>;
  PATCH: Call<Paths, 'patch'>;
  DELETE: Call<Paths, 'delete'>;
}

export interface TypedClientConfig {
  /** The service's base URL, e.g. `https://orgbridge.example.com`; the document's paths are appended. */
  baseUrl: string;
  headers?: Record<string, string>;
  /** Values for path parameters every call shares (`tenant`). */
  pathDefaults?: Record<string, string>;
  fetch?: typeof fetch;
}

interface LooseOptions {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `/organizations/{orgId}` with `{orgId: "org_1"}` → `/organizations/org_1` (each value URL-encoded). */
export function fillPath(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`path parameter ${name} is missing for ${template}`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function createTypedClient<Paths>(config: TypedClientConfig): TypedClient<Paths> {
  const base = config.baseUrl.replace(/\/+$/, '');
  const fetchImpl = config.fetch ?? fetch;

  async function request(method: HttpMethod, path: string, options: LooseOptions = {}): Promise<unknown> {
    const url = `${base}${fillPath(path, { ...config.pathDefaults, ...options.path })}${queryString(options.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers, ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await send(fetchImpl, url, { method: method.toUpperCase(), headers, body, signal: options.signal });
    if (!res.ok) throw await errorFromResponse(res);
    if (res.status === 204) return undefined;
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  const call = (method: HttpMethod) => ((path: string, options?: LooseOptions) => request(method, path, options)) as never;
  return { GET: call('get'), POST: call('post'), PUT: call('put'), PATCH: call('patch'), DELETE: call('delete') };
}

/** The error codes of the admin API's error body (contract section 0). */
export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

/** OAuth 2.0 error codes the token endpoint answers with (RFC 6749 §5.2). */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';

export interface ErrorDetail {
  path?: string;
  message: string;
}

/**
 * An answer from orgbridge that was not a success: the admin API's
 * `{"error": {code, message, details}}`, or the token endpoint's `{error, error_description}`.
 * `status` is the HTTP status (0 when no answer arrived, with `code` `network_error`).
 */
export class OrgbridgeError extends Error {
  override readonly name = 'OrgbridgeError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | OAuthErrorCode | 'network_error' | (string & {}),
    message: string,
    readonly details: ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Generic codes for statuses whose body is not one of ours (a proxy's HTML page, an empty 502). */
function codeOfStatus(status: number): ApiErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 410) return 'gone';
  if (status === 412) return 'precondition_failed';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'internal' : 'invalid_request';
}

/** Builds the error for a non-2xx response from its body, whichever of the service's shapes it has. */
export async function errorFromResponse(res: Response): Promise<OrgbridgeError> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    const { code, message, details } = body.error;
    const list = Array.isArray(details) ? details.filter(isRecord).map((d) => ({ ...(typeof d.path === 'string' ? { path: d.path } : {}), message: String(d.message ?? '') })) : [];
    return new OrgbridgeError(res.status, code, typeof message === 'string' ? message : code, list);
  }
  if (isRecord(body) && typeof body.error === 'string') {
    const description = typeof body.error_description === 'string' ? body.error_description : body.error;
    return new OrgbridgeError(res.status, body.error, description);
  }
  return new OrgbridgeError(res.status, codeOfStatus(res.status), `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
}

/** fetch, with a failure to reach the service reported as an OrgbridgeError too. */
export async function send(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (err) {
    throw new OrgbridgeError(0, 'network_error', `could not reach ${new URL(url).origin}: ${err instanceof Error ? err.message : String(err)}`, [], { cause: err });
  }
}

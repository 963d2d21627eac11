import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON answer; `{}` for an empty or non-JSON (HTML) one. */
  body: Record<string, any>;
}

/** A request sent byte for byte as given (supertest would re-encode paths and bodies). */
export function sendRaw(baseUrl: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, headers: { ...(payload ? { 'content-length': payload.length } : {}), ...headers } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: Record<string, any> = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          /* empty, or an HTML page */
        }
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, text, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

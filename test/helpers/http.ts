import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request with full control of headers (Host included), to 127.0.0.1 only. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`tests talk only to 127.0.0.1, not ${target.hostname}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      // The path goes out exactly as written (no normalization of . and .. segments).
      { host: '127.0.0.1', port: target.port, path: url.slice(target.origin.length) || '/', method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One contract call over a served Lathe's HTTP door; throws with the error when it fails. */
export async function callServed<T>(lathe: { url: string; token: string }, channel: string, request: unknown): Promise<T> {
  const response = await rawRequest(`${lathe.url}/api/call/${channel}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const result = JSON.parse(response.body) as { ok: boolean; value?: T; error?: unknown };
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
  return result.value!;
}

import type { IncomingHttpHeaders } from 'node:http';

/** A raw HTTP request as the loopback server received it, for protocol adapters. */
export interface WireRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded): SigV4 signs this. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * A foreign protocol served on the loopback server (SageMaker control plane and runtime, later
 * MLflow). `auth: 'self'` adapters authenticate the request themselves (SigV4); `bearer` ones
 * get requests only after the server checked the token.
 */
export interface WireAdapter {
  readonly name: string;
  readonly auth: 'self' | 'bearer';
  /** Upper bound on the body this adapter accepts; larger bodies are answered by `tooLarge`. */
  readonly maxBodyBytes: number;
  matches(method: string, path: string, headers: IncomingHttpHeaders): boolean;
  handle(request: WireRequest): Promise<WireResponse>;
  tooLarge(request: Omit<WireRequest, 'body'>): WireResponse;
}

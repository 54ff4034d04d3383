/**
 * The HTTP API client of the pages: bearer token from the session, JSON or XML bodies,
 * and one error type carrying the API's `{error: {code, message, details}}`.
 * A 401 ends the session and returns to the sign-in page.
 */
import { clearSession, readSession, signInUrl } from './session.js';

export interface ApiErrorDetail {
  path?: string;
  elementId?: string | null;
  rule?: string;
  message: string;
  severity?: 'error' | 'warning';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never reached the server or no answer came back. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  json?: unknown;
  xml?: string;
  /** Return the body as text (XML) instead of parsing JSON. */
  text?: boolean;
  /** Send no token (sign-in). */
  anonymous?: boolean;
  /** Do not leave the page on 401 (the sign-in form shows the error itself). */
  keepOn401?: boolean;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers = new Headers({ accept: options.text ? 'application/xml, text/plain' : 'application/json' });
  const session = options.anonymous ? null : readSession();
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  let body: string | undefined;
  if (options.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.xml !== undefined) {
    headers.set('content-type', 'application/xml');
    body = options.xml;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  const text = await response.text();
  if (!response.ok) {
    let code = `http_${response.status}`;
    let message = response.statusText || `HTTP ${response.status}`;
    let details: ApiErrorDetail[] = [];
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ApiErrorDetail[] } };
      if (parsed.error) {
        code = parsed.error.code ?? code;
        message = parsed.error.message ?? message;
        details = Array.isArray(parsed.error.details) ? parsed.error.details : [];
      }
    } catch {
      // not JSON: keep the status text
    }
    if (response.status === 401 && !options.keepOn401) {
      clearSession();
      location.assign(signInUrl());
    }
    throw new ApiError(response.status, code, message, details);
  }
  if (options.text) return text as T;
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  getText: (path: string) => request<string>('GET', path, { text: true }),
  post: <T>(path: string, json?: unknown) => request<T>('POST', path, { json }),
  put: <T>(path: string, json?: unknown) => request<T>('PUT', path, { json }),
  delete: (path: string) => request<void>('DELETE', path),
};

/** Path segments are always encoded. */
export const seg = (value: string | number) => encodeURIComponent(String(value));

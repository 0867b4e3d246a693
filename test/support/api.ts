export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

type Json = Record<string, unknown> | unknown[];

// Response bodies are whatever JSON the server sent; each test states the shape it checks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

/** A small REST client for tests: JSON in, status and parsed JSON out, never throws on a status. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  request<T = AnyJson>(method: string, path: string, body?: Json | string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    return fetch(`${this.baseUrl}${path}`, init).then(async (response) => {
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    });
  }

  get<T = AnyJson>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = AnyJson>(path: string, body?: Json | string, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = AnyJson>(path: string, body?: Json | string) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = AnyJson>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** The headers a browser sends with the session cookie, from a page of `origin` (none: not a browser). */
export function cookieHeaders(token: string, origin?: string): Record<string, string> {
  return { cookie: `chatflow_session=${token}`, ...(origin === undefined ? {} : { origin }) };
}

// Types of supermemory-connections/server: the backend proxy that keeps the API key on the
// server and each user to their own connections.

/** Who is signed in, as `authorize` sees it: the container tags that are this user's alone. */
export interface ProxyUser {
  /**
   * The user's container tags (1 to 100 characters of `A-Z a-z 0-9 _ : -` each). Every call is
   * scoped to exactly these tags, so isolation needs a tag unique to each user (say
   * `user_<id>`). An empty list or a malformed tag answers 500 and forwards nothing.
   */
  containerTags: string[];
}

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /** The supermemory API key. Never sent to the browser, never in an answer, log or error. */
  apiKey: string;
  /**
   * Who sent the request, from its cookies or `Authorization` header: the user's container tags,
   * or `null` when nobody is signed in (401). A throw counts as `null`.
   */
  authorize: (request: Request) => ProxyUser | null | undefined | Promise<ProxyUser | null | undefined>;
  /** The API's address. Default `"https://api.supermemory.ai"`. */
  baseURL?: string;
  /**
   * The path the page gives the browser package as `baseURL`. Default `"/api/supermemory"`;
   * `""` when the proxy is mounted where the path starts.
   */
  prefix?: string;
  /** The `fetch` that reaches the API. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * The package's compiled `supermemory_connections_bg.wasm`, for runtimes that cannot compile
   * wasm from bytes (Cloudflare Workers: `import wasm from "supermemory-connections/supermemory_connections_bg.wasm"`).
   * Elsewhere the proxy reads the file itself.
   */
  wasm?: WebAssembly.Module;
}

/** The proxy: answers one request of the browser package. Never rejects. */
export type Proxy = (request: Request) => Promise<Response>;

/**
 * Creates the proxy. Only the ten `/v3/connections` operations pass (anything else: 404); each is
 * checked with the package's own validation (400 with `{ error, field }`), scoped to the user's
 * container tags (403 for others' tags; 404 for a connection id that is not the user's), and
 * forwarded with the key. Bodies over 1 MB: 413. Unreachable API: 502.
 *
 * @throws TypeError for a missing `apiKey` or `authorize`, or a malformed `baseURL`, `prefix`,
 * `fetch` or `wasm`.
 *
 * @example
 * const proxy = createProxy({
 *   apiKey: process.env.SUPERMEMORY_API_KEY,
 *   authorize: async (request) => {
 *     const user = await sessionUser(request);
 *     return user ? { containerTags: [`user_${user.id}`] } : null;
 *   },
 * });
 * export const POST = proxy, GET = proxy, DELETE = proxy; // a Web fetch route handler
 */
export function createProxy(options: ProxyOptions): Proxy;

/** A Node request as `toNodeHandler` reads it (`http.IncomingMessage`, or Express's `req`). */
export interface NodeRequest extends AsyncIterable<Uint8Array | string> {
  method?: string;
  url?: string;
  /** Express: the URL before a mount stripped its path. */
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  /** Express: what a body parser has read. */
  body?: unknown;
}

/** A Node response as `toNodeHandler` writes it (`http.ServerResponse`, or Express's `res`). */
export interface NodeResponse {
  statusCode: number;
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  end(body?: Uint8Array): unknown;
}

/**
 * Adapts the proxy to Node's `http` and Express: `(req, res) => void`.
 *
 * @example
 * app.use("/api/supermemory", toNodeHandler(proxy)); // Express
 * http.createServer(toNodeHandler(proxy));            // Node http
 */
export function toNodeHandler(proxy: Proxy): (req: NodeRequest, res: NodeResponse) => void;

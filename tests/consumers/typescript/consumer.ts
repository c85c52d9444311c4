// A TypeScript consumer of the installed package: default import, named imports and types,
// resolved through the package's exports map. Checked with `tsc --noEmit -p` against
// tsconfig.bundler.json and tsconfig.node16.json (this folder is an ESM project); never run.
import Supermemory, {
  createConnection,
  SupermemoryError,
  startOAuth,
  completeOAuth,
  init,
  DEFAULT_ALLOWED_HOSTS,
  type ClientOptions,
  type Connection,
  type ConnectionCreateResponse,
  type ErrorCode,
  type Provider,
} from "supermemory-connections";
import { createProxy, toNodeHandler, type ProxyUser } from "supermemory-connections/server";

const options: ClientOptions = { baseURL: "/api/supermemory", timeout: 20_000, maxRetries: 1 };
const client = new Supermemory(options);

export async function connect(provider: Provider, userId: string): Promise<string | null> {
  const created: ConnectionCreateResponse = await createConnection(provider, {
    baseURL: "/api/supermemory",
    containerTags: [`user_${userId}`],
    metadata: { team: "growth" },
  });
  return created.authLink;
}

export async function crawl(): Promise<Connection[]> {
  await init();
  await client.connections.create("web-crawler", {
    containerTag: "user_1",
    metadata: { startUrl: "https://docs.example.com" },
  });
  return client.connections.list({ containerTags: ["user_1"] });
}

export async function roundTrip(): Promise<void> {
  const done = await completeOAuth();
  if (done?.ok) console.log(done.provider, done.connectionId);
  await startOAuth("notion", { baseURL: "/api/supermemory", containerTags: ["user_1"], allowedHosts: [...DEFAULT_ALLOWED_HOSTS] });
}

export function describe(error: unknown): ErrorCode | "other" {
  return error instanceof SupermemoryError ? error.code : "other";
}

// The types are real, not `any`: each misuse below must be an error.
// @ts-expect-error: not a provider
void createConnection("dropbox", { baseURL: "/api" });
// @ts-expect-error: deleteDocuments is required
void client.connections.deleteByID("conn_1", {});
// @ts-expect-error: the client option is apiKey, not apikey
void new Supermemory({ apikey: "sm_1" });

// The server half, as a backend uses it.

const proxy = createProxy({
  apiKey: "sm_key",
  authorize: async (request: Request): Promise<ProxyUser | null> =>
    request.headers.has("cookie") ? { containerTags: ["user_1"] } : null,
});
export const handleFetch: (request: Request) => Promise<Response> = proxy;
export const nodeHandler = toNodeHandler(proxy);

// Consumer code that must compile with zero diagnostics against the package's types.
// Checked by check.mjs (also with exactOptionalPropertyTypes); never run.

import Supermemory, {
  Supermemory as NamedSupermemory,
  SupermemoryError,
  createConnection,
  init,
  DEFAULT_ALLOWED_HOSTS,
  completeOAuth,
  connectInPopup,
  redirectToAuthLink,
  startOAuth,
  type OAuthCompletion,
  type StartOAuthResult,
  type ClientOptions,
  type Connection,
  type ConnectionCreateParams,
  type ConnectionCreateParamsFor,
  type ConnectionCreateResponse,
  type Connections,
  type CreateConnectionOptions,
  type ErrorCode,
  type FetchOptions,
  type InitInput,
  type Metadata,
  type Provider,
  type RequestOptions,
} from "supermemory-connections";

// Exact type equality, including `any` and optionality.
type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Extends<A, B> = [A] extends [B] ? true : false;

// --- Recommended: a backend proxy adds the key; no key in the browser. ---

export async function connectNotionViaProxy(userId: string): Promise<void> {
  const { authLink } = await createConnection("notion", {
    baseURL: "/api/supermemory",
    fetchOptions: { credentials: "include" },
    redirectUrl: "https://app.example.com/settings/connections?connected=notion",
    containerTags: [`user_${userId}`, "source:notion"],
    metadata: { team: "sales", priority: 2, shared: false },
    documentLimit: 500,
  });
  // Created at click time and followed at once: authLink expires.
  if (authLink !== null) window.location.assign(authLink);
}

// --- An API key in the browser needs the explicit opt-in. ---

export async function connectGmailWithKey(apiKey: string): Promise<string | null> {
  const result = await createConnection("gmail", {
    apiKey,
    dangerouslyAllowBrowser: true,
    containerTag: "user_123",
    timeout: 15_000,
    maxRetries: 0,
  });
  return result.authLink;
}

// --- The client: default import, per-call RequestOptions. ---

const client = new Supermemory({
  baseURL: "/api/supermemory",
  timeout: 30_000,
  maxRetries: 3,
  defaultHeaders: { "X-App-Version": "1.4.0", "X-Debug": null },
  fetch: globalThis.fetch,
});

export async function connectFromButton(signal: AbortSignal): Promise<ConnectionCreateResponse> {
  return client.connections.create(
    "notion",
    { containerTag: "user_123", redirectUrl: "https://app.example.com/done" },
    { signal, timeout: 10_000 },
  );
}

export async function connectWithoutParams(): Promise<string> {
  // Providers without required settings need no params at all.
  const created = await client.connections.create("github");
  return created.id;
}

export async function connectWebsite(): Promise<void> {
  const created = await client.connections.create("web-crawler", {
    containerTag: "docs_site",
    metadata: { startUrl: "https://docs.example.com/", section: "guides" },
  });
  // No OAuth for the crawler: the connection is live at once.
  console.log(created.id, created.authLink ?? "no consent needed");
}

export async function connectBucket(secret: string): Promise<void> {
  await createConnection("s3", {
    baseURL: "https://backend.example.com/supermemory",
    containerTags: ["org_42"],
    metadata: {
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: secret,
      bucket: "reports",
      region: "eu-west-1",
      prefix: "2025/",
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      containerTagRegex: "^([a-z]+)/",
      importedBy: "settings-page",
    },
  });
}

export async function connectGranola(granolaKey: string): Promise<void> {
  await client.connections.create("granola", { metadata: { apiKey: granolaKey } });
}

export async function connectDrive(full: boolean): Promise<void> {
  await client.connections.create("google-drive", {
    containerTag: "user_123",
    metadata: { syncScope: full ? "full" : "selected", department: "finance" },
    documentLimit: 10_000,
  });
}

// A provider chosen at run time: validated by the package at run time.
export async function connectAny(provider: Provider, options: RequestOptions): Promise<void> {
  await client.connections.create(provider, { metadata: null }, options);
}

// Options built up front, then passed on.
const proxyOptions: ClientOptions = { baseURL: "/api/supermemory" };
const onedriveParams: ConnectionCreateParamsFor<"onedrive"> = { containerTag: "user_9" };
const crawlerOptions: CreateConnectionOptions<"web-crawler"> = {
  ...proxyOptions,
  metadata: { startUrl: "https://example.com" },
};
void createConnection("onedrive", { ...proxyOptions, ...onedriveParams });
void createConnection("web-crawler", crawlerOptions);
void new NamedSupermemory(proxyOptions).connections.create("onedrive", onedriveParams);

// --- Errors: instanceof, then an exhaustive switch on code. ---

function describe(err: SupermemoryError): string {
  switch (err.code) {
    case "invalid_request":
      return `Fix option ${err.field ?? "?"}: ${err.message}`;
    case "browser_key_exposure":
      return "Use a backend proxy instead of an API key in the page";
    case "bad_request":
    case "unprocessable":
      return err.details ?? err.message;
    case "authentication":
    case "permission_denied":
      return "Not allowed";
    case "payment_required":
      return "Upgrade your plan";
    case "not_found":
    case "conflict":
      return `HTTP ${err.status ?? 0}`;
    case "rate_limited":
      return `Try again in ${err.retryAfter ?? 60} s`;
    case "server_error":
    case "api_error":
    case "connection":
    case "timeout":
      return "Try again later";
    case "aborted":
      return `Cancelled: ${String(err.cause)}`;
    case "invalid_response":
    case "unsafe_redirect":
      return "Unexpected answer from the server";
    case "popup_blocked":
      return "Allow popups for this site, or connect with a redirect";
    case "popup_closed":
      return "The window was closed before the connection was allowed";
    default: {
      const unreachable: never = err.code;
      return unreachable;
    }
  }
}

export async function connectWithErrorHandling(): Promise<void> {
  try {
    await connectNotionViaProxy("123");
  } catch (err: unknown) {
    if (err instanceof SupermemoryError) {
      const name: "SupermemoryError" = err.name;
      console.warn(name, describe(err));
    } else {
      throw err;
    }
  }
}

// Errors can be built, e.g. for mocks in tests.
const mocked = new SupermemoryError("Too many requests", {
  code: "rate_limited",
  status: 429,
  retryAfter: 3,
});
const asError: Error = mocked;

// --- Preloading the wasm (optional). ---

await init();
await init(new URL("./supermemory_connections_bg.wasm", import.meta.url));
await init(fetch("/assets/supermemory_connections_bg.wasm"));
declare const wasmBytes: ArrayBuffer;
await init(wasmBytes);

// --- Type-level assertions. ---

const _authLink: Equals<ConnectionCreateResponse["authLink"], string | null> = true;
const _expiresIn: Equals<ConnectionCreateResponse["expiresIn"], string | null> = true;
const _redirectsTo: Equals<ConnectionCreateResponse["redirectsTo"], string | null> = true;
const _id: Equals<ConnectionCreateResponse["id"], string> = true;
const _code: Equals<SupermemoryError["code"], ErrorCode> = true;
const _name: Equals<SupermemoryError["name"], "SupermemoryError"> = true;
const _status: Equals<SupermemoryError["status"], number | undefined> = true;
const _field: Equals<SupermemoryError["field"], string | undefined> = true;
const _cause: Equals<SupermemoryError["cause"], unknown> = true;
const _defaultIsNamed: Equals<typeof Supermemory, typeof NamedSupermemory> = true;
const _connections: Equals<Supermemory["connections"], Connections> = true;
const _createResult: Equals<
  ReturnType<typeof createConnection>,
  Promise<ConnectionCreateResponse>
> = true;
const _initResult: Equals<ReturnType<typeof init>, Promise<void>> = true;
const _globalFetch: Extends<typeof globalThis.fetch, NonNullable<ClientOptions["fetch"]>> = true;
const _wasmModule: Extends<WebAssembly.Module, InitInput> = true;
const _credentials: Extends<{ credentials: "include" }, FetchOptions> = true;
const _metadataFlat: Extends<{ nested: { a: 1 } }, Metadata> = false;
const _specificIsGeneral: Extends<ConnectionCreateParamsFor<"s3">, ConnectionCreateParams> = true;
const _notionParamsOptional: Extends<{}, ConnectionCreateParamsFor<"notion">> = true;
const _crawlerParamsRequired: Extends<{}, ConnectionCreateParamsFor<"web-crawler">> = false;
const _bothContainers: Extends<
  { containerTag: string; containerTags: string[] },
  ConnectionCreateParamsFor<"notion">
> = false;
const _errorCodeCount: Equals<
  ErrorCode,
  | "invalid_request"
  | "browser_key_exposure"
  | "bad_request"
  | "authentication"
  | "payment_required"
  | "permission_denied"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "rate_limited"
  | "server_error"
  | "api_error"
  | "connection"
  | "timeout"
  | "aborted"
  | "invalid_response"
  | "unsafe_redirect"
  | "popup_blocked"
  | "popup_closed"
> = true;
const _providers: Equals<
  Provider,
  "notion" | "google-drive" | "onedrive" | "gmail" | "github" | "web-crawler" | "s3" | "granola"
> = true;
declare const stored: Connection;
const _lastSyncStatus: string | undefined = stored.lastSyncRun?.status;

export {
  asError,
  _authLink,
  _expiresIn,
  _redirectsTo,
  _id,
  _code,
  _name,
  _status,
  _field,
  _cause,
  _defaultIsNamed,
  _connections,
  _createResult,
  _initResult,
  _globalFetch,
  _wasmModule,
  _credentials,
  _metadataFlat,
  _specificIsGeneral,
  _notionParamsOptional,
  _crawlerParamsRequired,
  _bothContainers,
  _errorCodeCount,
  _providers,
  _lastSyncStatus,
};

// --- The OAuth round trip. ---

async function oauthRoundTrip(): Promise<void> {
  const done = await completeOAuth();
  if (done !== null) {
    if (done.ok) {
      const id: string = done.connectionId;
      const provider: Provider = done.provider;
      void id;
      void provider;
    } else {
      const reason: string = done.error;
      void reason;
    }
  }
  const started: StartOAuthResult = await startOAuth("notion", {
    baseURL: "/api/supermemory",
    containerTags: ["user_123"],
    allowedHosts: [...DEFAULT_ALLOWED_HOSTS, "http://127.0.0.1:8787"],
  });
  if (started.redirected) return;
  const crawler = await startOAuth("web-crawler", {
    baseURL: "/api/supermemory",
    metadata: { startUrl: "https://docs.example.com" },
  });
  const _live: boolean = crawler.redirected;
  void _live;
  const connection = await createConnection("github", { baseURL: "/api/supermemory" });
  await redirectToAuthLink(connection, { allowedHosts: ["github.com"] });
  await redirectToAuthLink(connection);
}
void oauthRoundTrip;

const _completion: Equals<Awaited<ReturnType<typeof completeOAuth>>, OAuthCompletion | null> = true;
const _hosts: Equals<typeof DEFAULT_ALLOWED_HOSTS, readonly string[]> = true;
void _completion;
void _hosts;

// --- Managing connections. ---

async function manage(client: Supermemory): Promise<void> {
  const all: Connection[] = await client.connections.list({ containerTags: ["user_123"] });
  const first = all[0];
  if (first === undefined) return;
  const code = first.lastSyncRun?.errorCode;
  if (code === "auth_expired") console.log("reconnect");
  const one: Connection = await client.connections.getByID(first.id, { timeout: 5000 });
  const byTag: Connection = await client.connections.getByTag("notion", { containerTags: ["user_123"] });
  const deleted: { id: string; provider: string }[] = await client.connections.deleteByID(one.id, {
    deleteDocuments: false,
  });
  await client.connections.deleteByID(byTag.id, { deleteDocuments: "true" });
  await client.connections.deleteByProvider("github", { containerTags: ["user_123"] });
  const started: string = await client.connections.import("notion");
  const documents = await client.connections.listDocuments("notion", { containerTags: ["user_123"] });
  const title: string | null = documents[0]?.title ?? null;
  const page = await client.connections.resources(one.id, { page: 1, per_page: 50 });
  const configured = await client.connections.configure(one.id, { resources: page.resources });
  const ok: boolean = configured.success;
  const synced: Connection = await client.connections.waitForConnection(one.id, { interval: 1000, maxWait: 60_000 });
  void [deleted, started, title, ok, synced];
}
void manage;

// connectInPopup: completeOAuth's result, or startOAuth's when a blocked popup fell back.
export async function connectWithoutLeaving(): Promise<boolean> {
  const done = await connectInPopup("notion", { baseURL: "/api/supermemory", maxWait: 60_000, fallback: "redirect" });
  return "ok" in done ? done.ok : done.redirected;
}

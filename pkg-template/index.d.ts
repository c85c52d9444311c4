// Type declarations for supermemory-connections, hand-written to match index.js.
// Needs `lib: ["ES2022", "DOM"]` (or newer). Checked by the repository's tests/types/check.mjs.

/**
 * A service whose account can be connected to supermemory.
 *
 * `web-crawler`, `s3` and `granola` need no OAuth consent: they require provider settings in
 * `metadata` instead (see {@link ConnectionCreateParamsFor}), and the connection is live as soon
 * as it is created.
 */
export type Provider =
  | "notion"
  | "google-drive"
  | "onedrive"
  | "gmail"
  | "github"
  | "web-crawler"
  | "s3"
  | "granola";

/**
 * Extra `fetch` settings applied to every request. Only these keys are accepted; any other key
 * makes the call reject with `invalid_request`. The package always sends `redirect: "error"`, and
 * `cache: "no-store"` with GETs (POST and DELETE keep the default mode, which browsers never
 * answer from the HTTP cache, so a cross-origin call keeps Chromium's CORS preflight cache).
 */
export interface FetchOptions {
  /**
   * Whether cookies and HTTP auth go with the request. Default: the browser's `same-origin`.
   * Use `"include"` for a backend proxy on another origin that authenticates by cookie.
   */
  credentials?: RequestCredentials | undefined;
  /** The request mode. Default: the browser's `cors`. */
  mode?: "cors" | "same-origin" | undefined;
  /** The `Referer` to send; `""` sends none. */
  referrer?: string | undefined;
  /** The referrer policy for the request. */
  referrerPolicy?: ReferrerPolicy | undefined;
  /** Subresource-integrity metadata the response body must match. */
  integrity?: string | undefined;
}

/**
 * Options for a {@link Supermemory} client, or for {@link createConnection}.
 *
 * Invalid values never throw from the constructor: the first call rejects with a
 * {@link SupermemoryError} whose code is `invalid_request` and whose `field` names the option.
 * An option set to `undefined` counts as absent.
 *
 * Recommended in a browser: no `apiKey` at all, and `baseURL` pointing at your own backend,
 * which checks the user and adds the key.
 */
export interface ClientOptions {
  /**
   * Your supermemory API key, sent as `Authorization: Bearer <key>`.
   *
   * In a browser (a `window` with a `document`, or a Web Worker) anyone using the page can read
   * it, so it is refused with `browser_key_exposure` unless `dangerouslyAllowBrowser` is `true`.
   * Prefer a backend proxy via `baseURL`.
   */
  apiKey?: string | undefined;
  /**
   * Where requests are sent; the API paths (e.g. `/v3/connections/notion`) are appended.
   * Absolute, or in a browser relative to the page, e.g. `"/api/supermemory"` for your own
   * backend proxy. Default `"https://api.supermemory.ai"`.
   */
  baseURL?: string | undefined;
  /**
   * Allow `apiKey` in a browser. Default `false`. Only for internal tools and demos: the key is
   * then readable by every user of the page.
   */
  dangerouslyAllowBrowser?: boolean | undefined;
  /**
   * Time limit per attempt in milliseconds, including reading the response body. Integer from 1
   * to 2147483647; default 60000. When the last attempt times out, the call rejects with code
   * `timeout`.
   */
  timeout?: number | undefined;
  /**
   * How many times a failed attempt is retried. Integer 0..=10; default 2. Retried: 408, 429,
   * 502, 503, 504, network errors and timeouts, after `min(0.5 * 2^n, 8)` s less up to 25%
   * jitter, or after the server's hint when it is 0..=60 s (a longer hint fails at once with
   * `retryAfter` set). Creating a `web-crawler`, `s3` or `granola` connection (live at once) is
   * retried only on 408, 429 and 503.
   */
  maxRetries?: number | undefined;
  /**
   * Headers added to every request. A name matching one the package sends (`Accept`,
   * `Content-Type`, `Authorization`, in any case) replaces it; `null` or `undefined` removes it.
   */
  defaultHeaders?: Record<string, string | null | undefined> | undefined;
  /**
   * A `fetch` to use instead of `globalThis.fetch` (for instrumentation or tests). It is called
   * as the global one is, with the URL as a string and a `RequestInit`; `globalThis.fetch`
   * itself fits this type.
   */
  fetch?: ((url: string, init: RequestInit) => Promise<Response>) | undefined;
  /**
   * Extra `fetch` settings for every request, e.g. `{ credentials: "include" }` for a proxy
   * that authenticates by cookie. See {@link FetchOptions}.
   */
  fetchOptions?: FetchOptions | undefined;
}

/**
 * Per-call options, always the last argument of a method. They override the client's options
 * for that call only.
 */
export interface RequestOptions {
  /**
   * Cancels the call at once, also during a wait between retries. The call then rejects with
   * code `aborted` and `cause` set to the signal's reason.
   */
  signal?: AbortSignal | undefined;
  /** Time limit per attempt in milliseconds for this call; see {@link ClientOptions.timeout}. */
  timeout?: number | undefined;
  /** Retries for this call, integer 0..=10; see {@link ClientOptions.maxRetries}. */
  maxRetries?: number | undefined;
}

/** A metadata value: a string, a finite number or a boolean. Nested objects and arrays are refused. */
export type MetadataValue = string | number | boolean;

/**
 * Flat key/value data attached to every document the connection syncs. It also carries
 * provider settings; see {@link ConnectionCreateParamsFor}.
 */
export type Metadata = Record<string, MetadataValue>;

/** Provider settings for `web-crawler`. */
export interface WebCrawlerSettings {
  /** The page to start crawling from: an absolute `http:` or `https:` URL. */
  startUrl: string;
}

/** Provider settings for `google-drive`. */
export interface GoogleDriveSettings {
  /**
   * `"selected"` (the API's default for new connections): after consent the user picks folders
   * and files, and only those sync. `"full"`: the whole Drive syncs, without the picker.
   */
  syncScope?: "selected" | "full";
}

/** Provider settings for `s3`. The secrets never appear in error messages. */
export interface S3Settings {
  /** Access key id of credentials that can read the bucket. */
  accessKeyId: string;
  /** The secret access key belonging to `accessKeyId`. */
  secretAccessKey: string;
  /** Name of the bucket to sync. */
  bucket: string;
  /** The bucket's region, e.g. `"us-east-1"` (`"auto"` for Cloudflare R2). */
  region: string;
  /** Base endpoint of an S3-compatible service (MinIO, R2, ...), without the bucket. */
  endpoint?: string;
  /** Only sync objects whose key starts with this prefix, e.g. `"documents/"`. */
  prefix?: string;
  /** Regular expression that extracts container tags from each object's path. */
  containerTagRegex?: string;
}

/** Provider settings for `granola`. The key never appears in error messages. */
export interface GranolaSettings {
  /** The user's Granola API key (not your supermemory key). */
  apiKey: string;
}

/** `metadata` for `web-crawler`: `startUrl` plus any flat keys of your own. */
export type WebCrawlerMetadata = WebCrawlerSettings & Metadata;

/** `metadata` for `google-drive`: an optional `syncScope` plus any flat keys of your own. */
export type GoogleDriveMetadata = GoogleDriveSettings & Metadata;

/** `metadata` for `s3`: bucket access plus any flat keys of your own. */
export type S3Metadata = S3Settings & Metadata;

/** `metadata` for `granola`: the Granola `apiKey` plus any flat keys of your own. */
export type GranolaMetadata = GranolaSettings & Metadata;

/** The type of `metadata` for each provider. */
export interface ProviderMetadata {
  notion: Metadata;
  "google-drive": GoogleDriveMetadata;
  onedrive: Metadata;
  gmail: Metadata;
  github: Metadata;
  "web-crawler": WebCrawlerMetadata;
  s3: S3Metadata;
  granola: GranolaMetadata;
}

/** Providers whose `metadata` is required: their settings live there. */
export type ProviderWithRequiredMetadata = "web-crawler" | "s3" | "granola";

/** Create parameters shared by every provider (container tags and metadata aside). */
interface CreateParamsCommon {
  /**
   * Where the API sends the user's browser after OAuth consent; a failure arrives there as
   * `?error=<code>`. Absolute `https:` URL (or `http://localhost` / `http://127.0.0.1` for
   * development), without a fragment.
   */
  redirectUrl?: string | undefined;
  /** Most documents synced per sync run. Integer 1..=10000; default 10000. */
  documentLimit?: number | undefined;
}

/**
 * Parameters for creating a connection, for any provider.
 *
 * For a known provider prefer {@link ConnectionCreateParamsFor}, which also types the
 * provider's settings in `metadata` and allows only one of `containerTag` / `containerTags`.
 */
export interface ConnectionCreateParams extends CreateParamsCommon {
  /**
   * One container tag to file the synced documents under: 1..=100 characters of `A-Z`, `a-z`,
   * `0-9`, `_`, `:` and `-`. Give `containerTag` or `containerTags`, not both.
   */
  containerTag?: string | undefined;
  /** Several container tags, each as for `containerTag`. Give one or the other, not both. */
  containerTags?: readonly string[] | undefined;
  /**
   * Flat data attached to every synced document; also carries provider settings. `null` is
   * sent as `null`.
   */
  metadata?: Metadata | null | undefined;
}

/** At most one of `containerTag` and `containerTags`. */
type ContainerTagChoice =
  | {
      /**
       * One container tag to file the synced documents under: 1..=100 characters of `A-Z`,
       * `a-z`, `0-9`, `_`, `:` and `-`. Give `containerTag` or `containerTags`, not both.
       */
      containerTag?: string | undefined;
      /** Not allowed together with `containerTag`. */
      containerTags?: undefined;
    }
  | {
      /** Not allowed together with `containerTags`. */
      containerTag?: undefined;
      /**
       * Several container tags, each 1..=100 characters of `A-Z`, `a-z`, `0-9`, `_`, `:` and
       * `-`. Give `containerTag` or `containerTags`, not both.
       */
      containerTags?: readonly string[] | undefined;
    };

/** The `metadata` parameter for each provider: required where it carries the settings. */
type MetadataParamByProvider = {
  [K in Provider]: K extends ProviderWithRequiredMetadata
    ? {
        /** Provider settings (required for this provider) plus your own flat data. */
        metadata: ProviderMetadata[K];
      }
    : {
        /** Flat data attached to every synced document; `null` is sent as `null`. */
        metadata?: ProviderMetadata[K] | null | undefined;
      };
};

/**
 * Create parameters for provider `P`.
 *
 * - `web-crawler`: `metadata.startUrl` (absolute http(s) URL) is required.
 * - `s3`: `metadata.accessKeyId`, `secretAccessKey`, `bucket`, `region` are required;
 *   `endpoint`, `prefix`, `containerTagRegex` are optional.
 * - `granola`: `metadata.apiKey` (the Granola key) is required.
 * - `google-drive`: `metadata.syncScope` is `"selected"` or `"full"`.
 *
 * Other metadata keys are your own (string, number or boolean) and are passed through.
 * At most one of `containerTag` and `containerTags` may be given.
 */
export type ConnectionCreateParamsFor<P extends Provider> = CreateParamsCommon &
  ContainerTagChoice &
  MetadataParamByProvider[P];

/** What creating a connection resolves to. */
export interface ConnectionCreateResponse {
  /** The new connection's id. */
  id: string;
  /**
   * The OAuth consent page to send the user to, or `null` for providers without OAuth
   * (`web-crawler`, `s3`, `granola`). It expires: create the connection when the user clicks,
   * navigate to it at once, and never cache it.
   */
  authLink: string | null;
  /** How long `authLink` stays valid, as text such as `"1 hour"`; `null` when not given. */
  expiresIn: string | null;
  /** Where the API says the browser goes after consent; `null` when not given. */
  redirectsTo: string | null;
}

/**
 * A stored connection as the API reports it. Field names are the API's, absent optional fields
 * stay absent and dates are ISO 8601 strings.
 */
export interface Connection {
  /** The connection's id. */
  id: string;
  /** When the connection was created (ISO 8601). */
  createdAt: string;
  /** The provider's name, e.g. `"notion"`. */
  provider: string;
  /** Most documents synced per sync run. */
  documentLimit?: number;
  /** The connected account's email address. */
  email?: string;
  /** When the provider's authorisation expires (ISO 8601). */
  expiresAt?: string;
  /** The metadata given when the connection was created. */
  metadata?: Record<string, unknown>;
  /** The latest sync run; absent before the first one (e.g. while consent is pending). */
  lastSyncRun?: LastSyncRun;
}

/**
 * Why a sync run failed. The API documents these five; a newer code passes through as a
 * plain string, so keep a default branch when you switch on it.
 */
export type SyncErrorCode =
  | "auth_expired"
  | "rate_limited"
  | "plan_required"
  | "provider_unavailable"
  | "internal"
  | (string & {});

/** A connection's latest sync run. */
export interface LastSyncRun {
  /** The run's status as the API reports it, e.g. `"running"`, `"completed"`, `"failed"`. */
  status: string;
  /** Why the run failed, or `null`. */
  errorCode?: SyncErrorCode | null;
  /** A human-readable error, or `null`. */
  error?: string | null;
  /** When the run started (ISO 8601). */
  startedAt?: string;
  /** When the run finished (ISO 8601). */
  completedAt?: string;
}

/** Parameters that select connections by container tags; every given tag must match. */
export interface ContainerTagsParams {
  /** Container tags, each 1..=100 characters of `A-Z a-z 0-9 _ : -`. */
  containerTags?: readonly string[] | undefined;
}

/** Parameters that need at least one container tag (getByTag, deleteByProvider). */
export interface RequiredContainerTagsParams {
  /** At least one container tag, each 1..=100 characters of `A-Z a-z 0-9 _ : -`. */
  containerTags: readonly string[];
}

/** Parameters of {@link Connections.deleteByID}. */
export interface ConnectionDeleteByIDParams {
  /**
   * Required, and always sent: `true` also deletes every document synced from the connection,
   * `false` keeps them. (The API's own default, when the parameter is left out, deletes them:
   * this package never leaves it out.) `"true"` / `"false"` are accepted too.
   */
  deleteDocuments: boolean | "true" | "false";
}

/** One deleted connection. Deletes always resolve to an array of these. */
export interface ConnectionDeleteResponseItem {
  /** The deleted connection's id. */
  id: string;
  /** Its provider. */
  provider: string;
}

/** A document synced from a connection. */
export interface ConnectionDocument {
  /** The document's id, or `null` while it has none. */
  id: string | null;
  /** When it was created (ISO 8601). */
  createdAt: string;
  /** Its processing status as the API reports it. */
  status: string;
  /** A summary, or `null`. */
  summary: string | null;
  /** Its title, or `null`. */
  title: string | null;
  /** Its type as the API reports it. */
  type: string;
  /** When it was last updated (ISO 8601). */
  updatedAt: string;
}

/** Parameters of {@link Connections.resources}. */
export interface ConnectionResourcesParams {
  /** Page number, integer 1..=4294967295 (the API's default is 1). */
  page?: number | undefined;
  /** Items per page, integer 1..=100 (the API's default is 30). */
  per_page?: number | undefined;
  /** Only the children of this resource. */
  parent_id?: string | undefined;
}

/** A page of resources a connection can sync (GitHub only; other providers answer 501). */
export interface ConnectionResourcesResponse {
  /** The resources, as the provider describes them. */
  resources: Record<string, unknown>[];
  /** How many there are in all, when the API says. */
  total_count?: number;
}

/** Parameters of {@link Connections.configure}. */
export interface ConnectionConfigureParams {
  /** The resources to sync, objects as {@link Connections.resources} returned them. */
  resources: readonly Record<string, unknown>[];
}

/** The answer of {@link Connections.configure}. */
export interface ConnectionConfigureResponse {
  /** Whether the configuration was saved. */
  success: boolean;
  /** The API's message. */
  message: string;
  /** How many webhooks were registered, when the API says. */
  webhooksRegistered?: number;
}

/** Options of {@link Connections.waitForConnection}. */
export interface WaitForConnectionOptions {
  /** Milliseconds between polls, integer 100..=3600000; default 2000. */
  interval?: number | undefined;
  /** Give up with `timeout` after this many milliseconds, integer 1..=2147483647; default 300000. */
  maxWait?: number | undefined;
  /** Aborting it rejects with `aborted` at once, also between polls. */
  signal?: AbortSignal | undefined;
}

/**
 * What went wrong, as {@link SupermemoryError.code}. A closed list:
 *
 * - `invalid_request`: an option failed validation before any request was sent; `field` names
 *   it as written, e.g. `containerTags[1]`, `metadata.startUrl`, or an unknown option's name.
 * - `browser_key_exposure`: `apiKey` was given in a browser without `dangerouslyAllowBrowser`.
 * - `bad_request`: the API answered 400.
 * - `authentication`: 401, not authenticated (the API key is missing or wrong, or your proxy
 *   refused the user).
 * - `payment_required`: 402, the plan or quota does not allow it.
 * - `permission_denied`: 403.
 * - `not_found`: 404.
 * - `conflict`: 409.
 * - `unprocessable`: 422.
 * - `rate_limited`: 429; `retryAfter` says how many seconds to wait when the API said so.
 * - `server_error`: 500 to 599.
 * - `api_error`: any other non-2xx answer.
 * - `connection`: `fetch` failed (network, DNS, CORS, or the body was cut off).
 * - `timeout`: an attempt exceeded `timeout` (and no retry was left).
 * - `aborted`: the caller's `signal` aborted the call.
 * - `invalid_response`: a 2xx answer whose required fields are missing or of the wrong type.
 * - `unsafe_redirect`: an `authLink` refused before navigating to it (not `https:`, has a user
 *   name or password, or its host is not allowed).
 * - `popup_blocked`: {@link connectInPopup}'s window did not open (nothing was created).
 * - `popup_closed`: the person closed {@link connectInPopup}'s window before it came back.
 */
export type ErrorCode =
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
  | "popup_closed";

/**
 * The one error type every call rejects with. A real class, so `err instanceof
 * SupermemoryError` works; switch on `code` to handle each case. Messages never contain the API
 * key or other secrets.
 */
export declare class SupermemoryError extends Error {
  /** Builds an error; mostly useful for tests and mocks. */
  constructor(
    message: string,
    fields: {
      code: ErrorCode;
      status?: number | undefined;
      field?: string | undefined;
      details?: string | undefined;
      retryAfter?: number | undefined;
      cause?: unknown;
    },
  );
  /** Always `"SupermemoryError"`. */
  readonly name: "SupermemoryError";
  /** What went wrong; see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** For `invalid_request`: the option's path as written, e.g. `containerTags[1]`. */
  readonly field?: string;
  /** The API's `details` text, when it sent one. */
  readonly details?: string;
  /**
   * Seconds the API asked to wait before trying again (`Retry-After` or `retryAfterSeconds`),
   * e.g. on a 429 whose wait was too long to be waited out.
   */
  readonly retryAfter?: number;
  /** The underlying error or the abort reason. */
  readonly cause?: unknown;
}

/**
 * Arguments of {@link Connections.create} after the provider: `params` is required for
 * providers whose settings live in `metadata`, optional otherwise.
 */
export type ConnectionCreateArgs<P extends Provider> = P extends ProviderWithRequiredMetadata
  ? [params: ConnectionCreateParamsFor<P>, options?: RequestOptions]
  : [params?: ConnectionCreateParamsFor<P>, options?: RequestOptions];

/**
 * The connection operations of a {@link Supermemory} client, reached as `client.connections`.
 * Get it from the client rather than implementing it: more operations will be added.
 */
export interface Connections {
  /**
   * Creates a connection (`POST /v3/connections/{provider}`). For OAuth providers, send the
   * user to the returned `authLink` at once; it expires.
   * Retries follow {@link ClientOptions.maxRetries}; for `web-crawler`, `s3` and `granola` only
   * 408, 429 and 503 are retried, since their connection is live as soon as it is created.
   */
  create<P extends Provider>(
    provider: P,
    ...args: ConnectionCreateArgs<P>
  ): Promise<ConnectionCreateResponse>;

  /** Lists connections (`POST /v3/connections/list`), those having every given tag. */
  list(params?: ContainerTagsParams, options?: RequestOptions): Promise<Connection[]>;
  /** One connection (`GET /v3/connections/{connectionId}`); unknown ids reject with `not_found`. */
  getByID(connectionId: string, options?: RequestOptions): Promise<Connection>;
  /** A provider's connection for the given tags (`POST /v3/connections/{provider}/connection`). */
  getByTag(provider: Provider, params: RequiredContainerTagsParams, options?: RequestOptions): Promise<Connection>;
  /**
   * Deletes a connection (`DELETE /v3/connections/{connectionId}?deleteDocuments=...`).
   * `deleteDocuments` is required so that no document is lost by leaving an option out.
   */
  deleteByID(
    connectionId: string,
    params: ConnectionDeleteByIDParams,
    options?: RequestOptions,
  ): Promise<ConnectionDeleteResponseItem[]>;
  /** Deletes a provider's connections for the given tags (`DELETE /v3/connections/{provider}`). */
  deleteByProvider(
    provider: Provider,
    params: RequiredContainerTagsParams,
    options?: RequestOptions,
  ): Promise<ConnectionDeleteResponseItem[]>;
  /** Starts a sync now (`POST /v3/connections/{provider}/import`); resolves to the API's text. */
  import(provider: Provider, params?: ContainerTagsParams, options?: RequestOptions): Promise<string>;
  /** The documents a provider's connections synced (`POST /v3/connections/{provider}/documents`). */
  listDocuments(provider: Provider, params?: ContainerTagsParams, options?: RequestOptions): Promise<ConnectionDocument[]>;
  /** Resources a GitHub connection can sync (`GET /v3/connections/{connectionId}/resources`). */
  resources(
    connectionId: string,
    params?: ConnectionResourcesParams,
    options?: RequestOptions,
  ): Promise<ConnectionResourcesResponse>;
  /** Chooses the resources a GitHub connection syncs (`POST /v3/connections/{connectionId}/configure`). */
  configure(
    connectionId: string,
    params: ConnectionConfigureParams,
    options?: RequestOptions,
  ): Promise<ConnectionConfigureResponse>;
  /**
   * Polls {@link Connections.getByID} until `lastSyncRun.status` is `completed` or `failed`, or
   * `lastSyncRun.errorCode` is set, and resolves with that connection. A 404 rejects with
   * `not_found`, an abort with `aborted` at once, and passing `maxWait` with `timeout`.
   */
  waitForConnection(connectionId: string, options?: WaitForConnectionOptions): Promise<Connection>;
}

/**
 * A supermemory API client.
 *
 * @example
 * const client = new Supermemory({ baseURL: "/api/supermemory" });
 * const { authLink } = await client.connections.create("notion", { containerTag: "user_123" });
 */
export declare class Supermemory {
  /** Never throws: an invalid option makes the first call reject with `invalid_request`. */
  constructor(options?: ClientOptions);
  /** Create connections between your users' accounts and supermemory. */
  readonly connections: Connections;
}

/**
 * Everything {@link createConnection} takes in one object: client options, create parameters
 * and per-request options. Unknown option names are rejected.
 */
export type CreateConnectionOptions<P extends Provider> = ClientOptions &
  ConnectionCreateParamsFor<P> &
  RequestOptions;

/**
 * Creates a connection in one call, with a client made from `options`. Everything is validated
 * before any request; a failure rejects with a {@link SupermemoryError}.
 *
 * @example
 * const { authLink } = await createConnection("notion", {
 *   baseURL: "/api/supermemory",
 *   containerTag: "user_123",
 *   redirectUrl: "https://app.example.com/connected",
 * });
 * if (authLink) location.assign(authLink);
 */
export declare function createConnection<P extends Provider>(
  provider: P,
  options: CreateConnectionOptions<P>,
): Promise<ConnectionCreateResponse>;

/**
 * The hosts an `authLink` may point at unless `allowedHosts` replaces the list: the API and the
 * providers' OAuth pages (`api.supermemory.ai`, `api.notion.com`, `accounts.google.com`,
 * `login.microsoftonline.com`, `github.com`).
 */
export declare const DEFAULT_ALLOWED_HOSTS: readonly string[];

/** Options of the OAuth helpers that navigate. */
export interface RedirectOptions {
  /**
   * Replaces {@link DEFAULT_ALLOWED_HOSTS}. Each entry is a bare host (reached over `https:` on
   * the default port only, e.g. `"api.notion.com"`) or a full loopback origin such as
   * `"http://127.0.0.1:8080"` (for a local emulator; never in the default list).
   */
  allowedHosts?: readonly string[] | undefined;
}

/**
 * Navigates to `connection.authLink` with `location.assign`, after checking it with the
 * browser's URL parser: `https:` (or an exact loopback origin from `allowedHosts`), no user
 * name or password, host in the allow-list. A refused link rejects with `unsafe_redirect` and
 * navigates nowhere; a connection without `authLink` rejects with `invalid_request`.
 */
export declare function redirectToAuthLink(
  connection: Pick<ConnectionCreateResponse, "authLink">,
  options?: RedirectOptions,
): Promise<void>;

/** What {@link startOAuth} resolves to. */
export type StartOAuthResult =
  | {
      /** The page is navigating to the provider's consent page. */
      redirected: true;
      /** The pending connection. */
      connection: ConnectionCreateResponse;
    }
  | {
      /** A provider without OAuth (`web-crawler`, `s3`, `granola`): the connection is live. */
      redirected: false;
      /** The created connection. */
      connection: ConnectionCreateResponse;
    };

/**
 * Starts the OAuth round trip. For OAuth providers it adds a one-time nonce (128 bits from
 * `crypto.getRandomValues`) as the `sm_oauth_state` query parameter of `redirectUrl` (default:
 * the current page without the package's own parameters), creates the connection, keeps nonce,
 * connection id and provider in `sessionStorage`, checks `authLink` like
 * {@link redirectToAuthLink} and navigates, resolving `{ redirected: true }` just before. For
 * `web-crawler`, `s3` and `granola` it stores nothing and resolves `{ redirected: false }`.
 * Call {@link completeOAuth} on every page load to finish the trip.
 */
export declare function startOAuth<P extends Provider>(
  provider: P,
  options: CreateConnectionOptions<P> & RedirectOptions,
): Promise<StartOAuthResult>;

/** How an OAuth round trip ended, from {@link completeOAuth}. */
export type OAuthCompletion =
  | {
      /** The user allowed access. */
      ok: true;
      /** The connected connection's id. */
      connectionId: string;
      /** Its provider. */
      provider: Provider;
    }
  | {
      /** The round trip failed. */
      ok: false;
      /**
       * The API's `?error=` code (e.g. `"access_denied"`; untrusted text: show it as text), or
       * `"state_mismatch"` when the nonce is missing, reused or not from this tab.
       */
      error: string;
      /** The connection's id, when the nonce matched. */
      connectionId?: string;
      /** Its provider, when the nonce matched. */
      provider?: Provider;
    };

/**
 * Finishes the round trip on the page the provider sent the browser back to (default
 * `location.href`). Resolves `null` on an ordinary load (neither the package's nonce nor
 * `error` in the URL). Otherwise it checks and deletes the stored nonce, removes its
 * parameters from the address bar (`history.replaceState`) and resolves an {@link OAuthCompletion}.
 * In the popup of {@link connectInPopup} (its `redirectUrl` carries `sm_oauth_popup=1`) it
 * reports the return to the opening page on a `BroadcastChannel` and waits about a second for
 * its acknowledgement: acknowledged, it resolves with the opener's provider and connection id
 * and closes the popup; not (a wrong or used nonce, another tab), `state_mismatch`.
 */
export declare function completeOAuth(url?: string): Promise<OAuthCompletion | null>;

/** Options of {@link connectInPopup}: {@link startOAuth}'s, plus how long to wait and what to do when the popup is blocked. */
export type PopupOptions<P extends Provider = Provider> = CreateConnectionOptions<P> &
  RedirectOptions & {
    /** Milliseconds to wait for the popup to come back, 1 to 2147483647 (default 600000); then `timeout`, the popup closed. */
    maxWait?: number | undefined;
    /** `"redirect"`: a blocked popup becomes {@link startOAuth}'s full-page redirect instead of `popup_blocked`. */
    fallback?: "redirect" | undefined;
  };

/**
 * Connects without leaving the page. Call it inside the click handler, before any `await`: it
 * opens the popup at once (browsers block a popup opened later), shows a neutral
 * "Connecting…" page in it, creates the connection, checks `authLink` as {@link startOAuth}
 * does, points the popup at it, and resolves when the popup's page ({@link completeOAuth} on
 * `redirectUrl`, default the current page) reports back on a same-origin `BroadcastChannel`
 * with the one-time nonce kept in this page's memory. For `web-crawler`, `s3` and `granola` no
 * window opens and it resolves at once with `{ ok: true }`.
 *
 * Rejects as {@link startOAuth} does, and with `popup_blocked` (nothing created),
 * `popup_closed`, `aborted` (the `signal`; the popup is closed), `timeout` (`maxWait`; the
 * popup is closed), and `invalid_request` while another call is running (its popup is
 * focused). A page sent with `Cross-Origin-Opener-Policy: same-origin` works: the popup's
 * closing is then known only from the channel, `maxWait` and the `signal`.
 *
 * @example
 * button.onclick = async () => {
 *   const done = await connectInPopup("notion", { baseURL: "/api/supermemory", fallback: "redirect" });
 *   if ("ok" in done && done.ok) showConnected(done.connectionId);
 * };
 */
export declare function connectInPopup<P extends Provider>(
  provider: P,
  options: PopupOptions<P>,
): Promise<OAuthCompletion | StartOAuthResult>;

/** What {@link init} can load the WebAssembly module from. */
export type InitInput =
  | RequestInfo
  | URL
  | Response
  | BufferSource
  | WebAssembly.Module;

/**
 * Loads the WebAssembly module ahead of the first call. Optional: calls load it themselves.
 * Pass the wasm's URL, bytes, `Response` or compiled module where the default location does
 * not work (e.g. a bundler that moves the file).
 *
 * A failed load rejects with a {@link SupermemoryError} whose `cause` is the original error:
 * `connection` when the wasm could not be fetched or compiled (its message names the URL and
 * what to check: the status, the `application/wasm` type, a Content-Security-Policy without
 * `'wasm-unsafe-eval'`), `invalid_request` with `field: "input"` when the bytes or module given
 * are not this package's WebAssembly module. The next call or `init()` tries again.
 */
export declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;

export default Supermemory;

// Only the names exported above are public; the helper types stay private.
export {};

// The demo page's script: connect a source to supermemory with the package's OAuth helpers.
//
//   Connect  -> with "Connect in a popup" (the default): connectInPopup(provider, options) opens
//               the consent page in a popup, called inside the click, and the page waits (Cancel
//               aborts); a blocked popup falls back to the full-page redirect. Without it:
//               startOAuth(provider, options) creates the connection, remembers a one-time nonce
//               in sessionStorage and sends the browser to the provider's consent page.
//               web-crawler, s3 and granola are connected at once either way.
//   any load -> completeOAuth(): on the way back from a consent page it checks the nonce and
//               reports success or the provider's error; on an ordinary load it returns null.
//   the list -> "Your connections" (connections-list.js) lists the signed-in user's connections
//               with a Supermemory client, on load, after each connect and when the user changes.
//   the user -> "Signed in as" switches between the demo's two users (/session sets a cookie).
//
// Every request goes to this page's own backend (/api/supermemory): the package's proxy, which
// scopes every call to the signed-in user's container tag and adds the API key, so no key or
// secret is ever stored, logged or put in a URL here, and the form needs no container tags. Values from the address bar are
// untrusted and only ever reach the page through textContent.
import Supermemory, { DEFAULT_ALLOWED_HOSTS, SupermemoryError, completeOAuth, connectInPopup, startOAuth } from "/pkg/index.js";
import { ConnectionsList } from "/connections-list.js";

/** The page's own backend proxy; it adds the API key server-side. */
const API_BASE = "/api/supermemory";

/**
 * Display names, the letters of their icons (as on the provider cards), and whether the provider
 * needs the user's consent on its own site.
 */
const PROVIDERS = {
  notion: { name: "Notion", icon: "N", oauth: true },
  "google-drive": { name: "Google Drive", icon: "D", oauth: true },
  onedrive: { name: "OneDrive", icon: "O", oauth: true },
  gmail: { name: "Gmail", icon: "M", oauth: true },
  github: { name: "GitHub", icon: "GH", oauth: true },
  "web-crawler": { name: "Web crawler", icon: "W", oauth: false },
  s3: { name: "Amazon S3", icon: "S3", oauth: false },
  granola: { name: "Granola", icon: "G", oauth: false },
};

/** What the mode line says for each mode /config.json can report. */
const MODE_TEXT = {
  offline: "Offline demo: a local emulator stands in for supermemory.",
  proxy: "Connected to the supermemory API through this server.",
};

/** Plain-words text for the error codes a consent page can send back. */
const RETURN_ERRORS = {
  access_denied: "You declined access on the provider's page.",
  state_mismatch: "This sign-in link was not started here or was already used; please connect again.",
};

/**
 * Which input shows a validation error, by the error's `field` (the option path as the package
 * reports it). Indexed paths such as `containerTags[2]` are looked up without the index.
 */
const FIELD_INPUTS = {
  provider: "providers",
  documentLimit: "document-limit",
  "metadata.startUrl": "start-url",
  "metadata.syncScope": "sync-scope",
  "metadata.bucket": "s3-bucket",
  "metadata.region": "s3-region",
  "metadata.accessKeyId": "s3-access-key-id",
  "metadata.secretAccessKey": "s3-secret-access-key",
  "metadata.endpoint": "s3-endpoint",
  "metadata.prefix": "s3-prefix",
  "metadata.apiKey": "granola-api-key",
};

/** Inputs holding a secret: emptied once the connection exists. */
const SECRET_INPUTS = ["s3-secret-access-key", "granola-api-key"];

const form = document.getElementById("connect-form");
const connectButton = document.getElementById("connect");
const connectNote = document.getElementById("connect-note");
const result = document.getElementById("result");
const modeLine = document.getElementById("mode");
const userSelect = document.getElementById("demo-user");

/** The signed-in demo user's container tags, from /session; empty until it answers. */
let userTags = [];

/** The list's client: the same backend proxy, no key. */
const client = new Supermemory({ baseURL: API_BASE });
const connections = new ConnectionsList({
  client,
  providers: PROVIDERS,
  readTags: () => userTags,
  // The result panel of a connection goes with it.
  onDeleted: (id) => {
    if (shownConnectionId === id) hideResult();
  },
});

/** The connection whose id the result panel shows, if any. */
let shownConnectionId = null;

/** Allow-list entries added by this server (the emulator's origin offline); set by loadConfig. */
let extraAllowedHosts = [];
let configLoaded = false;

// ---- small DOM helpers ----

const byId = (id) => document.getElementById(id);
const valueOf = (id) => byId(id).value.trim();

/** A new element with a class and text, never parsed as HTML. */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- the provider picker ----

function selectedProvider() {
  return form.elements.provider.value;
}

/** Shows the chosen provider's settings block and fits the button and its note to it. */
function showProvider(provider) {
  const { name, oauth } = PROVIDERS[provider];
  for (const block of form.querySelectorAll(".settings")) {
    const mine = block.dataset.provider === provider;
    block.hidden = !mine;
    // A disabled fieldset takes its inputs out of the tab order and of autofill.
    block.disabled = !mine;
  }
  connectButton.textContent = `Connect ${name}`;
  const inPopup = byId("use-popup").checked;
  connectNote.textContent = !oauth
    ? "The connection is created at once; no sign-in needed."
    : inPopup
      ? `A window opens where you allow ${name} access; this page stays as it is.`
      : `You will be sent to ${name} to allow access, then back here.`;
}

function selectProvider(provider) {
  const radio = byId(`provider-${provider}`);
  if (!radio) return;
  radio.checked = true;
  showProvider(provider);
}

// ---- reading the form into startOAuth's options ----

/** Keeps only the keys with a non-empty value, so a missing setting gets the package's own message. */
function nonEmpty(entries) {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== ""));
}

/** The provider's settings, sent as `metadata`; undefined for providers that have none. */
function readMetadata(provider) {
  switch (provider) {
    case "google-drive":
      return { syncScope: valueOf("sync-scope") };
    case "web-crawler":
      return nonEmpty({ startUrl: valueOf("start-url") });
    case "s3":
      return nonEmpty({
        accessKeyId: valueOf("s3-access-key-id"),
        secretAccessKey: valueOf("s3-secret-access-key"),
        bucket: valueOf("s3-bucket"),
        region: valueOf("s3-region"),
        endpoint: valueOf("s3-endpoint"),
        prefix: valueOf("s3-prefix"),
      });
    case "granola":
      return nonEmpty({ apiKey: valueOf("granola-api-key") });
    default:
      return undefined;
  }
}

/** The document limit: absent when empty; NaN for text that is not a number, which the package refuses. */
function readDocumentLimit() {
  const input = byId("document-limit");
  // A number input reports "" both when empty and when it holds something unparsable.
  if (input.validity.badInput) return Number.NaN;
  const text = input.value.trim();
  return text === "" ? undefined : Number(text);
}

/**
 * startOAuth's options. No container tags (the backend sets the signed-in user's) and no
 * redirectUrl (the default, this page, is where the user comes back to).
 */
function readOptions(provider) {
  const options = {
    baseURL: API_BASE,
    allowedHosts: [...DEFAULT_ALLOWED_HOSTS, ...extraAllowedHosts],
  };
  const documentLimit = readDocumentLimit();
  if (documentLimit !== undefined) options.documentLimit = documentLimit;
  const metadata = readMetadata(provider);
  if (metadata !== undefined) options.metadata = metadata;
  return options;
}

// ---- showing results and errors ----

/**
 * Fills the result panel. `kind` is "success", "error" or "info"; errors are announced at once
 * (role=alert), the rest politely (role=status). `facts` is a list of [label, value] pairs;
 * `note` a smaller line underneath (the package's own message).
 */
function showResult(kind, title, detail, facts = [], note = undefined) {
  result.setAttribute("role", kind === "error" ? "alert" : "status");
  result.className = `result result-${kind}`;
  const children = [element("p", "result-title", title)];
  if (detail) children.push(element("p", "result-detail", detail));
  if (facts.length > 0) {
    const list = element("dl", "result-facts");
    for (const [label, value] of facts) list.append(element("dt", "", label), element("dd", "", value));
    children.push(list);
  }
  if (note) children.push(element("p", "result-note", note));
  result.replaceChildren(...children);
  result.hidden = false;
}

function hideResult() {
  result.hidden = true;
  result.replaceChildren();
  shownConnectionId = null;
}

function showConnected(provider, connectionId, detail) {
  const name = PROVIDERS[provider]?.name ?? provider;
  showResult("success", `${name} connected`, detail, [["Connection ID", connectionId]]);
  shownConnectionId = connectionId;
}

/** Says the page waits for the popup, with a Cancel button that aborts the wait. */
function showWaiting(name, controller) {
  showResult("info", `Waiting for ${name}…`, "Allow access in the window that opened; this page stays as it is.");
  const cancel = element("button", "button-secondary button-small", "Cancel");
  cancel.type = "button";
  cancel.id = "cancel-popup";
  cancel.addEventListener("click", () => controller.abort());
  result.append(cancel);
}

/** Shows how a round trip ended (completeOAuth's or connectInPopup's result). */
function showOutcome(outcome) {
  if (outcome.provider) selectProvider(outcome.provider);
  if (outcome.ok) {
    showConnected(outcome.provider, outcome.connectionId, "supermemory starts syncing your documents now.");
    return;
  }
  const name = PROVIDERS[outcome.provider]?.name;
  // The code comes from the address bar: shown as text only, and cut short if absurdly long.
  const code = String(outcome.error).slice(0, 200);
  const facts = outcome.connectionId ? [["Connection ID", outcome.connectionId]] : [];
  showResult("error", name ? `${name} was not connected` : "Not connected", RETURN_ERRORS[code] ?? `The provider reported: ${code}`, facts);
}

/** The input element (or the provider fieldset) that a validation error's field points at. */
function inputForField(field) {
  const id = FIELD_INPUTS[field.replace(/\[\d+\]$/, "")];
  return id ? byId(id) : null;
}

/**
 * The package's message with the form's words: `metadata.startUrl must be ...` becomes
 * `Start URL must be ...` (the label of the input the field points at).
 */
function inFormWords(input, field, message) {
  const label = document.querySelector(`label[for="${input.id}"]`);
  const words = label?.firstChild?.textContent.trim();
  return words && message.startsWith(field) ? words + message.slice(field.length) : message;
}

/** Marks one input as invalid and shows the message in its `#<id>-error` element. */
function markInvalid(input, message) {
  input.setAttribute("aria-invalid", "true");
  input.classList.add("is-invalid");
  const slot = byId(`${input.id}-error`);
  slot.textContent = message;
  slot.hidden = false;
}

function clearInvalid(input) {
  input.removeAttribute("aria-invalid");
  input.classList.remove("is-invalid");
  const slot = byId(`${input.id}-error`);
  if (slot) {
    slot.hidden = true;
    slot.textContent = "";
  }
}

function clearAllInvalid() {
  for (const input of form.querySelectorAll(".is-invalid")) clearInvalid(input);
}

/**
 * How to show an error from the package (or anything else thrown): a title, a plain-words
 * explanation, and the package's own message as a note when it adds something.
 */
function describeError(error) {
  if (!(error instanceof SupermemoryError)) {
    return { title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) };
  }
  const note = error.message;
  switch (error.code) {
    case "unsafe_redirect":
      return {
        title: "Sign-in link refused",
        detail: "The API answered with a sign-in link outside this page's allow-list, so the page did not open it.",
        note,
      };
    case "authentication":
      return { title: "The server's API key was refused", detail: "Whoever runs this server should check its SUPERMEMORY_API_KEY." };
    case "permission_denied":
      return { title: "Not allowed", detail: "The server's API key may not create this connection.", note };
    case "payment_required":
      return { title: "Plan limit reached", detail: "The supermemory plan or quota does not allow this connection.", note };
    case "rate_limited": {
      const wait = error.retryAfter === undefined ? "in a moment" : `in ${error.retryAfter} seconds`;
      return { title: "Too many requests", detail: `Please try again ${wait}.` };
    }
    case "connection":
      return {
        title: "Could not reach the server",
        detail: "Check your network connection and that this demo's server is still running.",
      };
    case "timeout":
      return { title: "The server took too long to answer", detail: "Please try again." };
    case "server_error":
      return { title: "supermemory had a problem", detail: "Please try again shortly.", note };
    case "invalid_response":
      return { title: "Unexpected answer from the API", detail: note };
    case "popup_closed":
      return { title: "The window was closed", detail: "Access was not allowed. Connect again when you are ready." };
    case "popup_blocked":
      return { title: "The popup was blocked", detail: "Allow popups for this page, or untick Connect in a popup." };
    default:
      return { title: "Could not connect", detail: note };
  }
}

/** Shows an error from startOAuth: next to its input when it names one, else in the result panel. */
function showError(error) {
  if (error instanceof SupermemoryError && error.code === "invalid_request" && error.field) {
    const input = inputForField(error.field);
    if (input) {
      hideResult();
      markInvalid(input, inFormWords(input, error.field, error.message));
      input.focus();
      return;
    }
  }
  const { title, detail, note } = describeError(error);
  showResult("error", title, detail, [], note);
}

// ---- connecting ----

/** Disables the button while a request is under way, so one click makes one connection. */
function setBusy(busy) {
  connectButton.disabled = busy || !configLoaded;
  form.setAttribute("aria-busy", String(busy));
}

async function connect(event) {
  event.preventDefault();
  const provider = selectedProvider();
  clearAllInvalid();
  hideResult();
  setBusy(true);
  if (byId("use-popup").checked) return connectWithPopup(provider);
  try {
    const outcome = await startOAuth(provider, readOptions(provider));
    if (outcome.redirected) {
      // The browser is already on its way to the consent page; stay busy until it leaves.
      showResult("info", `Opening ${PROVIDERS[provider].name}…`, "Allow access there and you will come back here.");
      return;
    }
    for (const id of SECRET_INPUTS) byId(id).value = "";
    showConnected(provider, outcome.connection.id, "It is live now: supermemory starts syncing right away.");
    connections.load();
  } catch (error) {
    showError(error);
  }
  setBusy(false);
}

/** Connect in a popup: called inside the click, before anything is awaited. */
async function connectWithPopup(provider) {
  const controller = new AbortController();
  const waiting = connectInPopup(provider, { ...readOptions(provider), fallback: "redirect", signal: controller.signal });
  if (PROVIDERS[provider].oauth) showWaiting(PROVIDERS[provider].name, controller);
  try {
    const outcome = await waiting;
    if ("redirected" in outcome) {
      // The popup was blocked: the page is on its way to the consent page instead.
      showResult("info", `Opening ${PROVIDERS[provider].name}…`, "Allow access there and you will come back here.");
      return;
    }
    for (const id of SECRET_INPUTS) byId(id).value = "";
    showOutcome(outcome);
    connections.load();
  } catch (error) {
    if (error instanceof SupermemoryError && error.code === "aborted") hideResult();
    else showError(error);
  }
  setBusy(false);
}

// ---- page load ----

/** Shows how a trip to a consent page ended, when this load is the way back from one. */
async function finishReturnTrip() {
  let outcome;
  try {
    outcome = await completeOAuth();
  } catch (error) {
    showError(error);
    return;
  }
  if (outcome === null) return; // an ordinary visit
  showOutcome(outcome);
}

// ---- the demo session ----

/** Shows the signed-in user in the switch and remembers their tags; false when unreadable. */
function showSession(session) {
  if (!session || !Array.isArray(session.containerTags) || !Array.isArray(session.users)) return false;
  userTags = session.containerTags.filter((tag) => typeof tag === "string");
  userSelect.replaceChildren(
    ...session.users.map(({ id, name }) => {
      const option = element("option", "", String(name));
      option.value = String(id);
      return option;
    }),
  );
  userSelect.value = session.user;
  userSelect.disabled = false;
  return true;
}

/** GET /session (which signs a new visitor in as the first demo user), or POST to switch. */
async function loadSession(switchTo) {
  try {
    const init = switchTo === undefined
      ? { cache: "no-store" }
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: switchTo }) };
    const response = await fetch("/session", init);
    if (!response.ok) throw new Error(`status ${response.status}`);
    return showSession(await response.json());
  } catch {
    return false;
  }
}

/** Switches the demo user: the result panel goes, the list shows the new user's connections. */
async function switchUser() {
  userSelect.disabled = true;
  hideResult();
  clearAllInvalid();
  if (!(await loadSession(userSelect.value))) {
    showResult("error", "Could not switch users", "Check that this demo's server is still running.");
    userSelect.disabled = false;
  }
  connections.load();
}

/**
 * Reads /config.json: the mode line's text, and the extra allow-list entries (offline, the
 * emulator's origin, whose consent page the auth links point to).
 */
async function loadConfig() {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`status ${response.status}`);
    const config = await response.json();
    const hosts = Array.isArray(config.allowedHosts) ? config.allowedHosts.filter((h) => typeof h === "string") : [];
    return { mode: config.mode, allowedHosts: hosts };
  } catch {
    return { mode: "unknown", allowedHosts: [] };
  }
}

function showMode(mode) {
  modeLine.dataset.mode = mode in MODE_TEXT ? mode : "unknown";
  modeLine.textContent = MODE_TEXT[mode] ?? "Could not read this server's settings; connecting may not work.";
}

function wireForm() {
  form.addEventListener("submit", connect);
  userSelect.addEventListener("change", switchUser);
  form.addEventListener("change", (event) => {
    if (event.target.name === "provider" || event.target.id === "use-popup") showProvider(selectedProvider());
  });
  // Typing into a highlighted input clears its highlight.
  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("is-invalid")) clearInvalid(event.target);
  });
  // Coming back with the Back button can restore this page from the back-forward cache exactly
  // as it was left: busy, on its way to a consent page. Make it usable again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      hideResult();
      setBusy(false);
      connections.load();
    }
  });
}

async function main() {
  wireForm();
  showProvider(selectedProvider());
  // completeOAuth first: it also takes the nonce out of the address bar.
  await finishReturnTrip();
  await loadSession();
  connections.load();
  const config = await loadConfig();
  extraAllowedHosts = config.allowedHosts;
  configLoaded = true;
  showMode(config.mode);
  setBusy(false);
}

main();

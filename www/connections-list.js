// "Your connections" on the demo page: the connections of one container tag, read with the
// package's client (connections.list), each with its account, creation time and sync status, a
// "Sync now" button (connections.import) and a "Delete" button that first asks, inside the page,
// whether the documents synced from the connection go too (connections.deleteByID). While a sync
// runs, the list refreshes about once a second, with one timer at most.
//
// Everything shown comes from the API or the address bar: it reaches the page only through
// textContent and attributes, never as HTML.
import { SupermemoryError } from "/pkg/index.js";

/** How long to wait between two refreshes while a sync runs. */
const POLL_MS = 1000;

/**
 * `lastSyncRun.status` values of a run still under way. The API types the status as a plain
 * string; "completed" and "failed" end a run, and so does an `errorCode`.
 */
const RUNNING_STATUSES = new Set(["running", "pending", "queued", "in_progress", "started", "syncing"]);

/** Longest API text (a sync error) shown as is. */
const MAX_TEXT = 200;

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

// ---- small helpers ----

/** A new element with a class and text, never parsed as HTML. */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function actionButton(text, action, className) {
  const button = element("button", className, text);
  button.type = "button";
  button.dataset.action = action;
  return button;
}

/** One label and value of a connection's facts: <div><dt>label</dt><dd>…</dd></div>. */
function fact(label, value) {
  const group = element("div", "fact");
  group.append(element("dt", "", label), value);
  return group;
}

const cut = (text) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

/** "Jan 5, 2026, 10:32 AM" */
const dateAndTime = (date) => DATE_TIME.format(date);

/** Just the time for today, the date and time otherwise. */
const shortWhen = (date) => (date.toDateString() === new Date().toDateString() ? TIME.format(date) : DATE_TIME.format(date));

/** A <time datetime="ISO"> with a readable local time; the text as it came when it is not a date. */
function timeElement(iso, format) {
  const date = new Date(iso);
  if (typeof iso !== "string" || Number.isNaN(date.getTime())) return document.createTextNode(cut(String(iso ?? "unknown")));
  const node = element("time", "", format(date));
  node.dateTime = iso;
  node.title = dateAndTime(date);
  return node;
}

/**
 * What a connection's sync status says: { state, text, time?, reason?, detail? }, where state is
 * "pending" (an OAuth connection nobody has allowed yet), "waiting" (no sync run yet), "running",
 * "synced", "failed" or "other" (a status this page does not know).
 */
export function syncStatus(connection, oauth) {
  const run = connection.lastSyncRun;
  if (run === undefined || run === null) {
    if (oauth && !connection.email) return { state: "pending", text: "Pending consent" };
    return { state: "waiting", text: "Waiting for the first sync" };
  }
  if (run.errorCode || run.status === "failed") {
    const reason = run.errorCode || run.error || "unknown error";
    const detail = run.errorCode && run.error ? cut(String(run.error)) : undefined;
    return { state: "failed", text: `Failed: ${cut(String(reason))}`, reason: cut(String(reason)), detail };
  }
  if (run.status === "completed") return { state: "synced", text: "Synced", time: run.completedAt };
  if (RUNNING_STATUSES.has(run.status)) return { state: "running", text: "Syncing…" };
  return { state: "other", text: `Status: ${cut(String(run.status))}` };
}

/** Plain words for why a call failed, after a sentence saying what failed. */
function explain(error) {
  if (!(error instanceof SupermemoryError)) {
    return `Something unexpected went wrong (${error instanceof Error ? error.message : String(error)}).`;
  }
  switch (error.code) {
    case "connection":
      return "This demo's server could not be reached: check your network connection and that the server still runs.";
    case "timeout":
      return "The server took too long to answer. Please try again.";
    case "rate_limited":
      return `Too many requests: please try again ${error.retryAfter === undefined ? "in a moment" : `in ${error.retryAfter} seconds`}.`;
    case "not_found":
      return "It was not found: it may have been deleted already.";
    case "authentication":
      return "The server's API key was refused.";
    case "permission_denied":
      return "The server's API key is not allowed to do this.";
    case "payment_required":
      return "The supermemory plan or quota does not allow this.";
    case "server_error":
      return "supermemory had a problem. Please try again shortly.";
    default:
      // invalid_request (say, a container tag with a character the API does not allow) and the
      // rest: the package's own words.
      return error.message;
  }
}

/** "the 3 documents", "the 1 document", "any documents", or "the documents" when the number is unknown. */
function documentsPhrase(count) {
  if (count === null) return { words: "the documents", plural: true };
  if (count === 0) return { words: "any documents", plural: true };
  return { words: `the ${count} document${count === 1 ? "" : "s"}`, plural: count !== 1 };
}

/**
 * The "Your connections" section (#connections in index.html). `client` is a Supermemory client,
 * `providers` maps a provider to { name, icon, oauth }, and `readTags()` returns the signed-in
 * user's container tags (from the demo's /session): the list shows that user's connections. The
 * backend scopes every call to the same tags whatever the page sends.
 */
export class ConnectionsList {
  #client;
  #providers;
  #readTags;
  #heading;
  #scope;
  #notice;
  #error;
  #empty;
  #list;

  /** The container tag listed, or null when the form has none. */
  #tag = null;
  /** Row parts by connection id, in the list's order. */
  #rows = new Map();
  /** Ids deleted from this page: an answer that was already under way must not bring them back. */
  #deleted = new Set();
  /** Whether the list of #tag has been shown at least once. */
  #shown = false;
  /** Whether the last list request failed (its message goes once a later one succeeds). */
  #listFailed = false;
  /** The list request under way, and whether another refresh was asked for meanwhile. */
  #inFlight = null;
  #again = false;
  /** The one refresh timer while a sync runs, and whether to refresh once the tab is visible again. */
  #timer = null;
  #resumeWhenVisible = false;
  #panels = 0;

  /** Called with a connection's id once it is deleted from this page. */
  #onDeleted;

  constructor({ client, providers, readTags, onDeleted = () => {} }) {
    this.#onDeleted = onDeleted;
    this.#client = client;
    this.#providers = providers;
    this.#readTags = readTags;
    const byId = (id) => document.getElementById(id);
    this.#heading = byId("connections-title");
    this.#scope = byId("connections-scope");
    this.#notice = byId("connections-notice");
    this.#error = byId("connections-error");
    this.#empty = byId("connections-empty");
    this.#list = byId("connection-list");

    byId("connections").querySelector('[data-action="refresh"]').addEventListener("click", () => this.load());
    this.#list.addEventListener("click", (event) => this.#onClick(event));
    this.#list.addEventListener("change", (event) => {
      if (event.target.dataset.field !== "delete-documents") return;
      const row = this.#rowOf(event.target);
      if (row) this.#describeDeletion(row);
    });
    // Escape inside a confirmation cancels it.
    this.#list.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !event.target.closest(".delete-confirm")) return;
      const row = this.#rowOf(event.target);
      if (row && !row.confirm.busy) this.#closeConfirm(row, true);
    });
    // No polling in a hidden tab; one refresh when it shows again.
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.#resumeWhenVisible) {
        this.#resumeWhenVisible = false;
        this.#refresh();
      }
    });
  }

  /**
   * Lists the signed-in user's connections: on page load, after a connect, on Refresh, and when
   * the user changes (which empties the list first).
   */
  load() {
    const tags = this.#readTags();
    const tag = tags[0] ?? null;
    if (tag !== this.#tag) {
      this.#tag = tag;
      this.#shown = false;
      for (const row of this.#rows.values()) row.item.remove();
      this.#rows.clear();
    }
    this.#showScope();
    this.#clearMessages();
    return this.#refresh();
  }

  // ---- reading the list ----

  /**
   * Reads and shows the list now, or right after the request under way (never two at once).
   * Resolves once a list read after this call is shown.
   */
  #refresh() {
    this.#stopTimer();
    if (this.#inFlight !== null) {
      this.#again = true;
      return this.#inFlight.then(() => this.#inFlight);
    }
    const run = this.#fetchAndShow().finally(() => {
      this.#inFlight = null;
      if (this.#again) {
        this.#again = false;
        this.#refresh();
      }
    });
    this.#inFlight = run;
    return run;
  }

  async #fetchAndShow() {
    const tag = this.#tag;
    if (tag === null) {
      this.#list.removeAttribute("aria-busy");
      this.#showEmpty("Could not tell who is signed in. Reload the page to try again.");
      return;
    }
    if (!this.#shown) this.#showEmpty("Loading…");
    this.#list.setAttribute("aria-busy", "true");
    let connections;
    try {
      connections = await this.#client.connections.list({ containerTags: [tag] });
    } catch (error) {
      if (tag !== this.#tag) return;
      this.#list.removeAttribute("aria-busy");
      this.#listFailed = true;
      this.#showError(`Could not load the connections. ${explain(error)} Press Refresh to try again.`);
      if (!this.#shown) this.#showEmpty("");
      return; // no polling after a failure: Refresh tries again
    }
    if (tag !== this.#tag) return; // the user changed meanwhile; the next read shows the new one's
    this.#list.removeAttribute("aria-busy");
    if (this.#listFailed) {
      this.#listFailed = false;
      this.#hideError();
    }
    this.#render(connections.filter((connection) => !this.#deleted.has(connection.id)));
    this.#shown = true;
    this.#schedule();
  }

  /** Refreshes again in POLL_MS while any connection syncs; one timer at most. */
  #schedule() {
    this.#stopTimer();
    const syncing = [...this.#rows.values()].some((row) => row.state === "running");
    if (!syncing || this.#tag === null) return;
    if (document.hidden) {
      this.#resumeWhenVisible = true;
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#refresh();
    }, POLL_MS);
  }

  #stopTimer() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#resumeWhenVisible = false;
  }

  // ---- showing the list ----

  /** Updates the rows in place (newest first), so an open confirmation and the focus survive a refresh. */
  #render(connections) {
    const time = (c) => Date.parse(c.createdAt) || 0;
    const sorted = [...connections].sort((a, b) => time(b) - time(a));
    const seen = new Set();
    sorted.forEach((connection, index) => {
      seen.add(connection.id);
      let row = this.#rows.get(connection.id);
      if (row === undefined) {
        row = this.#newRow(connection);
        this.#rows.set(connection.id, row);
      }
      this.#updateRow(row, connection);
      const there = this.#list.children[index] ?? null;
      if (there !== row.item) this.#list.insertBefore(row.item, there);
    });
    for (const [id, row] of this.#rows) {
      if (!seen.has(id)) this.#removeRow(id, row);
    }
    this.#updateEmpty();
  }

  #updateEmpty() {
    if (this.#rows.size > 0) this.#showEmpty("");
    else this.#showEmpty("No connections under this tag yet. Connect a source above to add one.");
  }

  #removeRow(id, row) {
    const hadFocus = row.item.contains(document.activeElement);
    row.item.remove();
    this.#rows.delete(id);
    if (hadFocus) this.#heading.focus();
  }

  #newRow(connection) {
    const provider = this.#providers[connection.provider];
    const name = provider?.name ?? cut(String(connection.provider));
    const item = element("li", "connection");
    item.dataset.connectionId = connection.id;
    item.dataset.provider = connection.provider;

    const icon = element("span", "provider-icon", provider?.icon ?? "?");
    icon.dataset.provider = connection.provider;
    icon.setAttribute("aria-hidden", "true");
    const title = element("h3", "connection-name", name);
    const sync = actionButton("Sync now", "sync", "button-secondary button-small");
    sync.setAttribute("aria-label", `Sync now: ${name}`);
    const remove = actionButton("Delete", "delete", "button-secondary button-small button-danger-text");
    remove.setAttribute("aria-label", `Delete: ${name}`);
    remove.setAttribute("aria-expanded", "false");
    const actions = element("div", "connection-actions");
    actions.append(sync, remove);
    const head = element("div", "connection-head");
    head.append(icon, title);

    const account = element("dd");
    account.dataset.field = "account";
    const created = element("dd");
    created.dataset.field = "created";
    const status = element("span", "status");
    status.dataset.field = "status";
    const statusDetail = element("span", "status-detail");
    statusDetail.dataset.field = "status-detail";
    statusDetail.hidden = true;
    const statusCell = element("dd");
    statusCell.append(status, statusDetail);
    const facts = element("dl", "connection-facts");
    facts.append(fact("Account", account), fact("Created", created), fact("Sync", statusCell));

    const confirm = this.#newConfirm(name);
    remove.setAttribute("aria-controls", confirm.panel.id);
    item.append(head, actions, facts, confirm.panel);
    return { item, name, connection, state: "", signature: "", account, created, status, statusDetail, sync, remove, confirm, busy: false };
  }

  /** The in-page confirmation of a deletion, hidden until Delete is pressed. */
  #newConfirm(name) {
    const id = `delete-confirm-${(this.#panels += 1)}`;
    const panel = element("div", "delete-confirm");
    panel.id = id;
    panel.hidden = true;
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", `Delete the ${name} connection`);
    const question = element("p", "delete-question", `Delete this ${name} connection?`);
    const checkbox = element("input");
    checkbox.type = "checkbox";
    checkbox.id = `${id}-documents`;
    checkbox.dataset.field = "delete-documents";
    const labelText = element("span");
    const label = element("label", "check");
    label.htmlFor = checkbox.id;
    label.append(checkbox, labelText);
    const summary = element("p", "delete-summary");
    summary.id = `${id}-summary`;
    summary.dataset.field = "delete-summary";
    summary.setAttribute("aria-live", "polite");
    const confirmButton = actionButton("Delete connection", "confirm-delete", "button-danger button-small");
    confirmButton.setAttribute("aria-describedby", summary.id);
    const cancelButton = actionButton("Cancel", "cancel-delete", "button-secondary button-small");
    const buttons = element("div", "delete-buttons");
    buttons.append(confirmButton, cancelButton);
    panel.append(question, label, summary, buttons);
    return { panel, checkbox, labelText, summary, confirmButton, cancelButton, documentCount: null, countRequest: 0, busy: false };
  }

  /** Shows a connection's facts; cells are rewritten only when something changed. */
  #updateRow(row, connection) {
    row.connection = connection;
    const status = syncStatus(connection, this.#providers[connection.provider]?.oauth ?? false);
    // The status cell is not a live region (it would chatter every second); the end of a sync is
    // announced once instead.
    if (row.state === "running" && status.state === "synced") this.#announce(`${row.name}: sync completed.`);
    if (row.state === "running" && status.state === "failed") this.#announce(`${row.name}: the sync failed (${status.reason}).`);
    row.state = status.state;
    // The day is part of it: "Synced 10:32" becomes "Synced Jan 5, 10:32" after midnight.
    const signature = JSON.stringify([connection.email, connection.createdAt, status, new Date().toDateString()]);
    if (signature !== row.signature) {
      row.signature = signature;
      row.account.textContent = typeof connection.email === "string" && connection.email !== "" ? cut(connection.email) : "—";
      row.created.replaceChildren(timeElement(connection.createdAt, dateAndTime));
      row.item.dataset.sync = status.state;
      row.status.dataset.state = status.state;
      if (status.time !== undefined) row.status.replaceChildren(`${status.text} `, timeElement(status.time, shortWhen));
      else row.status.textContent = status.text;
      row.statusDetail.textContent = status.detail ?? "";
      row.statusDetail.hidden = status.detail === undefined;
    }
    this.#updateSyncButton(row);
  }

  /** "Sync now" is off while a sync runs, before consent, and while its own request is under way. */
  #updateSyncButton(row) {
    row.sync.disabled = row.busy || row.state === "running" || row.state === "pending";
    row.sync.textContent = row.busy ? "Starting…" : "Sync now";
  }

  // ---- the buttons ----

  #rowOf(node) {
    const item = node.closest("[data-connection-id]");
    return item ? this.#rows.get(item.dataset.connectionId) : undefined;
  }

  #onClick(event) {
    const button = event.target.closest("button[data-action]");
    const row = button ? this.#rowOf(button) : undefined;
    if (row === undefined) return;
    switch (button.dataset.action) {
      case "sync":
        this.#sync(row);
        break;
      case "delete":
        if (row.confirm.panel.hidden) this.#openConfirm(row);
        else if (!row.confirm.busy) this.#closeConfirm(row, true);
        break;
      case "confirm-delete":
        this.#delete(row);
        break;
      case "cancel-delete":
        this.#closeConfirm(row, true);
        break;
      default:
    }
  }

  /** Sync now: starts a new sync of the provider's connections under this tag, then refreshes. */
  async #sync(row) {
    const { provider } = row.connection;
    row.busy = true;
    this.#updateSyncButton(row);
    this.#clearMessages();
    try {
      await this.#client.connections.import(provider, { containerTags: [this.#tag] });
      this.#announce(`A new ${row.name} sync has started.`);
    } catch (error) {
      this.#showError(`Could not start a ${row.name} sync. ${explain(error)}`);
    }
    await this.#refresh();
    row.busy = false;
    this.#updateSyncButton(row);
  }

  #openConfirm(row) {
    const { confirm } = row;
    confirm.checkbox.checked = false;
    confirm.documentCount = null;
    this.#setConfirmBusy(row, false);
    this.#describeDeletion(row);
    confirm.panel.hidden = false;
    row.remove.setAttribute("aria-expanded", "true");
    confirm.checkbox.focus();
    this.#countDocuments(row);
  }

  #closeConfirm(row, giveFocusBack) {
    row.confirm.panel.hidden = true;
    row.confirm.countRequest += 1; // a count still under way is no longer wanted
    row.remove.setAttribute("aria-expanded", "false");
    if (giveFocusBack) row.remove.focus();
  }

  /**
   * Fetches how many documents the connection has synced, for the confirmation's wording. The API
   * counts per provider and tag, so the number is this connection's own only when it is the tag's
   * one connection of that provider; otherwise the wording goes without a number.
   */
  async #countDocuments(row) {
    const { confirm, connection } = row;
    const request = (confirm.countRequest += 1);
    const sameProvider = [...this.#rows.values()].filter((r) => r.connection.provider === connection.provider);
    if (sameProvider.length !== 1) return;
    let documents;
    try {
      documents = await this.#client.connections.listDocuments(connection.provider, { containerTags: [this.#tag] });
    } catch {
      return; // the wording without a number stays
    }
    if (request !== confirm.countRequest || !Array.isArray(documents)) return;
    confirm.documentCount = documents.length;
    this.#describeDeletion(row);
  }

  /** Says plainly whether the documents will be kept or deleted, following the checkbox. */
  #describeDeletion(row) {
    const { checkbox, labelText, summary, confirmButton, documentCount } = row.confirm;
    const { words, plural } = documentsPhrase(documentCount);
    labelText.textContent = `Also delete ${words} synced from this connection`;
    if (checkbox.checked) {
      summary.dataset.documents = "delete";
      summary.textContent = `The connection and ${words} synced from it will be deleted. This cannot be undone.`;
      if (!row.confirm.busy) confirmButton.textContent = "Delete connection and documents";
    } else {
      summary.dataset.documents = "keep";
      const capital = words[0].toUpperCase() + words.slice(1);
      summary.textContent = `Only the connection is removed. ${capital} synced from it ${plural ? "are" : "is"} kept.`;
      if (!row.confirm.busy) confirmButton.textContent = "Delete connection";
    }
  }

  #setConfirmBusy(row, busy) {
    const { confirm } = row;
    confirm.busy = busy;
    confirm.checkbox.disabled = busy;
    confirm.confirmButton.disabled = busy;
    confirm.cancelButton.disabled = busy;
    row.remove.disabled = busy;
    if (busy) confirm.confirmButton.textContent = "Deleting…";
  }

  /** Confirm: deletes the connection, with its documents only when the box is checked. */
  async #delete(row) {
    const { id } = row.connection;
    const deleteDocuments = row.confirm.checkbox.checked;
    this.#setConfirmBusy(row, true);
    this.#clearMessages();
    try {
      await this.#client.connections.deleteByID(id, { deleteDocuments });
    } catch (error) {
      this.#setConfirmBusy(row, false);
      this.#describeDeletion(row);
      this.#showError(`Could not delete the ${row.name} connection. ${explain(error)}`);
      await this.#refresh();
      return;
    }
    this.#deleted.add(id);
    this.#onDeleted(id);
    this.#announce(
      deleteDocuments
        ? `The ${row.name} connection and the documents synced from it were deleted.`
        : `The ${row.name} connection was deleted. The documents synced from it were kept.`,
    );
    if (this.#rows.get(id) === row) this.#removeRow(id, row);
    this.#heading.focus();
    this.#updateEmpty();
    await this.#refresh();
  }

  // ---- messages ----

  #showScope() {
    if (this.#tag === null) {
      this.#scope.textContent = "The signed-in user's connections.";
      return;
    }
    this.#scope.replaceChildren("Container tag ", element("code", "", this.#tag));
  }

  #showEmpty(text) {
    this.#empty.textContent = text;
    this.#empty.hidden = text === "";
  }

  /** A polite one-line report of what an action did. */
  #announce(text) {
    this.#notice.textContent = text;
  }

  #showError(text) {
    this.#error.textContent = text;
    this.#error.hidden = false;
  }

  #hideError() {
    this.#error.hidden = true;
    this.#error.textContent = "";
  }

  #clearMessages() {
    this.#notice.textContent = "";
    this.#listFailed = false;
    this.#hideError();
  }
}

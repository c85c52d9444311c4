// How the package reads a caller's arguments, in Node through the exports map: every way a read
// can be refused (a getter or Proxy trap that throws, a symbol key, an unpaired surrogate, too
// many entries) and every kind of value a message can name, each with its exact error, and
// nothing sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createConnection, SupermemoryError } from "../../pkg/node.js";

/** What the calls sent: the fetch of every options object below records here. */
const sent = [];
const BASE = {
  baseURL: "https://proxy.example.com/api",
  fetch: async (url) => {
    sent.push(url);
    return new Response("{}", { status: 500 });
  },
};

/** Throws when called: a getter or trap that refuses. */
function refuse() {
  throw new Error("refused by the caller");
}

/** A Proxy that has been revoked: every operation on it throws. */
function revoked() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** createConnection(provider, options)'s error, checking that nothing was sent. */
async function refusal(options, provider = "notion") {
  sent.length = 0;
  const error = await createConnection(provider, options).then(
    () => assert.fail("the call should have been refused"),
    (e) => e,
  );
  assert.ok(error instanceof SupermemoryError, `a SupermemoryError, not ${error}`);
  assert.deepEqual(sent, [], "nothing is sent");
  return { code: error.code, field: error.field, message: error.message };
}

const refused = (field, message) => ({ code: "invalid_request", field, message });

const many = (count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

const REFUSED_READS = [
  ["a throwing getter of an option", { ...BASE, get redirectUrl() { return refuse(); } }, refused("redirectUrl", "redirectUrl could not be read: its getter threw")],
  ["a throwing getter one level down", { ...BASE, metadata: { get team() { return refuse(); } } }, refused("metadata.team", "metadata.team could not be read: its getter threw")],
  ["a throwing getter under the empty key", { ...BASE, get ""() { return refuse(); } }, refused("", " could not be read: its getter threw")],
  ["a symbol key of the options", { ...BASE, [Symbol("x")]: 1 }, refused("options", "options has a symbol key: only string keys are allowed")],
  ["a symbol key one level down", { ...BASE, metadata: { [Symbol("x")]: 1 } }, refused("metadata", "metadata has a symbol key: only string keys are allowed")],
  ["a key with an unpaired surrogate", { ...BASE, metadata: { "team\ud800": "x" } }, refused("metadata", "metadata has a key that contains an unpaired surrogate")],
  ["a string with an unpaired surrogate", { ...BASE, containerTag: "user\udc00" }, refused("containerTag", "containerTag contains an unpaired surrogate")],
  ["an item with an unpaired surrogate", { ...BASE, containerTags: ["a", "b\ud800"] }, refused("containerTags[1]", "containerTags[1] contains an unpaired surrogate")],
  ["more than 10,000 items", { ...BASE, containerTags: new Array(10001).fill("a") }, refused("containerTags", "containerTags has more than 10000 items")],
  ["more than 10,000 keys", { ...BASE, metadata: many(10001) }, refused("metadata", "metadata has more than 10000 keys")],
  ["a revoked Proxy as the options", revoked(), refused("options", "options could not be read")],
  ["a revoked Proxy as an option", { ...BASE, metadata: revoked() }, refused("metadata", "metadata could not be read")],
  ["a Proxy whose ownKeys throws", { ...BASE, metadata: new Proxy({}, { ownKeys: refuse }) }, refused("metadata", "metadata could not be read")],
  ["a Proxy whose getPrototypeOf throws", { ...BASE, metadata: new Proxy({}, { getPrototypeOf: refuse }) }, refused("metadata", "metadata could not be read")],
  ["an array whose length throws", { ...BASE, containerTags: new Proxy([], { get: (t, k) => (k === "length" ? refuse() : t[k]) }) }, refused("containerTags", "containerTags could not be read")],
  ["an array whose length is not a number", { ...BASE, containerTags: new Proxy([], { get: (t, k) => (k === "length" ? "2" : t[k]) }) }, refused("containerTags", "containerTags could not be read")],
  ["an array whose item throws", { ...BASE, containerTags: new Proxy(["a", "b"], { get: (t, k) => (k === "1" ? refuse() : t[k]) }) }, refused("containerTags[1]", "containerTags[1] could not be read")],
];

for (const [name, options, expected] of REFUSED_READS) {
  test(`refused read: ${name}`, async () => {
    assert.deepEqual(await refusal(options), expected);
  });
}

/** A class instance with both listener methods, and `aborted` as `descriptor` gives it. */
function signalLike(descriptor) {
  return Object.create(
    { addEventListener() {}, removeEventListener() {} },
    { aborted: { ...descriptor, enumerable: true } },
  );
}

/** Each kind of value, as the messages name it (`fetch` must be a function). */
const KINDS = [
  [undefined, null],
  [null, "null"],
  [true, "a boolean"],
  [1, "a number"],
  [NaN, "NaN"],
  ["text", "a string"],
  [10n, "a bigint"],
  [Symbol("s"), "a symbol"],
  [[], "an array"],
  [{}, "an object"],
  [Object.create(null), "an object"],
  [new Date(0), "an object that is not a plain object"],
  [new Map(), "an object that is not a plain object"],
  [new AbortController().signal, "an AbortSignal"],
  [{ aborted: false, addEventListener() {}, removeEventListener() {} }, "an object"],
  [signalLike({ value: false }), "an AbortSignal"],
  [signalLike({ get: refuse }), "an object that is not a plain object"],
  [signalLike({ value: "false" }), "an object that is not a plain object"],
];

/** A short name of a test value. */
function describeValue(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  return Object.getPrototypeOf(value)?.constructor?.name ?? "a null-prototype object";
}

for (const [value, kind] of KINDS) {
  if (kind === null) continue;
  test(`a value read as ${kind}: ${describeValue(value)}`, async () => {
    assert.deepEqual(await refusal({ ...BASE, fetch: value }), refused("fetch", `fetch must be a function, not ${kind}`));
  });
}

test("arguments that are arrays are refused as arrays without reading their items", async () => {
  let read = false;
  const options = new Proxy([], { get: (t, k) => ((read = k !== "length" || read), t[k]) });
  assert.deepEqual(await refusal(options), refused("options", "options must be a plain object, not an array"));
  assert.equal(read, false);
  const provider = await refusal({ ...BASE }, ["notion"]);
  assert.equal(provider.code, "invalid_request");
  assert.equal(provider.field, "provider");
});

test("a plain object deeper than the options read is kept whole and refused by its rule", async () => {
  assert.deepEqual(
    await refusal({ ...BASE, metadata: { nested: { deep: 1 } } }),
    refused("metadata.nested", "metadata.nested must be a string, a finite number or a boolean (metadata is flat), not an object"),
  );
});

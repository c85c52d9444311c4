// Loading the package in Node, as server-side rendering does, must not touch `window`:
// any read of it (typeof included) throws here. Prints the exports' names as JSON.
Object.defineProperty(globalThis, "window", {
  get() {
    throw new Error("window touched");
  },
  configurable: true,
});

const module = await import("supermemory-connections");
console.log(JSON.stringify({ exports: Object.keys(module).sort() }));

// The one line the package needs in Vite, and only for the dev server: its dependency
// pre-bundling moves the package's JavaScript away from its wasm file, so leave it out.
// `vite build` needs nothing (the consumer test builds with this file set aside).
import { defineConfig } from "vite";

export default defineConfig({
  optimizeDeps: { exclude: ["supermemory-connections"] },
});

// Loads the app's wasm (the wasm-bindgen glue in ./pkg/) and shows what its `connect` answers.
// `?baseUrl=` says where requests go (default: the app's backend proxy at /api/supermemory);
// `?apiKey=` is for an internal tool that calls the API directly.
import init, { connect } from "./pkg/supermemory_connections_example.js";

const params = new URLSearchParams(location.search);
const baseUrl = params.get("baseUrl") ?? "/api/supermemory";
const apiKey = params.get("apiKey") ?? "";
const status = document.getElementById("status");

try {
  await init();
  const connection = await connect(baseUrl, apiKey);
  document.getElementById("connection-id").textContent = connection.id;
  document.getElementById("provider").textContent = connection.provider;
  document.getElementById("start-url").textContent = connection.startUrl;
  status.textContent = "Connected.";
  status.dataset.state = "connected";
} catch (error) {
  status.textContent = `Could not connect: ${error}`;
  status.dataset.state = "failed";
}

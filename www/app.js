// The demo page's script: one createConnection call through the page's own backend proxy.
import { createConnection, SupermemoryError } from "/pkg/index.js";

const form = document.getElementById("connect");
const status = document.getElementById("status");
const authLink = document.getElementById("auth-link");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  status.textContent = "Creating the connection…";
  authLink.hidden = true;
  try {
    const connection = await createConnection("notion", {
      baseURL: "/api/supermemory",
      redirectUrl: new URL("/", location.href).href,
      containerTag: form.elements.tag.value,
    });
    status.textContent = `Connection ${connection.id} created; its consent link expires in ${connection.expiresIn}.`;
    if (connection.authLink) {
      authLink.href = connection.authLink;
      authLink.hidden = false;
    }
  } catch (error) {
    const where = error instanceof SupermemoryError && error.field ? ` (${error.field})` : "";
    status.textContent = `Could not connect${where}: ${error.message}`;
  }
});

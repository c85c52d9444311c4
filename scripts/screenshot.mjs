// Regenerates www/screenshot.png, the picture of the demo page that the README embeds: starts the
// demo server (offline, on the local emulator), opens the page at 1200x800 in headless Chromium
// (Debian's, through playwright-core) and saves what the viewport shows. Not part of CI.
// Run after changing the page: node scripts/screenshot.mjs
import { fileURLToPath } from "node:url";
import { startDemoServer } from "../www/server.mjs";
import { launchBrowser } from "../tests/js/browser.mjs";

const OUTPUT = fileURLToPath(new URL("../www/screenshot.png", import.meta.url));

const demo = await startDemoServer({ port: 0, env: {} });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.goto(`${demo.url}/`);
  // Ready once the return trip is handled and /config.json is read: the mode line and the button.
  await page.waitForSelector("#connect:enabled");
  if (problems.length > 0) throw new Error(`the page had problems:\n${problems.join("\n")}`);
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await demo.close();
}

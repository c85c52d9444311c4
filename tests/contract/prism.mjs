// Starts Prism (@stoplight/prism-cli, a devDependency) as a validating proxy in front of an
// upstream, for the contract tests. Prism listens on a port it picks itself (--port 0) and says
// which one in its log; its whole output (stdout and stderr) goes to `logFile`.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const PRISM_BIN = fileURLToPath(new URL("../../node_modules/.bin/prism", import.meta.url));

/** The flags every contract Prism runs with: a violating request or answer becomes an error answer. */
export const PRISM_FLAGS = ["--errors", "--host", "127.0.0.1", "--port", "0"];

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Log lines where Prism reports a problem: a "Violation: ..." line (request or answer breaking
 * the document), a request it refused or replaced ("Request terminated with error: ..."), and
 * anything logged at warning, error or fatal level.
 */
export function problemLines(log) {
  return log
    .split("\n")
    .filter((line) => /violation|terminated with error|[✖⚠✘]|\b(warning|error|fatal)\s{2,}/i.test(line));
}

/**
 * Starts `prism proxy <spec> <upstream>`; resolves to { url, log(), problems(), stop() } once it
 * answers HTTP. Rejects (after stopping it) when it exits or does not come up in time.
 */
export async function startPrism({ spec, upstream, logFile, startTimeoutMs = 60_000 }) {
  if (!existsSync(PRISM_BIN)) throw new Error(`${PRISM_BIN} is missing: run npm ci`);
  const child = spawn(PRISM_BIN, ["proxy", spec, upstream, ...PRISM_FLAGS], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const file = createWriteStream(logFile);
  let text = "";
  let exited = null;
  const exit = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      file.write(chunk);
      text += chunk.toString("utf8").replace(ANSI, "");
    });
  }

  async function stop() {
    if (exited === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => exited === null && child.kill("SIGKILL"), 5000);
      await exit;
      clearTimeout(timer);
    }
    await new Promise((resolve) => file.end(resolve));
  }

  const deadline = Date.now() + startTimeoutMs;
  try {
    let url;
    while (url === undefined) {
      if (exited !== null) throw new Error(`prism exited (${JSON.stringify(exited)}) before listening`);
      if (Date.now() > deadline) throw new Error(`prism did not start within ${startTimeoutMs} ms`);
      url = /Prism is listening on (http:\/\/[^\s]+)/.exec(text)?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Wait for a real answer: a CORS preflight, which Prism answers itself without logging.
    for (;;) {
      try {
        const headers = { origin: "http://contract.invalid", "access-control-request-method": "POST" };
        await (await fetch(`${url}/v3/connections/list`, { method: "OPTIONS", headers })).arrayBuffer();
        break;
      } catch (error) {
        if (exited !== null || Date.now() > deadline) throw new Error(`prism does not answer: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return { url, log: () => text, problems: () => problemLines(text), stop };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}; its log is in ${logFile}:\n${text.slice(-4000)}`);
  }
}

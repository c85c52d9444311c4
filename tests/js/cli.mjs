// Test helper: the first line a child process prints on stdout (its "listening on" line).

/** Resolves the child's first stdout line; rejects if it exits before printing one. */
export function firstLine(child) {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.on("exit", () => reject(new Error(`CLI exited early; output: ${out}`)));
  });
}

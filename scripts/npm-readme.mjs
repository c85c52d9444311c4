// Writes pkg/README.md, the README of the npm package: the introduction in
// pkg-template/README.md (HTML comments removed), then docs/guide.md as a whole, then the licence.
// A relative link would not resolve inside the tarball, so each becomes its plain text; the
// script fails if one is left (an image, a reference definition or an HTML href/src).
//
//   node scripts/npm-readme.mjs     (after the package build: pkg/ must exist)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const INTRO = "pkg-template/README.md";
const GUIDE = "docs/guide.md";
const OUTPUT = "pkg/README.md";

function read(path) {
  if (!existsSync(ROOT + path)) throw new Error(`${path} is missing; the npm README is built from it`);
  return readFileSync(ROOT + path, "utf8");
}

/** True for a link target that is neither a URL with a scheme (https:, mailto:...) nor an anchor. */
const isRelative = (target) => !/^(?:[a-z][a-z0-9+.-]*:|\/\/|#)/i.test(target.replace(/^</, ""));

/** Runs `change` on the text with code blocks and code spans set aside, so links in code stay as they are. */
function outsideCode(text, change) {
  const code = [];
  const masked = text.replace(/^```[\s\S]*?^```[^\n]*$|`[^`\n]+`/gm, (found) => `\u0000${code.push(found) - 1}\u0000`);
  return change(masked).replace(/\u0000(\d+)\u0000/g, (_, i) => code[Number(i)]);
}

/** `[text](relative target)` becomes `text`; links with a scheme and anchors stay. */
const unlinkRelative = (text) =>
  text.replace(/(?<!!)\[([^\]]*)\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g, (link, label, target) =>
    isRelative(target) ? label : link,
  );

/** Every relative link left: inline links and images, reference definitions, HTML href and src. */
function relativeLinks(text) {
  const patterns = [
    /!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)[^)\n]*\)?/g,
    /^ {0,3}\[[^\]]+\]:\s*(\S+)/gm,
    /\b(?:href|src)\s*=\s*["']([^"']*)["']/gi,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].filter((m) => isRelative(m[1])).map((m) => m[0]));
}

function main() {
  if (!existsSync(ROOT + "pkg")) throw new Error("pkg/ does not exist; build the package first (bash scripts/build.sh)");
  const intro = read(INTRO).replace(/<!--[\s\S]*?-->\s*/g, "").trim();
  const guide = read(GUIDE).trim();
  const readme = outsideCode(`${intro}\n\n${guide}\n\n## License\n\nMIT\n`, unlinkRelative);
  outsideCode(readme, (text) => {
    const left = relativeLinks(text);
    if (left.length > 0) {
      throw new Error(
        `a relative link would break in the npm README; make it absolute or plain text in ${GUIDE} or ${INTRO}: ` +
          left.join(", "),
      );
    }
    return text;
  });
  writeFileSync(ROOT + OUTPUT, readme);
  console.log(`wrote ${OUTPUT} (${readme.trimEnd().split("\n").length} lines)`);
}

try {
  main();
} catch (error) {
  console.error(`npm-readme: ${error.message}`);
  process.exitCode = 1;
}

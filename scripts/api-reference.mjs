#!/usr/bin/env node
// Writes the package's API reference, pkg-template/API.md, from the declarations and their doc
// comments in pkg-template/index.d.ts, parsed with the TypeScript compiler API.
//
//   node scripts/api-reference.mjs           write pkg-template/API.md
//   node scripts/api-reference.mjs --check   exit 1, saying why, when pkg-template/API.md is not
//                                            exactly what would be written now
//   --input <file.d.ts> --output <file.md>   other files (default output: API.md next to the input);
//                                            the server half's reference is written with
//                                            --input pkg-template/server.d.ts --output pkg-template/SERVER-API.md
//
// The reference has a title, a table of contents, then one section per export in the order of the
// declaration file (functions, classes, interfaces, type aliases, enums, constants, the default
// export), then the file's non-exported helper types that the exports are built from. A section
// has the declaration as written (doc comments removed), its doc comment as Markdown (`@example`
// blocks as code, `{@link X}` as links to X's section), and a member table for interfaces, classes
// and object types. The output depends on the input text only (no dates), so it can be checked.
//
// Layout rules that tests/types/api-reference.test.mjs relies on: an export's section starts with
// the heading "## `Name`"; the first line after it is the kind line, in italics; an export
// without a doc comment gets the line NO_DOCS instead of documentation.
//
// Exit codes: 0 done (or up to date), 1 out of date, 2 usage error or a declaration file the
// generator cannot document (e.g. a `{@link}` to a name that has no section).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const defaultInput = join(repoRoot, "pkg-template", "index.d.ts");

/** The line written in place of documentation for an export without a doc comment. */
export const NO_DOCS = "*No documentation: this export has no doc comment.*";

const HELPERS_HEADING = "Helper types (not exported)";

const KIND_LABELS = {
  function: "Function",
  class: "Class",
  interface: "Interface",
  type: "Type alias",
  enum: "Enum",
  namespace: "Namespace",
  const: "Constant",
  let: "Variable",
  var: "Variable",
  alias: "Alias",
  default: "Default export",
};

/** A problem in the declaration file that makes a faithful reference impossible. */
export class ApiReferenceError extends Error {}

// ---------------------------------------------------------------------------------------------
// Declarations

function hasModifier(node, kind) {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function lineOf(sf, pos) {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

/** The names and kinds a top-level statement declares (none for imports, `declare global`...). */
function declaredBy(statement, sf) {
  const named = (kind) => [{ name: statement.name?.text ?? "default", kind }];
  if (ts.isFunctionDeclaration(statement)) return named("function");
  if (ts.isClassDeclaration(statement)) return named("class");
  if (ts.isInterfaceDeclaration(statement)) return named("interface");
  if (ts.isTypeAliasDeclaration(statement)) return named("type");
  if (ts.isEnumDeclaration(statement)) return named("enum");
  if (ts.isModuleDeclaration(statement)) {
    return ts.isIdentifier(statement.name) && !(statement.flags & ts.NodeFlags.GlobalAugmentation)
      ? named("namespace")
      : [];
  }
  if (ts.isVariableStatement(statement)) {
    const flags = statement.declarationList.flags;
    const kind = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    return statement.declarationList.declarations.map((declaration) => {
      if (!ts.isIdentifier(declaration.name)) {
        throw new ApiReferenceError(
          `line ${lineOf(sf, declaration.getStart(sf))}: destructuring declarations are not supported`,
        );
      }
      return { name: declaration.name.text, kind };
    });
  }
  return [];
}

/**
 * The exported and the non-exported top-level declarations, each a Map from name to
 * `{ name, kinds, nodes, aliasOf? }` in order of first appearance. Declarations merged under one
 * name (overloads, interface merging, a class and an interface) share an entry.
 */
function collectDeclarations(sf) {
  const exported = new Map();
  const locals = new Map();
  const add = (map, name, kind, node) => {
    let entry = map.get(name);
    if (entry === undefined) {
      entry = { name, kinds: [], nodes: [] };
      map.set(name, entry);
    }
    if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
    entry.nodes.push(node);
    return entry;
  };
  for (const statement of sf.statements) {
    const line = lineOf(sf, statement.getStart(sf));
    if (ts.isExportAssignment(statement)) {
      if (statement.isExportEquals) throw new ApiReferenceError(`line ${line}: \`export =\` is not supported`);
      const entry = add(exported, "default", "default", statement);
      if (ts.isIdentifier(statement.expression)) entry.aliasOf = statement.expression.text;
      continue;
    }
    if (ts.isExportDeclaration(statement)) {
      if (statement.moduleSpecifier !== undefined) {
        throw new ApiReferenceError(`line ${line}: re-exports from another module are not supported`);
      }
      if (statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) {
          const entry = add(exported, element.name.text, element.name.text === "default" ? "default" : "alias", statement);
          entry.aliasOf = (element.propertyName ?? element.name).text;
        }
      } else if (statement.exportClause !== undefined) {
        throw new ApiReferenceError(`line ${line}: namespace exports are not supported`);
      }
      continue;
    }
    const declared = declaredBy(statement, sf);
    const isExported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
    for (const { name, kind } of declared) {
      if (isExported) add(exported, isDefault ? "default" : name, kind, statement);
      else add(locals, name, kind, statement);
    }
  }
  // `export { Local as Name }` and `export default Local`: a local declaration exported under
  // another name is documented there, and no longer as a helper.
  for (const entry of exported.values()) {
    if (entry.aliasOf === undefined) continue;
    const local = locals.get(entry.aliasOf);
    if (local !== undefined) {
      locals.delete(entry.aliasOf);
      entry.kinds = [...local.kinds];
      entry.nodes = [...local.nodes];
      if (entry.aliasOf !== entry.name) entry.declaredAs = entry.aliasOf;
      delete entry.aliasOf;
    } else if (!exported.has(entry.aliasOf) || exported.get(entry.aliasOf).aliasOf !== undefined) {
      throw new ApiReferenceError(
        `export \`${entry.name}\` refers to \`${entry.aliasOf}\`, which is not declared in this file`,
      );
    }
  }
  return { exported, locals };
}

// ---------------------------------------------------------------------------------------------
// Source text

/** The declaration as written, without its doc comment and without the doc comments inside it. */
function sourceText(sf, node) {
  const start = node.getStart(sf);
  const end = node.end;
  const ranges = new Map();
  const visit = (n) => {
    for (const range of ts.getLeadingCommentRanges(sf.text, n.pos) ?? []) {
      if (
        range.kind === ts.SyntaxKind.MultiLineCommentTrivia &&
        range.pos >= start &&
        range.end <= end &&
        sf.text.startsWith("/**", range.pos) &&
        !sf.text.startsWith("/**/", range.pos)
      ) {
        ranges.set(range.pos, range.end);
      }
    }
    for (const child of n.getChildren(sf)) visit(child);
  };
  visit(node);
  let text = sf.text.slice(start, end);
  const sorted = [...ranges].map(([pos, rangeEnd]) => [pos - start, rangeEnd - start]).sort((a, b) => b[0] - a[0]);
  for (const [from, to] of sorted) {
    const lineStart = text.lastIndexOf("\n", from - 1) + 1;
    let lineEnd = text.indexOf("\n", to);
    if (lineEnd < 0) lineEnd = text.length;
    const before = text.slice(lineStart, from);
    const after = text.slice(to, lineEnd);
    if (/^[ \t]*$/.test(before) && /^[ \t]*$/.test(after)) {
      // The comment has its own lines: remove them whole.
      text = text.slice(0, lineStart) + text.slice(Math.min(lineEnd + 1, text.length));
    } else if (/^[ \t]*$/.test(after)) {
      text = text.slice(0, from).replace(/[ \t]+$/, "") + text.slice(to);
    } else {
      text = text.slice(0, from) + text.slice(to).replace(/^[ \t]+/, "");
    }
  }
  return text.replace(/[ \t]+$/gm, "");
}

/** Source text on one line, for table cells. */
function oneLine(text) {
  return text
    .replace(/\s+/g, " ")
    .replace(/([([<]) /g, "$1")
    .replace(/,? ([)\]>])/g, "$1")
    .replace(/^\| /, "")
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Doc comments

/** The doc comment directly on `node` (the last one, as TypeScript uses), or undefined. */
function docCommentOf(sf, node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter((d) => ts.isJSDoc(d) && d.parent === node);
  return docs.at(-1);
}

/**
 * A doc comment's text split into the summary (Markdown lines) and its block tags, read from the
 * raw comment so that indentation (lists, code in examples) stays as written.
 */
function parseDocComment(sf, jsDoc) {
  const raw = sf.text.slice(jsDoc.pos, jsDoc.end).replace(/^\/\*\*/, "").replace(/\*\/$/, "");
  const lines = raw.split("\n").map((line, index) => {
    if (index === 0) return line.trim();
    return (/^\s*\*/.test(line) ? line.replace(/^\s*\* ?/, "") : line.trimStart()).trimEnd();
  });
  const summary = [];
  const tags = [];
  let inFence = false;
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const tag = inFence ? null : /^@([A-Za-z][\w-]*)\s?(.*)$/.exec(line);
    if (tag !== null) tags.push({ name: tag[1], lines: [tag[2]] });
    else if (tags.length > 0) tags.at(-1).lines.push(line);
    else summary.push(line);
  }
  const trim = (ls) => {
    const kept = [...ls];
    while (kept.length > 0 && kept[0].trim() === "") kept.shift();
    while (kept.length > 0 && kept.at(-1).trim() === "") kept.pop();
    return kept;
  };
  return {
    line: lineOf(sf, jsDoc.pos),
    summary: trim(summary).join("\n"),
    tags: tags.map((t) => ({ name: t.name, firstLine: t.lines[0].trim(), text: trim(t.lines).join("\n") })),
  };
}

function hasDocumentation(doc) {
  return doc !== undefined && (doc.summary.trim() !== "" || doc.tags.some((t) => t.text.trim() !== ""));
}

/** Applies `convert` to the parts of Markdown text outside code spans and fenced blocks. */
function outsideCode(text, convert) {
  const out = [];
  let prose = [];
  let fence = null;
  const flush = () => {
    if (prose.length === 0) return;
    const joined = prose.join("\n");
    const spans = /(`+)[\s\S]*?[^`]\1(?!`)|(`+)[^`]\2(?!`)/g;
    let last = 0;
    let result = "";
    for (const match of joined.matchAll(spans)) {
      result += convert(joined.slice(last, match.index)) + match[0];
      last = match.index + match[0].length;
    }
    out.push(result + convert(joined.slice(last)));
    prose = [];
  };
  for (const line of text.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null && marker !== undefined) {
      flush();
      fence = marker;
      out.push(line);
    } else if (fence !== null) {
      out.push(line);
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    } else {
      prose.push(line);
    }
  }
  flush();
  return out.join("\n");
}

/** A code span for `text`, with enough backticks. */
function codeSpan(text) {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fenced code block for `text`, with a fence longer than any inside. */
function codeBlock(text, lang) {
  const longest = Math.max(2, ...[...text.matchAll(/^\s*(`+)/gm)].map((m) => m[1].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

// ---------------------------------------------------------------------------------------------
// Model

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to `-`. */
function makeSlugger() {
  const seen = new Map();
  return (heading) => {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    let slug = base;
    let n = seen.get(base) ?? 0;
    while (seen.has(slug)) slug = `${base}-${++n}`;
    seen.set(base, n);
    seen.set(slug, 0);
    return slug;
  };
}

function propertyName(sf, name) {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name)) return JSON.stringify(name.text);
  if (ts.isNumericLiteral(name)) return name.text;
  return oneLine(sourceText(sf, name));
}

function signatureType(sf, node, returns) {
  const typeParameters =
    node.typeParameters !== undefined
      ? `<${node.typeParameters.map((p) => oneLine(sourceText(sf, p))).join(", ")}>`
      : "";
  const parameters = node.parameters.map((p) => oneLine(sourceText(sf, p))).join(", ");
  const result = returns ?? (node.type !== undefined ? oneLine(sourceText(sf, node.type)) : "void");
  return `${typeParameters}(${parameters}) => ${result}`;
}

/** Rows for the members of an interface, class or object type. */
function memberRows(sf, members, owner, inheritedFrom) {
  const rows = [];
  for (const member of members) {
    if (hasModifier(member, ts.SyntaxKind.PrivateKeyword)) continue;
    if (member.name !== undefined && ts.isPrivateIdentifier(member.name)) continue;
    const notes = [];
    if (hasModifier(member, ts.SyntaxKind.StaticKeyword)) notes.push("static");
    if (hasModifier(member, ts.SyntaxKind.ProtectedKeyword)) notes.push("protected");
    if (hasModifier(member, ts.SyntaxKind.ReadonlyKeyword)) notes.push("readonly");
    if (hasModifier(member, ts.SyntaxKind.AbstractKeyword)) notes.push("abstract");
    let name;
    let type;
    let call = false;
    if (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) {
      name = propertyName(sf, member.name);
      type = member.type !== undefined ? oneLine(sourceText(sf, member.type)) : "";
    } else if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member)) {
      name = propertyName(sf, member.name);
      type = signatureType(sf, member);
      call = true;
    } else if (ts.isConstructorDeclaration(member)) {
      name = "constructor";
      type = `new ${signatureType(sf, member, owner)}`;
      call = true;
    } else if (ts.isConstructSignatureDeclaration(member)) {
      name = "new";
      type = `new ${signatureType(sf, member)}`;
      call = true;
    } else if (ts.isCallSignatureDeclaration(member)) {
      name = "(call)";
      type = signatureType(sf, member);
    } else if (ts.isIndexSignatureDeclaration(member)) {
      name = `[${member.parameters.map((p) => oneLine(sourceText(sf, p))).join(", ")}]`;
      type = oneLine(sourceText(sf, member.type));
    } else if (ts.isGetAccessorDeclaration(member)) {
      name = propertyName(sf, member.name);
      type = member.type !== undefined ? oneLine(sourceText(sf, member.type)) : "";
      notes.push("getter");
    } else if (ts.isSetAccessorDeclaration(member)) {
      name = propertyName(sf, member.name);
      type = member.parameters[0]?.type !== undefined ? oneLine(sourceText(sf, member.parameters[0].type)) : "";
      notes.push("setter");
    } else {
      continue;
    }
    const jsDoc = docCommentOf(sf, member);
    rows.push({
      name,
      call,
      type,
      optional: member.questionToken !== undefined,
      notes,
      inheritedFrom,
      doc: jsDoc !== undefined ? parseDocComment(sf, jsDoc) : undefined,
    });
  }
  return rows;
}

/** The local interfaces and classes an interface or class extends, by name. */
function heritageNames(node) {
  const names = [];
  for (const clause of node.heritageClauses ?? []) {
    for (const type of clause.types) {
      names.push({
        name: ts.isIdentifier(type.expression) ? type.expression.text : undefined,
        text: type.getText(),
        implements: clause.token === ts.SyntaxKind.ImplementsKeyword,
      });
    }
  }
  return names;
}

/** The type literals of a type alias: itself, each union member, or the literal parts of an intersection. */
function typeLiteralParts(type) {
  while (ts.isParenthesizedTypeNode(type)) type = type.type;
  if (ts.isTypeLiteralNode(type)) return { union: false, parts: [type] };
  if (ts.isUnionTypeNode(type)) {
    const parts = type.types.map((t) => {
      while (ts.isParenthesizedTypeNode(t)) t = t.type;
      return t;
    });
    if (parts.every(ts.isTypeLiteralNode)) return { union: true, parts };
  }
  if (ts.isIntersectionTypeNode(type)) {
    const parts = type.types.filter(ts.isTypeLiteralNode);
    if (parts.length > 0) return { union: false, parts };
  }
  return { union: false, parts: [] };
}

/** A title for each variant of a union of object types, from a literal-typed property they all have. */
function variantTitles(sf, parts) {
  const literalOf = (part, name) => {
    const member = part.members.find(
      (m) => ts.isPropertySignature(m) && m.name !== undefined && propertyName(sf, m.name) === name,
    );
    return member?.type !== undefined && ts.isLiteralTypeNode(member.type) ? member.type.getText(sf) : undefined;
  };
  const candidates = parts[0].members
    .filter((m) => ts.isPropertySignature(m) && m.name !== undefined)
    .map((m) => propertyName(sf, m.name));
  for (const name of candidates) {
    const values = parts.map((part) => literalOf(part, name));
    if (values.every((v) => v !== undefined) && new Set(values).size === values.length) {
      return values.map((value) => `Members when ${codeSpan(name)} is ${codeSpan(value)}`);
    }
  }
  return parts.map((_, i) => `Members of variant ${i + 1} of ${parts.length}`);
}

/** Everything a section shows, before links are rendered. */
function buildSection(sf, entry, locals, exported, isHelper) {
  const section = {
    name: entry.name,
    isHelper,
    kinds: entry.kinds,
    aliasOf: entry.aliasOf,
    declaredAs: entry.declaredAs,
    signature: "",
    docs: [],
    tables: [],
    heritage: [],
    memberNames: new Set(),
    line: lineOf(sf, entry.nodes[0].getStart(sf)),
  };
  const signatures = [];
  for (const [i, node] of entry.nodes.entries()) {
    const separator = i > 0 && ts.isFunctionDeclaration(node) && ts.isFunctionDeclaration(entry.nodes[i - 1]) ? "\n" : "\n\n";
    signatures.push((i > 0 ? separator : "") + sourceText(sf, node));
    const jsDoc = docCommentOf(sf, node);
    if (jsDoc !== undefined) {
      const doc = parseDocComment(sf, jsDoc);
      if (hasDocumentation(doc) && !section.docs.some((d) => d.summary === doc.summary && d.tags.length === doc.tags.length)) {
        section.docs.push(doc);
      }
    }
  }
  section.signature = signatures.join("");

  // Members: own ones, then those of the local interfaces and classes it extends.
  const ownRows = [];
  const inherited = [];
  const visited = new Set([entry.name]);
  const addInherited = (node, direct) => {
    for (const base of heritageNames(node)) {
      if (direct && !base.implements) section.heritage.push(base);
      if (base.implements || base.name === undefined || visited.has(base.name)) continue;
      visited.add(base.name);
      const baseEntry = exported.get(base.name) ?? locals.get(base.name);
      if (baseEntry === undefined) continue;
      for (const baseNode of baseEntry.nodes) {
        if (!ts.isInterfaceDeclaration(baseNode) && !ts.isClassDeclaration(baseNode)) continue;
        inherited.push(...memberRows(sf, baseNode.members, base.name, base.name));
        addInherited(baseNode, false);
      }
    }
  };
  let enumRows;
  for (const node of entry.nodes) {
    if (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) {
      ownRows.push(...memberRows(sf, node.members, entry.name, undefined));
      addInherited(node, true);
    } else if (ts.isEnumDeclaration(node)) {
      enumRows ??= [];
      for (const member of node.members) {
        const jsDoc = docCommentOf(sf, member);
        enumRows.push({
          name: propertyName(sf, member.name),
          value: member.initializer !== undefined ? oneLine(sourceText(sf, member.initializer)) : "",
          doc: jsDoc !== undefined ? parseDocComment(sf, jsDoc) : undefined,
        });
      }
    } else if (ts.isTypeAliasDeclaration(node)) {
      const { union, parts } = typeLiteralParts(node.type);
      const titles = union ? variantTitles(sf, parts) : parts.map(() => "Members");
      parts.forEach((part, i) => {
        section.tables.push({ title: titles[i], rows: memberRows(sf, part.members, entry.name, undefined) });
      });
    }
  }
  if (ownRows.length > 0 || inherited.length > 0) {
    section.tables.unshift({ title: "Members", rows: [...ownRows, ...inherited] });
  }
  if (enumRows !== undefined) section.tables.push({ title: "Members", rows: enumRows, enum: true });
  for (const table of section.tables) for (const row of table.rows) section.memberNames.add(row.name);
  return section;
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Renders `{@link}` tags in Markdown prose as links to sections (or to URLs). */
function makeLinker(sectionsByName, fileName) {
  return (text, where) =>
    outsideCode(text, (prose) =>
      prose.replace(
        /\{@(link|linkcode|linkplain)\s+([^\s|}]+)(?:\s*\|\s*([^}]*?)|\s+([^}]*?))?\s*\}/g,
        (_, tag, target, piped, spaced) => {
          const label = (piped ?? spaced ?? "").replace(/\s+/g, " ").trim();
          if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return label !== "" ? `[${label}](${target})` : `<${target}>`;
          const [base, ...rest] = target.split(/[.#]/);
          const member = rest.join(".");
          const section = sectionsByName.get(base);
          if (section === undefined) {
            throw new ApiReferenceError(
              `${fileName}:${where.line} (${where.name}): {@link ${target}} names nothing declared in the file`,
            );
          }
          if (member !== "" && !section.memberNames.has(member)) {
            throw new ApiReferenceError(
              `${fileName}:${where.line} (${where.name}): {@link ${target}}: \`${base}\` has no member \`${member}\``,
            );
          }
          const shown = label !== "" ? (tag === "linkcode" ? codeSpan(label) : label) : tag === "linkplain" ? target : codeSpan(target);
          return `[${shown}](#${section.slug})`;
        },
      ),
    );
}

/** The summary and block tags of a doc comment as Markdown paragraphs; examples separately. */
function renderDoc(doc, link, where) {
  const at = { name: where, line: doc.line };
  const blocks = [];
  const examples = [];
  const tagged = (name) => doc.tags.filter((t) => t.name === name);
  for (const t of tagged("deprecated")) blocks.push(`> **Deprecated.** ${link(t.text, at)}`.trimEnd());
  if (doc.summary !== "") blocks.push(link(doc.summary, at));
  for (const t of tagged("remarks")) if (t.text !== "") blocks.push(link(t.text, at));
  const listed = (name, title) => {
    const items = tagged(name).map((t) => {
      const m = /^(\S+)\s*(?:-\s*)?([\s\S]*)$/.exec(t.text) ?? ["", t.text, ""];
      return `- ${codeSpan(m[1])}${m[2] !== "" ? `: ${link(m[2], at).replace(/\n/g, "\n  ")}` : ""}`;
    });
    if (items.length > 0) blocks.push(`**${title}**\n\n${items.join("\n")}`);
  };
  listed("typeParam", "Type parameters");
  listed("param", "Parameters");
  for (const name of ["returns", "throws", "defaultValue", "default", "see"]) {
    const titles = { returns: "Returns", throws: "Throws", defaultValue: "Default", default: "Default", see: "See also" };
    for (const t of tagged(name)) blocks.push(`**${titles[name]}:** ${link(t.text, at)}`.trimEnd());
  }
  const known = new Set(["deprecated", "remarks", "typeParam", "param", "returns", "throws", "defaultValue", "default", "see", "example"]);
  for (const t of doc.tags) if (!known.has(t.name)) blocks.push(`**@${t.name}** ${link(t.text, at)}`.trimEnd());
  for (const t of tagged("example")) {
    const lines = t.text.split("\n");
    if (/^\s*(```|~~~)/m.test(t.text)) {
      const title = /^\s*(```|~~~)/.test(lines[0]) ? "" : lines.shift().trim();
      examples.push({ title, markdown: lines.join("\n").trim() });
    } else {
      const title = lines.length > 1 && t.firstLine !== "" ? lines.shift().trim() : "";
      const code = lines.join("\n").replace(/^\n+|\n+$/g, "");
      examples.push({ title, markdown: codeBlock(code, "ts") });
    }
  }
  return { blocks, examples };
}

/** Markdown for a table cell: one line, `|` escaped. */
function cell(markdown) {
  const paragraphs = markdown.split(/\n\s*\n/).map((paragraph) =>
    paragraph
      .split("\n")
      .map((line, i) => (i > 0 && /^\s*([-*+]|\d+[.)])\s/.test(line) ? `<br>${line.trim()}` : line.trim()))
      .join(" ")
      .replace(/ <br>/g, "<br>"),
  );
  return paragraphs.join("<br><br>").replace(/\|/g, "\\|");
}

function summaryOf(markdown) {
  const paragraph = markdown.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, " ").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  let ticks = false;
  for (let i = 0; i < paragraph.length; i++) {
    if (paragraph[i] === "`") ticks = !ticks;
    if (!ticks && paragraph[i] === "." && (i + 1 === paragraph.length || paragraph[i + 1] === " ")) {
      if (/\b(e\.g|i\.e|etc|vs)$/.test(paragraph.slice(0, i))) continue;
      return paragraph.slice(0, i + 1);
    }
  }
  return paragraph;
}

function renderTable(table, link, sectionName, slugOf) {
  const out = [`**${table.title}**`, ""];
  const examples = [];
  if (table.enum) {
    out.push("| Member | Value | Description |", "| --- | --- | --- |");
  } else {
    out.push("| Member | Type | Optional | Description |", "| --- | --- | --- | --- |");
  }
  for (const row of table.rows) {
    const where = `${sectionName}.${row.name}`;
    let description = "—";
    if (row.doc !== undefined && hasDocumentation(row.doc)) {
      const { blocks, examples: rowExamples } = renderDoc(row.doc, link, where);
      if (blocks.length > 0) description = cell(blocks.join("\n\n"));
      for (const example of rowExamples) examples.push({ ...example, member: row.name });
    }
    let name = codeSpan(row.call ? `${row.name}()` : row.name).replace(/\|/g, "\\|");
    const notes = [...(row.notes ?? [])];
    if (row.inheritedFrom !== undefined) {
      const slug = slugOf(row.inheritedFrom);
      notes.push(`from ${slug !== undefined ? `[${codeSpan(row.inheritedFrom)}](#${slug})` : codeSpan(row.inheritedFrom)}`);
    }
    if (notes.length > 0) name += ` (${notes.join(", ")})`;
    if (table.enum) {
      out.push(`| ${name} | ${row.value !== "" ? codeSpan(row.value).replace(/\|/g, "\\|") : ""} | ${description} |`);
    } else {
      const type = row.type !== "" ? codeSpan(row.type).replace(/\|/g, "\\|") : "";
      out.push(`| ${name} | ${type} | ${row.optional ? "yes" : "no"} | ${description} |`);
    }
  }
  for (const example of examples) {
    out.push("", `**Example** (${codeSpan(example.member)})${example.title !== "" ? `: ${example.title}` : ""}`, "", example.markdown);
  }
  return out.join("\n");
}

/**
 * The API reference for a declaration file's text, as Markdown. `warnings` lists exports without
 * documentation; problems that make a faithful reference impossible throw ApiReferenceError.
 */
export function generateApiReference(text, { fileName = "index.d.ts", packageName } = {}) {
  const sf = ts.createSourceFile(fileName, text.replace(/\r\n?/g, "\n"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const syntaxErrors = sf.parseDiagnostics ?? [];
  if (syntaxErrors.length > 0) {
    const first = syntaxErrors[0];
    throw new ApiReferenceError(
      `${fileName}:${lineOf(sf, first.start)}: ${ts.flattenDiagnosticMessageText(first.messageText, "\n")}`,
    );
  }
  const { exported, locals } = collectDeclarations(sf);
  const exports = [...exported.values()].map((entry) => buildSection(sf, entry, locals, exported, false));
  const helpers = [...locals.values()].map((entry) => buildSection(sf, entry, locals, exported, true));

  const title = packageName !== undefined ? `${packageName} API reference` : "API reference";
  const slug = makeSlugger();
  slug(title);
  slug("Contents");
  for (const section of exports) section.slug = slug(section.name);
  const helpersSlug = helpers.length > 0 ? slug(HELPERS_HEADING) : undefined;
  for (const section of helpers) section.slug = slug(section.name);
  const sectionsByName = new Map([...helpers, ...exports].map((s) => [s.name, s]));
  const slugOf = (name) => sectionsByName.get(name)?.slug;
  const link = makeLinker(sectionsByName, fileName);

  const warnings = [];
  const rendered = new Map();
  for (const section of [...exports, ...helpers]) {
    const blocks = [];
    const examples = [];
    for (const doc of section.docs) {
      const r = renderDoc(doc, link, section.name);
      blocks.push(...r.blocks);
      examples.push(...r.examples);
    }
    if (blocks.length === 0 && examples.length === 0 && section.aliasOf !== undefined) {
      const target = sectionsByName.get(section.aliasOf);
      const targetSummary = rendered.get(target)?.summary ?? "";
      blocks.push(
        `The same ${target.kinds.map((k) => KIND_LABELS[k].toLowerCase()).join(" and ")} as [${codeSpan(target.name)}](#${target.slug})` +
          (targetSummary !== "" ? `: ${targetSummary}` : "."),
      );
    }
    if (blocks.length === 0 && examples.length === 0) {
      if (!section.isHelper) warnings.push(`${fileName}:${section.line}: export \`${section.name}\` has no doc comment`);
      blocks.push(NO_DOCS);
    }
    // The table of contents shows the first sentence of the summary (not of a deprecation note).
    const firstDoc = section.docs.find((doc) => doc.summary !== "");
    const summary =
      firstDoc !== undefined
        ? summaryOf(link(firstDoc.summary, { name: section.name, line: firstDoc.line }))
        : blocks[0] !== NO_DOCS && !blocks[0].startsWith(">")
          ? summaryOf(blocks[0])
          : "";
    rendered.set(section, { blocks, examples, summary });
  }

  const kindOf = (section) => section.kinds.map((k) => KIND_LABELS[k]).join(" and ");
  const tocLine = (section, indent) => {
    const { summary } = rendered.get(section);
    return `${indent}- [${codeSpan(section.name)}](#${section.slug}) (${kindOf(section).toLowerCase()})${summary !== "" ? `: ${summary}` : ""}`;
  };
  const sourceName = fileName.split(/[\\/]/).pop();
  const out = [
    `# ${title}`,
    "",
    `<!-- Generated by scripts/api-reference.mjs from ${sourceName}: edit the doc comments there, then run \`node scripts/api-reference.mjs\`. -->`,
    "",
    `Every export of ${packageName !== undefined ? codeSpan(packageName) : "the package"}, in the order of its type declarations (${codeSpan(sourceName)}), ` +
      "with the documentation of their doc comments." +
      (helpers.length > 0 ? ` The non-exported helper types the exports are built from follow at the end.` : ""),
    "",
    "## Contents",
    "",
    ...exports.map((s) => tocLine(s, "")),
  ];
  if (helpers.length > 0) {
    out.push(`- [${HELPERS_HEADING}](#${helpersSlug})`, ...helpers.map((s) => tocLine(s, "  ")));
  }
  const renderSection = (section, level) => {
    const { blocks, examples } = rendered.get(section);
    const bases = section.heritage.map((base) => {
      const target = base.name !== undefined ? slugOf(base.name) : undefined;
      return target !== undefined ? `[${codeSpan(base.text)}](#${target})` : codeSpan(base.text);
    });
    const declaredAs = section.declaredAs !== undefined ? `, declared as ${codeSpan(section.declaredAs)}` : "";
    const extendsList = bases.length > 0 ? `, extends ${bases.join(", ")}` : "";
    const kindLine = `*${kindOf(section)}${declaredAs}${extendsList}*`;
    out.push("", `${"#".repeat(level)} ${codeSpan(section.name)}`, "", kindLine, "", codeBlock(section.signature, "ts"));
    for (const block of blocks) out.push("", block);
    for (const example of examples) {
      out.push("", `**Example**${example.title !== "" ? `: ${example.title}` : ""}`, "", example.markdown);
    }
    for (const table of section.tables) out.push("", renderTable(table, link, section.name, slugOf));
  };
  for (const section of exports) renderSection(section, 2);
  if (helpers.length > 0) {
    out.push(
      "",
      `## ${HELPERS_HEADING}`,
      "",
      "Declared in the file but not exported: they cannot be imported, but they shape the exported types above.",
    );
    for (const section of helpers) renderSection(section, 3);
  }
  return { markdown: `${out.join("\n")}\n`, warnings, exports: exports.map((s) => s.name) };
}

// ---------------------------------------------------------------------------------------------
// Command line

function usage() {
  return "usage: node scripts/api-reference.mjs [--check] [--input <index.d.ts>] [--output <API.md>]";
}

function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") ? rel : path;
}

/** Where two texts first differ, for the --check message. */
function firstDifference(expected, actual) {
  const a = expected.split("\n");
  const b = actual.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const clip = (line) => (line === undefined ? "(end of file)" : JSON.stringify(line.length > 100 ? `${line.slice(0, 100)}...` : line));
      return `first difference at line ${i + 1}:\n  generated: ${clip(a[i])}\n  in file:   ${clip(b[i])}`;
    }
  }
  return "they differ";
}

function main(argv) {
  let check = false;
  let input;
  let output;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") check = true;
    else if ((arg === "--input" || arg === "--output") && i + 1 < argv.length) {
      if (arg === "--input") input = resolve(argv[++i]);
      else output = resolve(argv[++i]);
    } else if (arg === "--help" || arg === "-h") {
      console.log(usage());
      return 0;
    } else {
      console.error(`api-reference: unexpected argument ${JSON.stringify(arg)}\n${usage()}`);
      return 2;
    }
  }
  input ??= defaultInput;
  output ??= join(dirname(input), "API.md");
  if (!existsSync(input)) {
    console.error(`api-reference: ${shown(input)} does not exist`);
    return 2;
  }
  const manifestPath = join(dirname(input), "package.json");
  const manifestName = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")).name : undefined;
  // server.d.ts documents the subpath export supermemory-connections/server.
  const entry = basename(input, ".d.ts");
  const packageName = manifestName !== undefined && entry !== "index" ? `${manifestName}/${entry}` : manifestName;
  let result;
  try {
    result = generateApiReference(readFileSync(input, "utf8"), { fileName: shown(input), packageName });
  } catch (error) {
    if (!(error instanceof ApiReferenceError)) throw error;
    console.error(`api-reference: cannot document ${shown(input)}: ${error.message}`);
    return 2;
  }
  for (const warning of result.warnings) console.error(`api-reference: warning: ${warning}`);
  const regenerate = `node scripts/api-reference.mjs${input === defaultInput ? "" : ` --input ${shown(input)} --output ${shown(output)}`}`;
  if (check) {
    if (!existsSync(output)) {
      console.error(`api-reference: ${shown(output)} does not exist; write it with \`${regenerate}\``);
      return 1;
    }
    const current = readFileSync(output, "utf8");
    if (current !== result.markdown) {
      console.error(
        `api-reference: ${shown(output)} is out of date with ${shown(input)}; regenerate it with \`${regenerate}\`\n` +
          firstDifference(result.markdown, current),
      );
      return 1;
    }
    console.log(`${shown(output)} is up to date (${result.exports.length} exports)`);
    return 0;
  }
  writeFileSync(output, result.markdown);
  console.log(`wrote ${shown(output)} (${result.exports.length} exports)`);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}

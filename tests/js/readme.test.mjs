// README code is tested code: every fenced block of the READMEs is checked as a
// partner would use it, as rustdoc checks Rust doc examples. TypeScript and
// JavaScript blocks (and the script of an HTML block) are compiled under
// `tsc --strict` against pkg/, each as its own module, with the complete
// examples in examples/js/; `peeker` and `cargo xtask` commands of shell blocks
// must exist. A block that cannot stand alone gets its inputs (an order, the
// picked rows, an Express app) from the preambles below, keyed by README and
// heading, which only declare them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const READMES = ["README.md", "pkg-template/README.md", "cli/README.md"];
const EXAMPLES = "examples/js";

// What a fragment assumes, declared after its code, so that a compiler error's
// line is the README's line.
const DATA_TYPES = `import type { AvailabilityRow, Bundle, CreateOrder } from "peeker-partner";`;
const PREAMBLES = {
  "README.md#Using the package": `${DATA_TYPES}
declare const orderBody: CreateOrder;
declare const bundle: Bundle;
declare const pickedRows: AvailabilityRow[];
declare function showProblems(problems: { field: string; message: string }[]): void;`,
  "README.md#Calling the API": `${DATA_TYPES}
declare const orderBody: CreateOrder;`,
  "README.md#Webhooks, at the edge or anywhere": `
declare const rawBody: string;
declare const request: Request;
declare const env: { PEEKER_WEBHOOK_SECRET: string };`,
  "README.md#The /api proxy: browser tokens": `
// Express's shapes, as much of them as the block uses.
interface SignedInRequest { user: { email: string } }
interface JsonResponse { json(body: unknown): void }
type Handler = (req: SignedInRequest, res: JsonResponse, next: () => void) => void;
declare const app: { get(path: string, ...handlers: Handler[]): void };
declare const requireSignIn: Handler;`,
  "pkg-template/README.md#Quick start": `${DATA_TYPES}
declare const order: CreateOrder;
declare const bundle: Bundle;
declare const pickedAvailabilityRows: AvailabilityRow[];
declare const availabilityRows: AvailabilityRow[];
declare const key: string;
declare function show(field: string, message: string): void;`,
  "pkg-template/README.md#Webhooks": `
declare const request: Request;
// The partner's own code.
declare function markLive(domain: string): Promise<void>;
declare function alertOps(orderId: string, status: string): Promise<void>;
declare function store(event: { id: string; type: string }): Promise<void>;`,
};

// What every block may use beyond the DOM: `process.env`, typed as @types/node
// types it (a variable may be unset).
const GLOBALS = `declare var process: { env: { [name: string]: string | undefined } };\n`;

/** The fenced blocks of a Markdown file: language, nearest heading, first code line. */
function fencedBlocks(file) {
  const lines = readFileSync(`${root}${file}`, "utf8").split("\n");
  const blocks = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i].match(/^#{1,6} (.*)$/);
    if (h) heading = h[1].trim();
    const open = lines[i].match(/^```(\S*)\s*$/);
    if (!open) continue;
    const start = i + 1;
    while (++i < lines.length && lines[i] !== "```");
    blocks.push({ file, heading, lang: open[1], line: start + 1, code: lines.slice(start, i).join("\n") });
  }
  return blocks;
}

/**
 * Compiles each source as its own module under `tsc --strict` against pkg/
 * (`peeker-partner` resolves through node_modules/ as in a partner's project).
 * A source is `{file, code}`, or `{path}` for a file of the repository.
 * Returns tsc's errors by file name.
 */
function typecheck(name, sources) {
  const dir = `${root}target/readme-blocks/${name}/`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}globals.d.ts`, GLOBALS);
  const files = ["globals.d.ts"];
  for (const s of sources) {
    if (s.path) files.push(`${root}${s.path}`);
    else {
      writeFileSync(`${dir}${s.file}`, s.code);
      files.push(s.file);
    }
  }
  const compilerOptions = {
    strict: true,
    noEmit: true,
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    moduleDetection: "force",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: [],
  };
  writeFileSync(`${dir}tsconfig.json`, JSON.stringify({ compilerOptions, files }, null, 2));
  const run = spawnSync(`${root}node_modules/.bin/tsc`, ["-p", "tsconfig.json", "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  const errors = {};
  for (const line of `${run.stdout}${run.stderr}`.split("\n")) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): (error TS\d+: .*)$/);
    if (m) (errors[m[1].replace(root, "")] ??= []).push({ line: Number(m[2]), message: m[4] });
    else if (line.trim() && !line.startsWith(" ")) (errors.tsc ??= []).push({ line: 0, message: line });
  }
  if (run.status !== 0 && Object.keys(errors).length === 0) errors.tsc = [{ line: 0, message: `exit ${run.status}` }];
  return errors;
}

/** The TypeScript a block is, or undefined for an HTML block without a module script. */
function blockSource(block) {
  const preamble = PREAMBLES[`${block.file}#${block.heading}`] ?? "";
  let code = block.code;
  if (block.lang === "html") {
    const script = code.match(/<script type="module">([\s\S]*?)<\/script>/);
    if (!script) return undefined;
    // The page imports the installed file by URL; tsc resolves its export by name.
    const lead = "\n".repeat(code.slice(0, script.index).split("\n").length - 1);
    code = lead + script[1].replace(/"\/node_modules\/(peeker-partner\/[\w-]+)\.js"/g, '"$1"');
  }
  return `${code}\n${preamble}\n`;
}

const TS_LANGS = ["ts", "js", "mjs", "html"];
const SHELL_LANGS = ["sh", "bash", "shell"];
// Not compiled: a diagram; Rust marked `ignore` (its whole program is in examples/, built by cargo).
const OTHER_LANGS = ["text", "rust,ignore"];

const blocks = READMES.flatMap(fencedBlocks);

test("every README code block is in a language this test checks", () => {
  for (const b of blocks) {
    assert.ok(
      [...TS_LANGS, ...SHELL_LANGS, ...OTHER_LANGS].includes(b.lang),
      `${b.file}:${b.line} (${b.heading}): a block in \`\`\`${b.lang}, which this test does not check`,
    );
  }
  assert.ok(blocks.filter((b) => TS_LANGS.includes(b.lang)).length >= 7);
});

test("every TypeScript and JavaScript block, and examples/js/, compile under tsc --strict against pkg/", () => {
  const sources = [];
  const where = {};
  for (const b of blocks.filter((b) => TS_LANGS.includes(b.lang))) {
    const code = blockSource(b);
    if (code === undefined) continue;
    const file = `${b.file.replace(/\W/g, "_")}_L${b.line}.ts`;
    sources.push({ file, code });
    where[file] = b;
  }
  const examples = readdirSync(`${root}${EXAMPLES}`).filter((f) => f.endsWith(".ts"));
  assert.ok(examples.length >= 3, "the complete examples are in examples/js/");
  for (const f of examples) sources.push({ path: `${EXAMPLES}/${f}` });

  const errors = typecheck("readme", sources);
  const report = Object.entries(errors).flatMap(([file, errs]) =>
    errs.map(({ line, message }) => {
      const b = where[file];
      return b ? `${b.file}:${b.line + line - 1} (${b.heading}): ${message}` : `${file}:${line}: ${message}`;
    }),
  );
  assert.deepEqual(report, []);
});

test("a broken block fails the same check", () => {
  const broken = `import { verifyWebhook } from "peeker-partner/webhooks";
declare const request: Request;
verifyWebhook(await request.text(), request.headers, process.env.PEEKER_WEBHOOK_SECRET);
`;
  const fixed = broken.replace("process.env.PEEKER_WEBHOOK_SECRET", '(process.env.PEEKER_WEBHOOK_SECRET ?? "")');
  const errors = typecheck("broken", [
    { file: "broken.ts", code: broken },
    { file: "fixed.ts", code: fixed },
  ]);
  assert.deepEqual(Object.keys(errors), ["broken.ts"], JSON.stringify(errors));
  assert.equal(errors["broken.ts"].length, 1);
  assert.equal(errors["broken.ts"][0].line, 3);
  assert.match(errors["broken.ts"][0].message, /TS2345: Argument of type 'string \| undefined'/);
});

/** The `peeker …` and `cargo xtask …` command lines of a shell block (continuations joined, comments cut). */
function commands(block) {
  return block.code
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => /^(peeker|cargo xtask)( |$)/.test(l));
}

const shellCommands = blocks.filter((b) => SHELL_LANGS.includes(b.lang)).flatMap((b) => commands(b).map((c) => ({ b, c })));

test("every `cargo xtask` command of a shell block exists", () => {
  const main = readFileSync(`${root}xtask/src/main.rs`, "utf8");
  const known = new Set([...main.matchAll(/Some\("([\w-]+)"\) =>/g)].map((m) => m[1]));
  const used = shellCommands.filter(({ c }) => c.startsWith("cargo xtask"));
  assert.ok(used.length > 0);
  for (const { b, c } of used) assert.ok(known.has(c.split(/\s+/)[2]), `${b.file}:${b.line}: ${c}`);
});

test("every `peeker` command of a shell block parses: its subcommands and flags exist", () => {
  const peeker = `${root}target/debug/peeker`;
  // `cargo test --workspace`, run before this suite by `cargo xtask test`, has built it.
  if (!existsSync(peeker)) execFileSync("cargo", ["build", "-q", "-p", "peeker-cli", "--bin", "peeker"], { cwd: root });
  const used = shellCommands.filter(({ c }) => c.startsWith("peeker"));
  assert.ok(used.length > 10);
  for (const { b, c } of used) {
    const args = [...c.matchAll(/'[^']*'|"[^"]*"|\S+/g)].map((m) => m[0].replace(/^(['"])(.*)\1$/, "$2")).slice(1);
    // `--help` after the arguments: clap still refuses an unknown subcommand or flag,
    // and prints help instead of running the command.
    const run = spawnSync(peeker, [...args, "--help"], { encoding: "utf8", env: { PATH: process.env.PATH } });
    assert.equal(run.status, 0, `${b.file}:${b.line}: ${c}\n${run.stderr}`);
  }
});

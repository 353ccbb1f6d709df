// The scenario language of tests/client/scenarios.json (README.md), for the
// wasm PeekerClient. tests/native_client.rs reads the same file for the
// native client; the two must agree step by step.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as pp from "peeker-partner";
import { startSandbox, orderBody } from "./harness.mjs";

const NOWHERE = "http://127.0.0.1:9/partner/v1";

/** Reads `path` (`a.b.0.length`) in `root`; `""` is `root` itself. */
export function at(root, path) {
  if (path === "") return root;
  let v = root;
  for (const part of path.split(".")) {
    if (v === undefined || v === null) return undefined;
    v = part === "length" && (Array.isArray(v) || typeof v === "string") ? v.length : v[part];
  }
  return v;
}

/** `${path}` alone is the value; inside a string, its text. Objects `{$order}`, `{$names}`. */
export function resolve(value, vars) {
  if (typeof value === "string") {
    const whole = /^\$\{([^}]*)\}$/.exec(value);
    if (whole) return at(vars, whole[1]);
    return value.replace(/\$\{([^}]*)\}/g, (_, p) => String(at(vars, p)));
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars));
  if (value && typeof value === "object") {
    if ("$order" in value) {
      const { $order: tag, ...extra } = value;
      const body = orderBody(tag);
      for (const [k, v] of Object.entries(resolve(extra, vars))) {
        if (v === "$delete") delete body[k];
        else body[k] = v;
      }
      return body;
    }
    if ("$names" in value) {
      const { count, pattern, set = {}, every = {} } = value.$names;
      return Array.from({ length: count }, (_, i) => {
        if (String(i) in set) return set[String(i)];
        const [n, p] = Object.entries(every).find(([n]) => i % Number(n) === 0) ?? [0, pattern];
        return (n ? p : pattern).replace("{i}", String(i));
      });
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, vars)]));
  }
  return value;
}

/** The left side of an assertion: a path, or an expression. */
function evaluate(expr, vars) {
  if (typeof expr === "string") return at(vars, expr);
  const [op, args] = Object.entries(expr)[0];
  const list = (x) => (typeof x === "string" ? at(vars, x) : evaluate(x, vars));
  switch (op) {
    case "map":
      return list(args[0]).map((item) => at(item, args[1]));
    case "filter":
      return list(args[0]).filter((item) => args[1].every((c) => check(item, c, vars)));
    case "minus":
      return list(args[0]) - list(args[1]);
    case "since":
      return list(args[0]).slice(list(args[1]).length);
    case "sum":
      return list(args[0]).reduce((n, item) => n + at(item, args[1]), 0);
    case "unique":
      return new Set(list(args[0]).map((item) => at(item, args[1]))).size;
    default:
      throw new Error(`unknown expression ${op}`);
  }
}

const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));

/** One assertion `[left, op, right]` against `root` (vars, or an item). */
function check(root, [left, op, right], vars) {
  const l = typeof left === "string" ? at(root, left) : evaluate(left, root === vars ? vars : { ...vars, ...root });
  const r = resolve(right, vars);
  switch (op) {
    case "=":
      try {
        assert.deepEqual(l, r);
        return true;
      } catch {
        return false;
      }
    case "!=":
      return l !== r;
    case ">=":
      return l >= r;
    case "<=":
      return l <= r;
    case "<":
      return l < r;
    case ">":
      return l > r;
    case "starts":
      return typeof l === "string" && l.startsWith(r);
    case "contains":
      return text(l).includes(r);
    case "!contains":
      return !text(l).includes(r);
    case "length":
      return l?.length === r;
    case "length>=":
      return l?.length >= r;
    case "isArray":
      return Array.isArray(l) === r;
    case "some":
      return l.some((item) => Object.entries(r).every(([k, v]) => item?.[k] === v));
    case "every":
      return l.every((item) => r.every((c) => check(item, c, vars)));
    default:
      throw new Error(`unknown op ${op}`);
  }
}

function expectAll(list, vars, where) {
  for (const a of list ?? []) {
    assert.ok(check(vars, a, vars), `${where}: ${JSON.stringify(a)} failed; left = ${inspect(typeof a[0] === "string" ? at(vars, a[0]) : evaluate(a[0], vars), { depth: 3 })}`);
  }
}

/** The error expectations: `is`, `isNot`, `noSecrets`, and paths into the error. */
function expectError(e, want, vars, secrets, where) {
  assert.ok(e instanceof pp.PeekerError, `${where}: not a PeekerError: ${e}`);
  for (const cls of want.is ?? []) assert.ok(e instanceof pp[cls], `${where}: ${e.name} is not a ${cls}: ${e.message}`);
  for (const cls of want.isNot ?? []) assert.ok(!(e instanceof pp[cls]), `${where}: ${e.name} is a ${cls}`);
  if (want.noSecrets) {
    const extra = typeof want.noSecrets === "string" ? [want.noSecrets] : [];
    for (const t of [String(e), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e) ?? "", e.stack ?? "", JSON.stringify(e.details ?? null)]) {
      for (const s of [...secrets, ...extra]) assert.ok(!t.includes(s), `${where}: secret leaked: ${t}`);
    }
  }
  const view = { name: e.name, status: e.status, code: e.code, requestId: e.requestId, message: e.message, field: e.field, details: e.details, problems: e.problems };
  for (const [path, w] of Object.entries(want)) {
    if (["is", "isNot", "noSecrets"].includes(path)) continue;
    const v = at(view, path);
    if (w && typeof w === "object" && !Array.isArray(w)) {
      const [op, r] = Object.entries(w)[0];
      assert.ok(check({ v }, ["v", op, resolve(r, vars)], vars), `${where}: error ${path} = ${inspect(v)}, wanted ${op} ${inspect(r)}`);
    } else {
      assert.deepEqual(v, resolve(w, vars), `${where}: error ${path}`);
    }
  }
}

const OPTION = { apiKey: "apiKey", baseUrl: "baseUrl", maxRetries: "maxRetries", timeoutMs: "timeoutMs", rateLimitPerMinute: "rateLimitPerMinute" };

/** Runs the scenarios of `file` as node:test tests. */
export function runScenarios(suite, { test, before, after }) {
  let sb;
  before(async () => {
    sb = await startSandbox({ rateLimit: 100_000, timeScale: 0.01 });
  });
  after(async () => {
    await sb?.stop();
  });
  const secrets = [suite.key, suite.password];

  for (const scenario of suite.scenarios) {
    test(scenario.name, async () => {
      const vars = { key: suite.key, password: suite.password };
      const sandboxes = { sandbox: sb };
      const bases = () => ({ nowhere: NOWHERE, ...Object.fromEntries(Object.entries(sandboxes).map(([n, s]) => [n, s.base])) });
      const makeClient = (over = {}, step = {}) => {
        const o = { apiKey: suite.key, baseUrl: sb.base, rateLimitPerMinute: 0 };
        for (const [k, v] of Object.entries(resolve(over, vars))) o[OPTION[k] ?? k] = k === "baseUrl" ? bases()[v] ?? v : v;
        if (step.onRetry) {
          vars[step.onRetry] ??= [];
          o.onRetry = (info) => vars[step.onRetry].push(info);
        }
        return new pp.PeekerClient(o);
      };
      const runStep = async (step, where) => {
        if ("let" in step) {
          for (const [k, v] of Object.entries(step.let)) vars[k] = resolve(v, vars);
        } else if ("faults" in step) {
          await sb.faults(step.faults);
        } else if ("sandbox" in step) {
          sandboxes[step.sandbox] = await startSandbox({ rateLimit: step.rateLimit });
        } else if ("count" in step) {
          const { has = [], ends } = step.count;
          vars[step.save] = sb.log.filter((l) => has.every((h) => l.includes(h)) && (ends === undefined || l.endsWith(ends))).length;
        } else if ("state" in step) {
          vars[step.state] = await sb.state();
        } else if ("sleep" in step) {
          await new Promise((r) => setTimeout(r, step.sleep));
        } else if ("assert" in step) {
          expectAll(step.assert, vars, where);
          return;
        } else if ("repeat" in step) {
          for (let i = 0; i < step.repeat; i++) {
            if (step.until && step.until.every((a) => check(vars, a, vars))) break;
            vars.i = i;
            for (const s of step.steps) await runStep(s, where);
          }
        } else if ("until" in step) {
          const end = Date.now() + 20_000;
          for (;;) {
            await runStep(step.until, where);
            if (step.expect.every((a) => check(vars, a, vars))) break;
            assert.ok(Date.now() < end, `${where}: timed out waiting for ${JSON.stringify(step.expect)}`);
            await new Promise((r) => setTimeout(r, 25));
          }
          return;
        } else if ("construct" in step) {
          let e;
          try {
            makeClient({ apiKey: undefined, baseUrl: undefined, rateLimitPerMinute: undefined, ...step.construct });
          } catch (x) {
            e = x;
          }
          assert.ok(e, `${where}: the client was made`);
          expectError(e, step.error, vars, secrets, where);
        } else if ("call" in step) {
          await call(step, where);
        } else {
          throw new Error(`${where}: unknown step ${JSON.stringify(step)}`);
        }
        expectAll(step.expect, vars, where);
      };
      const call = async (step, where) => {
        const client = makeClient(step.client, step);
        const [ns, method] = step.call.includes(".") ? step.call.split(".") : [null, step.call];
        const fn = ns ? client[ns][method] : client[method].bind(client);
        const args = resolve(step.args ?? [], vars);
        const options = {};
        let timer;
        for (const [k, v] of Object.entries(step.options ?? {})) {
          if (k === "abortAfterMs") {
            const c = new AbortController();
            options.signal = c.signal;
            timer = setTimeout(() => c.abort(), v);
          } else options[k] = v;
        }
        if (step.onProgress) {
          vars[step.onProgress] = [];
          options.onProgress = (done, total) => vars[step.onProgress].push([done, total]);
        }
        // The per-call options come after the method's own arguments
        // (`(first, options)`, `(first, second, options)`, `me(options)`).
        const arity = fn.length - 1;
        const full = [...args];
        while (full.length < arity) full.push(undefined);
        const t0 = Date.now();
        let result;
        let error;
        try {
          if (step.collect) {
            const walker = fn(...full, options);
            result = [];
            for await (const x of step.collect === "pages" ? walker.pages() : walker) result.push(x);
          } else {
            result = await fn(...full, options);
          }
        } catch (e) {
          error = e;
        } finally {
          clearTimeout(timer);
        }
        if (step.elapsed) vars[step.elapsed] = Date.now() - t0;
        if (step.error) {
          assert.ok(error, `${where}: ${step.call} succeeded: ${inspect(result, { depth: 2 })}`);
          expectError(error, step.error, vars, secrets, where);
        } else {
          if (error) throw error;
          if (step.save) vars[step.save] = result;
        }
      };
      try {
        for (const [n, step] of scenario.steps.entries()) await runStep(step, `step ${n + 1}`);
      } finally {
        await sb.faults({});
        for (const [name, s] of Object.entries(sandboxes)) if (name !== "sandbox") await s.stop();
      }
    });
  }
}

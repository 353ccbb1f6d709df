//! Tidy: what ARCHITECTURE.md and docs/contract.md promise about the tree,
//! checked where a test can check it (as rust-analyzer's tidy does). Reads the
//! repository's files (`git ls-files`), never builds anything.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of the repository (tracked, or new and not ignored), relative
/// to its root, with `/` separators.
fn files() -> Vec<String> {
    let out = Command::new("git")
        .args(["ls-files", "--cached", "--others", "--exclude-standard"])
        .current_dir(root())
        .output()
        .expect("tidy reads the tree with `git ls-files`");
    assert!(out.status.success(), "git ls-files failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|f| !f.split('/').any(|c| c == "node_modules"))
        .filter(|f| root().join(f).is_file())
        .map(str::to_owned)
        .collect()
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_default()
}

fn architecture() -> String {
    read("ARCHITECTURE.md")
}

// ---------------------------------------------------------------- (a) the map

/// Folders deeper than this are covered by their ancestor at this depth (a
/// fixture app's own folders, a module's submodules).
const NAMED_DEPTH: usize = 3;

/// Folders whose every file ARCHITECTURE.md names: the Worker's, the package
/// template's and the JS beside the wasm surface, where a new file is a new job.
const FILES_NAMED_IN: &[&str] = &["worker/src", "pkg-template", "src/js"];

#[test]
fn architecture_names_every_folder_and_top_level_file() {
    let map = architecture();
    let mut missing = BTreeSet::new();
    for file in files() {
        let parts: Vec<&str> = file.split('/').collect();
        if parts.len() == 1 {
            // Top-level files: by name, or as a group (`LICENSE-*`).
            let group = file.split_once('-').map(|(g, _)| format!("{g}-*"));
            let named = map.contains(&format!("`{file}`"))
                || group.is_some_and(|g| map.contains(&format!("`{g}`")));
            if !named {
                missing.insert(file.clone());
            }
            continue;
        }
        for depth in 1..parts.len().min(NAMED_DEPTH + 1) {
            let dir = parts[..depth].join("/");
            if !map.contains(&format!("{dir}/")) {
                missing.insert(format!("{dir}/"));
            }
        }
        let dir = parts[..parts.len() - 1].join("/");
        let name = parts[parts.len() - 1];
        if FILES_NAMED_IN.contains(&dir.as_str()) && !map.contains(name) {
            missing.insert(file.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name (say what each is for):\n  {}",
        missing.into_iter().collect::<Vec<_>>().join("\n  ")
    );
}

// ------------------------------------------- (b) JS in src/js/ decides nothing

/// Every JS file beside the wasm-bindgen surface, and why it is JS. The core
/// decides (validation, requests, retries, signatures, ownership); these only
/// convert values, do I/O, or keep a small wasm small. Generated files
/// (`*.gen.js`, from the core's tables by `cargo xtask codegen`) are allowed
/// by rule. A new file here needs a line and a reason, or belongs in Rust.
const ALLOWED_JS: &[(&str, &str)] = &[
    ("client.js", "the client's resource namespaces and page walker: each method forwards to the wasm `call`"),
    ("errors.js", "the error classes, one copy, so `instanceof` holds across entries"),
    ("json.js", "the JSON bridge: a JS value's JSON text for the wasm, never throwing into it"),
    ("rows.js", "packs availability rows into typed arrays for the wasm (a conversion)"),
    ("read-capped.js", "reads a body up to a limit (I/O)"),
    ("native-hmac.js", "node:crypto's HMAC, handed to the verifier in Node (I/O to a native library)"),
    ("verifier.js", "binds the webhook functions to one entry's wasm; the wasm or the native HMAC decides"),
    ("webhook-input.js", "reads the verifier's inputs in JS, smaller than in the verifier-only wasm"),
    ("handle-webhook.js", "handleWebhook's async Request/Response plumbing, which the verifier-only wasm does not carry"),
    ("envelope.js", "the envelope check with the engine's JSON.parse (no serde_json in the verifier-only wasm); the same answers as the core's parse_event on tests/resources/webhook_envelopes.json"),
];

#[test]
fn javascript_in_src_js_is_only_the_allowed_files() {
    let present: BTreeSet<String> = files()
        .into_iter()
        .filter_map(|f| f.strip_prefix("src/js/").map(str::to_owned))
        .filter(|f| !f.contains('/') && [".js", ".mjs", ".cjs"].iter().any(|e| f.ends_with(e)))
        .filter(|f| !f.contains(".gen."))
        .collect();
    let allowed: BTreeSet<String> = ALLOWED_JS.iter().map(|(f, _)| f.to_string()).collect();
    let new: Vec<_> = present.difference(&allowed).collect();
    let gone: Vec<_> = allowed.difference(&present).collect();
    assert!(
        new.is_empty(),
        "JS files in src/js/ that ALLOWED_JS does not list (a decision belongs in the core; a conversion needs a line saying why): {new:?}"
    );
    assert!(
        gone.is_empty(),
        "ALLOWED_JS lists files that are gone: {gone:?}"
    );
}

// ------------------------------------------------------ (c) files hold one job

const MAX_CODE_LINES: usize = 500;

/// Generated files (`*.gen.*`) are exempt by rule. Data tables are exempt by
/// this list: (file, the line that opens the table); the table's lines, to
/// its closing `}` at the start of a line, are not counted.
const DATA_TABLES: &[(&str, &str)] = &[
    ("src/request.rs", "endpoints! {"),
    ("src/request/mod.rs", "endpoints! {"),
];

/// Non-blank lines that are not comments, outside `#[cfg(test)]` modules and
/// data tables.
fn code_lines(text: &str, table: Option<&str>) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if table.is_some_and(|open| lines[i].starts_with(open)) {
            while i < lines.len() && !lines[i].starts_with('}') {
                i += 1;
            }
            i += 1;
            continue;
        }
        if t == "#[cfg(test)]" {
            let mut j = i + 1;
            while j < lines.len()
                && (lines[j].trim().is_empty() || lines[j].trim().starts_with("#["))
            {
                j += 1;
            }
            let opens = lines.get(j).map(|l| l.trim()).is_some_and(|l| {
                l.trim_start_matches("pub ").starts_with("mod ") && l.ends_with('{')
            });
            if opens {
                i = j + block_len(&lines[j..]);
                continue;
            }
        }
        if !t.is_empty() && !t.starts_with("//") {
            count += 1;
        }
        i += 1;
    }
    count
}

/// How many lines the block opening on `lines[0]` spans (braces counted
/// outside strings, chars and comments).
fn block_len(lines: &[&str]) -> usize {
    let mut depth = 0i64;
    for (n, line) in lines.iter().enumerate() {
        let mut chars = line.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_str => {
                    chars.next();
                }
                '"' => in_str = !in_str,
                '/' if !in_str && chars.peek() == Some(&'/') => break,
                '\'' if !in_str => {
                    // A char literal such as '{' (a lifetime has no closing quote).
                    let rest: String = chars.clone().take(3).collect();
                    if rest.len() >= 2 && rest.chars().nth(1) == Some('\'') {
                        chars.next();
                        chars.next();
                    }
                }
                '{' if !in_str => depth += 1,
                '}' if !in_str => depth -= 1,
                _ => {}
            }
        }
        if depth <= 0 && (n > 0 || line.contains('}')) {
            return n + 1;
        }
    }
    lines.len()
}

#[test]
fn no_source_file_is_over_500_lines_of_code() {
    let mut over = Vec::new();
    for file in files() {
        let in_scope = ["src/", "sandbox/src/", "xtask/src/"]
            .iter()
            .any(|d| file.starts_with(d));
        if !in_scope || !file.ends_with(".rs") || file.contains(".gen.") {
            continue;
        }
        let table = DATA_TABLES
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, open)| *open);
        let n = code_lines(&read(&file), table);
        if n > MAX_CODE_LINES {
            over.push(format!("{file}: {n}"));
        }
    }
    assert!(
        over.is_empty(),
        "over {MAX_CODE_LINES} lines of code outside tests (split by job):\n  {}",
        over.join("\n  ")
    );
}

// ------------------------------------------------------- (d) no import circle

/// The module path of a source file of a crate rooted at `src_dir`.
fn module_of(file: &str, src_dir: &str) -> Vec<String> {
    let rel = file.strip_prefix(src_dir).unwrap().trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The paths one `use` item names: `a::{b, c::{d, e}}` → a::b, a::c::d, a::c::e.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap().trim();
        return vec![path.to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::").trim();
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .flat_map(expand)
        .map(|p| {
            if p == "self" {
                prefix.to_owned()
            } else {
                format!("{prefix}::{p}")
            }
        })
        .collect()
}

/// The `use` statements of a file outside its `#[cfg(test)]` modules.
fn uses(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t == "#[cfg(test)]" {
            let j = i + 1;
            if lines
                .get(j)
                .is_some_and(|l| l.trim().starts_with("mod ") && l.trim().ends_with('{'))
            {
                i = j + block_len(&lines[j..]);
                continue;
            }
        }
        let stmt = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some(rest) = stmt.strip_prefix("use ") {
            let mut text = rest.to_owned();
            while !text.contains(';') && i + 1 < lines.len() {
                i += 1;
                text.push_str(lines[i].trim());
            }
            out.extend(expand(text.split(';').next().unwrap()));
        } else if !t.starts_with("//") {
            // A path written out in code (`crate::retry::Poll`) imports as much.
            let code = t.split("//").next().unwrap();
            for start in ["crate::", "super::"] {
                for (at, _) in code.match_indices(start) {
                    let before = code[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                        continue;
                    }
                    let len = code[at..]
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                        .unwrap_or(code.len() - at);
                    out.push(code[at..at + len].trim_end_matches(':').to_owned());
                }
            }
        }
        i += 1;
    }
    out
}

/// The module graph of one crate: module → the modules its `use` lines name
/// (`crate::`, `super::`, `self::`), edges between a module and its own
/// ancestors or descendants left out (a parent declares its children).
fn module_graph(src_dir: &str, skip: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let sources: Vec<String> = files()
        .into_iter()
        .filter(|f| f.starts_with(src_dir) && f.ends_with(".rs"))
        .filter(|f| !skip.iter().any(|s| f.starts_with(s)))
        .collect();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|f| module_of(f, src_dir)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &sources {
        let me = module_of(file, src_dir);
        for path in uses(&read(file)) {
            let mut parts: Vec<&str> = path.split("::").collect();
            let mut at: Vec<String> = match parts.first() {
                Some(&"crate") => Vec::new(),
                Some(&"super") | Some(&"self") => {
                    let mut base = me.clone();
                    while parts.first() == Some(&"super") {
                        base.pop();
                        parts.remove(0);
                    }
                    if parts.first() == Some(&"self") {
                        parts.remove(0);
                    }
                    base
                }
                _ => continue,
            };
            if parts.first() == Some(&"crate") {
                parts.remove(0);
            }
            // The longest prefix that is a module.
            let mut target = at.clone();
            for p in parts {
                at.push(p.to_owned());
                if modules.contains(&at) {
                    target = at.clone();
                }
            }
            let related = target.starts_with(&me) || me.starts_with(&target);
            if !related {
                graph
                    .entry(me.join("::"))
                    .or_default()
                    .insert(target.join("::"));
            }
        }
        graph.entry(me.join("::")).or_default();
    }
    graph
}

/// Strongly connected components with more than one module (Tarjan).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let g = t.g;
        for w in g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !g.contains_key(w) {
                continue;
            }
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                scc.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn use_lines_are_read_as_paths() {
    assert_eq!(
        expand("crate::model::{requests::{self, CreateOrder}, common::Page as P}"),
        [
            "crate::model::requests",
            "crate::model::requests::CreateOrder",
            "crate::model::common::Page"
        ]
    );
    assert_eq!(module_of("src/validate/mod.rs", "src/"), ["validate"]);
    assert_eq!(
        module_of("sandbox/src/api/orders.rs", "sandbox/src/"),
        ["api", "orders"]
    );
    let g: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), BTreeSet::from([v.to_owned()])))
        .collect();
    assert_eq!(circles(&g), [["a", "b", "c"]]);
}

#[test]
fn no_import_circle_between_modules_of_a_crate() {
    let mut found = Vec::new();
    for (crate_name, src, skip) in [
        ("peeker-partner", "src/", &[][..]),
        (
            "peeker-sandbox",
            "sandbox/src/",
            &["sandbox/src/main.rs", "sandbox/src/bin/"][..],
        ),
        ("xtask", "xtask/src/", &[][..]),
    ] {
        let graph = module_graph(src, skip);
        for circle in circles(&graph) {
            found.push(format!("{crate_name}: {}", circle.join(" ↔ ")));
        }
    }
    assert!(
        found.is_empty(),
        "import circles (`use` lines and paths written in code):\n  {}",
        found.join("\n  ")
    );
}

// ------------------------------------------- (e) comments cite docs/contract.md

/// Text that points to documents a clone does not have: the old contract
/// file's sections and issue threads. Cite a section of docs/contract.md instead.
fn stale_citation(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    let digit_after = |word: &str| {
        l.match_indices(word).any(|(i, _)| {
            l[i + word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    line.contains("Part A")
        || line.contains("Part B §")
        || line.contains("§A")
        || line.contains("contract-decisions")
        || digit_after("issue ")
        || digit_after("finding ")
}

const TEXT: &[&str] = &[
    ".rs", ".js", ".mjs", ".cjs", ".ts", ".toml", ".sql", ".md", ".json", ".html", ".py", ".yaml",
];

fn text_files() -> Vec<String> {
    files()
        .into_iter()
        .filter(|f| TEXT.iter().any(|e| f.ends_with(e)))
        .filter(|f| !f.ends_with("package-lock.json") && !f.starts_with("tests/resources/"))
        .collect()
}

#[test]
fn no_comment_cites_the_old_contract_file_or_an_issue() {
    let mut found = Vec::new();
    // This file names what it looks for; an ignored test's reason is temporary.
    for file in text_files().into_iter().filter(|f| f != "tests/tidy.rs") {
        for (n, line) in read(&file).lines().enumerate() {
            if stale_citation(line) {
                found.push(format!("{file}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "cite a section of docs/contract.md (`docs/contract.md#anchor`) instead:\n  {}",
        found.join("\n  ")
    );
}

// ------------------------------------------------- (f) every named path exists

/// The comment text of a source line (`//`, `#`, `*`, `--` comments); the whole
/// line of a Markdown file.
fn comment_of<'a>(file: &str, line: &'a str) -> Option<&'a str> {
    if file.ends_with(".md") {
        return Some(line);
    }
    let t = line.trim_start();
    if t.starts_with("* ") || t.starts_with("/*") || t == "*" {
        return Some(t);
    }
    let marker = if file.ends_with(".toml") || file.ends_with(".py") || file.ends_with(".yaml") {
        "#"
    } else if file.ends_with(".sql") {
        "--"
    } else {
        "//"
    };
    // A marker inside a string (a URL's `//`) is not a comment.
    let mut in_str = None;
    for (i, c) in line.char_indices() {
        match (in_str, c) {
            (None, '"' | '\'' | '`') => in_str = Some(c),
            (Some(q), _) if c == q => in_str = None,
            (None, _) if line[i..].starts_with(marker) && !line[..i].ends_with(':') => {
                return Some(&line[i..]);
            }
            _ => {}
        }
    }
    None
}

/// The repository paths a text mentions: tokens that start with a top-level
/// folder of the repository (or `./`, `../`) and contain a `/`.
fn mentioned_paths(text: &str, top: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || "/._-#".contains(c);
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| is_path_char(c)) {
        let before = &rest[..start];
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_path_char(c)).unwrap_or(tail.len());
        let token = &tail[..end];
        rest = &tail[end..];
        if before.ends_with("://")
            || before.ends_with('@')
            || before.ends_with(':')
            || tail[end..].starts_with("://")
        {
            continue;
        }
        let token = token.trim_end_matches(['.', ',']);
        let first = token.split('/').next().unwrap_or("");
        let relative = token.starts_with("./") || token.starts_with("../");
        if token.contains('/') && (relative || top.contains(first)) && !token.contains("*") {
            out.push(token.to_owned());
        }
    }
    out
}

/// Anchors of docs/contract.md: its `##` headings as GitHub writes them.
fn contract_anchors() -> BTreeSet<String> {
    read("docs/contract.md")
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| {
            h.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                .map(|c| if c == ' ' { '-' } else { c })
                .collect()
        })
        .collect()
}

/// Where a mentioned path fails to resolve: from the repository root, from
/// the file's folder, or from the file's package (a sandbox README naming
/// its own api folder); a link into docs/contract.md must name one of its headings.
fn broken_paths(only: impl Fn(&str) -> bool) -> Vec<String> {
    let all = files();
    let top: BTreeSet<String> = all
        .iter()
        .filter_map(|f| f.split_once('/').map(|(d, _)| d.to_owned()))
        .filter(|d| !d.starts_with('.') || d == ".ci" || d == ".cargo")
        .collect();
    let anchors = contract_anchors();
    let mut broken = Vec::new();
    for file in text_files().into_iter().filter(|f| only(f)) {
        let dir = Path::new(&file).parent().unwrap_or(Path::new(""));
        let package = file.split('/').next().unwrap_or("");
        for (n, line) in read(&file).lines().enumerate() {
            let Some(comment) = comment_of(&file, line) else {
                continue;
            };
            for token in mentioned_paths(comment, &top) {
                let (path, anchor) = token.split_once('#').unwrap_or((&token, ""));
                let path = path.trim_end_matches('/');
                let exists = [
                    root().join(path),
                    root().join(dir).join(path),
                    root().join(package).join(path),
                ]
                .iter()
                .any(|p| p.exists());
                let anchor_ok =
                    anchor.is_empty() || !path.ends_with("contract.md") || anchors.contains(anchor);
                if !exists || !anchor_ok {
                    broken.push(format!("{file}:{}: {token}", n + 1));
                }
            }
        }
    }
    broken
}

/// Paths the build makes or a reader supplies, which a clone does not hold.
fn generated(path: &str) -> bool {
    ["pkg/", "target/", "node_modules/"]
        .iter()
        .any(|p| path.starts_with(p))
}

#[test]
fn every_path_a_comment_or_doc_names_exists() {
    let broken: Vec<_> = broken_paths(|f| f != "ARCHITECTURE.md")
        .into_iter()
        .filter(|b| !generated(b.rsplit(": ").next().unwrap()))
        .collect();
    assert!(
        broken.is_empty(),
        "paths that do not exist:\n  {}",
        broken.join("\n  ")
    );
}

/// ARCHITECTURE.md is written for the tree after the module splits under way.
#[test]
fn every_path_architecture_names_exists() {
    let broken: Vec<_> = broken_paths(|f| f == "ARCHITECTURE.md")
        .into_iter()
        .filter(|b| !generated(b.rsplit(": ").next().unwrap()))
        .collect();
    assert!(
        broken.is_empty(),
        "paths that do not exist:\n  {}",
        broken.join("\n  ")
    );
}

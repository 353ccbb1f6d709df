//! `cargo xtask cli-npm`: the `peeker` binary as npm packages, in the
//! platform-package pattern (esbuild, biome): the host's platform package
//! (`@peeker-cli/linux-x64` here) and the wrapper `peeker-cli`, whose
//! optional dependencies are every platform of `npm/release.json`. Both are
//! written into `target/cli-npm/` and packed there; versions come from
//! `cli/Cargo.toml`.

use crate::util::{self, Result};
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// Which cargo profile the binary is built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// What is published: the workspace's release profile.
    Release,
    /// For the tests: the binary `cargo test --workspace` builds (with the
    /// workspace's features), already there when `cargo xtask test` packs it;
    /// the release profile's LTO would cost minutes.
    Debug,
}

/// The two tarballs `npm pack` wrote.
pub struct Packed {
    pub platform: PathBuf,
    pub wrapper: PathBuf,
}

/// `cargo xtask cli-npm [--debug]`.
pub fn run(args: &[String]) -> Result {
    let profile = match args {
        [] => Profile::Release,
        [flag] if flag == "--debug" => Profile::Debug,
        _ => return Err("cli-npm takes no argument but --debug".into()),
    };
    let packed = package(profile)?;
    println!(
        "{}\n{}",
        packed.platform.display(),
        packed.wrapper.display()
    );
    Ok(())
}

/// Builds `peeker` for the host and packs its platform package and the wrapper.
pub fn package(profile: Profile) -> Result<Packed> {
    let root = util::root();
    let version = cli_version(&root)?;
    let release: Value = read_json(&root.join("npm/release.json"))?;
    let platforms = release["platforms"]
        .as_array()
        .ok_or("npm/release.json: no `platforms` list")?;
    let host = host_target()?;
    let platform = platforms
        .iter()
        .find(|p| p["target"] == host.as_str())
        .ok_or_else(|| format!("npm/release.json lists no platform package for {host}"))?;

    let (name, build_args): (&str, &[&str]) = match profile {
        Profile::Release => ("release", &["build", "--release", "-p", "peeker-cli"]),
        Profile::Debug => ("debug", &["test", "--workspace", "--no-run"]),
    };
    util::step(&format!("peeker ({name} build) as npm packages for {host}"));
    util::cargo(build_args)?;
    let binary_name = text(platform, "binary")?;
    let binary = root.join("target").join(name).join(binary_name);

    let out = root.join("target/cli-npm");
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let platform_dir = out.join(format!(
        "{}-{}",
        text(platform, "os")?,
        text(platform, "cpu")?
    ));
    write_platform(&root, &platform_dir, platform, &version, &binary)?;
    let wrapper_dir = out.join(text(&release, "wrapper")?);
    write_wrapper(&root, &wrapper_dir, platforms, &version)?;

    let pack = |dir: &Path| -> Result<PathBuf> {
        let dir_arg = dir.to_str().ok_or("target path must be UTF-8")?;
        println!("$ npm pack {dir_arg}");
        let mut npm = util::command(
            "npm",
            &["pack", dir_arg, "--pack-destination", ".", "--json"],
        );
        let done = npm
            .current_dir(&out)
            .output()
            .map_err(|e| format!("could not start npm: {e}"))?;
        if !done.status.success() {
            return Err(format!(
                "npm pack {dir_arg} failed:\n{}",
                String::from_utf8_lossy(&done.stderr)
            ));
        }
        let packed: Value = serde_json::from_slice(&done.stdout).map_err(|e| e.to_string())?;
        let file = packed[0]["filename"]
            .as_str()
            .ok_or("npm pack printed no filename")?;
        Ok(out.join(file))
    };
    Ok(Packed {
        platform: pack(&platform_dir)?,
        wrapper: pack(&wrapper_dir)?,
    })
}

/// `@peeker-cli/<os>-<cpu>`: the binary in `bin/`, npm installs it only
/// where `os`, `cpu` (and `libc`) match.
fn write_platform(
    root: &Path,
    dir: &Path,
    platform: &Value,
    version: &str,
    binary: &Path,
) -> Result {
    let name = text(platform, "package")?;
    let target = text(platform, "target")?;
    let binary_name = text(platform, "binary")?;
    let mut manifest = json!({
        "name": name,
        "version": version,
        "description": format!("The `peeker` binary for {target}; install `peeker-cli`, which picks it"),
        "license": "MIT OR Apache-2.0",
        "repository": {
            "type": "git",
            "url": "git+https://github.com/peeker/peeker-partner.git",
            "directory": "cli"
        },
        "os": [text(platform, "os")?],
        "cpu": [text(platform, "cpu")?],
        "files": [format!("bin/{binary_name}"), "LICENSE-MIT", "LICENSE-APACHE"],
        "preferUnplugged": true
    });
    if let Some(libc) = platform["libc"].as_str() {
        manifest["libc"] = json!([libc]);
    }
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    write_json(&dir.join("package.json"), &manifest)?;
    write(
        &dir.join("README.md"),
        &format!(
            "# {name}\n\nThe `peeker` binary for {target}. Install \
             [`peeker-cli`](https://www.npmjs.com/package/peeker-cli) instead: it \
             depends on this package where it fits and runs it.\n"
        ),
    )?;
    install_stripped(binary, &bin.join(binary_name))?;
    copy_licenses(root, dir)
}

/// `peeker-cli`: npm/peeker-cli/ with the version and one optional
/// dependency per platform of the release configuration.
fn write_wrapper(root: &Path, dir: &Path, platforms: &[Value], version: &str) -> Result {
    let source = root.join("npm/peeker-cli");
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).map_err(|e| format!("{}: {e}", bin.display()))?;
    copy(&source.join("README.md"), &dir.join("README.md"))?;
    copy(&source.join("bin/peeker.js"), &bin.join("peeker.js"))?;
    executable(&bin.join("peeker.js"))?;
    let mut manifest = read_json(&source.join("package.json"))?;
    manifest["version"] = json!(version);
    let mut optional = serde_json::Map::new();
    for p in platforms {
        optional.insert(text(p, "package")?.to_owned(), json!(version));
    }
    manifest["optionalDependencies"] = Value::Object(optional);
    write_json(&dir.join("package.json"), &manifest)?;
    copy_licenses(root, dir)
}

/// The `version` of cli/Cargo.toml's `[package]`.
fn cli_version(root: &Path) -> Result<String> {
    let manifest = root.join("cli/Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| "cli/Cargo.toml has no `version = \"…\"` line".into())
}

/// The target triple rustc builds for by default (`host:` of `rustc -vV`).
fn host_target() -> Result<String> {
    util::output("rustc", &["-vV"])
        .and_then(|v| {
            v.lines()
                .find_map(|l| l.strip_prefix("host: "))
                .map(str::to_owned)
        })
        .ok_or_else(|| "`rustc -vV` printed no host triple".into())
}

fn text<'a>(value: &'a Value, key: &str) -> Result<&'a str> {
    value[key]
        .as_str()
        .ok_or_else(|| format!("npm/release.json: `{key}` missing in {value}"))
}

fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_json(path: &Path, value: &Value) -> Result {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    write(path, &format!("{text}\n"))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn copy_licenses(root: &Path, dir: &Path) -> Result {
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&root.join(license), &dir.join(license))?;
    }
    Ok(())
}

/// The binary without its symbols and debug info (a debug build's shrinks
/// several times), executable.
fn install_stripped(from: &Path, to: &Path) -> Result {
    let (from_arg, to_arg) = (from.to_string_lossy(), to.to_string_lossy());
    util::run(util::command("strip", &["-o", &to_arg, &from_arg]))?;
    executable(to)
}

/// npm keeps a packed file's executable bit: set it on what runs.
fn executable(path: &Path) -> Result {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("{}: {e}", path.display()))
}

//! `cargo xtask psl [--file PATH]`: refresh the vendored Public Suffix List
//! (src/validate/public_suffix_list.dat) and the table generated from it
//! (src/validate/psl.gen.rs) that decides which names are registrable roots.
//!
//! Without `--file` the list is downloaded from publicsuffix.org (with curl);
//! `--file` imports a local copy instead. The copy is written with a first
//! line saying where it came from and when, unless it already has one (then
//! the table is only regenerated from it).

pub mod table;

use crate::util;

pub const URL: &str = "https://publicsuffix.org/list/public_suffix_list.dat";
pub const DAT: &str = "src/validate/public_suffix_list.dat";
pub const GENERATED: &str = "src/validate/psl.gen.rs";

pub fn run(args: &[String]) -> util::Result {
    let (text, source) = match args {
        [] => (download()?, URL.to_owned()),
        [flag, path] if flag == "--file" => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            (text, path.clone())
        }
        _ => return Err("psl takes no argument (download) or --file PATH".into()),
    };
    let text = text.replace("\r\n", "\n");
    let dat = if text.starts_with(table::PROVENANCE) {
        text
    } else {
        let own = table::provenance(&text);
        let own = if own == "unknown version" {
            String::new()
        } else {
            format!(" ({own})")
        };
        format!(
            "{}{source}{own}, retrieved {}\n{text}",
            table::PROVENANCE,
            today()?
        )
    };
    let generated = table::render(&dat)?;
    let root = util::root();
    for (path, contents) in [(DAT, &dat), (GENERATED, &generated)] {
        std::fs::write(root.join(path), contents).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    println!("{}", table::provenance(&dat));
    Ok(())
}

fn download() -> util::Result<String> {
    util::step(&format!("download {URL}"));
    let out = util::command(
        "curl",
        &[
            "--fail",
            "--silent",
            "--show-error",
            "--location",
            "--max-time",
            "120",
            URL,
        ],
    )
    .output()
    .map_err(|e| format!("could not start curl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "curl {URL} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("{URL} is not UTF-8"))
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> util::Result<String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    // Howard Hinnant's days-to-civil.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

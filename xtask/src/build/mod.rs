//! Building the npm package into pkg/ and running the wasm test suites.
//!
//! `entries` is the one list of the package's entries and runtimes; `wasm`
//! compiles and optimises each entry's module; `glue` rewrites wasm-bindgen's
//! JS into the entry modules; `inline` embeds each wasm in JS;
//! `declarations` writes the `.d.ts`; `manifest` the package.json;
//! `package` assembles pkg/ from all of them.

mod declarations;
mod entries;
mod files;
mod glue;
mod inline;
mod manifest;
mod package;
mod wasm;
mod wasm_tests;

pub use entries::ENTRIES;
pub use package::package;
pub use wasm_tests::wasm_tests;

//! Where each name was first seen: the one hash table type of the crate's
//! repeat checks (split, planner, validators). Each further key or value
//! type would be another copy of the table's code in the wasm.

use std::borrow::Cow;
use std::collections::HashMap;

/// A name and the index it was first seen at. Hashed with FNV-1a: domain
/// names are short and come from the caller's own lists, so a simple hash
/// beats SipHash several times over (the 10,000-row budget).
pub(crate) type FirstSeen<'a> = HashMap<Cow<'a, str>, usize, fnv::FnvBuildHasher>;

//! Validation, domain split, plan and bundle preview, for JS.

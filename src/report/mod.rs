//! Reports: what a run found and did, as terminal diagnostics, JSON, SARIF or a diff.

pub mod diff;
pub mod json;
pub mod sarif;
pub mod text;

//! upshift finds legacy patterns in Python, Django, Spring and Rails code and rewrites them for
//! a target version.
//!
//! The data flow, one module each: files are walked ([`engine::walk`]), read and decoded
//! ([`engine::source`]), parsed ([`engine::parse`]), matched against compiled [`rules`]
//! ([`engine::matcher`]), turned into edits ([`engine::edit`]) by the fix loop
//! ([`engine::fix_loop`]), verified ([`engine::verify`]), written atomically
//! ([`engine::write`]) and reported ([`report`]).

pub mod config;
pub mod detect;
pub mod engine;
pub mod fingerprint;
pub mod fixtures;
pub mod language;
pub mod report;
pub mod rules;

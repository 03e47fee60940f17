//! Rules: the YAML as written ([`model`]), compiled into runnable form ([`compile`]), loaded
//! from the binary and from user directories ([`load`]), and chosen for a run ([`select`]).

pub mod compile;
pub mod docs;
pub mod error;
pub mod load;
pub mod model;
pub mod query_shape;
pub mod script;
pub mod select;
pub mod template;
pub mod version;

pub use compile::{Ancestor, Condition, FixStep, Rule, Versions};
pub use error::RuleError;
pub use load::{Pack, RuleSet};
pub use model::{Safety, Severity};
pub use select::{Selection, Selector};
pub use template::Template;
pub use version::{Target, Version};

//! Typed values parsed at the edge: what a fan types becomes one of these or a clear refusal.

pub mod chart;
pub mod claim;
pub mod country;
pub mod credited;
pub mod i18n;
pub mod money;
pub mod period;
pub mod print;
pub mod run;
pub mod source;
pub mod text;

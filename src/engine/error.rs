//! The engine's one error type; each variant says when it occurs.

use std::fmt;

/// Everything that can go wrong in the engine, as readable text for the page
/// and the CLI.
#[derive(Clone, Debug, PartialEq)]
pub enum EngineError {
    /// A configuration that cannot be built (e.g. focal loss on regression).
    InvalidConfig(String),
    /// A data file that cannot be parsed (line and reason).
    DataParse(String),
    /// A shipped asset that is missing or corrupt.
    Asset(String),
    /// A data set the page fetches when it is chosen (named), not fetched
    /// yet; the page fetches it and tries again.
    NotLoaded(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::InvalidConfig(m) => f.write_str(&crate::tr!("link.error.invalid_config", message = m)),
            EngineError::DataParse(m) => f.write_str(&crate::tr!("link.error.data_parse", message = m)),
            EngineError::Asset(m) => f.write_str(&crate::tr!("link.error.asset", message = m)),
            EngineError::NotLoaded(name) => f.write_str(&crate::tr!("link.error.not_loaded", name = name)),
        }
    }
}

impl std::error::Error for EngineError {}

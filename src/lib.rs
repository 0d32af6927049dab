//! GradLab: a neural-network debugging playground.
//!
//! Three layers, each knowing only the one below it:
//! - [`engine`]: pure Rust training core (data, model, losses, optimizers,
//!   trainer, config and its URL codec). No web imports; tested natively.
//! - [`viz`]: pure drawing logic (colours, heatmap pixel buffers).
//! - `web`: the wasm-bindgen page layer, its own crate (`src/web`,
//!   `gradlab-web`), compiled for `wasm32` only.

pub mod engine;
pub mod viz;

/// `tr!("key", name = value)`: a text of the language catalogs
/// ([`engine::i18n`]), defined in the engine's core.
pub use gradlab_core::tr;

//! The pure training engine: everything a run needs, nothing from the web.
//! Its core (the training step and what it touches) is the crate
//! `gradlab-core` (`core.rs` here), re-exported below module by module; the
//! modules declared here are built on it.
//!
//! Determinism: one `u64` seed drives every random draw through [`rng::Rng`],
//! and every transcendental function goes through [`scalar::Real`] / [`math`]
//! (the `libm` crate), so a native build and a wasm build produce identical bits.

pub use gradlab_core::{
    clip, config, data, error, fingerprint, format, gradcheck, grid, history, i18n, init, kernels, layers, loss, math,
    model, named, optim, params, progress, rng, scalar, schedule, snapshot, targets, trainer, transport, view,
};

pub mod bench;
pub mod bug_lab;
pub mod fuzz;
pub mod instruments;
pub mod learn;
pub mod link;
pub mod runs;
pub mod soak;

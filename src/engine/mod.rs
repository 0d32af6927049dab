//! The pure training engine: everything a run needs, nothing from the web.
//!
//! Determinism: one `u64` seed drives every random draw through [`rng::Rng`],
//! and every transcendental function goes through [`scalar::Real`] / [`math`]
//! (the `libm` crate), so a native build and a wasm build produce identical bits.

pub mod bench;
pub mod bug_lab;
pub mod clip;
pub mod config;
pub mod data;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod fuzz;
pub mod gradcheck;
pub mod grid;
pub mod history;
pub mod i18n;
pub mod init;
pub mod instruments;
pub mod kernels;
pub mod layers;
pub mod learn;
pub mod link;
pub mod loss;
pub mod math;
pub mod model;
pub mod named;
pub mod optim;
pub mod params;
pub mod progress;
pub mod rng;
pub mod runs;
pub mod scalar;
pub mod schedule;
pub mod snapshot;
pub mod soak;
pub mod targets;
pub mod trainer;
pub mod transport;
pub mod view;

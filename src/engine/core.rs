//! The engine's core, its own crate (`gradlab-core`): what a training step
//! touches — data sets, layers, losses, optimizers, the model and its
//! kernels, the trainer, snapshots and fingerprints — and what it needs
//! (config, RNG, the language catalogs). The rest of the engine (instruments,
//! links, runs, lessons, the bug lab, benchmarks, fuzzing, soak) is built on
//! it in the `gradlab` crate, which re-exports every module here under
//! `gradlab::engine`, so paths read the same from everywhere.
//!
//! Its own crate because the two are compiled differently for the page: this
//! one for speed (its loops unrolled and vectorized), the rest for size
//! (Cargo.toml, `[profile.release]`).
//!
//! Determinism: one `u64` seed drives every random draw through [`rng::Rng`],
//! and every transcendental function goes through [`scalar::Real`] / [`math`]
//! (the `libm` crate), so a native build and a wasm build produce identical bits.

pub mod clip;
pub mod config;
pub mod data;
pub mod error;
pub mod fingerprint;
pub mod format;
pub mod gradcheck;
pub mod grid;
pub mod history;
pub mod i18n;
pub mod init;
pub mod kernels;
pub mod layers;
pub mod loss;
pub mod math;
pub mod model;
pub mod named;
pub mod optim;
pub mod params;
pub mod progress;
pub mod rng;
pub mod scalar;
pub mod schedule;
pub mod snapshot;
pub mod targets;
pub mod trainer;
pub mod transport;
pub mod view;

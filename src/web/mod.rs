//! The wasm page layer (placeholder).

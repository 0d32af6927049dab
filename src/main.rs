//! The native `gradlab` CLI (placeholder).
fn main() {}

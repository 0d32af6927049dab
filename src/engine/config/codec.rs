//! URL codec.

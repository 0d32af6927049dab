//! A trainer's whole state as bytes, and back: the model, the optimizer's
//! moments, the data, every random stream and the position in the epoch,
//! so that the copy trains on bit for bit as the original would. The page
//! hands a snapshot to the checks' Web Worker (`web::checks`), which
//! restores it and runs the long checks there.
//!
//! The format is postcard (serde): compact, and the same on every platform.
//! Working buffers (the model's activations and gradients of the last
//! pass, scratch space) and the live instruments' per-step capture are left
//! out, half the bytes on a large network; the next pass refills them.

use crate::engine::error::EngineError;
use crate::engine::trainer::{Hooks, Trainer};

/// The trainer's state as bytes, its hooks' state ([`crate::engine::trainer::StepHooks::save`]) included.
pub fn encode(trainer: &Trainer) -> Vec<u8> {
    // Serializing plain data into a Vec cannot fail.
    postcard::to_stdvec(&(trainer, trainer.hooks().save())).unwrap_or_default()
}

/// A trainer from [`encode`]'s bytes; `restore` rebuilds its hooks from
/// their saved state (the engine cannot: it does not know them).
pub fn decode(bytes: &[u8], restore: fn(&[u8]) -> Result<Hooks, EngineError>) -> Result<Trainer, EngineError> {
    let (mut trainer, hooks): (Trainer, Vec<u8>) = postcard::from_bytes(bytes)
        .map_err(|e| EngineError::InvalidConfig(format!("a damaged trainer snapshot: {e}")))?;
    trainer.model.restore_buffers();
    trainer.replace_hooks(restore(&hooks)?);
    Ok(trainer)
}

/// The `restore` of a trainer without hooks: saved hook state is an error.
pub fn no_hooks(bytes: &[u8]) -> Result<Hooks, EngineError> {
    if bytes.is_empty() {
        Ok(Hooks::default())
    } else {
        Err(EngineError::InvalidConfig("the snapshot carries hooks this reader does not know".into()))
    }
}

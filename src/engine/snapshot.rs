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

use crate::error::EngineError;
use crate::trainer::{Hooks, Trainer};

/// The trainer's state as bytes, its hooks' state ([`crate::trainer::StepHooks::save`]) included.
pub fn encode(trainer: &Trainer) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_into(trainer, &mut bytes);
    bytes
}

/// [`encode`] into `bytes` (emptied first), whose capacity is kept: a
/// caller that knows the size spares the copies of a growing vector.
pub fn encode_into(trainer: &Trainer, bytes: &mut Vec<u8>) {
    bytes.clear();
    // Serializing plain data into a Vec cannot fail.
    let taken = std::mem::take(bytes);
    *bytes = postcard::to_extend(&(trainer, trainer.hooks().save()), taken).unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Act, Config, DataKind, LayerSpec, OptimizerKind};
    use crate::optim::adam::ADAM;

    /// `data=spiral&net=6:relu,4:tanh&bs=12&opt=adam` after `steps` steps,
    /// built from the core's own types (the core reads no link).
    fn trainer(steps: u64) -> Trainer {
        let layer = |units, act| LayerSpec { units, act, batch_norm: false, dropout: 0.0 };
        let mut cfg = Config::default();
        cfg.data.kind = DataKind::Spiral;
        cfg.hidden = vec![layer(6, Act::Relu), layer(4, Act::Tanh)];
        cfg.batch_size = 12;
        cfg.optimizer = OptimizerKind::of(&ADAM);
        let mut t = Trainer::from_config(&cfg).unwrap();
        for _ in 0..steps {
            t.step();
        }
        t
    }

    /// A reused buffer (the page keeps the last snapshot's size) holds
    /// exactly [`encode`]'s bytes, whatever it held before.
    #[test]
    fn encode_into_a_used_buffer_gives_the_same_bytes() {
        let t = trainer(7);
        let fresh = encode(&t);
        let mut reused = vec![0xAB; fresh.len() + 100];
        encode_into(&t, &mut reused);
        assert_eq!(reused, fresh);
        let back = decode(&reused, no_hooks).unwrap();
        assert_eq!(back.fingerprint(), t.fingerprint());
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::codec;

    fn trainer(link: &str) -> Trainer {
        Trainer::from_config(&codec::decode(link).0).unwrap()
    }

    /// A restored copy continues exactly as the original: same parameters,
    /// same batches, same dropout masks, same losses.
    #[test]
    fn a_restored_trainer_trains_on_bit_for_bit() {
        for link in [
            "data=spiral&net=8:relu:bn:d0.2,6:tanh&opt=adam&bs=7&sched=cos&se=40&clip=norm&cv=1",
            "data=digits&loss=softmax&net=16:relu&opt=momentum&bs=13&l2=0.001",
        ] {
            let mut original = trainer(link);
            for _ in 0..9 {
                original.step();
            }
            let mut copy = decode(&encode(&original), no_hooks).unwrap();
            assert_eq!(copy.fingerprint(), original.fingerprint(), "{link}");
            for _ in 0..11 {
                original.step();
                copy.step();
            }
            assert_eq!(copy.fingerprint(), original.fingerprint(), "{link}");
            assert_eq!(copy.step_count(), original.step_count());
            assert_eq!(copy.history.batch_loss, original.history.batch_loss, "{link}");
            let (a, b) = (original.evaluate(), copy.evaluate());
            assert_eq!(a.train_loss.to_bits(), b.train_loss.to_bits(), "{link}");
            assert_eq!(a.test_loss.to_bits(), b.test_loss.to_bits(), "{link}");
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let bytes = encode(&trainer("data=xor"));
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], no_hooks).is_err(), "cut at {cut}");
        }
    }
}

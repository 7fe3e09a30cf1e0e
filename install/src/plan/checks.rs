//! Checks planning shares between fresh installs and updates: the keys the
//! new system trusts and what fits where.

use std::sync::Arc;

use detect::layout::Slot;
use payload::{Fingerprint, TrustUpdate};

use crate::error::Refusal;
use crate::source::{PayloadInfo, INITRD, KERNEL, ROOTFS};

/// Bytes of a component of the payload; 0 for one it lacks.
pub(super) fn component_size(payload: &PayloadInfo, name: &str) -> u64 {
    payload.manifest.component(name).map_or(0, |c| c.size)
}

/// Bytes the kernel and initrd take on the ESP.
pub(super) fn boot_files(payload: &PayloadInfo) -> u64 {
    component_size(payload, KERNEL).saturating_add(component_size(payload, INITRD))
}

/// The root image fits a slot of `room` bytes.
pub(super) fn root_fits(payload: &PayloadInfo, slot: Slot, room: u64) -> Result<(), Refusal> {
    let image = component_size(payload, ROOTFS);
    if image > room {
        return Err(Refusal::RootImageTooLarge { slot, image, room });
    }
    Ok(())
}

/// The first of the payload's `signers` that `trusted` (fingerprints)
/// holds: the key that vouches for the payload on a system trusting those
/// keys. A payload signed by an old and a new key is taken by a system that
/// trusts either.
pub(super) fn vouching_signer(
    signers: &[Fingerprint],
    trusted: &[String],
) -> Result<Fingerprint, Refusal> {
    signers
        .iter()
        .find(|s| trusted.contains(&s.to_string()))
        .copied()
        .ok_or_else(|| Refusal::KeyNotTrusted {
            signers: signers.to_vec(),
            trusted: trusted.to_vec(),
        })
}

/// The keys the new system records as trusted: `keys` (fingerprints, in
/// their order) after the payload's `[trust]` update. Revoked keys are
/// removed and never added back; new keys come after the kept ones. The
/// same rule for a fresh install (starting from the installer's keys) and
/// an update (starting from the installed system's).
pub(super) fn trusted_after(
    mut keys: Vec<String>,
    update: Option<&TrustUpdate>,
) -> Result<Vec<String>, Refusal> {
    if let Some(update) = update {
        let revoked: Vec<String> = update.revoke.iter().map(ToString::to_string).collect();
        keys.retain(|k| !revoked.contains(k));
        let added = update
            .public_keys()
            .map_err(|e| Refusal::TrustUpdate(Arc::new(e)))?;
        for k in added {
            let fp = k.fingerprint().to_string();
            if !revoked.contains(&fp) && !keys.contains(&fp) {
                keys.push(fp);
            }
        }
    }
    if keys.is_empty() {
        return Err(Refusal::NoKeyLeft);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use payload::SecretKey;

    fn fp(k: &SecretKey) -> String {
        k.public().fingerprint().to_string()
    }

    #[test]
    fn trust_update_revokes_then_adds_in_order() {
        let [a, b, c] = [(); 3].map(|()| SecretKey::generate().expect("key"));
        let update = TrustUpdate {
            keys: vec![c.public().to_spki_base64(), b.public().to_spki_base64()],
            revoke: vec![b.public().fingerprint()],
        };
        let after = trusted_after(vec![fp(&a), fp(&b)], Some(&update)).expect("keys left");
        assert_eq!(after, vec![fp(&a), fp(&c)]);
        assert_eq!(
            trusted_after(vec![fp(&a)], None).expect("unchanged"),
            vec![fp(&a)]
        );
    }

    #[test]
    fn trust_update_keeps_a_key() {
        let a = SecretKey::generate().expect("key");
        let update = TrustUpdate {
            keys: Vec::new(),
            revoke: vec![a.public().fingerprint()],
        };
        assert!(matches!(
            trusted_after(vec![fp(&a)], Some(&update)),
            Err(Refusal::NoKeyLeft)
        ));
        let garbage = TrustUpdate {
            keys: vec!["not a key".into()],
            revoke: Vec::new(),
        };
        assert!(matches!(
            trusted_after(vec![fp(&a)], Some(&garbage)),
            Err(Refusal::TrustUpdate(_))
        ));
    }
}

//! Checks planning shares between fresh installs and updates: the keys the
//! new system trusts and what fits where.

use std::sync::Arc;

use detect::layout::Slot;
use detect::Firmware;
use payload::{Fingerprint, TrustUpdate};

use super::Choice;
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

/// A new installation needs UEFI: the layout is GPT with an ESP, and
/// systemd-boot with boot counting starts the slots, falling back to the
/// other when a new one fails to start. A machine that started the
/// installer in legacy BIOS mode (or through a UEFI firmware's
/// compatibility module) would most likely not start what is installed,
/// and a BIOS boot path would lose boot counting and the fallback: an
/// install or a wipe is refused there before anything is written. An
/// upgrade or a hotfix writes only files on the ESP and partitions of the
/// installation (no UEFI variables), and the system that starts it
/// already starts with UEFI: they are not checked.
pub(super) fn firmware_starts_layout(choice: &Choice) -> Result<(), Refusal> {
    match choice.firmware {
        Some(Firmware::Bios) => Err(Refusal::BiosMode {
            action: choice.action,
        }),
        Some(Firmware::Uefi { .. }) | None => Ok(()),
    }
}

/// What a system trusts once the payload is installed, as the state record
/// keeps it (fingerprints, lower case hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeysAfter {
    /// The first of the payload's signers the system trusted: the key that
    /// vouches for the payload.
    pub vouching: Fingerprint,
    /// Trusted keys: the kept ones in their order, then the new ones.
    pub trusted: Vec<String>,
    /// Revoked keys: the earlier ones, then the payload's.
    pub revoked: Vec<String>,
}

/// The one trust rule, the same for a fresh install (from the installer's
/// keys, with the revocations of the installer and of any state record
/// found on the disk) and an update (from the installed system's keys,
/// with the revocations of its record and of the installer):
///
/// 1. keys revoked earlier (`revoked`) are not trusted, whatever lists them;
/// 2. one of the payload's `signers` must be left trusted: the first such
///    vouches for it; a payload whose only trusted signers are revoked is
///    refused as such;
/// 3. the payload's `[trust]` update may not trust a key revoked earlier;
///    its revocations are added and its keys trusted after the kept ones
///    (a key it both adds and revokes stays revoked);
/// 4. at least one key must be left to verify the next payload.
pub(super) fn keys_after(
    trusted: &[String],
    revoked: &[String],
    signers: &[Fingerprint],
    update: Option<&TrustUpdate>,
) -> Result<KeysAfter, Refusal> {
    let mut revoked_after: Vec<String> = Vec::new();
    for k in revoked {
        if !revoked_after.contains(k) {
            revoked_after.push(k.clone());
        }
    }
    let mut trusted_after: Vec<String> = Vec::new();
    for k in trusted {
        if !revoked_after.contains(k) && !trusted_after.contains(k) {
            trusted_after.push(k.clone());
        }
    }
    let vouching = match signers
        .iter()
        .find(|s| trusted_after.contains(&s.to_string()))
    {
        Some(s) => *s,
        None => {
            return Err(
                match signers
                    .iter()
                    .find(|s| revoked_after.contains(&s.to_string()))
                {
                    Some(key) => Refusal::SignedByRevokedKey { key: *key },
                    None => Refusal::KeyNotTrusted {
                        signers: signers.to_vec(),
                        trusted: trusted_after,
                    },
                },
            )
        }
    };
    if let Some(update) = update {
        let added = update
            .public_keys()
            .map_err(|e| Refusal::TrustUpdate(Arc::new(e)))?;
        if let Some(k) = added
            .iter()
            .find(|k| revoked_after.contains(&k.fingerprint().to_string()))
        {
            return Err(Refusal::RevokedKeyTrusted {
                key: k.fingerprint(),
            });
        }
        for fp in &update.revoke {
            let fp = fp.to_string();
            trusted_after.retain(|k| *k != fp);
            if !revoked_after.contains(&fp) {
                revoked_after.push(fp);
            }
        }
        for k in added {
            let fp = k.fingerprint().to_string();
            if !revoked_after.contains(&fp) && !trusted_after.contains(&fp) {
                trusted_after.push(fp);
            }
        }
    }
    if trusted_after.is_empty() {
        return Err(Refusal::NoKeyLeft);
    }
    Ok(KeysAfter {
        vouching,
        trusted: trusted_after,
        revoked: revoked_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use payload::SecretKey;

    fn fp(k: &SecretKey) -> String {
        k.public().fingerprint().to_string()
    }

    fn fps(keys: &[&SecretKey]) -> Vec<String> {
        keys.iter().map(|k| fp(k)).collect()
    }

    fn signer(k: &SecretKey) -> Vec<Fingerprint> {
        vec![k.public().fingerprint()]
    }

    #[test]
    fn trust_update_revokes_then_adds_in_order() {
        let [a, b, c] = [(); 3].map(|()| SecretKey::generate().expect("key"));
        let update = TrustUpdate {
            keys: vec![c.public().to_spki_base64(), b.public().to_spki_base64()],
            revoke: vec![b.public().fingerprint()],
        };
        let after = keys_after(&fps(&[&a, &b]), &[], &signer(&a), Some(&update)).expect("keys");
        assert_eq!(after.trusted, fps(&[&a, &c]));
        assert_eq!(after.revoked, fps(&[&b]));
        let same = keys_after(&fps(&[&a]), &[], &signer(&a), None).expect("unchanged");
        assert_eq!((same.trusted, same.revoked), (fps(&[&a]), Vec::new()));
    }

    #[test]
    fn trust_update_keeps_a_key() {
        let a = SecretKey::generate().expect("key");
        let update = TrustUpdate {
            keys: Vec::new(),
            revoke: vec![a.public().fingerprint()],
        };
        assert!(matches!(
            keys_after(&fps(&[&a]), &[], &signer(&a), Some(&update)),
            Err(Refusal::NoKeyLeft)
        ));
        let garbage = TrustUpdate {
            keys: vec!["not a key".into()],
            revoke: Vec::new(),
        };
        assert!(matches!(
            keys_after(&fps(&[&a]), &[], &signer(&a), Some(&garbage)),
            Err(Refusal::TrustUpdate(_))
        ));
    }

    #[test]
    fn any_trusted_signer_vouches() {
        let [old, new, stranger] = [(); 3].map(|()| SecretKey::generate().expect("key"));
        let both = vec![new.public().fingerprint(), old.public().fingerprint()];
        let after = keys_after(&fps(&[&old]), &[], &both, None).expect("old trusted");
        assert_eq!(after.vouching, old.public().fingerprint());
        assert!(matches!(
            keys_after(&fps(&[&stranger]), &[], &both, None),
            Err(Refusal::KeyNotTrusted { signers, .. }) if signers == both
        ));
    }

    #[test]
    fn revoked_keys_stay_revoked() {
        let [old, new] = [(); 2].map(|()| SecretKey::generate().expect("key"));
        let revoked = fps(&[&old]);
        // Listed as trusted too: revocation wins.
        let after = keys_after(&fps(&[&old, &new]), &revoked, &signer(&new), None).expect("new");
        assert_eq!(
            (after.trusted, after.revoked),
            (fps(&[&new]), revoked.clone())
        );
        // Signed by the revoked key only.
        assert!(matches!(
            keys_after(&fps(&[&old, &new]), &revoked, &signer(&old), None),
            Err(Refusal::SignedByRevokedKey { key }) if key == old.public().fingerprint()
        ));
        // Trusted again by a later payload.
        let again = TrustUpdate {
            keys: vec![old.public().to_spki_base64()],
            revoke: Vec::new(),
        };
        assert!(matches!(
            keys_after(&fps(&[&new]), &revoked, &signer(&new), Some(&again)),
            Err(Refusal::RevokedKeyTrusted { key }) if key == old.public().fingerprint()
        ));
    }
}

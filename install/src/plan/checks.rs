//! Checks planning shares between fresh installs and updates.

use payload::TrustStore;

use crate::source::PayloadInfo;

pub(super) fn fingerprints(trust: &TrustStore) -> Vec<String> {
    trust.trusted().map(|(f, _)| f.to_string()).collect()
}

pub(super) fn component_size(payload: &PayloadInfo, name: &str) -> u64 {
    payload.manifest.component(name).map_or(0, |c| c.size)
}

//! Library side of `media-builder`: boot media.

pub mod iso;
pub mod media_payload;

pub mod usb;

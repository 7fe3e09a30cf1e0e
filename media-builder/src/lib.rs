//! Library side of `media-builder`: boot media.

pub mod bootkit;
pub mod cpio;
pub mod demo;
pub mod iso;
pub mod media_payload;

pub mod usb;

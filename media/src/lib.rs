//! Boot media made from a boot kit and a signed payload: the hybrid ISO
//! ([`iso`]: build, customise), the USB disk image ([`usb::image`]), and
//! writing images to sticks ([`usb::write`], after [`usb::target`] has
//! decided which targets may be written). See `docs/media.md`.

mod inputs;
pub mod iso;
mod payload_copy;
pub mod usb;

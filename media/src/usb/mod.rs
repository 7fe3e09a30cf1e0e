//! USB media: the disk image with a writable FAT partition, and writing
//! images to sticks.

pub mod image;
pub mod target;
pub mod write;

//! What the engine was doing when an I/O error came: an act on an
//! object, sometimes at a byte. A front end says it in its language from
//! these facts; the English `Display` is what the log and the reports
//! keep (`opening /dev/sda for writing`, `writing slot b at byte 4096`).

use std::fmt;
use std::path::PathBuf;

use detect::layout::Slot;

/// What was being done, on what, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doing {
    pub act: Act,
    pub object: Object,
    /// The byte of the object the act had reached, when it says.
    pub at: Option<u64>,
}

/// The act under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Opening,
    /// Opening the disk for the run's writes.
    OpeningToWrite,
    /// Opening a second handle on the disk to read back what is written.
    OpeningToReadBack,
    Reading,
    /// Reading what was written, to compare it with the payload.
    ReadingBack,
    Writing,
    Zeroing,
    /// Telling the disk that bytes are unused (discard, TRIM).
    Discarding,
    /// Making what was written durable (fsync).
    Flushing,
    Formatting,
    Removing,
}

/// What the act was on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// The whole disk, by its device path.
    Disk(PathBuf),
    /// A file of the running installer (a directory of EFI variables, a
    /// boot loader).
    File(PathBuf),
    /// The payload, by its path when it is a file.
    Payload(Option<PathBuf>),
    /// A boot file the installer medium must carry, with the Debian
    /// package that provides it.
    BootFile {
        path: PathBuf,
        package: String,
    },
    /// A root slot.
    Slot(Slot),
    /// A partition of the layout, by its GPT name.
    Partition(&'static str),
    /// The EFI system partition.
    Esp,
    /// A file (or a directory, ending with `/`) on the ESP.
    EspFile(String),
    /// A file (or a directory, ending with `/`) on the config partition.
    ConfigFile(String),
    /// The state record on the config partition.
    StateRecord,
    /// The boot entry that starts a slot.
    BootEntry(Slot),
    PartitionTable,
    ProtectiveMbr,
    /// A firmware variable (`BootNext`, `Boot0003`).
    EfiVariable(String),
    /// Bytes `start..end` of the disk.
    Bytes {
        start: u64,
        end: u64,
    },
}

impl Doing {
    pub fn new(act: Act, object: Object) -> Doing {
        Doing {
            act,
            object,
            at: None,
        }
    }

    /// The same act, at byte `offset` of its object.
    pub fn at(self, offset: u64) -> Doing {
        Doing {
            at: Some(offset),
            ..self
        }
    }
}

impl Act {
    /// This act on `object`.
    pub fn on(self, object: Object) -> Doing {
        Doing::new(self, object)
    }
}

impl fmt::Display for Doing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.object;
        match self.act {
            Act::Opening => write!(f, "opening {o}"),
            Act::OpeningToWrite => write!(f, "opening {o} for writing"),
            Act::OpeningToReadBack => write!(f, "opening {o} for the read-back"),
            Act::Reading => write!(f, "reading {o}"),
            Act::ReadingBack => write!(f, "reading back {o}"),
            Act::Writing => write!(f, "writing {o}"),
            Act::Zeroing => write!(f, "zeroing {o}"),
            Act::Discarding => write!(f, "discarding {o}"),
            Act::Flushing => write!(f, "flushing {o}"),
            Act::Formatting => write!(f, "formatting {o}"),
            Act::Removing => write!(f, "removing {o}"),
        }?;
        match self.at {
            Some(at) => write!(f, " at byte {at}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Disk(path) | Object::File(path) => write!(f, "{}", path.display()),
            Object::Payload(Some(path)) => write!(f, "the payload {}", path.display()),
            Object::Payload(None) => f.write_str("the payload"),
            Object::BootFile { path, package } => write!(
                f,
                "the boot file {} (on Debian: package {package})",
                path.display()
            ),
            Object::Slot(slot) => write!(f, "slot {slot}"),
            Object::Partition(name) => f.write_str(name),
            Object::Esp => f.write_str("the ESP"),
            Object::EspFile(path) => write!(f, "{path} on the ESP"),
            Object::ConfigFile(path) => write!(f, "{path} on the config partition"),
            Object::StateRecord => f.write_str("the state record"),
            Object::BootEntry(slot) => write!(f, "the boot entry of slot {slot}"),
            Object::PartitionTable => f.write_str("the partition table"),
            Object::ProtectiveMbr => f.write_str("the protective MBR"),
            Object::EfiVariable(name) => f.write_str(name),
            Object::Bytes { start, end } => write!(f, "bytes {start}..{end}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_names_the_act_the_object_and_the_byte() {
        let d = Doing::new(Act::Writing, Object::Slot(Slot::B)).at(4096);
        assert_eq!(d.to_string(), "writing slot b at byte 4096");
        let d = Doing::new(Act::OpeningToWrite, Object::Disk("/dev/sda".into()));
        assert_eq!(d.to_string(), "opening /dev/sda for writing");
        let d = Doing::new(Act::ReadingBack, Object::EspFile("b/vmlinuz".into()));
        assert_eq!(d.to_string(), "reading back b/vmlinuz on the ESP");
    }
}

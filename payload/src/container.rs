//! The POSIX tar container, read strictly.
//!
//! Written by the `tar` crate; read by hand. The payload is untrusted input
//! and its layout is fixed (manifest, signature, then exactly the listed
//! components, plain files only), so the reader accepts one shape of ustar
//! header and nothing of the many extensions general tar readers honour.

use std::io::{self, Read};

use crate::{BuildProblem, Cut, Damage, Error, IoContext, MemberKind, Section};

pub const MANIFEST_NAME: &str = "manifest.toml";
pub const SIGNATURE_NAME: &str = "manifest.sig";

pub(crate) const BLOCK: u64 = 512;
/// tar programs pad archives to 20 blocks; zeros up to that are accepted.
pub(crate) const RECORD: u64 = 20 * BLOCK;

/// One member header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    pub name: String,
    pub size: u64,
    /// Modification time, seconds since 1970: the manifest's creation time.
    pub mtime: u64,
    /// Offset of the header in the payload.
    pub offset: u64,
}

/// A field of a ustar header, as named when a header differs from the one
/// `payload build` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    Name,
    Mode,
    Uid,
    Gid,
    Size,
    Mtime,
    Checksum,
    Typeflag,
    Linkname,
    Magic,
    Version,
    Uname,
    Gname,
    DevMajor,
    DevMinor,
    Prefix,
    /// The 12 unused bytes at the end of the block.
    Padding,
}

impl HeaderField {
    /// Every field, in the order it lies in the block.
    pub const ALL: [HeaderField; 17] = [
        HeaderField::Name,
        HeaderField::Mode,
        HeaderField::Uid,
        HeaderField::Gid,
        HeaderField::Size,
        HeaderField::Mtime,
        HeaderField::Checksum,
        HeaderField::Typeflag,
        HeaderField::Linkname,
        HeaderField::Magic,
        HeaderField::Version,
        HeaderField::Uname,
        HeaderField::Gname,
        HeaderField::DevMajor,
        HeaderField::DevMinor,
        HeaderField::Prefix,
        HeaderField::Padding,
    ];

    /// Where the field lies in the 512-byte header block.
    pub fn bytes(self) -> std::ops::Range<usize> {
        match self {
            HeaderField::Name => 0..100,
            HeaderField::Mode => 100..108,
            HeaderField::Uid => 108..116,
            HeaderField::Gid => 116..124,
            HeaderField::Size => 124..136,
            HeaderField::Mtime => 136..148,
            HeaderField::Checksum => 148..156,
            HeaderField::Typeflag => 156..157,
            HeaderField::Linkname => 157..257,
            HeaderField::Magic => 257..263,
            HeaderField::Version => 263..265,
            HeaderField::Uname => 265..297,
            HeaderField::Gname => 297..329,
            HeaderField::DevMajor => 329..337,
            HeaderField::DevMinor => 337..345,
            HeaderField::Prefix => 345..500,
            HeaderField::Padding => 500..512,
        }
    }
}

impl std::fmt::Display for HeaderField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HeaderField::Name => "name",
            HeaderField::Mode => "mode (permissions)",
            HeaderField::Uid => "owner (uid)",
            HeaderField::Gid => "group (gid)",
            HeaderField::Size => "size",
            HeaderField::Mtime => "modification time",
            HeaderField::Checksum => "checksum",
            HeaderField::Typeflag => "type",
            HeaderField::Linkname => "link target",
            HeaderField::Magic => "magic",
            HeaderField::Version => "version",
            HeaderField::Uname => "owner name",
            HeaderField::Gname => "group name",
            HeaderField::DevMajor => "device major number",
            HeaderField::DevMinor => "device minor number",
            HeaderField::Prefix => "path prefix",
            HeaderField::Padding => "padding",
        })
    }
}

/// A reader that knows how far into the payload it is.
#[derive(Debug)]
pub(crate) struct Source<R> {
    inner: R,
    pub offset: u64,
}

impl<R: Read> Source<R> {
    pub fn new(inner: R) -> Self {
        Source { inner, offset: 0 }
    }

    /// Fills `buf` completely; end of file is reported as truncation in
    /// the part `what` names.
    pub fn fill(&mut self, buf: &mut [u8], what: &dyn Fn() -> Cut) -> Result<(), Error> {
        match self.inner.read_exact(buf) {
            Ok(()) => {
                self.offset += buf.len() as u64;
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Error::Truncated {
                cut: what(),
                at: self.offset + buf.len() as u64,
            }),
            Err(e) => Err(Error::io(
                IoContext::ReadingPart {
                    part: what(),
                    at: self.offset,
                },
                e,
            )),
        }
    }

    /// A component's input `name` that holds more bytes than were read
    /// from it (it grew while it was read) would be cut silently: an
    /// error then.
    pub fn expect_end(&mut self, name: &str) -> Result<(), Error> {
        let mut probe = [0u8; 1];
        if self.read_some(&mut probe)? != 0 {
            return Err(Error::Build(BuildProblem::Grew {
                component: name.to_string(),
            }));
        }
        Ok(())
    }

    /// Reads up to `buf.len()` bytes; returns how many (0 at end of file).
    pub fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.offset += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(IoContext::ReadingPayload { at: self.offset }, e)),
            }
        }
    }

    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads the next header block. `None` is an all-zero block (the start of
    /// the end-of-archive marker).
    pub fn header(&mut self, expecting: Section) -> Result<Option<Member>, Error> {
        let offset = self.offset;
        let mut block = [0u8; BLOCK as usize];
        self.fill(&mut block, &|| Cut::Header(expecting.clone()))?;
        parse_header(&block, offset)
    }

    /// Skips the zero padding after a member of `size` bytes; anything but
    /// zeros there is hidden data and refused.
    pub fn padding(&mut self, size: u64, member: Section) -> Result<(), Error> {
        let pad = (BLOCK - size % BLOCK) % BLOCK;
        if pad == 0 {
            return Ok(());
        }
        let offset = self.offset;
        let mut buf = [0u8; BLOCK as usize];
        let buf = &mut buf[..pad as usize];
        self.fill(buf, &|| Cut::Padding(member.clone()))?;
        if buf.iter().any(|&b| b != 0) {
            return Err(Error::Container {
                offset,
                reason: Damage::Padding(member),
            });
        }
        Ok(())
    }
}

pub(crate) fn parse_header(block: &[u8; 512], offset: u64) -> Result<Option<Member>, Error> {
    if block.iter().all(|&b| b == 0) {
        return Ok(None);
    }
    let bad = |reason: Damage| Err(Error::Container { offset, reason });
    // Checksum: the unsigned sum of the header with its checksum field read
    // as eight spaces.
    let stored = match parse_octal(&block[148..156]) {
        Some(v) => v,
        None => return bad(Damage::ChecksumField),
    };
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u64::from(b' ')
            } else {
                u64::from(b)
            }
        })
        .sum();
    if sum != stored {
        return bad(Damage::Checksum);
    }
    if &block[257..263] != b"ustar\0" || &block[263..265] != b"00" {
        return bad(Damage::NotUstar);
    }
    let name = match field_str(&block[0..100]) {
        Some(n) if !n.is_empty() => n,
        _ => return bad(Damage::NoName),
    };
    if block[345..500].iter().any(|&b| b != 0) {
        return bad(Damage::PathPrefix { member: name });
    }
    match block[156] {
        b'0' | 0 => {}
        flag => {
            return bad(Damage::NotPlainFile {
                member: name,
                kind: MemberKind::of(flag),
            })
        }
    }
    let size = match parse_number(&block[124..136]) {
        Some(s) => s,
        None => return bad(Damage::Size { member: name }),
    };
    let noncanonical = |field| Error::NonCanonicalHeader {
        offset,
        member: name.clone(),
        field,
    };
    let mtime = parse_number(&block[HeaderField::Mtime.bytes()])
        .ok_or_else(|| noncanonical(HeaderField::Mtime))?;
    // Everything the header says beyond name, size and time (mode, owner,
    // link target, bytes after the name's NUL, ...) is covered by no
    // signature: only the exact header `payload build` writes is accepted.
    let canonical = header_for(&name, size, mtime).map_err(|_| noncanonical(HeaderField::Name))?;
    let canonical = canonical.as_bytes();
    // The checksum follows from the rest: it is compared last, so the field
    // that differs is the one named.
    if let Some(field) = HeaderField::ALL
        .into_iter()
        .filter(|&f| f != HeaderField::Checksum)
        .chain([HeaderField::Checksum])
        .find(|f| block[f.bytes()] != canonical[f.bytes()])
    {
        return Err(noncanonical(field));
    }
    Ok(Some(Member {
        name,
        size,
        mtime,
        offset,
    }))
}

fn field_str(field: &[u8]) -> Option<String> {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let text = std::str::from_utf8(&field[..end]).ok()?;
    Some(text.to_string())
}

/// An octal number, NUL or space terminated, optionally space padded.
fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|&b| b != 0 && b != b' ');
    let mut value: u64 = 0;
    let mut digits = 0;
    for b in text {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        value = value.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
        digits += 1;
    }
    (digits > 0).then_some(value)
}

/// Sizes past 8 GiB (and times past 2242) do not fit eleven octal digits;
/// tar writes them in base-256 with the top bit of the first byte set.
fn parse_number(field: &[u8]) -> Option<u64> {
    if field[0] & 0x80 != 0 {
        if field[0] & 0x40 != 0 {
            return None; // negative
        }
        let mut value: u64 = u64::from(field[0] & 0x3f);
        for &b in &field[1..] {
            value = value.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        Some(value)
    } else {
        parse_octal(field)
    }
}

/// The modification time `payload build` gives every member: the payload's
/// creation time, or 0 for one before 1970.
pub(crate) fn member_mtime(created: time::OffsetDateTime) -> u64 {
    created.unix_timestamp().max(0).unsigned_abs()
}

/// A deterministic ustar header for a plain file.
pub(crate) fn header_for(name: &str, size: u64, mtime: u64) -> Result<tar::Header, Error> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)
        .map_err(|_| Error::Build(BuildProblem::MemberName { name: name.into() }))?;
    h.set_size(size);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_for(name: &str, size: u64) -> [u8; 512] {
        let h = header_for(name, size, 0).unwrap();
        let mut b = [0u8; 512];
        b.copy_from_slice(h.as_bytes());
        b
    }

    #[test]
    fn reads_what_it_writes() {
        let m = parse_header(&block_for("rootfs.img", 12345), 0)
            .unwrap()
            .unwrap();
        assert_eq!(m.name, "rootfs.img");
        assert_eq!(m.size, 12345);
    }

    #[test]
    fn large_sizes_in_base256() {
        let big = 20 * 1024 * 1024 * 1024u64;
        let m = parse_header(&block_for("rootfs.img", big), 0)
            .unwrap()
            .unwrap();
        assert_eq!(m.size, big);
    }

    #[test]
    fn refuses_links_and_devices() {
        for t in [b'1', b'2', b'3', b'4', b'5', b'6', b'x', b'L'] {
            let mut b = block_for("x", 0);
            b[156] = t;
            // Fix the checksum so only the type is wrong.
            let mut h = tar::Header::from_byte_slice(&b).clone();
            h.set_cksum();
            b.copy_from_slice(h.as_bytes());
            let err = parse_header(&b, 0).unwrap_err().to_string();
            assert!(err.contains("only plain files"), "{err}");
        }
    }

    #[test]
    fn refuses_bad_checksum_and_gnu_magic() {
        let mut b = block_for("x", 1);
        b[0] = b'y';
        assert!(parse_header(&b, 0)
            .unwrap_err()
            .to_string()
            .contains("checksum"));
        let mut h = tar::Header::new_gnu();
        h.set_path("x").unwrap();
        h.set_size(1);
        h.set_cksum();
        let mut b = [0u8; 512];
        b.copy_from_slice(h.as_bytes());
        assert!(parse_header(&b, 0)
            .unwrap_err()
            .to_string()
            .contains("ustar"));
    }

    #[test]
    fn octal_overflow_is_an_error_not_a_panic() {
        assert_eq!(parse_octal(b"77777777777777777777777777"), None);
        assert_eq!(
            parse_number(&[0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            None
        );
        assert_eq!(parse_number(&[0xc0; 12]), None);
    }
}

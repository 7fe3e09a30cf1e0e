//! The USB image's writable FAT partition: `ferry/` with the payload
//! (split into parts past FAT's 4 GiB limit), `medium.toml`, the answer
//! file and `reports/`.

use std::io::{self, Read, Seek, SeekFrom, Write};

use fat::{FixedTime, SharedDisk, Volume};

use crate::{Access, Damage, Error, MediumInfo, ANSWER_PATH, INFO_PATH, PAYLOAD_DIR, REPORTS_DIR};

/// GPT partition name of the stick's FAT partition.
pub const PARTITION_NAME: &str = "FERRY";
/// Largest answer file read.
pub const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// Logical sector sizes a stick's GPT is looked for with: the USB image
/// is built for 512-byte sectors or, for sticks that have them, 4096.
const SECTOR_SIZES: [u64; 2] = [512, 4096];

/// Find the stick's partition in a GPT disk: (start byte, length). The
/// header is at LBA 1 of 512-byte or of 4096-byte sectors.
pub fn find_partition<D: Read + Seek>(disk: &mut D) -> Result<(u64, u64), Error> {
    for ss in SECTOR_SIZES {
        let mut hdr = [0u8; 92];
        match disk
            .seek(SeekFrom::Start(ss))
            .and_then(|_| disk.read_exact(&mut hdr))
        {
            Ok(()) if &hdr[0..8] == b"EFI PART" => return find_in(disk, &hdr, ss),
            Ok(()) => {}
            // A disk shorter than the second sector size holds no table
            // of that size.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {}
            Err(e) => return Err(Error::io(Access::GptHeader)(e)),
        }
    }
    Err(Error::NoGpt)
}

/// The FERRY partition in the entries of GPT header `hdr`, in sectors of
/// `ss` bytes.
fn find_in<D: Read + Seek>(disk: &mut D, hdr: &[u8; 92], ss: u64) -> Result<(u64, u64), Error> {
    let lba = u64::from_le_bytes(hdr[72..80].try_into().unwrap_or_default());
    let count = u32::from_le_bytes(hdr[80..84].try_into().unwrap_or_default());
    let size = u32::from_le_bytes(hdr[84..88].try_into().unwrap_or_default()) as usize;
    let bad_header = || Error::Damaged(Damage::GptHeader);
    let Some(array) = lba.checked_mul(ss) else {
        return Err(bad_header());
    };
    if !(128..=1024).contains(&size) || count > 1024 {
        return Err(bad_header());
    }
    let mut entry = vec![0u8; size];
    for i in 0..u64::from(count) {
        let at = array.checked_add(i * size as u64).ok_or_else(bad_header)?;
        disk.seek(SeekFrom::Start(at))
            .and_then(|_| disk.read_exact(&mut entry))
            .map_err(Error::io(Access::GptEntries))?;
        let name: Vec<u16> = entry[56..128]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|c| *c != 0)
            .collect();
        if String::from_utf16_lossy(&name) == PARTITION_NAME {
            let first = u64::from_le_bytes(entry[32..40].try_into().unwrap_or_default());
            let last = u64::from_le_bytes(entry[40..48].try_into().unwrap_or_default());
            // The end too must be a byte offset: a slice of the stick is
            // made of start and length.
            let bytes = (last.checked_sub(first))
                .and_then(|n| n.checked_add(1))
                .and_then(|n| n.checked_mul(ss))
                .zip(first.checked_mul(ss))
                .filter(|(len, start)| start.checked_add(*len).is_some());
            let Some((len, start)) = bytes else {
                return Err(Error::Damaged(Damage::PartitionRange { first, last }));
            };
            return Ok((start, len));
        }
    }
    Err(Error::NoPartition)
}

/// The stick's FAT partition, opened read-write.
#[derive(Debug)]
pub struct Stick<D: Read + Write + Seek> {
    volume: Volume<D>,
}

impl<D: Read + Write + Seek> Stick<D> {
    /// Open the partition (a byte range of the stick, e.g. a
    /// `detect::io::Slice` from [`find_partition`]).
    pub fn open(partition: D) -> Result<Stick<D>, Error> {
        Ok(Stick {
            volume: Volume::open(partition, FixedTime::default())?,
        })
    }

    pub fn volume(&self) -> &Volume<D> {
        &self.volume
    }

    pub fn info(&self) -> Result<MediumInfo, Error> {
        MediumInfo::from_bytes(self.volume.read(INFO_PATH, MediumInfo::MAX_BYTES)?)
    }

    /// The main payload as one stream, parts joined, with its total size.
    /// The sizes are checked against `medium.toml`.
    pub fn payload(&self) -> Result<(PayloadStream<'_, D>, u64), Error> {
        let info = self.info()?;
        self.stream(&info, &info.payload)
    }

    /// The payload file `name` (one `medium.toml` lists) as one stream,
    /// with its total size.
    pub fn payload_named(&self, name: &str) -> Result<(PayloadStream<'_, D>, u64), Error> {
        let info = self.info()?;
        self.stream(&info, name)
    }

    fn stream(&self, info: &MediumInfo, name: &str) -> Result<(PayloadStream<'_, D>, u64), Error> {
        let file = info
            .payload_file(name)
            .ok_or_else(|| Error::NotFound(format!("{PAYLOAD_DIR}/{name}")))?;
        let parts = file.files();
        let listing = self.volume.list(PAYLOAD_DIR)?;
        let mut total = 0u64;
        for p in &parts {
            let (_, _, size) = listing
                .iter()
                .find(|(n, is_dir, _)| n == p && !is_dir)
                .ok_or_else(|| Error::NotFound(format!("{PAYLOAD_DIR}/{p}")))?;
            total += size;
        }
        if total != file.size {
            return Err(Error::Damaged(Damage::PartsSize {
                name: name.to_string(),
                total,
                expected: file.size,
            }));
        }
        Ok((
            PayloadStream {
                volume: &self.volume,
                parts,
                next: 0,
                current: None,
            },
            total,
        ))
    }

    /// The answer file, if the stick carries one.
    pub fn answer(&self) -> Result<Option<String>, Error> {
        if !self.volume.exists(ANSWER_PATH) {
            return Ok(None);
        }
        let bytes = self.volume.read(ANSWER_PATH, MAX_ANSWER_BYTES)?;
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::NotText {
                path: ANSWER_PATH.into(),
            })
    }

    /// Write `ferry/reports/NAME`.
    pub fn write_report(&self, name: &str, data: &[u8]) -> Result<(), Error> {
        if name.is_empty() || name.contains('/') || name.contains('\\') || name.starts_with('.') {
            return Err(Error::BadReportName { name: name.into() });
        }
        self.volume.create_dir(REPORTS_DIR)?;
        self.volume.write(&format!("{REPORTS_DIR}/{name}"), data)?;
        Ok(())
    }

    /// Flush and close the file system cleanly.
    pub fn close(self) -> Result<D, Error> {
        Ok(self.volume.close()?)
    }
}

/// The payload parts read one after the other.
pub struct PayloadStream<'a, D: Read + Write + Seek> {
    volume: &'a Volume<D>,
    parts: Vec<String>,
    next: usize,
    current: Option<fat::fatfs::File<'a, SharedDisk<D>>>,
}

impl<D: Read + Write + Seek> std::fmt::Debug for PayloadStream<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayloadStream")
            .field("parts", &self.parts)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl<D: Read + Write + Seek> Read for PayloadStream<'_, D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(f) = &mut self.current {
                let n = f.read(buf)?;
                if n > 0 || buf.is_empty() {
                    return Ok(n);
                }
                self.current = None;
            }
            let Some(part) = self.parts.get(self.next) else {
                return Ok(0);
            };
            self.next += 1;
            let path = format!("{PAYLOAD_DIR}/{part}");
            self.current = Some(
                self.volume
                    .open_file(&path)
                    .map_err(|e| io::Error::new(io::ErrorKind::NotFound, e))?,
            );
        }
    }
}

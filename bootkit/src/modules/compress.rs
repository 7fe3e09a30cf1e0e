//! Module files as packages store them: plain, zstd (Ubuntu), xz
//! (Debian 13) or gzip, decompressed with a size limit and every check the
//! format carries.

use std::path::Path;

use anyhow::{anyhow, Result};

/// How a module file is stored in the kernel package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.ko` (Debian 12)
    None,
    /// `.ko.zst` (Ubuntu 24.04)
    Zstd,
    /// `.ko.xz` (Debian 13)
    Xz,
    /// `.ko.gz`
    Gzip,
}

impl Compression {
    /// The compression of a module file by its name, and the name without
    /// the compression suffix (`ahci.ko.zst` → `ahci.ko`); `None` if the
    /// file is no kernel module.
    pub fn of(file: &str) -> Option<(Compression, &str)> {
        let (how, plain) = if let Some(p) = file.strip_suffix(".zst") {
            (Compression::Zstd, p)
        } else if let Some(p) = file.strip_suffix(".xz") {
            (Compression::Xz, p)
        } else if let Some(p) = file.strip_suffix(".gz") {
            (Compression::Gzip, p)
        } else {
            (Compression::None, file)
        };
        plain.ends_with(".ko").then_some((how, plain))
    }

    fn format(self) -> &'static str {
        match self {
            Compression::None => "uncompressed",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Gzip => "gzip",
        }
    }
}

/// Largest module accepted after decompression (the largest in Debian's
/// and Ubuntu's kernels are a few MiB, GPU drivers about 20 MiB).
const MAX_MODULE_BYTES: u64 = 256 << 20;

/// The module file `data` (read from `file`), decompressed.
pub fn decompress(data: Vec<u8>, how: Compression, file: &Path) -> Result<Vec<u8>> {
    let out = match how {
        Compression::None => return Ok(data),
        Compression::Zstd => unzstd(&data),
        Compression::Xz => unxz(&data),
        Compression::Gzip => gunzip(&data),
    };
    out.map_err(|e| {
        anyhow!(
            "{} is not a valid {}-compressed kernel module ({e}); the package \
             cache may be damaged: delete the package's directory under the \
             cache's unpacked/ (or the whole cache) and run again",
            file.display(),
            how.format()
        )
    })
}

/// Every zstd frame of `data`, decompressed; checks each frame's content
/// checksum and size where the frame has them.
fn unzstd(mut data: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    if data.is_empty() {
        return Err("the file is empty".into());
    }
    while !data.is_empty() {
        let mut dec =
            ruzstd::decoding::StreamingDecoder::new(&mut data).map_err(|e| e.to_string())?;
        let before = out.len();
        let limit = MAX_MODULE_BYTES + 1 - out.len() as u64;
        (&mut dec)
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| e.to_string())?;
        if out.len() as u64 > MAX_MODULE_BYTES {
            return Err(format!("larger than {} MiB", MAX_MODULE_BYTES >> 20));
        }
        let frame = &dec.decoder;
        if !frame.is_finished() {
            return Err("the data ends in the middle of a frame".into());
        }
        let declared = frame.content_size();
        if declared != 0 && declared != (out.len() - before) as u64 {
            return Err(format!(
                "a frame declares {declared} bytes but holds {}",
                out.len() - before
            ));
        }
        if let (Some(want), Some(got)) = (
            frame.get_checksum_from_data(),
            frame.get_calculated_checksum(),
        ) {
            if want != got {
                return Err(format!(
                    "checksum mismatch: the frame says {want:08x}, the data gives {got:08x}"
                ));
            }
        }
    }
    Ok(out)
}

/// An xz file, decompressed (lzma-rs checks the block checks, the index
/// and the footer).
fn unxz(data: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut out = Limited(Vec::new());
    lzma_rs::xz_decompress(&mut std::io::BufReader::new(data), &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out.0)
}

/// A gzip file (all members), decompressed.
fn gunzip(data: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .take(MAX_MODULE_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > MAX_MODULE_BYTES {
        return Err(format!("larger than {} MiB", MAX_MODULE_BYTES >> 20));
    }
    Ok(out)
}

/// A `Vec` that refuses to grow past [`MAX_MODULE_BYTES`].
struct Limited(Vec<u8>);

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.0.len() + buf.len()) as u64 > MAX_MODULE_BYTES {
            return Err(std::io::Error::other(format!(
                "larger than {} MiB",
                MAX_MODULE_BYTES >> 20
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::testdata::{fake_module, xz, zstd};

    #[test]
    fn compression_is_known_by_the_file_name() {
        assert_eq!(
            Compression::of("ahci.ko.zst"),
            Some((Compression::Zstd, "ahci.ko"))
        );
        assert_eq!(
            Compression::of("ahci.ko.xz"),
            Some((Compression::Xz, "ahci.ko"))
        );
        assert_eq!(
            Compression::of("ahci.ko.gz"),
            Some((Compression::Gzip, "ahci.ko"))
        );
        assert_eq!(
            Compression::of("ahci.ko"),
            Some((Compression::None, "ahci.ko"))
        );
        assert_eq!(Compression::of("modules.order"), None);
        assert_eq!(Compression::of("notes.xz"), None);
    }

    #[test]
    fn zstd_and_xz_modules_are_decompressed() {
        let m = fake_module(&["depends=", "name=ahci"]);
        let path = Path::new("ahci.ko.zst");
        assert_eq!(decompress(zstd(&m), Compression::Zstd, path).unwrap(), m);
        assert_eq!(decompress(xz(&m), Compression::Xz, path).unwrap(), m);
        assert_eq!(decompress(m.clone(), Compression::None, path).unwrap(), m);
        // Two zstd frames one after the other are one file.
        let mut two = zstd(&m[..100]);
        two.extend(zstd(&m[100..]));
        assert_eq!(decompress(two, Compression::Zstd, path).unwrap(), m);
    }

    #[test]
    fn corrupt_compressed_modules_are_refused_with_the_file_named() {
        let m = fake_module(&["depends=", "name=ahci"]);
        let path = Path::new("/cache/unpacked/x/lib/modules/6.8.0/kernel/ahci.ko.zst");
        let refused = |data: Vec<u8>, how: Compression| {
            let err = decompress(data, how, path).unwrap_err().to_string();
            assert!(err.contains("ahci.ko.zst"), "{err}");
            assert!(err.contains("cache"), "{err}");
            err
        };

        let good = zstd(&m);
        assert!(refused(good[..good.len() - 8].to_vec(), Compression::Zstd).contains("zstd"));
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        refused(flipped, Compression::Zstd);
        refused(b"hello, not zstd".to_vec(), Compression::Zstd);
        refused(Vec::new(), Compression::Zstd);

        let good = xz(&m);
        assert!(refused(good[..good.len() - 8].to_vec(), Compression::Xz).contains("xz"));
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        refused(flipped, Compression::Xz);
        refused(b"hello, not xz".to_vec(), Compression::Xz);
    }
}

//! How much room a medium needs and which discs take it: the ISO's fit
//! (CD, single-layer DVD) and the USB image's size, both from the bytes
//! as stored on the medium (a compressed payload's file size, never the
//! size of the images it unpacks to).

use serde::Serialize;

const MIB: u64 = 1 << 20;

/// A CD-R of 80 minutes holds 703 MiB; 700 MiB is what every blank
/// takes.
pub const CD_BYTES: u64 = 700 * MIB;

/// A single-layer DVD±R: 2,295,104 sectors of 2048 bytes (DVD+R, the
/// smaller of the two), the "4.7 GB" on the box.
pub const DVD_BYTES: u64 = 2_295_104 * 2048;

/// The smallest disc an ISO of some size fits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiscFit {
    /// A CD (700 MiB), so any DVD too.
    Cd,
    /// A single-layer DVD (4.7 GB), not a CD.
    Dvd,
    /// Larger than a single-layer DVD: a USB stick or a dual-layer DVD.
    TooLargeForDvd,
}

impl DiscFit {
    /// Which disc `bytes` of ISO fit on.
    pub fn of(bytes: u64) -> DiscFit {
        if bytes <= CD_BYTES {
            DiscFit::Cd
        } else if bytes <= DVD_BYTES {
            DiscFit::Dvd
        } else {
            DiscFit::TooLargeForDvd
        }
    }
}

impl std::fmt::Display for DiscFit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DiscFit::Cd => "fits a CD (700 MiB) or a DVD",
            DiscFit::Dvd => "fits a single-layer DVD (4.7 GB), not a CD (700 MiB)",
            DiscFit::TooLargeForDvd => {
                "too large for a single-layer DVD (4.7 GB): write it to a USB stick \
                 or a dual-layer DVD"
            }
        })
    }
}

/// Room left on a USB image's FAT volume beyond its files: reports,
/// an answer file written later, and the file system's own structures
/// for small images.
pub const USB_FREE: u64 = 256 * MIB;

/// The smallest USB image, in whole MiB, for files of these stored sizes
/// (boot files, payload parts): their bytes, 1/32 more for the FAT and
/// the last cluster of each file (at most 32 KiB per file of at least
/// 1 MiB, and the file allocation table's 4 bytes per 32 KiB cluster),
/// and [`USB_FREE`] (which also holds the GPT's first and last MiB).
/// `None` when the sum does not fit in 64 bits.
pub fn usb_image_size(stored: &[u64]) -> Option<u64> {
    let content = stored.iter().try_fold(0u64, |sum, &n| sum.checked_add(n))?;
    content
        .checked_add(content / 32)?
        .checked_add(USB_FREE)?
        .checked_add(MIB - 1)
        .map(|n| n / MIB * MIB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disc_fit_at_the_edges() {
        assert_eq!(DiscFit::of(0), DiscFit::Cd);
        assert_eq!(DiscFit::of(CD_BYTES), DiscFit::Cd);
        assert_eq!(DiscFit::of(CD_BYTES + 1), DiscFit::Dvd);
        assert_eq!(DiscFit::of(4_700_000_000), DiscFit::Dvd);
        assert_eq!(DiscFit::of(DVD_BYTES), DiscFit::Dvd);
        assert_eq!(DiscFit::of(DVD_BYTES + 1), DiscFit::TooLargeForDvd);
        // A raw 4 GiB root image does not fit; compressed to 0.2x it does.
        assert_eq!(DiscFit::of(4 << 30), DiscFit::Dvd);
        assert_eq!(DiscFit::of(5 << 30), DiscFit::TooLargeForDvd);
    }

    #[test]
    fn usb_image_size_from_stored_sizes() {
        // A 420 MiB compressed payload and 60 MiB of boot files.
        let size = usb_image_size(&[420 * MIB, 60 * MIB]).expect("size");
        assert_eq!(size % MIB, 0);
        assert!(size >= 480 * MIB + 480 * MIB / 32 + USB_FREE);
        assert!(size < 480 * MIB + 480 * MIB / 32 + USB_FREE + MIB);
        // Only the stored bytes count: twice as much payload, larger image.
        assert!(usb_image_size(&[840 * MIB, 60 * MIB]).expect("size") > size);
        assert_eq!(usb_image_size(&[]), Some(USB_FREE));
        assert_eq!(usb_image_size(&[u64::MAX, 1]), None);
        assert_eq!(usb_image_size(&[u64::MAX - 10]), None);
    }

    /// FAT32 with 32 KiB clusters: a file of n bytes takes n rounded up
    /// to a cluster, plus 4 bytes of table per cluster (two copies).
    #[test]
    fn the_overhead_covers_fat32() {
        let cluster = 32 * 1024u64;
        for files in [
            vec![MIB; 1],
            vec![MIB + 1; 64],
            vec![4095 * MIB, 4095 * MIB, 123],
        ] {
            let content: u64 = files.iter().sum();
            let on_disk: u64 = files
                .iter()
                .map(|n| n.div_ceil(cluster) * (cluster + 8))
                .sum();
            let size = usb_image_size(&files).expect("size");
            assert!(
                size - USB_FREE >= on_disk,
                "{content} bytes take {on_disk}, sized {size}"
            );
        }
    }
}

//! What the operating system said, in the technician's language.
//!
//! An [`io::Error`] speaks English: the C library's message with its
//! number ("No such file or directory (os error 2)"), the standard
//! library's word for its kind ("unexpected end of file"), or the words
//! of the error it carries. The screens say it from the catalog instead:
//! by the error's number when the system gave one, by its kind when the
//! standard library made it (its own message for a kind, such as a short
//! read's "failed to fill whole buffer", is said by the kind too), and through the engine's own renderings
//! when it carries one of Ferry's typed errors (a disk in use, a damaged
//! FAT, an access outside a disk or a partition, a seek before the start
//! of a FAT volume or of a file on the medium). The English catalog holds the C library's and the standard
//! library's own words, so an English screen says what the log keeps;
//! the tests check that against this machine's C library.
//!
//! A number or a kind the catalog does not name, and an error carrying
//! text of its own, are shown as they are: in French, after a sentence
//! that says it is the system's message.

use std::io::{self, ErrorKind};

use nix::errno::Errno;

use super::t;

/// The operating system's account of `e`, in this thread's language.
pub fn os_error(e: &io::Error) -> String {
    if let Some(code) = e.raw_os_error() {
        return errno(Errno::from_raw(code), code)
            .unwrap_or_else(|| t!("os-text", detail = e.to_string()));
    }
    match e.get_ref() {
        Some(inner) => carried(inner).unwrap_or_else(|| t!("os-text", detail = e.to_string())),
        None => kind(e.kind()).unwrap_or_else(|| t!("os-text", detail = e.to_string())),
    }
}

/// An error of the operating system as a report keeps it: by its number
/// when it had one, by its kind when that is its whole account, otherwise
/// its English words after a sentence that says they are the system's.
pub fn system_error(e: &detect::SystemError) -> String {
    match (e.errno, e.error_kind) {
        (Some(code), _) => os_error(&io::Error::from_raw_os_error(code)),
        (None, Some(k)) => kind(k.io()).unwrap_or_else(|| t!("os-text", detail = e.cause.as_str())),
        (None, None) => t!("os-text", detail = e.cause.as_str()),
    }
}

/// One of Ferry's typed errors carried inside an [`io::Error`].
fn carried(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<String> {
    if let Some(busy) = inner.downcast_ref::<blockdev::InUse>() {
        return Some(t!("os-in-use", path = busy.path.display().to_string()));
    }
    if let Some(b) = inner.downcast_ref::<blockdev::Bound>() {
        return Some(bound(b));
    }
    if let Some(fat) = inner.downcast_ref::<fat::Error>() {
        return Some(super::engine::fat(fat));
    }
    if let Some(medium) = inner.downcast_ref::<medium::Error>() {
        return Some(super::engine::medium(medium));
    }
    None
}

/// An access refused because it falls outside a disk or a partition.
fn bound(b: &blockdev::Bound) -> String {
    use blockdev::Bound as B;
    match b {
        B::RangeOverflow { start, len } => t!(
            "os-bound-range-overflow",
            start = start.to_string(),
            len = len.to_string()
        ),
        B::SeekBeforeStart => t!("os-bound-seek-before-start"),
        B::WritePastPartitionEnd { at, len } => t!(
            "os-bound-write-past-partition-end",
            at = at.to_string(),
            len = len.to_string()
        ),
        B::PastDiskEnd { start, end } => t!(
            "os-bound-past-disk-end",
            start = start.to_string(),
            end = end.to_string()
        ),
        B::EndedEarly { at, start, end } => t!(
            "os-bound-ended-early",
            at = at.to_string(),
            start = start.to_string(),
            end = end.to_string()
        ),
        B::SectorSize { size } => t!("os-bound-sector-size", size = size.to_string()),
        B::ReadOnly => t!("os-bound-read-only"),
    }
}

/// The catalog's words for an error number, `None` for a number it does
/// not name.
fn errno(e: Errno, code: i32) -> Option<String> {
    let code = code.to_string();
    Some(match e {
        Errno::EPERM => t!("os-eperm", code = code),
        Errno::ENOENT => t!("os-enoent", code = code),
        Errno::EINTR => t!("os-eintr", code = code),
        Errno::EIO => t!("os-eio", code = code),
        Errno::ENXIO => t!("os-enxio", code = code),
        Errno::EBADF => t!("os-ebadf", code = code),
        Errno::EAGAIN => t!("os-eagain", code = code),
        Errno::ENOMEM => t!("os-enomem", code = code),
        Errno::EACCES => t!("os-eacces", code = code),
        Errno::ENOTBLK => t!("os-enotblk", code = code),
        Errno::EBUSY => t!("os-ebusy", code = code),
        Errno::EEXIST => t!("os-eexist", code = code),
        Errno::EXDEV => t!("os-exdev", code = code),
        Errno::ENODEV => t!("os-enodev", code = code),
        Errno::ENOTDIR => t!("os-enotdir", code = code),
        Errno::EISDIR => t!("os-eisdir", code = code),
        Errno::EINVAL => t!("os-einval", code = code),
        Errno::EMFILE => t!("os-emfile", code = code),
        Errno::ENOTTY => t!("os-enotty", code = code),
        Errno::ETXTBSY => t!("os-etxtbsy", code = code),
        Errno::EFBIG => t!("os-efbig", code = code),
        Errno::ENOSPC => t!("os-enospc", code = code),
        Errno::ESPIPE => t!("os-espipe", code = code),
        Errno::EROFS => t!("os-erofs", code = code),
        Errno::EPIPE => t!("os-epipe", code = code),
        Errno::ENAMETOOLONG => t!("os-enametoolong", code = code),
        Errno::ENOLCK => t!("os-enolck", code = code),
        Errno::ENOSYS => t!("os-enosys", code = code),
        Errno::ENOTEMPTY => t!("os-enotempty", code = code),
        Errno::ELOOP => t!("os-eloop", code = code),
        Errno::ENODATA => t!("os-enodata", code = code),
        Errno::EBADMSG => t!("os-ebadmsg", code = code),
        Errno::EOVERFLOW => t!("os-eoverflow", code = code),
        Errno::EOPNOTSUPP => t!("os-eopnotsupp", code = code),
        Errno::ETIMEDOUT => t!("os-etimedout", code = code),
        Errno::EUCLEAN => t!("os-euclean", code = code),
        Errno::EREMOTEIO => t!("os-eremoteio", code = code),
        Errno::EDQUOT => t!("os-edquot", code = code),
        Errno::ENOMEDIUM => t!("os-enomedium", code = code),
        Errno::EMEDIUMTYPE => t!("os-emediumtype", code = code),
        Errno::ECANCELED => t!("os-ecanceled", code = code),
        _ => return None,
    })
}

/// The catalog's words for an error the standard library made without a
/// number (a short read, a write of nothing), `None` for a kind it does
/// not name.
fn kind(k: ErrorKind) -> Option<String> {
    use detect::system::Kind as K;
    Some(match K::of(k)? {
        K::NotFound => t!("os-kind-not-found"),
        K::PermissionDenied => t!("os-kind-permission-denied"),
        K::AlreadyExists => t!("os-kind-already-exists"),
        K::WouldBlock => t!("os-kind-would-block"),
        K::NotADirectory => t!("os-kind-not-a-directory"),
        K::IsADirectory => t!("os-kind-is-a-directory"),
        K::DirectoryNotEmpty => t!("os-kind-directory-not-empty"),
        K::ReadOnlyFilesystem => t!("os-kind-read-only-filesystem"),
        K::StorageFull => t!("os-kind-storage-full"),
        K::FileTooLarge => t!("os-kind-file-too-large"),
        K::ResourceBusy => t!("os-kind-resource-busy"),
        K::InvalidInput => t!("os-kind-invalid-input"),
        K::InvalidData => t!("os-kind-invalid-data"),
        K::TimedOut => t!("os-kind-timed-out"),
        K::WriteZero => t!("os-kind-write-zero"),
        K::Interrupted => t!("os-kind-interrupted"),
        K::Unsupported => t!("os-kind-unsupported"),
        K::UnexpectedEof => t!("os-kind-unexpected-eof"),
        K::OutOfMemory => t!("os-kind-out-of-memory"),
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::l10n::{in_lang, Lang};

    /// Every error number the catalog names, from the C library's
    /// constants (not from the catalog, so a forgotten arm shows).
    const NAMED: [i32; 41] = {
        use nix::libc::*;
        [
            EPERM,
            ENOENT,
            EINTR,
            EIO,
            ENXIO,
            EBADF,
            EAGAIN,
            ENOMEM,
            EACCES,
            ENOTBLK,
            EBUSY,
            EEXIST,
            EXDEV,
            ENODEV,
            ENOTDIR,
            EISDIR,
            EINVAL,
            EMFILE,
            ENOTTY,
            ETXTBSY,
            EFBIG,
            ENOSPC,
            ESPIPE,
            EROFS,
            EPIPE,
            ENAMETOOLONG,
            ENOLCK,
            ENOSYS,
            ENOTEMPTY,
            ELOOP,
            ENODATA,
            EBADMSG,
            EOVERFLOW,
            EOPNOTSUPP,
            ETIMEDOUT,
            EUCLEAN,
            EREMOTEIO,
            EDQUOT,
            ENOMEDIUM,
            EMEDIUMTYPE,
            ECANCELED,
        ]
    };

    fn both(e: &io::Error) -> (String, String) {
        (
            in_lang(Lang::En, || os_error(e)),
            in_lang(Lang::Fr, || os_error(e)),
        )
    }

    #[test]
    fn english_says_what_the_c_library_says_and_french_says_it_in_french() {
        for code in NAMED {
            let e = io::Error::from_raw_os_error(code);
            let (en, fr) = both(&e);
            assert_eq!(en, e.to_string(), "error {code}");
            assert_ne!(fr, en, "error {code} is not in French");
            assert!(fr.ends_with(&format!("(erreur système {code})")), "{fr}");
        }
    }

    #[test]
    fn english_says_the_standard_library_kinds_and_french_says_them_in_french() {
        for (_, k) in detect::system::Kind::all() {
            let e = io::Error::from(k);
            let (en, fr) = both(&e);
            assert_eq!(en, e.to_string(), "{k:?}");
            assert_ne!(fr, en, "{k:?} is not in French");
        }
    }

    #[test]
    fn a_number_the_catalog_does_not_name_is_shown_with_the_system_words() {
        let e = io::Error::from_raw_os_error(nix::libc::EPROTO);
        let (en, fr) = both(&e);
        assert_eq!(en, e.to_string());
        assert_eq!(fr, format!("message du système : {e}"));
    }

    #[test]
    fn a_reports_system_error_is_said_by_its_number_or_its_kind() {
        let said = |e: &io::Error| {
            let kept = detect::SystemError::from(e);
            (
                in_lang(Lang::En, || system_error(&kept)),
                in_lang(Lang::Fr, || system_error(&kept)),
            )
        };
        let (en, fr) = said(&io::Error::from_raw_os_error(5));
        assert_eq!(en, io::Error::from_raw_os_error(5).to_string());
        assert_eq!(fr, "erreur d'entrée-sortie (erreur système 5)");
        let short = io::Error::from(ErrorKind::UnexpectedEof);
        let (en, fr) = said(&short);
        assert_eq!(en, short.to_string());
        assert_eq!(fr, "fin de fichier inattendue");
        let (en, fr) = said(&io::Error::new(ErrorKind::InvalidData, "invalid BPB"));
        assert_eq!(en, "invalid BPB");
        assert_eq!(fr, "message du système : invalid BPB");
    }

    #[test]
    fn an_error_carrying_its_own_words_keeps_them_and_says_so_in_french() {
        let e = io::Error::other("the writer stopped");
        let (en, fr) = both(&e);
        assert_eq!(en, "the writer stopped");
        assert_eq!(fr, "message du système : the writer stopped");
    }

    #[test]
    fn a_disk_in_use_a_damaged_fat_and_a_bad_seek_are_said_by_their_facts() {
        let busy = io::Error::new(
            ErrorKind::ResourceBusy,
            blockdev::InUse {
                path: PathBuf::from("/dev/sda"),
            },
        );
        let (en, fr) = both(&busy);
        assert_eq!(en, busy.to_string());
        assert!(fr.starts_with("/dev/sda est utilisé"), "{fr}");

        let loops = io::Error::new(
            ErrorKind::InvalidData,
            fat::Error::ChainLoop {
                cluster: 5,
                next: 3,
            },
        );
        let (en, fr) = both(&loops);
        assert_eq!(en, loops.to_string());
        assert_ne!(fr, en);

        // What the FAT and ISO readers refuse inside the io::Error that
        // fatfs and a payload's reader see.
        let fat = io::Error::new(ErrorKind::InvalidInput, fat::Error::SeekBeforeStart);
        let (en, fr) = both(&fat);
        assert_eq!(en, fat.to_string());
        assert_eq!(fr, "déplacement demandé avant le début du disque");
        let iso = io::Error::new(ErrorKind::InvalidInput, medium::Error::SeekBeforeStart);
        let (en, fr) = both(&iso);
        assert_eq!(en, iso.to_string());
        assert_eq!(fr, "déplacement demandé avant le début du fichier");
    }

    #[test]
    fn an_access_outside_a_disk_is_said_by_its_facts() {
        use blockdev::Bound as B;
        for b in [
            B::RangeOverflow { start: 1, len: 2 },
            B::SeekBeforeStart,
            B::WritePastPartitionEnd { at: 8, len: 8 },
            B::PastDiskEnd { start: 4, end: 9 },
            B::EndedEarly {
                at: 5,
                start: 0,
                end: 9,
            },
            B::SectorSize { size: 520 },
            B::ReadOnly,
        ] {
            let e = b.clone().into_io();
            let (en, fr) = both(&e);
            assert_eq!(en, e.to_string(), "{b:?}");
            assert_ne!(fr, en, "{b:?} is not in French");
        }
    }
}

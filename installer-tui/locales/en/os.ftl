# What the operating system said (l10n/os.rs): the C library's messages
# with their number, the standard library's words for an error's kind.
# English keeps their own words, as the log does.

## By error number

os-eperm = Operation not permitted (os error { $code })
os-enoent = No such file or directory (os error { $code })
os-eintr = Interrupted system call (os error { $code })
os-eio = Input/output error (os error { $code })
os-enxio = No such device or address (os error { $code })
os-ebadf = Bad file descriptor (os error { $code })
os-eagain = Resource temporarily unavailable (os error { $code })
os-enomem = Cannot allocate memory (os error { $code })
os-eacces = Permission denied (os error { $code })
os-enotblk = Block device required (os error { $code })
os-ebusy = Device or resource busy (os error { $code })
os-eexist = File exists (os error { $code })
os-exdev = Invalid cross-device link (os error { $code })
os-enodev = No such device (os error { $code })
os-enotdir = Not a directory (os error { $code })
os-eisdir = Is a directory (os error { $code })
os-einval = Invalid argument (os error { $code })
os-emfile = Too many open files (os error { $code })
os-enotty = Inappropriate ioctl for device (os error { $code })
os-etxtbsy = Text file busy (os error { $code })
os-efbig = File too large (os error { $code })
os-enospc = No space left on device (os error { $code })
os-espipe = Illegal seek (os error { $code })
os-erofs = Read-only file system (os error { $code })
os-epipe = Broken pipe (os error { $code })
os-enametoolong = File name too long (os error { $code })
os-enolck = No locks available (os error { $code })
os-enosys = Function not implemented (os error { $code })
os-enotempty = Directory not empty (os error { $code })
os-eloop = Too many levels of symbolic links (os error { $code })
os-enodata = No data available (os error { $code })
os-ebadmsg = Bad message (os error { $code })
os-eoverflow = Value too large for defined data type (os error { $code })
os-eopnotsupp = Operation not supported (os error { $code })
os-etimedout = Connection timed out (os error { $code })
os-euclean = Structure needs cleaning (os error { $code })
os-eremoteio = Remote I/O error (os error { $code })
os-edquot = Disk quota exceeded (os error { $code })
os-enomedium = No medium found (os error { $code })
os-emediumtype = Wrong medium type (os error { $code })
os-ecanceled = Operation canceled (os error { $code })
os-text = { $detail }
os-in-use = { $path } is in use: it or a partition of it is mounted or used by the running system (swap, LVM, RAID); nothing was written

## By kind

os-kind-not-found = entity not found
os-kind-permission-denied = permission denied
os-kind-already-exists = entity already exists
os-kind-would-block = operation would block
os-kind-not-a-directory = not a directory
os-kind-is-a-directory = is a directory
os-kind-directory-not-empty = directory not empty
os-kind-read-only-filesystem = read-only filesystem or storage medium
os-kind-storage-full = no storage space
os-kind-file-too-large = file too large
os-kind-resource-busy = resource busy
os-kind-invalid-input = invalid input parameter
os-kind-invalid-data = invalid data
os-kind-timed-out = timed out
os-kind-write-zero = write zero
os-kind-interrupted = operation interrupted
os-kind-unsupported = unsupported
os-kind-unexpected-eof = unexpected end of file
os-kind-out-of-memory = out of memory

## An access refused outside a disk or a partition

os-bound-range-overflow = the range of { $len } bytes at byte { $start } ends past the largest byte offset
os-bound-seek-before-start = a seek before the start of the device or partition
os-bound-write-past-partition-end = a write past the end of the partition (at byte { $at } of { $len })
os-bound-past-disk-end = bytes { $start }..{ $end } are past the end of the disk
os-bound-ended-early = the disk ended at byte { $at }, before the range { $start }..{ $end } read back
os-bound-sector-size = the device reports sectors of { $size } bytes
os-bound-read-only = the disk is opened read-only for detection; nothing was written

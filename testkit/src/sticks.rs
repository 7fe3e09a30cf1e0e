//! Ferry USB sticks as image files: a GPT with one partition named FERRY
//! holding a FAT32 volume (made by mkfs.fat and mtools) with
//! `ferry/medium.toml` and a small payload.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::MIB;
/// Where the FAT partition starts, in bytes.
pub const PARTITION_START: u64 = MIB;
const FAT_MIB: u64 = 40;

fn run(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} (Debian packages dosfstools, mtools, gdisk): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `medium.toml` of a stick with this id.
pub fn medium_toml(id: &str, payload_size: usize) -> String {
    format!(
        "format = 1\nid = \"{id}\"\nlabel = \"FERRY\"\nkind = \"usb\"\n\
         product = \"engine\"\nversion = \"4.2.0\"\npayload = \"engine.upg\"\n\
         payload_size = {payload_size}\ncmdline = \"quiet ferry.medium={id}\"\n\
         created = \"2025-03-01T10:00:00Z\"\n"
    )
}

/// Writes the stick image `dir/name` whose `medium.toml` says `id`.
pub fn stick(dir: &Path, name: &str, id: &str) -> PathBuf {
    let payload = vec![0x5Au8; 4 * 512];
    let fat = dir.join(format!("{name}.fat"));
    let f = std::fs::File::create(&fat).expect("create the FAT image");
    f.set_len(FAT_MIB * MIB).expect("size the FAT image");
    drop(f);
    let p = fat.to_str().expect("utf-8 path");
    run("mkfs.fat", &["-F", "32", "-n", "FERRY", p]);
    run("mmd", &["-i", p, "::/ferry"]);
    for (dest, data) in [
        (
            "ferry/medium.toml",
            medium_toml(id, payload.len()).into_bytes(),
        ),
        ("ferry/engine.upg", payload),
    ] {
        let src = dir.join(format!("{name}.file"));
        std::fs::write(&src, data).expect("write");
        run(
            "mcopy",
            &["-i", p, src.to_str().expect("utf-8"), &format!("::/{dest}")],
        );
    }

    let img = dir.join(name);
    let f = std::fs::File::create(&img).expect("create the stick image");
    f.set_len(PARTITION_START + FAT_MIB * MIB + MIB)
        .expect("size the stick image");
    drop(f);
    let i = img.to_str().expect("utf-8 path");
    let first = PARTITION_START / 512;
    let last = first + FAT_MIB * MIB / 512 - 1;
    run(
        "sgdisk",
        &[
            &format!("--new=1:{first}:{last}"),
            "--typecode=1:0700",
            "--change-name=1:FERRY",
            i,
        ],
    );
    let mut bytes = std::fs::read(&img).expect("read the stick image");
    let start = PARTITION_START as usize;
    let fat_bytes = std::fs::read(&fat).expect("read the FAT image");
    bytes[start..start + fat_bytes.len()].copy_from_slice(&fat_bytes);
    std::fs::write(&img, bytes).expect("write the stick image");
    img
}

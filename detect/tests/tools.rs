//! Detection of layouts made by the real tools: sgdisk, mkfs.fat, mtools.
//! A missing tool fails the test naming the Debian package to install.

mod common;

use common::*;
use detect::gpt::GptCopy;
use detect::layout::{self, Slot};
use detect::{detect_path, Content, Foreign, IssueKind, PartitionTable};

/// A Ferry layout made with sgdisk, FAT made with mkfs.fat, files copied
/// with mcopy: what the install engine writes must look like this.
#[test]
fn ferry_install_made_by_tools() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("disk.img");
    drop(create_sparse(&img, 60 * MIB));
    let esp_type = format!("1:{}", layout::ESP_TYPE);
    let root_type_a = format!("2:{}", layout::ROOT_X86_64_TYPE);
    let root_type_b = format!("3:{}", layout::ROOT_X86_64_TYPE);
    let config_type = format!("4:{}", layout::CONFIG_TYPE);
    let data_type = format!("5:{}", layout::DATA_TYPE);
    sgdisk(
        &img,
        &[
            "-n",
            "1:2048:+40M",
            "-t",
            &esp_type,
            "-c",
            "1:ferry-esp",
            "-n",
            "2:0:+2M",
            "-t",
            &root_type_a,
            "-c",
            "2:ferry-root-a",
            "-n",
            "3:0:+2M",
            "-t",
            &root_type_b,
            "-c",
            "3:ferry-root-b",
            "-n",
            "4:0:+8M",
            "-t",
            &config_type,
            "-c",
            "4:ferry-config",
            "-n",
            "5:0:0",
            "-t",
            &data_type,
            "-c",
            "5:ferry-data",
        ],
    );
    let esp = dir.path().join("esp.img");
    mkfs_fat_image(
        &esp,
        40,
        "FERRY-ESP",
        true,
        &["loader", "loader/entries"],
        &[
            ("loader/loader.conf", "timeout 3\ndefault ferry-*\n"),
            ("loader/entries/ferry-1-a.conf", "title Engine 4.2.0\n"),
        ],
    );
    let conf = dir.path().join("conf.img");
    mkfs_fat_image(
        &conf,
        8,
        "FERRY-CONF",
        false,
        &["config", "config/a", "reports"],
        &[("state.toml", STATE_A_GOOD)],
    );
    let r = detect_path(&img);
    splice(&img, partition_start(&r, "ferry-esp"), &esp);
    splice(&img, partition_start(&r, "ferry-config"), &conf);

    let r = detect_path(&img);
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    let f = r.ferry().expect("ferry");
    assert_eq!(f.product.as_deref(), Some("engine"));
    assert_eq!(f.boot_default, Some(Slot::A));
    assert!(f.slot(Slot::A).is_some_and(|s| s.config_dir));
    let esp_fs = r.partitions[0].filesystem.as_ref().expect("fs");
    assert_eq!(
        (esp_fs.kind.as_str(), esp_fs.label.as_deref()),
        ("FAT32", Some("FERRY-ESP"))
    );
}

/// A Windows disk: EFI, Microsoft reserved, basic data (NTFS), recovery.
#[test]
fn foreign_windows_gpt() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("win.img");
    drop(create_sparse(&img, 80 * MIB));
    sgdisk(
        &img,
        &[
            "-n",
            "1:2048:+40M",
            "-t",
            "1:EF00",
            "-c",
            "1:EFI system partition",
            "-n",
            "2:0:+16M",
            "-t",
            "2:0C01",
            "-c",
            "2:Microsoft reserved partition",
            "-n",
            "3:0:+16M",
            "-t",
            "3:0700",
            "-c",
            "3:Basic data partition",
            "-n",
            "4:0:0",
            "-t",
            "4:2700",
            "-c",
            "4:Recovery",
        ],
    );
    let esp = dir.path().join("esp.img");
    mkfs_fat_image(&esp, 40, "SYSTEM", true, &["EFI", "EFI/Microsoft"], &[]);
    let r = detect_path(&img);
    splice(&img, partition_start(&r, "EFI system partition"), &esp);
    poke(
        &img,
        partition_start(&r, "Basic data partition") + 3,
        b"NTFS    ",
    );

    let r = detect_path(&img);
    assert!(r.issues.is_empty(), "{:#?}", r.issues);
    let names: Vec<&str> = r
        .partitions
        .iter()
        .filter_map(|p| p.type_name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            "EFI System",
            "Microsoft reserved",
            "Microsoft basic data",
            "Windows recovery"
        ]
    );
    assert_eq!(
        r.partitions[2].filesystem.as_ref().map(|f| f.kind.as_str()),
        Some("NTFS")
    );
    assert_eq!(
        r.partitions[0]
            .filesystem
            .as_ref()
            .and_then(|f| f.label.as_deref()),
        Some("SYSTEM")
    );
    let Content::Foreign { looks_like, found } = &r.content else {
        panic!("expected foreign, got {:?}", r.content)
    };
    assert_eq!(looks_like, &["Windows"]);
    assert_eq!(
        found,
        &Foreign::Partitions {
            count: 4,
            systems: vec!["Windows".into()]
        }
    );
    assert_eq!(found.to_string(), "4 partition(s), looks like Windows");
}

/// A Linux disk: ESP, root (ext4 superblock), swap.
#[test]
fn foreign_linux_gpt() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("linux.img");
    drop(create_sparse(&img, 20 * MIB));
    sgdisk(
        &img,
        &[
            "-n",
            "1:2048:+4M",
            "-t",
            "1:EF00",
            "-n",
            "2:0:+8M",
            "-t",
            "2:8304",
            "-n",
            "3:0:0",
            "-t",
            "3:8200",
        ],
    );
    let r = detect_path(&img);
    let root = r.partitions[1].start;
    poke(&img, root + 1024 + 56, &[0x53, 0xEF]);
    poke(&img, root + 1024 + 120, b"debian-root");
    let r = detect_path(&img);
    let names: Vec<&str> = r
        .partitions
        .iter()
        .filter_map(|p| p.type_name.as_deref())
        .collect();
    assert_eq!(names, ["EFI System", "Linux root (x86-64)", "Linux swap"]);
    assert_eq!(
        r.partitions[1]
            .filesystem
            .as_ref()
            .and_then(|f| f.label.as_deref()),
        Some("debian-root")
    );
    assert!(matches!(&r.content, Content::Foreign { looks_like, .. } if looks_like == &["Linux"]));
}

/// MBR only: made by converting an sgdisk GPT with `sgdisk --gpttombr`,
/// with a mkfs.fat FAT inside.
#[test]
fn mbr_only_disk() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("mbr.img");
    drop(create_sparse(&img, 20 * MIB));
    sgdisk(
        &img,
        &[
            "-n",
            "1:2048:+8M",
            "-t",
            "1:0700",
            "-n",
            "2:0:0",
            "-t",
            "2:8300",
        ],
    );
    sgdisk(&img, &["--gpttombr=1:2"]);
    let fat = dir.path().join("fat.img");
    mkfs_fat_image(&fat, 8, "USBDATA", false, &[], &[]);
    splice(&img, MIB, &fat);
    let r = detect_path(&img);
    assert_eq!(r.table, PartitionTable::Mbr, "{:#?}", r);
    assert_eq!(r.partitions.len(), 2);
    assert_eq!(r.partitions[0].start, MIB);
    assert_eq!(r.partitions[0].type_id, "0x07");
    assert_eq!(r.partitions[1].type_name.as_deref(), Some("Linux"));
    assert_eq!(
        r.partitions[0]
            .filesystem
            .as_ref()
            .and_then(|f| f.label.as_deref()),
        Some("USBDATA")
    );
    assert!(matches!(r.content, Content::Foreign { .. }));
}

/// A whole-disk FAT file system (a "superfloppy" USB stick): no table.
#[test]
fn unpartitioned_fat_stick() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("stick.img");
    mkfs_fat_image(&img, 8, "STICK", false, &[], &[]);
    let r = detect_path(&img);
    assert_eq!(r.table, PartitionTable::None);
    let Content::Foreign { found, .. } = &r.content else {
        panic!("expected foreign, got {:?}", r.content)
    };
    assert_eq!(
        found,
        &Foreign::WholeDisk {
            signatures: r.signatures.clone(),
            table: None
        }
    );
    let summary = found.to_string();
    assert!(
        summary.contains("FAT") && summary.contains("STICK"),
        "{summary}"
    );
}

/// sgdisk's primary header zapped: the backup is used and the damage named.
#[test]
fn damaged_primary_gpt_made_by_sgdisk() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("disk.img");
    drop(create_sparse(&img, 20 * MIB));
    sgdisk(
        &img,
        &[
            "-n",
            "1:2048:+4M",
            "-t",
            "1:EF00",
            "-n",
            "2:0:0",
            "-t",
            "2:0700",
        ],
    );
    poke(&img, 512 + 24, &[0xFF; 8]);
    let r = detect_path(&img);
    assert!(
        matches!(
            r.table,
            PartitionTable::Gpt {
                used: GptCopy::Backup,
                ..
            }
        ),
        "{:?}",
        r.table
    );
    assert_eq!(kinds(&r), [IssueKind::PrimaryGptDamaged]);
    assert!(
        r.issues[0].message().contains("checksum"),
        "{}",
        r.issues[0].message()
    );
    assert_eq!(r.partitions.len(), 2);
}

/// What our own writer (the gpt crate, as the install engine uses it)
/// produces passes sgdisk's verification, and mtools reads its FAT.
#[test]
fn our_writer_passes_sgdisk_verify() {
    let dir = tempfile::tempdir().expect("tmp");
    let img = dir.path().join("disk.img");
    build_ferry_image(&img, &FerrySetup::default());
    let out = std::process::Command::new(tool("sgdisk", "gdisk"))
        .args(["-v", img.to_str().expect("utf-8")])
        .output()
        .expect("run sgdisk");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No problems found"), "{text}");
    let r = detect_path(&img);
    let config = partition_start(&r, "ferry-config");
    let conf = dir.path().join("conf.img");
    let data = std::fs::read(&img).expect("read");
    std::fs::write(
        &conf,
        &data[config as usize..config as usize + 4 * MIB as usize],
    )
    .expect("write");
    let out = std::process::Command::new(tool("mtype", "mtools"))
        .args(["-i", conf.to_str().expect("utf-8"), "::/state.toml"])
        .output()
        .expect("run mtype");
    assert_eq!(String::from_utf8_lossy(&out.stdout), STATE_A_GOOD);
}

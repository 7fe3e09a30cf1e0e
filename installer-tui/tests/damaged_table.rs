//! `installer-tui detect`, `plan` and `apply` on disks whose GPT passes its
//! checksums but lists partitions that overlap, run past the disk, start at
//! sector 2^55, end before they start or lie on the table itself: detect
//! calls the table damaged, plan and apply refuse the upgrade with the
//! partitions named, and the image is byte for byte what it was.

use std::path::Path;
use std::process::{Command, Output};

use testkit::gpt::{lbas, sectors, set_lbas};
use testkit::{engine::*, image::*};

const BIN: &str = env!("CARGO_BIN_EXE_installer-tui");

fn cli(args: &[&str], upg: &Path, key: &Path, disk: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--payload")
        .arg(upg)
        .arg("--trust")
        .arg(key)
        .arg("--disk")
        .arg(disk)
        .arg("--boot-loader")
        .arg(boot_loader())
        .env_remove("FERRY_FAULT_STOP_AFTER")
        .output()
        .expect("run installer-tui")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A damage: what it is, how it is made, and what the messages name.
type Damage = (&'static str, fn(&Path), &'static str);

fn sha(path: &Path) -> String {
    hash_range(path, 0, std::fs::metadata(path).expect("image").len())
}

#[test]
fn detect_plan_and_apply_on_damaged_tables() {
    let Upgradable {
        base,
        upg,
        key,
        work,
        dir: _dir,
        ..
    } = upgradable();

    let damages: [Damage; 5] = [
        (
            "root a reaches into root b",
            |p| {
                let (a, b) = (lbas(p, 2), lbas(p, 3));
                set_lbas(p, 2, a.0, b.0 + 100);
            },
            "partitions 2 (ferry-root-a, sectors",
        ),
        (
            "data past the end of the disk",
            |p| {
                let d = lbas(p, 5);
                set_lbas(p, 5, d.0, sectors(p) + 2048);
            },
            "runs past the end of the disk",
        ),
        (
            "root b at sector 2^55",
            |p| set_lbas(p, 3, 1 << 55, (1 << 55) + 16383),
            "sectors 36028797018963968 to",
        ),
        (
            "root b ends before it starts",
            |p| {
                let b = lbas(p, 3);
                set_lbas(p, 3, b.0, b.0 - 1);
            },
            "ends before it starts",
        ),
        (
            "root b on the entry array",
            |p| {
                let b = lbas(p, 3);
                set_lbas(p, 3, 2, b.1);
            },
            "lies outside sectors 34 to",
        ),
    ];
    for (what, edit, named) in damages {
        copy(&base, &work);
        edit(&work);
        let image = sha(&work);

        let out = Command::new(BIN)
            .arg("detect")
            .arg(&work)
            .output()
            .expect("detect");
        assert!(out.status.success(), "{what}: {}", text(&out));
        let report = text(&out);
        assert!(
            report.contains("Partition table: GPT, damaged (see the problems)")
                && report.contains(named),
            "{what}: {report}"
        );

        for args in [
            &["plan", "--action", "upgrade"][..],
            &["apply", "--action", "upgrade", "--yes"],
            &["apply", "--yes"],
        ] {
            let out = cli(args, &upg, &key, &work);
            let said = text(&out);
            assert!(!out.status.success(), "{what}: {args:?}: {said}");
            assert!(
                said.contains("is damaged") && said.contains(named),
                "{what}: {args:?}: {said}"
            );
            assert!(said.contains("wipe and reinstall"), "{what}: {said}");
        }
        assert_eq!(sha(&work), image, "{what}: the image changed");

        // Wipe and reinstall is planned, and says what it replaces.
        let out = cli(
            &["plan", "--action", "wipe", "--layout-mib", "40,8,36,4"],
            &upg,
            &key,
            &work,
        );
        assert!(out.status.success(), "{what}: {}", text(&out));
        assert!(
            text(&out).contains("the partition table is damaged"),
            "{what}: {}",
            text(&out)
        );
        assert_eq!(sha(&work), image, "{what}: plan changed the image");
    }
}

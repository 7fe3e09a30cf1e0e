//! `installer-tui detect` as a technician runs it.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_installer-tui"))
        .args(args)
        .output()
        .expect("run installer-tui");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn detect_prints_text_and_json() {
    let dir = std::env::temp_dir().join(format!("installer-tui-detect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let blank = dir.join("blank.img");
    std::fs::File::create(&blank)
        .and_then(|f| f.set_len(2 << 20))
        .expect("image");
    let path = blank.to_str().expect("utf-8");

    let (ok, text, err) = run(&["detect", path]);
    assert!(ok, "{err}");
    assert!(
        text.contains("2.0 MiB") && text.contains("Content: blank"),
        "{text}"
    );

    let (ok, json, err) = run(&["detect", "--json", path]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["format"], detect::REPORT_FORMAT);
    assert_eq!(v["disks"][0]["content"]["kind"], "blank");
    assert_eq!(v["disks"][0]["size"], 2 << 20);
    let reports = detect::Reports::from_json(&json).expect("reads back");
    assert!(matches!(reports.disks[0].content, detect::Content::Blank));
    let _ = std::fs::remove_dir_all(dir);
}

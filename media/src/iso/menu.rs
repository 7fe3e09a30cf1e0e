//! The boot menus of the media: one entry per language the installer
//! speaks, English first and the default. isolinux's (BIOS boot of the
//! ISO) and systemd-boot's (UEFI boot of the ISO and of the USB image)
//! carry the same entries; the French one adds `ferry.lang=fr` to the
//! kernel command line (docs/boot-parameters.md, docs/media.md).

/// A language a boot menu offers.
#[derive(Debug, Clone, Copy)]
pub struct Language {
    /// `ferry.lang=` value; empty for the default (English, no parameter).
    pub code: &'static str,
    /// The entry's title, from the product and its version.
    title: fn(&str, &str) -> String,
}

impl Language {
    /// The kernel parameter selecting this language, if any.
    pub fn param(&self) -> Option<String> {
        (!self.code.is_empty()).then(|| format!("ferry.lang={}", self.code))
    }

    /// The entry's title for `product` `version`.
    pub fn title(&self, product: &str, version: &str) -> String {
        (self.title)(product, version)
    }

    /// The kernel command line of this entry.
    pub fn cmdline(&self, cmdline: &str) -> String {
        match self.param() {
            Some(p) => format!("{cmdline} {p}"),
            None => cmdline.to_string(),
        }
    }
}

/// The languages of the menus, the default first.
pub const LANGUAGES: [Language; 2] = [
    Language {
        code: "",
        title: |p, v| format!("Install or upgrade {p} {v}"),
    },
    Language {
        code: "fr",
        title: |p, v| format!("Installer ou mettre à jour {p} {v} (français)"),
    },
];

/// isolinux's menu module and the library it needs, in the kit's
/// `isolinux/`; without them the ISO boots the default entry at once.
pub use bootkit::kit::MENU_MODULES;

/// Text for isolinux's menu: the VGA card's code page 437 (é, à, ç are
/// there); a character it lacks becomes `?`.
fn cp437(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            ' '..='~' | '\n' => c as u8,
            'ç' => 0x87,
            'é' => 0x82,
            'è' => 0x8A,
            'ê' => 0x88,
            'à' => 0x85,
            'â' => 0x83,
            'ô' => 0x93,
            'û' => 0x96,
            'ù' => 0x97,
            'É' => 0x90,
            'Ç' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// `isolinux/isolinux.cfg`: with the menu module, a menu of the
/// languages that boots the first after 3 seconds; without it (a kit
/// from before the menus), the first entry at once.
pub fn isolinux_cfg(product: &str, version: &str, cmdline: &str, menu: bool) -> Vec<u8> {
    let mut cfg = Vec::new();
    if menu {
        cfg.extend_from_slice(b"UI menu.c32\nDEFAULT ferry\nPROMPT 0\nTIMEOUT 30\n");
        cfg.extend_from_slice(&cp437(&format!("MENU TITLE Ferry: {product} {version}\n")));
    } else {
        cfg.extend_from_slice(b"DEFAULT ferry\nPROMPT 0\nTIMEOUT 30\n");
    }
    for l in LANGUAGES {
        let label = if l.code.is_empty() {
            "ferry".to_string()
        } else {
            format!("ferry-{}", l.code)
        };
        cfg.extend_from_slice(format!("LABEL {label}\n").as_bytes());
        if menu {
            cfg.extend_from_slice(&cp437(&format!(
                "  MENU LABEL {}\n",
                l.title(product, version)
            )));
        }
        cfg.extend_from_slice(
            format!(
                "  KERNEL /boot/vmlinuz\n  APPEND initrd=/boot/initrd.img {}\n",
                l.cmdline(cmdline)
            )
            .as_bytes(),
        );
    }
    cfg
}

/// systemd-boot's files: `loader/loader.conf` (default the English
/// entry, 3 seconds) and one entry per language, in menu order.
pub fn loader_files(product: &str, version: &str, cmdline: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(
        "loader/loader.conf".to_string(),
        b"default ferry.conf\ntimeout 3\n".to_vec(),
    )];
    for (i, l) in LANGUAGES.iter().enumerate() {
        let name = if l.code.is_empty() {
            "ferry.conf".to_string()
        } else {
            format!("ferry-{}.conf", l.code)
        };
        files.push((
            format!("loader/entries/{name}"),
            format!(
                "title {}\nsort-key ferry-{i}\nlinux /vmlinuz\ninitrd /initrd.img\noptions {}\n",
                l.title(product, version),
                l.cmdline(cmdline)
            )
            .into_bytes(),
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolinux_offers_english_first_then_french() {
        let cfg = isolinux_cfg("Demo", "1.0", "console=ttyS0 ferry.medium=ab", true);
        let text = String::from_utf8_lossy(&cfg);
        assert!(text.starts_with("UI menu.c32\nDEFAULT ferry\n"), "{text}");
        let en = text.find("LABEL ferry\n").expect("English entry");
        let fr = text.find("LABEL ferry-fr\n").expect("French entry");
        assert!(en < fr);
        let appends: Vec<&str> = text.lines().filter(|l| l.contains("APPEND")).collect();
        assert_eq!(
            appends,
            [
                "  APPEND initrd=/boot/initrd.img console=ttyS0 ferry.medium=ab",
                "  APPEND initrd=/boot/initrd.img console=ttyS0 ferry.medium=ab ferry.lang=fr",
            ]
        );
        // The menu shows ç and à in the VGA card's code page.
        let fr_label = b"  MENU LABEL Installer ou mettre \x85 jour Demo 1.0 (fran\x87ais)\n";
        assert!(cfg.windows(fr_label.len()).any(|w| w == fr_label), "{text}");
        assert!(cfg.iter().all(|b| *b != 0xC3), "no UTF-8 in the menu");
    }

    #[test]
    fn without_the_menu_module_isolinux_boots_english_at_once() {
        let cfg = String::from_utf8(isolinux_cfg("Demo", "1.0", "quiet", false)).unwrap();
        assert!(cfg.starts_with("DEFAULT ferry\nPROMPT 0\n"), "{cfg}");
        assert!(!cfg.contains("UI ") && !cfg.contains("MENU"), "{cfg}");
        assert!(
            cfg.contains("APPEND initrd=/boot/initrd.img quiet\n"),
            "{cfg}"
        );
    }

    #[test]
    fn systemd_boot_has_one_entry_per_language_english_the_default() {
        let files = loader_files("Demo", "1.0", "quiet ferry.medium=ab");
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "loader/loader.conf",
                "loader/entries/ferry.conf",
                "loader/entries/ferry-fr.conf"
            ]
        );
        assert_eq!(files[0].1, b"default ferry.conf\ntimeout 3\n");
        let fr = String::from_utf8(files[2].1.clone()).unwrap();
        assert!(
            fr.starts_with("title Installer ou mettre à jour Demo 1.0 (français)\n"),
            "{fr}"
        );
        assert!(
            fr.ends_with("options quiet ferry.medium=ab ferry.lang=fr\n"),
            "{fr}"
        );
        let en = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(en.ends_with("options quiet ferry.medium=ab\n"), "{en}");
        assert!(en.contains("sort-key ferry-0\n") && fr.contains("sort-key ferry-1\n"));
    }
}

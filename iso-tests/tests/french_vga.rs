//! Scenario 19: the installer in French (`ferry.lang=fr`) on the
//! machine's real screen, under SeaBIOS (VGA text mode, 9x16 cells) and
//! OVMF (UEFI framebuffer, 8x16 cells): every character the installer
//! draws, accented letters and box drawing included, is on the screen
//! with the right glyph of the console font the initramfs loads.
//!
//! The ISO is built with `ferry.lang=fr` on its command line (what the
//! boot menus' French entry adds; a menu cannot be chosen before the
//! firmware shows it without racing its timeout). The installer on tty1
//! is driven through the QEMU monitor's `sendkey`; the serial console's
//! installer leaves for its rescue shell, from which the test reads the
//! frames the installer on tty1 draws (`/run/ferry/screens/tty1.txt`).
//! For each screen, the VGA screen is dumped (QEMU `screendump`, PPM), and
//! every character cell of the picture is compared with the glyph of the
//! console font for the character of the frame: the cell must show that
//! glyph's shape in two colours (either way round: highlighted entries are
//! reversed). The pictures are kept as PNG in the scenario's directory.
//! The serial console shows the same French text in UTF-8, and the screen
//! titles are the French catalog's (`installer-tui/locales/fr/screens.ftl`).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bootkit::font::{self, Psf};
use common::*;
use iso_tests::{Firmware, Machine, Vm};

/// The French catalog's screen texts, by message id (single-line
/// messages: what titles are).
fn french_screens() -> BTreeMap<String, String> {
    let path = workspace().join("installer-tui/locales/fr/screens.ftl");
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '.']))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The console font the kit puts in the initramfs.
fn console_font() -> Psf {
    let unpacked = target().join("bootkit-cache/unpacked");
    let prefix = format!("{}_", font::FONT_PACKAGE);
    let pkg = std::fs::read_dir(&unpacked)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .unwrap_or_else(|| {
            panic!(
                "run scripts/bootkit: no {prefix}* in {}",
                unpacked.display()
            )
        });
    Psf::parse(&font::console_font(&pkg).unwrap()).unwrap()
}

/// A screen picture: RGB pixels.
struct Picture {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Picture {
    /// Reads a binary PPM (P6, 8 bits), as QEMU's `screendump` writes.
    fn ppm(path: &Path) -> anyhow::Result<Picture> {
        let data = std::fs::read(path)?;
        let mut fields = Vec::new();
        let mut i = 0;
        while fields.len() < 4 {
            while i < data.len() && data[i].is_ascii_whitespace() {
                i += 1;
            }
            if data.get(i) == Some(&b'#') {
                while i < data.len() && data[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            while i < data.len() && !data[i].is_ascii_whitespace() {
                i += 1;
            }
            anyhow::ensure!(start < i, "{}: PPM header cut short", path.display());
            fields.push(String::from_utf8_lossy(&data[start..i]).into_owned());
        }
        anyhow::ensure!(
            fields[0] == "P6" && fields[3] == "255",
            "{}: not an 8-bit P6 PPM",
            path.display()
        );
        let (width, height): (usize, usize) = (fields[1].parse()?, fields[2].parse()?);
        let rgb = data
            .get(i + 1..i + 1 + width * height * 3)
            .ok_or_else(|| anyhow::anyhow!("{}: pixels cut short", path.display()))?
            .to_vec();
        Ok(Picture { width, height, rgb })
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
}

/// Whether the cell at (`x0`, `y0`) of `cell_width` pixels shows glyph `g`
/// of `font`: its set pixels one colour, the others another. The ninth
/// column of a VGA text cell is the background, or repeats the eighth
/// (line-drawing characters).
fn cell_shows(
    pic: &Picture,
    font: &Psf,
    g: usize,
    x0: usize,
    y0: usize,
    cell_width: usize,
) -> bool {
    let (mut fg, mut bg) = (None, None);
    for y in 0..font.height {
        for x in 0..font.width {
            let c = pic.at(x0 + x, y0 + y);
            let slot = if font.pixel(g, x, y) {
                &mut fg
            } else {
                &mut bg
            };
            match slot {
                None => *slot = Some(c),
                Some(s) if *s != c => return false,
                _ => {}
            }
        }
        if cell_width > font.width {
            let ninth = pic.at(x0 + font.width, y0 + y);
            if Some(ninth) != bg && ninth != pic.at(x0 + font.width - 1, y0 + y) {
                return false;
            }
        }
    }
    fg.is_none() || bg.is_none() || fg != bg
}

/// The first cell of `pic` that does not show the frame's character with
/// the font's glyph, described; none when every cell does.
fn mismatch(pic: &Picture, font: &Psf, frame: &[String], cell_width: usize) -> Option<String> {
    let cols = frame.first()?.chars().count();
    if frame.len() * font.height > pic.height || cols * cell_width > pic.width {
        return Some(format!(
            "a frame of {cols}x{} cells does not fit a {}x{} screen",
            frame.len(),
            pic.width,
            pic.height
        ));
    }
    for (row, line) in frame.iter().enumerate() {
        for (col, ch) in line.chars().enumerate() {
            let Some(g) = font.glyph(ch) else {
                return Some(format!("the font has no glyph for {ch:?}"));
            };
            if !cell_shows(
                pic,
                font,
                g,
                col * cell_width,
                row * font.height,
                cell_width,
            ) {
                return Some(format!(
                    "row {row} column {col}: {ch:?} is not drawn with its glyph\n  {line}"
                ));
            }
        }
    }
    None
}

/// A French installer booted from the ISO: tty1 driven by keys, its
/// frames read from the rescue shell on the serial port.
struct Run {
    vm: Vm,
    sc: Scenario,
    font: Psf,
    reads: u32,
    /// Screens checked, for the scenario's log.
    checked: Vec<String>,
    /// Pixels per character cell across: 9 in VGA text mode, 8 on the
    /// framebuffer.
    cell_width: usize,
    /// Where the pictures are kept (the scenario's directory goes when
    /// it passes).
    pictures: PathBuf,
}

impl Run {
    /// Runs `command` in the serial rescue shell and waits until it has.
    fn run(&mut self, command: &str) {
        self.reads += 1;
        let n = self.reads;
        self.vm
            .send(&format!("{command}; echo RAN-\"\"{n}.\r"))
            .unwrap();
        self.vm.wait_for(&format!("RAN-{n}."), SCREEN).unwrap();
    }

    /// Every character the font must draw beyond ASCII, written on the
    /// first row of tty1 while the installer is stopped, is on the screen
    /// with its glyph; the installer then draws its screen again.
    fn every_required_character(&mut self) {
        let sample: String = font::REQUIRED.chars().collect();
        // Octal escapes: the command typed on the serial line stays ASCII.
        let bytes: String = sample.bytes().map(|b| format!("\\{b:03o}")).collect();
        self.run(&format!(
            "kill -STOP $(pidof installer-tui); printf '\\033[1;1H{bytes}' >/dev/tty1"
        ));
        let ppm = self.sc.path("sample.ppm");
        let start = Instant::now();
        loop {
            self.screendump(&ppm, "ppm");
            let pic = Picture::ppm(&ppm).unwrap();
            match mismatch(
                &pic,
                &self.font,
                std::slice::from_ref(&sample),
                self.cell_width,
            ) {
                None => break,
                Some(why) => assert!(
                    start.elapsed() < SCREEN,
                    "the characters French needs are not drawn with the font's glyphs: {why}"
                ),
            }
            self.vm.run_for(Duration::from_millis(200));
        }
        self.screendump(&self.pictures.join("characters.png"), "png");
        self.sc.log(&format!(
            "{} characters beyond ASCII drawn with their glyphs on tty1",
            sample.chars().count()
        ));
        self.run("kill -CONT $(pidof installer-tui)");
    }

    fn key(&self, key: &str) {
        let answer = self.vm.monitor(&format!("sendkey {key}")).unwrap();
        assert!(!answer.contains("rror"), "sendkey {key}: {answer}");
    }

    fn screendump(&self, path: &Path, format: &str) {
        let answer = self
            .vm
            .monitor(&format!("screendump {} -f {format}", path.display()))
            .unwrap();
        assert!(
            !answer.contains("rror") && path.exists(),
            "screendump: {answer:?}"
        );
    }

    /// The installer's last frame on tty1, one string per row (UTF-8, as
    /// the serial line carries it).
    fn frame(&mut self) -> Vec<String> {
        self.reads += 1;
        let n = self.reads;
        let (begin, end) = (format!("FRAME-B{n}.\r\n"), format!("FRAME-E{n}."));
        let from = self.vm.log().len();
        self.vm
            .send(&format!(
                "echo FRAME-B{n}.; cat /run/ferry/screens/tty1.txt 2>/dev/null; echo; echo FRAME-E{n}.\r"
            ))
            .unwrap();
        self.vm.wait_for(&format!("\r\n{end}"), SCREEN).unwrap();
        let log = self.vm.log();
        let out = &log[from..];
        let at = |needle: &str| {
            out.windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .unwrap_or_else(|| panic!("{needle:?} not in the shell's output"))
        };
        let body = &out[at(&begin) + begin.len()..at(&format!("\r\n{end}"))];
        String::from_utf8(body.to_vec())
            .unwrap()
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// One look at the installer on tty1: its frame, read twice with the
    /// VGA screen dumped after each read. `Ok` when the frame holds every
    /// one of `want`, stayed the same, and the screen shows it cell for
    /// cell with the font's glyphs (the picture kept as `NAME.png`);
    /// otherwise why not.
    fn look(&mut self, name: &str, want: &[&str]) -> Result<Vec<String>, String> {
        let ppm = self.sc.path(&format!("{name}.ppm"));
        let frame = self.frame();
        let text = frame.join("\n");
        if !want.iter().all(|w| text.contains(w)) {
            return Err(format!("no frame with {want:?}; the last:\n{text}"));
        }
        // The screen before and after the frame was read: the same
        // picture, so the frame is what it shows.
        self.screendump(&ppm, "ppm");
        let before = Picture::ppm(&ppm).unwrap();
        let again = self.frame();
        self.screendump(&ppm, "ppm");
        let pic = Picture::ppm(&ppm).unwrap();
        if again != frame || pic.rgb != before.rgb {
            return Err(format!("the screen changed while it was read:\n{text}"));
        }
        if let Some(why) = mismatch(&pic, &self.font, &frame, self.cell_width) {
            return Err(format!(
                "the VGA screen does not show the installer's frame: {why}\n{text}"
            ));
        }
        self.screendump(&self.pictures.join(format!("{name}.png")), "png");
        std::fs::write(self.pictures.join(format!("{name}.txt")), &text).unwrap();
        self.sc.log(&format!(
            "{name}: every cell of the {}x{} screen shows the frame's glyph",
            pic.width, pic.height
        ));
        self.checked.push(name.to_string());
        Ok(frame)
    }

    /// Waits until the installer on tty1 has drawn a frame holding every
    /// one of `want` and the VGA screen shows that frame, cell for cell,
    /// with the font's glyphs; keeps the picture as `NAME.png`.
    fn screen(&mut self, name: &str, want: &[&str], budget: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            match self.look(name, want) {
                Ok(frame) => return frame,
                Err(why) => assert!(
                    start.elapsed() < budget,
                    "{name}: within {} s, {why}",
                    budget.as_secs()
                ),
            }
            self.vm.run_for(Duration::from_millis(200));
        }
    }

    /// [`Run::screen`] for a screen that changes all the time (Progress:
    /// its bar, bytes and rate): once a frame holds `want`, the installer
    /// is stopped while it is compared with the screen, then continued.
    /// A stop that falls between the installer's drawing of the screen
    /// and its writing of the frame is a mismatch, and another try.
    fn held_screen(&mut self, name: &str, want: &[&str], budget: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let text = self.frame().join("\n");
            if want.iter().all(|w| text.contains(w)) {
                self.run("kill -STOP $(pidof installer-tui)");
                let seen = self.look(name, want);
                self.run("kill -CONT $(pidof installer-tui)");
                match seen {
                    Ok(frame) => return frame,
                    Err(why) => assert!(
                        start.elapsed() < budget,
                        "{name}: within {} s, {why}",
                        budget.as_secs()
                    ),
                }
            }
            assert!(
                start.elapsed() < budget,
                "{name}: within {} s no frame with {want:?}; the last:\n{text}",
                budget.as_secs()
            );
            self.vm.run_for(Duration::from_millis(100));
        }
    }

    /// Reads from the CD drive limited to `bps` bytes a second from now
    /// on (QEMU's `block_set_io_throttle`), or unlimited with `None`.
    fn medium_read_limit(&self, bps: Option<u64>) {
        let answer = self
            .vm
            .monitor(&format!(
                "block_set_io_throttle cd0 0 {} 0 0 0 0",
                bps.unwrap_or(0)
            ))
            .unwrap();
        assert!(!answer.contains("rror"), "block_set_io_throttle: {answer}");
    }
}

fn french_on_the_vga_screen(name: &str, firmware: Firmware) {
    let mut sc = Scenario::new(name);
    let fr = french_screens();
    let title = |id: &str| {
        fr.get(id)
            .unwrap_or_else(|| panic!("{id} not in fr/screens.ftl"))
            .clone()
    };
    let font = console_font();
    assert!(font.missing(&font::required()).is_empty());

    let iso = sc.path("fr.iso");
    build_iso_with(&bootkit(), &payload("1.1.0"), None, "ferry.lang=fr", &iso).unwrap();
    // Under UEFI an upgrade of an installed 1.0 that succeeds; under a
    // BIOS (an upgrade works there: the installed system already starts
    // with UEFI) one that fails, the ISO's root image damaged.
    if firmware == Firmware::Bios {
        let at = flip_root_image_byte(&iso, &payload("1.1.0"));
        sc.log(&format!("flipped the byte at {at} of the ISO"));
    }
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let m = Machine::new(name, firmware)
        .memory_mib(768)
        .cdrom(&iso)
        .disk(&disk);
    let mut vm = sc.boot(&m);

    // The serial line: init's words and the installer's, French in UTF-8.
    vm.wait_for("FERRY-INSTALLER démarre sur ttyS0", BOOT)
        .unwrap();
    vm.wait_for(&title("screen-welcome"), SCREEN).unwrap();
    vm.wait_for("[p]", SCREEN).unwrap();
    sc.log("the serial console speaks French");
    vm.send("s").unwrap();
    vm.wait_for("Shell de secours demandé depuis l’installateur.", SCREEN)
        .unwrap();
    vm.send("mkdir -p /run/ferry/screens\r").unwrap();
    let pictures = target().join("iso-tests-screens").join(name);
    let _ = std::fs::remove_dir_all(&pictures);
    std::fs::create_dir_all(&pictures).unwrap();
    sc.log(&format!("screens kept in {}", pictures.display()));
    let mut r = Run {
        vm,
        sc,
        font,
        reads: 0,
        checked: Vec::new(),
        cell_width: if firmware == Firmware::Bios { 9 } else { 8 },
        pictures,
    };

    r.screen("welcome", &[&title("screen-welcome"), "[p]"], SCREEN * 2);
    r.every_required_character();
    r.key("i");
    r.screen("disks", &[&title("screen-disks"), "/dev/"], SCREEN);
    r.key("1");
    r.screen("action", &[&title("screen-action")], SCREEN);
    r.key("u");
    r.screen("review", &[&title("screen-review")], SCREEN);
    if firmware == Firmware::Bios {
        r.key("ret");
        r.screen("failed", &[&title("screen-failed"), "[r]"], WRITE);
    } else {
        // The demo upgrade writes in seconds: reading the payload at
        // 1 MiB/s keeps the Progress screen up for about fourteen.
        r.medium_read_limit(Some(1 << 20));
        r.key("ret");
        r.held_screen("progress", &[&title("screen-progress"), "%"], WRITE);
        r.medium_read_limit(None);
        r.screen("done", &[&title("screen-done"), "1.1.0"], WRITE);
    }
    let checked = r.checked.join(", ");
    r.sc.log(&format!("checked on the screen: {checked}"));
}

#[test]
fn s19_french_on_the_vga_screen_seabios() {
    french_on_the_vga_screen("s19-french-vga-bios", Firmware::Bios);
}

#[test]
fn s19_french_on_the_vga_screen_ovmf() {
    french_on_the_vga_screen("s19-french-vga-ovmf", Firmware::Uefi);
}

/// The comparison itself: a picture drawn with the font passes, one cell
/// drawn with another glyph does not.
#[test]
fn a_cell_with_another_glyph_is_seen() {
    let font = console_font();
    let frame = vec!["Éé┌─┐ Œ…".to_string()];
    let cols = frame[0].chars().count();
    let draw = |text: &str, cell: usize| {
        let (w, h) = (cols * cell, font.height);
        let mut rgb = vec![0u8; w * h * 3];
        for (col, ch) in text.chars().enumerate() {
            let g = font.glyph(ch).unwrap();
            for y in 0..font.height {
                for x in 0..font.width {
                    if font.pixel(g, x, y) {
                        let i = (y * w + col * cell + x) * 3;
                        rgb[i..i + 3].copy_from_slice(&[170, 170, 170]);
                    }
                }
            }
        }
        Picture {
            width: w,
            height: h,
            rgb,
        }
    };
    for cell in [8, 9] {
        assert_eq!(mismatch(&draw(&frame[0], cell), &font, &frame, cell), None);
        let wrong = mismatch(&draw("Eé┌─┐ Œ…", cell), &font, &frame, cell).unwrap();
        assert!(wrong.contains("column 0"), "{wrong}");
        let wrong = mismatch(&draw("Éé┌─┐ O…", cell), &font, &frame, cell).unwrap();
        assert!(wrong.contains("column 6"), "{wrong}");
    }
}

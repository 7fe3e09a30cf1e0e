//! Composing a QEMU command line for a machine, starting it, and cleaning
//! up after it.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::clock::{Budget, MachineClock};
use crate::console::{Console, Key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firmware {
    /// SeaBIOS, QEMU's default.
    Bios,
    /// OVMF (EDK2), with a fresh copy of its variable store per machine.
    Uefi,
    /// OVMF with Secure Boot enforced and Microsoft's keys enrolled, as
    /// PCs ship: only what a Microsoft-signed shim accepts starts.
    UefiSecureBoot,
}

/// The controller a disk hangs on, as the installer will see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bus {
    /// virtio-blk (PCI): `/dev/vdX`.
    VirtioBlk,
    /// An NVMe controller with one namespace of this logical (and physical)
    /// sector size, 512 or 4096: `/dev/nvme0n1`.
    Nvme { sector_size: u32 },
    /// SATA on the q35 machine's AHCI controller: `/dev/sdX`.
    Ahci,
    /// SCSI on a virtio-scsi controller: `/dev/sdX`.
    VirtioScsi,
    /// A USB mass-storage disk (not removable) on xHCI: `/dev/sdX`.
    Usb,
}

#[derive(Debug, Clone)]
enum Medium {
    Cdrom(PathBuf),
    UsbStick(PathBuf),
    Disk {
        path: PathBuf,
        format: &'static str,
        bus: Bus,
    },
}

/// A machine to boot: firmware, media and disks.
#[derive(Debug, Clone)]
pub struct Machine {
    name: String,
    firmware: Firmware,
    memory_mib: u32,
    media: Vec<Medium>,
    rtc_base: Option<String>,
    /// SMBIOS system serial number and UUID.
    system: Option<(String, String)>,
    kernel: Option<(PathBuf, PathBuf, String)>,
    medium_read_bps: Option<u64>,
    vars: Option<PathBuf>,
}

/// `target/iso-tests/NAME`, emptied.
pub fn scenario_dir(name: &str) -> Result<PathBuf> {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = root.join("iso-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("emptying {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

impl Machine {
    pub fn new(name: &str, firmware: Firmware) -> Machine {
        Machine {
            name: name.to_string(),
            firmware,
            memory_mib: 1024,
            media: Vec::new(),
            rtc_base: None,
            system: None,
            kernel: None,
            medium_read_bps: None,
            vars: None,
        }
    }

    pub fn memory_mib(mut self, mib: u32) -> Machine {
        self.memory_mib = mib;
        self
    }

    /// UEFI: the firmware's variable store kept in `path` across boots, as
    /// a machine's flash keeps it (made from OVMF's template the first
    /// time); without it each boot starts from the template.
    pub fn firmware_variables(mut self, path: impl Into<PathBuf>) -> Machine {
        self.vars = Some(path.into());
        self
    }

    /// The medium in the CD/DVD drive.
    pub fn cdrom(mut self, path: impl Into<PathBuf>) -> Machine {
        self.media.push(Medium::Cdrom(path.into()));
        self
    }

    /// A raw image as a USB stick on an xHCI controller (device id `stick`,
    /// so `Vm::pull_usb_stick` can remove it).
    pub fn usb_stick(mut self, path: impl Into<PathBuf>) -> Machine {
        self.media.push(Medium::UsbStick(path.into()));
        self
    }

    /// A disk on virtio; the format is taken from the file name
    /// (`.qcow2`, otherwise raw). The first disk boots first.
    pub fn disk(self, path: impl Into<PathBuf>) -> Machine {
        self.disk_on(path, Bus::VirtioBlk)
    }

    /// A disk on the given controller (see [`Machine::disk`]).
    pub fn disk_on(mut self, path: impl Into<PathBuf>, bus: Bus) -> Machine {
        let path = path.into();
        let format = if path.extension().is_some_and(|e| e == "qcow2") {
            "qcow2"
        } else {
            "raw"
        };
        self.media.push(Medium::Disk { path, format, bus });
        self
    }

    /// Reads from the boot medium (CD/DVD drive and USB stick, not the
    /// disks) limited to `bps` bytes a second, as a USB 2 stick (about
    /// 30 MB/s) or a DVD (10 to 20 MB/s) gives them: QEMU's
    /// `throttling.bps-read` on their drives.
    pub fn medium_read_limit(mut self, bps: u64) -> Machine {
        self.medium_read_bps = Some(bps);
        self
    }

    /// The real-time clock's start, e.g. `1970-01-01` or `2100-06-01`.
    pub fn rtc_base(mut self, base: &str) -> Machine {
        self.rtc_base = Some(base.to_string());
        self
    }

    /// The serial number and UUID the firmware gives (SMBIOS type 1, as
    /// the kernel shows in `/sys/class/dmi/id`).
    pub fn system_id(mut self, serial: &str, uuid: &str) -> Machine {
        self.system = Some((serial.to_string(), uuid.to_string()));
        self
    }

    /// Boots a kernel and initrd directly, bypassing firmware boot menus.
    pub fn kernel(
        mut self,
        kernel: impl Into<PathBuf>,
        initrd: impl Into<PathBuf>,
        append: &str,
    ) -> Machine {
        self.kernel = Some((kernel.into(), initrd.into(), append.to_string()));
        self
    }

    /// The QEMU arguments for this machine, running in `dir`.
    pub fn args(&self, dir: &Path) -> Result<Vec<String>> {
        let mut a: Vec<String> = Vec::new();
        let mut push = |items: &[&str]| a.extend(items.iter().map(|s| s.to_string()));
        let accel = if std::env::var_os("FERRY_QEMU_KVM").is_some() {
            "kvm"
        } else {
            "tcg"
        };
        if self.firmware == Firmware::UefiSecureBoot {
            // Secure Boot needs SMM, and the variable store writable only
            // from it, or OVMF's secboot build refuses to start.
            push(&["-machine", &format!("q35,smm=on,accel={accel}")]);
            push(&["-global", "driver=cfi.pflash01,property=secure,value=on"]);
        } else {
            push(&["-machine", &format!("q35,accel={accel}")]);
        }
        push(&["-m", &self.memory_mib.to_string(), "-smp", "1"]);
        push(&[
            "-display",
            "none",
            "-vga",
            "std",
            "-serial",
            "stdio",
            "-no-reboot",
        ]);
        push(&[
            "-monitor",
            &format!(
                "unix:{},server=on,wait=off",
                dir.join("monitor.sock").display()
            ),
        ]);
        push(&["-nic", "none"]);
        if let Some((serial, uuid)) = &self.system {
            push(&["-smbios", &format!("type=1,serial={serial},uuid={uuid}")]);
        }
        if let Some(base) = &self.rtc_base {
            push(&["-rtc", &format!("base={base}")]);
        }
        if self.firmware != Firmware::Bios {
            let (code, vars) = ovmf(self.firmware == Firmware::UefiSecureBoot)?;
            let my_vars = self
                .vars
                .clone()
                .unwrap_or_else(|| dir.join("OVMF_VARS.fd"));
            if self.vars.is_none() || !my_vars.exists() {
                std::fs::copy(&vars, &my_vars)
                    .with_context(|| format!("copying {}", vars.display()))?;
            }
            push(&[
                "-drive",
                &format!(
                    "if=pflash,format=raw,unit=0,readonly=on,file={}",
                    code.display()
                ),
            ]);
            push(&[
                "-drive",
                &format!("if=pflash,format=raw,unit=1,file={}", my_vars.display()),
            ]);
        }
        if let Some((kernel, initrd, append)) = &self.kernel {
            push(&[
                "-kernel",
                &kernel.display().to_string(),
                "-initrd",
                &initrd.display().to_string(),
            ]);
            push(&["-append", append]);
        }
        let mut usb = false;
        let mut scsi = false;
        let throttle = self
            .medium_read_bps
            .map(|bps| format!(",throttling.bps-read={bps}"))
            .unwrap_or_default();
        for (i, m) in self.media.iter().enumerate() {
            let boot_index = i + 1;
            // Each CD drive and SATA disk on a port of the q35 machine's
            // AHCI controller of its own (one device a port).
            let ide_port = self.media[..i]
                .iter()
                .filter(|m| matches!(m, Medium::Cdrom(_) | Medium::Disk { bus: Bus::Ahci, .. }))
                .count();
            match m {
                Medium::Cdrom(p) => {
                    push(&[
                        "-drive",
                        &format!(
                            "if=none,id=cd{i},media=cdrom,readonly=on,format=raw,file={}{throttle}",
                            p.display()
                        ),
                    ]);
                    push(&[
                        "-device",
                        &format!("ide-cd,drive=cd{i},bus=ide.{ide_port},bootindex={boot_index}"),
                    ]);
                }
                Medium::UsbStick(p) => {
                    if !std::mem::replace(&mut usb, true) {
                        push(&["-device", "qemu-xhci,id=xhci"]);
                    }
                    push(&[
                        "-drive",
                        &format!(
                            "if=none,id=stickdrive,format=raw,file={}{throttle}",
                            p.display()
                        ),
                    ]);
                    push(&["-device", &format!("usb-storage,bus=xhci.0,id=stick,drive=stickdrive,removable=on,bootindex={boot_index}")]);
                }
                Medium::Disk { path, format, bus } => {
                    push(&[
                        "-drive",
                        &format!("if=none,id=disk{i},format={format},file={}", path.display()),
                    ]);
                    let drive = format!("drive=disk{i},bootindex={boot_index}");
                    let device = match bus {
                        Bus::VirtioBlk => format!("virtio-blk-pci,{drive}"),
                        Bus::Nvme { sector_size } => format!(
                            "nvme,serial=ferry{i},{drive},logical_block_size={sector_size},\
                             physical_block_size={sector_size}"
                        ),
                        // The q35 machine's own AHCI controller, on the next
                        // free port.
                        Bus::Ahci => format!("ide-hd,bus=ide.{ide_port},{drive}"),
                        Bus::VirtioScsi => {
                            if !std::mem::replace(&mut scsi, true) {
                                push(&["-device", "virtio-scsi-pci,id=scsi"]);
                            }
                            format!("scsi-hd,bus=scsi.0,{drive}")
                        }
                        Bus::Usb => {
                            if !std::mem::replace(&mut usb, true) {
                                push(&["-device", "qemu-xhci,id=xhci"]);
                            }
                            format!("usb-storage,bus=xhci.0,{drive}")
                        }
                    };
                    push(&["-device", &device]);
                }
            }
        }
        Ok(a)
    }

    /// Starts the machine in `target/iso-tests/NAME/`.
    pub fn boot(&self) -> Result<Vm> {
        let dir = scenario_dir(&self.name)?;
        self.boot_in(dir)
    }

    /// Starts the machine in an existing directory (a second boot of the
    /// same scenario keeps its disks).
    pub fn boot_in(&self, dir: PathBuf) -> Result<Vm> {
        let args = self.args(&dir)?;
        std::fs::write(
            dir.join("qemu-command"),
            format!("qemu-system-x86_64 {}\n", args.join(" ")),
        )
        .context("writing the QEMU command line")?;
        let mut child = Command::new("qemu-system-x86_64")
            .args(&args)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("qemu.stderr")).context("creating qemu.stderr")?,
            ))
            .spawn()
            .context("starting qemu-system-x86_64 (Debian package qemu-system-x86)")?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("qemu started without its serial pipes");
        };
        // Waits measure their budgets in the CPU time QEMU consumes: the
        // machine's own progress, whatever else the host is doing.
        let clock = MachineClock::process(child.id());
        Ok(Vm {
            name: self.name.clone(),
            dir,
            child: Some(child),
            console: Console::with_machine_clock(stdout, stdin, clock),
            keep: false,
        })
    }
}

/// The OVMF code and variable-store templates Debian's `ovmf` installs;
/// with `secure_boot`, the build that enforces it and a store holding
/// Microsoft's keys (the `.ms` variant).
fn ovmf(secure_boot: bool) -> Result<(PathBuf, PathBuf)> {
    if secure_boot {
        let (code, vars) = (
            "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
        );
        if Path::new(code).exists() && Path::new(vars).exists() {
            return Ok((code.into(), vars.into()));
        }
        bail!("OVMF with Secure Boot is missing ({code}, {vars}; Debian package ovmf)");
    }
    for (code, vars) in [
        (
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
        ),
        (
            "/usr/share/OVMF/OVMF_CODE.fd",
            "/usr/share/OVMF/OVMF_VARS.fd",
        ),
    ] {
        if Path::new(code).exists() && Path::new(vars).exists() {
            return Ok((code.into(), vars.into()));
        }
    }
    bail!("OVMF firmware is missing (Debian package ovmf)")
}

/// A running machine. Dropping it kills QEMU; if the test is failing, the
/// screen and serial log are saved and printed, otherwise the machine's
/// directory is removed.
#[derive(Debug)]
pub struct Vm {
    name: String,
    dir: PathBuf,
    child: Option<Child>,
    console: Console,
    keep: bool,
}

impl Vm {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn console(&mut self) -> &mut Console {
        &mut self.console
    }

    /// See `Console::wait_for`: `timeout` is a budget of machine time (the
    /// CPU time QEMU consumes), with a wall-clock backstop.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<()> {
        self.console.wait_for(text, timeout)
    }

    pub fn wait_for_any(&self, texts: &[&str], timeout: Duration) -> Result<usize> {
        self.console.wait_for_any(texts, timeout)
    }

    /// See `Console::wait_for_line`.
    pub fn wait_for_line(&self, text: &str, timeout: Duration) -> Result<String> {
        self.console.wait_for_line(text, timeout)
    }

    /// Lets the machine work for `work` of machine time (see
    /// `Console::run_for`): a moment in what it does, not in the host's
    /// time.
    pub fn run_for(&self, work: Duration) {
        self.console.run_for(work);
    }

    pub fn screen(&self) -> String {
        self.console.screen()
    }

    /// The screen once the installer has finished drawing it (nothing
    /// written for half a second while the machine was idle; at most 10 s
    /// of machine time): for assertions on a whole frame.
    pub fn settled_screen(&self) -> String {
        self.console
            .settled_screen(Duration::from_millis(500), Duration::from_secs(10))
    }

    /// The CPU time QEMU has consumed since it started: how much the
    /// machine has done, whatever the host's load.
    pub fn machine_time(&self) -> Option<Duration> {
        self.console
            .machine_clock()
            .and_then(MachineClock::read)
            .map(|t| t.cpu)
    }

    /// Waits until the machine has dealt with what it was given: nothing
    /// written for half a second while it was idle (see `settled_screen`).
    pub fn wait_idle(&self) {
        self.settled_screen();
    }

    /// Everything the guest wrote on the serial console so far.
    pub fn log(&self) -> Vec<u8> {
        self.console.log()
    }

    /// Forgets output seen so far (see `Console::mark`).
    pub fn mark(&self) {
        self.console.mark()
    }

    pub fn send(&mut self, text: &str) -> Result<()> {
        self.console.send(text)
    }

    pub fn key(&mut self, key: Key) -> Result<()> {
        self.console.key(key)
    }

    /// Sends a command to the QEMU monitor and returns its answer.
    pub fn monitor(&self, command: &str) -> Result<String> {
        let path = self.dir.join("monitor.sock");
        let mut stream = UnixStream::connect(&path).context("connecting to the QEMU monitor")?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut answer = String::new();
        read_until_prompt(&mut reader, &mut String::new())?;
        stream.write_all(format!("{command}\n").as_bytes())?;
        read_until_prompt(&mut reader, &mut answer)?;
        Ok(answer)
    }

    /// Pulls the USB stick out of the running machine.
    pub fn pull_usb_stick(&self) -> Result<()> {
        self.monitor("device_del stick").map(drop)
    }

    /// Cuts the power: QEMU is killed at once, nothing is flushed by the
    /// guest.
    pub fn power_cut(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill().context("killing qemu")?;
            child.wait().context("waiting for qemu")?;
        }
        Ok(())
    }

    /// Waits for the guest to power off or reboot (QEMU runs with
    /// -no-reboot, so both end the process). `timeout` is a budget of
    /// machine time, as for `wait_for`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<()> {
        let mut budget = Budget::start(timeout, self.console.machine_clock());
        while let Some(child) = self.child.as_mut() {
            if child.try_wait()?.is_some() {
                self.child = None;
                return Ok(());
            }
            match budget.check() {
                Ok(poll) => std::thread::sleep(poll.min(Duration::from_millis(50))),
                Err(why) => bail!("the machine did not stop: {why}"),
            }
        }
        Ok(())
    }

    /// Keeps the directory after a passing test too.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    fn save_artifacts(&self) {
        let screen = self.console.screen();
        let _ = std::fs::write(self.dir.join("screen.txt"), &screen);
        let _ = std::fs::write(self.dir.join("serial.log"), self.console.log());
        eprintln!(
            "--- {}: last screen (saved with serial.log in {}) ---\n{screen}\n---",
            self.name,
            self.dir.display()
        );
        let log = self.console.log();
        let tail = &log[log.len().saturating_sub(3000)..];
        eprintln!(
            "--- end of serial log ---\n{}\n---",
            String::from_utf8_lossy(tail)
        );
    }
}

fn read_until_prompt(reader: &mut impl BufRead, out: &mut String) -> Result<()> {
    let mut buf = Vec::new();
    loop {
        let mut byte = [0u8; 1];
        match reader.read(&mut byte) {
            Ok(0) => bail!("the QEMU monitor closed"),
            Ok(_) => buf.push(byte[0]),
            Err(e) => return Err(e).context("reading the QEMU monitor"),
        }
        if buf.ends_with(b"(qemu) ") {
            out.push_str(&String::from_utf8_lossy(&buf[..buf.len() - 7]));
            return Ok(());
        }
    }
}

/// Whether `FERRY_ISO_TESTS_KEEP` asks to keep every machine's directory,
/// with its screen and serial log, when the test passes too (to look at a
/// run, or to record a serial log for the console's tests).
pub fn keep_all() -> bool {
    std::env::var_os("FERRY_ISO_TESTS_KEEP").is_some_and(|v| !v.is_empty() && v != "0")
}

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.power_cut();
        if std::thread::panicking() {
            self.save_artifacts();
        } else if self.keep || keep_all() {
            let _ = std::fs::write(self.dir.join("screen.txt"), self.console.screen());
            let _ = std::fs::write(self.dir.join("serial.log"), self.console.log());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

//! A harness that boots Ferry media under QEMU and talks to what runs on
//! them over the first serial port, as a technician at a serial console
//! would.
//!
//! ```no_run
//! use iso_tests::{Firmware, Machine};
//! let mut vm = Machine::new("boot-cd-bios", Firmware::Bios)
//!     .cdrom("target/demo/demo-engine-1.0.0.iso")
//!     .boot()?;
//! vm.wait_for("Install or upgrade", std::time::Duration::from_secs(120))?;
//! vm.send("\r")?;
//! # Ok::<(), anyhow::Error>(())
//! ```
//!
//! Every machine runs in its own directory under `target/iso-tests/NAME/`.
//! When a test fails, the last screen and the whole serial log stay there
//! and are printed; when it passes, the directory is removed (kept, with
//! the serial log, when `FERRY_ISO_TESTS_KEEP=1`).

mod clock;
mod console;
mod machine;
mod output_steps;
mod screen_record;

pub use clock::{MachineClock, MachineTimes, WALL_BACKSTOP};
pub use console::{Console, Key, KEPT_TEXT};
pub use machine::{keep_all, scenario_dir, Bus, Firmware, Machine, Vm};

//! The installer's log: one line per event worth keeping, shown on the
//! Log screen and appended to the log file when there is one.

use std::io::Write as _;
use std::path::PathBuf;

/// The lines kept so far, and where they are also written.
#[derive(Debug, Default)]
pub struct Log {
    lines: Vec<String>,
    file: Option<PathBuf>,
}

impl Log {
    /// An empty log, appended to `file` if given.
    pub fn new(file: Option<PathBuf>) -> Log {
        Log {
            lines: Vec::new(),
            file,
        }
    }

    /// Keep a line, and append it to the file. A file that cannot be
    /// written is not fatal: the line is still on the Log screen.
    pub fn push(&mut self, line: impl Into<String>) {
        let line = line.into();
        if let Some(p) = &self.file {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
            {
                let _ = writeln!(f, "{line}");
            }
        }
        self.lines.push(line);
    }

    /// Every line kept, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_and_appended_to_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("installer.log");
        std::fs::write(&file, "before\n").expect("log");
        let mut log = Log::new(Some(file.clone()));
        log.push("one");
        log.push(String::from("two"));
        assert_eq!(log.lines(), ["one", "two"]);
        assert_eq!(
            std::fs::read_to_string(&file).expect("log"),
            "before\none\ntwo\n"
        );
        // Without a file, or with one that cannot be written, lines are
        // still kept.
        let mut log = Log::new(Some(dir.path().join("missing/installer.log")));
        log.push("kept");
        assert_eq!(log.lines(), ["kept"]);
    }
}

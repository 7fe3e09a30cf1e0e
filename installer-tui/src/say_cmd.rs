//! `installer-tui say ID [NAME=VALUE...]`: one message of the catalog
//! (`locales/<language>/boot.ftl` and the others), in the language of
//! `ferry.lang=` on the kernel command line, for the boot medium's init
//! (`bootkit/src/installer-init.sh`), which has no catalog of its own.

use anyhow::bail;

use crate::boot_medium;
use crate::cli::SayArgs;
use crate::l10n::{self, Arg, Lang};

/// Whether the catalog of `lang` defines the message `id`: a line
/// `ID =` at the start of one of its files, as Fluent writes messages.
fn defined(lang: Lang, id: &str) -> bool {
    l10n::sources(lang).iter().any(|(_, text)| {
        text.lines().any(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
    })
}

/// The message `id` in `lang` with `NAME=VALUE` arguments; numbers stay
/// numbers, so the catalog can choose plurals.
pub fn message(lang: Lang, id: &str, args: &[String]) -> anyhow::Result<String> {
    if !defined(lang, id) {
        bail!("no message {id} in the {} catalog", lang.code());
    }
    let mut pairs = Vec::with_capacity(args.len());
    for a in args {
        let Some((name, value)) = a.split_once('=') else {
            bail!("{a}: NAME=VALUE expected");
        };
        let value = match value.parse::<i64>() {
            Ok(n) => Arg::from(n),
            Err(_) => Arg::from(value),
        };
        pairs.push((name, value));
    }
    Ok(l10n::text(lang, id, &pairs))
}

/// Print the message on standard output.
pub fn say(args: SayArgs) -> anyhow::Result<()> {
    let lang = match &args.lang {
        Some(code) => match Lang::from_code(code) {
            Some(l) => l,
            None => bail!("{code}: not a language the installer speaks (en, fr)"),
        },
        None => boot_medium::boot_lang(),
    };
    println!("{}", message(lang, &args.id, &args.args)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_a_boot_message_in_either_language_with_its_arguments() {
        let tty = ["tty=ttyS0".to_string()];
        assert_eq!(
            message(Lang::En, "boot-starting", &tty).unwrap(),
            "FERRY-INSTALLER starting on ttyS0"
        );
        assert_eq!(
            message(Lang::Fr, "boot-starting", &tty).unwrap(),
            "FERRY-INSTALLER démarre sur ttyS0"
        );
        let s = message(Lang::Fr, "boot-installer-failed", &["status=3".into()]).unwrap();
        assert!(s.contains("(code 3)"), "{s}");
        let s = message(
            Lang::En,
            "boot-too-little-memory",
            &["mem=64".into(), "need=100".into()],
        )
        .unwrap();
        assert_eq!(s.lines().count(), 3, "{s}");
        assert!(
            s.contains("has 64 MiB") && s.contains("at least 100 MiB"),
            "{s}"
        );
    }

    #[test]
    fn refuses_an_unknown_message_or_a_bad_argument() {
        let e = message(Lang::En, "boot-no-such-thing", &[]).unwrap_err();
        assert!(
            e.to_string().contains("no message boot-no-such-thing"),
            "{e}"
        );
        // A prefix of a message's id is not that message.
        assert!(message(Lang::En, "boot-rescue", &[]).is_err());
        let e = message(Lang::En, "boot-starting", &["ttyS0".into()]).unwrap_err();
        assert!(e.to_string().contains("NAME=VALUE"), "{e}");
    }
}

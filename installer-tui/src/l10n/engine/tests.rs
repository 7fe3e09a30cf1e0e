//! The engine's words in both languages: the English catalog says what
//! the log and the reports keep, the French one says it in French.

use std::io;
use std::path::PathBuf;

use install::{samples, Plan, Refusal, Step};

use super::failure::error;
use super::plan::{change, note};
use super::*;
use crate::answer::{AnswerError, AnswerProblem};
use crate::l10n::{in_lang, Lang};
use crate::tui::failure::{InspectError, LoadError, RunError, TerminalAct};

#[test]
fn english_says_what_the_log_and_the_reports_keep() {
    for e in samples::errors() {
        assert_eq!(in_lang(Lang::En, || error(&e)), e.to_string(), "{e:?}");
    }
    for r in samples::refusals() {
        assert_eq!(in_lang(Lang::En, || refusal(&r)), r.to_string(), "{r:?}");
    }
    for e in facts_of_failures() {
        assert_eq!(in_lang(Lang::En, || error(&e)), e.to_string(), "{e:?}");
    }
}

/// A failure for each fact the samples of every code do not show: what
/// the engine was doing at an I/O error, why a signature is refused, what
/// a newer payload asks for.
fn facts_of_failures() -> Vec<install::Error> {
    let mut all: Vec<install::Error> = samples::doings()
        .into_iter()
        .map(|d| install::Error::io(d, io::Error::from(io::ErrorKind::PermissionDenied)))
        .collect();
    all.extend(
        samples::untrusted()
            .into_iter()
            .map(|u| install::Error::Payload(payload::Error::Untrusted(u))),
    );
    all.extend(
        samples::cuts()
            .into_iter()
            .map(|cut| install::Error::Payload(payload::Error::Truncated { cut, at: 4_096 })),
    );
    all.extend(samples::newer().into_iter().map(|what| {
        install::Error::Payload(payload::Error::NewerFormat {
            what,
            min_installer: None,
        })
    }));
    all
}

#[test]
fn french_says_what_the_engine_was_doing_and_why_a_signature_is_refused() {
    for e in facts_of_failures() {
        let fr = in_lang(Lang::Fr, || error(&e));
        assert_ne!(fr, e.to_string(), "{e:?} is not translated");
    }
    let write = samples::doings()
        .into_iter()
        .find(|d| d.at.is_some())
        .expect("an act at a byte");
    let e = install::Error::io(write, io::Error::from(io::ErrorKind::PermissionDenied));
    assert_eq!(
        in_lang(Lang::Fr, || error(&e)),
        "erreur d'entrée-sortie pendant la relecture de l'emplacement b à l'octet 1048576 : \
         permission refusée"
    );
    let none = install::Error::Payload(payload::Error::Untrusted(payload::Untrusted::NotTrusted {
        key: payload::Fingerprint::parse(&"ab".repeat(32)).expect("a fingerprint"),
        trusted: Vec::new(),
    }));
    assert_eq!(
        in_lang(Lang::Fr, || error(&none)),
        "la signature du paquet est refusée : le paquet est signé par la clé \
         abababababababab, à laquelle ce système ne fait pas confiance (clés de confiance : \
         aucune)"
    );
}

#[test]
fn french_says_every_failure_in_french() {
    for e in samples::errors() {
        let fr = in_lang(Lang::Fr, || error(&e));
        assert_ne!(fr, e.to_string(), "{} is not translated", e.code());
        assert!(!fr.trim().is_empty());
    }
}

#[test]
fn why_the_configuration_cannot_be_read_in_both_languages() {
    for reason in samples::config_problems() {
        let r = Refusal::ConfigUnreadable {
            slot: detect::layout::Slot::B,
            reason,
        };
        assert_eq!(in_lang(Lang::En, || refusal(&r)), r.to_string(), "{r:?}");
        let fr = in_lang(Lang::Fr, || refusal(&r));
        assert!(
            fr.starts_with("la configuration de l'emplacement b est illisible ("),
            "{fr}"
        );
        assert_ne!(fr, r.to_string());
    }
}

#[test]
fn refusals_in_french_keep_their_facts() {
    let r = Refusal::DiskTooSmall {
        size: 4096,
        needed: 8192,
    };
    assert_eq!(
        in_lang(Lang::Fr, || refusal(&r)),
        "le disque fait 4096 octets ; cette installation demande au moins 8192 octets"
    );
    let r = Refusal::NoInstallation {
        disk: PathBuf::from("/dev/sda"),
        action: Action::Upgrade,
    };
    assert_eq!(
        in_lang(Lang::Fr, || refusal(&r)),
        "/dev/sda ne contient aucune installation Ferry (impossible de mettre à jour) : \
         installez dessus, ou effacez-le"
    );
    assert_eq!(
        in_lang(Lang::En, || refusal(&r)),
        "/dev/sda holds no Ferry installation to upgrade; install on it, or wipe it"
    );
    let r = Refusal::Upgrade(payload::Refusal::HotfixApplied { id: "hf-7".into() });
    assert_eq!(
        in_lang(Lang::Fr, || refusal(&r)),
        "le correctif hf-7 est déjà appliqué"
    );
}

#[test]
fn one_signer_or_several_are_said_in_their_number() {
    let one = samples::refusals()
        .into_iter()
        .find(|r| r.code() == "key-not-trusted")
        .expect("the sample");
    let fr = in_lang(Lang::Fr, || refusal(&one));
    assert!(
        fr.starts_with("la clé abababababababab qui signe le paquet n'est pas reconnue"),
        "{fr}"
    );
    let Refusal::KeyNotTrusted { signers, .. } = &one else {
        unreachable!()
    };
    let two = Refusal::KeyNotTrusted {
        signers: vec![signers[0], signers[0]],
        trusted: Vec::new(),
    };
    let fr = in_lang(Lang::Fr, || refusal(&two));
    assert!(fr.starts_with("les clés "), "{fr}");
    assert!(fr.contains("(il reconnaît : aucune)"), "{fr}");
    let en = in_lang(Lang::En, || refusal(&two));
    assert_eq!(en, two.to_string());
}

#[test]
fn payload_failures_a_technician_meets_are_in_french() {
    let by_code = |code: &str| {
        samples::errors()
            .into_iter()
            .find(|e| e.code() == code)
            .expect("a sample")
    };
    let fr = |code: &str| in_lang(Lang::Fr, || error(&by_code(code)));
    assert_eq!(
        fr("payload-digest"),
        "le paquet est endommagé : les octets 3145728..4194304 de root.img (bloc 3) ne \
         correspondent pas à la somme de contrôle signée"
    );
    assert!(fr("payload-signature").starts_with("la signature du paquet est refusée"));
    assert!(fr("payload-truncated").starts_with("le paquet est tronqué"));
    assert_eq!(
        fr("payload-newer-format"),
        "ce paquet demande un installateur plus récent : celui-ci ne sait pas lire \
         le format de paquet 3 ; utilisez l'installateur 2.0.0 ou plus récent"
    );
    assert!(
        fr("read-back").starts_with("la relecture de l'emplacement b trouve les octets 4096..8192")
    );
    // A full disk says so, and what the system said, in French too.
    let full = fr("disk-full");
    assert!(full.starts_with("le disque est plein"), "{full}");
    assert!(
        full.ends_with("plus de place sur le périphérique (erreur système 28)"),
        "{full}"
    );
}

#[test]
fn the_installers_own_failures_in_both_languages() {
    let gone = RunError::MediumGone {
        medium: PathBuf::from("/dev/sdb"),
        source: install::Error::Cancelled,
    };
    assert_eq!(in_lang(Lang::En, || run_error(&gone)), gone.to_string());
    assert_eq!(
        in_lang(Lang::Fr, || run_error(&gone)),
        "le support /dev/sdb a été retiré ou ne répond plus pendant la lecture du paquet \
         (annulé par le technicien) ; remettez-le et redémarrez l'installateur depuis ce support"
    );
    let open = RunError::Open {
        disk: PathBuf::from("/dev/sda"),
        source: io::Error::from_raw_os_error(28),
    };
    assert!(in_lang(Lang::Fr, || run_error(&open))
        .starts_with("impossible d'ouvrir /dev/sda en écriture : le disque est plein"));
    assert_eq!(in_lang(Lang::En, || run_error(&open)), open.to_string());

    let one = LoadError::OnePayload {
        name: "acme-2.0.fpk".into(),
        source: Box::new(install::Error::PayloadUsed),
    };
    assert_eq!(in_lang(Lang::En, || load_error(&one)), one.to_string());
    assert_eq!(
        in_lang(Lang::Fr, || load_error(&one)),
        "acme-2.0.fpk : le paquet a déjà été lu : un plan ne s'applique qu'une fois"
    );
    let medium = LoadError::Medium(crate::boot_medium::ReadError::TooLarge {
        file: "ferry/answer.toml".into(),
        max: 65536,
    });
    assert_eq!(
        in_lang(Lang::Fr, || load_error(&medium)),
        "le support est illisible : ferry/answer.toml dépasse 65536 octets"
    );
    assert_eq!(
        in_lang(Lang::En, || load_error(&medium)),
        medium.to_string()
    );

    // getrandom(2) missing from the kernel.
    let id = InspectError::MachineId(io::Error::from_raw_os_error(38));
    assert_eq!(in_lang(Lang::En, || inspect_error(&id)), id.to_string());
    assert_eq!(
        in_lang(Lang::Fr, || inspect_error(&id)),
        "le choix d'un identifiant de machine a échoué (détail : fonction non disponible \
         dans ce noyau (erreur système 38))"
    );

    // The medium fails while a run reads the payload from it: the
    // installer's own reading error inside the engine's.
    let read = install::Error::Medium(Box::new(crate::boot_medium::ReadError::Read {
        path: PathBuf::from("/run/ferry/medium/ferry/acme-2.0.fpk"),
        source: io::Error::from_raw_os_error(5),
    }));
    assert_eq!(in_lang(Lang::En, || error(&read)), read.to_string());
    let fr_read = in_lang(Lang::Fr, || error(&read));
    assert!(
        fr_read.contains("/run/ferry/medium/ferry/acme-2.0.fpk")
            && fr_read.contains("erreur d'entrée-sortie (erreur système 5)"),
        "{fr_read}"
    );
    // A serial line that is not a terminal.
    let tty = TerminalAct::RawMode.failed()(io::Error::from_raw_os_error(25));
    assert_eq!(in_lang(Lang::En, || terminal_error(&tty)), tty.to_string());
    assert_eq!(
        in_lang(Lang::Fr, || terminal_error(&tty)),
        "passage du terminal en mode brut : opération impossible sur ce périphérique \
         (erreur système 25)"
    );

    let disk = InspectError::Disk(install::Error::Cancelled);
    assert_eq!(
        in_lang(Lang::Fr, || inspect_error(&disk)),
        "annulé par le technicien"
    );
}

#[test]
fn answer_file_mistakes_in_both_languages() {
    let problems = [
        AnswerProblem::NoAction,
        AnswerProblem::NotAnAction("upgrad".into()),
        AnswerProblem::NoDisk,
        AnswerProblem::NotADiskSelector,
        AnswerProblem::SeveralDisks(3),
        AnswerProblem::NotOffered(Action::Hotfix),
        AnswerProblem::AutoWontErase(PathBuf::from("/dev/sda")),
        AnswerProblem::UnknownKey {
            expected: &["action", "disk"],
        },
        AnswerProblem::Refused(Box::new(Refusal::AlreadyInstalled)),
        AnswerProblem::Mismatch(Box::new(install::AnswerMismatch::NoKey {
            document: "engine.toml".into(),
            key: "net.mtu".into(),
        })),
    ];
    for (i, problem) in problems.into_iter().enumerate() {
        let e = AnswerError {
            source: "ferry/answer.toml".into(),
            line: 3,
            key: if i % 2 == 0 {
                String::new()
            } else {
                "install.action".into()
            },
            problem,
        };
        assert_eq!(in_lang(Lang::En, || answer_error(&e)), e.to_string());
        let fr = in_lang(Lang::Fr, || answer_error(&e));
        assert_ne!(fr, e.to_string());
        assert!(fr.starts_with("ferry/answer.toml, ligne 3"), "{fr}");
    }
    let e = AnswerError {
        source: "ferry/answer.toml".into(),
        line: 2,
        key: "install.action".into(),
        problem: AnswerProblem::NotAnAction("upgrad".into()),
    };
    assert_eq!(
        in_lang(Lang::Fr, || answer_error(&e)),
        "ferry/answer.toml, ligne 2, clé install.action : \"upgrad\" n'est pas une action ; \
         indiquez \"upgrade\", \"install\", \"wipe\", \"repair\" ou \"auto\""
    );
}

/// An upgrade's plan and a wipe's, made by the engine on test images.
fn plans() -> (Vec<Plan>, testkit::engine::Upgradable) {
    let s = testkit::engine::upgradable();
    std::fs::copy(&s.base, &s.work).expect("copy the installed disk");
    let plans = [Action::Upgrade, Action::Wipe]
        .into_iter()
        .map(|a| testkit::engine::plan_for(&s.work, &s.upg, &s.trust, a))
        .collect();
    (plans, s)
}

#[test]
fn plans_and_steps_in_english_are_what_the_log_keeps() {
    let (plans, _keep) = plans();
    for plan in &plans {
        for s in &plan.steps {
            assert_eq!(in_lang(Lang::En, || step(s)), s.title);
        }
        for n in &plan.notes {
            assert_eq!(in_lang(Lang::En, || note(n)), n.to_string());
        }
        for c in plan.migration.iter().flat_map(|m| &m.changes) {
            assert_eq!(in_lang(Lang::En, || change(c)), c.to_string());
        }
        let mut expected: Vec<String> = plan.to_string().lines().map(String::from).collect();
        if plan.action == Action::Wipe {
            expected.insert(
                1,
                format!(
                    "Erased: everything on {}, including its data partition.",
                    plan.disk.display()
                ),
            );
        }
        if let Some(m) = plan.migration.as_ref().filter(|m| !m.diff.is_empty()) {
            expected.push(String::new());
            expected.push("Configuration diff (- now, + after the upgrade):".into());
            expected.extend(m.diff.lines().map(String::from));
        }
        assert_eq!(in_lang(Lang::En, || plan_lines(plan)), expected);
    }
}

#[test]
fn plans_and_steps_in_french() {
    let (plans, _keep) = plans();
    let upgrade = in_lang(Lang::Fr, || plan_lines(&plans[0]));
    assert!(upgrade[0].starts_with("Mettre à jour "), "{upgrade:#?}");
    assert!(upgrade.iter().any(|l| l == "Étapes :"), "{upgrade:#?}");
    assert!(
        upgrade
            .iter()
            .any(|l| l == "  - engine.toml : ajouté network.mtu = 1500"),
        "{upgrade:#?}"
    );
    assert!(
        upgrade.iter().any(
            |l| l.starts_with("   3. Relire l'emplacement b et le comparer au manifeste signé")
        ),
        "{upgrade:#?}"
    );
    let wipe = in_lang(Lang::Fr, || plan_lines(&plans[1]));
    assert!(wipe[0].starts_with("Effacer et réinstaller "), "{wipe:#?}");
    assert!(
        wipe[1].starts_with("Effacé : tout le contenu de "),
        "{wipe:#?}"
    );
    assert!(
        wipe.iter()
            .any(|l| l.starts_with("Remarque : l'installation Ferry de ")),
        "{wipe:#?}"
    );
    for plan in &plans {
        for s in &plan.steps {
            assert_ne!(in_lang(Lang::Fr, || step(s)), s.title, "{:?}", s.kind);
        }
    }
}

#[test]
fn every_step_in_both_languages() {
    use install::{BootChain, StepFacts};
    let slot = detect::layout::Slot::B;
    let all = [
        StepFacts::VerifyPayload {
            bytes: 1 << 30,
            before_erasing: true,
        },
        StepFacts::DiscardData,
        StepFacts::WritePartitionTable {
            disk: PathBuf::from("/dev/sda"),
        },
        StepFacts::FormatEsp {
            file_system: "FAT32",
        },
        StepFacts::FormatConfig {
            file_system: "FAT16",
        },
        StepFacts::FormatData {
            file_system: "FAT32",
        },
        StepFacts::MarkSlotWriting { slot },
        StepFacts::WriteSlot {
            product: "acme-router".into(),
            version: payload::Version::new(2, 0, 0),
            slot,
            root_image: 1 << 30,
        },
        StepFacts::ReadBack { slot },
        StepFacts::WriteConfig { slot, schema: None },
        StepFacts::WriteConfig {
            slot,
            schema: Some(3),
        },
        StepFacts::InstallBootLoader {
            chain: BootChain::SystemdBoot,
        },
        StepFacts::InstallBootLoader {
            chain: BootChain::Shim,
        },
        StepFacts::InstallBootLoader {
            chain: BootChain::UpdateShim,
        },
        StepFacts::RecordNewSlot { slot },
        StepFacts::SetDefault {
            slot,
            tries: 3,
            falls_back: true,
        },
        StepFacts::SetDefault {
            slot,
            tries: 3,
            falls_back: false,
        },
        StepFacts::WriteReport,
    ];
    for facts in all {
        let s = Step {
            kind: facts.kind(),
            title: facts.to_string(),
            facts,
        };
        assert_eq!(in_lang(Lang::En, || step(&s)), s.title);
        assert_ne!(in_lang(Lang::Fr, || step(&s)), s.title);
    }
}

#[test]
fn every_configuration_change_in_both_languages() {
    use migrate::{Change, ChangeKind as K};
    let s = |x: &str| x.to_string();
    let kinds = [
        K::Renamed {
            key: s("net.ip"),
            to: s("net.address"),
        },
        K::Moved {
            key: s("ntp"),
            to_file: None,
            to: s("time.ntp"),
        },
        K::Moved {
            key: s("ntp"),
            to_file: Some(s("time.toml")),
            to: s("ntp"),
        },
        K::Split {
            key: s("listen"),
            into: vec![(s("host"), s("\"0.0.0.0\"")), (s("port"), s("80"))],
        },
        K::Added {
            key: s("net.mtu"),
            value: s("1500"),
        },
        K::Dropped {
            key: s("legacy"),
            was: s("true"),
        },
        K::Mapped {
            key: s("log.level"),
            from: s("\"warn\""),
            to: s("\"warning\""),
        },
        K::Schema { from: 1, to: 2 },
    ];
    for kind in kinds {
        let c = Change {
            file: s("engine.toml"),
            from_schema: 1,
            to_schema: 2,
            kind,
        };
        assert_eq!(in_lang(Lang::En, || change(&c)), c.to_string());
        let fr = in_lang(Lang::Fr, || change(&c));
        assert!(fr.starts_with("engine.toml : "), "{fr}");
    }
}

#[test]
fn every_plan_note_in_english_is_what_the_log_keeps_and_french_differs() {
    let notes = samples::plan_notes();
    assert!(notes.len() > 40, "{} notes", notes.len());
    for n in &notes {
        let english = in_lang(Lang::En, || note(n));
        assert_eq!(english, n.to_string());
        assert_ne!(in_lang(Lang::Fr, || note(n)), english, "{n:?}");
    }
    let problems = notes
        .iter()
        .find(|n| matches!(n, install::PlanNote::TableReplaced { problems } if problems.len() == 4))
        .expect("a table with four problems");
    assert!(
        in_lang(Lang::Fr, || note(problems)).contains("et un autre problème"),
        "{}",
        in_lang(Lang::Fr, || note(problems))
    );
    assert!(problems.to_string().contains("and 1 more problem)"));
}

#[test]
fn a_truncated_payload_says_where_it_stops_in_french() {
    let cut = |cut| install::Error::Payload(payload::Error::Truncated { cut, at: 512 });
    assert_eq!(
        in_lang(Lang::Fr, || error(&cut(payload::Cut::Header(
            payload::Section::Manifest
        )))),
        "le paquet est tronqué : le fichier s'arrête avant l'octet 512, dans l'en-tête du manifeste"
    );
    let e = cut(payload::Cut::Bytes {
        component: "rootfs.img".into(),
        chunk: Some(3),
        start: 10,
        end: 20,
    });
    assert_eq!(
        in_lang(Lang::En, || error(&e)),
        "the payload: the payload ends early: component 'rootfs.img' (chunk 3, bytes 10..20) \
         (the file stops before byte 512)"
    );
    assert_eq!(e.to_string(), in_lang(Lang::En, || error(&e)));
}

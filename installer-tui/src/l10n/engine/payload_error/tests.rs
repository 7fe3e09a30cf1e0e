//! Every payload failure in both languages: the English is what the log
//! and the reports keep, the French says each fact in French.

use std::io;
use std::sync::Arc;

use install::samples;

use super::payload_error;
use crate::l10n::engine::refusal;
use crate::l10n::{in_lang, Lang};

/// One payload failure of every variant of every reason.
fn failures() -> Vec<payload::Error> {
    use payload::Error as E;
    let mut all: Vec<E> = samples::not_payloads()
        .into_iter()
        .map(E::NotAPayload)
        .collect();
    all.extend(samples::damages().into_iter().map(|reason| E::Container {
        offset: 512,
        reason,
    }));
    all.extend(samples::manifest_problems().into_iter().map(E::Manifest));
    all.extend(
        samples::signature_problems()
            .into_iter()
            .map(E::SignatureFormat),
    );
    all.extend(samples::key_problems().into_iter().map(E::Key));
    all.extend(samples::layout_problems().into_iter().map(E::Layout));
    all.extend(
        samples::frame_problems()
            .into_iter()
            .map(|reason| E::BadFrame {
                component: "root.img".into(),
                chunk: 3,
                start: 3 << 20,
                end: 4 << 20,
                reason,
            }),
    );
    all.extend(samples::io_contexts().into_iter().map(|context| E::Io {
        context,
        source: io::Error::from(io::ErrorKind::PermissionDenied),
    }));
    all.extend(samples::build_problems().into_iter().map(E::Build));
    all
}

/// The reason a failure carries, as its `Display` gives it, when that
/// is more than a parser's own words.
fn reason(e: &payload::Error) -> Option<String> {
    use payload::{Error as E, ManifestProblem as M, SignatureProblem as S};
    match e {
        E::Manifest(M::Syntax(s)) | E::SignatureFormat(S::Syntax(s)) if s.at.is_none() => None,
        E::NotAPayload(r) => Some(r.to_string()),
        E::Container { reason, .. } => Some(reason.to_string()),
        E::Manifest(p) => Some(p.to_string()),
        E::SignatureFormat(p) => Some(p.to_string()),
        E::Key(p) => Some(p.to_string()),
        E::Layout(p) => Some(p.to_string()),
        E::BadFrame { reason, .. } => Some(reason.to_string()),
        E::Io { context, .. } => Some(context.to_string()),
        E::Build(p) => Some(p.to_string()),
        _ => None,
    }
}

#[test]
fn english_says_what_the_log_keeps_for_every_reason() {
    let all = failures();
    assert!(all.len() > 120, "{} failures", all.len());
    for e in all {
        assert_eq!(in_lang(Lang::En, || payload_error(&e)), e.to_string());
        let engine = install::Error::Payload(e);
        assert_eq!(
            in_lang(Lang::En, || super::super::failure::error(&engine)),
            engine.to_string()
        );
    }
}

#[test]
fn french_says_every_reason_in_french() {
    for e in failures() {
        let fr = in_lang(Lang::Fr, || payload_error(&e));
        assert_ne!(fr, e.to_string(), "{e:?}");
        if let Some(reason) = reason(&e) {
            assert!(!fr.contains(&reason), "{e:?} keeps its English: {fr}");
        }
    }
}

#[test]
fn french_gives_the_facts_and_keeps_only_a_parsers_words() {
    let fr = |e: &payload::Error| in_lang(Lang::Fr, || payload_error(e));
    let syntax = payload::Error::Manifest(payload::ManifestProblem::Syntax(payload::SyntaxError {
        at: Some(payload::Position { line: 3, column: 7 }),
        message: "expected `=`".into(),
    }));
    assert_eq!(
        fr(&syntax),
        "le manifeste du paquet n'est pas valide : ligne 3, colonne 7 : expected `=`"
    );
    assert_eq!(
        in_lang(Lang::En, || payload_error(&syntax)),
        "the manifest is not valid: line 3, column 7: expected `=`"
    );
    let weak = payload::Error::Key(payload::KeyProblem::Weak {
        file: Some("/etc/ferry/keys/acme.pub".into()),
    });
    assert_eq!(
        fr(&weak),
        "/etc/ferry/keys/acme.pub : la clé publique est un point d'ordre faible : on ne peut \
         pas lui faire confiance"
    );
    let link = payload::Error::Container {
        offset: 1536,
        reason: payload::Damage::NotPlainFile {
            member: "root\nimg".into(),
            kind: payload::MemberKind::Symlink,
        },
    };
    assert_eq!(
        fr(&link),
        "l'enveloppe du paquet est endommagée à l'octet 1536 : le membre « root\\nimg » est un \
         lien symbolique ; un paquet ne contient que des fichiers ordinaires"
    );
    let padding = payload::Error::Container {
        offset: 700,
        reason: payload::Damage::Padding(payload::Section::Component("vmlinuz".into())),
    };
    assert_eq!(
        fr(&padding),
        "l'enveloppe du paquet est endommagée à l'octet 700 : le remplissage après le \
         composant « vmlinuz » contient des données"
    );
    let read = payload::Error::Io {
        context: payload::IoContext::ReadingPart {
            part: payload::Cut::Header(payload::Section::Signature),
            at: 1024,
        },
        source: io::Error::from_raw_os_error(5),
    };
    assert_eq!(
        fr(&read),
        "erreur d'entrée-sortie en lisant l'en-tête de la signature à l'octet 1024 : \
         erreur d'entrée-sortie (erreur système 5)"
    );
}

#[test]
fn a_key_of_the_trust_update_is_said_in_french() {
    let r = install::Refusal::TrustUpdate(Arc::new(payload::Error::Key(
        payload::KeyProblem::ListedNotBase64,
    )));
    assert_eq!(in_lang(Lang::En, || refusal(&r)), r.to_string());
    assert_eq!(
        in_lang(Lang::Fr, || refusal(&r)),
        "la mise à jour des clés du paquet est illisible : une clé publique listée par le \
         manifeste n'est pas du base64 valide"
    );
}

#[test]
fn a_build_that_does_not_verify_says_why_in_french() {
    let e = payload::Error::Build(payload::BuildProblem::WrittenDoesNotVerify(Box::new(
        payload::Error::Layout(payload::LayoutProblem::Missing {
            component: "vmlinuz".into(),
        }),
    )));
    assert_eq!(
        in_lang(Lang::Fr, || payload_error(&e)),
        "le paquet ne peut pas être construit : le paquet écrit ne se vérifie pas (le paquet \
         est endommagé : le composant « vmlinuz » manque (le paquet s'arrête après le \
         précédent)) ; un fichier d'entrée a-t-il changé pendant la construction ?"
    );
}

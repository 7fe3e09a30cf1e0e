//! What detection says about a disk: what else it holds
//! ([`detect::Foreign`]) and what does not add up on it
//! ([`detect::Issue`]), with the catalog's `detect.ftl` messages. Names
//! of formats and systems (`ext4`, `LVM2_member`, `NTFS`, `Windows`),
//! partition names and file names stay as they are. What the GPT's
//! checks found is said with `detect.ftl`; what the FAT reader found with
//! the `fat` crate's renderings
//! (`reading.ftl`) where it is that crate's finding, the state record's
//! problems with `details.ftl`, and the system's errors by their number.

use detect::gpt::{CopyProblem, EntryExtent, EntryProblem, TableSector};
use detect::layout::{self, Slot};
use detect::probe::Filesystem;
use detect::report::{EmptyTable, Foreign, IssueFact};
use detect::{FatProblem, Issue, SlotState, Unreadable};
use std::fmt::Display;

use super::detail;
use crate::l10n::{system_error, t};

/// What a disk holds besides Ferry, in one line.
pub fn foreign(f: &Foreign) -> String {
    match f {
        Foreign::Partitions { count, systems } if systems.is_empty() => {
            t!("detect-foreign-partitions", count = *count)
        }
        Foreign::Partitions { count, systems } => t!(
            "detect-foreign-partitions-like",
            count = *count,
            systems = and(systems.iter().cloned())
        ),
        Foreign::WholeDisk { signatures, table } => {
            let signatures = and(signatures.iter().map(signature));
            match table {
                Some(t) => t!(
                    "detect-foreign-whole-disk-and-table",
                    signatures = signatures,
                    table = empty_table(*t)
                ),
                None => t!("detect-foreign-whole-disk", signatures = signatures),
            }
        }
        Foreign::EmptyTable { table } => {
            t!("detect-foreign-empty-table", table = empty_table(*table))
        }
        Foreign::UnknownData => t!("detect-foreign-unknown-data"),
    }
}

/// What does not add up on a disk, in one line.
pub fn issue(i: &Issue) -> String {
    issue_fact(&i.fact)
}

fn issue_fact(f: &IssueFact) -> String {
    match f {
        IssueFact::SectorSizeDiffers { table, disk } => t!(
            "detect-sector-size-differs",
            table = table.to_string(),
            disk = disk.to_string()
        ),
        IssueFact::PrimaryGptDamaged { problem } => {
            t!("detect-primary-gpt-damaged", cause = copy_problem(problem))
        }
        IssueFact::BackupGptDamaged { problem } => {
            t!("detect-backup-gpt-damaged", cause = copy_problem(problem))
        }
        IssueFact::GptCopiesDiffer => t!("detect-gpt-copies-differ"),
        IssueFact::TableDamaged { problem } => {
            t!("detect-table-damaged", problem = entry_problem(problem))
        }
        IssueFact::PartitionPastEnd {
            partition,
            end,
            disk_size,
        } => t!(
            "detect-partition-past-end",
            partition = partition.to_string(),
            end = end.to_string(),
            size = disk_size.to_string()
        ),
        IssueFact::PartitionsOverlap { a, b } => t!(
            "detect-partitions-overlap",
            a = a.to_string(),
            b = b.to_string()
        ),
        IssueFact::MoreOverlaps { count } => t!("detect-more-overlaps", count = *count),
        IssueFact::MissingPartition { name } => {
            t!("detect-missing-partition", name = name.as_str())
        }
        IssueFact::DuplicatePartition { name, count, used } => t!(
            "detect-duplicate-partition",
            name = name.as_str(),
            count = *count,
            used = used.to_string()
        ),
        IssueFact::WrongPartitionType {
            partition,
            found,
            expected,
        } => t!(
            "detect-wrong-partition-type",
            partition = partition.to_string(),
            found = found.as_str(),
            expected = expected.as_str()
        ),
        IssueFact::FatCutOff { partition, .. } => {
            t!("detect-fat-cut-off", partition = partition.to_string())
        }
        IssueFact::FatUnreadable {
            partition, problem, ..
        } => t!(
            "detect-fat-unreadable",
            partition = partition.to_string(),
            cause = fat_problem(problem)
        ),
        IssueFact::EspFilesUnreadable { problem } => {
            t!("detect-esp-files-unreadable", cause = fat_problem(problem))
        }
        IssueFact::StateMissing => t!("detect-state-missing", path = layout::STATE_PATH),
        IssueFact::StateFileUnreadable { problem } => {
            t!("detect-state-unreadable", cause = fat_problem(problem))
        }
        IssueFact::StateUnreadable { problem } => detail::state(&problem.error()),
        IssueFact::SlotPartitionMissing { slot, release } => t!(
            "detect-slot-partition-missing",
            slot = slot.to_string(),
            release = release_note(release.as_ref()),
            partition = slot.partition_name()
        ),
        IssueFact::ConfigDirMissing { slot, state } => t!(
            "detect-config-dir-missing",
            slot = slot.to_string(),
            state = slot_state(*state),
            dir = slot.config_dir()
        ),
        IssueFact::HalfWrittenSlot { slot, release } => t!(
            "detect-half-written-slot",
            slot = slot.to_string(),
            release = release_note(release.as_ref())
        ),
        IssueFact::SeveralBootEntries { slot, files } => t!(
            "detect-several-boot-entries",
            slot = slot.to_string(),
            count = files.len(),
            files = files.join(", ")
        ),
        IssueFact::NoBootEntry { slot, state } => t!(
            "detect-no-boot-entry",
            slot = slot.to_string(),
            state = slot_state(*state)
        ),
        IssueFact::GoodSlotFailed { slot, tries } => t!(
            "detect-good-slot-failed",
            slot = slot.to_string(),
            tries = *tries
        ),
        IssueFact::EmptySlotBootable { slot, state } => t!(
            "detect-empty-slot-bootable",
            slot = slot.to_string(),
            state = slot_state(*state)
        ),
        IssueFact::SlotFailedToBoot {
            slot,
            release,
            tries,
            still_default,
        } => failed_to_boot(*slot, release.as_ref(), *tries, *still_default),
        IssueFact::DefaultMatchesNoEntry { default } => t!(
            "detect-default-matches-no-entry",
            default = format!("{default:?}"),
            file = layout::LOADER_CONF_PATH
        ),
        IssueFact::DefaultNotActive { active, default } => t!(
            "detect-default-not-active",
            active = active.to_string(),
            default = default.to_string()
        ),
        IssueFact::SeveralInstalls { others } => {
            t!("detect-several-installs", others = others.join(", "))
        }
    }
}

fn failed_to_boot(
    slot: Slot,
    release: Option<&impl Display>,
    tries: u32,
    still_default: bool,
) -> String {
    let (slot_name, release) = (slot.to_string(), release_note(release));
    if still_default {
        t!(
            "detect-slot-failed-still-default",
            slot = slot_name,
            release = release,
            tries = tries
        )
    } else {
        t!(
            "detect-slot-failed-to-boot",
            slot = slot_name,
            release = release,
            tries = tries,
            other = slot.other().to_string()
        )
    }
}

/// Why a copy of the GPT is unusable.
fn copy_problem(p: &CopyProblem) -> String {
    use CopyProblem as C;
    match p {
        C::TooShort => t!("detect-gpt-too-short"),
        C::NoSignature => t!("detect-gpt-no-signature"),
        C::HeaderSize { size } => t!("detect-gpt-header-size", size = size.to_string()),
        C::HeaderChecksum => t!("detect-gpt-header-checksum"),
        C::WrongPlace { says, read_from } => t!(
            "detect-gpt-wrong-place",
            says = says.to_string(),
            read_from = read_from.to_string()
        ),
        C::EntrySize { size } => t!("detect-gpt-entry-size", size = size.to_string()),
        C::ArrayTooLarge { bytes } => {
            t!("detect-gpt-array-too-large", bytes = bytes.to_string())
        }
        C::UsableReversed => t!("detect-gpt-usable-reversed"),
        C::ArrayBeyondEnd => t!("detect-gpt-array-beyond-end"),
        C::ArrayOverlapsHeader => t!("detect-gpt-array-overlaps-header"),
        C::AreaIncludes {
            first,
            last,
            what,
            lba,
        } => t!(
            "detect-gpt-area-includes",
            first = first.to_string(),
            last = last.to_string(),
            what = table_sector(*what),
            lba = lba.to_string()
        ),
        C::AreaIncludesArray {
            first,
            last,
            array_first,
            array_last,
        } => t!(
            "detect-gpt-area-includes-array",
            first = first.to_string(),
            last = last.to_string(),
            array_first = array_first.to_string(),
            array_last = array_last.to_string()
        ),
        C::SectorBeyondEnd { lba } => t!("detect-gpt-sector-beyond-end", lba = lba.to_string()),
        C::ReadSector { lba, error } => t!(
            "detect-gpt-read-sector",
            lba = lba.to_string(),
            error = system_error(error)
        ),
        C::BackupBeyondEnd { lba, sectors } => t!(
            "detect-gpt-backup-beyond-end",
            lba = lba.to_string(),
            sectors = sectors.to_string()
        ),
        C::ArrayPastEnd => t!("detect-gpt-array-past-end"),
        C::ReadArray { error } => t!("detect-gpt-read-array", error = system_error(error)),
        C::ArrayChecksum => t!("detect-gpt-array-checksum"),
    }
}

/// A sector of the GPT itself.
fn table_sector(s: TableSector) -> String {
    match s {
        TableSector::ProtectiveMbr => t!("detect-gpt-sector-protective-mbr"),
        TableSector::ThisHeader => t!("detect-gpt-sector-this-header"),
        TableSector::OtherHeader => t!("detect-gpt-sector-other-header"),
    }
}

/// Why a FAT partition, a file or a directory on it cannot be read.
pub(super) fn fat_problem(p: &FatProblem) -> String {
    use FatProblem as P;
    match p {
        P::BootSectorUnreadable { error } => t!(
            "detect-fat-boot-sector-unreadable",
            error = system_error(error)
        ),
        // The `fat` crate's findings, in its words.
        P::NotFat { .. }
        | P::ChainLoop { .. }
        | P::BadLink { .. }
        | P::TooManyClusters { .. }
        | P::BadStart { .. }
        | P::TooManyDirectories { .. } => {
            p.fat_error().map(|e| detail::fat(&e)).unwrap_or_default()
        }
        P::LargerThanPartition { size, partition } => t!(
            "detect-fat-larger-than-partition",
            size = size.to_string(),
            partition = partition.to_string()
        ),
        P::Io { what, error } => t!(
            "fat-io",
            what = detail::fat_access(what),
            detail = system_error(error)
        ),
        P::Rewind { error } => t!("detect-fat-rewind", error = system_error(error)),
        P::Refused { error } => t!("detect-fat-refused", error = system_error(error)),
        P::OpenFile { path, error } => t!(
            "detect-fat-open-file",
            path = path.as_str(),
            error = system_error(error)
        ),
        P::ReadFile { path, error } => t!(
            "detect-fat-read-file",
            path = path.as_str(),
            error = system_error(error)
        ),
        P::FileTooLarge { path, max } => t!(
            "detect-fat-file-too-large",
            path = path.as_str(),
            max = max.to_string()
        ),
        P::OpenDirectory { path, error } => t!(
            "detect-fat-open-directory",
            path = path.as_str(),
            error = system_error(error)
        ),
        P::List { path, error } => t!(
            "detect-fat-list",
            path = path.as_str(),
            error = system_error(error)
        ),
    }
}

/// What the GPT's checks found wrong with its entries.
fn entry_problem(p: &EntryProblem) -> String {
    match p {
        EntryProblem::EndsBeforeStart { part } => {
            t!("detect-entry-ends-before-start", part = extent(part))
        }
        EntryProblem::PastEnd { part, disk_sectors } => t!(
            "detect-entry-past-end",
            part = extent(part),
            sectors = disk_sectors.to_string()
        ),
        EntryProblem::OutsideUsable {
            part,
            first_usable,
            last_usable,
        } => t!(
            "detect-entry-outside-usable",
            part = extent(part),
            first = first_usable.to_string(),
            last = last_usable.to_string()
        ),
        EntryProblem::Overlap { a, b } => {
            t!("detect-partitions-overlap", a = extent(a), b = extent(b))
        }
        EntryProblem::MoreBadEntries { count } => {
            t!("detect-entry-more-bad", count = *count)
        }
        EntryProblem::MoreOverlaps { count } => t!("detect-more-overlaps", count = *count),
    }
}

/// `3 (ferry-config, sectors 2048 to 4095)`.
fn extent(e: &EntryExtent) -> String {
    let (first, last) = (e.first_lba.to_string(), e.last_lba.to_string());
    if e.name.is_empty() {
        t!(
            "detect-extent",
            index = e.index.to_string(),
            first = first,
            last = last
        )
    } else {
        t!(
            "detect-extent-named",
            index = e.index.to_string(),
            name = e.name.as_str(),
            first = first,
            last = last
        )
    }
}

/// ` (release 1.2.0)` after a slot, or nothing.
fn release_note(v: Option<&impl Display>) -> String {
    match v {
        Some(v) => format!(" {}", t!("detect-release", version = v.to_string())),
        None => String::new(),
    }
}

fn slot_state(s: SlotState) -> String {
    t!("engine-slot-state", state = s.name())
}

fn empty_table(t: EmptyTable) -> String {
    match t {
        EmptyTable::Mbr => t!("detect-empty-mbr"),
        EmptyTable::Gpt => t!("detect-empty-gpt"),
    }
}

/// `ext4 labelled "home"`, or `ext4`: the label as the English says it,
/// quoted with its special characters escaped (a label is the disk's,
/// not ours).
fn signature(f: &Filesystem) -> String {
    match &f.label {
        Some(l) => t!(
            "detect-signature-labelled",
            kind = f.kind.as_str(),
            label = format!("{l:?}")
        ),
        None => f.kind.clone(),
    }
}

/// Why a disk could not be read. The system's error is said by its
/// number.
pub fn unreadable(u: &Unreadable) -> String {
    match u {
        Unreadable::Open { path, error } => t!(
            "detect-unreadable-open",
            path = path.display().to_string(),
            cause = system_error(error)
        ),
        Unreadable::SectorSize { path, error } => t!(
            "detect-unreadable-sector-size",
            path = path.display().to_string(),
            cause = system_error(error)
        ),
        Unreadable::Size { path, error } => t!(
            "detect-unreadable-size",
            path = path.display().to_string(),
            cause = system_error(error)
        ),
        Unreadable::Empty => t!("detect-unreadable-empty"),
        Unreadable::SmallerThanASector { size } => {
            t!(
                "detect-unreadable-smaller-than-a-sector",
                size = size.to_string()
            )
        }
        Unreadable::FirstSector { error } => t!(
            "detect-unreadable-first-sector",
            cause = system_error(error)
        ),
        Unreadable::Probe { error } => {
            t!("detect-unreadable-probe", cause = system_error(error))
        }
        Unreadable::At { at, error } => t!(
            "detect-unreadable-at",
            at = at.to_string(),
            cause = system_error(error)
        ),
        Unreadable::GptDamaged { primary, backup } => t!(
            "detect-unreadable-gpt-damaged",
            primary = copy_problem(primary),
            backup = copy_problem(backup)
        ),
        Unreadable::ProtectiveWithoutGpt => t!("detect-unreadable-protective-without-gpt"),
    }
}

/// A damaged partition table's problems, the first three and how many
/// more, as [`install::problem_list`] says them in English.
pub fn problem_list(problems: &[EntryProblem]) -> String {
    const SHOWN: usize = install::PROBLEMS_SHOWN;
    let mut text: Vec<String> = problems.iter().take(SHOWN).map(entry_problem).collect();
    if problems.len() > SHOWN {
        text.push(t!("detect-more-problems", count = problems.len() - SHOWN));
    }
    text.join("; ")
}

/// `a`, `a and b`, `a and b and c`, as the English says a list.
fn and(items: impl IntoIterator<Item = String>) -> String {
    items
        .into_iter()
        .reduce(|first, next| t!("detect-and", first = first, next = next))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use detect::{samples, Issue};

    use super::{entry_problem, foreign, issue, unreadable};
    use crate::l10n::{in_lang, Lang};

    #[test]
    fn english_says_what_detection_prints() {
        for f in samples::foreign() {
            assert_eq!(in_lang(Lang::En, || foreign(&f)), f.to_string(), "{f:?}");
        }
        for fact in samples::issue_facts() {
            let i = Issue::new(fact);
            assert_eq!(in_lang(Lang::En, || issue(&i)), i.to_string(), "{i:?}");
        }
        for p in samples::entry_problems() {
            assert_eq!(in_lang(Lang::En, || entry_problem(&p)), p.to_string());
        }
        for u in samples::unreadable() {
            assert_eq!(in_lang(Lang::En, || unreadable(&u)), u.to_string());
        }
    }

    #[test]
    fn french_says_every_fact_in_french() {
        for f in samples::foreign() {
            let fr = in_lang(Lang::Fr, || foreign(&f));
            assert_ne!(fr, f.to_string(), "{f:?} is not translated");
        }
        for fact in samples::issue_facts() {
            let i = Issue::new(fact);
            let fr = in_lang(Lang::Fr, || issue(&i));
            assert_ne!(fr, i.to_string(), "{i:?} is not translated");
        }
        for u in samples::unreadable() {
            let fr = in_lang(Lang::Fr, || unreadable(&u));
            assert_ne!(fr, u.to_string(), "{u:?} is not translated");
        }
    }

    #[test]
    fn french_keeps_the_names_and_numbers() {
        let found = samples::foreign();
        assert_eq!(
            in_lang(Lang::Fr, || foreign(&found[2])),
            "5 partitions, qui ressemblent à Windows et Linux"
        );
        assert_eq!(
            in_lang(Lang::Fr, || foreign(&found[0])),
            "1 partition d'un autre système"
        );
        assert_eq!(
            in_lang(Lang::Fr, || foreign(&found[5])),
            "Linux RAID member (md 1.0) et FAT32 nommé \"STICK\" et BitLocker sur le disque \
             entier, et une table de partitions MBR vide"
        );
        let facts = samples::issue_facts();
        let fr = |i: usize| in_lang(Lang::Fr, || issue(&Issue::new(facts[i].clone())));
        assert_eq!(
            fr(4),
            "la partition 2 finit à l'octet 21474836480, mais le disque n'a que 8589934592 \
             octets (image tronquée ou mauvaise taille de disque)"
        );
        assert_eq!(fr(6), "1 autre paire de partitions se chevauche");
        assert_eq!(
            fr(23),
            "l'emplacement b (version 1.2.0) n'a pas démarré (3 essais) ; la machine démarre \
             l'emplacement a à la place"
        );
        assert_eq!(
            fr(1),
            "la GPT principale est endommagée (la somme de contrôle de l'en-tête est fausse) ; \
             les partitions ont été lues dans la copie de secours, intacte"
        );
        assert_eq!(
            fr(12),
            "la partition 1 (ferry-esp) est illisible : le système de fichiers FAT est \
             endommagé : ses chaînes de clusters forment une boucle (le cluster 7 ramène au \
             cluster 3) ; réparez-le avec fsck.fat ou reformatez la partition"
        );
        assert_eq!(
            fr(13),
            "les fichiers de démarrage de l'ESP sont illisibles : le contenu du dossier \
             loader/entries ne peut pas être lu : erreur d'entrée-sortie (erreur système 5)"
        );
        let why = samples::unreadable();
        assert_eq!(
            in_lang(Lang::Fr, || unreadable(&why[6])),
            "le disque ne peut pas être lu pour y chercher des systèmes de fichiers : \
             message du système : failed to fill whole buffer"
        );
        // A sector number past what a float holds is said exactly.
        let past_end = samples::entry_problems()[1].clone();
        assert!(
            in_lang(Lang::Fr, || entry_problem(&past_end)).contains("18446744073709551614"),
            "{past_end:?}"
        );
    }
}

//! The Demo Engine's shipped configurations and migrations: every chain,
//! hand-edited fixtures, golden diffs.
#![allow(clippy::unwrap_used)]

mod common;

use common::{assert_golden, demo_config, demo_migrations, fixture, text};
use migrate::{plan, plan_upgrade, ConfigTree, Error, MigrationPlan};

/// Releases and the schema each writes.
const RELEASES: [(&str, u32); 2] = [("1.1.0", 2), ("2.0.0", 3)];

/// Documents as plain TOML values: what the product reads, layout aside.
fn meaning(tree: &ConfigTree) -> Vec<(String, toml::Value)> {
    tree.iter()
        .filter(|(name, _)| name.ends_with(".toml"))
        .map(|(name, bytes)| {
            let value = toml::from_str(std::str::from_utf8(bytes).unwrap()).unwrap();
            (name.to_owned(), value)
        })
        .collect()
}

/// (name, pv_drivers_not_upgradable) of every VM, whatever its layout.
fn pv_flags(tree: &ConfigTree) -> Vec<(String, Option<bool>)> {
    let vms: toml::Table = toml::from_str(text(tree, "vms.toml")).unwrap();
    vms["vm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vm| {
            let name = vm["name"].as_str().unwrap().to_owned();
            (
                name,
                vm.get("pv_drivers_not_upgradable")
                    .and_then(toml::Value::as_bool),
            )
        })
        .collect()
}

#[test]
fn migrated_defaults_mean_the_same_as_the_shipped_ones() {
    for (release, schema) in RELEASES {
        let set = demo_migrations(release);
        assert_eq!(set.schema(), schema);
        for from in 1..=schema {
            let plan = plan(&set, from, schema, &demo_config(from)).unwrap();
            assert_eq!(
                meaning(plan.migrated()),
                meaning(&demo_config(schema)),
                "release {release}, defaults of schema {from}"
            );
        }
    }
}

#[test]
fn every_chain_matches_its_golden_diff_and_change_list() {
    let cases: [(&str, &str, ConfigTree); 5] = [
        ("defaults-1", "1.1.0", demo_config(1)),
        ("defaults-1", "2.0.0", demo_config(1)),
        ("defaults-2", "2.0.0", demo_config(2)),
        ("edited-1.0.0", "2.0.0", fixture("demo-1.0.0-edited")),
        ("edited-1.1.0", "2.0.0", fixture("demo-1.1.0-edited")),
    ];
    for (name, release, source) in cases {
        let plan = plan_upgrade(&demo_migrations(release), &source).unwrap();
        let stem = format!("{name}.release-{release}");
        assert_golden(&format!("{stem}.diff"), &plan.diff());
        assert_golden(&format!("{stem}.changes"), &plan.to_string());
    }
    let plan = plan_upgrade(&demo_migrations("1.1.0"), &fixture("demo-1.0.0-edited")).unwrap();
    assert_golden("edited-1.0.0.release-1.1.0.diff", &plan.diff());
}

#[test]
fn stepwise_upgrades_give_the_same_files_as_one_jump() {
    for source in [demo_config(1), fixture("demo-1.0.0-edited")] {
        let first = plan_upgrade(&demo_migrations("1.1.0"), &source).unwrap();
        let second = plan_upgrade(&demo_migrations("2.0.0"), first.migrated()).unwrap();
        let direct = plan_upgrade(&demo_migrations("2.0.0"), &source).unwrap();
        assert_eq!(second.migrated(), direct.migrated());
    }
}

#[test]
fn pv_drivers_flag_survives_every_step() {
    let sources = [
        demo_config(1),
        demo_config(2),
        fixture("demo-1.0.0-edited"),
        fixture("demo-1.1.0-edited"),
    ];
    for source in sources {
        let before = pv_flags(&source);
        assert!(before.iter().any(|(_, flag)| *flag == Some(true)));
        let from = source.schema().unwrap();
        for (release, schema) in RELEASES {
            for to in from..=schema {
                let plan = plan(&demo_migrations(release), from, to, &source).unwrap();
                assert_eq!(
                    pv_flags(plan.migrated()),
                    before,
                    "{release}: {from} to {to}"
                );
            }
        }
    }
}

#[test]
fn hand_edits_comments_and_unknown_keys_are_carried_over() {
    let source = fixture("demo-1.0.0-edited");
    let plan = plan_upgrade(&demo_migrations("2.0.0"), &source).unwrap();
    let engine = text(plan.migrated(), "engine.toml");
    for kept in [
        "# Site: Lyon lab, rack 4 -- edited by hand, keep these notes.",
        "hostname = \"lyon-engine-07\"   # asset tag 4711",
        "# Not a key the product knows; local inventory script reads it.\nasset-owner = \"lab-ops\"",
        "address = \"192.168.40.17\"   # static lease, ticket NET-118\nprefix-length = 23",
        "    \"192.168.40.3\", # secondary\n]\nvlan = 40",
        "# Local additions below.\n[site]\ncontact = \"ops@example.net\"",
    ] {
        assert!(engine.contains(kept), "lost {kept:?} in\n{engine}");
    }
    // The comment on the dropped key goes with it.
    assert!(!engine.contains("legacy-agent"));
    assert!(!engine.contains("The 1.0 agent protocol"));
    let vms = text(plan.migrated(), "vms.toml");
    for kept in [
        "# Old Windows guest: vendor drivers only. Do NOT touch.\n[[vm]]",
        "memory-mib = 1024   # enough for NT",
        "notes = \"migrated from the old cluster in 2019\"",
        // Key order within an element is kept, even an unusual one.
        "disk-gib = 100\nmemory-mib = 4096",
    ] {
        assert!(vms.contains(kept), "lost {kept:?} in\n{vms}");
    }
    // Files that are not documents are carried byte for byte.
    assert_eq!(plan.migrated().get("README.txt"), source.get("README.txt"));
}

#[test]
fn documents_no_step_touches_stay_byte_identical() {
    let source = fixture("demo-1.0.0-edited");
    let plan = plan_upgrade(&demo_migrations("1.1.0"), &source).unwrap();
    assert_eq!(plan.changed_files(), ["engine.toml", "ferry.toml"]);
    assert_eq!(plan.migrated().get("vms.toml"), source.get("vms.toml"));
}

#[test]
fn plan_leaves_the_source_as_it_was() {
    let source = fixture("demo-1.0.0-edited");
    let copy = source.clone();
    let plan = plan_upgrade(&demo_migrations("2.0.0"), &source).unwrap();
    assert_eq!(source, copy);
    assert_eq!(plan.source(), &copy);
}

#[test]
fn the_same_schema_migrates_to_an_identical_copy() {
    let source = demo_config(3);
    let plan: MigrationPlan = plan_upgrade(&demo_migrations("2.0.0"), &source).unwrap();
    assert!(plan.changes().is_empty());
    assert_eq!(plan.diff(), "");
    assert_eq!(plan.migrated(), &source);
    assert_eq!(
        plan.to_string(),
        "configuration schema 3: nothing to migrate\n"
    );
}

#[test]
fn a_newer_configuration_is_refused() {
    let err = plan_upgrade(&demo_migrations("1.1.0"), &demo_config(3)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoPath {
                from: 3,
                to: 2,
                reason: migrate::NoPath::Downgrade
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "cannot migrate the configuration from schema 3 to schema 2: \
         the configuration is newer than this release; downgrades are not supported"
    );
}

#[test]
fn the_recorded_schema_must_match_the_one_asked_for() {
    let err = plan(&demo_migrations("2.0.0"), 2, 3, &demo_config(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ferry.toml: the configuration is at schema 1, but schema 2 was expected"
    );
}

//! `installer-tui migrate --dry-run`: the configuration changes an upgrade
//! would make, shown without writing anything.

use std::fs::File;

use anyhow::{anyhow, bail, Context, Result};
use migrate::{ConfigTree, MigrationSet};
use payload::{PayloadReader, PublicKey, TrustStore};

use crate::cli::MigrateArgs;

/// Name of the payload component that carries a release's migrations.
pub const MIGRATIONS_COMPONENT: &str = "migrations.toml";

pub fn migrate(args: MigrateArgs) -> Result<()> {
    if !args.dry_run {
        bail!(
            "only --dry-run is offered here: configurations are migrated by an upgrade, \
             which writes the new copy beside the old one"
        );
    }
    let source = ConfigTree::load(&args.from)
        .with_context(|| format!("reading the configuration in {}", args.from.display()))?;
    let mut trust = TrustStore::new();
    for p in &args.trust {
        trust.trust(PublicKey::load(p)?);
    }
    let file =
        File::open(&args.payload).with_context(|| format!("opening {}", args.payload.display()))?;
    let mut reader = PayloadReader::open(std::io::BufReader::new(file), &trust)
        .with_context(|| format!("{} does not verify", args.payload.display()))?;
    let title = reader.manifest().title();
    if reader.manifest().component(MIGRATIONS_COMPONENT).is_none() {
        println!("{title} carries no configuration migrations: the configuration is kept as it is");
        return Ok(());
    }
    // Components before the migrations are verified and passed over: the
    // migrations are believed only once their own chunks have verified.
    let spec = loop {
        let next = reader
            .next_component()
            .map(|c| c.name.clone())
            .ok_or_else(|| anyhow!("{MIGRATIONS_COMPONENT} is listed but was not found"))?;
        if next == MIGRATIONS_COMPONENT {
            let (_, bytes) = reader.read_component_to_vec(migrate::MAX_SPEC_SIZE as u64)?;
            break MigrationSet::parse(&bytes)?;
        }
        reader.skip_component()?;
    };
    let plan = migrate::plan_upgrade(&spec, &source)
        .with_context(|| format!("migrating {} for {title}", args.from.display()))?;
    println!("{title}: {plan}");
    let diff = plan.diff();
    if !diff.is_empty() {
        println!("{diff}");
    }
    println!("(dry run: nothing was written)");
    Ok(())
}

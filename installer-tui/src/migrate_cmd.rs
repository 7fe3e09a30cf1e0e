//! `installer-tui migrate --dry-run`: the configuration changes an upgrade
//! would make, shown without writing anything. The payload is read and the
//! migration decided by the same engine calls an upgrade makes.

use anyhow::{bail, Context, Result};
use migrate::ConfigTree;

use crate::cli::MigrateArgs;

pub fn migrate(args: MigrateArgs) -> Result<()> {
    if !args.dry_run {
        bail!(
            "only --dry-run is offered here: configurations are migrated by an upgrade, \
             which writes the new copy beside the old one"
        );
    }
    let source = ConfigTree::load(&args.from)
        .with_context(|| format!("reading the configuration in {}", args.from.display()))?;
    let trust = payload::TrustStore::load(&args.trust)?;
    let payload = install::open_payload(&args.payload, &trust)
        .with_context(|| format!("{} does not verify", args.payload.display()))?;
    let title = payload.manifest.title();
    let migration = install::config_migration(&payload, &source)
        .with_context(|| format!("migrating {} for {title}", args.from.display()))?;
    match migration {
        None => println!(
            "{title} keeps configuration schema {}: nothing to migrate",
            source.schema()?
        ),
        Some(plan) => {
            println!("{title}: {plan}");
            let diff = plan.diff();
            if !diff.is_empty() {
                println!("{diff}");
            }
        }
    }
    println!("(dry run: nothing was written)");
    Ok(())
}

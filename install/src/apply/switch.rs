//! The steps around the written slot: the state record before and after,
//! the slot's configuration, and the boot entry that makes it the default.

use std::io;

use detect::layout::{self, Role};
use detect::state::{SlotRecord, SlotState, StateRecord};

use super::{on_volume, Run};
use crate::boot;
use crate::device::Device;
use crate::error::{Act, Error, IoContext, Object};
use crate::fatvol;

impl<D: Device + Send> Run<'_, D> {
    /// Write `state.toml` padded to a whole cluster, so that the next
    /// record (almost always the same size) replaces it in place with one
    /// write: an interruption leaves the old or the new record, not a mix.
    fn write_state(&mut self, record: &StateRecord) -> Result<(), Error> {
        let mut text = record.to_toml()?;
        let part = self.part(Role::Config)?;
        let what = || Act::Writing.on(Object::StateRecord);
        on_volume(self.dev, part, what, |fs| {
            let pad = fs.cluster_size() as usize;
            let padded = text.len().div_ceil(pad) * pad;
            text.extend(std::iter::repeat_n('\n', padded - text.len()));
            fatvol::overwrite_file(fs, layout::STATE_PATH, text.as_bytes())
        })?;
        self.dev
            .sync()
            .ctx(|| Act::Flushing.on(Object::StateRecord))
    }

    pub(super) fn mark_writing(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let mut record = plan
            .state_before
            .clone()
            .ok_or_else(|| Error::PlanIncomplete("state record".into()))?;
        if let Some(keep) = plan.keep_slot {
            record.active = keep;
            record.slots.get_mut(keep).state = plan.state_after.slots.get(keep).state;
        }
        *record.slots.get_mut(slot) = SlotRecord {
            state: SlotState::Writing,
            release: Some(plan.to.clone()),
            hotfixes: Vec::new(),
            config_schema: None,
            written_at: Some(self.now),
        };
        self.write_state(&record)?;
        // Now no entry may start the slot while it changes.
        let esp = self.part(Role::Esp)?;
        let what = || Act::Removing.on(Object::BootEntry(slot));
        on_volume(self.dev, esp, what, |fs| {
            let files = fatvol::list_dir(fs, layout::LOADER_ENTRIES_DIR)?;
            // With the leftovers of an entry an interrupted run was writing.
            let partial = files.iter().filter(|f| f.ends_with(".conf.part")).cloned();
            for f in boot::entries_of(&files, slot).into_iter().chain(partial) {
                fatvol::remove_all(fs, &format!("{}/{f}", layout::LOADER_ENTRIES_DIR))?;
            }
            fatvol::remove_all(fs, slot.name())
        })?;
        let config = self.part(Role::Config)?;
        let dir = slot.config_dir();
        let what = || Act::Removing.on(Object::ConfigFile(format!("{dir}/")));
        on_volume(self.dev, config, what, |fs| fatvol::remove_all(fs, &dir))
    }

    pub(super) fn write_config(&mut self) -> Result<(), Error> {
        let dir = self.plan.slot.config_dir();
        let part = self.part(Role::Config)?;
        let config = &self.plan.config;
        let what = || Act::Writing.on(Object::ConfigFile(format!("{dir}/")));
        on_volume(self.dev, part, what, |fs| {
            fatvol::remove_all(fs, &dir)?;
            fatvol::create_dirs(fs, &dir)?;
            for (name, bytes) in config.iter() {
                fatvol::write_file(fs, &format!("{dir}/{name}"), bytes)?;
            }
            Ok::<(), io::Error>(())
        })
    }

    /// Record the new slot as `new` and active in the state record. The
    /// boot loader does not know about it yet: that is `set_default`.
    pub(super) fn record_new_slot(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let mut record = plan.state_after.clone();
        if plan.new_table {
            record.installed_at = self.now;
        }
        record.slots.get_mut(plan.slot).written_at = Some(self.now);
        self.write_state(&record)
    }

    /// The switch: write the new slot's loader entry with boot counting and
    /// a generation above every other entry, so the boot loader starts it
    /// next (and falls back by itself once its tries are used up). The
    /// entry is written under a name the boot loader ignores and renamed
    /// once complete, so it never sees half an entry.
    pub(super) fn set_default(&mut self) -> Result<(), Error> {
        let plan = self.plan;
        let slot = plan.slot;
        let root = Role::Root(slot);
        let part = plan
            .partition(root)
            .ok_or_else(|| Error::PlanIncomplete(root.partition_name().to_string()))?;
        let entry = boot::entry_text(
            &plan.entry_title,
            &plan.to.to_string(),
            slot,
            &part.part_guid,
            &plan.cmdline,
        );
        let esp = self.part(Role::Esp)?;
        let what = || Act::Writing.on(Object::BootEntry(slot));
        let (part_file, file) = on_volume(self.dev, esp, what, |fs| {
            let conf = boot::loader_conf();
            fatvol::overwrite_file(fs, layout::LOADER_CONF_PATH, conf.as_bytes())?;
            let files = fatvol::list_dir(fs, layout::LOADER_ENTRIES_DIR)?;
            let name = boot::new_entry_file(slot, boot::next_generation(&files));
            let file = format!("{}/{name}", layout::LOADER_ENTRIES_DIR);
            let part_file = format!("{file}.part");
            fatvol::write_file(fs, &part_file, entry.as_bytes())?;
            Ok::<_, io::Error>((part_file, file))
        })?;
        self.dev.sync().ctx(|| Act::Flushing.on(Object::Esp))?;
        on_volume(self.dev, esp, what, |fs| {
            fatvol::rename(fs, &part_file, &file)
        })?;
        self.dev.sync().ctx(|| Act::Flushing.on(Object::Esp))
    }
}

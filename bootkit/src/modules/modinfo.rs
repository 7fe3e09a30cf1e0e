//! The `.modinfo` section of a kernel module (ELF64): its dependencies,
//! soft dependencies and aliases.

use anyhow::{anyhow, bail, Result};

/// The `key=value` strings of an ELF64 module's `.modinfo` section.
pub fn modinfo(elf: &[u8]) -> Result<Vec<(String, String)>> {
    let u16_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 2).ok_or_else(|| anyhow!("truncated ELF"))?;
        Ok(u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 4).ok_or_else(|| anyhow!("truncated ELF"))?;
        Ok(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let u64_at = |o: usize| -> Result<u64> {
        let b = elf.get(o..o + 8).ok_or_else(|| anyhow!("truncated ELF"))?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    };
    if elf.get(..5) != Some(b"\x7fELF\x02") || elf.get(5) != Some(&1) {
        bail!("not a little-endian 64-bit ELF module");
    }
    let to = |v: u64| usize::try_from(v).map_err(|_| anyhow!("ELF offset too large"));
    let shoff = to(u64_at(0x28)?)?;
    let shentsize = to(u16_at(0x3a)?)?;
    let shnum = to(u16_at(0x3c)?)?;
    let shstrndx = to(u16_at(0x3e)?)?;
    let section = |i: usize| -> Result<(u64, usize, usize)> {
        let h = shoff + i * shentsize;
        Ok((u32_at(h)?, to(u64_at(h + 0x18)?)?, to(u64_at(h + 0x20)?)?))
    };
    let (_, str_off, str_size) = section(shstrndx)?;
    let names = elf
        .get(str_off..str_off + str_size)
        .ok_or_else(|| anyhow!("truncated section names"))?;
    for i in 0..shnum {
        let (name, off, size) = section(i)?;
        let name = names.get(to(name)?..).unwrap_or_default();
        if name.starts_with(b".modinfo\0") {
            let data = elf
                .get(off..off + size)
                .ok_or_else(|| anyhow!("truncated .modinfo"))?;
            return Ok(data
                .split(|b| *b == 0)
                .filter_map(|s| {
                    let s = std::str::from_utf8(s).ok()?;
                    let (k, v) = s.split_once('=')?;
                    Some((k.to_string(), v.to_string()))
                })
                .collect());
        }
    }
    bail!("no .modinfo section: not a kernel module")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::testdata::fake_module;

    #[test]
    fn non_elf_is_refused() {
        assert!(modinfo(b"hello").is_err());
    }

    #[test]
    fn the_fake_module_reads_like_a_real_one() {
        let m = fake_module(&["depends=libata,scsi_mod", "alias=pci:v*"]);
        assert_eq!(
            modinfo(&m).unwrap(),
            vec![
                ("depends".to_string(), "libata,scsi_mod".to_string()),
                ("alias".to_string(), "pci:v*".to_string())
            ]
        );
    }
}

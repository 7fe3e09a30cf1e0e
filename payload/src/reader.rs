//! Reading a payload: the signature is checked before anything else is
//! believed, then components stream through chunk by chunk, each chunk
//! released to the caller only once its checksum matched.

use std::io::Read;

use crate::chunks::for_each_chunk_in;
use crate::container::{
    member_mtime, HeaderField, Member, Source, BLOCK, MANIFEST_NAME, RECORD, SIGNATURE_NAME,
};
use crate::frames::{check_frames, read_frames, Piece};
use crate::keys::Fingerprint;
use crate::manifest::{Chunk, Component, Compression, Manifest, Sha256Digest, MAX_MANIFEST_BYTES};
use crate::signature::{SignatureFile, TrustStore, MAX_SIGNATURE_BYTES};
use crate::{
    Cut, Damage, Error, IoContext, LayoutProblem, ManifestProblem, NotPayload, Section,
    SignatureProblem,
};

/// A payload whose manifest has verified, with its components still to read.
#[derive(Debug)]
pub struct PayloadReader<R> {
    src: Source<R>,
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    signers: Vec<Fingerprint>,
    /// The modification time every member header must carry.
    mtime: u64,
    next: usize,
}

/// What `PayloadReader::finish` proves: every byte of the file was read and
/// matched the manifest signed by `signers`.
#[derive(Debug, Clone)]
pub struct Verified {
    pub manifest: Manifest,
    /// The first of `signers`.
    pub signer: Fingerprint,
    /// Every trusted key whose signature verified, in the order of the
    /// signature file; never empty.
    pub signers: Vec<Fingerprint>,
    /// Length of the payload file in bytes.
    pub length: u64,
}

impl<R: Read> PayloadReader<R> {
    /// Reads the manifest and its signature and verifies them against
    /// `trust`. Nothing of the manifest is parsed before its signature is
    /// known good.
    pub fn open(src: R, trust: &TrustStore) -> Result<PayloadReader<R>, Error> {
        let mut src = Source::new(src);
        let (manifest_bytes, sig_bytes, head_mtime) = read_head(&mut src)?;
        let sigs = SignatureFile::parse(&sig_bytes)?;
        let signers = trust.verify(&manifest_bytes, &sigs)?;
        let manifest = Manifest::parse(&manifest_bytes)?;
        let mtime = manifest.created_time().map(member_mtime).ok_or_else(|| {
            Error::Manifest(ManifestProblem::Created {
                created: manifest.created.clone(),
            })
        })?;
        // The headers are not signed; their time must be the signed one.
        if head_mtime != mtime {
            return Err(Error::NonCanonicalHeader {
                offset: 0,
                member: MANIFEST_NAME.into(),
                field: HeaderField::Mtime,
            });
        }
        Ok(PayloadReader {
            src,
            manifest,
            manifest_bytes,
            signers,
            mtime,
            next: 0,
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The exact signed bytes of the manifest.
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.manifest_bytes
    }

    /// The first trusted key whose signature verified.
    pub fn signer(&self) -> Fingerprint {
        self.signers[0]
    }

    /// Every trusted key whose signature verified, in the order of the
    /// signature file; never empty.
    pub fn signers(&self) -> &[Fingerprint] {
        &self.signers
    }

    /// The component the next `read_component` will deliver.
    pub fn next_component(&self) -> Option<&Component> {
        self.manifest.components.get(self.next)
    }

    /// Streams the next component to `sink`, one verified chunk at a time.
    /// A chunk that does not match stops the stream before it reaches the
    /// sink. Returns the component that was read.
    pub fn read_component(
        &mut self,
        mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<Component, Error> {
        self.read_component_buffers(|buf| sink(buf))
    }

    /// Like [`PayloadReader::read_component`], but the sink gets the buffer
    /// holding each verified chunk: to keep the bytes without copying them
    /// it may take the buffer and leave another (say, one it is done with)
    /// in its place; the next chunk is read into whatever it leaves.
    pub fn read_component_buffers(
        &mut self,
        sink: impl FnMut(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> Result<Component, Error> {
        self.read_component_into(|len| vec![0u8; len], sink)
    }

    /// Like [`PayloadReader::read_component_buffers`], with buffers of the
    /// caller's type (say, one whose bytes are aligned for direct I/O):
    /// each chunk is read into the buffer left in place when its length is
    /// that of the chunk, else into a new one from `make(len)`. Zero chunks
    /// of a compressed component come as buffers of zeros.
    pub fn read_component_into<B>(
        &mut self,
        make: impl FnMut(usize) -> B,
        mut sink: impl FnMut(&mut B) -> std::io::Result<()>,
    ) -> Result<Component, Error>
    where
        B: AsRef<[u8]> + AsMut<[u8]> + Default + Send + 'static,
    {
        let make = std::cell::RefCell::new(make);
        self.read_component_pieces(
            |len| (make.borrow_mut())(len),
            |piece, _| match piece {
                Piece::Data(buf) => sink(buf),
                Piece::Zeros(len) => {
                    let mut buf = (make.borrow_mut())(len as usize);
                    buf.as_mut().fill(0);
                    sink(&mut buf)
                }
            },
        )
    }

    /// Streams the next component to `sink` piece by piece, in order: the
    /// verified (decompressed) bytes of each chunk, or the length of a zero
    /// chunk (of which the payload stores nothing), each with the number of
    /// payload bytes it took (for progress on the medium). Buffers work as
    /// in [`PayloadReader::read_component_into`].
    pub fn read_component_pieces<B>(
        &mut self,
        mut make: impl FnMut(usize) -> B,
        mut sink: impl FnMut(Piece<'_, B>, u64) -> std::io::Result<()>,
    ) -> Result<Component, Error>
    where
        B: AsRef<[u8]> + AsMut<[u8]> + Default + Send + 'static,
    {
        let Some(component) = self.manifest.components.get(self.next).cloned() else {
            return Err(Error::Layout(LayoutProblem::AllRead));
        };
        self.begin_component(&component)?;
        let name = component.name.as_str();
        let wrote = |e| {
            Error::io(
                IoContext::Delivering {
                    component: name.to_string(),
                },
                e,
            )
        };
        match component.compression {
            Compression::None => for_each_chunk_in(
                &mut self.src,
                name,
                component.size,
                component.chunk_size,
                make,
                |index, buf, digest| {
                    let expected = component.chunks.get(index as usize);
                    if expected != Some(&Chunk::Raw(Sha256Digest(digest))) {
                        return Err(component.chunk_mismatch(index));
                    }
                    let n = buf.as_ref().len() as u64;
                    sink(Piece::Data(buf), n).map_err(wrote)
                },
            )?,
            Compression::Zstd => read_frames(
                &mut self.src,
                &component,
                &mut make,
                &mut |piece, stored| sink(piece, stored).map_err(wrote),
            )?,
        }
        self.end_component(&component)?;
        Ok(component)
    }

    /// Reads and verifies the next component without keeping its bytes.
    pub fn skip_component(&mut self) -> Result<Component, Error> {
        self.read_component(|_| Ok(()))
    }

    /// Reads the next component into memory; for small components such as
    /// `migrations.toml`. Refuses one larger than `max` bytes.
    pub fn read_component_to_vec(&mut self, max: u64) -> Result<(Component, Vec<u8>), Error> {
        if let Some(c) = self.next_component() {
            if c.size > max {
                return Err(Error::Layout(LayoutProblem::TooLarge {
                    component: c.name.clone(),
                    size: c.size,
                    max,
                }));
            }
        }
        let mut out = Vec::new();
        let c = self.read_component(|b| {
            out.extend_from_slice(b);
            Ok(())
        })?;
        Ok((c, out))
    }

    /// Checks that nothing follows the last component but the end-of-archive
    /// marker (and the zero padding tar programs add).
    pub fn finish(mut self) -> Result<Verified, Error> {
        if let Some(c) = self.next_component() {
            return Err(Error::Layout(LayoutProblem::NotRead {
                component: c.name.clone(),
            }));
        }
        match self.src.header(Section::End)? {
            None => {}
            Some(m) => {
                let problem = if self.manifest.component(&m.name).is_some() {
                    LayoutProblem::Twice { component: m.name }
                } else {
                    LayoutProblem::Unlisted { member: m.name }
                };
                return Err(Error::Layout(problem));
            }
        }
        let offset = self.src.offset;
        let mut second = [0u8; BLOCK as usize];
        self.src.fill(&mut second, &|| Cut::EndMarker)?;
        if second.iter().any(|&b| b != 0) {
            return Err(Error::Container {
                offset,
                reason: Damage::EndMarker,
            });
        }
        // Zeros up to the end of the last tar record are padding; anything
        // else after the marker is data nobody signed.
        let end = self.src.offset;
        let mut buf = [0u8; 4096];
        loop {
            let n = self.src.read_some(&mut buf)?;
            if n == 0 {
                break;
            }
            let past = self.src.offset - end;
            if buf[..n].iter().any(|&b| b != 0) || past > RECORD {
                return Err(Error::Layout(LayoutProblem::Trailing { at: end }));
            }
        }
        Ok(Verified {
            manifest: self.manifest,
            signer: self.signers[0],
            signers: self.signers,
            length: self.src.offset,
        })
    }

    /// Reads every remaining component, verifying and discarding it:
    /// every chunk's digest, and every compressed chunk decompressed to
    /// its signed length. `progress` gets the uncompressed bytes done.
    pub fn verify_rest(mut self, mut progress: impl FnMut(u64)) -> Result<Verified, Error> {
        while self.next_component().is_some() {
            // Zero chunks are counted, never written out as zeros.
            self.read_component_pieces(
                |len| vec![0u8; len],
                |piece, _| {
                    progress(match piece {
                        Piece::Data(buf) => buf.len() as u64,
                        Piece::Zeros(len) => len,
                    });
                    Ok(())
                },
            )?;
        }
        self.finish()
    }

    /// Reads every remaining component and checks its stored bytes against
    /// the signed digests, without decompressing anything: once it returns,
    /// every byte read is exactly the signed one (what a copy of the payload
    /// onto a medium needs). It does not prove that each compressed chunk
    /// decompresses to its signed length: [`PayloadReader::verify_rest`]
    /// does. `progress` gets the payload bytes done.
    pub fn check_stored_rest(mut self, mut progress: impl FnMut(u64)) -> Result<Verified, Error> {
        while let Some(component) = self.next_component().cloned() {
            self.begin_component(&component)?;
            let name = component.name.as_str();
            match component.compression {
                Compression::None => for_each_chunk_in(
                    &mut self.src,
                    name,
                    component.size,
                    component.chunk_size,
                    |len| vec![0u8; len],
                    |index, buf, digest| {
                        if component.chunks.get(index as usize)
                            != Some(&Chunk::Raw(Sha256Digest(digest)))
                        {
                            return Err(component.chunk_mismatch(index));
                        }
                        progress(buf.len() as u64);
                        Ok(())
                    },
                )?,
                Compression::Zstd => check_frames(&mut self.src, &component, &mut progress)?,
            }
            self.end_component(&component)?;
        }
        self.finish()
    }

    /// Reads the member header of `component`, the next one, and checks it.
    fn begin_component(&mut self, component: &Component) -> Result<(), Error> {
        let member = self
            .src
            .header(Section::Component(component.name.clone()))?;
        check_member(member.as_ref(), component, &self.manifest, self.mtime)
    }

    /// Reads the padding after `component`'s bytes and moves to the next.
    fn end_component(&mut self, component: &Component) -> Result<(), Error> {
        self.src.padding(
            component.stored_size(),
            Section::Component(component.name.clone()),
        )?;
        self.next += 1;
        Ok(())
    }

    pub fn into_inner(self) -> R {
        self.src.into_inner()
    }
}

fn check_member(
    member: Option<&Member>,
    component: &Component,
    manifest: &Manifest,
    mtime: u64,
) -> Result<(), Error> {
    let Some(member) = member else {
        return Err(Error::Layout(LayoutProblem::Missing {
            component: component.name.clone(),
        }));
    };
    if member.name != component.name {
        let name = member.name.clone();
        let problem = if manifest.component(&member.name).is_some() {
            LayoutProblem::OutOfOrder {
                found: name,
                expected: component.name.clone(),
            }
        } else if member.name == MANIFEST_NAME || member.name == SIGNATURE_NAME {
            LayoutProblem::SecondHead { member: name }
        } else {
            LayoutProblem::Unlisted { member: name }
        };
        return Err(Error::Layout(problem));
    }
    if member.size != component.stored_size() {
        return Err(Error::Layout(LayoutProblem::SizeDiffers {
            component: component.name.clone(),
            container: member.size,
            manifest: component.stored_size(),
        }));
    }
    if member.mtime != mtime {
        return Err(Error::NonCanonicalHeader {
            offset: member.offset,
            member: member.name.clone(),
            field: HeaderField::Mtime,
        });
    }
    Ok(())
}

/// Reads `manifest.toml` and `manifest.sig`, with their size caps checked
/// before a byte of either is held. Returns them with the modification time
/// both headers carry (the manifest, once trusted, says which it must be).
fn read_head<R: Read>(src: &mut Source<R>) -> Result<(Vec<u8>, Vec<u8>, u64), Error> {
    let first = match src.header(Section::Manifest) {
        Ok(Some(m)) => m,
        Ok(None) => return Err(Error::NotAPayload(NotPayload::Zeros)),
        Err(Error::Container { .. }) => return Err(Error::NotAPayload(NotPayload::NoTarHeader)),
        Err(e) => return Err(e),
    };
    if first.name != MANIFEST_NAME {
        return Err(Error::NotAPayload(NotPayload::FirstMember {
            name: first.name,
        }));
    }
    let manifest = read_small(
        src,
        &first,
        Section::Manifest,
        MAX_MANIFEST_BYTES,
        |size, max| Error::ManifestTooLarge { size, max },
    )?;
    let second = src
        .header(Section::Signature)?
        .ok_or(Error::NotAPayload(NotPayload::NoSignature))?;
    if second.name != SIGNATURE_NAME {
        return Err(Error::NotAPayload(NotPayload::SecondMember {
            name: second.name,
        }));
    }
    if second.mtime != first.mtime {
        return Err(Error::NonCanonicalHeader {
            offset: second.offset,
            member: second.name,
            field: HeaderField::Mtime,
        });
    }
    let sig = read_small(
        src,
        &second,
        Section::Signature,
        MAX_SIGNATURE_BYTES,
        |size, max| Error::SignatureFormat(SignatureProblem::TooLarge { size, max }),
    )?;
    Ok((manifest, sig, first.mtime))
}

fn read_small<R: Read>(
    src: &mut Source<R>,
    member: &Member,
    section: Section,
    max: u64,
    too_large: impl Fn(u64, u64) -> Error,
) -> Result<Vec<u8>, Error> {
    if member.size > max {
        return Err(too_large(member.size, max));
    }
    let mut bytes = vec![0u8; member.size as usize];
    src.fill(&mut bytes, &|| Cut::Whole(section.clone()))?;
    src.padding(member.size, section)?;
    Ok(bytes)
}

/// The manifest and signatures of a payload, read without trusting them:
/// for `inspect`, which says so when it shows them.
#[derive(Debug, Clone)]
pub struct Unverified {
    pub manifest_bytes: Vec<u8>,
    pub manifest: Result<Manifest, String>,
    pub signatures: Result<SignatureFile, String>,
}

pub fn read_unverified<R: Read>(src: R) -> Result<Unverified, Error> {
    let mut src = Source::new(src);
    let (manifest_bytes, sig_bytes, _) = read_head(&mut src)?;
    Ok(Unverified {
        manifest: Manifest::parse(&manifest_bytes).map_err(|e| e.to_string()),
        signatures: SignatureFile::parse(&sig_bytes).map_err(|e| e.to_string()),
        manifest_bytes,
    })
}

# Ce que le système d'exploitation a dit (l10n/os.rs) : les messages de la
# bibliothèque C avec leur numéro, les mots de la bibliothèque standard
# pour le genre d'une erreur.

## Par numéro d'erreur

os-eperm = opération non permise (erreur système { $code })
os-enoent = fichier ou dossier introuvable (erreur système { $code })
os-eintr = appel système interrompu (erreur système { $code })
os-eio = erreur d'entrée-sortie (erreur système { $code })
os-enxio = périphérique ou adresse introuvable (erreur système { $code })
os-ebadf = descripteur de fichier invalide (erreur système { $code })
os-eagain = ressource momentanément indisponible (erreur système { $code })
os-enomem = mémoire insuffisante (erreur système { $code })
os-eacces = permission refusée (erreur système { $code })
os-enotblk = un périphérique bloc est requis (erreur système { $code })
os-ebusy = périphérique ou ressource occupé (erreur système { $code })
os-eexist = le fichier existe déjà (erreur système { $code })
os-exdev = lien entre périphériques différents impossible (erreur système { $code })
os-enodev = périphérique introuvable (erreur système { $code })
os-enotdir = ce n'est pas un dossier (erreur système { $code })
os-eisdir = c'est un dossier (erreur système { $code })
os-einval = argument invalide (erreur système { $code })
os-emfile = trop de fichiers ouverts (erreur système { $code })
os-enotty = opération impossible sur ce périphérique (erreur système { $code })
os-etxtbsy = fichier exécutable occupé (erreur système { $code })
os-efbig = fichier trop grand (erreur système { $code })
os-enospc = plus de place sur le périphérique (erreur système { $code })
os-espipe = déplacement impossible dans ce fichier (erreur système { $code })
os-erofs = système de fichiers en lecture seule (erreur système { $code })
os-epipe = tube rompu (erreur système { $code })
os-enametoolong = nom de fichier trop long (erreur système { $code })
os-enolck = aucun verrou disponible (erreur système { $code })
os-enosys = fonction non disponible dans ce noyau (erreur système { $code })
os-enotempty = dossier non vide (erreur système { $code })
os-eloop = trop de niveaux de liens symboliques (erreur système { $code })
os-enodata = aucune donnée disponible (erreur système { $code })
os-ebadmsg = données illisibles (erreur système { $code })
os-eoverflow = valeur trop grande pour ce type de données (erreur système { $code })
os-eopnotsupp = opération non prise en charge (erreur système { $code })
os-etimedout = délai d'attente dépassé (erreur système { $code })
os-euclean = la structure doit être réparée (erreur système { $code })
os-eremoteio = erreur d'entrée-sortie du périphérique distant (erreur système { $code })
os-edquot = quota de disque dépassé (erreur système { $code })
os-enomedium = aucun support dans le lecteur (erreur système { $code })
os-emediumtype = type de support incorrect (erreur système { $code })
os-ecanceled = opération annulée (erreur système { $code })
os-text = message du système : { $detail }
os-in-use = { $path } est utilisé : lui ou l'une de ses partitions est monté ou utilisé par le système en marche (swap, LVM, RAID) ; rien n'a été écrit

## Par genre

os-kind-not-found = introuvable
os-kind-permission-denied = permission refusée
os-kind-already-exists = existe déjà
os-kind-would-block = l'opération devrait attendre
os-kind-not-a-directory = ce n'est pas un dossier
os-kind-is-a-directory = c'est un dossier
os-kind-directory-not-empty = dossier non vide
os-kind-read-only-filesystem = système de fichiers en lecture seule
os-kind-storage-full = plus de place
os-kind-file-too-large = fichier trop grand
os-kind-resource-busy = ressource occupée
os-kind-invalid-input = paramètre invalide
os-kind-invalid-data = données invalides
os-kind-timed-out = délai d'attente dépassé
os-kind-write-zero = rien n'a pu être écrit
os-kind-interrupted = opération interrompue
os-kind-unsupported = opération non prise en charge
os-kind-unexpected-eof = fin de fichier inattendue
os-kind-out-of-memory = mémoire insuffisante

## Un accès refusé hors d'un disque ou d'une partition

os-bound-range-overflow = la plage de { $len } octets à l'octet { $start } finit au-delà du plus grand décalage possible
os-bound-seek-before-start = un déplacement avant le début du périphérique ou de la partition
os-bound-write-past-partition-end = une écriture au-delà de la fin de la partition (à l'octet { $at } sur { $len })
os-bound-past-disk-end = les octets { $start }..{ $end } sont au-delà de la fin du disque
os-bound-ended-early = le disque s'est terminé à l'octet { $at }, avant la plage { $start }..{ $end } à relire
os-bound-sector-size = le périphérique annonce des secteurs de { $size } octets
os-bound-read-only = le disque est ouvert en lecture seule pour la détection ; rien n'a été écrit

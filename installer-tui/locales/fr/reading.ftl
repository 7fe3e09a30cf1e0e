# Lire le support de l'installateur : un système de fichiers FAT (celui
# de la clé, et tout autre que Ferry lit ou écrit), le support lui-même
# (ISO 9660, la partition de la clé, medium.toml), son ouverture, un
# fichier lu dessus, et le fichier de réponses.

## Systèmes de fichiers FAT
fat-io = { $what } : { $detail }
fat-bad-label = le nom de volume { $label } n'est pas fait de 1 à 11 caractères parmi A-Z, 0-9, espace, - et _
fat-file-too-large = { $path } : { $size } octets, c'est plus qu'un fichier FAT ne peut contenir (4 GiB - 1)
fat-not-fat = ce n'est pas un système de fichiers FAT : { $reason }
fat-bad-path = { $path } n'est pas un chemin valide sur un volume FAT
fat-no-directory = { $dir } : pas de répertoire { $part } sur le volume FAT
fat-not-a-directory = { $dir } : { $part } est un fichier, pas un répertoire
fat-no-file = { $path } : ce fichier n'est pas sur le volume FAT
fat-bad-sector-size = secteurs de { $size } octets : un volume FAT a des secteurs de 512, 1024, 2048 ou 4096 octets
fat-chain-loop = le système de fichiers FAT est endommagé : ses chaînes de clusters forment une boucle (le cluster { $cluster } ramène au cluster { $next }) ; réparez-le avec fsck.fat ou reformatez la partition
fat-bad-link = le système de fichiers FAT est endommagé : le cluster { $cluster } mène au cluster { $next }, { $why ->
    [free] qui est marqué libre
   *[outside] qui est hors du volume
} ; réparez-le avec fsck.fat ou reformatez la partition
fat-too-many-clusters = le système de fichiers FAT a { $clusters } clusters, plus que les { $max } dont les chaînes peuvent être vérifiées avant de le lire
fat-bad-start-entry = le système de fichiers FAT est endommagé : l'entrée de répertoire { $name } commence au cluster { $cluster }, hors du volume ; réparez-le avec fsck.fat ou reformatez la partition
fat-bad-start-root = le système de fichiers FAT est endommagé : le répertoire racine commence au cluster { $cluster }, hors du volume ; réparez-le avec fsck.fat ou reformatez la partition
fat-too-many-directories = le système de fichiers FAT a plus de { $max } répertoires, plus qu'il n'est possible d'en vérifier avant de le lire
fat-in-use = impossible de fermer le volume FAT : le disque est encore utilisé
fat-seek-before-start = déplacement demandé avant le début du disque
fat-file-exists = { $path } existe déjà
fat-access-measure = mesure du disque à formater
fat-access-rewind = retour au début du disque
fat-access-format = formatage d'un volume FAT { $label } de { $size } octets
fat-access-mount = ouverture du système de fichiers FAT
fat-access-boot-sector = lecture du secteur de démarrage FAT
fat-access-table = lecture de la table d'allocation FAT
fat-access-read-fsinfo = lecture du secteur FSInfo FAT32
fat-access-write-fsinfo = écriture du secteur FSInfo FAT32
fat-access-read-directory = lecture d'un répertoire
fat-access-write-directory = écriture d'un répertoire
fat-access-free-space = lecture de l'espace libre
fat-access-create-directory = création du répertoire { $path }
fat-access-open-directory = ouverture du répertoire { $path }
fat-access-list = lecture du contenu de { $path }
fat-access-create-file = création de { $path }
fat-access-truncate = vidage de { $path }
fat-access-read-source = lecture de la source de { $path }
fat-access-write-file = écriture de { $path }
fat-access-open-file = ouverture de { $path }
fat-access-read-file = lecture de { $path }
fat-access-remove = suppression de { $path }
fat-access-close = fermeture du volume FAT
fat-access-flush = écriture sur le disque du volume FAT
fat-boot-no-signature = le secteur de démarrage ne finit pas par la signature 55 AA
fat-boot-sector-size = le secteur de démarrage indique des secteurs de { $bytes } octets (512, 1024, 2048 ou 4096 attendus)
fat-boot-cluster-size = le secteur de démarrage indique { $sectors } secteurs par cluster, ce qui n'est pas une puissance de deux
fat-boot-no-reserved-sectors = le secteur de démarrage n'indique aucun secteur réservé
fat-boot-no-tables = le secteur de démarrage n'indique aucune table d'allocation
fat-boot-empty-tables = le secteur de démarrage indique des tables d'allocation de 0 secteur
fat-boot-areas-overflow = les zones que décrit le secteur de démarrage débordent
fat-boot-data-past-end = la zone de données commence au secteur { $data }, au-delà de la fin du volume ({ $total } secteurs)
fat-boot-table-too-large = la table d'allocation ({ $bytes } octets) ne tient pas en mémoire

## Le support de l'installateur
medium-io = { $what } : { $detail }
medium-not-iso = ce n'est pas un support ISO 9660 : { $reason }
medium-damaged = le support est endommagé : { $reason }
medium-not-found = { $path } : ce fichier n'est pas sur le support
medium-too-large = { $path } : { $size } octets, plus que les { $max } octets permis
medium-no-checksum = le support ne porte pas de somme de contrôle
medium-invalid = { $path } est invalide : { $reason }
medium-boot-not-found = le support de démarrage est introuvable : le DVD ou la clé est-il toujours en place ?
medium-boot-not-found-id = le support de démarrage (identifiant { $id }) est introuvable : le DVD ou la clé est-il toujours en place ?
medium-boot-not-found-others = le support de démarrage est introuvable (autres supports Ferry : { $others }) : le DVD ou la clé est-il toujours en place ?
medium-boot-not-found-id-others = le support de démarrage (identifiant { $id }) est introuvable (autres supports Ferry : { $others }) : le DVD ou la clé est-il toujours en place ?
medium-several-id = { $devices } portent chacun un support Ferry d'identifiant { $id }, et medium.toml n'est pas signé : l'installateur ne peut pas savoir depuis lequel il a démarré. Retirez tous les supports sauf celui de l'installation, puis redémarrez
medium-several = { $devices } portent chacun un support Ferry, la ligne de commande du noyau n'en nomme aucun (ferry.medium=), et medium.toml n'est pas signé : l'installateur ne peut pas savoir depuis lequel il a démarré. Retirez tous les supports sauf celui de l'installation, puis redémarrez
medium-not-a-directory = { $path } n'est pas un répertoire
medium-is-a-directory = { $path } est un répertoire
medium-no-gpt = la clé n'a pas de table de partitions GPT
medium-no-partition = aucune partition nommée { $name } sur la clé
medium-seek-before-start = déplacement demandé avant le début du fichier
medium-bad-report-name = { $name } n'est pas un nom de fichier de rapport
medium-access-rewind = retour au début du support
medium-access-volume-descriptor = lecture du descripteur de volume au bloc { $block }
medium-access-directory = lecture du répertoire au bloc { $block }
medium-access-file = lecture de { $path }
medium-access-at = lecture du support à l'octet { $offset }
medium-access-gpt-header = lecture de l'en-tête GPT
medium-access-gpt-entries = lecture des entrées GPT
medium-not-iso-no-cd001 = pas de descripteur de volume CD001 au bloc { $block }
medium-not-iso-no-primary = pas de descripteur de volume primaire
medium-not-iso-block-size = ses blocs font { $size } octets, pas 2048
medium-damage-directory-too-large = un répertoire de { $len } octets, plus que les { $max } d'un support Ferry
medium-damage-directory-past-end = le répertoire au bloc { $block } est au-delà de la fin du volume
medium-damage-too-many-extents = { $name } : plus de { $max } étendues
medium-damage-file-past-end = { $name } est au-delà de la fin du volume
medium-damage-short = il s'arrête après { $read } octets sur { $total }
medium-damage-gpt-header = l'en-tête GPT n'est pas valide
medium-damage-partition-range = la partition { $name } a des limites invalides (secteurs { $first } à { $last })
medium-damage-parts-size = les morceaux de { $name } font { $total } octets, medium.toml en annonce { $expected }
medium-info-format = le format { $found } est plus récent que cet installateur
medium-info-too-many-payloads = plus de { $max } paquets
medium-info-bad-name = { $name } n'est pas un nom de fichier de paquet
medium-info-listed-twice = { $name } figure deux fois dans la liste

## Ouvrir un support
medium-open-failed = impossible d'ouvrir { $path } (détail : { $detail })
medium-open-description = la description du support sur { $path } est illisible : { $detail }
medium-open-not-ferry = { $path } n'est ni un ISO Ferry ni une clé Ferry : { $reason }
medium-open-no-payload = { $dir } ne contient aucun paquet (*.upg)
medium-open-too-many-payloads = { $dir } contient plus de { $max } paquets

## Pourquoi un fichier du support de l'installateur est illisible
read-no-payload = { $medium } ne porte pas de paquet { $name }
read-open = ouverture de { $path } : { $detail }
read-read = lecture de { $path } : { $detail }
read-missing = ce fichier n'est ni sur le support ni dans l'initramfs
read-too-large = { $file } dépasse { $max } octets
read-not-text = { $file } n'est pas du texte UTF-8

## Ce que l'analyseur TOML a trouvé d'incorrect dans un document
read-toml-syntax-at = ligne { $line }, colonne { $column } : { $message }
read-toml-syntax = { $message }

## Le fichier de réponses
answer-unreadable = le fichier de réponses { $file } est illisible : { $reason }
answer-not-toml-at = ce n'est pas du TOML valide, colonne { $column } : { $message }
answer-not-toml = ce n'est pas du TOML valide : { $message }
answer-document-not-toml = { $document } de la version n'est pas du TOML : { $reason }

### Installateur Ferry : detect (français)
###
### Ce que la détection dit d'un disque : ce qu'il contient d'autre, et
### ce qui ne concorde pas. Les noms de formats et de systèmes (ext4,
### LVM2_member, NTFS, Windows), de partitions et de fichiers restent
### tels quels ; un détail venu d'un lecteur de plus bas niveau (les
### contrôles de la GPT, le lecteur FAT, l'enregistrement d'état) reste
### en anglais, après une phrase traduite.

## Mots dans les phrases
detect-more-problems = et { $count ->
    [one] un autre problème
   *[other] { $count } autres problèmes
}
detect-and = { $first } et { $next }
detect-signature-labelled = { $kind } nommé { $label }
detect-empty-mbr = une table de partitions MBR vide
detect-empty-gpt = une table GPT vide
detect-release = (version { $version })
detect-extent = { $index } (secteurs { $first } à { $last })
detect-extent-named = { $index } ({ $name }, secteurs { $first } à { $last })

## Ce qu'un disque contient d'autre que Ferry
detect-foreign-partitions = { $count ->
    [one] { $count } partition d'un autre système
   *[other] { $count } partitions d'autres systèmes
}
detect-foreign-partitions-like = { $count ->
    [one] { $count } partition, qui ressemble à { $systems }
   *[other] { $count } partitions, qui ressemblent à { $systems }
}
detect-foreign-whole-disk = { $signatures } sur le disque entier, sans table de partitions
detect-foreign-whole-disk-and-table = { $signatures } sur le disque entier, et { $table }
detect-foreign-empty-table = { $table }, sans aucune partition
detect-foreign-unknown-data = des données d'un type inconnu, sans table de partitions

## La table de partitions
detect-sector-size-differs = la table de partitions est écrite pour des secteurs de { $table } octets, mais le disque a des secteurs de { $disk } octets : le système et le micrologiciel ne voient pas ses partitions
detect-primary-gpt-damaged = la GPT principale est endommagée ({ $cause }) ; les partitions ont été lues dans la copie de secours, intacte
detect-backup-gpt-damaged = la GPT de secours est endommagée ou absente ({ $cause }) ; la copie principale a été utilisée
detect-gpt-copies-differ = les copies principale et de secours de la GPT ne listent pas les mêmes partitions ; la principale a été utilisée
detect-table-damaged = la table de partitions est endommagée : { $problem }
detect-entry-ends-before-start = la partition { $part } finit avant de commencer
detect-entry-past-end = la partition { $part } dépasse la fin du disque, qui a { $sectors } secteurs (image tronquée ou mauvaise taille de disque)
detect-entry-outside-usable = la partition { $part } sort des secteurs { $first } à { $last }, la zone que la GPT réserve aux partitions (la table de partitions elle-même est en dehors)
detect-entry-more-bad = { $count ->
    [one] { $count } autre partition sort du disque ou finit avant de commencer
   *[other] { $count } autres partitions sortent du disque ou finissent avant de commencer
}
detect-partition-past-end = la partition { $partition } finit à l'octet { $end }, mais le disque n'a que { $size } octets (image tronquée ou mauvaise taille de disque)
detect-partitions-overlap = les partitions { $a } et { $b } se chevauchent
detect-more-overlaps = { $count ->
    [one] { $count } autre paire de partitions se chevauche
   *[other] { $count } autres paires de partitions se chevauchent
}

## Pourquoi une copie de la GPT est inutilisable
detect-gpt-too-short = le secteur de l'en-tête est trop court
detect-gpt-no-signature = pas de signature GPT
detect-gpt-header-size = la taille d'en-tête { $size } n'est pas valide
detect-gpt-header-checksum = la somme de contrôle de l'en-tête est fausse
detect-gpt-wrong-place = l'en-tête se dit au secteur { $says }, mais a été lu au secteur { $read_from }
detect-gpt-entry-size = la taille d'entrée de partition { $size } n'est pas valide
detect-gpt-array-too-large = une table d'entrées de partition de { $bytes } octets est invraisemblablement grande
detect-gpt-usable-reversed = le premier secteur utilisable se trouve après le dernier
detect-gpt-array-beyond-end = la table d'entrées de partition se trouve au-delà de la fin du disque
detect-gpt-array-overlaps-header = la table d'entrées de partition chevauche l'en-tête
detect-gpt-area-includes = la zone réservée aux partitions (secteurs { $first } à { $last }) contient { $what } (secteur { $lba })
detect-gpt-area-includes-array = la zone réservée aux partitions (secteurs { $first } à { $last }) contient la table d'entrées de partition (secteurs { $array_first } à { $array_last })
detect-gpt-sector-beyond-end = le secteur { $lba } se trouve au-delà de la fin du disque
detect-gpt-read-sector = le secteur { $lba } est illisible : { $error }
detect-gpt-backup-beyond-end = l'en-tête de secours au secteur { $lba } se trouve au-delà de la fin du disque ({ $sectors } secteurs)
detect-gpt-array-past-end = la table d'entrées de partition dépasse la fin du disque
detect-gpt-read-array = la table d'entrées de partition est illisible : { $error }
detect-gpt-array-checksum = la somme de contrôle de la table d'entrées de partition est fausse
detect-gpt-sector-protective-mbr = le MBR de protection
detect-gpt-sector-this-header = cet en-tête
detect-gpt-sector-other-header = l'en-tête de l'autre copie

## Les partitions et les fichiers d'une installation Ferry
detect-missing-partition = la partition Ferry { $name } est absente
detect-duplicate-partition = { $count } partitions s'appellent { $name } ; la partition { $used } est utilisée
detect-wrong-partition-type = la partition { $partition } est de type { $found } au lieu de { $expected }
detect-fat-cut-off = la partition { $partition } est coupée par la fin du disque
detect-fat-unreadable = la partition { $partition } est illisible : { $cause }
detect-esp-files-unreadable = les fichiers de démarrage de l'ESP sont illisibles : { $cause }
detect-state-missing = la partition de configuration n'a pas de fichier { $path }
detect-state-unreadable = l'enregistrement d'état est illisible : { $cause }

## Ce que le lecteur FAT a trouvé sur une partition Ferry
detect-fat-boot-sector-unreadable = le secteur de démarrage est illisible : { $error }
detect-fat-larger-than-partition = le système de fichiers FAT annonce { $size } octets, mais sa partition n'en a que { $partition }
detect-fat-rewind = la partition ne peut pas être relue depuis son début : { $error }
detect-fat-refused = ce n'est pas un système de fichiers FAT lisible : { $error }
detect-fat-open-file = le fichier { $path } ne s'ouvre pas : { $error }
detect-fat-read-file = le fichier { $path } est illisible : { $error }
detect-fat-file-too-large = le fichier { $path } fait plus de { $max } octets
detect-fat-open-directory = le dossier { $path } ne s'ouvre pas : { $error }
detect-fat-list = le contenu du dossier { $path } ne peut pas être lu : { $error }

## Les emplacements et leurs entrées de démarrage
detect-slot-partition-missing = l'enregistrement d'état indique que l'emplacement { $slot } contient une version{ $release }, mais sa partition { $partition } est absente
detect-config-dir-missing = l'emplacement { $slot } est { $state }, mais la partition de configuration n'a pas de dossier { $dir }/
detect-half-written-slot = l'emplacement { $slot } était en cours d'écriture{ $release } et l'écriture n'a pas abouti ; son contenu n'est pas fiable
detect-several-boot-entries = l'emplacement { $slot } a { $count } entrées de démarrage sur l'ESP : { $files }
detect-no-boot-entry = l'emplacement { $slot } est { $state }, mais l'ESP n'a aucune entrée de démarrage pour lui
detect-good-slot-failed = l'emplacement { $slot } est enregistré comme valide, mais son entrée de démarrage a échoué après { $tries ->
    [one] { $tries } essai
   *[other] { $tries } essais
}
detect-empty-slot-bootable = l'emplacement { $slot } est { $state }, mais a une entrée démarrable sur l'ESP
detect-slot-failed-to-boot = l'emplacement { $slot }{ $release } n'a pas démarré ({ $tries ->
    [one] { $tries } essai
   *[other] { $tries } essais
}) ; la machine démarre l'emplacement { $other } à la place
detect-slot-failed-still-default = l'emplacement { $slot }{ $release } n'a pas démarré ({ $tries ->
    [one] { $tries } essai
   *[other] { $tries } essais
}) ; le chargeur de démarrage le démarre quand même
detect-default-matches-no-entry = le démarrage par défaut { $default } de { $file } ne correspond à aucune entrée Ferry ; le chargeur de démarrage lance la première
detect-default-not-active = l'enregistrement d'état rend actif l'emplacement { $active }, mais le chargeur de démarrage démarre par défaut l'emplacement { $default }
detect-several-installs = Ferry est aussi installé sur { $others } ; la machine peut démarrer l'un ou l'autre : choisissez le disque à garder

## Why a disk cannot be read
detect-unreadable-open = { $path } ne s'ouvre pas : { $cause }
detect-unreadable-sector-size = la taille des secteurs de { $path } est introuvable : { $cause }
detect-unreadable-size = la taille de { $path } est introuvable : { $cause }
detect-unreadable-empty = le disque est vide (0 octet) : pas de support, ou une image tronquée
detect-unreadable-smaller-than-a-sector = le disque n'a que { $size } octets, moins d'un secteur
detect-unreadable-first-sector = le secteur 0 est illisible : { $cause }
detect-unreadable-probe = le disque ne peut pas être lu pour y chercher des systèmes de fichiers : { $cause }
detect-unreadable-at = le disque est illisible à l'octet { $at } : { $cause }
detect-unreadable-gpt-damaged = la GPT est endommagée dans ses deux copies (principale : { $primary } ; secours : { $backup })
detect-unreadable-protective-without-gpt = un MBR de protection annonce une GPT, mais aucun en-tête GPT n'a été trouvé

# Ce que les phrases du moteur emboîtent après leurs propres mots : la
# migration d'une configuration, l'enregistrement d'état, une écriture
# hors de sa partition, la vérification du support. (Un système de
# fichiers FAT et le support : reading.ftl.)

## Migrer une configuration
migrate-spec-too-large = migrations.toml fait { $size } octets, plus que les { $limit } octets permis
migrate-spec = migrations.toml n'est pas valide : { $problem }
migrate-no-path = impossible de migrer la configuration du schéma { $from } au schéma { $to } : { $reason }
migrate-schema-mismatch = { $file } : la configuration est au schéma { $found }, alors que le schéma { $expected } était attendu
migrate-document = { $file } : { $problem }
migrate-target-not-empty = { $path } : le répertoire de configuration cible n'est pas vide ; videz-le avant d'y migrer
migrate-io = { $path } : { $detail }
migrate-failure = { $file } : impossible de migrer { $key } (du schéma { $from } au schéma { $to }) : { $reason }
migrate-reason-missing = la clé manque, et cette migration l'exige
migrate-reason-wrong-type = la valeur devait être { $expected }, c'est { $found }
migrate-reason-out-of-range-between = { $value } est hors limites : la valeur doit aller de { $min } à { $max }
migrate-reason-out-of-range-min = { $value } est hors limites : la valeur doit valoir au moins { $min }
migrate-reason-out-of-range-max = { $value } est hors limites : la valeur doit valoir au plus { $max }
migrate-reason-out-of-range = { $value } est hors limites
migrate-reason-exists = { $target } existe déjà et serait écrasé
migrate-reason-not-a-table = { $key } est une valeur, pas une table
migrate-reason-not-an-array-of-tables = un tableau de tables était attendu
migrate-reason-unmapped = cette migration ne sait pas convertir la valeur { $value }
migrate-reason-too-few-parts = { $expected } parties séparées par { $separator } étaient attendues, { $found } trouvées
migrate-reason-not-an-integer = { $part } n'est pas un entier
migrate-value-type = { $kind ->
    [string] une chaîne
    [integer] un entier
    [float] un nombre décimal
    [boolean] un booléen
    [datetime] une date et heure
    [array] un tableau
   *[table] une table
}

## L'enregistrement d'état
state-too-large = l'enregistrement d'état fait { $size } octets, plus que les { $max } octets d'un enregistrement réel
state-not-text = l'enregistrement d'état n'est pas du texte (UTF-8 invalide)
state-unsupported-format = l'enregistrement d'état est au format { $found } ; cet installateur lit le format { $known }
state-malformed = l'enregistrement d'état est mal formé : { $syntax }
state-no-format = l'enregistrement d'état est mal formé : le champ `format` manque
state-format-not-number = l'enregistrement d'état est mal formé : `format` n'est pas un nombre
state-unwritable = l'enregistrement d'état ne peut pas être écrit en TOML
state-invalid = l'enregistrement d'état enfreint une règle : { $rule }
state-rule-time = { $field } n'est pas une date qu'un enregistrement d'état peut contenir : années de 0 à 9999, décalages horaires en minutes entières
state-rule-product-id = l'identifiant de produit { $id } n'est pas valide
state-rule-machine-id = l'identifiant de machine { $id } n'est pas fait de 32 chiffres hexadécimaux
state-rule-no-trusted-key = aucune empreinte de clé de confiance n'est enregistrée
state-rule-too-many-trusted-keys = { $count } clés de confiance, c'est plus que { $max }
state-rule-trusted-key = l'empreinte de clé de confiance { $key } n'est pas faite de 64 chiffres hexadécimaux (SHA-256)
state-rule-too-many-revoked-keys = { $count } clés révoquées, c'est plus que { $max }
state-rule-revoked-key = l'empreinte de clé révoquée { $key } n'est pas faite de 64 chiffres hexadécimaux (SHA-256)
state-rule-trusted-and-revoked = la clé { $key } est à la fois reconnue et révoquée
state-rule-no-release = l'emplacement { $slot } est « { $state } » mais ne nomme aucune version
state-rule-no-config-schema = l'emplacement { $slot } est « { $state } » mais ne nomme aucune version de schéma de configuration
state-rule-empty-with-release = l'emplacement { $slot } est vide mais nomme une version ou des correctifs
state-rule-too-many-hotfixes = l'emplacement { $slot } liste plus de { $max } correctifs
state-rule-hotfix-id = l'emplacement { $slot } liste un identifiant de correctif invalide, { $id }
state-rule-answer-digest = l'empreinte du fichier de réponses { $digest } n'est pas faite de 64 chiffres hexadécimaux (SHA-256)
state-rule-medium-id = l'identifiant de support { $id } n'est pas fait de 1 à 64 caractères imprimables
state-rule-active-not-bootable = l'emplacement actif { $slot } est « { $state } », il ne peut pas démarrer

## Les écritures gardées dans leur partition
window-overflow = la partition { $partition } commence à l'octet { $start } et fait { $size } octets : elle finirait au-delà du plus grand décalage possible
window-unaligned = la partition { $partition } (à partir de l'octet { $start }, { $size } octets) n'est pas un nombre entier et non nul de secteurs de { $sector_size } octets
window-outside = la partition { $partition } (octets { $start }..{ $end }) sort des octets { $area_start }..{ $area_end }, où les partitions peuvent se trouver sur ce disque
window-overlap = les partitions { $partition } (octets { $start }..{ $end }) et { $other } (octets { $other_start }..{ $other_end }) se chevauchent
window-past-partition-end = une écriture de { $len } octets à l'octet { $offset } de la partition { $partition } dépasserait sa fin ({ $size } octets)
window-past-disk-end = { $len } octets à partir de l'octet { $start } dépassent la fin du disque ({ $disk_size } octets)

## La vérification de tout le support
check-error-open = impossible d'ouvrir { $path } (détail : { $detail })
check-error-checksum = la somme de contrôle du support ne correspond pas : il est endommagé ou a été mal écrit
check-error-unreadable = le paquet est illisible sur le support : { $detail }
check-error-unreadable-named = le paquet { $name } est illisible sur le support : { $detail }
check-error-payload-named = { $name } : { $error }

## Affiché sur la console quand les écrans ne peuvent pas démarrer
console-failed = L'installateur ne peut pas démarrer : { $error }
console-drives = impossible de lister les lecteurs de la machine (détail : { $detail })
console-keys = les clés de confiance sont illisibles : { $detail }
console-screens = les écrans ne peuvent pas démarrer sur ce terminal (détail : { $detail })
# Ce que les écrans demandaient au terminal quand il a refusé
terminal-error = { $act } : { $detail }
terminal-raw-mode = passage du terminal en mode brut
terminal-alternate-screen = passage à l'écran secondaire du terminal
terminal-measure = mesure du terminal
terminal-clear = effacement de l'écran
terminal-draw = affichage de l'écran
terminal-wait = attente d'une touche
terminal-read-key = lecture d'une touche
terminal-resize = prise en compte de la nouvelle taille du terminal

## La ligne de commande
cli-lang-unknown = { $code } : l'installateur parle { $known }
cli-layout-expected = { $layout } : quatre tailles en MiB attendues (ESP,ROOT,CONFIG,MIN_DATA)

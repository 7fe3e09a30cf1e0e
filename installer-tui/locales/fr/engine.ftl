### Installateur Ferry : engine (français)
###
### Les refus et les échecs du moteur. L'identifiant d'un message se
### termine par le code que portent les rapports (`error_code`).
### Les détails techniques venus d'ailleurs (détection, migrate, système
### d'exploitation) restent en anglais, après une phrase traduite.

## Mots dans les phrases
engine-action = { $action ->
    [install] installer
    [wipe] effacer et réinstaller
    [upgrade] mettre à jour
    [hotfix] appliquer un correctif
   *[repair] réparer
}
engine-slot-state = { $state ->
    [good] valide
    [new] nouveau
    [writing] en cours d'écriture
   *[empty] vide
}
engine-no-key = aucune
engine-io-disk-full = le disque est plein ({ $detail })
engine-disk-change-size = il fait { $found } octets, le plan était fait pour { $planned }
engine-disk-change-partition = la partition { $partition } n'est plus au même endroit
engine-disk-change-state-record = l'enregistrement d'état a changé

## Refus : rien n'a été écrit
refusal-installer-too-old = ce paquet demande l'installateur { $needed } ou plus récent ; celui-ci est en { $running } : démarrez depuis un support plus récent
refusal-missing-component = le paquet n'a pas de composant { $component } ; il ne peut pas être installé
refusal-no-default-config = le paquet ne contient aucune configuration par défaut (composants config-*.toml)
refusal-default-config-unreadable = la configuration par défaut est illisible (détail : { $detail })
refusal-schema-disagrees = le manifeste indique le schéma de configuration { $manifest }, mais la configuration par défaut indique { $recorded }
refusal-trust-update = la mise à jour des clés du paquet est illisible : { $detail }
refusal-no-key-left = le paquet révoquerait toutes les clés reconnues par le système : il n'en resterait aucune pour vérifier le paquet suivant
refusal-invalid-state = l'enregistrement d'état serait invalide (détail : { $detail })
refusal-bios-mode = cette machine a démarré l'installateur en mode BIOS ancien, et le système installé ne démarre qu'en UEFI : « { $action } » est refusé, rien n'a été écrit. Redémarrez et choisissez l'entrée UEFI de la clé dans le menu de démarrage du micrologiciel (un DVD : l'entrée UEFI du lecteur)
refusal-disk-unusable = { $disk } est inutilisable (détail : { $reason })
refusal-disk-unusable-empty = { $disk } est inutilisable : il est vide
refusal-unsupported-sector-size = le disque a des secteurs logiques de { $sector_size } octets ; Ferry s'installe sur des disques à secteurs de 512 ou 4096 octets
refusal-sector-size-differs = la table de partitions de { $disk } est écrite pour des secteurs de { $table } octets, mais le disque a des secteurs de { $sector_size } octets : ni le micrologiciel ni le système ne voient ses partitions. Effacez et réinstallez
refusal-disk-too-small = le disque fait { $size } octets ; cette installation demande au moins { $needed } octets
refusal-already-installed = Ferry est déjà installé sur ce disque : mettez-le à jour, ou effacez-le et réinstallez
refusal-already-done = { $disk } contient déjà { $product } { $version }, installé par ce fichier de réponses depuis ce support : une installation automatique ne l'efface pas de nouveau. Retirez le support et démarrez la machine depuis le disque
refusal-already-done-medium = { $disk } contient déjà { $product } { $version }, installé par ce fichier de réponses depuis le support { $medium } : une installation automatique ne l'efface pas de nouveau. Retirez le support et démarrez la machine depuis le disque
refusal-not-blank = le disque n'est pas vide ({ $summary }) : seul « effacer et réinstaller » peut y installer
refusal-unreadable = le disque contient des données illisibles ({ $reason }) : seul « effacer et réinstaller » peut y installer
refusal-damaged-partition-table = la table de partitions de { $disk } est endommagée ({ $problems }) ; une mise à jour écrirait là où elle pointe, elle est donc refusée : effacez et réinstallez
refusal-no-installation = { $disk } ne contient aucune installation Ferry (impossible de { $action }) : installez dessus, ou effacez-le
refusal-no-state-record = l'installation n'a pas d'enregistrement d'état lisible, on ne sait donc pas ce qui y tourne : effacez et réinstallez
refusal-no-running-slot = ni le chargeur de démarrage ni l'enregistrement d'état n'indiquent l'emplacement en service
refusal-not-confirmed = la version de l'emplacement { $slot } n'a pas encore démarré correctement : démarrez une fois la machine depuis le disque pour qu'elle le confirme, avant de modifier l'autre emplacement
refusal-broken-slot = le chargeur de démarrage lance l'emplacement { $slot }, qui est dans l'état « { $state } » : l'installation est cassée ; effacez et réinstallez
refusal-no-release = l'enregistrement d'état n'indique aucune version dans l'emplacement { $slot }
refusal-missing-partition = la partition { $partition } est absente ; effacez et réinstallez
refusal-config-unreadable = la configuration de l'emplacement { $slot } est illisible ({ $reason }) ; elle serait perdue, donc rien n'est modifié
# Pourquoi la configuration de l'emplacement en service est illisible
config-problem-partition = la partition de configuration ne se lit pas
config-problem-partition-why = la partition de configuration ne se lit pas : { $problem }
config-problem-no-directory = la partition de configuration n'a pas de dossier { $dir }/
config-problem-disappeared = { $path } a disparu pendant la lecture
refusal-other-product = ce paquet est pour { $offered } ; le disque contient { $installed }
refusal-same-version = { $product } { $installed } est déjà installé
refusal-downgrade = { $installed } est plus récent que { $offered } : les retours en arrière sont refusés (effacez et réinstallez pour revenir à { $offered })
refusal-upgrade-unsupported = la mise à jour de { $installed } vers { $offered } n'est pas prise en charge : { $hint }
refusal-first-release = { $offered } est la première version du produit : elle ne met à jour aucune version installée (effacez et réinstallez pour l'installer)
refusal-hotfix-wrong-base = le correctif { $id } est pour { $base } ; ce système est en { $installed }
refusal-hotfix-applied = le correctif { $id } est déjà appliqué
refusal-hotfix-not-included = le correctif { $id } a été construit sans le correctif { $applied }, présent sur ce système : l'appliquer retirerait { $applied } ; utilisez un correctif qui inclut { $applied }
refusal-key-not-trusted = { $count ->
    [one] la clé { $signers } qui signe le paquet n'est pas reconnue
   *[other] les clés { $signers } qui signent le paquet ne sont pas reconnues
} par le système installé (il reconnaît : { $trusted }) ; effacez et réinstallez pour changer de clés
refusal-signed-by-revoked-key = le paquet est signé par la clé { $key }, qui a été révoquée : elle n'est plus jamais reconnue sur cette machine ; utilisez un paquet signé par une clé en vigueur
refusal-revoked-key-trusted = le paquet demande de reconnaître de nouveau la clé { $key }, qui a été révoquée : une clé révoquée n'est plus jamais reconnue sur cette machine
refusal-hotfix-alone = le correctif { $id } modifie un { $product } { $version } déjà installé ; il ne peut pas être installé seul
refusal-wrong-kind = { $kind ->
    [hotfix] ce paquet est un correctif : il s'applique comme correctif, pas comme mise à jour
   *[release] ce paquet est une version : elle s'installe par une mise à jour, pas comme correctif
}
refusal-hotfix-changes-schema = le correctif { $id } déclare le schéma de configuration { $declared }, la version en service a le { $running } : un correctif ne peut pas modifier la configuration
refusal-data-not-formattable = la partition de données ferait { $size } et ne peut pas être formatée en { $filesystem } comme le demande la version
refusal-repair-other-release = une réinstallation garde la version : { $installed } est installée, mais le support contient { $offered } ; faites plutôt une mise à jour
refusal-repair-loses-hotfixes = réinstaller { $release } retirerait les correctifs de ce système ({ $hotfixes }) ; appliquez plutôt de nouveau le dernier correctif
refusal-root-image-too-large = l'image racine fait { $image }, mais l'emplacement { $slot } fait { $room }
refusal-esp-too-small = le noyau et l'initrd occupent { $boot_files } ; deux exemplaires ne tiennent pas sur une ESP de { $esp }
refusal-esp-full = le noyau et l'initrd occupent { $boot_files }, mais l'ESP n'a que { $free } de libre
refusal-config-full = la configuration occupe { $needed }, mais la partition de configuration n'a que { $free } de libre
refusal-migration = la configuration ne peut pas être migrée (détail : { $detail })
refusal-no-migrations = la version utilise le schéma de configuration { $to }, mais n'apporte pas de migrations.toml pour y amener le schéma { $from }
refusal-answers-mismatch = le fichier de réponses ne convient pas à cette version : { $detail }
refusal-no-machine-id = aucun identifiant de machine n'a été donné pour la nouvelle installation
refusal-bad-machine-id = l'identifiant de machine { $id } n'est pas fait de 32 chiffres hexadécimaux en minuscules

## Échecs en lisant ou en écrivant
error-io = erreur d'entrée-sortie pendant { $what } : { $detail }
error-disk-full = le disque est plein, pendant { $what } : { $detail }
error-disk-changed = le disque a changé depuis que le plan a été fait : { $change } ; refaites le plan
error-write-outside-partition = une écriture hors de sa partition a été refusée (détail : { $detail })
error-payload-changed = le paquet n'est pas celui du plan (son manifeste a pour empreinte { $found }, celui du plan { $planned }) ; refaites le plan
error-read-back = la relecture { $what } trouve les octets { $start }..{ $end } différents de ce qui a été écrit : le disque ne garde pas ce qu'on lui donne
error-read-back-incomplete = la relecture { $what } s'est arrêtée à l'octet { $at } : l'écriture ne s'est pas terminée
error-payload-migrations = les migrations du paquet sont invalides (détail : { $detail })
error-payload-default-config = le composant { $component } du paquet est invalide (détail : { $detail })
error-state-record = l'enregistrement d'état est invalide (détail : { $detail })
error-file-system = la vérification du système de fichiers de { $partition } a échoué (détail : { $detail })
error-payload-used = le paquet a déjà été lu : un plan ne s'applique qu'une fois
error-plan-guid = le GUID { $guid } du plan n'est pas un GUID
error-plan-incomplete = le plan est incomplet (il manque : { $what })
error-thread-stopped = une tâche interne ({ $what }) s'est arrêtée de façon inattendue
error-medium = le support n'a pas pu fournir le paquet : { $detail }
error-cancelled = annulé par le technicien

## Les échecs de l'installateur autour du moteur
load-medium = le support est illisible : { $detail }
load-one-payload = { $name } : { $detail }
inspect-machine-id = le choix d'un identifiant de machine a échoué (détail : { $detail })
run-open = impossible d'ouvrir { $disk } en écriture : { $detail }
run-medium-gone = le support { $medium } a été retiré ou ne répond plus pendant la lecture du paquet ({ $detail }) ; remettez-le et redémarrez l'installateur depuis ce support

## Le fichier de réponses
answer-error = { $source }, ligne { $line } : { $problem }
answer-error-key = { $source }, ligne { $line }, clé { $key } : { $problem }
answer-unknown-key = clé inconnue ; clés possibles : { $expected }
answer-no-install-table = la table [install] est absente
answer-not-a-table = une table est attendue
answer-not-a-string = une chaîne entre guillemets est attendue
answer-no-action = absent : indiquez "upgrade", "install", "wipe", "repair" ou "auto"
answer-not-an-action = { $value } n'est pas une action ; indiquez "upgrade", "install", "wipe", "repair" ou "auto"
answer-not-a-language = { $value } n'est pas une langue de l'installateur ; indiquez { $count ->
    [one] { $last }
   *[other] { $rest } ou { $last }
}
answer-no-disk = absent : un chemin de périphérique, "only" ou {"{"} model = ..., serial = ..., size-min = ... {"}"}
answer-not-a-disk = { $value } n'est ni un chemin (/dev/...) ni "only"
answer-not-a-disk-selector = un chemin entre guillemets, "only" ou {"{"} model = ..., serial = ..., size-min = ... {"}"} est attendu
answer-empty-selector = le sélecteur est vide : indiquez model, serial ou size-min
answer-not-a-size = une taille est attendue : en octets, ou une chaîne comme "100G" ou "512M"
answer-not-confirmed = { $value } ne confirme rien ; écrivez "ERASE" pour permettre d'effacer le disque
answer-config-on-upgrade = les valeurs de configuration s'appliquent à une nouvelle installation ; une mise à jour garde et migre la configuration installée
answer-not-documents = une table de documents est attendue
answer-not-a-document = nommez un document de configuration, comme [config."engine.toml"]
answer-not-settings = une table de réglages est attendue
answer-table-not-value = une valeur est attendue, pas une table
answer-not-a-value = pas une valeur : { $value }
answer-not-a-finish = { $value } n'est pas une action de fin ; indiquez "reboot", "poweroff" ou "stay"
answer-bad-delay = un nombre de secondes de 0 à 3600 est attendu
answer-no-disks = il n'y a aucun disque où installer
answer-several-disks = "only" demande exactement un disque ; cette machine en a { $count } : nommez-en un
answer-no-match = aucun disque de cette machine ne correspond
answer-many-match = { $count } disques correspondent ; précisez le sélecteur
answer-auto-wont-erase = "auto" n'efface pas { $disk }, qui n'est pas vide ; indiquez "wipe" et confirm-erase = "ERASE"
answer-erase-not-confirmed = { $disk } n'est pas vide et serait effacé : ajoutez confirm-erase = "ERASE"
answer-not-offered = « { $action } » n'est pas proposé pour ce disque
answer-schema-document = { $document } est écrit par Ferry et ne peut pas recevoir de réponses
answer-no-document = la version n'a pas de document { $document }
answer-bad-key = { $document } : { $key } : ce n'est pas une clé pointée
answer-no-table = { $document } : { $key } : la version n'a pas de table { $table }
answer-no-key = { $document } : { $key } : la version n'a pas cette clé (les réponses ne peuvent modifier que des réglages existants)
answer-type-changed = { $document } : { $key } : la version a ici un { $release }, la réponse est un { $answer }
answer-tree = { $document } : { $detail }

## Les étapes d'un plan
step-verify-payload = Vérifier chaque bloc du paquet ({ $size }) avant { $erasing ->
    [yes] d'effacer
   *[no] d'écrire
} quoi que ce soit
step-discard-data = Effacer la partition de données (discard, ou zéros si le disque ne sait pas)
step-write-partition-table = Écrire une nouvelle table GPT sur { $disk } : ESP, root a, root b, config, data
step-format-esp = Formater l'ESP ({ $fs })
step-format-config = Formater la partition de configuration ({ $fs })
step-format-data = Formater la partition de données ({ $fs }), comme le demande le produit
step-mark-slot-writing = Marquer l'emplacement { $slot } en écriture (non démarrable), retirer son entrée
step-write-slot = Écrire { $product } { $version } dans l'emplacement { $slot } (racine { $size }, noyau, initrd) en vérifiant chaque bloc
step-read-back = Relire l'emplacement { $slot } et le comparer au manifeste signé
step-write-config = Écrire la configuration de l'emplacement { $slot }
step-write-config-schema = Écrire la configuration de l'emplacement { $slot } (schéma { $schema })
step-boot-loader-systemd-boot = Installer systemd-boot sur l'ESP
step-boot-loader-shim = Installer sur l'ESP shim (Secure Boot), systemd-boot et MokManager
step-boot-loader-update-shim = Remplacer la chaîne de démarrage de l'ESP par celle du support : shim (Secure Boot), systemd-boot, MokManager, fichiers entiers
step-record-new-slot = Noter l'emplacement { $slot } comme nouveau dans l'enregistrement d'état
step-set-default = Démarrer par défaut sur l'emplacement { $slot } ({ $tries } essais{ $fallback ->
    [yes] , puis retour automatique à l'autre
   *[no] {""}
})
step-write-report = Écrire le rapport sur la partition de configuration et sur le support

## Le plan, tel que l'écran de vérification le montre
plan-hotfix = Appliquer le correctif { $id } à { $product } { $version } sur { $disk } ({ $size })
plan-upgrade = Mettre à jour { $product } de { $from } à { $version } sur { $disk } ({ $size })
plan-wipe = Effacer et réinstaller { $product } { $version } sur { $disk } ({ $size })
plan-repair = Réinstaller { $product } { $version } (emplacement { $slot }) sur { $disk } ({ $size })
plan-install = Installer { $product } { $version } sur { $disk } ({ $size })
plan-erased = Effacé : tout le contenu de { $disk }, y compris sa partition de données.
plan-keep = Le système en service (emplacement { $slot }) et sa configuration sont gardés ; si le nouveau ne démarre pas, la machine y revient d'elle-même.
plan-repair-keeps = La version est réécrite depuis le support avec la configuration en service, inchangée ; la partition de données n'est pas touchée.
plan-wipe-erases = Tout le contenu de ce disque est effacé. Aucun autre disque n'est touché.
plan-part-esp = ESP
plan-part-root = racine { $slot }
plan-part-config = configuration
plan-part-data = données
plan-layout = Partitions : { $layout }
plan-layout-kept = Partitions (gardées) : { $layout }
plan-cmdline = Ligne de commande du noyau : { $cmdline }
plan-note = Remarque : { $note }
plan-migration = Configuration : schéma { $from } -> { $to }, { $count ->
    [one] { $count } modification
   *[other] { $count } modifications
} :
plan-steps = Étapes :
plan-diff = Différences de configuration (- avant, + après la mise à jour) :
note-ferry-erased = l'installation Ferry de { $product } sur ce disque et ses données sont effacées
note-ferry-erased-release = l'installation Ferry de { $product } sur ce disque ({ $release }) et ses données sont effacées
note-unknown-erased = l'installation Ferry d'un produit inconnu sur ce disque et ses données sont effacées
note-unknown-erased-release = l'installation Ferry d'un produit inconnu sur ce disque ({ $release }) et ses données sont effacées
note-foreign-erased = { $summary } : effacé
note-table-replaced = la table de partitions est endommagée ({ $problems }) ; la nouvelle la remplace
note-interrupted-write = l'emplacement { $slot } contient une écriture interrompue ; il n'est pas fiable et il est réécrit
note-interrupted-write-release = l'emplacement { $slot } contient une écriture interrompue de { $release } ; il n'est pas fiable et il est réécrit
note-failed-to-start = l'emplacement { $slot } contient une version qui n'a pas démarré et a épuisé ses essais ; elle est remplacée
note-failed-to-start-release = l'emplacement { $slot } contient { $release }, qui n'a pas démarré et a épuisé ses essais ; elle est remplacée
note-switch-not-done = l'enregistrement d'état rend l'emplacement { $slot } actif, mais le chargeur de démarrage lance l'emplacement { $running } : une exécution précédente s'est arrêtée avant la bascule ; l'emplacement { $slot } est réécrit
note-previous-replaced = l'emplacement { $slot } contient la version précédente ; elle est remplacée
note-previous-replaced-release = l'emplacement { $slot } contient la version précédente { $release } ; elle est remplacée
note-set-right = { $issue } (corrigé par cette exécution)

## Ce qu'une migration change dans la configuration
change-renamed = { $file } : { $key } renommé → { $to }
change-moved = { $file } : { $key } déplacé → { $to }
change-moved-file = { $file } : { $key } déplacé → { $to_file } : { $to }
change-split = { $file } : { $key } séparé en { $into }
change-added = { $file } : ajouté { $key } = { $value }
change-dropped = { $file } : supprimé { $key } (valait { $was })
change-mapped = { $file } : { $key } changé de { $from } en { $to }
change-schema = { $file } : schéma { $from } → { $to }

### Ferry installer: a payload's checks (French)
###
### Pourquoi un paquet est refusé, ou n'a pas pu être lu, vérifié ou
### construit : chaque vérification avec ses faits (la partie, le membre,
### la clé, le composant, l'octet). Les mots d'un analyseur (TOML, PEM,
### zstd) arrivent tels quels dans $message ou $detail ; après une erreur
### d'entrée-sortie, $detail est le message du système.

## L'échec d'un paquet, tel que la phrase du moteur le donne
error-payload = { $error }

## Pourquoi le paquet est refusé
payload-error-io = erreur d'entrée-sortie { $context } : { $detail }
payload-error-truncated = le paquet est tronqué : le fichier s'arrête avant l'octet { $at }, dans { $cut }
payload-error-not-a-payload = ce n'est pas un paquet Ferry : { $reason }
payload-error-container = l'enveloppe du paquet est endommagée à l'octet { $offset } : { $reason }
payload-error-header = l'enveloppe du paquet est endommagée à l'octet { $offset } : l'en-tête du membre « { $member } » a un champ { $field } que payload build n'écrit jamais
payload-error-manifest-too-large = le manifeste du paquet fait { $size } octets, plus que les { $max } octets permis
payload-error-manifest = le manifeste du paquet n'est pas valide : { $problem }
payload-error-newer-format = ce paquet demande un installateur plus récent : celui-ci ne sait pas lire { $what }
payload-error-newer-format-version = ce paquet demande un installateur plus récent : celui-ci ne sait pas lire { $what } ; utilisez l'installateur { $version } ou plus récent
payload-error-signature-format = le fichier de signature du paquet n'est pas valide : { $problem }
payload-error-signature = la signature du paquet est refusée : { $detail }
payload-error-digest = le paquet est endommagé : les octets { $start }..{ $end } de { $component } (bloc { $chunk }) ne correspondent pas à la somme de contrôle signée
payload-error-layout = le paquet est endommagé : { $problem }
payload-error-frame = le paquet est endommagé : les octets { $start }..{ $end } de { $component } (bloc { $chunk }) ne se décompressent pas à la longueur signée : { $reason }
payload-error-build = le paquet ne peut pas être construit : { $problem }
payload-error-worker-stopped = une tâche interne qui calcule ou vérifie les sommes des blocs du paquet s'est arrêtée de façon inattendue

## Ce qui était lu ou écrit lors d'une erreur d'entrée-sortie
payload-io-reading-part = en lisant { $part } à l'octet { $at }
payload-io-reading-payload = en lisant le paquet à l'octet { $at }
payload-io-delivering = en écrivant { $component }
payload-io-opening = en ouvrant { $path }
payload-io-reading = en lisant { $path }
payload-io-creating = en créant un fichier dans { $dir }
payload-io-writing = en écrivant { $path }
payload-io-writing-component = en écrivant { $component } dans le paquet
payload-io-writing-manifest = en écrivant le manifeste dans le paquet
payload-io-reading-back = en relisant le nouveau paquet
payload-io-renaming = en renommant le nouveau paquet en { $path }
payload-io-listing-keys = en listant les clés de { $dir }
payload-io-compressing = en compressant le bloc { $chunk } de { $component }
payload-io-randomness = en demandant des nombres aléatoires pour une nouvelle clé

## Pourquoi un fichier n'est pas un paquet
payload-not-zeros = le fichier commence par des zéros
payload-not-tar = le fichier ne commence pas par un en-tête tar
payload-not-first-member = son premier membre est « { $name } », et non manifest.toml
payload-not-signed = manifest.sig manque
payload-not-second-member = le membre qui suit le manifeste est « { $name } », et non manifest.sig

## Ce qui est endommagé dans l'enveloppe ($padding : cut-padding)
payload-damage-padding = { $padding } contient des données
payload-damage-checksum-field = le champ de somme de contrôle de l'en-tête n'est pas un nombre
payload-damage-checksum = la somme de contrôle de l'en-tête ne correspond pas (ce n'est pas un en-tête tar)
payload-damage-not-ustar = l'en-tête n'est pas un en-tête POSIX ustar
payload-damage-no-name = le nom du membre est vide ou n'est pas du texte
payload-damage-path-prefix = le membre « { $member } » utilise un préfixe de chemin ; les membres d'un paquet ont des noms simples
payload-damage-not-plain-file = le membre « { $member } » est { $kind ->
    [hard-link] un lien physique
    [symlink] un lien symbolique
    [char-device] un périphérique en mode caractère
    [block-device] un périphérique en mode bloc
    [directory] un répertoire
    [fifo] un tube nommé (FIFO)
    [pax] un en-tête étendu (pax)
    [gnu-long-name] un enregistrement GNU de nom long
   *[other] d'un type inconnu
} ; un paquet ne contient que des fichiers ordinaires
payload-damage-size = la taille du membre « { $member } » est illisible
payload-damage-end-marker = la marque de fin d'archive est endommagée

## Où un analyseur TOML a trouvé une erreur ($message : ses propres mots)

## Ce qui ne va pas dans le manifeste
payload-manifest-not-text = ce n'est pas du texte UTF-8
payload-manifest-no-format = la clé 'format' manque
payload-manifest-format-not-a-number = la clé 'format' n'est pas un nombre
payload-manifest-format = il est au format { $format } ; cet outil lit les formats { $oldest } à { $newest }
payload-manifest-needs-format = '[install]' et 'first-release' demandent le format { $needed } ; il indique le format { $format }
payload-manifest-install = [install] : { $problem }
payload-manifest-product-id = l'identifiant de produit « { $id } » doit compter de 1 à 64 minuscules, chiffres ou '-'
payload-manifest-created = 'created' ({ $created }) n'est pas une date RFC 3339
payload-manifest-no-upgrade-rule = une version doit dire quelles versions elle met à jour ('upgrades-from'), ou qu'elle est la première ('first-release')
payload-manifest-first-release-upgrades = la première version ne met rien à jour : 'upgrades-from' et 'first-release' s'excluent
payload-manifest-hotfix-keys-in-release = 'applies-to', 'hotfix-id' et 'includes-hotfixes' sont propres aux correctifs, pas aux versions
payload-manifest-no-applies-to = un correctif doit nommer la version à laquelle il s'applique ('applies-to')
payload-manifest-applies-to-differs = un correctif porte la version qu'il corrige : 'version' vaut { $version } mais 'applies-to' vaut { $base }
payload-manifest-hotfix-id = l'identifiant de correctif « { $id } » doit compter de 1 à 32 lettres, chiffres, '.', '_' ou '-'
payload-manifest-no-hotfix-id = un correctif doit avoir un identifiant ('hotfix-id')
payload-manifest-release-keys-in-hotfix = 'upgrades-from', 'first-release' et '[install]' sont propres aux versions, pas aux correctifs
payload-manifest-too-many-included = 'includes-hotfixes' liste { $count } correctifs, plus que les { $max } permis
payload-manifest-included-id = l'identifiant de correctif inclus « { $id } » doit compter de 1 à 32 lettres, chiffres, '.', '_' ou '-'
payload-manifest-includes-itself = le correctif { $id } se liste lui-même dans 'includes-hotfixes'
payload-manifest-included-twice = 'includes-hotfixes' liste { $id } deux fois
payload-manifest-empty-trust = [trust] est vide
payload-manifest-no-components = il ne liste aucun composant
payload-manifest-too-many-components = il liste { $count } composants, plus que les { $max } permis
payload-manifest-component-name = le nom de composant « { $name } » n'est pas permis : utilisez de 1 à 100 lettres, chiffres, '.', '_' ou '-', en commençant par une lettre ou un chiffre (ni '/', ni '..')
payload-manifest-reserved-name = « { $name } » ne peut pas être un nom de composant
payload-manifest-component-twice = le composant « { $component } » est listé deux fois
payload-manifest-component-too-large = le composant « { $component } » annonce { $size } octets, plus que les { $max } permis
payload-manifest-chunk-size = le composant « { $component } » a des blocs de { $chunk_size } octets ; leur taille doit être une puissance de deux de { $min } à { $max }
payload-manifest-chunk-count = le composant « { $component } » liste { $listed } sommes de contrôle de bloc ; { $size } octets en blocs de { $chunk_size } en demandent { $needed }
payload-manifest-not-compressed = le composant « { $component } » n'est pas compressé, mais son bloc { $chunk } est « { $entry } »
payload-manifest-compressed-in-format = le composant « { $component } » est compressé, ce que le format { $format } ne permet pas (le format { $needed } le permet)
payload-manifest-no-stored-length = le composant « { $component } » est compressé, mais son bloc { $chunk } n'a pas de longueur stockée
payload-manifest-stored-too-long = le bloc { $chunk } du composant « { $component } » annonce { $stored } octets stockés, plus qu'une trame de { $chunk_size } octets n'en prend jamais

## Pourquoi la table [install] du manifeste est refusée ($text : entre guillemets)
payload-definition-bad-share = { $text } n'est pas une taille : une part du disque est un nombre entier de pour cent, par exemple 25%
payload-definition-not-mib = '{ $key }' fait { $bytes } octets, pas un nombre entier de Mio
payload-definition-too-small = '{ $key }' fait { $size }, moins que les { $min } qu'il lui faut au moins
payload-definition-too-large = '{ $key }' fait { $size }, plus que les { $max } permis
payload-definition-bad-percent = '{ $key }' vaut { $percent } % : une part du disque va de 1 % à 99 %
payload-definition-shares-too-large = l'ESP, les deux emplacements et la partition de configuration prennent { $percent } % du disque : les parts doivent laisser de la place à la partition de données (moins de 100 %)
payload-definition-cmdline-character = 'cmdline' contient { $found } à l'octet { $at } : une ligne de commande du noyau ne contient que des caractères ASCII imprimables et des espaces (ni saut de ligne, ni tabulation, ni NUL)
payload-definition-cmdline-too-long = 'cmdline' fait { $len } octets, plus que les { $max } permis
payload-definition-cmdline-ferry-argument = 'cmdline' fixe { $argument }=, que Ferry fixe lui-même pour chaque emplacement
payload-definition-bad-title = 'title' doit compter de 1 à { $max } caractères imprimables, sans saut de ligne
payload-size-empty = aucune taille n'est donnée : indiquez des octets, ou un nombre avec K, M, G ou T, par exemple 8G
payload-size-not-a-number = { $text } n'est pas une taille : indiquez des octets, ou un nombre entier avec K, M, G ou T, par exemple 8G
payload-size-unknown-unit = { $text } n'est pas une taille : { $unit } n'est pas une unité ; utilisez K, M, G ou T
payload-size-too-large = { $text } est une taille trop grande

## Ce qui ne va pas dans le fichier de signature ($key : l'empreinte courte d'une clé)
payload-signature-too-large = il fait { $size } octets, plus que les { $max } permis
payload-signature-not-text = ce n'est pas du texte UTF-8
payload-signature-empty = il ne contient aucune signature
payload-signature-too-many = il contient { $count } signatures, plus que les { $max } permises
payload-signature-not-base64 = la signature de la clé { $key } n'est pas du base64 valide
payload-signature-length = la signature de la clé { $key } fait { $len } octets ; une signature ed25519 en fait 64

## Pourquoi une clé est inutilisable ($detail : les mots du lecteur PEM ou SPKI)
payload-key-in-file = { $file } : { $problem }
payload-key-not-a-fingerprint = « { $text } » n'est pas une empreinte de clé (64 chiffres hexadécimaux)
payload-key-not-private = ce n'est pas une clé privée ed25519 au format PKCS#8 PEM : { $detail }
payload-key-not-public = ce n'est pas une clé publique ed25519 au format SPKI PEM : { $detail }
payload-key-listed-not-base64 = une clé publique listée par le manifeste n'est pas du base64 valide
payload-key-listed-not-spki = une clé publique listée par le manifeste n'est pas une clé ed25519 SPKI : { $detail }
payload-key-weak = la clé publique est un point d'ordre faible : on ne peut pas lui faire confiance
payload-key-file-too-large = { $file } dépasse { $max } octets : c'est trop grand pour un fichier de clé

## Quel membre n'est pas là où le manifeste le place
payload-layout-all-read = tous les composants ont déjà été lus
payload-layout-too-large = le composant « { $component } » fait { $size } octets, plus que les { $max } attendus
payload-layout-not-read = le composant « { $component } » n'a pas été lu
payload-layout-twice = le composant « { $component } » apparaît deux fois
payload-layout-unlisted = le membre « { $member } » ne figure pas dans le manifeste
payload-layout-trailing = des octets suivent la fin du paquet (à partir de l'octet { $at })
payload-layout-missing = le composant « { $component } » manque (le paquet s'arrête après le précédent)
payload-layout-out-of-order = le composant « { $found } » est à la place de « { $expected } » : les composants sont dans le désordre ou répétés
payload-layout-second-head = un second « { $member } » suit la signature
payload-layout-size-differs = le composant « { $component } » fait { $container } octets dans l'enveloppe mais { $manifest } selon le manifeste
payload-layout-not-a-frame = le bloc { $chunk } du composant « { $component } » n'est pas une trame d'au plus { $max } octets

## Pourquoi une trame signée ne se décompresse pas ($detail : les mots de zstd)
payload-frame-beyond = ils dépassent { $len } octets une fois décompressés
payload-frame-short = ils donnent { $got } octets, et non { $len }
payload-frame-not-zstd = ce n'est pas une trame zstd valide ({ $detail })
payload-frame-no-decompressor = aucun décompresseur zstd n'a pu être préparé ({ $detail })

## Pourquoi une construction s'arrête (l'outil de l'administrateur)
payload-build-no-key = aucune clé de signature n'est donnée
payload-build-unknown-compression = la compression « { $text } » est inconnue : indiquez 'zstd', 'zstd:NIVEAU' (1 à 22) ou 'none'
payload-build-grew = { $component } a grandi pendant sa lecture
payload-build-member-name = le nom de membre « { $name } » ne tient pas dans un en-tête tar
payload-build-not-installable = la version ne peut pas être installée : il lui manque { $missing }
payload-needed-default-config = une configuration par défaut (config-*.toml)
payload-build-does-not-fit = la version ne tient pas dans sa disposition : { $fit }
payload-fit-slot = l'image racine fait { $rootfs } mais [install] donne { $slot } à chaque emplacement
payload-fit-esp = les noyaux et initrd de deux emplacements demandent une ESP de { $needed } mais [install] lui donne { $esp }
payload-build-written-does-not-verify = le paquet écrit ne se vérifie pas ({ $error }) ; un fichier d'entrée a-t-il changé pendant la construction ?
payload-build-read-back-differs = le paquet relu diffère de celui qui a été écrit
payload-build-creation-time = la date de création est en l'an { $year } ; une date RFC 3339 va de l'an 0 à l'an 9999
payload-build-first-release-upgrades = la première version du produit ne met rien à jour : indiquez 'upgrades-from' ou qu'elle est la première, pas les deux
payload-build-no-default-upgrades = { $version } commence une nouvelle version majeure : la « version précédente » n'est donc pas connue ; indiquez quelles versions peuvent passer à celle-ci (par exemple '>={ $previous }.N.0, <{ $version }', N étant la dernière version mineure de { $previous }), ou, si c'est la première version du produit, dites-le (upgrades-from = "none")
payload-build-outgrew = { $part } dépasse la place qui lui était réservée
payload-build-output-is-input = la sortie { $path } est aussi un composant d'entrée

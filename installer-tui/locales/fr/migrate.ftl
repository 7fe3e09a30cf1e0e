# Pourquoi un jeu de migrations, la chaîne de ses étapes ou un document
# de configuration est refusé : les règles du jeu et des documents, avec
# les faits qui les enfreignent.

## Le jeu de migrations, migrations.toml
migrate-not-text = ce n'est pas du texte UTF-8 (octet invalide à la position { $offset })
migrate-spec-zero-schema = schema doit valoir 1 ou plus
migrate-spec-step = étape { $index } (du schéma { $from } au schéma { $to })
migrate-spec-not-one-step = { $step } : une étape va d'un schéma N au schéma N+1
migrate-spec-not-following = { $step } : les étapes doivent se suivre ; la précédente s'arrête au schéma { $end }
migrate-spec-last-step-end = la dernière étape s'arrête au schéma { $end }, mais schema vaut { $schema }
migrate-spec-op = { $step }, { $op }
migrate-spec-op-at = opération { $index } ({ $name }) : { $problem }

## Une opération d'une étape
migrate-op-no-file = ne nomme aucun fichier
migrate-key-path = clé { $key } : { $problem }
migrate-op-file-in-for-each = nomme un fichier dans un for-each, qui agit sur chaque élément
migrate-op-rename-to-itself = renomme une clé en son propre nom
migrate-op-move-to-file-in-for-each = déplace vers un autre fichier dans un for-each
migrate-op-move-into-itself = impossible de déplacer { $key } vers { $to } : l'une est dans l'autre
migrate-op-empty-separator = le séparateur est vide
migrate-op-too-few-parts = un split demande au moins deux clés dans `into`
migrate-op-part-twice = { $key } apparaît deux fois dans `into`
migrate-op-part-holds-another = { $key } contient une autre partie
migrate-op-part-type = { $key } : une partie est une chaîne ou un entier, pas { $found }
migrate-op-part-default = { $key } : la valeur par défaut ne convient pas : { $reason }
migrate-op-default = la valeur par défaut ne convient pas : { $reason }
migrate-op-empty-map = la table de correspondance est vide
migrate-op-map-twice = la table de correspondance donne { $value } deux fois
migrate-op-nothing-to-check = ne déclare ni type, ni min, ni max à vérifier
migrate-op-min-above-max = min { $min } est plus grand que max { $max }
migrate-op-range-not-integer = min et max ne s'appliquent qu'aux entiers
migrate-op-too-deep = les for-each s'imbriquent sur plus de { $max } niveaux
migrate-op-in-for-each = dans { $array }, { $op }

## Noms de clés et de fichiers
migrate-name-empty-key = nom de clé vide
migrate-name-key-too-long = nom de clé de plus de { $max } caractères
migrate-name-key-character = le nom de clé { $name } contient { $character } ; seuls les lettres, les chiffres, « _ » et « - » sont permis
migrate-name-too-many-parts = plus de { $max } parties
migrate-name-file-length = un nom de fichier a de 1 à { $max } caractères
migrate-name-hidden-file = le nom de fichier { $name } commence par « . »
migrate-name-file-character = le nom de fichier { $name } contient { $character } ; seuls les lettres, les chiffres, « _ », « - » et « . » sont permis
migrate-name-not-toml-document = { $name } n'est pas un document .toml
migrate-name-schema-file = { $file } est l'enregistrement du schéma propre à Ferry ; les migrations ne peuvent pas le modifier

## Pourquoi il n'y a pas de chaîne d'étapes
migrate-no-path-downgrade = la configuration est plus récente que cette version ; revenir à une version antérieure n'est pas possible
migrate-no-path-past-release = la configuration de cette version est au schéma { $schema }
migrate-no-path-too-old = cette version migre les configurations à partir du schéma { $oldest } ; faites d'abord la mise à jour avec une version qui migre le schéma { $from }

## Un document de configuration
migrate-document-syntax = ce n'est pas du TOML valide : { $syntax }
migrate-document-too-large = { $size } octets, plus que les { $max } permis
migrate-document-too-many-files = la configuration a plus de { $max } fichiers
migrate-document-not-a-file = ce n'est pas un fichier ordinaire ; un répertoire de configuration ne contient que des fichiers
migrate-document-no-schema-file = absent : la configuration n'enregistre pas son schéma
migrate-document-no-schema-key = n'a pas de clé `schema`
migrate-document-bad-schema = `schema` doit être un nombre entier, 1 ou plus

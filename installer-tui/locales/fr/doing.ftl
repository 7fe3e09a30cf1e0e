### Ferry installer: what the engine was doing (French)
###
### Ce que le moteur faisait quand une erreur d'entrée-sortie est venue
### (une action sur un objet, parfois à un octet), pourquoi la signature
### d'un paquet est refusée, ce qu'un paquet plus récent demande.

## Ce qui était en cours : l'action, avec son objet
doing-opening = l'ouverture { $object }
doing-opening-to-write = l'ouverture { $object } en écriture
doing-opening-to-read-back = l'ouverture { $object } pour la relecture
doing-reading = la lecture { $object }
doing-reading-back = la relecture { $object }
doing-writing = l'écriture { $object }
doing-zeroing = la mise à zéro { $object }
doing-discarding = la libération { $object } (discard)
doing-flushing = la synchronisation { $object }
doing-formatting = le formatage { $object }
doing-removing = la suppression { $object }
doing-at = { $doing } à l'octet { $offset }

## L'objet d'une action, avec son « de »
doing-object-disk = du disque { $path }
doing-object-file = de { $path }
doing-object-payload-file = du paquet { $path }
doing-object-payload = du paquet
doing-object-boot-file = du fichier de démarrage { $path } (fourni sous Debian par { $package })
doing-object-slot = de l'emplacement { $slot }
doing-object-partition = de la partition { $partition }
doing-object-esp = de l'ESP
doing-object-esp-file = de { $path } sur l'ESP
doing-object-config-file = de { $path } sur la partition de configuration
doing-object-state-record = de l'enregistrement d'état
doing-object-boot-entry = de l'entrée de démarrage de l'emplacement { $slot }
doing-object-partition-table = de la table de partitions
doing-object-protective-mbr = du MBR de protection
doing-object-efi-variable = de la variable EFI { $name }
doing-object-bytes = des octets { $start }..{ $end }

## Les entrées de démarrage du micrologiciel
error-no-free-boot-option = toutes les variables Boot#### du micrologiciel sont prises : aucune entrée de démarrage ne peut être ajoutée

## Pourquoi la signature d'un paquet est refusée
untrusted-mismatch = la signature de la clé { $key } ne correspond pas au manifeste : le paquet a été modifié après avoir été signé
untrusted-revoked = le paquet est signé par la clé { $key }, qui a été révoquée
untrusted-not-trusted = le paquet est signé par la clé { $key }, à laquelle ce système ne fait pas confiance (clés de confiance : { $trusted })
untrusted-no-key-trusted = aucune
untrusted-unsigned = le paquet ne porte aucune signature
untrusted-no-key-left = le paquet révoquerait toutes les clés de confiance, et il n'en resterait aucune pour vérifier le suivant

## Ce qu'un paquet plus récent contient que cet installateur ne lit pas
newer-format = le format de paquet { $format }
newer-compression = la compression « { $compression } » du composant « { $component } »

## Where a payload's file stops too early ($section: manifest, signature,
## component (named $name) or end)
cut-header = { $section ->
    [manifest] l'en-tête du manifeste
    [signature] l'en-tête de la signature
    [end] l'en-tête attendu à la fin du paquet
   *[component] l'en-tête du composant « { $name } »
}
cut-whole = { $section ->
    [manifest] le manifeste
    [signature] la signature
    [end] la fin du paquet
   *[component] le composant « { $name } »
}
cut-padding = { $section ->
    [manifest] le remplissage après le manifeste
    [signature] le remplissage après la signature
    [end] le remplissage de la fin du paquet
   *[component] le remplissage après le composant « { $name } »
}
cut-end-marker = la marque de fin d'archive
cut-bytes = le composant « { $component } » (octets { $start } à { $end })
cut-chunk = le composant « { $component } » (bloc { $chunk }, octets { $start } à { $end })

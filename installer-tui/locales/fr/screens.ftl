### Installateur Ferry : screens (français)

language-name = Français

screen-action = Que faire
screen-check = Vérifier ce support
screen-disks = Disques
screen-done = Terminé
screen-failed = Échec
screen-keyboard = Disposition du clavier
screen-progress = Progression
screen-review = Vérification
screen-confirm = Confirmation
screen-welcome = Accueil
screen-language = Langue

## Le cadre commun à tous les écrans
app-title = Installateur Ferry
header-medium = support { $id }
header-simulation = simulation
other-console-busy = ! L'installateur de l'autre console est en train de travailler.
waiting-disk-title = Disque
waiting-disk = Examen du disque et vérification de chaque choix...
waiting-start-title = Démarrage
waiting-start = Vérification de la signature du support et examen des disques...
log-title = Journal
entry-not-possible = (impossible)
bytes-of = { $done } sur { $total }  { $rate } Mo/s
eta = reste { $time }

## Touches (ligne du bas)
hints-welcome = Haut/Bas déplacer  Entrée choisir  raccourcis i c k s b p  l langue
hints-move-choose-back = Haut/Bas déplacer  Entrée choisir  Échap retour
hints-keyboard-proposed = Haut/Bas déplacer  Entrée accepter  Échap garder { $layout }
hints-disks = Haut/Bas déplacer  Entrée choisir  1-9 numéro  Échap retour
hints-check-running = Échap arrêter et revenir
hints-enter-back = Entrée retour
hints-review = Haut/Bas/PgPréc/PgSuiv défiler  Entrée lancer  Échap retour
hints-progress = l journal  c annuler
hints-progress-log = l retour à la progression
hints-done = Entrée redémarrer  p éteindre  s shell  l journal
hints-failed = r réessayer  s shell  b redémarrer  l journal
hints-any-key = une touche pour revenir

## Accueil
menu-install = Installer ou mettre à jour
menu-check = Vérifier ce support
menu-keyboard = Disposition du clavier : { $layout }
menu-language = Langue : { $language }
menu-shell = Shell de secours
menu-reboot = Redémarrer
menu-poweroff = Éteindre
demo-key-warning-1 = ATTENTION : ce support accepte la clé de démo publique (démos et tests) :
demo-key-warning-2 = tous peuvent signer ce qu'il installe, et les machines installées s'y fient.
bios-warning-1 = CETTE MACHINE A LANCÉ L'INSTALLATEUR EN MODE BIOS HÉRITÉ : le système
bios-warning-2 = installé ne démarre qu'en UEFI : installation et effacement sont refusés.
bios-warning-3 = Redémarrez sur l'entrée UEFI de la clé (ou du DVD) dans le menu du firmware.
kind-release = version
kind-hotfix = correctif
welcome-hotfix-item = { $version } correctif { $id }
welcome-release = Version sur ce support : { $product } { $version } ({ $kind })
welcome-release-also = Version sur ce support : { $product } { $version } ({ $kind }) ; aussi { $others }
welcome-signature = Signature vérifiée : { $count ->
    [one] clé
   *[other] clés
} { $keys }
welcome-unusable = CE SUPPORT NE PEUT PAS SERVIR À INSTALLER :
welcome-unusable-advice = Rien ne sera installé depuis ce support. Utilisez-en un autre.
welcome-reading = Lecture du support...
welcome-medium = Support : { $path }
welcome-medium-id = Support : { $path } (id { $id })
welcome-firmware = Machine démarrée en : { $firmware }
firmware-bios = BIOS hérité (ou UEFI en mode de compatibilité BIOS)
firmware-uefi = UEFI, { $secure_boot ->
    [on] Secure Boot actif
    [off] Secure Boot inactif
   *[unknown] état de Secure Boot inconnu
}
firmware-uefi-setup-mode = UEFI, { $secure_boot ->
    [on] Secure Boot actif
    [off] Secure Boot inactif
   *[unknown] état de Secure Boot inconnu
} (mode configuration : aucune clé de plateforme)
welcome-notice = ! { $notice }
lang-unknown = ferry.lang={ $value } n'est pas une langue de l'installateur ({ $known }) : anglais utilisé.

## Langue et disposition du clavier
language-intro = Choisissez la langue des écrans de l'installateur.
item-current = { $item } (actuelle)
keyboard-intro = Choisissez la disposition du clavier branché sur cette machine.
keyboard-proposed = Proposée pour { $language } : Entrée l'accepte, Échap garde { $layout }.
layout-proposed-at-start = Proposée pour { $language } : la disposition { $layout } ; [k] pour la choisir.
layout-serial = Sur une console série, c'est votre terminal qui fixe la disposition.
layout-simulated = Simulation : la disposition de la console serait { $layout }.
layout-set = Disposition du clavier : { $layout }.
layout-failed = Impossible de charger la disposition { $layout } ; le clavier reste inchangé.

## Vérifier ce support
check-intro-1 = Lecture de tout le support et comparaison avec ses sommes de contrôle.
check-intro-2 = Un disque ou une clé endommagé se voit ici, avant toute installation.
check-passed = Vérification du support réussie
check-intact-iso = Le support est intact : { $bytes } octets lus, somme de contrôle correcte.
check-intact-payloads = Le support est intact : { $count ->
    [one] le paquet ({ $bytes } octets) correspond à ses empreintes signées.
   *[other] ses { $count } paquets ({ $bytes } octets) correspondent à leurs empreintes signées.
}
check-failed = ÉCHEC DE LA VÉRIFICATION DU SUPPORT
check-failed-advice = N'installez pas depuis ce support : créez-en un nouveau et démarrez dessus.

## Disques
disks-intro = Choisissez le disque où installer ou mettre à jour :
disks-none = Aucun disque trouvé. Vérifiez les câbles et les réglages disque du firmware.
health-good = démarre bien
health-trying = à l'essai, { $tries ->
    [one] { $tries } essai restant
   *[other] { $tries } essais restants
}
health-failed = ÉCHEC au démarrage
health-no-entry = pas d'entrée de démarrage
health-unknown = état de démarrage inconnu
slot-empty = emplacement { $slot } vide
slot-release = emplacement { $slot } { $version }
slot-hotfixes = { $count ->
    [one] correctif
   *[other] correctifs
} { $ids }
slot-active = actif, { $health }
content-blank = vierge
content-foreign = autre système : { $summary }
content-unreadable = illisible : { $reason }
table-damaged = table de partitions endommagée ; { $content }

## Que faire
action-hotfix = Appliquer le correctif { $id } à { $version }
action-upgrade = Mettre à jour vers { $version } (garder la configuration)
action-upgrade-then = Mettre à jour vers { $version } (garder la configuration), puis { $then }
action-repair = Réinstaller { $version } (garder configuration et données)
action-install = Installer { $version }
action-wipe = Effacer et réinstaller { $version }
action-install-erase = Installer { $version } (efface le disque)
list-and = { $rest } et { $last }
steps-this-release = Cette version
steps-note-1 = { $from } ne peut pas passer à { $last } d'un coup : { $to } est installée d'abord ;
steps-note-2 = une fois { $to } démarrée, ce support la met à jour vers { $then }.
action-disk = Disque : { $disk }
action-disk-unusable = Ce disque est inutilisable : { $error }
action-nothing = Rien n'est possible sur ce disque avec ce support. Échap pour revenir.

## Vérification et confirmation
review-title = { screen-review } : { $action ->
    [install] installation
    [wipe] effacement
    [upgrade] mise à jour
    [hotfix] correctif
   *[repair] réinstallation
} (ligne { $line } sur { $total })
confirm-word = EFFACER
confirm-type = Tapez { $word } pour confirmer, puis Entrée :
confirm-type-or-name = Tapez { $word } (ou le nom du disque, { $name }) puis Entrée :
confirm-enter = Entrée lance { $action ->
    [install] l'installation
    [wipe] l'effacement
    [upgrade] la mise à jour
    [hotfix] le correctif
   *[repair] la réinstallation
}. Échap pour revenir ; rien n'est écrit avant Entrée.
confirm-wrong = Ce n'est pas { $word } : rien n'a été écrit. Tapez { $word } puis Entrée, ou Échap pour revenir.

## Progression
progress-heading = { $action ->
    [install] Installation de
    [wipe] Effacement et réinstallation de
    [upgrade] Mise à jour de
    [hotfix] Correctif sur
   *[repair] Réinstallation de
} { $disk } avec { $product } { $version }
progress-unattended = Sans surveillance : selon le fichier de réponses.
progress-medium-read = Lu sur le support : { $done } sur { $total }
progress-elapsed = Écoulé { $time }
cancel-requested = Annulation : l'installateur s'arrête au prochain bloc lu.
cancel-keep-slot = c Annuler : arrêt immédiat ; l'emplacement { $slot } reste celui par défaut, sa configuration intacte.
cancel-too-late = Trop tard pour annuler : le nouveau système est déjà celui par défaut. S'il ne démarre pas, la machine revient seule à l'emplacement { $slot }.
cancel-nothing-written = c Annuler : arrêt immédiat ; rien n'a encore été écrit.
cancel-erasing = Annulation impossible : le disque est en cours d'effacement. Arrêté maintenant, le disque resterait sans système en état de marche jusqu'à une nouvelle installation.

## Terminé et Échec
done-title = { $action ->
    [install] Installation terminée
    [wipe] Effacement et réinstallation terminés
    [upgrade] Mise à jour terminée
    [hotfix] Correctif appliqué
   *[repair] Réinstallation terminée
}
failed-title = { $action ->
    [install] Échec de l'installation
    [wipe] Échec de l'effacement et de la réinstallation
    [upgrade] Échec de la mise à jour
    [hotfix] Échec du correctif
   *[repair] Échec de la réinstallation
}
cancelled-title = { $action ->
    [install] Installation annulée
    [wipe] Effacement et réinstallation annulés
    [upgrade] Mise à jour annulée
    [hotfix] Correctif annulé
   *[repair] Réinstallation annulée
}
done-installed = { $product } { $version } est installé dans l'emplacement { $slot } ; il sera lancé au prochain démarrage.
done-countdown = { $finish ->
    [poweroff] Extinction
   *[reboot] Redémarrage
} dans { $seconds } s ; appuyez sur une touche pour rester.
done-remove = Retirez le support et appuyez sur Entrée pour redémarrer
done-other-keys = (p éteindre, s shell de secours)
failed-stopped = Arrêté à la demande du technicien.
failed-what = Cause de l'échec : { $error }
failed-kept = Le système précédent (emplacement { $slot }) reste celui par défaut et démarre comme avant.
failed-nothing-written = Rien n'a été écrit ; le disque est tel qu'il était.
failed-partly-written = Le disque est partiellement écrit et n'a aucun système en état de marche : réessayez, ou effacez et réinstallez.
failed-keys = [r] Réessayer   [s] Shell de secours   [b] Redémarrer   [l] Journal
report-not-saved = Le rapport n'a pas pu être enregistré.
report-saved = Rapport enregistré dans :
report-log = Journal : { $path } (touche l)

## Exécutions sans surveillance et autre console
notice-continuing = { $error }. Suite en mode interactif.
notice-already-done = { $source } : { $why }.
notice-bios-refused = { $source } : { $action ->
    [install] l'installation est refusée
    [wipe] l'effacement est refusé
    [upgrade] la mise à jour est refusée
    [hotfix] le correctif est refusé
   *[repair] la réinstallation est refusée
} en mode BIOS hérité (voir plus haut) ; rien n'a été écrit. Suite en mode interactif.
notice-other-console = L'installateur de l'autre console travaille ; rien n'a été écrit ici.

## Affiché sur la console, hors des écrans
console-waiting = Attente du support de démarrage (DVD ou clé USB)...
console-simulation-exit = simulation : { $exit } demandé (code de sortie { $code })
console-no-key = aucune clé de confiance : donnez --trust CLE.pub (au démarrage : { $dir }/*.pub)

### Installateur Ferry : boot (français)
### Ce que l'init du support de démarrage écrit sur chaque console avant
### et entre deux lancements de l'installateur.

boot-efivarfs-missing = efivarfs non monté : état du Secure Boot inconnu
boot-too-little-memory =
    FERRY: MÉMOIRE INSUFFISANTE. Cette machine a { $mem } Mio de mémoire ;
    l’installateur en demande au moins { $need } Mio. Rien n’a été écrit.
    Ajoutez de la mémoire (ou donnez-en plus à la machine virtuelle) et recommencez.
boot-shell-given = ferry.shell donné : des shells à la place de l’installateur
boot-console-missing = la console { $tty } est absente ; l’installateur n’y démarre pas
boot-starting = FERRY-INSTALLER démarre sur { $tty }
boot-rebooting = Redémarrage.
boot-powering-off = Mise hors tension.
boot-rescue-requested = Shell de secours demandé depuis l’installateur.
boot-installer-exited = L’installateur s’est arrêté.
boot-installer-failed = L’installateur s’est arrêté (code { $status }).
boot-rescue-help =
    Ceci est un shell de secours : « installer-tui --help » dit ce qu’il
    sait faire ; tapez « exit » pour relancer l’installateur, « reboot -f »
    pour redémarrer la machine.
boot-rescue-shell = Shell de secours Ferry sur { $tty }

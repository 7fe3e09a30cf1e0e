### Installateur Ferry : screens (français)

language-name = Français

screen-action = Que faire
screen-check = Vérifier ce support
screen-disks = Disques
screen-done = Terminé
screen-failed = Échec
screen-keyboard = Disposition du clavier
screen-progress = Progression
screen-confirm = Confirmation
screen-welcome = Accueil

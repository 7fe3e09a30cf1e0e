### Ferry installer: screens (English)

# The language's own name, as the Welcome screen shows it.
language-name = English

## Screen titles (the iso-tests find screens by them)
screen-action = What to do
screen-check = Check this medium
screen-disks = Disks
screen-done = Done
screen-failed = Failed
screen-keyboard = Keyboard layout
screen-progress = Progress
screen-confirm = Confirm
screen-welcome = Welcome

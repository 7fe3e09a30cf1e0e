### Installateur Ferry : engine (français)


### Installateur Ferry : boot (français)


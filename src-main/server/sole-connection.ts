import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * true while exactly one client connection is open. HTTP/1.1 answers a connection's requests
     * one at a time, so no other prediction can arrive before the one in hand is answered: the
     * core may run and commit it at once instead of waiting a turn of the event loop for others
     * to join its batch (InferOptions.alone). Injected requests (tests) open no connection.
     */
    soleConnection(): boolean;
  }
}

export function installConnectionCount(app: FastifyInstance): void {
  let open = 0;
  app.server.on('connection', (socket: NodeJS.EventEmitter) => {
    open++;
    socket.once('close', () => open--);
  });
  app.decorate('soleConnection', () => open === 1);
}

import Router from '@koa/router';
import type { IncomingMessage } from 'node:http';
import { receiveUpload } from '../../commands/upload-receiver.ts';
import { presentAttachment } from '../../presenters/attachment.ts';
import { requirePrincipal, type AppContext, type AppCustom, type AppState } from '../context.ts';

// After a refusal, what the client still sends is read and dropped for a moment (so it sees the
// answer instead of a reset), then the connection is closed. Loopback and LAN socket buffers hold
// several MiB in flight, and a busy client reads the answer late: closing after 1 MiB reset some.
const LINGER_MS = 2000;
const LINGER_BYTES = 16 * 1024 * 1024;

/** Stops taking the body of a refused upload: nothing more is parsed or stored. */
function stopReading(ctx: AppContext) {
  const req: IncomingMessage = ctx.req;
  if (req.complete) return;
  req.unpipe();
  req.pause();
  // Marks the body as handled, so Node does not read all of it after the answer.
  req.read(0);
  ctx.res.once('finish', () => {
    let dropped = 0;
    const close = () => req.socket.destroy();
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) close();
    });
    req.once('end', () => clearTimeout(timer));
    req.resume();
  });
}

export function uploadRoutes() {
  const router = new Router<AppState, AppCustom>();

  router.post('/api/uploads', async (ctx) => {
    try {
      const { user } = requirePrincipal(ctx);
      await ctx.services.limits.consume('upload', user.id);
      const row = await receiveUpload(ctx.services, user, ctx.req, ctx.req.headers);
      ctx.status = 201;
      ctx.body = { attachment: presentAttachment(row) };
    } catch (error) {
      stopReading(ctx);
      throw error;
    }
  });

  return router;
}

import { conversationRoutes as routes } from '@psa/contracts/http/conversation-routes';
import type { createApiApp } from '@psa/http/http';
import {
  addTicketMessage,
  type ConversationDeps,
  type NewAttachment,
} from './domain/conversation/add-message.ts';
import { listMessages, type ReadDeps } from './domain/read-tickets.ts';
import { commentOnRating, rateTicket, type SatisfactionDeps } from './domain/satisfaction/rate.ts';

/** Attachments as the JSON body carries them (base64), decoded. */
export const decodeAttachments = (
  uploads: readonly { name: string; contentType: string; content: string }[] | undefined,
): NewAttachment[] =>
  (uploads ?? []).map((u) => ({
    name: u.name,
    contentType: u.contentType,
    content: new Uint8Array(Buffer.from(u.content, 'base64')),
  }));

/** The conversation and satisfaction routes, mounted on intake's app. */
export function mountConversation(
  app: ReturnType<typeof createApiApp>,
  deps: ConversationDeps & SatisfactionDeps & ReadDeps,
): void {
  app.openapi(routes.addMessage, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { message } = await addTicketMessage(
      {
        tenantId,
        ticketId: id,
        principal: c.get('principal'),
        visibility: body.visibility,
        text: body.text,
        attachments: decodeAttachments(body.attachments),
      },
      deps,
    );
    const { rawKey: _raw, textKey: _key, ...shown } = message;
    return c.json({ ...shown, text: body.text }, 201);
  });

  app.openapi(routes.listMessages, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    return c.json(await listMessages({ tenantId, ticketId: id, principal: c.get('principal') }, deps), 200);
  });

  app.openapi(routes.rateTicket, async (c) => {
    const { token } = c.req.valid('param');
    const body = c.req.valid('json');
    c.header('cache-control', 'no-store');
    return c.json(
      await rateTicket(
        { token, rating: body.rating, ...(body.comment ? { comment: body.comment } : {}) },
        deps,
      ),
      200,
    );
  });

  app.openapi(routes.commentOnRating, async (c) => {
    const { token } = c.req.valid('param');
    c.header('cache-control', 'no-store');
    return c.json(await commentOnRating({ token, comment: c.req.valid('json').comment }, deps), 200);
  });
}

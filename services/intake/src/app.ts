import type { Logger } from '@aws-lambda-powertools/logger';
import { intakeRoutes as routes } from '@psa/contracts/http/intake-routes';
import { openApiDocument } from '@psa/contracts/http/openapi';
import type { Authenticator } from '@psa/http/auth';
import { createApiApp } from '@psa/http/http';
import { annotateCorrelation } from '@psa/model/correlation';
import { decodeAttachments, mountConversation } from './conversation-app.ts';
import { type ChangeStatusDeps, changeStatus } from './domain/change-status.ts';
import {
  type ConversationDeps,
  checkRequestAttachments,
  keepRequestAttachments,
} from './domain/conversation/add-message.ts';
import type { EmailDeps } from './domain/email/email-deps.ts';
import { downloadAttachment, getQuarantinedMail, listQuarantine } from './domain/email/mail-api.ts';
import { type RateLimitDeps, takeWebTicketAllowance } from './domain/rate-limits.ts';
import { getTicket, listTickets, type ReadDeps, viewTicket } from './domain/read-tickets.ts';
import { changePriority, reassignTicket } from './domain/reassign.ts';
import type { SatisfactionDeps } from './domain/satisfaction/rate.ts';
import { type SubmitDeps, submitTicket } from './domain/submit-ticket.ts';
import { countTickets } from './domain/ticket-queries.ts';
import { conditionalJson } from './etag.ts';

export type IntakeDeps = SubmitDeps &
  ChangeStatusDeps &
  ReadDeps &
  EmailDeps &
  RateLimitDeps &
  ConversationDeps &
  SatisfactionDeps & { logger: Logger; authenticate: Authenticator };

/**
 * The intake HTTP API: the same app runs behind API Gateway and in the local server. Re-processing
 * a quarantined mail parses mail and is served apart (./reprocess-app.ts, IntakeReprocessApi).
 */
export function createIntakeApp(deps: IntakeDeps) {
  const app = createApiApp({ authenticate: deps.authenticate, logger: deps.logger });

  app.get('/openapi.json', (c) => c.json(openApiDocument(new URL(c.req.url).origin) as object));

  app.openapi(routes.createTicket, async (c) => {
    const { tenantId } = c.req.valid('param');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    await takeWebTicketAllowance(c.get('principal'), tenantId, deps);
    const { attachments: uploads, ...input } = c.req.valid('json');
    const attachments = decodeAttachments(uploads);
    await checkRequestAttachments(tenantId, attachments, deps);
    const { ticket, created } = await submitTicket(
      {
        tenantId,
        principal: c.get('principal'),
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
      deps,
    );
    annotateCorrelation({ ticketId: ticket.id });
    await keepRequestAttachments(ticket, attachments, deps);
    const fresh = created && attachments.length === 0;
    return c.json(await viewTicket(ticket, deps, c.get('principal'), null, fresh), created ? 201 : 200);
  });

  // Reads the console polls answer 304 while nothing changed (./etag.ts).
  app.openapi(routes.getTicket, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const ticket = await getTicket({ tenantId, ticketId: id, principal: c.get('principal') }, deps);
    return conditionalJson(c, ticket) as never;
  });

  app.openapi(routes.listTickets, async (c) => {
    const { tenantId } = c.req.valid('param');
    const q = c.req.valid('query');
    return conditionalJson(
      c,
      await listTickets({ tenantId, principal: c.get('principal'), ...q }, deps),
    ) as never;
  });

  app.openapi(routes.countTickets, async (c) => {
    const { tenantId } = c.req.valid('param');
    const q = c.req.valid('query');
    return conditionalJson(
      c,
      await countTickets({ tenantId, principal: c.get('principal'), ...q }, deps),
    ) as never;
  });

  app.openapi(routes.changeStatus, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const body = c.req.valid('json');
    const ticket = await changeStatus(
      {
        tenantId,
        ticketId: id,
        principal: c.get('principal'),
        status: body.status,
        ...(body.note ? { note: body.note } : {}),
      },
      deps,
    );
    return c.json(await viewTicket(ticket, deps, c.get('principal')), 200);
  });

  app.openapi(routes.changePriority, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const body = c.req.valid('json');
    const ticket = await changePriority(
      {
        tenantId,
        ticketId: id,
        principal: c.get('principal'),
        priority: body.priority,
        ...(body.reason ? { reason: body.reason } : {}),
      },
      deps,
    );
    return c.json(await viewTicket(ticket, deps, c.get('principal')), 200);
  });

  app.openapi(routes.reassignTicket, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    const body = c.req.valid('json');
    const ticket = await reassignTicket(
      { tenantId, ticketId: id, principal: c.get('principal'), to: body.to, reason: body.reason },
      deps,
    );
    return c.json(await viewTicket(ticket, deps, c.get('principal')), 200);
  });

  app.openapi(routes.getAttachment, async (c) => {
    const { tenantId, id, attachmentId } = c.req.valid('param');
    const file = await downloadAttachment(
      { tenantId, ticketId: id, attachmentId, principal: c.get('principal') },
      deps,
    );
    return c.body(file.content as Uint8Array<ArrayBuffer>, 200, {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'x-content-type-options': 'nosniff',
    }) as never;
  });

  app.openapi(routes.listQuarantine, async (c) => {
    const { tenantId } = c.req.valid('param');
    const q = c.req.valid('query');
    return c.json(await listQuarantine({ tenantId, principal: c.get('principal'), ...q }, deps), 200);
  });

  app.openapi(routes.getQuarantined, async (c) => {
    const { tenantId, id } = c.req.valid('param');
    return c.json(await getQuarantinedMail({ tenantId, id, principal: c.get('principal') }, deps), 200);
  });

  mountConversation(app, deps);
  return app;
}

import { createRoute } from '@hono/zod-openapi';
import { MessageVisibilitySchema, RatingSchema, TicketMessageSchema } from '@psa/model/ticket';
import * as z from 'zod';
import { ErrorSchema, errors, json, security, TicketParams } from './shared.ts';

/**
 * Conversation and satisfaction routes (intake): messages on a ticket with their visibility, and
 * the public rating endpoint a resolution mail's link leads to through the web app.
 */

/**
 * A file sent with a ticket or a message, base64 in the JSON body. A Lambda request carries at
 * most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), so the
 * whole body stays under it; the tenant's email limits apply to the decoded bytes on top.
 */
export const AttachmentUploadSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    contentType: z
      .string()
      .max(255)
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as text/plain')
      .default('application/octet-stream'),
    content: z.base64().max(5_500_000),
  })
  .strict()
  .openapi('AttachmentUpload');

export const AttachmentUploadsSchema = z.array(AttachmentUploadSchema).max(10);

export const MessageViewSchema = TicketMessageSchema.omit({ rawKey: true, textKey: true }).openapi(
  'TicketMessage',
);

export const AddMessageBodySchema = z
  .object({
    /** `public`: a reply the requester reads (and, from staff, is mailed); notes are for staff. */
    visibility: MessageVisibilitySchema,
    text: z.string().trim().min(1).max(100_000),
    attachments: AttachmentUploadsSchema.optional(),
  })
  .strict()
  .openapi('AddMessage');

const RatingParams = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'a rating link token')
    .openapi({ param: { name: 'token', in: 'path' } }),
});

export const RateBodySchema = z
  .object({ rating: RatingSchema, comment: z.string().max(4000).optional() })
  .strict()
  .openapi('Rate');

export const conversationRoutes = {
  addMessage: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/tickets/{id}/messages',
    summary:
      'Add a public reply, an internal note (internal IT only) or a shared note (internal IT and partner)',
    security,
    request: {
      params: TicketParams,
      body: { content: { 'application/json': { schema: AddMessageBodySchema } }, required: true },
    },
    responses: { 201: json(MessageViewSchema, 'The message as stored'), ...errors },
  }),
  listMessages: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets/{id}/messages',
    summary: 'The conversation of a ticket, oldest first, as the caller may read it',
    security,
    request: { params: TicketParams },
    responses: { 200: json(z.object({ items: z.array(MessageViewSchema) }), 'The messages'), ...errors },
  }),
  rateTicket: createRoute({
    method: 'post',
    path: '/public/ratings/{token}',
    summary: 'Rate a resolved ticket with the single-use token of its resolution mail’s link',
    request: {
      params: RatingParams,
      body: { content: { 'application/json': { schema: RateBodySchema } }, required: true },
    },
    responses: {
      200: json(z.object({ key: z.string(), rating: RatingSchema }), 'Rated'),
      404: json(ErrorSchema, 'Not a rating link'),
      409: json(ErrorSchema, 'The ticket was already rated'),
      410: json(ErrorSchema, 'The link was already used or has expired'),
      400: json(ErrorSchema, 'Invalid request'),
    },
  }),
  commentOnRating: createRoute({
    method: 'post',
    path: '/public/ratings/{token}/comment',
    summary: 'Add the optional comment to a rating, once, with the same link',
    request: {
      params: RatingParams,
      body: {
        content: {
          'application/json': {
            schema: z
              .object({ comment: z.string().trim().min(1).max(4000) })
              .strict()
              .openapi('RatingComment'),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json(z.object({ key: z.string() }), 'Comment kept'),
      404: json(ErrorSchema, 'Not a rating link'),
      409: json(ErrorSchema, 'Not rated yet'),
      410: json(ErrorSchema, 'A comment was already added or the link has expired'),
      400: json(ErrorSchema, 'Invalid request'),
    },
  }),
} as const;

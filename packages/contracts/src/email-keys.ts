/** Where the raw message of a received mail lives: the SES receipt rule's S3 action prefix. */
export const INBOUND_PREFIX = 'inbound/';
export const rawKeyFor = (sesMessageId: string) => `${INBOUND_PREFIX}${sesMessageId}`;

import { ValidationError } from '@psa/model/errors';

/**
 * Page cursors: the last key DynamoDB evaluated, as base64url JSON, handed back to continue a
 * listing. A cursor is input like any other, so it is bound to the query it continues: on
 * decoding it must name exactly the key attributes that query's pages end with, each a string,
 * and the query's own partition. Anything else (tampered, from another listing, another tenant's
 * or requester's partition) is the caller's 400 at `query.cursor`, never a DynamoDB
 * ValidationException ("The provided starting key is outside query boundaries") and a 500.
 */

/** What a listing's cursor must hold: its key attributes and the partition value it reads. */
export interface CursorScope {
  /** The key attributes of a page's last key: the table's, and the index's when it queries one. */
  attributes: readonly string[];
  /** Partition attribute and value of the query (an index's partition key when it queries one). */
  partition: { attribute: string; value: string };
}

/** A DynamoDB key attribute value is at most 2,048 bytes (partition) or 1,024 (sort). */
const MAX_KEY_VALUE_LENGTH = 2048;

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function notOurs(cause?: unknown): ValidationError {
  return new ValidationError(
    'cursor is not one this API issued for this listing',
    [{ path: 'query.cursor', message: 'invalid' }],
    cause === undefined ? undefined : { cause },
  );
}

/** The start key a cursor of `scope` names; 400 at `query.cursor` unless it is one. */
export function decodeCursor(
  cursor: string | undefined,
  scope: CursorScope,
): Record<string, string> | undefined {
  if (!cursor) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw notOurs(cause);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw notOurs();
  const key = parsed as Record<string, unknown>;
  const names = Object.keys(key);
  if (names.length !== scope.attributes.length || !scope.attributes.every((a) => Object.hasOwn(key, a))) {
    throw notOurs();
  }
  for (const name of names) {
    const value = key[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_VALUE_LENGTH)
      throw notOurs();
  }
  if (key[scope.partition.attribute] !== scope.partition.value) throw notOurs();
  return key as Record<string, string>;
}

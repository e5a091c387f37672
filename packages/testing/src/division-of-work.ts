import {
  type DivisionOfWork,
  type DivisionOfWorkInput,
  DivisionOfWorkSchema,
} from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';

/**
 * The shipped default division of work as test fixtures: tenant `acme` (Acme Corp, New York,
 * internal Mon-Fri 08:00-17:00 with US holidays, the partner 24x7) unless another is named.
 */

export interface DivisionOfWorkFixture {
  tenantId?: string;
  name?: string;
  /** Edits the document before it is parsed (an owner moved, a policy changed). */
  change?: (doc: DivisionOfWorkInput) => void;
}

/** The default document as an editor would write it: not parsed, so a test may send it or break it. */
export function divisionOfWorkInput(opts: DivisionOfWorkFixture = {}): DivisionOfWorkInput {
  const doc = defaultDivisionOfWork(opts.tenantId, opts.name);
  opts.change?.(doc);
  return doc;
}

/** The default document, changed as asked and parsed, as the tenant store holds it. */
export function divisionOfWork(opts: DivisionOfWorkFixture = {}): DivisionOfWork {
  return DivisionOfWorkSchema.parse(divisionOfWorkInput(opts));
}

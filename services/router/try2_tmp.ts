import { parseDivisionOfWork, defaultDivisionOfWork } from '@psa/common/division-of-work';
import { decideRouting } from './src/domain/decide.ts';
const dow = parseDivisionOfWork(defaultDivisionOfWork());
const go = (subject: string, body: string, at: string, extra: any = {}) => {
  const o = decideRouting({ subject, body, requesterEmail: 'jo@acme.example', channel: 'email', requestedPriority: null, receivedAt: new Date(at), internalOpenBacklog: 5, dow, ...extra });
  console.log(JSON.stringify({ owner: o.owner, workload: o.workload, priority: o.priority, handle: o.handleMinutes, ...o.routing }, null, 1));
};
go('Locked out', 'I am locked out, please reset', '2026-11-03T22:14:00-05:00');
go('Password reset and budget approval', 'Please reset my password, and I also need budget approval for new headsets.', '2026-06-16T10:00:00-04:00');
go('Laptop dead', 'laptop will not turn on', '2026-11-26T10:00:00-05:00', { requestedPriority: 'P1' });
go('Headset broken', 'My headset microphone stopped working.', '2026-06-16T10:00:00-04:00', { internalOpenBacklog: 26 });
go('My computer is acting weird', 'Something is off', '2026-06-16T10:00:00-04:00');
go('help', 'not working', '2026-06-16T10:00:00-04:00', { requesterEmail: 'ceo@acme.example' });

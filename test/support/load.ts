import nodemailer from 'nodemailer';

/**
 * Traffic as clients send it, until the runtime stops answering: each worker sends one request
 * after the other and stops at its first failure (a connection refused or reset once the
 * runtime is gone). What was acknowledged is what the runtime promised to keep.
 */
export interface Load {
  /** Ticket ids answered 201. */
  tickets: string[];
  /** Subjects of mails answered 250. */
  mails: string[];
  /** Requests and mails sent and never answered: in flight when the runtime died. */
  unanswered: { tickets: number; mails: number };
  /** Every worker has stopped. */
  done: Promise<void>;
}

const SUBJECTS = [
  'Locked out of my account',
  'VPN keeps dropping',
  'Laptop screen cracked',
  'Need access to the Finance share',
  'Antivirus alert on my PC',
  'Printer on floor 3 jams',
];

export function startLoad(opts: {
  http: string;
  smtp: string;
  token: string;
  tag: string;
  httpWorkers?: number;
  smtpWorkers?: number;
}): Load {
  const load: Load = {
    tickets: [],
    mails: [],
    unanswered: { tickets: 0, mails: 0 },
    done: Promise.resolve(),
  };
  let next = 0;
  const ticketWorker = async () => {
    for (;;) {
      const i = next++;
      try {
        const res = await fetch(`${opts.http}/v1/tenants/acme/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            subject: `${SUBJECTS[i % SUBJECTS.length]} (${opts.tag} web ${i})`,
            body: 'It started this morning.',
            requester: { email: `user${i % 25}@acme.example` },
          }),
        });
        if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
        load.tickets.push(((await res.json()) as { id: string }).id);
      } catch {
        load.unanswered.tickets++;
        return;
      }
    }
  };
  const port = Number(new URL(opts.smtp).port);
  let nextMail = 0;
  const mailWorker = async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      for (;;) {
        const i = nextMail++;
        const subject = `${SUBJECTS[i % SUBJECTS.length]} (${opts.tag} mail ${i})`;
        try {
          await transport.sendMail({
            from: `"Mailer ${i}" <mailer${i}@acme.example>`,
            to: 'support@acme.example',
            subject,
            text: `Hello,\n\n${subject}.\n\nThanks\n`,
          });
          load.mails.push(subject);
        } catch {
          load.unanswered.mails++;
          return;
        }
      }
    } finally {
      transport.close();
    }
  };
  load.done = Promise.all([
    ...Array.from({ length: opts.httpWorkers ?? 8 }, ticketWorker),
    ...Array.from({ length: opts.smtpWorkers ?? 2 }, mailWorker),
  ]).then(() => undefined);
  return load;
}

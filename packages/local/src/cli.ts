/**
 * The operator CLI: `npm run -s psa -- <command> [...]`. Output meant for scripts is JSON.
 */
const COMMANDS: Record<
  string,
  { load: () => Promise<{ main: (args: string[]) => Promise<number> }>; help: string }
> = {
  token: { load: () => import('./cli/token.ts'), help: 'print a bearer token for the local runtime' },
  'pattern-check': {
    load: () => import('./cli/pattern-check.ts'),
    help: 'FILE: evaluate EventBridge pattern cases, one JSON line each',
  },
  'classifier-eval': {
    load: () => import('./cli/classifier-eval.ts'),
    help: '--train A.csv --test B.csv: train the ticket classifier on A, print accuracy and macro-F1 on B',
  },
  'import-history': {
    load: () => import('./cli/import-history.ts'),
    help: '--tenant acme --file history.csv [--map Label=workload,...]: train routing on past tickets',
  },
  'calendar-check': {
    load: () => import('./cli/calendar-check.ts'),
    help: 'FILE: evaluate business-calendar cases, one JSON line each',
  },
  simulate: {
    load: () => import('./cli/simulate.ts'),
    help: '--tenant T --month YYYY-MM --proposal FILE: what-if replay of a month, as JSON',
  },
  redrive: {
    load: () => import('./cli/redrive.ts'),
    help: '--queue partner|internal|triage [--dry-run] [--stage S | --queue-url U]: dead letters back to their queue',
  },
  demo: {
    load: () => import('./cli/demo.ts'),
    help: '[--months 3] [--per-day 6]: fill the demo tenant with months of tickets through the real intake (stop npm start first)',
  },
  outbox: {
    load: () => import('./cli/outbox.ts'),
    help: '[--stage S | --table T] [--full]: what the transactional outbox still has to deliver, oldest first, as JSON',
  },
};

// `psa pattern-check ... | head`: once the reader has gone, stop quietly, as Unix tools do,
// instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const [command, ...args] = process.argv.slice(2);
const entry = command ? COMMANDS[command] : undefined;
if (!entry) {
  process.stderr.write(
    `usage: psa <command> [options]\n\n${Object.entries(COMMANDS)
      .map(([name, c]) => `  ${name.padEnd(16)} ${c.help}`)
      .join('\n')}\n`,
  );
  process.exit(command ? 2 : 0);
}
process.exitCode = await (await entry.load()).main(args);

import { withCorrelation } from '@psa/model/correlation';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { stdoutLines } from './support.ts';

const lambdaContext = {
  functionName: 'psa-dev-RouterOnTicketReceived',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:psa-dev-RouterOnTicketReceived',
  functionVersion: '$LATEST',
  logGroupName: '/aws/lambda/psa-dev-RouterOnTicketReceived',
  logStreamName: '2026/12/07/[$LATEST]abc',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 1000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

describe('the correlated log line', () => {
  it('carries the Lambda context and the scope: correlation id, tenant, ticket and request id', async () => {
    const logger = createLogger({ serviceName: 'router' });
    logger.addContext(lambdaContext);
    const [line] = await stdoutLines(() =>
      withCorrelation({ correlationId: 'req-1', tenantId: 'acme', ticketId: 't1', requestId: 'req-1' }, () =>
        logger.info('ticket routed', { owner: 'partner' }),
      ),
    );
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'ticket routed',
      service: 'router',
      function_name: lambdaContext.functionName,
      function_request_id: lambdaContext.awsRequestId,
      correlationId: 'req-1',
      tenantId: 'acme',
      ticketId: 't1',
      requestId: 'req-1',
      owner: 'partner',
    });
  });

  it('keeps concurrent scopes apart on one logger (the local runtime shares a logger per function)', async () => {
    const logger = createLogger({ serviceName: 'intake' });
    const lines = await stdoutLines(() =>
      Promise.all(
        ['a', 'b'].map((id) =>
          withCorrelation({ correlationId: id, ticketId: `t-${id}` }, async () => {
            await new Promise((r) => setTimeout(r, id === 'a' ? 5 : 0));
            logger.info(`line ${id}`);
          }),
        ),
      ),
    );
    expect(lines.map((l) => [l.message, l.correlationId, l.ticketId])).toEqual([
      ['line b', 'b', 't-b'],
      ['line a', 'a', 't-a'],
    ]);
  });

  it('lets an attribute the call names win over the scope, and leaves out what no scope knows', async () => {
    const logger = createLogger({ serviceName: 'sla' });
    const [inScope, outside] = await stdoutLines(() => {
      withCorrelation({ correlationId: 'sweep-1' }, () => logger.warn('could not sync', { ticketId: 't9' }));
      logger.info('no scope');
    });
    expect(inScope).toMatchObject({ correlationId: 'sweep-1', ticketId: 't9' });
    expect(inScope).not.toHaveProperty('tenantId');
    expect(outside).not.toHaveProperty('correlationId');
  });
});

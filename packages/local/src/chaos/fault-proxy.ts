import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChaosService } from './config.ts';

export type CallFault = 'throttle' | 'error' | 'timeout' | 'lostResponse';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (contentType: string, status: number, type: string, message: string): Answer => ({
  status,
  headers: { 'content-type': contentType, 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message }),
});

const s3Error = (status: number, code: string, message: string): Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>chaos</RequestId></Error>`,
});

/**
 * What each service answers when it throttles or fails, in its own protocol, so the SDK
 * classifies it as it would in AWS (throttling: back off and retry; 5xx: retry).
 * DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 * S3: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
const ANSWERS: Record<ChaosService, Record<'throttle' | 'error', Answer>> = {
  dynamodb: {
    throttle: json(
      'application/x-amz-json-1.0',
      400,
      'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded.',
    ),
    error: json(
      'application/x-amz-json-1.0',
      500,
      'com.amazonaws.dynamodb.v20120810#InternalServerError',
      'Internal server error',
    ),
  },
  sqs: {
    throttle: {
      ...json('application/x-amz-json-1.0', 400, 'com.amazonaws.sqs#RequestThrottled', 'Rate exceeded'),
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': 'RequestThrottled;Sender',
      },
    },
    error: json('application/x-amz-json-1.0', 500, 'com.amazonaws.sqs#InternalError', 'Internal error'),
  },
  s3: {
    throttle: s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
    error: s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  },
  eventbridge: {
    throttle: json('application/x-amz-json-1.1', 400, 'ThrottlingException', 'Rate exceeded'),
    error: json('application/x-amz-json-1.1', 500, 'InternalException', 'Internal error'),
  },
  sesv2: {
    throttle: json('application/json', 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
    error: json('application/json', 500, 'InternalServiceErrorException', 'Internal error'),
  },
};

/** The API operation of a call, for the journal: the JSON target, or the REST method and path. */
export function operationOf(service: ChaosService, req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').at(-1) ?? target;
  if (service === 's3') {
    const verbs: Record<string, string> = {
      GET: 'GetObject',
      PUT: 'PutObject',
      HEAD: 'HeadObject',
      DELETE: 'DeleteObject',
    };
    return verbs[req.method ?? ''] ?? `${req.method} ${req.url?.split('?')[0]}`;
  }
  if (service === 'sesv2' && req.url?.startsWith('/v2/email/outbound-emails')) return 'SendEmail';
  return `${req.method} ${req.url?.split('?')[0]}`;
}

/** Headers of one hop (RFC 9110 7.6.1) stay with it; the proxy and its agent set their own. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
]);
const endToEnd = (headers: IncomingHttpHeaders): OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

export interface FaultProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of one AWS endpoint of the local runtime. Every call is
 * forwarded unchanged (headers, signature and body), unless `decide` picks a fault for it:
 * the service's throttling error, a 5xx, a timeout (the call is held, then its connection cut),
 * or a lost response (forwarded and carried out, then the connection is cut before the answer).
 */
export async function startFaultProxy(opts: {
  service: ChaosService;
  upstream: string;
  /** The fault for the next call, or null to forward it. */
  decide: () => CallFault | null;
  /** How long a timeout holds a call before cutting its connection. */
  timeoutMs: () => number;
  /** Called once per injected fault. */
  injected: (operation: string, fault: CallFault) => void;
}): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const held = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const cut = (req: IncomingMessage) => {
    held.delete(req.socket);
    req.socket.destroy();
  };

  const forward = (req: IncomingMessage, res: ServerResponse, loseAnswer: boolean) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: endToEnd(req.headers),
        agent,
      },
      (answer) => {
        if (loseAnswer) {
          // Let the service finish (read its whole answer), then drop it on the floor.
          answer.resume();
          answer.once('end', () => cut(req));
          answer.once('error', () => cut(req));
          return;
        }
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
      },
    );
    out.once('error', () => cut(req));
    req.pipe(out);
  };

  const server = createServer((req, res) => {
    const operation = operationOf(opts.service, req);
    const fault = opts.decide();
    if (fault) opts.injected(operation, fault);
    if (fault === 'throttle' || fault === 'error') {
      const answer = ANSWERS[opts.service][fault];
      req.resume();
      req.once('end', () => {
        res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
      });
      return;
    }
    if (fault === 'timeout') {
      req.resume();
      held.add(req.socket);
      const timer = setTimeout(() => {
        timers.delete(timer);
        cut(req);
      }, opts.timeoutMs());
      timers.add(timer);
      return;
    }
    forward(req, res, fault === 'lostResponse');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

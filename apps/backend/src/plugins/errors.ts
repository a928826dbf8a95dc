import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { DomainError, type Failure } from '../errors';
import { toValidationIssues } from './validation';

interface Answer {
  status: number;
  detail: string;
  bearerChallenge?: boolean;
}

/** The one place where domain failures become HTTP answers. */
export function answerFor(failure: Failure): Answer {
  switch (failure.kind) {
    case 'not-authenticated':
      return { status: 401, detail: 'Not authenticated', bearerChallenge: true };
    case 'invalid-credentials-scheme':
      return { status: 401, detail: 'Invalid authentication credentials', bearerChallenge: true };
    case 'invalid-token':
      return { status: 401, detail: 'Could not validate credentials', bearerChallenge: true };
    case 'unknown-user':
      return { status: 401, detail: 'User not found', bearerChallenge: true };
    case 'wrong-login':
      return { status: 401, detail: 'Incorrect email or password', bearerChallenge: true };
    case 'path-not-owned':
      return { status: 404, detail: 'Not found' };
    case 'task-not-found':
      return { status: 404, detail: 'Task not found' };
    case 'email-taken':
      return { status: 409, detail: 'A user with this email already exists' };
    case 'rate-limited':
      return { status: 429, detail: `Too many requests; try again in ${failure.retryAfterSeconds} seconds` };
    case 'chat-not-configured':
      return { status: 503, detail: 'The AI assistant is not configured on this server (no OPENAI_API_KEY). Tasks still work.' };
    case 'provider-failed':
      return { status: 502, detail: 'The AI provider did not answer. Please try again in a moment.' };
    case 'chat-timeout':
      return { status: 504, detail: 'The AI assistant took too long to answer; nothing was changed. Please try again.' };
    case 'chat-stopped':
      // 499 (client closed request): the user stopped the turn; nobody is left to read this.
      return { status: 499, detail: 'The reply was stopped; nothing was changed.' };
    case 'too-many-steps':
      return { status: 502, detail: 'The AI assistant needed too many steps for this message; nothing was changed. Try a simpler request.' };
  }
}

// Framework errors for bad requests, with fixed wording (their own messages may echo internals).
const REQUEST_ERRORS: Record<string, Answer> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, detail: 'Unsupported Media Type: send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, detail: 'Request body does not match Content-Length' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, detail: 'Request body too large' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, detail: 'Unsupported Media Type: send application/json' },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Request body too large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
};

function isJsonSyntaxError(error: FastifyError): boolean {
  return error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && error.statusCode === 400);
}

function send(reply: FastifyReply, answer: Answer) {
  if (answer.bearerChallenge) reply.header('www-authenticate', 'Bearer');
  return reply.code(answer.status).type('application/json; charset=utf-8').send({ detail: answer.detail });
}

/** The routes registered so far, to tell which methods a path answers (Fastify's own router does not say). */
function createRouteIndex(routerOptions: FindMyWay.Config<FindMyWay.HTTPVersion.V1>) {
  const router = FindMyWay(routerOptions);
  const methods = new Set<HTTPMethod>();
  return {
    add(method: string | string[], url: string) {
      // A catch-all (the CORS preflight `OPTIONS *`) says nothing about which paths exist.
      if (url === '*' || url === '/*') return;
      for (const m of [method].flat() as HTTPMethod[]) {
        methods.add(m);
        router.on(m, url, () => undefined);
      }
    },
    methodsFor: (url: string) => [...methods].filter((m) => router.find(m, url) !== null).sort(),
  };
}

/** Connection-level failures of the database (node-postgres or PostgreSQL's own codes), through `cause` chains. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|connection error|Connection refused/i;
function isDatabaseUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message, errors } = current as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08/.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export interface ErrorsOptions {
  /** The app's own router options, so a path is "known" exactly when Fastify would route it. */
  routerOptions: FindMyWay.Config<FindMyWay.HTTPVersion.V1>;
}

export const errorsPlugin = fp(async function errors(app: FastifyInstance, options: ErrorsOptions) {
  const routes = createRouteIndex(options.routerOptions);
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  // A known path with another method is 405 with `Allow`, as the original (FastAPI) answered.
  app.setNotFoundHandler((request, reply) => {
    const allowed = routes.methodsFor(request.url);
    if (allowed.length === 0) return send(reply, { status: 404, detail: 'Not Found' });
    return send(reply.header('allow', allowed.join(', ')), { status: 405, detail: 'Method Not Allowed' });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return send(reply, answerFor(error.failure));
    if (error.validation) {
      const detail = toValidationIssues(error.validationContext ?? 'body', error.validation as never);
      return reply.code(422).send({ detail });
    }
    if (isJsonSyntaxError(error)) {
      return reply.code(422).send({ detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return reply.code(422).send({ detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] });
    }
    const known = error.code ? REQUEST_ERRORS[error.code] : undefined;
    if (known) return send(reply, known);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return send(reply, { status, detail: STATUS_TEXT[status] ?? 'Bad Request' });
    if (isDatabaseUnavailable(error)) {
      // The database restarts or fails over: a retryable 503, as /ready says, not a 500.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return send(reply, { status: 503, detail: 'The database is unavailable right now. Please try again shortly.' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, { status: 500, detail: 'Internal Server Error' });
  });
});

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LoginBody, LoginReply, RegisterBody, RegisterReply } from '@todo/api-contract';
import type { FastifyInstance } from 'fastify';
import type { TokenService } from '../auth/tokens';
import type { Db } from '../db/client';
import { normaliseEmail } from '../email';
import { Type } from 'typebox';
import { authenticate, registerUser } from '../services/users';

export interface AuthRouteOptions {
  db: Db;
  tokens: TokenService;
  perMinute: number;
}

const errors = {
  401: Type.Ref('Detail'),
  422: Type.Ref('ValidationDetail'),
  429: Type.Ref('Detail'),
};

/** R4 register, R5 login; both limited per client address. */
export async function authRoutes(parent: FastifyInstance, options: AuthRouteOptions) {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  const rateLimit = { max: options.perMinute, timeWindow: 60_000 };
  // Answers carry tokens and account details: no browser or proxy may keep them.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: RegisterReply, 409: Type.Ref('Detail'), 422: errors[422], 429: errors[429] },
      },
    },
    async (request, reply) => {
      const { name, email, password } = request.body;
      const user = await registerUser(options.db, { name, email: normaliseEmail(email), password });
      return reply
        .code(201)
        .send({ id: user.id, name: user.name, email: user.email, message: 'Account created successfully' });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Exchange e-mail and password for a Bearer token',
        body: LoginBody,
        response: { 200: LoginReply, ...errors },
      },
    },
    async (request) => {
      const user = await authenticate(options.db, normaliseEmail(request.body.email), request.body.password);
      const accessToken = await options.tokens.issue({ userId: user.id, email: user.email });
      return {
        access_token: accessToken,
        token_type: 'bearer' as const,
        user: { id: user.id, name: user.name, email: user.email },
      };
    },
  );
}

import { buildApp } from './app/app';

const host = process.env.HOST ?? '0.0.0.0';
const port = process.env.PORT ? Number(process.env.PORT) : 8000;

const app = buildApp();
app.listen({ port, host }).then(
  (address) => console.log(`backend listening on ${address}`),
  (error: Error) => {
    console.error(`backend failed to start: ${error.message}`);
    process.exit(1);
  },
);

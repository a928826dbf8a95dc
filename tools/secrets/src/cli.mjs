#!/usr/bin/env node
// @ts-check
// `npx todo-secrets`: creates or updates the release's Secret from flags, environment variables or hidden
// prompts, and prints which keys were set (never their values).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { kubectlBinary } from '@todo/toolkit';
import { promptHidden } from './prompt.mjs';
import { FLAGS, KEYS, chartFullname, collectValues, describeChange, generateJwtSecretKey, secretManifest, validateValues } from './secret.mjs';

const USAGE = `usage: todo-secrets [--release=todo-app] [--namespace=todo-app] [--context=NAME] [--secret-name=NAME]
  values (flags are visible to other local users; prefer the environment or the prompt):
  --from-env                 read DATABASE_URL, JWT_SECRET_KEY, OPENAI_API_KEY (or OPENROUTER_API_KEY)
  --database-url=URL  --jwt-secret-key=KEY  --openai-api-key=KEY
  --generate-jwt-secret-key  a random 48-character key
  --prompt                   ask (hidden input) for every key not given otherwise
  --restart                  roll the backend afterwards so it reads the new values
  --dry-run                  print what would be set; touch nothing`;

function parse() {
  const { values } = parseArgs({
    options: {
      release: { type: 'string', default: process.env.TODO_RELEASE ?? 'todo-app' },
      namespace: { type: 'string', default: process.env.TODO_NAMESPACE ?? 'todo-app' },
      context: { type: 'string' },
      'secret-name': { type: 'string' },
      'from-env': { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      'jwt-secret-key': { type: 'string' },
      'openai-api-key': { type: 'string' },
      'generate-jwt-secret-key': { type: 'boolean', default: false },
      prompt: { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return values;
}

/**
 * @param {string[]} args
 * @param {string} [input]
 */
function kubectl(args, input) {
  return execFileSync(kubectlBinary(), args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function main() {
  const options = parse();
  const context = options.context ? ['--context', options.context] : [];
  const scope = [...context, '-n', options.namespace];
  const fullname = chartFullname(options.release);
  const flags = { 'database-url': options['database-url'], 'jwt-secret-key': options['jwt-secret-key'], 'openai-api-key': options['openai-api-key'] };
  const values = collectValues({ flags, env: process.env, fromEnv: options['from-env'] });
  if (options['generate-jwt-secret-key'] && !values.JWT_SECRET_KEY) values.JWT_SECRET_KEY = generateJwtSecretKey();
  if (options.prompt) {
    for (const key of KEYS) {
      if (values[key]) continue;
      const answer = await promptHidden(`${key} (--${FLAGS[key]}; empty keeps the stored value): `);
      if (answer) values[key] = answer;
    }
  }
  const problems = validateValues(values);
  if (problems.length) throw new Error(problems.join('\n'));
  if (Object.keys(values).length === 0) throw new Error(`no values given: pass --from-env, --prompt or flags\n${USAGE}`);

  // The Secret the release reads: named by its backend Deployment when installed, else the chart's default.
  let name = options['secret-name'];
  if (!name && !options['dry-run']) {
    try {
      const refs = kubectl([...scope, 'get', 'deployment', `${fullname}-backend`, '-o', 'jsonpath={.spec.template.spec.containers[0].envFrom[*].secretRef.name}']).trim();
      name = refs.split(/\s+/).find(Boolean);
    } catch {
      // release not installed yet
    }
  }
  name ??= `${fullname}-secrets`;
  const adoptByRelease = name === `${fullname}-secrets`;

  if (options['dry-run']) {
    console.log(`dry run: would update Secret ${options.namespace}/${name}`);
    console.log(describeChange(name, values, Object.fromEntries(Object.keys(values).map((k) => [k, '']))));
    return;
  }

  let existing;
  try {
    existing = JSON.parse(kubectl([...scope, 'get', 'secret', name, '-o', 'json']));
  } catch {
    existing = undefined;
  }
  try {
    kubectl([...context, 'get', 'namespace', options.namespace]);
  } catch {
    console.log(`creating namespace ${options.namespace}`);
    kubectl([...context, 'create', 'namespace', options.namespace]);
  }
  const manifest = secretManifest({ name, namespace: options.namespace, release: options.release, values, existing, adoptByRelease });
  kubectl([...scope, existing ? 'replace' : 'create', '-f', '-'], JSON.stringify(manifest));
  console.log(`${existing ? 'updated' : 'created'} ${describeChange(name, values, manifest.data)}`);
  if (options.restart) {
    kubectl([...scope, 'rollout', 'restart', `deployment/${fullname}-backend`]);
    console.log(`restarted deployment/${fullname}-backend so it reads the new values`);
  } else if (existing) {
    console.log(`the backend reads the Secret at start: kubectl ${[...scope].join(' ')} rollout restart deployment/${fullname}-backend (or pass --restart)`);
  }
}

main().catch((error) => {
  const stderr = /** @type {{ stderr?: string }} */ (error).stderr;
  console.error(`secrets failed: ${stderr ? stderr.trim() : error instanceof Error ? error.message : error}`);
  console.error('check the cluster connection with `npx todo-doctor`');
  process.exit(1);
});

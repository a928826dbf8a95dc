#!/usr/bin/env node
// @ts-check
// `npx todo-doctor` / `npx nx run doctor:run`: checks everything a deploy needs and reports all of it;
// exits 1 when any check failed.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkClusterReachable,
  checkContext,
  checkDocker,
  checkHelm,
  checkImageRecords,
  checkKubectl,
  checkLocalCluster,
  checkNode,
  summarize,
} from './checks.mjs';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** @type {import('./checks.mjs').Facts} */
const facts = {};
/** @type {(() => import('./checks.mjs').CheckResult | import('./checks.mjs').CheckResult[])[]} */
const checks = [
  checkNode,
  checkDocker,
  checkKubectl,
  checkHelm,
  () => checkContext(facts),
  () => checkClusterReachable(facts),
  () => checkLocalCluster(facts),
  () => checkImageRecords(workspaceRoot),
];

console.log('todo-app doctor: checking the tools and the cluster a deploy needs\n');
const results = checks.flatMap((check) => check());
const { text, failed } = summarize(results);
console.log(text);
process.exit(failed > 0 ? 1 : 0);

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './browser';
import { BACKEND_MAIN, completeStandalone, FRONTEND_STANDALONE, type RunningServer, startBackend, startFrontend } from './processes';
import { type ScriptedLlm, startScriptedLlm } from './scripted-llm';

/** What a browser suite needs built or installed, each with the command that provides it. */
export function missingPrerequisites(): string[] {
  const missing = [
    [BACKEND_MAIN, 'run `npx nx build backend`'],
    [join(FRONTEND_STANDALONE, 'main.js'), 'run `npx nx build frontend`'],
    [CHROMIUM, 'run `bash tools/ci/setup/40-chromium.sh`'],
  ].filter(([path]) => !existsSync(path));
  return missing.map(([path, fix]) => `${path} is missing (${fix})`);
}

export interface RunningStack {
  llm: ScriptedLlm;
  backend: RunningServer;
  frontend: RunningServer;
  browser: Browser;
  url(path: string): string;
  /** Closes the browser and stops the servers; the frontend's output when it did not exit cleanly. */
  stop(): Promise<void>;
}

/** The scripted model, the real backend (build output), the frontend's production server and Chromium. */
export async function startStack(jwtSecret: string): Promise<RunningStack> {
  const llm = await startScriptedLlm();
  const backend = await startBackend({ llmBaseUrl: llm.baseUrl, jwtSecret });
  completeStandalone();
  const frontend = await startFrontend(backend.url);
  const browser = await launchChromium();
  return {
    llm,
    backend,
    frontend,
    browser,
    url: (path) => `${frontend.url}${path}`,
    async stop() {
      await browser.close();
      const frontendExit = await frontend.stop();
      await backend.stop();
      await llm.close();
      if (frontendExit !== 0) console.error(frontend.output());
    },
  };
}

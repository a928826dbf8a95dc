// The types of vitest.shared.mjs (the workspace's Vitest convention). The implementation is checked against
// them (tools/workspace-checks/tsconfig.tools.json type-checks it), and the projects' configs import them:
// a declaration file is what a project's TypeScript program may read from outside its own folder.
import type { ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

export interface TestProject {
  /** the config's folder: import.meta.dirname */
  dir: string;
  /** the suite's name in reports */
  name: string;
  /** the Nx target that runs the config: 'test' (the default run) or test-<engine> */
  target?: string;
  /** fail the run when a test leaves anything in the temporary folder (@todo/toolkit/vitest-tmp-guard) */
  tmpGuard?: boolean;
}

export declare const WORKSPACE_ROOT: string;
/** Where a project's test files are, relative to the project. */
export declare const TEST_FILES: string;
/** The folder a target's report goes to, relative to the project. */
export declare function reportDir(target: string): string;
/** A project's config under the convention; `overrides` adds or replaces test options. */
export declare function testConfig(project: TestProject, overrides?: TestOptions): ViteUserConfig;

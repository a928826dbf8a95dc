import { defineConfig } from 'vitest/config';
import { testConfig } from '../../vitest.shared.mjs';

export default defineConfig(testConfig({ dir: import.meta.dirname, name: 'observability', tmpGuard: true }));

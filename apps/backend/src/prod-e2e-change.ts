// deploy-e2e: a backend change shipped at 2026-12-01T16:13:27.648Z; the suite removes this file
export {};

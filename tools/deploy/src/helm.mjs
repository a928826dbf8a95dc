// @ts-check
// The Helm binary a deploy uses: $HELM, else Helm 4 (flags --rollback-on-failure --wait=watcher), else Helm 3
// (--atomic --wait); found by @todo/toolkit (the setup's variables, its cache, then PATH).
export { findDeployHelm, helmMajor } from '@todo/toolkit';

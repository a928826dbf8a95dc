// @ts-check
// Running the commands a deploy is made of (kubectl, helm, docker): captured, streamed, and shown as typed.
// The runner is @todo/toolkit's; a DeployFailure is its Failure (what failed, and what to do next).
export { beginStep, capture, captureAsync, Failure as DeployFailure, runStep, secondsSince, show, startStreaming, stepFailure } from '@todo/toolkit';
/** @typedef {import('@todo/toolkit').Exit} Exit */
/** @typedef {import('@todo/toolkit').Streaming} Streaming */

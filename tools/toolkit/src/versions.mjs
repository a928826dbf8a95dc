// @ts-check
// The versions of what the tools install, build or expect, from versions.json (the one list; the setup
// scripts read it through shell-env.mjs).
import { readFileSync } from 'node:fs';

/**
 * @typedef {{ module: string, package: string, version: string, versionVar?: string, goMod?: string[] }} GoProgram
 * A Go program built with `go install module/package@version`, cached by its version; `versionVar` is the
 * variable the upstream Makefile sets with -X (the build checks that `--version` or `version` reports it);
 * `goMod`: the module's own replace/exclude directives, repeated in a wrapper module it is built in.
 */
/**
 * @typedef {{
 *   helm3: { version: string, npmPackage: string }, helm4: { version: string, npmPackage: string },
 *   kubeconform: { version: string }, kubernetes: { version: string }, prometheusOperator: { version: string },
 *   prometheus: { version: string, moduleVersion: string }, actionlint: { version: string },
 *   shellcheckPy: { version: string }, zizmor: { version: string },
 *   goPrograms: { registry: GoProgram, 'kube-router': GoProgram, 'metrics-server': GoProgram, traefik: GoProgram },
 *   observatory: { version: string, npmPackage: string }, lighthouse: { version: string, npmPackage: string },
 * }} Versions
 */

export const VERSIONS_FILE = new URL('../versions.json', import.meta.url).pathname;

/** @type {Versions} */
export const VERSIONS = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8'));

// @ts-check
// Just enough Markdown reading to test the docs: links, heading anchors, code, test references.

/**
 * GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
 * @param {string} heading
 */
export function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * Anchors of every heading in a document (duplicates get -1, -2 like on GitHub).
 * @param {string} markdown
 */
export function anchors(markdown) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  /** @type {string[]} */
  const found = [];
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.push(count ? `${base}-${count}` : base);
  }
  return found;
}

/**
 * The document with fenced code blocks blanked out (their text is not Markdown).
 * @param {string} markdown
 */
export function withoutFences(markdown) {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/**
 * Relative link targets `[text](target)` outside code.
 * @param {string} markdown
 */
export function relativeLinks(markdown) {
  const text = withoutFences(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target));
}

/**
 * Every line of code in the document: lines of fenced blocks and inline code spans.
 * @param {string} markdown
 */
export function codeLines(markdown) {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap((m) => m[1].split('\n'));
  const inline = [...withoutFences(markdown).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  return [...fenced, ...inline];
}

/**
 * Test references written as `path/to/file.test.ts` › "test name" (or › "one", "another"; a `"` inside a
 * name is written `\"`).
 * @param {string} markdown
 * @returns {{ file: string, name: string }[]}
 */
export function testReferences(markdown) {
  const quoted = /"((?:[^"\\]|\\.)+)"/g;
  return [...markdown.matchAll(/`([\w./-]+\.(?:ts|tsx|mts|mjs))` › ((?:"(?:[^"\\]|\\.)+"(?:, )?)+)/g)].flatMap((m) =>
    [...m[2].matchAll(quoted)].map((n) => ({ file: m[1], name: n[1].replace(/\\"/g, '"').replace(/\s+/g, ' ') })),
  );
}

// @ts-check
// Generated and checked sections of the docs, between `<!-- BEGIN NAME ... -->` and `<!-- END NAME -->`.

/** @param {string} name */
function pattern(name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(<!-- BEGIN ${escaped}(?: [^>]*)?-->\\n)([\\s\\S]*?)(^<!-- END ${escaped} -->)`, 'm');
}

/**
 * The text of a section.
 * @param {string} doc
 * @param {string} name e.g. `generated:chart-values`
 * @param {string} file for the error message
 */
export function readSection(doc, name, file) {
  const match = pattern(name).exec(doc);
  if (!match) throw new Error(`${file}: the markers <!-- BEGIN ${name} --> / <!-- END ${name} --> are missing`);
  return match[2].replace(/\n$/, '');
}

/**
 * The doc with one section's text replaced.
 * @param {string} doc
 * @param {string} name
 * @param {string} content
 * @param {string} file for the error message
 */
export function replaceSection(doc, name, content, file) {
  readSection(doc, name, file);
  return doc.replace(pattern(name), (_m, begin, _old, end) => `${begin}${content ? `${content}\n` : ''}${end}`);
}

/**
 * Rows of the first Markdown table in a text: each row's cells, header and separator left out.
 * @param {string} text
 * @returns {string[][]}
 */
export function tableRows(text) {
  return text
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) => line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim()))
    .slice(2);
}

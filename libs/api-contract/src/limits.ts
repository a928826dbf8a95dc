/**
 * The API's limits, written once. This entry point has no dependencies, so the frontend's client
 * bundle can import it without pulling in the schema library.
 *
 * Lengths count Unicode code points ("😀" is 1, as the user sees it), as JSON Schema's
 * `minLength`/`maxLength` (and so the backend's validator and every MCP client) and PostgreSQL's
 * `varchar(n)` do. JavaScript's `.length` and HTML's `maxlength` count UTF-16 units instead ("😀" is 2):
 * measure with `characterCount`, and size an HTML `maxlength` with `inputMaxLength`.
 */
export const LIMITS = {
  title: { min: 1, max: 200 },
  description: { max: 1000 },
  chatMessage: { min: 1, max: 2000 },
  name: { min: 1, max: 100 },
  email: { max: 255 },
  password: { min: 8, max: 128 },
} as const;

/** The characters of a value as the limits count them: Unicode code points. */
export const characterCount = (value: string): number => Array.from(value).length;

/** Whitespace only (or empty), by the same definition as `String#trim` and the regular expression `\s`. */
export const isBlank = (value: string): boolean => value.trim().length === 0;

/**
 * An HTML `maxlength` for a limit: the most UTF-16 units a value within the limit can take, so the
 * browser never cuts a valid value short (200 emoji are 400 units); the exact check is `characterCount`.
 */
export const inputMaxLength = (limit: { max: number }): number => limit.max * 2;

/**
 * The rules a text field is checked against beyond its length, each with the pattern the schemas carry
 * and the message a 422 gives for it. Both patterns run in linear time on any input.
 */
export const TEXT_RULES = {
  /** PostgreSQL text cannot hold NUL characters. */
  noNul: { pattern: '^[^\\x00]*$', message: 'String should not contain NUL characters' },
  /** At least one character that is not whitespace. */
  notBlank: { pattern: '\\S', message: 'String should not be blank' },
} as const;

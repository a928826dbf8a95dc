import { LIMITS } from './limits.js';

/**
 * The edges of every text limit, with the verdict each validator of it must reach: the REST schemas,
 * the MCP/agent task tools and the frontend's form checks each run these same cases in their own
 * tests, so they agree with each other because they all agree with this table.
 */
export type LimitedField = 'title' | 'description' | 'chatMessage' | 'name' | 'password';

export interface LimitEdge {
  field: LimitedField;
  /** What the case is, for a test's name. */
  label: string;
  value: string;
  valid: boolean;
}

const EMOJI = '😀'; // one code point, two UTF-16 units
const of = (unit: string, count: number) => unit.repeat(count);

function lengthEdges(field: LimitedField, limit: { min?: number; max: number }): LimitEdge[] {
  const edges: LimitEdge[] = [
    { field, label: `${limit.max - 1} characters`, value: of('a', limit.max - 1), valid: true },
    { field, label: `${limit.max} characters`, value: of('a', limit.max), valid: true },
    { field, label: `${limit.max + 1} characters`, value: of('a', limit.max + 1), valid: false },
    { field, label: `${limit.max} emoji (${limit.max * 2} UTF-16 units)`, value: of(EMOJI, limit.max), valid: true },
    { field, label: `${limit.max + 1} emoji`, value: of(EMOJI, limit.max + 1), valid: false },
  ];
  if (limit.min !== undefined && limit.min > 1) {
    edges.push(
      { field, label: `${limit.min} characters`, value: of('a', limit.min), valid: true },
      { field, label: `${limit.min - 1} characters`, value: of('a', limit.min - 1), valid: false },
      { field, label: `${limit.min - 1} emoji (${(limit.min - 1) * 2} UTF-16 units)`, value: of(EMOJI, limit.min - 1), valid: false },
    );
  }
  return edges;
}

/** Whitespace-only values: refused where a field must say something. */
const blankEdges = (field: LimitedField): LimitEdge[] => [
  { field, label: 'empty', value: '', valid: false },
  { field, label: 'spaces only', value: '   ', valid: false },
  { field, label: 'tabs and newlines only', value: '\t\n \r\n', valid: false },
  { field, label: 'one character', value: 'x', valid: true },
];

export const LIMIT_EDGES: readonly LimitEdge[] = [
  ...lengthEdges('title', LIMITS.title),
  ...blankEdges('title'),
  ...lengthEdges('description', LIMITS.description),
  ...lengthEdges('chatMessage', LIMITS.chatMessage),
  ...blankEdges('chatMessage'),
  ...lengthEdges('name', LIMITS.name),
  ...blankEdges('name'),
  ...lengthEdges('password', LIMITS.password),
];

export const edgesOf = (field: LimitedField): LimitEdge[] => LIMIT_EDGES.filter((edge) => edge.field === field);

import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { LIMIT_EDGES, type LimitedField } from '../src/edges.js';
import { characterCount, inputMaxLength, isBlank, LIMITS } from '../src/limits.js';
import { ChatBody, RegisterBody, TaskCreateBody, TaskUpdateBody } from '../src/schemas.js';

/** A body holding the edge's value in its field, for the schema that limits it. */
const bodies: Record<LimitedField, (value: string) => [schema: TSchema, body: unknown][]> = {
  title: (title) => [
    [TaskCreateBody, { title }],
    [TaskUpdateBody, { title }],
  ],
  description: (description) => [
    [TaskCreateBody, { title: 'x', description }],
    [TaskUpdateBody, { description }],
  ],
  chatMessage: (message) => [[ChatBody, { message }]],
  name: (name) => [[RegisterBody, { name, email: 'a@example.com', password: 'long enough' }]],
  password: (password) => [[RegisterBody, { name: 'A', email: 'a@example.com', password }]],
};

describe('the limits as the schemas state them', () => {
  it.each(LIMIT_EDGES.map((edge) => [edge.field, edge.label, edge] as const))('%s, %s', (_field, _label, edge) => {
    for (const [schema, body] of bodies[edge.field](edge.value)) expect(Value.Check(schema, body)).toBe(edge.valid);
  });

  it('counts characters as code points, as JSON Schema does, not UTF-16 units', () => {
    expect(characterCount('😀'.repeat(200))).toBe(200);
    expect('😀'.repeat(200).length).toBe(400);
    expect(characterCount('é\u0301')).toBe(2); // a combining mark is a code point of its own, as in PostgreSQL
  });

  it('calls blank what the schemas\' \\S pattern calls blank', () => {
    for (const value of ['', ' ', '\t\n\r', '\u00a0\u2003\ufeff', '\u2028']) expect([value, isBlank(value)]).toEqual([value, !/\S/u.test(value)]);
    expect(isBlank(' a ')).toBe(false);
  });

  it('sizes an HTML maxlength so that the longest valid value fits in UTF-16 units', () => {
    const longest = '😀'.repeat(LIMITS.title.max);
    expect(longest.length).toBeLessThanOrEqual(inputMaxLength(LIMITS.title));
  });

  it('states each limit in the schemas from LIMITS', () => {
    expect(TaskCreateBody.properties.title).toMatchObject({ minLength: LIMITS.title.min, maxLength: LIMITS.title.max });
    expect(TaskUpdateBody.properties.description).toMatchObject({ maxLength: LIMITS.description.max });
    expect(ChatBody.properties.message).toMatchObject({ maxLength: LIMITS.chatMessage.max });
  });
});

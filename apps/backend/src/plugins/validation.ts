import { TEXT_RULES, type ValidationIssue } from '@todo/api-contract';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { isEmail } from '../email';

export type { ValidationIssue };

const LOCATION: Record<string, string> = { body: 'body', params: 'path', querystring: 'query', headers: 'header' };

function newAjv(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, removeAdditional: false, strict: false, ...options });
  addFormats.default(ajv, ['uuid', 'date-time']);
  ajv.addFormat('email', { type: 'string', validate: isEmail });
  return ajv;
}

/**
 * Bodies are validated strictly (a number is not a title), path and query strings are coerced
 * (`/tasks/12` → 12). All errors are reported at once, as pydantic does.
 */
const bodyAjv = newAjv({ coerceTypes: false, verbose: true });

export const validationPlugin = fp(async function validation(app: FastifyInstance) {
  const textAjv = newAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as FastifySchema & object),
  );
});

/**
 * A schema compiled exactly as a request body's is, for what arrives by another way (the task tools'
 * arguments): it returns the problems as one line (`title: String should …`), or undefined.
 */
export function compileBodyCheck(schema: object): (value: unknown) => string | undefined {
  const validate = bodyAjv.compile(schema);
  return (value) => {
    if (validate(value)) return undefined;
    return toValidationIssues('body', validate.errors ?? [])
      .map((issue) => [issue.loc.slice(1).join('.'), issue.msg].filter(Boolean).join(': '))
      .join('; ');
  };
}

/** The message of the text rule (TEXT_RULES) a `pattern` error is about. */
function patternMessage(error: ErrorObject): string {
  const rule = Object.values(TEXT_RULES).find((r) => r.pattern === (error.params as { pattern?: string }).pattern);
  return rule?.message ?? 'String should match the expected pattern';
}

export function toValidationIssues(context: string, errors: ErrorObject[]): ValidationIssue[] {
  const base = LOCATION[context] ?? context;
  // an empty value is "too short"; that it is also blank says nothing more
  const tooShort = new Set(errors.filter((e) => e.keyword === 'minLength').map((e) => e.instancePath));
  const blankToo = (e: ErrorObject) =>
    e.keyword === 'pattern' && (e.params as { pattern?: string }).pattern === TEXT_RULES.notBlank.pattern && tooShort.has(e.instancePath);
  const issues = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && !blankToo(e)).map((e) => toIssue(base, e));
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = issue.loc.join('\u0000') + issue.type;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toIssue(base: string, error: ErrorObject): ValidationIssue {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  const loc = [base, ...path];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { loc: [...loc, String(params.missingProperty)], msg: 'Field required', type: 'missing' };
    case 'minLength': {
      const min = Number(params.limit);
      return { loc, msg: `String should have at least ${min} character${min === 1 ? '' : 's'}`, type: 'string_too_short', ctx: { min_length: min } };
    }
    case 'maxLength': {
      const max = Number(params.limit);
      return { loc, msg: `String should have at most ${max} character${max === 1 ? '' : 's'}`, type: 'string_too_long', ctx: { max_length: max } };
    }
    case 'maximum':
      return { loc, msg: `Input should be less than or equal to ${params.limit}`, type: 'less_than_equal', ctx: { le: params.limit } };
    case 'minimum':
      return { loc, msg: `Input should be greater than or equal to ${params.limit}`, type: 'greater_than_equal', ctx: { ge: params.limit } };
    case 'format':
      if (params.format === 'uuid') return { loc, msg: 'Input should be a valid UUID', type: 'uuid_parsing' };
      if (params.format === 'email') return { loc, msg: 'value is not a valid email address', type: 'value_error' };
      return { loc, msg: `Input should match format ${String(params.format)}`, type: 'value_error' };
    case 'pattern':
      return { loc, msg: patternMessage(error), type: 'string_pattern_mismatch', ctx: { pattern: params.pattern } };
    case 'const':
    case 'enum':
      return { loc, msg: 'Input should be one of the allowed values', type: 'enum' };
    case 'type':
      return typeIssue(base, loc, String(params.type), error);
    default:
      return { loc, msg: error.message ?? 'Invalid value', type: 'value_error' };
  }
}

function typeIssue(base: string, loc: (string | number)[], expected: string, error: ErrorObject): ValidationIssue {
  if (base === 'body' && loc.length === 1 && error.data === undefined) return { loc, msg: 'Field required', type: 'missing' };
  if (expected.includes('string')) return { loc, msg: 'Input should be a valid string', type: 'string_type' };
  if (expected === 'boolean') return { loc, msg: 'Input should be a valid boolean', type: 'bool_type' };
  if (expected === 'integer' || expected === 'number') {
    return base === 'body'
      ? { loc, msg: 'Input should be a valid integer', type: 'int_type' }
      : { loc, msg: 'Input should be a valid integer, unable to parse string as an integer', type: 'int_parsing' };
  }
  if (expected === 'object') return { loc, msg: 'Input should be a valid dictionary or object to extract fields from', type: 'model_attributes_type' };
  if (expected === 'array') return { loc, msg: 'Input should be a valid list', type: 'list_type' };
  return { loc, msg: `Input should be a valid ${expected}`, type: `${expected}_type` };
}

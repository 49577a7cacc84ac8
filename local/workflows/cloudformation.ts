import * as z from 'zod';
import { isJsonObject, type JsonValue } from './json.ts';

/** The region, account and partition that stand in for the real ones in resolved definitions. */
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

export const localFunctionArn = (logicalId: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;

const resourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
});
export type CfnResource = z.infer<typeof resourceSchema>;

export const templateSchema = z.object({
  Parameters: z.record(z.string(), z.unknown()).optional(),
  Resources: z.record(z.string(), resourceSchema),
});
export type CfnTemplate = z.infer<typeof templateSchema>;

export const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
export const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
  'AWS::StackId': `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stack/local/local`,
};

export class UnresolvableTemplateError extends Error {
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.name = 'UnresolvableTemplateError';
  }
}

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub) to local placeholders: a Lambda
 * function's Arn is `arn:aws:lambda:local:000000000000:function:<logicalId>` and its Ref the logical id; a
 * table's Ref is its logical id; any other Ref or attribute is `local:<logicalId>:<Ref|attribute>`.
 * Every logical id referenced is added to `referenced`.
 */
export class IntrinsicResolver {
  readonly referenced = new Set<string>();

  constructor(private readonly template: CfnTemplate) {}

  resolve(value: unknown, where: string): JsonValue {
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    )
      return value;
    if (Array.isArray(value)) return value.map((item, i) => this.resolve(item, `${where}[${i}]`));
    if (!isJsonObject(value)) throw new UnresolvableTemplateError(where, `unexpected ${typeof value}`);
    const keys = Object.keys(value);
    const [only] = keys;
    if (keys.length === 1 && only && (only === 'Ref' || only.startsWith('Fn::')))
      return this.intrinsic(only, value[only] ?? null, `${where}.${only}`);
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.resolve(item, `${where}.${key}`);
    return out;
  }

  resolveString(value: unknown, where: string): string {
    const resolved = this.resolve(value, where);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new UnresolvableTemplateError(where, 'expected a string');
  }

  private intrinsic(name: string, args: JsonValue, where: string): JsonValue {
    switch (name) {
      case 'Ref':
        if (typeof args !== 'string') throw new UnresolvableTemplateError(where, 'Ref takes a name');
        return this.ref(args, where);
      case 'Fn::GetAtt': {
        const [id, ...attribute] =
          typeof args === 'string' ? args.split('.') : Array.isArray(args) ? args.map(String) : [];
        if (!id || attribute.length === 0)
          throw new UnresolvableTemplateError(where, 'Fn::GetAtt takes [logicalId, attribute]');
        return this.getAtt(id, attribute.join('.'), where);
      }
      case 'Fn::Join': {
        const [delimiter, list] = Array.isArray(args) ? args : [];
        if (typeof delimiter !== 'string' || !Array.isArray(list))
          throw new UnresolvableTemplateError(where, 'Fn::Join takes [delimiter, [values]]');
        return list.map((item, i) => this.resolveString(item, `${where}[${i}]`)).join(delimiter);
      }
      case 'Fn::Sub': {
        const [text, variables = {}] = typeof args === 'string' ? [args] : Array.isArray(args) ? args : [];
        if (typeof text !== 'string' || !isJsonObject(variables))
          throw new UnresolvableTemplateError(where, 'Fn::Sub takes a string or [string, {variables}]');
        return text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, expression: string) => {
          if (literal) return `\${${expression}}`;
          if (expression in variables)
            return this.resolveString(variables[expression], `${where}.${expression}`);
          const [id, ...attribute] = expression.split('.');
          if (!id) throw new UnresolvableTemplateError(where, `empty substitution in ${text}`);
          const value = attribute.length ? this.getAtt(id, attribute.join('.'), where) : this.ref(id, where);
          return value;
        });
      }
      default:
        throw new UnresolvableTemplateError(where, `${name} is not supported by the local workflow runtime`);
    }
  }

  private ref(name: string, where: string): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (this.template.Parameters && name in this.template.Parameters) return `local:${name}:Ref`;
    const resource = this.resource(name, where);
    if (resource.Type === LAMBDA_FUNCTION || TABLE_TYPES.has(resource.Type)) return name;
    return `local:${name}:Ref`;
  }

  private getAtt(id: string, attribute: string, where: string): string {
    const resource = this.resource(id, where);
    if (resource.Type === LAMBDA_FUNCTION && attribute === 'Arn') return localFunctionArn(id);
    return `local:${id}:${attribute}`;
  }

  private resource(id: string, where: string): CfnResource {
    const resource = this.template.Resources[id];
    if (!resource) throw new UnresolvableTemplateError(where, `no resource or parameter named ${id}`);
    this.referenced.add(id);
    return resource;
  }
}

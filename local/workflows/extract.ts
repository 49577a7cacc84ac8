import {
  type CfnResource,
  type CfnTemplate,
  IntrinsicResolver,
  LAMBDA_FUNCTION,
  TABLE_TYPES,
  templateSchema,
  UnresolvableTemplateError,
} from './cloudformation.ts';
import { isJsonObject, type JsonObject, toJson } from './json.ts';

/** Every function a workflow uses as a task names its local handler in this environment variable. */
export const HANDLER_ENV = 'CHURNGUARD_HANDLER';

export interface ExtractedStateMachine {
  /** The construct id: `.../RenewalCheckpoint/Resource` is `RenewalCheckpoint`. */
  name: string;
  logicalId: string;
  /** Plain ASL with local placeholder ARNs (see `IntrinsicResolver`). */
  definition: JsonObject;
  /** Handler name (env CHURNGUARD_HANDLER) of each Lambda function the definition references, by logical id. */
  functionHandlers: Record<string, string>;
  /** Logical ids of the DynamoDB tables the definition references. */
  tables: string[];
}

/**
 * The name of a state machine: the second-to-last segment of its `aws:cdk:path` metadata (present when the
 * app has context `aws:cdk:enable-path-metadata: true`, as `cdk synth` sets), else its StateMachineName, else
 * its logical id without CDK's 8-character hash.
 */
function stateMachineName(logicalId: string, resource: CfnResource): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path === 'string') {
    const segments = path.split('/');
    const name = segments.at(-2);
    if (name) return name;
  }
  const explicit = resource.Properties?.StateMachineName;
  if (typeof explicit === 'string') return explicit;
  return logicalId.replace(/[0-9A-F]{8}$/, '');
}

function handlerOf(template: CfnTemplate, logicalId: string): string | undefined {
  const environment = template.Resources[logicalId]?.Properties?.Environment;
  const variables = isJsonObject(environment) ? environment.Variables : undefined;
  const handler = isJsonObject(variables) ? variables[HANDLER_ENV] : undefined;
  if (handler === undefined) return undefined;
  return new IntrinsicResolver(template).resolveString(
    handler,
    `${logicalId}.Environment.Variables.${HANDLER_ENV}`,
  );
}

function definitionOf(resolver: IntrinsicResolver, logicalId: string, properties: Record<string, unknown>) {
  let text: string;
  if (properties.DefinitionString !== undefined) {
    text = resolver.resolveString(properties.DefinitionString, `${logicalId}.DefinitionString`);
  } else if (properties.Definition !== undefined) {
    text = JSON.stringify(resolver.resolve(properties.Definition, `${logicalId}.Definition`));
  } else {
    throw new UnresolvableTemplateError(
      logicalId,
      'only DefinitionString or Definition is supported locally',
    );
  }
  const substitutions = properties.DefinitionSubstitutions;
  if (isJsonObject(substitutions)) {
    for (const [key, value] of Object.entries(substitutions)) {
      const replacement = resolver.resolveString(value, `${logicalId}.DefinitionSubstitutions.${key}`);
      text = text.split(`\${${key}}`).join(replacement);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UnresolvableTemplateError(logicalId, `definition is not JSON (${String(error)})`);
  }
  const definition = toJson(parsed);
  if (!isJsonObject(definition))
    throw new UnresolvableTemplateError(logicalId, 'definition is not an object');
  return definition;
}

/**
 * Every AWS::StepFunctions::StateMachine of a synthesized stack (`Template.fromStack(stack).toJSON()` or a
 * `cdk.out` template), with its definition resolved to plain ASL that aws-local-stepfunctions runs.
 */
export function extractStateMachines(template: object): ExtractedStateMachine[] {
  const parsed = templateSchema.parse(template);
  const machines: ExtractedStateMachine[] = [];
  for (const [logicalId, resource] of Object.entries(parsed.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const resolver = new IntrinsicResolver(parsed);
    const definition = definitionOf(resolver, logicalId, resource.Properties ?? {});
    const functionHandlers: Record<string, string> = {};
    const tables: string[] = [];
    for (const id of [...resolver.referenced]) {
      const type = parsed.Resources[id]?.Type;
      if (type === LAMBDA_FUNCTION) {
        const handler = handlerOf(parsed, id);
        if (handler !== undefined) functionHandlers[id] = handler;
      } else if (type && TABLE_TYPES.has(type)) {
        tables.push(id);
      }
    }
    machines.push({
      name: stateMachineName(logicalId, resource),
      logicalId,
      definition,
      functionHandlers,
      tables,
    });
  }
  const names = machines.map((m) => m.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    throw new UnresolvableTemplateError(
      duplicate,
      'two state machines share this construct id; give them distinct ids',
    );
  return machines;
}

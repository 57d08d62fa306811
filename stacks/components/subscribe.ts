// An SNS topic -> Lambda subscription with the invoke permission for exactly that topic.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Subscribes a function to a topic, allowing exactly that topic to invoke it. */
export function subscribe(
  name: string,
  topic: aws.sns.Topic,
  fn: aws.lambda.Function,
  parent: pulumi.Resource,
  filterPolicy?: Record<string, unknown>,
): aws.sns.TopicSubscription {
  const permission = new aws.lambda.Permission(
    `${name}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "sns.amazonaws.com",
      sourceArn: topic.arn,
    },
    { parent },
  );
  return new aws.sns.TopicSubscription(
    name,
    {
      topic: topic.arn,
      protocol: "lambda",
      endpoint: fn.arn,
      ...(filterPolicy
        ? { filterPolicy: JSON.stringify(filterPolicy), filterPolicyScope: "MessageBody" }
        : {}),
    },
    { parent, dependsOn: [permission] },
  );
}

// The chat-ops trigger: the public HTTP API route Slack posts slash commands to, integrated with the
// ack function (payload v2). API Gateway waits at most timeoutMilliseconds for the ack; Slack itself
// gives up after 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { INTERACTIONS_PATH } from "../../../handlers/chatops/ack";
import { NAME_PREFIX } from "../../names";

export const COMMAND_PATH = "/slack/commands";
/** The Slack app's interactivity request URL (clicks on alert buttons): the ack tells them apart by it. */
export { INTERACTIONS_PATH };

/**
 * Creates the API, its routes to `ack` (slash commands, and interactions with the same checks) and
 * the invoke permissions; returns both URLs.
 */
export function slackCommandApi(
  name: string,
  ack: aws.lambda.Function,
  parent: pulumi.Resource,
): { api: aws.apigatewayv2.Api; commandUrl: pulumi.Output<string>; interactionsUrl: pulumi.Output<string> } {
  const api = new aws.apigatewayv2.Api(
    `${name}-api`,
    {
      name: `${NAME_PREFIX}-slack`,
      protocolType: "HTTP",
      description: "Slack slash commands and interactions",
    },
    { parent },
  );
  const integration = new aws.apigatewayv2.Integration(
    `${name}-integration`,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationUri: ack.invokeArn,
      payloadFormatVersion: "2.0",
      timeoutMilliseconds: 3000,
    },
    { parent },
  );
  const route = new aws.apigatewayv2.Route(
    `${name}-route`,
    {
      apiId: api.id,
      routeKey: `POST ${COMMAND_PATH}`,
      target: pulumi.interpolate`integrations/${integration.id}`,
    },
    { parent },
  );
  const interactionsRoute = new aws.apigatewayv2.Route(
    `${name}-interactions-route`,
    {
      apiId: api.id,
      routeKey: `POST ${INTERACTIONS_PATH}`,
      target: pulumi.interpolate`integrations/${integration.id}`,
    },
    { parent },
  );
  const stage = new aws.apigatewayv2.Stage(
    `${name}-stage`,
    {
      apiId: api.id,
      name: "$default",
      autoDeploy: true,
      // Slack sends at most a few commands per second; cap abuse of the public endpoint.
      defaultRouteSettings: { throttlingBurstLimit: 20, throttlingRateLimit: 10 },
    },
    { parent, dependsOn: [route, interactionsRoute] },
  );
  new aws.lambda.Permission(
    `${name}-api-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: ack.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/*${COMMAND_PATH}`,
    },
    { parent },
  );
  new aws.lambda.Permission(
    `${name}-api-invoke-interactions`,
    {
      action: "lambda:InvokeFunction",
      function: ack.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/*${INTERACTIONS_PATH}`,
    },
    { parent },
  );
  return {
    api,
    commandUrl: pulumi.interpolate`${stage.invokeUrl}${COMMAND_PATH.slice(1)}`,
    interactionsUrl: pulumi.interpolate`${stage.invokeUrl}${INTERACTIONS_PATH.slice(1)}`,
  };
}

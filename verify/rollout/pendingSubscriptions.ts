// Email subscriptions of a hub that still wait for their owner to click "Confirm subscription": SNS
// delivers nothing to them until then, and `pulumi up` reports success all the same. The AWS provider
// records `pendingConfirmation` in the state (read at create and at every refresh), so the list comes
// from the stack's state: no AWS call of our own. An address confirmed since the last refresh still
// shows until `pulumi refresh --stack <hub>`.
// https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
const SUBSCRIPTION_TYPE = "aws:sns/topicSubscription:TopicSubscription";

interface StateResource {
  type?: string;
  outputs?: Record<string, unknown>;
}

/** "<address> (<topic name>)" per pending email subscription in a `pulumi stack export` deployment. */
export function pendingEmailSubscriptions(deployment: unknown): string[] {
  const resources = (deployment as { resources?: StateResource[] } | undefined)?.resources ?? [];
  const out: string[] = [];
  for (const r of resources) {
    const o = r.outputs ?? {};
    if (r.type !== SUBSCRIPTION_TYPE || o.pendingConfirmation !== true) continue;
    if (o.protocol !== "email" && o.protocol !== "email-json") continue;
    const topic = typeof o.topic === "string" ? o.topic.split(":").pop() : "?";
    out.push(`${typeof o.endpoint === "string" ? o.endpoint : "?"} (${topic})`);
  }
  return out.sort();
}

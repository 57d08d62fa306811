// The hub's resolve rule exists for incidents: with incidents off there is nothing to resolve, and
// the notifier would post every passing control on its own, at any severity. No rule then, and the
// events topic takes the notify rule alone.
import { strict as assert } from "assert";
import { HUB_CONFIG, HUB_SECRET_KEYS, doc, evaluateStack, ofType, one } from "../helpers/stacks";

describe("hub resolve rule and incidents", function () {
  this.timeout(240_000);

  it("incidents off: no resolve rule, no resolve target; the events topic's publishers are the notify rule only", async () => {
    const { resources } = await evaluateStack(
      "hub",
      { ...HUB_CONFIG, incidents: { enabled: false } },
      { secretKeys: HUB_SECRET_KEYS },
    );
    const rules = ofType(resources, "aws:cloudwatch/eventRule:EventRule").map((r) => r.name);
    assert.ok(rules.includes("hub-notify"), rules.join(", "));
    assert.ok(!rules.includes("hub-resolve"), rules.join(", "));
    assert.deepEqual(
      ofType(resources, "aws:cloudwatch/eventTarget:EventTarget")
        .map((r) => r.name)
        .filter((n) => n.includes("resolve")),
      [],
    );
    const notify = one(resources, "aws:cloudwatch/eventRule:EventRule", "hub-notify");
    const topicPolicy = one(resources, "aws:sns/topicPolicy:TopicPolicy", "events-policy");
    assert.deepEqual(doc(topicPolicy).Statement[1].Condition, {
      ArnEquals: { "aws:SourceArn": notify.state.arn },
    });
  });
});

// The contract every source module keeps: its fixtures are recognised by it (by no earlier source),
// map without problems to a finding of its declared kinds and a known OCSF class, with a title,
// the account and region; ids, kinds and forwarding rule names do not collide.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FINDING_CLASSES } from "../../../handlers/findings/model";
import { unwrap } from "../../../handlers/findings/envelopes";
import { SOURCES, findingOfRecord, forwardRules, sourceOf } from "../../../handlers/findings/registry";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "events");
const severity = { sshConfigRules: ["security-guard-restricted-ssh"] };

describe("source registry", () => {
  it("source ids and forwarding rule names are unique", () => {
    const ids = SOURCES.map((s) => s.id);
    assert.deepEqual(ids, [...new Set(ids)]);
    const names = forwardRules().map((r) => r.name);
    assert.deepEqual(names, [...new Set(names)]);
  });

  it("every spoke rule is named by a detection (the README's table), and every named rule exists", () => {
    const rules = forwardRules().map((r) => r.name);
    const named = SOURCES.flatMap((s) =>
      s.detects.flatMap((d) => d.rules ?? (s.forward ?? []).map((r) => r.name)),
    );
    assert.deepEqual(
      rules.filter((r) => !named.includes(r)),
      [],
    );
    assert.deepEqual(
      named.filter((r) => !rules.includes(r)),
      [],
    );
  });

  for (const source of SOURCES) {
    describe(source.id, () => {
      it("declares kinds, detections and at least one fixture", () => {
        assert.ok(source.kinds.length > 0);
        assert.ok(source.detects.length > 0 || !source.forward, "a forwarded source says what it detects");
        assert.ok(source.fixtures.length > 0, "a source has fixtures");
      });

      for (const rel of source.fixtures) {
        it(`${rel}: recognised by this source and mapped without problems`, () => {
          // A fixture may be a Lambda SNS or SQS event: its first record is this source's.
          const [record] = unwrap(JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), "utf8")));
          assert.ok(record.payload, "a JSON payload");
          assert.equal(sourceOf(record.payload, record)?.id, source.id);
          const out = findingOfRecord(record, severity);
          assert.deepEqual(out.problems, []);
          if (out.skip) return;
          const f = out.finding!;
          assert.ok(source.kinds.includes(f.kind), `kind ${f.kind} is declared`);
          assert.equal(f.class_uid, FINDING_CLASSES[f.class_name].class_uid);
          assert.equal(f.metadata.source, source.id);
          assert.ok(f.title.length > 0);
          if (f.class_name !== "other") {
            assert.match(f.cloud.account?.uid ?? "", /^\d{12}$/);
            assert.ok(f.cloud.region || f.cloud.region_label, "a region");
          }
          for (const l of f.links) assert.match(l.url, /^https:\/\//);
        });
      }
    });
  }
});

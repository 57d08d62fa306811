// A hand-written stand-in for EC2's query API, used only where moto cannot help: moto settles
// pending/stopping on the next DescribeInstances, so an instance that stays "stopping" (to test
// the bounded wait) cannot be made there. It answers DescribeInstances and StopInstances for one
// instance whose state follows a script, and records the actions called.
import * as http from "http";
import { AddressInfo } from "net";

const CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export class StuckEc2 {
  readonly actions: string[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  /** States returned by successive DescribeInstances calls; the last one repeats. */
  constructor(
    readonly instanceId: string,
    private states: string[],
  ) {}

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private state(name: string, tag = "instanceState"): string {
    return `<${tag}><code>${CODES[name]}</code><name>${name}</name></${tag}>`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const action = new URLSearchParams(body).get("Action") ?? "";
      this.actions.push(action);
      const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
      let xml: string;
      if (action === "DescribeInstances") {
        const s = this.states.length > 1 ? this.states.shift()! : this.states[0];
        xml =
          `<DescribeInstancesResponse ${ns}><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId>` +
          `<instancesSet><item><instanceId>${this.instanceId}</instanceId><instanceType>t3.micro</instanceType>${this.state(s)}` +
          `<tagSet><item><key>Name</key><value>stuck</value></item></tagSet></item></instancesSet></item></reservationSet>` +
          `</DescribeInstancesResponse>`;
      } else if (action === "StopInstances") {
        xml =
          `<StopInstancesResponse ${ns}><requestId>r</requestId><instancesSet><item><instanceId>${this.instanceId}</instanceId>` +
          `${this.state("stopping", "currentState")}${this.state("running", "previousState")}</item></instancesSet></StopInstancesResponse>`;
      } else {
        res.writeHead(400, { "content-type": "text/xml" });
        res.end(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors></Response>`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(xml);
    });
  }
}

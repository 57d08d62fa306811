// A loopback proxy in front of moto that records every AWS request (service, action, method,
// path) and can answer chosen actions with a scripted response: moto accepts any sts:AssumeRole
// (IAM auth is off for the shared server) and does not accept config.amazonaws.com as a delegated
// administrator service, so those two answers are scripted; everything else is forwarded to the
// real emulator. Modelled on test/handlers/remediator/faultProxy.ts, plus what a read-only proof
// needs: the HTTP method and path of REST calls (S3), which carry no action name.
import * as http from "http";
import { AddressInfo } from "net";

export interface RecordedRequest {
  method: string;
  path: string;
  /** From X-Amz-Target (JSON protocols), Action= (query protocols), or "" (REST: S3). */
  action: string;
}

export interface Scripted {
  /** The action (JSON and query protocols), or "" with `path` for a REST call. */
  action: string;
  /** REST calls, which carry no action name: the request path this answer is for. */
  path?: string;
  /** Only requests whose body contains this text (any request of the action when absent). */
  bodyIncludes?: string;
  status: number;
  body: string;
  contentType?: string;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function actionOf(req: http.IncomingMessage, body: string): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") return target.split(".").pop() ?? target;
  const rpc = /\/operation\/([A-Za-z]+)$/.exec(req.url ?? "");
  if (rpc) return rpc[1];
  return (
    new URLSearchParams(body).get("Action") ??
    new URL(req.url ?? "/", "http://x").searchParams.get("Action") ??
    ""
  );
}

export async function startRecordingProxy(
  targetUrl: string,
  scripted: Scripted[] = [],
): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const action = actionOf(req, raw.toString("utf8"));
      requests.push({ method: req.method ?? "", path: req.url ?? "", action });
      const text = raw.toString("utf8");
      const answer = scripted.find(
        (s) =>
          (s.path !== undefined ? (req.url ?? "").split("?")[0] === s.path : s.action === action) &&
          (s.bodyIncludes === undefined || text.includes(s.bodyIncludes)),
      );
      if (answer) {
        res.writeHead(answer.status, { "content-type": answer.contentType ?? "text/xml" });
        res.end(answer.body);
        return;
      }
      const fwd = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.on("error", (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      fwd.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** REST reads sent as POST: Inspector's BatchGetAccountStatus. */
const REST_POST_READS = ["/status/batch/get"];

/** Reads only: Describe/Get/List/Head/Scan/BatchGet actions, role sessions, and REST reads. */
export function isRead(r: RecordedRequest): boolean {
  if (r.action === "") return r.method === "GET" || r.method === "HEAD" || REST_POST_READS.includes(r.path);
  return /^(Describe|Get|List|Head|Scan|BatchGet)/.test(r.action) || r.action === "AssumeRole";
}

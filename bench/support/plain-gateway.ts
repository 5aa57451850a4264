// The Gatehouse MCP endpoint without Next.js: a bare node:http server that
// turns each request into a web Request and hands it to handleMcpRequest, the
// same function app/t/[tenant]/mcp/route.ts calls. It starts the gateway the
// way instrumentation.ts does. Comparing it with `next start` isolates what
// Next.js routing costs per request.
//   node --import tsx bench/support/plain-gateway.ts --port N      prints "listening <origin>"
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { initialize } from "@/lib/startup";
import { handleMcpRequest } from "@/lib/gateway/endpoint";

const { values } = parseArgs({ options: { port: { type: "string", default: "0" } } });

await initialize();

const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const match = /^\/t\/([^/]+)\/mcp$/.exec(url.pathname);
    if (!match) return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const aborted = new AbortController();
    res.once("close", () => aborted.abort());
    const hasBody = req.method === "POST";
    const request = new Request(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      signal: aborted.signal,
      ...(hasBody && { duplex: "half" }),
    } as RequestInit);
    const response = await handleMcpRequest(request, decodeURIComponent(match[1]!));
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    if (!response.body) return void res.end();
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    res.once("close", () => body.destroy());
    body.pipe(res);
  })().catch((e: unknown) => {
    console.error("[plain-gateway]", e);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
});

server.listen(Number(values.port), "127.0.0.1", () => {
  const { port } = server.address() as import("node:net").AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});

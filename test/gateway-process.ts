/**
 * A second Gatehouse process for tests: the MCP endpoint (lib/gateway, exactly
 * what the Next.js route calls) on a plain node:http server on 127.0.0.1, on
 * the same database. Prints `listening <origin>` once ready.
 *   node --import tsx test/gateway-process.ts
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { handleMcpRequest } from "@/lib/gateway/endpoint";
import { startGateway } from "@/lib/gateway/runtime";

await startGateway();

const server = http.createServer(async (req, res) => {
  const match = /^\/t\/([^/?]+)\/mcp(?:\?|$)/.exec(req.url ?? "");
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = req.method === "GET" || req.method === "DELETE" ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>);
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body, duplex: "half" } as RequestInit);
  const response = await handleMcpRequest(request, match[1]!);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  console.log(`listening http://127.0.0.1:${port}`);
});

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

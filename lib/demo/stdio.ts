// Runs the demo upstream over stdio. Gatehouse launches it as a supervised stdio
// server: process.execPath --import tsx <repo>/lib/demo/stdio.ts
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createDemoServer } from "./server";

await createDemoServer().connect(new StdioServerTransport());

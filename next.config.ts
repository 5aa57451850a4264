import type { NextConfig } from "next";

const config: NextConfig = {
  // Database drivers and the SDK load native/wasm assets at run time; bundling them breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@modelcontextprotocol/sdk", "undici"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};

export default config;

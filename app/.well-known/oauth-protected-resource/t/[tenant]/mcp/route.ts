import { protectedResourceMetadata } from "@/lib/gateway/resource-metadata";

type Context = { params: Promise<{ tenant: string }> };

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: Context) {
  return protectedResourceMetadata(req, (await params).tenant);
}

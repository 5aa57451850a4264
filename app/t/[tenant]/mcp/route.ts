import { handleMcpRequest } from "@/lib/gateway/endpoint";

type Context = { params: Promise<{ tenant: string }> };

const handle = async (req: Request, { params }: Context) => handleMcpRequest(req, (await params).tenant);

export const dynamic = "force-dynamic";
export { handle as GET, handle as POST, handle as DELETE, handle as PUT, handle as PATCH };

import { errorResponse } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";

const unknown = (req: Request) =>
  errorResponse(new AppError("not_found", `No such endpoint: ${req.method} ${new URL(req.url).pathname}. See /api/v1/openapi.json.`));

export { unknown as GET, unknown as POST, unknown as PATCH, unknown as PUT, unknown as DELETE };

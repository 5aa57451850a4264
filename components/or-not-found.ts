import { notFound } from "next/navigation";
import { isAppError } from "@/lib/errors";

/**
 * Reads something a page is about (a server, an agent, a role) and answers a
 * miss with the 404 page, the same one a tenant that does not exist gets.
 */
export async function orNotFound<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (isAppError(e) && e.code === "not_found") notFound();
    throw e;
  }
}

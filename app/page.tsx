import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getSignedInUser } from "@/lib/auth/session";
import { countUsers } from "@/lib/auth/users";
import { listTenantsForUser } from "@/lib/tenancy/tenants";

/** The front door: first run → setup; signed out → sign-in; otherwise the user's first tenant. */
export default async function Home() {
  await connection();
  const user = await getSignedInUser();
  if (!user) redirect((await countUsers()) === 0 ? "/setup" : "/sign-in");
  const [first] = await listTenantsForUser(user.id);
  redirect(first ? `/${first.tenant.slug}` : "/tenants/new");
}

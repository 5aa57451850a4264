import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { orNotFound } from "@/components/or-not-found";
import { PageHeader } from "@/components/page-header";
import { cardStyles, linkStyles } from "@/components/styles";
import { can } from "@/lib/rbac/permissions";
import { getServer } from "@/lib/registry/servers";
import { getTenantContext } from "../../../tenant-context";
import { ServerForm } from "../../_components/server-form";
import { updateServerAction } from "../../actions";

type Props = { params: Promise<{ tenant: string; name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${decodeURIComponent((await params).name)}` };
}

export default async function EditServerPage({ params }: Props) {
  const { tenant: slug, name: rawName } = await params;
  const name = decodeURIComponent(rawName);
  const ctx = await getTenantContext(slug);
  if (!can(ctx.role, "servers.write")) notFound();
  const server = await orNotFound(getServer(ctx, name));
  const back = `/${ctx.tenant.slug}/servers/${server.name}`;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={back} className={linkStyles}>
          ← {server.name}
        </Link>
      </p>
      <PageHeader title={`Edit ${server.name}`} description="Credentials are never shown; leave them empty to keep what is stored." />
      <div className={`${cardStyles} max-w-3xl p-5 sm:p-6`}>
        <ServerForm
          action={updateServerAction.bind(null, ctx.tenant.slug, server.name)}
          cancelHref={back}
          server={{
            name: server.name,
            description: server.description,
            tags: server.tags,
            transport: server.transport,
            url: server.url,
            namespace: server.namespace,
            auth: server.auth,
            timeoutMs: server.timeoutMs,
            source: server.source,
          }}
        />
      </div>
    </>
  );
}

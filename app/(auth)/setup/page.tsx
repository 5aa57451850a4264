import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AuthShell } from "@/components/auth-shell";
import { countUsers } from "@/lib/auth/users";
import { SetupForm } from "./_components/setup-form";

export const metadata: Metadata = { title: "Set up" };

/** First run only: once any account exists this page is gone for good. */
export default async function SetupPage() {
  await connection();
  if ((await countUsers()) > 0) redirect("/sign-in");
  return (
    <AuthShell
      wide
      title="Set up Gatehouse"
      description="Create the first owner account and the first tenant. This page is shown once, while no account exists."
    >
      <SetupForm />
    </AuthShell>
  );
}

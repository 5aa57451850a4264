"use client";

import { Alert } from "@/components/alert";
import { buttonStyles } from "@/components/styles";

/** A page of the console failed to render; the shell stays usable. Details are in the server log, never here. */
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-xl">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <Alert tone="error" className="mt-4">
        This page could not be loaded. Nothing was changed.
        {error.digest ? <span className="mt-1 block text-xs opacity-80">Reference: {error.digest}</span> : null}
      </Alert>
      <button type="button" onClick={reset} className={`${buttonStyles.secondary} mt-6`}>
        Try again
      </button>
    </div>
  );
}

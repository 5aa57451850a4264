"use client";

import { useState } from "react";
import type { ActionState } from "@/lib/actions";
import { TextField } from "./field";
import { fieldErrors, typed } from "./form-error";
import { slugify } from "./slugify";

type Props = {
  /** The form's action state: a failed submit refills the fields and shows their errors. */
  state: ActionState | undefined;
  nameField: string;
  slugField: string;
};

/**
 * Tenant name and slug, with the slug suggested from the name as the user types
 * until they edit the slug themselves.
 */
export function TenantFields({ state, nameField, slugField }: Props) {
  const initialName = typed(state, nameField);
  const initialSlug = typed(state, slugField);
  // A failed submit hands back what was typed; remount so the fields start from it.
  return (
    <Fields
      key={state && !state.ok ? JSON.stringify(state.values) : "initial"}
      nameField={nameField}
      slugField={slugField}
      initialName={initialName}
      initialSlug={initialSlug}
      errors={{ name: fieldErrors(state, nameField), slug: fieldErrors(state, slugField) }}
    />
  );
}

function Fields({
  nameField,
  slugField,
  initialName,
  initialSlug,
  errors,
}: {
  nameField: string;
  slugField: string;
  initialName: string;
  initialSlug: string;
  errors: { name?: string[]; slug?: string[] };
}) {
  const [name, setName] = useState(initialName);
  const [slug, setSlug] = useState(initialSlug);
  const [slugEdited, setSlugEdited] = useState(initialSlug !== "" && initialSlug !== slugify(initialName));

  return (
    <>
      <TextField
        name={nameField}
        label="Tenant name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          if (!slugEdited) setSlug(slugify(e.target.value));
        }}
        autoComplete="organization"
        maxLength={100}
        errors={errors.name}
        placeholder="Acme Security"
      />
      <TextField
        name={slugField}
        label="Tenant slug"
        value={slug}
        onChange={(e) => {
          setSlug(e.target.value);
          setSlugEdited(e.target.value !== "");
        }}
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        maxLength={40}
        errors={errors.slug}
        hint={
          <>
            Part of every URL: <span className="font-mono">/{slug || "your-slug"}</span>. Lowercase letters, digits and hyphens; cannot be changed later.
          </>
        }
        placeholder="acme-security"
      />
    </>
  );
}

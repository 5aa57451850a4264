"use client";

import { useState } from "react";
import { TextField } from "./field";
import { slugify } from "./slugify";

/**
 * Tenant name and slug, with the slug suggested from the name as the user types
 * until they edit the slug themselves.
 */
export function TenantFields({
  nameField,
  slugField,
  nameLabel,
  slugLabel,
  initialName = "",
  initialSlug = "",
  errors,
}: {
  nameField: string;
  slugField: string;
  nameLabel: string;
  slugLabel: string;
  initialName?: string;
  initialSlug?: string;
  errors: { name?: string[]; slug?: string[] };
}) {
  const [name, setName] = useState(initialName);
  const [slug, setSlug] = useState(initialSlug);
  const [slugEdited, setSlugEdited] = useState(initialSlug !== "" && initialSlug !== slugify(initialName));

  return (
    <>
      <TextField
        name={nameField}
        label={nameLabel}
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
        label={slugLabel}
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

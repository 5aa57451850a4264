import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { cx } from "./cx";
import { inputStyles, selectStyles, textareaStyles } from "./styles";

type FieldShell = {
  /** The input's name; also its id (prefixed) and the key of its errors. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  className?: string;
  /** Distinguishes ids when the same form appears more than once on a page. */
  idPrefix?: string;
};

function ids(name: string, idPrefix = "f") {
  const id = `${idPrefix}-${name}`;
  return { id, hintId: `${id}-hint`, errorId: `${id}-error` };
}

function describedBy(hintId: string, errorId: string, hint: unknown, errors?: string[]) {
  return [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ") || undefined;
}

function Shell({ id, hintId, errorId, label, hint, errors, className, children }: Omit<FieldShell, "name" | "idPrefix"> & { id: string; hintId: string; errorId: string; children: ReactNode }) {
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={errorId} className="text-xs font-medium text-red-600 dark:text-red-400">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled text input with an optional hint and its errors, tied together with aria-describedby. */
export function TextField({ name, label, hint, errors, className, idPrefix, ...input }: FieldShell & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  const { id, hintId, errorId } = ids(name, idPrefix);
  const invalid = Boolean(errors?.length);
  return (
    <Shell id={id} hintId={hintId} errorId={errorId} label={label} hint={hint} errors={errors} className={className}>
      <input
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
        className={inputStyles(invalid)}
        {...input}
      />
    </Shell>
  );
}

/** A labelled multi-line text input with an optional hint and its errors. */
export function TextAreaField({ name, label, hint, errors, className, idPrefix, ...textarea }: FieldShell & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id">) {
  const { id, hintId, errorId } = ids(name, idPrefix);
  const invalid = Boolean(errors?.length);
  return (
    <Shell id={id} hintId={hintId} errorId={errorId} label={label} hint={hint} errors={errors} className={className}>
      <textarea
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
        className={textareaStyles(invalid)}
        {...textarea}
      />
    </Shell>
  );
}

/** A labelled select with an optional hint and its errors. */
export function SelectField({
  name,
  label,
  hint,
  errors,
  className,
  idPrefix,
  options,
  ...select
}: FieldShell & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id"> & { options: ReadonlyArray<{ value: string; label: string }> }) {
  const { id, hintId, errorId } = ids(name, idPrefix);
  const invalid = Boolean(errors?.length);
  return (
    <Shell id={id} hintId={hintId} errorId={errorId} label={label} hint={hint} errors={errors} className={className}>
      <select
        id={id}
        name={name}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(hintId, errorId, hint, errors)}
        className={selectStyles(invalid)}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}

/** A field for choosing a password, with the length rule the server enforces. */
export function NewPasswordField({ name, label, note, errors }: { name: string; label: string; note?: string; errors?: string[] }) {
  return (
    <TextField
      name={name}
      label={label}
      type="password"
      autoComplete="new-password"
      minLength={MIN_PASSWORD_LENGTH}
      hint={`At least ${MIN_PASSWORD_LENGTH} characters.${note ? ` ${note}` : ""}`}
      errors={errors}
    />
  );
}

/** Shared class lists, so every control in the console looks and focuses alike. */

const buttonBase =
  "inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-md text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60";

export const buttonStyles = {
  primary: `${buttonBase} h-9 px-3.5 bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 dark:hover:bg-indigo-500`,
  secondary: `${buttonBase} h-9 px-3.5 border border-zinc-300 bg-white text-zinc-800 shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800`,
  danger: `${buttonBase} h-9 px-3.5 bg-red-600 text-white shadow-sm hover:bg-red-500 dark:bg-red-600 dark:hover:bg-red-500`,
  ghost: `${buttonBase} h-9 px-3 text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800`,
  small: `${buttonBase} h-8 px-2.5 border border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800`,
  smallDanger: `${buttonBase} h-8 px-2.5 border border-red-300 bg-white text-red-700 hover:bg-red-50 dark:border-red-900 dark:bg-zinc-900 dark:text-red-400 dark:hover:bg-red-950`,
} as const;

export type ButtonVariant = keyof typeof buttonStyles;

const controlBase =
  "block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-500 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-800";

export const inputStyles = (invalid: boolean) =>
  `${controlBase} h-9 read-only:bg-zinc-50 read-only:text-zinc-600 dark:read-only:bg-zinc-800/60 dark:read-only:text-zinc-300 ${invalid ? "border-red-500 dark:border-red-500" : "border-zinc-300 dark:border-zinc-700"}`;

export const textareaStyles = (invalid: boolean) =>
  `${controlBase} min-h-20 py-2 leading-relaxed ${invalid ? "border-red-500 dark:border-red-500" : "border-zinc-300 dark:border-zinc-700"}`;

export const selectStyles = (invalid = false) =>
  `${controlBase} h-9 pr-8 ${invalid ? "border-red-500 dark:border-red-500" : "border-zinc-300 dark:border-zinc-700"}`;

export const cardStyles = "rounded-lg border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900";

export const linkStyles =
  "font-medium text-indigo-600 underline-offset-2 hover:underline dark:text-indigo-400";

export const checkboxStyles = "size-4 shrink-0 rounded border-zinc-300 accent-indigo-600 dark:border-zinc-600";

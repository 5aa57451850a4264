import { RoleBadge } from "@/components/role-badge";
import { Table, Td, Th } from "@/components/table";
import { consoleRoles, PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_PERMISSIONS, type Permission } from "@/lib/rbac/permissions";

// Drawn, not typed, so a cell's text is exactly "Allowed" or "Not allowed".
function CheckMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="mx-auto size-4 text-indigo-600 dark:text-indigo-400" fill="none" stroke="currentColor" strokeWidth={2.25} strokeLinecap="round" strokeLinejoin="round">
      <path d="m3.5 8.5 3 3 6-7" />
    </svg>
  );
}

function DashMark() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="mx-auto size-4 text-zinc-300 dark:text-zinc-700" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round">
      <path d="M5.5 8h5" />
    </svg>
  );
}

/** The console roles and their permissions, rendered from the one table that enforces them. */
export function RoleMatrix() {
  const permissions = Object.keys(PERMISSIONS) as Permission[];
  return (
    <>
      <ul className="grid gap-x-6 gap-y-3 px-5 py-5 sm:grid-cols-2 lg:grid-cols-3">
        {consoleRoles.map((role) => (
          <li key={role} className="text-sm">
            <RoleBadge role={role} />
            <p className="mt-1 text-zinc-600 dark:text-zinc-400">{ROLE_DESCRIPTIONS[role]}</p>
          </li>
        ))}
      </ul>
      <Table caption="Permissions of each console role" minWidth="44rem">
        <thead>
          <tr>
            <Th>Permission</Th>
            {consoleRoles.map((role) => (
              <Th key={role} className="w-24 text-center">
                {role}
              </Th>
            ))}
          </tr>
        </thead>
        <tbody>
          {permissions.map((p) => (
            <tr key={p} className="hover:bg-zinc-50/60 dark:hover:bg-zinc-800/30">
              <th scope="row" className="border-b border-zinc-100 px-4 py-2.5 text-left font-normal dark:border-zinc-800/70">
                <span className="block font-mono text-xs text-zinc-900 dark:text-zinc-100">{p}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">{PERMISSIONS[p]}</span>
              </th>
              {consoleRoles.map((role) => {
                const allowed = ROLE_PERMISSIONS[role].includes(p);
                return (
                  <Td key={role} className="text-center">
                    {allowed ? (
                      <>
                        <CheckMark />
                        <span className="sr-only">Allowed</span>
                      </>
                    ) : (
                      <>
                        <DashMark />
                        <span className="sr-only">Not allowed</span>
                      </>
                    )}
                  </Td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}

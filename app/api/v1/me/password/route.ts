import { operations } from "@/lib/api/operations";
import { route } from "@/lib/api/operation";
import { changePassword } from "@/lib/auth/users";

export const POST = route(operations.changePassword, ({ user, body }) => changePassword(user.id, body));

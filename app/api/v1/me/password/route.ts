import { operations } from "@/lib/api/operations";
import { methods, route } from "@/lib/api/operation";
import { changePassword } from "@/lib/auth/users";

const post = route(operations.changePassword, ({ user, body }) => changePassword(user.id, body));

export const { GET, POST, PUT, PATCH, DELETE } = methods({ POST: post });

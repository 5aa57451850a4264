import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    /** When the user signed in (ms); re-issued cookies keep it, unlike `iat`. */
    authTime: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    authTime?: number;
  }
}

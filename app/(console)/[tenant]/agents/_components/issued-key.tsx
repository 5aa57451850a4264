"use client";

import { createContext, useContext, useState, type ReactNode } from "react";

type IssuedKeyState = { secret: string | null; setSecret: (secret: string) => void };

const IssuedKeyContext = createContext<IssuedKeyState>({ secret: null, setSecret: () => {} });

/**
 * Holds a key issued on this page view, so the Connect panel can fill it in.
 * It lives only in this browser tab's memory: a reload forgets it, as the
 * server never had it in the first place.
 */
export function IssuedKeyProvider({ children }: { children: ReactNode }) {
  const [secret, setSecret] = useState<string | null>(null);
  return <IssuedKeyContext value={{ secret, setSecret }}>{children}</IssuedKeyContext>;
}

export function useIssuedKey(): IssuedKeyState {
  return useContext(IssuedKeyContext);
}

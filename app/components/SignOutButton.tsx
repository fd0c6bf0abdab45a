"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      // The sign-out page confirms it: "You are signed out".
      onClick={() => signOut({ callbackUrl: "/signout" })}
      className="shrink-0 whitespace-nowrap rounded-full border border-zinc-500 px-3 py-1.5 text-sm text-zinc-200 hover:border-zinc-300 hover:text-white"
    >
      Sign out
    </button>
  );
}

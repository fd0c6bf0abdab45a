"use client";

import { signIn } from "next-auth/react";

export function SignInButton({ label = "Sign in with Spotify" }: { label?: string }) {
  return (
    <button
      type="button"
      onClick={() => signIn("spotify", { callbackUrl: "/recommendations" })}
      className="rounded-full bg-brand px-6 py-3 font-semibold text-black transition hover:brightness-110"
    >
      {label}
    </button>
  );
}
